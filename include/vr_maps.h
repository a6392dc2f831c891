/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The pinned maps, listed once, for user space (vrctl, the tests, the
 * bench): id, pin name, BPF map type, key, value, max_entries.  Every
 * table, fd array and check in loader/core is derived from this list, so
 * adding a map is one row here plus its definition in bpf/vrouter.bpf.c
 * (same name, type, key, value and size: vrctl refuses a pinned map whose
 * layout differs from its row).  The struct layouts are in vrouter.h.
 *
 * Changing a row's key, value, type or size, adding or removing a row:
 * bump VR_ABI_VERSION (vrouter.h) and add the old layout's rows to
 * vr_migrate.h (a copy, or a converter from the old entry to the new one),
 * so that `vrctl upgrade` moves a running system to the new layout.
 */
#ifndef VR_MAPS_H
#define VR_MAPS_H

#include <linux/bpf.h>		/* BPF_MAP_TYPE_*, struct bpf_devmap_val */

#include "vrouter.h"

#define VR_MAP_LIST(X)								\
	X(MACS,     VR_MAP_MACS,     BPF_MAP_TYPE_HASH,          struct vr_mac_key,   struct vr_mac_val,      VR_MAX_MACS)    \
	X(PORTS,    VR_MAP_PORTS,    BPF_MAP_TYPE_HASH,          struct vr_port_key,  struct vr_port_val,     VR_MAX_PORTS)   \
	X(NEIGH,    VR_MAP_NEIGH,    BPF_MAP_TYPE_HASH,          struct vr_neigh_key, struct vr_neigh_val,    VR_MAX_NEIGH)   \
	X(TX,       VR_MAP_TX,       BPF_MAP_TYPE_DEVMAP_HASH,   __u32,               struct bpf_devmap_val,  VR_MAX_IFACES)  \
	X(STATS,    VR_MAP_STATS,    BPF_MAP_TYPE_PERCPU_ARRAY,  __u32,               struct vr_stats,        VR_MAX_ROUTERS) \
	X(NICSTATS, VR_MAP_NICSTATS, BPF_MAP_TYPE_PERCPU_HASH,   __u32,               struct vr_nic_stats,    VR_MAX_IFACES)  \
	X(ROUTERS,  VR_MAP_ROUTERS,  BPF_MAP_TYPE_ARRAY,         __u32,               struct vr_router,       VR_MAX_ROUTERS) \
	X(LIMITS,   VR_MAP_LIMITS,   BPF_MAP_TYPE_ARRAY,         __u32,               struct vr_limit,        VR_MAX_ROUTERS) \
	X(BUCKETS,  VR_MAP_BUCKETS,  BPF_MAP_TYPE_ARRAY,         __u32,               struct vr_bucket,       VR_MAX_ROUTERS) \
	X(CREDITS,  VR_MAP_CREDITS,  BPF_MAP_TYPE_PERCPU_ARRAY,  __u32,               struct vr_credit,       VR_MAX_ROUTERS) \
	X(SYSCTLS,  VR_MAP_SYSCTLS,  BPF_MAP_TYPE_HASH,          struct vr_sysctl_key, struct vr_sysctl_val,  VR_MAX_SYSCTLS) \
	X(TRACE,    VR_MAP_TRACE,    BPF_MAP_TYPE_RINGBUF,       struct vr_none,      struct vr_none,         VR_TRACE_RING_SIZE) \
	X(TRACECTL, VR_MAP_TRACECTL, BPF_MAP_TYPE_ARRAY,         __u32,               struct vr_trace_ctl,    1)              \
	X(TRACEBKT, VR_MAP_TRACEBKT, BPF_MAP_TYPE_PERCPU_ARRAY,  __u32,               struct vr_trace_bkt,    1)              \
	X(HEALTH,   VR_MAP_HEALTH,   BPF_MAP_TYPE_ARRAY,         __u32,               struct vr_sync_health,  1)              \
	X(ABI,      VR_MAP_ABI,      BPF_MAP_TYPE_ARRAY,         __u32,               struct vr_abi,          1)              \
	X(MACSGEN,  VR_MAP_MACSGEN,  BPF_MAP_TYPE_ARRAY,         __u32,               struct vr_macs_gen,     1)

/* VRM_MACS, VRM_PORTS, ...: indexes of vr_maps[] and vr_state.fd[]. */
enum vr_map_id {
#define VR_MAP_ID(id, name, type, key, value, max) VRM_##id,
	VR_MAP_LIST(VR_MAP_ID)
#undef VR_MAP_ID
	VRM_COUNT
};

struct vr_map_desc {
	const char *name;
	__u32 type, key_size, value_size, max_entries;
};

/* The list as a table (loader/core/state.c). */
extern const struct vr_map_desc vr_maps[VRM_COUNT];

#endif /* VR_MAPS_H */
