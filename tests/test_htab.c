// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit test of loader/lib/htab: add, find, delete, iteration with
 * deletion, growth, clear, chains (several keys in one bucket), and a few
 * thousand random operations checked against a plain array.  Prints one
 * "ok - ..." or "not ok - ..." line per check (tests/run.sh counts them);
 * exits 1 if any failed.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/htab.h"

#define NKEYS	4096
#define NOPS	50000

struct ent {
	struct hnode h;
	uint32_t key;
	uint32_t val;
};

/* A wider key with padding, zeroed before use (memcmp keys). */
struct wkey {
	uint8_t family, len;
	uint16_t pad;
	uint32_t prio;
	uint8_t addr[16];
};

struct went {
	struct hnode h;
	struct wkey key;
};

static int failed;
static unsigned int n_freed;

static void check(bool cond, const char *what)
{
	printf("%sok - htab: %s\n", cond ? "" : "not ", what);
	if (!cond)
		failed = 1;
}

static void free_counted(void *e)
{
	n_freed++;
	free(e);
}

static struct ent *ent_new(uint32_t key, uint32_t val)
{
	struct ent *e = calloc(1, sizeof(*e));

	if (!e)
		abort();
	e->key = key;
	e->val = val;
	return e;
}

static struct ent *find(struct htab *t, uint32_t key)
{
	return htab_find(t, &key);
}

static size_t count_iter(const struct htab *t)
{
	struct hnode *cur;
	struct ent *e;
	size_t pos, n = 0;

	htab_for_each(t, pos, cur, e)
		n++;
	return n;
}

static void test_empty(void)
{
	struct htab t;
	uint32_t k = 1;

	htab_init(&t, offsetof(struct ent, key), sizeof(uint32_t));
	check(!htab_find(&t, &k) && count_iter(&t) == 0, "an empty table finds and iterates nothing");
	htab_clear(&t, free);
	htab_fini(&t, free);
	check(t.n == 0 && !t.b, "an empty table clears and finishes");
}

static void test_basic(void)
{
	struct htab t;
	struct ent *a = ent_new(7, 70), *b = ent_new(8, 80);

	htab_init(&t, offsetof(struct ent, key), sizeof(uint32_t));
	htab_add(&t, &a->h);
	htab_add(&t, &b->h);
	check(find(&t, 7) == a && find(&t, 8) == b && !find(&t, 9) && t.n == 2,
	      "add then find, absent key not found");
	htab_del(&t, &a->h);
	check(!find(&t, 7) && find(&t, 8) == b && t.n == 1, "delete one, the other stays");
	free(a);
	htab_add(&t, &ent_new(7, 71)->h);
	check(find(&t, 7) && find(&t, 7)->val == 71, "a deleted key can be added again");
	n_freed = 0;
	htab_fini(&t, free_counted);
	check(n_freed == 2 && t.n == 0, "fini frees every entry once");
}

/* Growth and chains: more keys than the first buckets, some sharing one. */
static void test_growth_chains(void)
{
	struct htab t;
	size_t nb0, i, longest = 0, len;
	struct hnode *e;
	bool all = true;
	uint32_t k;

	htab_init(&t, offsetof(struct ent, key), sizeof(uint32_t));
	htab_add(&t, &ent_new(0, 0)->h);
	nb0 = t.nb;
	for (k = 1; k < 1000; k++)
		htab_add(&t, &ent_new(k, k * 3)->h);
	check(t.nb > nb0 && t.nb >= t.n && t.n == 1000, "the buckets grow with the entries");
	for (k = 0; k < 1000; k++)
		all = all && find(&t, k) && find(&t, k)->val == k * 3;
	check(all, "every key found after growth");
	for (i = 0; i < t.nb; i++) {
		for (len = 0, e = t.b[i]; e; e = e->next)
			len++;
		if (len > longest) {
			longest = len;
			k = ((struct ent *)t.b[i])->key;
		}
	}
	check(longest >= 2, "some bucket holds a chain");
	/* Delete from the middle and the head of that chain. */
	for (i = 0; i < t.nb; i++) {
		if (!t.b[i] || !t.b[i]->next)
			continue;
		struct ent *head = (struct ent *)t.b[i], *second = (struct ent *)t.b[i]->next;
		uint32_t hk = head->key, sk = second->key;

		htab_del(&t, &second->h);
		free(second);
		all = find(&t, hk) == head && !find(&t, sk);
		htab_del(&t, &head->h);
		free(head);
		all = all && !find(&t, hk);
		break;
	}
	check(all && t.n == 998, "deleting inside a chain keeps its other entries");
	n_freed = 0;
	htab_clear(&t, free_counted);
	check(n_freed == 998 && t.n == 0 && count_iter(&t) == 0 && !find(&t, 5),
	      "clear frees everything and leaves an empty table");
	htab_add(&t, &ent_new(5, 1)->h);
	check(find(&t, 5) != NULL, "a cleared table is usable");
	htab_fini(&t, free);
}

static void test_iter_delete(void)
{
	struct htab t;
	struct hnode *cur;
	struct ent *e;
	size_t pos, seen = 0;
	bool ok = true;
	uint32_t k;

	htab_init(&t, offsetof(struct ent, key), sizeof(uint32_t));
	for (k = 0; k < 500; k++)
		htab_add(&t, &ent_new(k, 0)->h);
	htab_for_each(&t, pos, cur, e) {
		seen++;
		e->val++;
		if (e->key % 2) {
			htab_del(&t, &e->h);
			free(e);
		}
	}
	check(seen == 500 && t.n == 250, "iteration deleting half visits each entry once");
	for (k = 0; k < 500; k++)
		ok = ok && (k % 2 ? !find(&t, k) : find(&t, k) && find(&t, k)->val == 1);
	check(ok && count_iter(&t) == 250, "the kept half stays, the deleted half is gone");
	htab_for_each(&t, pos, cur, e) {
		htab_del(&t, &e->h);
		free(e);
	}
	check(t.n == 0 && count_iter(&t) == 0, "iteration deleting everything empties it");
	htab_fini(&t, free);
}

static void test_wide_keys(void)
{
	struct htab t;
	struct went *e;
	struct wkey k;
	bool ok = true;
	int i;

	htab_init(&t, offsetof(struct went, key), sizeof(struct wkey));
	for (i = 0; i < 300; i++) {
		e = calloc(1, sizeof(*e));
		if (!e)
			abort();
		e->key.family = i % 2 ? 10 : 2;
		e->key.len = (uint8_t)(i % 129);
		e->key.prio = (uint32_t)i / 2;
		e->key.addr[15] = (uint8_t)i;
		htab_add(&t, &e->h);
	}
	for (i = 0; i < 300; i++) {
		memset(&k, 0, sizeof(k));
		k.family = i % 2 ? 10 : 2;
		k.len = (uint8_t)(i % 129);
		k.prio = (uint32_t)i / 2;
		k.addr[15] = (uint8_t)i;
		e = htab_find(&t, &k);
		ok = ok && e && !memcmp(&e->key, &k, sizeof(k));
		k.addr[0] = 1;
		ok = ok && !htab_find(&t, &k);
	}
	check(ok, "24-byte keys: each found by value, a one-byte change not");
	htab_fini(&t, free);
}

/* Random adds, deletes and finds against an array indexed by key. */
static void test_random(void)
{
	static struct ent *ref[NKEYS];
	struct htab t;
	struct hnode *cur;
	struct ent *e;
	size_t pos, n = 0, seen = 0;
	bool ok = true;
	unsigned int seed = 12345;
	int i;

	htab_init(&t, offsetof(struct ent, key), sizeof(uint32_t));
	for (i = 0; i < NOPS && ok; i++) {
		uint32_t k = (uint32_t)rand_r(&seed) % NKEYS;
		int op = rand_r(&seed) % 3;

		e = find(&t, k);
		ok = e == ref[k];
		if (op == 0 && !e) {
			ref[k] = ent_new(k, (uint32_t)i);
			htab_add(&t, &ref[k]->h);
			n++;
		} else if (op == 1 && e) {
			htab_del(&t, &e->h);
			free(e);
			ref[k] = NULL;
			n--;
		}
		ok = ok && t.n == n;
	}
	check(ok, "50000 random operations agree with a reference array");
	htab_for_each(&t, pos, cur, e) {
		ok = ok && ref[e->key] == e;
		seen++;
	}
	check(ok && seen == n, "iteration yields exactly the reference's entries");
	htab_fini(&t, free);
}

int main(void)
{
	test_empty();
	test_basic();
	test_growth_chains();
	test_iter_delete();
	test_wide_keys();
	test_random();
	return failed;
}
