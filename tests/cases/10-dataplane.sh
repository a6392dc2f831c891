#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Data plane unit tests: BPF_PROG_RUN of the XDP program against real
# routing tables.  bpf_fib_lookup resolves routes in the netns of the
# ingress device, so this builds a namespace with real veth NICs, sysctls
# and routes in per-VR tables, and runs tests/test_dataplane.c inside it
# (nsenter --net: /sys/fs/bpf stays visible; nothing is pinned anyway).
#
#   ns "dp":   in0  ingress
#              in1  ingress with net.ipv4.conf.in1.forwarding=0
#              out0 out1  egress, loaded (in vr_tx_ports)
#              out2 egress NOT loaded
#              out3 egress loaded, VR 1 has no port on it
#              out4 egress loaded, MTU 1280 (out1: 4000)
#   ns "peer": the other end of every pair (p<name>), so carriers are up.
#
# Tables: 1001 VR 1, 1002 VR 2 (overlapping prefixes/next hops with VR 1),
# 1003 VR 3 (512 routes).  VR 4 uses table 1999, which does not exist.
# plan: 218
. "$(dirname "$0")/../lib.sh"

NICS="in0 in1 out0 out1 out2 out3 out4"
DP=$(ns dp)
fail_setup() { not_ok "setup: $*"; exit 1; }

ns_add dp && ns_add peer || fail_setup "namespaces"
for n in $NICS; do
	veth_add dp "$n" peer "p$n" || fail_setup "veth $n"
done
ip -n "$DP" link set out4 mtu 1280 || fail_setup "mtu"
# out1 takes frames longer than 1500 bytes (partial checksums past the
# longest segment the fast path sums).
ip -n "$DP" link set out1 mtu 4000 || fail_setup "mtu"

# Forwarding on everywhere, then off on in1 (setting "all" resets every
# device); ECMP hashes on L4 ports (policy 1), in this namespace only.
nsx dp sysctl -qw net.ipv4.conf.all.forwarding=1 net.ipv6.conf.all.forwarding=1 \
	net.ipv4.conf.in1.forwarding=0 \
	net.ipv4.fib_multipath_hash_policy=1 net.ipv6.fib_multipath_hash_policy=1 ||
	fail_setup "sysctl"

B="$T_TMP/routes"
{
	# VR 1, table 1001.  Connected subnets first: gateways are validated
	# against the same table.
	t="table 1001"
	echo "route add 198.18.1.0/24 dev out0 $t"
	echo "route add 198.18.2.0/24 dev out1 $t"
	echo "route add 198.18.3.0/24 dev out2 $t"
	echo "route add 198.18.4.0/24 dev out3 $t"
	echo "route add 198.18.5.0/24 dev out4 $t"
	echo "route add 198.18.10.0/24 via 198.18.1.2 dev out0 $t"
	echo "route add 198.18.65.0/24 dev in0 $t"
	echo "route add 198.18.11.0/24 via 198.18.1.3 dev out0 $t"
	echo "route add 198.18.12.0/24 tos 0x10 via 198.18.1.2 dev out0 $t"
	echo "route add blackhole 198.18.20.0/24 $t"
	echo "route add unreachable 198.18.21.0/24 $t"
	echo "route add prohibit 198.18.22.0/24 $t"
	echo "route add local 198.18.30.1 dev out0 $t"
	echo "route add broadcast 198.18.1.255 dev out0 $t"
	echo "route add 198.18.40.0/24 via 198.18.3.2 dev out2 $t"
	echo "route add 198.18.41.0/24 via 198.18.4.2 dev out3 $t"
	echo "route add 198.18.42.0/24 via 198.18.5.2 dev out4 $t"
	echo "route add 198.18.50.0/24 $t nexthop via 198.18.1.2 dev out0 nexthop via 198.18.2.2 dev out1"
	echo "route add 2001:2:0:1::/64 dev out0 $t"
	echo "route add 2001:2:0:2::/64 dev out1 $t"
	echo "route add 2001:2:0:3::/64 dev out2 $t"
	echo "route add 2001:2:0:4::/64 dev out3 $t"
	echo "route add 2001:2:0:5::/64 dev out4 $t"
	echo "route add 2001:2:0:10::/64 via 2001:2:0:1::2 dev out0 $t"
	echo "route add 2001:2:0:11::/64 via 2001:2:0:1::3 dev out0 $t"
	echo "route add blackhole 2001:2:0:20::/64 $t"
	echo "route add unreachable 2001:2:0:21::/64 $t"
	echo "route add prohibit 2001:2:0:22::/64 $t"
	echo "route add local 2001:2:0:30::1 dev out0 $t"
	echo "route add 2001:2:0:40::/64 via 2001:2:0:3::2 dev out2 $t"
	echo "route add 2001:2:0:41::/64 via 2001:2:0:4::2 dev out3 $t"
	echo "route add 2001:2:0:42::/64 via 2001:2:0:5::2 dev out4 $t"
	echo "route add 2001:2:0:50::/64 $t nexthop via 2001:2:0:1::2 dev out0 nexthop via 2001:2:0:2::2 dev out1"
	# RFC 5549: an IPv4 route with an IPv6 next hop.
	echo "route add 198.18.60.0/24 via inet6 2001:2:0:1::2 dev out0 $t"

	# VR 2, table 1002: the same prefixes and next-hop address as VR 1,
	# out of out1 instead of out0.
	t="table 1002"
	echo "route add 198.18.1.0/24 dev out1 $t"
	echo "route add 198.18.10.0/24 via 198.18.1.2 dev out1 $t"
	echo "route add 2001:2:0:1::/64 dev out1 $t"
	echo "route add 2001:2:0:10::/64 via 2001:2:0:1::2 dev out1 $t"

	# VR 3, table 1003: 512 /26 routes, 198.18.128.0 .. 198.18.255.192,
	# next hop i % 4 of four.
	t="table 1003"
	echo "route add 198.18.1.0/24 dev out0 $t"
	echo "route add 198.18.2.0/24 dev out1 $t"
	for i in $(seq 0 511); do
		case $((i % 4)) in
		0) gw="198.18.1.10 dev out0" ;; 1) gw="198.18.1.11 dev out0" ;;
		2) gw="198.18.2.10 dev out1" ;; 3) gw="198.18.2.11 dev out1" ;;
		esac
		echo "route add 198.18.$((128 + i / 4)).$((i % 4 * 64))/26 via $gw $t"
	done
} >"$B"
ip -n "$DP" -batch "$B" || fail_setup "routes"
n=$(ip -n "$DP" route show table 1003 | wc -l)
check_eq "setup: table 1003 holds 512 routes + 2 connected" 514 "$n"

# A lightweight-tunnel route (BPF_FIB_LKUP_RET_UNSUPP_LWT), if this
# kernel has an encap type that iproute2 can set up without a program.
LWT=0
ip -n "$DP" route add 198.18.70.0/24 encap ip id 1 dst 198.18.1.9 dev out0 table 1001 \
	2>/dev/null && LWT=1

args=(lwt=$LWT)
for n in $NICS; do
	args+=("$n=$(ifindex_of dp "$n")")
	args+=("mac_$n=$(mac_of dp "$n")")
done
nsx dp "$TESTBIN/test_dataplane" "${args[@]}"
