// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The relay's NAPI in a kernel thread of its own (threaded NAPI), run
 * like the sender: on the sender's CPU, with its scheduling policy and
 * priority.  The sender pushes a batch and yields; the thread then polls
 * the whole batch (64 frames a poll) and its redirects reach gN in bulk,
 * one wake-up of the DUT per poll, as with live frames' batches.  In
 * softirq mode the poll would run right after each frame's transmit and
 * wake the DUT for every frame (measured: a third of the rate, and the
 * DUT's cost per frame up).
 *
 * The switch is the device's sysfs file `threaded`: it must be the
 * sysfs of the device's namespace, so a child mounts one in a mount
 * namespace of its own and writes it.  The thread is "napi/NAME-ID".
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/wait.h>

#include "tg.h"

/* In a child: /sys of this namespace, then "1" into NAME's `threaded`. */
static int write_threaded(const char *name)
{
	char path[64];
	pid_t pid;
	int st, fd;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		snprintf(path, sizeof(path), "/sys/class/net/%s/threaded", name);
		if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) ||
		    umount2("/sys", MNT_DETACH) || mount("sysfs", "/sys", "sysfs", 0, NULL))
			_exit(1);
		fd = open(path, O_WRONLY);
		_exit(fd < 0 || write(fd, "1", 1) != 1 ? 2 : 0);
	}
	if (waitpid(pid, &st, 0) < 0)
		return -errno;
	return WIFEXITED(st) && !WEXITSTATUS(st) ? 0 : -EIO;
}

/* The pid of the thread whose name starts with PREFIX, or -ESRCH. */
static int find_thread(const char *prefix)
{
	char path[300], comm[32];
	struct dirent *d;
	int pid = -ESRCH;
	DIR *dir;
	FILE *f;

	dir = opendir("/proc");
	if (!dir)
		return -errno;
	while (pid < 0 && (d = readdir(dir))) {
		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f) && !strncmp(comm, prefix, strlen(prefix)))
			pid = atoi(d->d_name);
		fclose(f);
	}
	closedir(dir);
	return pid;
}

/* Thread PID on our CPU, with our policy and priority.  Without --cpu
 * we stay on the CPU we are on: the sender and the thread take turns on
 * one CPU, as the live backend's one thread does (apart, both would
 * spin, and two real-time spinners leave the machine nothing).
 */
static int follow(int pid)
{
	struct sched_param sp;
	cpu_set_t cpus;
	int policy, cpu;

	policy = sched_getscheduler(0);
	if (policy < 0 || sched_getparam(0, &sp) || sched_getaffinity(0, sizeof(cpus), &cpus))
		return -errno;
	if (CPU_COUNT(&cpus) > 1) {
		cpu = sched_getcpu();
		if (cpu < 0)
			return -errno;
		CPU_ZERO(&cpus);
		CPU_SET(cpu, &cpus);
		if (sched_setaffinity(0, sizeof(cpus), &cpus))
			return -errno;
	}
	if (sched_setaffinity(pid, sizeof(cpus), &cpus) ||
	    (policy != SCHED_OTHER && sched_setscheduler(pid, policy, &sp)))
		return -errno;
	return 0;
}

int tg_napi_thread(struct tg *t, const char *name)
{
	char prefix[32];
	int pid, err, i;

	err = write_threaded(name);
	if (err)
		return tg_fail(t, err, "threaded NAPI on the relay (sysfs)");
	/* "napi/NAME-": 15 characters at most with NAME "tg" and a pid of
	 * up to 7 digits, which the kernel keeps whole (TASK_COMM_LEN 16)
	 */
	snprintf(prefix, sizeof(prefix), "napi/%s-", name);
	for (i = 0, pid = -ESRCH; pid == -ESRCH && i < 100; i++) {
		pid = find_thread(prefix);
		if (pid == -ESRCH)
			usleep(1000);
	}
	if (pid < 0)
		return tg_fail(t, pid, "the relay's NAPI thread");
	err = follow(pid);
	return err ? tg_fail(t, err, "the relay's NAPI thread placed as the sender") : 0;
}
