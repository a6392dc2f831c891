# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""table1: two VRs, one overloaded, with and without vrouter's per-VR
limit; isolation of the other VR's traffic."""
import time

from .config import ip4, vr_mac
from .host import load1, log
from .measure import Hog, dut_ns, gen_output, link_delta, snapshot
from .scenarios import with_rig
from .tables import group, mean

T1_FIELDS = ["scenario", "variant", "limit_vr1_pps", "vr", "offered_pps", "delivered_pps",
             "delivered_pct", "sent", "rx_xdp", "policed", "delivered", "drop_before_xdp",
             "drop_after_admission", "gen_tx_drops", "drop_backlog", "dut_capacity_pps",
             "dut_duty", "dut_ns_per_pkt", "gen_elapsed_s", "gen_backend", "load1"]


def t1_gen(rig, rates_w, secs):
    """The generator command: g0 (plus g1 for separate NICs) offering
    sum(rates_w) pps, VR1's and VR2's MACs weighted by rates_w."""
    cfg = rig.cfg
    tot = sum(rates_w)
    w = [max(1, round(r * 64 / tot)) for r in rates_w]
    devs = " --devs g1" if not rig.shared_in else ""
    return ("ip netns exec %s %s%s --dev g0%s --dst-mac %s --src-ip %s --dst-ip 198.19.0.1 "
            "--rate %d --duration %g --ttl %d --cpu %d --mac-weights %s"
            % (cfg.ns("gen"), cfg.rt_prefix(), cfg.trafficgen, devs, vr_mac(1), ip4(10, 2),
               tot, secs, cfg.ttl, cfg.gen_cpu, ",".join(map(str, w))))


def t1_point(rig, rates_w, secs, duty):
    """One table1 point.  Per VR: offered, delivered at its sink, frames
    that reached XDP, policed; drops before XDP (the ingress ring full:
    generator tx drops) and after admission."""
    a = snapshot(rig)
    hog = Hog(rig.cfg, duty, secs + 1)
    try:
        out = rig.shell.sh(t1_gen(rig, rates_w, secs), timeout=secs * 4 + 30)
    finally:
        hog.stop()
    time.sleep(0.2)
    b = snapshot(rig)
    g = gen_output(out)
    el = int(g["elapsed_ns"]) / 1e9
    sent = [int(x) for x in g["sent_idx"].split(",")]
    gen_drop = link_delta(a, b, "g", "tx_dropped")
    rows = []
    for k in (1, 2):
        va, vb = a["vrs"][k - 1], b["vrs"][k - 1]
        rx = vb["rx"] - va["rx"]
        pol = vb["policed"] - va["policed"]
        dlv = b["sinks"][k - 1]["ours"] - a["sinks"][k - 1]["ours"]
        s = sent[k - 1]
        rows.append({
            "vr": k, "sent": s, "rx_xdp": rx, "policed": pol, "delivered": dlv,
            "offered_pps": round(s / el), "delivered_pps": round(dlv / el),
            "delivered_pct": round(100.0 * dlv / s, 2) if s else "",
            "drop_before_xdp": s - rx, "drop_after_admission": rx - pol - dlv,
            "gen_tx_drops": gen_drop, "drop_backlog": b["softnet"] - a["softnet"],
            "gen_elapsed_s": round(el, 3), "gen_backend": g.get("backend", "live"),
            "load1": load1()})
    tot_del = sum(r["delivered"] for r in rows)
    for r in rows:
        r["dut_ns_per_pkt"] = round(dut_ns(a, b) / tot_del, 1) if tot_del else ""
    return rows


def table1(cfg, shell, w):
    """The paper's Table 1 and beyond: two VRs, VR1 offered 3x the DUT's
    capacity, VR2 a fixed share (0.3x); (a) each VR on its own NIC pair,
    (b) both VRs on one ingress NIC; each without and with VR1 limited to
    0.6x capacity (so VR1 + VR2 fit).  vrouter only (the limit is its
    feature).  The DUT core is slowed down to `--t1-duty` of a core."""
    duty, secs = cfg.t1_duty, cfg.duration
    for variant, nin, shared in (("a", 2, False), ("b", 1, True)):
        log("table1 (%s): %s" % (variant, "separate NIC pairs" if not shared
                                 else "shared ingress NIC"))

        def fn(rig):
            # capacity: VR1 alone, as fast as the generator goes
            cap_rows = t1_point(rig, [3000000, 1], secs, duty)
            cap = sum(r["delivered_pps"] for r in cap_rows)
            log("  DUT capacity (VR1 alone, unlimited): %d pps, generator offered %d"
                % (cap, cap_rows[0]["offered_pps"]))
            r1, r2 = 3 * cap, int(0.3 * cap)
            lim = int(0.6 * cap)
            for limit in (0, lim):
                shell.benchctl("dut", "limit %s/vr 1 %d %d" % (cfg.pin, limit, max(1, limit // 100)))
                for rep in range(cfg.repeats):
                    for r in t1_point(rig, [r1, r2], secs, duty):
                        r.update(scenario="table1", variant=variant, limit_vr1_pps=limit or "none",
                                 dut_capacity_pps=cap, dut_duty=duty)
                        w.add(r)
        with_rig(shell, "vrouter", fn, nin=nin, nvr=2, nout=2, shared_in=shared,
                 dut_prio=cfg.t1_dut_prio)


def t1_count(cfg):
    return 2 * 2 * cfg.repeats * 2	# variants, limits, repeats, VRs


T1_TEXT = (
    "Two VRs, VR1 offered 3x the DUT's capacity, VR2 0.3x (the paper: 1000 + 300 kpps on "
    "a 700 kpps forwarder). (a) each VR on its own NIC pair (VR1 in0->out0, VR2 in1->out1), "
    "(b) both on in0 (different VR MACs), VR1->out0, VR2->out1. One generator core drives "
    "both (per-frame MAC pattern, devmap redirect to g1 for (a)). vrouter's XDP forwards "
    "faster than one core generates, so the DUT core is slowed down to %s of a core by a "
    "real-time hog in 100 us slices; capacity = VR1 alone, unpaced, delivered. The DUT's napi "
    "kthreads (in0, in1) run SCHED_OTHER on their core (`--t1-dut-prio`): two SCHED_FIFO "
    "threads of one priority do not share a core, the busy one starves the other (VR2 got "
    "3.6%% in (a) that way). With a limit, "
    "VR1 gets 0.6x capacity (burst 10 ms). Drops: before XDP = the ingress veth ring full "
    "(generator tx drops, the \"NIC\"), policed = admission control, after admission = "
    "egress or other. Admission control helps VR2 only if dropping VR1's excess is cheap "
    "enough for the DUT to keep its ingress ring from overflowing; the lines below the table "
    "show what a frame costs the DUT here, forwarded or policed.")


def t1_table(rows):
    L = ["| variant | VR1 limit (pps) | VR | capacity (pps) | offered (pps) | delivered (pps) | "
         "delivered % | dropped before XDP | policed | dropped after admission | DUT ns/pkt |",
         "|---|---|---|---|---|---|---|---|---|---|---|"]
    for (variant, limit, vr), rs in group(rows, lambda r: (r["variant"], str(r["limit_vr1_pps"]),
                                                            r["vr"])).items():
        L.append("| %s | %s | VR%d | %d | %.0f | %.0f | %.1f | %.0f | %.0f | %.0f | %s |" % (
            variant, limit, vr, int(rs[0]["dut_capacity_pps"]), mean(r["offered_pps"] for r in rs),
            mean(r["delivered_pps"] for r in rs), mean(r["delivered_pct"] for r in rs),
            mean(r["drop_before_xdp"] for r in rs), mean(r["policed"] for r in rs),
            mean(r["drop_after_admission"] for r in rs),
            "%.0f" % mean(r["dut_ns_per_pkt"] for r in rs) if rs[0]["dut_ns_per_pkt"] != "" else "-"))
    return L + [""]


def t1_costs(rows):
    """Per variant and limit: VR1's overload and what a frame costs the DUT."""
    L = []
    for (variant, limit), rs in group(rows, lambda r: (r["variant"], str(r["limit_vr1_pps"]))).items():
        vr1 = [r for r in rs if r["vr"] == 1]
        cap = float(rs[0]["dut_capacity_pps"])
        rx = sum(float(r["rx_xdp"]) for r in rs)
        dlv = sum(float(r["delivered"]) for r in rs)
        ns_ = mean(r["dut_ns_per_pkt"] for r in rs)
        L.append("- (%s) VR1 limit %s: VR1 offered %.1fx capacity; DUT CPU per frame that "
                 "reached XDP (forwarded or policed) %s ns" % (
                     variant, limit, mean(r["offered_pps"] for r in vr1) / cap if cap else 0,
                     "%.0f" % (ns_ * dlv / rx) if ns_ and rx else "-"))
    return L + [""]


def t1_targets(rows):
    L = []
    off = [float(r["offered_pps"]) / float(r["dut_capacity_pps"]) for r in rows if r["vr"] == 1]
    if off and max(off) < 2.5:
        L += ["**VR1 did not reach 3x capacity here**: the one generator core (which also "
              "runs both sinks) is the limit, so these points show isolation at about the "
              "DUT's capacity, not under a 3x overload.", ""]
    for variant, target, lim in (("a", 99, "none"), ("b", 95, None)):
        vr2 = [r for r in rows if r["variant"] == variant and r["vr"] == 2 and
               ((str(r["limit_vr1_pps"]) == "none") == (lim == "none"))]
        if vr2:
            got = mean(r["delivered_pct"] for r in vr2)
            L.append("- target (%s) %s: VR2 keeps >= %d%% of its offered load: %.1f%% (%s)" % (
                variant, "VR1 unlimited" if lim == "none" else "VR1 limited to its share",
                target, got, "PASS" if got >= target else "FAIL"))
    return L + [""]


def t1_summary(rows):
    """summary.md's table1 section."""
    text = T1_TEXT % (rows[0]["dut_duty"] if rows else "?")
    return ["## table1", "", text, ""] + t1_table(rows) + t1_costs(rows) + t1_targets(rows)
