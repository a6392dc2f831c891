#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# A real routing daemon in a VR: BIRD 2 inside VR A peers (BGP, IPv4 and
# IPv6 sessions) with BIRD in a neighbour namespace, which announces
# 198.18.200.0/24 and 2001:2:0:200::/64.  BIRD installs them in A's main
# table, `vrctl sync --follow` mirrors them, and the fast path forwards
# them; withdrawn, they stop; announced again, they come back.
#
#   gen:g0 == dut:in0 [vrctl load in0 out0] dut:out0 == peer:p0
#             VR A: in0 198.18.1.1, out0 198.18.10.1, AS 65001
#             peer: p0 198.18.10.2, lo 198.18.200.1, AS 65002
# plan: 24
. "$(dirname "$0")/../lib.sh"

A=$P-a TA=1200
A_MAC=02:00:00:00:0a:01
vrctl() { nsx dut "$VRCTL" --pin-dir "$PIN_DIR" "$@"; }
hroute() {	# TABLE [-6] PREFIX: the host table's route, one line
	local t=$1; shift
	ip -n "$(ns dut)" "${@:1:$#-1}" route show table "$t" "${@: -1}" | tr -s ' \t\n' ' ' | sed 's/ $//'
}
st() {
	vrctl -j stats "$A" | "$PY" -c '
import json, sys
r = json.load(sys.stdin)["routers"][0]
k = sys.argv[1]
print(r[k]["packets"] if k in ("rx", "fwd") else r["pass"][k]["packets"])' "$1"
}

# The daemons: started and stopped here; lib.sh's cleanup kills whatever
# is left in the test's namespaces.
BIRD_A="$T_TMP/bird-a" BIRD_P="$T_TMP/bird-p"
bird_in() {	# NETNS_PATH PREFIX: start BIRD with PREFIX.conf
	nsenter --net="$1" bird -c "$2.conf" -s "$2.ctl" -P "$2.pid"
}
birdc_() { birdc -s "$1.ctl" "${@:2}"; }
stop_daemons() {
	local f
	for f in "$BIRD_A" "$BIRD_P"; do
		[ -s "$f.pid" ] && kill "$(cat "$f.pid")" 2>/dev/null
	done
	[ -n "$FPID" ] && kill -TERM "$FPID" 2>/dev/null
	return 0
}
trap 'stop_daemons; cleanup' EXIT

command -v bird >/dev/null || fatal "bird not installed (make deps: bird2)"
[ -x "$VRCTL" ] || fatal "$VRCTL not built (make)"
ensure_bpffs
t0=$SECONDS

for n in gen dut peer; do setup "namespace $n" ns_add $n; done
setup "veth gen:g0 <-> dut:in0" veth_add gen g0 dut in0
setup "veth dut:out0 <-> peer:p0" veth_add dut out0 peer p0
for x in gen:g0 peer:p0; do
	setup "GRO on ${x#*:}" nsx ${x%%:*} ethtool -K ${x#*:} gro on
done
setup "dut forwarding" nsx dut sysctl -qw net.ipv4.conf.all.forwarding=1 net.ipv6.conf.all.forwarding=1
# The follower first: it needs nothing to exist, it waits for `load`.
nsenter --net="/run/netns/$P-dut" "$VRCTL" --pin-dir "$PIN_DIR" -v sync --follow \
	>"$T_TMP/follow.log" 2>&1 &
FPID=$!
check "vrctl sync --follow before load: waiting for it" \
	until_ok 3 grep -q "vrouter is not loaded (no $PIN_DIR/vr_routers): waiting" "$T_TMP/follow.log"
setup "vrctl load in0 out0" vrctl load in0 out0
setup "add-router $A" vrctl add-router "$A" --mac $A_MAC --table $TA
setup "addresses" eval "
	ip -n $A addr add 198.18.1.1/24 dev in0 &&
	ip -n $A addr add 198.18.10.1/24 dev out0 &&
	ip -n $A addr add 2001:2:0:1::1/64 dev in0 nodad &&
	ip -n $A addr add 2001:2:0:10::1/64 dev out0 nodad &&
	ip -n $(ns gen) addr add 198.18.1.2/24 dev g0 &&
	ip -n $(ns gen) addr add 2001:2:0:1::2/64 dev g0 nodad &&
	ip -n $(ns gen) route add 198.18.200.0/24 via 198.18.1.1 &&
	ip -n $(ns gen) route add 2001:2:0:200::/64 via 2001:2:0:1::1 &&
	ip -n $(ns peer) addr add 198.18.10.2/24 dev p0 &&
	ip -n $(ns peer) addr add 2001:2:0:10::2/64 dev p0 nodad &&
	ip -n $(ns peer) addr add 198.18.200.1/32 dev lo &&
	ip -n $(ns peer) addr add 2001:2:0:200::1/128 dev lo &&
	ip -n $(ns peer) route add 198.18.1.0/24 via 198.18.10.1 &&
	ip -n $(ns peer) route add 2001:2:0:1::/64 via 2001:2:0:10::1"

check "... following once loaded, picking up the VR" until_ok 5 eval "
	grep -q 'following the VRs' $T_TMP/follow.log && grep -q 'VR $A: id [0-9]*, table $TA: following' $T_TMP/follow.log"

timers='hold time 3; keepalive time 1; connect delay time 1; connect retry time 1; error wait time 1, 2;'
cat >"$BIRD_A.conf" <<EOF
log "$BIRD_A.log" all;
router id 198.18.10.1;
protocol device { scan time 10; }
protocol kernel kernel4 { ipv4 { import none; export all; }; }
protocol kernel kernel6 { ipv6 { import none; export all; }; }
protocol bgp peer4 {
	local 198.18.10.1 as 65001; neighbor 198.18.10.2 as 65002; $timers
	ipv4 { import all; export none; };
}
protocol bgp peer6 {
	local 2001:2:0:10::1 as 65001; neighbor 2001:2:0:10::2 as 65002; $timers
	ipv6 { import all; export none; };
}
EOF
cat >"$BIRD_P.conf" <<EOF
log "$BIRD_P.log" all;
router id 198.18.10.2;
protocol device { scan time 10; }
protocol static static4 { ipv4; route 198.18.200.0/24 blackhole; }
protocol static static6 { ipv6; route 2001:2:0:200::/64 blackhole; }
protocol bgp a4 {
	local 198.18.10.2 as 65002; neighbor 198.18.10.1 as 65001; $timers
	ipv4 { import none; export where proto = "static4"; };
}
protocol bgp a6 {
	local 2001:2:0:10::2 as 65002; neighbor 2001:2:0:10::1 as 65001; $timers
	ipv6 { import none; export where proto = "static6"; };
}
EOF
check "bird in $A" bird_in "/run/netns/$A" "$BIRD_A"
check "bird in the peer" bird_in "/run/netns/$P-peer" "$BIRD_P"
established() { [ "$(birdc_ "$BIRD_A" show protocols | grep -c Established)" = 2 ]; }
check "BGP sessions (IPv4, IPv6) established" until_ok 20 established
[ $T_FAILED = 0 ] || { birdc_ "$BIRD_A" show protocols all | sed 's/^/#   /'; tail -20 "$BIRD_A.log" | sed 's/^/#   /'; }

learned() {	# the daemon's route in A's main table, and its mirror
	ip -n "$A" route show 198.18.200.0/24 | grep -q "via 198.18.10.2 dev out0 proto bird" &&
	[ "$(hroute $TA 198.18.200.0/24)" = "198.18.200.0/24 via 198.18.10.2 dev out0 proto bird metric 32" ] &&
	ip -n "$A" -6 route show 2001:2:0:200::/64 | grep -q "dev out0 proto bird" &&
	hroute $TA -6 2001:2:0:200::/64 | grep -q "dev out0 proto bird metric 32"
}
check "announced prefixes: in $A's table (proto bird), mirrored into table $TA" until_ok 10 learned
[ $T_FAILED = 0 ] || { ip -n "$A" route; ip -n "$A" -6 route; hroute $TA 198.18.200.0/24; hroute $TA -6 2001:2:0:200::/64; } | sed 's/^/#   /'

gping() { nsx gen ping -q -c "${2:-3}" -i 0.02 -W 1 "$1"; }
gping 198.18.200.1 2 >/dev/null 2>&1	# neighbours resolved the slow way
gping 2001:2:0:200::1 2 >/dev/null 2>&1
has_neighs() {
	local n
	n=$(vrctl neigh show "$A" | grep -c -e '^198.18.10.2 dev out0' -e '^198.18.1.2 dev in0' \
		-e "^$(ip -n "$A" -6 route show 2001:2:0:200::/64 | awk '{for (i = 1; i < NF; i++) if ($i == "via") print $(i + 1)}') dev out0" \
		-e '^2001:2:0:1::2 dev in0')
	[ "$n" = 4 ]
}
check "neighbours on both sides mirrored" until_ok 5 has_neighs
pre=$(st fwd)
check "ping 198.18.200.1 through $A" gping 198.18.200.1 20
check "ping 2001:2:0:200::1 through $A" gping 2001:2:0:200::1 20
check "the fast path forwarded them both ways (fwd +80)" test $(( $(st fwd) - pre )) -ge 80

check "the peer withdraws (disable static4, static6)" eval "
	birdc_ $BIRD_P disable static4 && birdc_ $BIRD_P disable static6"
gone() { [ -z "$(hroute $TA 198.18.200.0/24)$(hroute $TA -6 2001:2:0:200::/64)" ] &&
	 ! ip -n "$A" route show 198.18.200.0/24 | grep -q .; }
check "withdrawn: gone from $A's table and from table $TA" until_ok 10 gone
pre_f=$(st fwd) pre_n=$(st not_fwded)
check "ping 198.18.200.1 fails" eval "! gping 198.18.200.1 2"
check "ping 2001:2:0:200::1 fails" eval "! gping 2001:2:0:200::1 2"
# (+4 echo requests at least: a neighbour probe to A's address adds one)
check "no route in the fast path: pass not_fwded +4 or more, fwd +0" \
	test $(( $(st not_fwded) - pre_n )) -ge 4 -a $(( $(st fwd) - pre_f )) = 0

check "the peer announces again" eval "birdc_ $BIRD_P enable static4 && birdc_ $BIRD_P enable static6"
check "back in table $TA" until_ok 10 learned
pre=$(st fwd)
check "ping 198.18.200.1 through $A again" gping 198.18.200.1 10
check "in the fast path (fwd +20)" test $(( $(st fwd) - pre )) -ge 20
check_eq "each change logged at -v: one line for the withdrawal" 1 \
	"$(grep -c "VR $A: route del 198.18.200.0/24 metric 32 table $TA\$" "$T_TMP/follow.log")"

check "bird stopped in $A" birdc_ "$BIRD_A" down
check "its routes leave $A's table, and table $TA" until_ok 10 gone
birdc_ "$BIRD_P" down >/dev/null 2>&1
stop_follower $FPID
check_eq "... with status 0" 0 "$rc"
FPID=
echo "# $((SECONDS - t0)) s"
t_end
