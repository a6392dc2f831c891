# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The scenarios by name, and a run of them: CSVs, plots and summary.md
in the output folder; --summary-only's rebuild from a folder's CSVs."""
import dataclasses
import datetime
import json
import os
import time
from typing import Callable, Optional

from . import admission, csum, gencmp, genbackend, multiq, plots, report, scenarios as sc, \
    table1, upgrade, worst
from .host import Shell, load1, log, rt_restore, rt_unthrottle


@dataclasses.dataclass
class Scenario:
    run: Callable			# run(cfg, shell, writer)
    count: Callable			# count(cfg): CSV rows it writes
    fields: Optional[list] = None	# own CSV columns (None: report.FIELDS)
    section: Optional[Callable] = None	# section(rows): its summary.md lines
    plot: Optional[Callable] = None	# plot(outdir, rows), with its own columns


def _scale_count(counts):
    return lambda cfg: len(list(sc.scale_rigs(cfg, counts(cfg), quiet=True))) * sc.scale_rows(cfg)


SCENARIOS = {
    "fig4": Scenario(sc.fig4, sc.count_sweep),
    "ipv6": Scenario(sc.ipv6, sc.count_sweep),
    "fig5": Scenario(sc.fig5, lambda cfg: sc.count_sweep(cfg, 2)),
    "fig6": Scenario(sc.fig6, _scale_count(lambda cfg: cfg.vr_counts)),
    "fig7": Scenario(sc.fig7, lambda cfg: 2 * len(cfg.planes) * sc.scale_rows(cfg)),
    "fig8": Scenario(sc.fig8, _scale_count(lambda cfg: cfg.vif_vrs)),
    "fig9": Scenario(sc.fig9, lambda cfg: len(cfg.planes) * cfg.repeats),
    "overload": Scenario(sc.overload, lambda cfg: (1 + len(sc.OVERLOAD_X)) *
                         len([p for p in cfg.planes if p in sc.OVERLOAD_PLANES])),
    "progcost": Scenario(sc.progcost, lambda cfg: 18, sc.PC_FIELDS, sc.pc_summary),
    "table1": Scenario(table1.table1, table1.t1_count, table1.T1_FIELDS, table1.t1_summary,
                       plots.t1_plot),
    "admission": Scenario(admission.admission, admission.adm_count, admission.ADM_FIELDS,
                          admission.adm_summary),
    "mq": Scenario(multiq.mq, multiq.mq_count, multiq.MQ_FIELDS, multiq.mq_summary),
    "fib100k": Scenario(worst.fib100k, worst.wc_count, worst.WC_FIELDS, worst.wc_summary),
    "manyvr": Scenario(worst.manyvr, worst.wc_count, worst.WC_FIELDS, worst.wc_summary),
    "upgrade": Scenario(upgrade.upgrade, upgrade.upg_count, upgrade.UPG_FIELDS, upgrade.upg_summary),
    "gencmp": Scenario(gencmp.gencmp, gencmp.gc_count, gencmp.GC_FIELDS, gencmp.gc_summary),
    "csumcost": Scenario(csum.csumcost, csum.cc_count, csum.CC_FIELDS, csum.cc_summary),
    "tcp": Scenario(csum.tcp, csum.tcp_count, csum.TCP_FIELDS, csum.tcp_summary),
}


def dated_folder(base):
    """A new folder under `base` named by the time: 2026-12-01T1530 (-2, -3
    when a run of the same minute exists)."""
    name = datetime.datetime.now().strftime("%Y-%m-%dT%H%M")
    path, n = os.path.join(base, name), 1
    while os.path.exists(path):
        n += 1
        path = os.path.join(base, "%s-%d" % (name, n))
    return path


def run_one(cfg, shell, name, progress, allrows, sections):
    """One scenario into its CSV (complete, or not at all), then its plot
    and summary material."""
    spec = SCENARIOS[name]
    w = report.Writer(cfg.out, name, spec.fields, progress)
    done = False
    try:
        spec.run(cfg, shell, w)
        done = True
    finally:
        w.close(done)
    if spec.fields:
        if spec.plot:
            spec.plot(cfg.out, w.rows)
        sections.append(spec.section(w.rows))
    elif w.rows:
        plots.plot(cfg.out, name, w.rows)
        allrows += w.rows


def start_meta(cfg, shell):
    meta = {"date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), "mode": cfg.mode,
            "kernel": os.uname().release, "load_before": load1(),
            "duration": cfg.duration, "repeats": cfg.repeats, "flows": cfg.flows}
    foreign = [l for l in shell.sh("ip netns list", check=False).splitlines()
               if not l.startswith(cfg.prefix)]
    meta["foreign"] = "%d other network namespaces present at start" % len(foreign)
    meta["gen_backend"], meta["gen_probe"] = cfg.gen_backend, cfg.gen_probe
    return meta


def run(cfg):
    """Every scenario of cfg on every data plane of cfg; the machine's
    real-time throttling off meanwhile; everything removed at the end."""
    shell = Shell(cfg)
    shell.sh("mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf")
    os.makedirs(cfg.out, exist_ok=True)
    genbackend.choose(cfg)
    meta = start_meta(cfg, shell)
    total = sum(SCENARIOS[s].count(cfg) for s in cfg.scenarios)
    log("bench.py: %d point(s): %s on %s, generator backend %s; results in %s" % (
        total, ",".join(cfg.scenarios), ",".join(cfg.planes), cfg.gen_backend, cfg.out))
    progress = report.Progress(total)
    allrows, sections = [], []
    rt_old = None
    try:
        rt_old = rt_unthrottle()
        meta["rt"] = rt_old
        for s in cfg.scenarios:
            run_one(cfg, shell, s, progress, allrows, sections)
    finally:
        shell.cleanup()
        rt_restore(rt_old)
        meta["load_after"] = load1()
        with open(os.path.join(cfg.out, "run.json"), "w") as f:
            json.dump(meta, f, indent=1)
        if allrows or sections:		# completed scenarios only
            report.summarize(cfg, cfg.out, allrows, meta, sections)
        log("bench.py: %d points in %.0f s, results in %s" % (
            progress.done, time.time() - progress.t0, cfg.out))


def resummarize(cfg):
    """summary.md and plots again from the CSVs in cfg.out (the run's own
    settings are not in them: the header says so)."""
    outdir = cfg.out
    allrows, sections, stamps = [], [], []
    for name, spec in SCENARIOS.items():
        path = os.path.join(outdir, name + ".csv")
        if not os.path.exists(path):
            continue
        stamps.append(os.path.getmtime(path))
        rows = report.read_csv(path, typed=spec.fields is not None)
        if spec.fields:
            if spec.plot:
                spec.plot(outdir, rows)
            sections.append(spec.section(rows))
        elif rows:
            plots.plot(outdir, name, rows)
            allrows += rows
    if not stamps:
        raise SystemExit("bench.py: no scenario CSV in %s" % outdir)
    meta = {"date": datetime.datetime.fromtimestamp(max(stamps)).strftime("%Y-%m-%d %H:%M"),
            "mode": "?", "kernel": "?", "load_before": "?", "rt": "?", "duration": 0,
            "repeats": 1, "flows": 1, "foreign": ""}
    try:
        with open(os.path.join(outdir, "run.json")) as f:
            meta.update(json.load(f))
    except (OSError, ValueError):
        pass
    meta["date"] += " (summary rebuilt from the CSVs)"
    report.summarize(cfg, outdir, allrows, meta, sections)

