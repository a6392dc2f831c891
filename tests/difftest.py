#!/usr/bin/python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The differential test of tests/cases/58-differential.sh: random VR
configurations and random frames, the VR's kernel as the oracle.

  difftest.py config SEED MAC0 MAC1
                                 ip -batch lines for the VR: routes, and
                                 neighbours .3 on each sink's link (MAC0,
                                 MAC1) in a random NUD state
  difftest.py frames SEED N DMAC SMAC
                                 pkt.py frame specs, one per line, each
                                 tagged dNNNNN in its payload
  difftest.py compare ON_S0 ON_S1 OFF_S0 OFF_S1 N
                                 what arrived at each sink per tag with the
                                 fast path on and off: equal, byte for byte?

The VR (set up by the case) has out0 -> s0 (198.18.10.2, 2001:2:0:10::2)
and out1 -> s1 (198.18.11.2, 2001:2:0:11::2) with permanent neighbours,
so both paths know every next hop without resolving it.
"""
import ipaddress
import random
import sys

HOPS = {4: [("198.18.10.2", "out0"), ("198.18.11.2", "out1")],
        6: [("2001:2:0:10::2", "out0"), ("2001:2:0:11::2", "out1")]}
KINDS = ["via0", "via1", "multipath", "blackhole", "unreachable", "prohibit",
         "throw", "nh", "nhgroup", "mtu", "via3"]
# The fast path mirrors reachable, stale, delay, probe and permanent
# neighbours and leaves noarp ones to the kernel, which uses them too.
NUD = ["permanent", "reachable", "stale", "delay", "probe", "noarp"]


def prefixes(rng):
    """Nested and disjoint prefixes, IPv4 in 198.19/16, IPv6 in 2001:2:0:100::/56."""
    out = []
    for _ in range(40):
        if rng.random() < 0.6:
            plen = rng.choice([16, 20, 24, 25, 28, 32])
            a = ipaddress.ip_address("198.19.%d.%d" % (rng.randrange(4), rng.randrange(256)))
            out.append((4, str(ipaddress.ip_network("%s/%d" % (a, plen), strict=False))))
        else:
            plen = rng.choice([56, 60, 64, 72, 128])
            a = ipaddress.ip_address("2001:2:0:1%02x::%x" % (rng.randrange(16), rng.randrange(1, 16)))
            out.append((6, str(ipaddress.ip_network("%s/%d" % (a, plen), strict=False))))
    return list(dict.fromkeys(out))


def cmd_config(seed, macs):
    rng = random.Random(seed)
    nh = 10
    third = {4: ["198.18.10.3", "198.18.11.3"], 6: ["2001:2:0:10::3", "2001:2:0:11::3"]}
    for fam in (4, 6):
        for k in (0, 1):
            print("neigh add %s lladdr %s dev out%d nud %s"
                  % (third[fam][k], macs[k], k, rng.choice(NUD)))
    if seed % 4 == 3:	# policy routing: the fast path off, the kernel alone
        print("rule add from 198.18.1.0/24 table 100 prio 100")
    for fam, p in prefixes(rng):
        kind = rng.choice(KINDS)
        f = ""
        (g0, d0), (g1, d1) = HOPS[fam]
        if kind == "via3":
            k = rng.randrange(2)
            print("%sroute add %s via %s dev out%d" % (f, p, third[fam][k], k))
        elif kind in ("via0", "via1", "mtu"):
            g, d = (g0, d0) if kind != "via1" else (g1, d1)
            extra = " mtu %d" % rng.choice([1280, 1300, 1400]) if kind == "mtu" else ""
            print("%sroute add %s via %s dev %s%s" % (f, p, g, d, extra))
        elif kind == "multipath":
            print("%sroute add %s nexthop via %s dev %s nexthop via %s dev %s"
                  % (f, p, g0, d0, g1, d1))
        elif kind in ("nh", "nhgroup"):
            print("nexthop add id %d via %s dev %s" % (nh, g0, d0))
            print("nexthop add id %d via %s dev %s" % (nh + 1, g1, d1))
            if kind == "nhgroup":
                print("nexthop add id %d group %d/%d" % (nh + 2, nh, nh + 1))
                print("%sroute add %s nhid %d" % (f, p, nh + 2))
            else:
                print("%sroute add %s nhid %d" % (f, p, nh + 1))
            nh += 3
        else:
            print("%sroute add %s %s" % (f, kind, p) if kind != "throw"
                  else "%sroute add throw %s" % (f, p))


def host_in(rng, fam, p):
    net = ipaddress.ip_network(p, strict=False)
    n = net.num_addresses
    return str(net.network_address + rng.randrange(n if n < 1 << 32 else 1 << 32))


def cmd_frames(seed, n, dmac, smac):
    rng = random.Random(seed * 7919 + 1)
    pfx = prefixes(random.Random(seed))
    for i in range(n):
        fam, p = rng.choice(pfx)
        dst = host_in(rng, fam, p) if rng.random() < 0.9 else \
            ("198.19.%d.%d" % (rng.randrange(256), rng.randrange(256)) if fam == 4
             else "2001:2:0:1%02x::%x" % (rng.randrange(256), rng.randrange(1, 99)))
        src = "198.18.1.2" if fam == 4 else "2001:2:0:1::2"
        ttl = rng.choice([1, 2, 64, 64, 64])
        size = rng.choice([32, 32, 200, 1000, 1360, 1420, 1452])
        data = ("d%05d" % i).ljust(size, "x")
        print("dmac=%s,smac=%s,src=%s,dst=%s,ttl=%d,sport=%d,dport=%d,data=%s"
              % (dmac, smac, src, dst, ttl, rng.randrange(1024, 65535),
                 rng.randrange(1, 65535), data))


def arrivals(files):
    got = {}
    for sink, path in files:
        for line in open(path):
            f = bytes.fromhex(line.strip())
            k = f.find(b"d0")
            if k < 0 or f[k:k + 6] in (b"d0stop",):
                continue
            tag = f[k:k + 6].decode(errors="replace")
            got.setdefault(tag, []).append((sink, f.hex()))
    return got


def cmd_compare(on0, on1, off0, off1, n):
    on = arrivals([("s0", on0), ("s1", on1)])
    off = arrivals([("s0", off0), ("s1", off1)])
    bad = [t for t in sorted(set(on) | set(off)) if sorted(on.get(t, [])) != sorted(off.get(t, []))]
    fwd = sum(1 for t in on)
    print("# %d frames: %d forwarded with the fast path on, %d with it off, %d disagree"
          % (n, fwd, len(off), len(bad)))
    for t in bad[:10]:
        print("# %s: fast path on %s, off %s" % (t, [s for s, _ in on.get(t, [])],
                                                  [s for s, _ in off.get(t, [])]))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    a = sys.argv[1:]
    if a[:1] == ["config"]:
        cmd_config(int(a[1]), a[2:4])
    elif a[:1] == ["frames"]:
        cmd_frames(int(a[1]), int(a[2]), a[3], a[4])
    elif a[:1] == ["compare"]:
        cmd_compare(a[1], a[2], a[3], a[4], int(a[5]))
    else:
        sys.exit(__doc__)
