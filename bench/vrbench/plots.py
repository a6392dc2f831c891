# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The PNGs: one per scenario, two panels, drawn like the paper's figures.

x is what the scenario varies: offered load (Mpps, measured at the
generator) for the sweeps, a count (VRs, destinations, virtual interfaces)
on a log2 axis for fig6-8, the data plane for fig9.  A series' colour and
marker say the data plane, its line style the variant (unpaced, number of
ingress NICs); the legend sits below both panels."""
import os

from .config import PLANES
from .host import log
from .tables import SWEEPS, group, mean

COLORS = {"ipfwd": "tab:blue", "macvlan": "tab:orange", "bridge": "tab:green",
          "bridge-nonf": "tab:red", "vrouter": "tab:purple", "xdpfwd": "tab:brown"}
MARKERS = {"ipfwd": "o", "macvlan": "s", "bridge": "^", "bridge-nonf": "v", "vrouter": "D",
           "xdpfwd": "P"}
# the variants of a plane ("<plane>/<variant>"): line style, hollow marker
VARIANTS = {"": ("-", False), "2in": ("-", False), "3in": ("--", True), "max": ("--", True)}
COUNTS = {"fig6": "VRs configured", "fig7": "destinations (512 routes)",
          "fig8": "virtual interfaces"}


def pyplot():
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        log("no matplotlib (apt-get install python3-matplotlib): no plot")
        return None
    return plt


def split(plane):
    base, _, variant = plane.partition("/")
    return base, variant


def style(plane):
    """matplotlib keywords of one series: colour and marker by data plane,
    line style and marker fill by variant."""
    base, variant = split(plane)
    ls, hollow = VARIANTS.get(variant, (":", True))
    color = COLORS.get(base, "black")
    kw = {"color": color, "marker": MARKERS.get(base, "x"), "linestyle": ls, "markersize": 6}
    if hollow:
        kw["markerfacecolor"] = "none"
    return kw


def label(plane, rows):
    base, variant = split(plane)
    name = PLANES.get(base, base)
    if variant == "max":
        return name + ", unpaced (generator's max)"
    if variant.endswith("in"):
        return "%s, %s ingress NICs" % (name, variant[:-2])
    rates = {int(r["set_pps"]) for r in rows}
    if rows[0]["scenario"] in COUNTS and len(rates) == 1 and 0 not in rates:
        return "%s, paced at %.2f Mpps" % (name, rates.pop() / 1e6)
    return name


def series(rows, sweep):
    """[(plane, label, [(x, delivered pps, ns/pkt)])]; x = mean offered
    pps of the point in a sweep, else the point's x."""
    out = []
    for plane, rs in group(rows, lambda r: r["plane"]).items():
        pts = []
        for x, xs in group(rs, lambda r: int(r["x"])).items():
            pts.append((mean(r["offered_pps"] for r in xs) if sweep else x,
                        mean(r["delivered_pps"] for r in xs),
                        mean(r["dut_ns_per_pkt"] for r in xs)))
        pts.sort()
        out.append((plane, label(plane, rs), pts))
    return out


def nan(v):
    return v if v is not None else float("nan")


def frames(rows):
    return "%s-byte %s frames, one DUT core" % (
        rows[0]["frame_bytes"], "IPv6" if rows[0]["family"] == "ipv6" else "IPv4")


def finish(plt, fig, axes, outdir, name, ncol=2):
    """Grid, the legend below the panels, save."""
    for ax in axes:
        ax.grid(True, alpha=0.3)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.tight_layout()
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=ncol,
               fontsize=8, frameon=False)
    fig.savefig(os.path.join(outdir, name + ".png"), dpi=100, bbox_inches="tight")
    plt.close(fig)


def plot_lines(outdir, scenario, rows):
    """Sweeps (x = offered load, Mpps) and fig6-8 (x = a count, log2)."""
    plt = pyplot()
    if not plt:
        return
    sweep = scenario in SWEEPS
    scale = 1e6 if sweep else 1		# only offered load in pps becomes Mpps
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 5))
    for plane, lbl, pts in series(rows, sweep):
        xs = [p[0] / scale for p in pts]
        ax1.plot(xs, [p[1] / 1e6 for p in pts], label=lbl, **style(plane))
        ax2.plot(xs, [nan(p[2]) for p in pts], label=lbl, **style(plane))
    if sweep:
        lim = max(float(r["offered_pps"]) for r in rows) / 1e6 * 1.05
        ax1.plot([0, lim], [0, lim], color="grey", linestyle=":", linewidth=1,
                 label="delivered = offered")
        what = "offered load"
        ax1.set_xlabel("offered load (Mpps, measured at the generator)")
        ax2.set_xlabel("offered load (Mpps, measured at the generator)")
    else:
        what = COUNTS.get(scenario, "x")
        xs = sorted({int(r["x"]) for r in rows})
        for ax in (ax1, ax2):
            ax.set_xlabel(what)
            if min(xs) > 0:
                ax.set_xscale("log", base=2)
                ax.set_xticks(xs)
                ax.set_xticklabels([str(x) for x in xs])
                ax.minorticks_off()
    ax1.set_ylabel("delivered (Mpps)")
    ax2.set_ylabel("DUT CPU ns per forwarded packet")
    ax1.set_title("%s: delivered vs %s; %s" % (scenario, what, frames(rows)), fontsize=11)
    ax2.set_title("%s: DUT cost per packet vs %s" % (scenario, what), fontsize=11)
    finish(plt, fig, (ax1, ax2), outdir, scenario, ncol=2 if len(rows) > 6 else 3)


def plot_by_plane(outdir, scenario, rows):
    """fig9: one fixed load, x = the data plane: latency and DUT cost."""
    plt = pyplot()
    if not plt:
        return
    by = group(rows, lambda r: r["plane"])
    names = list(by)
    rate = mean(r["offered_pps"] for r in rows)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 5))
    for i, plane in enumerate(names):
        rs, color = by[plane], style(plane)["color"]
        p50, p99, mx = (nan(mean(r[k] for r in rs)) / 1e3
                        for k in ("lat_p50_ns", "lat_p99_ns", "lat_max_ns"))
        ax1.bar(i - 0.2, p50, 0.4, color=color, label=PLANES.get(plane, plane))
        ax1.bar(i + 0.2, p99, 0.4, color=color, alpha=0.4, hatch="//", edgecolor=color)
        ax1.text(i + 0.2, p99, "max\n%.0f" % mx, ha="center", va="bottom", fontsize=8)
        ns = nan(mean(r["dut_ns_per_pkt"] for r in rs))
        ax2.bar(i, ns, 0.6, color=color)
        ax2.text(i, ns, "%.0f" % ns, ha="center", va="bottom", fontsize=8)
    ax1.bar([0], [0], color="grey", label="p50 (solid)")
    ax1.bar([0], [0], color="grey", alpha=0.4, hatch="//", edgecolor="grey",
            label="p99 (hatched; max above it)")
    ax1.margins(y=0.15)
    for ax in (ax1, ax2):
        ax.set_xticks(range(len(names)))
        ax.set_xticklabels(names, fontsize=9)
        ax.set_xlabel("data plane")
    ax1.set_ylabel("latency, generator to sink (us)")
    ax2.set_ylabel("DUT CPU ns per forwarded packet")
    ax1.set_title("%s: latency by data plane at %.2f Mpps offered (%s)" %
                  (scenario, rate / 1e6, frames(rows)), fontsize=11)
    ax2.set_title("%s: DUT cost per packet by data plane" % scenario, fontsize=11)
    finish(plt, fig, (ax1, ax2), outdir, scenario, ncol=4)


def plot(outdir, scenario, rows):
    """The PNG of a scenario with the common CSV columns."""
    if scenario == "fig9":
        plot_by_plane(outdir, scenario, rows)
    else:
        plot_lines(outdir, scenario, rows)


def t1_plot(outdir, rows):
    """table1: offered and delivered per VR, per variant and limit."""
    plt = pyplot()
    if not plt:
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
    finish(plt, fig, (ax,), outdir, "table1", ncol=3)
