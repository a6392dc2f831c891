#!/usr/bin/python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The benchmark of shared/BENCH.md: the paper's figures, data planes side by side.

    bench/bench.py --quick            fig4 + ipv6 (a few minutes)
    bench/bench.py --full             every scenario (about an hour)
    bench/bench.py --smoke            seconds: every data plane forwards something
    bench/bench.py --scenarios fig4,ipv6 --planes ipfwd,vrouter --duration 2

Builds the rig in namespaces with a unique prefix (gen -- dut -- sink, plus
one namespace per VR), removes everything on exit, also on failure or ^C.
Writes bench/results/<scenario>.csv, <scenario>.png and summary.md.
Debian's python3 and python3-matplotlib only.
"""
import argparse
import csv
import ctypes
import datetime
import glob
import json
import os
import random
import re
import shlex
import signal
import subprocess
import sys
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(TOP, ".output", "bench")
TRAFFICGEN = os.path.join(BIN, "trafficgen")
BENCHCTL = os.path.join(BIN, "benchctl")

P = "vrb%d%04x" % (os.getpid() % 10000, random.randrange(0x10000))
PIN = "/sys/fs/bpf/" + P

DUT_CPU = 0
GEN_CPU = 1
DUT_PRIO = 50		# SCHED_FIFO priority of the DUT's napi kthreads
SINK_PRIO = 50		# and of the sink's
GEN_PRIO = 10		# generator: SCHED_FIFO if > 0, below the sink's (else
			# other load on CPU 1 makes it undershoot its set rate)
VR_TABLE0 = 1000
TTL = 64

# Data planes, in the order they are shown.
PLANES = {
    "ipfwd": "Linux IP forwarding (no VR)",
    "macvlan": "macvlan VR (paper's design)",
    "bridge": "veth+bridge VR (bridge-nf-call-iptables=1)",
    "bridge-nonf": "veth+bridge VR (bridge-nf-call-iptables=0)",
    "vrouter": "vrouter XDP (this project)",
    "xdpfwd": "XDP FIB forwarding, no VRs (bound)",
}

VERBOSE = False


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def sh(cmd, check=True, input=None, timeout=120):
    """Run a shell command, return stdout."""
    if VERBOSE:
        log("+", cmd)
    r = subprocess.run(cmd, shell=True, input=input, capture_output=True,
                       text=True, timeout=timeout)
    if check and r.returncode != 0:
        raise RuntimeError("command failed (%d): %s\n%s" %
                           (r.returncode, cmd, r.stderr.strip()))
    return r.stdout


def ns(name):
    return "%s-%s" % (P, name)


def nsx(name, cmd, **kw):
    """In a namespace without remounting /sys (bpffs stays visible)."""
    return sh("nsenter --net=/run/netns/%s %s" % (ns(name), cmd), **kw)


def nse(name, cmd, **kw):
    """ip netns exec: /sys shows the namespace's devices."""
    return sh("ip netns exec %s %s" % (ns(name), cmd), **kw)


def ipn(name, args, **kw):
    return sh("ip -n %s %s" % (ns(name), args), **kw)


_libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000


def _setns(fd):
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "setns")


def sysctls(name, kv):
    """Set sysctls {key: value} in a namespace: this process enters it for
    the writes (/proc/sys/net is the opener's namespace), no process per
    key and VR."""
    if VERBOSE:
        log("+ sysctl in %s:" % name, kv)
    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    target = os.open("/run/netns/" + ns(name), os.O_RDONLY)
    try:
        _setns(target)
        try:
            for k, v in kv.items():
                with open("/proc/sys/" + k.replace(".", "/"), "w") as f:
                    f.write(str(v))
        finally:
            _setns(home)
    finally:
        os.close(target)
        os.close(home)


def sysctl(name, key, val):
    sysctls(name, {key: val})


def ip_batch(name, lines):
    """Many ip commands in one process; name None = the host's namespace."""
    if lines:
        sh("ip%s -batch -" % (" -n " + ns(name) if name else ""), input="\n".join(lines) + "\n")


def cleanup():
    """Kill what runs in our namespaces and delete them (one ip process)."""
    ours = glob.glob("/run/netns/%s-*" % P)
    inodes = set()
    for f in ours:
        try:
            inodes.add(os.stat(f).st_ino)
        except OSError:
            pass
    for d in glob.glob("/proc/[0-9]*"):
        try:
            if os.stat(d + "/ns/net").st_ino in inodes:
                os.kill(int(d[6:]), signal.SIGKILL)
        except (OSError, ValueError):
            pass
    if ours:
        sh("ip -force -batch -", check=False,
           input="".join("netns del %s\n" % os.path.basename(f) for f in ours))
    sh("rm -rf %s" % PIN, check=False)


RT_RUNTIME = "/proc/sys/kernel/sched_rt_runtime_us"


def rt_unthrottle():
    """Turn real-time throttling off for the run; return the old setting.
    With it on (950000 of every 1000000 us), the spinning SCHED_FIFO
    generator and the sink sharing its CPU are stopped for the last 50 ms
    of every second: the generator undershoots its set rate by 5% and the
    sink's ring overflows (measured: 49 ms gaps, 0.3% loss)."""
    old = open(RT_RUNTIME).read().strip()
    with open(RT_RUNTIME, "w") as f:
        f.write("-1")
    return old


def rt_restore(old):
    if old is not None:
        with open(RT_RUNTIME, "w") as f:
            f.write(old)


def mac_of(name, dev):
    out = ipn(name, "-j link show %s" % dev)
    return json.loads(out)[0]["address"]


def link_stats(name, dev):
    out = ipn(name, "-j -s link show %s" % dev)
    s = json.loads(out)[0]["stats64"]
    return {"rx_packets": s["rx"]["packets"], "rx_dropped": s["rx"]["dropped"],
            "tx_packets": s["tx"]["packets"], "tx_dropped": s["tx"]["dropped"]}


def comm_pids(prefix):
    res = set()
    for d in glob.glob("/proc/[0-9]*"):
        try:
            with open(d + "/comm") as f:
                if f.read().strip().startswith(prefix):
                    res.add(int(d[6:]))
        except OSError:
            pass
    return res


def runtime_ns(pid):
    """Time on CPU (ns) of a task: /proc/PID/schedstat, nanosecond exact."""
    try:
        with open("/proc/%d/schedstat" % pid) as f:
            return int(f.read().split()[0])
    except OSError:
        return 0


def cpu_stat(cpu):
    """/proc/stat line of one CPU, in ns (USER_HZ ticks)."""
    hz = os.sysconf("SC_CLK_TCK")
    with open("/proc/stat") as f:
        for line in f:
            if line.startswith("cpu%d " % cpu):
                v = [int(x) * 1000000000 // hz for x in line.split()[1:]]
                # user nice system idle iowait irq softirq steal
                return {"busy": sum(v[:8]) - v[3] - v[4], "softirq": v[6],
                        "total": sum(v[:8])}
    return {"busy": 0, "softirq": 0, "total": 0}


def softnet_drops():
    tot = 0
    with open("/proc/net/softnet_stat") as f:
        for line in f:
            tot += int(line.split()[1], 16)
    return tot


def ip4(net, host):
    return "198.18.%d.%d" % (net, host)


def ip6(net, host):
    return "2001:2:0:%x::%x" % (net, host)


def vr_mac(k):
    return "02:00:c6:12:%02x:%02x" % (k >> 8, k & 0xff)


class Rig:
    """gen -- dut -- sink, with one data plane configured in dut.

    Ingress i: g<i> (gen) -- in<i> (dut), 198.18.<10+i>.0/24, 2001:2:0:<10+i>::/64
    Egress  j: out<j> (dut) -- s<j> (sink), 198.18.<100+j>.0/24, 2001:2:0:<100+j>::/64
    Forwarder's addresses are .1, the gen/sink ends .2.  Destinations
    198.19.0.0/16 and 2001:2:0:ff00::/56, routed to s0 (.2 on egress 0).
    nvr VRs are configured, traffic goes through VR 1.
    """

    def __init__(self, plane, nin=1, nvr=1, routes=1, spread=False, nout=1, shared_in=False,
                 dut_prio=None):
        self.plane = plane
        self.dut_prio = DUT_PRIO if dut_prio is None else dut_prio	# 0: SCHED_OTHER
        # table1: VR k leaves on out<k-1> (nout > 1) and enters on in0
        # (shared_in) or on in<k-1>; otherwise every VR is on every inN
        # and leaves on out0.
        self.nout = nout
        self.shared_in = shared_in
        self.spread = spread		# traffic over all nvr VRs (MACs), not just VR 1
        self.nin = nin
        self.nvr = nvr
        self.routes = routes
        self.vr = plane in ("macvlan", "vrouter", "bridge", "bridge-nonf")
        self.in_threads = set()
        self.sink_threads = set()

    # -- building -------------------------------------------------------
    def build(self):
        t0 = time.time()
        os.makedirs(PIN, exist_ok=True)
        for n in ("gen", "dut", "sink"):
            sh("ip netns add %s" % ns(n))
            ipn(n, "link set lo up")
        for i in range(self.nin):
            self.veth("gen", "g%d" % i, "dut", "in%d" % i)
        for j in range(self.nout):
            self.veth("dut", "out%d" % j, "sink", "s%d" % j)
        for i in range(self.nin):
            ipn("gen", "addr add %s/24 dev g%d" % (ip4(10 + i, 2), i))
            ipn("gen", "-6 addr add %s/64 dev g%d nodad" % (ip6(10 + i, 2), i))
        for j in range(self.nout):
            ipn("sink", "addr add %s/24 dev s%d" % (ip4(100 + j, 2), j))
            ipn("sink", "-6 addr add %s/64 dev s%d nodad" % (ip6(100 + j, 2), j))
        self.s_macs = [mac_of("sink", "s%d" % j) for j in range(self.nout)]
        self.s0_mac = self.s_macs[0]
        self.in_macs = [mac_of("dut", "in%d" % i) for i in range(self.nin)]
        for k in ("net.ipv4.conf.all.rp_filter", "net.ipv4.conf.default.rp_filter"):
            sysctl("dut", k, 0)
        getattr(self, "plane_" + self.plane.replace("-", "_"))()
        # The sink: XDP counting program, threaded NAPI on the generator's
        # CPU with real-time priority, re-polled from a timer.
        for j in range(self.nout):
            nsx("sink", "%s sink-attach %s %s %s %s %d" %
                (BENCHCTL, self.sink_dir(j), "s%d" % j, self.s_macs[j],
                 "any" if self.spread or self.nout > 1 else self.egress_mac, TTL - 1))
            self.sink_threads |= self.threaded("sink", "s%d" % j, GEN_CPU, rt=SINK_PRIO)
            nse("sink", "sh -c 'echo 20000 > /sys/class/net/s%d/gro_flush_timeout; "
                "echo 100 > /sys/class/net/s%d/napi_defer_hard_irqs'" % (j, j))
        # The DUT: one core.
        # SCHED_FIFO: the DUT's NAPI work preempts ordinary tasks, as a
        # softirq would; other load on CPU 0 then does not eat into it.
        for i in range(self.nin):
            self.in_threads |= self.threaded("dut", "in%d" % i, DUT_CPU, rt=self.dut_prio)
        self.ksoftirqd = comm_pids("ksoftirqd/%d" % DUT_CPU)
        self.build_s = time.time() - t0

    def sink_dir(self, j):
        return "%s/sink%s" % (PIN, j or "")

    def vr_ins_outs(self, k):
        """The NICs of VR k: (ingress list, egress)."""
        if self.nout == 1:
            return ["in%d" % i for i in range(self.nin)], "out0"
        ins = ["in0"] if self.shared_in else ["in%d" % (k - 1)]
        return ins, "out%d" % min(k - 1, self.nout - 1)

    def veth(self, n1, d1, n2, d2):
        # made in place: the names never exist in the host's namespace
        sh("ip link add %s netns %s type veth peer name %s netns %s" %
           (d1, ns(n1), d2, ns(n2)))
        ipn(n1, "link set %s up" % d1)
        ipn(n2, "link set %s up" % d2)

    def threaded(self, n, dev, cpu, rt=0):
        before = comm_pids("napi/%s-" % dev)
        nse(n, "sh -c 'echo 1 > /sys/class/net/%s/threaded'" % dev)
        new = comm_pids("napi/%s-" % dev) - before
        if not new:
            raise RuntimeError("no NAPI thread for %s in %s (no XDP or GRO?)" % (dev, n))
        for pid in new:
            sh("taskset -pc %d %d" % (cpu, pid))
            if rt:
                sh("chrt -f -p %d %d" % (rt, pid))
        return new

    def routing(self, n, ins, out, first=()):
        """Addresses, static neighbour and routes in the forwarding
        namespace, after the ip commands `first`."""
        sysctls(n, {"net.ipv4.ip_forward": 1, "net.ipv6.conf.all.forwarding": 1,
                    "net.ipv4.conf.all.rp_filter": 0, "net.ipv4.conf.default.rp_filter": 0})
        j = int(out[3:])
        cmds = list(first)
        for d in ins:
            i = int(d[2:])
            cmds.append("addr add %s/24 dev %s" % (ip4(10 + i, 1), d))
            cmds.append("addr add %s/64 dev %s nodad" % (ip6(10 + i, 1), d))
        cmds.append("addr add %s/24 dev %s" % (ip4(100 + j, 1), out))
        cmds.append("addr add %s/64 dev %s nodad" % (ip6(100 + j, 1), out))
        cmds.append("neigh replace %s lladdr %s dev %s nud permanent" % (ip4(100 + j, 2), self.s_macs[j], out))
        cmds.append("neigh replace %s lladdr %s dev %s nud permanent" % (ip6(100 + j, 2), self.s_macs[j], out))
        ip_batch(n, cmds + self.route_cmds(out, ""))

    def route_list(self):
        """(v4 prefix, v6 prefix) of each route: 198.19.0.0/16 split in `routes`."""
        if self.routes <= 1:
            return [("198.19.0.0/16", "2001:2:0:ff00::/56")]
        # /25s over 198.19.0.0/16 (512 of them cover it); IPv6 not used
        return [("198.19.%d.%d/25" % (r // 2, 128 * (r % 2)), "2001:2:0:%x::/64" % (0xfc00 + r))
                for r in range(self.routes)]

    def route_cmds(self, out, table):
        """ip commands: the destinations via the sink on `out`."""
        tbl = " table %s" % table if table else ""
        j = int(out[3:])
        cmds = []
        for p4, p6 in self.route_list():
            cmds.append("route add %s via %s dev %s%s" % (p4, ip4(100 + j, 2), out, tbl))
            cmds.append("route add %s via %s dev %s%s" % (p6, ip6(100 + j, 2), out, tbl))
        return cmds

    def vr_ns(self, k):
        return "vr%d" % k

    def add_vr_namespaces(self):
        ip_batch(None, ["netns add %s" % ns(self.vr_ns(k)) for k in range(1, self.nvr + 1)])

    def macvlan_vrs(self):
        """VR k: a namespace with a private macvlan on each of its NICs,
        carrying the VR's MAC.  Batched: a 1024-VR rig is ~4000 ip
        commands."""
        self.add_vr_namespaces()
        dut = []
        for k in range(1, self.nvr + 1):
            ins, out = self.vr_ins_outs(k)
            for d in ins + [out]:
                tmp = "m%x%s" % (k, d)
                dut.append("link add link %s name %s address %s type macvlan mode private"
                           % (d, tmp, vr_mac(k)))
                dut.append("link set %s netns %s" % (tmp, ns(self.vr_ns(k))))
        ip_batch("dut", dut)
        for k in range(1, self.nvr + 1):
            ins, out = self.vr_ins_outs(k)
            first = ["link set lo up"]
            for d in ins + [out]:
                first += ["link set m%x%s name %s" % (k, d, d), "link set %s up" % d]
            self.routing(self.vr_ns(k), ins, out, first)

    # -- the data planes ------------------------------------------------
    def gro_on(self):
        for i in range(self.nin):
            nse("dut", "ethtool -K in%d gro on" % i)

    def plane_ipfwd(self):
        self.gro_on()
        self.routing("dut", ["in%d" % i for i in range(self.nin)], "out0")
        self.dst_macs = self.in_macs
        self.egress_mac = mac_of("dut", "out0")

    def plane_xdpfwd(self):
        self.routing("dut", ["in%d" % i for i in range(self.nin)], "out0")
        devs = " ".join(["in%d" % i for i in range(self.nin)] + ["out0"])
        nsx("dut", "%s xdpfwd-attach %s" % (BENCHCTL, devs))
        self.dst_macs = self.in_macs
        self.egress_mac = mac_of("dut", "out0")

    def plane_macvlan(self):
        self.gro_on()
        self.macvlan_vrs()
        self.dst_macs = [vr_mac(1)] * self.nin
        self.egress_mac = vr_mac(1)

    def plane_vrouter(self):
        """The macvlan VRs as above, plus what vrctl load / sync do:
        the XDP program on the NICs, each VR's routes mirrored into a host
        table (macvlan replaced by its lower NIC), its MAC, ports and
        neighbours in the maps."""
        self.macvlan_vrs()
        devs = ["in%d" % i for i in range(self.nin)] + ["out%d" % j for j in range(self.nout)]
        sysctl("dut", "net.ipv4.conf.all.forwarding", 1)
        sysctl("dut", "net.ipv6.conf.all.forwarding", 1)
        nsx("dut", "%s vr-attach %s/vr %s" % (BENCHCTL, PIN, " ".join(devs)))
        lines, routes = [], []
        for k in range(1, self.nvr + 1):
            table = VR_TABLE0 + k
            ins, out = self.vr_ins_outs(k)
            j = int(out[3:])
            for d in ins:
                i = int(d[2:])
                routes.append("route add %s dev in%d table %d" % (ip4(10 + i, 0) + "/24", i, table))
                routes.append("route add %s/64 dev in%d table %d" % (ip6(10 + i, 0), i, table))
            routes.append("route add %s/24 dev %s table %d" % (ip4(100 + j, 0), out, table))
            routes.append("route add %s/64 dev %s table %d" % (ip6(100 + j, 0), out, table))
            routes += self.route_cmds(out, table)
            for d in ins + [out]:
                if d != out:
                    lines.append("mac %s %s %d %d" % (d, vr_mac(k), k, table))
                lines.append("port %d %s %s" % (k, d, vr_mac(k)))
            lines.append("neigh %d %s %s %s" % (k, out, ip4(100 + j, 2), self.s_macs[j]))
            lines.append("neigh %d %s %s %s" % (k, out, ip6(100 + j, 2), self.s_macs[j]))
        ip_batch("dut", routes)
        nsx("dut", "%s vr %s/vr -" % (BENCHCTL, PIN), input="\n".join(lines) + "\n")
        self.dst_macs = [vr_mac(1)] * self.nin
        self.egress_mac = vr_mac(1)

    def plane_bridge(self, nf=1):
        """VR namespaces on veth pairs, their dut ends in one bridge per NIC."""
        self.gro_on()
        sysctl("dut", "net.bridge.bridge-nf-call-iptables", nf)
        sysctl("dut", "net.bridge.bridge-nf-call-ip6tables", nf)
        devs = ["in%d" % i for i in range(self.nin)] + ["out0"]
        dut, host = [], []
        for j, d in enumerate(devs):
            dut += ["link add br%d type bridge" % j, "link set %s master br%d" % (d, j),
                    "link set br%d up" % j]
        self.add_vr_namespaces()
        for k in range(1, self.nvr + 1):
            for j, d in enumerate(devs):
                port = "p%x_%d" % (k, j)
                host.append("link add %s netns %s type veth peer name %s netns %s"
                            % (d, ns(self.vr_ns(k)), port, ns("dut")))
                dut += ["link set %s master br%d" % (port, j), "link set %s up" % port]
        ip_batch(None, host)
        ip_batch("dut", dut)
        for k in range(1, self.nvr + 1):
            first = ["link set lo up"]
            for d in devs:
                first += ["link set %s address %s" % (d, vr_mac(k)), "link set %s up" % d]
            self.routing(self.vr_ns(k), devs[:-1], "out0", first)
        self.dst_macs = [vr_mac(1)] * self.nin
        self.egress_mac = vr_mac(1)

    def plane_bridge_nonf(self):
        self.plane_bridge(nf=0)

    # -- measuring ------------------------------------------------------
    def snapshot(self):
        s = {"t": time.time(), "softnet": softnet_drops(), "cpu0": cpu_stat(DUT_CPU)}
        s["napi_ns"] = sum(runtime_ns(p) for p in self.in_threads)
        s["ksoftirqd_ns"] = sum(runtime_ns(p) for p in self.ksoftirqd)
        s["g"] = [link_stats("gen", "g%d" % i) for i in range(self.nin)]
        s["in"] = [link_stats("dut", "in%d" % i) for i in range(self.nin)]
        s["out0"] = link_stats("dut", "out0")
        s["sinks"] = [json.loads(nsx("sink", "%s sink-read %s" % (BENCHCTL, self.sink_dir(j))))
                      for j in range(self.nout)]
        s["sink"] = s["sinks"][0]
        if self.plane == "vrouter":
            s["vrs"] = [json.loads(nsx("dut", "%s vr-stats %s/vr %d" % (BENCHCTL, PIN, k)))
                        for k in range(1, (self.nvr if self.nout > 1 else 1) + 1)]
            s["vr"] = s["vrs"][0]
        return s

    def gen_cmd(self, nin, rate, duration, v6, size, flows, dests):
        """One generator for ingress NICs g0..g<nin-1>, round robin over
        them: several SCHED_FIFO generators on one CPU would not share it
        (each BPF_PROG_RUN call runs ~2 s before the next one gets a turn)."""
        # several destinations: one per /25 route (fig7), else consecutive
        step = 128 if self.routes > 1 and not v6 else 1
        macs = self.nvr if self.spread and self.vr else 1
        dst = "198.19.0.1" if not v6 else "2001:2:0:ff00::1"
        src = ip4(10, 2) if not v6 else ip6(10, 2)
        prio = "chrt -f %d " % GEN_PRIO if GEN_PRIO else ""
        devs = "" if nin == 1 else " --devs %s --dev-macs %s" % (
            ",".join("g%d" % i for i in range(1, nin)), ",".join(self.dst_macs[:nin]))
        return ("ip netns exec %s %s%s --dev g0 --dst-mac %s --src-ip %s --dst-ip %s "
                "--rate %d --duration %g --size %d --flows %d --dests %d --ttl %d --cpu %d --macs %d "
                "--dest-step %d%s"
                % (ns("gen"), prio, TRAFFICGEN, self.dst_macs[0], src, dst, rate, duration,
                   size, flows, dests, TTL, GEN_CPU, macs, step, devs))

    def run_point(self, rates, duration, v6=False, size=64, flows=1, dests=1):
        """Offer `rates[i]` pps on ingress i for `duration` s; return a dict."""
        if len(set(rates)) != 1:
            raise ValueError("run_point: different rates per ingress NIC")
        cmd = self.gen_cmd(len(rates), sum(rates), duration, v6, size, flows, dests)
        a = self.snapshot()
        p = subprocess.Popen(shlex.split(cmd), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
        out, err = p.communicate(timeout=duration * 4 + 30)
        if p.returncode != 0:
            raise RuntimeError("trafficgen failed: %s" % err.strip())
        time.sleep(0.2)			# let the rings drain
        b = self.snapshot()
        return self.result(a, b, [dict(kv.split("=", 1) for kv in out.split())], rates)

    def result(self, a, b, gens, rates):
        sent = sum(int(g["sent"]) for g in gens)
        offered = sum(float(g["offered_pps"]) for g in gens)
        elapsed = max(int(g["elapsed_ns"]) for g in gens) / 1e9
        sa, sb = a["sink"], b["sink"]
        delivered = sb["ours"] - sa["ours"]
        dut_ns = (b["napi_ns"] - a["napi_ns"]) + (b["ksoftirqd_ns"] - a["ksoftirqd_ns"])
        hist = {}
        for k, v in sb["lat"].items():
            d = v - sa["lat"].get(k, 0)
            if d:
                hist[int(k)] = d
        gen_drop = sum(b["g"][i]["tx_dropped"] - a["g"][i]["tx_dropped"] for i in range(self.nin))
        in_drop = sum(b["in"][i]["rx_dropped"] - a["in"][i]["rx_dropped"] for i in range(self.nin))
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
            "dut_ns_per_pkt": round(dut_ns / delivered, 1) if delivered else "",
            "dut_cpu_pct": round(100.0 * dut_ns / ((b["t"] - a["t"]) * 1e9), 1),
            "cpu0_busy_pct": round(100.0 * (b["cpu0"]["busy"] - a["cpu0"]["busy"]) /
                                   max(1, b["cpu0"]["total"] - a["cpu0"]["total"]), 1),
            "cpu0_softirq_pct": round(100.0 * (b["cpu0"]["softirq"] - a["cpu0"]["softirq"]) /
                                      max(1, b["cpu0"]["total"] - a["cpu0"]["total"]), 1),
            "lat_p50_ns": percentile(hist, 0.50),
            "lat_p99_ns": percentile(hist, 0.99),
            "lat_max_ns": sb["lat_max"] if delivered else "",
            "bad_mac": sb["bad_mac"] - sa["bad_mac"],
            "bad_ttl": sb["bad_ttl"] - sa["bad_ttl"],
            "flows_seen": sum(1 for k, v in sb["flows"].items() if v - sa["flows"].get(k, 0) > 0),
            "gen_elapsed_s": round(elapsed, 3),
            "gen_lag_resets": sum(int(g["lag_resets"]) for g in gens),
            "gen_lag_lost_ms": round(sum(int(g["lag_lost_ns"]) for g in gens) / 1e6, 2),
            "gen_call_gap_ms": round(sum(int(g["call_gap_ns"]) for g in gens) / 1e6, 2),
            "frame_bytes": gens[0]["frame_bytes"],
            "load1": open("/proc/loadavg").read().split()[0],
        }
        if self.plane == "vrouter":
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


# -- scenarios ------------------------------------------------------------
FIELDS = ["scenario", "plane", "family", "x", "repeat", "set_pps", "offered_pps",
          "delivered_pps", "loss_pct", "sent", "delivered", "drop_gen_tx", "drop_dut_rx",
          "drop_backlog", "drop_dut_tx", "drop_other", "dut_ns_per_pkt", "dut_cpu_pct",
          "cpu0_busy_pct", "cpu0_softirq_pct", "lat_p50_ns", "lat_p99_ns", "lat_max_ns",
          "bad_mac", "bad_ttl", "flows_seen", "vr_fwd", "vr_slowpath", "frame_bytes",
          "gen_elapsed_s", "gen_lag_resets", "gen_lag_lost_ms", "gen_call_gap_ms", "rig_build_s", "load1"]


class Writer:
    def __init__(self, outdir, scenario):
        # written aside and renamed when the scenario completes: a failed
        # or interrupted run leaves the previous results in place
        self.path = os.path.join(outdir, scenario + ".csv")
        self.f = open(self.path + ".part", "w", newline="")
        self.fields = SCENARIO_FIELDS.get(scenario, FIELDS)
        self.w = csv.DictWriter(self.f, fieldnames=self.fields, extrasaction="ignore")
        self.w.writeheader()
        self.rows = []
        self.outdir = outdir
        self.custom = scenario in SCENARIO_FIELDS	# own plot and summary section
        self.section = []			# summary.md lines of a custom scenario

    def add(self, row):
        self.w.writerow(row)
        self.f.flush()
        self.rows.append(row)
        if self.custom:
            log("  " + " ".join("%s=%s" % (k, row.get(k, "")) for k in self.fields[:12]))
            return
        log("  %-10s %-12s x=%-8s set=%8s offered=%8s delivered=%8s loss=%6.2f%% ns/pkt=%6s "
            "p50=%6s p99=%7s" % (row["scenario"], row["plane"], row["x"], row["set_pps"],
                                 row["offered_pps"], row["delivered_pps"], row["loss_pct"],
                                 row["dut_ns_per_pkt"], row["lat_p50_ns"], row["lat_p99_ns"]))

    def close(self, complete):
        self.f.close()
        if complete:
            os.replace(self.path + ".part", self.path)
        else:
            os.unlink(self.path + ".part")


def with_rig(plane, fn, **rigargs):
    rig = Rig(plane, **rigargs)
    try:
        rig.build()
        # warm-up: neighbour and route caches, page pools, first-touch
        rig.run_point([100000] * rig.nin, 0.3)
        return fn(rig)
    finally:
        cleanup()


def sweep(args, scenario, writer, planes, rates, v6=False, nin=1, size=64):
    for plane in planes:
        log("%s: %s" % (scenario, plane))

        def fn(rig):
            for rate in rates:
                for rep in range(args.repeats):
                    per = [rate // nin] * nin if rate else [0] * nin
                    r = rig.run_point(per, args.duration, v6=v6, size=size,
                                      flows=args.flows)
                    r.update(scenario=scenario, plane=plane, family="ipv6" if v6 else "ipv4",
                             x=rate, repeat=rep, rig_build_s=round(rig.build_s, 1))
                    writer.add(r)
        with_rig(plane, fn, nin=nin)


def scen_fig4(args, w, planes):
    sweep(args, "fig4", w, planes, args.rates)


def scen_ipv6(args, w, planes):
    sweep(args, "ipv6", w, planes, args.rates, v6=True, size=80)


def scen_fig5(args, w, planes):
    for nin in (2, 3):
        sc = "fig5"
        for plane in planes:
            log("%s: %s, %d ingress" % (sc, plane, nin))

            def fn(rig):
                for rate in args.rates:
                    for rep in range(args.repeats):
                        per = [rate // nin] * nin if rate else [0] * nin
                        r = rig.run_point(per, args.duration, flows=args.flows)
                        r.update(scenario=sc, plane="%s/%din" % (plane, nin), family="ipv4",
                                 x=rate, repeat=rep, rig_build_s=round(rig.build_s, 1))
                        w.add(r)
            with_rig(plane, fn, nin=nin)


# A Linux bridge numbers its ports 1..1023 (BR_MAX_PORTS 1024, port 0
# unused) and in0/out0 takes one: the veth+bridge VR stops at 1022 VRs
# ("Exchange full" beyond).
BRIDGE_MAX_VRS = 1022


def bridge_too_big(plane, nvr):
    if plane.startswith("bridge") and nvr > BRIDGE_MAX_VRS:
        log("%s: skipped at %d VRs (a bridge holds %d ports)" % (plane, nvr, BRIDGE_MAX_VRS + 1))
        return True
    return False


def scale_points(args, w, scenario, plane, x, rig, **gen):
    """fig6-8: three points at the fixed load (--fixed-rate), where
    ns/packet compares across x (it varies 10-20% between points on this
    VM), then one unpaced (plane "<plane>/max")."""
    for rate in (args.fixed_rate, 0):
        for rep in range(max(args.repeats, 3 if rate else 1)):
            r = rig.run_point([rate], args.duration, flows=args.flows, **gen)
            r.update(scenario=scenario, plane=plane if rate else plane + "/max",
                     family="ipv4", x=x, repeat=rep, rig_build_s=round(rig.build_s, 1))
            w.add(r)


def scen_fig6(args, w, planes):
    for nvr in args.vr_counts:
        for plane in planes:
            if plane in ("ipfwd", "xdpfwd"):
                if nvr != args.vr_counts[0]:
                    continue
            if bridge_too_big(plane, nvr):
                continue
            log("fig6: %s, %d VRs" % (plane, nvr))
            with_rig(plane, lambda rig: scale_points(args, w, "fig6", plane, nvr, rig), nvr=nvr)


def scen_fig7(args, w, planes):
    for dests in (1, 512):
        for plane in planes:
            log("fig7: %s, 512 routes, %d destinations" % (plane, dests))
            with_rig(plane, lambda rig: scale_points(args, w, "fig7", plane, dests, rig,
                                                     dests=dests), routes=512)


def scen_fig8(args, w, planes):
    """Virtual interfaces: N VRs, each a (VR, NIC) pair on in0 and on out0,
    traffic spread over all of them (one destination MAC per VR)."""
    for nvr in args.vif_vrs:
        for plane in planes:
            if plane in ("ipfwd", "xdpfwd") and nvr != args.vif_vrs[0]:
                continue
            if bridge_too_big(plane, nvr):
                continue
            log("fig8: %s, %d VIFs" % (plane, 2 * nvr))
            with_rig(plane, lambda rig: scale_points(args, w, "fig8", plane, 2 * nvr, rig),
                     nvr=nvr, spread=True)


def scen_fig9(args, w, planes):
    """Latency at a fixed load: half of the IP forwarder's capacity."""
    rate = args.fig9_rate
    for plane in planes:
        log("fig9: %s at %d pps" % (plane, rate))

        def fn(rig):
            for rep in range(args.repeats):
                r = rig.run_point([rate], args.duration, flows=args.flows)
                r.update(scenario="fig9", plane=plane, family="ipv4", x=rate,
                         repeat=rep, rig_build_s=round(rig.build_s, 1))
                w.add(r)
        with_rig(plane, fn)


OVERLOAD_PLANES = ("ipfwd", "macvlan", "vrouter", "xdpfwd")
OVERLOAD_X = (0.5, 0.9, 1.1, 1.5, 2.0, 3.0)


def scen_overload(args, w, planes):
    """Overload collapse: the DUT core slowed to --ovl-duty of a core by
    the hog (one generator core cannot offer 3x an XDP data plane's
    capacity otherwise); capacity = delivered unpaced; then paced points at
    OVERLOAD_X times it (as far as the generator gets)."""
    for plane in [p for p in planes if p in OVERLOAD_PLANES]:
        log("overload: %s, DUT at %.2f of a core" % (plane, args.ovl_duty))

        def point(rig, rate):
            hog = Hog(args.ovl_duty, args.duration + 1)
            try:
                r = rig.run_point([rate], args.duration, flows=args.flows)
            finally:
                hog.stop()
            r.update(scenario="overload", plane=plane, family="ipv4", x=rate, repeat=0,
                     rig_build_s=round(rig.build_s, 1))
            w.add(r)
            return r

        def fn(rig):
            cap = float(point(rig, 0)["delivered_pps"])
            for f in OVERLOAD_X:
                point(rig, int(f * cap))
        with_rig(plane, fn)


def scen_progcost(args, w, planes):
    """The XDP program alone, as attached in the rig, on the same forwarded
    64-byte frame (benchctl prog-cost: BPF_PROG_RUN repeat, 1 s a round,
    rounds interleaved by rig): vrouter against the no-VR bound.  The DUT
    ns/packet varies 10-20% between points on this VM; this does not."""
    rt = "chrt -f %d " % GEN_PRIO if GEN_PRIO else ""
    for rnd in range(3):
        for plane in ("vrouter", "xdpfwd"):
            def fn(rig):
                for k in range(2):
                    j = json.loads(nsx("dut", "%s%s prog-cost in0 %s %s 198.19.0.1 %d 1" %
                                       (rt, BENCHCTL, rig.dst_macs[0], ip4(10, 2), DUT_CPU)))
                    if j["cpus"][0]["retval"] != 4:
                        raise RuntimeError("prog-cost %s: action %d, not XDP_REDIRECT" %
                                           (plane, j["cpus"][0]["retval"]))
                    w.add({"scenario": "progcost", "plane": plane, "round": 2 * rnd + k,
                           "ns_per_run": j["cpus"][0]["ns_per_run"],
                           "load1": open("/proc/loadavg").read().split()[0]})
            with_rig(plane, fn)
    w.section = pc_summary(w.rows)


def pc_summary(rows):
    med = {p: sorted(float(r["ns_per_run"]) for r in rows if r["plane"] == p)
           for p in ("vrouter", "xdpfwd")}
    v, x = (med[p][len(med[p]) // 2] for p in ("vrouter", "xdpfwd"))
    return ["## progcost", "",
                 "The XDP program alone on a forwarded 64-byte IPv4 frame (BPF_PROG_RUN, "
                 "6 rounds of 1 s each, medians): vrouter %.1f ns, the no-VR bound (xdpfwd) "
                 "%.1f ns, difference %.1f ns per packet (where it goes: bench/README.md)."
                 % (v, x, v - x), ""]


# -- admission control (vrouter only) ---------------------------------------
T1_FIELDS = ["scenario", "variant", "limit_vr1_pps", "vr", "offered_pps", "delivered_pps",
             "delivered_pct", "sent", "rx_xdp", "policed", "delivered", "drop_before_xdp",
             "drop_after_admission", "gen_tx_drops", "drop_backlog", "dut_capacity_pps",
             "dut_duty", "dut_ns_per_pkt", "gen_elapsed_s", "load1"]
ADM_FIELDS = ["scenario", "test", "config", "cpus", "ns_per_pkt", "ns_per_pkt_cpu1",
              "overhead_ns", "overhead_pct", "limit_pps", "burst", "admitted_pps",
              "accuracy_pct", "load1"]
PC_FIELDS = ["scenario", "plane", "round", "ns_per_run", "load1"]
SCENARIO_FIELDS = {"table1": T1_FIELDS, "admission": ADM_FIELDS, "progcost": PC_FIELDS}


class Hog:
    """Takes (1 - duty) of the DUT core at a real-time priority above the
    DUT's kthreads, in 100 us slices: a slower machine, so that the one
    generator core can offer several times the DUT's capacity (the XDP
    data plane forwards faster than one core can generate)."""

    def __init__(self, duty, secs, period_us=100):
        self.p = None
        if duty < 1:
            self.p = subprocess.Popen([BENCHCTL, "hog", str(DUT_CPU), str(duty), str(period_us),
                                       str(secs), str(DUT_PRIO + 10)])
            time.sleep(0.1)

    def stop(self):
        if self.p:
            self.p.kill()
            self.p.wait()


def t1_point(rig, args, rates_w, secs, duty):
    """One table1 point: one generator (g0, plus g1 for separate NICs)
    offering sum(rates_w) pps, MAC weights rates_w: VR1's and VR2's.
    Per VR: offered, delivered at its sink, frames that reached XDP,
    policed; drops before XDP (the ingress ring full: generator tx drops)
    and after admission."""
    tot = sum(rates_w)
    w = [max(1, round(r * 64 / tot)) for r in rates_w]
    devs = " --devs g1" if not rig.shared_in else ""
    prio = "chrt -f %d " % GEN_PRIO if GEN_PRIO else ""
    cmd = ("ip netns exec %s %s%s --dev g0%s --dst-mac %s --src-ip %s --dst-ip 198.19.0.1 "
           "--rate %d --duration %g --ttl %d --cpu %d --mac-weights %s"
           % (ns("gen"), prio, TRAFFICGEN, devs, vr_mac(1), ip4(10, 2), tot, secs, TTL,
              GEN_CPU, ",".join(map(str, w))))
    a = rig.snapshot()
    hog = Hog(duty, secs + 1)
    try:
        out = sh(cmd, timeout=secs * 4 + 30)
    finally:
        hog.stop()
    time.sleep(0.2)
    b = rig.snapshot()
    g = dict(kv.split("=", 1) for kv in out.split())
    el = int(g["elapsed_ns"]) / 1e9
    sent = [int(x) for x in g["sent_idx"].split(",")]
    gen_drop = sum(b["g"][i]["tx_dropped"] - a["g"][i]["tx_dropped"] for i in range(rig.nin))
    dut_ns = (b["napi_ns"] - a["napi_ns"]) + (b["ksoftirqd_ns"] - a["ksoftirqd_ns"])
    rows = []
    tot_del = 0
    for k in (1, 2):
        va, vb = a["vrs"][k - 1], b["vrs"][k - 1]
        rx = vb["rx"] - va["rx"]
        pol = vb["policed"] - va["policed"]
        dlv = b["sinks"][k - 1]["ours"] - a["sinks"][k - 1]["ours"]
        tot_del += dlv
        rows.append({
            "vr": k, "sent": sent[k - 1], "rx_xdp": rx, "policed": pol, "delivered": dlv,
            "offered_pps": round(sent[k - 1] / el), "delivered_pps": round(dlv / el),
            "delivered_pct": round(100.0 * dlv / sent[k - 1], 2) if sent[k - 1] else "",
            "drop_before_xdp": sent[k - 1] - rx, "drop_after_admission": rx - pol - dlv,
            "gen_tx_drops": gen_drop, "drop_backlog": b["softnet"] - a["softnet"],
            "gen_elapsed_s": round(el, 3), "load1": open("/proc/loadavg").read().split()[0]})
    for r in rows:
        r["dut_ns_per_pkt"] = round(dut_ns / tot_del, 1) if tot_del else ""
    return rows


def scen_table1(args, w, planes):
    """The paper's Table 1 and beyond: two VRs, VR1 offered 3x the DUT's
    capacity, VR2 a fixed share (0.3x); (a) each VR on its own NIC pair,
    (b) both VRs on one ingress NIC; each without and with VR1 limited to
    0.6x capacity (so VR1 + VR2 fit).  vrouter only (the limit is its
    feature).  The DUT core is slowed down to `--t1-duty` of a core."""
    duty, secs = args.t1_duty, args.duration
    results = {}
    for variant, nin, shared in (("a", 2, False), ("b", 1, True)):
        log("table1 (%s): %s" % (variant, "separate NIC pairs" if not shared else "shared ingress NIC"))

        def fn(rig):
            # capacity: VR1 alone, as fast as the generator goes
            cap_rows = t1_point(rig, args, [3000000, 1], secs, duty)
            cap = sum(r["delivered_pps"] for r in cap_rows)
            log("  DUT capacity (VR1 alone, unlimited): %d pps, generator offered %d"
                % (cap, cap_rows[0]["offered_pps"]))
            r1, r2 = 3 * cap, int(0.3 * cap)
            lim = int(0.6 * cap)
            for limit in (0, lim):
                nsx("dut", "%s limit %s/vr 1 %d %d" % (BENCHCTL, PIN, limit, max(1, limit // 100)))
                for rep in range(args.repeats):
                    for r in t1_point(rig, args, [r1, r2], secs, duty):
                        r.update(scenario="table1", variant=variant, limit_vr1_pps=limit or "none",
                                 dut_capacity_pps=cap, dut_duty=duty)
                        w.add(r)
                        results.setdefault((variant, limit and "limited" or "none", r["vr"]), []).append(r)
        with_rig("vrouter", fn, nin=nin, nvr=2, nout=2, shared_in=shared, dut_prio=args.t1_dut_prio)
    t1_plot(w.outdir, w.rows)
    w.section = t1_summary(w.rows)


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


def t1_summary(rows):
    L = ["## table1", "",
         "Two VRs, VR1 offered 3x the DUT's capacity, VR2 0.3x (the paper: 1000 + 300 kpps on "
         "a 700 kpps forwarder). (a) each VR on its own NIC pair (VR1 in0->out0, VR2 in1->out1), "
         "(b) both on in0 (different VR MACs), VR1->out0, VR2->out1. One generator core drives "
         "both (per-frame MAC pattern, devmap redirect to g1 for (a)). vrouter's XDP forwards "
         "faster than one core generates, so the DUT core is slowed down to %s of a core by a "
         "real-time hog in 100 us slices; capacity = VR1 alone, unpaced, delivered. The DUT's napi "
         "kthreads (in0, in1) run SCHED_OTHER on their core (`--t1-dut-prio`): two SCHED_FIFO "
         "threads of one priority do not share a core, the busy one starves the other (VR2 got "
         "3.6%% in (a) that way). With a limit, "
         "VR1 gets 0.6x capacity (burst 10 ms). Drops: before XDP = the ingress veth ring full "
         "(generator tx drops, the \"NIC\"), policed = admission control, after admission = "
         "egress or other. Admission control helps VR2 only if dropping VR1's excess is cheap "
         "enough for the DUT to keep its ingress ring from overflowing; the lines below the table "
         "show what a frame costs the DUT here, forwarded or policed." % (rows[0]["dut_duty"] if rows else "?"), "",
         "| variant | VR1 limit (pps) | VR | capacity (pps) | offered (pps) | delivered (pps) | "
         "delivered % | dropped before XDP | policed | dropped after admission | DUT ns/pkt |",
         "|---|---|---|---|---|---|---|---|---|---|---|"]
    for (variant, limit, vr), rs in group(rows, lambda r: (r["variant"], str(r["limit_vr1_pps"]),
                                                            r["vr"])).items():
        L.append("| %s | %s | VR%d | %d | %.0f | %.0f | %.1f | %.0f | %.0f | %.0f | %s |" % (
            variant, limit, vr, int(rs[0]["dut_capacity_pps"]), mean(r["offered_pps"] for r in rs),
            mean(r["delivered_pps"] for r in rs), mean(r["delivered_pct"] for r in rs),
            mean(r["drop_before_xdp"] for r in rs), mean(r["policed"] for r in rs),
            mean(r["drop_after_admission"] for r in rs),
            "%.0f" % mean(r["dut_ns_per_pkt"] for r in rs) if rs[0]["dut_ns_per_pkt"] != "" else "-"))
    L.append("")
    for (variant, limit), rs in group(rows, lambda r: (r["variant"], str(r["limit_vr1_pps"]))).items():
        vr1 = [r for r in rs if r["vr"] == 1]
        cap = float(rs[0]["dut_capacity_pps"])
        rx = sum(float(r["rx_xdp"]) for r in rs)
        dlv = sum(float(r["delivered"]) for r in rs)
        ns_ = mean(r["dut_ns_per_pkt"] for r in rs)
        L.append("- (%s) VR1 limit %s: VR1 offered %.1fx capacity; DUT CPU per frame that "
                 "reached XDP (forwarded or policed) %s ns" % (
                     variant, limit, mean(r["offered_pps"] for r in vr1) / cap if cap else 0,
                     "%.0f" % (ns_ * dlv / rx) if ns_ and rx else "-"))
    L.append("")
    off = [float(r["offered_pps"]) / float(r["dut_capacity_pps"]) for r in rows if r["vr"] == 1]
    if off and max(off) < 2.5:
        L += ["**VR1 did not reach 3x capacity here**: the one generator core (which also "
              "runs both sinks) is the limit, so these points show isolation at about the "
              "DUT's capacity, not under a 3x overload.", ""]
    for variant, target, lim in (("a", 99, "none"), ("b", 95, None)):
        vr2 = [r for r in rows if r["variant"] == variant and r["vr"] == 2 and
               ((str(r["limit_vr1_pps"]) == "none") == (lim == "none"))]
        if vr2:
            got = mean(r["delivered_pct"] for r in vr2)
            L.append("- target (%s) %s: VR2 keeps >= %d%% of its offered load: %.1f%% (%s)" % (
                variant, "VR1 unlimited" if lim == "none" else "VR1 limited to its share",
                target, got, "PASS" if got >= target else "FAIL"))
    L.append("")
    return L


def scen_admission(args, w, planes):
    """Admission control's cost and accuracy.
    (1) admit-cmp: the admission step alone under BPF_PROG_RUN repeat,
    vrouter's shared GCRA (compare-and-swap) vs per-CPU buckets vs time
    slots, cost per packet on 1 and 2 CPUs at once, admitted rate vs the
    limit with even and uneven traffic over the 2 CPUs.
    (2) prog-cost: vrouter's whole program (as attached in the rig) on a
    forwarded frame: no limit anywhere, a limit on another VR, and a limit
    on this VR that admits everything."""
    B = BENCHCTL
    secs = max(2.0, args.duration)
    # the runner threads at SCHED_FIFO (as the generator): on a busy machine
    # ordinary tasks would leave gaps in the offered load
    rt = "chrt -f %d " % GEN_PRIO if GEN_PRIO else ""
    load = lambda: open("/proc/loadavg").read().split()[0]
    # (1a) cost: admit everything (1 Gpps), 1 and 2 CPUs
    base = {}
    for cpus in ("0", "0,1"):
        for mode in ("none", "lookup", "clock", "shared", "shared-nobatch", "percpu", "slot"):
            env = "ADMIT_NO_BATCH=1 " if mode == "shared-nobatch" else ""
            j = json.loads(sh("%s%s%s admit-cmp %s 1000000000 1000000 2 %s %g" %
                              (env, rt, B, mode.split("-")[0], cpus, secs)))
            c = j["cpus"]
            row = {"scenario": "admission", "test": "cost-admit-all", "config": mode,
                   "cpus": cpus, "ns_per_pkt": c[0]["ns_per_run"],
                   "ns_per_pkt_cpu1": c[1]["ns_per_run"] if len(c) > 1 else "",
                   "limit_pps": 1000000000, "burst": 1000000, "load1": load()}
            if mode == "lookup":
                base[cpus] = c[0]["ns_per_run"]
            if mode not in ("none", "lookup"):
                row["overhead_ns"] = round(c[0]["ns_per_run"] - base[cpus], 1)
            w.add(row)
    # (1b) accuracy: limit 1 Mpps, burst 100 ms, overload from both CPUs
    # (even), from CPU 0 only (uneven), CPU 1 at 10% duty (skewed)
    lim, burst = 1000000, 100000
    for test, cpus in (("accuracy-even", "0,1"), ("accuracy-one-cpu", "0"),
                       ("accuracy-skewed", "0,1:0.1")):
        for mode in ("shared", "percpu", "slot"):
            j = json.loads(sh("%s%s admit-cmp %s %d %d 2 %s %g" %
                              (rt, B, mode, lim, burst, cpus, secs)))
            expect = lim + burst / j["seconds"]
            w.add({"scenario": "admission", "test": test, "config": mode, "cpus": cpus,
                   "ns_per_pkt": j["cpus"][0]["ns_per_run"],
                   "ns_per_pkt_cpu1": j["cpus"][1]["ns_per_run"] if len(j["cpus"]) > 1 else "",
                   "limit_pps": lim, "burst": burst, "admitted_pps": j["admitted_pps"],
                   "accuracy_pct": round(100.0 * (j["admitted_pps"] - expect) / expect, 2),
                   "load1": load()})

    # (2) the real program, in the vrouter rig with 2 VRs.  The three
    # configurations take turns, 5 rounds of 1 s each; the median counts
    # (this machine is shared: single runs vary by tens of ns).
    def fn(rig):
        cfgs = (("no limit", None), ("limit on another VR", "2 1000 10"),
                ("limit admitting all", "1 1000000000 1000000"))
        got = {}
        for rnd in range(5):
            for cfg, lim in cfgs:
                if lim:
                    nsx("dut", "%s limit %s/vr %s" % (B, PIN, lim))
                for cpus in ("0", "0,1"):
                    j = json.loads(nsx("dut", "%s%s prog-cost in0 %s %s 198.19.0.1 %s 1" %
                                       (rt, B, vr_mac(1), ip4(10, 2), cpus)))
                    if j["cpus"][0]["retval"] != 4:
                        raise RuntimeError("prog-cost: action %d, not XDP_REDIRECT" %
                                           j["cpus"][0]["retval"])
                    got.setdefault((cfg, cpus), []).append(
                        [c["ns_per_run"] for c in j["cpus"]])
                if lim:
                    nsx("dut", "%s limit %s/vr %s 0 0" % (B, PIN, lim.split()[0]))
        med = lambda xs: sorted(xs)[len(xs) // 2]
        for cpus in ("0", "0,1"):
            base = med([v[0] for v in got[("no limit", cpus)]])
            for cfg, lim in cfgs:
                v = got[(cfg, cpus)]
                row = {"scenario": "admission", "test": "vrouter-program", "config": cfg,
                       "cpus": cpus, "ns_per_pkt": med([x[0] for x in v]),
                       "ns_per_pkt_cpu1": med([x[1] for x in v]) if len(v[0]) > 1 else "",
                       "load1": load()}
                if lim:
                    d = row["ns_per_pkt"] - base
                    row["overhead_ns"] = round(d, 1)
                    row["overhead_pct"] = round(100.0 * d / base, 1)
                w.add(row)
    with_rig("vrouter", fn, nvr=2)
    w.section = adm_summary(w.rows)


def adm_summary(rows):
    L = ["## admission", "",
         "Admission control (vrouter's per-VR limit): cost and accuracy. BPF_PROG_RUN with "
         "repeat, ns per run as the kernel measures it (bpf_test_run). See bench/admitcmp.bpf.c.", "",
         "Cost of the admission step alone, limit admitting everything (ns/packet, CPU 0; "
         "'0,1': both CPUs on the same VR at once):", "",
         "| mode | 1 CPU | 2 CPUs (CPU 0 / CPU 1) | over lookup, 1 CPU |", "|---|---|---|---|"]
    cost = {(r["config"], r["cpus"]): r for r in rows if r["test"] == "cost-admit-all"}
    for mode in ("none", "lookup", "clock", "shared", "shared-nobatch", "percpu", "slot"):
        a, b = cost.get((mode, "0")), cost.get((mode, "0,1"))
        if a and b:
            L.append("| %s | %.1f | %.1f / %s | %s |" % (mode, a["ns_per_pkt"], b["ns_per_pkt"],
                                                       b["ns_per_pkt_cpu1"], a.get("overhead_ns", "-")))
    L += ["", "none = the run loop; lookup = what a VR without a limit pays (vr_limits lookup + "
          "branch); clock = lookup + bpf_ktime_get_ns(); shared = vrouter (shared GCRA, cmpxchg, "
          "per-CPU credit taken 16 frames at a time: the clock and the shared line once per 16); "
          "shared-nobatch = the same taking one frame at a time (clock and cmpxchg per frame; "
          "with 2 CPUs the line bounces); percpu = a GCRA bucket per CPU with rate/2 (clock per "
          "frame, no atomics); slot = 1 ms slots, shared counter, atomic add per frame.", "",
          "Accuracy: limit 1 Mpps, burst 100 ms, every CPU offering far more than the limit "
          "(expected admitted = limit + burst / duration):", "",
          "| traffic | shared (vrouter) | percpu | slot |", "|---|---|---|---|"]
    acc = {(r["test"], r["config"]): r for r in rows if r["test"].startswith("accuracy")}
    for test, what in (("accuracy-even", "both CPUs"), ("accuracy-one-cpu", "one CPU"),
                       ("accuracy-skewed", "CPU 0 + CPU 1 at 10%")):
        cells = []
        for mode in ("shared", "percpu", "slot"):
            r = acc.get((test, mode))
            cells.append("%.0f pps (%+.1f%%)" % (r["admitted_pps"], r["accuracy_pct"]) if r else "-")
        L.append("| %s | %s |" % (what, " | ".join(cells)))
    L += ["", "vrouter's whole program on a forwarded 64-byte frame (fib lookup, neighbour, "
          "rewrite; XDP_REDIRECT returned, not transmitted), in the bench rig:", "",
          "| configuration | CPUs | ns/packet | over no limit |", "|---|---|---|---|"]
    for r in rows:
        if r["test"] == "vrouter-program":
            L.append("| %s | %s | %.1f | %s |" % (r["config"], r["cpus"], r["ns_per_pkt"],
                                                 "%+.1f ns (%+.1f%%)" % (r["overhead_ns"], r["overhead_pct"])
                                                 if r.get("overhead_ns") != None and r.get("overhead_ns") != "" else "-"))
    L.append("")
    return L


SCENARIOS = {"fig4": scen_fig4, "ipv6": scen_ipv6, "fig5": scen_fig5, "fig6": scen_fig6,
             "fig7": scen_fig7, "fig8": scen_fig8, "fig9": scen_fig9, "overload": scen_overload,
             "progcost": scen_progcost,
             "table1": scen_table1,
             "admission": scen_admission}


# -- output ---------------------------------------------------------------
def mean(xs):
    xs = [float(x) for x in xs if x != "" and x is not None]
    return sum(xs) / len(xs) if xs else None


def group(rows, key):
    out = {}
    for r in rows:
        out.setdefault(key(r), []).append(r)
    return out


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


def old_sections(path):
    """The "## NAME" sections of an existing summary.md: {NAME: lines}."""
    out, cur = {}, None
    try:
        for line in open(path).read().splitlines():
            if line.startswith("## "):
                cur = line[3:].strip()
                out[cur] = []
            if cur:
                out[cur].append(line)
    except OSError:
        pass
    return out


def summarize(outdir, allrows, meta, sections=()):
    L = ["# Benchmark summary", "",
         "Run %s, mode `%s`, %s. Rig and method: shared/BENCH.md. "
         "Figures are within-run ratios; absolute pps on a shared 2-core VM are not stable "
         "between runs." % (meta["date"], meta["mode"], meta["kernel"]), "",
         "- machine quietness: load average before %s, after %s; %s" %
         (meta["load_before"], meta.get("load_after", "?"), meta.get("foreign", "")),
         "- DUT: one core (CPU %d, napi kthreads of inN pinned); generator and sink on CPU %d "
         "(sink NAPI threaded, SCHED_FIFO %d, gro_flush_timeout=20000, napi_defer_hard_irqs=100; "
         "generator %s). DUT napi kthreads SCHED_FIFO %d, so other load on CPU %d cannot "
         "take their time (this kernel is PREEMPT_NONE: a wake-up still waits for the running "
         "task's next preemption point). Real-time throttling off during the run "
         "(kernel.sched_rt_runtime_us -1, was %s, restored after): it stops the spinning "
         "generator and the sink for 50 ms of every second."
         % (DUT_CPU, GEN_CPU, SINK_PRIO, "SCHED_FIFO %d" % GEN_PRIO if GEN_PRIO else "SCHED_OTHER",
            DUT_PRIO, DUT_CPU, meta.get("rt", "?")),
         "- DUT ns/packet = CPU time of the inN napi kthreads + ksoftirqd/%d "
         "(/proc/PID/schedstat, ns exact; softirqs raised in the kthread run in it) / packets "
         "delivered. The kernel has no IRQ_TIME_ACCOUNTING, so /proc/stat softirq is "
         "tick-sampled and only reported (cpu0_softirq_pct) as a cross-check." % DUT_CPU,
         "- veth+bridge VR: `bridge` = net.bridge.bridge-nf-call-iptables=1 (the default), "
         "`bridge-nonf` = 0.",
         "- duration per point %.1f s, repeats %d, 64-byte IPv4/UDP frames (IPv6: 80 B, the "
         "smallest that carries the timestamp), %d flow(s)." %
         (meta["duration"], meta["repeats"], meta["flows"]), ""]
    done = set()
    for scenario, rows in group(allrows, lambda r: r["scenario"]).items():
        L += summary_table(scenario, rows)
        done.add(scenario)
    for sec in sections:
        L += sec
        done.add(sec[0][3:].strip())
    # sections of scenarios not run this time stay, marked as older
    for name, lines in old_sections(os.path.join(outdir, "summary.md")).items():
        if name not in done and name not in ("Generator quality", "Targets (this run's rows)"):
            mark = [] if "(from an earlier run)" in lines else ["", "(from an earlier run)"]
            L += lines[:1] + mark + lines[1:]
    if allrows:
        L += targets(allrows)
        L += gen_quality(allrows)
    loads = sorted(float(r["load1"]) for r in allrows if r.get("load1"))
    if loads and loads[len(loads) // 2] > 3.5:
        L.insert(4, "- **WARNING: the machine was busy with other work during this run "
                 "(median load %.2f on 2 CPUs; the bench alone makes 2-3: generator, sink, DUT, hog). Absolute "
                 "numbers and ratios are not representative; rerun on a quiet machine.**"
                 % loads[len(loads) // 2])
    if loads:
        L.insert(4, "- 1-minute load average over the points: min %.2f, median %.2f, max %.2f "
                 "(the bench itself adds 2-3 while it runs)" %
                 (loads[0], loads[len(loads) // 2], loads[-1]))
    with open(os.path.join(outdir, "summary.md"), "w") as f:
        f.write("\n".join(L) + "\n")


def summary_table(scenario, rows):
    L = ["## %s" % scenario, ""]
    planes = list(group(rows, lambda r: r["plane"]).keys())
    if scenario in ("fig4", "ipv6", "fig5", "overload"):
        # per plane: peak delivered, delivered at the max load, ns/packet at a
        # common low load (all planes below capacity) and at max load
        xs = sorted({int(r["x"]) for r in rows if int(r["x"]) > 0})
        ref = xs[0] if xs else 0
        stats = {}
        for plane, rs in group(rows, lambda r: r["plane"]).items():
            byx = group(rs, lambda r: int(r["x"]))
            peak = max(mean(r["delivered_pps"] for r in v) for v in byx.values())
            top = byx.get(0) or byx[max(byx)]
            stats[plane] = {
                "peak": peak,
                "max_off": mean(r["offered_pps"] for r in top),
                "max_del": mean(r["delivered_pps"] for r in top),
                "max_ns": mean(r["dut_ns_per_pkt"] for r in top),
                "ref_ns": mean(r["dut_ns_per_pkt"] for r in byx.get(ref, [])),
                "p99": mean(r["lat_p99_ns"] for r in byx.get(ref, [])),
            }
        L += ["| data plane | peak delivered (Mpps) | at max load: offered / delivered (Mpps) "
              "| ns/pkt at max load | ns/pkt at %.2f Mpps | p99 latency at %.2f Mpps (us) "
              "| delivered vs IP fwd | vs macvlan | ns/pkt vs IP fwd | vs macvlan |" %
              (ref / 1e6, ref / 1e6),
              "|---|---|---|---|---|---|---|---|---|---|"]
        for plane in planes:
            s = stats[plane]
            sfx = plane[len(plane.split("/")[0]):]
            ip = stats.get("ipfwd" + sfx)
            mv = stats.get("macvlan" + sfx)

            def ratio(a, b):
                return "%.2f" % (a / b) if a and b else "-"
            L.append("| %s | %.3f | %.3f / %.3f | %s | %s | %s | %s | %s | %s | %s |" % (
                plane, s["peak"] / 1e6, s["max_off"] / 1e6, s["max_del"] / 1e6,
                "%.0f" % s["max_ns"] if s["max_ns"] else "-",
                "%.0f" % s["ref_ns"] if s["ref_ns"] else "-",
                "%.1f" % (s["p99"] / 1e3) if s["p99"] else "-",
                ratio(s["peak"], ip and ip["peak"]), ratio(s["peak"], mv and mv["peak"]),
                ratio(s["ref_ns"], ip and ip["ref_ns"]), ratio(s["ref_ns"], mv and mv["ref_ns"])))
        L += ["", "Delivered ratios compare peaks; ns/pkt ratios compare the same offered "
              "load (%.2f Mpps), where every data plane keeps up. A delivered ratio near 1 for "
              "XDP planes means the generator, not the DUT, was the limit: compare ns/pkt." %
              (ref / 1e6), ""]
    else:
        L += ["| data plane | x | offered (Mpps) | delivered (Mpps) | loss % | ns/pkt "
              "| p50 / p99 / max latency (us) |", "|---|---|---|---|---|---|---|"]
        for (plane, x), rs in group(rows, lambda r: (r["plane"], int(r["x"]))).items():
            def us(k):
                v = mean(r[k] for r in rs)
                return "%.1f" % (v / 1e3) if v is not None else "-"
            ns_ = mean(r["dut_ns_per_pkt"] for r in rs)
            L.append("| %s | %d | %.3f | %.3f | %.2f | %s | %s / %s / %s |" % (
                plane, x, mean(r["offered_pps"] for r in rs) / 1e6,
                mean(r["delivered_pps"] for r in rs) / 1e6, mean(r["loss_pct"] for r in rs),
                "%.0f" % ns_ if ns_ else "-", us("lat_p50_ns"), us("lat_p99_ns"),
                us("lat_max_ns")))
        L.append("")
    return L


def targets(rows):
    """The issue's targets for vrouter, as ratios within this run."""
    L = ["## Targets (this run's rows)", ""]
    by = group(rows, lambda r: (r["scenario"], r["plane"], int(r["x"])))

    def m(scen, plane, x, k):
        rs = by.get((scen, plane, x))
        return mean(r[k] for r in rs) if rs else None

    def verdict(ok):
        return "PASS" if ok else "FAIL"
    # DUT cost: the highest set load that vrouter, ipfwd and xdpfwd all keep up with
    xs = sorted({int(r["x"]) for r in rows if r["scenario"] == "fig4" and int(r["x"]) > 0})
    kept = [x for x in xs if all((m("fig4", p, x, "loss_pct") or 100) < 3
                                 for p in ("vrouter", "ipfwd", "xdpfwd"))]
    if kept:
        x = kept[-1]
        v, i, f = (m("fig4", p, x, "dut_ns_per_pkt") for p in ("vrouter", "ipfwd", "xdpfwd"))
        L.append("- DUT ns/packet at %.2f Mpps (the highest load all three deliver 97%% of): vrouter "
                 "%.0f, IP forwarder %.0f, no-VR bound %.0f; vrouter/IP fwd %.2f (target <= 0.40: "
                 "%s), vrouter/no-VR %.2f (target <= 1.05: %s)" %
                 (x / 1e6, v, i, f, v / i, verdict(v / i <= 0.4), v / f, verdict(v / f <= 1.05)))
    ov = sorted((float(r["offered_pps"]), float(r["delivered_pps"]))
                for r in rows if r["scenario"] == "overload" and r["plane"] == "vrouter")
    if ov:
        peak = max(d for o, d in ov)
        o, d = ov[-1]
        L.append("- overload (DUT slowed to a fraction of a core by a hog): vrouter's peak %.3f "
                 "Mpps; offered %.2f Mpps (%.1fx the peak) it delivers %.1f%% of it (target at 3x: "
                 ">= 98%%: %s)" % (peak / 1e6, o / 1e6, o / peak, 100 * d / peak,
                                  verdict(d / peak >= 0.98) if o >= 3 * peak else
                                  "3x not reached, %s at %.1fx" % (verdict(d / peak >= 0.98), o / peak)))
    peak = max((m("fig4", "vrouter", x, "delivered_pps") or 0) for x in xs + [0]) if xs else 0
    top_off, top_del = m("fig4", "vrouter", 0, "offered_pps"), m("fig4", "vrouter", 0, "delivered_pps")
    top_ns = m("fig4", "vrouter", 0, "dut_ns_per_pkt")
    if top_off and top_ns and peak:
        cap = 1e9 / top_ns
        L.append("- overload: vrouter at the generator's max (%.2f Mpps, %.2fx its capacity of "
                 "%.2f Mpps = 1 s / %.0f ns) delivers %.1f%% of its peak%s" %
                 (top_off / 1e6, top_off / cap, cap / 1e6, top_ns, 100 * top_del / peak,
                  "" if top_off >= 3 * cap else " (3x capacity not reachable by one generator "
                  "core: target untested)"))
    for scen, what in (("fig6", "VRs"), ("fig7", "destinations"), ("fig8", "virtual interfaces")):
        vx = sorted({int(r["x"]) for r in rows if r["scenario"] == scen and r["plane"] == "vrouter"})
        if len(vx) < 2:
            continue
        lo, hi = vx[0], vx[-1]
        d0, d1 = m(scen, "vrouter", lo, "delivered_pps"), m(scen, "vrouter", hi, "delivered_pps")
        o0, o1 = m(scen, "vrouter", lo, "offered_pps"), m(scen, "vrouter", hi, "offered_pps")
        n0, n1 = m(scen, "vrouter", lo, "dut_ns_per_pkt"), m(scen, "vrouter", hi, "dut_ns_per_pkt")
        L.append("- %s: vrouter at %d %s vs %d, at the fixed load (offered %.2f vs %.2f Mpps): "
                 "delivered %+.1f%%, DUT ns/packet %+.1f%% (target delivered >= -5%%: %s)" %
                 (scen, hi, what, lo, o1 / 1e6, o0 / 1e6, 100 * (d1 / d0 - 1),
                  100 * (n1 / n0 - 1), verdict(d1 / d0 >= 0.95)))
        x0, x1 = m(scen, "vrouter/max", lo, "delivered_pps"), m(scen, "vrouter/max", hi, "delivered_pps")
        if x0 and x1:
            L.append("  - unpaced (generator and sink limited): %.2f vs %.2f Mpps delivered (%+.1f%%)"
                     % (x1 / 1e6, x0 / 1e6, 100 * (x1 / x0 - 1)))
    lat = {p: (m("fig9", p, x, "lat_p50_ns"), m("fig9", p, x, "lat_p99_ns"))
           for (sc, p, x) in by if sc == "fig9"}
    if "vrouter" in lat and "ipfwd" in lat:
        (v50, v99), (i50, i99) = lat["vrouter"], lat["ipfwd"]
        L.append("- fig9: p50 / p99 latency vrouter %.0f / %.0f us, IP forwarder %.0f / %.0f us "
                 "(target no higher: %s)" % (v50 / 1e3, v99 / 1e3, i50 / 1e3, i99 / 1e3,
                                             verdict(v50 <= i50 and v99 <= i99)))
    L.append("")
    return L if len(L) > 3 else []


def gen_quality(rows):
    """Offered vs set rate where the generator can reach the set rate, and
    loss where the data plane keeps up."""
    L = ["## Generator quality", ""]
    errs, losses = [], []
    for key, rs in group(rows, lambda r: (r["scenario"], r["plane"])).items():
        cap = max(float(r["delivered_pps"]) for r in rs)
        unpaced = [float(r["offered_pps"]) for r in rs if float(r["set_pps"]) == 0]
        gmax = max(unpaced) if unpaced else None
        for r in rs:
            s = float(r["set_pps"])
            if s <= 0:
                continue
            if gmax is None or s <= 0.8 * gmax:	# within what the generator reaches here
                errs.append(100.0 * (float(r["offered_pps"]) - s) / s)
            if s <= 0.7 * cap:		# clearly below this data plane's capacity
                losses.append(float(r["loss_pct"]))
    if errs:
        ae = sorted(abs(e) for e in errs)
        L.append("- offered vs set rate, %d paced points with the set rate <= 80%% of the "
                 "generator's unpaced rate in the same rig: median |error| %.2f%%, worst %.2f%%, "
                 "mean %+.2f%% (%s: within 2%%)" % (len(errs), ae[len(ae) // 2], ae[-1],
                                                   sum(errs) / len(errs),
                                                   "PASS" if ae[-1] <= 2 else "FAIL"))
    else:
        L.append("- offered vs set rate: no paced point below the generator's unpaced rate")
    if losses:
        ls = sorted(losses)
        n_loss = sum(1 for x in ls if x >= 0.1)
        L.append("- loss at set rates <= 70%% of each data plane's measured capacity, %d points: "
                 "median %.4f%%, worst %.4f%%, %d point(s) >= 0.1%% (%s: < 0.1%%)" %
                 (len(ls), ls[len(ls) // 2], ls[-1], n_loss, "PASS" if n_loss == 0 else "FAIL"))
    L.append("- undershoot comes from stalls of the generator's CPU longer than one batch "
             "(sink work, other tasks, 1-2 ms between BPF_PROG_RUN calls of ~2 s): the "
             "schedule is not caught up in a burst (gen_lag_resets, gen_lag_lost_ms, "
             "gen_call_gap_ms in the CSV)")
    L.append("")
    return L


TEXT_FIELDS = {"scenario", "plane", "test", "config", "cpus", "variant", "mode"}


def numeric(v):
    try:
        f = float(v)
    except ValueError:
        return v
    return int(f) if f.is_integer() and "." not in v else f


SECTION_OF = {"table1": t1_summary, "admission": adm_summary, "progcost": pc_summary}


def resummarize(outdir):
    """summary.md and plots again from a run's CSVs (the run's own
    settings are not in them: the header says so)."""
    allrows, sections = [], []
    for scen in SCENARIOS:
        path = os.path.join(outdir, scen + ".csv")
        if not os.path.exists(path):
            continue
        with open(path) as f:
            rows = list(csv.DictReader(f))
        if scen in SECTION_OF:
            rows = [{k: v if k in TEXT_FIELDS else numeric(v) for k, v in r.items()}
                    for r in rows]	# the types the scenario wrote
            if scen == "table1":
                t1_plot(outdir, rows)
            sections.append(SECTION_OF[scen](rows))
        elif rows:
            plot(outdir, scen, rows)
            allrows += rows
    stamp = datetime.datetime.fromtimestamp(
        max(os.path.getmtime(os.path.join(outdir, s + ".csv")) for s in SCENARIOS
            if os.path.exists(os.path.join(outdir, s + ".csv"))))
    meta = {"date": stamp.strftime("%Y-%m-%d %H:%M"), "mode": "?", "kernel": "?",
            "load_before": "?", "rt": "?", "duration": 0, "repeats": 1, "flows": 1, "foreign": ""}
    try:
        with open(os.path.join(outdir, "run.json")) as f:
            meta.update(json.load(f))
    except (OSError, ValueError):
        pass
    meta["date"] += " (summary rebuilt from the CSVs)"
    summarize(outdir, allrows, meta, sections)


def main():
    global VERBOSE, GEN_PRIO, P, PIN
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--full", action="store_true")
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--scenarios")
    ap.add_argument("--planes")
    ap.add_argument("--rates", help="comma-separated pps, 0 = generator's max")
    ap.add_argument("--duration", type=float)
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--flows", type=int, default=1)
    ap.add_argument("--out", default=os.path.join(TOP, "bench", "results"))
    ap.add_argument("--gen-prio", type=int, default=GEN_PRIO,
                    help="run the generator SCHED_FIFO at this priority (< %d)" % SINK_PRIO)
    ap.add_argument("--vr-counts", default="1,16,128,1024", help="fig6: VRs configured")
    ap.add_argument("--vif-vrs", default="1,8,64,512", help="fig8: VRs (2 VIFs each)")
    ap.add_argument("--prefix", help="namespace and pin prefix (default: unique)")
    ap.add_argument("--fixed-rate", type=int, default=1000000,
                    help="fig6-8: the paced load at which ns/packet is compared (pps)")
    ap.add_argument("--ovl-duty", type=float, default=0.25,
                    help="overload: share of the DUT core left by the hog")
    ap.add_argument("--t1-duty", type=float, default=0.25,
                    help="table1: share of the DUT core left to the DUT (a slower machine)")
    ap.add_argument("--t1-dut-prio", type=int, default=0,
                    help="table1: SCHED_FIFO priority of the DUT's napi kthreads; 0 (default): "
                    "SCHED_OTHER, so that in0's and in1's threads share the core (two FIFO "
                    "threads of one priority do not: the busy one starves the other)")
    ap.add_argument("--summary-only", action="store_true",
                    help="rebuild summary.md and the plots from the CSVs in --out")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    if args.summary_only:
        return resummarize(args.out)
    VERBOSE = args.verbose
    GEN_PRIO = args.gen_prio
    if args.prefix:
        if not re.match(r"^[A-Za-z0-9_]{1,24}$", args.prefix):
            sys.exit("bench.py: bad --prefix")
        P = args.prefix
        PIN = "/sys/fs/bpf/" + P
    if os.geteuid() != 0:
        sys.exit("bench.py: must run as root")
    for b in (TRAFFICGEN, BENCHCTL):
        if not os.access(b, os.X_OK):
            sys.exit("bench.py: %s missing: run make bench-progs" % b)

    if args.smoke:
        mode, scen, planes = "smoke", ["fig4"], list(PLANES)
        args.rates = args.rates or "50000"
        args.duration = args.duration or 0.3
    elif args.full:
        mode, scen = "full", ["fig4", "ipv6", "fig5", "fig6", "fig7", "fig8", "fig9",
                              "overload", "progcost", "table1", "admission"]
        planes = list(PLANES)
        args.rates = args.rates or "100000,300000,600000,900000,1200000,1500000,2000000,0"
        args.duration = args.duration or 2.0
    else:
        mode, scen = "quick", ["fig4", "ipv6"]
        planes = ["ipfwd", "macvlan", "bridge", "vrouter", "xdpfwd"]
        args.rates = args.rates or "200000,600000,1000000,1400000,2000000,0"
        args.duration = args.duration or 1.5
    if args.scenarios:
        scen = args.scenarios.split(",")
    if args.planes:
        planes = args.planes.split(",")
    for p in planes:
        if p not in PLANES:
            sys.exit("bench.py: unknown data plane %s (%s)" % (p, ", ".join(PLANES)))
    for s in scen:
        if s not in SCENARIOS:
            sys.exit("bench.py: unknown scenario %s (%s)" % (s, ", ".join(SCENARIOS)))
    args.rates = [int(float(x)) for x in args.rates.split(",")]
    args.vr_counts = [int(x) for x in args.vr_counts.split(",")]
    args.vif_vrs = [int(x) for x in args.vif_vrs.split(",")]
    args.fig9_rate = 600000

    def on_signal(sig, frame):
        raise SystemExit(128 + sig)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    sh("mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf")
    os.makedirs(args.out, exist_ok=True)
    meta = {"date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), "mode": mode,
            "kernel": os.uname().release, "load_before": open("/proc/loadavg").read().split()[0],
            "duration": args.duration, "repeats": args.repeats, "flows": args.flows}
    foreign = len([l for l in sh("ip netns list", check=False).splitlines() if not l.startswith(P)])
    meta["foreign"] = "%d other network namespaces present at start" % foreign
    allrows, sections = [], []
    t0 = time.time()
    rt_old = None
    try:
        rt_old = rt_unthrottle()
        meta["rt"] = rt_old
        for s in scen:
            w = Writer(args.out, s)
            done = False
            try:
                SCENARIOS[s](args, w, planes)
                done = True
            finally:
                w.close(done)
                if done and w.custom:
                    sections.append(w.section)
                elif done and w.rows:
                    plot(args.out, s, w.rows)
                    allrows += w.rows
    finally:
        cleanup()
        rt_restore(rt_old)
        meta["load_after"] = open("/proc/loadavg").read().split()[0]
        with open(os.path.join(args.out, "run.json"), "w") as f:
            json.dump(meta, f, indent=1)
        if allrows or sections:		# completed scenarios only
            summarize(args.out, allrows, meta, sections)
        log("bench.py: %d points in %.0f s, results in %s" % (len(allrows), time.time() - t0, args.out))


if __name__ == "__main__":
    main()
