#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Differential test, the VR's kernel as the oracle: random routes in a VR
# (unicast on either NIC, multipath, nexthop objects and groups, an MTU
# metric, blackhole, unreachable, prohibit, throw; IPv4 and IPv6, nested
# prefixes), next hops whose neighbour is in a random NUD state, policy
# routing in one seed of four, and random frames (destinations in and around them, TTL 1, 2
# and 64, sizes up to the MTU), each sent with the fast path on and then
# off (set-router --fast-path off: the VR's kernel alone); what arrives at
# each sink, byte for byte, must be the same.  DIFF_SEEDS="1 2 3" and
# DIFF_FRAMES=N (environment) run more.
#
#   gen:g0 == dut:in0, dut:out0 == s0:s0, dut:out1 == s1:s1; VR A on all three.
# plan: 4
. "$(dirname "$0")/../lib.sh"

vrctl() { nsx dut "$VRCTL" --pin-dir "$PIN_DIR" "$@"; }
A=$P-a A_MAC=02:00:00:00:58:01
SEEDS=${DIFF_SEEDS:-1 2 3} N=${DIFF_FRAMES:-150}
DT=("$PY" "$TOP/tests/difftest.py")

ensure_bpffs
topo_gen_dut_s0_s1
setup "vrctl load in0 out0 out1" vrctl load in0 out0 out1
GEN_MAC=$(mac_of gen g0)

fwd() { vrctl -j stats "$A" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["routers"][0]["fwd"]["packets"])'; }
# send_all NAME: the frames of $T_TMP/frames, then a stop frame to each
# sink, captured at s0 and s1 into $T_TMP/NAME-s0/-s1.
send_all() {
	local stop0="dmac=$A_MAC,smac=$GEN_MAC,src=198.18.1.2,dst=198.18.250.1,ttl=64,sport=1,dport=9,data=d0stop"
	local stop1="dmac=$A_MAC,smac=$GEN_MAC,src=198.18.1.2,dst=198.18.251.1,ttl=64,sport=1,dport=9,data=d0stop"
	caps=()
	capture_start s0 s0 "$T_TMP/$1-s0" d0stop && capture_start s1 s1 "$T_TMP/$1-s1" d0stop ||
		fatal "captures ready"
	mapfile -t specs <"$T_TMP/frames"
	nsx gen "${PKT[@]}" send g0 "${specs[@]}" >/dev/null || fatal "send"
	sleep 0.3	# the slow path's frames last
	nsx gen "${PKT[@]}" send g0 "$stop0" "$stop1" >/dev/null || fatal "send stops"
	wait "${caps[@]}"
}

for seed in $SEEDS; do
	setup "add-router A (seed $seed)" vrctl add-router "$A" --mac "$A_MAC"
	setup "A's addresses and neighbours" sh -c "
		ip -n $A addr add 198.18.1.1/24 dev in0 && ip -n $A addr add 2001:2:0:1::1/64 dev in0 nodad &&
		ip -n $A addr add 198.18.10.1/24 dev out0 && ip -n $A addr add 2001:2:0:10::1/64 dev out0 nodad &&
		ip -n $A addr add 198.18.11.1/24 dev out1 && ip -n $A addr add 2001:2:0:11::1/64 dev out1 nodad &&
		for a in 198.18.10.2 2001:2:0:10::2; do ip -n $A neigh add \$a lladdr $(mac_of s0 s0) dev out0 nud permanent || exit 1; done &&
		for a in 198.18.11.2 2001:2:0:11::2; do ip -n $A neigh add \$a lladdr $(mac_of s1 s1) dev out1 nud permanent || exit 1; done &&
		ip -n $A route add 198.18.250.0/24 via 198.18.10.2 dev out0 &&
		ip -n $A route add 198.18.251.0/24 via 198.18.11.2 dev out1"
	"${DT[@]}" config "$seed" "$(mac_of s0 s0)" "$(mac_of s1 s1)" >"$T_TMP/config"
	setup "A's random routes (seed $seed, $(wc -l <"$T_TMP/config") lines)" ip -n "$A" -batch "$T_TMP/config"
	setup "vrctl sync" vrctl sync
	"${DT[@]}" frames "$seed" "$N" "$A_MAC" "$GEN_MAC" >"$T_TMP/frames"
	f0=$(fwd)
	send_all on
	d=$(( $(fwd) - f0 ))	# the two stop frames included, unless the fast path is off
	echo "# seed $seed: $(( d >= 2 ? d - 2 : 0 )) of the $N frames forwarded by the fast path itself"
	setup "fast path off" vrctl set-router "$A" --fast-path off
	send_all off
	"${DT[@]}" compare "$T_TMP/on-s0" "$T_TMP/on-s1" "$T_TMP/off-s0" "$T_TMP/off-s1" "$N" >"$T_TMP/cmp"
	rc=$?
	sed 's/^/# seed '"$seed"': /' "$T_TMP/cmp"
	if [ $rc = 0 ]; then ok "seed $seed: $N frames, the fast path and the VR's kernel agree"
	else not_ok "seed $seed: the fast path and the VR's kernel disagree"; fi
	setup "del-router A" vrctl del-router "$A"
done
check "unload" vrctl unload
t_end
