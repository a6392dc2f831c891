/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Words abbreviated as ip(8) reads its objects and verbs: vrctl's
 * commands (from its command table) and neigh's verbs; and the names a
 * mistyped word may have meant ("did you mean ...?").
 */
#ifndef VR_ABBREV_H
#define VR_ABBREV_H

#include <stddef.h>

/* The index of WORD among N names (NAMES[0], then every STRIDE bytes: the
 * name field of a table's rows): the exact name, else the one name WORD is
 * a prefix of; -ENOENT none (or WORD empty), -EEXIST several (CANDS, if
 * LEN: them, ", " between).
 */
int match_abbrev(const char *word, const char *const *names, size_t n, size_t stride,
		 char *cands, size_t len);

/* For an unknown WORD: the names it is likeliest a typo of, each after
 * PFX ("--"; NULL: none), ", " between, at most 4, into OUT; how many (0:
 * none close).  Those WORD is a prefix of come first, else those the
 * fewest edits away (insert, delete, change, swap two neighbours; at most
 * 1 for short words, 2, 3 for long ones).  NULL names are skipped.
 */
int suggest_names(const char *word, const char *const *names, size_t n, size_t stride,
		  const char *pfx, char *out, size_t len);

#endif /* VR_ABBREV_H */
