# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The data planes under test, each configured into a Rig's dut namespace.

Every setup leaves on the rig: dst_macs (the MAC the generator sends to,
per ingress NIC) and egress_mac (the source MAC the sink expects)."""
from .config import ip4, ip6, vr_mac

VR_PLANES = ("macvlan", "vrouter", "bridge", "bridge-nonf")


def has_vrs(plane):
    return plane in VR_PLANES


def setup(rig):
    SETUP[rig.plane](rig)


def _via_dut(rig):
    """Traffic to the dut's own NIC MACs, leaving with out0's."""
    rig.dst_macs = rig.in_macs
    rig.egress_mac = rig.shell.mac_of("dut", "out0")


def _via_vr1(rig):
    """Traffic to VR 1's MAC, leaving with it."""
    rig.dst_macs = [vr_mac(1)] * rig.nin
    rig.egress_mac = vr_mac(1)


def ipfwd(rig):
    """Kernel forwarding in the dut namespace (GRO on inN: the veth has NAPI)."""
    rig.gro_on()
    rig.routing("dut", rig.ins, "out0")
    _via_dut(rig)


def xdpfwd(rig):
    """As ipfwd, plus xdpfwd.bpf.c on the NICs: the no-VR bound."""
    rig.routing("dut", rig.ins, "out0")
    rig.shell.benchctl("dut", "xdpfwd-attach %s" % " ".join(rig.ins + ["out0"]))
    _via_dut(rig)


def macvlan(rig):
    rig.gro_on()
    rig.macvlan_vrs()
    _via_vr1(rig)


def _vr_entries(rig, k):
    """VR k's host-table routes and benchctl map lines (mac, port, neigh)."""
    table = rig.cfg.vr_table0 + k
    ins, out = rig.vr_ins_outs(k)
    j = int(out[3:])
    routes, lines = [], []
    for d in ins:
        i = int(d[2:])
        routes.append("route add %s/24 dev in%d table %d" % (ip4(10 + i, 0), i, table))
        routes.append("route add %s/64 dev in%d table %d" % (ip6(10 + i, 0), i, table))
    routes.append("route add %s/24 dev %s table %d" % (ip4(100 + j, 0), out, table))
    routes.append("route add %s/64 dev %s table %d" % (ip6(100 + j, 0), out, table))
    routes += rig.route_cmds(out, table)
    for d in ins + [out]:
        if d != out:
            lines.append("mac %s %s %d %d" % (d, vr_mac(k), k, table))
        lines.append("port %d %s %s" % (k, d, vr_mac(k)))
    for a in [ip4(100 + j, 2), ip6(100 + j, 2)] + rig.nbr_addrs():
        lines.append("neigh %d %s %s %s" % (k, out, a, rig.s_macs[j]))
    return routes, lines


def vrouter(rig):
    """The macvlan VRs as above, plus what vrctl load / sync do:
    the XDP program on the NICs, each VR's routes mirrored into a host
    table (macvlan replaced by its lower NIC), its MAC, ports and
    neighbours in the maps."""
    rig.macvlan_vrs()
    devs = rig.ins + ["out%d" % j for j in range(rig.nout)]
    rig.shell.sysctls("dut", {"net.ipv4.conf.all.forwarding": 1})
    rig.shell.sysctls("dut", {"net.ipv6.conf.all.forwarding": 1})
    rig.shell.benchctl("dut", "vr-attach %s/vr %s" % (rig.cfg.pin, " ".join(devs)))
    routes, lines = [], []
    for k in range(1, rig.nvr + 1):
        r, m = _vr_entries(rig, k)
        routes += r
        lines += m
    rig.shell.ip_batch("dut", routes)
    rig.shell.benchctl("dut", "vr %s/vr -" % rig.cfg.pin, input="\n".join(lines) + "\n")
    _via_vr1(rig)


def bridge(rig, nf=1):
    """VR namespaces on veth pairs, their dut ends in one bridge per NIC."""
    rig.gro_on()
    rig.shell.sysctls("dut", {"net.bridge.bridge-nf-call-iptables": nf})
    rig.shell.sysctls("dut", {"net.bridge.bridge-nf-call-ip6tables": nf})
    devs = rig.ins + ["out0"]
    dut, host = [], []
    for j, d in enumerate(devs):
        dut += ["link add br%d type bridge" % j, "link set %s master br%d" % (d, j),
                "link set br%d up" % j]
    rig.add_vr_namespaces()
    for k in range(1, rig.nvr + 1):
        for j, d in enumerate(devs):
            port = "p%x_%d" % (k, j)
            host.append("link add %s netns %s type veth peer name %s netns %s"
                        % (d, rig.cfg.ns(rig.vr_ns(k)), port, rig.cfg.ns("dut")))
            dut += ["link set %s master br%d" % (port, j), "link set %s up" % port]
    rig.shell.ip_batch(None, host)
    rig.shell.ip_batch("dut", dut)
    for k in range(1, rig.nvr + 1):
        first = ["link set lo up"]
        for d in devs:
            first += ["link set %s address %s" % (d, vr_mac(k)), "link set %s up" % d]
        rig.routing(rig.vr_ns(k), devs[:-1], "out0", first)
    _via_vr1(rig)


def bridge_nonf(rig):
    bridge(rig, nf=0)


SETUP = {"ipfwd": ipfwd, "macvlan": macvlan, "bridge": bridge, "bridge-nonf": bridge_nonf,
         "vrouter": vrouter, "xdpfwd": xdpfwd}
