#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# One JSON schema for every -j output (docs/vrctl.schema.json, issue 24):
# each command is run with -j against a live vrouter with traffic and its
# output validated against the schema's definition of that command
# (tests/json_check.py, python3-jsonschema): list, show (one, all, -p),
# stats (once, NAME, --interval), status (with a follower), sync (one
# pass, --follow lines), neigh show, trace (a frame passed, forwarded,
# not IP), apply --check and apply, save, upgrade, --version, errors and
# warnings.  The names the schema leaves open are held to their source
# (pass and fast-path-off reasons: include/vr_pass_names.h), and the
# exporter's labels to the JSON's keys and values.
#
#   gen:g0 == dut:in0 [vrctl load in0 out0 out1] dut:out0 == s0:s0, dut:out1 == s1:s1
#   VR A (in0, out0): 198.18.100.0/24 via 198.18.10.2 (s0); VR B (in0,
#   out1): a limit, its fast path off.
# plan: 37
. "$(dirname "$0")/../lib.sh"

A=$P-a B=$P-b A_MAC=02:00:00:00:0a:01 B_MAC=02:00:00:00:0b:01
vrctl() { nsx dut "$VRCTL" --pin-dir "$PIN_DIR" "$@"; }
jcheck() { "$PY" "$TOP/tests/json_check.py" "$@"; }
# valid DEF DESC CMD...: the command's stdout validates against $defs/DEF
valid() {
	local def=$1 d=$2; shift 2
	if ! "$@" >"$T_TMP/j" 2>"$T_TMP/je"; then
		not_ok "$d: the command failed"; sed 's/^/#   /' "$T_TMP/je"; return
	fi
	cat "$T_TMP/j" >>"$T_TMP/all"
	check "$d: \$defs/$def" jcheck "$def" "$T_TMP/j"
}
# err_valid DEF DESC CMD...: fails, stderr holds only $defs/DEF objects (error, warning)
stderr_valid() {
	local def=$1 d=$2; shift 2
	"$@" >/dev/null 2>"$T_TMP/je"
	check "$d: stderr is \$defs/$def" jcheck "$def" "$T_TMP/je"
}
trace_on() { vrctl -j status | "$PY" -c 'import json,sys; sys.exit(not json.load(sys.stdin)["trace"]["running"])'; }
send() {	# send N DST: N UDP frames from gen to A's MAC
	local i specs=()
	for i in $(seq "$1"); do specs+=("dmac=$A_MAC,smac=$G0,src=198.18.1.2,dst=$2,sport=4242,dport=53"); done
	nsx gen "$PY" "$TOP/tests/pkt.py" send g0 "${specs[@]}" >/dev/null
}

[ -x "$VRCTL" ] || fatal "$VRCTL not built (make)"
"$PY" -c 'import jsonschema' 2>/dev/null || fatal "python3-jsonschema is not installed (make deps)"
ensure_bpffs
check "the schema is a valid draft 2020-12 schema" jcheck --keys

topo_gen_dut_s0_s1
G0=$(mac_of gen g0)
setup "addresses" eval "ip -n $(ns gen) addr add 198.18.1.2/24 dev g0 &&
	ip -n $(ns gen) route add 198.18.0.0/15 via 198.18.1.1 &&
	ip -n $(ns s0) addr add 198.18.10.2/24 dev s0 && ip -n $(ns s0) route add 198.18.1.0/24 via 198.18.10.1"
setup "load" vrctl load in0 out0 out1
setup "VR A" vrctl add-router "$A" --mac $A_MAC --iface in0,out0
setup "VR B: a limit" vrctl add-router "$B" --mac $B_MAC --iface in0,out1 --rate-pps 10k
setup "VR B: fast path off" vrctl set-router "$B" --fast-path off
setup "A's addresses and route" eval "ip -n $A addr add 198.18.1.1/24 dev in0 &&
	ip -n $A addr add 198.18.10.1/24 dev out0 && ip -n $A route add 198.18.100.0/24 via 198.18.10.2"
setup "neighbours learned (the slow path)" nsx gen ping -c 2 -i 0.2 -W 1 198.18.10.2

valid version "--version -j" "$VRCTL" --version -j
valid list "list -j" vrctl -j list
valid show "show -j NAME" vrctl -j show "$A"
valid show "show -j (every VR)" vrctl -j show
valid show "-p show (pretty)" vrctl -p show "$B"
check_eq "show: B's fast path off by the operator, its limit" "['operator'] 10000" \
	"$(vrctl -j show "$B" | "$PY" -c 'import json,sys; j=json.load(sys.stdin); print(j["fast_path_off"], j["limit"]["rate_pps"])')"
valid sync "sync -j" vrctl -j sync
valid sync "sync -j NAME" vrctl -j sync "$A"
valid neigh_show "neigh show -j" vrctl -j neigh show "$A"
check_eq "neigh show: the IPv4 neighbours sync mirrored" "['198.18.1.2', '198.18.10.2']" \
	"$(vrctl -j neigh show "$A" | "$PY" -c 'import json,sys; print(sorted(n["dst"] for n in json.load(sys.stdin)["neigh"] if "." in n["dst"]))')"

# --- trace: a frame passed (no route), forwarded, not IP ---------------------------------
vrctl -j trace --all >"$T_TMP/trace" 2>"$T_TMP/trace.err" &
TPID=$!
until_ok 5 trace_on
send 1 198.18.200.1
send 1 198.18.100.1
nsx gen "$PY" -c "
from scapy.all import Ether, sendp, conf
conf.verb = 0
sendp(Ether(dst='$A_MAC', src='$G0', type=0x88b5) / (b'x' * 50), iface='g0')"
kinds() { "$PY" -c '
import json, sys
v = set()
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e.get("proto") == "udp" or e.get("ethertype") == 0x88b5:
        v.add(e["verdict"] + (":%x" % e["ethertype"] if "ethertype" in e else ""))
print(",".join(sorted(v)))' "$T_TMP/trace"; }
has3() { [ "$(kinds)" = "fwd,pass,pass:88b5" ]; }
until_ok 5 has3
kill -TERM $TPID; wait $TPID
check "trace -j: every event (ARP too): \$defs/trace" jcheck trace "$T_TMP/trace"
check_eq "trace -j: a UDP frame passed, one forwarded, a frame that is not IP (its MACs)" \
	"fwd,pass,pass:88b5" "$(kinds)"

# --- stats, status -----------------------------------------------------------------------
valid stats "stats -j" vrctl -j stats
valid stats "stats -j NAME" vrctl -j stats "$A"
valid stats "stats -j --interval 1 --count 2 (two lines)" vrctl -j stats --interval 1 --count 2
check_eq "stats -j: the pass reasons are include/vr_pass_names.h's, every one" \
	"$(sed -n 's/.*\[VR_PASS_[A-Z0-9_]*\] = "\([a-z0-9_]*\)".*/\1/p' "$TOP/include/vr_pass_names.h" | sort | xargs)" \
	"$(vrctl -j stats "$A" | "$PY" -c 'import json,sys; print(" ".join(sorted(json.load(sys.stdin)["routers"][0]["pass"])))')"
nsx dut "$VRCTL" --pin-dir "$PIN_DIR" -j sync --follow >"$T_TMP/f" 2>/dev/null &
FPID=$!
lines2() { [ "$(wc -l <"$T_TMP/f")" -ge 2 ]; }
until_ok 10 lines2
check "sync --follow -j: a line per VR's full pass: \$defs/sync_follow" jcheck sync_follow "$T_TMP/f"
valid status "status -j (a follower running)" vrctl -j status
check_eq "status -j: the follower's pid and heartbeat" "True True" \
	"$(vrctl -j status | "$PY" -c 'import json,sys; f=json.load(sys.stdin)["follower"]; print(f["running"], isinstance(f["pid"], int) and f["heartbeat"] is not None)')"
stop_follower $FPID
SLOW=$(sed -n 's/.*{ VR_SLOW_[A-Z_]*, "\([a-z_]*\)".*/\1/p' "$TOP/include/vr_pass_names.h" | xargs)
check_eq "fast_path_off: every name is one of include/vr_pass_names.h's vr_slow_reasons ($SLOW)" "" \
	"$(vrctl -j status | "$PY" -c 'import json,sys; print(" ".join(x for r in json.load(sys.stdin)["routers"] for x in r["fast_path_off"] if x not in sys.argv[1].split()))' "$SLOW")"

# --- apply, save, upgrade ------------------------------------------------------------------
vrctl save >"$T_TMP/c.conf"
valid save "save -j (the file's keys)" vrctl -j save
{ sed -e "/^  - name: $B/,\$d" -e 's/^    table: 1000$/    table: 1000\n    quota: {neigh: 100}\n    limit: {rate-pps: 5k}\n    fast-path: off/' "$T_TMP/c.conf"
  echo "  - name: $P-c"; echo "    macs: [02:00:00:00:0c:01]"; } | sed '/^  - out1$/d' >"$T_TMP/c2.conf"
chmod 600 "$T_TMP/c2.conf"
changes() { "$@"; [ $? = 1 ]; }	# apply --check: exit 1, changes
valid apply "apply --check -j: NIC unloaded, VR deleted, made, changed" changes vrctl -j apply --check "$T_TMP/c2.conf"
check_eq "apply -j: op words, the fields changed with old and new" \
	"add router $P-c|change router $A fast_path on off|change router $A limit {'rate_pps': None, 'burst': None} {'rate_pps': 5000, 'burst': 50}|change router $A quota {'neigh': 128} {'neigh': 100}|delete nic out1|delete router $B" \
	"$(vrctl -j apply --check "$T_TMP/c2.conf" | "$PY" -c '
import json, sys
r = []
for a in json.load(sys.stdin)["actions"]:
    r.append(" ".join(str(a[k]) for k in ("op", "object", "name", "field", "old", "new") if k in a))
print("|".join(sorted(r)))')"
printf 'nics: [in0, out0, out1]\nrouters:\n  - name: %s\n    macs: [%s]\n    nics: [in0, out0]\n    table: 1000\n  - name: %s\n    macs: [%s]\n    nics: [in0, out1]\n    table: 1001\n    quota: {neigh: 100}\n    limit: {rate-pps: 10k}\n    fast-path: off\n' \
	"$A" "$A_MAC" "$B" "$B_MAC" >"$T_TMP/c3.conf"
chmod 600 "$T_TMP/c3.conf"
valid apply "apply -j (a quota changed)" vrctl -j apply "$T_TMP/c3.conf"
valid upgrade "upgrade -j (nothing to do)" vrctl -j upgrade

# --- errors and warnings --------------------------------------------------------------------
stderr_valid error "-j show of no such VR" vrctl -j show nosuchvr
stderr_valid error "-j with a usage error" vrctl -j show --bogus
stderr_valid error "-j with an unknown command" vrctl -j bogus
stderr_valid error "-j apply of a bad file" sh -c "echo 'nics: [in0]
routers: [{name: x, tabel: 1}]' >'$T_TMP/bad.conf'; nsenter --net=/run/netns/$(ns dut) '$VRCTL' --pin-dir '$PIN_DIR' -j apply --check '$T_TMP/bad.conf'"
chmod 664 "$T_TMP/c3.conf"
stderr_valid warning "-j apply --check of a group-writable file: a warning" vrctl -j apply --check "$T_TMP/c3.conf"

# --- the exporter's labels: the JSON's names ----------------------------------------------
vrctl stats --format prometheus >"$T_TMP/m.prom"
check "exporter labels are JSON keys, reason/mode/resource values JSON values" jcheck --labels "$T_TMP/m.prom"
check_eq "no label iface, no key iface, macs, namespace, neighbours, vr, vr_id left" "" \
	"$(cat "$T_TMP/all" "$T_TMP/f" "$T_TMP/trace" "$T_TMP/m.prom" | grep -oE '"(iface|namespace|neighbours|vr|vr_id)":|\biface="' | sort -u | xargs)"

check "del-router $A" vrctl del-router "$A"
check "del-router $B" vrctl del-router "$B"
check "unload" vrctl unload
exit $T_FAILED
