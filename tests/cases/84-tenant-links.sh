#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# A tenant with root in its VR makes links of its own.  It may make any
# link that stays inside its namespace, but none stacked on the NICs it
# shares with the other VRs; vrctl never takes a link's lower NIC from its
# name.  Each check does what the tenant does and looks at the traffic
# and the host table:
#   - a source-mode macvlan on its macvlan copies every frame of a sender
#     to VR A into VR C: sync deletes it, and the follower within 100 ms;
#   - a second macvlan with a MAC of its own escapes admission: deleted;
#   - a macvlan named "out1" over a veth of its own: its routes are not
#     mirrored onto the host's out1.
#   - anti-spoofing as the VR set it: with rp_filter on in A, frames whose
#     source would not be routed back (or is A's own address) go to A's
#     kernel, which drops them; with it off the fast path forwards them.
#
#   gen:g0 == dut:in0, dut:out0 == s0:s0, dut:out1 == s1:s1
#   VR A on in0, out0; VR C on in0 only.
# plan: 30
. "$(dirname "$0")/../lib.sh"

vrctl() { nsx dut "$VRCTL" --pin-dir "$PIN_DIR" "$@"; }
A=$P-a C=$P-c
A_MAC=02:00:00:00:84:0a C_MAC=02:00:00:00:84:0c
ms() { date +%s%3N; }

ensure_bpffs
topo_gen_dut_s0_s1
setup "vrctl load in0 out0 out1" vrctl load in0 out0 out1
setup "add-router A" vrctl add-router "$A" --mac "$A_MAC" --iface in0,out0
setup "add-router C" vrctl add-router "$C" --mac "$C_MAC" --iface in0
setup "A's address on in0" ip -n "$A" addr add 198.18.84.1/24 dev in0
setup "gen's address" ip -n "$(ns gen)" addr add 198.18.84.2/24 dev g0
GEN_MAC=$(mac_of gen g0)
TC=$(table_of "$C")

# frames_seen_by_c TAG: five UDP frames from gen to A's address (A's
# kernel takes them: a local destination), captured in C's namespace on
# every interface; prints how many C saw.
frames_seen_by_c() {
	udp_seen_in "$C" "$1" "dmac=$A_MAC,smac=$GEN_MAC,src=198.18.84.2,dst=198.18.84.1,ttl=64,sport=8484,dport=8484"
}

# --- a source-mode macvlan in C, spying on gen's frames to A ----------------------------
setup "C adds a source-mode macvlan 'spy' on its in0 for gen's MAC" sh -c "
	ip -n $C link add spy link in0 type macvlan mode source &&
	ip -n $C link set spy type macvlan macaddr add $GEN_MAC && ip -n $C link set spy up"
check_eq "without vrctl's check, C sees gen's frames to A (the attack works here)" 5 \
	"$(frames_seen_by_c leak)"
vrctl sync >"$T_TMP/o" 2>"$T_TMP/e"
check_eq "vrctl sync deletes it and names C" 1 \
	"$(grep -c "^Warning: VR $C: link spy (macvlan on shared NIC in0) was not made by vrctl: deleted" "$T_TMP/e")"
check "spy is gone from C" eval "! ip -n $C link show spy >/dev/null 2>&1"
check_eq "C sees none of gen's frames to A any more" 0 "$(frames_seen_by_c gone)"
check "C's own macvlan in0 is untouched" ip -n "$C" link show in0

# --- the follower deletes such links as they appear ------------------------------------
check "vrctl sync --follow started" start_follower
t0=$(ms)
ip -n "$C" link add spy2 link in0 type macvlan mode source
until_ok 2 eval "! ip -n $C link show spy2"
t1=$(ms)
check "the follower deleted spy2" eval "! ip -n $C link show spy2 >/dev/null 2>&1"
echo "# spy2 gone $((t1 - t0)) ms after it was made"
check "... within 250 ms of its creation (measured $((t1 - t0)) ms)" test $((t1 - t0)) -le 250
setup "A adds a private macvlan 'sec0' with a MAC of its own (no admission for it)" \
	ip -n "$A" link add sec0 link in0 address 02:00:00:00:84:99 type macvlan mode private
until_ok 2 eval "! ip -n $A link show sec0"
check "the follower deleted sec0" eval "! ip -n $A link show sec0 >/dev/null 2>&1"
until_ok 2 grep -q "VR $A: link sec0" "$T_TMP/follow.log"
check_eq "... and said so, naming A" 1 \
	"$(grep -c "VR $A: link sec0 (macvlan on shared NIC in0) was not made by vrctl: deleted" "$T_TMP/follow.log")"
stop_follower "$FPID"

# --- a macvlan named like a host NIC, over a veth of C's own -----------------------------
setup "C: veth v0/v1 of its own and a macvlan 'out1' on v0" sh -c "
	ip -n $C link add v0 type veth peer name v1 && ip -n $C link set v0 up &&
	ip -n $C link set v1 up && ip -n $C link add out1 link v0 type macvlan mode bridge &&
	ip -n $C link set out1 up && ip -n $C addr add 198.18.85.1/24 dev out1 &&
	ip -n $C route add 198.18.86.0/24 via 198.18.85.2 dev out1"
check "vrctl sync" vrctl sync
check_eq "C's routes over its own 'out1' are not mirrored onto the host's out1" "" \
	"$(ip -n "$(ns dut)" route show table "$TC" | grep 'dev out1')"
check "... 198.18.86.0/24 goes to C's kernel instead (a throw route)" \
	sh -c "ip -n $(ns dut) route show table $TC | grep -q '^throw 198.18.86.0/24'"
check "C's own links were not deleted (not on a shared NIC)" ip -n "$C" link show out1
# --- rp_filter as A set it -------------------------------------------------------------
st() { vrctl -j stats "$A" | "$PY" -c 'import json,sys; r=json.load(sys.stdin)["routers"][0]; k=sys.argv[1]; print(r[k]["packets"] if k in ("rx","fwd") else r["pass"][k]["packets"])' "$1"; }
S0_MAC=$(mac_of s0 s0)
setup "A routes 198.18.100.0/24 via s0" sh -c "
	ip -n $A addr add 198.18.2.1/24 dev out0 && ip -n $A neigh add 198.18.2.2 lladdr $S0_MAC dev out0 nud permanent &&
	ip -n $A route add 198.18.100.0/24 via 198.18.2.2 dev out0"
check "vrctl sync" vrctl sync
# send5 SRC: five frames from gen to 198.18.100.5 with source SRC
send5() {
	local spec="dmac=$A_MAC,smac=$GEN_MAC,src=$1,dst=198.18.100.5,ttl=64,sport=8585,dport=9,data=rpf" i specs=()
	for i in 1 2 3 4 5; do specs+=("$spec"); done
	nsx gen "${PKT[@]}" send g0 "${specs[@]}" >/dev/null
}
f0=$(st fwd); send5 198.18.84.2; until_ok 2 eval '[ $(st fwd) -ge $((f0 + 5)) ]'
check_eq "rp_filter off: frames from gen forwarded by the fast path" $((f0 + 5)) "$(st fwd)"
f0=$(st fwd); send5 198.18.2.77; until_ok 2 eval '[ $(st fwd) -ge $((f0 + 5)) ]'
check_eq "rp_filter off: a source routed back out of out0 forwarded too (as A's kernel would)" \
	$((f0 + 5)) "$(st fwd)"
setup "A turns rp_filter on (strict)" vx "$A" sysctl -qw net.ipv4.conf.all.rp_filter=1
check "vrctl sync" vrctl sync
f0=$(st fwd) r0=$(st rp_filter); send5 198.18.2.77; until_ok 2 eval '[ $(st rp_filter) -ge $((r0 + 5)) ]'
check_eq "strict: a source routed back out of out0 goes to A's kernel (rp_filter 5, fwd 0)" \
	"$((r0 + 5)) $f0" "$(st rp_filter) $(st fwd)"
r0=$(st rp_filter); send5 198.18.84.1; until_ok 2 eval '[ $(st rp_filter) -ge $((r0 + 5)) ]'
check_eq "strict: A's own address as source goes to A's kernel" $((r0 + 5)) "$(st rp_filter)"
f0=$(st fwd); send5 198.18.84.2; until_ok 2 eval '[ $(st fwd) -ge $((f0 + 5)) ]'
check_eq "strict: gen's own source is still forwarded by the fast path" $((f0 + 5)) "$(st fwd)"
check "vrctl sync --follow started" start_follower
setup "A sets rp_filter 2 (loose) on in0" vx "$A" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.in0.rp_filter=2
until_ok 2 grep -q "VR $A: rp_filter loose on in0" "$T_TMP/follow.log"
check "the follower mirrors the change as it happens" grep -q "VR $A: rp_filter loose on in0" "$T_TMP/follow.log"
f0=$(st fwd); send5 198.18.2.77; until_ok 2 eval '[ $(st fwd) -ge $((f0 + 5)) ]'
check_eq "loose: a source with a route back (out of out0) is forwarded" $((f0 + 5)) "$(st fwd)"
r0=$(st rp_filter); send5 198.18.199.7; until_ok 2 eval '[ $(st rp_filter) -ge $((r0 + 5)) ]'
check_eq "loose: a source with no route back goes to A's kernel" $((r0 + 5)) "$(st rp_filter)"
stop_follower "$FPID"
check "del-router A" vrctl del-router "$A"
check "del-router C" vrctl del-router "$C"
check "unload" vrctl unload
t_end
