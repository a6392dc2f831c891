// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* sd_notify(3) for a Type=notify service (notify.h). */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <systemd/sd-daemon.h>

#include "lib/notify.h"

static bool ready;
static char last_status[256];
static int wd_enabled = -1;	/* -1: not asked yet */
static uint64_t wd_usec, wd_last;

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

void notify_watchdog(void)
{
	uint64_t now;

	if (wd_enabled < 0)
		wd_enabled = sd_watchdog_enabled(0, &wd_usec) > 0;
	if (!wd_enabled)
		return;
	now = now_usec();
	if (now - wd_last < wd_usec / 2)
		return;
	wd_last = now;
	sd_notify(0, "WATCHDOG=1");
}

void notify_stopping(void)
{
	sd_notify(0, "STOPPING=1");
}
