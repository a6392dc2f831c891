#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# End to end: real frames through the XDP fast path.
#
#   gen:g0 ==veth== dut:in0  [vr_forward on in0 and out0]  dut:out0 ==veth== sink:s0
#
# VR 1 (table 1001) has MAC 02:00:00:00:01:01 on in0 and 02:00:00:00:01:02
# on out0, routes 198.18.100.0/24 via 198.18.1.2 and 2001:2:0:100::/64 via
# 2001:2:0:1::2, both next hops being s0.  gen sends frames with scapy, s0
# captures them, and each forwarded frame is compared byte by byte with the
# one sent.  dut has no address at all, so nothing reaches sink unless the
# fast path redirects it: the kernel drops frames to a MAC not its own.
#
# A redirect into a veth needs NAPI on the PEER of the target (see
# docs/design.md): out0's peer s0 gets it from GRO (ethtool -K s0 gro on).
# Without it the redirected frames are dropped silently.
# plan: 21
. "$(dirname "$0")/../lib.sh"

TM="$TESTBIN/vr_testmap"
VR=1 TABLE=1001
VR_IN=02:00:00:00:01:01		# VR's MAC on in0 (frames are sent to it)
VR_OUT=02:00:00:00:01:02	# VR's MAC on out0 (source of forwarded frames)
GEN_MAC=02:00:00:00:00:01
UNKNOWN=02:00:00:00:09:09	# no VR has it
tm() { nsx dut "$TM" "$PIN_DIR" "$@"; }

[ -x "$TM" ] || fatal "$TM not built (make all)"
ensure_bpffs

# --- topology ---------------------------------------------------------------
for n in gen dut sink; do setup "namespace $n" ns_add $n; done
# gen and sink stay silent (no IPv6 autoconfiguration, no addresses), so
# every frame counted on in0 is one this test sent.
for n in gen sink; do
	setup "quiet $n" nsx $n sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
done
setup "veth gen:g0 <-> dut:in0" veth_add gen g0 dut in0
setup "veth dut:out0 <-> sink:s0" veth_add dut out0 sink s0
setup "GRO on s0 (NAPI for frames redirected into out0)" \
	nsx sink ethtool -K s0 gro on
S0_MAC=$(mac_of sink s0)

setup "dut forwarding" nsx dut sysctl -qw net.ipv4.conf.all.forwarding=1 \
	net.ipv4.conf.in0.forwarding=1 net.ipv4.conf.out0.forwarding=1 \
	net.ipv6.conf.all.forwarding=1
setup "VR routes" eval "
	ip -n $(ns dut) route add 198.18.1.0/24 dev out0 table $TABLE &&
	ip -n $(ns dut) route add 198.18.100.0/24 via 198.18.1.2 dev out0 table $TABLE &&
	ip -n $(ns dut) -6 route add 2001:2:0:1::/64 dev out0 table $TABLE &&
	ip -n $(ns dut) -6 route add 2001:2:0:100::/64 via 2001:2:0:1::2 dev out0 table $TABLE"

# --- data plane ---------------------------------------------------------------
check "attach vr_forward to in0 and out0 (native XDP)" tm attach in0 out0
check "in0 runs XDP in driver mode" \
	sh -c "ip -n $(ns dut) -d link show in0 | grep -q 'prog/xdp id' &&
		! ip -n $(ns dut) -d link show in0 | grep -q 'xdpgeneric'"
check "map entries for VR $VR" eval "
	tm mac in0 $VR_IN $VR $TABLE &&
	tm port $VR out0 $VR_OUT &&
	tm neigh $VR out0 198.18.1.2 $S0_MAC &&
	tm neigh $VR out0 2001:2:0:1::2 $S0_MAC"
# fails_1line CMD...: CMD fails with exactly one line on stderr.
fails_1line() { ! "$@" 2>"$T_TMP/err" >/dev/null && [ "$(wc -l <"$T_TMP/err")" = 1 ]; }
check "vr_testmap rejects a bad MAC with one error line" \
	fails_1line tm port $VR out0 02:00:00:00:01
nic0=$(tm nic in0 | awk '$1 == "no_vr" {print $2}')

# --- traffic ------------------------------------------------------------------
v4() { echo "dmac=${3:-$VR_IN},smac=$GEN_MAC,src=198.18.0.1,dst=198.18.100.$1,ttl=$2,sport=$((1000 + $1)),dport=9,data=vrt-$4"; }
v6() { echo "dmac=$VR_IN,smac=$GEN_MAC,src=2001:2::1,dst=2001:2:0:100::$1,ttl=$2,sport=$((2000 + $1)),dport=9,data=vrt-$3"; }
names=(v4-a v4-b v4-c v6-a v6-b unknown-mac ttl1 hlim1 stop)
specs=(
	"$(v4 1 64 "" v4-a)"	# forwarded
	"$(v4 2 2 "" v4-b)"	# forwarded, leaves with TTL 1
	"$(v4 3 255 "" v4-c)"	# forwarded
	"$(v6 1 64 v6-a)"	# forwarded
	"$(v6 2 2 v6-b)"	# forwarded, leaves with hop limit 1
	"$(v4 4 64 $UNKNOWN unknown-mac)"	# not a VR: kernel, dropped
	"$(v4 5 1 "" ttl1)"	# TTL 1: kernel (the VR would send ICMP)
	"$(v6 5 1 hlim1)"	# hop limit 1: kernel
	"$(v4 6 64 "" stop)"	# forwarded, last: capture stops at it
)
FWD=(v4-a v4-b v4-c v6-a v6-b stop)
DROP=(unknown-mac ttl1 hlim1)

nsx sink "${PKT[@]}" capture s0 --ready "$T_TMP/ready" --stop vrt-stop \
	--timeout 10 >"$T_TMP/recv" 2>"$T_TMP/capture.err" &
cap=$!
for _ in $(seq 100); do
	[ -e "$T_TMP/ready" ] || ! kill -0 $cap 2>/dev/null && break
	sleep 0.05
done
[ -e "$T_TMP/ready" ] || { cp "$T_TMP/capture.err" "$T_TMP/out"; fatal "capture on s0 ready"; }

setup "send ${#specs[@]} frames from g0" nsx gen "${PKT[@]}" send g0 "${specs[@]}"
mapfile -t sent <"$T_TMP/out"
declare -A frame
for i in "${!names[@]}"; do frame[${names[$i]}]=${sent[$i]}; done
wait $cap
check_eq "capture on s0 saw the last frame" 0 $?

for n in "${FWD[@]}"; do
	check "$n forwarded: MACs rewritten, TTL/hop limit -1, checksum, payload" \
		"${PKT[@]}" expect-fwd "${frame[$n]}" "$T_TMP/recv" "$S0_MAC" "$VR_OUT"
done
for n in "${DROP[@]}"; do
	check "$n not at sink" "${PKT[@]}" expect-none "${frame[$n]}" "$T_TMP/recv"
done

# --- counters -----------------------------------------------------------------
tm stats $VR >"$T_TMP/stats" 2>&1 || fatal "vr_testmap stats"
stat() { awk -v k="$1" '$1 == k {print $2}' "$T_TMP/stats"; }
check_eq "stats: rx counts every frame to the VR MAC" 8 "$(stat rx)"
check_eq "stats: fwd == frames forwarded" ${#FWD[@]} "$(stat fwd)"
check_eq "stats: ttl counts the TTL 1 and hop limit 1 frames" 2 "$(stat ttl)"
check_eq "stats: passed only the 2 TTL frames" 2 \
	"$(awk 'NR > 2 {s += $2} END {print s}' "$T_TMP/stats")"
check_eq "nic stats: unknown MAC counted as no_vr on in0" $((nic0 + 1)) \
	"$(tm nic in0 | awk '$1 == "no_vr" {print $2}')"

check "detach from in0 and out0" tm detach in0 out0
check "in0 has no XDP program" \
	sh -c "! ip -n $(ns dut) -d link show in0 | grep -q prog/xdp"
t_end
