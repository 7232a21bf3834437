#!/usr/bin/env python3
"""Interleaved CPU cost per transfer of several builds of the ring (RingCpuCost: thread CPU time,
driver and device on one thread, so the figure holds on a loaded machine). Each round measures every
build in every configuration once; prints each figure per round and the median.

usage: benchmarks/ring-cpu-cost.py [--rounds N] [NAME=JAR ...]
  without NAME=JAR: the current build (benchmarks/target/benchmarks.jar) only; an older build's jar
  is put first on the class path, ahead of the current one, which supplies the harness.
"""
import argparse
import os
import statistics
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
OWN = os.path.join(HERE, "target", "benchmarks.jar")
CONFIGS = [("split", "64"), ("split", "1500"), ("packed", "64"), ("packed", "1500")]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("builds", nargs="*")
    a = ap.parse_args()
    builds = [b.split("=", 1) for b in a.builds] or [["current", OWN]]
    got = {}
    for r in range(1, a.rounds + 1):
        for ring, payload in CONFIGS:
            for name, jar in builds:
                cp = jar if os.path.samefile(jar, OWN) else f"{jar}:{OWN}"
                out = subprocess.run(["java", "-cp", cp, "net.vdpa.benchmarks.ring.RingCpuCost", ring, payload],
                                     capture_output=True, text=True, check=True).stdout
                ns = float(out.split()[1])
                got.setdefault((ring, payload, name), []).append(ns)
                print(f"round {r} {ring} {payload} B {name}: {ns:.1f} ns", flush=True)
    print()
    print("| ring, payload | " + " | ".join(n for n, _ in builds) + " |")
    print("|---|" + "---|" * len(builds))
    for ring, payload in CONFIGS:
        cells = []
        for name, _ in builds:
            xs = got[(ring, payload, name)]
            cells.append(f"{statistics.median(xs):.1f} ({min(xs):.1f}-{max(xs):.1f})")
        print(f"| {ring} {payload} B | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
