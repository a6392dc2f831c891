#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Runs every test case (tests/cases/*) and prints "N passed, N failed".
# A case prints "ok - ..." / "not ok - ..." lines; a case that exits
# non-zero without printing a "not ok" line counts as one failure.
# Usage: tests/run.sh [PATTERN]   (only cases whose file name matches)
cd "$(dirname "$0")/.." || exit 1
[ "$(id -u)" = 0 ] || { echo "tests/run.sh: must run as root" >&2; exit 1; }
pass=0 fail=0
for t in tests/cases/*; do
	[ -x "$t" ] || continue
	case "$(basename "$t")" in *"${1:-}"*) ;; *) continue ;; esac
	echo "# $t"
	out=$(mktemp)
	timeout 300 "$t" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	p=$(grep -c '^ok ' "$out"); f=$(grep -c '^not ok ' "$out")
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "not ok - $t exited with status $rc"; f=1
	fi
	pass=$((pass + p)); fail=$((fail + f))
	rm -f "$out"
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
