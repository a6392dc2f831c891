/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Typed access to the pinned maps (layouts in include/vrouter.h): the one
 * place that builds their keys and sums their per-CPU values.  Used by
 * vrctl, the sync engine, the tests and the bench.  All return 0 or
 * -errno and print nothing, unless said otherwise.
 */
#ifndef VR_CORE_MAPS_H
#define VR_CORE_MAPS_H

#include <stdint.h>

#include "core/state.h"

/* vr_macs: (ingress NIC, MAC) -> VR.  add: -EEXIST if the MAC is taken;
 * FLAGS: VR_MACF_* (vr_nic_mac_flags(), core/datapath.h).
 */
int vr_mac_add(struct vr_state *st, uint32_t ifindex, const uint8_t mac[VR_ETH_ALEN],
	       uint32_t vr_id, uint32_t table_id, uint8_t flags);
int vr_mac_del(struct vr_state *st, uint32_t ifindex, const uint8_t mac[VR_ETH_ALEN]);
int vr_mac_get(struct vr_state *st, uint32_t ifindex, const uint8_t mac[VR_ETH_ALEN],
	       struct vr_mac_val *val);
/* Set (ON) or clear the VR_SLOW_* bits MASK of an existing entry: 1
 * changed, 0 same, -errno.
 */
int vr_mac_set_slow(struct vr_state *st, uint32_t ifindex, const uint8_t mac[VR_ETH_ALEN],
		    uint8_t mask, bool on);
/* The VR's rp_filter (VR_RPF_*) on its existing entry: 1 changed, 0 same, -errno. */
int vr_mac_set_rpf(struct vr_state *st, uint32_t ifindex, const uint8_t mac[VR_ETH_ALEN],
		   uint8_t rp_filter);

/* Its VR_MACF_* bits: 1 changed, 0 same, -errno. */
int vr_mac_set_flags(struct vr_state *st, uint32_t ifindex, const uint8_t mac[VR_ETH_ALEN],
		     uint8_t flags);

/* vr_ports: (VR, egress NIC) -> the VR's MAC there.  Adding or deleting
 * one rewrites the copy in the VR's vr_neigh entries on that NIC.
 */
int vr_port_add(struct vr_state *st, uint32_t vr_id, uint32_t ifindex,
		const uint8_t mac[VR_ETH_ALEN], const char *ifname);
int vr_port_del(struct vr_state *st, uint32_t vr_id, uint32_t ifindex);
int vr_port_get(struct vr_state *st, uint32_t vr_id, uint32_t ifindex,
		uint8_t mac[VR_ETH_ALEN]);
/* The same, with the NIC's name as recorded (IF_NAMESIZE bytes). */
int vr_port_get_name(struct vr_state *st, uint32_t vr_id, uint32_t ifindex,
		     uint8_t mac[VR_ETH_ALEN], char *ifname);
/* The ports of VR_ID: *ifindex from 0; -ENOENT at the end. */
int vr_port_next(struct vr_state *st, uint32_t vr_id, uint32_t *ifindex,
		 uint8_t mac[VR_ETH_ALEN]);

/* vr_neigh: (VR, egress NIC, next hop) -> its MAC.  ADDR is 4 or 16
 * bytes in network order, by FAMILY (AF_INET, AF_INET6).
 */
void vr_neigh_key_init(struct vr_neigh_key *k, uint32_t vr_id, uint32_t ifindex,
		       int family, const void *addr);
/* The value for K with next-hop MAC, and the VR's own MAC on the NIC
 * copied from vr_ports (has_port 0 without a port).
 */
void vr_neigh_val_init(struct vr_state *st, const struct vr_neigh_key *k,
		       const uint8_t mac[VR_ETH_ALEN], struct vr_neigh_val *v);
/* Every neighbour's copy of its VR's port (src, has_port) made again from
 * vr_ports: after entries were copied into new maps (vrctl upgrade).
 */
int vr_neigh_ports_derive(struct vr_state *st);
/* FLAGS: BPF_ANY, BPF_NOEXIST (-EEXIST), BPF_EXIST. */
int vr_neigh_set(struct vr_state *st, const struct vr_neigh_key *k,
		 const uint8_t mac[VR_ETH_ALEN], uint64_t flags);
int vr_neigh_del(struct vr_state *st, const struct vr_neigh_key *k);
int vr_neigh_get(struct vr_state *st, const struct vr_neigh_key *k, uint8_t mac[VR_ETH_ALEN]);
/* Iterate over every entry: start with FIRST true; -ENOENT at the end. */
int vr_neigh_next(struct vr_state *st, struct vr_neigh_key *k, bool first);

/* Delete every entry of VR_ID from map M (VRM_MACS, VRM_PORTS or
 * VRM_NEIGH): the number deleted, or -errno (printed).
 */
int vr_map_flush_vr(struct vr_state *st, enum vr_map_id m, uint32_t vr_id);

/* Per-CPU counters, summed over the CPUs. */
int vr_stats_read(struct vr_state *st, uint32_t vr_id, struct vr_stats *sum);
int vr_stats_zero(struct vr_state *st, uint32_t vr_id);
int vr_nic_stats_read(struct vr_state *st, uint32_t ifindex, struct vr_nic_stats *sum);	/* absent: zeros */
/* Sum the per-CPU value of KEY in FD, a struct of N_U64 __u64 counters. */
int vr_percpu_sum(int fd, const void *key, uint64_t *sum, size_t n_u64);

/* vr_limits (and the VR's bucket): read (zeroed if absent), write (a new
 * generation, bucket emptied first; prints its error).
 */
int vr_limit_read(struct vr_state *st, uint32_t vr_id, struct vr_limit *l);
int vr_limit_write(struct vr_state *st, uint32_t vr_id, const struct vr_limit *l);
/* Fill the derived fields of L from its rates and bursts (and flags):
 * 0, or -EINVAL if a value is out of range or a depth too large.
 */
int vr_limit_derive(struct vr_limit *l);
/* A rate without its burst gets 10 ms worth (at least 1 packet, 1514 bytes). */
void vr_limit_default_bursts(struct vr_limit *l);

/* vr_tx_ports (devmap) and the NIC's counters. */
int vr_devmap_add(struct vr_state *st, uint32_t ifindex);	/* -EEXIST, -E2BIG */
void vr_devmap_del(struct vr_state *st, uint32_t ifindex);

#endif /* VR_CORE_MAPS_H */
