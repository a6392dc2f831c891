/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A small intrusive hash table with chaining: the entry embeds a struct
 * hnode and its key (KEY_LEN bytes at KEY_OFF from the entry's start,
 * compared with memcmp, so padding must be zeroed).  Buckets double when
 * the table holds as many entries as buckets.  Out of memory while
 * growing keeps the longer chains; before the first bucket it aborts.
 */
#ifndef VR_LIB_HTAB_H
#define VR_LIB_HTAB_H

#include <stddef.h>
#include <stdint.h>

struct hnode {
	struct hnode *next;
	uint32_t hash;
};

struct htab {
	struct hnode **b;
	size_t nb, n;			/* buckets (a power of 2), entries */
	size_t key_off, key_len;	/* of the key inside the entry */
};

void htab_init(struct htab *t, size_t key_off, size_t key_len);
void *htab_find(const struct htab *t, const void *key);
void htab_add(struct htab *t, struct hnode *e);		/* key not present */
void htab_del(struct htab *t, struct hnode *e);		/* E in T */
/* Iterate: start with *pos = 0 and *cur NULL; deleting (and freeing) the
 * entry returned is allowed before the next call.
 */
void *htab_next(const struct htab *t, size_t *pos, struct hnode **cur);
/* Forget every entry, each passed to FREE_FN first (may be NULL). */
void htab_clear(struct htab *t, void (*free_fn)(void *));
/* htab_clear() and the buckets freed; T may be used again after htab_init(). */
void htab_fini(struct htab *t, void (*free_fn)(void *));

#define htab_for_each(t, pos, cur, e) \
	for ((pos) = 0, (cur) = NULL; ((e) = htab_next((t), &(pos), &(cur))); )

#endif /* VR_LIB_HTAB_H */
