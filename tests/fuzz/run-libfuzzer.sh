#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# `make fuzz`: the coverage-guided libFuzzer target (fuzz_dataplane_lf) for
# FUZZ_SECONDS (default 600) inside the fuzz namespace (tests/fuzz/netns.sh).
# The corpus grows in .output/fuzz-corpus across runs (FUZZ_CORPUS to
# change), crashing inputs land in .output/fuzz-artifacts/; replay one with
#   tests/fuzz/run-libfuzzer.sh .output/fuzz-artifacts/crash-...
# Extra arguments go to libFuzzer.  Prints the data-plane coverage (pass
# reasons, REDIRECT per family, model sites) and fails if a run broke an
# invariant, the counters differ from the model, or a reason was not
# reached.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/fuzz/netns.sh"

LF="$TESTBIN/fuzz_dataplane_lf"
BIN="$TESTBIN/fuzz_dataplane"
SECS=${FUZZ_SECONDS:-600}
CORPUS=${FUZZ_CORPUS:-$TOP/.output/fuzz-corpus}
ART="$TOP/.output/fuzz-artifacts"
[ "$(id -u)" = 0 ] || { echo "$0: must run as root" >&2; exit 1; }
[ -x "$LF" ] && [ -x "$BIN" ] || { not_ok "$LF or $BIN not built (make fuzz)"; exit 1; }
mkdir -p "$CORPUS" "$ART"
if ! fz_netns_setup "$BIN" >"$T_TMP/out" 2>&1; then
	not_ok "setup: the fuzz namespace"
	sed 's/^/#   /' "$T_TMP/out"
	exit 1
fi

# Leaks: libbpf's and libelf's allocations live until exit by design.
lf() {
	nsx fz env FZ_LWT="$FZ_LWT" FZ_REPORT="$T_TMP/report" \
		ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 "$LF" "$@"
}
if [ -f "${1:-}" ]; then	# replay the given inputs
	lf "$@"
	exit
fi
lf -max_total_time="$SECS" -max_len=4096 -timeout=10 -print_final_stats=1 \
	-artifact_prefix="$ART/" "$@" "$CORPUS" 2>&1 | tee "$T_TMP/log" | grep -v '^#[0-9]'
rc=${PIPESTATUS[0]}
grep '^#[0-9].*\(DONE\|pulse\)' "$T_TMP/log" | tail -2
[ -s "$T_TMP/report" ] && sed -n '1,4p' "$T_TMP/report"
check_eq "libFuzzer exit status" 0 "$rc"
[ -s "$T_TMP/report" ] && grep -q '^failures 0$' "$T_TMP/report" &&
	grep -q '^counters ok$' "$T_TMP/report" && grep -q '^coverage complete$' "$T_TMP/report"
check_eq "libFuzzer run: no failure, counters equal the model, full reason coverage" 0 $?
t_end
