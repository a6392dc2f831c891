# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""admission: the cost and accuracy of vrouter's per-VR limit
(benchctl admit-cmp on admitcmp.bpf.c, prog-cost on the attached program)."""
import json

from .config import vr_mac
from .host import load1
from .scenarios import prog_cost, with_rig
from .tables import median

ADM_FIELDS = ["scenario", "test", "config", "cpus", "ns_per_pkt", "ns_per_pkt_cpu1",
              "overhead_ns", "overhead_pct", "limit_pps", "burst", "admitted_pps",
              "accuracy_pct", "load1"]
COST_MODES = ("none", "lookup", "clock", "shared", "shared-nobatch", "percpu", "slot")
ACC_MODES = ("shared", "percpu", "slot")
ACC_TESTS = (("accuracy-even", "0,1", "both CPUs"), ("accuracy-one-cpu", "0", "one CPU"),
             ("accuracy-skewed", "0,1:0.1", "CPU 0 + CPU 1 at 10%"))
PROG_CFGS = (("no limit", None), ("limit on another VR", "2 1000 10"),
             ("limit admitting all", "1 1000000000 1000000"))
CPU_SETS = ("0", "0,1")


def admit_cmp(cfg, shell, mode, limit, burst, cpus, secs):
    """benchctl admit-cmp at the generator's priority (on a busy machine
    ordinary tasks would leave gaps in the offered load)."""
    env = "ADMIT_NO_BATCH=1 " if mode == "shared-nobatch" else ""
    return json.loads(shell.sh("%s%s%s admit-cmp %s %d %d 2 %s %g" %
                               (env, cfg.rt_prefix(), cfg.benchctl, mode.split("-")[0], limit,
                                burst, cpus, secs)))


def row(test, mode, cpus, c, **kw):
    r = {"scenario": "admission", "test": test, "config": mode, "cpus": cpus,
         "ns_per_pkt": c[0]["ns_per_run"],
         "ns_per_pkt_cpu1": c[1]["ns_per_run"] if len(c) > 1 else "", "load1": load1()}
    r.update(kw)
    return r


def cost(cfg, shell, w, secs):
    """(1a) cost: admit everything (1 Gpps), 1 and 2 CPUs."""
    base = {}
    for cpus in CPU_SETS:
        for mode in COST_MODES:
            c = admit_cmp(cfg, shell, mode, 1000000000, 1000000, cpus, secs)["cpus"]
            r = row("cost-admit-all", mode, cpus, c, limit_pps=1000000000, burst=1000000)
            if mode == "lookup":
                base[cpus] = c[0]["ns_per_run"]
            if mode not in ("none", "lookup"):
                r["overhead_ns"] = round(c[0]["ns_per_run"] - base[cpus], 1)
            w.add(r)


def accuracy(cfg, shell, w, secs):
    """(1b) accuracy: limit 1 Mpps, burst 100 ms, overload from both CPUs
    (even), from CPU 0 only (uneven), CPU 1 at 10% duty (skewed)."""
    lim, burst = 1000000, 100000
    for test, cpus, _ in ACC_TESTS:
        for mode in ACC_MODES:
            j = admit_cmp(cfg, shell, mode, lim, burst, cpus, secs)
            expect = lim + burst / j["seconds"]
            w.add(row(test, mode, cpus, j["cpus"], limit_pps=lim, burst=burst,
                      admitted_pps=j["admitted_pps"],
                      accuracy_pct=round(100.0 * (j["admitted_pps"] - expect) / expect, 2)))


def program(cfg, shell, w, rig):
    """(2) the real program, in the vrouter rig with 2 VRs.  The three
    configurations take turns, 5 rounds of 1 s each; the median counts
    (this machine is shared: single runs vary by tens of ns)."""
    got = {}
    for rnd in range(5):
        for name, lim in PROG_CFGS:
            if lim:
                shell.benchctl("dut", "limit %s/vr %s" % (cfg.pin, lim))
            for cpus in CPU_SETS:
                got.setdefault((name, cpus), []).append(
                    prog_cost(shell, rig, vr_mac(1), cpus, "admission"))
            if lim:
                shell.benchctl("dut", "limit %s/vr %s 0 0" % (cfg.pin, lim.split()[0]))
    for cpus in CPU_SETS:
        base = median([v[0] for v in got[("no limit", cpus)]])
        for name, lim in PROG_CFGS:
            v = got[(name, cpus)]
            r = row("vrouter-program", name, cpus, [{"ns_per_run": median([x[i] for x in v])}
                                                   for i in range(len(v[0]))])
            if lim:
                d = r["ns_per_pkt"] - base
                r["overhead_ns"] = round(d, 1)
                r["overhead_pct"] = round(100.0 * d / base, 1)
            w.add(r)


def admission(cfg, shell, w):
    """Admission control's cost and accuracy.
    (1) admit-cmp: the admission step alone under BPF_PROG_RUN repeat,
    vrouter's shared GCRA (compare-and-swap) vs per-CPU buckets vs time
    slots, cost per packet on 1 and 2 CPUs at once, admitted rate vs the
    limit with even and uneven traffic over the 2 CPUs.
    (2) prog-cost: vrouter's whole program (as attached in the rig) on a
    forwarded frame: no limit anywhere, a limit on another VR, and a limit
    on this VR that admits everything."""
    secs = max(2.0, cfg.duration)
    cost(cfg, shell, w, secs)
    accuracy(cfg, shell, w, secs)
    with_rig(shell, "vrouter", lambda rig: program(cfg, shell, w, rig), nvr=2)


def adm_count(cfg):
    return len(CPU_SETS) * (len(COST_MODES) + len(PROG_CFGS)) + len(ACC_TESTS) * len(ACC_MODES)


def adm_summary(rows):
    """summary.md's admission section."""
    L = ["## admission", "",
         "Admission control (vrouter's per-VR limit): cost and accuracy. BPF_PROG_RUN with "
         "repeat, ns per run as the kernel measures it (bpf_test_run). See bench/admitcmp.bpf.c.", "",
         "Cost of the admission step alone, limit admitting everything (ns/packet, CPU 0; "
         "'0,1': both CPUs on the same VR at once):", "",
         "| mode | 1 CPU | 2 CPUs (CPU 0 / CPU 1) | over lookup, 1 CPU |", "|---|---|---|---|"]
    costs = {(r["config"], r["cpus"]): r for r in rows if r["test"] == "cost-admit-all"}
    for mode in COST_MODES:
        a, b = costs.get((mode, "0")), costs.get((mode, "0,1"))
        if a and b:
            over = a.get("overhead_ns")	# "" when read back from the CSV
            L.append("| %s | %.1f | %.1f / %s | %s |" % (mode, a["ns_per_pkt"], b["ns_per_pkt"],
                                                       b["ns_per_pkt_cpu1"],
                                                       "-" if over in (None, "") else over))
    L += ["", "none = the run loop; lookup = what a VR without a limit pays (vr_limits lookup + "
          "branch); clock = lookup + bpf_ktime_get_ns(); shared = vrouter (shared GCRA, cmpxchg, "
          "per-CPU credit taken 16 frames at a time: the clock and the shared line once per 16); "
          "shared-nobatch = the same taking one frame at a time (clock and cmpxchg per frame; "
          "with 2 CPUs the line bounces); percpu = a GCRA bucket per CPU with rate/2 (clock per "
          "frame, no atomics); slot = 1 ms slots, shared counter, atomic add per frame.", "",
          "Accuracy: limit 1 Mpps, burst 100 ms, every CPU offering far more than the limit "
          "(expected admitted = limit + burst / duration):", "",
          "| traffic | shared (vrouter) | percpu | slot |", "|---|---|---|---|"]
    acc = {(r["test"], r["config"]): r for r in rows if r["test"].startswith("accuracy")}
    for test, _, what in ACC_TESTS:
        cells = []
        for mode in ACC_MODES:
            r = acc.get((test, mode))
            cells.append("%.0f pps (%+.1f%%)" % (r["admitted_pps"], r["accuracy_pct"]) if r else "-")
        L.append("| %s | %s |" % (what, " | ".join(cells)))
    return L + prog_lines(rows)


def prog_lines(rows):
    L = ["", "vrouter's whole program on a forwarded 64-byte frame (fib lookup, neighbour, "
         "rewrite; XDP_REDIRECT returned, not transmitted), in the bench rig:", "",
         "| configuration | CPUs | ns/packet | over no limit |", "|---|---|---|---|"]
    for r in rows:
        if r["test"] == "vrouter-program":
            over = r.get("overhead_ns")
            L.append("| %s | %s | %.1f | %s |" % (
                r["config"], r["cpus"], r["ns_per_pkt"],
                "%+.1f ns (%+.1f%%)" % (over, r["overhead_pct"]) if over not in (None, "") else "-"))
    L.append("")
    return L
