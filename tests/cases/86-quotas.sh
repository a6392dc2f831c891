#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Per-VR quotas on what the VRs share: a tenant that makes more
# neighbours or routes than its quota keeps what fits, the rest of its
# traffic takes the slow path, the other VRs are untouched, and the
# change is said once; quotas of all VRs together never exceed a map.
#
#   gen:g0 == dut:in0, dut:out0 == s0:s0, dut:out1 == s1:s1
#   VR R (routes) and VR N (neighbours) on in0 and out0; VR B on in0, out1.
# plan: 30
. "$(dirname "$0")/../lib.sh"

vrctl() { nsx dut "$VRCTL" --pin-dir "$PIN_DIR" "$@"; }
R=$P-r N=$P-n B=$P-b
R_MAC=02:00:00:00:86:01 N_MAC=02:00:00:00:86:02 B_MAC=02:00:00:00:86:03
jq_() { "$PY" -c "import json,sys; j=json.load(sys.stdin); print($1)"; }
table_of() { vrctl -j show "$1" | jq_ 'j["table"]'; }
neigh_n() { vrctl neigh show "$1" | grep -c lladdr; }
# fails DESC PATTERN CMD...: exit 1 or 2, one error line matching PATTERN
fails() {
	local d=$1 pat=$2; shift 2
	"$@" >"$T_TMP/o" 2>"$T_TMP/e"
	local rc=$?
	if [ $rc = 0 ] || ! grep -qE "^Error: .*$pat" "$T_TMP/e" || [ "$(grep -c '^Error' "$T_TMP/e")" != 1 ]; then
		not_ok "$d (exit $rc: $(head -1 "$T_TMP/e"))"
	else
		ok "$d: '$(head -1 "$T_TMP/e")'"
	fi
}

ensure_bpffs
topo_gen_dut_s0_s1
setup "vrctl load in0 out0 out1" vrctl load in0 out0 out1

# --- the sums stay within the maps ---------------------------------------------------
fails "a neighbour quota beyond vr_neigh" "1-131072" \
	vrctl add-router "$R" --mac "$R_MAC" --quota-neigh 200000
check "add-router N --quota-neigh 130000" vrctl add-router "$N" --mac "$N_MAC" --iface in0,out0 --quota-neigh 130000
fails "another VR's default quota (128) no longer fits: 130000 + 1073 > 131072" \
	"does not fit: the other VRs' quotas take 130000 of vr_neigh" \
	vrctl add-router "$R" --mac "$R_MAC" --quota-neigh 1073
check "set-router N --quota-neigh 4 frees the rest" vrctl set-router "$N" --quota-neigh 4
check "add-router R --quota-routes 5" vrctl add-router "$R" --mac "$R_MAC" --iface in0,out0 --quota-routes 5
check "add-router B (default quotas)" vrctl add-router "$B" --mac "$B_MAC" --iface in0,out1
fails "a MAC quota below the VR's NICs" "2 NICs, over its MAC quota of 1" \
	vrctl add-router "$P-m" --mac "in0=02:00:00:00:86:04,out0=02:00:00:00:86:05" --quota-macs 1
fails "set-router: a MAC quota below what it has" "has 2 NICs: a MAC quota of 1" \
	vrctl set-router "$N" --quota-macs 1
check_eq "show: N's quotas" "4 10000 2/8" \
	"$(vrctl -j show "$N" | jq_ '"%d %d %d/%d" % (j["quota"]["neigh"], j["quota"]["routes"], j["quota"]["macs_used"], j["quota"]["macs"])')"

# --- neighbours: N makes 10, its quota is 4 -----------------------------------------------
# IPv4 only in N: an IPv6 link-local neighbour (s0's ND) would take a slot.
setup "N without IPv6" vx "$N" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
setup "N's address on out0" ip -n "$N" addr add 198.18.2.1/24 dev out0
for i in $(seq 10 19); do
	setup "N: permanent neighbour 198.18.2.$i" \
		ip -n "$N" neigh add "198.18.2.$i" lladdr "02:00:00:00:87:$i" dev out0 nud permanent
done
# B too: s1's router solicitations would leave an IPv6 neighbour in B
# whenever they come before the sync (seen under load).
setup "B without IPv6" vx "$B" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
setup "B's address on out1" ip -n "$B" addr add 198.18.4.1/24 dev out1
setup "B: a neighbour" ip -n "$B" neigh add 198.18.4.2 lladdr 02:00:00:00:88:02 dev out1 nud permanent
vrctl sync >"$T_TMP/o" 2>"$T_TMP/e"
check_eq "sync mirrors 4 of N's 10 neighbours" 4 "$(neigh_n "$N")"
check_eq "... and says so once" 1 "$(grep -c "VR $N: 10 neighbours, over its quota of 4" "$T_TMP/e")"
check_eq "B's neighbour is there all the same" 1 "$(neigh_n "$B")"
fails "vrctl neigh add beyond N's quota" "has 4 neighbours, its quota" \
	vrctl neigh add "$N" 198.18.2.99 lladdr 02:00:00:00:87:99 dev out0
check "vrctl sync --follow started" start_follower
for i in 20 21 22; do
	setup "N: one more neighbour" ip -n "$N" neigh add "198.18.2.$i" lladdr "02:00:00:00:87:$i" dev out0 nud permanent
done
sleep 0.5
check_eq "still 4, and no new warning for each one (one per change of state)" "4 1" \
	"$(neigh_n "$N") $(grep -c "VR $N: .*over its quota\|VR $N: .*neighbours beyond" "$T_TMP/follow.log")"
for i in $(seq 10 20); do ip -n "$N" neigh del "198.18.2.$i" dev out0; done
until_ok 3 eval '[ "$(neigh_n "$N")" = 2 ]'
check_eq "N deletes down to 2: the waiting ones take the room freed" 2 "$(neigh_n "$N")"
check "... and it is said once: every neighbour back" \
	grep -q "VR $N: every neighbour in the fast path again" "$T_TMP/follow.log"

# --- routes: R wants 8, its quota is 5 -----------------------------------------------------
setup "R's addresses and routes" sh -c "
	ip -n $R addr add 198.18.2.1/24 dev out0 &&
	for p in 198.18.100.0/24 198.18.100.0/25 198.18.100.0/26 198.18.100.0/27 198.18.100.0/28 198.18.0.0/16; do
		ip -n $R route add \$p via 198.18.2.2 dev out0 || exit 1
	done"
stop_follower "$FPID"
vrctl sync >"$T_TMP/o" 2>"$T_TMP/e"
TR=$(table_of "$R")
rt() { ip -n "$(ns dut)" route show table "$TR" | awk '{print ($1 == "local" ? $1 " " $2 : $1)}' | sort | xargs; }
check_eq "the 5 most specific of R's 8 routes are mirrored" \
	"198.18.100.0/25 198.18.100.0/26 198.18.100.0/27 198.18.100.0/28 local 198.18.2.1" "$(rt)"
check_eq "... said once" 1 "$(grep -c "VR $R: 8 routes, over its quota of 5: the 3 least specific" "$T_TMP/e")"
check "vrctl sync --follow started" start_follower
setup "R adds a /29" ip -n "$R" route add 198.18.100.0/29 via 198.18.2.2 dev out0
until_ok 3 eval '[ "$(rt)" = "198.18.100.0/26 198.18.100.0/27 198.18.100.0/28 198.18.100.0/29 local 198.18.2.1" ]'
check_eq "the follower keeps the 5 most specific: the /29 in, the /25 out" \
	"198.18.100.0/26 198.18.100.0/27 198.18.100.0/28 198.18.100.0/29 local 198.18.2.1" "$(rt)"
check "set-router R --quota-routes 100" vrctl set-router "$R" --quota-routes 100
until_ok 3 eval '[ "$(rt | wc -w)" = 10 ]'
check_eq "a larger quota: all 9 routes (and the connected one) mirrored" 10 "$(rt | wc -w)"
check "... said once" grep -q "VR $R: 9 routes, within its quota of 100 again" "$T_TMP/follow.log"
stop_follower "$FPID"
for v in "$R" "$N" "$B"; do check "del-router $v" vrctl del-router "$v"; done
check "unload" vrctl unload
t_end
