// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The converters of include/vr_migrate.h: one entry of an older layout
 * into this one.  NEW_KEY and NEW_VAL come zeroed; 0, 1 to drop, -errno.
 */
#include <stddef.h>
#include <string.h>

#include "vrouter.h"
#include "vr_migrate.h"

int vr_conv_neigh_val_1to2(const void *old_key, const void *old_val,
			   void *new_key, void *new_val)
{
	const struct vr_neigh_val_abi1 *o = old_val;
	struct vr_neigh_val *n = new_val;

	_Static_assert(sizeof(struct vr_neigh_val_abi1) == 8, "ABI 1 vr_neigh value");
	memcpy(new_key, old_key, sizeof(struct vr_neigh_key));	/* key unchanged */
	memcpy(n->mac, o->mac, sizeof(n->mac));
	return 0;		/* src, has_port: derived after the copy (migrate.c) */
}

int vr_conv_stats_2to3(const void *old_key, const void *old_val,
		       void *new_key, void *new_val)
{
	const struct vr_stats_abi2 *o = old_val;
	struct vr_stats *n = new_val;
	int r;

	_Static_assert(sizeof(struct vr_stats_abi2) == 336, "ABI 2 vr_stats value");
	_Static_assert(VR_PASS_MAX >= VR_ABI2_PASS_MAX, "pass reasons are only appended");
	memcpy(new_key, old_key, sizeof(__u32));
	n->rx = o->rx;
	n->fwd = o->fwd;
	for (r = 0; r < VR_ABI2_PASS_MAX; r++)
		n->pass[r] = o->pass[r];
	n->policed = o->policed;
	return 0;		/* the reasons ABI 3 added start at 0 */
}

int vr_conv_router_2to3(const void *old_key, const void *old_val,
			void *new_key, void *new_val)
{
	_Static_assert(offsetof(struct vr_router, uid_base) == VR_ABI2_ROUTER_SIZE,
		       "ABI 3 only appends to vr_router");
	memcpy(new_key, old_key, sizeof(__u32));
	memcpy(new_val, old_val, VR_ABI2_ROUTER_SIZE);
	return 0;
}
