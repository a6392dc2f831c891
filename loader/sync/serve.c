// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The follower's deferred work on a VR (sync.h, enum sync_dirty): what
 * each kind does, how soon it may run again, and the rounds that serve
 * it, on the scheduler of sched.h.
 *
 * Why deferred: one event of a VR can ask for work far larger than the
 * event (a netconf event: its settings read again; lost events: a full
 * pass of its tables).  Done at once, a tenant's flood of such events is
 * as many re-reads; marked, it is one per round, and a kind of work of
 * one VR takes at most 1/SCHED_SHARE of the follower's time (held after
 * each service for SCHED_SHARE times the CPU it cost, and at least the
 * kind's minimum gap).  Between VRs, and within long work (the dumps
 * of a full pass of a VR with 20,000 multipath routes take a quarter of
 * a second and more), the other VRs' events are served
 * (sync_follow_yield()).
 */
#include <errno.h>
#include <stdlib.h>

#include "sync.h"
#include "sync/sched.h"

/* Full passes after a carrier change: 20 ms after it, then doubling, at
 * most 100 ms apart.
 */
#define CARRIER_FIRST_MS	20
#define CARRIER_MAX_MS		100

struct serve_kind {
	struct sched_kind k;
	void (*serve)(struct sync_vr *vr, struct sync_served *out);
	bool in_full;			/* a full pass does it too */
};

static void serve_full(struct sync_vr *vr, struct sync_served *out)
{
	struct sched *sc = vr->s->sched;
	unsigned int next;

	out->passes++;
	vr->pass_err = sync_vr_full_pass(vr);
	vr->passed = true;
	out->failed += vr->pass_err || vr->failed;
	if (vr->resync)		/* changed while read: once more */
		sched_mark(sc, vr->id, SYNC_DIRTY_FULL);
	/* The kernel acts on a carrier change in steps (the NIC, then the
	 * macvlans stacked on it and their next hops, deferred by
	 * linkwatch, which batches up to a second): look again, often,
	 * for about a second.
	 */
	if (vr->carrier_passes) {
		vr->carrier_passes--;
		next = SYNC_CARRIER_PASSES - 1 - vr->carrier_passes;
		next = next < 3 ? CARRIER_FIRST_MS << next : CARRIER_MAX_MS;
		sched_mark(sc, vr->id, SYNC_DIRTY_FULL);
		sched_hold(sc, vr->id, SYNC_DIRTY_FULL, sync_now() + next / 1e3);
	}
}

static void serve_settings(struct sync_vr *vr, struct sync_served *out)
{
	sync_rpf_pass(vr);
}

static void serve_rules(struct sync_vr *vr, struct sync_served *out)
{
	if (sync_rules_pass(vr))
		sched_mark(vr->s->sched, vr->id, SYNC_DIRTY_FULL);	/* could not read them */
}

static void serve_quota(struct sync_vr *vr, struct sync_served *out)
{
	sync_routes_requota(vr);
}

static void serve_neigh(struct sync_vr *vr, struct sync_served *out)
{
	sync_neigh_pass(vr);
}

/* Minimum gaps: a tenant's flood of one kind costs at most one service
 * per 10 ms (and its log lines as many).
 */
static const struct serve_kind kinds[SYNC_DIRTY_MAX] = {
	[SYNC_DIRTY_FULL] = { { "full pass", 0 }, serve_full, false },
	[SYNC_DIRTY_SETTINGS] = { { "settings", 0.01 }, serve_settings, true },
	[SYNC_DIRTY_RULES] = { { "rules", 0.01 }, serve_rules, true },
	[SYNC_DIRTY_QUOTA] = { { "route quota", 0.01 }, serve_quota, true },
	[SYNC_DIRTY_NEIGH] = { { "neighbours", 0.01 }, serve_neigh, true },
};

static struct sched_kind sched_kinds[SYNC_DIRTY_MAX];

bool sync_dirty(struct sync_vr *vr, enum sync_dirty kind)
{
	bool was;

	if (!vr->s->sched) {
		was = vr->resync;
		if (kind == SYNC_DIRTY_FULL)
			vr->resync = true;
		return kind == SYNC_DIRTY_FULL && !was;
	}
	was = sched_pending(vr->s->sched, vr->id, kind);
	sched_mark(vr->s->sched, vr->id, kind);
	return !was;
}

void sync_dirty_now(struct sync_vr *vr, enum sync_dirty kind)
{
	sync_dirty(vr, kind);
	if (vr->s->sched)
		sched_unhold(vr->s->sched, vr->id, kind);
}

int sync_serve_init(struct sync *s)
{
	unsigned int k;
	int err;

	for (k = 0; k < SYNC_DIRTY_MAX; k++)
		sched_kinds[k] = kinds[k].k;
	s->sched = calloc(1, sizeof(*s->sched));
	if (!s->sched)
		return -ENOMEM;
	err = sched_init(s->sched, VR_MAX_ROUTERS, sched_kinds, SYNC_DIRTY_MAX);
	if (err) {
		free(s->sched);
		s->sched = NULL;
	}
	return err;
}

void sync_serve_fini(struct sync *s)
{
	if (!s->sched)
		return;
	sched_fini(s->sched);
	free(s->sched);
	s->sched = NULL;
}

void sync_serve_forget(struct sync *s, uint32_t id)
{
	if (s->sched)
		sched_forget(s->sched, id);
}

int sync_serve_wait_ms(struct sync *s)
{
	return sched_wait_ms(s->sched, sync_now());
}

static uint32_t covered_by_full(void)
{
	uint32_t mask = 0;
	unsigned int k;

	for (k = 0; k < SYNC_DIRTY_MAX; k++)
		if (kinds[k].in_full)
			mask |= 1u << k;
	return mask;
}

/* The kinds of DUE, in the table's order (a full pass first). */
static void serve_vr(struct sync_vr *vr, uint32_t due, struct sync_served *out)
{
	struct sched *sc = vr->s->sched;
	double cpu0, others0;
	unsigned int k;

	for (k = 0; k < SYNC_DIRTY_MAX; k++) {
		if (!(due & (1u << k)))
			continue;
		cpu0 = sync_cpu_now();
		others0 = vr->s->yield_cpu;
		vr->s->busy = vr;
		kinds[k].serve(vr, out);
		sync_batch_flush(vr->s);	/* its requests too, yielding */
		vr->s->busy = NULL;
		/* Its cost: the CPU it took, not the others' events served
		 * meanwhile nor the time other processes had the CPU.
		 */
		sched_served(sc, vr->id, k, sync_now(),
			     sync_cpu_now() - cpu0 - (vr->s->yield_cpu - others0));
		if (k == SYNC_DIRTY_FULL) {
			sched_cancel(sc, vr->id, covered_by_full());
			due &= ~covered_by_full();
		}
	}
}

void sync_serve_round(struct sync *s, struct sync_served *out)
{
	struct sync_vr *vr;
	uint32_t id, due;

	sched_round(s->sched);
	while (sched_next(s->sched, sync_now(), &id, &due)) {
		vr = s->vr[id];
		/* Detached: attaching it again marks a full pass. */
		if (!due || !vr || vr->nsfd < 0)
			continue;
		serve_vr(vr, due, out);
		sync_follow_yield(s);
	}
}
