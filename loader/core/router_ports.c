// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * One NIC more or less for an existing VR (router.h): what `vrctl apply`
 * does when a VR's MACs or NICs change, without touching the rest of
 * its namespace (the tenant's addresses, routes and daemons).  Attach in
 * the order of a create (macvlan, port, MAC: from the MAC entry on, the
 * fast path sends frames to the VR); detach in the order of a delete.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/datapath.h"
#include "core/maps.h"
#include "core/quota.h"
#include "core/router.h"
#include "lib/log.h"
#include "lib/parse.h"
#include "nl/netlink.h"

static int n_ports(struct vr_state *st, uint32_t id)
{
	uint8_t mac[VR_ETH_ALEN];
	uint32_t ifindex = 0;
	int n = 0;

	while (!vr_port_next(st, id, &ifindex, mac))
		n++;
	return n;
}

static int attach_check(struct vr_state *st, uint32_t id, const struct vr_router *rec,
			const struct vr_att *a)
{
	struct vr_mac_val val;
	struct vr_router owner;
	struct vr_quota q;
	uint8_t mac[VR_ETH_ALEN];
	char m[18];
	int err;

	err = vr_iface_loaded(st, a->ifindex);
	if (err <= 0) {
		pr_err("VR %s: NIC %s is not loaded (vrctl load %s)", rec->name, a->ifname,
		       a->ifname);
		return err ? err : -ENODEV;
	}
	if (!vr_port_get(st, id, a->ifindex, mac)) {
		pr_err("VR %s is already on NIC %s (with MAC %s)", rec->name, a->ifname,
		       mac_str(mac, m));
		return -EEXIST;
	}
	if (!vr_mac_get(st, a->ifindex, a->mac, &val)) {
		if (vr_router_get(st, val.vr_id, &owner))
			owner.name[0] = '\0';
		pr_err("MAC %s is already used on NIC %s by VR %s", mac_str(a->mac, m),
		       a->ifname, owner.name[0] ? owner.name : "(unnamed)");
		return -EEXIST;
	}
	vr_quota_of(rec, &q);
	if ((uint32_t)n_ports(st, id) + 1 > q.macs) {
		pr_err("VR %s: one NIC more is over its MAC quota of %u", rec->name, q.macs);
		return -EDQUOT;
	}
	return 0;
}

int vr_router_attach(struct vr_state *st, uint32_t id, const struct vr_router *rec,
		     const struct vr_att *a)
{
	char m[18];
	int err;

	err = attach_check(st, id, rec, a);
	if (err)
		return err;
	/* The port before the macvlan: sync takes a macvlan on a NIC where
	 * the VR has no port for a tenant's, and deletes it.
	 */
	err = vr_port_add(st, id, a->ifindex, a->mac, a->ifname);
	if (err) {
		pr_err("VR %s: cannot add NIC %s to map %s: %s", rec->name, a->ifname,
		       VR_MAP_PORTS, strerror(-err));
		return err;
	}
	err = nl_macvlan_add(rec->name, a->ifname, a->ifname, a->mac, VR_MACVLAN_MODE);
	if (err) {
		pr_err("VR %s: cannot create macvlan %s: %s", rec->name, a->ifname,
		       err == -EEXIST ? "its namespace has an interface of that name" :
		       err == -EADDRINUSE ? "MAC in use on the NIC" : strerror(-err));
		goto err_port;
	}
	err = vr_mac_add(st, a->ifindex, a->mac, id, rec->table_id,
			 vr_nic_mac_flags(a->ifindex));
	if (err) {
		pr_err("VR %s: cannot add MAC %s to map %s: %s", rec->name,
		       mac_str(a->mac, m), VR_MAP_MACS, strerror(-err));
		goto err_link;
	}
	if (rec->slow & VR_SLOW_ADMIN)
		vr_mac_set_slow(st, a->ifindex, a->mac, VR_SLOW_ADMIN, true);
	pr_info("VR %s: attached to NIC %s with MAC %s", rec->name, a->ifname,
		mac_str(a->mac, m));
	return 0;

err_link:
	nl_link_del(rec->name, a->ifname);
err_port:
	vr_port_del(st, id, a->ifindex);
	return err;
}

/* The VR's neighbours behind NIC IFINDEX (the next key read before
 * the current one is deleted).
 */
static int flush_neigh(struct vr_state *st, uint32_t id, uint32_t ifindex)
{
	struct vr_neigh_key k, next;
	bool more;
	int err;

	more = !vr_neigh_next(st, &k, true);
	while (more) {
		next = k;
		more = !vr_neigh_next(st, &next, false);
		if (k.vr_id == id && k.ifindex == ifindex) {
			err = vr_neigh_del(st, &k);
			if (err && err != -ENOENT)
				return err;
		}
		k = next;
	}
	return 0;
}

int vr_router_detach(struct vr_state *st, uint32_t id, const struct vr_router *rec,
		     const struct vr_att *a)
{
	char m[18];
	int err;

	err = vr_mac_del(st, a->ifindex, a->mac);
	if (err && err != -ENOENT) {
		pr_err("VR %s: cannot delete MAC %s from map %s: %s", rec->name,
		       mac_str(a->mac, m), VR_MAP_MACS, strerror(-err));
		return err;
	}
	err = flush_neigh(st, id, a->ifindex);
	if (err) {
		pr_err("VR %s: cannot delete its neighbours on NIC %s: %s", rec->name,
		       a->ifname, strerror(-err));
		return err;
	}
	/* The macvlan before the port (see attach). */
	err = nl_link_del(rec->name, a->ifname);
	if (err == -ENODEV || err == -ENOENT)
		pr_warn("VR %s: its macvlan %s was already gone", rec->name, a->ifname);
	else if (err) {
		pr_err("VR %s: cannot delete macvlan %s: %s", rec->name, a->ifname,
		       strerror(-err));
		return err;
	}
	err = vr_port_del(st, id, a->ifindex);
	if (err && err != -ENOENT) {
		pr_err("VR %s: cannot delete NIC %s from map %s: %s", rec->name, a->ifname,
		       VR_MAP_PORTS, strerror(-err));
		return err;
	}
	pr_info("VR %s: detached from NIC %s", rec->name, a->ifname);
	return 0;
}
