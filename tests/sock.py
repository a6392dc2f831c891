#!/usr/bin/python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Real sockets for the tests: UDP and TCP through the kernel's own
stacks (checksums, offloads, fragmentation as a user's program gets them),
every byte checked at the other end.

  sock.py udp-recv ADDR PORT COUNT READY TIMEOUT  prints the datagrams received intact
  sock.py udp-send ADDR PORT COUNT SIZE           COUNT datagrams of SIZE bytes
  sock.py tcp-echo ADDR PORT READY TIMEOUT        echoes one connection
  sock.py tcp-client ADDR PORT ROUNDS SIZE        prints "ok BYTES" if all came back
"""
import socket
import sys
import time


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def pattern(i, size):
    head = b"vrt-%08d-" % i
    return (head * (size // len(head) + 1))[:size]


def ready(path):
    open(path, "w").close()


def udp_recv(addr, port, count, readyf, timeout):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.bind((addr, int(port)))
    s.settimeout(0.5)
    ready(readyf)
    good, seen, end = 0, set(), time.time() + float(timeout)
    while good < int(count) and time.time() < end:
        try:
            data = s.recv(65536)
        except socket.timeout:
            continue
        i = int(data[4:12]) if data[:4] == b"vrt-" else -1
        if i >= 0 and i not in seen and data == pattern(i, len(data)):
            seen.add(i)
            good += 1
    print(good)


def udp_send(addr, port, count, size):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    for i in range(int(count)):
        s.sendto(pattern(i, int(size)), (addr, int(port)))
        time.sleep(0.002)


def tcp_echo(addr, port, readyf, timeout):
    s = socket.socket(family(addr), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, int(port)))
    s.listen(1)
    s.settimeout(float(timeout))
    ready(readyf)
    c, _ = s.accept()
    c.settimeout(float(timeout))
    while True:
        data = c.recv(65536)
        if not data:
            break
        c.sendall(data)
    c.close()


def tcp_client(addr, port, rounds, size):
    c = socket.create_connection((addr, int(port)), timeout=5)
    total = 0
    for i in range(int(rounds)):
        out = pattern(i, int(size))
        c.sendall(out)
        back = b""
        while len(back) < len(out):
            data = c.recv(65536)
            if not data:
                break
            back += data
        if back != out:
            print("round %d: %d bytes back, differ" % (i, len(back)))
            return 1
        total += len(back)
    c.close()
    print("ok %d" % total)
    return 0


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    try:
        if cmd == "udp-recv":
            udp_recv(*args)
        elif cmd == "udp-send":
            udp_send(*args)
        elif cmd == "tcp-echo":
            tcp_echo(*args)
        elif cmd == "tcp-client":
            return tcp_client(*args)
        else:
            print("sock.py: unknown command %s" % cmd, file=sys.stderr)
            return 2
    except OSError as e:
        print("sock.py %s: %s" % (cmd, e), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
