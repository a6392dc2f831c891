#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Unit tests of the loader's libraries: programs in .output/tests that need
# no namespace, no BPF and no root, each printing its own "ok - ..." /
# "not ok - ..." lines.
# plan: 50
. "$(dirname "$0")/../lib.sh"

for t in test_htab test_sched test_connguard; do
	if [ ! -x "$TESTBIN/$t" ]; then
		not_ok "$t: not built (make all)"
		continue
	fi
	"$TESTBIN/$t" || T_FAILED=1
done
exit $T_FAILED
