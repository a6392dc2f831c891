#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Runs every test case (tests/cases/*) and prints
# "N passed, N failed, N skipped".
# A case prints "ok - ..." / "not ok - ..." lines; "ok - ... # SKIP why"
# is a skip, not a pass.  A case that exits non-zero without printing a
# "not ok" line counts as one failure.
#
# Plans: every case declares how many checks it runs, in a line of its
# own file: "# plan: N" (exactly N) or "# plan: N+" (at least N, for a
# count that depends on the data).  A case without a plan, or one that
# printed fewer checks than planned (it stopped early, even with exit 0),
# or more than an exact plan, counts one failure more.
# Usage: tests/run.sh [PATTERN]   (only cases whose file name matches)
cd "$(dirname "$0")/.." || exit 1
[ "$(id -u)" = 0 ] || { echo "tests/run.sh: must run as root" >&2; exit 1; }
pass=0 fail=0 skip=0
for t in tests/cases/*; do
	[ -x "$t" ] || continue
	case "$(basename "$t")" in *"${1:-}"*) ;; *) continue ;; esac
	echo "# $t"
	out=$(mktemp)
	start=$SECONDS
	timeout 300 "$t" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	s=$(grep -c '^ok .*# SKIP' "$out")
	p=$(( $(grep -c '^ok ' "$out") - s )); f=$(grep -c '^not ok ' "$out")
	n=$((p + s + f))
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "not ok - $t exited with status $rc"; f=1
	fi
	plan=$(sed -n 's/^# plan: *\([0-9][0-9]*+\{0,1\}\) *$/\1/p' "$t" | head -1)
	if [ -z "$plan" ]; then
		echo "not ok - $t declares no plan ('# plan: N' or '# plan: N+')"; f=$((f + 1))
	elif [ "${plan%+}" != "$plan" ] && [ "$n" -lt "${plan%+}" ]; then
		echo "not ok - $t ran $n checks, planned at least ${plan%+}"; f=$((f + 1))
	elif [ "${plan%+}" = "$plan" ] && [ "$n" != "$plan" ]; then
		echo "not ok - $t ran $n checks, planned $plan"; f=$((f + 1))
	fi
	echo "# $t: $p passed, $f failed, $s skipped, $((SECONDS - start)) s"
	pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
	rm -f "$out"
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
