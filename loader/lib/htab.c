// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The hash table of htab.h: FNV-1a over the key, chained buckets. */
#include <stdlib.h>
#include <string.h>

#include "lib/htab.h"

#define HTAB_MIN_BUCKETS	64

static uint32_t hash_bytes(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= b[i];
		h *= 16777619u;
	}
	return h ^ (h >> 15);
}

void htab_init(struct htab *t, size_t key_off, size_t key_len)
{
	memset(t, 0, sizeof(*t));
	t->key_off = key_off;
	t->key_len = key_len;
}

static const void *hkey(const struct htab *t, const struct hnode *e)
{
	return (const char *)e + t->key_off;
}

void *htab_find(const struct htab *t, const void *key)
{
	uint32_t h;
	struct hnode *e;

	if (!t->nb)
		return NULL;
	h = hash_bytes(key, t->key_len);
	for (e = t->b[h & (t->nb - 1)]; e; e = e->next)
		if (e->hash == h && !memcmp(hkey(t, e), key, t->key_len))
			return e;
	return NULL;
}

static void htab_grow(struct htab *t)
{
	size_t nb = t->nb ? t->nb * 2 : HTAB_MIN_BUCKETS, i;
	struct hnode **b, *e, *next;

	b = calloc(nb, sizeof(*b));
	if (!b)
		return;		/* keep the longer chains */
	for (i = 0; i < t->nb; i++) {
		for (e = t->b[i]; e; e = next) {
			next = e->next;
			e->next = b[e->hash & (nb - 1)];
			b[e->hash & (nb - 1)] = e;
		}
	}
	free(t->b);
	t->b = b;
	t->nb = nb;
}

void htab_add(struct htab *t, struct hnode *e)
{
	struct hnode **slot;

	if (t->n >= t->nb)
		htab_grow(t);
	if (!t->nb)
		abort();	/* out of memory before the first bucket */
	e->hash = hash_bytes(hkey(t, e), t->key_len);
	slot = &t->b[e->hash & (t->nb - 1)];
	e->next = *slot;
	*slot = e;
	t->n++;
}

void htab_del(struct htab *t, struct hnode *e)
{
	struct hnode **p;

	if (!t->nb)
		return;
	for (p = &t->b[e->hash & (t->nb - 1)]; *p; p = &(*p)->next) {
		if (*p == e) {
			*p = e->next;
			t->n--;
			return;
		}
	}
}

void *htab_next(const struct htab *t, size_t *pos, struct hnode **cur)
{
	struct hnode *e = *cur;

	while (!e) {
		if (*pos >= t->nb)
			return NULL;
		e = t->b[(*pos)++];
	}
	*cur = e->next;		/* fetched now: the caller may free E */
	return e;
}

void htab_clear(struct htab *t, void (*free_fn)(void *))
{
	struct hnode *e, *next;
	size_t i;

	for (i = 0; i < t->nb; i++) {
		for (e = t->b[i]; e; e = next) {
			next = e->next;
			if (free_fn)
				free_fn(e);
		}
		t->b[i] = NULL;
	}
	t->n = 0;
}

void htab_fini(struct htab *t, void (*free_fn)(void *))
{
	htab_clear(t, free_fn);
	free(t->b);
	t->b = NULL;
	t->nb = 0;
}
