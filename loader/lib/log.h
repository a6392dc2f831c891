/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * One line per message on stderr: errors and warnings always, info from
 * -v, debug from -vv.  The layer that knows the object prints the one
 * error line (pr_err); callers just propagate the -errno.
 */
#ifndef VR_LOG_H
#define VR_LOG_H

#include <stdarg.h>
#include <stdbool.h>

void pr_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_set_verbose(int level);
int log_verbose(void);			/* the level set */
unsigned int log_error_count(void);	/* pr_err() calls so far */
void log_init_libs(void);
/* Under -j: each error or warning is one JSON object on stderr,
 * {"error": "..."} or {"warning": "..."}; info and debug stay text.
 */
void log_set_json(bool on);
bool log_json(void);		/* libbpf/libxdp prints -> this logger */
/* FMT to stderr and '\n', control characters as \xNN: one line. */
void log_vwrite_line(const char *fmt, va_list ap);

#endif /* VR_LOG_H */
