#!/usr/bin/python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Frames captured from bench/trafficgen (tests/pkt.py capture, one hex
line each), held to the options it ran with, frame by frame: the n-th
generator frame must be exactly what the program builds for sequence
number n (addresses, ports, flow id, destination MAC, lengths,
checksums, TTL), and there must be COUNT of them.

  tg_frames.py FILE COUNT key=value...
      smac dmac src dst (required); ttl sport dport flows dests step
      macs weights (3,1) size

Prints what differs and exits 1, or exits 0.
"""
import ipaddress
import struct
import sys

MAGIC = 0xBE4C


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def mac_bytes(text):
    return bytes(int(x, 16) for x in text.split(":"))


def mac_pattern(weights):
    """trafficgen's smooth weighted round robin: MAC index per frame."""
    cur, out, total = [0] * len(weights), [], sum(weights)
    for _ in range(total):
        best = -1
        for j, w in enumerate(weights):
            cur[j] += w
            if best < 0 or cur[j] > cur[best]:
                best = j
        cur[best] -= total
        out.append(best)
    return out


class Spec:
    def __init__(self, args):
        kv = dict(a.split("=", 1) for a in args)
        self.smac, self.dmac = mac_bytes(kv["smac"]), mac_bytes(kv["dmac"])
        self.src, self.dst = ipaddress.ip_address(kv["src"]), ipaddress.ip_address(kv["dst"])
        self.v6 = self.dst.version == 6
        self.ttl = int(kv.get("ttl", 64))
        self.sport, self.dport = int(kv.get("sport", 9000)), int(kv.get("dport", 9))
        self.flows, self.dests = int(kv.get("flows", 1)), int(kv.get("dests", 1))
        self.step = int(kv.get("step", 1))
        self.nflow = min(max(self.flows, self.dests), 1024)
        w = [int(x) for x in kv["weights"].split(",")] if "weights" in kv else None
        macs = int(kv.get("macs", 1))
        self.pat = mac_pattern(w) if w else list(range(macs))
        self.len = int(kv.get("size", 80 if self.v6 else 64)) - 4

    def dmac_of(self, n):
        lo = (self.dmac[4] << 8 | self.dmac[5]) + self.pat[n % len(self.pat)]
        return self.dmac[:4] + struct.pack("!H", lo & 0xFFFF)

    def daddr_of(self, n):
        low = int(self.dst) & 0xFFFFFFFF
        low = (low + (n % self.dests) * self.step) & 0xFFFFFFFF
        return (int(self.dst) & ~0xFFFFFFFF | low).to_bytes(16 if self.v6 else 4, "big")


def check_ip4(s, n, f, errs):
    ip = f[14:34]
    if csum(ip) != 0xFFFF:
        errs.append("IPv4 header checksum")
    ver, tot, ttl, proto = ip[0], struct.unpack("!H", ip[2:4])[0], ip[8], ip[9]
    if (ver, tot, ttl, proto) != (0x45, s.len - 14, s.ttl, 17):
        errs.append("IPv4 version/length/ttl/protocol %x/%d/%d/%d" % (ver, tot, ttl, proto))
    if ip[12:16] != s.src.packed or ip[16:20] != s.daddr_of(n):
        errs.append("addresses %s > %s" % (ipaddress.ip_address(ip[12:16]),
                                           ipaddress.ip_address(ip[16:20])))
    return 34


def check_ip6(s, n, f, errs):
    ip = f[14:54]
    plen, nh, hl = struct.unpack("!H", ip[4:6])[0], ip[6], ip[7]
    if (ip[0] >> 4, plen, nh, hl) != (6, s.len - 54, 17, s.ttl):
        errs.append("IPv6 version/length/next header/hop limit")
    if ip[8:24] != s.src.packed or ip[24:40] != s.daddr_of(n):
        errs.append("addresses %s > %s" % (ipaddress.ip_address(ip[8:24]),
                                           ipaddress.ip_address(ip[24:40])))
    pseudo = ip[8:40] + struct.pack("!IxxxB", plen, 17)
    if csum(pseudo + f[54:14 + 40 + plen]) != 0xFFFF:
        errs.append("UDP checksum")
    return 54


def check(s, n, f):
    """What is wrong with F as the generator's frame number N."""
    errs = []
    if len(f) != s.len:
        return ["length %d, not %d" % (len(f), s.len)]
    if f[0:6] != s.dmac_of(n) or f[6:12] != s.smac:
        errs.append("MACs %s < %s" % (f[0:6].hex(":"), f[6:12].hex(":")))
    if f[12:14] != (b"\x86\xdd" if s.v6 else b"\x08\x00"):
        return errs + ["EtherType %s" % f[12:14].hex()]
    off = check_ip6(s, n, f, errs) if s.v6 else check_ip4(s, n, f, errs)
    sport, dport, ulen = struct.unpack("!HHH", f[off:off + 6])
    if (sport, dport, ulen) != (s.sport + n % s.flows, s.dport, s.len - off):
        errs.append("UDP ports/length %d/%d/%d" % (sport, dport, ulen))
    magic, flow = struct.unpack("<HH", f[off + 8:off + 12])
    if magic != MAGIC or flow != n % s.nflow:
        errs.append("payload magic/flow %x/%d" % (magic, flow))
    return errs


def main(argv):
    path, count, s = argv[1], int(argv[2]), Spec(argv[3:])
    frames = [bytes.fromhex(l) for l in open(path).read().split()]
    # ours: the payload's magic where the generator puts it (the stop
    # frame that ends the capture is not)
    off = 62 if s.v6 else 42
    ours = [f for f in frames if len(f) >= off + 2 and
            struct.unpack("<H", f[off:off + 2])[0] == MAGIC]
    bad = 0
    for n, f in enumerate(ours):
        errs = check(s, n, f)
        if errs and bad < 5:
            print("frame %d: %s" % (n, "; ".join(errs)))
        bad += bool(errs)
    stamps = [struct.unpack("<Q", f[off + 4:off + 12])[0] for f in ours]
    if any(b < a for a, b in zip(stamps, stamps[1:])):
        print("timestamps not in order")
        bad += 1
    if len(ours) != count:
        print("%d generator frames captured, not %d" % (len(ours), count))
    return 1 if bad or len(ours) != count else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
