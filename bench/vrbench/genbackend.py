# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The generator's backend (bench/tg.h): which ones work on this machine
(trafficgen --probe, in a namespace of its own), the one a run uses, and
how summary.md names it."""
import os
import re
import subprocess

ENV = "VR_TRAFFICGEN_BACKEND"
ORDER = ("live", "afxdp", "afpacket")
WHAT = {
    "live": "BPF_PROG_RUN live frames, XDP_TX on gN",
    "afxdp": "AF_XDP (copy mode) into a relay veth whose XDP redirects into gN",
    "afpacket": "AF_PACKET sendmmsg into a relay veth whose XDP redirects into gN",
}


def probe(cfg):
    """{backend: "ok" or why it cannot run}, in trafficgen's order."""
    r = subprocess.run(["unshare", "-n", cfg.trafficgen, "--probe"], capture_output=True,
                       text=True, timeout=60)
    out = {}
    for line in r.stdout.splitlines():
        m = re.match(r"^(\w+): (ok|refused \((.*)\))$", line)
        if m:
            out[m.group(1)] = "ok" if m.group(2) == "ok" else m.group(3)
    if not out:
        raise RuntimeError("trafficgen --probe said nothing: %s" % r.stderr.strip())
    return out


def usable(cfg):
    return [b for b, why in cfg.gen_probe.items() if why == "ok"]


def choose(cfg):
    """cfg.gen_backend: the one asked for (--gen-backend, else $ENV) if it
    works here, else the first that works; set in the environment, so
    that every trafficgen of the run uses it.  Exits in one line when the
    one asked for cannot run."""
    cfg.gen_probe = probe(cfg)
    want = cfg.gen_backend or os.environ.get(ENV, "") or "auto"
    if want == "auto":
        ok = usable(cfg)
        if not ok:
            raise SystemExit("bench.py: no generator backend works here (%s)" % "; ".join(
                "%s: %s" % kv for kv in cfg.gen_probe.items()))
        want = ok[0]
    elif want not in cfg.gen_probe:
        raise SystemExit("bench.py: unknown generator backend %s (%s or auto)"
                         % (want, ", ".join(ORDER)))
    elif cfg.gen_probe[want] != "ok":
        raise SystemExit("bench.py: generator backend %s cannot run here: %s"
                         % (want, cfg.gen_probe[want]))
    cfg.gen_backend = want
    os.environ[ENV] = want
    return want


def header_line(meta):
    """summary.md: the backend of the run and what the others did here."""
    b = meta.get("gen_backend")
    if not b:
        return []
    others = "; ".join("%s: %s" % (k, v if v == "ok" else "cannot run here (%s)" % v)
                       for k, v in meta.get("gen_probe", {}).items())
    return ["- generator backend: **%s** (%s; CSV column gen_backend). Backends here: %s. "
            "Every backend runs the same XDP program on every frame, and gN's peer gets XDP "
            "frames from a redirect with each, so the DUT's work is the same; the gencmp "
            "section compares them." % (b, WHAT.get(b, "?"), others)]
