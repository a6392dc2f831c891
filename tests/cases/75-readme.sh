#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The README's first example, run as written (issue 24): the code block
# README.md marks for this test is extracted and run in a namespace whose
# NICs are named as the README's (eth0, eth1), with only the VR's name
# made unique and vrctl pointed at this test's pin directory, while a host
# on eth0's side pings 198.18.100.1 behind the next hop on eth1's side.
# The example must reach the fast path: its `vrctl stats` shows frames
# forwarded in XDP, its `vrctl show` the neighbours mirrored, and it
# leaves nothing behind.
#
#   a:p0 == dut:eth0 [README: vrctl load eth0 eth1] dut:eth1 == b:p1
#   a 198.18.1.2 -> vr1 198.18.1.1 | 198.18.10.1 -> b 198.18.10.2, 198.18.100.1
# plan: 6
. "$(dirname "$0")/../lib.sh"

VR=$P-vr1
[ -x "$VRCTL" ] || fatal "$VRCTL not built (make)"
ensure_bpffs

# the block after the marker line, fences excluded
awk '/<!-- tests\/cases\/75-readme.sh runs this block/ { m = 1; next }
     m == 1 && /^```/ { m = 2; next } m == 2 && /^```/ { exit } m == 2' "$TOP/README.md" >"$T_TMP/block"
check "README.md: the marked block, with load, add-router and a vrctl sync" \
	sh -c "grep -q '^vrctl load eth0 eth1' '$T_TMP/block' && grep -q '^vrctl add-router vr1' '$T_TMP/block' &&
	       grep -q '^vrctl sync' '$T_TMP/block'"
sed -i "s/\bvr1\b/$VR/g" "$T_TMP/block"

for n in dut a b; do setup "namespace $n" ns_add $n; done
setup "veth a:p0 <-> dut:eth0" veth_add a p0 dut eth0
setup "veth dut:eth1 <-> b:p1" veth_add dut eth1 b p1
setup "GRO on p0, p1 (NAPI for redirects into them)" sh -c \
	"nsenter --net=/run/netns/$(ns a) ethtool -K p0 gro on && nsenter --net=/run/netns/$(ns b) ethtool -K p1 gro on"
setup "the hosts around the VR" eval "ip -n $(ns a) addr add 198.18.1.2/24 dev p0 &&
	ip -n $(ns a) route add 198.18.100.0/24 via 198.18.1.1 &&
	ip -n $(ns b) addr add 198.18.10.2/24 dev p1 && ip -n $(ns b) addr add 198.18.100.1/24 dev p1 &&
	ip -n $(ns b) route add 198.18.1.0/24 via 198.18.10.1"
# "hosts on eth0's side send to 198.18.100.0/24": all along
nsx a ping -q -i 0.1 -W 1 198.18.100.1 >/dev/null 2>&1 &
PING=$!
trap 'kill $PING 2>/dev/null; cleanup' EXIT

# vrctl as installed, but with this test's pin directory
mkdir -p "$T_TMP/bin"
printf '#!/bin/sh\nexec %s --pin-dir %s "$@"\n' "$VRCTL" "$PIN_DIR" >"$T_TMP/bin/vrctl"
chmod 755 "$T_TMP/bin/vrctl"
nsx dut env PATH="$T_TMP/bin:$PATH" bash -e "$T_TMP/block" >"$T_TMP/readme.out" 2>"$T_TMP/readme.err"; rc=$?
sed 's/^/#   /' "$T_TMP/readme.out" "$T_TMP/readme.err"
check_eq "the block ran without an error" 0 "$rc"
# stats --interval: a block per second, its fwd line a rate
fwd=$(awk '/^    fwd / {print $2}' "$T_TMP/readme.out" | tail -1)
check "vrctl stats: forwarded in the fast path (fwd ${fwd:-none} in the last second)" \
	sh -c "[ -n '$fwd' ] && [ '$fwd' != 0pps ]"
n=$(sed -n 's/^    quota neigh \([0-9]*\)\/.*/\1/p' "$T_TMP/readme.out")
check "vrctl show: the neighbours the follower mirrored (quota neigh ${n:-?}/..., at least a and b)" \
	test "${n:-0}" -ge 2
check "the follower ended with kill %1, silently" test ! -s "$T_TMP/readme.err"
check "nothing left: no pin directory, no VR namespace" sh -c "! test -e '$PIN_DIR' && ! test -e /run/netns/$VR"
kill $PING
exit $T_FAILED
