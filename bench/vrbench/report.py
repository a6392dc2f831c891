# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The run's output: CSV rows as they are measured (Writer), progress, and
summary.md put together from the scenarios' tables and sections."""
import csv
import os
import time

from . import tables
from .genbackend import header_line
from .host import log
from .tables import group

FIELDS = ["scenario", "plane", "family", "x", "repeat", "set_pps", "offered_pps",
          "delivered_pps", "loss_pct", "sent", "delivered", "drop_gen_tx", "drop_dut_rx",
          "drop_backlog", "drop_dut_tx", "drop_other", "dut_ns_per_pkt", "dut_cpu_pct",
          "cpu0_busy_pct", "cpu0_softirq_pct", "lat_p50_ns", "lat_p99_ns", "lat_max_ns",
          "bad_mac", "bad_ttl", "flows_seen", "vr_fwd", "vr_slowpath", "frame_bytes",
          "gen_elapsed_s", "gen_lag_resets", "gen_lag_lost_ms", "gen_call_gap_ms", "gen_backend",
          "gen_xdp_frames", "rig_build_s", "load1"]
# CSV fields that stay text when --summary-only reads the CSVs back
TEXT_FIELDS = {"scenario", "plane", "test", "config", "cpus", "variant", "mode", "gen_backend"}


def hms(secs):
    secs = int(secs)
    return "%d:%02d:%02d" % (secs // 3600, secs // 60 % 60, secs % 60) if secs >= 3600 \
        else "%d:%02d" % (secs // 60, secs % 60)


class Progress:
    """i/N over the points of the whole run, and an ETA from the time per
    point so far (rig builds included)."""

    def __init__(self, total):
        self.total = total
        self.done = 0
        self.t0 = time.time()

    def step(self):
        self.done += 1
        self.total = max(self.total, self.done)
        el = time.time() - self.t0
        eta = el / self.done * (self.total - self.done)
        return "[%d/%d %s, ETA %s]" % (self.done, self.total, hms(el), hms(eta))


class Writer:
    """One scenario's CSV, a row per measured point."""

    def __init__(self, outdir, scenario, fields=None, progress=None):
        # written aside and renamed when the scenario completes: a failed
        # or interrupted run leaves the previous results in place
        self.path = os.path.join(outdir, scenario + ".csv")
        self.f = open(self.path + ".part", "w", newline="")
        self.custom = fields is not None	# own plot and summary section
        self.fields = fields or FIELDS
        self.w = csv.DictWriter(self.f, fieldnames=self.fields, extrasaction="ignore")
        self.w.writeheader()
        self.rows = []
        self.outdir = outdir
        self.progress = progress or Progress(0)

    def add(self, row):
        self.w.writerow(row)
        self.f.flush()
        self.rows.append(row)
        step = self.progress.step()
        if self.custom:
            log("%s %s" % (step, " ".join("%s=%s" % (k, row.get(k, "")) for k in self.fields[:12])))
            return
        log("%s %-10s %-12s x=%-8s set=%8s offered=%8s delivered=%8s loss=%6.2f%% ns/pkt=%6s "
            "p50=%6s p99=%7s" % (step, row["scenario"], row["plane"], row["x"], row["set_pps"],
                                 row["offered_pps"], row["delivered_pps"], row["loss_pct"],
                                 row["dut_ns_per_pkt"], row["lat_p50_ns"], row["lat_p99_ns"]))

    def close(self, complete):
        self.f.close()
        if complete:
            os.replace(self.path + ".part", self.path)
        else:
            os.unlink(self.path + ".part")


def read_csv(path, typed):
    """A CSV's rows; typed: numbers as numbers (as the scenario wrote them)."""
    with open(path) as f:
        rows = list(csv.DictReader(f))
    if typed:
        rows = [{k: v if k in TEXT_FIELDS else numeric(v) for k, v in r.items()} for r in rows]
    return rows


def numeric(v):
    try:
        f = float(v)
    except ValueError:
        return v
    return int(f) if f.is_integer() and "." not in v else f


def old_sections(path):
    """The "## NAME" sections of an existing summary.md: {NAME: lines}."""
    out, cur = {}, None
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except OSError:
        return out
    for line in lines:
        if line.startswith("## "):
            cur = line[3:].strip()
            out[cur] = []
        if cur:
            out[cur].append(line)
    return out


def header(cfg, meta):
    """summary.md's opening: the run, the rig's settings, the method."""
    return [
        "# Benchmark summary", "",
        "Run %s, mode `%s`, %s. Rig and method: bench/README.md. "
        "Figures are within-run ratios; absolute pps on a shared 2-core VM are not stable "
        "between runs." % (meta["date"], meta["mode"], meta["kernel"]), "",
        "- machine quietness: load average before %s, after %s; %s" %
        (meta["load_before"], meta.get("load_after", "?"), meta.get("foreign", "")),
        "- DUT: one core (CPU %d, napi kthreads of inN pinned); generator and sink on CPU %d "
        "(sink NAPI threaded, SCHED_FIFO %d, gro_flush_timeout=20000, napi_defer_hard_irqs=100; "
        "generator %s). DUT napi kthreads SCHED_FIFO %d, so other load on CPU %d cannot "
        "take their time (this kernel is PREEMPT_NONE: a wake-up still waits for the running "
        "task's next preemption point). Real-time throttling off during the run "
        "(kernel.sched_rt_runtime_us -1, was %s, restored after): it stops the spinning "
        "generator and the sink for 50 ms of every second."
        % (cfg.dut_cpu, cfg.gen_cpu, cfg.sink_prio,
           "SCHED_FIFO %d" % cfg.gen_prio if cfg.gen_prio else "SCHED_OTHER",
           cfg.dut_prio, cfg.dut_cpu, meta.get("rt", "?")),
        "- DUT ns/packet = CPU time of the inN napi kthreads + ksoftirqd/%d "
        "(/proc/PID/schedstat, ns exact; softirqs raised in the kthread run in it) / packets "
        "delivered. The kernel has no IRQ_TIME_ACCOUNTING, so /proc/stat softirq is "
        "tick-sampled and only reported (cpu0_softirq_pct) as a cross-check." % cfg.dut_cpu,
        *header_line(meta),
        "- veth+bridge VR: `bridge` = net.bridge.bridge-nf-call-iptables=1 (the default), "
        "`bridge-nonf` = 0.",
        "- duration per point %.1f s, repeats %d, 64-byte IPv4/UDP frames (IPv6: 80 B, the "
        "smallest that carries the timestamp), %d flow(s)." %
        (meta["duration"], meta["repeats"], meta["flows"]), ""]


def load_lines(allrows):
    """Lines on the machine's load over the points (a warning if busy)."""
    loads = sorted(float(r["load1"]) for r in allrows if r.get("load1"))
    if not loads:
        return []
    med = loads[len(loads) // 2]
    L = ["- 1-minute load average over the points: min %.2f, median %.2f, max %.2f "
         "(the bench itself adds 2-3 while it runs)" % (loads[0], med, loads[-1])]
    if med > 3.5:
        L.append("- **WARNING: the machine was busy with other work during this run "
                 "(median load %.2f on 2 CPUs; the bench alone makes 2-3: generator, sink, DUT, "
                 "hog). Absolute numbers and ratios are not representative; rerun on a quiet "
                 "machine.**" % med)
    return L


def summarize(cfg, outdir, allrows, meta, sections=()):
    """Write summary.md: tables of this run's sweep scenarios, the sections
    of its other scenarios, and sections of scenarios not run this time
    from the summary.md already in outdir (marked as older)."""
    L = header(cfg, meta)
    done = set()
    for scenario, rows in group(allrows, lambda r: r["scenario"]).items():
        L += tables.summary_table(scenario, rows)
        done.add(scenario)
    for sec in sections:
        L += sec
        done.add(sec[0][3:].strip())
    for name, lines in old_sections(os.path.join(outdir, "summary.md")).items():
        if name not in done and name not in ("Generator quality", "Targets (this run's rows)"):
            mark = [] if "(from an earlier run)" in lines else ["", "(from an earlier run)"]
            L += lines[:1] + mark + lines[1:]
    if allrows:
        L += tables.targets(allrows)
        L += tables.gen_quality(allrows)
    L[4:4] = load_lines(allrows)
    with open(os.path.join(outdir, "summary.md"), "w") as f:
        f.write("\n".join(L) + "\n")
