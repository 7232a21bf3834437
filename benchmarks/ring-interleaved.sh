#!/bin/bash
# Interleaved ring benchmarks: each round runs one JMH fork of every configuration back to back, so a
# baseline and the ring figures compared with it are measured seconds apart. On a machine shared
# with other work this gives steadier ratios than one long run per configuration.
# usage: benchmarks/ring-interleaved.sh [ROUNDS] [OUTDIR]   (after building benchmarks/target/benchmarks.jar)
set -e
J=$(dirname "$0")/target/benchmarks.jar
rounds=${1:-4}
out=${2:-ring-interleaved}
mkdir -p "$out"
for r in $(seq 1 "$rounds"); do
  i=0
  for cfg in "JctoolsPairBenchmark -p payload=64" \
             "ring.RingBenchmark -p ring=split -p payload=64 -p batch=32" \
             "ring.RingBenchmark -p ring=packed -p payload=64 -p batch=32" \
             "AgronaRingBenchmark -p payload=1500" \
             "ring.RingBenchmark -p ring=split -p payload=1500 -p batch=32" \
             "ring.RingBenchmark -p ring=packed -p payload=1500 -p batch=32" \
             "ring.RingBenchmark -p ring=split -p payload=64 -p batch=1" \
             "ring.RingBenchmark -p ring=packed -p payload=64 -p batch=1"; do
    i=$((i + 1))
    # shellcheck disable=SC2086
    java -jar "$J" $cfg -f 1 -wi 2 -w 1s -i 3 -r 1s -rf json -rff "$out/r$r-c$i.json" > "$out/r$r-c$i.txt" 2>&1
    echo "$(date +%T) round $r config $i load $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$out/log"
  done
done
