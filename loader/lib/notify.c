// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * sd_notify(3) for a Type=notify service (notify.h).
 *
 * The watchdog's keep-alive comes from a thread of its own, so that no
 * amount of work in the main loop starves it, but only while the main
 * loop shows it is alive: the thread sends WATCHDOG=1 every WatchdogSec/4
 * as long as the last notify_alive() is younger than STALL (half of
 * WatchdogSec, at least STALL_MIN_USEC).  A main loop stuck for longer
 * stops the keep-alives, and systemd kills it WatchdogSec after the last
 * one: at most STALL + WatchdogSec after its last sign of life (45 s for
 * WatchdogSec=30).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <systemd/sd-daemon.h>

#include "lib/notify.h"

/* The main loop's alive mark is checked this often at the least, so it
 * must come more often than that when all is well (the follower's 1 s
 * timer).
 */
#define STALL_MIN_USEC	2000000

static bool ready;
static char last_status[256];
static uint64_t wd_usec, stall_usec;
static _Atomic uint64_t alive_usec;	/* the main loop's last sign of life */

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static void vstatus(bool make_ready, const char *fmt, va_list ap)
{
	char status[sizeof(last_status)];

	vsnprintf(status, sizeof(status), fmt, ap);
	if (make_ready && !ready) {
		ready = true;
		snprintf(last_status, sizeof(last_status), "%s", status);
		sd_notifyf(0, "READY=1\nSTATUS=%s", status);
		return;
	}
	if (!strcmp(status, last_status))
		return;
	snprintf(last_status, sizeof(last_status), "%s", status);
	sd_notifyf(0, "STATUS=%s", status);
}

void notify_ready(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vstatus(true, fmt, ap);
	va_end(ap);
}

void notify_status(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vstatus(false, fmt, ap);
	va_end(ap);
}

void notify_alive(void)
{
	atomic_store_explicit(&alive_usec, now_usec(), memory_order_relaxed);
}

static void *watchdog_main(void *arg)
{
	struct timespec period = {
		.tv_sec = (time_t)(wd_usec / 4 / 1000000),
		.tv_nsec = (long)(wd_usec / 4 % 1000000 * 1000),
	};

	for (;;) {
		if (now_usec() - atomic_load_explicit(&alive_usec, memory_order_relaxed) < stall_usec)
			sd_notify(0, "WATCHDOG=1");
		nanosleep(&period, NULL);
	}
	return NULL;
}

int notify_watchdog_start(void)
{
	sigset_t all, old;
	pthread_attr_t attr;
	pthread_t t;
	int err;

	if (sd_watchdog_enabled(0, &wd_usec) <= 0 || wd_usec < 4)
		return 0;
	stall_usec = wd_usec / 2 > STALL_MIN_USEC ? wd_usec / 2 : STALL_MIN_USEC;
	notify_alive();
	/* Signals are the main loop's (its signalfd): none for the thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	err = pthread_create(&t, &attr, watchdog_main, NULL);
	pthread_attr_destroy(&attr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return -err;
}

void notify_stopping(void)
{
	sd_notify(0, "STOPPING=1");
}
