/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The migration table: how the entries of each older layout (ABI) of the
 * pinned maps become entries of this one (vr_maps.h, VR_ABI_VERSION in
 * vrouter.h).  `vrctl upgrade` copies through it into new maps; list,
 * show and stats read an older layout through it (a converted, unpinned
 * copy).  User space only.
 *
 * One row per map of the old layout: its pin name, type, key size, value
 * size and max_entries as they were (numbers, frozen: the structs of
 * vrouter.h move on), the map of this layout its entries go to (VRM_*
 * without the prefix, NONE: dropped), and how:
 *   COPY       the same bytes (vrctl checks that key and value sizes are
 *              equal; a larger max_entries is fine, a smaller one fails
 *              the upgrade if the entries do not fit);
 *   FRESH      started empty (the trace ring and its control);
 *   CONV(fn)   int fn(const void *old_key, const void *old_val,
 *              void *new_key, void *new_val): 0, 1 to drop the entry, or
 *              -errno; called per CPU for per-CPU maps; new_key/new_val
 *              come zeroed.  Converters go in loader/core/migrate_conv.c
 *              (made with the first one), declared at the end of this
 *              file; tests/test_migrate.c shows two.
 * A map of this layout no row names starts empty (vr_abi is written).
 *
 * A layout change (say vr_neigh's key shortened in ABI 3):
 *  1. bump VR_ABI_VERSION to 3 in vrouter.h and change the struct there;
 *  2. copy the old struct here as struct vr_neigh_key_abi2;
 *  3. add VR_ABI2_MAPS below: the rows of ABI 2 as they were (sizeof()
 *     of the old structs, or `bpftool map show pinned` of an ABI-2 pin), with
 *     CONV(vr_conv_neigh_key_2to3) for vr_neigh and COPY for the others;
 *     the rows of ABI 1 change the same way (CONV for the maps whose
 *     layout changed since then; a converter may chain two others);
 *  4. add X(2, VR_ABI2_MAPS) to VR_MIGRATE_FROM and write the converter
 *     in migrate_conv.c (declared below);
 *  5. run tests/cases/92-upgrade.sh with UPGRADE_FROM=<the last ABI-2
 *     commit> UPGRADE_FROM_ABI=2 (it also keeps passing from 8a52a80,
 *     ABI 1, the default).
 */
#ifndef VR_MIGRATE_H
#define VR_MIGRATE_H

#include <linux/bpf.h>

#include "vr_maps.h"

/* ABI 1: commit 8a52a80 and before (no vr_abi map; never released). */
#define VR_ABI1_MAPS(X)								\
	X("vr_macs",        BPF_MAP_TYPE_HASH,          12,  12, 8192,   MACS,     COPY)  \
	X("vr_ports",       BPF_MAP_TYPE_HASH,           8,  24, 8192,   PORTS,    COPY)  \
	X("vr_neigh",       BPF_MAP_TYPE_HASH,          28,   8, 131072, NEIGH,    CONV(vr_conv_neigh_val_1to2)) \
	X("vr_tx_ports",    BPF_MAP_TYPE_DEVMAP_HASH,    4,   8, 256,    TX,       COPY)  \
	X("vr_stats",       BPF_MAP_TYPE_PERCPU_ARRAY,   4, 336, 1024,   STATS,    CONV(vr_conv_stats_2to3)) \
	X("vr_nic_stats",   BPF_MAP_TYPE_PERCPU_HASH,    4,  16, 256,    NICSTATS, COPY)  \
	X("vr_routers",     BPF_MAP_TYPE_ARRAY,          4,  80, 1024,   ROUTERS,  CONV(vr_conv_router_2to3)) \
	X("vr_limits",      BPF_MAP_TYPE_ARRAY,          4,  88, 1024,   LIMITS,   COPY)  \
	X("vr_buckets",     BPF_MAP_TYPE_ARRAY,          4,  64, 1024,   BUCKETS,  COPY)  \
	X("vr_credits",     BPF_MAP_TYPE_PERCPU_ARRAY,   4,  24, 1024,   CREDITS,  COPY)  \
	X("vr_sysctls",     BPF_MAP_TYPE_HASH,          64,  16, 2048,   SYSCTLS,  COPY)  \
	X("vr_trace",       BPF_MAP_TYPE_RINGBUF,        0,   0, 262144, TRACE,    FRESH) \
	X("vr_trace_ctl",   BPF_MAP_TYPE_ARRAY,          4,  16, 1,      TRACECTL, FRESH) \
	X("vr_trace_bkt",   BPF_MAP_TYPE_PERCPU_ARRAY,   4,  40, 1,      TRACEBKT, FRESH) \
	X("vr_sync_health", BPF_MAP_TYPE_ARRAY,          4,  56, 1,      HEALTH,   COPY)

/* ABI 2: after 8a52a80, up to 7f67b40 (released; the last before ABI 3). */
#define VR_ABI2_MAPS(X)								\
	X("vr_macs",        BPF_MAP_TYPE_HASH,          12,  12, 8192,   MACS,     COPY)  \
	X("vr_ports",       BPF_MAP_TYPE_HASH,           8,  24, 8192,   PORTS,    COPY)  \
	X("vr_neigh",       BPF_MAP_TYPE_HASH,          28,  16, 131072, NEIGH,    COPY)  \
	X("vr_tx_ports",    BPF_MAP_TYPE_DEVMAP_HASH,    4,   8, 256,    TX,       COPY)  \
	X("vr_stats",       BPF_MAP_TYPE_PERCPU_ARRAY,   4, 336, 1024,   STATS,    CONV(vr_conv_stats_2to3)) \
	X("vr_nic_stats",   BPF_MAP_TYPE_PERCPU_HASH,    4,  16, 256,    NICSTATS, COPY)  \
	X("vr_routers",     BPF_MAP_TYPE_ARRAY,          4,  80, 1024,   ROUTERS,  CONV(vr_conv_router_2to3)) \
	X("vr_limits",      BPF_MAP_TYPE_ARRAY,          4,  88, 1024,   LIMITS,   COPY)  \
	X("vr_buckets",     BPF_MAP_TYPE_ARRAY,          4,  64, 1024,   BUCKETS,  COPY)  \
	X("vr_credits",     BPF_MAP_TYPE_PERCPU_ARRAY,   4,  24, 1024,   CREDITS,  COPY)  \
	X("vr_sysctls",     BPF_MAP_TYPE_HASH,          64,  16, 2048,   SYSCTLS,  COPY)  \
	X("vr_trace",       BPF_MAP_TYPE_RINGBUF,        0,   0, 262144, TRACE,    FRESH) \
	X("vr_trace_ctl",   BPF_MAP_TYPE_ARRAY,          4,  16, 1,      TRACECTL, FRESH) \
	X("vr_trace_bkt",   BPF_MAP_TYPE_PERCPU_ARRAY,   4,  40, 1,      TRACEBKT, FRESH) \
	X("vr_sync_health", BPF_MAP_TYPE_ARRAY,          4,  56, 1,      HEALTH,   COPY)  \
	X("vr_abi",         BPF_MAP_TYPE_ARRAY,          4,  64, 1,      ABI,      FRESH) \
	X("vr_macs_gen",    BPF_MAP_TYPE_ARRAY,          4,   8, 1,      MACSGEN,  FRESH)

/* Every older ABI vrctl reads and upgrades from: X(abi, rows). */
#define VR_MIGRATE_FROM(X)							\
	X(1, VR_ABI1_MAPS)							\
	X(2, VR_ABI2_MAPS)

/* This layout's maps an upgrade within the same ABI (--force) starts
 * empty rather than copies; every other map is copied.
 */
#define VR_MIG_FRESH_MAPS	((1U << VRM_TRACE) | (1U << VRM_TRACECTL) | (1U << VRM_TRACEBKT))

/* Converters (loader/core/migrate_conv.c). */

/* vr_neigh's value of ABI 1: the next hop's MAC only.  ABI 2 adds the
 * VR's own MAC on the egress NIC (src, has_port), which the copy leaves
 * zero and the migration then derives from vr_ports for every entry.
 */
struct vr_neigh_val_abi1 {
	__u8 mac[6];
	__u8 pad[2];
};
int vr_conv_neigh_val_1to2(const void *old_key, const void *old_val,
			   void *new_key, void *new_val);

/* vr_stats' value of ABIs 1 and 2: 18 pass reasons (ttl .. fast_path_off).
 * ABI 3 appends reasons at the end of enum vr_pass_reason, before
 * policed: the converter copies every counter to its own name.
 */
#define VR_ABI2_PASS_MAX	18
struct vr_stats_abi2 {
	struct vr_counter rx, fwd;
	struct vr_counter pass[VR_ABI2_PASS_MAX];
	struct vr_counter policed;
};
int vr_conv_stats_2to3(const void *old_key, const void *old_val,
		       void *new_key, void *new_val);

/* vr_routers' value of ABIs 1 and 2: ABI 3 appends the tenant's user
 * namespace (uid_base, uid_count, userns_ino); an older VR has none, so
 * the converter copies the 80 bytes and leaves those 0 ("no user
 * namespace": show and status say so).
 */
#define VR_ABI2_ROUTER_SIZE	80
int vr_conv_router_2to3(const void *old_key, const void *old_val,
			void *new_key, void *new_val);

#endif /* VR_MIGRATE_H */
