// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit test of loader/lib/connguard (the exporter's guard against slow
 * clients), with times and descriptors given by the test: the limit per
 * address and in all, who is replaced at a limit (the one waiting
 * longest; never one being served), the time limits of waiting and
 * serving, closing.  One "ok - ..." or "not ok - ..." line per check;
 * exits 1 if any failed.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "lib/connguard.h"

static int failed;

static void check(bool cond, const char *what)
{
	printf("%sok - connguard: %s\n", cond ? "" : "not ", what);
	if (!cond)
		failed = 1;
}

static struct sockaddr_in v4(uint8_t last)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(40000) };

	sa.sin_addr.s_addr = htonl(0xc6120000u | last);	/* 198.18.0.LAST */
	return sa;
}

#define SA(x) ((struct sockaddr *)&(x))

static void test_per_address(void)
{
	struct conn_guard g;
	struct sockaddr_in a = v4(1), b = v4(2);
	int i, ev, rc;
	bool all = true;

	guard_init(&g);
	for (i = 0; i < GUARD_PER_ADDR; i++) {
		rc = guard_admit(&g, 10 + i, SA(a), 1.0 + i, &ev);
		all = all && rc == 0 && ev == -1;
	}
	check(all && guard_count(&g, SA(a)) == GUARD_PER_ADDR, "an address's first 4 connections admitted");
	rc = guard_admit(&g, 20, SA(a), 9.0, &ev);
	check(rc == 0 && ev == 10 && guard_count(&g, SA(a)) == GUARD_PER_ADDR,
	      "its 5th replaces the one that waited longest");
	guard_serving(&g, 11, 9.5);
	rc = guard_admit(&g, 21, SA(a), 9.6, &ev);
	check(rc == 0 && ev == 12, "... never one being served");
	guard_serving(&g, 13, 9.7);
	guard_serving(&g, 20, 9.7);
	guard_serving(&g, 21, 9.7);
	rc = guard_admit(&g, 22, SA(a), 9.8, &ev);
	check(rc == -EBUSY && ev == -1, "all 4 being served: the next refused");
	rc = guard_admit(&g, 30, SA(b), 9.8, &ev);
	check(rc == 0 && ev == -1, "another address is not held up by it");
	guard_closed(&g, 10);
	guard_closed(&g, 12);
	guard_closed(&g, 11);
	check(guard_count(&g, SA(a)) == 3 && guard_count(&g, NULL) == 4,
	      "closed connections count no more (the replaced ones neither once shut down)");
}

static void test_total(void)
{
	struct conn_guard g;
	struct sockaddr_in a;
	int i, ev, rc;
	bool all = true;

	guard_init(&g);
	for (i = 0; i < GUARD_MAX; i++) {
		a = v4((uint8_t)(i + 1));
		rc = guard_admit(&g, 100 + i, SA(a), 50.0 - i * 0.1, &ev);
		all = all && rc == 0 && ev == -1;
	}
	check(all && guard_count(&g, NULL) == GUARD_MAX, "64 addresses, one connection each");
	a = v4(200);
	rc = guard_admit(&g, 300, SA(a), 60.0, &ev);
	check(rc == 0 && ev == 100 + GUARD_MAX - 1,
	      "at 64 in all, a new address replaces the connection that waited longest");
}

static void test_times(void)
{
	struct conn_guard g;
	struct sockaddr_in a = v4(1);
	int ev, fds[8];
	unsigned int n;

	guard_init(&g);
	guard_admit(&g, 10, SA(a), 100.0, &ev);
	guard_admit(&g, 11, SA(a), 100.0, &ev);
	check(guard_next(&g, 101.0) == GUARD_WAIT_S - 1.0, "time left: 5 s of waiting from the start");
	guard_serving(&g, 11, 102.0);
	n = guard_expired(&g, 104.9, fds, 8);
	check(n == 0, "nothing expires before its time");
	n = guard_expired(&g, 105.0, fds, 8);
	check(n == 1 && fds[0] == 10, "waiting 5 s for a request (slow headers): expired");
	check(guard_expired(&g, 105.0, fds, 8) == 0, "... named once");
	guard_waiting(&g, 11, 110.0);
	n = guard_expired(&g, 114.0, fds, 8);
	check(n == 0, "a response sent: 5 s more for the next request");
	guard_serving(&g, 11, 114.0);
	n = guard_expired(&g, 124.0, fds, 8);
	check(n == 1 && fds[0] == 11, "serving 10 s (a slow reader): expired");
	check(guard_next(&g, 124.0) < 0, "nothing left to wait for");
}

int main(void)
{
	test_per_address();
	test_total();
	test_times();
	return failed;
}
