#!/bin/bash
# Runs JMH configurations interleaved: each round runs one fork of every configuration back to back,
# so figures compared with each other are measured seconds apart. Used by ring-interleaved.sh and
# net-interleaved.sh; summarise the output folder with interleaved-summary.py.
# usage: benchmarks/interleave.sh ROUNDS OUTDIR "CONFIG" ["CONFIG" ...]
#   CONFIG: a benchmark regex and its JMH options, e.g. "ring.RingBenchmark -p ring=split -p batch=32"
set -e
here=$(cd "$(dirname "$0")" && pwd)
J=$here/target/benchmarks.jar
B=$here/target/bundles
rounds=$1
out=$2
shift 2
if [ ! -f "$J" ]; then
  echo "$J is missing: run 'mvn -B -pl benchmarks -am package -DskipTests' first" >&2
  exit 1
fi
mkdir -p "$out"
for r in $(seq 1 "$rounds"); do
  i=0
  for cfg in "$@"; do
    i=$((i + 1))
    # shellcheck disable=SC2086
    java -Dvdpa.bench.bundles="$B" -jar "$J" $cfg -f 1 -wi 2 -w 1s -i "${INTERLEAVE_ITERATIONS:-3}" -r 1s \
      -rf json -rff "$out/r$r-c$i.json" > "$out/r$r-c$i.txt" 2>&1
    echo "$(date +%T) round $r/$rounds config $i/$# ($cfg) load $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$out/log"
  done
done
