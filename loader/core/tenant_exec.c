// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * vrctl exec (tenant.h): a tenant's process, started by root on the host.
 *
 * vrctl (P) enters the VR's network namespace, makes new mount, UTS and
 * IPC namespaces, and sets the VR's pid namespace (its init's,
 * tenant_init.c) for its child.  Still as root on the host, so that all
 * of it belongs to the host's user namespace and the tenant can change
 * none of it, it mounts there: sysfs of the VR's network namespace on
 * /sys (read only), the tenant's directories (tenant.c), and sets the
 * hostname to the VR's name.  Its child (C), in the VR's pid namespace,
 * mounts /proc for it, joins the VR's user namespace as its root (uid and
 * gid 0 there, no supplementary group), takes tenant_caps_dropped[] out
 * of its bounding set, closes every descriptor above 2, puts signals at
 * their defaults, goes to / and execs the command.  A daemon it starts
 * is the VR init's child once C ends, and keeps running.
 *
 * P waits for C and exits with its status; it forwards SIGTERM and
 * SIGHUP, while SIGINT and SIGQUIT from a terminal reach C directly (one
 * process group) and P ignores them meanwhile.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "core/tenant.h"
#include "lib/log.h"
#include "nl/netlink.h"

/*
 * Out of the tenant's bounding set.  As root of its user namespace the
 * tenant has every capability there, over the namespaces that user
 * namespace owns (its VR's network namespace) and the files of its own
 * uids.  CAP_SYS_RESOURCE would let it raise its user namespace's limits
 * (user.max_net_namespaces and max_user_namespaces, 0 there: userns.c)
 * and so make namespaces of its own; the others act only in the host's
 * user namespace, where the tenant has none, and go so that its
 * capability sets say what it has.  CAP_SYS_ADMIN stays: zebra asks for
 * it, and it covers only the VR's own namespaces.
 */
static const int tenant_caps_dropped[] = {
	CAP_SYS_RESOURCE,
	CAP_SYS_MODULE, CAP_SYS_RAWIO, CAP_SYS_TIME, CAP_SYS_BOOT, CAP_SYS_PACCT,
	CAP_MKNOD, CAP_LINUX_IMMUTABLE, CAP_MAC_ADMIN, CAP_MAC_OVERRIDE, CAP_SYSLOG,
	CAP_WAKE_ALARM, CAP_BLOCK_SUSPEND, CAP_AUDIT_CONTROL, CAP_AUDIT_READ,
	CAP_BPF, CAP_PERFMON,
};

#define N_OF(a)		(sizeof(a) / sizeof((a)[0]))

static volatile sig_atomic_t child_pid;

static void forward(int sig)
{
	if (child_pid > 0)
		kill(child_pid, sig);
}

/* The VR's namespaces, by the identities its record holds. */
static int open_vr_ns(const struct vr_router *rec, int fd[3])
{
	struct stat st;
	ino_t owner;

	fd[0] = netns_open(rec->name);
	if (fd[0] < 0 || fstat(fd[0], &st) < 0 || st.st_ino != rec->netns_ino ||
	    st.st_dev != rec->netns_dev) {
		pr_err("VR %s: /run/netns/%s is not the namespace add-router made", rec->name,
		       rec->name);
		return -ENOENT;
	}
	fd[1] = userns_open(rec->name);
	if (fd[1] < 0 || fstat(fd[1], &st) < 0 || st.st_ino != rec->userns_ino ||
	    ns_owner_ino(fd[0], &owner) || owner != rec->userns_ino) {
		pr_err("VR %s: %s/%s is not the user namespace that owns its network "
		       "namespace", rec->name, USERNS_RUN_DIR, rec->name);
		return -ENOENT;
	}
	fd[2] = vr_tenant_init_open(rec->name);
	if (fd[2] < 0) {
		pr_err("VR %s has no init (%s/%s: %s): del-router and add-router make one",
		       rec->name, TENANT_PIDNS_DIR, rec->name, strerror(-fd[2]));
		return fd[2];
	}
	return 0;
}

/* P: the namespaces and mounts the tenant's process lives in. */
static int enter_vr(const struct vr_router *rec, const int fd[3])
{
	const char *step;

	step = "enter its network namespace";
	if (setns(fd[0], CLONE_NEWNET) < 0)
		goto fail;
	step = "make its mount, UTS and IPC namespaces";
	if (unshare(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC) < 0)
		goto fail;
	step = "enter its pid namespace";
	if (setns(fd[2], CLONE_NEWPID) < 0)
		goto fail;
	step = "make its mounts private";
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL))
		goto fail;
	step = "mount sysfs on /sys";
	vr_mount_detach("/sys");
	if (mount("sysfs", "/sys", "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
		goto fail;
	step = "set its hostname";
	if (sethostname(rec->name, strlen(rec->name)) < 0)
		goto fail;
	return vr_tenant_dir_mount(rec->name);
fail:
	pr_err("VR %s: cannot %s: %s", rec->name, step, strerror(errno));
	return -errno;
}

/* C: /proc, the tenant's root, its bounding set, the command. */
static void __attribute__((noreturn)) run_command(int userfd, char *const argv[])
{
	sigset_t none;
	size_t i;
	int sig;

	vr_mount_detach("/proc");
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL)) {
		pr_err("cannot mount /proc for the tenant: %s", strerror(errno));
		_exit(126);
	}
	if (vr_tenant_become_root(userfd)) {
		pr_err("cannot become the tenant's root: %s", strerror(errno));
		_exit(126);
	}
	for (sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (i = 0; i < N_OF(tenant_caps_dropped); i++) {
		if (prctl(PR_CAPBSET_DROP, tenant_caps_dropped[i], 0, 0, 0) < 0 &&
		    errno != EINVAL) {
			pr_err("cannot drop capability %d from the bounding set: %s",
			       tenant_caps_dropped[i], strerror(errno));
			_exit(126);
		}
	}
	close_range(3, ~0U, 0);
	if (chdir("/") < 0)
		_exit(126);
	execvp(argv[0], argv);
	pr_err("cannot run %s: %s", argv[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

int vr_tenant_exec(const struct vr_router *rec, char *const argv[])
{
	static const int fwd[] = { SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = forward };
	int fd[3] = { -1, -1, -1 }, err, status;
	size_t i;
	pid_t pid;

	if (!rec->uid_count) {
		pr_err("VR %s has no user namespace (an older vrctl's VR): a process there "
		       "would be root on the host; del-router and add-router move it into one",
		       rec->name);
		return -EPERM;
	}
	err = open_vr_ns(rec, fd);
	if (!err)
		err = enter_vr(rec, fd);
	if (err)
		goto out;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		err = -errno;
		/* ENOMEM: the pid namespace has no init any more */
		pr_err("VR %s: cannot start a process in its pid namespace: %s%s", rec->name,
		       strerror(-err), err == -ENOMEM ? " (its init is gone: del-router and "
		       "add-router make one)" : "");
		goto out;
	}
	if (pid == 0)
		run_command(fd[1], argv);
	child_pid = pid;
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < N_OF(fwd); i++)
		sigaction(fwd[i], &sa, NULL);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			err = -errno;
			goto out;
		}
	}
	err = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
out:
	for (i = 0; i < 3; i++)
		if (fd[i] >= 0)
			close(fd[i]);
	return err;
}
