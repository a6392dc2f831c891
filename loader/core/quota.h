/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Per-VR quotas (include/vrouter.h explains them and their defaults):
 * the ones backed by a map are guarantees, because the sum of all VRs'
 * quotas is kept within the map's size.
 */
#ifndef VR_CORE_QUOTA_H
#define VR_CORE_QUOTA_H

#include <stdbool.h>
#include <stdint.h>

#include "core/state.h"

struct vr_quota {
	uint32_t neigh, routes, macs;
};

/* REC's quotas; 0 in a record reads as the default. */
void vr_quota_of(const struct vr_router *rec, struct vr_quota *q);
/* Q with every 0 replaced by its default. */
void vr_quota_defaults(struct vr_quota *q);
/* Can VR ID (0: a VR being created) have quotas Q, the other VRs keeping
 * theirs?  0, or -ENOSPC / -EINVAL with the error printed (NAME names it).
 */
int vr_quota_check(struct vr_state *st, uint32_t id, const char *name,
		   const struct vr_quota *q);
/* The number of vr_neigh entries of VR ID, or -errno. */
int vr_neigh_count(struct vr_state *st, uint32_t id);

/* What every VR uses (usage.c), indexed by VR id: its vr_neigh entries,
 * its vr_ports entries (NICs: the macs quota) and the routes in its host
 * table (routes_ok false: the dump failed, routes unknown); and whether
 * its fast path is off (its vr_macs entries' slow).
 */
struct vr_usage {
	uint32_t neigh[VR_MAX_ROUTERS];
	uint32_t macs[VR_MAX_ROUTERS];
	uint32_t routes[VR_MAX_ROUTERS];
	uint8_t slow[VR_MAX_ROUTERS];	/* VR_SLOW_*: why its fast path is off */
	bool routes_ok;
};
int vr_usage_read(struct vr_state *st, struct vr_usage *u);

#endif /* VR_CORE_QUOTA_H */
