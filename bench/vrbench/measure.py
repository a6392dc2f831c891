# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""One measured point on a rig: counters before and after a generator run,
turned into a CSV row; the hog that slows the DUT core down."""
import shlex
import subprocess
import time

from .config import ip4, ip6
from .host import cpu_stat, load1, runtime_ns, softnet_drops


def snapshot(rig):
    """Every counter a point reads, at one moment."""
    sh, cfg = rig.shell, rig.cfg
    s = {"t": time.time(), "softnet": softnet_drops(), "cpu0": cpu_stat(cfg.dut_cpu)}
    s["napi_ns"] = sum(runtime_ns(p) for p in rig.in_threads)
    s["ksoftirqd_ns"] = sum(runtime_ns(p) for p in rig.ksoftirqd)
    s["g"] = [sh.link_stats("gen", "g%d" % i) for i in range(rig.nin)]
    s["g_xdp"] = sum(sh.xdp_xmit("gen", "g%d" % i) for i in range(rig.nin))
    s["in"] = [sh.link_stats("dut", d) for d in rig.ins]
    s["out0"] = sh.link_stats("dut", "out0")
    s["sinks"] = [sh.benchctl_json("sink", "sink-read %s" % rig.sink_dir(j))
                  for j in range(rig.nout)]
    s["sink"] = s["sinks"][0]
    if rig.plane == "vrouter":
        s["vrs"] = [sh.benchctl_json("dut", "vr-stats %s/vr %d" % (cfg.pin, k))
                    for k in range(1, (rig.nvr if rig.nout > 1 else 1) + 1)]
        s["vr"] = s["vrs"][0]
    return s


def gen_cmd(rig, nin, rate, duration, v6, size, flows, dests, scatter=False):
    """One generator for ingress NICs g0..g<nin-1>, round robin over
    them: several SCHED_FIFO generators on one CPU would not share it
    (each BPF_PROG_RUN call runs ~2 s before the next one gets a turn)."""
    cfg = rig.cfg
    # several destinations: one per /25 route (fig7), else consecutive
    step = 128 if 1 < rig.routes <= 512 and not v6 else 1
    macs = rig.nvr if rig.spread and rig.vr else 1
    dst = "198.19.0.1" if not v6 else "2001:2:0:ff00::1"
    src = ip4(10, 2) if not v6 else ip6(10, 2)
    devs = "" if nin == 1 else " --devs %s --dev-macs %s" % (
        ",".join("g%d" % i for i in range(1, nin)), ",".join(rig.dst_macs[:nin]))
    return ("ip netns exec %s %s%s --dev g0 --dst-mac %s --src-ip %s --dst-ip %s "
            "--rate %d --duration %g --size %d --flows %d --dests %d --ttl %d --cpu %d --macs %d "
            "--dest-step %d%s%s"
            % (cfg.ns("gen"), cfg.rt_prefix(), cfg.trafficgen, rig.dst_macs[0], src, dst, rate,
               duration, size, flows, dests, cfg.ttl, cfg.gen_cpu, macs, step, devs,
               " --dest-scatter" if scatter else ""))


def run_point(rig, rates, duration, v6=False, size=64, flows=1, dests=1, scatter=False):
    """Offer `rates[i]` pps on ingress i for `duration` s; return a dict."""
    if len(set(rates)) != 1:
        raise ValueError("run_point: different rates per ingress NIC")
    cmd = gen_cmd(rig, len(rates), sum(rates), duration, v6, size, flows, dests, scatter)
    a = snapshot(rig)
    p = subprocess.Popen(shlex.split(cmd), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    out, err = p.communicate(timeout=duration * 4 + 30)
    if p.returncode != 0:
        raise RuntimeError("trafficgen failed: %s" % err.strip())
    time.sleep(0.2)			# let the rings drain
    b = snapshot(rig)
    return result(rig, a, b, [gen_output(out)], rates)


def gen_output(out):
    """trafficgen's key=value output as a dict."""
    return dict(kv.split("=", 1) for kv in out.split())


def link_delta(a, b, links, field):
    """Sum over the links of one kind ("g": gN, "in": inN) of b - a of a counter."""
    return sum(y[field] - x[field] for x, y in zip(a[links], b[links]))


def dut_ns(a, b):
    """CPU time of the DUT core's NAPI work between two snapshots."""
    return (b["napi_ns"] - a["napi_ns"]) + (b["ksoftirqd_ns"] - a["ksoftirqd_ns"])


def _cpu0_pct(a, b, key):
    return round(100.0 * (b["cpu0"][key] - a["cpu0"][key]) /
                 max(1, b["cpu0"]["total"] - a["cpu0"]["total"]), 1)


def _latency(a, b, delivered):
    """p50, p99, max of the sink's latency histogram over the point."""
    sa, sb = a["sink"], b["sink"]
    hist = {}
    for k, v in sb["lat"].items():
        d = v - sa["lat"].get(k, 0)
        if d:
            hist[int(k)] = d
    return {"lat_p50_ns": percentile(hist, 0.50), "lat_p99_ns": percentile(hist, 0.99),
            "lat_max_ns": sb["lat_max"] if delivered else ""}


def _gen_fields(gens):
    elapsed = max(int(g["elapsed_ns"]) for g in gens) / 1e9
    return {"gen_elapsed_s": round(elapsed, 3),
            "gen_lag_resets": sum(int(g["lag_resets"]) for g in gens),
            "gen_lag_lost_ms": round(sum(int(g["lag_lost_ns"]) for g in gens) / 1e6, 2),
            "gen_call_gap_ms": round(sum(int(g["call_gap_ns"]) for g in gens) / 1e6, 2),
            "gen_backend": gens[0].get("backend", "live"),
            "frame_bytes": gens[0]["frame_bytes"]}


def result(rig, a, b, gens, rates):
    """The CSV row of one point from its snapshots and generator output."""
    sent = sum(int(g["sent"]) for g in gens)
    offered = sum(float(g["offered_pps"]) for g in gens)
    sa, sb = a["sink"], b["sink"]
    delivered = sb["ours"] - sa["ours"]
    cpu = dut_ns(a, b)
    gen_drop = link_delta(a, b, "g", "tx_dropped")
    in_drop = link_delta(a, b, "in", "rx_dropped")
    out_drop = b["out0"]["tx_dropped"] - a["out0"]["tx_dropped"]
    backlog = b["softnet"] - a["softnet"]
    r = {
        "set_pps": sum(rates),
        "offered_pps": round(offered),
        # over the same span as offered_pps: (sent - 1) intervals
        "delivered_pps": round(offered * delivered / sent) if sent else 0,
        "sent": sent,
        "delivered": delivered,
        "loss_pct": round(100.0 * (sent - delivered) / sent, 4) if sent else 0,
        "drop_gen_tx": gen_drop,
        "drop_dut_rx": in_drop,
        "drop_backlog": backlog,
        "drop_dut_tx": out_drop,
        # a veth counts a full ring on both ends: gN tx and inN rx
        "drop_other": sent - delivered - gen_drop - backlog - out_drop,
        "dut_ns_per_pkt": round(cpu / delivered, 1) if delivered else "",
        "dut_cpu_pct": round(100.0 * cpu / ((b["t"] - a["t"]) * 1e9), 1),
        "cpu0_busy_pct": _cpu0_pct(a, b, "busy"),
        "cpu0_softirq_pct": _cpu0_pct(a, b, "softirq"),
        "bad_mac": sb["bad_mac"] - sa["bad_mac"],
        "bad_ttl": sb["bad_ttl"] - sa["bad_ttl"],
        "flows_seen": sum(1 for k, v in sb["flows"].items() if v - sa["flows"].get(k, 0) > 0),
        # frames gN passed on as XDP frames (the DUT gets no skbs from the generator)
        "gen_xdp_frames": b["g_xdp"] - a["g_xdp"],
        "load1": load1(),
    }
    r.update(_latency(a, b, delivered))
    r.update(_gen_fields(gens))
    if rig.plane == "vrouter":
        r["vr_slowpath"] = sum(b["vr"]["pass"]) - sum(a["vr"]["pass"])
        r["vr_fwd"] = b["vr"]["fwd"] - a["vr"]["fwd"]
    return r


def bucket_value(b, sub=8):
    """Midpoint (ns) of a sink latency bucket."""
    if b < sub:
        return b
    l, s = divmod(b, sub)
    lo = (sub + s) << (l - 3)
    hi = (sub + s + 1) << (l - 3)
    return (lo + hi) // 2


def percentile(hist, q):
    tot = sum(hist.values())
    if not tot:
        return ""
    acc = 0
    for b in sorted(hist):
        acc += hist[b]
        if acc >= q * tot:
            return bucket_value(b)
    return bucket_value(max(hist))


class Hog:
    """Takes (1 - duty) of the DUT core at a real-time priority above the
    DUT's kthreads, in 100 us slices: a slower machine, so that the one
    generator core can offer several times the DUT's capacity (the XDP
    data plane forwards faster than one core can generate)."""

    def __init__(self, cfg, duty, secs, period_us=100):
        self.p = None
        if duty < 1:
            self.p = subprocess.Popen([cfg.benchctl, "hog", str(cfg.dut_cpu), str(duty),
                                       str(period_us), str(secs), str(cfg.dut_prio + 10)])
            time.sleep(0.1)

    def stop(self):
        if self.p:
            self.p.kill()
            self.p.wait()
