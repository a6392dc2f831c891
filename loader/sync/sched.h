/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The follower's scheduler: work deferred on numbered clients (the VRs),
 * by kind (a full pass, a re-read of its settings, ...).  Marking a kind
 * that is already pending changes nothing (coalescing); clients are
 * served in rounds, each client at most once per round, in the order
 * they were first marked (round robin); after a client's kind is served
 * it is not served again before a hold time, at least the kind's minimum
 * gap and SCHED_SHARE times what the service cost, so that no kind of
 * work of one client takes more than 1/SCHED_SHARE of the time.
 * Nothing here knows what the work is (sync/serve.c does); times are
 * seconds of CLOCK_MONOTONIC, given by the caller.
 */
#ifndef VR_SYNC_SCHED_H
#define VR_SYNC_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#define SCHED_KINDS_MAX	16
#define SCHED_SHARE	10

struct sched_kind {
	const char *name;
	double min_gap;			/* s between two services on one client */
};

struct sched_slot {
	uint32_t pending;		/* a bit per kind */
	bool queued;
	double not_before[SCHED_KINDS_MAX];
};

struct sched {
	const struct sched_kind *kinds;
	unsigned int n_kinds;
	uint32_t n;			/* clients 0 .. n-1 */
	struct sched_slot *slot;
	uint32_t *ring;			/* queued clients, each once */
	uint32_t head, len;
	uint32_t round_left;		/* of the round begun */
};

/* N clients, N_KINDS kinds (at most SCHED_KINDS_MAX).  0 or -ENOMEM. */
int sched_init(struct sched *sc, uint32_t n, const struct sched_kind *kinds,
	       unsigned int n_kinds);
void sched_fini(struct sched *sc);

void sched_mark(struct sched *sc, uint32_t id, unsigned int kind);
bool sched_pending(const struct sched *sc, uint32_t id, unsigned int kind);
/* Drop the kinds of MASK from ID's pending work (e.g. done by another). */
void sched_cancel(struct sched *sc, uint32_t id, uint32_t mask);
/* ID is gone: its pending work and hold times too. */
void sched_forget(struct sched *sc, uint32_t id);

/* Begin a round: the clients queued now are its clients. */
void sched_round(struct sched *sc);
/*
 * The round's next client: *ID and *DUE, its kinds due at NOW (taken out
 * of its pending work; 0 if every kind it has pending is held).  A client
 * with work left is queued again, for the next round.  false: the round
 * is over.
 */
bool sched_next(struct sched *sc, double now, uint32_t *id, uint32_t *due);
/* KIND of ID was served, ending at NOW, at a cost of COST seconds (of
 * CPU, its own): held from then on.
 */
void sched_served(struct sched *sc, uint32_t id, unsigned int kind, double now, double cost);
/* Not before UNTIL (if later than its hold already). */
void sched_hold(struct sched *sc, uint32_t id, unsigned int kind, double until);
/* KIND of ID due at once, whatever its hold. */
void sched_unhold(struct sched *sc, uint32_t id, unsigned int kind);
/* Milliseconds until pending work is due: 0 now, -1 none pending. */
int sched_wait_ms(const struct sched *sc, double now);

#endif /* VR_SYNC_SCHED_H */
