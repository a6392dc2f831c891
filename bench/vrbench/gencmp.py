# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""gencmp: the generator's backends against each other, in one run.  On
the IP forwarder's rig and on vrouter's, the same points with every
backend that works here, interleaved: DUT ns/packet at GC_LOADS (loads
every data plane keeps up with) and the generator's max offered rate
(unpaced).  The ratio vrouter / IP forwarder of each fallback (afxdp,
afpacket) is held to the one from live frames: within GC_TOLERANCE.
Where live frames are refused, that comparison is skipped and the
section says why; the fallbacks are still shown side by side."""
import os

from .genbackend import ENV, usable
from .host import load1, log
from .measure import run_point
from .scenarios import with_rig
from .tables import mean, median, verdict

GC_LOADS = (300000, 500000)	# below every data plane's capacity and the fallbacks' max
GC_PLANES = ("ipfwd", "vrouter")
GC_TOLERANCE = 0.10
# a backend that cannot run here has one row: its reason in `refused`
GC_FIELDS = ["scenario", "gen_backend", "refused", "plane", "x", "repeat", "offered_pps",
             "delivered_pps", "loss_pct", "dut_ns_per_pkt", "sent", "gen_xdp_frames", "load1"]


def gc_planes(cfg):
    return [p for p in GC_PLANES if p in cfg.planes] or cfg.planes[:1]


def gc_repeats(cfg):
    return max(cfg.repeats, 3)


def gc_count(cfg):
    n = len(usable(cfg)) if cfg.gen_probe else 1
    return (len(gc_planes(cfg)) * n * (len(GC_LOADS) + 1) * gc_repeats(cfg) +
            len(cfg.gen_probe) - n)


def gencmp(cfg, shell, w):
    backends = usable(cfg)
    for b, why in cfg.gen_probe.items():
        if why != "ok":
            w.add({"scenario": "gencmp", "gen_backend": b, "refused": why, "load1": load1()})
    for plane in gc_planes(cfg):
        log("gencmp: %s, backends %s" % (plane, ", ".join(backends)))

        def fn(rig):
            for rep in range(gc_repeats(cfg)):
                for b in backends:
                    for x in GC_LOADS + (0,):
                        os.environ[ENV] = b
                        try:
                            r = run_point(rig, [x], cfg.duration, flows=cfg.flows)
                        finally:
                            os.environ[ENV] = cfg.gen_backend
                        r.update(scenario="gencmp", plane=plane, x=x, repeat=rep, load1=load1())
                        w.add(r)
        with_rig(shell, plane, fn)


def _m(rows, b, plane, x, k):
    """The median of column k over the repeats (the DUT's ns/packet varies
    by tens of % between points on a busy machine)."""
    xs = [float(r[k]) for r in rows if r["gen_backend"] == b and r.get("plane") == plane
          and not r.get("refused") and int(r["x"]) == x and r[k] != ""]
    return median(xs) if xs else None


def _ratio_cell(rows, b, planes, x):
    """vrouter / IP fwd DUT ns/packet at load x with backend b, or None."""
    if len(planes) < 2:
        return None
    a, c = (_m(rows, b, p, x, "dut_ns_per_pkt") for p in reversed(planes))
    return a / c if a and c else None


def _loads(rows):
    """The fixed loads of these rows (GC_LOADS when they were written)."""
    return sorted({int(r["x"]) for r in rows if not r.get("refused") and int(r["x"]) > 0})


def _deviations(rows, planes, b, ref):
    """(load, b's ratio / ref's - 1) at each load both have."""
    devs = []
    for x in _loads(rows):
        r, q = _ratio_cell(rows, ref, planes, x), _ratio_cell(rows, b, planes, x)
        if r and q:
            devs.append((x, q / r - 1))
    return devs


def _dev_text(devs):
    return ", ".join("%+.1f%% at %.2f Mpps" % (100 * d, x / 1e6) for x, d in devs) or "-"


def _comparison(rows, backends, planes, refused):
    """The verdict lines: each fallback's ratios against live frames'."""
    if len(planes) < 2:
        return ["- comparison skipped: it needs both the IP forwarder and vrouter (--planes)"]
    fallbacks = [b for b in backends if b != "live"]
    if "live" not in backends:
        L = ["- fallback vs live frames (ratios within %d%%): **skipped**: live frames cannot "
             "run here (%s)" % (100 * GC_TOLERANCE, refused.get("live", "not run"))]
        for b in fallbacks[1:]:
            L.append("- %s vs %s (the fallbacks against each other, no target), vrouter / IP "
                     "fwd ns/packet: %s" % (b, fallbacks[0], _dev_text(
                         _deviations(rows, planes, b, fallbacks[0]))))
        return L
    L = []
    for b in fallbacks:
        devs = _deviations(rows, planes, b, "live")
        worst = max((abs(d) for x, d in devs), default=None)
        L.append("- %s vs live frames, vrouter / IP fwd ns/packet: %s (target within %d%%: %s)" % (
            b, _dev_text(devs), 100 * GC_TOLERANCE,
            verdict(worst is not None and worst <= GC_TOLERANCE) if devs else "no data"))
    return L


def gc_summary(rows):
    """summary.md's gencmp section."""
    refused = {r["gen_backend"]: r["refused"] for r in rows if r.get("refused")}
    backends = []
    for r in rows:
        if r["gen_backend"] not in backends and r["gen_backend"] not in refused:
            backends.append(r["gen_backend"])
    planes = [p for p in GC_PLANES if any(r.get("plane") == p for r in rows)]
    loads = _loads(rows)
    reps = len({r["repeat"] for r in rows if not r.get("refused")})
    hdr = " | ".join("ns/pkt %s at %.1f Mpps" % (p, x / 1e6) for x in loads for p in planes)
    L = ["## gencmp", "",
         "The generator's backends on the same rigs, points interleaved, medians of %d "
         "repeats: DUT ns/packet at fixed loads (the DUT's work per frame, which the "
         "backend must not change), and each backend's max offered rate (unpaced, "
         "measured at the generator)." % reps, "",
         "| backend | max offered (Mpps) | %s | vrouter / IP fwd ns/pkt, by load |" % hdr,
         "|---|---|%s---|" % ("---|" * len(loads) * len(planes))]
    for b in backends:
        mx = mean(_m(rows, b, p, 0, "offered_pps") for p in planes)
        cells = [_m(rows, b, p, x, "dut_ns_per_pkt") for x in loads for p in planes]
        ratios = [_ratio_cell(rows, b, planes, x) for x in loads]
        L.append("| %s | %s | %s | %s |" % (
            b, "%.2f" % (mx / 1e6) if mx else "-",
            " | ".join("%.0f" % c if c else "-" for c in cells),
            ", ".join("%.2f" % q for q in ratios if q) or "-"))
    L += [""] + ["- %s cannot run here: %s" % kv for kv in refused.items()]
    L += _comparison(rows, backends, planes, refused) + [""]
    return L
