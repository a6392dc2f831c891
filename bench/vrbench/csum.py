# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""TCP/UDP checksums left to offload (bpf/l4csum.h): what the fast path
pays for them, and real TCP through a VR.

csumcost: the program alone (benchctl prog-cost, as progcost) on a
forwarded IPv4/UDP frame of 60 and 1514 bytes: from a NIC without
VR_MACF_PARTIAL_CSUM (a physical NIC: no check), from one with it and a
complete checksum (the check only), and with the checksum left to offload
(check and completion).

tcp: iperf3 between two namespaces behind veths through one VR (vrctl
load, add-router, sync), with the senders' checksum offload on and off,
the VR's fast path on and off; throughput and the share of the VR's
frames forwarded in XDP (fwd / rx).  No generator: real sockets only."""
import json
import os

from .config import TOP, ip4, vr_mac
from .host import load1, log
from .rig import Rig
from .tables import median

VRCTL = os.path.join(TOP, ".output", "vrctl")

CC_FIELDS = ["scenario", "variant", "len", "flags", "csum", "round", "ns_per_run", "load1"]
# variant: (VR_MACF_* of in0's entry, UDP checksum)
CC_VARIANTS = [("physical NIC, no check", 0, "complete"),
               ("virtual NIC, complete checksum", 1, "complete"),
               ("virtual NIC, left to offload", 1, "partial")]
CC_LENS = [60, 1514]
CC_ROUNDS = 3


def cc_count(cfg):
    return len(CC_VARIANTS) * len(CC_LENS) * CC_ROUNDS


def csumcost(cfg, shell, w):
    log("csumcost: vrouter's program alone, checksum check and completion")
    mac = vr_mac(1)

    def fn(rig):
        for rnd in range(CC_ROUNDS):
            for name, flags, csum in CC_VARIANTS:
                shell.benchctl("dut", "vr %s/vr -" % cfg.pin,
                               input="macflags in0 %s %d\n" % (mac, flags))
                for n in CC_LENS:
                    j = shell.benchctl_json("dut", "prog-cost in0 %s %s 198.19.0.1 %d 1 %d %s"
                                            % (mac, ip4(10, 2), cfg.dut_cpu, n, csum), rt=True)
                    if j["cpus"][0]["retval"] != 4:
                        raise RuntimeError("csumcost %s: action %d, not XDP_REDIRECT"
                                           % (name, j["cpus"][0]["retval"]))
                    w.add({"scenario": "csumcost", "variant": name, "len": n, "flags": flags,
                           "csum": csum, "round": rnd, "ns_per_run": j["cpus"][0]["ns_per_run"],
                           "load1": load1()})
    # No warm-up through the generator: the program is timed alone, and the
    # generator needs live frames, which some machines refuse.
    rig = Rig(shell, "vrouter")
    try:
        rig.build()
        fn(rig)
    finally:
        shell.cleanup()


def cc_summary(rows):
    out = ["## csumcost", "",
           "The XDP program alone on a forwarded IPv4/UDP frame (BPF_PROG_RUN, %d rounds "
           "of 1 s, medians, ns per frame). A physical NIC's entries have no "
           "VR_MACF_PARTIAL_CSUM: its frames skip the check. A virtual NIC's (veth, tun) "
           "compare the checksum with the pseudo-header sum; a checksum left to offload "
           "is then completed over the segment (bpf/l4csum.h)." % CC_ROUNDS, "",
           "| frame | " + " | ".join(v[0] for v in CC_VARIANTS) + " |",
           "|---|" + "---|" * len(CC_VARIANTS)]
    for n in CC_LENS:
        cells = []
        for name, _, _ in CC_VARIANTS:
            v = [float(r["ns_per_run"]) for r in rows
                 if r["variant"] == name and int(r["len"]) == n]
            cells.append("%.1f" % median(v) if v else "-")
        out.append("| %d bytes | %s |" % (n + 4, " | ".join(cells)))
    return out + [""]


TCP_FIELDS = ["scenario", "family", "tx_offload", "fast_path", "repeat", "seconds",
              "gbit_s", "retransmits", "vr_rx", "vr_fwd", "xdp_share", "csum_partial", "load1"]
TCP_REPEATS = 3
TCP_SECONDS = 3
TCP_FAMILIES = [("ipv4", "198.19.0.5"), ("ipv6", "2001:2:0:2::5")]


def tcp_count(cfg):
    return 2 * 2 * len(TCP_FAMILIES) * TCP_REPEATS


class TcpRig:
    """c:c0 -- dut:in0 [vrctl load in0 out0; one VR] dut:out0 -- s:s0."""

    def __init__(self, shell):
        self.sh = shell
        self.cfg = shell.cfg
        self.vr = self.cfg.ns("vr")
        self.pin = "%s/vr" % self.cfg.pin

    def vrctl(self, args, **kw):
        return self.sh.nsx("dut", "%s --pin-dir %s %s" % (VRCTL, self.pin, args), **kw)

    def build(self):
        sh, vr, mac = self.sh, self.vr, vr_mac(1)
        os.makedirs(self.cfg.pin, exist_ok=True)
        for n in ("c", "dut", "s"):
            sh.sh("ip netns add %s" % self.cfg.ns(n))
            sh.ipn(n, "link set lo up")
        for a, da, b, db in (("c", "c0", "dut", "in0"), ("dut", "out0", "s", "s0")):
            sh.sh("ip link add %s netns %s type veth peer name %s netns %s"
                  % (da, self.cfg.ns(a), db, self.cfg.ns(b)))
            sh.ipn(a, "link set %s up" % da)
            sh.ipn(b, "link set %s up" % db)
        # NAPI on the peers of redirect targets
        sh.nsx("c", "ethtool -K c0 gro on")
        sh.nsx("s", "ethtool -K s0 gro on")
        sh.sysctls("dut", {"net.ipv4.conf.all.forwarding": 1, "net.ipv6.conf.all.forwarding": 1})
        self.vrctl("load in0 out0")
        self.vrctl("add-router %s --mac %s" % (vr, mac))
        c0, s0 = sh.mac_of("c", "c0"), sh.mac_of("s", "s0")
        sh.sysctls("vr", {"net.ipv4.conf.all.forwarding": 1, "net.ipv6.conf.all.forwarding": 1})
        sh.ip_batch("vr", [
            "addr add 198.18.1.1/24 dev in0", "addr add 198.19.0.1/16 dev out0",
            "addr add 2001:2:0:1::1/64 dev in0 nodad", "addr add 2001:2:0:2::1/64 dev out0 nodad",
            "neigh replace 198.18.1.2 lladdr %s dev in0 nud permanent" % c0,
            "neigh replace 198.19.0.5 lladdr %s dev out0 nud permanent" % s0,
            "neigh replace 2001:2:0:1::2 lladdr %s dev in0 nud permanent" % c0,
            "neigh replace 2001:2:0:2::5 lladdr %s dev out0 nud permanent" % s0])
        for n, dev, a4, a6, g4, g6 in (("c", "c0", "198.18.1.2/24", "2001:2:0:1::2/64",
                                        "198.18.1.1", "2001:2:0:1::1"),
                                       ("s", "s0", "198.19.0.5/16", "2001:2:0:2::5/64",
                                        "198.19.0.1", "2001:2:0:2::1")):
            sh.ip_batch(n, ["addr add %s dev %s" % (a4, dev), "addr add %s dev %s nodad" % (a6, dev),
                            "route add default via %s" % g4, "route add default via %s" % g6,
                            "neigh replace %s lladdr %s dev %s nud permanent" % (g4, mac, dev),
                            "neigh replace %s lladdr %s dev %s nud permanent" % (g6, mac, dev)])
        self.vrctl("sync %s" % vr)

    def stats(self):
        r = json.loads(self.vrctl("-j stats %s" % self.vr))["routers"][0]
        return r["rx"]["packets"], r["fwd"]["packets"], r["pass"]["csum_partial"]["packets"]

    def iperf(self, dst):
        self.sh.nsx("s", "sh -c 'iperf3 -s -1 -B %s -p 5201 -D'" % dst)
        self.sh.nsx("s", "sh -c 'for i in $(seq 60); do ss -ltn | grep -q :5201 && exit 0; "
                    "sleep 0.05; done; exit 1'")
        j = json.loads(self.sh.nsx("c", "iperf3 -c %s -p 5201 -t %d -J" % (dst, TCP_SECONDS),
                                   timeout=TCP_SECONDS + 30))
        return j["end"]["sum_received"]["bits_per_second"], j["end"]["sum_sent"].get("retransmits", 0)


def tcp(cfg, shell, w):
    log("tcp: iperf3 through one VR, checksum offload on/off, fast path on/off")
    rig = TcpRig(shell)
    try:
        rig.build()
        for tx in ("on", "off"):
            shell.nsx("c", "ethtool -K c0 tx %s" % tx)
            shell.nsx("s", "ethtool -K s0 tx %s" % tx)
            for rep in range(TCP_REPEATS):
                for fp in ("on", "off"):	# interleaved: the machine's noise hits both
                    rig.vrctl("set-router %s --fast-path %s" % (rig.vr, fp))
                    for fam, dst in TCP_FAMILIES:
                        rx0, fwd0, cp0 = rig.stats()
                        bps, retr = rig.iperf(dst)
                        rx1, fwd1, cp1 = rig.stats()
                        rx, fwd = rx1 - rx0, fwd1 - fwd0
                        w.add({"scenario": "tcp", "family": fam, "tx_offload": tx,
                               "fast_path": fp, "repeat": rep, "seconds": TCP_SECONDS,
                               "gbit_s": round(bps / 1e9, 3), "retransmits": retr,
                               "vr_rx": rx, "vr_fwd": fwd,
                               "xdp_share": round(fwd / rx, 4) if rx else 0,
                               "csum_partial": cp1 - cp0, "load1": load1()})
    finally:
        shell.cleanup()


def tcp_summary(rows):
    out = ["## tcp", "",
           "iperf3 (one TCP stream, %d s, %d repeats, medians) between two namespaces "
           "behind veths through one VR (vrctl load, add-router, sync), everything on "
           "the machine's 2 cores; no generator. The senders' checksum offload on "
           "(CHECKSUM_PARTIAL: the fast path completes each segment's checksum) and off. "
           "XDP share: the VR's frames (data and ACKs) forwarded in XDP, fwd / rx."
           % (TCP_SECONDS, TCP_REPEATS), "",
           "| family | tx offload | fast path on: Gbit/s | XDP share | fast path off: Gbit/s "
           "| XDP share | on / off |", "|---|---|---|---|---|---|---|"]
    for fam, _ in TCP_FAMILIES:
        for tx in ("on", "off"):
            sel = {fp: [r for r in rows if r["family"] == fam and r["tx_offload"] == tx
                        and r["fast_path"] == fp] for fp in ("on", "off")}
            if not sel["on"] or not sel["off"]:
                continue
            g = {fp: median([float(r["gbit_s"]) for r in sel[fp]]) for fp in sel}
            s = {fp: median([float(r["xdp_share"]) for r in sel[fp]]) for fp in sel}
            out.append("| %s | %s | %.2f | %.3f | %.2f | %.3f | %.2fx |"
                       % (fam, tx, g["on"], s["on"], g["off"], s["off"],
                          g["on"] / g["off"] if g["off"] else 0))
    cp = sum(int(r["csum_partial"]) for r in rows)
    out += ["", "Frames left to the kernel for their checksum (csum_partial): %d." % cp, ""]
    return out
