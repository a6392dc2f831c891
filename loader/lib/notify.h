/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The service manager's notifications (sd_notify(3)): readiness, a
 * status line and the watchdog's keep-alive.  Each is nothing when not
 * run by systemd ($NOTIFY_SOCKET unset), so callers just call them.
 */
#ifndef VR_NOTIFY_H
#define VR_NOTIFY_H

/* READY=1 with STATUS=<fmt>, once (later calls: the status only). */
void notify_ready(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* STATUS=<fmt>, if it differs from the last one sent. */
void notify_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* WATCHDOG=1 if WatchdogSec= is set and half of it has passed since the
 * last one: cheap enough to call on every round of a loop.
 */
void notify_watchdog(void);
/* STOPPING=1. */
void notify_stopping(void);

#endif /* VR_NOTIFY_H */
