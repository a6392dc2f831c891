// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The guard on a server's connections (connguard.h): a small array. */
#include <errno.h>
#include <string.h>
#include <netinet/in.h>

#include "lib/connguard.h"

void guard_init(struct conn_guard *g)
{
	unsigned int i;

	memset(g, 0, sizeof(*g));
	for (i = 0; i < GUARD_SLOTS; i++)
		g->c[i].fd = -1;
}

/* SA's address as (family, 16 bytes); false if not IPv4 or IPv6. */
static bool addr_of(const struct sockaddr *sa, uint8_t *family, uint8_t addr[16])
{
	memset(addr, 0, 16);
	*family = 0;
	if (!sa)
		return false;
	if (sa->sa_family == AF_INET) {
		memcpy(addr, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6) {
		memcpy(addr, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
	} else {
		return false;
	}
	*family = (uint8_t)sa->sa_family;
	return true;
}

static bool live(const struct guard_conn *c)
{
	return c->fd >= 0 && !c->closing;
}

static bool same_addr(const struct guard_conn *c, uint8_t family, const uint8_t addr[16])
{
	return c->family == family && !memcmp(c->addr, addr, 16);
}

static struct guard_conn *find(struct conn_guard *g, int fd)
{
	unsigned int i;

	for (i = 0; i < GUARD_SLOTS; i++)
		if (g->c[i].fd == fd && fd >= 0)
			return &g->c[i];
	return NULL;
}

unsigned int guard_count(const struct conn_guard *g, const struct sockaddr *sa)
{
	uint8_t family, addr[16];
	bool by_addr = addr_of(sa, &family, addr);
	unsigned int i, n = 0;

	for (i = 0; i < GUARD_SLOTS; i++)
		n += live(&g->c[i]) && (!by_addr || same_addr(&g->c[i], family, addr));
	return n;
}

/* The live waiting connection that has waited longest (of ADDR if
 * FAMILY), or NULL.
 */
static struct guard_conn *longest_waiting(struct conn_guard *g, uint8_t family,
					  const uint8_t addr[16])
{
	struct guard_conn *best = NULL, *c;
	unsigned int i;

	for (i = 0; i < GUARD_SLOTS; i++) {
		c = &g->c[i];
		if (!live(c) || c->serving || (family && !same_addr(c, family, addr)))
			continue;
		if (!best || c->since < best->since)
			best = c;
	}
	return best;
}

int guard_admit(struct conn_guard *g, int fd, const struct sockaddr *sa, double now, int *evict)
{
	struct guard_conn *slot = NULL, *out = NULL;
	uint8_t family, addr[16];
	unsigned int i;

	*evict = -1;
	addr_of(sa, &family, addr);
	if (guard_count(g, sa) >= GUARD_PER_ADDR) {
		out = longest_waiting(g, family, addr);
		if (!out)
			return -EBUSY;
	} else if (guard_count(g, NULL) >= GUARD_MAX) {
		out = longest_waiting(g, 0, addr);
		if (!out)
			return -EBUSY;
	}
	for (i = 0; i < GUARD_SLOTS && !slot; i++)
		if (g->c[i].fd < 0)
			slot = &g->c[i];
	if (!slot)		/* as many being closed as live: wait for them */
		return -EBUSY;
	if (out) {
		out->closing = true;
		*evict = out->fd;
	}
	*slot = (struct guard_conn){ .fd = fd, .family = family, .since = now };
	memcpy(slot->addr, addr, 16);
	return 0;
}

void guard_serving(struct conn_guard *g, int fd, double now)
{
	struct guard_conn *c = find(g, fd);

	if (c && !c->serving) {
		c->serving = true;
		c->since = now;
	}
}

void guard_waiting(struct conn_guard *g, int fd, double now)
{
	struct guard_conn *c = find(g, fd);

	if (c) {
		c->serving = false;
		c->since = now;
	}
}

void guard_closed(struct conn_guard *g, int fd)
{
	struct guard_conn *c = find(g, fd);

	if (c)
		c->fd = -1;
}

static double time_up(const struct guard_conn *c)
{
	return c->since + (c->serving ? GUARD_SERVE_S : GUARD_WAIT_S);
}

unsigned int guard_expired(struct conn_guard *g, double now, int *fds, unsigned int max)
{
	unsigned int i, n = 0;

	for (i = 0; i < GUARD_SLOTS && n < max; i++) {
		if (!live(&g->c[i]) || time_up(&g->c[i]) > now)
			continue;
		g->c[i].closing = true;
		fds[n++] = g->c[i].fd;
	}
	return n;
}

double guard_next(const struct conn_guard *g, double now)
{
	double first = -1, t;
	unsigned int i;

	for (i = 0; i < GUARD_SLOTS; i++) {
		if (!live(&g->c[i]))
			continue;
		t = time_up(&g->c[i]) - now;
		if (t < 0)
			t = 0;
		if (first < 0 || t < first)
			first = t;
	}
	return first;
}
