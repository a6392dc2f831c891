// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit test of loader/lib/parse's k/M/G/T numbers (parse_u64_si,
 * parse_u32_si): what they accept, what they refuse (bad suffix, sign,
 * overflow, a fraction that is not whole) and the range check; and of
 * loader/lib/abbrev (exact names win, unique prefixes, ambiguity).  One
 * "ok - ..." / "not ok - ..." line per check; exits 1 if any failed.
 */
#include <stdint.h>
#include <stdio.h>

#include <errno.h>
#include <string.h>

#include "lib/abbrev.h"
#include "lib/parse.h"

static int failed;

static void good(const char *s, uint64_t want)
{
	uint64_t v = 0;
	int err = parse_u64_si(s, 0, UINT64_MAX, &v);

	if (!err && v == want) {
		printf("ok - parse_u64_si '%s' = %llu\n", s, (unsigned long long)want);
	} else {
		printf("not ok - parse_u64_si '%s': err %d value %llu, expected %llu\n", s, err,
		       (unsigned long long)v, (unsigned long long)want);
		failed = 1;
	}
}

static void bad(const char *s)
{
	uint64_t v = 42;
	int err = parse_u64_si(s, 0, UINT64_MAX, &v);

	if (err && v == 42) {
		printf("ok - parse_u64_si refuses '%s'\n", s);
	} else {
		printf("not ok - parse_u64_si accepts '%s' as %llu\n", s, (unsigned long long)v);
		failed = 1;
	}
}

/* match_abbrev over a table with a name that is a prefix of another. */
static void abbrev(const char *word, int want, const char *want_cands)
{
	static const struct { const char *name; int other; } rows[] = {
		{ "set", 0 }, { "set-router", 1 }, { "show", 2 }, { "stats", 3 },
	};
	char cands[64];
	int i = match_abbrev(word, &rows[0].name, 4, sizeof(rows[0]), cands, sizeof(cands));

	if (i == want && (!want_cands || !strcmp(cands, want_cands))) {
		printf("ok - match_abbrev '%s' = %d%s%s\n", word, want, want_cands ? " " : "",
		       want_cands ? want_cands : "");
	} else {
		printf("not ok - match_abbrev '%s' = %d (%s), expected %d\n", word, i, cands, want);
		failed = 1;
	}
}

/* suggest_names: the names a mistyped word may mean. */
static void suggest(const char *word, const char *want)
{
	static const char *const names[] = {
		"rate-pps", "rate-bps", "burst", "show", "stats", "status", NULL, "trace",
	};
	char out[128];

	suggest_names(word, names, sizeof(names) / sizeof(names[0]), sizeof(names[0]), "--",
		      out, sizeof(out));
	if (!strcmp(out, want)) {
		printf("ok - suggest_names '%s' = '%s'\n", word, want);
	} else {
		printf("not ok - suggest_names '%s' = '%s', expected '%s'\n", word, out, want);
		failed = 1;
	}
}

int main(void)
{
	static const char *const refused[] = {
		"", "k", "-1", "+1", " 1", "1 ", "1.5", "1.", "1.k", ".5k", "1..5k",
		"1.5x", "10kk", "10m", "1e3", "1.0005k", "0x10", "1,5k", "10 k",
		"18446744073709551616", "18446744073709551615k", "18446745T",
	};
	uint32_t v32 = 0;
	unsigned int i;

	good("0", 0);
	good("10", 10);
	good("010", 10);
	good("10k", 10000);
	good("10K", 10000);
	good("1.5M", 1500000);
	good("1G", 1000000000ULL);
	good("2T", 2000000000000ULL);
	good("1.50k", 1500);
	good("1.0k", 1000);
	good("1.05k", 1050);
	good("0.5k", 500);
	good("1.000000001G", 1000000001ULL);
	good("18446744073709551615", UINT64_MAX);
	good("18446744T", 18446744000000000000ULL);
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		bad(refused[i]);
	if (!parse_u32_si("4.294967295G", 0, UINT32_MAX, &v32) && v32 == UINT32_MAX)
		printf("ok - parse_u32_si '4.294967295G' = %u\n", UINT32_MAX);
	else
		printf("not ok - parse_u32_si '4.294967295G'\n"), failed = 1;
	if (parse_u32_si("4.294967296G", 0, UINT32_MAX, &v32))
		printf("ok - parse_u32_si refuses 4.294967296G (above its max)\n");
	else
		printf("not ok - parse_u32_si accepts 4.294967296G\n"), failed = 1;
	if (parse_u32_si("1k", 1, 999, &v32))
		printf("ok - parse_u32_si refuses 1k above max 999\n");
	else
		printf("not ok - parse_u32_si accepts 1k above max 999\n"), failed = 1;
	abbrev("set", 0, NULL);			/* exact wins over set-router */
	abbrev("set-", 1, NULL);
	abbrev("sh", 2, NULL);
	abbrev("show", 2, NULL);
	abbrev("s", -EEXIST, "set, set-router, show, stats");
	abbrev("se", -EEXIST, "set, set-router");
	abbrev("shows", -ENOENT, NULL);
	abbrev("", -ENOENT, NULL);
	abbrev("x", -ENOENT, NULL);
	suggest("rate-ppps", "--rate-pps");		/* one letter too many */
	suggest("rtae-pps", "--rate-pps");		/* two swapped */
	suggest("rate", "--rate-pps, --rate-bps");	/* a prefix */
	suggest("shwo", "--show");
	suggest("stauts", "--stats, --status");
	suggest("brust", "--burst");
	suggest("tarce", "--trace");
	suggest("nofwd", "");				/* too far from all */
	suggest("x", "");
	suggest("", "");
	return failed;
}
