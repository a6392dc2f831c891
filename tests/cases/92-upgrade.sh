#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# vrctl upgrade: a vrouter loaded by an older vrctl (UPGRADE_FROM, default
# 7f67b40, the last release of ABI 2; built by `make old-vrctl`) with two VRs,
# limits, quotas and a follower; this vrctl reads it (list, show), refuses
# to change it, and upgrades it under traffic: VRs, namespaces and every
# map entry kept, the program replaced on each NIC, frames still flowing,
# the old follower reopening the new maps.  Then the bad cases.
#
#   gen:g0 == dut:in0 [load in0 out0 out1] dut:out0 == s0:s0
#                                          dut:out1 == s1:s1
# plan: 78
. "$(dirname "$0")/../lib.sh"

FROM=${UPGRADE_FROM:-7f67b40} OA=${UPGRADE_FROM_ABI:-2}	# the ABI of that vrctl
NA=$(sed -n 's/^#define VR_ABI_VERSION[[:space:]]*\([0-9]*\).*/\1/p' "$TOP/include/vrouter.h")
OLD="$TOP/.output/old/$FROM/vrctl"
GEN="$TOP/.output/bench/trafficgen"
A=$P-a B=$P-b TA=1200 TB=1201
A_MAC=02:00:00:00:0a:01 B_IN=02:00:00:00:0b:01 B_OUT=02:00:00:00:0b:02
vrctl() { nsx dut "$VRCTL" --pin-dir "$PIN_DIR" "$@"; }
old() { nsx dut "$OLD" --pin-dir "$PIN_DIR" "$@"; }

[ -x "$VRCTL" ] || fatal "$VRCTL not built (make)"
# The engine on converter rows, as a future layout change adds them.
[ -x "$TESTBIN/test_migrate" ] || fatal "$TESTBIN/test_migrate not built (make)"
"$TESTBIN/test_migrate" 2>/dev/null || T_FAILED=1
[ -x "$GEN" ] || fatal "$GEN not built (make bench-progs)"
if [ ! -x "$OLD" ]; then
	if ! git -C "$TOP" cat-file -e "$FROM^{commit}" 2>/dev/null; then
		# the plan's other 65 checks, each skipped
		for i in $(seq 65); do
			ok "upgrade from $FROM, check $i # SKIP no git history to build the vrctl of $FROM (make old-vrctl)"
		done
		t_end; exit
	fi
	setup "make old-vrctl UPGRADE_FROM=$FROM" make -C "$TOP" -s old-vrctl UPGRADE_FROM="$FROM"
fi
ensure_bpffs

# --- an older vrouter with two VRs -------------------------------------------
topo_gen_dut_s0_s1
G0_MAC=$(mac_of gen g0)
setup "dut forwarding" nsx dut sysctl -qw net.ipv4.conf.all.forwarding=1
setup "old vrctl load in0 out0 out1" old load in0 out0 out1
setup "old add-router $A (limit, quotas)" old add-router "$A" --mac $A_MAC --table $TA \
	--rate-pps 200000 --burst 5000 --quota-neigh 64 --quota-routes 500
setup "old add-router $B (per-NIC MACs, byte limit)" old add-router "$B" \
	--mac in0=$B_IN,out1=$B_OUT --table $TB --iface in0,out1 --rate-bps 100000000
setup "addresses and routes" eval "
	ip netns exec $A sysctl -qw net.ipv6.conf.all.disable_ipv6=1 &&
	ip netns exec $B sysctl -qw net.ipv6.conf.all.disable_ipv6=1 &&
	ip -n $A addr add 198.18.1.1/24 dev in0 &&
	ip -n $A addr add 198.18.10.1/24 dev out0 &&
	ip -n $A route add 198.18.100.0/24 via 198.18.10.2 &&
	ip -n $B addr add 198.18.1.11/24 dev in0 &&
	ip -n $B addr add 198.18.11.1/24 dev out1 &&
	ip -n $B route add 198.18.100.0/24 via 198.18.11.2 &&
	ip -n $(ns s0) addr add 198.18.10.2/24 dev s0 &&
	ip -n $(ns s1) addr add 198.18.11.2/24 dev s1 &&
	ip -n $A neigh replace 198.18.10.2 lladdr $(mac_of s0 s0) dev out0 nud permanent &&
	ip -n $B neigh replace 198.18.11.2 lladdr $(mac_of s1 s1) dev out1 nud permanent"
nsenter --net="/run/netns/$P-dut" "$OLD" --pin-dir "$PIN_DIR" -v sync --follow \
	>>"$T_TMP/follow.log" 2>&1 &
FPID=$!
until_ok 5 grep -q "following the VRs" "$T_TMP/follow.log" || fatal "old follower started"
has_neigh() { "$@" neigh show "$A" dev out0 | grep -q "${NEIGH:-198.18.10.2}"; }
until_ok 5 has_neigh old || fatal "the old follower mirrored $A's neighbour"

rx_s0() { ip -n "$(ns s0)" -s -j link show s0 | "$PY" -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["rx"]["packets"])'; }
fwd_a() { "$@" -j stats "$A" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["routers"][0]["fwd"]["packets"])'; }
# gen RATE SECONDS: frames to A across to s0; "sent=N" on stdout
gen() { nsx gen "$GEN" --dev g0 --src-mac "$G0_MAC" --dst-mac $A_MAC --src-ip 198.18.1.2 --dst-ip 198.18.100.7 \
	--rate "$1" --duration "$2"; }
sent_of() { tr ' ' '\n' <"$1" | sed -n 's/^sent=//p'; }
# frames_through DESC: a burst crosses A by the fast path, delivered to s0
frames_through() {
	local r0 f0 r1 f1
	r0=$(rx_s0) f0=$(fwd_a "$@")
	gen 10000 0.5 >"$T_TMP/gen1" 2>&1
	sleep 0.3
	r1=$(rx_s0) f1=$(fwd_a "$@")
	n=$(sent_of "$T_TMP/gen1")
	echo "gen: $(cat "$T_TMP/gen1"); s0 got $((r1 - r0)), fwd $((f1 - f0))"
	[ "$((r1 - r0))" -ge "$((n * 99 / 100))" ] && [ "$((f1 - f0))" -ge "$((n * 99 / 100))" ] && [ "$n" -gt 0 ]
}
check "old: frames to $A forwarded by the fast path" frames_through old

# What the old vrctl shows, for the comparison after the upgrade (the
# counters move with the traffic: left out).
conf() { "$PY" -c '
import json, sys
def strip(v):
    # 0.10: a list is {"routers": [...]}; the ifaces of a VR are objects with
    # its MAC (0.9: names, and the MACs in "macs"); netns_missing, the
    # routes in use and whether XDP is attached are new
    if isinstance(v, dict) and set(v) == {"routers"}:
        v = v["routers"]
    if isinstance(v, dict) and v.get("ifaces") and isinstance(v["ifaces"][0], dict):
        v = dict(v, macs=[{k: i[k] for k in ("ifname", "ifindex", "mac")} for i in v["ifaces"]],
                 ifaces=[i["ifname"] for i in v["ifaces"]])
    if isinstance(v, dict):
        v = {k: x for k, x in v.items() if k not in ("netns_missing", "routes_used")}
        # the ABI-1 vrctl called an interface name "iface" (0.9: "ifname")
        return {("ifname" if k == "iface" else k): strip(x) for k, x in v.items()
                if k not in ("stats", "rx", "fwd", "pass", "policed", "counters", "fast_path",
                             "tenant")}
    if isinstance(v, list):
        return [strip(x) for x in v]
    return v
print(json.dumps(strip(json.load(sys.stdin)), sort_keys=True))'; }
old -j list | conf >"$T_TMP/old-list"
old -j show "$A" | conf >"$T_TMP/old-a"
old -j show "$B" | conf >"$T_TMP/old-b"
old neigh show "$A" >"$T_TMP/old-neigh-a"
prog_id() { ip -n "$(ns dut)" -j link show "$1" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)[0].get("xdp", {}).get("prog", {}).get("id", 0))'; }
ids_before="$(prog_id in0) $(prog_id out0) $(prog_id out1)"

# --- this vrctl reads the older layout ---------------------------------------
check "new list reads ABI $OA" vrctl list
check_eq "new list -j = old list -j (VRs, tables, state)" "$(cat "$T_TMP/old-list")" "$(vrctl -j list 2>/dev/null | conf)"
check_eq "new show -j $A = old show -j $A" "$(cat "$T_TMP/old-a")" "$(vrctl -j show "$A" 2>/dev/null | conf)"
check_eq "new show -j $B = old show -j $B" "$(cat "$T_TMP/old-b")" "$(vrctl -j show "$B" 2>/dev/null | conf)"
vrctl list >/dev/null 2>"$T_TMP/err"
check_eq "reading ABI $OA says to run vrctl upgrade (stderr)" \
	"pinned maps are ABI $OA, this vrctl is ABI $NA: reading a converted copy (run \`vrctl upgrade\`)" \
	"$(sed 's/^[A-Za-z]*: //' "$T_TMP/err")"

# --- changing commands refuse, one line, nothing changed ---------------------
MSG="pinned maps are ABI $OA, this vrctl is ABI $NA: run \`vrctl upgrade\`"
for c in "add-router $P-c --mac 02:00:00:00:0c:01" "set-router $A --rate-pps 10" \
	 "del-router $B" "load --replace in0" "unload"; do
	vrctl $c >"$T_TMP/out" 2>"$T_TMP/err"; rc=$?
	check_eq "new $c on ABI $OA: exit 1, the one line" "1 1 $MSG" \
		"$rc $(wc -l <"$T_TMP/err") $(sed 's/^[A-Za-z]*: //' "$T_TMP/err")"
done
check_eq "nothing changed (old list -j)" "$(cat "$T_TMP/old-list")" "$(old -j list | conf)"

# --- an upgrade killed before the switch changes nothing ---------------------
VRCTL_FAULT=upgrade:pinned vrctl upgrade >/dev/null 2>&1
check_eq "killed before the switch: programs unchanged" "$ids_before" \
	"$(prog_id in0) $(prog_id out0) $(prog_id out1)"
check_eq "killed before the switch: old vrctl still reads the same" "$(cat "$T_TMP/old-list")" \
	"$(old -j list | conf)"

# A follower of this vrctl (a package restarts it before the upgrade):
# waits, saying so once.
nsenter --net="/run/netns/$P-dut" "$VRCTL" --pin-dir "$PIN_DIR" -v sync --follow \
	>"$T_TMP/new-follow.log" 2>&1 &
NFPID=$!
sleep 2.5
check_eq "a new follower on ABI $OA waits for the upgrade, said once" "1" \
	"$(grep -c "pinned maps are ABI $OA, this vrctl is ABI $NA: waiting for \`vrctl upgrade\`" "$T_TMP/new-follow.log")"

# --- the upgrade, under traffic ----------------------------------------------
# Every entry of the maps that do not move with traffic, as bpftool dumps
# them, sorted: the same before and after.
MAPS="vr_macs vr_ports vr_neigh vr_tx_ports vr_routers vr_limits vr_sysctls"
dump() { bpftool -j map dump pinned "$PIN_DIR/$1" | "$PY" -c '
import json, sys
print(json.dumps(sorted(json.load(sys.stdin), key=lambda e: json.dumps(e.get("key"))), sort_keys=True))'; }
for m in $MAPS; do dump $m >"$T_TMP/before-$m"; done
check_eq "the dumps before hold the entries (5 MACs, 5 ports, 2 neighbours)" "5 5 2" \
	"$(for m in vr_macs vr_ports vr_neigh; do "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))' <"$T_TMP/before-$m"; done | xargs)"
ip -n "$(ns dut)" route show table $TA >"$T_TMP/before-ta"
r0=$(rx_s0)
gen 20000 4 >"$T_TMP/gen" 2>&1 &
GPID=$!
sleep 1.5
check "vrctl upgrade under traffic" vrctl upgrade
cp "$T_TMP/out" "$T_TMP/upgrade.out"
wait $GPID
sleep 0.3
sent=$(sent_of "$T_TMP/gen") got=$(($(rx_s0) - r0))
echo "# upgrade under 20 kpps: sent $sent, delivered $got"
check "the frames sent during the upgrade delivered (sent $sent, delivered $got; 1% noise)" \
	test "$sent" -gt 0 -a "$got" -ge $((sent - sent / 100))
check "it said so: ABI $OA -> $NA, 3 NICs" grep -q "upgraded from ABI $OA to ABI $NA: .* map entries migrated, 3 NICs" "$T_TMP/upgrade.out"
check "the stale directory of the killed upgrade was removed" test ! -e "$PIN_DIR/upgrade"
ids_after="$(prog_id in0) $(prog_id out0) $(prog_id out1)"
read -r a0 a1 a2 <<<"$ids_after"
read -r b0 _ _ <<<"$ids_before"
check "a new program on each NIC ($ids_before -> $ids_after)" \
	test "$a0" != "$b0" -a "$a0" = "$a1" -a "$a1" = "$a2" -a "$a0" != 0
# ABI 2 grew vr_neigh's value (the VR's port MAC copied next to the next
# hop's): the key and the next hop's MAC stay, the copy is derived.
neigh_mac() { "$PY" -c '
import json, sys
print(json.dumps([[e["key"], e["value"][:6]] for e in json.load(sys.stdin)]))'; }
# ABI 3 took a byte of vr_macs' value for facts about the ingress NIC
# (flags), which the upgrade derives: the rest of each entry stays.
macs_but_flags() { "$PY" -c '
import json, sys
print(json.dumps([[e["key"], e["value"][:10] + e["value"][11:]] for e in json.load(sys.stdin)]))'; }
# ABI 3 appended the tenant's user namespace to vr_routers' records: an
# older VR has none (zeros).
routers_abi2() { "$PY" -c '
import json, sys
n = int(sys.argv[1]) if len(sys.argv) > 1 else 0
rows = json.load(sys.stdin)
if n:
    assert all(int(b, 16) == 0 for e in rows for b in e["value"][n:]), "tenant fields not 0"
print(json.dumps([[e["key"], e["value"][:80]] for e in rows]))' "$@"; }
for m in $MAPS; do
	if [ $m = vr_neigh ] && [ "$OA" = 1 ]; then
		check "vr_neigh: every key and next-hop MAC the same in the new map" \
			diff <(neigh_mac <"$T_TMP/before-$m") <(dump $m | neigh_mac)
		continue
	fi
	if [ $m = vr_routers ] && [ "$OA" -lt 3 ]; then
		check "vr_routers: every record's 80 bytes the same, the tenant's user namespace appended as none" \
			diff <(routers_abi2 <"$T_TMP/before-$m") <(dump $m | routers_abi2 80)
		continue
	fi
	if [ $m = vr_macs ] && [ "$OA" -lt 3 ]; then
		check "vr_macs: every key and value the same in the new map, but the derived flags" \
			diff <(macs_but_flags <"$T_TMP/before-$m") <(dump $m | macs_but_flags)
		continue
	fi
	check "$m: every entry the same in the new map" diff "$T_TMP/before-$m" <(dump $m)
done
# each neighbour's copy of its VR's port MAC on the NIC is vr_ports' entry
check_eq "vr_neigh: the port MAC derived for every neighbour (src = vr_ports' mac, has_port 1)" "2 ok" \
	"$(dump vr_neigh | "$PY" -c '
import json, sys
ports = {tuple(e["key"]): e["value"][:6] for e in json.loads(sys.argv[1])}
n = json.load(sys.stdin)
bad = [e for e in n if e["value"][6:12] != ports.get(tuple(e["key"][:8])) or int(e["value"][12], 16) != 1]
print(len(n), "ok" if not bad else bad)' "$(dump vr_ports)")"
if [ "$OA" -lt 3 ]; then
	# every NIC here is a veth: senders behind it may leave checksums to offload
	check_eq "vr_macs: the ingress NIC's flags derived (partial checksums on the veths: flags 1)" "5 ok" \
		"$(dump vr_macs | "$PY" -c '
import json, sys
m = json.load(sys.stdin)
print(len(m), "ok" if all(int(e["value"][10], 16) == 1 for e in m) else m)')"
else
	ok "vr_macs: the ingress NIC's flags derived # SKIP ABI $OA has them"
fi
check "host table $TA ($A's routes) untouched" diff "$T_TMP/before-ta" <(ip -n "$(ns dut)" route show table $TA)
check "the VRs' namespaces are still there" test -e "/run/netns/$A" -a -e "/run/netns/$B"
check_eq "list -j after = before" "$(cat "$T_TMP/old-list")" "$(vrctl -j list | conf)"
check_eq "show -j $A after = before" "$(cat "$T_TMP/old-a")" "$(vrctl -j show "$A" | conf)"
check_eq "show -j $B after = before" "$(cat "$T_TMP/old-b")" "$(vrctl -j show "$B" | conf)"
tenant_userns() { vrctl -j show "$1" | "$PY" -c 'import json,sys; print(json.load(sys.stdin).get("tenant", {}).get("userns"))'; }
if [ "$OA" -lt 3 ]; then
	check_eq "show: $A, made by ABI $OA, has no user namespace of its own (said so)" "False" "$(tenant_userns "$A")"
else
	check_eq "show: $A has a user namespace of its own" "True" "$(tenant_userns "$A")"
fi
check_eq "$A's neighbours after = before" "$(cat "$T_TMP/old-neigh-a")" "$(vrctl neigh show "$A")"
vrctl list >/dev/null 2>"$T_TMP/err"
check_eq "reading ABI $NA: no warning" "" "$(cat "$T_TMP/err")"
check_eq "status: ABI $NA, written by this vrctl's revision" "$NA $(vrctl -j --version | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["git_revision"])')" \
	"$(vrctl -j status | "$PY" -c 'import json,sys; a = json.load(sys.stdin)["abi"]; print(a["abi_version"], a["git_revision"])')"
check "new: frames to $A forwarded by the fast path" frames_through vrctl
check "the new follower started following after the upgrade" \
	until_ok 5 grep -q "following the VRs" "$T_TMP/new-follow.log"
kill "$NFPID" 2>/dev/null; wait "$NFPID" 2>/dev/null
check "the old follower noticed the maps changed" until_ok 5 grep -q "maps changed\|was unloaded" "$T_TMP/follow.log"
if [ "$OA" -lt "$NA" ]; then
	# an older follower cannot write the new layout (ABI 1: vr_neigh's
	# 8-byte values; ABI 2: vr_stats' pass reasons): it says so rather
	# than write the old one; the operator restarts it with the new vrctl
	check "the ABI-$OA follower refuses the new layout" \
		until_ok 5 grep -q "another layout\\|pinned maps are ABI $NA, this vrctl is ABI $OA" "$T_TMP/follow.log"
	kill "$FPID" 2>/dev/null; wait "$FPID" 2>/dev/null
	vrctl sync --follow >"$T_TMP/follow2.log" 2>&1 &
	FPID=$!
else
	ok "the old follower refuses the new layout # SKIP ABI $OA is this layout"
fi
ip -n "$A" neigh replace 198.18.10.3 lladdr 02:00:00:00:10:03 dev out0 nud permanent
NEIGH=198.18.10.3 check "a neighbour added after: in the new vr_neigh (the follower writes the new maps)" \
	until_ok 5 has_neigh vrctl
kill "$FPID" 2>/dev/null; wait "$FPID" 2>/dev/null

# --- a second upgrade, --force, the follower of this vrctl -------------------
check "a second upgrade" vrctl upgrade
check_eq "... is a no-op and says so" "vrouter is up to date (ABI $NA, the same program): nothing to do" "$(cat "$T_TMP/out")"
check_eq "... programs unchanged" "$ids_after" "$(prog_id in0) $(prog_id out0) $(prog_id out1)"
# --- killed during or after the switch: the next upgrade finishes it ---------
vrctl -j show "$A" | conf >"$T_TMP/now-a"
ids3() { echo "$(prog_id in0) $(prog_id out0) $(prog_id out1)"; }
VRCTL_FAULT=upgrade:switch1 vrctl upgrade --force >/dev/null 2>&1
read -r m0 m1 m2 <<<"$(ids3)"
check "killed after the first NIC's switch: in0 on a new program, out0 and out1 not" \
	test "$m0" != "$a0" -a "$m1" = "$a0" -a "$m2" = "$a0"
check "the next upgrade" vrctl upgrade
cp "$T_TMP/out" "$T_TMP/resume.out"
check "... finishes that one and says so" grep -q "finished an upgrade that had stopped after its switch: 2 more NICs" "$T_TMP/resume.out"
check_eq "... every NIC on its program" "$m0 $m0 $m0" "$(ids3)"
check "... its directory gone" test ! -e "$PIN_DIR/upgrade"
check_eq "... list -j = before" "$(cat "$T_TMP/old-list")" "$(vrctl -j list | conf)"
VRCTL_FAULT=upgrade:switched vrctl upgrade --force >/dev/null 2>&1
read -r m0 m1 m2 <<<"$(ids3)"
check "killed after the switch, before the pins: the next upgrade finishes it" vrctl upgrade
check_eq "... show -j $A = before" "$(cat "$T_TMP/now-a")" "$(vrctl -j show "$A" | conf)"
check "... frames forwarded by the fast path" frames_through vrctl
start_follower
check "upgrade --force: new maps within ABI $NA" vrctl upgrade --force
check "the follower noticed and reopened" until_ok 5 eval "[ \$(grep -c 'following the VRs' $T_TMP/follow.log) -ge 2 ]"
ip -n "$A" neigh replace 198.18.10.4 lladdr 02:00:00:00:10:04 dev out0 nud permanent
NEIGH=198.18.10.4 check "a neighbour added after --force: in the new maps" until_ok 5 has_neigh vrctl
check "frames still forwarded after --force" frames_through vrctl
stop_follower "$FPID"

# --- bad cases ----------------------------------------------------------------
vrctl --pin-dir "/sys/fs/bpf/$P-none" upgrade >"$T_TMP/out" 2>"$T_TMP/err"; rc=$?
check_eq "upgrade when not loaded: exit 1, one line" "1 1" "$rc $(wc -l <"$T_TMP/err")"
check "... saying it is not loaded" grep -q "vrouter is not loaded" "$T_TMP/err"
# A layout newer than this vrctl (vr_abi says 99): refused, nothing changed.
setup "vr_abi set to 99" bpftool map update pinned "$PIN_DIR/vr_abi" key hex 00 00 00 00 \
	value hex 63 00 00 00 $(printf '00 %.0s' $(seq 60))
ids="$(prog_id in0) $(prog_id out0) $(prog_id out1)"
vrctl upgrade >"$T_TMP/out" 2>"$T_TMP/err"; rc=$?
check_eq "upgrade from a newer ABI: refused in one line" "1 1" "$rc $(wc -l <"$T_TMP/err")"
check "... naming both ABIs" grep -q "pinned maps are ABI 99, this vrctl is ABI $NA" "$T_TMP/err"
check_eq "... programs unchanged" "$ids" "$(prog_id in0) $(prog_id out0) $(prog_id out1)"
vrctl list >/dev/null 2>"$T_TMP/err"
check "list on a newer ABI refuses too" grep -q "pinned maps are ABI 99, this vrctl is ABI $NA: use a vrctl of ABI 99" "$T_TMP/err"
setup "vr_abi back to $NA" bpftool map update pinned "$PIN_DIR/vr_abi" key hex 00 00 00 00 \
	value hex $(printf '%02x' "$NA") 00 00 00 $(printf '00 %.0s' $(seq 60))
check "unload --all after the upgrades" vrctl unload --all
check "no pin directory left (no stray pins)" test ! -e "$PIN_DIR"
t_end
