#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# vrctl sync at scale: N routes (default 100,000 IPv4 /32s, plus --v6 M
# IPv6 /128s) in one VR namespace, mirrored into its host table.  Reports
#   - the one-shot full pass into an empty host table: wall time, max RSS;
#   - the same pass again, nothing to change (dump + diff only);
#   - the follower: its start-up pass, then N routes deleted and added
#     again in the VR with `ip -batch`: time until the host table agrees.
# Not a test: numbers only.  Needs root; makes its own namespaces (lib.sh)
# and removes them.  Uses 198.18.0.0/15 and 2001:2::/48 only.
#
#   bench/sync_scale.sh [--routes N] [--v6 M] [--no-follow]
set -u
cd "$(dirname "$0")/.." || exit 1
N=100000 N6=0 FOLLOW=1
while [ $# -gt 0 ]; do
	case $1 in
	--routes) N=$2; shift ;;
	--v6) N6=$2; shift ;;
	--no-follow) FOLLOW=0 ;;
	*) echo "usage: $0 [--routes N] [--v6 M] [--no-follow]" >&2; exit 2 ;;
	esac
	shift
done
[ "$N" -le 120000 ] || { echo "at most 120000 IPv4 routes (198.18.16.0 upwards in 198.18.0.0/15)" >&2; exit 2; }
. tests/lib.sh
. bench/sync_rig.sh
[ -x "$VRCTL" ] || { echo "build first (make)" >&2; exit 1; }
ensure_bpffs
A=$P-a T=1300
vrctl() { nsx dut "$VRCTL" --pin-dir "$PIN_DIR" "$@"; }
die() { echo "sync_scale: $*" >&2; exit 1; }
# measure CMD...: run it, print "wall_s max_rss_kib" of it
measure() {
	"$PY" -c '
import resource, subprocess, sys, time
t = time.monotonic()
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
dt = time.monotonic() - t
if r.returncode:
    sys.exit("command failed: %d" % r.returncode)
print("%.3f %d" % (dt, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))' "$@"
}
count() { echo $(( $(ip -n "$(ns dut)" -4 route show table $T | wc -l) + $(ip -n "$(ns dut)" -6 route show table $T | wc -l) )); }

sync_rig

"$PY" - "$N" "$N6" >"$T_TMP/routes" <<'EOF'
import ipaddress, sys
n, n6 = int(sys.argv[1]), int(sys.argv[2])
base = int(ipaddress.IPv4Address("198.18.16.0"))
for i in range(n):
    print("route add %s/32 via 198.18.10.2 dev out0" % ipaddress.IPv4Address(base + i))
base6 = int(ipaddress.IPv6Address("2001:2:0:1000::"))
for i in range(n6):
    print("route add %s/128 via 2001:2:0:10::2 dev out0" % ipaddress.IPv6Address(base6 + i))
EOF
sed 's/^route add/route del/' "$T_TMP/routes" >"$T_TMP/routes-del"
now() { date +%s.%N; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }
t=$(now)
ip -n "$A" -batch "$T_TMP/routes" || die "ip -batch"
echo "routes in $A: $N IPv4 + $N6 IPv6 (ip -batch: $(sub "$(now)" "$t") s)"
expect=$((N + N6 + 4))	# + connected and local, IPv4 and IPv6

read -r t1 rss1 < <(measure nsenter --net="/run/netns/$P-dut" "$VRCTL" --pin-dir "$PIN_DIR" sync "$A") ||
	die "vrctl sync"
got=$(count)
[ "$got" = "$expect" ] || die "host table $T has $got routes, expected $expect"
echo "full pass, empty host table:  ${t1} s, max RSS ${rss1} KiB  (table $T: $got routes)"
read -r t2 rss2 < <(measure nsenter --net="/run/netns/$P-dut" "$VRCTL" --pin-dir "$PIN_DIR" sync "$A") ||
	die "vrctl sync"
echo "full pass, nothing to change: ${t2} s, max RSS ${rss2} KiB"

if [ "$FOLLOW" = 1 ]; then
	nsenter --net="/run/netns/$P-dut" "$VRCTL" --pin-dir "$PIN_DIR" -v sync --follow \
		>"$T_TMP/follow.log" 2>&1 &
	FPID=$!
	for _ in $(seq 600); do grep -q "VR $A: full pass" "$T_TMP/follow.log" && break; sleep 0.05; done
	echo "follower start-up: $(grep -o "VR $A: full pass.*" "$T_TMP/follow.log" | head -1)"
	for phase in del add; do
		f="$T_TMP/routes"; want=$expect
		[ $phase = del ] && { f="$T_TMP/routes-del"; want=4; }
		t=$(now)
		ip -n "$A" -batch "$f" || die "ip -batch ($phase)"
		t_ip=$(now)
		while [ "$(count)" != "$want" ]; do
			sleep 0.05
			[ "$(sub "$(now)" "$t" | cut -d. -f1)" -ge 120 ] && die "host table stuck at $(count) routes ($phase)"
		done
		echo "follower, $phase $((N + N6)) routes in the VR: host table agrees $(sub "$(now)" "$t") s after ip -batch started (ip -batch itself $(sub "$t_ip" "$t") s)"
	done
	echo "follower: $(grep -c 'events lost' "$T_TMP/follow.log") event losses (each: a full pass), max RSS $(grep VmHWM /proc/$FPID/status | awk '{print $2, $3}')"
	kill -TERM $FPID
	wait $FPID
fi
echo "load average (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
