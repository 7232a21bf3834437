#!/usr/bin/env python3
"""Summarises an interleaved run (ring-interleaved.sh or net-interleaved.sh): per configuration the
figure of every round, the median and the spread; then the ratios the targets in PERFORMANCE.md ask
for, computed inside each round (a figure and its baseline measured seconds apart) and their median.

usage: benchmarks/interleaved-summary.py OUTDIR
"""
import glob
import json
import re
import statistics
import sys


def figure(bench):
    """The figure a configuration is read from: ring transfers, or NetInterface frames received."""
    name = bench["benchmark"]
    metrics = bench["secondaryMetrics"]
    for key in ("transfers", "received"):
        if key in metrics and (key == "received" or name.endswith((".ring", ".jctools", ".agrona"))):
            return metrics[key]["score"]
    return None


def label(bench):
    name = bench["benchmark"].split(".")[-2] + "." + bench["benchmark"].split(".")[-1]
    params = ",".join(f"{k}={v}" for k, v in sorted(bench.get("params", {}).items()))
    return f"{name} {params}"


def main(out):
    rounds = {}
    for path in glob.glob(f"{out}/r*-c*.json"):
        r = int(re.search(r"r(\d+)-c\d+\.json$", path).group(1))
        try:
            data = json.load(open(path))
        except ValueError:
            continue
        for bench in data:
            f = figure(bench)
            if f is not None:
                rounds.setdefault(label(bench), {})[r] = f
    if not rounds:
        sys.exit(f"no results in {out}")
    print("| configuration | per round (M/s) | median | min - max |")
    print("|---|---|---|---|")
    for key in sorted(rounds):
        v = rounds[key]
        xs = [v[r] / 1e6 for r in sorted(v)]
        print(f"| {key} | {' / '.join(f'{x:.2f}' for x in xs)} | {statistics.median(xs):.2f} | "
              f"{min(xs):.2f} - {max(xs):.2f} |")

    def find(pattern):
        hits = [k for k in rounds if re.fullmatch(pattern, k)]
        return rounds[hits[0]] if len(hits) == 1 else None

    ratios = [
        ("split 64 B batched / JCTools pair 64 B", r"RingBenchmark\.ring batch=32,payload=64,ring=split",
         r"JctoolsPairBenchmark\.jctools payload=64"),
        ("split 1500 B batched / Agrona 1500 B", r"RingBenchmark\.ring batch=32,payload=1500,ring=split",
         r"AgronaRingBenchmark\.agrona payload=1500"),
        ("packed / split, 64 B batched", r"RingBenchmark\.ring batch=32,payload=64,ring=packed",
         r"RingBenchmark\.ring batch=32,payload=64,ring=split"),
        ("packed / split, 1500 B batched", r"RingBenchmark\.ring batch=32,payload=1500,ring=packed",
         r"RingBenchmark\.ring batch=32,payload=1500,ring=split"),
        ("packed / split, 64 B unbatched", r"RingBenchmark\.ring batch=1,payload=64,ring=packed",
         r"RingBenchmark\.ring batch=1,payload=64,ring=split"),
    ]
    for ring in ("split", "packed"):
        for frame, payload in (("64", "64"), ("1514", "1500")):
            bare = rf"RingBenchmark\.ring batch=32,payload={payload},ring={ring}"
            for burst in ("1", "32"):
                ratios.append((f"NetInterface {ring} {frame} B burst {burst}, 1 pair / bare ring {payload} B",
                               rf"NetInterfaceBenchmark\.pairs1 burst={burst},frame={frame},ring={ring}", bare))
                ratios.append((f"NetInterface {ring} {frame} B burst {burst}, 2 pairs / 1 pair",
                               rf"NetInterfaceBenchmark\.pairs2 burst={burst},frame={frame},ring={ring}",
                               rf"NetInterfaceBenchmark\.pairs1 burst={burst},frame={frame},ring={ring}"))
    print()
    print("| ratio (same round) | per round | median |")
    print("|---|---|---|")
    for name, a, b in ratios:
        x, y = find(a), find(b)
        if not x or not y:
            continue
        rs = [x[r] / y[r] for r in sorted(x) if r in y]
        if rs:
            print(f"| {name} | {' / '.join(f'{q:.2f}' for q in rs)} | {statistics.median(rs):.2f} |")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
