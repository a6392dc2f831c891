// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Abbreviated words, as ip(8) reads its objects and verbs: an exact name
 * wins, else the one name the word is a prefix of.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/abbrev.h"

int match_abbrev(const char *word, const char *const *names, size_t n, size_t stride,
	      char *cands, size_t len)
{
	const char *name;
	size_t i, wl = strlen(word), found = 0;
	int idx = -ENOENT;

#define NAME(i) (*(const char *const *)((const char *)names + (i) * stride))
	if (len)
		cands[0] = '\0';
	for (i = 0; i < n; i++)
		if (!strcmp(NAME(i), word))
			return (int)i;
	for (i = 0; wl && i < n; i++) {
		name = NAME(i);
		if (strncmp(name, word, wl))
			continue;
		idx = (int)i;
		if (len)
			snprintf(cands + strlen(cands), len - strlen(cands), "%s%s",
				 found ? ", " : "", name);
		found++;
	}
#undef NAME
	return found > 1 ? -EEXIST : idx;
}

/* Edits from A to B: insert, delete, substitute, or swap two neighbours
 * (optimal string alignment).  Names are short: capped at NAME_MAX_LEN.
 */
#define NAME_MAX_LEN	64

static size_t edits(const char *a, const char *b)
{
	size_t la = strnlen(a, NAME_MAX_LEN), lb = strnlen(b, NAME_MAX_LEN), i, j, c;
	size_t d[NAME_MAX_LEN + 1][NAME_MAX_LEN + 1];

	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < c)
				c = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < c)
				c = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < c)
				c = d[i - 2][j - 2] + 1;
			d[i][j] = c;
		}
	return d[la][lb];
}

int suggest_names(const char *word, const char *const *names, size_t n, size_t stride,
		  const char *pfx, char *out, size_t len)
{
	size_t wl = strlen(word), limit = wl < 4 ? 1 : wl < 12 ? 2 : 3, i, d, best;
	const char *name;
	int found = 0;

	if (len)
		out[0] = '\0';
	if (!wl || wl > NAME_MAX_LEN)
		return 0;
	/* Only the closest: in half edits, a name WORD is a prefix of is 1. */
	for (best = 1; best <= 2 * limit && !found; best++)
		for (i = 0; i < n; i++) {
			name = *(const char *const *)((const char *)names + i * stride);
			if (!name)
				continue;
			d = strncmp(name, word, wl) ? 2 * edits(word, name) : 1;
			if (d != best || found >= 4)
				continue;
			if (len)
				snprintf(out + strlen(out), len - strlen(out), "%s%s%s",
					 found ? ", " : "", pfx ? pfx : "", name);
			found++;
		}
	return found;
}
