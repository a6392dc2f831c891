// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The follower's scheduler (sched.h): a ring of queued clients. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sync/sched.h"

int sched_init(struct sched *sc, uint32_t n, const struct sched_kind *kinds,
	       unsigned int n_kinds)
{
	memset(sc, 0, sizeof(*sc));
	if (n_kinds > SCHED_KINDS_MAX)
		return -EINVAL;
	sc->slot = calloc(n, sizeof(*sc->slot));
	sc->ring = calloc(n, sizeof(*sc->ring));
	if (!sc->slot || !sc->ring) {
		sched_fini(sc);
		return -ENOMEM;
	}
	sc->n = n;
	sc->kinds = kinds;
	sc->n_kinds = n_kinds;
	return 0;
}

void sched_fini(struct sched *sc)
{
	free(sc->slot);
	free(sc->ring);
	memset(sc, 0, sizeof(*sc));
}

static void enqueue(struct sched *sc, uint32_t id)
{
	sc->ring[(sc->head + sc->len) % sc->n] = id;
	sc->len++;
	sc->slot[id].queued = true;
}

void sched_mark(struct sched *sc, uint32_t id, unsigned int kind)
{
	struct sched_slot *s;

	if (id >= sc->n || kind >= sc->n_kinds)
		return;
	s = &sc->slot[id];
	s->pending |= 1u << kind;
	if (!s->queued)
		enqueue(sc, id);
}

bool sched_pending(const struct sched *sc, uint32_t id, unsigned int kind)
{
	return id < sc->n && kind < sc->n_kinds && (sc->slot[id].pending & (1u << kind));
}

void sched_cancel(struct sched *sc, uint32_t id, uint32_t mask)
{
	if (id < sc->n)
		sc->slot[id].pending &= ~mask;	/* dequeued when its turn comes */
}

void sched_forget(struct sched *sc, uint32_t id)
{
	struct sched_slot *s;

	if (id >= sc->n)
		return;
	s = &sc->slot[id];
	s->pending = 0;
	memset(s->not_before, 0, sizeof(s->not_before));
}

void sched_round(struct sched *sc)
{
	sc->round_left = sc->len;
}

static uint32_t due_at(const struct sched *sc, const struct sched_slot *s, double now)
{
	uint32_t due = 0;
	unsigned int k;

	for (k = 0; k < sc->n_kinds; k++)
		if ((s->pending & (1u << k)) && s->not_before[k] <= now)
			due |= 1u << k;
	return due;
}

bool sched_next(struct sched *sc, double now, uint32_t *id, uint32_t *due)
{
	struct sched_slot *s;

	if (!sc->round_left || !sc->len)
		return false;
	sc->round_left--;
	*id = sc->ring[sc->head];
	sc->head = (sc->head + 1) % sc->n;
	sc->len--;
	s = &sc->slot[*id];
	s->queued = false;
	*due = due_at(sc, s, now);
	s->pending &= ~*due;
	if (s->pending)
		enqueue(sc, *id);
	return true;
}

void sched_hold(struct sched *sc, uint32_t id, unsigned int kind, double until)
{
	if (id < sc->n && kind < sc->n_kinds && until > sc->slot[id].not_before[kind])
		sc->slot[id].not_before[kind] = until;
}

void sched_unhold(struct sched *sc, uint32_t id, unsigned int kind)
{
	if (id < sc->n && kind < sc->n_kinds)
		sc->slot[id].not_before[kind] = 0;
}

void sched_served(struct sched *sc, uint32_t id, unsigned int kind, double now, double cost)
{
	double gap;

	if (kind >= sc->n_kinds)
		return;
	gap = cost * SCHED_SHARE;
	if (gap < sc->kinds[kind].min_gap)
		gap = sc->kinds[kind].min_gap;
	sched_hold(sc, id, kind, now + gap);
}

int sched_wait_ms(const struct sched *sc, double now)
{
	double first = INFINITY;
	const struct sched_slot *s;
	unsigned int k;
	uint32_t i;

	for (i = 0; i < sc->len; i++) {
		s = &sc->slot[sc->ring[(sc->head + i) % sc->n]];
		for (k = 0; k < sc->n_kinds; k++)
			if ((s->pending & (1u << k)) && s->not_before[k] < first)
				first = s->not_before[k];
	}
	if (first == INFINITY)
		return -1;
	if (first <= now)
		return 0;
	return (int)((first - now) * 1e3) + 1;	/* rounded up */
}
