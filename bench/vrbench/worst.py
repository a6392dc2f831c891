# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The fast path's worst cases, vrouter against the no-VR bound (xdpfwd)
with the same table:

fib100k: 100,000 IPv4 prefixes in the table (every /32 of 198.19.0.0/16,
  then /31s and /30s) against 1 prefix (the /16), frames to 65,536
  destinations scattered over the /16 (trafficgen --dest-scatter: the
  next frame's address is 40,503 further on, each once per 65,536 frames).
manyvr: 256 VRs with 250 neighbours each on out0 (64,000 vr_neigh
  entries) against 1 VR with 1 neighbour; the destinations are the
  neighbours themselves (198.19.0.0/16 on out0's link), frames spread
  over every VR's MAC and, per VR, over 125 of its neighbours.  The no-VR
  bound has the same 250 neighbours in its one table.

Per rig: the program alone on one frame (BPF_PROG_RUN, load-independent,
but one destination: warm caches) and live points at a fixed load (the
whole spread of destinations, under the machine's load)."""
from .host import load1, log
from .measure import run_point
from .scenarios import prog_cost, with_rig

WC_RATE = 300000		# pps: every plane keeps up, on a busy machine too
FIB_ROUTES = (1, 100000)
MANY = ((1, 1), (256, 250))	# (VRs, neighbours of each)
WC_FIELDS = ["scenario", "plane", "x", "what", "repeat", "ns", "offered_pps",
             "delivered_pps", "loss_pct", "vr_slowpath", "gen_backend", "rig_build_s", "load1"]


def _points(cfg, shell, w, scen, plane, x, rig, dests):
    for rep in range(3):
        ns = prog_cost(shell, rig, rig.dst_macs[0], str(cfg.dut_cpu), plane)[0]
        w.add({"scenario": scen, "plane": plane, "x": x, "what": "progcost", "repeat": rep,
               "ns": ns, "rig_build_s": round(rig.build_s, 1), "load1": load1()})
    for rep in range(3):
        r = run_point(rig, [WC_RATE], cfg.duration, flows=cfg.flows, dests=dests,
                      scatter=True)
        w.add({"scenario": scen, "plane": plane, "x": x, "what": "live", "repeat": rep,
               "ns": r["dut_ns_per_pkt"], "offered_pps": r["offered_pps"],
               "delivered_pps": r["delivered_pps"], "loss_pct": r["loss_pct"],
               "vr_slowpath": r.get("vr_slowpath", ""), "gen_backend": r["gen_backend"],
               "rig_build_s": round(rig.build_s, 1),
               "load1": load1()})


def fib100k(cfg, shell, w):
    for routes in FIB_ROUTES:
        for plane in ("vrouter", "xdpfwd"):
            log("fib100k: %s, %d prefixes" % (plane, routes))
            with_rig(shell, plane, lambda rig: _points(cfg, shell, w, "fib100k", plane, routes,
                                                       rig, 65536), routes=routes)


def manyvr(cfg, shell, w):
    for nvr, nbrs in MANY:
        for plane in ("vrouter", "xdpfwd"):
            log("manyvr: %s, %d VRs x %d neighbours" % (plane, nvr, nbrs))
            with_rig(shell, plane, lambda rig: _points(cfg, shell, w, "manyvr", plane,
                                                       nvr * nbrs, rig, nbrs),
                     nvr=nvr if plane == "vrouter" else 1, nbrs=nbrs, spread=True)


def wc_count(cfg):
    return 2 * 2 * 6


def _med(rows, scen, plane, x, what):
    v = sorted(float(r["ns"]) for r in rows if r["scenario"] == scen and r["plane"] == plane
               and int(r["x"]) == x and r["what"] == what and r["ns"] != "")
    return v[len(v) // 2] if v else float("nan")


def wc_summary(rows):
    if not rows:
        return []
    scen = rows[0]["scenario"]
    lo, hi = (FIB_ROUTES if scen == "fib100k" else [a * b for a, b in MANY])
    what = "prefixes" if scen == "fib100k" else "neighbour entries (VRs x neighbours)"
    doc = " ".join(__doc__.split())
    a = doc.index(scen + ":")
    b = doc.find("manyvr:", a + 1) if scen == "fib100k" else doc.index("Per rig:")
    out = ["## %s" % scen, "", doc[a:b].strip() + " " + doc[doc.index("Per rig:"):], ""]
    if scen == "fib100k":
        bl, bh = "%d prefixes" % lo, "%d prefixes" % hi
    else:	# the bound has one table: the neighbours of one VR
        bl, bh = "%d neighbour" % MANY[0][1], "%d neighbours" % MANY[1][1]
    out.append("| measure | vrouter %d | vrouter %d | change | no-VR bound, %s | no-VR bound, %s "
               "| vrouter / bound at %d |" % (lo, hi, bl, bh, hi))
    out.append("|---|---|---|---|---|---|---|")
    for m, unit in (("progcost", "ns per frame, program alone"),
                    ("live", "DUT ns/packet at %d kpps (under load)" % (WC_RATE // 1000))):
        v0, v1 = _med(rows, scen, "vrouter", lo, m), _med(rows, scen, "vrouter", hi, m)
        b0, b1 = _med(rows, scen, "xdpfwd", lo, m), _med(rows, scen, "xdpfwd", hi, m)
        out.append("| %s | %.1f | %.1f | %+.1f%% | %.1f | %.1f | %.2f |"
                   % (unit, v0, v1, 100 * (v1 / v0 - 1), b0, b1, v1 / b1))
    v0, v1 = _med(rows, scen, "vrouter", lo, "live"), _med(rows, scen, "vrouter", hi, "live")
    b0, b1 = _med(rows, scen, "xdpfwd", lo, "live"), _med(rows, scen, "xdpfwd", hi, "live")
    line = "- %s, vrouter at %d %s vs %d: %+.1f%% per packet, the no-VR bound %+.1f%%" % (
        scen, hi, what, lo, 100 * (v1 / v0 - 1), 100 * (b1 / b0 - 1))
    if scen == "fib100k":	# the same table on both: growth comparable
        line = "- target: %s (vrouter's growth no more than the bound's + 10 points: %s)" % (
            line[2:], "PASS" if (v1 / v0 - 1) <= (b1 / b0 - 1) + 0.10 else "FAIL")
    else:
        # the bound's one table holds one VR's neighbours, vrouter's vr_neigh
        # every VR's: their growth is not comparable, only reported
        p0, p1 = (_med(rows, scen, "vrouter", x, "progcost") for x in (lo, hi))
        line += (" (reported: the bound holds %d neighbours, vrouter %d entries; the program "
                 "alone on one destination changes %+.1f%%, so the growth is the spread of "
                 "frames over the entries, in the caches)" % (MANY[1][1], hi, 100 * (p1 / p0 - 1)))
    return out + ["", line, ""]
