#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# vrctl add-router / del-router: two VRs with overlapping addresses on the
# same NICs, real frames through the fast path and the slow path, errors
# that leave everything as it was, and a lifecycle that leaves nothing.
#
#   gen:g0 == dut:in0 [vrctl load in0 out0 out1] dut:out0 == s0:s0
#                                                dut:out1 == s1:s1
#
# VR A (table given: none, so the lowest free one) and VR B (--table TB)
# have the same prefixes: in0 198.18.1.0/24 (A .1, B .11; gen .2),
# out0/out1 198.18.10.0/24 with next hop 198.18.10.2, and the far network
# 198.18.100.0/24 (s0 has .1, s1 has .2).  A's far routes go out of out0
# to s0, B's out of out1 to s1.  Same for IPv6 in 2001:2::/48.
# The VRs are named "$P-a"/"$P-b" so that lib.sh's cleanup (every netns
# "$P-*") removes them too.
# plan: 83
. "$(dirname "$0")/../lib.sh"

TM="$TESTBIN/vr_testmap"
A=$P-a B=$P-b TB=1234
A_MAC=02:00:00:00:0a:01			# A on every NIC
B_IN=02:00:00:00:0b:01 B_OUT=02:00:00:00:0b:02	# B: in0 and out1, via NIC=MAC
GEN_MAC=02:00:00:00:00:01
vrctl() { nsx dut "$VRCTL" --pin-dir "$PIN_DIR" "$@"; }
tm() { nsx dut "$TM" "$PIN_DIR" "$@"; }
vr_id() {	# the id of VR $1, from its record in vr_routers
	bpftool -j map dump pinned "$PIN_DIR/vr_routers" | "$PY" -c '
import json, sys
for e in json.load(sys.stdin):
    v = e.get("formatted", e)["value"]
    if v["name"] == sys.argv[1] and v["state"] != 0:
        print(e.get("formatted", e)["key"])' "$1"
}
# map_count MAP [PYTHON_CONDITION on k, v]: entries of a pinned map
map_count() {
	bpftool -j map dump pinned "$PIN_DIR/$1" | "$PY" -c '
import json, sys
n = 0
for e in json.load(sys.stdin):
    f = e.get("formatted", e)
    k, v = f["key"], f["value"]
    n += bool(eval(sys.argv[1]))
print(n)' "${2:-True}"
}
stat() { tm stats "$1" | awk -v k="$2" '$1 == k {print $2}'; }

[ -x "$VRCTL" ] || fatal "$VRCTL not built (make)"
ensure_bpffs
t0=$SECONDS

# --- topology ------------------------------------------------------------------
topo_gen_dut_s0_s1
setup "veth dut:spare0 <-> dut:spare1" veth_add dut spare0 dut spare1
G0_MAC=$(mac_of gen g0) S0_MAC=$(mac_of s0 s0) S1_MAC=$(mac_of s1 s1)
setup "dut forwarding (fib lookups)" nsx dut sysctl -qw \
	net.ipv4.conf.all.forwarding=1 net.ipv6.conf.all.forwarding=1

setup "vrctl load in0 out0 out1" vrctl load in0 out0 out1

# --- add-router ------------------------------------------------------------------
check "add-router $A --mac MAC (all loaded NICs)" vrctl add-router "$A" --mac $A_MAC
check "add-router $B with per-NIC MACs, --table $TB, --iface" \
	vrctl add-router "$B" --mac in0=$B_IN,out1=$B_OUT --table $TB --iface in0,out1
ID_A=$(vr_id "$A") ID_B=$(vr_id "$B")
check "both VRs have records (ids '$ID_A' '$ID_B')" test -n "$ID_A" -a -n "$ID_B" -a "$ID_A" != "$ID_B"
check_eq "namespaces $A and $B exist" "2" \
	"$(ip netns list | awk '{print $1}' | grep -cx -e "$A" -e "$B")"
check_eq "$A has macvlans in0 out0 out1 with its MAC" \
	"in0 $A_MAC out0 $A_MAC out1 $A_MAC" \
	"$(ip -n "$A" -br link | awk '$1 != "lo" {sub(/@.*/, "", $1); printf "%s%s %s", s, $1, $3; s=" "}')"
check_eq "$B has macvlans in0 and out1 with their MACs" "in0 $B_IN out1 $B_OUT" \
	"$(ip -n "$B" -br link | awk '$1 != "lo" {sub(/@.*/, "", $1); printf "%s%s %s", s, $1, $3; s=" "}')"
check "macvlans are in private mode, up" sh -c "
	ip -n '$A' -d link show in0 | grep -q 'macvlan mode private' &&
	ip -n '$B' -d link show out1 | grep -q 'macvlan mode private' &&
	ip -n '$A' link show out0 | grep -q ',UP'"
check_eq "inside $A: forwarding (IPv4, IPv6), arp_ignore, arp_announce" "1 1 1 2" \
	"$(nsenter --net=/run/netns/$A cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv6/conf/all/forwarding \
		/proc/sys/net/ipv4/conf/all/arp_ignore /proc/sys/net/ipv4/conf/all/arp_announce | xargs)"
check_eq "vr_macs: 3 entries of $A, 2 of $B" "3 2" \
	"$(map_count vr_macs "v['vr_id'] == $ID_A and v['table_id'] == 1000") $(map_count vr_macs "v['vr_id'] == $ID_B and v['table_id'] == $TB")"
check_eq "vr_ports: 3 entries of $A, 2 of $B" "3 2" \
	"$(map_count vr_ports "k['vr_id'] == $ID_A") $(map_count vr_ports "k['vr_id'] == $ID_B")"
TA=$(bpftool -j map lookup pinned "$PIN_DIR/vr_routers" key $ID_A 0 0 0 | "$PY" -c '
import json, sys; e = json.load(sys.stdin); v = e.get("formatted", e)["value"]; print(v["table_id"], v["state"])')
check_eq "$A got the lowest free table, state READY" "1000 2" "$TA"

# --- errors: one line, non-zero, nothing changed --------------------------------------
snapshot() {
	ip netns list 2>/dev/null | awk '{print $1}' | grep "^$P-" | sort	# other runs may come and go
	# Without what changes by itself: carrier/operstate (young veths) and
	# iproute2's complaints about namespaces that other runs remove.
	for n in "$(ns dut)" "$A"; do
		ip -n "$n" -d link 2>/dev/null |
			sed -E 's/NO-CARRIER,//; s/,LOWER_UP//; s/ state [A-Z]+//'
	done
	for m in vr_macs vr_ports vr_routers; do bpftool map dump pinned "$PIN_DIR/$m"; done
}
# fails DESCRIPTION PATTERN ARGS...: vrctl ARGS fails with exactly one
# stderr line matching PATTERN and the state unchanged.
fails() {
	local d=$1 pat=$2 rc; shift 2
	snapshot >"$T_TMP/before" 2>&1
	vrctl "$@" >"$T_TMP/stdout" 2>"$T_TMP/stderr"; rc=$?
	snapshot >"$T_TMP/after" 2>&1
	if [ $rc = 0 ]; then
		not_ok "$d: exit status 0"
	elif [ "$(wc -l <"$T_TMP/stderr")" != 1 ] || ! grep -qiE -- "$pat" "$T_TMP/stderr"; then
		not_ok "$d: stderr is not one line matching '$pat'"; sed 's/^/#   /' "$T_TMP/stderr"
	elif ! cmp -s "$T_TMP/before" "$T_TMP/after"; then
		not_ok "$d: state changed"; diff "$T_TMP/before" "$T_TMP/after" | sed 's/^/#   /'
	else
		ok "$d: '$(cat "$T_TMP/stderr")'"
	fi
}
C=$P-c
fails "NIC not loaded" "spare0.*not loaded" add-router $C --mac 02:00:00:00:0c:01 --iface spare0
fails "no such NIC" "nope0" add-router $C --mac 02:00:00:00:0c:01 --iface nope0
fails "malformed MAC" "malformed.*02:00:00:00:0c" add-router $C --mac 02:00:00:00:0c
fails "multicast MAC" "multicast" add-router $C --mac 01:00:5e:00:00:01
fails "zero MAC" "zero" add-router $C --mac 00:00:00:00:00:00
fails "MAC of another VR on that NIC" "$A_MAC.*in0.*$A" add-router $C --mac $A_MAC --iface in0
fails "MAC of the NIC itself" "in use on NIC out0" add-router $C --mac "$(mac_of dut out0)"
fails "duplicate VR name" "$A.*exists" add-router $A --mac 02:00:00:00:0c:01
fails "table in use" "table $TB.*in use" add-router $C --mac 02:00:00:00:0c:01 --table $TB
fails "table reserved" "table 254.*reserved" add-router $C --mac 02:00:00:00:0c:01 --table 254
fails "table 0 reserved" "table 0.*reserved" add-router $C --mac 02:00:00:00:0c:01 --table 0
fails "namespace not made by vrctl" "namespace $(ns gen).*exists" add-router "$(ns gen)" --mac 02:00:00:00:0c:01
fails "name too long" "too long" add-router "$P-$(printf 'x%.0s' {1..40})" --mac 02:00:00:00:0c:01
fails "name with /" "invalid VR name" add-router "$P/x" --mac 02:00:00:00:0c:01
fails "del-router of an unknown VR" "$C" del-router $C

# vr_macs full: fill it up to its limit with entries of a NIC that does not
# exist, so the last step of add-router fails and everything is rolled back.
"$PY" - "$PIN_DIR" "$(bpftool -j map show pinned "$PIN_DIR/vr_macs" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["bytes_value"])')" <<'EOF' >"$T_TMP/fill"
import sys
pin, VSZ = sys.argv[1], int(sys.argv[2])
for i in range(8192 - 5):
    print("map update pinned %s/vr_macs key 0xff 0xff 0 0 2 0 0 0 %d %d 0 0 value %s"
          % (pin, i >> 8, i & 255, " ".join(["0"] * VSZ)))
EOF
sed 's/map update \(.*\) value.*/map delete \1/' "$T_TMP/fill" >"$T_TMP/unfill"
if bpftool batch file "$T_TMP/fill" >/dev/null 2>"$T_TMP/out"; then
	fails "vr_macs full" "map vr_macs full \(limit 8192\)" add-router $C --mac 02:00:00:00:0c:01
	check "vr_macs emptied of filler" bpftool batch file "$T_TMP/unfill"
else
	not_ok "fill vr_macs with bpftool batch"; sed 's/^/#   /' "$T_TMP/out"
	bpftool batch file "$T_TMP/unfill" >/dev/null 2>&1
fi
# Table ids and VR ids.  vr_routers filled with READY records of tables
# 1001-2022 (but $TB, B's, and 1500, which holds a host route instead),
# leaving one VR id free: the automatic choice must be the top id, 2023.
VSZ=$(bpftool -j map show pinned "$PIN_DIR/vr_routers" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["bytes_value"])')
# rec ID TABLE: a bpftool batch line writing a READY record (TABLE -1: a free slot)
"$PY" - "$PIN_DIR" "$ID_A" "$ID_B" "$VSZ" "$TB" <<'EOF2' >"$T_TMP/fill"
import sys
pin, used, vsz, tb = sys.argv[1], {int(sys.argv[2]), int(sys.argv[3])}, int(sys.argv[4]), int(sys.argv[5])
ids = [i for i in range(1, 1024) if i not in used]
tables = [t for t in range(1001, 2023) if t not in (tb, 1500)]
assert len(ids) == len(tables) + 1, (len(ids), len(tables))
def rec(i, t, name):
    val = name.encode().ljust(32, b"\0") + (2).to_bytes(4, "little") + t.to_bytes(4, "little")
    return "map update pinned %s/vr_routers key %s value %s" % (
        pin, " ".join(str(b) for b in i.to_bytes(4, "little")),
        " ".join(str(b) for b in val.ljust(vsz, b"\0")))
for i, t in zip(ids, tables):
    print(rec(i, t, "fill%d" % i))
# the last free id, for the "VR ids exhausted" step: in a file of its own
print("# last %d" % ids[-1])
EOF2
LAST=$(sed -n 's/^# last //p' "$T_TMP/fill"); sed -i '/^# last /d' "$T_TMP/fill"
zero() { sed 's/\(key [0-9 ]*\) value .*/\1 value '"$(printf '0 %.0s' $(seq "$VSZ"))"'/'; }
zero <"$T_TMP/fill" >"$T_TMP/unfill"
hr() { ip -n "$(ns dut)" route "$1" 198.18.250.0/24 dev spare0 table "$2"; }
if bpftool batch file "$T_TMP/fill" >/dev/null 2>"$T_TMP/out" && hr add 1500; then
	ok "vr_routers filled: tables 1001-2022 taken (1500 by a host route), VR id $LAST free"
	vrctl add-router $C --mac 02:00:00:00:0c:01 --iface in0 >"$T_TMP/out" 2>&1
	check_eq "automatic table id: the last free one is 2023, the top of 1000-2023" 2023 \
		"$(table_of $C 2>/dev/null)"
	vrctl del-router $C >/dev/null 2>&1
	setup "a host route in table 2023 too" hr add 2023
	fails "no free table id (2023 holds a host route)" "No free routing table id in 1000-2023" \
		add-router $C --mac 02:00:00:00:0c:01 --iface in0
	hr del 2023
	"$PY" -c 'import sys; v = int(sys.argv[1]); print("map update pinned %s/vr_routers key %d %d 0 0 value %s" % (sys.argv[2], v & 255, v >> 8, " ".join(str(b) for b in (b"last".ljust(32, b"\0") + (2).to_bytes(4, "little")).ljust(int(sys.argv[3]), b"\0"))))' \
		"$LAST" "$PIN_DIR" "$VSZ" >"$T_TMP/last"
	setup "the last VR id taken too" bpftool batch file "$T_TMP/last"
	fails "VR ids exhausted" "full" add-router $C --mac 02:00:00:00:0c:01
	zero <"$T_TMP/last" >"$T_TMP/unlast"
	setup "the last VR id freed" bpftool batch file "$T_TMP/unlast"
	grep -E "value ([0-9]+ ){32}2 0 0 0 (26 4|76 4) 0 0 " "$T_TMP/fill" | zero >"$T_TMP/free2"
	setup "the records of tables 1100 and 1050 freed" bpftool batch file "$T_TMP/free2"
	vrctl add-router $C --mac 02:00:00:00:0c:01 --iface in0 >"$T_TMP/out" 2>&1
	check_eq "the lowest freed table id is reused: 1050 (1100 and 2023 free too)" 1050 \
		"$(table_of $C 2>/dev/null)"
	vrctl del-router $C >/dev/null 2>&1
	check "vr_routers emptied of filler" bpftool batch file "$T_TMP/unfill"
	hr del 1500
else
	not_ok "fill vr_routers with bpftool batch, a host route in table 1500"; sed 's/^/#   /' "$T_TMP/out"
	bpftool batch file "$T_TMP/unfill" >/dev/null 2>&1
fi

# --- addresses and routes ------------------------------------------------------------
setup "VR addresses" eval "
	ip -n $A addr add 198.18.1.1/24 dev in0 &&
	ip -n $A addr add 198.18.10.1/24 dev out0 &&
	ip -n $A addr add 2001:2:0:1::1/64 dev in0 nodad &&
	ip -n $A addr add 2001:2:0:10::1/64 dev out0 nodad &&
	ip -n $A route add 198.18.100.0/24 via 198.18.10.2 &&
	ip -n $A route add 2001:2:0:100::/64 via 2001:2:0:10::2 &&
	ip -n $B addr add 198.18.1.11/24 dev in0 &&
	ip -n $B addr add 198.18.10.1/24 dev out1 &&
	ip -n $B addr add 2001:2:0:1::11/64 dev in0 nodad &&
	ip -n $B addr add 2001:2:0:10::1/64 dev out1 nodad &&
	ip -n $B route add 198.18.100.0/24 via 198.18.10.2 &&
	ip -n $B route add 2001:2:0:100::/64 via 2001:2:0:10::2"
setup "gen and sink addresses" eval "
	ip -n $(ns gen) addr add 198.18.1.2/24 dev g0 &&
	ip -n $(ns gen) route add 198.18.100.0/24 via 198.18.1.1 &&
	ip -n $(ns s0) addr add 198.18.10.2/24 dev s0 &&
	ip -n $(ns s0) addr add 198.18.100.1/24 dev s0 &&
	ip -n $(ns s0) addr add 2001:2:0:10::2/64 dev s0 nodad &&
	ip -n $(ns s0) route add 198.18.1.0/24 via 198.18.10.1 &&
	ip -n $(ns s1) addr add 198.18.10.2/24 dev s1 &&
	ip -n $(ns s1) addr add 198.18.100.2/24 dev s1 &&
	ip -n $(ns s1) addr add 2001:2:0:10::2/64 dev s1 nodad &&
	ip -n $(ns s1) route add 198.18.1.0/24 via 198.18.10.1"
# The fast path's view of each VR: its host table, lower NICs for macvlans.
TA=1000
setup "host tables $TA and $TB" eval "
	for t in $TA:out0 $TB:out1; do
		ip -n $(ns dut) route add 198.18.1.0/24 dev in0 table \${t%:*} &&
		ip -n $(ns dut) route add 198.18.10.0/24 dev \${t#*:} table \${t%:*} &&
		ip -n $(ns dut) route add 198.18.100.0/24 via 198.18.10.2 dev \${t#*:} table \${t%:*} &&
		ip -n $(ns dut) -6 route add 2001:2:0:1::/64 dev in0 table \${t%:*} &&
		ip -n $(ns dut) -6 route add 2001:2:0:10::/64 dev \${t#*:} table \${t%:*} &&
		ip -n $(ns dut) -6 route add 2001:2:0:100::/64 via 2001:2:0:10::2 dev \${t#*:} table \${t%:*} || exit 1
	done"

# --- slow path: no neighbours yet, the VR's namespace does ARP/ICMP ---------------------
gping() { nsx gen ping -q -c "${2:-3}" -i 0.05 -W 1 "$1"; }
check "ping 198.18.100.1 through $A before any neighbour (slow path)" gping 198.18.100.1
nsx gen ping -c 1 -t 1 -W 1 198.18.100.1 >"$T_TMP/ttl" 2>&1
check "TTL 1 probe: time exceeded from $A's 198.18.1.1" \
	grep -q "From 198.18.1.1 .*Time to live exceeded" "$T_TMP/ttl"
check "$A's frames went to the kernel for lack of neighbours" \
	test "$(stat $ID_A no_neigh)" -gt 0
setup "gen via $B" ip -n "$(ns gen)" route replace 198.18.100.0/24 via 198.18.1.11
check "ping 198.18.100.2 through $B (slow path)" gping 198.18.100.2
nsx gen ping -c 1 -t 1 -W 1 198.18.100.2 >"$T_TMP/ttl" 2>&1
check "TTL 1 probe: time exceeded from $B's 198.18.1.11" \
	grep -q "From 198.18.1.11 .*Time to live exceeded" "$T_TMP/ttl"
# Each VR's own route, whatever the destination: A's frame to s1's
# 198.18.100.2 leaves A towards s0 and never reaches s1, B's to s0's
# 198.18.100.1 goes to s1 (slow path, captured at both sinks).
caps=()
capture_start s0 s0 "$T_TMP/own-s0" vrt-own-a && capture_start s1 s1 "$T_TMP/own-s1" vrt-own-b ||
	fatal "captures ready"
setup "a frame to 198.18.100.2 through $A, one to 198.18.100.1 through $B" \
	nsx gen "${PKT[@]}" send g0 \
	"dmac=$A_MAC,smac=$G0_MAC,src=198.18.1.2,dst=198.18.100.2,ttl=64,sport=4001,dport=9,data=vrt-own-a" \
	"dmac=$B_IN,smac=$G0_MAC,src=198.18.1.2,dst=198.18.100.1,ttl=64,sport=4002,dport=9,data=vrt-own-b"
mapfile -t own <"$T_TMP/out"
wait "${caps[@]}"
check "$A does not reach s1's 198.18.100.2: its frame at s0 (A's route), rewritten, not at s1" eval "
	${PKT[*]} expect-fwd ${own[0]} $T_TMP/own-s0 $S0_MAC $A_MAC &&
	${PKT[*]} expect-none ${own[0]} $T_TMP/own-s1"
check "$B does not reach s0's 198.18.100.1: its frame at s1 (B's route), rewritten, not at s0" eval "
	${PKT[*]} expect-fwd ${own[1]} $T_TMP/own-s1 $S1_MAC $B_OUT &&
	${PKT[*]} expect-none ${own[1]} $T_TMP/own-s0"
# A has a macvlan on out1 too, without an address there: it must not
# answer s1's ARP for 198.18.10.1 (its address on out0), or s1 would send
# B's traffic to A (vrctl sets arp_ignore=1 in VRs).
check "s1 resolved 198.18.10.1 to $B's out1 MAC only" \
	sh -c "ip -n $(ns s1) neigh show 198.18.10.1 dev s1 | grep -qi 'lladdr $B_OUT'"

# --- neighbours ------------------------------------------------------------------
if vrctl neigh add "$A" 198.18.10.2 lladdr "$S0_MAC" dev out0 >"$T_TMP/out" 2>&1; then
	neigh() { vrctl neigh add "$1" "$2" lladdr "$3" dev "$4"; }
else
	echo "# vrctl neigh add failed ($(head -1 "$T_TMP/out")): vr_testmap writes vr_neigh"
	neigh() { tm neigh "$(vr_id "$1")" "$4" "$2" "$3"; }
	neigh "$A" 198.18.10.2 "$S0_MAC" out0
fi
# Resolve the VRs' own next hops too, so the slow path keeps frame order.
for v in $A $B; do
	nsenter --net=/run/netns/$v ping -q -c 1 -W 1 2001:2:0:10::2 >/dev/null 2>&1
	nsenter --net=/run/netns/$v ping -q -c 1 -W 1 198.18.10.2 >/dev/null 2>&1
done
check "neighbours of $A and $B" eval "
	neigh $A 2001:2:0:10::2 $S0_MAC out0 && neigh $A 198.18.1.2 $G0_MAC in0 &&
	neigh $B 198.18.10.2 $S1_MAC out1 && neigh $B 2001:2:0:10::2 $S1_MAC out1 &&
	neigh $B 198.18.1.2 $G0_MAC in0"

# --- fast path: real frames, each at its VR's next hop only ------------------------------
frame() {	# DMAC DST TTL DATA
	if [ "${2#*:}" != "$2" ]; then src=2001:2:0:1::2; else src=198.18.1.2; fi
	echo "dmac=$1,smac=$GEN_MAC,src=$src,dst=$2,ttl=$3,sport=4000,dport=9,data=$4"
}
names=(a4 a6 b4 b6 a-stop b-stop)
specs=("$(frame $A_MAC 198.18.100.99 64 vrt-a4)" "$(frame $A_MAC 2001:2:0:100::99 64 vrt-a6)"
	"$(frame $B_IN 198.18.100.99 17 vrt-b4)" "$(frame $B_IN 2001:2:0:100::99 2 vrt-b6)"
	"$(frame $A_MAC 198.18.100.98 64 stop-a)" "$(frame $B_IN 198.18.100.98 64 stop-b)")
send_all() {	# OUT_PREFIX: send the frames, captures at s0 and s1
	caps=()
	capture_start s0 s0 "$T_TMP/$1-s0" stop-a && capture_start s1 s1 "$T_TMP/$1-s1" stop-b ||
		fatal "captures ready"
	setup "send ${#specs[@]} frames from g0" nsx gen "${PKT[@]}" send g0 "${specs[@]}"
	mapfile -t sent <"$T_TMP/out"
	wait "${caps[@]}"
}
for id in $ID_A $ID_B; do for k in rx fwd; do eval "pre_${k}_$id=$(stat $id $k)"; done; done
send_all fast
declare -A F
for i in "${!names[@]}"; do F[${names[$i]}]=${sent[$i]}; done
for n in a4 a6 a-stop; do
	check "$n: at s0 once, from $A's MAC, TTL-1, checksum" \
		"${PKT[@]}" expect-fwd "${F[$n]}" "$T_TMP/fast-s0" "$S0_MAC" "$A_MAC"
	check "$n: not at s1" "${PKT[@]}" expect-none "${F[$n]}" "$T_TMP/fast-s1"
done
for n in b4 b6 b-stop; do
	check "$n: at s1 once, from $B's out1 MAC, TTL-1, checksum" \
		"${PKT[@]}" expect-fwd "${F[$n]}" "$T_TMP/fast-s1" "$S1_MAC" "$B_OUT"
	check "$n: not at s0" "${PKT[@]}" expect-none "${F[$n]}" "$T_TMP/fast-s0"
done
# fwd exactly; rx at least: neighbour probes of the sinks (unicast to the
# VR's MAC, passed to the kernel) may come in between.
for id in $ID_A $ID_B; do
	check_eq "VR $id counters: fwd +3, rx +3 or more" "3 yes" \
		"$(( $(stat $id fwd) - pre_fwd_$id )) $( [ $(( $(stat $id rx) - pre_rx_$id )) -ge 3 ] && echo yes)"
done
check "vrctl stats $A" vrctl stats "$A"
pre=$(stat $ID_B fwd)
check "ping through $B with neighbours: fast path both ways" gping 198.18.100.2 20
check "$B forwarded at least 40 ICMP frames in XDP" test $(( $(stat $ID_B fwd) - pre )) -ge 40

# --- slow path = fast path: the same frames with XDP off in0 ------------------------------
check "vrctl unload in0 (VRs stay)" vrctl unload in0
check "in0 has no XDP program" sh -c "! ip -n $(ns dut) link show in0 | grep -q prog/xdp"
pre="$(stat $ID_A fwd) $(stat $ID_B fwd)"
send_all slow
check_eq "no frame was forwarded by XDP" "$pre" "$(stat $ID_A fwd) $(stat $ID_B fwd)"
same_frame() {	# SENT_HEX: its forwarded copy in fast-s0 and slow-s0, identical
	local tail=${1:68} fast slow
	fast=$(grep -i "$tail" "$T_TMP/fast-s0") slow=$(grep -i "$tail" "$T_TMP/slow-s0")
	echo "fast: $fast"; echo "slow: $slow"
	[ -n "$fast" ] && [ "$fast" = "$slow" ]
}
for n in a4 a6; do
	check "$n: the kernel VR's frame equals the fast path's, byte for byte" same_frame "${F[$n]}"
done
for n in b4 b6; do
	check "$n: slow path at s1 once, same rewrite" \
		"${PKT[@]}" expect-fwd "${F[$n]}" "$T_TMP/slow-s1" "$S1_MAC" "$B_OUT"
done
setup "gen via $A" ip -n "$(ns gen)" route replace 198.18.100.0/24 via 198.18.1.1
check "ping through $A with XDP unloaded from in0" gping 198.18.100.1
check "vrctl load in0 again" vrctl load in0

# --- lifecycle --------------------------------------------------------------------
check "del-router $A" vrctl del-router "$A"
check "namespace $A is gone" eval "! ip netns list | grep -qx '$A'"
check_eq "$A's MAC is in no map, $B's are" "0 2 2" \
	"$(map_count vr_macs "v['vr_id'] == $ID_A") $(map_count vr_macs "v['vr_id'] == $ID_B") $(map_count vr_ports "k['vr_id'] == $ID_B")"
check_eq "$A's neighbours are gone, $B's stay" "0 3" \
	"$(map_count vr_neigh "k['vr_id'] == $ID_A") $(map_count vr_neigh "k['vr_id'] == $ID_B")"
check_eq "$A's counters are zero" "0 0" "$(stat $ID_A rx) $(stat $ID_A fwd)"
check_eq "$A's host table $TA emptied, $B's table $TB kept" "0 6" \
	"$(( $(ip -n "$(ns dut)" -4 route show table $TA | wc -l) + $(ip -n "$(ns dut)" -6 route show table $TA | wc -l) )) $(( $(ip -n "$(ns dut)" -4 route show table $TB | wc -l) + $(ip -n "$(ns dut)" -6 route show table $TB | wc -l) ))"
check "unload refuses while $B exists" eval "! vrctl unload 2>/dev/null"
check "del-router $B" vrctl del-router "$B"
check "unload" vrctl unload
check "no XDP program on in0 out0 out1" sh -c "! ip -n $(ns dut) link | grep -q prog/xdp"
check "no pins left" test ! -e "$PIN_DIR"
check "no VR namespace left" eval "! ip netns list | grep -qx -e '$A' -e '$B'"
check "no macvlan left in dut" eval "! ip -n $(ns dut) -d link | grep -q macvlan"
check_eq "host table $TB emptied by del-router $B" 0 \
	"$(( $(ip -n "$(ns dut)" -4 route show table $TB | wc -l) + $(ip -n "$(ns dut)" -6 route show table $TB | wc -l) ))"
echo "# $((SECONDS - t0)) s"
t_end
