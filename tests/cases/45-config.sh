#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# vrctl apply / save: the declarative configuration file.  A file makes
# the VRs, which forward real frames (their addresses come from the
# operator hook, run inside each new VR); a second apply changes nothing
# and says so; --check prints the plan and exits 0/1 (2: bad file);
# changes (a MAC, a limit, the fast path, a VR deleted) are applied
# without touching the rest of a VR's namespace; save -> apply is a
# no-op; every kind of bad file gives FILE:LINE in one line and leaves
# the state byte-identical; a failure mid-way is undone; a failing hook is
# reported; a reboot (VR namespaces and pins removed) is undone by apply.
#
#   gen:g0 == dut:in0 [vrctl apply: in0 out0 out1] dut:out0 == s0:s0
#                                                  dut:out1 == s1:s1
# VR A on in0, out0 (one MAC): 198.18.1.1 / 198.18.10.1, far network
# 198.18.100.0/24 behind s0 (.1).  VR B on in0, out1 (a MAC each).
# plan: 79
. "$(dirname "$0")/../lib.sh"

A=$P-a B=$P-b C=$P-c
A_MAC=02:00:00:00:0a:01 B_IN=02:00:00:00:0b:01 B_OUT=02:00:00:00:0b:02 B_OUT0=02:00:00:00:0b:03
TB=1234
vrctl() { nsx dut "$VRCTL" --pin-dir "$PIN_DIR" "$@"; }
CONF=$T_TMP/vrouter.conf

[ -x "$VRCTL" ] || fatal "$VRCTL not built (make)"
ensure_bpffs

# --- topology --------------------------------------------------------------------
topo_gen_dut_s0_s1
setup "addresses of gen and s0" eval "
	ip -n $(ns gen) addr add 198.18.1.2/24 dev g0 &&
	ip -n $(ns gen) route add 198.18.100.0/24 via 198.18.1.1 &&
	ip -n $(ns s0) addr add 198.18.10.2/24 dev s0 &&
	ip -n $(ns s0) addr add 198.18.100.1/24 dev s0 &&
	ip -n $(ns s0) route add 198.18.1.0/24 via 198.18.10.1"
setup "dut forwarding (fib lookups)" nsx dut sysctl -qw net.ipv4.conf.all.forwarding=1

# The tenant's side of A, as an operator hook: its addresses and route,
# and what it sees (interfaces, environment) for the checks below.
cat >"$T_TMP/hook-a.sh" <<EOT
#!/bin/sh
ip -o link >"$T_TMP/hook-a.links"
echo "\$VR_NAME \$VR_TABLE" >"$T_TMP/hook-a.env"
ip link set in0 up && ip link set out0 up &&
ip addr add 198.18.1.1/24 dev in0 && ip addr add 198.18.10.1/24 dev out0 &&
ip route add 198.18.100.0/24 via 198.18.10.2
EOT
chmod 755 "$T_TMP/hook-a.sh"

# conf [B_MACS] [A_LIMIT] [A_FAST]: the file, with B's macs list (empty: no B).
conf() {
	cat <<EOT
# test configuration
nics:
  - in0
  - out0
  - name: out1
    xdp-mode: native
routers:
  - name: $A
    macs: [$A_MAC]
    nics: [in0, out0]
    limit:
      rate-pps: ${2:-100000}
    fast-path: ${3:-on}
    hook: $T_TMP/hook-a.sh
EOT
	[ -n "${1-x}" ] && cat <<EOT
  - name: $B
    macs: [${1:-in0=$B_IN, out1=$B_OUT}]
    table: $TB
    quota: {neigh: 200}
EOT
	return 0
}
conf >"$CONF"
chmod 644 "$CONF"

# The state a bad file must leave alone: the running configuration, the
# VR records and maps, the namespaces, and A's interfaces and addresses.
snapshot() {
	vrctl save | grep -v '^#'
	vrctl -j list
	# (a limit's generation counts its writes: an undo is one more)
	for m in vr_macs vr_ports vr_routers vr_limits vr_tx_ports; do
		bpftool map dump pinned "$PIN_DIR/$m" 2>&1 | grep -v '"gen":'
	done
	ip netns list | awk '{print $1}' | grep "^$P-" | sort
	ip -n "$A" -br addr 2>/dev/null
	# (without what young veths change by themselves: carrier, operstate)
	ip -n "$(ns dut)" -br link 2>/dev/null |
		sed -E 's/ +(UP|DOWN|UNKNOWN|LOWERLAYERDOWN) +/ /; s/NO-CARRIER,//; s/,LOWER_UP//'
}
gping() { nsx gen ping -q -c 3 -i 0.05 -W 1 198.18.100.1; }
fwd_of() {	# VR $1's fwd counter, wherever stats -j puts it
	vrctl -j stats "$1" | "$PY" -c '
import json, sys
def walk(o):
    if isinstance(o, dict):
        if o.get("name") == sys.argv[1] and "fwd" in o:
            f = o["fwd"]
            print(f if isinstance(f, int) else f["packets"])
            sys.exit()
        o = o.values()
    if isinstance(o, (list, type({}.values()))):
        for v in o:
            walk(v)
walk(json.load(sys.stdin))' "$1"
}

# --- first apply ---------------------------------------------------------------------
vrctl apply --check "$CONF" >"$T_TMP/out" 2>&1; rc=$?
check_eq "apply --check on a host with nothing loaded: exit 1 (changes)" 1 $rc
check_eq "--check plan: 3 NICs, 2 VRs" \
	"+ nic in0|+ nic out0|+ nic out1|+ router $B|+ router $A|$CONF: 5 changes to apply" \
	"$(paste -sd'|' "$T_TMP/out")"
check "--check changed nothing (no pin directory, no VR namespace)" \
	sh -c "! test -e $PIN_DIR && ! ip netns list | grep -q '^$P-[ab] '"
check "apply makes them" vrctl apply "$CONF"
check_eq "list: A and B ready, B on table $TB" "$A 1000 ready|$B $TB ready" \
	"$(vrctl list | awk 'NR > 1 {print $1, $3, $4}' | sort | paste -sd'|')"
check_eq "B has macvlans in0 and out1 with its MACs" "in0 $B_IN out1 $B_OUT" \
	"$(ip -n "$B" -br link | awk '$1 != "lo" {sub(/@.*/, "", $1); printf "%s%s %s", s, $1, $3; s=" "}')"
check_eq "the hook ran inside A's namespace: its interfaces (lo, in0, out0 with A's MAC), not the host's" \
	"lo in0 $A_MAC out0 $A_MAC" \
	"$(awk '{sub(/:$/, "", $2); sub(/@.*/, "", $2); m=""; for (i=1;i<=NF;i++) if ($i=="link/ether") m=" "$(i+1); printf "%s%s%s", s, $2, m; s=" "}' "$T_TMP/hook-a.links")"
check_eq "the hook's environment: VR_NAME, VR_TABLE" "$A 1000" "$(cat "$T_TMP/hook-a.env")"
check "ping 198.18.100.1 through A (its kernel: slow path)" gping
check "vrctl sync mirrors A's routes and neighbours" vrctl sync
pre=$(fwd_of "$A")
check "ping through A again" gping
check "A forwarded frames in XDP (fwd $pre -> $(fwd_of "$A"))" test "$(fwd_of "$A")" -gt "${pre:-0}"

# --- idempotence ----------------------------------------------------------------------
snapshot >"$T_TMP/s1"
vrctl apply "$CONF" >"$T_TMP/out" 2>&1; rc=$?
check_eq "second apply: exit 0, says nothing changed" "0 $CONF: nothing to change" "$rc $(cat "$T_TMP/out")"
snapshot >"$T_TMP/s2"
check "second apply: state byte-identical" cmp "$T_TMP/s1" "$T_TMP/s2"
vrctl apply --check "$CONF" >/dev/null 2>&1; rc=$?
check_eq "apply --check with nothing to change: exit 0" 0 $rc
check_eq "-j apply --check: JSON, no action" "0 [] False" \
	"$(vrctl -j apply --check "$CONF" | "$PY" -c 'import json,sys; d=json.load(sys.stdin); print(d["changes"], d["actions"], d["applied"])')"

# --- save -> apply ---------------------------------------------------------------------
vrctl save >"$T_TMP/saved.conf" 2>"$T_TMP/err"
check "save" test -s "$T_TMP/saved.conf" -a ! -s "$T_TMP/err"
vrctl apply "$T_TMP/saved.conf" >"$T_TMP/out" 2>&1; rc=$?
check_eq "apply of save's output: nothing to change" "0 $T_TMP/saved.conf: nothing to change" "$rc $(cat "$T_TMP/out")"
vrctl -j save >"$T_TMP/saved.json"
vrctl apply --check "$T_TMP/saved.json" >"$T_TMP/out" 2>&1; rc=$?
check_eq "apply --check of 'save -j' (JSON is YAML): nothing to change" 0 $rc
out=$(vrctl save | vrctl apply --check - 2>&1); rc=$?
check_eq "save | apply --check - (stdin): nothing to change" "0 <stdin>: nothing to change" "$rc $out"
snapshot >"$T_TMP/s3"
check "save -> apply: state byte-identical" cmp "$T_TMP/s1" "$T_TMP/s3"
# The file takes the command line's numbers: 100k is A's 100000, 0.2k B's 200.
{ conf "" 100k; conf | sed -n "/^  - name: $B/,\$p" | sed 's/neigh: 200/neigh: 0.2k/'; } >"$T_TMP/si.conf"
vrctl apply --check "$T_TMP/si.conf" >"$T_TMP/out" 2>&1; rc=$?
check_eq "the file's 'rate-pps: 100k', 'neigh: 0.2k' are the running 100000 and 200: nothing to change" \
	"0 $T_TMP/si.conf: nothing to change" "$rc $(cat "$T_TMP/out")"
check_eq "... as set-router reads '--rate-pps 100k --quota-neigh 0.2k'" "100000 200" \
	"$(vrctl set-router "$A" --rate-pps 100k && vrctl set-router "$B" --quota-neigh 0.2k &&
	   vrctl -j show | "$PY" -c 'import json,sys; r = {v["name"]: v for v in json.load(sys.stdin)["routers"]}
print(r[sys.argv[1]]["limit"]["rate_pps"], r[sys.argv[2]]["quota"]["neigh"])' "$A" "$B")"

# --- changes ---------------------------------------------------------------------------
conf "in0=$B_IN, out1=$B_OUT, out0=$B_OUT0" 200000 >"$CONF"
vrctl apply --check "$CONF" >"$T_TMP/out" 2>&1; rc=$?
check_eq "--check: B gets a MAC on out0, A's limit changes; exit 1" \
	"1|~ router $B nic + out0=$B_OUT0|~ router $A limit rate-pps 100000 -> 200000, burst 1000 -> 2000|$CONF: 2 changes to apply" \
	"$rc|$(paste -sd'|' "$T_TMP/out")"
check "apply: MAC added, limit changed" vrctl apply "$CONF"
check "B has a macvlan out0 with $B_OUT0" sh -c "ip -n $B -br link show out0 | grep -qi $B_OUT0"
check_eq "A's limit is 200000 pps" 200000 \
	"$(vrctl -j show "$A" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["limit"]["rate_pps"])')"
check "A's addresses (the tenant's) are still there" sh -c "ip -n $A -br addr show in0 | grep -q 198.18.1.1/24"
conf "in0=$B_IN" 200000 | sed '5,6d' | sed 's/neigh: 200/neigh: 300/' >"$CONF"
vrctl apply "$CONF" >"$T_TMP/out" 2>&1; rc=$?
check_eq "out1 out of the file, B off out1, B's quota raised: applied in order" \
	"0|~ router $B nic - out0=$B_OUT0|~ router $B nic - out1=$B_OUT|~ router $B quota neigh 200 -> 300|- nic out1|$CONF: 4 changes applied" \
	"$rc|$(paste -sd'|' "$T_TMP/out")"
check "out1 has no XDP program, B no macvlan out1" sh -c \
	"! ip -n $(ns dut) link show out1 | grep -q prog/xdp && ! ip -n $B link show out1 2>/dev/null"
conf "" 200000 off >"$CONF"
vrctl apply --check "$CONF" >"$T_TMP/out" 2>&1
check_eq "--check: B deleted, A's fast path off, out1 loaded again" "+ nic out1|- router $B|~ router $A fast-path on -> off" \
	"$(grep -v changes "$T_TMP/out" | paste -sd'|')"
check "apply: B deleted, A's fast path off" vrctl apply "$CONF"
check "B's namespace is gone" sh -c "! ip netns list | grep -q '^$B '"
vrctl show "$A" >"$T_TMP/show" 2>&1
check "show A: fast path off (operator)" grep -q "fast path off: operator" "$T_TMP/show"
conf >"$CONF"
check "apply the first file again: B back, limit and fast path back" vrctl apply "$CONF"
# B is made again (its namespace new, its id the lowest free): the
# running configuration is the first one, to the byte.
vrctl save | grep -v '^#' >"$T_TMP/s4"
check "save: as after the first apply" sh -c "grep -v '^#' $T_TMP/saved.conf | cmp -s - $T_TMP/s4"

# --- bad files: FILE:LINE, one line, state unchanged -----------------------------------
snapshot >"$T_TMP/before"
# bad DESCRIPTION LINE PATTERN: apply of $T_TMP/bad.conf fails with one
# stderr line "bad.conf:LINE: ...PATTERN", state byte-identical; --check: 2.
bad() {
	local d=$1 line=$2 pat=$3 rc rc2
	vrctl apply "$T_TMP/bad.conf" >"$T_TMP/stdout" 2>"$T_TMP/stderr"; rc=$?
	vrctl apply --check "$T_TMP/bad.conf" >/dev/null 2>&1; rc2=$?
	snapshot >"$T_TMP/after"
	if [ $rc = 0 ] || [ $rc2 != 2 ]; then
		not_ok "$d: exit status $rc, --check $rc2 (want non-zero, 2)"
	elif [ "$(wc -l <"$T_TMP/stderr")" != 1 ] ||
	     ! grep -qE -- "bad.conf:$line: .*$pat" "$T_TMP/stderr"; then
		not_ok "$d: stderr is not one line 'bad.conf:$line: ...$pat'"; sed 's/^/#   /' "$T_TMP/stderr"
	elif ! cmp -s "$T_TMP/before" "$T_TMP/after"; then
		not_ok "$d: state changed"; diff "$T_TMP/before" "$T_TMP/after" | sed 's/^/#   /'
	else
		ok "$d: '$(cat "$T_TMP/stderr")'"
	fi
}
conf | sed 's/macs: \[in0=/macs: [[in0=/' >"$T_TMP/bad.conf"
bad "YAML syntax error" 1[0-9] "flow|expected|did not find"
conf | sed "s/^    table: $TB/    tabel: $TB/" >"$T_TMP/bad.conf"
bad "unknown key" 17 "unknown key 'tabel'"
conf | sed "s/^    table: $TB/    table: $TB\n    table: $TB/" >"$T_TMP/bad.conf"
bad "a key given twice" 18 "key 'table' given twice"
conf | sed "s/$B_OUT/02:00:00:00:0b/" >"$T_TMP/bad.conf"
bad "bad MAC" 16 "'02:00:00:00:0b' is not a unicast MAC"
conf | sed "s/$B_OUT/01:00:5e:00:00:01/" >"$T_TMP/bad.conf"
bad "multicast MAC" 16 "not a unicast MAC"
conf | sed "s/name: $B/name: $A/" >"$T_TMP/bad.conf"
bad "duplicate VR name" 15 "VR $A is named twice \\(line 8\\)"
conf | sed "s/in0=$B_IN/in0=$A_MAC/" >"$T_TMP/bad.conf"
bad "a MAC of two VRs on one NIC" 15 "MAC $A_MAC on NIC in0 is VR $A's too"
conf | sed "s/  - out0/  - nope0/" >"$T_TMP/bad.conf"
bad "missing NIC" 4 "NIC nope0 does not exist"
conf | sed "s/rate-pps: 100000/rate-pps: 1e5/" >"$T_TMP/bad.conf"
bad "bad number" 12 "rate-pps: '1e5' is not a number in 1-1000000000 \\(k, M, G"
conf | sed "s/rate-pps: 100000/rate-pps: 1.5x/" >"$T_TMP/bad.conf"
bad "a suffix the command line refuses too" 12 "rate-pps: '1.5x' is not a number"
conf | sed "s/name: $B/name: ..\\/..\\/etc/" >"$T_TMP/bad.conf"
bad "VR name with path characters" 15 "is not a VR name"
conf | sed "s/table: $TB/table: 1000/" >"$T_TMP/bad.conf"
bad "table of B changed to A's" 15 "has table $TB, the file says 1000"
conf | sed "s/table: $TB/table: 1500/" >"$T_TMP/bad.conf"
bad "table of an existing VR changed" 15 "has table $TB, the file says 1500"
conf | sed "s/xdp-mode: native/xdp-mode: skb/" >"$T_TMP/bad.conf"
bad "XDP mode of a loaded NIC changed" 5 "NIC out1 is loaded in native mode, the file says skb"
conf | sed '5,6d' >"$T_TMP/bad.conf"
bad "a VR on a NIC the file does not load" 13 "macs: NIC out1 is not in the file's nics:"
printf '' >"$T_TMP/bad.conf"
vrctl apply "$T_TMP/bad.conf" >/dev/null 2>"$T_TMP/stderr"; rc=$?
snapshot >"$T_TMP/after"
check "empty file refused (not 'delete everything'), state unchanged" sh -c \
	"[ $rc = 1 ] && grep -q 'bad.conf: empty' $T_TMP/stderr && cmp -s $T_TMP/before $T_TMP/after"

# --- who may write the file, who may apply it ------------------------------------------
conf >"$T_TMP/ww.conf"
chmod 666 "$T_TMP/ww.conf"
vrctl apply --check "$T_TMP/ww.conf" >/dev/null 2>"$T_TMP/stderr"; rc=$?
check "a world-writable file is refused (its hooks run as root)" sh -c \
	"[ $rc = 2 ] && grep -q 'writable by everyone' $T_TMP/stderr"
chmod 664 "$T_TMP/ww.conf"
vrctl apply --check "$T_TMP/ww.conf" >/dev/null 2>"$T_TMP/stderr"; rc=$?
check "a group-writable file: a warning" sh -c "[ $rc = 0 ] && grep -q 'Warning: .*writable by group' $T_TMP/stderr"
chmod 644 "$T_TMP/ww.conf"
mkdir "$T_TMP/wwdir" && cp "$T_TMP/ww.conf" "$T_TMP/wwdir/" && chmod 777 "$T_TMP/wwdir"
vrctl apply --check "$T_TMP/wwdir/ww.conf" >/dev/null 2>"$T_TMP/stderr"; rc=$?
check "a file in a world-writable directory is refused (anyone could replace it)" sh -c \
	"[ $rc = 2 ] && grep -q 'its directory .* is writable by everyone' $T_TMP/stderr"
setpriv --reuid=65534 --regid=65534 --clear-groups "$VRCTL" --pin-dir "$PIN_DIR" \
	apply "$T_TMP/ww.conf" >/dev/null 2>"$T_TMP/stderr"; rc=$?
check "an unprivileged user cannot apply ($(cat "$T_TMP/stderr"))" sh -c \
	"[ $rc = 1 ] && grep -qiE 'root|capabilit|not permitted' $T_TMP/stderr"

# --- a failure mid-way is undone; a failing hook is reported ---------------------------
IN0_MAC=$(mac_of dut in0)
{ conf "in0=$B_IN, out1=$B_OUT" 300000 off; cat <<EOT
  - name: $C
    macs: [in0=$IN0_MAC]
EOT
} >"$T_TMP/fail.conf"
snapshot >"$T_TMP/before"
vrctl apply "$T_TMP/fail.conf" >"$T_TMP/out" 2>"$T_TMP/stderr"; rc=$?
snapshot >"$T_TMP/after"
check "a VR whose macvlan the kernel refuses (in0's own MAC): exit 1" test $rc = 1
check "the error says where apply stopped and that the rest was undone" \
	grep -q "apply stopped at '+ router $C': the 2 changes before it undone" "$T_TMP/stderr"
check "state byte-identical after the undo (A's limit and fast path back)" cmp "$T_TMP/before" "$T_TMP/after"
{ conf; cat <<EOT
  - name: $C
    macs: [out1=02:00:00:00:0c:01]
    hook: echo hook-ran-in \$VR_NAME; exit 3
EOT
} >"$T_TMP/hook.conf"
vrctl apply "$T_TMP/hook.conf" >"$T_TMP/out" 2>"$T_TMP/stderr"; rc=$?
cp "$T_TMP/stderr" "$T_TMP/hook.out"
check_eq "failing hook: exit 1, reported with its status" "1 1" \
	"$rc $(grep -c "VR $C: hook 'echo hook-ran-in \$VR_NAME; exit 3' exited with status 3" "$T_TMP/stderr")"
check "the hook ran (its output on stderr), and VR $C stays" sh -c \
	"grep -q 'hook-ran-in $C' $T_TMP/hook.out && test -e /run/netns/$C"
check_eq "apply again: nothing to change (a hook runs once, when its VR is made)" \
	"$T_TMP/hook.conf: nothing to change" "$(vrctl apply "$T_TMP/hook.conf" 2>&1)"

{ conf; cat <<EOT
  - name: $P-d
    macs: [out1=02:00:00:00:0d:01]
    hook: (sleep 30; touch $T_TMP/hook-d.child) & sleep 30
EOT
} >"$T_TMP/slow.conf"
t=$SECONDS
VRCTL_HOOK_TIMEOUT=1 vrctl apply "$T_TMP/slow.conf" >/dev/null 2>"$T_TMP/stderr"; rc=$?
check "a hook still running after VRCTL_HOOK_TIMEOUT=1 s is killed and reported ($((SECONDS - t)) s)" sh -c \
	"[ $rc = 1 ] && [ $((SECONDS - t)) -lt 10 ] &&
	 grep -q 'VR $P-d: hook .* still running after 1 s: killed' $T_TMP/stderr"
check "its background child went with it (process group)" sh -c \
	"! pgrep -f '[t]ouch $T_TMP/hook-d.child' >/dev/null"

# --- reboot: VR namespaces, XDP and pins gone; apply brings every VR back ----------------
check "vrctl unload --all (VR namespaces and pins removed, as by a reboot)" vrctl unload --all
check "nothing left: no pin directory, no VR namespace" sh -c \
	"! test -e $PIN_DIR && ! ip netns list | grep -qE '^$P-[abc] '"
rm -f "$T_TMP/hook-a.links"
vrctl apply "$T_TMP/hook.conf" >"$T_TMP/out" 2>"$T_TMP/stderr"; rc=$?
check_eq "apply after the reboot: every VR made again (C's hook fails again: exit 1)" \
	"1 $T_TMP/hook.conf: 6 changes applied" "$rc $(tail -1 "$T_TMP/out")"
check_eq "list: A, B, C ready" "$A|$B|$C" \
	"$(vrctl list | awk 'NR > 1 && $4 == "ready" {print $1}' | sort | paste -sd'|')"
check "A's hook ran again (its addresses are back)" sh -c \
	"test -s $T_TMP/hook-a.links && ip -n $A -br addr show in0 | grep -q 198.18.1.1/24"
check "ping through A after the reboot" gping
check "vrctl sync after the reboot" vrctl sync
pre=$(fwd_of "$A")
check "A forwards in XDP after the reboot (fwd $pre -> $(gping >/dev/null; fwd_of "$A"))" \
	test "$(fwd_of "$A")" -gt "${pre:-0}"
check_eq "and the configuration is the file's: nothing to change" \
	"$T_TMP/hook.conf: nothing to change" "$(vrctl apply "$T_TMP/hook.conf" 2>&1)"

# --- a VR whose namespace someone deleted is made again ---------------------------------
ip netns del "$A"
vrctl apply "$T_TMP/hook.conf" >"$T_TMP/out" 2>"$T_TMP/stderr"; rc=$?
check_eq "A's namespace deleted by hand: apply deletes what is left of A and makes it again" \
	"0|- router $A (its network namespace is gone)|+ router $A|$T_TMP/hook.conf: 2 changes applied" \
	"$rc|$(paste -sd'|' "$T_TMP/out")"
check "A is back with its hook's addresses, and forwards" sh -c \
	"ip -n $A -br addr show in0 | grep -q 198.18.1.1/24 && nsenter --net=/run/netns/$(ns gen) ping -q -c 3 -i 0.05 -W 1 198.18.100.1"

# --- everything off ----------------------------------------------------------------------
printf 'nics: []\n' >"$T_TMP/none.conf"
check "nics: [] and no router: everything unloaded" vrctl apply "$T_TMP/none.conf"
check "no pin directory, no VR namespace left" sh -c \
	"! test -e $PIN_DIR && ! ip netns list | grep -qE '^$P-[abc] '"

# --- the example every operator starts from parses, and says what it would do ----------
sed 's/eth1/in0/g; s/eth2/out0/g; s/eth3/out1/g' "$TOP/dist/vrouter.conf.example" >"$T_TMP/example.conf"
vrctl apply --check "$T_TMP/example.conf" >"$T_TMP/out" 2>&1; rc=$?
check_eq "dist/vrouter.conf.example (NICs renamed): --check exit 1, its plan" \
	"1|+ nic in0|+ nic out0|+ nic out1 (skb mode)|+ router vr1|+ router vr2|$T_TMP/example.conf: 5 changes to apply" \
	"$rc|$(paste -sd'|' "$T_TMP/out")"
# (the first yaml block after the heading "### The configuration file")
awk '/^### The configuration file/ {h = 1} h && /^```$/ && y {exit}
     y {print} h && /^```yaml$/ {y = 1}' "$TOP/README.md" |
	sed 's/eth1/in0/g; s/eth2/out0/g; s/eth3/out1/g' >"$T_TMP/readme.conf"
vrctl apply --check "$T_TMP/readme.conf" >"$T_TMP/out" 2>&1; rc=$?
check_eq "the README's example (NICs renamed): --check exit 1, the same plan" \
	"1|+ nic in0|+ nic out0|+ nic out1 (skb mode)|+ router vr1|+ router vr2|$T_TMP/readme.conf: 5 changes to apply" \
	"$rc|$(paste -sd'|' "$T_TMP/out")"
t_end
