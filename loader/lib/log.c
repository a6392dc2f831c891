// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Logging: errors and warnings always go to stderr, info from -v, debug
 * from -vv.  libbpf's and libxdp's messages come through here too, one
 * level down: they are shown from -v (their warnings are often about
 * conditions vrctl handles itself, such as libxdp's dispatcher falling
 * back to a single program), their debug output from -vv.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

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
static void vlog(const char *prefix, const char *key, const char *fmt, va_list ap)
{
	fflush(stdout);
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
	vlog("Error: ", "error", fmt, ap);
	va_end(ap);
}

void pr_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("Warning: ", "warning", fmt, ap);
	va_end(ap);
}

void pr_info(const char *fmt, ...)
{
	va_list ap;

	if (verbose < 1)
		return;
	va_start(ap, fmt);
	vlog("", NULL, fmt, ap);
	va_end(ap);
}

void pr_debug(const char *fmt, ...)
{
	va_list ap;

	if (verbose < 2)
		return;
	va_start(ap, fmt);
	vlog("debug: ", NULL, fmt, ap);
	va_end(ap);
}

/* Library messages already end in '\n' and carry their own prefix. */
static int lib_vprint(int level, const char *fmt, va_list ap)
{
	if (verbose < level)
		return 0;
	fflush(stdout);
	return vfprintf(stderr, fmt, ap);
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	return lib_vprint(level == LIBBPF_DEBUG ? 2 : 1, fmt, ap);
}

static int libxdp_print(enum libxdp_print_level level, const char *fmt,
			va_list ap)
{
	return lib_vprint(level == LIBXDP_DEBUG ? 2 : 1, fmt, ap);
}

void log_init_libs(void)
{
	libbpf_set_print(libbpf_print);
	libxdp_set_print(libxdp_print);
}
