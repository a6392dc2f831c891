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

#define BURST_BYTES_MAX	(1ULL << 40)

bool vr_limit_req_empty(const struct vr_limit_req *q)
{
	return !q->rate_pps && !q->rate_bps && !q->burst && !q->burst_bytes;
}

int vr_limit_opt(struct vr_ctx *ctx, struct vr_limit_req *q, int argc, char **argv, int *i)
{
	static const struct { const char *name; size_t off; } opts[] = {
		{ "--rate-pps", offsetof(struct vr_limit_req, rate_pps) },
		{ "--rate-bps", offsetof(struct vr_limit_req, rate_bps) },
		{ "--burst", offsetof(struct vr_limit_req, burst) },
		{ "--burst-bytes", offsetof(struct vr_limit_req, burst_bytes) },
	};
	const char *a = argv[*i], *v;
	const char **slot;
	size_t k, len;

	for (k = 0; k < sizeof(opts) / sizeof(opts[0]); k++) {
		len = strlen(opts[k].name);
		if (strncmp(a, opts[k].name, len) || (a[len] && a[len] != '='))
			continue;
		if (a[len] == '=') {
			v = a + len + 1;
		} else {
			if (*i + 1 >= argc)
				return vr_usage(ctx, "%s needs a value", opts[k].name);
			v = argv[++*i];
		}
		slot = (const char **)((char *)q + opts[k].off);
		if (*slot)
			return vr_usage(ctx, "%s given twice", opts[k].name);
		*slot = v;
		return 1;
	}
	return 0;
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

int vr_limit_merge(const struct vr_limit_req *q, const struct vr_limit *cur,
		   struct vr_limit *out)
{
	struct vr_limit l = *cur;
	uint64_t v;
	int err;

	if (q->rate_pps) {
		err = rate_arg("--rate-pps", q->rate_pps, 1, VR_LIMIT_PPS_MAX, "packets/s", &v);
		if (err)
			return err;
		l.rate_pps = v;
		if (!v)
			l.burst = 0;
	}
	if (q->rate_bps) {
		err = rate_arg("--rate-bps", q->rate_bps, VR_LIMIT_BPS_MIN, VR_LIMIT_BPS_MAX,
			       "bits/s", &v);
		if (err)
			return err;
		l.rate_bps = v;
		if (!v)
			l.burst_bytes = 0;
	}
	if (q->burst) {
		if (parse_u64(q->burst, 1, UINT32_MAX, &v)) {
			pr_err("--burst: '%s' is not a number of packets in 1-%u", q->burst,
			       UINT32_MAX);
			return -EINVAL;
		}
		if (!l.rate_pps) {
			pr_err("--burst goes with a packet rate (--rate-pps)");
			return -EINVAL;
		}
		l.burst = (uint32_t)v;
	}
	if (q->burst_bytes) {
		if (parse_u64(q->burst_bytes, 64, BURST_BYTES_MAX, &v)) {
			pr_err("--burst-bytes: '%s' is not a number of bytes in 64-%llu",
			       q->burst_bytes, BURST_BYTES_MAX);
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

int do_set_router(struct vr_ctx *ctx, int argc, char **argv)
{
	struct vr_limit_req q = {};
	struct vr_limit cur, next;
	struct vr_router rec;
	const char *name = NULL;
	uint32_t id;
	int i, err;

	for (i = 1; i < argc; i++) {
		err = vr_limit_opt(ctx, &q, argc, argv, &i);
		if (err < 0)
			return err;
		if (err)
			continue;
		if (argv[i][0] == '-')
			return vr_usage(ctx, "set-router: unknown option '%s'", argv[i]);
		if (name)
			return vr_usage(ctx, "set-router: unexpected argument '%s'", argv[i]);
		name = argv[i];
	}
	if (!name)
		return vr_usage(ctx, "set-router needs a NAME");
	if (vr_limit_req_empty(&q))
		return vr_usage(ctx, "set-router: nothing to set (--rate-pps, --rate-bps, --burst, --burst-bytes)");
	err = vr_state_open(&ctx->st);
	if (err)
		return err;
	err = vr_router_find_named(ctx, name, &id, &rec);
	if (err)
		return err;
	if (rec.state != VR_STATE_READY) {
		pr_err("VR %s is not ready (state %u): finish or delete it first", name, rec.state);
		return -EBUSY;
	}
	err = vr_limit_read(&ctx->st, id, &cur);
	if (err) {
		pr_err("cannot read map %s: %s", VR_MAP_LIMITS, strerror(-err));
		return err;
	}
	err = vr_limit_merge(&q, &cur, &next);
	if (err)
		return err;
	return vr_limit_write(&ctx->st, id, &next);
}
