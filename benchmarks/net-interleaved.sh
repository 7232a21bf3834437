#!/bin/bash
# Interleaved NetInterface benchmarks: each round runs one JMH fork of every configuration back to
# back, each bare ring rate right before the NetInterface figures it is the baseline of, so a ratio
# compares figures measured seconds apart. Each NetInterface fork boots its own OSGi framework with
# the project's bundles. Summarise with benchmarks/interleaved-summary.py OUTDIR.
# usage: benchmarks/net-interleaved.sh [ROUNDS] [OUTDIR]
#   (after 'mvn -B -pl benchmarks -am package -DskipTests'; run from the repository root)
set -e
here=$(cd "$(dirname "$0")" && pwd)
J=$here/target/benchmarks.jar
B=$here/target/bundles
rounds=${1:-3}
out=${2:-net-interleaved}
mkdir -p "$out"
for r in $(seq 1 "$rounds"); do
  i=0
  for cfg in "ring.RingBenchmark -p ring=split -p payload=64 -p batch=32" \
             "NetInterfaceBenchmark.pairs1 -p ring=split -p frame=64 -p burst=32" \
             "NetInterfaceBenchmark.pairs2 -p ring=split -p frame=64 -p burst=32" \
             "ring.RingBenchmark -p ring=packed -p payload=64 -p batch=32" \
             "NetInterfaceBenchmark.pairs1 -p ring=packed -p frame=64 -p burst=32" \
             "NetInterfaceBenchmark.pairs2 -p ring=packed -p frame=64 -p burst=32" \
             "ring.RingBenchmark -p ring=split -p payload=1500 -p batch=32" \
             "NetInterfaceBenchmark.pairs1 -p ring=split -p frame=1514 -p burst=32" \
             "NetInterfaceBenchmark.pairs2 -p ring=split -p frame=1514 -p burst=32" \
             "ring.RingBenchmark -p ring=packed -p payload=1500 -p batch=32" \
             "NetInterfaceBenchmark.pairs1 -p ring=packed -p frame=1514 -p burst=32" \
             "NetInterfaceBenchmark.pairs2 -p ring=packed -p frame=1514 -p burst=32" \
             "NetInterfaceBenchmark.pairs1 -p ring=split -p frame=64 -p burst=1"; do
    i=$((i + 1))
    # shellcheck disable=SC2086
    java -Dvdpa.bench.bundles="$B" -jar "$J" $cfg -f 1 -wi 2 -w 1s -i 4 -r 1s -rf json -rff "$out/r$r-c$i.json" \
      > "$out/r$r-c$i.txt" 2>&1
    echo "$(date +%T) round $r/$rounds config $i/13 ($cfg) load $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$out/log"
  done
done
