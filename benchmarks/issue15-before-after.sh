#!/bin/bash
# Issue 15 before/after: bus bind (1,000 devices) and NetInterface 64 B / 1514 B, split, 1 pair.
# before = 7a981e2 (just before the device core and the bus split), after = main at 9e9caeb.
cd /work/main
exec benchmarks/interleave.py --rounds "${1:-5}" --iterations 4 "${2:-issue15-out}" \
  "/tmp/before15/before15.jar::BusBindBenchmark -p devices=1000 -p impl=bus" \
  "/tmp/after15/after15.jar::BusBindBenchmark -p devices=1000 -p impl=bus" \
  "/tmp/before15/before15.jar::NetInterfaceBenchmark.pairs1 -p ring=split -p frame=64 -p burst=32" \
  "/tmp/after15/after15.jar::NetInterfaceBenchmark.pairs1 -p ring=split -p frame=64 -p burst=32" \
  "/tmp/before15/before15.jar::NetInterfaceBenchmark.pairs1 -p ring=split -p frame=1514 -p burst=32" \
  "/tmp/after15/after15.jar::NetInterfaceBenchmark.pairs1 -p ring=split -p frame=1514 -p burst=32"
