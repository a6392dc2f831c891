#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Data-plane fuzzer, fixed seed: FUZZ_FRAMES (default 1,000,000) generated
# and mutated frames through the real XDP program with BPF_PROG_RUN, every
# run held to the invariants and the model of tests/fuzz/ (see
# tests/fuzz/fuzz_dataplane.c), the counters checked against the model,
# and every pass reason and REDIRECT for IPv4 and IPv6 required to be
# reached.  FUZZ_SEED picks another fixed run.  The namespace is
# tests/fuzz/netns.sh's.
# plan: 8
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/fuzz/netns.sh"

BIN="$TESTBIN/fuzz_dataplane"
[ -x "$BIN" ] || { not_ok "$BIN not built (make all)"; exit 1; }
if ! fz_netns_setup "$BIN" >"$T_TMP/out" 2>&1; then
	not_ok "setup: the fuzz namespace"
	sed 's/^/#   /' "$T_TMP/out"
	exit 1
fi
ok "setup: the fuzz namespace (lwt encap route: $([ "$FZ_LWT" = 1 ] && echo yes || echo no))"

start=$(date +%s%N)
nsx fz "$BIN" -n "${FUZZ_FRAMES:-1000000}" -s "${FUZZ_SEED:-0x5eed}" lwt="$FZ_LWT"
rc=$?
echo "# 15-fuzz: $(( ($(date +%s%N) - start) / 1000000 )) ms"
exit $rc
