#!/bin/bash
# Issue 16's claims: VF to VF through a SmartNIC's legacy switch against the simulated NIC's loopback
# (each loopback figure right before the VF figures it is the baseline of), and VF to VF by a
# switchdev rule against the same through the learning bridge, at 64 B and 1514 B, one queue pair,
# one sender, bursts of 32. The tables (OUTDIR/summary.md) and the chart (OUTDIR/ratios.svg) are
# written at the end.
# usage: benchmarks/smartnic-interleaved.sh [ROUNDS] [OUTDIR]
#   (after 'mvn -B -pl benchmarks -am package -DskipTests')
exec "$(dirname "$0")/interleave.py" --rounds "${1:-5}" --iterations 4 "${2:-smartnic-interleaved}" \
  --ratio "vf-to-vf/loopback 64=path=vf-to-vf -p frame=64$/path=simnet-loopback -p frame=64$" \
  --ratio "vf-to-vf/loopback 1514=path=vf-to-vf -p frame=1514$/path=simnet-loopback -p frame=1514$" \
  --ratio "rule/bridge 64=path=vf-to-vf-rule -p frame=64$/path=vf-to-vf -p frame=64$" \
  --ratio "rule/bridge 1514=path=vf-to-vf-rule -p frame=1514$/path=vf-to-vf -p frame=1514$" \
  "SmartNicBenchmark -p path=simnet-loopback -p frame=64" \
  "SmartNicBenchmark -p path=vf-to-vf -p frame=64" \
  "SmartNicBenchmark -p path=vf-to-vf-rule -p frame=64" \
  "SmartNicBenchmark -p path=simnet-loopback -p frame=1514" \
  "SmartNicBenchmark -p path=vf-to-vf -p frame=1514" \
  "SmartNicBenchmark -p path=vf-to-vf-rule -p frame=1514"
