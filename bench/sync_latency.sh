#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# vrctl sync --follow: how long after a change in a VR's namespace the
# fast path sees it.  One process (python, raw netlink) makes each change
# itself in the VR's namespace and times it from just before its request
# to
#   - routes: the host's RTM_NEWROUTE/RTM_DELROUTE notification for the
#     VR's table (the kernel sends it once the route is in the FIB that
#     bpf_fib_lookup reads), IPv4 and IPv6 alternately;
#   - neighbours: the entry appearing in / leaving vr_neigh (polled with
#     the bpf syscall in a tight loop).
# Each change waits for the previous one's mirror, then GAP ms: a normal,
# not a bulk, load.  Prints median, p90, p99 and max per kind.  Not a test.
#
#   bench/sync_latency.sh [--count N] [--gap MS] [-v]   (default 100, 10)
set -u
cd "$(dirname "$0")/.." || exit 1
COUNT=100 GAP=10 VFLAG=
while [ $# -gt 0 ]; do
	case $1 in
	--count) COUNT=$2; shift ;;
	--gap) GAP=$2; shift ;;
	-v) VFLAG=-v ;;
	*) echo "usage: $0 [--count N] [--gap MS] [-v]" >&2; exit 2 ;;
	esac
	shift
done
. tests/lib.sh
. bench/sync_rig.sh
[ -x "$VRCTL" ] || { echo "build first (make)" >&2; exit 1; }
ensure_bpffs
A=$P-a T=1301
vrctl() { nsx dut "$VRCTL" --pin-dir "$PIN_DIR" "$@"; }
die() { echo "sync_latency: $*" >&2; exit 1; }

sync_rig
ID=$(vrctl -j show "$A" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["id"])')
nsenter --net="/run/netns/$P-dut" "$VRCTL" --pin-dir "$PIN_DIR" $VFLAG sync --follow \
	>"$T_TMP/follow.log" 2>&1 &
FPID=$!
for _ in $(seq 100); do [ -n "$(ip -n "$P-dut" route show table $T)" ] && break; sleep 0.05; done
[ -n "$(ip -n "$P-dut" route show table $T)" ] || die "the follower did not start: $(cat "$T_TMP/follow.log")"

nsx dut "$PY" - "$COUNT" "$GAP" "/run/netns/$A" "$T" "$PIN_DIR/vr_neigh" "$ID" \
	"$(ifindex_of a out0)" \
	"$(ifindex_of dut out0)" <<'EOF'
import ctypes, ipaddress, os, platform, select, socket, struct, sys, time

count, gap, vr_ns, table, neigh_pin = int(sys.argv[1]), int(sys.argv[2]) / 1e3, sys.argv[3], int(sys.argv[4]), sys.argv[5]
vr_id, vr_out0, host_out0 = int(sys.argv[6]), int(sys.argv[7]), int(sys.argv[8])
libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000

def nl_socket(groups=0):
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    s.bind((0, groups))
    return s

# A socket in the VR's namespace: setns there, socket(), setns back.
here = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
there = os.open(vr_ns, os.O_RDONLY)
if libc.setns(there, CLONE_NEWNET):
    sys.exit("setns: %s" % os.strerror(ctypes.get_errno()))
vr = nl_socket()
libc.setns(here, CLONE_NEWNET)
host = nl_socket(0x40 | 0x400)		# RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE
host.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)

def attr(t, data):
    n = 4 + len(data)
    return struct.pack("HH", n, t) + data + b"\0" * ((4 - n % 4) % 4)

seq = 0
def request(sock, mtype, flags, body):
    global seq
    seq += 1
    msg = struct.pack("IHHII", 16 + len(body), mtype, flags | 1 | 4, seq, 0) + body	# REQUEST|ACK
    t0 = time.perf_counter_ns()
    sock.send(msg)
    data = sock.recv(65536)
    ln, typ, fl, sq, pid = struct.unpack_from("IHHII", data)
    err = struct.unpack_from("i", data, 16)[0] if typ == 2 else 0
    if err:
        sys.exit("request failed: %s" % os.strerror(-err))
    return t0

def route_body(addr, plen, gw):
    fam = socket.AF_INET6 if addr.version == 6 else socket.AF_INET
    body = struct.pack("BBBBBBBBI", fam, plen, 0, 0, 254, 4, 0, 1, 0)	# main, static, universe, unicast
    return body + attr(1, addr.packed) + attr(5, gw.packed) + attr(4, struct.pack("I", vr_out0))

def wait_route(addr, plen, mtype, deadline=2.0):
    end = time.perf_counter() + deadline
    while True:
        left = end - time.perf_counter()
        if left <= 0 or not select.select([host], [], [], left)[0]:
            return None
        data = host.recv(1 << 20)
        t = time.perf_counter_ns()
        off = 0
        while off + 16 <= len(data):
            ln, typ = struct.unpack_from("IH", data, off)
            if typ == mtype:
                fam, dlen = struct.unpack_from("BB", data, off + 16)
                a = off + 28
                tbl = dst = None
                while a + 4 <= off + ln:
                    alen, atyp = struct.unpack_from("HH", data, a)
                    if alen < 4:
                        break
                    if atyp == 15:
                        tbl = struct.unpack_from("I", data, a + 4)[0]
                    elif atyp == 1:
                        dst = data[a + 4:a + alen]
                    a += (alen + 3) & ~3
                if tbl == table and dlen == plen and dst == addr.packed:
                    return t
            off += (ln + 3) & ~3

# vr_neigh through the bpf syscall
NR_BPF = {"x86_64": 321, "aarch64": 280}[platform.machine()]
def bpf(cmd, attr_bytes):
    buf = ctypes.create_string_buffer(attr_bytes, 128)
    r = libc.syscall(NR_BPF, cmd, buf, 128)
    return r, ctypes.get_errno()
path = ctypes.create_string_buffer(neigh_pin.encode())
map_fd, e = bpf(7, struct.pack("QII", ctypes.addressof(path), 0, 0))	# BPF_OBJ_GET
if map_fd < 0:
    sys.exit("bpf obj get %s: %s" % (neigh_pin, os.strerror(e)))
val = ctypes.create_string_buffer(8)
def neigh_present(addr):
    key = struct.pack("IIB3x", vr_id, host_out0, 2 if addr.version == 4 else 10) + addr.packed.ljust(16, b"\0")
    kb = ctypes.create_string_buffer(key, len(key))
    r, e = bpf(1, struct.pack("IIQQQ", map_fd, 0, ctypes.addressof(kb), ctypes.addressof(val), 0))
    return r == 0

def neigh_body(addr, mac):
    fam = socket.AF_INET6 if addr.version == 6 else socket.AF_INET
    body = struct.pack("BBHiHBB", fam, 0, 0, vr_out0, 0x80, 0, 0)	# NUD_PERMANENT
    return body + attr(1, addr.packed) + attr(2, mac)

def wait_neigh(addr, present, deadline=2.0):
    end = time.perf_counter() + deadline
    while time.perf_counter() < end:
        if neigh_present(addr) == present:
            return time.perf_counter_ns()
        os.sched_yield()	# two cores: leave one to the follower
    return None

lat = {k: [] for k in ("route add", "route del", "neigh add", "neigh del")}
missed = {k: 0 for k in lat}
def record(kind, t0, t1):
    if t1 is None:
        missed[kind] += 1
    else:
        lat[kind].append((t1 - t0) / 1e6)

for i in range(count):
    if i % 2:
        addr, plen, gw = ipaddress.ip_address("2001:2:0:2000::") + (i << 64), 64, ipaddress.ip_address("2001:2:0:10::2")
    else:
        addr, plen, gw = ipaddress.ip_address("198.18.128.0") + (i << 8), 24, ipaddress.ip_address("198.18.10.2")
    t0 = request(vr, 24, 0x400 | 0x200, route_body(addr, plen, gw))		# NEWROUTE, CREATE|EXCL
    record("route add", t0, wait_route(addr, plen, 24))
    time.sleep(gap)
    t0 = request(vr, 25, 0, route_body(addr, plen, gw))			# DELROUTE
    record("route del", t0, wait_route(addr, plen, 25))
    time.sleep(gap)
    n = ipaddress.ip_address("198.18.10.100") + i if i % 2 == 0 else ipaddress.ip_address("2001:2:0:10::1000") + i
    t0 = request(vr, 28, 0x400 | 0x100, neigh_body(n, bytes([2, 0, 0, 0x99, i >> 8 & 255, i & 255])))	# NEWNEIGH, CREATE|REPLACE
    record("neigh add", t0, wait_neigh(n, True))
    time.sleep(gap)
    t0 = request(vr, 29, 0, neigh_body(n, b"\0" * 6))			# DELNEIGH
    record("neigh del", t0, wait_neigh(n, False))
    time.sleep(gap)

def pct(v, p):
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]
print("%-10s %5s %9s %9s %9s %9s  (ms, from the VR's request to the fast path's view)" %
      ("change", "n", "median", "p90", "p99", "max"))
for k, v in lat.items():
    v.sort()
    if v:
        print("%-10s %5d %9.3f %9.3f %9.3f %9.3f%s" % (k, len(v), pct(v, 50), pct(v, 90), pct(v, 99), v[-1],
              "  (%d not seen within 2 s)" % missed[k] if missed[k] else ""))
    else:
        print("%-10s none seen" % k)
EOF
rc=$?
echo "load average during the run (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
kill -TERM $FPID 2>/dev/null
wait $FPID 2>/dev/null
exit $rc
