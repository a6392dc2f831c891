#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# vrctl sync: the VRs' routes, addresses and neighbours mirrored into the
# fast path (host tables, vr_neigh), once and while following, checked with
# real frames and the counters.
#
#   gen:g0 == dut:in0 [vrctl load in0 out0 out1] dut:out0 == s0:s0
#                                                dut:out1 == s1:s1
#
# VR A (table TA, all three NICs) and VR B (table TB, in0 and out1) have
# the same prefixes and next-hop addresses: in0 198.18.1.0/24, the far
# network 198.18.100.0/24 via 198.18.10.2, which is s0 for A (out0) and
# s1 for B (out1).  A also has out1 198.18.11.0/24 (s1 is .2 there), the
# second leg of its ECMP routes.  Same in 2001:2::/48.
# plan: 93
. "$(dirname "$0")/../lib.sh"

A=$P-a B=$P-b TA=1100 TB=1101
A_MAC=02:00:00:00:0a:01
B_IN=02:00:00:00:0b:01 B_OUT=02:00:00:00:0b:02
GEN_MAC=02:00:00:00:00:01
vrctl() { nsx dut "$VRCTL" --pin-dir "$PIN_DIR" "$@"; }
# hroute TABLE [-6] PREFIX: the host table's route, on one line
hroute() {
	local t=$1; shift
	ip -n "$(ns dut)" "${@:1:$#-1}" route show table "$t" "${@: -1}" | tr -s ' \t\n' ' ' | sed 's/ $//'
}
has_route() { [ "$(hroute "$@")" = "$EXPECT" ]; }
# wait_route DESCRIPTION EXPECTED TABLE [-6] PREFIX
wait_route() {
	local d=$1; EXPECT=$2; shift 2
	if until_ok 3 has_route "$@"; then ok "$d"; else not_ok "$d (table $1: '$(hroute "$@")', expected '$EXPECT')"; fi
}
# neigh_mac VR IFACE ADDR: the MAC of that vr_neigh entry
neigh_mac() { vrctl neigh show "$1" dev "$2" | awk -v a="$3" '$1 == a {print $5}'; }
has_neigh() { [ "$(neigh_mac "$1" "$2" "$3")" = "$4" ]; }
st() {	# st VR fwd|REASON: packets
	vrctl -j stats "$1" | "$PY" -c '
import json, sys
r = json.load(sys.stdin)["routers"][0]
k = sys.argv[1]
print(r[k]["packets"] if k in ("rx", "fwd") else r["pass"][k]["packets"])' "$2"
}
# st_reaches VR KEY N: the counter gets to N (frames are processed asynchronously)
st_reaches() { until_ok 2 eval "[ \$(st $1 $2) -ge $3 ]"; }
frame() {	# DMAC DST DATA [SPORT]
	local src=198.18.1.2
	[ "${2#*:}" != "$2" ] && src=2001:2:0:1::2
	echo "dmac=$1,smac=$GEN_MAC,src=$src,dst=$2,ttl=64,sport=${4:-4000},dport=9,data=$3"
}
send() { nsx gen "${PKT[@]}" send g0 "$@"; }
# send_cap NAME SPEC...: send the frames plus stop-a (A -> s0) and stop-b
# (B -> s1), capturing at s0 and s1 into $T_TMP/NAME-s0/-s1; the sent
# frames' hex in SENT[].
send_cap() {
	local name=$1; shift
	caps=()
	capture_start s0 s0 "$T_TMP/$name-s0" stop-a && capture_start s1 s1 "$T_TMP/$name-s1" stop-b ||
		fatal "captures ready"
	setup "send $# frames + stops" send "$@" "$(frame $A_MAC 198.18.103.98 stop-a)" \
		"$(frame $B_IN 198.18.100.98 stop-b)"
	mapfile -t SENT <"$T_TMP/out"
	wait "${caps[@]}"
}

[ -x "$VRCTL" ] || fatal "$VRCTL not built (make)"
ensure_bpffs
t0=$SECONDS

# --- topology ------------------------------------------------------------------
topo_gen_dut_s0_s1
S0_MAC=$(mac_of s0 s0) S1_MAC=$(mac_of s1 s1)
setup "dut forwarding" nsx dut sysctl -qw net.ipv4.conf.all.forwarding=1 \
	net.ipv6.conf.all.forwarding=1 net.ipv4.fib_multipath_hash_policy=0 \
	net.ipv6.fib_multipath_hash_policy=0
setup "vrctl load in0 out0 out1" vrctl load in0 out0 out1
setup "add-router $A" vrctl add-router "$A" --mac $A_MAC --table $TA
setup "add-router $B" vrctl add-router "$B" --mac in0=$B_IN,out1=$B_OUT --table $TB --iface in0,out1
ID_B=$(vrctl -j show "$B" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["id"])')
setup "addresses and routes" eval "
	ip -n $A addr add 198.18.1.1/24 dev in0 &&
	ip -n $A addr add 198.18.10.1/24 dev out0 &&
	ip -n $A addr add 198.18.11.1/24 dev out1 &&
	ip -n $A addr add 2001:2:0:1::1/64 dev in0 nodad &&
	ip -n $A addr add 2001:2:0:10::1/64 dev out0 nodad &&
	ip -n $A addr add 2001:2:0:11::1/64 dev out1 nodad &&
	ip -n $A route add 198.18.100.0/24 via 198.18.10.2 &&
	ip -n $A route add 2001:2:0:100::/64 via 2001:2:0:10::2 &&
	ip -n $A route add 198.18.103.0/24 via 198.18.10.2 &&
	ip -n $B addr add 198.18.1.11/24 dev in0 &&
	ip -n $B addr add 198.18.10.1/24 dev out1 &&
	ip -n $B addr add 2001:2:0:1::11/64 dev in0 nodad &&
	ip -n $B addr add 2001:2:0:10::1/64 dev out1 nodad &&
	ip -n $B route add 198.18.100.0/24 via 198.18.10.2 &&
	ip -n $B route add 2001:2:0:100::/64 via 2001:2:0:10::2 &&
	ip -n $(ns gen) addr add 198.18.1.2/24 dev g0 &&
	ip -n $(ns gen) route add 198.18.100.0/24 via 198.18.1.1 &&
	ip -n $(ns s0) addr add 198.18.10.2/24 dev s0 &&
	ip -n $(ns s0) addr add 198.18.100.1/24 dev s0 &&
	ip -n $(ns s0) addr add 2001:2:0:10::2/64 dev s0 nodad &&
	ip -n $(ns s0) route add 198.18.1.0/24 via 198.18.10.1 &&
	ip -n $(ns s1) addr add 198.18.10.2/24 dev s1 &&
	ip -n $(ns s1) addr add 198.18.11.2/24 dev s1 &&
	ip -n $(ns s1) addr add 2001:2:0:10::2/64 dev s1 nodad &&
	ip -n $(ns s1) addr add 2001:2:0:11::2/64 dev s1 nodad"

# --- one full pass --------------------------------------------------------------
check "vrctl sync (one full pass)" vrctl sync
table() { { ip -n "$(ns dut)" -4 route show table "$1"; ip -n "$(ns dut)" -6 route show table "$1"; } |
	sed 's/ *$//' | sort; }
cat >"$T_TMP/want-a" <<EOF
198.18.1.0/24 dev in0 proto kernel scope link
198.18.10.0/24 dev out0 proto kernel scope link
198.18.100.0/24 via 198.18.10.2 dev out0
198.18.103.0/24 via 198.18.10.2 dev out0
198.18.11.0/24 dev out1 proto kernel scope link
2001:2:0:1::/64 dev in0 proto kernel metric 256 pref medium
2001:2:0:100::/64 via 2001:2:0:10::2 dev out0 metric 1024 pref medium
2001:2:0:10::/64 dev out0 proto kernel metric 256 pref medium
2001:2:0:11::/64 dev out1 proto kernel metric 256 pref medium
local 198.18.1.1 dev lo proto kernel scope host
local 198.18.10.1 dev lo proto kernel scope host
local 198.18.11.1 dev lo proto kernel scope host
local 2001:2:0:10::1 dev lo proto kernel metric 1024 pref medium
local 2001:2:0:11::1 dev lo proto kernel metric 1024 pref medium
local 2001:2:0:1::1 dev lo proto kernel metric 1024 pref medium
EOF
sort -o "$T_TMP/want-a" "$T_TMP/want-a"
check "host table $TA = $A's routes on the lower NICs + its addresses as local routes" \
	diff "$T_TMP/want-a" <(table $TA)
check_eq "host table $TB: $B's 10 routes, out1 where $A has out0" \
	"10 198.18.100.0/24 via 198.18.10.2 dev out1" \
	"$(table $TB | wc -l) $(hroute $TB 198.18.100.0/24)"
check_eq "fib_multipath_hash_policy=1 (IPv4, IPv6) in the host" "1 1" \
	"$(nsx dut cat /proc/sys/net/ipv4/fib_multipath_hash_policy /proc/sys/net/ipv6/fib_multipath_hash_policy | xargs)"
changes() {	# the changes a one-shot pass made, from its JSON: routes [neighbours]
	vrctl -j sync | "$PY" -c '
import json, sys
r = n = 0
for v in json.load(sys.stdin)["routers"]:
    r += sum(v["routes"][k] for k in ("added", "replaced", "deleted"))
    n += sum(v["neigh"][k] for k in ("set", "deleted"))
print(r, n) if sys.argv[1] == "all" else print(r)' "${1:-routes}"
}
# (Neighbours may come meanwhile: IPv6 router solicitations of the sinks.)
check_eq "a second pass changes no route" 0 "$(changes)"

# --- follow ---------------------------------------------------------------------
check "vrctl sync --follow started" start_follower

# Static routes, overlapping VRs.  The first frames go the slow way: the
# VRs resolve their next hops, and sync mirrors the neighbours.
pre_nn=$(st $A no_neigh)
setup "warm-up frames" send "$(frame $A_MAC 198.18.100.99 warm)" "$(frame $A_MAC 2001:2:0:100::99 warm)" \
	"$(frame $B_IN 198.18.100.99 warm)" "$(frame $B_IN 2001:2:0:100::99 warm)"
check "$A: frames before the neighbour is known: pass no_neigh" st_reaches $A no_neigh $((pre_nn + 2))
for x in "$A out0 198.18.10.2 $S0_MAC" "$A out0 2001:2:0:10::2 $S0_MAC" \
	 "$B out1 198.18.10.2 $S1_MAC" "$B out1 2001:2:0:10::2 $S1_MAC"; do
	set -- $x
	if until_ok 3 has_neigh "$@"; then ok "vr_neigh: $1 $3 on $2 -> $4"
	else not_ok "vr_neigh: $1 $3 on $2 -> $4 (got '$(neigh_mac "$@")')"; fi
done
pa=$(st $A fwd) pb=$(st $B fwd)
send_cap fast "$(frame $A_MAC 198.18.100.99 a4)" "$(frame $A_MAC 2001:2:0:100::99 a6)" \
	"$(frame $B_IN 198.18.100.99 b4)" "$(frame $B_IN 2001:2:0:100::99 b6)"
for i in 0 1; do
	f=(4 6)
	check "a${f[$i]}: at s0 from $A's MAC, not at s1" eval "
		${PKT[*]} expect-fwd ${SENT[$i]} $T_TMP/fast-s0 $S0_MAC $A_MAC &&
		${PKT[*]} expect-none ${SENT[$i]} $T_TMP/fast-s1"
	check "b${f[$i]}: at s1 from $B's out1 MAC, not at s0" eval "
		${PKT[*]} expect-fwd ${SENT[$((i + 2))]} $T_TMP/fast-s1 $S1_MAC $B_OUT &&
		${PKT[*]} expect-none ${SENT[$((i + 2))]} $T_TMP/fast-s0"
done
check_eq "fast path carried them: fwd +3 in $A and in $B" "3 3" "$(( $(st $A fwd) - pa )) $(( $(st $B fwd) - pb ))"
nsx gen ping -q -c 2 -W 1 198.18.100.1 >/dev/null 2>&1	# gen's MAC into A
pa=$(st $A fwd)
check "ping through $A" nsx gen ping -q -c 20 -i 0.02 -W 1 198.18.100.1
check "$A forwarded 20 or more of them in XDP" test $(( $(st $A fwd) - pa )) -ge 20

# Replaced: out of out1 to s1 instead.
setup "route replace in $A" ip -n $A route replace 198.18.100.0/24 via 198.18.11.2 dev out1
wait_route "replace mirrored" "198.18.100.0/24 via 198.18.11.2 dev out1" $TA 198.18.100.0/24
setup "warm-up" send "$(frame $A_MAC 198.18.100.99 warm)"
check "vr_neigh: $A 198.18.11.2 on out1" until_ok 3 has_neigh $A out1 198.18.11.2 $S1_MAC
pa=$(st $A fwd)
send_cap repl "$(frame $A_MAC 198.18.100.99 ra4)"
check "ra4: now at s1 from $A's MAC, not at s0" eval "
	${PKT[*]} expect-fwd ${SENT[0]} $T_TMP/repl-s1 $S1_MAC $A_MAC &&
	${PKT[*]} expect-none ${SENT[0]} $T_TMP/repl-s0"
check_eq "$A: fwd +2 (ra4, stop-a)" 2 $(( $(st $A fwd) - pa ))

# Route types, then deleted: the fast path passes, by the right reason.
for t in blackhole unreachable prohibit; do
	setup "$t routes in $A" eval "ip -n $A route replace $t 198.18.100.0/24 &&
		ip -n $A -6 route replace $t 2001:2:0:100::/64"
	wait_route "$t mirrored (IPv4)" "$t 198.18.100.0/24" $TA 198.18.100.0/24
	wait_route "$t mirrored (IPv6)" "$t 2001:2:0:100::/64 dev lo metric 1024 pref medium" $TA -6 2001:2:0:100::/64
	pa=$(st $A fwd) pr=$(st $A $t)
	setup "frames into the $t routes" send "$(frame $A_MAC 198.18.100.99 $t)" "$(frame $A_MAC 2001:2:0:100::99 $t)"
	check "$A: pass $t +2, fwd +0" eval "st_reaches $A $t $((pr + 2)) && [ \$(st $A fwd) = $pa ]"
done
setup "route del in $A" eval "ip -n $A route del 198.18.100.0/24 && ip -n $A -6 route del 2001:2:0:100::/64"
wait_route "deletion mirrored (IPv4)" "" $TA 198.18.100.0/24
wait_route "deletion mirrored (IPv6)" "" $TA -6 2001:2:0:100::/64
pa=$(st $A fwd) pr=$(st $A not_fwded)
setup "frames to the deleted prefixes" send "$(frame $A_MAC 198.18.100.99 del)" "$(frame $A_MAC 2001:2:0:100::99 del)"
check "$A: pass not_fwded +2, fwd +0" eval "st_reaches $A not_fwded $((pr + 2)) && [ \$(st $A fwd) = $pa ]"
check_eq "$B's route of the same prefix stays" "198.18.100.0/24 via 198.18.10.2 dev out1" "$(hroute $TB 198.18.100.0/24)"

# Nexthop objects (what FRR installs), resolved; groups; deletions.
setup "nexthop 10, route via it" eval "ip -n $A nexthop add id 10 via 198.18.10.2 dev out0 &&
	ip -n $A route add 198.18.101.0/24 nhid 10"
wait_route "route with nhid 10: its next hop" "198.18.101.0/24 via 198.18.10.2 dev out0" $TA 198.18.101.0/24
pa=$(st $A fwd)
setup "frame via nexthop 10" send "$(frame $A_MAC 198.18.101.5 nh)"
check "$A: fwd +1 through it" st_reaches $A fwd $((pa + 1))
setup "nexthop replace 10" ip -n $A nexthop replace id 10 via 198.18.11.2 dev out1
wait_route "nexthop replace: the route follows" "198.18.101.0/24 via 198.18.11.2 dev out1" $TA 198.18.101.0/24
setup "group 12 = 10 + 11" eval "ip -n $A nexthop add id 11 via 198.18.10.2 dev out0 &&
	ip -n $A nexthop add id 12 group 10/11,3 && ip -n $A route replace 198.18.101.0/24 nhid 12"
wait_route "route via group 12: multipath, weights" \
	"198.18.101.0/24 nexthop via 198.18.10.2 dev out0 weight 3 nexthop via 198.18.11.2 dev out1 weight 1" \
	$TA 198.18.101.0/24
setup "nexthop del 11" ip -n $A nexthop del id 11
wait_route "group member deleted: one leg left" "198.18.101.0/24 via 198.18.11.2 dev out1" $TA 198.18.101.0/24
setup "nexthop del 10" ip -n $A nexthop del id 10
wait_route "last member deleted: the kernel drops the route, so does sync" "" $TA 198.18.101.0/24

# ECMP: distinct flows (ports) spread over both legs.
setup "ECMP routes in $A" eval "
	ip -n $A route add 198.18.102.0/24 nexthop via 198.18.10.2 dev out0 nexthop via 198.18.11.2 dev out1 &&
	ip -n $A -6 route add 2001:2:0:102::/64 nexthop via 2001:2:0:10::2 dev out0 nexthop via 2001:2:0:11::2 dev out1"
wait_route "ECMP route mirrored (IPv4)" \
	"198.18.102.0/24 nexthop via 198.18.10.2 dev out0 weight 1 nexthop via 198.18.11.2 dev out1 weight 1" \
	$TA 198.18.102.0/24
wait_route "ECMP route mirrored (IPv6)" \
	"2001:2:0:102::/64 metric 1024 pref medium nexthop via 2001:2:0:10::2 dev out0 weight 1 nexthop via 2001:2:0:11::2 dev out1 weight 1" \
	$TA -6 2001:2:0:102::/64
vx $A ping -q -c 1 -W 1 2001:2:0:11::2 >/dev/null 2>&1
check "vr_neigh: $A 2001:2:0:11::2 on out1" until_ok 3 has_neigh $A out1 2001:2:0:11::2 $S1_MAC
specs=()
for i in $(seq 0 31); do
	specs+=("$(frame $A_MAC 198.18.102.7 ecmp4 $((5000 + i)))" "$(frame $A_MAC 2001:2:0:102::7 ecmp6 $((5000 + i)))")
done
pa=$(st $A fwd)
send_cap ecmp "${specs[@]}"
count() { grep -c "$1" "$2"; }
e4="$(count 65636d7034 $T_TMP/ecmp-s0) $(count 65636d7034 $T_TMP/ecmp-s1)"
e6="$(count 65636d7036 $T_TMP/ecmp-s0) $(count 65636d7036 $T_TMP/ecmp-s1)"
check "IPv4: 32 flows over both legs (s0 s1: $e4)" eval "set -- $e4; [ \$1 -gt 0 ] && [ \$2 -gt 0 ] && [ \$((\$1 + \$2)) = 32 ]"
check "IPv6: 32 flows over both legs (s0 s1: $e6)" eval "set -- $e6; [ \$1 -gt 0 ] && [ \$2 -gt 0 ] && [ \$((\$1 + \$2)) = 32 ]"
check_eq "all 65 in the fast path (fwd +65)" 65 $(( $(st $A fwd) - pa ))

check_eq "one log line per change at -v (the replace above: exactly one line)" 1 \
	"$(grep -c "VR $A: route replace 198.18.100.0/24 via 198.18.11.2 dev out1 table $TA\$" "$T_TMP/follow.log")"

# tos is part of the key and kept.
setup "a route with tos 0x10 in $A" ip -n $A route add 198.18.105.0/24 tos 0x10 via 198.18.10.2
check "tos kept in the mirror" until_ok 3 eval "ip -n $(ns dut) route show table $TA 198.18.105.0/24 | grep -Eq '^198.18.105.0/24 tos (0x10|lowdelay) via 198.18.10.2 dev out0'"

# Routes that cannot be mirrored become throw routes: a device next hop
# without a lower NIC (a veth inside the VR: its ifindex means another
# device in the host), a nexthop object on it, lwt encapsulation.
setup "veth dum0/dum9 in $A, a route and a nexthop object on dum0" eval "
	ip -n $A link add dum0 type veth peer name dum9 && ip -n $A link set dum9 up && ip -n $A link set dum0 up &&
	ip -n $A route add 198.18.106.0/24 dev dum0 &&
	ip -n $A nexthop add id 20 dev dum0 && ip -n $A route add 198.18.107.0/24 nhid 20"
wait_route "device without a lower NIC: a throw route" "throw 198.18.106.0/24" $TA 198.18.106.0/24
wait_route "nexthop object on it: a throw route" "throw 198.18.107.0/24" $TA 198.18.107.0/24
check "... rendered as throw routes, never sent as routes on a VR device (no refusal logged)" \
	eval "! grep -E 'Warning.*198\.18\.10[67]\.0/24' $T_TMP/follow.log"
if ip -n $A route add 198.18.108.0/24 encap ip id 1 dst 198.18.10.9 dev out0 2>/dev/null; then
	wait_route "lwt encap route: a throw route" "throw 198.18.108.0/24" $TA 198.18.108.0/24
else
	ok "lwt encap route: a throw route # SKIP no encap route on this kernel"
fi
pa=$(st $A fwd) pr=$(st $A not_fwded)
setup "a frame into the throw route" send "$(frame $A_MAC 198.18.106.5 thr)"
check "$A: the fast path passes it (not_fwded +1, fwd +0): the VR forwards it" \
	eval "st_reaches $A not_fwded $((pr + 1)) && [ \$(st $A fwd) = $pa ]"
setup "route turned back: dum0 deleted" ip -n $A link del dum0
wait_route "... its throw route goes with it" "" $TA 198.18.106.0/24

# Neighbours: mirrored in REACHABLE, STALE, DELAY, PROBE, PERMANENT;
# FAILED, INCOMPLETE, NOARP and deleted ones removed.
NB=198.18.10.20 NBMAC=02:00:00:00:99:20
nb_in() { [ -n "$(neigh_mac $A out0 $NB)" ]; }
nb_state() {	# STATE: set NB to it (from PERMANENT), then it must be gone
	ip -n $A neigh replace $NB lladdr $NBMAC dev out0 nud permanent &&
		until_ok 3 has_neigh $A out0 $NB $NBMAC || return 1
	ip -n $A neigh replace $NB dev out0 nud "$1" || return 1
	until_ok 3 eval "! nb_in"
}
for nud in failed incomplete noarp; do
	check "a neighbour turned ${nud^^} leaves vr_neigh" nb_state $nud
done
check "a NOARP neighbour with a MAC is never mirrored" eval "
	ip -n $A neigh replace $NB lladdr $NBMAC dev out0 nud noarp && sleep 0.3 && ! nb_in"
check "a deleted neighbour leaves vr_neigh" eval "
	ip -n $A neigh replace $NB lladdr $NBMAC dev out0 nud permanent &&
	until_ok 3 has_neigh $A out0 $NB $NBMAC && ip -n $A neigh del $NB dev out0 &&
	until_ok 3 eval '! nb_in'"

# SIGHUP: a full pass of every VR, which removes a stale `neigh add` entry.
setup "a stale entry added by hand" vrctl neigh add $A 198.18.10.77 lladdr 02:00:00:00:99:77 dev out0
check "SIGHUP: a full pass removes the stale entry" eval "
	kill -HUP $FPID && until_ok 3 eval '[ -z \"\$(neigh_mac $A out0 198.18.10.77)\" ]'"
check_eq "... logged once" 1 "$(grep -c 'SIGHUP: full pass of every VR' "$T_TMP/follow.log")"

# A lower NIC down (the host drops its IPv4 routes silently) and up again:
# a full pass of its VRs restores their tables.
before=$(table $TA; table $TB)
setup "out1 down in the host" ip -n $(ns dut) link set out1 down
check "out1 down: logged, a full pass of $B" until_ok 3 grep -q "VR $B: NIC with ifindex $(ifindex_of dut out1) down: full pass" "$T_TMP/follow.log"
setup "out1 up again" ip -n $(ns dut) link set out1 up
check "out1 up: a full pass restores both tables exactly" until_ok 5 eval '[ "$(table $TA; table $TB)" = "$before" ]'
check "... logged: NIC up, full pass" grep -q "VR $B: NIC with ifindex $(ifindex_of dut out1) up: full pass" "$T_TMP/follow.log"

# A link of the VR changing: out1 down inside A drops A's IPv4 routes on
# it silently; the follower's full pass takes them out of table $TA too.
setup "out1 down inside $A" ip -n $A link set out1 down
check "a link of $A down: full pass, its connected route leaves table $TA" \
	until_ok 3 eval "[ -z \"\$(hroute $TA 198.18.11.0/24)\" ]"
check "... logged: a link changed, full pass" grep -q "VR $A: a link changed: full pass" "$T_TMP/follow.log"
setup "out1 up inside $A" ip -n $A link set out1 up
wait_route "up again: the connected route is back" "198.18.11.0/24 dev out1 proto kernel scope link" $TA 198.18.11.0/24

# A VR created and deleted while the follower runs.
C=$P-c TC=1102
setup "add-router $C, an address in it" eval "vrctl add-router $C --mac 02:00:00:00:0c:01 --table $TC --iface in0 &&
	ip -n $C addr add 198.18.1.21/24 dev in0"
wait_route "new VR picked up without a restart" "198.18.1.0/24 dev in0 proto kernel scope link" $TC 198.18.1.0/24
# A namespace re-created under the same name (found by its identity):
# noticed at once ("replaced"), and since it is not the namespace
# add-router made, its content (a veth: it would be a throw route) is
# not mirrored.
kill -STOP $FPID
setup "$C's namespace deleted and made again, a veth in it" eval "
	ip netns del $C && ip netns add $C && ip -n $C link add dum1 type veth peer name dum2 &&
	ip -n $C link set dum2 up && ip -n $C link set dum1 up && ip -n $C addr add 198.18.77.1/24 dev dum1"
kill -CONT $FPID
check "re-created namespace: noticed (replaced, full pass), not followed" until_ok 5 eval "
	grep -q 'VR $C: network namespace $C was replaced: full pass' $T_TMP/follow.log &&
	grep -q 'VR $C: /run/netns/$C is not the namespace add-router made' $T_TMP/follow.log"
check_eq "... nothing of the foreign namespace mirrored" "" "$(table $TC 2>/dev/null | grep 198.18.77)"
setup "del-router $C" vrctl del-router $C
check "its host table emptied" until_ok 3 eval "[ -z \"\$(table $TC)\" ]"

# --- faults -------------------------------------------------------------------
kill -9 $FPID
wait $FPID 2>/dev/null
check_eq "kill -9 the follower: it died of SIGKILL (status 137)" 137 $?
check "it is gone (no process $FPID)" test ! -e /proc/$FPID
setup "changes while it is down" eval "
	ip -n $A route add 198.18.104.0/24 via 198.18.10.2 &&
	ip -n $A route del 198.18.103.0/24 &&
	ip -n $B -6 route del 2001:2:0:100::/64 &&
	ip -n $A neigh replace 198.18.10.9 lladdr 02:00:00:00:99:09 dev out0 nud permanent &&
	ip -n $A addr add 198.18.12.1/24 dev out1"
# `vrctl sync NAME`: that VR only.
check "vrctl sync $A (one VR)" vrctl sync $A
check_eq "$A mirrored (198.18.104.0/24 added, 198.18.103.0/24 gone), $B untouched (its deleted route still there)" \
	"198.18.104.0/24 via 198.18.10.2 dev out0||yes" \
	"$(hroute $TA 198.18.104.0/24)|$(hroute $TA 198.18.103.0/24)|$([ -n "$(hroute $TB -6 2001:2:0:100::/64)" ] && echo yes)"
# Restarted with a small event buffer (VRCTL_SYNC_EVBUF), to lose events below.
VRCTL_SYNC_EVBUF=16384 check "restarted" start_follower
# The mirrored state; IPv6 link-local neighbours left out: the sinks' own
# neighbour discovery makes them come and go at any time.
snapshot() {
	table $TA; table $TB
	{ vrctl neigh show "$A"; vrctl neigh show "$B"; } | grep -v '^fe80:' | sort
}
converged() {
	has_route $TA 198.18.104.0/24 && [ -z "$(hroute $TA 198.18.103.0/24)" ] &&
		[ -z "$(hroute $TB -6 2001:2:0:100::/64)" ] &&
		has_neigh $A out0 198.18.10.9 02:00:00:00:99:09
}
EXPECT="198.18.104.0/24 via 198.18.10.2 dev out0"
check "the restarted follower caught up with what changed meanwhile" until_ok 5 converged
snapshot >"$T_TMP/snap1"
check_eq "a fresh full pass changes nothing: same state" "0 0" "$(changes all)"
snapshot >"$T_TMP/snap2"
check "state identical before and after that pass" diff "$T_TMP/snap1" "$T_TMP/snap2"
check "local route of the address added meanwhile" grep -q "^local 198.18.12.1 dev lo" "$T_TMP/snap1"

# A burst larger than the event buffer: events lost (ENOBUFS), full pass.
"$PY" -c '
for i in range(5000):
    print("route add 198.19.%d.%d/32 via 198.18.10.2 dev out0" % (i >> 8, i & 255))' >"$T_TMP/burst"
sed 's/^route add/route del/' "$T_TMP/burst" >"$T_TMP/burst-del"
n32() { ip -n "$(ns dut)" route show table $TA root 198.19.0.0/16 | grep -c "via 198.18.10.2 dev out0"; }
# The follower is stopped meanwhile (SIGSTOP), so the burst overflows its buffer.
kill -STOP $FPID
setup "5000 routes added in $A at once" ip -n $A -batch "$T_TMP/burst"
kill -CONT $FPID
check "all 5000 mirrored" until_ok 10 eval "[ \$(n32) = 5000 ]"
check "events were lost, and a full pass made up for it" grep -q "VR $A: netlink events lost: full pass" "$T_TMP/follow.log"
setup "... and deleted at once" ip -n $A -batch "$T_TMP/burst-del"
check "all 5000 gone" until_ok 10 eval "[ \$(n32) = 0 ]"
snapshot >"$T_TMP/snap3"
check "back to the same state" diff "$T_TMP/snap1" "$T_TMP/snap3"

# A VR namespace deleted behind vrctl's back.
{ table $TA; vrctl neigh show "$A" | sort; } >"$T_TMP/a-before"
check "ip netns del $B" ip netns del "$B"
check "reported" until_ok 3 grep -q "VR $B: network namespace $B is gone" "$T_TMP/follow.log"
check_eq "its host table and vr_neigh entries are gone" "0 0" \
	"$(table $TB | wc -l) $(bpftool -j map dump pinned "$PIN_DIR/vr_neigh" | "$PY" -c '
import json, sys
print(sum(1 for e in json.load(sys.stdin) if e.get("formatted", e)["key"]["vr_id"] == '"$ID_B"'))')"
{ table $TA; vrctl neigh show "$A" | sort; } >"$T_TMP/a-after"
check "$A's state untouched: whole host table and neighbours identical" diff "$T_TMP/a-before" "$T_TMP/a-after"
check "one-shot sync reports the missing namespace, exit 1" eval "
	! vrctl sync 2>$T_TMP/err && grep -q 'network namespace $B does not exist' $T_TMP/err"

{ table $TA; vrctl neigh show "$A" | sort; } >"$T_TMP/a-before"
stop_follower $FPID
check_eq "... cleanly (exit status 0, within 3 s)" 0 "$rc"
{ table $TA; vrctl neigh show "$A" | sort; } >"$T_TMP/a-after"
check "SIGTERM keeps the fast path's state: host table and neighbours identical" diff "$T_TMP/a-before" "$T_TMP/a-after"
echo "# $((SECONDS - t0)) s"
t_end
