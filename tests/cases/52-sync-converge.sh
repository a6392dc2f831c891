#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# A full `vrctl sync` pass converges from any starting content of the VR's
# host table: empty, stale, written by hand, half applied by a pass that
# died, routes that differ only by onlink, protocol or metric, IPv4
# routes appended under one key.  After each pass the whole table (IPv4
# and IPv6) equals what a pass into an empty table made, and real frames
# through the XDP program are forwarded by it.  A route the host still
# refuses: one line naming it, with the kernel's reason.
#
#   gen:g0 == dut:in0 [vrctl load in0 out0 out1] dut:out0 == s0:s0
#                                                dut:out1 == s1:s1
#
# VR A: in0 198.18.1.1/24 2001:2:0:1::1/64, out0 198.18.10.1/24
# 2001:2:0:10::1/64, out1 198.18.11.1/24; 198.18.100.0/24 and
# 2001:2:0:100::/64 via s0 (.2 on out0), 198.18.103.0/24 via s1 (.2 on
# out1).  Stale routes point the far prefixes at s1: frames seen there
# mean the pass left them.
# plan: 57
. "$(dirname "$0")/../lib.sh"

A=$P-a TA=1120
A_MAC=02:00:00:00:0a:01
GEN_MAC=02:00:00:00:00:01
vrctl() { nsx dut "$VRCTL" --pin-dir "$PIN_DIR" "$@"; }
st() {	# st fwd: A's forwarded packets
	vrctl -j stats "$A" | "$PY" -c '
import json, sys
print(json.load(sys.stdin)["routers"][0][sys.argv[1]]["packets"])' "$1"
}
frame() {	# DST DATA
	local src=198.18.1.2
	[ "${1#*:}" != "$1" ] && src=2001:2:0:1::2
	echo "dmac=$A_MAC,smac=$GEN_MAC,src=$src,dst=$1,ttl=64,sport=4000,dport=9,data=$2"
}
# the host table T, IPv4 then IPv6, trailing blanks cut, sorted
table() { { ip -n "$(ns dut)" -4 route show table "$1"; ip -n "$(ns dut)" -6 route show table "$1"; } |
	sed 's/ *$//' | sort; }
# hw ARGS...: `ip -n DUT ARGS... table TA` (what a hand-written table holds)
hw() { ip -n "$(ns dut)" "$@" table $TA; }
flush_table() {
	ip -n "$(ns dut)" -4 route flush table $TA 2>/dev/null
	ip -n "$(ns dut)" -6 route flush table $TA 2>/dev/null
	[ -z "$(table $TA)" ]
}

[ -x "$VRCTL" ] || fatal "$VRCTL not built (make)"
ensure_bpffs
t0=$SECONDS

# --- topology ------------------------------------------------------------------
topo_gen_dut_s0_s1
S0_MAC=$(mac_of s0 s0)
setup "dut forwarding" nsx dut sysctl -qw net.ipv4.conf.all.forwarding=1 \
	net.ipv6.conf.all.forwarding=1
setup "vrctl load in0 out0 out1" vrctl load in0 out0 out1
setup "add-router $A" vrctl add-router "$A" --mac $A_MAC --table $TA
setup "addresses and routes" eval "
	ip -n $A addr add 198.18.1.1/24 dev in0 &&
	ip -n $A addr add 198.18.10.1/24 dev out0 &&
	ip -n $A addr add 198.18.11.1/24 dev out1 &&
	ip -n $A addr add 2001:2:0:1::1/64 dev in0 nodad &&
	ip -n $A addr add 2001:2:0:10::1/64 dev out0 nodad &&
	ip -n $A route add 198.18.100.0/24 via 198.18.10.2 &&
	ip -n $A route add 198.18.103.0/24 via 198.18.11.2 &&
	ip -n $A route add 2001:2:0:100::/64 via 2001:2:0:10::2 &&
	ip -n $(ns s0) addr add 198.18.10.2/24 dev s0 &&
	ip -n $(ns s0) addr add 2001:2:0:10::2/64 dev s0 nodad &&
	ip -n $(ns s1) addr add 198.18.11.2/24 dev s1 &&
	ip -n $(ns s1) addr add 2001:2:0:12::2/64 dev s1 nodad"
# A resolves its next hops; each pass mirrors them into vr_neigh.
setup "A resolves s0 and s1" eval "vx $A ping -q -c 1 -W 1 198.18.10.2 &&
	vx $A ping -q -c 1 -W 1 2001:2:0:10::2 && vx $A ping -q -c 1 -W 1 198.18.11.2"

# forwards NAME: IPv4 and IPv6 frames to the far prefixes come out at s0
# with A's MAC, none at s1, all through the fast path (fwd +3 with the stop
# frame to s0; the one to s1 takes 198.18.103.0/24).
forwards() {
	local name=$1 pa
	caps=()
	pa=$(st fwd)
	capture_start s0 s0 "$T_TMP/$name-s0" stop-0 && capture_start s1 s1 "$T_TMP/$name-s1" stop-1 ||
		fatal "$name: captures ready"
	setup "$name: send frames" nsx gen "${PKT[@]}" send g0 "$(frame 198.18.100.99 "$name")" \
		"$(frame 2001:2:0:100::99 "$name")" "$(frame 198.18.100.98 stop-0)" \
		"$(frame 198.18.103.98 stop-1)"
	mapfile -t SENT <"$T_TMP/out"
	wait "${caps[@]}"
	check "$name: IPv4 and IPv6 frames to the far prefixes at s0 from A's MAC, none at s1" eval "
		${PKT[*]} expect-fwd ${SENT[0]} $T_TMP/$name-s0 $S0_MAC $A_MAC &&
		${PKT[*]} expect-fwd ${SENT[1]} $T_TMP/$name-s0 $S0_MAC $A_MAC &&
		${PKT[*]} expect-none ${SENT[0]} $T_TMP/$name-s1 &&
		${PKT[*]} expect-none ${SENT[1]} $T_TMP/$name-s1"
	check_eq "$name: all 4 frames (2 + the stops) forwarded by the fast path" 4 $(( $(st fwd) - pa ))
}

# --- the reference: a pass into an empty table ------------------------------------
check "empty: vrctl sync" vrctl sync
table $TA >"$T_TMP/want"
cat >"$T_TMP/want-literal" <<EOF
198.18.1.0/24 dev in0 proto kernel scope link
198.18.10.0/24 dev out0 proto kernel scope link
198.18.100.0/24 via 198.18.10.2 dev out0
198.18.103.0/24 via 198.18.11.2 dev out1
198.18.11.0/24 dev out1 proto kernel scope link
2001:2:0:1::/64 dev in0 proto kernel metric 256 pref medium
2001:2:0:100::/64 via 2001:2:0:10::2 dev out0 metric 1024 pref medium
2001:2:0:10::/64 dev out0 proto kernel metric 256 pref medium
local 198.18.1.1 dev lo proto kernel scope host
local 198.18.10.1 dev lo proto kernel scope host
local 198.18.11.1 dev lo proto kernel scope host
local 2001:2:0:10::1 dev lo proto kernel metric 1024 pref medium
local 2001:2:0:1::1 dev lo proto kernel metric 1024 pref medium
EOF
check "empty: the host table is A's routes and addresses" diff <(sort "$T_TMP/want-literal") "$T_TMP/want"
forwards empty

# converge NAME: the host table holds a starting state (set up by the
# caller); one pass must exit 0 without a warning and leave exactly the
# wanted set, forward by it; then a second pass must change nothing.
converge() {
	local name=$1
	table $TA >"$T_TMP/$name-before"
	if vrctl sync >"$T_TMP/$name-out" 2>&1 && ! grep -q . "$T_TMP/$name-out"; then
		ok "$name: vrctl sync exits 0, says nothing"
	else
		not_ok "$name: vrctl sync exits 0, says nothing"
		sed 's/^/#   /' "$T_TMP/$name-out"
	fi
	if diff "$T_TMP/want" <(table $TA) >"$T_TMP/$name-diff"; then
		ok "$name: host table = the wanted set"
	else
		not_ok "$name: host table = the wanted set"
		sed 's/^/#   before: /' "$T_TMP/$name-before"; sed 's/^/#   /' "$T_TMP/$name-diff"
	fi
	forwards "$name"
	check_eq "$name: a second pass changes no route" 0 "$(vrctl -j sync | "$PY" -c '
import json, sys
print(sum(v["routes"][k] for v in json.load(sys.stdin)["routers"] for k in ("added", "replaced", "deleted")))')"
}

# --- the issue's example: the same routes by hand first, the gateway route
# with onlink, the connected route with the user's metric --------------------
setup "issue: starting content" eval "flush_table &&
	hw -6 route add 2001:2:0:10::/64 dev out0 &&
	hw -6 route add 2001:2:0:100::/64 via 2001:2:0:10::2 dev out0 onlink"
converge issue
setup "issue (IPv4): starting content" eval "flush_table &&
	hw -4 route add 198.18.10.0/24 dev out0 metric 5 &&
	hw -4 route add 198.18.100.0/24 via 198.18.10.2 dev out0 onlink"
converge issue-v4

# --- stale: a previous configuration, its gateways on out1; a reject route
# on the gateway (IPv6 refuses a gateway it resolves to a reject route); a
# source-specific route under a wanted prefix -------------------------------
setup "stale: starting content" eval "flush_table &&
	hw -4 route add 198.18.12.0/24 dev out1 &&
	hw -4 route add local 198.18.12.1 dev lo &&
	hw -4 route add 198.18.100.0/24 via 198.18.12.2 dev out1 &&
	hw -4 route add 198.18.104.0/24 via 198.18.12.2 dev out1 &&
	hw -4 route add unreachable 198.18.10.2/32 &&
	hw -6 route add 2001:2:0:12::/64 dev out1 &&
	hw -6 route add 2001:2:0:100::/64 via 2001:2:0:12::2 dev out1 &&
	hw -6 route add blackhole 2001:2:0:104::/64 &&
	hw -6 route add 2001:2:0:100::/64 from 2001:2:0:5::/64 via 2001:2:0:12::2 dev out1 onlink &&
	hw -6 route add unreachable 2001:2:0:10::2/128"
converge stale

# --- by hand: each route of the wanted set, as a user would write it --------
setup "hand-written: starting content" eval "flush_table &&
	hw -4 route add 198.18.1.0/24 dev in0 &&
	hw -4 route add 198.18.10.0/24 dev out0 &&
	hw -4 route add 198.18.11.0/24 dev out1 &&
	hw -4 route add local 198.18.10.1 dev lo &&
	hw -4 route add 198.18.100.0/24 via 198.18.10.2 dev out0 mtu 1400 &&
	hw -4 route add 198.18.103.0/24 via 198.18.11.2 dev out1 metric 20 &&
	hw -6 route add 2001:2:0:10::/64 dev out0 &&
	hw -6 route add local 2001:2:0:1::1 dev lo &&
	hw -6 route add 2001:2:0:100::/64 via 2001:2:0:10::2 dev out0 onlink pref high"
converge hand-written

# --- half applied: a pass died after deleting the connected routes its
# gateway routes were validated by, before adding them back and the rest -----
setup "half-applied: starting content" eval "flush_table &&
	hw -4 route add 198.18.10.0/24 dev out0 proto kernel scope link &&
	hw -4 route add 198.18.11.0/24 dev out1 proto kernel scope link &&
	hw -4 route add 198.18.100.0/24 via 198.18.10.2 dev out0 &&
	hw -4 route add 198.18.103.0/24 via 198.18.11.2 dev out1 &&
	hw -6 route add 2001:2:0:10::/64 dev out0 proto kernel metric 256 &&
	hw -6 route add 2001:2:0:100::/64 via 2001:2:0:10::2 dev out0 &&
	hw -4 route add 198.18.104.0/24 via 198.18.10.2 dev out0 &&
	hw -4 route del 198.18.10.0/24 dev out0 &&
	hw -4 route del 198.18.11.0/24 dev out1 &&
	hw -6 route del 2001:2:0:10::/64 dev out0 &&
	hw -4 route add local 198.18.1.1 dev lo proto kernel scope host"
converge half-applied

# --- one difference each: a flag, the protocol, the metric ---------------------
copy_want() {	# the wanted set, each line through sed EXPR, written by hand
	local e=$1 l
	flush_table || return 1
	while read -r l; do
		case "$l" in *:*) set -- -6 ;; *) set -- -4 ;; esac
		l=$(echo "$l" | sed "$e" | sed 's/ pref medium//')
		hw "$@" route add $l || return 1
	done < <(grep -v ' via ' "$T_TMP/want"; grep ' via ' "$T_TMP/want")
}
setup "onlink: starting content" copy_want 's/ via .* dev [a-z0-9]*/& onlink/'
converge onlink
setup "protocol: starting content" copy_want 's/proto kernel/proto static/; / via /s/$/ proto static/'
converge protocol
setup "metric: starting content" copy_want 's/metric 256/metric 512/; /^2001.* via /s/metric 1024/metric 2000/; /^198.* via /s/$/ metric 9/'
converge metric

# --- IPv4 routes appended under one key (prefix, tos, metric): a replace
# changes the first only; IPv6 merges them into one multipath route ---------
setup "appended: starting content" eval "copy_want 's/^//' &&
	hw -4 route append 198.18.100.0/24 via 198.18.11.2 dev out1 &&
	hw -4 route append unreachable 198.18.100.0/24 &&
	hw -4 route append 198.18.1.0/24 dev out1 &&
	hw -6 route append 2001:2:0:100::/64 via 2001:2:0:12::2 dev out1 onlink"
converge appended

# --- a route the host refuses: IPv6 disabled on out1 in the host ---------------
setup "IPv6 off on dut's out1; A: an IPv6 network on out1 and a route via it" eval "
	nsx dut sysctl -qw net.ipv6.conf.out1.disable_ipv6=1 &&
	ip -n $A addr add 2001:2:0:12::1/64 dev out1 nodad &&
	ip -n $A route add 2001:2:0:107::/64 via 2001:2:0:12::2"
check "refused: vrctl sync exits 1" eval "! vrctl -vv sync >$T_TMP/ref-log 2>&1"
grep -E '^(Warning|Error): ' "$T_TMP/ref-log" >"$T_TMP/ref-out"
check "refused: sent again once the rest was in, then with their keys deleted first" eval "
	grep -q 'debug: VR $A: 2 route requests refused: sent once more' $T_TMP/ref-log &&
	grep -q 'debug: VR $A: 2 route requests refused: sent with their keys deleted first' $T_TMP/ref-log"
cat >"$T_TMP/ref-want" <<EOF
Error: VR $A: 2 route requests were refused
Warning: VR $A: cannot install route 2001:2:0:107::/64 metric 1024 in table $TA: No route to host
Warning: VR $A: cannot install route 2001:2:0:12::/64 metric 256 in table $TA: Permission denied: IPv6 is disabled on nexthop device
EOF
# (the gateway route: its connected route is not in the table, so the
# kernel cannot validate the gateway)
check "refused: one line per route refused, with the kernel's reason" diff "$T_TMP/ref-want" <(sort "$T_TMP/ref-out")
{ cat "$T_TMP/want"; echo "local 2001:2:0:12::1 dev lo proto kernel metric 1024 pref medium"
  echo "throw 2001:2:0:107::/64 dev lo metric 1024 pref medium"
  echo "throw 2001:2:0:12::/64 dev lo proto kernel metric 256 pref medium"; } | sort >"$T_TMP/want-thr"
check "refused: throw routes in their place (the VR forwards them), the rest as wanted" \
	diff "$T_TMP/want-thr" <(table $TA)
forwards refused
setup "IPv6 back on out1" nsx dut sysctl -qw net.ipv6.conf.out1.disable_ipv6=0
check "refused, then allowed: vrctl sync" vrctl sync
check_eq "refused, then allowed: both routes in" \
	"2001:2:0:107::/64 via 2001:2:0:12::2 dev out1 metric 1024 pref medium|2001:2:0:12::/64 dev out1 proto kernel metric 256 pref medium" \
	"$(table $TA | grep -E '^2001:2:0:1(07|2)::/64' | paste -sd'|')"

echo "# $((SECONDS - t0)) s"
t_end
