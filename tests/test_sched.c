// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit test of loader/sync/sched (the follower's scheduler), with times
 * given by the test (no clock, no root): coalescing, round robin (a
 * client marked a thousand times does not delay another), the hold after
 * a service (minimum gap, SCHED_SHARE times its duration), holds and
 * their release, the wait until the next due work, forgetting a client,
 * and a random run checked against a model.  One "ok - ..." or "not ok -
 * ..." line per check; exits 1 if any failed.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sync/sched.h"

enum { K_FULL, K_SETTINGS, K_N };

static const struct sched_kind kinds[K_N] = {
	[K_FULL] = { "full", 0 },
	[K_SETTINGS] = { "settings", 0.01 },
};

static int failed;

static void check(bool cond, const char *what)
{
	printf("%sok - sched: %s\n", cond ? "" : "not ", what);
	if (!cond)
		failed = 1;
}

/* One round at NOW: the clients served, in order, into IDS (their due
 * kinds into DUE); how many.
 */
static unsigned int round_at(struct sched *sc, double now, uint32_t *ids, uint32_t *due)
{
	uint32_t id, d;
	unsigned int n = 0;

	sched_round(sc);
	while (sched_next(sc, now, &id, &d)) {
		if (!d)
			continue;
		ids[n] = id;
		due[n++] = d;
	}
	return n;
}

static void test_coalesce_and_order(void)
{
	struct sched sc;
	uint32_t ids[8], due[8];
	unsigned int n, i;

	sched_init(&sc, 8, kinds, K_N);
	for (i = 0; i < 1000; i++)
		sched_mark(&sc, 3, K_SETTINGS);
	sched_mark(&sc, 5, K_FULL);
	sched_mark(&sc, 3, K_FULL);
	n = round_at(&sc, 1.0, ids, due);
	check(n == 2 && ids[0] == 3 && ids[1] == 5,
	      "1000 marks of one client: served once, before the client marked after it");
	check(due[0] == ((1u << K_FULL) | (1u << K_SETTINGS)) && due[1] == (1u << K_FULL),
	      "a client's kinds come together, each once");
	n = round_at(&sc, 1.0, ids, due);
	check(n == 0 && sched_wait_ms(&sc, 1.0) == -1, "served: nothing pending, no wait");
	sched_fini(&sc);
}

/* A client marked again while its round runs waits for the next round. */
static void test_round_robin(void)
{
	struct sched sc;
	uint32_t id, d, seen[4] = { 0 };
	unsigned int r, served;
	bool fair = true;

	sched_init(&sc, 4, kinds, K_N);
	sched_mark(&sc, 1, K_FULL);
	sched_mark(&sc, 2, K_FULL);
	for (r = 0; r < 10; r++) {
		served = 0;
		sched_round(&sc);
		while (sched_next(&sc, 100.0 + r, &id, &d)) {
			if (!d)
				continue;
			seen[id]++;
			served++;
			sched_mark(&sc, id, K_FULL);	/* a flood: marked again at once */
		}
		fair = fair && served == 2;
	}
	check(fair && seen[1] == 10 && seen[2] == 10,
	      "two clients marked again while served: each once per round, 10 rounds");
	sched_fini(&sc);
}

static void test_hold(void)
{
	struct sched sc;
	uint32_t ids[4], due[4];
	unsigned int n;

	sched_init(&sc, 4, kinds, K_N);
	sched_mark(&sc, 1, K_FULL);
	n = round_at(&sc, 10.0, ids, due);
	sched_served(&sc, 1, K_FULL, 10.5, 0.5);	/* cost 0.5 s */
	sched_mark(&sc, 1, K_FULL);
	sched_mark(&sc, 1, K_SETTINGS);
	n = round_at(&sc, 11.0, ids, due);
	check(n == 1 && due[0] == (1u << K_SETTINGS),
	      "a kind held after its service; the client's other kinds are served");
	check(sched_pending(&sc, 1, K_FULL), "the held kind stays pending");
	check(sched_wait_ms(&sc, 11.0) == 4501,
	      "held for SCHED_SHARE x its cost of 0.5 s after it ended: due in 4.5 s (ms, rounded up)");
	n = round_at(&sc, 15.4, ids, due);
	check(n == 0, "still held just before");
	n = round_at(&sc, 15.5, ids, due);
	check(n == 1 && due[0] == (1u << K_FULL), "due once the hold is over");
	sched_served(&sc, 1, K_SETTINGS, 20.0, 0);
	sched_mark(&sc, 1, K_SETTINGS);
	n = (unsigned int)sched_wait_ms(&sc, 20.0);
	check(n >= 10 && n <= 11, "a short service: held for the kind's minimum gap (10 ms)");
	sched_served(&sc, 1, K_FULL, 31.0, 1.0);
	sched_mark(&sc, 1, K_FULL);
	sched_unhold(&sc, 1, K_FULL);
	n = round_at(&sc, 31.0, ids, due);
	check(n == 1 && (due[0] & (1u << K_FULL)), "released: due at once, whatever its hold");
	sched_hold(&sc, 2, K_FULL, 50.0);
	sched_hold(&sc, 2, K_FULL, 40.0);
	sched_mark(&sc, 2, K_FULL);
	check(sched_wait_ms(&sc, 39.0) == 11001, "a hold only grows");
	sched_fini(&sc);
}

static void test_forget_cancel(void)
{
	struct sched sc;
	uint32_t ids[4], due[4];
	unsigned int n;

	sched_init(&sc, 4, kinds, K_N);
	sched_mark(&sc, 1, K_FULL);
	sched_mark(&sc, 2, K_FULL);
	sched_mark(&sc, 2, K_SETTINGS);
	sched_forget(&sc, 1);
	sched_cancel(&sc, 2, 1u << K_SETTINGS);
	n = round_at(&sc, 1.0, ids, due);
	check(n == 1 && ids[0] == 2 && due[0] == (1u << K_FULL),
	      "a forgotten client is not served, a cancelled kind neither");
	sched_served(&sc, 3, K_FULL, 2.0, 1.0);
	sched_forget(&sc, 3);
	sched_mark(&sc, 3, K_FULL);
	n = round_at(&sc, 2.0, ids, due);
	check(n == 1 && ids[0] == 3, "a forgotten client's holds go too (an id used again)");
	sched_mark(&sc, 9, K_FULL);
	sched_mark(&sc, 1, K_N);
	check(!sched_pending(&sc, 9, K_FULL) && !sched_pending(&sc, 1, K_N) &&
	      round_at(&sc, 3.0, ids, due) == 0, "ids and kinds out of range are ignored");
	sched_fini(&sc);
}

/* Random marks and rounds against a model: every mark is served exactly
 * once (coalesced with the marks before its service), never twice in a
 * round, and the queue never holds a client twice.
 */
static void test_random(void)
{
	enum { N = 16, STEPS = 20000 };
	static const struct sched_kind nogap[K_N] = { { "a", 0 }, { "b", 0 } };
	struct sched sc;
	uint32_t model[N] = { 0 }, id, d, in_round[N];
	unsigned int step, k;
	bool ok = true, once = true;

	srand(7);
	sched_init(&sc, N, nogap, K_N);
	for (step = 0; step < STEPS; step++) {
		if (rand() % 4) {
			id = (uint32_t)(rand() % N);
			k = (unsigned int)(rand() % K_N);
			sched_mark(&sc, id, k);
			model[id] |= 1u << k;
			continue;
		}
		memset(in_round, 0, sizeof(in_round));
		sched_round(&sc);
		while (sched_next(&sc, step, &id, &d)) {
			ok = ok && (d & ~model[id]) == 0;
			model[id] &= ~d;
			once = once && (!d || !in_round[id]++);
			ok = ok && sc.len <= N;
		}
		for (id = 0; id < N; id++)
			ok = ok && model[id] == 0;
	}
	check(ok, "20000 random marks and rounds: each round serves all that is pending, as marked");
	check(once, "... and a client at most once per round");
	sched_fini(&sc);
}

int main(void)
{
	test_coalesce_and_order();
	test_round_robin();
	test_hold();
	test_forget_cancel();
	test_random();
	return failed;
}
