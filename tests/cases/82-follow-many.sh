#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The follower with every VR there can be (1023) under the soft limit of
# open files a service usually gets (1024): it needs three descriptors per
# VR, raises its soft limit to the hard one, and follows them all.
#
#   dut:e0 == peer:p0
# plan: 11
. "$(dirname "$0")/../lib.sh"

vrctl() { nsx dut "$VRCTL" --pin-dir "$PIN_DIR" "$@"; }
N=$((1024 - 1))		# VR ids 1..1023

ensure_bpffs
setup "namespace dut" ns_add dut
setup "namespace peer" ns_add peer
setup "veth dut:e0 <-> peer:p0" veth_add dut e0 peer p0
setup "vrctl load e0" vrctl load e0
t0=$SECONDS
for i in $(seq $N); do
	vrctl add-router "$P-f$i" --mac "$(printf '02:00:00:02:%02x:%02x' $((i / 256)) $((i % 256)))" \
		>"$T_TMP/out" 2>&1 || fatal "add-router $P-f$i"
done
ok "$N VRs made ($((SECONDS - t0)) s)"

HARD=$(ulimit -Hn)
[ "$HARD" = unlimited ] && HARD=1048576
check "the hard limit of open files here ($HARD) is enough for $N VRs" test "$HARD" -ge $((3 * N + 64))
nsenter --net="/run/netns/$P-dut" prlimit --nofile=1024:"$HARD" \
	"$VRCTL" --pin-dir "$PIN_DIR" -v sync --follow >"$T_TMP/follow.log" 2>&1 &
FPID=$!
for i in $(seq 100); do grep -q "following the VRs" "$T_TMP/follow.log" && break; sleep 0.1; done
check "the follower started" grep -q "following the VRs" "$T_TMP/follow.log"
check_eq "its soft limit of open files was raised from 1024 to the hard limit" "$HARD" \
	"$(awk '/Max open files/ {print $4}' "/proc/$FPID/limits")"

# An address in the first, a middle and the last VR, made after the
# follower started: each VR's events are followed, so each appears as a
# local route in that VR's host table.
for i in 1 512 $N; do
	setup "address in $P-f$i" ip -n "$P-f$i" addr add "198.18.$((i / 256)).$((i % 256))/32" dev e0
done
for i in 1 512 $N; do
	t=$(table_of "$P-f$i") a="198.18.$((i / 256)).$((i % 256))"
	for j in $(seq 100); do
		ip -n "$(ns dut)" route show table "$t" type local 2>/dev/null | grep -q "^local $a " && break
		sleep 0.1
	done
	check "VR $i of $N: its new address is mirrored into its host table $t" \
		sh -c "ip -n $(ns dut) route show table $t type local 2>&1 | grep -q '^local $a '"
done
check_eq "no 'Too many open files' and no error from the follower" "0 0" \
	"$(grep -c 'Too many open files' "$T_TMP/follow.log") $(grep -c '^Error' "$T_TMP/follow.log")"
check "the follower is still running" kill -0 "$FPID"
[ $T_FAILED = 0 ] || sed 's/^/#   log: /' "$T_TMP/follow.log" | grep -v ': route\|: neigh' | head -20
stop_follower "$FPID"
t0=$SECONDS
check "unload --all ($N VRs)" vrctl unload --all
echo "# unload --all: $((SECONDS - t0)) s"
t_end
