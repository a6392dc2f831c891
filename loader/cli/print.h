/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * One printing layer for text and JSON, after iproute2's json_print.h:
 * the same call prints a field as text (with its printf format) or adds
 * it to the JSON document (under its key), depending on new_json_obj().
 *
 *	new_json_obj(ctx->json);
 *	open_json_object(NULL);
 *	print_string(PRINT_ANY, "name", "%s ", rec.name);
 *	print_uint(PRINT_ANY, "id", "id %u", id);
 *	print_nl();
 *	close_json_object();
 *	delete_json_obj();
 *
 * PRINT_FP prints only as text, PRINT_JSON only as JSON.  In JSON mode a
 * top-level object or array is written to stdout, one line, when it is
 * closed (so a loop of them is JSON Lines).  Text goes to stdout.
 */
#ifndef VR_PRINT_H
#define VR_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum output_type {
	PRINT_FP = 1,
	PRINT_JSON = 2,
	PRINT_ANY = PRINT_FP | PRINT_JSON,
};

void new_json_obj(bool json);
void delete_json_obj(void);
bool is_json_context(void);
/* -p: documents indented over several lines instead of one line each. */
void set_json_pretty(bool pretty);

/* NAME is the key in the enclosing object, NULL inside an array or at
 * the top level.  Objects and arrays are JSON-only structure: they print
 * nothing as text.
 */
void open_json_object(const char *name);
void close_json_object(void);
void open_json_array(const char *name);
void close_json_array(void);

void print_string(enum output_type t, const char *key, const char *fmt,
		  const char *value);
void print_uint(enum output_type t, const char *key, const char *fmt,
		unsigned int value);
void print_u64(enum output_type t, const char *key, const char *fmt,
	       uint64_t value);
void print_bool(enum output_type t, const char *key, const char *fmt,
		bool value);
/* JSON null for KEY; text prints FMT as is. */
void print_null(enum output_type t, const char *key, const char *fmt);
/* The wall-clock time TS (NULL: now) as RFC 3339 UTC with milliseconds,
 * "2026-12-01T18:40:00.123Z", under KEY / with FMT.
 */
struct timespec;
void print_time(enum output_type t, const char *key, const char *fmt,
		const struct timespec *ts);
/* The same time as a string in BUF (64 bytes are enough); returns BUF. */
const char *vr_time_str(const struct timespec *ts, char *buf, size_t len);
/* V with a unit prefix (k, M, G, T: powers of 1000), 3 significant
 * digits, then UNIT: "999pps", "1.23kpps", "45.6Mbit/s".  Returns BUF.
 */
const char *vr_si(double v, const char *unit, char *buf, size_t len);
/* Text only: a literal string (no key), e.g. column separators. */
void print_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Text only: end of line. */
void print_nl(void);

#endif /* VR_PRINT_H */
