#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The fast path never forwards where the VR's kernel would not.
#
# Carrier, followed as the VR's kernel follows it: when out1's far end
# loses carrier, the VR's kernel drops its next hops on out1 (from nexthop
# groups, and routes through them) without route or nexthop messages; the
# follower must see the carrier change and mirror what the VR now has.
#
# Policy routing in the VR, or the operator's switch: the VR's fast path
# off, every frame to its kernel.
#
# A route with an MTU metric: the fast path checks the egress NIC's MTU,
# not the route's, so such a route goes to the VR's kernel (a throw route).
#
#   gen:g0 == dut:in0, dut:out0 == s0:s0, dut:out1 == s1:s1; VR A on all three.
# plan: 25
. "$(dirname "$0")/../lib.sh"

vrctl() { nsx dut "$VRCTL" --pin-dir "$PIN_DIR" "$@"; }
A=$P-a A_MAC=02:00:00:00:56:01
ms() { date +%s%3N; }
# the VR's and the host table's view of 198.19.25x: prefix and next-hop
# devices, one line each, sorted
view() {
	ip -n "$1" route show "${@:2}" | grep '^198\.19\.25' -A2 |
		awk '/^198/ {if (p) print p; p=$1} /dev/ {for (i = 1; i < NF; i++) if ($i == "dev") p = p " " $(i+1)} END {if (p) print p}' | sort
}
vr_view() { view "$A" ; }
host_view() { view "$(ns dut)" table "$TA"; }
same_view() { [ "$(vr_view)" = "$(host_view)" ]; }

ensure_bpffs
topo_gen_dut_s0_s1
setup "vrctl load in0 out0 out1" vrctl load in0 out0 out1
setup "add-router A" vrctl add-router "$A" --mac "$A_MAC"
TA=$(table_of "$A")
setup "A's addresses, neighbours, nexthops and routes" sh -c "
	ip -n $A addr add 198.18.2.1/24 dev out0 && ip -n $A addr add 198.18.4.1/24 dev out1 &&
	ip -n $A neigh add 198.18.2.2 lladdr $(mac_of s0 s0) dev out0 nud permanent &&
	ip -n $A neigh add 198.18.4.2 lladdr $(mac_of s1 s1) dev out1 nud permanent &&
	ip -n $A nexthop add id 1 via 198.18.2.2 dev out0 &&
	ip -n $A nexthop add id 2 via 198.18.4.2 dev out1 &&
	ip -n $A nexthop add id 3 group 1/2 &&
	ip -n $A route add 198.19.250.0/24 nhid 3 &&
	ip -n $A nexthop add id 4 via 198.18.4.2 dev out1 &&
	ip -n $A route add 198.19.251.0/24 nhid 4"
check "vrctl sync --follow started" start_follower
until_ok 3 same_view
check_eq "the host table mirrors both routes, the group over out0 and out1" \
	"198.19.250.0/24 out0 out1|198.19.251.0/24 out1" "$(host_view | paste -sd'|')"

t0=$(ms)
setup "out1's far end loses carrier" ip -n "$(ns s1)" link set s1 down
until_ok 3 eval '[ "$(vr_view | paste -sd"|")" != "198.19.250.0/24 out0 out1|198.19.251.0/24 out1" ]'
tv=$(ms)
echo "# the VR's kernel now has: $(vr_view | paste -sd'|') ($((tv - t0)) ms after the carrier loss)"
until_ok 3 same_view
t1=$(ms)
check_eq "the host table follows the VR: out1's next hops gone" "$(vr_view | paste -sd'|')" "$(host_view | paste -sd'|')"
echo "# carrier loss to mirrored: $((t1 - t0)) ms"
check "... within 500 ms of the carrier loss (measured $((t1 - t0)) ms)" test $((t1 - t0)) -le 500
check_eq "the route only through out1 is gone from the host table" "" "$(host_view | grep 198.19.251)"
setup "carrier back" ip -n "$(ns s1)" link set s1 up
sleep 0.5
until_ok 3 same_view
check_eq "carrier back: the host table is still what the VR has (no stale route back)" \
	"$(vr_view | paste -sd'|')" "$(host_view | paste -sd'|')"
check_eq "... 198.19.251.0/24 stays gone, as in the VR" "" "$(host_view | grep 198.19.251)"
check "the follower logged the carrier change" grep -q "without carrier: full pass" "$T_TMP/follow.log"

# --- a route MTU ---------------------------------------------------------------------------
setup "A: 198.19.252.0/24 via s0 with mtu 1300, 198.19.253.0/24 without" sh -c "
	ip -n $A route add 198.19.252.0/24 via 198.18.2.2 dev out0 mtu 1300 &&
	ip -n $A route add 198.19.253.0/24 via 198.18.2.2 dev out0"
until_ok 3 sh -c "ip -n $(ns dut) route show table $TA | grep -q '^198.19.253.0/24'"
check "the route with an MTU metric is a throw route in the host table (to A's kernel)" \
	sh -c "ip -n $(ns dut) route show table $TA | grep -q '^throw 198.19.252.0/24'"
check "the same route without one is mirrored as it is" \
	sh -c "ip -n $(ns dut) route show table $TA | grep -q '^198.19.253.0/24 via 198.18.2.2 dev out0'"
# --- policy routing and the fast-path switch ---------------------------------------------
off() { vrctl -j show "$A" | "$PY" -c 'import json,sys; print(",".join(json.load(sys.stdin)["fast_path_off"]) or "on")'; }
fpo() { vrctl -j stats "$A" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["routers"][0]["pass"]["fast_path_off"]["packets"])'; }
send3() {
	local spec="dmac=$A_MAC,smac=$(mac_of gen g0),src=198.18.1.2,dst=198.19.253.5,ttl=64,sport=5656,dport=9,data=fp"
	nsx gen "${PKT[@]}" send g0 "$spec" "$spec" "$spec" >/dev/null
}
check_eq "no policy routing: fast path on" on "$(off)"
setup "A adds a policy rule" ip -n "$A" rule add from 198.18.1.0/24 table 100 prio 100
until_ok 3 eval '[ "$(off)" = "policy_routing" ]'
check_eq "the follower turns A's fast path off: policy_routing" "policy_routing" "$(off)"
check "... and says so" grep -q "VR $A: policy routing (1 rules beyond the defaults): its fast path is off" "$T_TMP/follow.log"
check "status says so too" sh -c "$(declare -f vrctl nsx ns); P=$P PIN_DIR=$PIN_DIR VRCTL=$VRCTL; vrctl status | grep -q '$A .*fast path off: policy routing'"
f0=$(fpo); send3; until_ok 2 eval '[ $(fpo) -ge $((f0 + 3)) ]'
check_eq "A's frames go to its kernel: fast_path_off +3" $((f0 + 3)) "$(fpo)"
setup "A deletes the rule" ip -n "$A" rule del from 198.18.1.0/24 table 100 prio 100
until_ok 3 eval '[ "$(off)" = on ]'
check_eq "fast path on again" on "$(off)"
check "set-router A --fast-path off" vrctl set-router "$A" --fast-path off
check_eq "the operator's switch: off" operator "$(off)"
f0=$(fpo); send3; until_ok 2 eval '[ $(fpo) -ge $((f0 + 3)) ]'
check_eq "A's frames go to its kernel again: fast_path_off +3" $((f0 + 3)) "$(fpo)"
vrctl set-router "$A" --fast-path maybe >"$T_TMP/o" 2>"$T_TMP/e"
check_eq "--fast-path maybe: a usage error" "2 1" "$? $(grep -c "^Error: --fast-path: 'maybe' is not on or off" "$T_TMP/e")"
check "set-router A --fast-path on" vrctl set-router "$A" --fast-path on
check_eq "on" on "$(off)"
[ $T_FAILED = 0 ] || grep -v ': neigh ' "$T_TMP/follow.log" | sed "s/^/#   log: /" | tail -20
stop_follower "$FPID"
check "del-router A" vrctl del-router "$A"
check "unload" vrctl unload
t_end
