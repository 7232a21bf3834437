#!/bin/bash
# Interleaved ring benchmarks beside their baselines: each round runs one JMH fork of every
# configuration back to back, each started on a quiet machine (see interleave.py), the shared
# fair baseline (../shared/perf-baseline, "base::") beside the project's own baselines and rings.
# usage: benchmarks/ring-interleaved.sh [ROUNDS] [OUTDIR]   (after building benchmarks/target/benchmarks.jar
#   and ../shared/perf-baseline/target/benchmarks.jar, or PERF_BASELINE_JAR=... pointing at a build of it)
# Every fork runs with direct buffers page-aligned: the shared baseline allocates its producer's
# template and its consumer's buffer with ByteBuffer.allocateDirect one after the other, so that in
# a third or more of its JVMs the two share a cache line and it runs at about 0.45-0.7x its rate
# (benchmarks/README.md, session s57); the project's benchmarks put those buffers on lines of their
# own (Slab.own) and do not need it, but run with it too, so that every fork runs alike.
exec "$(dirname "$0")/interleave.py" --rounds "${1:-5}" --jmh "-jvmArgsPrepend -Dsun.nio.PageAlignDirectMemory=true" \
  "${2:-ring-interleaved}" \
  "base::JcToolsPairBench -p payload=64" \
  "JctoolsPairBenchmark -p payload=64" \
  "ring.RingBenchmark -p ring=split -p payload=64 -p batch=32" \
  "ring.RingBenchmark -p ring=packed -p payload=64 -p batch=32" \
  "PlainSplitBenchmark -p payload=64" \
  "base::AgronaBench -p payload=1500" \
  "AgronaRingBenchmark -p payload=1500" \
  "ring.RingBenchmark -p ring=split -p payload=1500 -p batch=32" \
  "ring.RingBenchmark -p ring=packed -p payload=1500 -p batch=32"
