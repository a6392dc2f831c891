# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Shared helpers for the namespace tests.  Source it; it sets a unique
# prefix, creates nothing by itself, and removes on exit (trap) every
# namespace and pin directory made through it, also when a test fails.
#
# Output protocol (read by tests/run.sh): one line per check,
#   "ok - DESCRIPTION" or "not ok - DESCRIPTION".

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VRCTL="$TOP/.output/vrctl"
TESTBIN="$TOP/.output/tests"
PY=/usr/bin/python3		# Debian's python, which has scapy
# Unique per run: namespaces are "<prefix>-<name>".
P="vrt$$$(printf '%04x' $((RANDOM & 0xffff)))"
PIN_DIR="/sys/fs/bpf/$P"
T_FAILED=0

cleanup() {
	local ns f
	for ns in $(ip netns list | awk '{print $1}' | grep "^$P-"); do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	# What add-router made besides a VR's namespace, if the test ended
	# before del-router (its processes, the VR's init included, are gone
	# with the namespace's above).
	for f in /run/vrctl/userns/"$P"-* /run/vrctl/pidns/"$P"-* /run/vrctl/tenant/"$P"-*; do
		[ -e "$f" ] || continue
		umount -l "$f" 2>/dev/null
		rm -rf --one-file-system "$f"
	done
	grep -lx "$P-.*" /run/vrctl/uids/* 2>/dev/null | xargs -r rm -f
	rm -rf "$PIN_DIR" 2>/dev/null
	[ -n "$T_TMP" ] && rm -rf "$T_TMP"
	return 0
}
trap 'cleanup' EXIT
trap 'exit 130' INT TERM
T_TMP=$(mktemp -d)

ensure_bpffs() {
	mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
}

ok()     { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; T_FAILED=1; }
# check DESCRIPTION COMMAND...: ok if the command succeeds.
check()  { local d=$1; shift; if "$@" >"$T_TMP/out" 2>&1; then ok "$d"; else not_ok "$d"; sed 's/^/#   /' "$T_TMP/out"; fi; }
# check_eq DESCRIPTION EXPECTED ACTUAL
check_eq() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1 (expected '$2', got '$3')"; fi; }
# fatal DESCRIPTION: not ok, the last command's output as "#" lines, and stop.
fatal() { not_ok "$*"; sed 's/^/#   /' "$T_TMP/out" 2>/dev/null; exit 1; }
# setup DESCRIPTION COMMAND...: must succeed, else the test stops here.
setup() { local d=$1; shift; "$@" >"$T_TMP/out" 2>&1 || fatal "$d"; }
# stop_follower PID: check that SIGTERM reaches the `vrctl sync --follow`
# started in the background as PID, then wait up to 3 s for it to end; its
# exit status is left in $rc ("none" if it is still running).
stop_follower() {
	local i
	check "SIGTERM ends the follower" kill -TERM "$1"
	rc=none
	for i in $(seq 60); do
		if ! kill -0 "$1" 2>/dev/null; then wait "$1"; rc=$?; break; fi
		sleep 0.05
	done
}

ns()     { echo "$P-$1"; }
# nsx NAME CMD...: run in the namespace without remounting /sys (bpffs stays).
nsx()    { local n=$1; shift; nsenter --net="/run/netns/$P-$n" "$@"; }
ns_add() { ip netns add "$P-$1" && ip -n "$P-$1" link set lo up; }

# veth_add NS1 IF1 NS2 IF2: a veth pair between two namespaces, made in
# place (a temporary name in the host could clash or exceed IFNAMSIZ).
veth_add() {
	ip link add "$2" netns "$P-$1" type veth peer name "$4" netns "$P-$3" &&
	ip -n "$P-$1" link set "$2" up && ip -n "$P-$3" link set "$4" up
}
# mac_of NS IF (nsenter --net keeps the host's /sys, so ask netlink)
mac_of() { ip -n "$P-$1" -br link show "$2" | awk '{print $3}'; }
ifindex_of() { ip -n "$P-$1" -o link show "$2" | cut -d: -f1; }
table_of() { vrctl -j show "$1" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["table"])'; }	# a VR's table id
# topo_gen_dut_s0_s1: namespaces gen, dut, s0, s1 (through setup: any
# failure stops the test); gen quiet (it sends IPv6 only through scapy: no
# autoconfiguration noise from it); veths gen:g0 <-> dut:in0,
# dut:out0 <-> s0:s0, dut:out1 <-> s1:s1; GRO on g0, s0 and s1 (NAPI on
# the peers of redirect targets, docs/design.md).
topo_gen_dut_s0_s1() {
	local n x
	for n in gen dut s0 s1; do setup "namespace $n" ns_add $n; done
	setup "gen quiet" nsx gen sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
	setup "veth gen:g0 <-> dut:in0" veth_add gen g0 dut in0
	setup "veth dut:out0 <-> s0:s0" veth_add dut out0 s0 s0
	setup "veth dut:out1 <-> s1:s1" veth_add dut out1 s1 s1
	for x in gen:g0 s0:s0 s1:s1; do
		setup "GRO on ${x#*:}" nsx ${x%%:*} ethtool -K ${x#*:} gro on
	done
}

# The frame sender and capturer (tests/pkt.py) and the VR namespace runner.
PKT=("$PY" "$TOP/tests/pkt.py")
vx() { local v=$1; shift; nsenter --net="/run/netns/$v" "$@"; }	# in a VR
# until_ok SECONDS CMD...: poll CMD every 50 ms until it succeeds.
until_ok() {
	local n=$(($1 * 20)); shift
	while ! "$@" >/dev/null 2>&1; do
		n=$((n - 1)); [ $n -le 0 ] && return 1; sleep 0.05
	done
}
# capture_start NS IF FILE STOP: capture UDP frames on IF in namespace NS
# into FILE in the background (its pid appended to caps[]) until a frame
# with payload STOP, and wait until the socket is ready.
capture_start() {
	rm -f "$T_TMP/ready-$1"
	nsx "$1" "${PKT[@]}" capture "$2" --ready "$T_TMP/ready-$1" --stop "$4" \
		--timeout 5 >"$3" 2>"$T_TMP/cap-$1.err" &
	caps+=($!)
	until_ok 5 test -e "$T_TMP/ready-$1"
}
# udp_seen_in NS TAG SPEC: five UDP frames SPEC,data=TAG (tests/pkt.py's
# spec) sent by gen on g0, captured on every interface of namespace NS (a
# full name, as a VR's) for SPEC's destination port; prints how many NS saw.
udp_seen_in() {
	local f=$T_TMP/seen-$2.pcap i specs=() port tp
	port=$(sed -n 's/.*dport=\([0-9]*\).*/\1/p' <<<"$3")
	for i in 1 2 3 4 5; do specs+=("$3,data=$2"); done
	vx "$1" timeout 3 tcpdump -i any -n -U -w "$f" "udp and port $port" >/dev/null 2>"$f.err" &
	tp=$!
	until_ok 3 grep -q "listening on" "$f.err"
	nsx gen "${PKT[@]}" send g0 "${specs[@]}" >/dev/null
	wait $tp
	tcpdump -r "$f" -n 2>/dev/null | grep -c 'UDP'
}
# start_follower: `vrctl sync --follow -v` in dut with $PIN_DIR, logging to
# $T_TMP/follow.log; FPID is vrctl itself (nsenter execs it).
start_follower() {
	nsenter --net="/run/netns/$P-dut" "$VRCTL" --pin-dir "$PIN_DIR" -v sync --follow \
		>>"$T_TMP/follow.log" 2>&1 &
	FPID=$!
	until_ok 3 grep -q "following the VRs" "$T_TMP/follow.log"
}

t_end() { return $T_FAILED; }
