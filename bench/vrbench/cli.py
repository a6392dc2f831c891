# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The command line: options into a Config, then a run or a summary rebuild."""
import argparse
import os
import re
import signal
import sys

from . import runner
from .config import MODES, PLANES, RESULTS, Config

DESCRIPTION = """\
The paper's figures, data planes side by side (method: bench/README.md).

    bench/bench.py --quick            fig4 + ipv6 + gencmp (a few minutes)
    bench/bench.py --full             every scenario (about 35 minutes)
    bench/bench.py --smoke            seconds: every data plane forwards something
    bench/bench.py --scenarios fig4,ipv6 --planes ipfwd,vrouter --duration 2
    bench/bench.py --summary-only     plots and summary.md again from bench/results

Builds the rig in namespaces with a unique prefix (gen -- dut -- sink, plus
one namespace per VR), removes everything on exit, also on failure or ^C.
Sets kernel.sched_rt_runtime_us to -1 for the run and restores it at exit.
Writes <scenario>.csv, <scenario>.png and summary.md into a new dated folder
bench/results/<YYYY-MM-DDTHHMM>/ (or --out).  Debian's python3 and
python3-matplotlib only; runs as root.
"""


def csv_list(s):
    return [x for x in s.split(",") if x]


def int_list(s):
    return [int(float(x)) for x in csv_list(s)]


# (option, type, metavar, help) of the options whose default is the
# Config field of the same name
POINT_OPTIONS = (
    ("--repeats", int, "N", "points per setting"),
    ("--flows", int, "N", "UDP source ports the generator cycles through"),
    ("--vr-counts", int_list, "LIST", "fig6: VRs configured"),
    ("--vif-vrs", int_list, "LIST", "fig8: VRs, 2 virtual interfaces each"),
    ("--fixed-rate", int, "PPS", "fig6-8: the paced load at which ns/packet is compared"),
    ("--ovl-duty", float, "F", "overload: share of the DUT core left by the hog"),
    ("--t1-duty", float, "F", "table1: share of the DUT core left to the DUT, a slower machine"),
    ("--t1-dut-prio", int, "P", "table1: SCHED_FIFO priority of the DUT's napi kthreads; 0: "
     "SCHED_OTHER, so that in0's and in1's threads share the core (two FIFO threads of one "
     "priority do not: the busy one starves the other)"),
)


def parser():
    d = Config()
    ap = argparse.ArgumentParser(prog="bench.py", description=DESCRIPTION,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = ap.add_argument_group("what to run (default --quick)")
    mode.add_argument("--quick", action="store_true",
                      help="fig4, ipv6 and gencmp, five data planes (no bridge-nonf), 1.5 s a point")
    mode.add_argument("--full", action="store_true",
                      help="every scenario on every data plane, 2 s a point (about 35 minutes)")
    mode.add_argument("--smoke", action="store_true",
                      help="fig4 at 50 kpps for 0.3 s on every data plane: the rig works (seconds)")
    mode.add_argument("--scenarios", type=csv_list, metavar="LIST",
                      help="comma-separated scenarios instead of the mode's: %s" % ", ".join(runner.SCENARIOS))
    mode.add_argument("--planes", type=csv_list, metavar="LIST",
                      help="comma-separated data planes instead of the mode's: %s" % ", ".join(PLANES))
    mode.add_argument("--summary-only", action="store_true",
                      help="run no traffic: rebuild summary.md and the plots from the CSVs in "
                      "--out (default bench/results)")
    pt = ap.add_argument_group("points")
    pt.add_argument("--rates", type=int_list, metavar="LIST",
                    help="sweeps (fig4, ipv6, fig5): comma-separated offered loads in pps, "
                    "0 = the generator's max (default: the mode's)")
    pt.add_argument("--duration", type=float, metavar="S",
                    help="seconds of traffic per point (default: the mode's)")
    for opt, typ, meta, text in POINT_OPTIONS:
        default = getattr(d, opt[2:].replace("-", "_"))
        shown = ",".join(map(str, default)) if isinstance(default, list) else default
        pt.add_argument(opt, type=typ, default=default, metavar=meta,
                        help="%s (default %s)" % (text, shown))
    rig = ap.add_argument_group("rig and output")
    rig.add_argument("--gen-prio", type=int, default=d.gen_prio, metavar="P",
                     help="run the generator SCHED_FIFO at this priority, below the sink's %d; "
                     "0 = SCHED_OTHER (default %%(default)s)" % d.sink_prio)
    rig.add_argument("--gen-backend", metavar="NAME", default="",
                     help="the generator's backend: live, afxdp, afpacket or auto (default: "
                     "$VR_TRAFFICGEN_BACKEND, else auto: the first of those that works here)")
    rig.add_argument("--prefix", metavar="NAME",
                     help="namespace and bpffs pin prefix, [A-Za-z0-9_]{1,24} (default: unique "
                     "per run); every namespace of the run is NAME-*, removed at exit")
    rig.add_argument("--out", metavar="DIR",
                     help="output folder (default: a new bench/results/<YYYY-MM-DDTHHMM>/; "
                     "with --summary-only: bench/results)")
    rig.add_argument("-v", "--verbose", action="store_true",
                     help="print every command and sysctl the rig runs")
    return ap


def config(args):
    """The Config of a run from the parsed options (exits on a bad one)."""
    mode = "smoke" if args.smoke else "full" if args.full else "quick"
    scen, planes, rates, duration = MODES[mode]
    cfg = Config(mode=mode, verbose=args.verbose, gen_prio=args.gen_prio,
                 gen_backend=args.gen_backend,
                 scenarios=args.scenarios or list(scen), planes=args.planes or list(planes),
                 rates=args.rates or list(rates), duration=args.duration or duration,
                 repeats=args.repeats, flows=args.flows, vr_counts=args.vr_counts,
                 vif_vrs=args.vif_vrs, fixed_rate=args.fixed_rate, ovl_duty=args.ovl_duty,
                 t1_duty=args.t1_duty, t1_dut_prio=args.t1_dut_prio)
    if args.prefix:
        if not re.match(r"^[A-Za-z0-9_]{1,24}$", args.prefix):
            sys.exit("bench.py: bad --prefix")
        cfg.prefix = args.prefix
    for p in cfg.planes:
        if p not in PLANES:
            sys.exit("bench.py: unknown data plane %s (%s)" % (p, ", ".join(PLANES)))
    for s in cfg.scenarios:
        if s not in runner.SCENARIOS:
            sys.exit("bench.py: unknown scenario %s (%s)" % (s, ", ".join(runner.SCENARIOS)))
    cfg.out = args.out or runner.dated_folder(RESULTS)
    return cfg


def on_signal(sig, frame):
    raise SystemExit(128 + sig)


def main(argv=None):
    args = parser().parse_args(argv)
    if args.summary_only:
        return runner.resummarize(Config(out=args.out or RESULTS, gen_prio=args.gen_prio))
    if os.geteuid() != 0:
        sys.exit("bench.py: must run as root")
    cfg = config(args)
    for b in (cfg.trafficgen, cfg.benchctl):
        if not os.access(b, os.X_OK):
            sys.exit("bench.py: %s missing: run make bench-progs" % b)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    runner.run(cfg)
    return 0
