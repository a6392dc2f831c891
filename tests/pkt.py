#!/usr/bin/python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Frames for the namespace tests: send real frames, capture them, and
compare what came out with what went in, byte by byte.

  pkt.py send IFACE SPEC...
      Build one Ethernet/IPv4|IPv6/UDP frame per SPEC with scapy, send them
      in order on IFACE and print each frame's bytes as one hex line.
      SPEC is key=value,... with keys dmac smac src dst ttl sport dport data
      (src/dst IPv4 or IPv6; ttl is the hop limit for IPv6; data is the UDP
      payload, padded with '.' to 32 bytes).
  pkt.py capture IFACE --ready FILE --stop DATA [--timeout S]
      Print every UDP frame received on IFACE as one hex line until one
      whose payload starts with DATA has arrived (it is printed too), or
      until the timeout (exit 3).  FILE is created once the socket is bound:
      frames arriving after that are seen.
  pkt.py expect-fwd SENT_HEX RECV_FILE DMAC SMAC
      The frame in RECV_FILE with SENT_HEX's IP payload must be SENT_HEX
      forwarded by a router: exactly once, MACs DMAC/SMAC, TTL/hop limit
      one less, IPv4 checksum right, every other byte unchanged.
  pkt.py expect-none SENT_HEX RECV_FILE
      No frame in RECV_FILE carries SENT_HEX's IP payload.

Capture uses a plain AF_PACKET socket rather than a scapy sniffer: it is
ready as soon as bind() returns, keeps the exact bytes, and starts fast.
Exit status 0 means the check held; what differed is printed on stdout.
"""
import os
import socket
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
PAYLOAD_LEN = 32


def die(msg):
    print("pkt.py: " + msg, file=sys.stderr)
    sys.exit(1)


def parse_spec(spec):
    keys = {"dmac", "smac", "src", "dst", "ttl", "sport", "dport", "data"}
    d = {}
    for item in spec.split(","):
        k, sep, v = item.partition("=")
        if not sep or k not in keys or k in d:
            die("bad frame spec item '%s' in '%s'" % (item, spec))
        d[k] = v
    missing = {"dmac", "smac", "src", "dst"} - d.keys()
    if missing:
        die("frame spec '%s' lacks %s" % (spec, ",".join(sorted(missing))))
    return d


def cmd_send(iface, specs):
    from scapy.all import IP, UDP, Ether, IPv6, Raw, conf, sendp
    conf.verb = 0
    frames = []
    for spec in specs:
        d = parse_spec(spec)
        ttl = int(d.get("ttl", "64"))
        if ":" in d["dst"]:
            l3 = IPv6(src=d["src"], dst=d["dst"], hlim=ttl)
        else:
            l3 = IP(src=d["src"], dst=d["dst"], ttl=ttl)
        data = d.get("data", "vrouter").encode().ljust(PAYLOAD_LEN, b".")
        f = (Ether(dst=d["dmac"], src=d["smac"]) / l3 /
             UDP(sport=int(d.get("sport", "1024")),
                 dport=int(d.get("dport", "9"))) / Raw(data))
        frames.append(bytes(f))        # checksums computed here, once
    sendp([Ether(f) for f in frames], iface=iface)
    for f in frames:
        print(f.hex())


def udp_payload(frame):
    """UDP payload of an Ethernet/IPv4|IPv6/UDP frame, else None."""
    if len(frame) < 14:
        return None
    et = frame[12:14]
    if et == b"\x08\x00" and len(frame) >= 34 and frame[23] == 17:
        off = 14 + (frame[14] & 0x0F) * 4
    elif et == b"\x86\xdd" and len(frame) >= 54 and frame[20] == 17:
        off = 54
    else:
        return None
    return frame[off + 8:] if len(frame) >= off + 8 else None


def cmd_capture(iface, ready, stop, timeout):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    s.bind((iface, ETH_P_ALL))
    # The socket saw every interface until bind(): drop what it queued.
    s.setblocking(False)
    try:
        while True:
            s.recv(65535)
    except BlockingIOError:
        pass
    s.setblocking(True)
    with open(ready, "w"):
        pass
    stop = stop.encode()
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            sys.stdout.flush()
            sys.exit(3)
        s.settimeout(left)
        try:
            frame, addr = s.recvfrom(65535)
        except socket.timeout:
            continue
        if addr[0] != iface or addr[2] == PACKET_OUTGOING:
            continue
        data = udp_payload(frame)
        if data is None:
            continue
        print(frame.hex(), flush=True)
        if data.startswith(stop):
            return


def ip_payload_off(frame):
    return 34 if frame[12:14] == b"\x08\x00" else 54


def find(sent, recv_file):
    off = ip_payload_off(sent)
    with open(recv_file) as f:
        frames = [bytes.fromhex(line.strip()) for line in f if line.strip()]
    return [r for r in frames if len(r) > off and r[off:] == sent[off:]]


def ipv4_csum(hdr):
    s = 0
    for i in range(0, len(hdr), 2):
        s += (hdr[i] << 8) | hdr[i + 1]
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def mac(text):
    b = bytes.fromhex(text.replace(":", ""))
    if len(b) != 6:
        die("bad MAC '%s'" % text)
    return b


def cmd_expect_fwd(sent_hex, recv_file, dmac, smac):
    sent = bytes.fromhex(sent_hex)
    found = find(sent, recv_file)
    if len(found) != 1:
        print("frame received %d times, expected once" % len(found))
        return 1
    r = found[0]
    errs = []

    def same(name, a, b):
        if r[a:b] != sent[a:b]:
            errs.append("%s changed: %s -> %s" %
                        (name, sent[a:b].hex(), r[a:b].hex()))

    if len(r) != len(sent):
        errs.append("length %d, sent %d" % (len(r), len(sent)))
    if r[0:6] != mac(dmac):
        errs.append("dst MAC %s, expected %s" % (r[0:6].hex(":"), dmac))
    if r[6:12] != mac(smac):
        errs.append("src MAC %s, expected %s" % (r[6:12].hex(":"), smac))
    same("ethertype", 12, 14)
    if sent[12:14] == b"\x08\x00":
        same("IPv4 header before TTL", 14, 22)
        if r[22] != sent[22] - 1:
            errs.append("TTL %d, sent %d" % (r[22], sent[22]))
        same("IPv4 protocol", 23, 24)
        same("IPv4 addresses", 26, 34)
        if ipv4_csum(r[14:34]) != 0xFFFF:
            errs.append("IPv4 header checksum invalid")
        hdr = bytearray(r[14:34])
        hdr[10:12] = b"\0\0"
        want = ~ipv4_csum(hdr) & 0xFFFF
        if r[24:26] != want.to_bytes(2, "big"):
            errs.append("IPv4 checksum %s, recomputed %04x" %
                        (r[24:26].hex(), want))
        same("UDP header and payload", 34, len(sent))
    else:
        same("IPv6 header before hop limit", 14, 21)
        if r[21] != sent[21] - 1:
            errs.append("hop limit %d, sent %d" % (r[21], sent[21]))
        same("IPv6 addresses", 22, 54)
        same("UDP header and payload", 54, len(sent))
    for e in errs:
        print(e)
    return 1 if errs else 0


def cmd_expect_none(sent_hex, recv_file):
    n = len(find(bytes.fromhex(sent_hex), recv_file))
    if n:
        print("frame received %d times, expected never" % n)
    return 1 if n else 0


def main(argv):
    if len(argv) >= 3 and argv[0] == "send":
        return cmd_send(argv[1], argv[2:])
    if len(argv) in (6, 8) and argv[0] == "capture" and \
            argv[2] == "--ready" and argv[4] == "--stop" and \
            (len(argv) == 6 or argv[6] == "--timeout"):
        timeout = float(argv[7]) if len(argv) == 8 else 10.0
        return cmd_capture(argv[1], argv[3], argv[5], timeout)
    if len(argv) == 5 and argv[0] == "expect-fwd":
        return cmd_expect_fwd(*argv[1:])
    if len(argv) == 3 and argv[0] == "expect-none":
        return cmd_expect_none(*argv[1:])
    die("usage: see the header of " + os.path.abspath(__file__))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]) or 0)
