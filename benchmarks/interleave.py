#!/usr/bin/env python3
"""Runs JMH configurations interleaved, one fork at a time, each started only on a quiet machine.

Each round runs one fork of every configuration back to back, so figures compared with each other
are measured seconds apart. Before each fork the script waits (up to --max-wait seconds) until the
rest of the machine is quiet: it samples /proc/stat every second and starts the fork once the CPUs
have been busy less than --quiet CPUs' worth for --quiet-for samples in a row and no other JMH run
holds /tmp/jmh.lock (sampling every other process too, so that the record names whoever was busy). It then runs the cross-core round-trip probe (net.vdpa.benchmarks.CoreProbe)
and the fork, and stores per fork: how long it waited, the load before, the CPU time other processes
took while the fork ran (all CPU time in /proc/stat minus the fork's own, from wait4's rusage), the
probe's round trip, and whether the fork counts as disturbed (others took more than --disturbed
CPUs on average, or the machine never became quiet). Every fork also runs with
net.vdpa.benchmarks.PlacementProfiler (unless --no-placement), which probes the round trip again
before and after each measured iteration, so that the summary can compare iterations measured in
the same vCPU placement. A disturbed fork is run again, after another
wait, up to --retries times; every attempt is recorded, the last one counts. With --placement NS,
a fork whose measured iterations did not mostly run at a round trip of at most NS (or, for
--placement '>NS', above it; for --placement LO-HI, from LO to HI) is run again the same way, up to --placement-retries times, so that a
round compares forks of one placement: the vCPUs' placement is the host's to choose, changes
between forks, and moves a fork's rate by up to 3x (benchmarks/README.md, "Session s53"). At the end the script
runs interleaved-summary.py on OUTDIR, which reads the record (forks.jsonl) and writes the tables to
OUTDIR/summary.md and the per-round ratios to OUTDIR/ratios.svg (--ratio and --target are passed on
to it, for ratios its defaults do not know).

usage: benchmarks/interleave.py [options] OUTDIR CONFIG [CONFIG ...]
  CONFIG: "[JAR::]REGEX JMH-OPTIONS", e.g. "ring.RingBenchmark -p ring=split -p batch=32"; a JAR of
  "base" is ../shared/perf-baseline's benchmarks.jar ($PERF_BASELINE_JAR overrides); any other JAR
  is a path (an older build kept for a before/after comparison; the OSGi benchmarks of such a jar
  boot the bundles in the "bundles" folder beside it, when there is one).
"""
import argparse
import fcntl
import functools
import importlib.util
import json
import math
import os
import shlex
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
OWN_JAR = os.path.join(HERE, "target", "benchmarks.jar")
BUNDLES = os.path.join(HERE, "target", "bundles")
PLACEMENT_PROFILER = "net.vdpa.benchmarks.PlacementProfiler"
SUMMARY = os.path.join(HERE, "interleaved-summary.py")
HZ = os.sysconf("SC_CLK_TCK")
NCPU = os.cpu_count()


def base_jar():
    """The shared baseline's jar: $PERF_BASELINE_JAR, else ../shared/perf-baseline beside the clone
    (or beside the folder of worktrees)."""
    if "PERF_BASELINE_JAR" in os.environ:
        return os.environ["PERF_BASELINE_JAR"]
    for up in ("..", os.path.join("..", "..")):
        p = os.path.normpath(os.path.join(REPO, up, "shared", "perf-baseline", "target", "benchmarks.jar"))
        if os.path.isfile(p):
            return p
    return os.path.normpath(os.path.join(REPO, "..", "shared", "perf-baseline", "target", "benchmarks.jar"))


def cpu_times():
    """(busy, total) jiffies over all CPUs from the first line of /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]  # idle + iowait
    total = sum(v[:8])  # guest time is already inside user
    return total - idle, total


def process_times():
    """{pid: (comm, utime + stime jiffies)} of every process."""
    out = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                s = f.read()
        except OSError:
            continue
        comm = s[s.index("(") + 1:s.rindex(")")]
        rest = s[s.rindex(")") + 2:].split()
        out[int(pid)] = (comm, int(rest[11]) + int(rest[12]))
    return out


def sample(seconds=1.0):
    """CPUs' worth busy over the window, and the three busiest processes in it."""
    b0, t0 = cpu_times()
    p0 = process_times()
    time.sleep(seconds)
    b1, t1 = cpu_times()
    p1 = process_times()
    busy = (b1 - b0) / max(1, t1 - t0) * NCPU
    top = []
    for pid, (comm, t) in p1.items():
        if pid in p0 and t > p0[pid][1] and pid != os.getpid():
            top.append(((t - p0[pid][1]) / HZ / seconds, f"{comm}[{pid}]"))
    top.sort(reverse=True)
    return busy, [f"{name} {cpus:.2f}" for cpus, name in top[:3]]


def jmh_lock_free():
    """Whether no other JMH run holds /tmp/jmh.lock (JMH refuses to start while one does)."""
    try:
        with open(os.path.join(os.environ.get("TMPDIR", "/tmp"), "jmh.lock"), "a") as f:
            fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.lockf(f, fcntl.LOCK_UN)
        return True
    except OSError:
        return False


def wait_quiet(quiet, seconds, max_wait, max_lock_wait):
    """Waits until the machine has been quiet for `seconds` one-second samples in a row, or until
    max_wait passes (max_lock_wait while another JMH run holds the lock: a fork started then would
    only fail); returns (waited s, load of the last sample, its busiest processes, quiet?)."""
    start = time.time()
    calm = 0
    while True:
        busy, top = sample()
        waited = time.time() - start
        free = jmh_lock_free()
        calm = calm + 1 if busy < quiet and free else 0
        if calm >= seconds:
            return waited, busy, top, True
        if waited >= (max_wait if free else max_lock_wait):
            return waited, busy, top, False


def probe(jar_for_probe):
    try:
        r = subprocess.run(["java", "-cp", jar_for_probe, "net.vdpa.benchmarks.CoreProbe"],
                           capture_output=True, text=True, timeout=60)
        return float(r.stdout.split()[1])
    except (subprocess.SubprocessError, IndexError, ValueError):
        return float("nan")


@functools.lru_cache(maxsize=None)
def summary_module():
    """interleaved-summary.py as a module (its name has a hyphen), for its reading of JMH's files."""
    spec = importlib.util.spec_from_file_location("interleaved_summary", SUMMARY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def placement_test(want):
    """The round trips (ns) a --placement value accepts, as a predicate: "NS" at most NS, ">NS"
    above NS, "LO-HI" from LO to HI (both included). ValueError if it is none of these, or names
    a round trip that is not a finite number of ns."""
    def ns(v):
        x = float(v)
        if not math.isfinite(x) or x < 0:
            raise ValueError(want)
        return x
    if want.startswith(">"):
        limit = ns(want[1:])
        return lambda x: x > limit
    if "-" in want:
        lo, hi = (ns(v) for v in want.split("-", 1))
        if lo > hi:
            raise ValueError(want)
        return lambda x: lo <= x <= hi
    limit = ns(want)
    return lambda x: x <= limit


def placement_iterations(json_path, want):
    """(iterations in the wanted placement, measured iterations, whether the fork counts) of a fork's
    JMH file: the iterations that ran in one placement (interleaved-summary's stable_rtt) at a round
    trip placement_test(want) accepts; the fork counts if more than half did. (0, 0, False) if the file
    holds no probes."""
    accepts = placement_test(want)
    summary = summary_module()
    try:
        with open(json_path) as f:
            benches = json.load(f)
    except (OSError, ValueError):
        return 0, 0, False
    hits = total = 0
    for bench in benches:
        for _, before, after in summary.iterations(bench):
            total += 1
            x = summary.stable_rtt(before, after)
            hits += x is not None and accepts(x)
    return hits, total, summary.in_placement(hits, total)


def run_fork(cmd, out_txt):
    """Runs one JMH fork; returns (wall s, CPUs' worth other processes took meanwhile, exit status)."""
    b0, t0 = cpu_times()
    w0 = time.time()
    with open(out_txt, "w") as f:
        p = subprocess.Popen(cmd, stdout=f, stderr=subprocess.STDOUT)
        _, status, ru = os.wait4(p.pid, 0)
    wall = time.time() - w0
    b1, t1 = cpu_times()
    total_cpu = (b1 - b0) / HZ  # all CPU seconds spent on the machine
    own_cpu = ru.ru_utime + ru.ru_stime  # the JMH host and its (waited-for) fork
    return wall, max(0.0, (total_cpu - own_cpu) / wall), os.waitstatus_to_exitcode(status)


def fork_jar(cfg, own):
    """A configuration's jar, JMH options and tag (the label's first word in the summary: "base" for
    the shared baseline, none for the project's own jar, else the jar's file stem). Exits, naming
    the configuration, if the jar is missing or another jar's stem is "base": its forks would carry
    the shared baseline's tag and the summary could not tell the two apart."""
    jar, spec = own, cfg
    if "::" in cfg:
        jar, spec = cfg.split("::", 1)
        jar = base_jar() if jar == "base" else jar
    if not os.path.isfile(jar):
        sys.exit(f"{cfg}: {jar} is not a file")
    if jar == base_jar():
        return jar, spec, "base"
    stem = os.path.basename(jar)[:-4]
    if jar != own and stem == "base":
        sys.exit(f"{cfg}: {jar} would be labelled 'base', the shared baseline's tag; copy it under another name")
    return jar, spec, "" if jar == own else stem


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--first-round", type=int, default=1, help="number of the first round (to add rounds to OUTDIR)")
    ap.add_argument("--warmups", type=int, default=4, help="warm-up iterations of 1 s per fork")
    ap.add_argument("--iterations", type=int, default=5, help="measured iterations of 1 s per fork")
    ap.add_argument("--quiet", type=float, default=0.3, help="start a fork below this many CPUs busy")
    ap.add_argument("--quiet-for", type=int, default=3, help="seconds of quiet in a row before a fork")
    ap.add_argument("--max-wait", type=float, default=90, help="seconds to wait for quiet, at most")
    ap.add_argument("--max-lock-wait", type=float, default=900,
                    help="seconds to wait, at most, while another JMH run holds /tmp/jmh.lock")
    ap.add_argument("--retries", type=int, default=1,
                    help="run a disturbed fork again (after waiting for quiet) up to this many times")
    ap.add_argument("--disturbed", type=float, default=0.2,
                    help="a fork is disturbed if other processes took more CPUs than this on average")
    ap.add_argument("--no-placement", dest="placement", action="store_false",
                    help="do not probe the cross-core round trip around every measured iteration")
    ap.add_argument("--placement", dest="want", metavar="NS|>NS|LO-HI",
                    help="run a fork again unless most of its measured iterations ran in one placement "
                         "at a round trip of at most NS ns (>NS: above NS ns; LO-HI: from LO to HI ns, "
                         "e.g. 70-300 for the ~100 ns placement without the ~50 ns one)")
    ap.add_argument("--placement-retries", type=int, default=3,
                    help="with --placement: run a fork in another placement again up to this many times")
    ap.add_argument("--jmh", default="", help="more JMH options for every fork")
    ap.add_argument("--jar", default=OWN_JAR,
                    help="the project's benchmarks.jar (a copy, if a rebuild may replace target/ meanwhile)")
    ap.add_argument("--bundles", default=BUNDLES, help="the bundles folder beside that jar")
    ap.add_argument("--ratio", action="append", default=[],
                    help="NAME=REGEX_A/REGEX_B: a ratio for the summary beside its defaults")
    ap.add_argument("--target", action="append", default=[], help="NAME=MUST[/GOAL]: a ratio's target lines in the chart")
    ap.add_argument("out")
    ap.add_argument("configs", nargs="+")
    a = ap.parse_args()
    if a.want and not a.placement:
        sys.exit("--placement needs the placement probes: drop --no-placement")
    if a.want:
        try:
            placement_test(a.want)
        except ValueError:
            sys.exit(f"--placement {a.want}: not a round trip in ns (NS, >NS or LO-HI, e.g. 300, '>300' or 70-300)")
    own = a.jar
    if not os.path.isfile(own):
        sys.exit(f"{own} is missing: run 'mvn -B -pl benchmarks -am package -DskipTests' first")
    forks = [fork_jar(cfg, own) for cfg in a.configs]  # every configuration checked before any runs
    os.makedirs(a.out, exist_ok=True)
    record = os.path.join(a.out, "forks.jsonl")
    last = a.first_round + a.rounds - 1
    for r in range(a.first_round, last + 1):
        for i, (jar, spec, tag) in enumerate(forks, 1):
            disturbed_tries = placement_tries = 0
            for attempt in range(a.retries + (a.placement_retries if a.want else 0) + 1):
                waited, load, top, quiet = wait_quiet(a.quiet, a.quiet_for, a.max_wait, a.max_lock_wait)
                rtt = probe(own)
                stem = os.path.join(a.out, f"r{r}-c{i}")
                if attempt:  # keep the earlier attempt's files (disturbed, or in another placement) beside the new one
                    for ext in (".json", ".txt"):
                        if os.path.exists(stem + ext):
                            os.replace(stem + ext, f"{stem}-try{attempt}{ext}")
                # an older build kept for a before/after comparison boots its own bundles, kept beside it
                beside = os.path.join(os.path.dirname(os.path.abspath(jar)), "bundles")
                bundles = beside if jar != own and os.path.isdir(beside) else a.bundles
                # the placement profiler is in the project's jar: put it on the class path after any other
                cp = jar if jar == own or not a.placement else f"{jar}{os.pathsep}{own}"
                prof = ["-prof", PLACEMENT_PROFILER] if a.placement else []
                cmd = (["java", f"-Dvdpa.bench.bundles={bundles}", "-cp", cp, "org.openjdk.jmh.Main"] + shlex.split(spec)
                       + prof + ["-f", "1", "-wi", str(a.warmups), "-w", "1s", "-i", str(a.iterations), "-r", "1s",
                          "-rf", "json", "-rff", stem + ".json"] + shlex.split(a.jmh))
                start = time.strftime("%H:%M:%S")
                wall, others, status = run_fork(cmd, stem + ".txt")
                rec = {"round": r, "config": i, "attempt": attempt + 1, "tag": tag, "spec": spec,
                       "start": start, "waited_s": round(waited, 1), "load_before": round(load, 2),
                       "busy_before": top, "quiet_reached": quiet, "others_cpus": round(others, 3),
                       "rtt_ns": rtt, "wall_s": round(wall, 1), "status": status,
                       "disturbed": (not quiet) or others > a.disturbed or status != 0}
                off = False
                if a.want:
                    hits, total, counts = placement_iterations(stem + ".json", a.want)
                    rec["placement"] = {"want": a.want, "iterations": hits, "of": total}
                    off = not rec["disturbed"] and not counts
                with open(record, "a") as f:
                    f.write(json.dumps(rec) + "\n")
                where = f", {hits} of {total} iterations at {a.want} ns" if a.want else ""
                print(f"{start} round {r}/{last} config {i}/{len(a.configs)} [{tag}] {spec} (try "
                      f"{attempt + 1}): waited {waited:.0f} s, load before {load:.2f}, others during "
                      f"{others:.2f} CPUs, rtt {rtt:.0f} ns{where}{' DISTURBED' if rec['disturbed'] else ''}"
                      f"{' OTHER PLACEMENT' if off else ''}", flush=True)
                if rec["disturbed"] and disturbed_tries < a.retries:
                    disturbed_tries += 1
                elif off and placement_tries < a.placement_retries:
                    placement_tries += 1
                else:
                    break
    summarise(a.out, a.ratio, a.target)


def summarise(out, ratios, targets):
    """Runs interleaved-summary.py on OUTDIR: tables to OUTDIR/summary.md, the chart to OUTDIR/ratios.svg.
    A summary that fails leaves the measurements as they are and says how to run it again."""
    cmd = ([sys.executable, os.path.join(HERE, "interleaved-summary.py"), out] + [f"--ratio={r}" for r in ratios]
           + [f"--target={t}" for t in targets])
    status = subprocess.run(cmd).returncode
    if status:
        print(f"the summary failed (exit {status}); the results are in {out}: {shlex.join(cmd)}", file=sys.stderr)


if __name__ == "__main__":
    main()
