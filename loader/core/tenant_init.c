// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The VR's init (tenant.h): pid 1 of the pid namespace every `vrctl
 * exec` of the VR runs in, so that the tenant's processes see each other
 * (pid files, kill, ps) whichever exec started them, and see nothing
 * else.  add-router starts it, del-router ends it with the rest of the
 * tenant's processes; it reaps the orphans (a daemon's parent ends) and
 * does nothing else.
 *
 * vrctl forks a helper that enters the VR's network namespace and makes
 * the pid namespace (a process cannot enter one it makes); its child,
 * pid 1 there, execs vrctl-init (loader/init/; next to vrctl, or in
 * ../lib/vrouter: a small program, since one runs per VR) still as root
 * on the host, so that
 * its memory is the host's and the tenant cannot trace it.  vrctl-init
 * joins the VR's user namespace (descriptor 3) as the tenant's root,
 * drops every capability and says so on descriptor 4.  The helper
 * bind-mounts the pid namespace at /run/vrctl/pidns/NAME.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/wait.h>

#include "core/tenant.h"
#include "lib/log.h"
#include "nl/netlink.h"

#define INIT_USERNS_FD	3	/* as loader/init/vrctl_init.c takes them */
#define INIT_READY_FD	4

static int pidns_path(const char *name, char *buf, size_t len)
{
	return ns_name_path(TENANT_PIDNS_DIR, name, buf, len);
}

int vr_tenant_become_root(int userfd)
{
	if (setns(userfd, CLONE_NEWUSER) < 0 || setgroups(0, NULL) < 0 ||
	    setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		return -errno;
	return 0;
}

/* vrctl-init into BUF: next to this vrctl (the build), else where `make
 * install` puts it, ../lib/vrouter from vrctl's directory.
 */
static int init_path(char *buf, size_t len)
{
	static const char *const where[] = { "/vrctl-init", "/../lib/vrouter/vrctl-init" };
	char self[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	size_t i;

	if (n <= 0)
		return -errno;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return -ENOENT;
	*slash = '\0';
	for (i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		if ((size_t)snprintf(buf, len, "%s%s", self, where[i]) >= len)
			return -ENAMETOOLONG;
		if (!faccessat(AT_FDCWD, buf, X_OK, AT_EACCESS))
			return 0;
	}
	return -ENOENT;
}

static void close_fds(const int *fd, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (fd[i] >= 0)
			close(fd[i]);
}

/* The helper: the pid namespace, bind-mounted at PATH, and its pid 1
 * exec'd as PROG (vrctl-init); that one's host pid on OUT (0: no mount).
 */
static void __attribute__((noreturn)) helper(const char *prog, const char *path, int netfd,
					     int userfd, int ready, int out)
{
	char *const argv[] = { "vrctl-init", NULL }, *const envp[] = { NULL };
	pid_t pid;
	int fd;

	if (setns(netfd, CLONE_NEWNET) < 0 || unshare(CLONE_NEWPID) < 0)
		_exit(1);
	pid = fork();
	if (pid < 0)
		_exit(1);
	/* The helper's own pid_for_children, now that it has its init:
	 * /proc/INIT/ns/pid would need rights to trace the init once it
	 * is the tenant's.
	 */
	if (pid) {
		if (mount("/proc/self/ns/pid_for_children", path, "none", MS_BIND, NULL))
			pid = 0;
		_exit(write(out, &pid, sizeof(pid)) == sizeof(pid) ? 0 : 1);
	}
	setsid();
	if (chdir("/") < 0)
		_exit(1);
	fd = open("/dev/null", O_RDWR);
	if (fd < 0 || dup2(fd, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
		_exit(1);
	/* Above 4 first, so that neither lands on the other's place; dup2()
	 * leaves the copies open across exec.
	 */
	userfd = fcntl(userfd, F_DUPFD, 10);
	ready = fcntl(ready, F_DUPFD, 10);
	if (userfd < 0 || ready < 0 || dup2(userfd, INIT_USERNS_FD) < 0 ||
	    dup2(ready, INIT_READY_FD) < 0)
		_exit(1);
	close_range(INIT_READY_FD + 1, ~0U, 0);
	execve(prog, argv, envp);
	_exit(1);
}

int vr_tenant_init_start(const char *name)
{
	int netfd = -1, userfd = -1, rp[2] = { -1, -1 }, pp[2] = { -1, -1 }, err = 0;
	char path[PATH_MAX], prog[PATH_MAX], ok = 0;
	pid_t helper_pid, pid = 0;

	err = init_path(prog, sizeof(prog));
	if (err)
		return err;
	err = pidns_path(name, path, sizeof(path));
	if (!err)
		err = vrctl_run_dir(TENANT_PIDNS_DIR);
	if (!err)
		err = ns_file_make(path);
	if (err)
		return err;
	netfd = netns_open(name);
	userfd = userns_open(name);
	if (netfd < 0 || userfd < 0 || pipe2(rp, O_CLOEXEC) < 0 || pipe2(pp, O_CLOEXEC) < 0) {
		err = netfd < 0 ? netfd : userfd < 0 ? userfd : -errno;
		goto out;
	}
	fflush(NULL);
	helper_pid = fork();
	if (helper_pid < 0) {
		err = -errno;
		goto out;
	}
	if (helper_pid == 0)
		helper(prog, path, netfd, userfd, rp[1], pp[1]);
	close(pp[1]);
	close(rp[1]);
	pp[1] = rp[1] = -1;
	if (read(pp[0], &pid, sizeof(pid)) != sizeof(pid))
		pid = 0;
	waitpid(helper_pid, NULL, 0);
	/* EOF instead of its byte: it ended before it was the tenant's. */
	if (!pid || read(rp[0], &ok, 1) != 1)
		err = -ECHILD;
out:
	if (err && pid > 0)
		kill(pid, SIGKILL);
	if (err)
		ns_file_remove(path);
	close_fds((int[]){ netfd, userfd, rp[0], rp[1], pp[0], pp[1] }, 6);
	return err;
}

int vr_tenant_init_open(const char *name)
{
	return ns_name_open(TENANT_PIDNS_DIR, name);
}

int vr_tenant_init_delete(const char *name)
{
	return ns_name_remove(TENANT_PIDNS_DIR, name);
}
