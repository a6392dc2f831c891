// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Which network namespace is which.  Its identity is its cookie
 * (SO_NETNS_COOKIE, Linux 5.14): a counter the kernel never hands out
 * twice, where the inode of its nsfs file is reused as soon as the
 * namespace is gone (vrctl keeps the low 32 bits: 4 billion namespaces
 * made before one comes back).  A kernel without cookies: the inode.
 * Naming one for an operator: a /run/netns name, another nsfs bind mount,
 * or a process in it, in that order; each candidate namespace (once per
 * inode) entered for its cookie, which needs CAP_SYS_ADMIN.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "nl/netlink.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE	71
#endif

int netns_self_id(uint32_t *id)
{
	uint64_t cookie = 0;
	socklen_t len = sizeof(cookie);
	struct stat st;
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd >= 0 && !getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len)) {
		close(fd);
		*id = (uint32_t)cookie;
		return 0;
	}
	if (fd >= 0)
		close(fd);
	if (stat("/proc/self/ns/net", &st))	/* no cookies here: the inode */
		return -errno;
	*id = (uint32_t)st.st_ino;
	return 0;
}

/* Inodes of the namespaces looked at already (each is entered once). */
struct seen {
	ino_t ino[4096];
	int n;
	bool denied;		/* one could not be entered (no CAP_SYS_ADMIN) */
};

/* Is the namespace at PATH the one of ID?  Entered and left again. */
static bool is_ns(const char *path, uint32_t id, struct seen *seen)
{
	struct stat st;
	uint32_t other;
	int i, fd, self, ok = false;

	if (stat(path, &st))
		return false;
	for (i = 0; i < seen->n; i++)
		if (seen->ino[i] == st.st_ino)
			return false;
	if (seen->n < (int)(sizeof(seen->ino) / sizeof(seen->ino[0])))
		seen->ino[seen->n++] = st.st_ino;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && self >= 0 && !setns(fd, CLONE_NEWNET)) {
		ok = !netns_self_id(&other) && other == id;
		if (setns(self, CLONE_NEWNET))
			abort();	/* cannot go back: nothing after this would be right */
	} else if (fd >= 0 && self >= 0 && errno == EPERM) {
		seen->denied = true;	/* (a process that just ended: not a refusal) */
	}
	if (fd >= 0)
		close(fd);
	if (self >= 0)
		close(self);
	return ok;
}

/* A name under /run/netns (as `ip netns` made it). */
static bool find_named(uint32_t id, struct seen *seen, char *what, size_t wl, char *path,
		       size_t pl)
{
	struct dirent *d;
	bool found = false;
	DIR *dir = opendir(NETNS_RUN_DIR);

	while (dir && !found && (d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, pl, "%s/%s", NETNS_RUN_DIR, d->d_name);
		found = is_ns(path, id, seen);
		if (found)
			snprintf(what, wl, "'%s' (%s)", d->d_name, path);
	}
	if (dir)
		closedir(dir);
	return found;
}

/* Another nsfs bind mount (a container runtime's) in /proc/self/mountinfo. */
static bool find_mounted(uint32_t id, struct seen *seen, char *what, size_t wl, char *path,
			 size_t pl)
{
	char line[4096], mnt[PATH_MAX], *sep;
	bool found = false;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	/* "ID PARENT M:N ROOT MOUNTPOINT OPTS... - FSTYPE SOURCE SUPER" */
	while (f && !found && fgets(line, sizeof(line), f)) {
		sep = strstr(line, " - nsfs ");
		if (!sep || sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1)
			continue;
		snprintf(path, pl, "%s", mnt);
		found = is_ns(path, id, seen);
		if (found)
			snprintf(what, wl, "mounted at %s", path);
	}
	if (f)
		fclose(f);
	return found;
}

/* A process in it, the lowest PID of the first process seen there (the
 * namespaces are looked at in PID order): PID 1's is the host's.
 */
static bool find_process(uint32_t id, struct seen *seen, char *what, size_t wl, char *path,
			 size_t pl)
{
	char comm[64] = "", p[64];
	struct dirent *d;
	long pid, best = LONG_MAX;
	DIR *dir = opendir("/proc");
	FILE *f;

	while (dir && (d = readdir(dir))) {
		if (!isdigit((unsigned char)d->d_name[0]))
			continue;
		pid = strtol(d->d_name, NULL, 10);
		snprintf(p, sizeof(p), "/proc/%ld/ns/net", pid);
		if (pid < best && is_ns(p, id, seen))
			best = pid;
	}
	if (dir)
		closedir(dir);
	if (best == LONG_MAX)
		return false;
	snprintf(path, pl, "/proc/%ld/ns/net", best);
	snprintf(p, sizeof(p), "/proc/%ld/comm", best);
	f = fopen(p, "re");
	if (f) {
		if (fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
	}
	if (best == 1)
		snprintf(what, wl, "the host's (that of PID 1, %s)", comm);
	else
		snprintf(what, wl, "that of PID %ld (%s)", best, comm);
	return true;
}

int netns_describe(uint32_t id, char *what, size_t wl, char *path, size_t pl)
{
	static struct seen seen;
	struct stat st;

	seen.n = 0;
	seen.denied = false;
	/* this one is not it (the caller compared) */
	if (!stat("/proc/self/ns/net", &st))
		seen.ino[seen.n++] = st.st_ino;
	if (find_named(id, &seen, what, wl, path, pl) ||
	    find_mounted(id, &seen, what, wl, path, pl) ||
	    find_process(id, &seen, what, wl, path, pl))
		return 0;
	snprintf(what, wl, "the one of id %u", id);
	path[0] = '\0';
	return seen.denied ? -EPERM : -ENOENT;
}
