#!/usr/bin/env python3
"""Summarises an interleaved run (interleave.py, ring-interleaved.sh, net-interleaved.sh): per
configuration the figure of every round, with the probe's cross-core round trip and the other
processes' load of that fork, disturbed forks marked with *; then the ratios the targets in
PERFORMANCE.md ask for, computed inside each round (a figure and its baseline measured seconds
apart), with their median over all rounds and over the rounds where neither fork was disturbed.

The ratios are also drawn, one panel each with its must and goal lines where PERFORMANCE.md sets
them, into OUTDIR/ratios.svg (ratio_chart.py).

usage: benchmarks/interleaved-summary.py OUTDIR [--ratio 'NAME=REGEX_A/REGEX_B' ...]
                                               [--target 'NAME=MUST[/GOAL]' ...]
  a configuration's label is "[TAG ]Benchmark.group params" (TAG: base for ../shared/perf-baseline,
  a jar's name for an older build, nothing for the current one); ratios match labels in full.
"""
import argparse
import glob
import json
import os
import re
import statistics

import ratio_chart

# must and goal of the measures PERFORMANCE.md and the issues set, by ratio name
TARGETS = {
    "split 64 B batched / shared JCTools pair 64 B": (1.0, 1.5),
    "split 64 B batched / JCTools pair 64 B": (1.0, 1.5),
    "split 1500 B batched / Agrona 1500 B": (1.2, 1.5),
    "split 1500 B batched / shared Agrona 1500 B": (1.2, 1.5),
    "packed / split, 64 B batched": (0.9, 1.1),
    "packed / split, 1500 B batched": (0.9, 1.1),
    "NetInterface split 64 B burst 32, 1 pair / bare ring 64 B": (0.5, None),
    "NetInterface split 1514 B burst 32, 1 pair / bare ring 1500 B": (0.5, 0.8),
}


def figure(bench):
    """The figure a configuration is read from: transfers (ring, baselines), or frames received."""
    m = bench["secondaryMetrics"]
    for key in ("transfers", "received", "completed"):
        if key in m:
            return m[key]["score"]
    return None


def label(tag, bench):
    parts = bench["benchmark"].split(".")
    params = ",".join(f"{k}={v}" for k, v in sorted(bench.get("params", {}).items()))
    return (f"{tag} " if tag else "") + f"{parts[-2]}.{parts[-1]} {params}"


DEFAULT_RATIOS = [
    ("own JCTools pair / shared baseline's, 64 B", r"JctoolsPairBenchmark\.jctools payload=64",
     r"base JcToolsPairBench\.pair payload=64"),
    ("own JCTools pair / shared baseline's, 1500 B", r"JctoolsPairBenchmark\.jctools payload=1500",
     r"base JcToolsPairBench\.pair payload=1500"),
    ("own Agrona / shared baseline's, 64 B", r"AgronaRingBenchmark\.agrona payload=64",
     r"base AgronaBench\.agrona payload=64"),
    ("own Agrona / shared baseline's, 1500 B", r"AgronaRingBenchmark\.agrona payload=1500",
     r"base AgronaBench\.agrona payload=1500"),
    ("split 64 B batched / JCTools pair 64 B", r"RingBenchmark\.ring batch=32,payload=64,ring=split",
     r"JctoolsPairBenchmark\.jctools payload=64"),
    ("split 64 B batched / shared JCTools pair 64 B", r"RingBenchmark\.ring batch=32,payload=64,ring=split",
     r"base JcToolsPairBench\.pair payload=64"),
    ("split 1500 B batched / Agrona 1500 B", r"RingBenchmark\.ring batch=32,payload=1500,ring=split",
     r"AgronaRingBenchmark\.agrona payload=1500"),
    ("split 1500 B batched / shared Agrona 1500 B", r"RingBenchmark\.ring batch=32,payload=1500,ring=split",
     r"base AgronaBench\.agrona payload=1500"),
    ("packed / split, 64 B batched", r"RingBenchmark\.ring batch=32,payload=64,ring=packed",
     r"RingBenchmark\.ring batch=32,payload=64,ring=split"),
    ("packed / split, 1500 B batched", r"RingBenchmark\.ring batch=32,payload=1500,ring=packed",
     r"RingBenchmark\.ring batch=32,payload=1500,ring=split"),
    ("packed / split, 64 B unbatched", r"RingBenchmark\.ring batch=1,payload=64,ring=packed",
     r"RingBenchmark\.ring batch=1,payload=64,ring=split"),
]
for _ring in ("split", "packed"):
    for _frame, _payload in (("64", "64"), ("1514", "1500")):
        _bare = rf"RingBenchmark\.ring batch=32,payload={_payload},ring={_ring}"
        for _burst in ("1", "32"):
            DEFAULT_RATIOS.append((f"NetInterface {_ring} {_frame} B burst {_burst}, 1 pair / bare ring {_payload} B",
                                   rf"NetInterfaceBenchmark\.pairs1 burst={_burst},frame={_frame},ring={_ring}", _bare))
            DEFAULT_RATIOS.append((f"NetInterface {_ring} {_frame} B burst {_burst}, 2 pairs / 1 pair",
                                   rf"NetInterfaceBenchmark\.pairs2 burst={_burst},frame={_frame},ring={_ring}",
                                   rf"NetInterfaceBenchmark\.pairs1 burst={_burst},frame={_frame},ring={_ring}"))


def load(out):
    """{label: {round: (figure, fork record)}}."""
    forks = {}
    path = os.path.join(out, "forks.jsonl")
    if os.path.exists(path):
        for line in open(path):
            rec = json.loads(line)
            forks[(rec["round"], rec["config"])] = rec
    rows = {}
    for p in glob.glob(os.path.join(out, "r*-c*.json")):
        m = re.search(r"r(\d+)-c(\d+)\.json$", p)
        if not m:  # an earlier, disturbed attempt kept beside the one that counts
            continue
        r, c = int(m.group(1)), int(m.group(2))
        rec = forks.get((r, c), {"tag": "", "disturbed": False, "rtt_ns": float("nan"), "others_cpus": float("nan")})
        try:
            data = json.load(open(p))
        except ValueError:
            continue
        for bench in data:
            f = figure(bench)
            if f is not None:
                rows.setdefault(label(rec.get("tag", ""), bench), {})[r] = (f, rec)
    return rows


def med(xs):
    return f"{statistics.median(xs):.2f}" if xs else "-"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--ratio", action="append", default=[], help="NAME=REGEX_A/REGEX_B")
    ap.add_argument("--target", action="append", default=[], help="NAME=MUST[/GOAL] for a ratio's chart panel")
    a = ap.parse_args()
    rows = load(a.out)
    if not rows:
        raise SystemExit(f"no results in {a.out}")
    print("| configuration | per round, M/s (* = disturbed fork) | median | median, undisturbed | "
          "probe round trip, ns | others' load, CPUs |")
    print("|---|---|---|---|---|---|")
    for key in sorted(rows):
        v = rows[key]
        rs = sorted(v)
        cells = [f"{v[r][0] / 1e6:.2f}{'*' if v[r][1]['disturbed'] else ''}" for r in rs]
        print(f"| {key} | {' / '.join(cells)} | {med([v[r][0] / 1e6 for r in rs])} | "
              f"{med([v[r][0] / 1e6 for r in rs if not v[r][1]['disturbed']])} | "
              f"{' '.join(format(v[r][1]['rtt_ns'], '.0f') for r in rs)} | "
              f"{' '.join(format(v[r][1]['others_cpus'], '.2f') for r in rs)} |")
    ratios = list(DEFAULT_RATIOS)
    for spec in a.ratio:
        name, pair = spec.split("=", 1)
        num, den = pair.split("/", 1)
        ratios.append((name, num, den))

    def find(pattern):
        hits = [k for k in rows if re.fullmatch(pattern, k)]
        return rows[hits[0]] if len(hits) == 1 else None

    targets = dict(TARGETS)
    for spec in a.target:
        name, values = spec.split("=", 1)
        must, _, goal = values.partition("/")
        targets[name] = (float(must), float(goal) if goal else None)
    panels = []

    print()
    print("| ratio (same round) | per round (* = a fork disturbed) | median, all rounds | median, undisturbed rounds |")
    print("|---|---|---|---|")
    for name, num, den in ratios:
        x, y = find(num), find(den)
        if not x or not y:
            continue
        rs = [r for r in sorted(x) if r in y]
        if not rs:
            continue
        q = {r: x[r][0] / y[r][0] for r in rs}
        bad = {r for r in rs if x[r][1]["disturbed"] or y[r][1]["disturbed"]}
        cells = " / ".join(f"{q[r]:.2f}{'*' if r in bad else ''}" for r in rs)
        print(f"| {name} | {cells} | {med(list(q.values()))}× | "
              f"{med([q[r] for r in rs if r not in bad])}× ({len(rs) - len(bad)} of {len(rs)}) |")
        must, goal = targets.get(name, (None, None))
        panels.append((name, [(r, q[r], r in bad) for r in rs], must, goal))
    if panels:
        chart = os.path.join(a.out, "ratios.svg")
        ratio_chart.write(chart, panels, f"per-round ratios: {os.path.basename(os.path.abspath(a.out))}")
        print(f"\nchart: {chart}")


if __name__ == "__main__":
    main()
