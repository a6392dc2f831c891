# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The paper's figures as scenarios: fig4, ipv6, fig5 (sweeps of offered
load), fig6-8 (counts at a fixed load), fig9 (latency), overload and
progcost.  A scenario runs as run(cfg, shell, writer) and knows how many
CSV rows it writes (count(cfg)), for the progress line."""
from .config import ip4
from .host import load1, log
from .measure import Hog, run_point
from .rig import Rig


def with_rig(shell, plane, fn, **rigargs):
    """Build a fresh rig for `plane`, warm it up, run fn(rig), remove it."""
    rig = Rig(shell, plane, **rigargs)
    try:
        rig.build()
        # warm-up: neighbour and route caches, page pools, first-touch
        run_point(rig, [100000] * rig.nin, 0.3)
        return fn(rig)
    finally:
        shell.cleanup()


def add(w, rig, r, scenario, plane, x, repeat, family="ipv4"):
    """Label a point's row and write it."""
    r.update(scenario=scenario, plane=plane, family=family, x=x, repeat=repeat,
             rig_build_s=round(rig.build_s, 1))
    w.add(r)
    return r


def sweep(cfg, shell, w, scenario, rates, v6=False, nin=1, size=64, suffix=""):
    """Every data plane over the offered loads `rates` (split over nin NICs)."""
    for plane in cfg.planes:
        log("%s: %s%s" % (scenario, plane, ", %d ingress" % nin if suffix else ""))

        def fn(rig):
            for rate in rates:
                for rep in range(cfg.repeats):
                    per = [rate // nin] * nin if rate else [0] * nin
                    r = run_point(rig, per, cfg.duration, v6=v6, size=size, flows=cfg.flows)
                    add(w, rig, r, scenario, plane + suffix, rate, rep,
                        family="ipv6" if v6 else "ipv4")
        with_rig(shell, plane, fn, nin=nin)


def fig4(cfg, shell, w):
    sweep(cfg, shell, w, "fig4", cfg.rates)


def ipv6(cfg, shell, w):
    sweep(cfg, shell, w, "ipv6", cfg.rates, v6=True, size=80)


def fig5(cfg, shell, w):
    for nin in (2, 3):
        sweep(cfg, shell, w, "fig5", cfg.rates, nin=nin, suffix="/%din" % nin)


def count_sweep(cfg, times=1):
    return times * len(cfg.planes) * len(cfg.rates) * cfg.repeats


# A Linux bridge numbers its ports 1..1023 (BR_MAX_PORTS 1024, port 0
# unused) and in0/out0 takes one: the veth+bridge VR stops at 1022 VRs
# ("Exchange full" beyond).
BRIDGE_MAX_VRS = 1022


def scale_rigs(cfg, counts, quiet=False):
    """fig6/fig8: the (VR count, plane) rigs: the no-VR planes once, the
    bridge planes up to what a bridge holds (quiet: no word on those skipped)."""
    for nvr in counts:
        for plane in cfg.planes:
            if plane in ("ipfwd", "xdpfwd") and nvr != counts[0]:
                continue
            if plane.startswith("bridge") and nvr > BRIDGE_MAX_VRS:
                if not quiet:
                    log("%s: skipped at %d VRs (a bridge holds %d ports)"
                        % (plane, nvr, BRIDGE_MAX_VRS + 1))
                continue
            yield nvr, plane


def scale_points(cfg, w, scenario, plane, x, rig, **gen):
    """fig6-8: three points at the fixed load (--fixed-rate), where
    ns/packet compares across x (it varies 10-20% between points on this
    VM), then one unpaced (plane "<plane>/max")."""
    for rate in (cfg.fixed_rate, 0):
        for rep in range(max(cfg.repeats, 3 if rate else 1)):
            r = run_point(rig, [rate], cfg.duration, flows=cfg.flows, **gen)
            add(w, rig, r, scenario, plane if rate else plane + "/max", x, rep)


def scale_rows(cfg):
    """Rows of one scale_points call."""
    return max(cfg.repeats, 3) + cfg.repeats


def fig6(cfg, shell, w):
    for nvr, plane in scale_rigs(cfg, cfg.vr_counts):
        log("fig6: %s, %d VRs" % (plane, nvr))
        with_rig(shell, plane, lambda rig: scale_points(cfg, w, "fig6", plane, nvr, rig), nvr=nvr)


def fig7(cfg, shell, w):
    for dests in (1, 512):
        for plane in cfg.planes:
            log("fig7: %s, 512 routes, %d destinations" % (plane, dests))
            with_rig(shell, plane, lambda rig: scale_points(cfg, w, "fig7", plane, dests, rig,
                                                            dests=dests), routes=512)


def fig8(cfg, shell, w):
    """Virtual interfaces: N VRs, each a (VR, NIC) pair on in0 and on out0,
    traffic spread over all of them (one destination MAC per VR)."""
    for nvr, plane in scale_rigs(cfg, cfg.vif_vrs):
        log("fig8: %s, %d VIFs" % (plane, 2 * nvr))
        with_rig(shell, plane, lambda rig: scale_points(cfg, w, "fig8", plane, 2 * nvr, rig),
                 nvr=nvr, spread=True)


def fig9(cfg, shell, w):
    """Latency at a fixed load: half of the IP forwarder's capacity."""
    rate = cfg.fig9_rate
    for plane in cfg.planes:
        log("fig9: %s at %d pps" % (plane, rate))

        def fn(rig):
            for rep in range(cfg.repeats):
                add(w, rig, run_point(rig, [rate], cfg.duration, flows=cfg.flows),
                    "fig9", plane, rate, rep)
        with_rig(shell, plane, fn)


OVERLOAD_PLANES = ("ipfwd", "macvlan", "vrouter", "xdpfwd")
OVERLOAD_X = (0.5, 0.9, 1.1, 1.5, 2.0, 3.0)


def overload(cfg, shell, w):
    """Overload collapse: the DUT core slowed to --ovl-duty of a core by
    the hog (one generator core cannot offer 3x an XDP data plane's
    capacity otherwise); capacity = delivered unpaced; then paced points at
    OVERLOAD_X times it (as far as the generator gets)."""
    for plane in [p for p in cfg.planes if p in OVERLOAD_PLANES]:
        log("overload: %s, DUT at %.2f of a core" % (plane, cfg.ovl_duty))

        def point(rig, rate):
            hog = Hog(cfg, cfg.ovl_duty, cfg.duration + 1)
            try:
                r = run_point(rig, [rate], cfg.duration, flows=cfg.flows)
            finally:
                hog.stop()
            return add(w, rig, r, "overload", plane, rate, 0)

        def fn(rig):
            cap = float(point(rig, 0)["delivered_pps"])
            for f in OVERLOAD_X:
                point(rig, int(f * cap))
        with_rig(shell, plane, fn)


def prog_cost(shell, rig, mac, cpus, what):
    """benchctl prog-cost: the program attached on in0, on one forwarded
    frame to `mac` (BPF_PROG_RUN repeat, 1 s) on CPUs `cpus`; ns per run
    of each CPU.  The frame must be redirected (XDP_REDIRECT)."""
    j = shell.benchctl_json("dut", "prog-cost in0 %s %s 198.19.0.1 %s 1"
                            % (mac, ip4(10, 2), cpus), rt=True)
    if j["cpus"][0]["retval"] != 4:
        raise RuntimeError("prog-cost %s: action %d, not XDP_REDIRECT"
                           % (what, j["cpus"][0]["retval"]))
    return [c["ns_per_run"] for c in j["cpus"]]


def progcost(cfg, shell, w):
    """The XDP program alone, as attached in the rig, on the same forwarded
    64-byte frame (benchctl prog-cost: BPF_PROG_RUN repeat, 1 s a round,
    rounds interleaved by rig): vrouter against the no-VR bound.  The DUT
    ns/packet varies 10-20% between points on this VM; this does not."""
    for rnd in range(3):
        for plane in ("vrouter", "xdpfwd"):
            def fn(rig):
                for k in range(2):
                    ns = prog_cost(shell, rig, rig.dst_macs[0], str(cfg.dut_cpu), plane)
                    w.add({"scenario": "progcost", "plane": plane, "round": 2 * rnd + k,
                           "ns_per_run": ns[0], "load1": load1()})
                if plane == "vrouter":
                    rpf_cost(cfg, shell, w, rig, rnd)
            with_rig(shell, plane, fn)


def rpf_cost(cfg, shell, w, rig, rnd):
    """The same frame to the same VR with its rp_filter strict on in0 (the
    source routes back out of in0, so it is still forwarded): the cost of
    the reverse-path lookup, which only VRs with rp_filter pay."""
    shell.benchctl("dut", "vr %s/vr -" % cfg.pin,
                   input="rpf in0 %s 1\n" % rig.dst_macs[0])
    for k in range(2):
        ns = prog_cost(shell, rig, rig.dst_macs[0], str(cfg.dut_cpu), "vrouter-rpf")
        w.add({"scenario": "progcost", "plane": "vrouter-rpf", "round": 2 * rnd + k,
               "ns_per_run": ns[0], "load1": load1()})
    shell.benchctl("dut", "vr %s/vr -" % cfg.pin,
                   input="rpf in0 %s 0\n" % rig.dst_macs[0])


PC_FIELDS = ["scenario", "plane", "round", "ns_per_run", "load1"]

# Where the difference goes is a profile, not something this run measures:
# the target line points to it (one place for its numbers).
PC_WHERE = 'where the difference goes: bench/README.md, "progcost: where it goes"'


def pc_summary(rows):
    med = {p: sorted(float(r["ns_per_run"]) for r in rows if r["plane"] == p)
           for p in ("vrouter", "xdpfwd", "vrouter-rpf")}
    v, x = (med[p][len(med[p]) // 2] for p in ("vrouter", "xdpfwd"))
    out = ["## progcost", "",
           "The XDP program alone on a forwarded 64-byte IPv4 frame (BPF_PROG_RUN, "
           "6 rounds of 1 s each, medians): vrouter %.1f ns, the no-VR bound (xdpfwd) "
           "%.1f ns, difference %.1f ns per packet (where it goes: bench/README.md)."
           % (v, x, v - x), "",
           "- target: vrouter / no-VR bound %.2f (target <= 1.15: %s)%s"
           % (v / x, "PASS" if v / x <= 1.15 else "FAIL",
              "" if v / x <= 1.15 else "; " + PC_WHERE), ""]
    if med["vrouter-rpf"]:
        r = med["vrouter-rpf"][len(med["vrouter-rpf"]) // 2]
        out += ["With the VR's rp_filter strict (a second FIB lookup, paid only by VRs "
                "that turn rp_filter on): %.1f ns, +%.1f ns." % (r, r - v), ""]
    return out

