/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Per-VR admission control for the fast path: GCRA buckets shared by all
 * CPUs, with per-CPU credit (the algorithm and the units: struct vr_limit
 * in include/vrouter.h).
 *
 * Concurrency: each bucket is one 64-bit word (its theoretical arrival
 * time), advanced with a compare-and-swap, so frames of one VR handled on
 * several CPUs at once draw from one bucket: the admitted rate is the
 * configured one however the traffic spreads over CPUs.  A CPU takes up
 * to a batch of credit per swap and spends it on its next frames alone
 * (XDP runs with migration off; the credit is per CPU), so most frames
 * of a limited VR neither read the clock nor touch the shared line.  A
 * lost race retries with the value the winner wrote; after VR_ADMIT_TRIES
 * lost races (never seen with 2 CPUs) the frame is policed, erring on the
 * side of the limit.  The two buckets (packets, bytes) are taken one
 * after the other; a frame the byte bucket refuses gives its packet
 * credit back to the CPU, so no bucket over-admits.
 *
 * Needs BPF atomics with cmpxchg: -mcpu=v3 (kernel >= 5.12).
 */
#ifndef VR_ADMISSION_H
#define VR_ADMISSION_H

#include "vrouter.h"

#define VR_ADMIT_TRIES	4

/*
 * One bucket: spend COST ticks of credit (*LOCAL, this CPU's), taking
 * more from the shared bucket (*TAT) when short: at least what is
 * missing, up to BATCH, never more than it has room for.  *NOW is read
 * from the clock the first time it is needed (0 until then).  1 admitted,
 * 0 over the limit (nothing taken).
 */
static __always_inline int vr_take(__u64 *tat, __u64 *local, __u64 cost, __u64 depth,
				   __u64 batch, __u64 *now)
{
	__u64 old, base, room, need, want, prev;
	int i;

	if (*local >= cost) {
		*local -= cost;
		return 1;
	}
	if (!*now)
		*now = bpf_ktime_get_ns() << VR_LIMIT_TICK_SHIFT;
	need = cost - *local;
	want = batch > need ? batch : need;
	old = *(volatile __u64 *)tat;
	for (i = 0; i < VR_ADMIT_TRIES; i++) {
		base = old > *now ? old : *now;
		if (base - *now > depth)
			return 0;
		room = depth - (base - *now);
		if (room < need)
			return 0;
		prev = __sync_val_compare_and_swap(tat, old,
						   base + (want < room ? want : room));
		if (prev == old) {
			*local += (want < room ? want : room) - cost;
			return 1;
		}
		old = prev;
	}
	return 0;
}

/* Is a frame of BYTES bytes within limit L (shared state B, this CPU's
 * credit C)?
 */
static __always_inline int vr_admit(const struct vr_limit *l, struct vr_bucket *b,
				    struct vr_credit *c, __u64 bytes)
{
	__u32 flags = l->flags;
	__u64 now = 0;

	if (c->gen != l->gen) {
		c->gen = l->gen;
		c->pkt = 0;
		c->byte = 0;
	}
	if ((flags & VR_LIMIT_PPS) &&
	    !vr_take(&b->tat_pkt, &c->pkt, l->pkt_cost, l->pkt_depth, l->pkt_batch, &now))
		return 0;
	if ((flags & VR_LIMIT_BPS) &&
	    !vr_take(&b->tat_byte, &c->byte, (bytes * l->byte_cost) >> VR_LIMIT_BYTE_SHIFT,
		     l->byte_depth, l->byte_batch, &now)) {
		if (flags & VR_LIMIT_PPS)
			c->pkt += l->pkt_cost;	/* back to this CPU's credit */
		return 0;
	}
	return 1;
}

#endif /* VR_ADMISSION_H */
