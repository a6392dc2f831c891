// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Named network namespaces the way iproute2 makes them (bind mounts of
 * /proc/.../ns/net under /run/netns), and running a step inside one:
 * setns() there, do it, setns() back.  vrctl is single-threaded, which is
 * what setns(CLONE_NEWNET) on the process needs.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <sys/types.h>

#include "nl/netlink.h"

int ns_name_path(const char *dir, const char *name, char *buf, size_t len)
{
	if (!name || !*name || strchr(name, '/') || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return -EINVAL;
	if ((size_t)snprintf(buf, len, "%s/%s", dir, name) >= len)
		return -ENAMETOOLONG;
	return 0;
}

int netns_path(const char *name, char *buf, size_t len)
{
	return ns_name_path(NETNS_RUN_DIR, name, buf, len);
}

int netns_exists(const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	if (netns_path(name, path, sizeof(path)))
		return 0;
	return stat(path, &st) == 0;
}

int ns_name_open(const char *dir, const char *name)
{
	char path[PATH_MAX];
	int err, fd;

	err = ns_name_path(dir, name, path, sizeof(path));
	if (err)
		return err;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int netns_open(const char *name)
{
	return ns_name_open(NETNS_RUN_DIR, name);
}

int netns_enter_fd(int nsfd, int *saved)
{
	int err;

	*saved = -1;
	if (nsfd < 0)
		return 0;
	*saved = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (*saved < 0)
		return -errno;
	if (setns(nsfd, CLONE_NEWNET) < 0) {
		err = -errno;
		close(*saved);
		*saved = -1;
		return err;
	}
	return 0;
}

int netns_enter(const char *name, int *saved)
{
	int fd, err;

	*saved = -1;
	if (!name)
		return 0;
	fd = netns_open(name);
	if (fd < 0)
		return fd;
	err = netns_enter_fd(fd, saved);
	close(fd);
	return err;
}

void netns_leave(int saved)
{
	if (saved < 0)
		return;
	/* Cannot fail for a namespace we were in a moment ago. */
	if (setns(saved, CLONE_NEWNET) < 0)
		abort();
	close(saved);
}

int netns_is_ns(const char *name)
{
	char path[PATH_MAX];
	struct statfs sf;

	return !netns_path(name, path, sizeof(path)) && !statfs(path, &sf) &&
	       sf.f_type == NSFS_MAGIC;
}

int ns_name_stat(const char *dir, const char *name, dev_t *dev, ino_t *ino)
{
	char path[PATH_MAX];
	struct stat st;
	int err;

	err = ns_name_path(dir, name, path, sizeof(path));
	if (err)
		return err;
	if (stat(path, &st) < 0)
		return -errno;
	*dev = st.st_dev;
	*ino = st.st_ino;
	return 0;
}

int netns_stat(const char *name, dev_t *dev, ino_t *ino)
{
	return ns_name_stat(NETNS_RUN_DIR, name, dev, ino);
}

/* Make DIR (made with MODE if absent) a shared mount point, as `ip netns
 * add` does for /run/netns, so that unmounting a namespace file in one
 * mount namespace unmounts it in all of them and the namespace can be
 * freed.
 */
int ns_run_dir_prepare(const char *dir, mode_t mode)
{
	bool made_mount = false;

	if (mkdir(dir, mode) < 0 && errno != EEXIST)
		return -errno;
	while (mount("", dir, "none", MS_SHARED | MS_REC, NULL)) {
		if (errno != EINVAL || made_mount)
			return -errno;
		if (mount(dir, dir, "none", MS_BIND | MS_REC, NULL))
			return -errno;
		made_mount = true;
	}
	return 0;
}

/* A namespace file PATH: an empty file made for the bind mount, or
 * -EEXIST.
 */
int ns_file_make(const char *path)
{
	int fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* Unmount and remove namespace file PATH; -ENOENT if absent. */
int ns_file_remove(const char *path)
{
	struct stat st;

	/* lstat(), not access(): the effective ids and capabilities count */
	if (lstat(path, &st) < 0)
		return -errno;
	/* EINVAL: not a mount point (a file left by a crash): still remove it. */
	if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL)
		return -errno;
	if (unlink(path) < 0)
		return -errno;
	return 0;
}

int netns_create(const char *name)
{
	char path[PATH_MAX];
	int err, saved;

	err = netns_path(name, path, sizeof(path));
	if (err)
		return err;
	err = ns_run_dir_prepare(NETNS_RUN_DIR, 0755);
	if (!err)
		err = ns_file_make(path);
	if (err)
		return err;

	saved = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (saved < 0) {
		err = -errno;
		goto err_unlink;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		err = -errno;
		close(saved);
		goto err_unlink;
	}
	/* The bind mount keeps the new namespace alive after we leave it. */
	err = mount("/proc/thread-self/ns/net", path, "none", MS_BIND, NULL) ?
		-errno : 0;
	netns_leave(saved);
	if (err)
		goto err_unlink;
	return 0;

err_unlink:
	unlink(path);
	return err;
}

int ns_name_remove(const char *dir, const char *name)
{
	char path[PATH_MAX];
	int err;

	err = ns_name_path(dir, name, path, sizeof(path));
	return err ? err : ns_file_remove(path);
}

int netns_delete(const char *name)
{
	return ns_name_remove(NETNS_RUN_DIR, name);
}
