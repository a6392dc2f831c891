// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Per-VR quotas (quota.h). */
#include <errno.h>
#include <string.h>

#include "core/maps.h"
#include "core/quota.h"
#include "lib/log.h"

void vr_quota_defaults(struct vr_quota *q)
{
	if (!q->neigh)
		q->neigh = VR_QUOTA_NEIGH_DEFAULT;
	if (!q->routes)
		q->routes = VR_QUOTA_ROUTES_DEFAULT;
	if (!q->macs)
		q->macs = VR_QUOTA_MACS_DEFAULT;
}

void vr_quota_of(const struct vr_router *rec, struct vr_quota *q)
{
	q->neigh = rec->quota_neigh;
	q->routes = rec->quota_routes;
	q->macs = rec->quota_macs;
	vr_quota_defaults(q);
}

/* One map-backed quota: the others' sum plus WANT within SIZE. */
static int fits(const char *name, const char *what, const char *map, uint64_t others,
		uint32_t want, uint32_t size)
{
	if (others + want <= size)
		return 0;
	pr_err("VR %s: a quota of %u %s does not fit: the other VRs' quotas take %llu of "
	       "%s's %u entries (%llu left); lower theirs first", name, want, what,
	       (unsigned long long)others, map, size,
	       (unsigned long long)(others < size ? size - others : 0));
	return -ENOSPC;
}

int vr_quota_check(struct vr_state *st, uint32_t id, const char *name,
		   const struct vr_quota *q)
{
	uint64_t neigh = 0, macs = 0;
	struct vr_router rec;
	struct vr_quota o;
	uint32_t i = 0;
	int err;

	if (q->routes > VR_QUOTA_ROUTES_MAX) {
		pr_err("VR %s: a route quota of %u is over the most vrctl allows (%d)",
		       name, q->routes, VR_QUOTA_ROUTES_MAX);
		return -EINVAL;
	}
	while (!(err = vr_router_next(st, &i, &rec))) {
		if (i == id)
			continue;
		vr_quota_of(&rec, &o);
		neigh += o.neigh;
		macs += o.macs;
	}
	if (err != -ENOENT) {
		pr_err("cannot read %s: %s", VR_MAP_ROUTERS, strerror(-err));
		return err;
	}
	err = fits(name, "neighbours", VR_MAP_NEIGH, neigh, q->neigh, VR_MAX_NEIGH);
	return err ? err : fits(name, "MACs", VR_MAP_MACS, macs, q->macs, VR_MAX_MACS);
}

int vr_neigh_count(struct vr_state *st, uint32_t id)
{
	struct vr_neigh_key k;
	bool first = true;
	int n = 0, err;

	while (!(err = vr_neigh_next(st, &k, first))) {
		first = false;
		n += k.vr_id == id;
	}
	return err == -ENOENT ? n : err;
}
