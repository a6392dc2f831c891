#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# vrctl load / unload / list / show / stats / neigh and the CLI contract:
# lifecycles that leave nothing behind, maps kept across reloads, NICs
# added and programs replaced without touching the other NICs, text and
# JSON output, and every error case with its message, exit status (1
# error, 2 usage) and no change of state (snapshots before and after).
#
#   dut:e0 == peer:p0 (GRO on p0: e0 can take redirected frames)
#   dut:e1 == peer:p1 (no GRO, no XDP on p1: load warns about e1)
#   dut:e2 == peer:p2
#
# VRs are written into the maps with bpftool (this case tests vrctl's
# views of them, not add-router), named "$P-..." so cleanup covers them.
# plan: 155
. "$(dirname "$0")/../lib.sh"

vrctl() { nsx dut "$VRCTL" --pin-dir "$PIN_DIR" "$@"; }
json_ok() { "$PY" -c 'import json, sys; json.load(sys.stdin)'; }
# jq-like: jget EXPR < json  (python expression on "j")
jget() { "$PY" -c 'import json, sys; j = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
xdp_links() { ip -n "$(ns dut)" link show 2>/dev/null | grep -c 'prog/xdp'; }
prog_id() { ip -n "$(ns dut)" link show "$1" 2>/dev/null | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p'; }
map_id() { bpftool map show pinned "$PIN_DIR/$1" 2>/dev/null | head -1 | cut -d: -f1; }
pinned_prog_id() { bpftool prog show pinned "$PIN_DIR/vr_forward" 2>/dev/null | head -1 | cut -d: -f1; }
# vrctl without the shell function, for timeout(1)
vrctl_cmd() { echo nsenter --net="/run/netns/$(ns dut)" "$VRCTL" --pin-dir "$PIN_DIR"; }
fwd() { nsx dut sysctl -n "net.ipv4.conf.$1.forwarding"; }

# hx FORMAT ARGS...: struct.pack as hex bytes for bpftool; MACs as aa:bb:...
hx() {
	"$PY" - "$@" <<'EOF'
import struct, sys
fmt, args = sys.argv[1], []
for a in sys.argv[2:]:
    if ':' in a:
        args.append(bytes.fromhex(a.replace(':', '')))
    elif a.lstrip('-').isdigit():
        args.append(int(a))
    else:
        args.append(a.encode())
print(' '.join('%02x' % b for b in struct.pack(fmt, *args)))
EOF
}
mupdate() { local m=$1 k=$2 v=$3; bpftool map update pinned "$PIN_DIR/$m" key hex $k value hex $v; }

# The state an error must not change: pins, map ids and contents (not the
# counters), the program on each NIC, the forwarding sysctls.
snap() {
	{
		ls "$PIN_DIR" 2>&1
		for m in vr_macs vr_ports vr_neigh vr_tx_ports vr_routers; do
			[ -e "$PIN_DIR/$m" ] || continue
			bpftool map show pinned "$PIN_DIR/$m" | head -1
			bpftool map dump pinned "$PIN_DIR/$m"
		done
		[ -e "$PIN_DIR/vr_forward" ] && bpftool prog show pinned "$PIN_DIR/vr_forward" | head -1
		# (stderr dropped: iproute2 complains about other tests' vanishing netns)
		ip -n "$(ns dut)" link show 2>/dev/null | grep -E '^[0-9]+:|prog/xdp'
		nsx dut sysctl net.ipv4.conf.e0.forwarding net.ipv4.conf.e1.forwarding \
			net.ipv4.conf.e2.forwarding net.ipv6.conf.all.forwarding
	} >"$1" 2>&1
}

# expect_fail DESC STATUS PATTERN CMD...: CMD exits with STATUS, the first
# line on stderr is "Error: ..." matching PATTERN (for status 1 it is the
# only line), and the state is as before.
expect_fail() {
	local d=$1 st=$2 pat=$3 rc first
	shift 3
	snap "$T_TMP/before"
	"$@" >"$T_TMP/o" 2>"$T_TMP/e"
	rc=$?
	snap "$T_TMP/after"
	first=$(head -1 "$T_TMP/e")
	if [ "$rc" != "$st" ]; then
		not_ok "$d: exit status $rc, expected $st"
		sed 's/^/#   /' "$T_TMP/e"
	elif ! grep -qE -- "^Error: .*$pat" <<<"$first"; then
		not_ok "$d: message '$first' does not match '$pat'"
	elif [ "$st" = 1 ] && [ "$(wc -l <"$T_TMP/e")" != 1 ]; then
		not_ok "$d: more than one line on stderr"
		sed 's/^/#   /' "$T_TMP/e"
	elif ! diff -u "$T_TMP/before" "$T_TMP/after" >"$T_TMP/diff"; then
		not_ok "$d: state changed"
		sed 's/^/#   /' "$T_TMP/diff" | head -30
	else
		ok "$d (exit $st: $first)"
	fi
}

[ -x "$VRCTL" ] || fatal "$VRCTL not built (make)"
ensure_bpffs

# --- topology --------------------------------------------------------------------
setup "namespace dut" ns_add dut
setup "namespace peer" ns_add peer
for i in 0 1 2; do setup "veth e$i/p$i" veth_add dut e$i peer p$i; done
setup "GRO on p0" nsx peer ethtool -K p0 gro on
# No IPv6 autoconfiguration chatter from the peer.
setup "peer quiet" nsx peer sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
	net.ipv6.conf.default.disable_ipv6=1
IF0=$(ifindex_of dut e0) IF1=$(ifindex_of dut e1) IF2=$(ifindex_of dut e2)

# --- help and usage ----------------------------------------------------------------
check "vrctl -h prints the usage, exit 0" sh -c "'$VRCTL' -h | grep -q '^Usage: vrctl'"
check "vrctl help load" sh -c "'$VRCTL' help load | grep -q '^Usage: vrctl load IFACE'"
check "vrctl load -h (-h anywhere) needs no root" \
	setpriv --reuid=65534 --regid=65534 --clear-groups "$VRCTL" load -h
"$VRCTL" >/dev/null 2>"$T_TMP/e"
check_eq "no command: usage on stderr, exit 2" "2 Usage: vrctl [OPTIONS] COMMAND [ARGS]" "$? $(head -1 "$T_TMP/e")"
expect_fail "unknown command" 2 "unknown command 'frobnicate'" vrctl frobnicate
expect_fail "an ambiguous prefix ('s') lists the candidates" 2 "ambiguous command 's': set-router, show, stats, sync, status" vrctl s x
expect_fail "no command has the prefix ('lox')" 2 "unknown command 'lox'" vrctl lox
expect_fail "bad option" 2 "unknown option '--bogus'" vrctl load e0 --bogus
expect_fail "bad global-looking option" 2 "unknown option '-x'" vrctl -x
expect_fail "--pin-dir without a value" 2 "--pin-dir needs" nsx dut "$VRCTL" list --pin-dir
expect_fail "--pin-dir relative" 2 "not an absolute path" nsx dut "$VRCTL" --pin-dir rel/dir list
# One option parser for every command: exact long names, each option once, no empty value.
expect_fail "no prefix matching of options ('--mo')" 2 "unknown option '--mo'" vrctl load e0 --mo skb
expect_fail "a global option's prefix ('--pin')" 2 "unknown option '--pin'" nsx dut "$VRCTL" --pin /sys/fs/bpf/x list
expect_fail "an option given twice" 2 "--replace given twice" vrctl load e0 --replace --replace
expect_fail "an empty value (--mode=)" 2 "--mode needs a value" vrctl load e0 --mode=
expect_fail "an unknown short option" 2 "unknown option '-x'" vrctl sync -x
for o in --mac --table --iface --rate-pps --burst --rate-bps --burst-bytes; do
	check "help add-router: usage and option list name $o" \
		sh -c "'$VRCTL' help add-router | grep -c -- '^  $o ' | grep -qx 1 &&
			'$VRCTL' help add-router | sed -n '1,/^\$/p' | grep -q -- '$o '"
done

# --- errors with nothing loaded -------------------------------------------------------
check "nothing loaded yet: no $PIN_DIR" test ! -e "$PIN_DIR"
expect_fail "not root" 1 "load: needs CAP_NET_ADMIN, CAP_SYS_ADMIN, CAP_DAC_OVERRIDE" \
	nsx dut setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$VRCTL" --pin-dir "$PIN_DIR" load e0
expect_fail "load without IFACE" 2 "no IFACE" vrctl load
expect_fail "load --mode turbo" 2 "--mode: 'turbo' is not native or skb" vrctl load e0 --mode turbo
expect_fail "load --mode without value" 2 "--mode needs" vrctl load e0 --mode
expect_fail "load e0 e0" 2 "e0: given twice" vrctl load e0 e0
expect_fail "unknown NIC" 1 "nosuch0: no such network interface" vrctl load nosuch0
expect_fail "unknown NIC after a good one" 1 "nosuch0: no such network interface" vrctl load e0 nosuch0
expect_fail "NIC name too long" 1 "no such network interface" vrctl load e0123456789abcdefxyz
expect_fail "unload of a NIC with nothing loaded" 1 "e0: not loaded" vrctl unload e0
expect_fail "unload with nothing loaded" 1 "not loaded" vrctl unload
expect_fail "list with nothing loaded" 1 "not loaded" vrctl list
expect_fail "stats with nothing loaded" 1 "not loaded" vrctl stats
mkdir -p "$T_TMP/notbpf"
expect_fail "bpffs unavailable (pin dir on tmpfs)" 1 "not on a bpf filesystem" \
	nsx dut "$VRCTL" --pin-dir "$T_TMP/notbpf/vr" load e0
check "no directory made on the non-bpffs" test ! -e "$T_TMP/notbpf/vr"

# A failure halfway through: e2's peer MTU is too large for native XDP on a
# veth, so e1 is attached first and must be detached again.
setup "jumbo MTU on p2/e2" sh -c "ip -n $(ns peer) link set p2 mtu 9000 && ip -n $(ns dut) link set e2 mtu 9000"
expect_fail "load e1 e2 fails on e2 (fresh): undone" 1 "e2: cannot attach" vrctl load e1 e2
check "failed first load leaves no pin directory" test ! -e "$PIN_DIR"
check_eq "failed first load leaves no XDP program" 0 "$(xdp_links)"

check_eq "failed first load puts fib_multipath_hash_policy back (IPv4, IPv6)" "0 0" \
	"$(nsx dut cat /proc/sys/net/ipv4/fib_multipath_hash_policy /proc/sys/net/ipv6/fib_multipath_hash_policy | xargs)"

# --- load ---------------------------------------------------------------------------------
vrctl -v load e0 >"$T_TMP/o" 2>"$T_TMP/e"
check_eq "load e0: exit 0" 0 $?
check "load e0: no warning for e0 (its peer has GRO)" sh -c "! grep -q Warning '$T_TMP/e'"
check "load -v e0 says it set the multipath hash policy (IPv4, IPv6)" sh -c "
	grep -q 'net/ipv4/fib_multipath_hash_policy=1 (was ' '$T_TMP/o' '$T_TMP/e' &&
	grep -q 'net/ipv6/fib_multipath_hash_policy=1 (was ' '$T_TMP/o' '$T_TMP/e'"
check_eq "load e0: fib_multipath_hash_policy=1 (IPv4, IPv6)" "1 1" \
	"$(nsx dut cat /proc/sys/net/ipv4/fib_multipath_hash_policy /proc/sys/net/ipv6/fib_multipath_hash_policy | xargs)"
check_eq "load e0: XDP program on e0" 1 "$(xdp_links)"
check "load e0: maps and program pinned" sh -c "cd '$PIN_DIR' && ls vr_macs vr_ports vr_neigh vr_tx_ports vr_stats vr_nic_stats vr_routers vr_forward"
check_eq "load e0: the pinned program is the attached one" "$(prog_id e0)" \
	"$(pinned_prog_id)"
check_eq "load e0: e0 in vr_tx_ports" "[$IF0]" \
	"$(bpftool -j map dump pinned "$PIN_DIR/vr_tx_ports" | jget '[int.from_bytes(bytes(int(b, 16) for b in e["key"]), "little") for e in j]')"
check_eq "load e0: net.ipv4.conf.e0.forwarding=1" 1 "$(fwd e0)"
check_eq "load e0: net.ipv6.conf.all.forwarding=1" 1 "$(nsx dut sysctl -n net.ipv6.conf.all.forwarding)"
check_eq "load e0: native mode" native \
	"$(vrctl -j stats | jget 'j["ifaces"][0]["mode"]')"

# An entry that must survive every reload below.
NK=$(hx '<IIB3x4B12x' 7 "$IF0" 2 198 18 0 99) NV=$(hx '<6s10x' 02:00:00:00:07:07)
setup "vr_neigh entry written with bpftool" mupdate vr_neigh "$NK" "$NV"
neigh_count() { bpftool -j map dump pinned "$PIN_DIR/vr_neigh" | jget 'len(j)'; }
MAPS0="$(map_id vr_neigh) $(map_id vr_tx_ports) $(map_id vr_routers)"
P0=$(prog_id e0)

# --- errors with e0 loaded ---------------------------------------------------------------
expect_fail "already-loaded NIC" 1 "e0: already loaded" vrctl load e0
expect_fail "already-loaded NIC among new ones" 1 "e0: already loaded" vrctl load e1 e0
expect_fail "unknown NIC among new ones" 1 "nosuch0: no such network interface" vrctl load e1 nosuch0
expect_fail "unload of a NIC not loaded" 1 "e1: not loaded" vrctl unload e1
expect_fail "unload e0 e1, e1 not loaded: e0 stays" 1 "e1: not loaded" vrctl unload e0 e1
expect_fail "unload --all with IFACE" 2 "--all goes without IFACE" vrctl unload --all e0
expect_fail "unload e0 e0" 2 "e0: given twice" vrctl unload e0 e0
expect_fail "--replace cannot change the mode" 1 "e0: loaded in native mode" vrctl load --replace e0 --mode skb
expect_fail "load e1 e2 fails on e2 (loaded): undone" 1 "e2: cannot attach" vrctl load e1 e2
check_eq "failed load restored net.ipv4.conf.e1.forwarding" 0 "$(fwd e1)"
expect_fail "not root (loaded)" 1 "unload: needs CAP_NET_ADMIN" \
	nsx dut setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$VRCTL" --pin-dir "$PIN_DIR" unload

# --- adding NICs, reusing the maps, replacing the program -----------------------------
vrctl load e1 >"$T_TMP/o" 2>"$T_TMP/e"
check_eq "load e1 (add a NIC): exit 0" 0 $?
check "load e1: warning names e1 (peer without XDP or GRO)" grep -q '^Warning: e1 cannot transmit' "$T_TMP/e"
check_eq "load e1: e0's program untouched" "$P0" "$(prog_id e0)"
check_eq "load e1: e1 runs the same pinned program" "$P0" "$(prog_id e1)"
check_eq "load e1: vr_neigh entry kept" 1 "$(neigh_count)"
check_eq "load e1: same maps" "$MAPS0" "$(map_id vr_neigh) $(map_id vr_tx_ports) $(map_id vr_routers)"
setup "MTU back on p2/e2" sh -c "ip -n $(ns dut) link set e2 mtu 1500 && ip -n $(ns peer) link set p2 mtu 1500"
check "load e2 --mode skb" vrctl load e2 --mode skb
check "e2 is in generic (skb) mode" sh -c "ip -n $(ns dut) link show e2 | grep -q xdpgeneric"
check_eq "stats -j: e2 mode skb" skb \
	"$(vrctl -j stats | jget '[i["mode"] for i in j["ifaces"] if i["ifname"] == "e2"][0]')"
check "load --replace e0 e1 e2" vrctl load --replace e0 e1 e2
P1=$(prog_id e0)
check "--replace: a new program" test -n "$P1" -a "$P1" != "$P0"
check_eq "--replace: the same new program on e0 e1 e2, pinned" "$P1 $P1 $P1 $P1" \
	"$(prog_id e0) $(prog_id e1) $(prog_id e2) $(pinned_prog_id)"
check_eq "--replace: e2 kept its skb mode" 1 "$(ip -n "$(ns dut)" link show e2 | grep -c xdpgeneric)"
check_eq "--replace: same maps, entry kept" "$MAPS0 1" \
	"$(map_id vr_neigh) $(map_id vr_tx_ports) $(map_id vr_routers) $(neigh_count)"

# --- two vrctl at once ----------------------------------------------------------------------
check "unload e1" vrctl unload e1
check_eq "unload e1: only e1 detached" "2 $P1" "$(xdp_links) $(prog_id e0)"
( vrctl load e1 >"$T_TMP/c1" 2>&1; echo $? >"$T_TMP/r1" ) &
( vrctl load e1 >"$T_TMP/c2" 2>&1; echo $? >"$T_TMP/r2" ) &
wait
check_eq "two concurrent 'load e1': one succeeds, one is refused" "0 1" \
	"$(sort <<<"$(cat "$T_TMP/r1" "$T_TMP/r2")" | tr '\n' ' ' | sed 's/ $//')"
check "the refused one says 'already loaded'" grep -q "e1: already loaded" "$T_TMP/c1" "$T_TMP/c2"
# The lock held by a background flock(1) until told to let go; it says
# when it has the lock through a fifo (no sleep).
mkfifo "$T_TMP/locked" "$T_TMP/release"
flock "$PIN_DIR" sh -c "echo >'$T_TMP/locked'; read x <'$T_TMP/release'" &
LOCKER=$!
read -r _ <"$T_TMP/locked"
timeout 1 $(vrctl_cmd) unload e1 >/dev/null 2>&1
check_eq "a mutating command waits for the pin directory lock" 124 $?
check "a read-only command does not wait for it" timeout 1 $(vrctl_cmd) list
echo >"$T_TMP/release"
wait $LOCKER
check_eq "e1 still loaded after the blocked unload" "$P1" "$(prog_id e1)"

# --- a VR (records written with bpftool), list/show/stats/neigh ------------------------
VR=$P-v VRID=5 TABLE=1500 VRMAC=02:00:00:00:05:01
setup "VR namespace (a VR has one)" ip netns add "$VR"
# (uid_count 0: no user namespace, as an older vrctl made VRs)
setup "VR record" mupdate vr_routers "$(hx '<I' $VRID)" \
	"$(hx '<32sIIQQQIIIIIIQ' "$VR" 2 $TABLE 1700000000000000000 0 0 0 0 0 0 0 0 0)"
setup "VR port e0" mupdate vr_ports "$(hx '<II' $VRID "$IF0")" "$(hx '<6s2x16s' $VRMAC e0)"
setup "VR port e1" mupdate vr_ports "$(hx '<II' $VRID "$IF1")" "$(hx '<6s2x16s' $VRMAC e1)"
setup "VR MAC on e0" mupdate vr_macs "$(hx '<I6s2x' "$IF0" $VRMAC)" "$(hx '<IIB3x' $VRID $TABLE 0)"

vrctl list >"$T_TMP/o" 2>&1
check "list (text) shows the VR" grep -qE "^$VR +$VRID +$TABLE +ready +e0,e1$" "$T_TMP/o"
vrctl list -j >"$T_TMP/o" 2>&1
check "list -j parses" json_ok <"$T_TMP/o"
check_eq "list -j: the VR" "[['$VR', $VRID, $TABLE, 'ready']]" \
	"$(vrctl list -j | jget '[[v["name"], v["id"], v["table"], v["state"]] for v in j["routers"]]')"
vrctl show "$VR" >"$T_TMP/o" 2>&1
check "show (text)" grep -q "^$VR: id $VRID table $TABLE state ready netns $VR" "$T_TMP/o"
check "show (text) lists the MAC per NIC" grep -q "e1 (ifindex $IF1) mac $VRMAC" "$T_TMP/o"
check_eq "show -j: keys" "['created', 'fast_path_off', 'id', 'ifaces', 'limit', 'name', 'netns', 'netns_missing', 'quota', 'state', 'table', 'tenant']" \
	"$(vrctl show "$VR" -j | jget 'sorted(j)')"
check_eq "show -j: values" "$VR $VRID $TABLE ready $VR ['e0', 'e1'] $VRMAC" \
	"$(vrctl show "$VR" -j | jget '" ".join(map(str, [j["name"], j["id"], j["table"], j["state"], j["netns"], [i["ifname"] for i in j["ifaces"]], j["ifaces"][0]["mac"]]))')"
check_eq "global options anywhere: -j show == show -j" \
	"$(vrctl -j show "$VR")" "$(vrctl show "$VR" -j)"
check_eq "global options anywhere: --pin-dir after the command" \
	"$(vrctl show "$VR")" "$(nsx dut "$VRCTL" show "$VR" --pin-dir "$PIN_DIR")"
check_eq "show without NAME: every VR, {\"routers\": [...]}" "['$VR']" "$(vrctl show -j | jget '[v["name"] for v in j["routers"]]')"
expect_fail "show with a bad name" 2 "not a valid router name" vrctl show 'a/b'
expect_fail "show of an unknown VR" 1 "nosuchvr: no such virtual router" vrctl show nosuchvr
expect_fail "show with two names" 2 "unexpected argument" vrctl show "$VR" other
expect_fail "list with an argument" 2 "unexpected argument" vrctl list foo

# Frames to the VR's MAC: counted per VR, passed (no routes in its table).
setup "peer address" ip -n "$(ns peer)" addr add 198.18.0.2/24 dev p0
setup "peer neighbour = VR MAC" ip -n "$(ns peer)" neigh add 198.18.0.1 lladdr $VRMAC dev p0 nud permanent
nsx peer ping -q -c 5 -i 0.2 -W 1 198.18.0.1 >/dev/null 2>&1
vrctl stats -j >"$T_TMP/s.json" 2>&1
check "stats -j parses" json_ok <"$T_TMP/s.json"
check_eq "stats -j: rx and pass not_fwded count the 5 frames" "5 5 5 0" \
	"$(jget '" ".join(str(x) for x in [j["routers"][0]["rx"]["packets"], j["routers"][0]["pass"]["not_fwded"]["packets"], j["routers"][0]["pass_total"]["packets"], j["routers"][0]["fwd"]["packets"]])' <"$T_TMP/s.json")"
check_eq "stats -j: every pass reason of include/vr_pass_names.h, by name" \
	"$(sed -n 's/.*\[VR_PASS_[A-Z0-9_]*\] = "\([a-z0-9_]*\)".*/\1/p' "$TOP/include/vr_pass_names.h" | sort | xargs)" \
	"$(jget '" ".join(sorted(j["routers"][0]["pass"]))' <"$T_TMP/s.json")"
check_eq "stats -j: NICs e0 e1 e2" "['e0', 'e1', 'e2']" \
	"$(jget 'sorted(i["ifname"] for i in j["ifaces"])' <"$T_TMP/s.json")"
vrctl stats >"$T_TMP/o" 2>&1
check "stats (text): the VR and its pass reason" sh -c "grep -q '^$VR (id $VRID)' '$T_TMP/o' && grep -qE '^ +not_fwded +5 pkts' '$T_TMP/o'"
check "stats (text): per-NIC no_vr" grep -qE "^ +no_vr +[0-9]+ pkts" "$T_TMP/o"
check_eq "stats NAME -j: only that VR" "['$VR']" "$(vrctl stats "$VR" -j | jget '[v["name"] for v in j["routers"]]')"
vrctl stats -j --interval 1 --count 2 >"$T_TMP/o" 2>&1
check_eq "stats --interval 1 --count 2 -j: two JSON lines with rates" "2" \
	"$("$PY" -c 'import json,sys; print(sum(1 for l in sys.stdin if "pps" in json.loads(l)["routers"][0]["rx"]))' <"$T_TMP/o")"
timeout --preserve-status -s INT 2 $(vrctl_cmd) stats --interval 1 >"$T_TMP/o" 2>&1
check_eq "stats --interval ends cleanly on SIGINT" 0 $?
expect_fail "stats --interval abc" 2 "'abc' is not a number" vrctl stats --interval abc
expect_fail "stats --interval 1x" 2 "'1x' is not a number" vrctl stats --interval 1x
expect_fail "stats --interval 0" 2 "'0' is not a number" vrctl stats --interval 0
expect_fail "stats --interval overflow" 2 "is not a number" vrctl stats --interval 4294967296
expect_fail "stats --count -1" 2 "'-1' is not a number" vrctl stats --interval 1 --count -1
expect_fail "stats --count without --interval" 2 "--count goes with --interval" vrctl stats --count 2
expect_fail "stats of an unknown VR" 1 "nosuchvr: no such virtual router" vrctl stats nosuchvr

# neigh
check "neigh add (IPv4)" vrctl neigh add "$VR" 198.18.0.2 lladdr 02:00:00:00:00:02 dev e0
check "neigh add (IPv6, keywords in another order)" vrctl neigh add "$VR" 2001:2::2 dev e1 lladdr 02:00:00:00:00:03
check_eq "neigh: key with zeroed pad, IPv4 in addr[0]" "[[$VRID, $IF0, 2, [0, 0, 0], '02:00:00:00:00:02']]" \
	"$(bpftool -j map dump pinned "$PIN_DIR/vr_neigh" | jget '[[f["key"]["vr_id"], f["key"]["ifindex"], f["key"]["family"], f["key"]["pad"], ":".join("%02x" % b for b in f["value"]["mac"])] for f in (e.get("formatted", e) for e in j) if f["key"]["vr_id"] == '$VRID' and f["key"]["family"] == 2]')"
check_eq "neigh show -j" "[('198.18.0.2', 'e0', '02:00:00:00:00:02'), ('2001:2::2', 'e1', '02:00:00:00:00:03')]" \
	"$(vrctl neigh show "$VR" -j | jget 'sorted((n["dst"], n["ifname"], n["mac"]) for n in j["neigh"])')"
vrctl neigh show "$VR" dev e1 >"$T_TMP/o" 2>&1
check "neigh show (text)" grep -qx '2001:2::2 dev e1 lladdr 02:00:00:00:00:03' "$T_TMP/o"
expect_fail "neigh add of an existing entry" 1 "neighbour exists" vrctl neigh add "$VR" 198.18.0.2 lladdr 02:00:00:00:00:09 dev e0
check "neigh replace" vrctl neigh replace "$VR" 198.18.0.2 lladdr 02:00:00:00:00:09 dev e0
expect_fail "neigh add: multicast MAC" 2 "not a unicast MAC" vrctl neigh add "$VR" 198.18.0.3 lladdr 01:00:5e:00:00:01 dev e0
expect_fail "neigh add: zero MAC" 2 "not a unicast MAC" vrctl neigh add "$VR" 198.18.0.3 lladdr 00:00:00:00:00:00 dev e0
expect_fail "neigh add: short MAC" 2 "not a unicast MAC" vrctl neigh add "$VR" 198.18.0.3 lladdr 02:00:00:00:00 dev e0
expect_fail "neigh add: MAC with dashes" 2 "not a unicast MAC" vrctl neigh add "$VR" 198.18.0.3 lladdr 02-00-00-00-00-03 dev e0
expect_fail "neigh add: bad address" 2 "'198.18.0.256' is not an IPv4 or IPv6" vrctl neigh add "$VR" 198.18.0.256 lladdr 02:00:00:00:00:03 dev e0
expect_fail "neigh add: prefix instead of address" 2 "is not an IPv4 or IPv6" vrctl neigh add "$VR" 198.18.0.0/24 lladdr 02:00:00:00:00:03 dev e0
expect_fail "neigh add: no dev" 2 "dev IFACE missing" vrctl neigh add "$VR" 198.18.0.3 lladdr 02:00:00:00:00:03
expect_fail "neigh add: no lladdr" 2 "lladdr MAC missing" vrctl neigh add "$VR" 198.18.0.3 dev e0
expect_fail "neigh add: unknown NIC" 1 "nosuch0: no such network interface" vrctl neigh add "$VR" 198.18.0.3 lladdr 02:00:00:00:00:03 dev nosuch0
expect_fail "neigh add: NIC not the VR's" 1 "e2: virtual router $VR is not on this NIC" vrctl neigh add "$VR" 198.18.0.3 lladdr 02:00:00:00:00:03 dev e2
expect_fail "neigh add: unknown VR" 1 "nosuchvr: no such virtual router" vrctl neigh add nosuchvr 198.18.0.3 lladdr 02:00:00:00:00:03 dev e0
expect_fail "neigh: unknown subcommand" 2 "neigh: unknown command 'flush'" vrctl neigh flush "$VR"
expect_fail "neigh del of a missing entry" 1 "no such neighbour" vrctl neigh del "$VR" 198.18.0.77 dev e0
check "neigh del" vrctl neigh del "$VR" 2001:2::2 dev e1
check_eq "neigh del: gone" "1" "$(vrctl neigh show "$VR" -j | jget 'len(j["neigh"])')"

# --- unload --------------------------------------------------------------------------------
expect_fail "unload with a VR and no --all: refused, names it" 1 "virtual router exists \\($VR\\)" vrctl unload
check "unload e0 e2" vrctl unload e0 e2
check_eq "unload e0 e2: e1 still loaded, pins kept" "1 $P1 yes" \
	"$(xdp_links) $(prog_id e1) $([ -e "$PIN_DIR/vr_forward" ] && echo yes)"
check "load e0 again" vrctl load e0
check_eq "load e0 again: maps kept (ids, entries)" "$MAPS0 2" \
	"$(map_id vr_neigh) $(map_id vr_tx_ports) $(map_id vr_routers) $(neigh_count)"
check "unload --all (deletes the VR first)" vrctl unload --all
check_eq "unload --all: no XDP program left" 0 "$(xdp_links)"
check "unload --all: no pins, no pin directory" test ! -e "$PIN_DIR"
check "load e0 e1 after unload" vrctl load e0 e1
P2=$(prog_id e0)
check_eq "a fresh load has fresh maps (the entry is gone)" 0 "$(neigh_count)"
check "unload (no VR: no --all needed)" vrctl unload
check_eq "unload: no XDP program left" 0 "$(xdp_links)"
check "unload: no pin directory" test ! -e "$PIN_DIR"
check "no vr_forward program of this run left in the kernel (ids $P0 $P1 $P2)" \
	sh -c "! bpftool prog show id $P0 && ! bpftool prog show id $P1 && ! bpftool prog show id $P2" 

# A pin directory without maps (a load that died early) is cleaned up.
setup "empty pin directory" mkdir "$PIN_DIR"
check "unload removes an empty pin directory" vrctl unload
check "... and it is gone" test ! -e "$PIN_DIR"

# No bpffs at /sys/fs/bpf (a private mount namespace with a tmpfs there):
# load mounts one, and everything works in it.
unshare -m --propagation private sh -c '
	mount -t tmpfs none /sys/fs/bpf || exit 9
	'"$(vrctl_cmd)"' load e0 || exit 1
	mount | grep -q "on /sys/fs/bpf type bpf" || exit 2
	test -e "'"$PIN_DIR"'/vr_tx_ports" || exit 3
	'"$(vrctl_cmd)"' unload || exit 4
	test ! -e "'"$PIN_DIR"'" || exit 5' >"$T_TMP/o" 2>&1
check_eq "load mounts bpffs at /sys/fs/bpf when it is missing (private mount ns)" 0 $?
check_eq "... and unload there leaves no XDP program" 0 "$(xdp_links)"

t_end
