// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Logging: errors and warnings always go to stderr, info from -v, debug
 * from -vv.  libbpf's and libxdp's messages come through here too, one
 * level down: they are shown from -v (their warnings are often about
 * conditions vrctl handles itself, such as libxdp's dispatcher falling
 * back to a single program), their debug output from -vv.
 *
 * When stderr is the journal (a systemd service: $JOURNAL_STREAM names
 * stderr's device and inode), each line starts with its syslog priority,
 * <3> error, <4> warning, <6> info, <7> debug (sd-daemon.h), which the
 * journal takes off and keeps as the entry's priority.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <systemd/sd-daemon.h>

#include <jansson.h>

#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "lib/log.h"

static int verbose;
static unsigned int n_errors;
static bool json_lines;

void log_set_json(bool on)
{
	json_lines = on;
}

bool log_json(void)
{
	return json_lines;
}

static int to_journal = -1;	/* -1: not looked at yet */

/* Is stderr the journal's stream (systemd.exec(5), $JOURNAL_STREAM)? */
static bool stderr_is_journal(void)
{
	const char *env;
	unsigned long long dev, ino;
	struct stat st;

	if (to_journal < 0) {
		env = getenv("JOURNAL_STREAM");
		to_journal = env && sscanf(env, "%llu:%llu", &dev, &ino) == 2 &&
			     !fstat(2, &st) && st.st_dev == dev && st.st_ino == ino;
	}
	return to_journal;
}

/* PRIO (SD_ERR...) before a line that goes to the journal; else nothing. */
static void journal_prio(const char *prio)
{
	if (stderr_is_journal())
		fputs(prio, stderr);
}

void log_set_verbose(int level)
{
	verbose = level;
}

int log_verbose(void)
{
	return verbose;
}

unsigned int log_error_count(void)
{
	return n_errors;
}

/*
 * One message, one line: control characters from the command line (a
 * name with a newline or an escape sequence in it) are written as \xNN,
 * so a message can neither span lines nor drive the terminal.
 */
void log_vwrite_line(const char *fmt, va_list ap)
{
	char buf[2048];
	const unsigned char *p;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	for (p = (const unsigned char *)buf; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			fprintf(stderr, "\\x%02x", *p);
		else
			fputc(*p, stderr);
	}
	fputc('\n', stderr);
}

/* {"KEY": "message"} and '\n' on stderr; jansson escapes what needs it. */
static void vwrite_json(const char *key, const char *fmt, va_list ap)
{
	char buf[2048];
	json_t *o;
	char *p;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	o = json_pack("{s:s}", key, buf);
	if (!o) {
		/* not UTF-8 (bytes from the command line): keep it ASCII */
		for (p = buf; *p; p++)
			if ((unsigned char)*p >= 0x80)
				*p = '?';
		o = json_pack("{s:s}", key, buf);
	}
	if (o)
		json_dumpf(o, stderr, JSON_COMPACT);
	fputc('\n', stderr);
	json_decref(o);
}

/* Errors and warnings: a JSON object under -j (KEY: "error", "warning"). */
static void vlog(const char *prio, const char *prefix, const char *key,
		 const char *fmt, va_list ap)
{
	fflush(stdout);
	journal_prio(prio);
	if (json_lines && key) {
		vwrite_json(key, fmt, ap);
		return;
	}
	fputs(prefix, stderr);
	log_vwrite_line(fmt, ap);
}

void pr_err(const char *fmt, ...)
{
	va_list ap;

	n_errors++;
	va_start(ap, fmt);
	vlog(SD_ERR, "Error: ", "error", fmt, ap);
	va_end(ap);
}

void pr_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(SD_WARNING, "Warning: ", "warning", fmt, ap);
	va_end(ap);
}

void pr_info(const char *fmt, ...)
{
	va_list ap;

	if (verbose < 1)
		return;
	va_start(ap, fmt);
	vlog(SD_INFO, "", NULL, fmt, ap);
	va_end(ap);
}

void pr_debug(const char *fmt, ...)
{
	va_list ap;

	if (verbose < 2)
		return;
	va_start(ap, fmt);
	vlog(SD_DEBUG, "debug: ", NULL, fmt, ap);
	va_end(ap);
}

/* Library messages already end in '\n' and carry their own prefix. */
static int lib_vprint(int level, const char *prio, const char *fmt, va_list ap)
{
	if (verbose < level)
		return 0;
	fflush(stdout);
	journal_prio(prio);
	return vfprintf(stderr, fmt, ap);
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	return lib_vprint(level == LIBBPF_DEBUG ? 2 : 1,
			  level == LIBBPF_WARN ? SD_WARNING :
			  level == LIBBPF_INFO ? SD_INFO : SD_DEBUG, fmt, ap);
}

static int libxdp_print(enum libxdp_print_level level, const char *fmt,
			va_list ap)
{
	return lib_vprint(level == LIBXDP_DEBUG ? 2 : 1,
			  level == LIBXDP_WARN ? SD_WARNING :
			  level == LIBXDP_INFO ? SD_INFO : SD_DEBUG, fmt, ap);
}

void log_init_libs(void)
{
	libbpf_set_print(libbpf_print);
	libxdp_set_print(libxdp_print);
}
