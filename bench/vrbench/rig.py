# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The rig: gen -- dut -- sink namespaces, veths, the sink, the DUT core."""
import os
import time

from . import planes
from .config import ip4, ip6, vr_mac
from .host import comm_pids


class Rig:
    """gen -- dut -- sink, with one data plane configured in dut.

    Ingress i: g<i> (gen) -- in<i> (dut), 198.18.<10+i>.0/24, 2001:2:0:<10+i>::/64
    Egress  j: out<j> (dut) -- s<j> (sink), 198.18.<100+j>.0/24, 2001:2:0:<100+j>::/64
    Forwarder's addresses are .1, the gen/sink ends .2.  Destinations
    198.19.0.0/16 and 2001:2:0:ff00::/56, routed to s0 (.2 on egress 0).
    nvr VRs are configured, traffic goes through VR 1.
    """

    def __init__(self, shell, plane, nin=1, nvr=1, routes=1, spread=False, nout=1,
                 shared_in=False, dut_prio=None, queues=1, nbrs=0):
        self.shell = shell
        self.cfg = shell.cfg
        self.plane = plane
        self.dut_prio = self.cfg.dut_prio if dut_prio is None else dut_prio	# 0: SCHED_OTHER
        # table1: VR k leaves on out<k-1> (nout > 1) and enters on in0
        # (shared_in) or on in<k-1>; otherwise every VR is on every inN
        # and leaves on out0.
        self.nout = nout
        self.shared_in = shared_in
        self.spread = spread		# traffic over all nvr VRs (MACs), not just VR 1
        self.nin = nin
        self.nvr = nvr
        self.routes = routes
        # mq: g0/in0 with this many queues; in0's queue q served by CPU q
        # (a veth's sender picks the queue by its own CPU)
        self.queues = queues
        # manyvr: the destinations are on out0's link (198.19.0.0/16 dev
        # out0), the first nbrs of them neighbours of every VR (the sink)
        self.nbrs = nbrs
        self.vr = planes.has_vrs(plane)
        self.in_threads = set()
        self.sink_threads = set()
        self.ksoftirqd = set()
        self.build_s = 0.0

    @property
    def ins(self):
        return ["in%d" % i for i in range(self.nin)]

    # -- building -------------------------------------------------------
    def build(self):
        t0 = time.time()
        os.makedirs(self.cfg.pin, exist_ok=True)
        self.topology()
        for k in ("net.ipv4.conf.all.rp_filter", "net.ipv4.conf.default.rp_filter"):
            self.shell.sysctls("dut", {k: 0})
        planes.setup(self)
        self.sinks()
        # The DUT: one core.
        # SCHED_FIFO: the DUT's NAPI work preempts ordinary tasks, as a
        # softirq would; other load on CPU 0 then does not eat into it.
        for d in self.ins:
            self.in_threads |= self.threaded("dut", d, self.cfg.dut_cpu, rt=self.dut_prio)
        self.ksoftirqd = comm_pids("ksoftirqd/%d" % self.cfg.dut_cpu)
        if self.queues > 1:
            self.queue_cpus()
        self.build_s = time.time() - t0

    def topology(self):
        """The three namespaces, the veths, the gen and sink ends' addresses."""
        sh = self.shell
        for n in ("gen", "dut", "sink"):
            sh.sh("ip netns add %s" % self.cfg.ns(n))
            sh.ipn(n, "link set lo up")
        for i in range(self.nin):
            self.veth("gen", "g%d" % i, "dut", "in%d" % i)
        for j in range(self.nout):
            self.veth("dut", "out%d" % j, "sink", "s%d" % j)
        for i in range(self.nin):
            sh.ipn("gen", "addr add %s/24 dev g%d" % (ip4(10 + i, 2), i))
            sh.ipn("gen", "-6 addr add %s/64 dev g%d nodad" % (ip6(10 + i, 2), i))
        for j in range(self.nout):
            sh.ipn("sink", "addr add %s/24 dev s%d" % (ip4(100 + j, 2), j))
            sh.ipn("sink", "-6 addr add %s/64 dev s%d nodad" % (ip6(100 + j, 2), j))
        self.s_macs = [sh.mac_of("sink", "s%d" % j) for j in range(self.nout)]
        self.in_macs = [sh.mac_of("dut", d) for d in self.ins]

    def sinks(self):
        """The sink: XDP counting program, threaded NAPI on the generator's
        CPU with real-time priority, re-polled from a timer."""
        cfg = self.cfg
        for j in range(self.nout):
            expect = "any" if self.spread or self.nout > 1 else self.egress_mac
            self.shell.benchctl("sink", "sink-attach %s s%d %s %s %d" %
                                (self.sink_dir(j), j, self.s_macs[j], expect, cfg.ttl - 1))
            self.sink_threads |= self.threaded("sink", "s%d" % j, cfg.gen_cpu, rt=cfg.sink_prio)
            self.shell.nse("sink", "sh -c 'echo 20000 > /sys/class/net/s%d/gro_flush_timeout; "
                           "echo 100 > /sys/class/net/s%d/napi_defer_hard_irqs'" % (j, j))

    def sink_dir(self, j):
        return "%s/sink%s" % (self.cfg.pin, j or "")

    def vr_ins_outs(self, k):
        """The NICs of VR k: (ingress list, egress)."""
        if self.nout == 1:
            return self.ins, "out0"
        ins = ["in0"] if self.shared_in else ["in%d" % (k - 1)]
        return ins, "out%d" % min(k - 1, self.nout - 1)

    def queue_cpus(self):
        """mq: in0's NAPI kthreads, one per queue in queue order (they are
        made in that order: by pid), queue q's on CPU q; the DUT is then
        both CPUs (their ksoftirqd too)."""
        self.queue_threads = sorted(self.in_threads)
        for q, pid in enumerate(self.queue_threads):
            self.shell.sh("taskset -pc %d %d" % (q % 2, pid))
        self.ksoftirqd = comm_pids("ksoftirqd/0") | comm_pids("ksoftirqd/1")

    def veth(self, n1, d1, n2, d2):
        # made in place: the names never exist in the host's namespace
        q = ""
        if self.queues > 1 and d2 == "in0":
            q = " numtxqueues %d numrxqueues %d" % (self.queues, self.queues)
        self.shell.sh("ip link add %s netns %s%s type veth peer name %s netns %s%s" %
                      (d1, self.cfg.ns(n1), q, d2, self.cfg.ns(n2), q))
        self.shell.ipn(n1, "link set %s up" % d1)
        self.shell.ipn(n2, "link set %s up" % d2)

    def threaded(self, n, dev, cpu, rt=0):
        """Threaded NAPI on `dev`, its kthreads pinned to `cpu` (SCHED_FIFO rt)."""
        before = comm_pids("napi/%s-" % dev)
        self.shell.nse(n, "sh -c 'echo 1 > /sys/class/net/%s/threaded'" % dev)
        new = comm_pids("napi/%s-" % dev) - before
        if not new:
            raise RuntimeError("no NAPI thread for %s in %s (no XDP or GRO?)" % (dev, n))
        for pid in new:
            self.shell.sh("taskset -pc %d %d" % (cpu, pid))
            if rt:
                self.shell.sh("chrt -f -p %d %d" % (rt, pid))
        return new

    # -- forwarding configuration shared by the data planes -------------
    def routing(self, n, ins, out, first=()):
        """Addresses, static neighbour and routes in the forwarding
        namespace, after the ip commands `first`."""
        self.shell.sysctls(n, {"net.ipv4.ip_forward": 1, "net.ipv6.conf.all.forwarding": 1,
                               "net.ipv4.conf.all.rp_filter": 0,
                               "net.ipv4.conf.default.rp_filter": 0})
        j = int(out[3:])
        cmds = list(first)
        for d in ins:
            i = int(d[2:])
            cmds.append("addr add %s/24 dev %s" % (ip4(10 + i, 1), d))
            cmds.append("addr add %s/64 dev %s nodad" % (ip6(10 + i, 1), d))
        cmds.append("addr add %s/24 dev %s" % (ip4(100 + j, 1), out))
        cmds.append("addr add %s/64 dev %s nodad" % (ip6(100 + j, 1), out))
        for a in [ip4(100 + j, 2), ip6(100 + j, 2)] + self.nbr_addrs():
            cmds.append("neigh replace %s lladdr %s dev %s nud permanent" % (a, self.s_macs[j], out))
        self.shell.ip_batch(n, cmds + self.route_cmds(out, ""))

    def nbr_addrs(self):
        """manyvr: the destinations that are neighbours, 198.19.0.1 on."""
        return ["198.19.%d.%d" % ((i + 1) >> 8, (i + 1) & 255) for i in range(self.nbrs)]

    def route_list(self):
        """(v4 prefix, v6 prefix) of each route: 198.19.0.0/16 split in `routes`."""
        if self.routes <= 1:
            return [("198.19.0.0/16", "2001:2:0:ff00::/56")]
        if self.routes > 512:
            return big_table(self.routes)
        # /25s over 198.19.0.0/16 (512 of them cover it); IPv6 not used
        return [("198.19.%d.%d/25" % (r // 2, 128 * (r % 2)), "2001:2:0:%x::/64" % (0xfc00 + r))
                for r in range(self.routes)]

    def route_cmds(self, out, table):
        """ip commands: the destinations via the sink on `out`."""
        tbl = " table %s" % table if table else ""
        j = int(out[3:])
        if self.nbrs:
            return ["route add 198.19.0.0/16 dev %s%s" % (out, tbl)]
        cmds = []
        for p4, p6 in self.route_list():
            cmds.append("route add %s via %s dev %s%s" % (p4, ip4(100 + j, 2), out, tbl))
            if p6:
                cmds.append("route add %s via %s dev %s%s" % (p6, ip6(100 + j, 2), out, tbl))
        return cmds

    def vr_ns(self, k):
        return "vr%d" % k

    def add_vr_namespaces(self):
        self.shell.ip_batch(None, ["netns add %s" % self.cfg.ns(self.vr_ns(k))
                                   for k in range(1, self.nvr + 1)])

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
                dut.append("link set %s netns %s" % (tmp, self.cfg.ns(self.vr_ns(k))))
        self.shell.ip_batch("dut", dut)
        for k in range(1, self.nvr + 1):
            ins, out = self.vr_ins_outs(k)
            first = ["link set lo up"]
            for d in ins + [out]:
                first += ["link set m%x%s name %s" % (k, d, d), "link set %s up" % d]
            self.routing(self.vr_ns(k), ins, out, first)

    def gro_on(self):
        for d in self.ins:
            self.shell.nse("dut", "ethtool -K %s gro on" % d)


def big_table(n):
    """n IPv4 prefixes (no IPv6) in 198.19.0.0/16, nested as a large
    table's are: every /32 (65,536), then /31s, /30s, ... as far as n goes.
    Every destination in the /16 matches a /32."""
    out, plen = [], 32
    while len(out) < n and plen >= 17:
        size = 1 << (32 - plen)
        for i in range(0, 65536, size):
            if len(out) == n:
                break
            out.append(("198.19.%d.%d/%d" % (i >> 8, i & 255, plen), None))
        plen -= 1
    return out
