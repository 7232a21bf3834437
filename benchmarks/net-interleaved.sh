#!/bin/bash
# Interleaved NetInterface benchmarks: each round runs one JMH fork of every configuration back to
# back, each started on a quiet machine (see interleave.py), each bare ring rate right before the
# NetInterface figures it is the baseline of. Each NetInterface fork boots its own OSGi framework with
# the project's bundles. The tables (OUTDIR/summary.md) and the chart (OUTDIR/ratios.svg) are written at the end.
# usage: benchmarks/net-interleaved.sh [ROUNDS] [OUTDIR]
#   (after 'mvn -B -pl benchmarks -am package -DskipTests')
exec "$(dirname "$0")/interleave.py" --rounds "${1:-5}" --iterations 4 "${2:-net-interleaved}" \
  "ring.RingBenchmark -p ring=split -p payload=64 -p batch=32" \
  "NetInterfaceBenchmark.pairs1 -p ring=split -p frame=64 -p burst=32 -p rx=push" \
  "NetInterfaceBenchmark.pairs2 -p ring=split -p frame=64 -p burst=32 -p rx=push" \
  "ring.RingBenchmark -p ring=packed -p payload=64 -p batch=32" \
  "NetInterfaceBenchmark.pairs1 -p ring=packed -p frame=64 -p burst=32 -p rx=push" \
  "NetInterfaceBenchmark.pairs2 -p ring=packed -p frame=64 -p burst=32 -p rx=push" \
  "ring.RingBenchmark -p ring=split -p payload=1500 -p batch=32" \
  "NetInterfaceBenchmark.pairs1 -p ring=split -p frame=1514 -p burst=32 -p rx=push" \
  "NetInterfaceBenchmark.pairs2 -p ring=split -p frame=1514 -p burst=32 -p rx=push" \
  "ring.RingBenchmark -p ring=packed -p payload=1500 -p batch=32" \
  "NetInterfaceBenchmark.pairs1 -p ring=packed -p frame=1514 -p burst=32 -p rx=push" \
  "NetInterfaceBenchmark.pairs2 -p ring=packed -p frame=1514 -p burst=32 -p rx=push" \
  "NetInterfaceBenchmark.pairs1 -p ring=split -p frame=64 -p burst=1 -p rx=push" \
  "NetInterfaceBenchmark.pairs1 -p ring=split -p frame=64 -p burst=32 -p rx=poll" \
  "NetInterfaceBenchmark.pairs1 -p ring=split -p frame=1514 -p burst=32 -p rx=poll"
