#!/usr/bin/env python3
"""Summarises an interleaved run (interleave.py, ring-interleaved.sh, net-interleaved.sh): per
configuration the figure of every round, with the probe's cross-core round trip and the other
processes' load of that fork, disturbed forks marked with *; then the ratios the targets in
PERFORMANCE.md ask for, computed inside each round (a figure and its baseline measured seconds
apart), with their median over all rounds and over the rounds where neither fork was disturbed, an
interval for the all-rounds median that holds the median of what such rounds sample with at least
90% confidence if the rounds are independent (from the rounds' order alone: the host's modes make
the ratios far from normal), and whether that decides the ratio's must: met (the interval at or
above it), not met (wholly below) or undecided.

Both tables also go to OUTDIR/summary.md, and the ratios are drawn, one panel each with its must and
goal lines where PERFORMANCE.md sets them, into OUTDIR/ratios.svg (ratio_chart.py), which summary.md
shows. interleave.py runs this at the end of every run.

The default ratios cover every interleaving script: ring and NetInterface (ring-, net-interleaved.sh),
block I/O (blk-interleaved.sh: BlockDevice against FileChannel at the same depth, the figure of the
chained methods being their "completed" counter), the PMD (pt-interleaved.sh: against NetInterface and
the bare ring), the UDP cable (udp-interleaved.sh) and issue 15's before/after (issue15-before-after.sh:
the current build, untagged or an after15 jar, against the before15 jar). A figure is a counter when
the benchmark has one (transfers, received, completed), else its primary score; a time per operation
(bus bind) becomes operations per second, so that every ratio reads "higher is better".

usage: benchmarks/interleaved-summary.py OUTDIR [--ratio 'NAME=REGEX_A/REGEX_B' ...]
                                               [--target 'NAME=MUST[/GOAL]' ...]
  a configuration's label is "[TAG ]Benchmark.group params[ (jvm: OPTIONS)]" (TAG: base for
  ../shared/perf-baseline, a jar's name for an older build, nothing for the current one; OPTIONS:
  what the configuration gave -jvmArgs, -jvmArgsAppend or -jvmArgsPrepend); ratios match labels in
  full, as regular expressions (escape the brackets and a "+").
"""
import argparse
import glob
import json
import math
import os
import re
import shlex
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
    "PMD 64 B / NetInterface 64 B, split, 1 pair": (1.0, 1.5),
    "PMD 64 B / bare ring 64 B": (None, 0.8),
    "UDP cable 64 B / DatagramChannel 64 B": (0.5, 0.8),
    "UDP cable 1514 B / DatagramChannel 1514 B": (0.5, 0.8),
    "VF to VF 64 B / simnet loopback 64 B": (0.4, 0.7),
    "VF to VF 1514 B / simnet loopback 1514 B": (0.4, 0.7),
    "VF to VF by a rule 64 B / by the bridge 64 B": (1.0, 1.3),
    "VF to VF by a rule 1514 B / by the bridge 1514 B": (1.0, 1.3),
}
TARGETS.update({f"BlockDevice QD {qd} {how} {rw} / FileChannel, {qd} thread{'' if qd == '1' else 's'}": (0.5, 0.8)
                for rw in ("randread", "randwrite") for qd in ("1", "32") for how in ("waiting submitter", "chained")})


# a time per operation as operations per second
PER_OP = {"s/op": 1.0, "ms/op": 1e3, "us/op": 1e6, "ns/op": 1e9}
# a rate as operations per second
PER_TIME = {"ops/s": 1.0, "ops/ms": 1e3, "ops/us": 1e6, "ops/ns": 1e9}


def as_rate(unit, score):
    """A score in operations per second: a time per operation inverted, a rate rescaled."""
    if unit in PER_OP:
        return PER_OP[unit] / score if score else None
    return score * PER_TIME[unit] if unit in PER_TIME else None


def source(bench):
    """The metric a configuration is read from: its transfers (ring, baselines), frames received
    (NetInterface, PMD, UDP) or requests completed (chained block I/O) counter; else its primary
    score (block I/O with a waiting submitter, FileChannel, bus bind)."""
    m = bench["secondaryMetrics"]
    for key in ("transfers", "received", "completed"):
        if key in m:
            return m[key]
    return bench["primaryMetric"]


def figure(bench):
    """The figure of a fork as operations per second (a time per operation turned into a rate, so
    that every ratio reads "higher is better")."""
    m = source(bench)
    return as_rate(m.get("scoreUnit", "ops/s"), m["score"])


def iterations(bench):
    """[(figure, round trip before, round trip after)] of each measured iteration, when the fork ran
    with PlacementProfiler; else []."""
    m = bench["secondaryMetrics"]
    before, after = m.get("rtt.before"), m.get("rtt.after")
    if not before or not after:
        return []
    s = source(bench)
    unit = s.get("scoreUnit", "ops/s")
    return [(as_rate(unit, f), b, a) for f, b, a in zip(s["rawData"][0], before["rawData"][0], after["rawData"][0])]


def label(tag, bench, spec=""):
    """A configuration's label; JVM options its spec gives JMH (-jvmArgs, -jvmArgsAppend,
    -jvmArgsPrepend) follow in brackets, so that configurations differing only in them stay apart."""
    parts = bench["benchmark"].split(".")
    params = ",".join(f"{k}={v}" for k, v in sorted(bench.get("params", {}).items()))
    words = shlex.split(spec) if spec else []
    jvm = [words[i + 1] for i in range(len(words) - 1) if words[i] in ("-jvmArgs", "-jvmArgsAppend", "-jvmArgsPrepend")]
    return (f"{tag} " if tag else "") + f"{parts[-2]}.{parts[-1]} {params}" + (f" (jvm: {' '.join(jvm)})" if jvm else "")


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
    ("split 64 B batched / plain split virtqueue 64 B", r"RingBenchmark\.ring batch=32,payload=64,ring=split",
     r"PlainSplitBenchmark\.plain batch=32,payload=64"),
    ("plain split virtqueue 64 B / shared JCTools pair 64 B", r"PlainSplitBenchmark\.plain batch=32,payload=64",
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
# issue 18: 4 KiB random I/O through BlockDevice against FileChannel positional I/O, same depth
for _rw in ("randread", "randwrite"):
    for _qd in ("1", "32"):
        for _chained, _how in (("", "waiting submitter"), ("Chained", "chained")):
            DEFAULT_RATIOS.append((f"BlockDevice QD {_qd} {_how} {_rw} / FileChannel, {_qd} thread{'' if _qd == '1' else 's'}",
                                   rf"BlockDeviceBenchmark\.blockDeviceQd{_qd}{_chained} rw={_rw}",
                                   rf"BlockDeviceBenchmark\.fileChannelThreads{_qd} rw={_rw}"))
for _frame in ("64", "1514"):
    # issue 17: the poll-mode driver over vfio_vdpa against NetInterface (and, below, the bare ring)
    DEFAULT_RATIOS.append((f"PMD {_frame} B / NetInterface {_frame} B, split, 1 pair",
                           rf"PmdBenchmark\.pmd burst=32,frame={_frame}",
                           rf"NetInterfaceBenchmark\.pairs1 burst=32,frame={_frame},ring=split"))
    # issue 20: a UDP cable between two runtimes against a plain DatagramChannel pair
    DEFAULT_RATIOS.append((f"UDP cable {_frame} B / DatagramChannel {_frame} B",
                           rf"UdpCableBenchmark\.\w+ frame={_frame},path=udp-cable",
                           rf"UdpCableBenchmark\.\w+ frame={_frame},path=datagram-channel"))
    # issue 16: VF to VF through the SmartNIC's legacy switch against the simulated NIC's loopback,
    # and by a switchdev rule against the learning bridge
    for _name, _a, _b in (("VF to VF {f} B / simnet loopback {f} B", "vf-to-vf", "simnet-loopback"),
                          ("VF to VF by a rule {f} B / by the bridge {f} B", "vf-to-vf-rule", "vf-to-vf")):
        DEFAULT_RATIOS.append((_name.format(f=_frame), rf"SmartNicBenchmark\.\w+ frame={_frame},path={_a}",
                               rf"SmartNicBenchmark\.\w+ frame={_frame},path={_b}"))
DEFAULT_RATIOS.append(("PMD 64 B / bare ring 64 B", r"PmdBenchmark\.pmd burst=32,frame=64",
                       r"RingBenchmark\.ring batch=32,payload=64,ring=split"))
# issue 15 before/after: the current build (untagged, or an after15 jar) against the before15 jar
for _name, _bench in (("bus bind, 1,000 devices", r"BusBindBenchmark\.bind devices=1000,impl=bus"),
                      ("NetInterface 64 B, split, 1 pair", r"NetInterfaceBenchmark\.pairs1 burst=32,frame=64,ring=split"),
                      ("NetInterface 1514 B, split, 1 pair",
                       r"NetInterfaceBenchmark\.pairs1 burst=32,frame=1514,ring=split")):
    DEFAULT_RATIOS.append((f"issue 15 after / before: {_name}", rf"(?:after15 )?{_bench}", rf"before15 {_bench}"))
for _ring in ("split", "packed"):
    for _frame, _payload in (("64", "64"), ("1514", "1500")):
        _bare = rf"RingBenchmark\.ring batch=32,payload={_payload},ring={_ring}"
        for _burst in ("1", "32"):
            DEFAULT_RATIOS.append((f"NetInterface {_ring} {_frame} B burst {_burst}, 1 pair / bare ring {_payload} B",
                                   rf"NetInterfaceBenchmark\.pairs1 burst={_burst},frame={_frame},ring={_ring}", _bare))
            DEFAULT_RATIOS.append((f"NetInterface {_ring} {_frame} B burst {_burst}, 2 pairs / 1 pair",
                                   rf"NetInterfaceBenchmark\.pairs2 burst={_burst},frame={_frame},ring={_ring}",
                                   rf"NetInterfaceBenchmark\.pairs1 burst={_burst},frame={_frame},ring={_ring}"))

# issue 14, s38: the driver's receive side on the sender's thread (rx=poll) against the bare ring and against push
for _frame, _payload in (("64", "64"), ("1514", "1500")):
    _poll = rf"NetInterfaceBenchmark\.pairs1 burst=32,frame={_frame},ring=split,rx=poll"
    DEFAULT_RATIOS.append((f"NetInterface split {_frame} B rx=poll, 1 pair / bare ring {_payload} B", _poll,
                           rf"RingBenchmark\.ring batch=32,payload={_payload},ring=split"))
    DEFAULT_RATIOS.append((f"NetInterface split {_frame} B, 1 pair, rx=poll / rx=push", _poll,
                           rf"NetInterfaceBenchmark\.pairs1 burst=32,frame={_frame},ring=split"))

# NetInterfaceBenchmark's rx parameter (s38) takes its default, push, where a ratio names none
DEFAULT_RATIOS = [tuple(re.sub(r"(NetInterfaceBenchmark\\\.pairs\d burst=\d+,frame=\d+,ring=\w+)$",
                               r"\1(?:,rx=push)?", p)
                        for p in ratio) for ratio in DEFAULT_RATIOS]
# RingBenchmark's parameters added later take their defaults in these ratios: inOrder false (s42),
# readAhead 0 (s32), slots fifo (s46; byId, the default from s30, names no touch) and touch false
# (s52; s46-s51 touched by default). A fork that names another value is left out of these ratios:
# a set that runs both touch=false and touch=true compares its default forks here.
DEFAULT_RATIOS = [tuple(re.sub(r"(RingBenchmark\\\.ring batch=\d+)(,payload=\d+)(,ring=\w+)$",
                               r"\1(?:,inOrder=false)?\2(?:,readAhead=0)?\3(?:,slots=fifo)?(?:,touch=false)?", p)
                        for p in ratio) for ratio in DEFAULT_RATIOS]


def load(out):
    """{label: {round: (figure, fork record, [(figure, rtt before, rtt after)] per iteration)}}."""
    forks = {}
    path = os.path.join(out, "forks.jsonl")
    if os.path.exists(path):
        for line in open(path):
            rec = json.loads(line)
            forks[(rec["round"], rec["config"])] = rec
    rows = {}
    for p in glob.glob(os.path.join(out, "r*-c*.json")):
        m = re.search(r"r(\d+)-c(\d+)\.json$", p)
        if not m:  # an earlier attempt (disturbed, or in another placement) kept beside the one that counts
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
                rows.setdefault(label(rec.get("tag", ""), bench, rec.get("spec", "")), {})[r] = (f, rec, iterations(bench))
    return rows


def mega(x):
    """A rate in M/s for the table; a slow one (bus bind: a few per second) in /s, so that it does not read 0.00."""
    return f"{x / 1e6:.2f}" if x >= 1e4 else f"{x:.3g} /s"


def med(xs):
    return f"{statistics.median(xs):.2f}" if xs else "-"


# the confidence the interval of a median must reach at least
CONFIDENCE = 0.9


def median_interval(xs):
    """A distribution-free interval for the median of what the rounds sample: the k-th lowest and
    k-th highest value, k as large as keeps the chance that the median lies between them at least
    CONFIDENCE (each round is above or below it with probability 1/2, so the count below is binomial,
    if the rounds are independent: forks close in time can share the host's mode, so read it as a
    lower bound on the uncertainty); None below 5 rounds, where even the lowest and highest cover
    less than 90%. It is printed to three decimals, as the verdict compares the unrounded values."""
    n = len(xs)
    s = sorted(xs)
    best = None
    tail = 0.0  # P(fewer than k of n rounds lie below the median)
    for k in range(1, n // 2 + 1):
        tail += math.comb(n, k - 1) / 2 ** n
        if 1 - 2 * tail < CONFIDENCE:
            break
        best = (s[k - 1], s[n - k])
    return best


def verdict(interval, must):
    """Whether a set of rounds decides a must: met when the median's interval lies at or above it,
    not met when wholly below, else undecided (a median on either side of the line could be noise)."""
    if must is None:
        return "-"
    if interval is None:
        return "too few rounds"
    lo, hi = interval
    return "met" if lo >= must else "not met" if hi < must else "undecided"


# an iteration whose round trips before and after differ by less than this factor ran in one placement
STABLE = 1.3
# in the sorted round trips of such iterations, a step larger than this factor starts a new placement
GAP = 1.25


def in_placement(iterations, of):
    """Whether a fork counts for interleave.py --placement: more than half of its `of` measured
    iterations ran in the wanted placement."""
    return iterations * 2 > of


def off_placement(rec):
    """Whether a fork ran under interleave.py --placement and most of its iterations were elsewhere
    (its retries used up)."""
    p = rec.get("placement")
    return bool(p) and not in_placement(p["iterations"], p["of"])


def stable_rtt(before, after):
    """The round trip of an iteration that ran in one placement (geometric mean of its two probes), else None."""
    if not before or not after or before != before or after != after:
        return None
    return math.sqrt(before * after) if max(before, after) / min(before, after) < STABLE else None


def placements(rows):
    """The placements seen in the run, [(lowest, highest, median round trip, iterations)], found as
    groups of the stable iterations' round trips with no step larger than GAP inside."""
    rtts = sorted(x for v in rows.values() for (_, _, its) in v.values()
                  for (_, b, a) in its if (x := stable_rtt(b, a)) is not None)
    groups = []
    for x in rtts:
        if groups and x <= groups[-1][-1] * GAP:
            groups[-1].append(x)
        else:
            groups.append([x])
    return [(g[0], g[-1], statistics.median(g), len(g)) for g in groups]


def placement_table(rows, ratios, find, emit):
    """The ratios again, inside each placement: per round, the median figure of the numerator's
    iterations in that placement over the denominator's in the same placement and round."""
    classes = placements(rows)
    if not classes:
        return

    def in_class(its, k):
        lo, hi = classes[k][0], classes[k][1]
        return [f for f, b, a in its if (x := stable_rtt(b, a)) is not None and lo <= x <= hi]

    emit()
    emit("Placements (cross-core round trip around each measured iteration, PlacementProfiler): " + "; ".join(
        f"~{m:.0f} ns ({lo:.0f}-{hi:.0f} ns, {n} iterations)" for lo, hi, m, n in classes))
    table = []
    for name, num, den in ratios:
        x, y = find(num), find(den)
        if not x or not y:
            continue
        for k, (_, _, mid, _) in enumerate(classes):
            cells, qs, xs, ys = [], [], [], []
            for r in sorted(set(x) & set(y)):
                a, b = in_class(x[r][2], k), in_class(y[r][2], k)
                if a and b:
                    q = statistics.median(a) / statistics.median(b)
                    cells.append(f"r{r} {q:.2f}")
                    qs.append(q)
                    xs += a
                    ys += b
            if qs:
                table.append(f"| {name} | ~{mid:.0f} ns | {' / '.join(cells)} | {med(qs)}× ({len(qs)} round"
                             f"{'' if len(qs) == 1 else 's'}) | {statistics.median(xs) / statistics.median(ys):.2f}× "
                             f"({len(xs)}:{len(ys)} iterations) |")
    if table:
        emit()
        emit("| ratio inside one placement | placement | per round | median of rounds | pooled |")
        emit("|---|---|---|---|---|")
        for line in table:
            emit(line)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--ratio", action="append", default=[], help="NAME=REGEX_A/REGEX_B")
    ap.add_argument("--target", action="append", default=[], help="NAME=MUST[/GOAL] for a ratio's chart panel")
    a = ap.parse_args()
    rows = load(a.out)
    if not rows:
        raise SystemExit(f"no results in {a.out}")
    lines = []

    def emit(line=""):
        print(line)
        lines.append(line)

    placed = any(off_placement(rec) for v in rows.values() for (_, rec, _) in v.values())
    dagger = ", † = most iterations outside the wanted placement" if placed else ""
    emit(f"| configuration | per round, M/s (* = disturbed fork{dagger}) | median | median, undisturbed | "
         "probe round trip, ns | others' load, CPUs |")
    emit("|---|---|---|---|---|---|")
    for key in sorted(rows):
        v = rows[key]
        rs = sorted(v)
        cells = [f"{mega(v[r][0])}{'*' if v[r][1]['disturbed'] else ''}{'†' if off_placement(v[r][1]) else ''}"
                 for r in rs]
        all_rounds = [v[r][0] for r in rs]
        calm = [v[r][0] for r in rs if not v[r][1]['disturbed']]
        emit(f"| {key} | {' / '.join(cells)} | {mega(statistics.median(all_rounds))} | "
             f"{mega(statistics.median(calm)) if calm else '-'} | "
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

    emit()
    emit(f"| ratio (same round) | per round (* = a fork disturbed{dagger.replace('most', 'a fork with most')}) "
         f"| median, all rounds | median, undisturbed rounds "
         f"| median's interval, all rounds (≥ {CONFIDENCE:.0%}) | must |")
    emit("|---|---|---|---|---|---|")
    for name, num, den in ratios:
        x, y = find(num), find(den)
        if not x or not y:
            continue
        rs = [r for r in sorted(x) if r in y]
        if not rs:
            continue
        q = {r: x[r][0] / y[r][0] for r in rs}
        bad = {r for r in rs if x[r][1]["disturbed"] or y[r][1]["disturbed"]}
        away = {r for r in rs if off_placement(x[r][1]) or off_placement(y[r][1])}
        cells = " / ".join(f"{q[r]:.2f}{'*' if r in bad else ''}{'†' if r in away else ''}" for r in rs)
        must, goal = targets.get(name, (None, None))
        interval = median_interval(list(q.values()))
        emit(f"| {name} | {cells} | {med(list(q.values()))}× | "
             f"{med([q[r] for r in rs if r not in bad])}× ({len(rs) - len(bad)} of {len(rs)}) | "
             f"{'-' if interval is None else f'{interval[0]:.3f}-{interval[1]:.3f}×'} | "
             f"{verdict(interval, must)}{'' if must is None else f' (≥ {must:g}×)'} |")
        panels.append((name, [(r, q[r], r in bad) for r in rs], must, goal))
    placement_table(rows, ratios, find, emit)
    if panels:
        chart = os.path.join(a.out, "ratios.svg")
        ratio_chart.write(chart, panels, f"per-round ratios: {os.path.basename(os.path.abspath(a.out))}")
        emit()
        emit("![per-round ratios](ratios.svg)")
    summary = os.path.join(a.out, "summary.md")
    with open(summary, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"\nwritten: {summary}" + (f", {chart}" if panels else ""))


if __name__ == "__main__":
    main()
