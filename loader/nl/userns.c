// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A VR's user namespace and the network namespace it owns (netlink.h).
 *
 * Only a process inside a user namespace can make a network namespace
 * owned by it, and vrctl must stay in the host's: a child process
 * unshares both at once (the user namespace first, so it owns the other)
 * and waits while vrctl, root on the host, writes its uid and gid maps
 * and bind-mounts both namespace files.  The maps are written by a
 * writer with CAP_SETUID/CAP_SETGID over the parent namespace, so
 * setgroups(2) stays allowed inside (a daemon dropping its privileges to
 * its own user calls it).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <linux/nsfs.h>

#include "nl/netlink.h"

/* Limits of the new user namespace, written from inside it: a tenant
 * makes no namespace of its own, so the VR's links stay where vrctl and
 * sync see them (a link moved into a namespace of the tenant's would be
 * out of the follower's sight).
 */
static const char *const userns_limits[] = {
	"/proc/sys/user/max_user_namespaces",
	"/proc/sys/user/max_net_namespaces",
};

int vrctl_run_dir(const char *dir)
{
	const char *dirs[] = { VRCTL_RUN_DIR, dir };
	struct stat st;
	size_t i;

	for (i = 0; i < 2; i++) {
		if (mkdir(dirs[i], 0700) < 0 && errno != EEXIST)
			return -errno;
		if (lstat(dirs[i], &st) < 0)
			return -errno;
		/* root's, or of the user running vrctl with root's capabilities */
		if (!S_ISDIR(st.st_mode) || (st.st_uid != 0 && st.st_uid != geteuid()) ||
		    (st.st_mode & 077))
			return -EPERM;
	}
	return 0;
}

static int userns_path(const char *name, char *buf, size_t len)
{
	return ns_name_path(USERNS_RUN_DIR, name, buf, len);
}

int userns_open(const char *name)
{
	return ns_name_open(USERNS_RUN_DIR, name);
}

int userns_stat(const char *name, ino_t *ino)
{
	dev_t dev;

	return ns_name_stat(USERNS_RUN_DIR, name, &dev, ino);
}

int userns_delete(const char *name)
{
	return ns_name_remove(USERNS_RUN_DIR, name);
}

int ns_owner_ino(int nsfd, ino_t *ino)
{
	struct stat st;
	int fd, err = 0;

	fd = ioctl(nsfd, NS_GET_USERNS);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		err = -errno;
	else
		*ino = st.st_ino;
	close(fd);
	return err;
}

/* The child: both namespaces, the limits, then its status (0 or errno)
 * on OUT; it stays until IN is closed (its /proc entries are bind-mounted
 * meanwhile).
 */
static void __attribute__((noreturn)) vrns_child(int in, int out)
{
	int err = 0, fd;
	char c;
	size_t i;

	if (unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0)
		err = errno;
	for (i = 0; !err && i < sizeof(userns_limits) / sizeof(userns_limits[0]); i++) {
		fd = open(userns_limits[i], O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, "0", 1) != 1)
			err = errno ? errno : EIO;
		if (fd >= 0)
			close(fd);
	}
	if (write(out, &err, sizeof(err)) != sizeof(err))
		_exit(1);
	while (read(in, &c, 1) < 0 && errno == EINTR)
		;
	_exit(0);
}

static int write_file(const char *path, const char *text)
{
	int fd, err = 0;
	ssize_t n;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	if (n < 0)
		err = -errno;
	else if ((size_t)n != strlen(text))
		err = -EIO;
	close(fd);
	return err;
}

/* The maps of PID's user namespace and both bind mounts. */
static int vrns_finish(pid_t pid, const char *netns, const char *userns,
		       uint32_t base, uint32_t count)
{
	char path[64], map[64];
	int err;

	snprintf(map, sizeof(map), "0 %u %u\n", base, count);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
	err = write_file(path, map);
	if (err)
		return err;
	snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
	err = write_file(path, map);
	if (err)
		return err;
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	if (mount(path, userns, "none", MS_BIND, NULL))
		return -errno;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	if (mount(path, netns, "none", MS_BIND, NULL))
		return -errno;
	return 0;
}

int vrns_create(const char *name, uint32_t base, uint32_t count)
{
	char netns[PATH_MAX], userns[PATH_MAX];
	int to_child[2], from_child[2], err, cerr = 0;
	pid_t pid;

	err = netns_path(name, netns, sizeof(netns));
	if (!err)
		err = userns_path(name, userns, sizeof(userns));
	if (!err)
		err = ns_run_dir_prepare(NETNS_RUN_DIR, 0755);
	if (!err)
		err = vrctl_run_dir(USERNS_RUN_DIR);
	if (!err)
		err = ns_run_dir_prepare(VRCTL_RUN_DIR, 0700);
	if (err)
		return err;
	err = ns_file_make(netns);
	if (err)
		return err;
	err = ns_file_make(userns);
	if (err) {
		unlink(netns);
		return err;
	}
	if (pipe2(to_child, O_CLOEXEC) < 0) {
		err = -errno;
		goto out_files;
	}
	if (pipe2(from_child, O_CLOEXEC) < 0) {
		err = -errno;
		goto out_pipe;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		err = -errno;
		goto out_pipes;
	}
	if (pid == 0) {
		close(to_child[1]);
		close(from_child[0]);
		vrns_child(to_child[0], from_child[1]);
	}
	close(from_child[1]);
	from_child[1] = -1;
	if (read(from_child[0], &cerr, sizeof(cerr)) != sizeof(cerr))
		err = -ECHILD;
	else if (cerr)
		err = -cerr;
	else
		err = vrns_finish(pid, netns, userns, base, count);
	close(to_child[1]);
	to_child[1] = -1;
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
out_pipes:
	close(from_child[0]);
	if (from_child[1] >= 0)
		close(from_child[1]);
out_pipe:
	close(to_child[0]);
	if (to_child[1] >= 0)
		close(to_child[1]);
out_files:
	if (err) {
		ns_file_remove(netns);
		ns_file_remove(userns);
	}
	return err;
}
