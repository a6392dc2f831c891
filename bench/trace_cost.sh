#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# What tracing costs the fast path: vrouter's program per frame
# (benchctl prog-cost: BPF_PROG_RUN repeat on CPU $CPU, one forwarded
# 60-byte IPv4/UDP frame) with no trace running, with `vrctl trace --all`
# running (every frame wanted: all but the rate limit's 10000/s are
# refused by the per-CPU bucket), and with a trace that filters the frame
# out (`--reason ttl`: the flag set, the frame not wanted).  ROUNDS rounds
# of SECONDS each, the three alternated; prints each round and the medians.
# Usage: bench/trace_cost.sh [CPU [SECONDS [ROUNDS]]]   (root; make all first)
# VRCTL=another/vrctl OFF_ONLY=1: only "off", with another build (e.g. one
# without the trace hook, for the cost of the hook itself).
set -e
TOP=$(cd "$(dirname "$0")/.." && pwd)
VRCTL=${VRCTL:-$TOP/.output/vrctl} BENCHCTL=$TOP/.output/bench/benchctl
CPU=${1:-1} SECS=${2:-2} ROUNDS=${3:-5}
P=vrtc$$ PIN=/sys/fs/bpf/vrtc$$ MAC=02:00:00:00:0c:01
nsx() { nsenter --net=/run/netns/$P "$@"; }
vrctl() { nsx "$VRCTL" --pin-dir "$PIN" "$@"; }
TPID=
cleanup() {
	set +e
	[ -n "$TPID" ] && kill "$TPID" 2>/dev/null && wait "$TPID" 2>/dev/null
	vrctl unload --all >/dev/null 2>&1 || true
	ip netns del $P 2>/dev/null; ip netns del $P-a 2>/dev/null; ip netns del $P-p 2>/dev/null
	rm -rf "$PIN"
}
trap cleanup EXIT
ip netns add $P; ip netns add $P-p
ip link add in0 netns $P type veth peer name p0 netns $P-p
ip link add out0 netns $P type veth peer name p1 netns $P-p
for i in in0 out0; do ip -n $P link set $i up; done
for i in p0 p1; do ip -n $P-p link set $i up; ip netns exec $P-p ethtool -K $i gro on >/dev/null; done
vrctl load in0 out0 >/dev/null
vrctl add-router $P-a --mac $MAC --iface in0,out0 --table 1000 >/dev/null
ip -n $P route add 198.18.10.0/24 dev out0 table 1000
ip -n $P route add 198.19.0.0/16 via 198.18.10.2 dev out0 table 1000
vrctl neigh add $P-a 198.18.10.2 lladdr 02:00:00:00:0c:02 dev out0
cost() { nsx "$BENCHCTL" prog-cost in0 $MAC 198.18.1.2 198.19.0.1 "$CPU" "$SECS" |
	 python3 -c 'import json,sys; c=json.load(sys.stdin)["cpus"][0]; assert c["retval"] == 4, c; print("%.2f" % c["ns_per_run"])'; }
traced() {
	nsenter --net=/run/netns/$P "$VRCTL" --pin-dir "$PIN" trace "$@" >/dev/null 2>&1 &
	TPID=$!
	sleep 0.5
	cost
	kill -INT $TPID; wait $TPID; TPID=
}
off=() on=() filt=()
for r in $(seq "$ROUNDS"); do
	off+=("$(cost)")
	if [ -n "$OFF_ONLY" ]; then echo "round $r: off ${off[-1]} ns"; continue; fi
	on+=("$(traced --all)"); filt+=("$(traced --reason ttl)")
	echo "round $r: off ${off[-1]} ns, on (--all, at the rate limit) ${on[-1]} ns, on (filtered out) ${filt[-1]} ns"
done
med() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
[ -n "$OFF_ONLY" ] && { echo "median ns/frame: off $(med "${off[@]}")"; exit 0; }
echo "median ns/frame: trace off $(med "${off[@]}"), trace on at its rate limit $(med "${on[@]}"), trace on filtered out $(med "${filt[@]}")"
vrctl status | grep Trace
