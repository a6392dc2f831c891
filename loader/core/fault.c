// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Fault injection for the tests: VRCTL_FAULT=STEP makes vrctl kill itself
 * with SIGKILL right after the step named STEP of add-router or
 * del-router (the vr_fault_point() calls in core/router.c), so that a test
 * can leave every possible half-done state behind and check that the next
 * command reports or repairs it.  Harmless: it only ever kills vrctl
 * itself (no cleanup runs, exactly as with kill -9 or a power cut; the
 * flock on the pin directory goes with the process).  Unset: nothing.
 * VRCTL_FAULT=list prints each step's name on stderr as it is reached.
 * VRCTL_FAULT=no-userns is no step: add-router then makes the VR as on a
 * kernel without user namespaces (as an older vrctl did), for the tests
 * of such VRs.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/state.h"

void vr_fault_point(const char *step)
{
	const char *want = getenv("VRCTL_FAULT");

	if (!want || !*want)
		return;
	if (!strcmp(want, "list")) {
		fprintf(stderr, "fault point: %s\n", step);
		return;
	}
	if (!strcmp(want, step)) {
		fflush(NULL);
		raise(SIGKILL);
	}
}

void vr_fault_step(const char *step, int n)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%s%d", step, n + 1);
	vr_fault_point(buf);
}

bool vr_fault_no_userns(void)
{
	const char *want = getenv("VRCTL_FAULT");

	return want && !strcmp(want, "no-userns");
}
