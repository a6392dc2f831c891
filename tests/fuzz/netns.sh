# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The namespace of tests/fuzz/fuzz_net.h, for tests/cases/15-fuzz.sh and
# `make fuzz`.  Source after tests/lib.sh (its prefix, its cleanup trap).
#
#   ns "fz":     lo, in0, in1 (net.ipv4.conf.in1.forwarding=0), out0..out4
#                (out4 MTU 1280), multipath hashed on L4 ports (policy 1), routes in tables 2001, 2002, 2003, 2005
#                as printed by `fuzz_dataplane --print-routes`
#   ns "fzpeer": the other end of every veth (p<name>), so carriers are up
#
# fz_netns_setup BIN: builds both; sets FZ_LWT=1 if this kernel took the
# optional lwt encap route (--print-lwt), else 0.  Returns non-zero on a
# failed step.
fz_netns_setup() {
	local bin=$1 n
	FZ_LWT=0
	ns_add fz && ns_add fzpeer || return 1
	for n in in0 in1 out0 out1 out2 out3 out4; do
		veth_add fz "$n" fzpeer "p$n" || return 1
	done
	ip -n "$(ns fz)" link set out4 mtu 1280 || return 1
	# "all" sets every device; then in1 alone goes back to 0.
	nsx fz sysctl -qw net.ipv4.conf.all.forwarding=1 \
		net.ipv6.conf.all.forwarding=1 net.ipv4.conf.in1.forwarding=0 \
		net.ipv4.fib_multipath_hash_policy=1 net.ipv6.fib_multipath_hash_policy=1 || return 1
	"$bin" --print-routes >"$T_TMP/fz-routes" || return 1
	ip -n "$(ns fz)" -batch "$T_TMP/fz-routes" || return 1
	"$bin" --print-lwt >"$T_TMP/fz-lwt" || return 1
	ip -n "$(ns fz)" -batch "$T_TMP/fz-lwt" 2>/dev/null && FZ_LWT=1
	return 0
}
