#!/bin/bash
# Issue 20's claim: a UDP cable between two runtimes (two frameworks in one JVM, each NIC's port on
# a UDP socket facing the other's on the loopback interface) against a plain Java DatagramChannel
# sender/receiver pair, same bursts of 32, same counting, at 64 B and 1514 B; each baseline right
# before the cable figure it is compared with. The tables (OUTDIR/summary.md) and the chart
# (OUTDIR/ratios.svg) are written at the end.
# usage: benchmarks/udp-interleaved.sh [ROUNDS] [OUTDIR]
#   (after 'mvn -B -pl benchmarks -am package -DskipTests')
exec "$(dirname "$0")/interleave.py" --rounds "${1:-5}" --iterations 4 "${2:-udp-interleaved}" \
  "UdpCableBenchmark -p path=datagram-channel -p frame=64" \
  "UdpCableBenchmark -p path=udp-cable -p frame=64" \
  "UdpCableBenchmark -p path=datagram-channel -p frame=1514" \
  "UdpCableBenchmark -p path=udp-cable -p frame=1514"
