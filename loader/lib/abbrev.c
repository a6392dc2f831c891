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
