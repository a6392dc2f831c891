#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Pins are global, ifindexes are not (issue 24): vrctl loaded in one
# network namespace and run from another (which has an unrelated e0 of
# its own, likely with the same ifindex) refuses every command that
# reads or changes the state, naming the namespace of the NICs and how
# to get there (nsenter --net=...), and changes nothing; never a hint to
# attach to the other namespace's interfaces.  The namespace is named by
# its /run/netns name, else by a process in it; one that is gone is
# said to be gone.  A vrouter loaded by a vrctl that did not record the
# namespace is not refused, and its next load records it.
#
#   dut:e0 == peer:p0 (vrouter loaded here); other:e0 == other:o1
#   anon (no /run/netns name, held by a process): a0 == peer:p1
# plan: 35
. "$(dirname "$0")/../lib.sh"

A=$P-a
vrctl() { nsx dut "$VRCTL" --pin-dir "$PIN_DIR" "$@"; }
from_other() { nsx other "$VRCTL" --pin-dir "$PIN_DIR" "$@"; }
from_host() { "$VRCTL" --pin-dir "$PIN_DIR" "$@"; }
# the state nothing may change: VRs, pins, XDP on both e0s, the VR's namespace
snap() {
	{ vrctl -j list; ls "$PIN_DIR"; ip -n "$(ns dut)" -d link show e0 | grep -o 'prog/xdp id [0-9]*'
	  ip -n "$(ns other)" -d link show e0 | grep -o 'prog/xdp.*'; ip netns list | awk '{print $1}' | grep "^$P-"
	  bpftool map dump pinned "$PIN_DIR/vr_macs"; } 2>&1
}
# refused DESC WHERE-PATTERN HOW-PATTERN CMD...: exit 1, one line on stderr
# naming the NICs' namespace and the way there, no output, state unchanged.
refused() {
	local d=$1 where=$2 how=$3 before rc; shift 3
	before=$(snap)
	"$@" >"$T_TMP/o" 2>"$T_TMP/e" </dev/null; rc=$?
	if [ "$rc" != 1 ] || [ "$(wc -l <"$T_TMP/e")" != 1 ]; then
		not_ok "$d: exit $rc, $(wc -l <"$T_TMP/e") lines on stderr (want 1, one line)"
		sed 's/^/#   /' "$T_TMP/e"
	elif ! grep -q "^Error: vrouter in $PIN_DIR was loaded in another network namespace, $where" "$T_TMP/e" ||
	     ! grep -qF -- "$how" "$T_TMP/e"; then
		not_ok "$d: the error does not name '$where' and '$how'"; sed 's/^/#   /' "$T_TMP/e"
	elif grep -q "vrctl load e0\|attach" "$T_TMP/e" || [ -s "$T_TMP/o" ]; then
		not_ok "$d: a hint to attach, or output"; sed 's/^/#   /' "$T_TMP/e" "$T_TMP/o"
	elif after=$(snap) && [ "$before" != "$after" ]; then
		not_ok "$d: the state changed"; diff <(echo "$before") <(echo "$after") | sed 's/^/#   /'
	else
		ok "$d"
	fi
}

[ -x "$VRCTL" ] || fatal "$VRCTL not built (make)"
ensure_bpffs
for n in dut peer other; do setup "namespace $n" ns_add $n; done
setup "veth dut:e0 <-> peer:p0" veth_add dut e0 peer p0
setup "veth other:e0 <-> other:o1 (an unrelated e0)" veth_add other o1 other e0
setup "GRO on p0" nsx peer ethtool -K p0 gro on
setup "vrctl load e0 (in dut)" vrctl load e0
setup "add-router $A" vrctl add-router "$A" --mac 02:00:00:00:0a:01
check_eq "other's e0 has dut's e0's ifindex (the trap: an index means another NIC there)" \
	"$(ifindex_of dut e0)" "$(ifindex_of other e0)"

W="'$(ns dut)' (/run/netns/$(ns dut))" H="nsenter --net=/run/netns/$(ns dut) vrctl"
refused "list from another namespace" "$W" "$H" from_other list
refused "show" "$W" "$H" from_other show "$A"
refused "status (not 'NOT ATTACHED')" "$W" "$H" from_other status
refused "stats" "$W" "$H" from_other stats
refused "load e0 (the other e0)" "$W" "$H" from_other load e0
refused "unload" "$W" "$H" from_other unload
refused "unload --all" "$W" "$H" from_other unload --all
refused "add-router" "$W" "$H" from_other add-router "$P-b" --mac 02:00:00:00:0b:01
refused "del-router" "$W" "$H" from_other del-router "$A"
refused "set-router" "$W" "$H" from_other set-router "$A" --rate-pps 1k
refused "sync" "$W" "$H" from_other sync
refused "neigh add" "$W" "$H" from_other neigh add "$A" 198.18.0.9 lladdr 02:00:00:00:00:09 dev e0
refused "trace" "$W" "$H" from_other trace --count 1
refused "save" "$W" "$H" from_other save
refused "upgrade" "$W" "$H" from_other upgrade
refused "exporter (not started)" "$W" "$H" from_other exporter --listen 127.0.0.1:1
printf 'nics: [e0]\nrouters: []\n' >"$T_TMP/c.conf"
refused "apply" "$W" "$H" from_other apply "$T_TMP/c.conf"
refused "from the host's namespace too" "$W" "$H" from_host list
from_other -j list >/dev/null 2>"$T_TMP/e"
check_eq "-j: the same error, as JSON" "True" \
	"$("$PY" -c 'import json,sys; print("nsenter --net=/run/netns/" in json.load(sys.stdin)["error"])' <"$T_TMP/e")"
check "--version and help need no namespace" sh -c "nsenter --net=/run/netns/$(ns other) '$VRCTL' --pin-dir '$PIN_DIR' --version >/dev/null &&
	nsenter --net=/run/netns/$(ns other) '$VRCTL' --pin-dir '$PIN_DIR' help list >/dev/null"
nsx other "$VRCTL" --pin-dir "$PIN_DIR" -v sync --follow >"$T_TMP/f.log" 2>&1 &
FPID=$!
sleep 2.5
check_eq "a follower from another namespace: refused at start, exit 1, one error" "1 1" \
	"$(wait $FPID; echo $?) $(grep -c '^Error: vrouter in .* another network namespace' "$T_TMP/f.log")"
check_eq "in its own namespace vrctl goes on: list" "$A" "$(vrctl list | awk 'NR > 1 {print $1}')"

# --- a namespace without a /run/netns name: named by a process in it ---------------------
unshare --net sleep 300 >/dev/null 2>&1 &
SPID=$!
PIN2=$PIN_DIR-2
trap 'kill $SPID 2>/dev/null; rm -rf "$PIN2"; cleanup' EXIT
until_ok 3 sh -c "[ \"\$(readlink /proc/$SPID/ns/net)\" != \"\$(readlink /proc/self/ns/net)\" ]"
setup "veth anon:a0 <-> peer:p1" ip link add a0 netns "$SPID" type veth peer name p1 netns "$(ns peer)"
setup "a0, p1 up, GRO on p1" sh -c "nsenter --net=/proc/$SPID/ns/net ip link set a0 up &&
	ip -n $(ns peer) link set p1 up && nsenter --net=/run/netns/$(ns peer) ethtool -K p1 gro on"
check "load a0 in the unnamed namespace (another pin directory)" \
	nsenter --net="/proc/$SPID/ns/net" "$VRCTL" --pin-dir "$PIN2" load a0
nsx other "$VRCTL" --pin-dir "$PIN2" list >/dev/null 2>"$T_TMP/e"
check "from another one: named by its process, the way there through /proc" \
	grep -q "another network namespace, that of PID $SPID (sleep): .*nsenter --net=/proc/$SPID/ns/net vrctl" "$T_TMP/e"
check "... and it still works there" nsenter --net="/proc/$SPID/ns/net" "$VRCTL" --pin-dir "$PIN2" list
kill $SPID; wait $SPID 2>/dev/null
gone() { nsx other "$VRCTL" --pin-dir "$PIN2" list 2>&1 | grep -q "which no process, /run/netns name or mount holds any more (gone)"; }
# (its inode number comes back with the next namespace made: its cookie never)
check "its process gone, the namespace with it: said to be gone, nothing guessed" until_ok 10 gone
nsx other "$VRCTL" --pin-dir "$PIN2" list 2>&1 | sed 's/^/#   /'
check_eq "... and without CAP_SYS_ADMIN (only CAP_BPF, as list needs), refused unnamed" 1 \
	"$(nsx other setpriv --bounding-set=-all,+bpf,+dac_override --inh-caps=-all "$VRCTL" --pin-dir "$PIN_DIR" list 2>&1 |
	   grep -c "loaded in another network namespace (id [0-9]*), not this one (id [0-9]*): run vrctl where load ran")"
rm -rf "$PIN2"

# --- not recorded (a vrctl before the record): not refused; the next load records it ---
# vr_abi's raw bytes (struct vr_abi: version, netns_ino, revision), read and written
abi_bytes() { bpftool -j map lookup pinned "$PIN_DIR/vr_abi" key 0 0 0 0 |
	"$PY" -c 'import json, sys; print(" ".join(str(int(x, 16)) for x in json.load(sys.stdin)["value"]))'; }
home() { abi_bytes | "$PY" -c 'import struct, sys; print(struct.unpack_from("<I", bytes(map(int, sys.stdin.read().split())), 4)[0])'; }
rewrite_home() {	# vr_abi with netns_ino $1
	bpftool map update pinned "$PIN_DIR/vr_abi" key 0 0 0 0 value $(abi_bytes | "$PY" -c '
import struct, sys
b = bytearray(map(int, sys.stdin.read().split()))
struct.pack_into("<I", b, 4, int(sys.argv[1]))
print(" ".join(map(str, b)))' "$1")
}
# a namespace's id: the low 32 bits of its cookie (SO_NETNS_COOKIE)
cookie() { nsx "$1" "$PY" -c 'import socket, struct; s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
print(struct.unpack("Q", s.getsockopt(socket.SOL_SOCKET, 71, 8))[0] & 0xffffffff)'; }
check_eq "load recorded dut's namespace (its cookie)" "$(cookie dut)" "$(home)"
setup "vr_abi without the namespace" rewrite_home 0
check "not recorded: list from another namespace is not refused" from_other list
check "load e0 --replace (in dut) records it again" vrctl load e0 --replace
check_eq "... dut's cookie" "$(cookie dut)" "$(home)"
refused "recorded again: refused from another namespace" "$W" "$H" from_other list

check "del-router $A" vrctl del-router "$A"
check "unload" vrctl unload
exit $T_FAILED
