#!/bin/bash
# Issue 17's claim: PMD over vfio_vdpa vs NetInterface (virtio_net) vs the bare ring, split, 1 pair, burst 32.
cd /work/main
exec benchmarks/interleave.py --rounds "${1:-5}" --iterations 4 "${2:-pt-out}" \
  "pt.PmdBenchmark -p frame=64 -p burst=32" \
  "NetInterfaceBenchmark.pairs1 -p ring=split -p frame=64 -p burst=32" \
  "ring.RingBenchmark -p ring=split -p payload=64 -p batch=32" \
  "pt.PmdBenchmark -p frame=1514 -p burst=32" \
  "NetInterfaceBenchmark.pairs1 -p ring=split -p frame=1514 -p burst=32"
