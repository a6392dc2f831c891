// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The admission limit and quota options, shared by add-router and
 * set-router: values checked and merged into a VR's limit or quotas.
 * The limit (vr_limits) is read by the program for every frame, so a
 * change needs no reload.
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

#define BURST_BYTES_MAX	(1ULL << 40)

/* Is any of the N options from FIRST on the command line? */
static bool any_given(const struct vr_args *a, int first, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (a->val[first + i])
			return true;
	return false;
}

bool vr_limit_given(const struct vr_args *a, int first)
{
	return any_given(a, first, LIMIT_N_OPTS);
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
	if (parse_u64_si(s, min, max, out)) {
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
		if (parse_u64_si(burst, 1, UINT32_MAX, &v)) {
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
		if (parse_u64_si(burst_bytes, 64, BURST_BYTES_MAX, &v)) {
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
	vr_limit_default_bursts(&l);
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
	return any_given(a, first, QUOTA_N_OPTS);
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
		if (v && parse_u32_si(v, 1, opts[i].max,
				   (uint32_t *)((char *)q + opts[i].off))) {
			pr_err("%s: '%s' is not a number in 1-%u", opts[i].opt, v, opts[i].max);
			return -EINVAL;
		}
	}
	return 0;
}
