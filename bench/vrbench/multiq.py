# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""mq: the fast path on every receive queue.  in0 (a veth) with two
queues, queue q's NAPI kthread pinned to CPU q, against the same rig with
one queue at the same load per queue.  A veth's sender puts a frame on the
peer's queue (its CPU) mod (queues), so one generator per CPU (--cpu 0 and
--cpu 1) fills one queue each.  Per point: DUT ns/packet per CPU (its
kthread's time / its queue's frames, ethtool -S rx_queue_Q_xdp_packets),
the VR's counters against the frames the queues saw (exact), and, with a
limit on the VR, the frames admitted over both queues against the limit."""
import shlex
import subprocess
import time

from .host import load1, log, runtime_ns
from .measure import gen_cmd, gen_output, result, snapshot
from .rig import Rig
from .scenarios import prog_cost, with_rig

MQ_RATE = 300000		# pps per queue: below one CPU's capacity with the generator beside it
MQ_LIMIT = (200000, 64)		# the VR's limit (pps, burst) in the admission point
MQ_BATCH = 8			# credit a CPU takes at once: min(VR_LIMIT_BATCH, burst / 8)
MQ_FIELDS = ["scenario", "queues", "what", "set_pps", "sent", "queue_pkts", "dut_ns_per_pkt",
             "cpu_ns_per_pkt", "vr_rx", "vr_fwd", "vr_pass", "vr_policed", "counters_exact",
             "admitted_expected", "admitted_pct", "elapsed_s", "gen_backend", "load1"]


def queue_pkts(rig):
    """Frames each of in0's queues handed to XDP so far."""
    out = rig.shell.nse("dut", "ethtool -S in0")
    st = dict((k.strip(), int(v)) for k, v in
              (l.split(":", 1) for l in out.splitlines() if ":" in l and "_queue_" in l))
    return [st.get("rx_queue_%d_xdp_packets" % q, 0) for q in range(rig.queues)]


def point(rig, per_queue):
    """Offer per_queue pps on each queue (a generator on CPU q for queue q)
    for cfg.duration; the row's common fields."""
    cfg = rig.cfg
    cpus = range(rig.queues) if rig.queues > 1 else [cfg.gen_cpu]
    cmds = [gen_cmd(rig, 1, per_queue, cfg.duration, False, 64, cfg.flows, 1)
            .replace("--cpu %d " % cfg.gen_cpu, "--cpu %d " % c) for c in cpus]
    threads = getattr(rig, "queue_threads", sorted(rig.in_threads))
    a, qa, ta = snapshot(rig), queue_pkts(rig), [runtime_ns(p) for p in threads]
    ps = [subprocess.Popen(shlex.split(c), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True) for c in cmds]
    outs = []
    for p in ps:
        out, err = p.communicate(timeout=cfg.duration * 4 + 30)
        if p.returncode != 0:
            raise RuntimeError("trafficgen failed: %s" % err.strip())
        outs.append(gen_output(out))
    time.sleep(0.2)
    b, qb, tb = snapshot(rig), queue_pkts(rig), [runtime_ns(p) for p in threads]
    r = result(rig, a, b, outs, [per_queue * len(cpus)])
    q = [y - x for x, y in zip(qa, qb)]
    # queue q's kthread is the q-th by pid (rig.queue_cpus); 1 queue: on dut_cpu
    ns = [round((tb[i] - ta[i]) / q[i], 1) if q[i] else "" for i in range(len(q))]
    va, vb = a["vr"], b["vr"]
    rx = vb["rx"] - va["rx"]
    fwd, pol = vb["fwd"] - va["fwd"], vb["policed"] - va["policed"]
    pas = sum(vb["pass"]) - sum(va["pass"])
    return {"scenario": "mq", "queues": rig.queues, "set_pps": per_queue * len(cpus),
            "sent": r["sent"], "queue_pkts": "/".join(map(str, q)), "gen_backend": r["gen_backend"],
            "dut_ns_per_pkt": r["dut_ns_per_pkt"], "cpu_ns_per_pkt": "/".join(map(str, ns)),
            "vr_rx": rx, "vr_fwd": fwd, "vr_pass": pas, "vr_policed": pol,
            # every frame the generators got onto the link reached the VR (other
            # frames on the queues, such as the gen's IPv6 ND, are no_vr)
            "counters_exact": int(rx == r["sent"] - r["drop_gen_tx"] and fwd + pas + pol == rx),
            "elapsed_s": window_s(outs), "load1": load1()}


def window_s(outs):
    """From the first generator's first frame to the last one's last frame
    (CLOCK_MONOTONIC): the generators start apart by their setup time (a
    relay backend's is tens of ms, more on a busy machine)."""
    if all("first_ns" in o for o in outs):
        return (max(int(o["last_ns"]) for o in outs) -
                min(int(o["first_ns"]) for o in outs)) / 1e9
    return max(int(o["elapsed_ns"]) for o in outs) / 1e9


def mq(cfg, shell, w):
    for queues in (1, 2):
        log("mq: vrouter, in0 with %d queue%s" % (queues, "s" if queues > 1 else ""))

        def fn(rig):
            for rep in range(max(cfg.repeats, 3)):
                row = point(rig, MQ_RATE)
                row["what"] = "cost"
                w.add(row)
            # the program alone on one CPU, then on both at once (BPF_PROG_RUN,
            # the same VR): what the data plane itself costs per CPU
            for rep in range(3):
                for cpus in ("0", "0,1"):
                    ns = prog_cost(shell, rig, rig.dst_macs[0], cpus, "vrouter")
                    w.add({"scenario": "mq", "queues": queues, "what": "progcost/" + cpus,
                           "cpu_ns_per_pkt": "/".join("%.1f" % x for x in ns),
                           "load1": load1()})
            if queues == 1:
                return
            pps, burst = MQ_LIMIT
            shell.benchctl("dut", "limit %s/vr 1 %d %d" % (cfg.pin, pps, burst))
            row = point(rig, MQ_RATE)
            shell.benchctl("dut", "limit %s/vr 1 0 0" % cfg.pin)
            exp = pps * row["elapsed_s"] + burst
            row.update(what="admission", admitted_expected=round(exp),
                       admitted_pct=round(100.0 * row["vr_fwd"] / exp, 2))
            w.add(row)
        with_rig(shell, "vrouter", fn, queues=queues)


def mq_count(cfg):
    return 2 * max(cfg.repeats, 3) + 2 * 6 + 1


def _med(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2] if xs else float("nan")


def mq_summary(rows):
    one = [float(r["dut_ns_per_pkt"]) for r in rows
           if r["what"] == "cost" and int(r["queues"]) == 1 and r.get("dut_ns_per_pkt")]
    per = [[float(x) for x in r["cpu_ns_per_pkt"].split("/") if x]
           for r in rows if r["what"] == "cost" and int(r["queues"]) == 2]
    cpu = [_med([p[i] for p in per if len(p) > i]) for i in range(2)]
    exact = all(int(r["counters_exact"]) for r in rows if r.get("counters_exact", "") != "")
    pc1 = _med([float(r["cpu_ns_per_pkt"]) for r in rows if r["what"] == "progcost/0"])
    pc2 = [_med([float(r["cpu_ns_per_pkt"].split("/")[i]) for r in rows
                 if r["what"] == "progcost/0,1"]) for i in range(2)]
    adm = [r for r in rows if r["what"] == "admission"]
    o = _med(one)
    out = ["## mq", "",
           "in0 with two receive queues, queue q served by CPU q (a generator on each CPU: "
           "a veth's sender picks the peer's queue by its own CPU), %d kpps per queue; "
           "against one queue at the same load.  Medians of the points.  Live figures are "
           "taken under load: CPU 0 also runs queue 0's generator, CPU 1 queue 1's generator "
           "and the sink (SCHED_FIFO like the DUT), so queue 1's kthread is woken for small "
           "batches and pays the wake-ups per packet; the program alone on both CPUs at once "
           "(BPF_PROG_RUN) is the figure of the data plane itself.  Counters exact: the VR's rx "
           "equals the frames the generators got onto the link (sent - gN tx drops)."
           % (MQ_RATE // 1000), ""]
    for i, c in enumerate(cpu):
        out.append("- target: ns/packet on CPU %d with two queues %.0f vs one queue %.0f: "
                   "%+.1f%% (target within 10%%: %s)"
                   % (i, c, o, 100.0 * (c / o - 1), "PASS" if abs(c / o - 1) <= 0.10 else "FAIL"))
    for i, c in enumerate(pc2):
        out.append("- target: the program alone (BPF_PROG_RUN, same VR) on CPU %d while CPU %d "
                   "runs it too %.1f ns vs on one CPU %.1f ns: %+.1f%% (target within 10%%: %s)"
                   % (i, 1 - i, c, pc1, 100.0 * (c / pc1 - 1),
                      "PASS" if abs(c / pc1 - 1) <= 0.10 else "FAIL"))
    out.append("- target: the VR's counters exact (rx = frames on the link, "
               "fwd + pass + policed = rx) in every point: %s" % ("PASS" if exact else "FAIL"))
    for r in adm:
        p = float(r["admitted_pct"])
        # never over: rate x time + burst, plus the credit each CPU may
        # hold (VR_LIMIT_BATCH frames); under only by gaps in the arrivals
        top = 100.0 * (1 + 2 * MQ_BATCH / float(r["admitted_expected"]))
        out.append("- target: admission exact with the VR's traffic on both queues: limit "
                   "%d pps burst %d, %s admitted of %s expected over %.2f s (%.2f%%; target "
                   "97%% to %.3f%%, the top being 2 CPUs' credit of %d frames: %s)"
                   % (MQ_LIMIT[0], MQ_LIMIT[1], r["vr_fwd"], r["admitted_expected"],
                      float(r["elapsed_s"]), p, top, MQ_BATCH,
                      "PASS" if 97 <= p <= top else "FAIL"))
    return out + [""]
