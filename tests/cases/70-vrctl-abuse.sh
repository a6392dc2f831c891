#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# vrctl misused by the people who configure it ("hostile input and
# faults"): it must not crash, leak traffic between VRs or lose state.
# Every case checks the message (one clear line), the exit status, and
# that the state is unchanged, or repaired by the next command:
#   - malformed arguments not already covered by cases 30 and 40;
#   - no privileges, no bpffs, a read-only bpffs;
#   - a NIC removed while loaded, a VR namespace deleted behind vrctl;
#   - pins removed, or replaced by foreign maps;
#   - full maps (vr_ports, vr_tx_ports, vr_neigh; vr_macs and VR ids: 40);
#   - kill -9 after every step of add-router and del-router (VRCTL_FAULT);
#   - many vrctl at once on one pin directory.
# Repair contract: a VR whose add-router or del-router died is listed as
# "creating" / "deleting"; add-router of that name says "half-created" /
# "half-deleted; run del-router NAME", and del-router removes everything
# left (namespace, macvlans, map entries, record).
#
#   dut:e0 == peer:p0, dut:e1 == peer:p1, dut:e2 == peer:p2 (load e0 e1)
#   dut:e3 == peer:p3 (a second vrouter on a private bpffs)
#   dut:e4 == peer:p4 (the NIC removed while loaded)
# plan: 165
. "$(dirname "$0")/../lib.sh"

vrctl() { nsx dut "$VRCTL" --pin-dir "$PIN_DIR" "$@"; }
jget() { "$PY" -c 'import json, sys; j = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
map_id() { bpftool map show pinned "$1" 2>/dev/null | head -1 | cut -d: -f1; }
# Private bpffs mounts of this case go before lib.sh's cleanup.
MNTS=()
trap 'for m in "${MNTS[@]}"; do umount -l "$m" 2>/dev/null; done; cleanup' EXIT

# The state nothing may change: namespaces of this run, the dut's links
# and XDP programs, the maps (not the counters), the pins.
snap() {
	{
		ip netns list 2>/dev/null | awk '{print $1}' | grep "^$P-" | sort
		ip -n "$(ns dut)" -d link 2>/dev/null | grep -E '^[0-9]+:|prog/xdp|macvlan' |
			sed -E 's/NO-CARRIER,//; s/,LOWER_UP//; s/ state [A-Z]+//'
		ls "$PIN_DIR" 2>&1
		# One bpftool for all (vr_neigh not once it is filled up: slow)
		for m in vr_macs vr_ports vr_tx_ports vr_routers ${SNAP_NEIGH-vr_neigh}; do
			[ -e "$PIN_DIR/$m" ] || continue
			echo "map show pinned $PIN_DIR/$m"
			echo "map dump pinned $PIN_DIR/$m"
		done >"$T_TMP/snap.batch"
		bpftool batch file "$T_TMP/snap.batch" 2>&1 | grep -v 'loaded_at'
	} >"$1" 2>&1
}
# fails DESC STATUS PATTERN CMD...: CMD exits with STATUS; stderr starts
# with "Error: ..." matching PATTERN, one line only for status 1 (status 2
# adds the usage line); the state is as before.
fails() {
	local d=$1 st=$2 pat=$3 rc first
	shift 3
	: >"$T_TMP/before"; : >"$T_TMP/after"
	[ -n "$NOSNAP" ] || snap "$T_TMP/before"
	"$@" >"$T_TMP/o" 2>"$T_TMP/e"
	rc=$?
	[ -n "$NOSNAP" ] || snap "$T_TMP/after"
	first=$(head -1 "$T_TMP/e")
	if [ "$rc" != "$st" ]; then
		not_ok "$d: exit status $rc, expected $st"; sed 's/^/#   /' "$T_TMP/e"
	elif ! grep -qE -- "^Error: .*$pat" <<<"$first"; then
		not_ok "$d: message '$first' does not match '$pat'"
	elif [ "$st" = 1 ] && [ "$(wc -l <"$T_TMP/e")" != 1 ]; then
		not_ok "$d: more than one line on stderr"; sed 's/^/#   /' "$T_TMP/e"
	elif [ "$st" = 2 ] && ! sed -n 2p "$T_TMP/e" | grep -q "^Usage: vrctl"; then
		not_ok "$d: not 'Error' + 'Usage' on stderr"; sed 's/^/#   /' "$T_TMP/e"
	elif ! diff -u "$T_TMP/before" "$T_TMP/after" >"$T_TMP/diff"; then
		not_ok "$d: state changed"; sed 's/^/#   /' "$T_TMP/diff" | head -30
	else
		ok "$d (exit $st: $first)"
	fi
}
A() { vrctl add-router "$@"; }	# shorthand for the argument tables
# The argument errors: the state is compared once around the whole table.
NOSNAP=
M=02:00:00:00:70:01

# consistent [NAME...]: the maps, records and namespaces agree, and the
# VRs are exactly NAME... (all READY): unique names and tables, every
# vr_macs/vr_ports entry belongs to a READY record (same table), every
# record has its namespace with one macvlan per vr_ports entry, no
# namespace "$P-..." of a VR without a record, no vr_neigh entry of a
# free id, no half-made namespace file.
consistent() {
	local m n
	for m in vr_routers vr_macs vr_ports vr_neigh; do
		bpftool -j map dump pinned "$PIN_DIR/$m" >"$T_TMP/c-$m" 2>&1
	done
	for n in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$P-" |
		   grep -vx -e "$(ns dut)" -e "$(ns peer)"); do
		echo "$n:$(ip -n "$n" -d link 2>/dev/null | grep -c 'macvlan mode')"
	done >"$T_TMP/c-nets"
	"$PY" - "$T_TMP" "$@" <<'EOF'
import json, sys
f = lambda e: e.get("formatted", e)
d = lambda m: json.load(open("%s/c-%s" % (sys.argv[1], m)))
recs = {f(e)["key"]: f(e)["value"] for e in d("vr_routers") if f(e)["value"]["state"]}
macs = [f(e) for e in d("vr_macs")]
ports = [f(e) for e in d("vr_ports")]
neigh = [f(e) for e in d("vr_neigh")]
nets = dict(l.rsplit(":", 1) for l in open(sys.argv[1] + "/c-nets").read().split() if l)
want = sys.argv[2:]
bad = []
names = [r["name"] for r in recs.values()]
if sorted(names) != sorted(want):
    bad.append("VRs %s, expected %s" % (sorted(names), sorted(want)))
if len(set(r["table_id"] for r in recs.values())) != len(recs):
    bad.append("duplicate table ids")
for i, r in recs.items():
    if r["state"] != 2:
        bad.append("%s state %d" % (r["name"], r["state"]))
    np = sum(1 for p in ports if p["key"]["vr_id"] == i)
    if r["name"] not in nets:
        bad.append("%s: no namespace" % r["name"])
    elif int(nets[r["name"]]) != np:
        bad.append("%s: %s macvlans, %d ports" % (r["name"], nets[r["name"]], np))
for m in macs:
    r = recs.get(m["value"]["vr_id"])
    if (m["key"]["ifindex"] & 0xffff0000) == 0xffff0000:
        continue  # filler of this test
    if not r or r["table_id"] != m["value"]["table_id"]:
        bad.append("vr_macs entry of id %d without its record" % m["value"]["vr_id"])
for p in ports:
    if p["key"]["vr_id"] not in recs:
        bad.append("vr_ports entry of free id %d" % p["key"]["vr_id"])
for n in neigh:
    if n["key"]["vr_id"] not in recs:
        bad.append("vr_neigh entry of free id %d" % n["key"]["vr_id"])
for n in nets:
    if n not in names:
        bad.append("orphan namespace %s" % n)
print("; ".join(bad) or "consistent")
sys.exit(1 if bad else 0)
EOF
}

tsec() { echo "# $((SECONDS - t0)) s"; }
[ -x "$VRCTL" ] || fatal "$VRCTL not built (make)"
ensure_bpffs
t0=$SECONDS

# --- topology ------------------------------------------------------------------------
tsec
setup "namespace dut" ns_add dut
setup "namespace peer" ns_add peer
for i in 0 1 2 3 4; do setup "veth e$i/p$i" veth_add dut e$i peer p$i; done
setup "load e0 e1" vrctl load e0 e1

# --- malformed arguments (30/40 cover: short, multicast, zero MAC; names
tsec
#     too long (40 chars) or with '/'; table 0, 254, in use; unknown NIC;
#     --interval abc/1x/0/2^32, --count -1) --------------------------------------------
tsec
snap "$T_TMP/args-before"
NOSNAP=1
fails "MAC with 7 octets" 1 "malformed MAC '02:00:00:00:00:01:02'" A $P-x --mac 02:00:00:00:00:01:02
fails "MAC with non-hex digits" 1 "malformed MAC 'zz:00" A $P-x --mac zz:00:00:00:00:01
fails "MAC with dashes" 1 "malformed MAC '02-00" A $P-x --mac 02-00-00-00-00-01
fails "MAC with 1-digit octets" 1 "malformed MAC '2:0:0:0:0:1'" A $P-x --mac 2:0:0:0:0:1
fails "MAC with a blank" 1 "malformed MAC ' 02:00" A $P-x --mac " $M"
fails "MAC with the group bit (03:...)" 1 "multicast" A $P-x --mac 03:00:00:00:00:01
fails "broadcast MAC" 1 "multicast" A $P-x --mac ff:ff:ff:ff:ff:ff
fails "--mac ''" 2 "--mac needs a value" A $P-x --mac ""
fails "--mac= (empty)" 2 "--mac needs a value" A $P-x --mac=
fails "--mac IFACE= (no MAC)" 1 "malformed MAC ''" A $P-x --mac e0=
fails "--mac =MAC (no NIC)" 1 "invalid NIC name ''" A $P-x --mac =$M
fails "--mac ,, (no MAC)" 1 "no MAC given" A $P-x --mac ,,
fails "--mac given twice" 2 "--mac given twice" A $P-x --mac $M --mac $M
fails "two bare MACs" 1 "more than one MAC without a NIC" A $P-x --mac $M,02:00:00:00:70:02
fails "--mac: NIC twice" 1 "NIC e0 given twice" A $P-x --mac e0=$M,e0=02:00:00:00:70:02
fails "--mac for a NIC not in --iface" 1 "e1, which is not in --iface" A $P-x --mac e1=$M --iface e0
fails "no --mac" 2 "add-router needs --mac" A $P-x
fails "no NAME" 2 "add-router needs a NAME" A --mac $M
fails "empty name" 1 "invalid VR name ''" A "" --mac $M
fails "name of 32 characters (VR_NAME_MAX 32 with the NUL)" 1 "too long \\(at most 31" \
	A "$P-$(printf 'x%.0s' $(seq $((31 - ${#P}))))" --mac $M
fails "name '.'" 1 "invalid VR name '\\.'" A . --mac $M
fails "name '..'" 1 "invalid VR name '\\.\\.'" A .. --mac $M
fails "name with a space" 1 "invalid VR name 'a b'" A "a b" --mac $M
fails "name with a newline: one line, shown as \\x0a" 1 "invalid VR name 'a\\\\x0ab'" A $'a\nb' --mac $M
fails "name with an escape sequence" 1 "invalid VR name 'a\\\\x1b\\[31mb'" A $'a\e[31mb' --mac $M
fails "name with a non-ASCII letter" 1 "invalid VR name" A "$P-é" --mac $M
fails "name like an option" 2 "unknown option '-x'" A -x --mac $M
fails "extra argument" 2 "unexpected argument 'y'" A $P-x y --mac $M
fails "table -1" 1 "invalid table id '-1'" A $P-x --mac $M --table -1
fails "table 253" 1 "table 253 is reserved" A $P-x --mac $M --table 253
fails "table 255" 1 "table 255 is reserved" A $P-x --mac $M --table 255
fails "table 0x0 (hex 0)" 1 "table 0 is reserved" A $P-x --mac $M --table 0x0
fails "table 0xfe (254 in hex)" 1 "table 254 is reserved" A $P-x --mac $M --table 0xfe
fails "table 2^32" 1 "invalid table id '4294967296'" A $P-x --mac $M --table 4294967296
fails "table 0x100000000" 1 "invalid table id" A $P-x --mac $M --table 0x100000000
fails "table 12abc" 1 "invalid table id '12abc'" A $P-x --mac $M --table 12abc
fails "table 0x (no digits)" 1 "invalid table id '0x'" A $P-x --mac $M --table 0x
fails "table 09 (not octal)" 1 "invalid table id '09'" A $P-x --mac $M --table 09
fails "table ' 5'" 1 "invalid table id ' 5'" A $P-x --mac $M --table " 5"
fails "table +5" 1 "invalid table id '\\+5'" A $P-x --mac $M --table +5
fails "--table ''" 2 "--table needs a value" A $P-x --mac $M --table ""
fails "--table without value" 2 "--table needs a value" A $P-x --mac $M --table
fails "--iface ''" 2 "--iface needs a value" A $P-x --mac $M --iface ""
fails "NIC name of 16 characters" 1 "invalid NIC name 'e0123456789abcde' \\(at most 15" A $P-x --mac $M --iface e0123456789abcde
fails "NIC name with '/'" 1 "invalid NIC name 'e0/x'" A $P-x --mac $M --iface e0/x
fails "NIC name with ':'" 1 "invalid NIC name 'e0:1'" A $P-x --mac $M --iface e0:1
fails "NIC name '..'" 1 "invalid NIC name '\\.\\.'" A $P-x --mac $M --iface ..
fails "--iface 'e0,' (empty item)" 1 "invalid NIC name ''" A $P-x --mac $M --iface e0,
fails "--iface ',e0'" 1 "invalid NIC name ''" A $P-x --mac $M --iface ,e0
fails "--iface e0,e0" 1 "NIC e0 given twice" A $P-x --mac $M --iface e0,e0
fails "--iface lo (exists, not loaded)" 1 "NIC lo is not loaded" A $P-x --mac $M --iface lo
fails "--mac NIC too long" 1 "invalid NIC name 'e0123456789abcde'" A $P-x --mac e0123456789abcde=$M
fails "del-router with no NAME" 2 "del-router needs a NAME" vrctl del-router
fails "del-router: name with a newline" 1 "invalid VR name 'a\\\\x0ab'" vrctl del-router $'a\nb'
fails "del-router: name too long" 1 "too long" vrctl del-router "$(printf 'y%.0s' {1..32})"
fails "show: name with a newline" 2 "'a\\\\x0ab' is not a valid router name" vrctl show $'a\nb'
fails "show: empty name" 2 "'' is not a valid router name" vrctl show ""
fails "stats --interval 86401 (a day at most)" 2 "'86401' is not a number in 1-86400" vrctl stats --interval 86401
fails "stats --interval 0x10 (decimal only)" 2 "'0x10' is not a number" vrctl stats --interval 0x10
fails "stats --interval ''" 2 "--interval needs a value" vrctl stats --interval ""
fails "stats --count 0" 2 "'0' is not a number in 1-4294967295" vrctl stats --interval 1 --count 0
fails "stats --count 2^32" 2 "'4294967296' is not a number" vrctl stats --interval 1 --count 4294967296
fails "stats --interval without a number" 2 "--interval needs a value" vrctl stats --interval
NOSNAP=
snap "$T_TMP/args-after"
check "all those argument errors changed nothing" diff -u "$T_TMP/args-before" "$T_TMP/args-after"
# Accepted: uppercase MAC (stored as bytes), table ids the way ip(8) reads them.
check "uppercase MAC and --table 0x10 accepted" A $P-u --mac 02:AB:CD:00:70:01 --table 0x10 --iface e0
check_eq "... MAC stored, shown in lowercase; table 0x10 is 16" "02:ab:cd:00:70:01 16" \
	"$(vrctl show $P-u -j | jget 'j["ifaces"][0]["mac"] + " " + str(j["table"])')"
check "del-router $P-u" vrctl del-router $P-u
check "--table 010 is octal as in ip(8) (table 8), 4294967295 is valid" eval "
	A $P-u --mac $M --table 010 --iface e0 && A $P-w --mac 02:00:00:00:70:02 --table 4294967295 --iface e0 &&
	[ \"\$(vrctl list -j | jget 'sorted(v[\"table\"] for v in j[\"routers\"])')\" = '[8, 4294967295]' ] &&
	vrctl del-router $P-u && vrctl del-router $P-w"
check "a name of 31 characters works (netns name)" eval "
	A '$P-$(printf 'z%.0s' $(seq $((30 - ${#P}))))' --mac $M --iface e0 &&
	vrctl del-router '$P-$(printf 'z%.0s' $(seq $((30 - ${#P}))))'"
check "after the argument errors: consistent, no VR" consistent

# --- privileges --------------------------------------------------------------------------
tsec
nobody() { nsx dut setpriv --reuid=65534 --regid=65534 --clear-groups "$VRCTL" --pin-dir "$PIN_DIR" "$@"; }
nocaps() { nsx dut setpriv --inh-caps=-all --bounding-set=-all "$VRCTL" --pin-dir "$PIN_DIR" "$@"; }
fails "add-router as uid 65534" 1 "add-router: needs CAP_NET_ADMIN" nobody add-router $P-x --mac $M
fails "del-router as uid 65534" 1 "del-router: needs CAP_NET_ADMIN" nobody del-router $P-x
fails "list as uid 65534" 1 "list: needs CAP_BPF" nobody list
fails "neigh as uid 65534" 1 "neigh: needs CAP_NET_ADMIN" nobody neigh show $P-x
fails "add-router as root without capabilities: nothing made" 1 "add-router: needs CAP_NET_ADMIN, CAP_SYS_ADMIN" nocaps add-router $P-x --mac $M
check "... no record, no namespace" consistent

# --- no bpffs, read-only bpffs -------------------------------------------------------------
tsec
mkdir -p "$T_TMP/tmpfs"
setup "tmpfs" mount -t tmpfs none "$T_TMP/tmpfs"
MNTS+=("$T_TMP/tmpfs")
mkdir "$T_TMP/tmpfs/vr"
touch "$T_TMP/tmpfs/vr/vr_macs"	# a file where a pin would be
for c in "list" "stats" "show x" "add-router $P-x --mac $M" "del-router $P-x" "unload"; do
	fails "$c with the pin dir on tmpfs" 1 "tmpfs/vr: not on a bpf filesystem" \
		nsx dut "$VRCTL" --pin-dir "$T_TMP/tmpfs/vr" $c
done
check_eq "nothing made on the tmpfs" "vr_macs" "$(ls "$T_TMP/tmpfs/vr")"

mkdir -p "$T_TMP/robpf"
setup "read-only bpffs" mount -t bpf -o ro bpf "$T_TMP/robpf"
MNTS+=("$T_TMP/robpf")
RO() { nsx dut "$VRCTL" --pin-dir "$T_TMP/robpf/vr" "$@"; }
fails "load on a read-only bpffs" 1 "cannot create .*robpf/vr: Read-only file system" RO load e3
check "... nothing made: no pin dir, no XDP on e3" sh -c "test ! -e '$T_TMP/robpf/vr' && ! ip -n $(ns dut) link show e3 | grep -q prog/xdp"
fails "list on a read-only bpffs, nothing loaded" 1 "not loaded" RO list
# A vrouter whose bpffs becomes read-only: nothing may change halfway.
mkdir -p "$T_TMP/bpf2"
setup "second bpffs" mount -t bpf bpf "$T_TMP/bpf2"
MNTS+=("$T_TMP/bpf2")
R2() { nsx dut "$VRCTL" --pin-dir "$T_TMP/bpf2/vr" "$@"; }
setup "load e3 into the second bpffs" R2 load e3
setup "VR $P-ro there" R2 add-router $P-ro --mac 02:00:00:00:70:0f
setup "remount it read-only" mount -o remount,ro "$T_TMP/bpf2"
ro_state() { ls "$T_TMP/bpf2/vr"; ip -n "$(ns dut)" link show e3 | grep -c prog/xdp; ip netns list | grep -c "^$P-ro"; ip -n $P-ro -br link 2>/dev/null | wc -l; }
ro_state >"$T_TMP/ro-before"
for c in "add-router $P-r2 --mac 02:00:00:00:70:1f" "del-router $P-ro" "unload --all" "unload e3" "load --replace e3"; do
	R2 $c >"$T_TMP/o" 2>"$T_TMP/e"; rc=$?
	ro_state >"$T_TMP/ro-after"
	if [ $rc = 1 ] && [ "$(wc -l <"$T_TMP/e")" = 1 ] && grep -q "read-only file system" "$T_TMP/e" &&
	   cmp -s "$T_TMP/ro-before" "$T_TMP/ro-after"; then
		ok "$c on a bpffs remounted read-only: refused, nothing changed ($(cat "$T_TMP/e"))"
	else
		not_ok "$c on a read-only bpffs: exit $rc"; sed 's/^/#   /' "$T_TMP/e"
		diff "$T_TMP/ro-before" "$T_TMP/ro-after" | sed 's/^/#   /'
	fi
done
R2 list >"$T_TMP/o" 2>"$T_TMP/e"
check_eq "list works on the read-only bpffs (maps opened read-only)" "0 1" \
	"$? $(grep -c "^$P-ro " "$T_TMP/o")"
check "stats works there too" R2 stats $P-ro
setup "remount it read-write" mount -o remount,rw "$T_TMP/bpf2"
check "then del-router and unload there" eval "R2 del-router $P-ro && R2 unload"
check "... nothing left of it" sh -c "test ! -e '$T_TMP/bpf2/vr' && ! ip netns list | grep -q '^$P-ro ' && ! ip -n $(ns dut) link show e3 | grep -q prog/xdp"

# --- a NIC removed while loaded --------------------------------------------------------------
tsec
setup "load e4" vrctl load e4
IF4=$(ifindex_of dut e4)
setup "VR $P-n on e0 and e4" A $P-n --mac 02:00:00:00:70:21 --iface e0,e4
setup "delete e4 (and p4)" ip -n "$(ns dut)" link del e4
check_eq "the kernel dropped e4 from vr_tx_ports" 0 \
	"$(bpftool -j map dump pinned "$PIN_DIR/vr_tx_ports" | jget "sum(1 for e in j if e.get('formatted', e)['key'] == $IF4)")"
vrctl list >"$T_TMP/o" 2>"$T_TMP/e"
check_eq "list: exit 0, shows the NIC as gone" "0 1" "$? $(grep -c "^$P-n .*e0,if$IF4(gone)" "$T_TMP/o")"
check "list: a warning names the VR, the NIC and the repair" \
	grep -q "^Warning: VR $P-n: its NIC with ifindex $IF4 is gone.*del-router $P-n" "$T_TMP/e"
check "stats still works" vrctl stats
check "add-router of another VR on every loaded NIC works (not on the gone one)" \
	A $P-o --mac 02:00:00:00:70:31
check_eq "... it got e0 e1 only" "['e0', 'e1']" "$(vrctl show $P-o -j | jget '[i["ifname"] for i in j["ifaces"]]')"
fails "unload of the gone NIC" 1 "e4: no such network interface" vrctl unload e4
check "del-router $P-n: exit 0" vrctl del-router $P-n
check_eq "... no entry of the gone NIC left in vr_macs, vr_ports" "0 0" \
	"$(bpftool -j map dump pinned "$PIN_DIR/vr_macs" | jget "sum(1 for e in j if e.get('formatted', e)['key']['ifindex'] == $IF4)") $(bpftool -j map dump pinned "$PIN_DIR/vr_ports" | jget "sum(1 for e in j if e.get('formatted', e)['key']['ifindex'] == $IF4)")"
check "consistent: $P-o only" consistent $P-o

# --- a VR namespace deleted behind vrctl's back --------------------------------------------
tsec
setup "neighbour of $P-o" vrctl neigh add $P-o 198.18.0.2 lladdr 02:00:00:00:00:02 dev e0
setup "ip netns del $P-o" ip netns del $P-o
vrctl list >"$T_TMP/o" 2>"$T_TMP/e"
check_eq "list: exit 0, still lists it" "0 1" "$? $(grep -c "^$P-o " "$T_TMP/o")"
check "list: a warning says its namespace is gone and how to repair" \
	grep -q "^Warning: VR $P-o: its network namespace is gone.*del-router $P-o" "$T_TMP/e"
check_eq "show -j: netns_missing" "True" "$(vrctl show $P-o -j 2>/dev/null | jget 'j.get("netns_missing")')"
fails "add-router of that name: exists" 1 "VR $P-o already exists" A $P-o --mac 02:00:00:00:70:32
vrctl del-router $P-o >"$T_TMP/o" 2>"$T_TMP/e"
check_eq "del-router $P-o: exit 0, a warning" "0 1" "$? $(grep -c "^Warning: network namespace $P-o was already gone" "$T_TMP/e")"
check "... its map entries (MACs, ports, neighbours) and record are gone" consistent

# --- pins removed or replaced by hand ---------------------------------------------------------
tsec
setup "VR $P-p" A $P-p --mac 02:00:00:00:70:41
NEIGH_ID=$(map_id "$PIN_DIR/vr_neigh") MACS_ID=$(map_id "$PIN_DIR/vr_macs")
setup "rm the vr_neigh pin" rm "$PIN_DIR/vr_neigh"
vrctl list >"$T_TMP/o" 2>"$T_TMP/e"
check_eq "list after rm of a pin: exit 0, VR listed" "0 1" "$? $(grep -c "^$P-p " "$T_TMP/o")"
check "... warns that it pinned the program's map again" \
	grep -q "^Warning: .*vr_neigh was missing (removed by hand?): pinned again from the loaded program's map (id $NEIGH_ID)" "$T_TMP/e"
check_eq "... the same map is pinned again (id $NEIGH_ID)" "$NEIGH_ID" "$(map_id "$PIN_DIR/vr_neigh")"
setup "rm the vr_macs pin" rm "$PIN_DIR/vr_macs"
check "load e2 after rm of a pin: repaired, not replaced by a new map" vrctl load e2
check_eq "... vr_macs is the program's own (id $MACS_ID) and kept its entries" "$MACS_ID 2" \
	"$(map_id "$PIN_DIR/vr_macs") $(bpftool -j map dump pinned "$PIN_DIR/vr_macs" | jget 'len(j)')"
setup "unload e2" vrctl unload e2
setup "rm the vr_macs pin, put a foreign map of another layout there" eval "
	rm '$PIN_DIR/vr_macs' &&
	bpftool map create '$PIN_DIR/vr_macs' type hash key 4 value 4 entries 16 name vr_macs"
FOREIGN=$(map_id "$PIN_DIR/vr_macs")
fails "list with a foreign vr_macs (layout)" 1 "vr_macs has another layout" vrctl list
fails "add-router with a foreign vr_macs (layout)" 1 "vr_macs has another layout" A $P-x --mac $M
fails "del-router with a foreign vr_macs (layout)" 1 "vr_macs has another layout" vrctl del-router $P-p
fails "load with a foreign vr_macs (layout): not replaced" 1 "vr_macs has another layout" vrctl load e2
fails "unload with a foreign vr_macs (layout)" 1 "vr_macs has another layout" vrctl unload
setup "replace it with a foreign map of the same layout" eval "
	rm '$PIN_DIR/vr_macs' &&
	bpftool map create '$PIN_DIR/vr_macs' type hash key 12 value 12 entries 8192 name vr_macs"
FOREIGN=$(map_id "$PIN_DIR/vr_macs")
fails "add-router with a foreign vr_macs (same layout)" 1 "vr_macs \\(map id $FOREIGN\\) is not the map the loaded program uses \\(id $MACS_ID\\)" A $P-x --mac $M
fails "load with a foreign vr_macs (same layout): not replaced" 1 "is not the map the loaded program uses" vrctl load e2
check_eq "the foreign map was not written" 0 "$(bpftool -j map dump pinned "$PIN_DIR/vr_macs" | jget 'len(j)')"
setup "rm the foreign pin" rm "$PIN_DIR/vr_macs"
vrctl list >/dev/null 2>&1
check_eq "the next command pins the program's vr_macs again" "$MACS_ID" "$(map_id "$PIN_DIR/vr_macs")"
check "consistent: $P-p" consistent $P-p

# --- full maps (vr_macs and VR ids: case 40) ----------------------------------------------------
tsec
# vr_ports: fillers of a VR id no VR has, on NICs that do not exist; the
# VR's second port does not fit, so everything done is rolled back.
used=$(bpftool -j map dump pinned "$PIN_DIR/vr_ports" | jget 'len(j)')
"$PY" - "$PIN_DIR" $((8192 - used - 1)) "$(bpftool -j map show pinned "$PIN_DIR/vr_ports" | jget 'j["bytes_value"]')" <<'EOF' >"$T_TMP/fill"
import sys
for i in range(int(sys.argv[2])):
    print("map update pinned %s/vr_ports key 0xfe 3 0 0 %d %d 0xff 0xff value 2 0 0 0 0 1 %s"
          % (sys.argv[1], i & 255, i >> 8, " ".join(["0"] * (int(sys.argv[3]) - 6))))
EOF
if bpftool batch file "$T_TMP/fill" >/dev/null 2>"$T_TMP/out"; then
	fails "vr_ports full" 1 "map vr_ports full \\(limit 8192\\)" A $P-x --mac $M --iface e0,e1
	sed 's/map update \(.*\) value.*/map delete \1/' "$T_TMP/fill" >"$T_TMP/unfill"
	check "vr_ports emptied of fillers" bpftool batch file "$T_TMP/unfill"
else
	not_ok "fill vr_ports"; sed 's/^/#   /' "$T_TMP/out" | head -3
fi
# vr_tx_ports: 256 NICs; fillers are real devices (the devmap checks),
# which the kernel drops from the devmap when they are deleted.
for i in $(seq 0 126); do echo "link add fa$i type veth peer name fb$i"; done >"$T_TMP/links"
if ip -n "$(ns dut)" -batch "$T_TMP/links" 2>"$T_TMP/out"; then
	loaded=$(bpftool -j map dump pinned "$PIN_DIR/vr_tx_ports" | jget 'len(j)')
	ip -n "$(ns dut)" -o link | awk -F': ' '$2 ~ /^f[ab][0-9]+@/ {print $1}' | head -$((256 - loaded)) |
		while read -r x; do
			echo "map update pinned $PIN_DIR/vr_tx_ports key $((x & 255)) $((x >> 8)) 0 0 value $((x & 255)) $((x >> 8)) 0 0 0 0 0 0"
		done >"$T_TMP/fill"
	setup "fill vr_tx_ports" nsx dut bpftool batch file "$T_TMP/fill"
	fails "vr_tx_ports full" 1 "e2: vr_tx_ports is full \\(256 NICs\\)" vrctl load e2
	fails "--iface with 257 NICs" 1 "too many NICs \\(limit 256\\)" A $P-x --mac $M \
		--iface "$(seq -s, -f 'fa%g' 0 126),$(seq -s, -f 'fb%g' 0 126),e0,e1,e2"
	sed 's/link add \(fa[0-9]*\) .*/link del \1/' "$T_TMP/links" >"$T_TMP/unlinks"
	ip -n "$(ns dut)" -batch "$T_TMP/unlinks" >/dev/null 2>&1
	check_eq "fillers deleted: vr_tx_ports back to $loaded NICs" "$loaded" \
		"$(bpftool -j map dump pinned "$PIN_DIR/vr_tx_ports" | jget 'len(j)')"
else
	not_ok "127 veth pairs"; sed 's/^/#   /' "$T_TMP/out" | head -3
fi

# --- kill -9 after every step of add-router and del-router ---------------------------------------
tsec
K=$P-k KMAC=02:00:00:00:70:51
VRCTL_FAULT=list vrctl add-router $K --mac $KMAC --iface e0,e1 2>"$T_TMP/steps-add" >/dev/null
VRCTL_FAULT=list vrctl del-router $K 2>"$T_TMP/steps-del" >/dev/null
ADD_STEPS=$(sed -n 's/^fault point: //p' "$T_TMP/steps-add" | xargs)
DEL_STEPS=$(sed -n 's/^fault point: //p' "$T_TMP/steps-del" | xargs)
check_eq "fault points of add-router (2 NICs)" \
	"add:record add:netns add:sysctl add:macvlan1 add:macvlan2 add:port1 add:port2 add:mac1 add:mac2 add:stats add:ready" "$ADD_STEPS"
check_eq "fault points of del-router" \
	"del:record del:macs del:ports del:neigh del:table del:tenant del:macvlans del:netns del:stats" "$DEL_STEPS"
state_of() { vrctl list -j 2>/dev/null | jget "[v['state'] for v in j['routers'] if v['name'] == '$K']"; }
for s in $ADD_STEPS; do
	VRCTL_FAULT=$s vrctl add-router $K --mac $KMAC --iface e0,e1 >/dev/null 2>&1
	rc=$?
	st=$(state_of)
	A $K --mac $KMAC --iface e0,e1 >/dev/null 2>"$T_TMP/e"
	rc2=$? msg=$(cat "$T_TMP/e")
	vrctl del-router $K >/dev/null 2>"$T_TMP/e3"
	rc3=$?
	out=$(consistent $P-p)
	if [ "$s" = add:ready ]; then want="ready" wmsg="VR $K already exists"
	else want="creating" wmsg="VR $K is half-created .*run 'vrctl del-router $K'"; fi
	if [ $rc = 137 ] && [ "$st" = "['$want']" ] && [ $rc2 = 1 ] && grep -qE "^Error: $wmsg" <<<"$msg" &&
	   [ $rc3 = 0 ] && [ "$out" = consistent ]; then
		ok "kill -9 after $s: listed '$want', add-router says '${msg#Error: }', del-router repairs"
	else
		not_ok "kill -9 after $s: exit $rc, state $st; add-router $rc2 '$msg'; del-router $rc3 '$(cat "$T_TMP/e3")'; $out"
	fi
done
# leftovers ID TABLE: what del-router must have removed besides the
# records and maps `consistent` checks: the host table's routes, the
# limit, the counters ("" when all gone).
leftovers() {
	local r l c
	r=$(ip -n "$(ns dut)" route show table "$2" 2>/dev/null | wc -l)
	l=$(bpftool -j map lookup pinned "$PIN_DIR/vr_limits" key $(($1 & 255)) $(($1 >> 8)) 0 0 | jget 'j.get("formatted", j)["value"]["flags"]')
	c=$(bpftool -j map lookup pinned "$PIN_DIR/vr_stats" key $(($1 & 255)) $(($1 >> 8)) 0 0 | jget 'sum(v["value"]["rx"]["packets"] for v in j.get("formatted", j)["values"])' 2>/dev/null || echo ?)
	[ "$r $l $c" = "0 0 0" ] || echo "left: $r routes in table $2, limit flags $l, rx $c"
}
for s in $DEL_STEPS; do
	A $K --mac $KMAC --iface e0,e1 --rate-pps 1000 >/dev/null 2>&1 &&
		vrctl neigh add $K 198.18.0.9 lladdr 02:00:00:00:00:09 dev e1 >/dev/null 2>&1
	read -r kid ktab <<<"$(vrctl show $K -j 2>/dev/null | jget '"%d %d" % (j["id"], j["table"])')"
	ip -n "$(ns dut)" route add 198.18.99.0/24 dev e0 table "$ktab" 2>/dev/null
	nsx peer ping -q -c 1 -W 0.2 -I p0 198.18.99.1 >/dev/null 2>&1	# (counts rx only if it reaches the VR MAC)
	VRCTL_FAULT=$s vrctl del-router $K >/dev/null 2>&1
	rc=$?
	st=$(state_of)
	A $K --mac $KMAC --iface e0,e1 >/dev/null 2>"$T_TMP/e"
	rc2=$? msg=$(cat "$T_TMP/e")
	vrctl del-router $K >/dev/null 2>"$T_TMP/e3"
	rc3=$?
	out=$(consistent $P-p)
	left=$(leftovers "$kid" "$ktab")
	if [ $rc = 137 ] && [ "$st" = "['deleting']" ] && [ $rc2 = 1 ] && [ -z "$left" ] &&
	   grep -qE "^Error: VR $K is half-deleted .*run 'vrctl del-router $K'" <<<"$msg" &&
	   [ $rc3 = 0 ] && [ "$out" = consistent ]; then
		ok "kill -9 after $s: listed 'deleting', add-router says so, del-router finishes (host table, limit, counters gone)"
	else
		not_ok "kill -9 after $s: exit $rc, state $st; add-router $rc2 '$msg'; del-router $rc3 '$(cat "$T_TMP/e3")'; $out; $left"
	fi
done
# A crash inside netns creation leaves /run/netns/NAME as a plain file.
setup "half-created record by hand" eval "VRCTL_FAULT=add:record vrctl add-router $K --mac $KMAC; touch /run/netns/$K"
check "del-router removes a namespace file that is no namespace" vrctl del-router $K
check "... gone, consistent" eval "test ! -e /run/netns/$K && consistent $P-p >/dev/null"
check "unload --all with a half-created VR deletes it too" eval "
	VRCTL_FAULT=add:macvlan1 vrctl add-router $K --mac $KMAC --iface e0,e1;
	vrctl unload --all && test ! -e /run/netns/$K && test ! -e '$PIN_DIR' && vrctl load e0 e1 &&
	A $P-p --mac 02:00:00:00:70:41"

# --- many vrctl at once on one pin directory -------------------------------------------------------
tsec
for i in 1 2 3; do setup "VR $P-d$i" A $P-d$i --mac 02:00:00:00:71:0$i --iface e0,e1; done
pids=()
for i in $(seq 0 9); do
	( A $P-r$i --mac 02:00:00:00:72:0$i --iface e0,e1 >"$T_TMP/r$i.out" 2>&1; echo $? >"$T_TMP/r$i.rc" ) &
	pids+=($!)
done
for i in 1 2 3; do
	( vrctl del-router $P-d$i >"$T_TMP/d$i.out" 2>&1; echo $? >"$T_TMP/d$i.rc" ) &
	pids+=($!)
done
for i in 1 2 3 4 5; do	# the same name five times: one wins
	( A $P-same --mac 02:00:00:00:73:0$i --iface e0 >"$T_TMP/s$i.out" 2>&1; echo $? >"$T_TMP/s$i.rc" ) &
	pids+=($!)
done
( for _ in 1 2 3 4 5 6; do vrctl list >/dev/null 2>&1 || echo list-failed; done >"$T_TMP/lists" ) &
pids+=($!)
wait "${pids[@]}"
check_eq "10 concurrent add-router: all succeed" "0 0 0 0 0 0 0 0 0 0" "$(cat "$T_TMP"/r?.rc | xargs)"
check_eq "3 concurrent del-router: all succeed" "0 0 0" "$(cat "$T_TMP"/d?.rc | xargs)"
check_eq "5 concurrent add-router of one name: one succeeds, 4 'already exists'" "1 4" \
	"$(grep -lx 0 "$T_TMP"/s?.rc | wc -l) $(cat "$T_TMP"/s?.out | grep -c "VR $P-same already exists")"
check_eq "concurrent list never failed" "" "$(cat "$T_TMP/lists")"
check "final state consistent: exactly the VRs reported created" \
	consistent $P-p $P-same $(for i in $(seq 0 9); do echo $P-r$i; done)
check_eq "10 + 2 VRs, ids unique" "12 12" \
	"$(vrctl list -j | jget 'len(j["routers"])') $(vrctl list -j | jget 'len(set(v["id"] for v in j["routers"]))')"

# --- vr_neigh full --------------------------------------------------------------------------------
tsec
used=$(bpftool -j map dump pinned "$PIN_DIR/vr_neigh" | jget 'len(j)')
"$PY" - "$PIN_DIR" $((131072 - used)) "$(bpftool -j map show pinned "$PIN_DIR/vr_neigh" | jget 'j["bytes_value"]')" <<'EOF' >"$T_TMP/fill"
import sys
for i in range(int(sys.argv[2])):
    print("map update pinned %s/vr_neigh key 0xfe 3 0 0 9 9 0 0 2 0 0 0 %d %d %d 0 0 0 0 0 0 0 0 0 0 0 0 0 value 2 0 0 0 0 1 %s"
          % (sys.argv[1], i & 255, (i >> 8) & 255, i >> 16, " ".join(["0"] * (int(sys.argv[3]) - 6))))
EOF
SNAP_NEIGH=
if bpftool batch file "$T_TMP/fill" >/dev/null 2>"$T_TMP/out"; then
	fails "vr_neigh full" 1 "vr_neigh is full \\(131072 entries\\)" \
		vrctl neigh add $P-p 198.18.0.7 lladdr 02:00:00:00:00:07 dev e0
else
	not_ok "fill vr_neigh"; sed 's/^/#   /' "$T_TMP/out" | head -3
fi

# --- the VR records' pin removed: no program holds that map -------------------------------------
tsec
setup "rm the vr_routers pin" rm "$PIN_DIR/vr_routers"
fails "list without vr_routers: the records are lost, said so" 1 \
	"vr_routers is missing .* no loaded program holds that map: its contents are lost" vrctl list
fails "load without vr_routers: refused, no new empty map pinned" 1 \
	"vr_routers is missing" vrctl load e2
echo "# $((SECONDS - t0)) s"
t_end
