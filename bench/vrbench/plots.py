# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The PNGs: one per scenario, drawn like the paper's figures."""
import os

from .config import PLANES
from .host import log
from .tables import group, mean


def plot(outdir, scenario, rows):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        log("no matplotlib (apt-get install python3-matplotlib): no plot")
        return
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 5))
    sweepish = scenario in ("fig4", "ipv6", "fig5", "overload")
    for plane, rs in group(rows, lambda r: r["plane"]).items():
        pts = []
        for x, xs in sorted(group(rs, lambda r: int(r["x"])).items(),
                            key=lambda kv: (kv[0] == 0, kv[0])):
            pts.append((mean(r["offered_pps"] for r in xs) if sweepish else x,
                        mean(r["delivered_pps"] for r in xs),
                        mean(r["dut_ns_per_pkt"] for r in xs)))
        pts.sort()
        label = PLANES.get(plane.split("/")[0], plane) + ("" if "/" not in plane else
                                                         " " + plane.split("/")[1])
        ax1.plot([p[0] / 1e6 for p in pts], [p[1] / 1e6 for p in pts], marker="o", label=label)
        ax2.plot([p[0] / 1e6 if sweepish else p[0] for p in pts],
                 [p[2] if p[2] is not None else float("nan") for p in pts], marker="o", label=label)
    if sweepish:
        lim = max(float(r["offered_pps"]) for r in rows) / 1e6 * 1.05
        ax1.plot([0, lim], [0, lim], color="grey", linestyle=":", linewidth=1, label="offered")
        ax1.set_xlabel("offered load (Mpps, measured at the generator)")
        ax2.set_xlabel("offered load (Mpps)")
    else:
        xl = {"fig6": "VRs configured", "fig7": "destinations (512 routes)",
              "fig9": "offered load (pps)", "fig8": "virtual interfaces"}.get(scenario, "x")
        ax1.set_xlabel(xl)
        ax2.set_xlabel(xl)
        if scenario in ("fig6", "fig8"):
            ax1.set_xscale("log", base=2)
            ax2.set_xscale("log", base=2)
    ax1.set_ylabel("delivered (Mpps)")
    ax2.set_ylabel("DUT CPU ns per forwarded packet")
    ax1.set_title("%s: delivered vs offered (%s-byte %s frames, one DUT core)" %
                  (scenario, rows[0]["frame_bytes"], "IPv6" if rows[0]["family"] == "ipv6" else "IPv4"))
    ax2.set_title("%s: DUT cost per packet" % scenario)
    ax1.grid(True, alpha=0.3)
    ax2.grid(True, alpha=0.3)
    ax1.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(outdir, scenario + ".png"), dpi=100)
    plt.close(fig)


def t1_plot(outdir, rows):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    groups = group(rows, lambda r: (r["variant"], str(r["limit_vr1_pps"]) != "none"))
    fig, ax = plt.subplots(figsize=(11, 5))
    labels, x = [], 0
    for (variant, limited), rs in sorted(groups.items()):
        for k in (1, 2):
            vr = [r for r in rs if r["vr"] == k]
            off = mean(r["offered_pps"] for r in vr) / 1e6
            dlv = mean(r["delivered_pps"] for r in vr) / 1e6
            ax.bar(x - 0.2, off, 0.4, color="lightgrey", edgecolor="grey",
                   label="offered" if x == 0 else None)
            ax.bar(x + 0.2, dlv, 0.4, color="tab:blue" if k == 1 else "tab:orange",
                   label=("delivered VR%d" % k) if (variant, limited) == ("a", False) else None)
            ax.text(x + 0.2, dlv, "%.0f%%" % (100 * dlv / off if off else 0), ha="center",
                    va="bottom", fontsize=8)
            labels.append("(%s) %s\nVR%d" % (variant, "VR1 limited" if limited else "no limit", k))
            x += 1
        x += 0.5
    ax.set_xticks([i + (i // 2) * 0.5 for i in range(len(labels))])
    ax.set_xticklabels(labels, fontsize=8)
    ax.set_ylabel("Mpps")
    ax.set_title("table1: VR1 offered up to 3x the DUT's capacity, VR2 0.3x; (a) own NIC pairs, "
                 "(b) one shared ingress NIC")
    ax.legend(fontsize=8)
    ax.grid(True, axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(os.path.join(outdir, "table1.png"), dpi=100)
    plt.close(fig)
