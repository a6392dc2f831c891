/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Per-VR admission control for the fast path: GCRA buckets shared by all
 * CPUs (the algorithm and the units: struct vr_limit in include/vrouter.h).
 *
 * Concurrency: each bucket is one 64-bit word (its theoretical arrival
 * time), advanced with a compare-and-swap, so frames of one VR handled on
 * several CPUs at once draw from one bucket: the admitted rate is the
 * configured one however the traffic spreads over CPUs.  A lost race just
 * retries with the value the winner wrote; after VR_ADMIT_TRIES lost races
 * (never seen with 2 CPUs) the frame is policed, erring on the side of the
 * limit.  The two buckets (packets, bytes) are taken one after the other;
 * a frame the byte bucket refuses gives its packet back (an atomic add),
 * so the packet bucket is exact and the byte bucket never over-admits.
 *
 * Needs BPF atomics with fetch/cmpxchg: -mcpu=v3 (kernel >= 5.12).
 */
#ifndef VR_ADMISSION_H
#define VR_ADMISSION_H

#include "vrouter.h"

#define VR_ADMIT_TRIES	4

/* One GCRA bucket: 1 admitted (TAT advanced by COST), 0 over the limit. */
static __always_inline int vr_gcra(__u64 *tat, __u64 now, __u64 cost, __u64 depth)
{
	__u64 old = *(volatile __u64 *)tat, base, next, prev;
	int i;

	for (i = 0; i < VR_ADMIT_TRIES; i++) {
		base = old > now ? old : now;
		next = base + cost;
		if (next - now > depth)
			return 0;
		prev = __sync_val_compare_and_swap(tat, old, next);
		if (prev == old)
			return 1;
		old = prev;
	}
	return 0;
}

/* Is a frame of BYTES bytes within limit L (bucket state B)? */
static __always_inline int vr_admit(const struct vr_limit *l, struct vr_bucket *b,
				    __u64 bytes)
{
	__u64 now = bpf_ktime_get_ns() << VR_LIMIT_TICK_SHIFT;
	__u32 flags = l->flags;

	if ((flags & VR_LIMIT_PPS) &&
	    !vr_gcra(&b->tat_pkt, now, l->pkt_cost, l->pkt_depth))
		return 0;
	if ((flags & VR_LIMIT_BPS) &&
	    !vr_gcra(&b->tat_byte, now, (bytes * l->byte_cost) >> VR_LIMIT_BYTE_SHIFT,
		     l->byte_depth)) {
		if (flags & VR_LIMIT_PPS)
			__sync_fetch_and_add(&b->tat_pkt, -l->pkt_cost);
		return 0;
	}
	return 1;
}

#endif /* VR_ADMISSION_H */
