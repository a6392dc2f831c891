// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Admission limits (vr_limits, vr_buckets; the algorithm is described in
 * include/vrouter.h): the arithmetic that turns a rate and a burst into
 * the program's ticks, and the write that starts a new limit.
 */
#include <errno.h>
#include <string.h>

#include <bpf/bpf.h>

#include "core/maps.h"
#include "lib/log.h"

/* Fill the derived fields of L from rate_pps, rate_bps, burst and
 * burst_bytes (and set flags); gen is the writer's business.
 */
int vr_limit_derive(struct vr_limit *l)
{
	const unsigned __int128 tick_s = 1000000000ULL << VR_LIMIT_TICK_SHIFT;
	unsigned __int128 d;

	l->flags = 0;
	l->pkt_cost = l->pkt_depth = l->byte_cost = l->byte_depth = 0;
	l->pkt_batch = l->byte_batch = 0;
	if (l->rate_pps) {
		if (l->rate_pps > VR_LIMIT_PPS_MAX || !l->burst)
			return -EINVAL;
		l->pkt_cost = (__u64)(tick_s / l->rate_pps);
		d = (unsigned __int128)l->burst * tick_s / l->rate_pps;
		if (d > VR_LIMIT_DEPTH_MAX)
			return -EINVAL;
		l->pkt_depth = (__u64)d;
		l->pkt_batch = l->burst / 8 < VR_LIMIT_BATCH ? l->burst / 8 : VR_LIMIT_BATCH;
		l->pkt_batch = (l->pkt_batch ? l->pkt_batch : 1) * l->pkt_cost;
		l->flags |= VR_LIMIT_PPS;
	}
	if (l->rate_bps) {
		if (l->rate_bps < VR_LIMIT_BPS_MIN || l->rate_bps > VR_LIMIT_BPS_MAX ||
		    !l->burst_bytes)
			return -EINVAL;
		l->byte_cost = (__u64)((tick_s * 8 << VR_LIMIT_BYTE_SHIFT) / l->rate_bps);
		d = (unsigned __int128)l->burst_bytes * 8 * tick_s / l->rate_bps;
		if (d > VR_LIMIT_DEPTH_MAX)
			return -EINVAL;
		l->byte_depth = (__u64)d;
		d = (unsigned __int128)VR_LIMIT_BATCH * VR_LIMIT_BATCH_FRAME * l->byte_cost >>
		    VR_LIMIT_BYTE_SHIFT;
		l->byte_batch = d < l->byte_depth / 8 ? (__u64)d : l->byte_depth / 8;
		l->flags |= VR_LIMIT_BPS;
	}
	return 0;
}

void vr_limit_default_bursts(struct vr_limit *l)
{
	if (l->rate_pps && !l->burst)
		l->burst = l->rate_pps >= 100 ? (uint32_t)((l->rate_pps + 99) / 100) : 1;
	if (l->rate_bps && !l->burst_bytes) {
		l->burst_bytes = (l->rate_bps + 799) / 800;
		if (l->burst_bytes < 1514)
			l->burst_bytes = 1514;
	}
}

int vr_limit_read(struct vr_state *st, uint32_t id, struct vr_limit *l)
{
	if (bpf_map_lookup_elem(st->fd[VRM_LIMITS], &id, l)) {
		memset(l, 0, sizeof(*l));
		return -errno;
	}
	return 0;
}

int vr_limit_write(struct vr_state *st, uint32_t id, const struct vr_limit *l)
{
	struct vr_limit next = *l, cur;
	struct vr_bucket zero;
	int err;

	memset(&zero, 0, sizeof(zero));
	/* A new generation: CPUs drop credit taken under the old limit. */
	if (!bpf_map_lookup_elem(st->fd[VRM_LIMITS], &id, &cur))
		next.gen = cur.gen + 1;
	/* Bucket first: the new limit starts with its full burst. */
	if (bpf_map_update_elem(st->fd[VRM_BUCKETS], &id, &zero, BPF_ANY) ||
	    bpf_map_update_elem(st->fd[VRM_LIMITS], &id, &next, BPF_ANY)) {
		err = -errno;
		pr_err("cannot write map %s: %s", VR_MAP_LIMITS, strerror(-err));
		return err;
	}
	return 0;
}
