#!/usr/bin/python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""What a tenant tries with rtnetlink from inside its VR: requests that
name another namespace (the host's, another VR's) by a namespace id or a
namespace file, raw, without ip(8)'s help (tests/cases/88-confinement.sh).

  nlattack.py nsid PATH                 the id the VR gives the namespace of
                                        PATH (RTM_NEWNSID if it has none)
  nlattack.py dump TARGET               the links of TARGET (IFLA_TARGET_NETNSID)
  nlattack.py vxlan TARGET NAME         a vxlan NAME created in TARGET, up
  nlattack.py macvlan TARGET IFINDEX NAME
                                        a macvlan NAME here on TARGET's link
                                        IFINDEX (IFLA_LINK_NETNSID)
  nlattack.py netns-fd PATH NAME        a veth pair: NAME in the namespace of
                                        PATH (IFLA_NET_NS_FD), its peer NAME-p here
  nlattack.py delete TARGET IFINDEX     delete TARGET's link IFINDEX

TARGET is a namespace id (as `ip netns list-id` shows).  Prints what it
did ("dumped N links: ..."), or the kernel's refusal ("refused: EPERM"),
exit status 0 if the kernel did it, 1 if it refused, 2 on a usage error.
"""
import errno
import os
import socket
import struct
import sys

NETLINK_ROUTE = 0
RTM_NEWLINK, RTM_DELLINK, RTM_GETLINK = 16, 17, 18
RTM_NEWNSID, RTM_GETNSID = 88, 90
NLM_F_REQUEST, NLM_F_ACK, NLM_F_EXCL, NLM_F_CREATE, NLM_F_DUMP = 1, 4, 0x200, 0x400, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
IFLA_IFNAME, IFLA_LINK, IFLA_LINKINFO = 3, 5, 18
IFLA_NET_NS_FD, IFLA_LINK_NETNSID, IFLA_TARGET_NETNSID = 28, 37, 46
IFLA_INFO_KIND, IFLA_INFO_DATA = 1, 2
IFLA_VXLAN_ID, IFLA_VXLAN_PORT = 1, 15
IFLA_MACVLAN_MODE, MACVLAN_MODE_SOURCE = 1, 16
VETH_INFO_PEER = 1
NETNSA_NSID, NETNSA_FD = 1, 3
IFF_UP = 1


def attr(atype, payload):
    n = 4 + len(payload)
    return struct.pack("=HH", n, atype) + payload + b"\0" * ((4 - n % 4) % 4)


def u32(atype, v):
    return attr(atype, struct.pack("=I", v))


def s32(atype, v):
    return attr(atype, struct.pack("=i", v))


def strz(atype, s):
    return attr(atype, s.encode() + b"\0")


def ifinfo(index=0, flags=0, change=0):
    return struct.pack("=BxHiII", 0, 0, index, flags, change)


def attrs(buf):
    """(type, payload) of each attribute in BUF."""
    out, off = [], 0
    while off + 4 <= len(buf):
        n, t = struct.unpack_from("=HH", buf, off)
        if n < 4:
            break
        out.append((t & 0x3FFF, buf[off + 4:off + n]))
        off += (n + 3) & ~3
    return out


class Refused(Exception):
    pass


def request(mtype, flags, body):
    """Send one request; the replies' payloads (a dump's), or Refused(errno)."""
    sk = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
    sk.bind((0, 0))
    msg = struct.pack("=IHHII", 16 + len(body), mtype, NLM_F_REQUEST | flags, 1, 0) + body
    sk.send(msg)
    out = []
    while True:
        data = sk.recv(1 << 16)
        off = 0
        while off + 16 <= len(data):
            n, t, _, _, _ = struct.unpack_from("=IHHII", data, off)
            payload = data[off + 16:off + n]
            off += (n + 3) & ~3
            if t == NLMSG_DONE:
                # a dump's error comes in its DONE message
                if len(payload) >= 4 and struct.unpack_from("=i", payload)[0] < 0:
                    raise Refused(-struct.unpack_from("=i", payload)[0])
                return out
            if t == NLMSG_ERROR:
                err = struct.unpack_from("=i", payload)[0]
                if err:
                    raise Refused(-err)
                return out
            out.append((t, payload))
        if not flags & NLM_F_DUMP and not flags & NLM_F_ACK:
            return out


def vxlan_info():
    data = u32(IFLA_VXLAN_ID, 42) + attr(IFLA_VXLAN_PORT, struct.pack("!H", 4789))
    return attr(IFLA_LINKINFO, strz(IFLA_INFO_KIND, "vxlan") + attr(IFLA_INFO_DATA, data))


def do_nsid(path):
    fd = os.open(path, os.O_RDONLY)
    body = struct.pack("=Bxxx", 0) + u32(NETNSA_FD, fd)
    for _, p in request(RTM_GETNSID, NLM_F_ACK, body):
        for t, v in attrs(p[4:]):
            if t == NETNSA_NSID and struct.unpack("=i", v)[0] >= 0:
                return "nsid %d (already assigned)" % struct.unpack("=i", v)[0]
    request(RTM_NEWNSID, NLM_F_ACK, struct.pack("=Bxxx", 0) + u32(NETNSA_FD, fd) + s32(NETNSA_NSID, -1))
    for _, p in request(RTM_GETNSID, NLM_F_ACK, body):
        for t, v in attrs(p[4:]):
            if t == NETNSA_NSID:
                return "nsid %d (assigned now)" % struct.unpack("=i", v)[0]
    return "no nsid"


def do_dump(target):
    names = []
    for t, p in request(RTM_GETLINK, NLM_F_DUMP, ifinfo() + s32(IFLA_TARGET_NETNSID, target)):
        if t == RTM_NEWLINK:
            idx = struct.unpack_from("=i", p, 4)[0]
            for a, v in attrs(p[16:]):
                if a == IFLA_IFNAME:
                    names.append("%d:%s" % (idx, v.rstrip(b"\0").decode()))
    return "dumped %d links: %s" % (len(names), " ".join(names))


def do_vxlan(target, name):
    body = ifinfo(flags=IFF_UP, change=IFF_UP) + strz(IFLA_IFNAME, name) + \
        s32(IFLA_TARGET_NETNSID, target) + vxlan_info()
    request(RTM_NEWLINK, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, body)
    return "vxlan %s created in nsid %d" % (name, target)


def do_macvlan(target, ifindex, name):
    info = attr(IFLA_LINKINFO, strz(IFLA_INFO_KIND, "macvlan") +
                attr(IFLA_INFO_DATA, u32(IFLA_MACVLAN_MODE, MACVLAN_MODE_SOURCE)))
    body = ifinfo() + strz(IFLA_IFNAME, name) + u32(IFLA_LINK, ifindex) + \
        s32(IFLA_LINK_NETNSID, target) + info
    request(RTM_NEWLINK, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, body)
    return "macvlan %s created on link %d of nsid %d" % (name, ifindex, target)


def do_netns_fd(path, name):
    fd = os.open(path, os.O_RDONLY)
    peer = attr(VETH_INFO_PEER, ifinfo() + strz(IFLA_IFNAME, name + "-p"))
    info = attr(IFLA_LINKINFO, strz(IFLA_INFO_KIND, "veth") + attr(IFLA_INFO_DATA, peer))
    body = ifinfo() + strz(IFLA_IFNAME, name) + u32(IFLA_NET_NS_FD, fd) + info
    request(RTM_NEWLINK, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, body)
    return "veth %s created in the namespace of %s, its peer %s-p here" % (name, path, name)


def do_delete(target, ifindex):
    request(RTM_DELLINK, NLM_F_ACK, ifinfo(index=ifindex) + s32(IFLA_TARGET_NETNSID, target))
    return "link %d of nsid %d deleted" % (ifindex, target)


def main(argv):
    cmds = {
        "nsid": (1, lambda a: do_nsid(a[0])),
        "dump": (1, lambda a: do_dump(int(a[0]))),
        "vxlan": (2, lambda a: do_vxlan(int(a[0]), a[1])),
        "macvlan": (3, lambda a: do_macvlan(int(a[0]), int(a[1]), a[2])),
        "netns-fd": (2, lambda a: do_netns_fd(a[0], a[1])),
        "delete": (2, lambda a: do_delete(int(a[0]), int(a[1]))),
    }
    if len(argv) < 2 or argv[1] not in cmds or len(argv) - 2 != cmds[argv[1]][0]:
        sys.stderr.write(__doc__)
        return 2
    try:
        print(cmds[argv[1]][1](argv[2:]))
    except Refused as e:
        print("refused: %s" % errno.errorcode.get(e.args[0], e.args[0]))
        return 1
    except OSError as e:
        print("refused: %s (%s)" % (errno.errorcode.get(e.errno, e.errno), e.strerror))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
