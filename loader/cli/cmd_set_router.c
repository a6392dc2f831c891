// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * set-router: change a VR at run time: its admission limit and quotas
 * (options of limit_opts.c), --reattach to NICs made again, --fast-path.
 * Every value is checked before anything is written.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/maps.h"
#include "core/quota.h"
#include "core/router.h"

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
