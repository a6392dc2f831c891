// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * set-router: a VR's admission limit (vr_limits), changed at run time; the
 * program reads it for every frame, so nothing is reloaded.  The same
 * options are accepted by add-router.
 *
 *   --rate-pps N|none      packets per second (1..1e9)
 *   --rate-bps N|none      bits per second (1000..1e15), Ethernet frame
 *                          without FCS, as XDP sees it
 *   --burst N              packets admitted back to back after idle
 *   --burst-bytes N        bytes admitted back to back after idle
 *
 * Options not given keep their value.  `none` removes that limit (and its
 * burst); 0 is refused: a rate of 0 would admit nothing, which is not what
 * anyone removing a limit means.  A rate set without a burst, and none
 * set before, gets 10 ms worth (at least 1 packet / 1514 bytes).  Every
 * write of a limit empties the VR's bucket (full credit: the new limit
 * starts with its burst).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <bpf/bpf.h>

#include "cli.h"
#include "core/maps.h"
#include "core/quota.h"
#include "core/router.h"

#define BURST_BYTES_MAX	(1ULL << 40)

bool vr_limit_given(const struct vr_args *a, int first)
{
	int i;

	for (i = 0; i < LIMIT_N_OPTS; i++)
		if (a->val[first + i])
			return true;
	return false;
}

/* "none" -> 0; a number in [MIN, MAX] -> it; else the error line. */
static int rate_arg(const char *opt, const char *s, uint64_t min, uint64_t max,
		    const char *unit, uint64_t *out)
{
	if (!strcmp(s, "none")) {
		*out = 0;
		return 0;
	}
	if (!strcmp(s, "0")) {
		pr_err("%s 0 would admit nothing; '%s none' removes the limit", opt, opt);
		return -EINVAL;
	}
	if (parse_u64(s, min, max, out)) {
		pr_err("%s: '%s' is not a rate in %llu-%llu %s, or 'none'", opt, s,
		       (unsigned long long)min, (unsigned long long)max, unit);
		return -EINVAL;
	}
	return 0;
}

int vr_limit_merge(const struct vr_args *a, int first, const struct vr_limit *cur,
		   struct vr_limit *out)
{
	const char *rate_pps = a->val[first + LIMIT_RATE_PPS];
	const char *rate_bps = a->val[first + LIMIT_RATE_BPS];
	const char *burst = a->val[first + LIMIT_BURST];
	const char *burst_bytes = a->val[first + LIMIT_BURST_BYTES];
	struct vr_limit l = *cur;
	uint64_t v;
	int err;

	if (rate_pps) {
		err = rate_arg("--rate-pps", rate_pps, 1, VR_LIMIT_PPS_MAX, "packets/s", &v);
		if (err)
			return err;
		l.rate_pps = v;
		if (!v)
			l.burst = 0;
	}
	if (rate_bps) {
		err = rate_arg("--rate-bps", rate_bps, VR_LIMIT_BPS_MIN, VR_LIMIT_BPS_MAX,
			       "bits/s", &v);
		if (err)
			return err;
		l.rate_bps = v;
		if (!v)
			l.burst_bytes = 0;
	}
	if (burst) {
		if (parse_u64(burst, 1, UINT32_MAX, &v)) {
			pr_err("--burst: '%s' is not a number of packets in 1-%u", burst,
			       UINT32_MAX);
			return -EINVAL;
		}
		if (!l.rate_pps) {
			pr_err("--burst goes with a packet rate (--rate-pps)");
			return -EINVAL;
		}
		l.burst = (uint32_t)v;
	}
	if (burst_bytes) {
		if (parse_u64(burst_bytes, 64, BURST_BYTES_MAX, &v)) {
			pr_err("--burst-bytes: '%s' is not a number of bytes in 64-%llu",
			       burst_bytes, BURST_BYTES_MAX);
			return -EINVAL;
		}
		if (!l.rate_bps) {
			pr_err("--burst-bytes goes with a bit rate (--rate-bps)");
			return -EINVAL;
		}
		l.burst_bytes = v;
	}
	/* Defaults: 10 ms worth. */
	if (l.rate_pps && !l.burst)
		l.burst = l.rate_pps >= 100 ? (uint32_t)((l.rate_pps + 99) / 100) : 1;
	if (l.rate_bps && !l.burst_bytes) {
		l.burst_bytes = (l.rate_bps + 799) / 800;
		if (l.burst_bytes < 1514)
			l.burst_bytes = 1514;
	}
	if (vr_limit_derive(&l)) {
		if (l.rate_pps && !(l.flags & VR_LIMIT_PPS))
			pr_err("--burst %u is too large for --rate-pps %llu (more than %llu s of traffic)",
			       l.burst, (unsigned long long)l.rate_pps,
			       (VR_LIMIT_DEPTH_MAX >> VR_LIMIT_TICK_SHIFT) / 1000000000ULL);
		else
			pr_err("--burst-bytes %llu is too large for --rate-bps %llu (more than %llu s of traffic)",
			       (unsigned long long)l.burst_bytes, (unsigned long long)l.rate_bps,
			       (VR_LIMIT_DEPTH_MAX >> VR_LIMIT_TICK_SHIFT) / 1000000000ULL);
		return -EINVAL;
	}
	*out = l;
	return 0;
}

bool vr_quota_given(const struct vr_args *a, int first)
{
	int i;

	for (i = 0; i < QUOTA_N_OPTS; i++)
		if (a->val[first + i])
			return true;
	return false;
}

int vr_quota_merge(const struct vr_args *a, int first, struct vr_quota *q)
{
	static const struct { const char *opt; uint32_t max; size_t off; } opts[] = {
		[QUOTA_NEIGH] = { "--quota-neigh", VR_MAX_NEIGH, offsetof(struct vr_quota, neigh) },
		[QUOTA_ROUTES] = { "--quota-routes", VR_QUOTA_ROUTES_MAX,
				   offsetof(struct vr_quota, routes) },
		[QUOTA_MACS] = { "--quota-macs", VR_MAX_MACS, offsetof(struct vr_quota, macs) },
	};
	const char *v;
	int i;

	for (i = 0; i < QUOTA_N_OPTS; i++) {
		v = a->val[first + i];
		if (v && parse_u32(v, 1, opts[i].max,
				   (uint32_t *)((char *)q + opts[i].off))) {
			pr_err("%s: '%s' is not a number in 1-%u", opts[i].opt, v, opts[i].max);
			return -EINVAL;
		}
	}
	return 0;
}

/* set-router's quotas for VR ID (record REC): checked against what the VR
 * has and what the others' quotas leave, then written into its record.
 */
static int set_quota(struct vr_ctx *ctx, const struct vr_args *a, uint32_t id,
		     struct vr_router *rec)
{
	struct vr_quota q;
	uint32_t ifindex = 0, n_macs = 0;
	uint8_t mac[VR_ETH_ALEN];
	int err;

	vr_quota_of(rec, &q);
	err = vr_quota_merge(a, SET_QUOTA, &q);
	if (err)
		return err;
	while (!vr_port_next(&ctx->st, id, &ifindex, mac))
		n_macs++;
	if (n_macs > q.macs) {
		pr_err("VR %s has %u NICs: a MAC quota of %u is below that", rec->name,
		       n_macs, q.macs);
		return -EINVAL;
	}
	err = vr_quota_check(&ctx->st, id, rec->name, &q);
	if (err)
		return err;
	rec->quota_neigh = q.neigh;
	rec->quota_routes = q.routes;
	rec->quota_macs = q.macs;
	err = vr_router_write(&ctx->st, id, rec);
	if (err)
		pr_err("cannot write the record of VR %s: %s", rec->name, strerror(-err));
	return err;
}

/* The operator's fast-path switch: in the record (kept over a re-attach)
 * and on every MAC of the VR.
 */
static int set_fast_path(struct vr_ctx *ctx, uint32_t id, struct vr_router *rec, bool off)
{
	int err;

	rec->slow = off ? VR_SLOW_ADMIN : 0;
	err = vr_router_write(&ctx->st, id, rec);
	if (!err)
		err = vr_router_set_slow(&ctx->st, id, VR_SLOW_ADMIN, off);
	if (err < 0) {
		pr_err("VR %s: cannot switch its fast path %s: %s", rec->name,
		       off ? "off" : "on", strerror(-err));
		return err;
	}
	return 0;
}

/* set-router's limit for VR ID. */
static int set_limit(struct vr_ctx *ctx, const struct vr_args *a, uint32_t id)
{
	struct vr_limit cur, next;
	int err;

	err = vr_limit_read(&ctx->st, id, &cur);
	if (err) {
		pr_err("cannot read map %s: %s", VR_MAP_LIMITS, strerror(-err));
		return err;
	}
	err = vr_limit_merge(a, SET_LIMIT, &cur, &next);
	if (err)
		return err;
	return vr_limit_write(&ctx->st, id, &next);
}

int do_set_router(struct vr_ctx *ctx, const struct vr_args *a)
{
	struct vr_router rec;
	uint32_t id;
	int err;

	if (a->n_pos < 1)
		return vr_usage(ctx, "set-router needs a NAME");
	if (!vr_limit_given(a, SET_LIMIT) && !vr_quota_given(a, SET_QUOTA) &&
	    !a->val[SET_REATTACH] && !a->val[SET_FAST_PATH])
		return vr_usage(ctx, "set-router: nothing to set (--rate-pps, --rate-bps, --burst, "
				"--burst-bytes, --quota-neigh, --quota-routes, --quota-macs, "
				"--reattach, --fast-path)");
	if (a->val[SET_FAST_PATH] && strcmp(a->val[SET_FAST_PATH], "on") &&
	    strcmp(a->val[SET_FAST_PATH], "off"))
		return vr_usage(ctx, "--fast-path: '%s' is not on or off", a->val[SET_FAST_PATH]);
	err = vr_state_open(&ctx->st);
	if (err)
		return err;
	err = vr_router_find_named(ctx, a->pos[0], &id, &rec);
	if (err)
		return err;
	if (rec.state != VR_STATE_READY) {
		pr_err("VR %s is not ready (state %u): finish or delete it first",
		       a->pos[0], rec.state);
		return -EBUSY;
	}
	/* Both checked before either is written: a bad value changes nothing. */
	if (vr_quota_given(a, SET_QUOTA)) {
		struct vr_quota q;

		vr_quota_of(&rec, &q);
		err = vr_quota_merge(a, SET_QUOTA, &q);
		if (err)
			return err;
	}
	if (vr_limit_given(a, SET_LIMIT)) {
		struct vr_limit cur, next;

		if (!vr_limit_read(&ctx->st, id, &cur) &&
		    vr_limit_merge(a, SET_LIMIT, &cur, &next))
			return -EINVAL;
	}
	if (a->val[SET_FAST_PATH]) {
		err = set_fast_path(ctx, id, &rec, !strcmp(a->val[SET_FAST_PATH], "off"));
		if (err)
			return err;
	}
	if (a->val[SET_REATTACH]) {
		err = vr_router_reattach(&ctx->st, id, &rec);
		if (err < 0)
			return err;
		if (!err)
			pr_info("VR %s: every NIC is the one it was made with", rec.name);
	}
	if (vr_quota_given(a, SET_QUOTA)) {
		err = set_quota(ctx, a, id, &rec);
		if (err)
			return err;
	}
	return vr_limit_given(a, SET_LIMIT) ? set_limit(ctx, a, id) : 0;
}
