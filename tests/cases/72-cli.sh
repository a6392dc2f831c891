#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# vrctl's command line (issue 13): --version, -p (pretty JSON), errors as
# JSON objects under -j, unique-prefix abbreviations of commands and neigh
# verbs, options before or after positionals, k/M/G suffixes on rates and
# counts (with the parser's unit test), one key per concept (ifname, mac),
# show with no NAME, list's name column as wide as the longest name,
# stats --interval -j lines with a time, JSON lines from sync --follow -j.
# Each bad case: its exit status, one error line, state unchanged.
#
#   dut:e0 == peer:p0; VRs "$P-a" and "$P-longer-name-x" on e0.
# plan: 154
. "$(dirname "$0")/../lib.sh"

vrctl() { nsx dut "$VRCTL" --pin-dir "$PIN_DIR" "$@"; }
jget() { "$PY" -c 'import json, sys; j = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
# jlines EXPR: EXPR on each JSON line of stdin (l), one result a line
jlines() { "$PY" -c '
import json, sys
for line in sys.stdin:
    l = json.loads(line)
    print(eval(sys.argv[1]))' "$1"; }
A=$P-a LONG=$P-longer-name-x
A_MAC=02:00:00:00:0a:01 L_MAC=02:00:00:00:0a:02

# bad DESC STATUS PATTERN ARGS...: vrctl ARGS fails with STATUS, stderr
# matches PATTERN in one line (no usage text under -j), nothing on
# stdout, and `show` is what it was.
bad() {
	local d=$1 want=$2 pat=$3 rc before; shift 3
	before=$(vrctl -j show 2>&1)
	vrctl "$@" >"$T_TMP/o" 2>"$T_TMP/e"; rc=$?
	if [ "$rc" != "$want" ]; then
		not_ok "$d: exit status $rc, expected $want"; sed 's/^/#   /' "$T_TMP/e"
	elif ! grep -qE -- "$pat" "$T_TMP/e"; then
		not_ok "$d: stderr does not match '$pat'"; sed 's/^/#   /' "$T_TMP/e"
	elif [ -s "$T_TMP/o" ]; then
		not_ok "$d: output on stdout"; sed 's/^/#   /' "$T_TMP/o"
	elif [ "$before" != "$(vrctl -j show 2>&1)" ]; then
		not_ok "$d: the VRs changed"
	else
		ok "$d: $(head -1 "$T_TMP/e")"
	fi
}

[ -x "$VRCTL" ] || fatal "$VRCTL not built (make)"
ensure_bpffs

# --- --version (needs nothing loaded, nor root) --------------------------------
VERSION=$(sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' "$TOP/debian/changelog")
REV=$(awk '{print $2}' "$TOP/.output/git-rev" 2>/dev/null)
ABI=$(sed -n 's/^#define VR_ABI_VERSION[[:space:]]*\([0-9]*\).*/\1/p' "$TOP/include/vrouter.h")
check_eq "--version: release, git revision and ABI" "vrctl $VERSION (git $REV, abi $ABI)" \
	"$("$VRCTL" --version)"
check_eq "-V is --version" "$("$VRCTL" --version)" "$("$VRCTL" -V)"
check_eq "--version -j: its fields" "$VERSION $REV $ABI" \
	"$("$VRCTL" --version -j | jget '"%s %s %s" % (j["version"], j["git_revision"], j["abi_version"])')"
check "--version as an unprivileged user, after a command too" \
	setpriv --reuid=65534 --regid=65534 --clear-groups "$VRCTL" list --version
check_eq "outside git the revision is 'unknown'" "unknown" \
	"$(cd "$TOP" && GIT_DIR=/nonexistent make -s --no-print-directory --eval 'print-rev: ; @echo $(GIT_REV)' print-rev)"
check_eq "-p --version: pretty (indented lines), the same object as -j" "5 True" \
	"$("$VRCTL" -p --version | wc -l) $("$VRCTL" -p --version | "$PY" -c "import json,sys; print(json.load(sys.stdin) == json.loads(sys.argv[1]))" "$("$VRCTL" -jV)")"

# --- topology ----------------------------------------------------------------------
setup "namespace dut" ns_add dut
setup "namespace peer" ns_add peer
setup "veth e0/p0" veth_add dut e0 peer p0
setup "vrctl load e0" vrctl load e0

# --- options before or after the positionals; abbreviations -------------------------
check "add-router NAME --mac" vrctl add-router "$A" --mac $A_MAC
check "add-router --mac MAC NAME (option first)" vrctl add-router --mac $L_MAC "$LONG"
check_eq "both VRs" "$A $LONG" "$(vrctl list -j | jget '" ".join(sorted(v["name"] for v in j["routers"]))')"
check_eq "'sh NAME' is show NAME" "$(vrctl show "$A")" "$(vrctl sh "$A")"
check_eq "'li' is list" "$(vrctl list)" "$(vrctl li)"
check_eq "'-j st' is ambiguous (stats, status)" "ambiguous command 'st': stats, status" \
	"$(vrctl -j st 2>&1 | jget 'j["error"]')"
bad "ambiguous prefix 's': the candidates" 2 "^Error: ambiguous command 's': set-router, show, stats, sync, status, save$" s "$A"
bad "no command has the prefix 'shx'" 2 "unknown command 'shx'" shx "$A"
bad "an empty command" 2 "unknown command ''" ""
# --- errors that name the fix: "did you mean", the valid names, the next step ---------
bad "a mistyped option: did you mean" 2 "^Error: unknown option '--rate-ppps' \\(did you mean --rate-pps\\?\\)$" \
	set-router "$A" --rate-ppps 1k
bad "an option's prefix (never abbreviated): the options it begins" 2 \
	"unknown option '--rate' \\(did you mean --rate-pps, --rate-bps\\?\\)" set-router "$A" --rate 1k
bad "a mistyped command: did you mean" 2 "^Error: unknown command 'shwo' \\(did you mean show\\?" shwo "$A"
bad "a mistyped VR name: did you mean" 1 "^Error: $P-b: no such virtual router \\(did you mean $A\\?\\)$" show "$P-b"
bad "del-router: the same words for the same fault" 1 "^Error: nosuchvr: no such virtual router$" del-router nosuchvr
bad "trace --reason nofwd: the error lists the reasons" 2 \
	"^Error: --reason: unknown reason 'nofwd' \\(the reasons: not_ip, malformed, .*, not_fwded, .*csum_partial\\)$" \
	trace --reason nofwd
bad "trace --reason not_fwd: did you mean, and the reasons" 2 "unknown reason 'not_fwd' \\(did you mean not_fwded\\?; the reasons: not_ip," \
	trace --reason not_fwd
check_eq "help trace: every reason --reason takes, from the same table" "$(grep -c '^	\[VR_PASS_' "$TOP/include/vr_pass_names.h")" \
	"$("$VRCTL" help trace | sed -n '/^REASON is one of/,$p' | tail -n +2 | tr ',' '\n' | grep -c '[a-z]')"
nsx dut "$VRCTL" --pin-dir "$PIN_DIR-none" list >"$T_TMP/o" 2>"$T_TMP/e"; rc=$?
check_eq "not loaded: exit 1 and the command that loads it" \
	"1 Error: vrouter is not loaded (no $PIN_DIR-none): run \`vrctl --pin-dir $PIN_DIR-none load IFACE...\` first" \
	"$rc $(cat "$T_TMP/e")"
check "help with an abbreviation: 'help sh'" sh -c "'$VRCTL' help sh | grep -q '^Usage: vrctl show \[NAME\]'"
check "bash completion: options of an abbreviated command" sh -c "'$VRCTL' __complete set | grep -qx -- '--rate-pps {N|none}'"
check "bash completion: the global -p and -V" sh -c "'$VRCTL' __complete help | grep -qx -- '--pretty' && '$VRCTL' __complete help | grep -qx -- '--version'"

# --- show with no NAME; list columns ----------------------------------------------
check_eq "show -j without NAME: {\"routers\": [every VR]}, as list" "$A $LONG" \
	"$(vrctl show -j | jget '" ".join(sorted(v["name"] for v in j["routers"]))')"
vrctl show >"$T_TMP/o"
check "show (text) without NAME: each VR's block" sh -c "grep -q '^$A: id ' '$T_TMP/o' && grep -q '^$LONG: id ' '$T_TMP/o' && grep -q 'mac $L_MAC' '$T_TMP/o'"
check_eq "show -j NAME is still one object" "dict" "$(vrctl show -j "$A" | jget 'type(j).__name__')"
vrctl list >"$T_TMP/o"
# (the ID column, 5 wide, ends at the name's width + 6 on every line)
check_eq "list: the name column is as wide as the longest name (${#LONG})" "$(( ${#LONG} + 6 )) $(( ${#LONG} + 6 )) $(( ${#LONG} + 6 ))" \
	"$(awk '{ print index($0, " " $2) + length($2) }' "$T_TMP/o" | xargs)"
check "list: the header and the rows" grep -qE "^NAME +ID +TABLE +STATE +IFACES$" "$T_TMP/o"
check "list: the long name in full" grep -qE "^$LONG +[0-9]+ +[0-9]+ +ready +e0$" "$T_TMP/o"

# --- reading at scale: top, stats --brief, status with a 31-character name ---------------
L31=$P-; while [ ${#L31} -lt 31 ]; do L31=${L31}x; done
check "add-router a 31-character name" vrctl add-router "$L31" --mac 02:00:00:00:0a:1f
vrctl status >"$T_TMP/st"
check_eq "status: the routers' columns line up past a 31-character name" "1 1" \
	"$(awk '/^Routers/ {r = 1; next} /^Follower/ {r = 0} r {print index($0, " id ")}' "$T_TMP/st" | sort -u | wc -l) $(grep -c "^  $L31 id " "$T_TMP/st")"
check_eq "status: one-entry maps are records, not '1 / 1 100%'" "0 5" \
	"$(grep -c ' 1 / 1 ' "$T_TMP/st") $(grep -cE '^  vr_[a-z_]+ +record$' "$T_TMP/st")"
vrctl stats --brief >"$T_TMP/b"
check_eq "stats --brief: a header, a line a VR (names in full), a total" "NAME 3 total" \
	"$(awk 'NR == 1 {print $1}' "$T_TMP/b") $(grep -cE "^($A|$LONG|$L31) +0 +0 +0 +0 +- +0B +-$" "$T_TMP/b") $(tail -1 "$T_TMP/b" | awk '{print $1}')"
vrctl stats --brief --interval 1 --count 1 >"$T_TMP/b"
check "stats --brief --interval: its time and interval, rates with units" sh -c "
	head -1 '$T_TMP/b' | grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{3}Z, interval 1\.0 s, 3 VRs$' &&
	grep -qE '^$L31 +0pps +0pps +0pps +0pps +- +0bit/s +-$' '$T_TMP/b'"
vrctl top --count 1 >"$T_TMP/b"
check_eq "top --count 1 (not a terminal: no screen codes): time, header, 3 VRs, total" "6 0" \
	"$(wc -l <"$T_TMP/b") $(grep -c $'\033' "$T_TMP/b")"
vrctl stats "$A" --interval 1 --count 1 >"$T_TMP/b"
check "stats --interval (text): each block headed by its time" \
	grep -qE '^--- [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{3}Z, interval 1\.0 s ---$' "$T_TMP/b"
bad "stats --brief -j: text only" 2 "stats --brief is text" stats --brief -j
bad "top -j: text only" 2 "top is text" top -j
check "show: each quota with its use (routes too)" sh -c \
	"nsenter --net=/run/netns/$(ns dut) '$VRCTL' --pin-dir '$PIN_DIR' show '$A' | grep -qE '^    quota neigh [0-9]+/[0-9]+ routes [0-9]+/10000 macs 1/8$'"
check "del-router the 31-character name" vrctl del-router "$L31"

# --- -p ------------------------------------------------------------------------------
check_eq "-p list: the same document as -j, indented" "True True" \
	"$(vrctl -p list | "$PY" -c "import json,sys; t = sys.stdin.read(); print(json.loads(t) == json.loads(sys.argv[1]), t.count('\n') > 5)" "$(vrctl -j list)")"
check_eq "-jp (a cluster) pretty too" "$(vrctl -p show "$A")" "$(vrctl -jp show "$A")"
check_eq "-j stays one line" "1" "$(vrctl -j show "$A" | wc -l)"

# --- errors under -j -------------------------------------------------------------------
vrctl -j show nosuchvr >"$T_TMP/o" 2>"$T_TMP/e"; rc=$?
check_eq "-j show nosuchvr: exit 1, nothing on stdout, one JSON line on stderr" "1 0 1" \
	"$rc $(wc -c <"$T_TMP/o") $(wc -l <"$T_TMP/e")"
check_eq "... {\"error\": ...} (python json)" "{'error': 'nosuchvr: no such virtual router'}" \
	"$(jget 'j' <"$T_TMP/e")"
vrctl -j show --bogus >"$T_TMP/o" 2>"$T_TMP/e"; rc=$?
check_eq "-j usage error: exit 2, the error object alone (no usage text)" "2 1 unknown option '--bogus'" \
	"$rc $(wc -l <"$T_TMP/e") $(jget 'j["error"]' <"$T_TMP/e")"
check_eq "-j after the command: errors found before it are JSON too" "unknown command 'bogus' (try 'vrctl help')" \
	"$(vrctl bogus -j 2>&1 | jget 'j["error"]')"
check_eq "--json and -p after the command too" "2" \
	"$( (vrctl bogus --json; vrctl bogus -p) 2>&1 | jlines 'l["error"]' | grep -c "unknown command 'bogus'")"
vrctl -j show $'a\nb\xff\x1b' >"$T_TMP/o" 2>"$T_TMP/e"
check_eq "-j: a name with a newline, an escape and a byte that is not UTF-8: one line of JSON" "1 True" \
	"$(wc -l <"$T_TMP/e") $(jget '"a\nb?\x1b" in j["error"]' <"$T_TMP/e")"
check_eq "without -j: the text error" "Error: nosuchvr: no such virtual router" "$(vrctl show nosuchvr 2>&1)"
vrctl -j set-router "$A" --rate-pps 1.5x >"$T_TMP/o" 2>"$T_TMP/e"
check_eq "-j: an error of a handler (pr_err) as JSON" "--rate-pps: '1.5x' is not a rate in 1-1000000000 packets/s, or 'none'" \
	"$(jget 'j["error"]' <"$T_TMP/e")"

# --- k/M/G suffixes -----------------------------------------------------------------
"$TESTBIN/test_parse" || T_FAILED=1
check "set-router --rate-pps 10k --burst 1k --rate-bps 1.5M --burst-bytes 64k" \
	vrctl set-router "$A" --rate-pps 10k --burst 1k --rate-bps 1.5M --burst-bytes 64k
check_eq "... read back as 10000 1000 1500000 64000" "10000 1000 1500000 64000" \
	"$(vrctl show -j "$A" | jget '"%d %d %d %d" % (j["limit"]["rate_pps"], j["limit"]["burst"], j["limit"]["rate_bps"], j["limit"]["burst_bytes"])')"
check "set-router --rate-bps 1G --quota-routes 2k --quota-neigh 0.1k" \
	vrctl set-router "$A" --rate-bps 1G --quota-routes 2k --quota-neigh 0.1k
check_eq "... read back" "1000000000 2000 100" \
	"$(vrctl show -j "$A" | jget '"%d %d %d" % (j["limit"]["rate_bps"], j["quota"]["routes"], j["quota"]["neigh"])')"
check "add-router with suffixes" vrctl add-router "$P-k" --mac 02:00:00:00:0a:03 --rate-pps 1M --quota-routes 1k
check_eq "... read back" "1000000 1000" \
	"$(vrctl show -j "$P-k" | jget '"%d %d" % (j["limit"]["rate_pps"], j["quota"]["routes"])')"
check "del-router $P-k" vrctl del-router "$P-k"
bad "--rate-pps 1.5x (bad suffix)" 1 "'1.5x' is not a rate" set-router "$A" --rate-pps 1.5x
bad "--rate-pps 10m (milli is no suffix)" 1 "'10m' is not a rate" set-router "$A" --rate-pps 10m
bad "--rate-pps -1k (negative)" 1 "'-1k' is not a rate" set-router "$A" --rate-pps -1k
bad "--rate-pps 1.0005k (not whole)" 1 "'1.0005k' is not a rate" set-router "$A" --rate-pps 1.0005k
bad "--rate-pps 1.5 (a fraction without suffix)" 1 "'1.5' is not a rate" set-router "$A" --rate-pps 1.5
bad "--rate-pps 2G (above 1e9)" 1 "'2G' is not a rate in 1-1000000000" set-router "$A" --rate-pps 2G
bad "--rate-bps 18446745T (overflows 64 bits)" 1 "'18446745T' is not a rate" set-router "$A" --rate-bps 18446745T
bad "--burst 5G (above 2^32-1)" 1 "--burst: '5G'" set-router "$A" --burst 5G
bad "--quota-routes 1kk" 1 "--quota-routes: '1kk' is not a number" set-router "$A" --quota-routes 1kk
bad "stats --interval 1 --count 1x" 2 "--count: '1x' is not a number" stats --interval 1 --count 1x

# --- one key per concept: ifname, mac -------------------------------------------------
check "neigh add with ADDR after the keywords" vrctl neigh add "$A" lladdr 02:00:00:00:00:09 dev e0 198.18.0.9
check "neigh a (abbreviated verb), ADDR between the keywords" vrctl neigh a "$A" dev e0 2001:2::9 lladdr 02:00:00:00:00:0a
check_eq "neigh sh -j: keys dst, ifname, mac" "[('198.18.0.9', 'e0', '02:00:00:00:00:09'), ('2001:2::9', 'e0', '02:00:00:00:00:0a')]" \
	"$(vrctl neigh sh "$A" -j | jget 'sorted((n["dst"], n["ifname"], n["mac"]) for n in j["neigh"])')"
check_eq "neigh show -j: no other key" "['dst', 'ifname', 'mac']" "$(vrctl neigh show "$A" -j | jget 'sorted(j["neigh"][0])')"
bad "neigh add with two addresses" 2 "neigh add: unexpected argument '198.18.0.11'" neigh add "$A" 198.18.0.10 198.18.0.11 lladdr 02:00:00:00:00:0b dev e0
bad "neigh add without an address" 2 "neigh add: ADDR missing" neigh add "$A" lladdr 02:00:00:00:00:0b dev e0
check_eq "show -j: ifaces[] objects, as stats' and status'" "e0 $A_MAC True" "$(vrctl show -j "$A" | jget '"%s %s %s" % (j["ifaces"][0]["ifname"], j["ifaces"][0]["mac"], j["ifaces"][0]["attached"])')"
check_eq "no 'iface', 'dev' or 'lladdr' key in any JSON output" "" \
	"$( { vrctl -j list; vrctl -j show; vrctl -j stats; vrctl -j status; vrctl -j neigh show "$A"; } 2>&1 |
		grep -oE '"(iface|dev|lladdr|egress)":' | sort -u | xargs)"

# --- stats --interval -j: a time on each line ------------------------------------------
t0=$(date -u +%s)
vrctl -j stats --interval 1 --count 2 >"$T_TMP/o" 2>&1
check_eq "stats --interval -j: two lines, each with an RFC 3339 time (ms, UTC) of now" "2 True" \
	"$(wc -l <"$T_TMP/o") $("$PY" -c '
import datetime, json, re, sys
t0 = int(sys.argv[1])
ok = True
for line in open(sys.argv[2]):
    t = json.loads(line)["time"]
    ok &= bool(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", t))
    s = datetime.datetime.strptime(t, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc).timestamp()
    ok &= t0 <= s + 1 and s <= t0 + 10
print(ok)' "$t0" "$T_TMP/o")"
check_eq "stats -j once: no time (a snapshot, not a line of a series)" "False" "$(vrctl -j stats | jget '"time" in j')"

# --- sync --follow -j: a JSON line per full pass --------------------------------------
nsenter --net="/run/netns/$(ns dut)" "$VRCTL" --pin-dir "$PIN_DIR" sync --follow -j >"$T_TMP/f" 2>"$T_TMP/fe" &
FPID=$!
both_passed() { [ "$(jlines 'l["name"]' <"$T_TMP/f" 2>/dev/null | sort -u | xargs)" = "$A $LONG" ]; }
lines_at_least() { [ "$(wc -l <"$T_TMP/f")" -ge "$1" ]; }
check "sync --follow -j: a line for each VR's first full pass" until_ok 10 both_passed
n1=$(wc -l <"$T_TMP/f")
kill -HUP $FPID
check "SIGHUP: a full pass of every VR, a line each" until_ok 10 lines_at_least $((n1 + 2))
check_eq "each line: an object with time, event full_pass, name, id, ok" "True" \
	"$("$PY" -c '
import json, re, sys
ok = True
for line in open(sys.argv[1]):
    l = json.loads(line)
    ok &= l["event"] == "full_pass" and bool(re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:]{8}\.\d{3}Z", l["time"]))
    ok &= isinstance(l["id"], int) and l["ok"] is True and "routes" in l and "neigh" in l
print(ok)' "$T_TMP/f")"
stop_follower $FPID
check_eq "the follower ended with status 0" 0 "$rc"
check_eq "sync (one pass) -j: {\"routers\": [...]}, as list" "2" "$(vrctl -j sync | jget 'len(j["routers"])')"

# --- bash completion (dist/vrctl.bash) of VR names -----------------------------------
comp() {	# (in dut: vrctl refuses another network namespace than its NICs')
	nsx dut bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1));
		 _vrctl; echo "${COMPREPLY[*]}"' _ "$TOP/dist/vrctl.bash" "$VRCTL" "$@"
}
check_eq "completion: VR names after show (--pin-dir followed)" "$A $LONG" \
	"$(comp --pin-dir "$PIN_DIR" show "$P-" | xargs -n1 | sort | xargs)"
check_eq "completion: VR names after an abbreviated command, a prefix" "$LONG" "$(comp sh --pin-dir "$PIN_DIR" "$P-l")"
check_eq "completion: neigh's verbs, then the names" "del $A" \
	"$(comp --pin-dir "$PIN_DIR" neigh d) $(comp --pin-dir "$PIN_DIR" neigh show "$P-a")"
check_eq "completion: no names for add-router's new NAME, nor after a first positional" "|" \
	"$(comp --pin-dir "$PIN_DIR" add-router "$P-")|$(comp --pin-dir "$PIN_DIR" show "$A" "$P-")"

# --- cleanup ---------------------------------------------------------------------------
check "del-router $A" vrctl del-router "$A"
check "del-router $LONG" vrctl del-router "$LONG"
check "unload" vrctl unload
exit $T_FAILED
