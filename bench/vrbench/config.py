# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The run's settings, one object passed to every part of the bench."""
import dataclasses
import os
import random

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RESULTS = os.path.join(TOP, "bench", "results")

# Data planes, in the order they are shown.
PLANES = {
    "ipfwd": "Linux IP forwarding (no VR)",
    "macvlan": "macvlan VR (paper's design)",
    "bridge": "veth+bridge VR (bridge-nf-call-iptables=1)",
    "bridge-nonf": "veth+bridge VR (bridge-nf-call-iptables=0)",
    "vrouter": "vrouter XDP (this project)",
    "xdpfwd": "XDP FIB forwarding, no VRs (bound)",
}

# What --quick, --full and --smoke run (--scenarios, --planes, --rates,
# --duration override): scenarios, data planes, rates (pps, 0 = the
# generator's max), seconds per point.
MODES = {
    "smoke": (["fig4"], list(PLANES), [50000], 0.3),
    "quick": (["fig4", "ipv6", "gencmp"], ["ipfwd", "macvlan", "bridge", "vrouter", "xdpfwd"],
              [200000, 600000, 1000000, 1400000, 2000000, 0], 1.5),
    "full": (["fig4", "ipv6", "fig5", "fig6", "fig7", "fig8", "fig9", "overload", "progcost",
              "table1", "admission", "mq", "fib100k", "manyvr", "upgrade", "gencmp", "csumcost",
              "tcp"], list(PLANES),
             [100000, 300000, 600000, 900000, 1200000, 1500000, 2000000, 0], 2.0),
}


def unique_prefix():
    return "vrb%d%04x" % (os.getpid() % 10000, random.randrange(0x10000))


@dataclasses.dataclass
class Config:
    """Everything a run reads: where things are, which CPUs and priorities,
    what to measure.  Made once by the command line (cli.py)."""
    prefix: str = dataclasses.field(default_factory=unique_prefix)	# namespaces, pins
    out: str = RESULTS
    verbose: bool = False
    # the rig: one DUT core, the generator and the sink on the other
    dut_cpu: int = 0
    gen_cpu: int = 1
    dut_prio: int = 50		# SCHED_FIFO priority of the DUT's napi kthreads
    sink_prio: int = 50		# and of the sink's
    gen_prio: int = 10		# generator: SCHED_FIFO if > 0, below the sink's (else
				# other load on CPU 1 makes it undershoot its set rate)
    gen_backend: str = ""	# trafficgen's backend (genbackend.py): asked, then chosen
    gen_probe: dict = dataclasses.field(default_factory=dict)	# backend: "ok" or why not
    vr_table0: int = 1000	# VR k's host table: vr_table0 + k
    ttl: int = 64
    # what to measure
    mode: str = "quick"
    scenarios: list = dataclasses.field(default_factory=list)
    planes: list = dataclasses.field(default_factory=list)
    rates: list = dataclasses.field(default_factory=list)
    duration: float = 1.5
    repeats: int = 1
    flows: int = 1
    # at most 1023: VR ids are 1..VR_MAX_ROUTERS-1 (include/vrouter.h)
    vr_counts: list = dataclasses.field(default_factory=lambda: [1, 16, 128, 1023])
    vif_vrs: list = dataclasses.field(default_factory=lambda: [1, 8, 64, 512])
    fixed_rate: int = 1000000
    fig9_rate: int = 600000
    ovl_duty: float = 0.25
    t1_duty: float = 0.25
    t1_dut_prio: int = 0

    @property
    def pin(self):
        """The run's bpffs directory."""
        return "/sys/fs/bpf/" + self.prefix

    @property
    def trafficgen(self):
        return os.path.join(TOP, ".output", "bench", "trafficgen")

    @property
    def benchctl(self):
        return os.path.join(TOP, ".output", "bench", "benchctl")

    def ns(self, name):
        """The namespace called `name` in this run."""
        return "%s-%s" % (self.prefix, name)

    def rt_prefix(self):
        """Command prefix that runs a generator-side program SCHED_FIFO."""
        return "chrt -f %d " % self.gen_prio if self.gen_prio else ""


# The address plan (198.18.0.0/15 and 2001:2::/48 only): ingress i is
# net 10+i, egress j net 100+j; the forwarder is .1, gen/sink ends .2.
def ip4(net, host):
    return "198.18.%d.%d" % (net, host)


def ip6(net, host):
    return "2001:2:0:%x::%x" % (net, host)


def vr_mac(k):
    return "02:00:c6:12:%02x:%02x" % (k >> 8, k & 0xff)
