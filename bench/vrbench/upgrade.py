# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""upgrade: frames lost while `vrctl upgrade` moves the running vrouter to
new maps and a new program (--force: the full migration, entries copied,
every NIC switched with XDP_FLAGS_REPLACE), against the same run without
an upgrade.  100 kpps through one VR for UPG_SECONDS, the upgrade started
half-way; the pairs alternate, so that the machine's noise hits both."""
import os
import threading
import time

from .config import TOP
from .host import load1, log
from .measure import run_point
from .scenarios import with_rig
from .tables import median

DROPS = ["drop_gen_tx", "drop_dut_rx", "drop_backlog", "drop_dut_tx", "drop_other"]
UPG_FIELDS = ["scenario", "upgrade", "repeat", "rate_pps", "seconds", "sent", "delivered",
              "lost"] + DROPS + ["upgrade_ms", "upgrade_ok", "gen_backend", "load1"]
UPG_RATE = 100000
UPG_SECONDS = 4
UPG_PAIRS = 5
VRCTL = os.path.join(TOP, ".output", "vrctl")


def upg_count(cfg):
    return 2 * UPG_PAIRS


def point(cfg, shell, rig, rep, upgrade):
    done = {}

    def run_upgrade():
        t = time.time()
        out = shell.nsx("dut", "%s --pin-dir %s/vr upgrade --force" % (VRCTL, cfg.pin), check=False)
        done.update(ms=round(1000 * (time.time() - t), 1), ok="upgraded" in out)

    timer = threading.Timer(UPG_SECONDS / 2.0, run_upgrade) if upgrade else None
    if timer:
        timer.start()
    r = run_point(rig, [UPG_RATE], UPG_SECONDS, flows=cfg.flows)
    if timer:
        timer.join()
    sent, got = int(r["sent"]), int(r["delivered"])
    row = {"scenario": "upgrade", "upgrade": int(upgrade), "repeat": rep, "rate_pps": UPG_RATE,
           "seconds": UPG_SECONDS, "sent": sent, "delivered": got, "lost": sent - got,
           "upgrade_ms": done.get("ms", ""), "upgrade_ok": int(done.get("ok", not upgrade)),
           "gen_backend": r["gen_backend"],
           "load1": load1()}
    row.update({k: r[k] for k in DROPS})	# where the lost frames went (report.FIELDS)
    return row


def upgrade(cfg, shell, w):
    log("upgrade: vrouter at %d pps, %d s, %d pairs without / with vrctl upgrade"
        % (UPG_RATE, UPG_SECONDS, UPG_PAIRS))

    def fn(rig):
        for rep in range(UPG_PAIRS):
            for up in (False, True):
                w.add(point(cfg, shell, rig, rep, up))
    with_rig(shell, "vrouter", fn)


def upg_summary(rows):
    """summary.md's upgrade section."""
    def lost(up):
        return [int(r["lost"]) for r in rows if int(r["upgrade"]) == up]
    base, upg = lost(0), lost(1)
    ms = [float(r["upgrade_ms"]) for r in rows if int(r["upgrade"]) == 1 and r["upgrade_ms"] != ""]
    L = ["## upgrade", "",
         "Frames lost at %d pps through one VR in %d s, without and with `vrctl upgrade --force` "
         "half-way (new maps, every entry copied, the program replaced on each NIC with "
         "XDP_FLAGS_REPLACE); sent - delivered at the sink, pairs alternating." % (UPG_RATE, UPG_SECONDS),
         "", "| run | lost per run | median | upgrade took (median ms) |", "|---|---|---|---|"]
    if base:
        L.append("| no upgrade | %s | %d | |" % (", ".join(map(str, base)), median(base)))
    if upg:
        L.append("| upgrade | %s | %d | %s |" % (", ".join(map(str, upg)), median(upg),
                                                 "%.0f" % median(ms) if ms else "?"))
    if base and upg:
        L += ["", "Difference of the medians: %d frames (%.3f%% of the frames sent)." % (
            median(upg) - median(base),
            100.0 * (median(upg) - median(base)) / max(1, median([int(r["sent"]) for r in rows])))]
        where = {k: median([int(r[k]) for r in rows if int(r["upgrade"]) == 1]) -
                 median([int(r[k]) for r in rows if int(r["upgrade"]) == 0]) for k in DROPS}
        L += ["", "Where (medians, upgrade - none): " +
              ", ".join("%s %+d" % (k, v) for k, v in where.items()) + ". drop_gen_tx and "
              "drop_dut_rx are the same frames (the DUT's ingress veth ring full: its core was "
              "busy, with the machine's noise or the upgrade's own work); drop_other is what was "
              "lost after the ingress, in the data path (the switch itself)."]
    if any(int(r["upgrade_ok"]) == 0 for r in rows):
        L += ["", "**Some upgrades failed** (upgrade_ok = 0 in upgrade.csv)."]
    return L
