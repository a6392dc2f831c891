# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The rig of bench/sync_*.sh, sourced after tests/lib.sh: namespaces dut and
# s0 joined by two veth pairs, vrctl loaded on dut's in0 and out0, and VR $A
# (table $T) with addresses on out0.  The caller defines A, T, vrctl and die.
sync_rig() {
	for n in dut s0; do ns_add $n || die "namespace $n"; done
	veth_add dut in0 s0 x0 && veth_add dut out0 s0 s0 || die "veths"
	nsx s0 ethtool -K s0 gro on >/dev/null && nsx s0 ethtool -K x0 gro on >/dev/null
	vrctl load in0 out0 >/dev/null || die "vrctl load"
	vrctl add-router "$A" --mac 02:00:00:00:0a:01 --table $T >/dev/null || die "add-router"
	ip -n "$A" addr add 198.18.10.1/24 dev out0 && ip -n "$A" addr add 2001:2:0:10::1/64 dev out0 nodad ||
		die "addresses"
}
