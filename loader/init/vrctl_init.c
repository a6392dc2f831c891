// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * vrctl-init: a VR's init, pid 1 of the pid namespace the VR's tenant
 * processes run in (loader/core/tenant_init.c starts it; installed in
 * PREFIX/lib/vrouter).  It joins the VR's user namespace (descriptor 3) as the
 * tenant's root, drops every capability, says so with a byte on
 * descriptor 4, and reaps orphans until it is killed (del-router).  A
 * program of its own, on libc alone: one runs per VR, for the VR's life.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>

#define USERNS_FD	3
#define READY_FD	4

static int drop_caps(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	return (int)syscall(SYS_capset, &h, d);
}

int main(void)
{
	sigset_t chld;
	char ok = 1;

	if (setns(USERNS_FD, CLONE_NEWUSER) < 0 || setgroups(0, NULL) < 0 ||
	    setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0 || drop_caps() < 0) {
		perror("vrctl-init (started by vrctl add-router only)");
		return 1;
	}
	close(USERNS_FD);
	/* Not dumpable: the tenant cannot trace it (its memory is the host's). */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	if (write(READY_FD, &ok, 1) != 1)
		return 1;
	close(READY_FD);
	for (;;) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		sigwaitinfo(&chld, NULL);
	}
}
