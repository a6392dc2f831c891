#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Real sockets through the fast path: UDP datagrams, a TCP connection with
# an echo, an iperf3 bulk transfer and UDP datagrams larger than the MTU
# (fragments), IPv4 and IPv6, with the senders behind veths that leave
# TCP/UDP checksums to offload (ethtool tx on: CHECKSUM_PARTIAL, the field
# holds the pseudo-header sum) and that do not (tx off).  Each is run with
# the VR's fast path on and off: the same must arrive, and with it on the
# counters show the frames went through XDP (fwd) and none was left for
# the kernel for its checksum (csum_partial).
#
#   c:c0 == dut:in0 [vrctl load in0 out0; VR A] dut:out0 == s:s0
#
# A: in0 198.18.1.1/24 2001:2:0:1::1/64, out0 198.19.0.1/16 2001:2:0:2::1/64;
# client c0 198.18.1.2 / 2001:2:0:1::2, server s0 198.19.0.5 / 2001:2:0:2::5.
# plan: 50
. "$(dirname "$0")/../lib.sh"

A=$P-a A_MAC=02:00:00:00:0a:01
SOCK=("$PY" "$TOP/tests/sock.py")
vrctl() { nsx dut "$VRCTL" --pin-dir "$PIN_DIR" "$@"; }
st() {	# st fwd|rx|REASON: packets of A
	vrctl -j stats "$A" | "$PY" -c '
import json, sys
r = json.load(sys.stdin)["routers"][0]
k = sys.argv[1]
print(r[k]["packets"] if k in ("rx", "fwd") else r["pass"][k]["packets"])' "$1"
}
# csum_errors NS: the namespace's TCP and UDP checksum errors, IPv4 and IPv6
csum_errors() {
	nsx "$1" cat /proc/net/snmp /proc/net/snmp6 | "$PY" -c '
import sys
lines = sys.stdin.read().split("\n")
n = 0
for i, l in enumerate(lines):
    w = l.split()
    if w and w[0] in ("Tcp:", "Udp:") and i + 1 < len(lines) and "InCsumErrors" in w:
        n += int(lines[i + 1].split()[w.index("InCsumErrors")])
    elif len(w) == 2 and w[0] in ("Udp6InCsumErrors", "UdpLite6InCsumErrors"):
        n += int(w[1])
print(n)'
}

[ -x "$VRCTL" ] || fatal "$VRCTL not built (make)"
command -v iperf3 >/dev/null || fatal "iperf3 not installed (make deps)"
ensure_bpffs

# --- topology ------------------------------------------------------------------
for n in c dut s; do setup "namespace $n" ns_add $n; done
setup "veth c:c0 <-> dut:in0" veth_add c c0 dut in0
setup "veth dut:out0 <-> s:s0" veth_add dut out0 s s0
# NAPI on the peers of redirect targets (docs/design.md).
setup "GRO on c0 and s0" eval "nsx c ethtool -K c0 gro on && nsx s ethtool -K s0 gro on"
setup "dut forwarding" nsx dut sysctl -qw net.ipv4.conf.all.forwarding=1 \
	net.ipv6.conf.all.forwarding=1
setup "vrctl load in0 out0" vrctl load in0 out0
setup "add-router $A" vrctl add-router "$A" --mac $A_MAC
C0=$(mac_of c c0) S0=$(mac_of s s0)
setup "addresses, routes, neighbours" eval "
	vx $A sysctl -qw net.ipv4.conf.all.forwarding=1 net.ipv6.conf.all.forwarding=1 &&
	ip -n $A addr add 198.18.1.1/24 dev in0 && ip -n $A addr add 198.19.0.1/16 dev out0 &&
	ip -n $A addr add 2001:2:0:1::1/64 dev in0 nodad &&
	ip -n $A addr add 2001:2:0:2::1/64 dev out0 nodad &&
	ip -n $A neigh replace 198.18.1.2 lladdr $C0 dev in0 nud permanent &&
	ip -n $A neigh replace 198.19.0.5 lladdr $S0 dev out0 nud permanent &&
	ip -n $A neigh replace 2001:2:0:1::2 lladdr $C0 dev in0 nud permanent &&
	ip -n $A neigh replace 2001:2:0:2::5 lladdr $S0 dev out0 nud permanent &&
	ip -n $(ns c) addr add 198.18.1.2/24 dev c0 &&
	ip -n $(ns c) addr add 2001:2:0:1::2/64 dev c0 nodad &&
	ip -n $(ns c) route add default via 198.18.1.1 &&
	ip -n $(ns c) route add default via 2001:2:0:1::1 &&
	ip -n $(ns c) neigh replace 198.18.1.1 lladdr $A_MAC dev c0 nud permanent &&
	ip -n $(ns c) neigh replace 2001:2:0:1::1 lladdr $A_MAC dev c0 nud permanent &&
	ip -n $(ns s) addr add 198.19.0.5/16 dev s0 &&
	ip -n $(ns s) addr add 2001:2:0:2::5/64 dev s0 nodad &&
	ip -n $(ns s) route add default via 198.19.0.1 &&
	ip -n $(ns s) route add default via 2001:2:0:2::1 &&
	ip -n $(ns s) neigh replace 198.19.0.1 lladdr $A_MAC dev s0 nud permanent &&
	ip -n $(ns s) neigh replace 2001:2:0:2::1 lladdr $A_MAC dev s0 nud permanent"
check "vrctl sync: A's routes and neighbours in the fast path" vrctl sync "$A"

# vrctl marks both NICs (veths, native XDP) as ones whose senders may
# leave checksums to offload (VR_MACF_PARTIAL_CSUM = 1 in vr_macs).
flags=$(nsx dut bpftool -j map dump pinned "$PIN_DIR/vr_macs" | "$PY" -c '
import json, sys
print(sorted(e["formatted"]["value"]["flags"] for e in json.load(sys.stdin)))')
check_eq "vr_macs: in0 and out0 (veths) carry VR_MACF_PARTIAL_CSUM" "[1, 1]" "$flags"

# --- traffic -------------------------------------------------------------------
# udp SRV N SIZE: N datagrams of SIZE bytes from c to SRV:9999; prints those received intact
udp() {
	rm -f "$T_TMP/ready-u"
	nsx s "${SOCK[@]}" udp-recv "$1" 9999 "$2" "$T_TMP/ready-u" 4 >"$T_TMP/udp" &
	local r=$!
	until_ok 3 test -e "$T_TMP/ready-u"
	nsx c "${SOCK[@]}" udp-send "$1" 9999 "$2" "$3"
	wait $r
	cat "$T_TMP/udp"
}
# tcp SRV: 20 rounds of 3000 bytes echoed by s
tcp() {
	rm -f "$T_TMP/ready-t"
	nsx s "${SOCK[@]}" tcp-echo "$1" 9998 "$T_TMP/ready-t" 5 &
	local r=$!
	until_ok 3 test -e "$T_TMP/ready-t"
	nsx c timeout 10 "${SOCK[@]}" tcp-client "$1" 9998 20 3000
	wait $r
}
# bulk SRV: iperf3 for 1 s; prints the bytes the server received
bulk() {
	nsx s iperf3 -s -1 -B "$1" -p 5201 >/dev/null 2>&1 &
	local r=$!
	until_ok 3 eval "nsx s ss -ltn | grep -q ':5201 '"
	nsx c timeout 15 iperf3 -c "$1" -p 5201 -t 1 -J 2>/dev/null | "$PY" -c '
import json, sys
try:
    print(json.load(sys.stdin)["end"]["sum_received"]["bytes"])
except Exception:
    print(0)'
	wait $r
}

# round OFFLOAD FP FAMILY SRV: every kind of traffic once, checked
round() {
	local tx=$1 fp=$2 fam=$3 srv=$4 what e0 f0 c0 out
	what="IPv$fam, tx offload $tx, fast path $fp"
	e0=$(csum_errors s) f0=$(st fwd) c0=$(st csum_partial)
	check_eq "$what: 100 UDP datagrams from a socket, all received intact" 100 "$(udp "$srv" 100 200)"
	out=$(tcp "$srv")
	check_eq "$what: TCP connection, 20 x 3000 bytes echoed" "ok 60000" "$out"
	out=$(bulk "$srv")
	if [ "${out:-0}" -gt 1000000 ]; then ok "$what: iperf3 bulk transfer, $out bytes"
	else not_ok "$what: iperf3 bulk transfer (received '${out}' bytes)"; fi
	check_eq "$what: 20 UDP datagrams of 4000 bytes (fragments), all received" 20 \
		"$(udp "$srv" 20 4000)"
	check_eq "$what: no TCP/UDP checksum errors at the server" "$e0" "$(csum_errors s)"
	df=$(( $(st fwd) - f0 )) dc=$(( $(st csum_partial) - c0 ))
	if [ "$fp" = on ]; then
		# 100 + 20 x 3 fragments + the TCP and iperf3 segments, both ways
		if [ $df -ge 1000 ] && [ $dc = 0 ]; then ok "$what: fwd +$df (XDP), csum_partial +0"
		else not_ok "$what: fwd +$df (expected >= 1000), csum_partial +$dc (expected 0)"; fi
	else
		check_eq "$what: fwd +0 (everything through the VR's kernel)" 0 "$df"
	fi
}

for tx in on off; do
	setup "ethtool -K c0/s0 tx $tx" eval "nsx c ethtool -K c0 tx $tx && nsx s ethtool -K s0 tx $tx"
	for fp in on off; do
		setup "set-router --fast-path $fp" vrctl set-router "$A" --fast-path $fp
		round $tx $fp 4 198.19.0.5
		round $tx $fp 6 2001:2:0:2::5
	done
done
t_end
