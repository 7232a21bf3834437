#!/bin/bash
# CPU time per frame of the poll-mode path (PmdCpuCost) and the NetInterface path (NetCpuCost),
# interleaved: thread CPU time of the two threads of each path, which holds on a loaded machine.
# usage: benchmarks/pt-cpu-cost.sh [ROUNDS] [FRAME...]   (from the repository root, after
#        'mvn -B -DskipTests package -pl benchmarks -am'); PT_BASE_BUNDLES=DIR adds the PMD of an
#        older build's bundle folder (a copy of benchmarks/target/bundles) to each round.
rounds=${1:-5}; shift
frames=${*:-64 1514}
jar=benchmarks/target/benchmarks.jar
bundles=benchmarks/target/bundles
for r in $(seq 1 "$rounds"); do
  for f in $frames; do
    if [ -n "$PT_BASE_BUNDLES" ]; then
      echo "$r $f pmd-base $(java -Dvdpa.bench.bundles="$PT_BASE_BUNDLES" -cp $jar net.vdpa.benchmarks.pt.PmdCpuCost "$f" | grep cpu_ns)"
    fi
    echo "$r $f pmd $(java -Dvdpa.bench.bundles=$bundles -cp $jar net.vdpa.benchmarks.pt.PmdCpuCost "$f" | grep cpu_ns)"
    echo "$r $f net $(java -Dvdpa.bench.bundles=$bundles -cp $jar net.vdpa.benchmarks.net.NetCpuCost "$f" | grep cpu_ns)"
  done
done
