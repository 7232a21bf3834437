#!/bin/bash
# Interleaved ring benchmarks: each round runs one JMH fork of every configuration back to back, so a
# baseline and the ring figures compared with it are measured seconds apart. On a machine shared
# with other work this gives steadier ratios than one long run per configuration.
# usage: benchmarks/ring-interleaved.sh [ROUNDS] [OUTDIR]   (after building benchmarks/target/benchmarks.jar)
exec "$(dirname "$0")/interleave.sh" "${1:-4}" "${2:-ring-interleaved}" \
  "JctoolsPairBenchmark -p payload=64" \
  "ring.RingBenchmark -p ring=split -p payload=64 -p batch=32" \
  "ring.RingBenchmark -p ring=packed -p payload=64 -p batch=32" \
  "AgronaRingBenchmark -p payload=1500" \
  "ring.RingBenchmark -p ring=split -p payload=1500 -p batch=32" \
  "ring.RingBenchmark -p ring=packed -p payload=1500 -p batch=32" \
  "ring.RingBenchmark -p ring=split -p payload=64 -p batch=1" \
  "ring.RingBenchmark -p ring=packed -p payload=64 -p batch=1"
