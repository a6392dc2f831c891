// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Which network namespace is which: a namespace's identity is the inode
 * of its nsfs file (/proc/PID/ns/net, a /run/netns/NAME bind mount); all
 * of them live on the one nsfs, whose inode numbers are 32 bits.  Finding
 * the name an operator can use for an inode: a /run/netns name, another
 * nsfs bind mount, or a process in it, in that order.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "nl/netlink.h"

int netns_self_ino(uint32_t *ino)
{
	struct stat st;

	if (stat("/proc/self/ns/net", &st))
		return -errno;
	*ino = (uint32_t)st.st_ino;
	return 0;
}

static bool is_ns(const char *path, uint32_t ino)
{
	struct stat st;

	return !stat(path, &st) && (uint32_t)st.st_ino == ino;
}

/* A name under /run/netns (as `ip netns` made it). */
static bool find_named(uint32_t ino, char *what, size_t wl, char *path, size_t pl)
{
	struct dirent *d;
	bool found = false;
	DIR *dir = opendir(NETNS_RUN_DIR);

	while (dir && !found && (d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, pl, "%s/%s", NETNS_RUN_DIR, d->d_name);
		found = is_ns(path, ino);
		if (found)
			snprintf(what, wl, "'%s' (%s)", d->d_name, path);
	}
	if (dir)
		closedir(dir);
	return found;
}

/* Another nsfs bind mount (a container runtime's) in /proc/self/mountinfo. */
static bool find_mounted(uint32_t ino, char *what, size_t wl, char *path, size_t pl)
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
		found = is_ns(path, ino);
		if (found)
			snprintf(what, wl, "mounted at %s", path);
	}
	if (f)
		fclose(f);
	return found;
}

/* The lowest PID in it: PID 1's is the host's. */
static bool find_process(uint32_t ino, char *what, size_t wl, char *path, size_t pl)
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
		if (pid < best && is_ns(p, ino))
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

int netns_describe(uint32_t ino, char *what, size_t wl, char *path, size_t pl)
{
	if (find_named(ino, what, wl, path, pl) || find_mounted(ino, what, wl, path, pl) ||
	    find_process(ino, what, wl, path, pl))
		return 0;
	snprintf(what, wl, "net:[%u]", ino);
	path[0] = '\0';
	return -ENOENT;
}
