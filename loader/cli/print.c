// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Text or JSON output through the same calls (see print.h).  JSON is
 * built with jansson: a stack of open containers, the bottom one written
 * out when it is closed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "print.h"

/* The text formats come from the callers, one per field, as in iproute2. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

#define JSON_DEPTH_MAX 16

static bool json_mode;
static size_t dump_flags = JSON_COMPACT;
static json_t *stack[JSON_DEPTH_MAX];
static int depth;

void new_json_obj(bool json)
{
	json_mode = json;
	depth = 0;
}

void delete_json_obj(void)
{
	/* Unbalanced open/close is a bug; do not print half a document. */
	while (depth > 0)
		json_decref(stack[--depth]);
	fflush(stdout);
}

void set_json_pretty(bool pretty)
{
	dump_flags = pretty ? JSON_INDENT(2) : JSON_COMPACT;
}

bool is_json_context(void)
{
	return json_mode;
}

static void json_add(const char *key, json_t *v)
{
	json_t *top;

	if (!v)
		return;
	if (depth == 0) {
		/* A bare value at the top level: a document of its own. */
		json_dumpf(v, stdout, dump_flags | JSON_ENCODE_ANY);
		fputc('\n', stdout);
		json_decref(v);
		return;
	}
	top = stack[depth - 1];
	if (json_is_array(top))
		json_array_append_new(top, v);
	else
		json_object_set_new(top, key ? key : "", v);
}

static void json_open(const char *name, json_t *c)
{
	if (!json_mode || !c) {
		json_decref(c);		/* text mode: made for nothing */
		return;
	}
	if (depth >= JSON_DEPTH_MAX) {
		json_decref(c);
		return;
	}
	if (depth > 0)
		json_add(name, json_incref(c));
	stack[depth++] = c;
}

static void json_close(void)
{
	json_t *c;

	if (!json_mode || depth == 0)
		return;
	c = stack[--depth];
	if (depth == 0) {
		json_dumpf(c, stdout, dump_flags);
		fputc('\n', stdout);
		fflush(stdout);
	}
	json_decref(c);
}

void open_json_object(const char *name)
{
	json_open(name, json_object());
}

void close_json_object(void)
{
	json_close();
}

void open_json_array(const char *name)
{
	json_open(name, json_array());
}

void close_json_array(void)
{
	json_close();
}

static bool want_json(enum output_type t)
{
	return json_mode && (t & PRINT_JSON);
}

static bool want_text(enum output_type t)
{
	return !json_mode && (t & PRINT_FP);
}

void print_string(enum output_type t, const char *key, const char *fmt,
		  const char *value)
{
	if (want_json(t))
		json_add(key, json_string(value ? value : ""));
	else if (want_text(t) && fmt)
		printf(fmt, value ? value : "");
}

void print_uint(enum output_type t, const char *key, const char *fmt,
		unsigned int value)
{
	if (want_json(t))
		json_add(key, json_integer(value));
	else if (want_text(t) && fmt)
		printf(fmt, value);
}

void print_u64(enum output_type t, const char *key, const char *fmt,
	       uint64_t value)
{
	if (want_json(t))
		/* json_int_t is signed 64-bit; counters never get there. */
		json_add(key, json_integer((json_int_t)value));
	else if (want_text(t) && fmt)
		printf(fmt, value);
}

void print_bool(enum output_type t, const char *key, const char *fmt,
		bool value)
{
	if (want_json(t))
		json_add(key, json_boolean(value));
	else if (want_text(t) && fmt)
		printf(fmt, value ? "true" : "false");
}

void print_null(enum output_type t, const char *key, const char *fmt)
{
	if (want_json(t))
		json_add(key, json_null());
	else if (want_text(t) && fmt)
		fputs(fmt, stdout);
}

const char *vr_time_str(const struct timespec *ts, char *buf, size_t len)
{
	struct timespec now;
	char ymd[40];
	struct tm tm;

	if (!ts) {
		clock_gettime(CLOCK_REALTIME, &now);
		ts = &now;
	}
	if (!gmtime_r(&ts->tv_sec, &tm))
		memset(&tm, 0, sizeof(tm));
	strftime(ymd, sizeof(ymd), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%03ldZ", ymd, ts->tv_nsec / 1000000L);
	return buf;
}

void print_time(enum output_type t, const char *key, const char *fmt,
		const struct timespec *ts)
{
	char buf[64];

	print_string(t, key, fmt, vr_time_str(ts, buf, sizeof(buf)));
}

/* V with a unit prefix, 3 significant digits: "999", "1.23k", "45.6M". */
const char *vr_si(double v, const char *unit, char *buf, size_t len)
{
	static const char pfx[] = " kMGTPE";
	int i = 0;

	while (v >= 999.5 && i < 6) {
		v /= 1000;
		i++;
	}
	if (!i)
		snprintf(buf, len, "%.0f%s", v, unit);
	else
		snprintf(buf, len, "%.*f%c%s", v < 9.995 ? 2 : v < 99.95 ? 1 : 0, v, pfx[i], unit);
	return buf;
}

void print_text(const char *fmt, ...)
{
	va_list ap;

	if (json_mode)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

void print_nl(void)
{
	if (!json_mode)
		putchar('\n');
}
