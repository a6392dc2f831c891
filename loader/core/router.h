/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Virtual routers: a VR is a network namespace named after it, one
 * macvlan per attached NIC (named like the NIC, carrying the VR's MAC
 * there), its entries in vr_macs and vr_ports, its limit, and its record
 * in vr_routers.  Create and delete run as plan, then apply: the plan
 * checks and resolves everything before the first change, every applied
 * step is recorded, and a failure undoes exactly the steps done.  The
 * caller holds the lock and has the maps open.  Both print their one
 * error line.
 */
#ifndef VR_CORE_ROUTER_H
#define VR_CORE_ROUTER_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>
#include <linux/if_link.h>

#include "core/quota.h"
#include "core/state.h"

/* The macvlans' mode (router.c says why private). */
#define VR_MACVLAN_MODE	MACVLAN_MODE_PRIVATE

/* A NIC of the VR: by name, then resolved (ifindex, the VR's MAC there). */
struct vr_att {
	char ifname[IF_NAMESIZE];
	uint32_t ifindex;
	uint8_t mac[VR_ETH_ALEN];
};

/* add-router as asked.  NICs: att[] if has_iface, else the NICs of
 * mac_for[] if there is no default MAC, else every loaded NIC.  Each NIC
 * takes its mac_for[] MAC, else the default MAC.
 */
struct vr_router_req {
	char name[VR_NAME_MAX];
	uint8_t def_mac[VR_ETH_ALEN];
	bool has_def_mac;
	struct vr_att mac_for[VR_MAX_IFACES];	/* IFACE=MAC */
	int n_mac_for;
	struct vr_att att[VR_MAX_IFACES];	/* --iface, then resolved */
	int n_att;
	bool has_iface;
	uint32_t table;
	bool has_table;
	bool force;				/* take TABLE though the host uses it */
	struct vr_limit limit;			/* derived (vr_limit_derive) */
	struct vr_quota quota;			/* 0: the default */
	bool netns_made;			/* set by vr_router_create() */
	bool userns_made;			/* its user namespace too */
	uint32_t uid_base;			/* the tenant's uids (set by it; 0: none) */
};

/* Create the VR REQ asks for (REQ's att[] and table are resolved in
 * place); *ID gets its id.
 */
int vr_router_create(struct vr_state *st, struct vr_router_req *req, uint32_t *id);
/* Delete VR ID (record REC) completely, whatever state a crash left it
 * in: map entries, host table, macvlans, namespace, counters, limit,
 * record.
 */
int vr_router_delete(struct vr_state *st, uint32_t id, const struct vr_router *rec);
/* Remove what the fast path mirrored of VR ID (record R): its vr_neigh
 * entries and every route of its host table.  del-router, and sync for a
 * VR whose namespace is gone.
 */
int vr_router_forget(struct vr_state *st, uint32_t id, const struct vr_router *r);
/* Re-attach VR ID to the NICs deleted and made again since it was
 * created (found by the name recorded in its ports): a macvlan on each,
 * its port and MAC moved to the new ifindex.  The number re-attached, or
 * -errno (printed).  Sync then mirrors its routes and neighbours again.
 */
int vr_router_reattach(struct vr_state *st, uint32_t id, const struct vr_router *rec);
/* router_ports.c: attach VR ID (record REC, READY) to one more NIC A
 * (ifindex and MAC resolved): its macvlan, port and MAC entry, within
 * its MAC quota; undoes its own steps on a failure.  Detach: the MAC
 * entry, its neighbours on that NIC, the port, the macvlan (sync then
 * drops the routes through it).  Both print their error.
 */
int vr_router_attach(struct vr_state *st, uint32_t id, const struct vr_router *rec,
		     const struct vr_att *a);
int vr_router_detach(struct vr_state *st, uint32_t id, const struct vr_router *rec,
		     const struct vr_att *a);
/* Set or clear the VR_SLOW_* bits MASK on every MAC of VR ID: the number
 * of entries changed, or -errno.
 */
int vr_router_set_slow(struct vr_state *st, uint32_t id, uint8_t mask, bool on);
/* Why VR ID's fast path is off: the VR_SLOW_* bits of its MACs, 0 if on. */
int vr_router_slow(struct vr_state *st, uint32_t id);
/* Host routing table ids 0, 253-255 are the kernel's. */
bool vr_table_reserved(uint32_t table);

#endif /* VR_CORE_ROUTER_H */
