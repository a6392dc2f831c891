#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# vrouter demo (`make demo`): two virtual routers with the same address
# space on one host, real traffic through the XDP fast path, their counters.
#
#   gen:g0 ==== dut:in0  [vrctl load in0 out0 out1]  dut:out0 ==== s0:s0
#                                                    dut:out1 ==== s1:s1
#
# red and blue are VRs (network namespaces with a macvlan per NIC), their
# routes and neighbours mirrored into the fast path by vrctl sync --follow.  Both
# use 198.18.1.0/24 towards gen and 198.18.10.0/24 + 198.18.100.0/24
# behind them, and the same for IPv6 in 2001:2::/48; red's far network is
# s0, blue's is s1.  gen reaches one or the other only by the MAC it sends
# to (its next hop).  Everything lives in namespaces with a unique prefix
# and is removed at the end, also on failure or ^C.
. "$(dirname "$0")/lib.sh"

RED=$P-red BLUE=$P-blue
RED_MAC=02:00:00:00:0e:01 BLUE_MAC=02:00:00:00:0b:01
N=${DEMO_PINGS:-2000}		# echo requests per VR and family
vrctl() { nsx dut "$VRCTL" --pin-dir "$PIN_DIR" "$@"; }
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { echo "+ $*" | sed "s|$VRCTL|vrctl|; s|--pin-dir $PIN_DIR ||"; "$@"; }
die() { echo "demo: $*" >&2; exit 1; }
trap 'echo "demo: failed at line $LINENO: $BASH_COMMAND" >&2' ERR
set -eE

[ "$(id -u)" = 0 ] || die "must run as root"
[ -x "$VRCTL" ] || die "$VRCTL not built (make)"
ensure_bpffs
start=$SECONDS

say "topology: gen -- dut -- s0, s1 (namespaces $P-*)"
for n in gen dut s0 s1; do ns_add $n; done
veth_add gen g0 dut in0
veth_add dut out0 s0 s0
veth_add dut out1 s1 s1
# A redirect into a veth needs NAPI on its peer (docs/design.md): GRO on.
for x in gen:g0 s0:s0 s1:s1; do nsx ${x%%:*} ethtool -K ${x#*:} gro on >/dev/null; done
# bpf_fib_lookup checks forwarding on the ingress NIC (IPv4) / globally (IPv6).
nsx dut sysctl -qw net.ipv4.conf.all.forwarding=1 net.ipv6.conf.all.forwarding=1
G0=$(mac_of gen g0) S0=$(mac_of s0 s0) S1=$(mac_of s1 s1)

say "data plane and two VRs"
run vrctl load in0 out0 out1
run vrctl add-router "$RED" --mac $RED_MAC
run vrctl add-router "$BLUE" --mac $BLUE_MAC --table 2000
run vrctl list

say "the same addresses in both VRs"
for v in "$RED:out0:.1" "$BLUE:out1:.11"; do
	IFS=: read -r vr nic host <<<"$v"
	ip -n "$vr" addr add 198.18.1${host}/24 dev in0
	ip -n "$vr" addr add 2001:2:0:1::${host#.}/64 dev in0 nodad
	ip -n "$vr" addr add 198.18.10.1/24 dev "$nic"
	ip -n "$vr" addr add 2001:2:0:10::1/64 dev "$nic" nodad
	ip -n "$vr" route add 198.18.100.0/24 via 198.18.10.2
	ip -n "$vr" route add 2001:2:0:100::/64 via 2001:2:0:10::2
	echo "$vr:"; ip -n "$vr" -br addr | sed 's/^/    /'
done
ip -n "$(ns gen)" addr add 198.18.1.2/24 dev g0
ip -n "$(ns gen)" addr add 2001:2:0:1::2/64 dev g0 nodad
for s in s0 s1; do
	ip -n "$(ns $s)" addr add 198.18.10.2/24 dev $s
	ip -n "$(ns $s)" addr add 2001:2:0:10::2/64 dev $s nodad
	ip -n "$(ns $s)" addr add 198.18.100.1/24 dev $s
	ip -n "$(ns $s)" addr add 2001:2:0:100::1/64 dev $s nodad
	ip -n "$(ns $s)" route add 198.18.1.0/24 via 198.18.10.1
	ip -n "$(ns $s)" route add 2001:2:0:1::/64 via 2001:2:0:10::1
done

say "mirroring: vrctl sync --follow copies each VR's routes and neighbours into the fast path"
# In the background for the whole demo, as vrctl-sync.service runs it: the
# neighbours the VRs learn from the first frames reach the fast path too.
echo "+ vrctl sync --follow &"
nsx dut "$VRCTL" --pin-dir "$PIN_DIR" -v sync --follow >"$T_TMP/follow.log" 2>&1 &
FPID=$!
until_ok 5 grep -q "following the VRs" "$T_TMP/follow.log" || die "the follower did not start"
for v in "$RED:1000" "$BLUE:2000"; do
	until_ok 5 sh -c "ip -n $(ns dut) route show table ${v#*:} | grep -q 198.18.100.0/24" ||
		die "${v%:*}'s routes not mirrored"
	echo "host table ${v#*:} (${v%:*}'s routes, each macvlan replaced by its NIC):"
	ip -n "$(ns dut)" route show table "${v#*:}" | sed 's/^/    /'
done

say "traffic: $N pings per VR and family (flood), each way through XDP"
flood() {	# VR HOST: gen's next hop is the VR's address 198.18.1.HOST
	ip -n "$(ns gen)" route replace 198.18.100.0/24 via 198.18.1.$2
	ip -n "$(ns gen)" -6 route replace 2001:2:0:100::/64 via 2001:2:0:1::$2
	# The first echo resolves gen's neighbour (the VR answers ARP/ND itself).
	nsx gen ping -q -c 1 -W 2 198.18.100.1 >/dev/null
	nsx gen ping -q -c 1 -W 2 2001:2:0:100::1 >/dev/null
	echo "via $1:"
	nsx gen ping -q -f -c "$N" 198.18.100.1 | sed -n '/transmitted/s/^/    IPv4: /p'
	nsx gen ping -q -f -c "$N" 2001:2:0:100::1 | sed -n '/transmitted/s/^/    IPv6: /p'
}
flood "$BLUE" 11
flood "$RED" 1
echo "TTL 1 through $RED (the VR's kernel answers):"
nsx gen ping -c 1 -t 1 -W 1 198.18.100.1 | sed -n 's/^/    /; /From/p' || true

say "counters"
for vr in "$RED" "$BLUE"; do run vrctl stats "$vr"; done
run vrctl stats --brief
for vr in "$RED" "$BLUE"; do echo "$vr's neighbours in the fast path (mirrored):"; vrctl neigh show "$vr" | sed 's/^/    /'; done

say "clean up"
kill "$FPID"; wait "$FPID" || true
run vrctl del-router "$RED"
run vrctl del-router "$BLUE"
run vrctl unload
left=$(ip netns list | grep -c -e "^$RED\b" -e "^$BLUE\b" || true)
echo "VR namespaces left: $left; pins left: $(ls "$PIN_DIR" 2>/dev/null | wc -l)"
echo "demo done in $((SECONDS - start)) s"
