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
/* If WatchdogSec= is set: a thread that sends WATCHDOG=1 while the main
 * loop calls notify_alive() (notify.c says how often).  0 or -errno.
 */
int notify_watchdog_start(void);
/* The main loop is alive: cheap enough to call on every round. */
void notify_alive(void);
/* STOPPING=1. */
void notify_stopping(void);

#endif /* VR_NOTIFY_H */
