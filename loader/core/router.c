// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Create and delete virtual routers (router.h).
 *
 * Order, so that a crash halfway is visible and can be finished by
 * del-router: record CREATING -> namespace -> macvlans -> ports -> limit
 * -> MACs -> counters -> record READY; delete: record DELETING -> MACs ->
 * ports -> neighbours -> host table -> macvlans -> namespace -> counters
 * and limit -> record freed.
 *
 * macvlan mode: PRIVATE.  The fast path never delivers a frame from one VR
 * to another inside the host: bpf_redirect_map() transmits on the egress
 * NIC, onto the wire.  In private mode the kernel slow path does the same
 * (a frame from one macvlan to a sibling's MAC goes out of the lower NIC,
 * and broadcasts such as ARP/ND or routing protocol hellos of one VR are
 * not looped to the other VRs on that NIC), so fast and slow path behave
 * alike and VRs stay separate routers reached over the wire, as in the
 * paper.  Bridge mode would short-cut VR-to-VR traffic (and broadcasts)
 * inside the kernel, where the fast path cannot follow.  The price: two
 * VRs on the same NIC reach each other only through an external switch
 * (private mode blocks even a hairpinned broadcast).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_link.h>

#include "core/datapath.h"
#include "core/hostcfg.h"
#include "core/maps.h"
#include "core/router.h"
#include "core/tenant.h"
#include "core/uids.h"
#include "lib/log.h"
#include "lib/parse.h"
#include "nl/netlink.h"

/*
 * Inside the VR's namespace, before its macvlans exist.  Forwarding, and
 * ARP as a router with separate interfaces: several VRs share each wire
 * (a VR has a macvlan on every NIC it is attached to, with or without an
 * address there), and Linux' default weak-host ARP would answer on any
 * of them for an address configured on another, drawing a neighbour's
 * traffic to the wrong VR.  arp_ignore=1: answer only for addresses on
 * the receiving interface; arp_announce=2: ask with a source address of
 * the outgoing interface.  (IPv6 ND already works per interface.)
 */
static const char *const vr_sysctls[][2] = {
	{ "net/ipv4/ip_forward", "1" },
	{ "net/ipv6/conf/all/forwarding", "1" },
	{ "net/ipv4/conf/all/arp_ignore", "1" },
	{ "net/ipv4/conf/all/arp_announce", "2" },
};

bool vr_table_reserved(uint32_t t)
{
	/* 0 unspec, 253 default, 254 main, 255 local */
	return t == 0 || (t >= 253 && t <= 255);
}

/* ---- plan ---------------------------------------------------------- */

static int cmp_att(const void *a, const void *b)
{
	const struct vr_att *x = a, *y = b;

	return x->ifindex < y->ifindex ? -1 : x->ifindex > y->ifindex;
}

/* Every loaded NIC (the keys of vr_tx_ports), in ifindex order. */
static int all_loaded(struct vr_state *st, struct vr_router_req *r)
{
	uint32_t ifindex = 0;
	struct vr_att *a;
	int err;

	while (!(err = vr_iface_next(st, &ifindex)) && r->n_att < VR_MAX_IFACES) {
		a = &r->att[r->n_att];
		memset(a, 0, sizeof(*a));
		if (!if_indextoname(ifindex, a->ifname)) {
			pr_warn("loaded NIC with ifindex %u is gone, skipped", ifindex);
			continue;
		}
		a->ifindex = ifindex;
		r->n_att++;
	}
	if (err && err != -ENOENT) {
		pr_err("cannot read map %s: %s", VR_MAP_TX, strerror(-err));
		return err;
	}
	if (!r->n_att) {
		pr_err("no NIC is loaded (vrctl load IFACE...)");
		return -ENODEV;
	}
	qsort(r->att, r->n_att, sizeof(r->att[0]), cmp_att);
	return 0;
}

static const struct vr_att *mac_for(const struct vr_router_req *r, const char *ifname)
{
	int j;

	for (j = 0; j < r->n_mac_for; j++)
		if (!strcmp(r->mac_for[j].ifname, ifname))
			return &r->mac_for[j];
	return NULL;
}

/* The NICs of R (see router.h), each loaded, with its MAC. */
static int resolve_atts(struct vr_state *st, struct vr_router_req *r)
{
	const struct vr_att *m;
	struct vr_att *a;
	int i, j, err;

	if (!r->has_iface && r->has_def_mac) {
		err = all_loaded(st, r);
		if (err)
			return err;
	} else if (!r->has_iface) {
		memcpy(r->att, r->mac_for, r->n_mac_for * sizeof(r->att[0]));
		r->n_att = r->n_mac_for;
	}
	/* MACs named for NICs the VR does not attach to: a mistake. */
	for (j = 0; j < r->n_mac_for; j++) {
		for (i = 0; i < r->n_att; i++)
			if (!strcmp(r->att[i].ifname, r->mac_for[j].ifname))
				break;
		if (i == r->n_att) {
			pr_err("--mac names NIC %s, which is not %s", r->mac_for[j].ifname,
			       r->has_iface ? "in --iface" : "loaded");
			return -EINVAL;
		}
	}
	for (i = 0; i < r->n_att; i++) {
		a = &r->att[i];
		if (!a->ifindex)
			a->ifindex = if_nametoindex(a->ifname);
		if (!a->ifindex) {
			pr_err("NIC %s does not exist", a->ifname);
			return -ENODEV;
		}
		err = vr_iface_loaded(st, a->ifindex);
		if (err < 0)
			return err;
		if (!err) {
			pr_err("NIC %s is not loaded (vrctl load %s)", a->ifname, a->ifname);
			return -ENODEV;
		}
		m = mac_for(r, a->ifname);
		if (!m && !r->has_def_mac) {
			pr_err("no MAC for NIC %s (--mac %s=MAC)", a->ifname, a->ifname);
			return -EINVAL;
		}
		memcpy(a->mac, m ? m->mac : r->def_mac, VR_ETH_ALEN);
	}
	return 0;
}

static int check_macs_free(struct vr_state *st, const struct vr_router_req *r)
{
	struct vr_mac_val val;
	struct vr_router owner;
	char m[18];
	int i;

	for (i = 0; i < r->n_att; i++) {
		if (vr_mac_get(st, r->att[i].ifindex, r->att[i].mac, &val))
			continue;
		if (vr_router_get(st, val.vr_id, &owner))
			owner.name[0] = '\0';
		pr_err("MAC %s is already used on NIC %s by VR %s",
		       mac_str(r->att[i].mac, m), r->att[i].ifname,
		       owner.name[0] ? owner.name : "(unnamed)");
		return -EEXIST;
	}
	return 0;
}

/*
 * A host table for the VR: never one that vrctl did not make (routes in
 * it, or an ip rule naming it, which the host's own routing may use):
 * the automatic choice skips those, an explicit --table is refused unless
 * FORCE.  Sync makes the table exactly the VR's routes, and del-router
 * empties it.
 */
static int pick_table(struct vr_state *st, struct vr_router_req *r)
{
	static uint8_t busy[VR_TABLE_MAX - VR_TABLE_MIN + 1];
	uint8_t used;
	int err;

	if (!r->has_table) {
		err = nl_tables_used(VR_TABLE_MIN, VR_TABLE_MAX, busy);
		if (err) {
			pr_err("cannot read the host's routes and rules: %s", strerror(-err));
			return err;
		}
		return vr_table_alloc(st, busy, &r->table);	/* prints "full" */
	}
	if (vr_table_reserved(r->table)) {
		pr_err("table %u is reserved (0 unspec, 253 default, 254 main, 255 local)",
		       r->table);
		return -EINVAL;
	}
	err = vr_table_in_use(st, r->table);
	if (err < 0)
		return err;
	if (err) {
		pr_err("table %u is in use by another VR", r->table);
		return -EEXIST;
	}
	err = nl_tables_used(r->table, r->table, &used);
	if (err) {
		pr_err("cannot read the host's routes and rules: %s", strerror(-err));
		return err;
	}
	if (used && !r->force) {
		pr_err("table %u holds routes or is named by an ip rule in the host: "
		       "not vrctl's (--force takes it, and sync then replaces its routes)",
		       r->table);
		return -EEXIST;
	}
	return 0;
}

/* The VR's quotas, defaults filled in: its NICs within its MAC quota, and
 * every VR's quotas within the maps.
 */
static int check_quota(struct vr_state *st, struct vr_router_req *r)
{
	vr_quota_defaults(&r->quota);
	if ((uint32_t)r->n_att > r->quota.macs) {
		pr_err("VR %s: %d NICs, over its MAC quota of %u (--quota-macs)",
		       r->name, r->n_att, r->quota.macs);
		return -EINVAL;
	}
	return vr_quota_check(st, 0, r->name, &r->quota);
}

/* Everything checked and resolved before the first change; *ID allocated. */
static int create_plan(struct vr_state *st, struct vr_router_req *r, uint32_t *id)
{
	struct vr_router rec;
	int err;

	err = vr_router_find(st, r->name, id, &rec);
	if (!err) {
		if (rec.state == VR_STATE_READY)
			pr_err("VR %s already exists", r->name);
		else
			pr_err("VR %s is half-%s (a vrctl died halfway); "
			       "run 'vrctl del-router %s' to remove what is left",
			       r->name, rec.state == VR_STATE_CREATING ?
			       "created" : "deleted", r->name);
		return -EEXIST;
	}
	if (err != -ENOENT)
		return err;
	if (netns_exists(r->name)) {
		pr_err("network namespace %s already exists", r->name);
		return -EEXIST;
	}
	err = resolve_atts(st, r);
	if (!err)
		err = check_quota(st, r);
	if (!err)
		err = check_macs_free(st, r);
	if (!err)
		err = pick_table(st, r);
	if (!err)
		err = vr_router_alloc(st, id);	/* prints "full" */
	return err;
}

/* ---- apply --------------------------------------------------------- */

/* The steps of a create done so far, for the undo. */
struct create_done {
	bool record, uids, netns, userns, tenant, init, limit;
	int links, ports, macs;
};

/* The VR's record in STATE, with the identity of its namespace once made. */
static int step_record(struct vr_state *st, const struct vr_router_req *r, uint32_t id,
		       uint32_t state)
{
	struct vr_router rec;
	struct timespec ts;
	dev_t dev;
	ino_t ino;
	int err;

	memset(&rec, 0, sizeof(rec));
	snprintf(rec.name, sizeof(rec.name), "%s", r->name);
	rec.state = state;
	rec.table_id = r->table;
	clock_gettime(CLOCK_REALTIME, &ts);
	rec.created_ns = (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
	rec.quota_neigh = r->quota.neigh;
	rec.quota_routes = r->quota.routes;
	rec.quota_macs = r->quota.macs;
	if (r->uid_base) {
		rec.uid_base = r->uid_base;
		rec.uid_count = VR_UID_COUNT;
	}
	if (state != VR_STATE_CREATING || r->netns_made) {
		err = netns_stat(r->name, &dev, &ino);
		if (err) {
			pr_err("cannot read the identity of network namespace %s: %s",
			       r->name, strerror(-err));
			return err;
		}
		rec.netns_dev = dev;
		rec.netns_ino = ino;
	}
	if (r->userns_made) {
		err = userns_stat(r->name, &ino);
		if (err) {
			pr_err("cannot read the identity of user namespace %s/%s: %s",
			       USERNS_RUN_DIR, r->name, strerror(-err));
			return err;
		}
		rec.userns_ino = ino;
	}
	err = vr_router_write(st, id, &rec);
	if (err)
		pr_err("cannot write the record of VR %s into %s: %s", r->name,
		       VR_MAP_ROUTERS, strerror(-err));
	return err;
}

/* The host's multipath hash policy and seed into the VR, so that the VR's
 * kernel and the fast path pick the same next hop.
 */
static int copy_ecmp(const char *name)
{
	char val[16];
	size_t i;
	int err;

	for (i = 0; i < VR_ECMP_N_SYSCTLS; i++) {
		if (sysctl_set(NULL, vr_ecmp_sysctls[i], NULL, val, sizeof(val)))
			continue;	/* no such sysctl on the host: none in the VR */
		err = sysctl_set(name, vr_ecmp_sysctls[i], val, NULL, 0);
		if (err) {
			pr_err("cannot set %s in %s: %s", vr_ecmp_sysctls[i], name,
			       strerror(-err));
			return err;
		}
	}
	return 0;
}

/* Why this kernel cannot give the VR a user namespace, before trying
 * (ERR 0) or after vrns_create() failed with ERR; NULL: it can, or
 * another error.
 */
static const char *no_userns(int err)
{
	if (vr_fault_no_userns())
		return "VRCTL_FAULT=no-userns: as on a kernel without them";
	if (access("/proc/self/ns/user", F_OK))
		return "this kernel has no user namespaces";
	if (err == -ENOSPC)
		return "user namespaces are turned off: sysctl user.max_user_namespaces";
	return NULL;
}

/*
 * The network namespace, owned by a user namespace of the VR's own with
 * a uid range of its own (userns.c, uids.c); where the kernel cannot,
 * the namespace alone, as an older vrctl made it, said once.
 */
static int make_namespaces(struct vr_state *st, struct vr_router_req *r, uint32_t id,
			   struct create_done *done)
{
	const char *why = no_userns(0);
	int err;

	if (!why) {
		err = vr_uids_alloc(r->name, &r->uid_base);	/* prints its error */
		if (err)
			return err;
		done->uids = true;
		err = step_record(st, r, id, VR_STATE_CREATING);
		if (err)
			return err;
		err = vrns_create(r->name, r->uid_base, VR_UID_COUNT);
		if (!err) {
			done->netns = done->userns = true;
			r->netns_made = r->userns_made = true;
			return 0;
		}
		why = no_userns(err);
		if (!why) {
			pr_err("cannot create the namespaces of VR %s: %s", r->name,
			       strerror(-err));
			return err;
		}
		vr_uids_free(r->name, r->uid_base);
		done->uids = false;
		r->uid_base = 0;
	}
	pr_warn("VR %s: no user namespace (%s): its tenant's root is root on the host "
		"(README, Tenants)", r->name, why);
	err = netns_create(r->name);
	if (err) {
		pr_err("cannot create network namespace %s: %s", r->name, strerror(-err));
		return err;
	}
	done->netns = true;
	r->netns_made = true;
	return 0;
}

/* The namespaces (their identities into the record at once: del-router
 * deletes only those), the tenant's directories, lo up, the VR's sysctls.
 */
static int step_netns(struct vr_state *st, struct vr_router_req *r, uint32_t id,
		      struct create_done *done)
{
	const char *name = r->name;
	size_t i;
	int err;

	err = make_namespaces(st, r, id, done);
	if (err)
		return err;
	err = step_record(st, r, id, VR_STATE_CREATING);
	if (err)
		return err;
	vr_fault_point("add:netns");
	if (r->userns_made) {
		err = vr_tenant_dir_create(name, r->uid_base);
		if (err) {
			pr_err("cannot make the tenant's directories of VR %s (%s/%s): %s", name,
			       TENANT_RUN_DIR, name, strerror(-err));
			return err;
		}
		done->tenant = true;
		err = vr_tenant_init_start(name);
		if (err) {
			pr_err("cannot start the init of VR %s (%s/%s): %s", name,
			       TENANT_PIDNS_DIR, name, strerror(-err));
			return err;
		}
		done->init = true;
	}
	err = nl_link_up(name, "lo");
	if (err) {
		pr_err("cannot set lo up in %s: %s", name, strerror(-err));
		return err;
	}
	for (i = 0; i < sizeof(vr_sysctls) / sizeof(vr_sysctls[0]); i++) {
		err = sysctl_set(name, vr_sysctls[i][0], vr_sysctls[i][1], NULL, 0);
		if (err) {
			pr_err("cannot set %s in %s: %s", vr_sysctls[i][0], name,
			       strerror(-err));
			return err;
		}
	}
	err = copy_ecmp(name);
	if (err)
		return err;
	vr_fault_point("add:sysctl");
	return 0;
}

static int step_links(const struct vr_router_req *r, struct create_done *done)
{
	const struct vr_att *a;
	char m[18];
	int err;

	for (; done->links < r->n_att; done->links++) {
		a = &r->att[done->links];
		err = nl_macvlan_add(r->name, a->ifname, a->ifname, a->mac, VR_MACVLAN_MODE);
		if (err == -EADDRINUSE)
			pr_err("MAC %s is in use on NIC %s (its own address or another macvlan's)",
			       mac_str(a->mac, m), a->ifname);
		else if (err)
			pr_err("cannot create macvlan %s in %s: %s", a->ifname, r->name,
			       strerror(-err));
		if (err)
			return err;
		vr_fault_step("add:macvlan", done->links);
	}
	return 0;
}

static int map_err(const char *map, int limit, int err, const char *what)
{
	if (err == -E2BIG || err == -ENOSPC)
		pr_err("map %s full (limit %d)", map, limit);
	else
		pr_err("cannot add %s to map %s: %s", what, map, strerror(-err));
	return err;
}

/* Ports, the limit, then the MACs: from the first MAC on, the fast path
 * sends frames to the VR, and they are already policed.
 */
static int step_maps(struct vr_state *st, const struct vr_router_req *r, uint32_t id,
		     struct create_done *done)
{
	const struct vr_att *a;
	char m[18];
	int err;

	for (; done->ports < r->n_att; done->ports++) {
		a = &r->att[done->ports];
		err = vr_port_add(st, id, a->ifindex, a->mac, a->ifname);
		if (err)
			return map_err(VR_MAP_PORTS, VR_MAX_PORTS, err, a->ifname);
		vr_fault_step("add:port", done->ports);
	}
	/* The limit (or none: a previous VR with this id left none either). */
	err = vr_limit_write(st, id, &r->limit);
	if (err)
		return err;
	done->limit = true;
	for (; done->macs < r->n_att; done->macs++) {
		a = &r->att[done->macs];
		err = vr_mac_add(st, a->ifindex, a->mac, id, r->table,
				 vr_nic_mac_flags(a->ifindex));
		if (err == -EEXIST)
			pr_err("MAC %s is already used on NIC %s by another VR",
			       mac_str(a->mac, m), a->ifname);
		else if (err)
			map_err(VR_MAP_MACS, VR_MAX_MACS, err, mac_str(a->mac, m));
		if (err)
			return err;
		vr_fault_step("add:mac", done->macs);
	}
	err = vr_stats_zero(st, id);
	if (err)
		pr_err("cannot reset counters of VR %s: %s", r->name, strerror(-err));
	return err;
}

/* Undo exactly what DONE records, in reverse. */
static void create_undo(struct vr_state *st, const struct vr_router_req *r, uint32_t id,
			const struct create_done *done)
{
	static const struct vr_limit none;
	struct vr_router free_rec;
	int i;

	for (i = done->macs - 1; i >= 0; i--)
		vr_mac_del(st, r->att[i].ifindex, r->att[i].mac);
	if (done->limit)
		vr_limit_write(st, id, &none);
	for (i = done->ports - 1; i >= 0; i--)
		vr_port_del(st, id, r->att[i].ifindex);
	for (i = done->links - 1; i >= 0; i--)
		nl_link_del(r->name, r->att[i].ifname);
	if (done->init) {
		vr_tenant_kill(r->name, r->uid_base, VR_UID_COUNT);	/* its init */
		vr_tenant_init_delete(r->name);
	}
	if (done->tenant)
		vr_tenant_dir_delete(r->name);
	if (done->netns)
		netns_delete(r->name);
	if (done->userns)
		userns_delete(r->name);
	if (done->uids)
		vr_uids_free(r->name, r->uid_base);
	if (done->record) {
		memset(&free_rec, 0, sizeof(free_rec));
		vr_router_write(st, id, &free_rec);
	}
}

int vr_router_create(struct vr_state *st, struct vr_router_req *r, uint32_t *id)
{
	struct create_done done = { 0 };
	int err;

	err = create_plan(st, r, id);
	if (err)
		return err;
	err = step_record(st, r, *id, VR_STATE_CREATING);
	if (err)
		return err;
	done.record = true;
	vr_fault_point("add:record");
	err = step_netns(st, r, *id, &done);
	if (!err)
		err = step_links(r, &done);
	if (!err)
		err = step_maps(st, r, *id, &done);
	if (!err) {
		vr_fault_point("add:stats");
		err = step_record(st, r, *id, VR_STATE_READY);
	}
	if (err) {
		create_undo(st, r, *id, &done);
		return err;
	}
	vr_fault_point("add:ready");
	pr_info("VR %s: id %u, table %u, %d NIC%s", r->name, *id, r->table,
		r->n_att, r->n_att == 1 ? "" : "s");
	return 0;
}

/* ---- delete -------------------------------------------------------- */

int vr_router_forget(struct vr_state *st, uint32_t id, const struct vr_router *r)
{
	int n_neigh, n_routes;

	n_neigh = vr_map_flush_vr(st, VRM_NEIGH, id);	/* prints its error */
	vr_fault_point("del:neigh");
	if (n_neigh < 0)
		return n_neigh;
	/* What sync mirrored there, or routes added by hand. */
	n_routes = nl_table_flush(r->table_id);
	vr_fault_point("del:table");
	if (n_routes < 0) {
		pr_err("VR %s: cannot empty its host table %u: %s", r->name,
		       r->table_id, strerror(-n_routes));
		return n_routes;
	}
	pr_info("VR %s: host table %u emptied (%d routes), %d neighbours removed",
		r->name, r->table_id, n_routes, n_neigh);
	return 0;
}

/* The fast path's state of VR ID: MACs first (the fast path stops sending
 * frames to the VR), ports, then what sync mirrored.
 */
static int delete_fast_path(struct vr_state *st, uint32_t id, const struct vr_router *r)
{
	int n;

	n = vr_map_flush_vr(st, VRM_MACS, id);
	vr_fault_point("del:macs");
	if (n >= 0)
		n = vr_map_flush_vr(st, VRM_PORTS, id);
	vr_fault_point("del:ports");
	return n < 0 ? n : vr_router_forget(st, id, r);
}

/* Is /run/netns/NAME the namespace add-router made for R? */
static bool netns_is_vrs(const struct vr_router *r)
{
	dev_t dev;
	ino_t ino;

	return r->netns_ino && !netns_stat(r->name, &dev, &ino) &&
	       dev == r->netns_dev && ino == r->netns_ino;
}

/* The tenant of R: its init's pid namespace, its user namespace if it is
 * the one add-router made, its directories, its uid range.
 */
static int delete_tenant(const struct vr_router *r)
{
	const char *name = r->name;
	ino_t ino;
	int err;

	if (!r->uid_count)
		return 0;	/* an older vrctl's VR, or one without */
	err = vr_tenant_init_delete(name);
	if (err && err != -ENOENT) {
		pr_err("cannot remove %s/%s: %s", TENANT_PIDNS_DIR, name, strerror(-err));
		return err;
	}
	/* Its inode unknown: a crash right after vrns_create(); only vrctl
	 * makes files there, and the VR holds the name.
	 */
	if (!userns_stat(name, &ino) && (!r->userns_ino || ino == r->userns_ino)) {
		err = userns_delete(name);
		if (err) {
			pr_err("cannot delete user namespace %s/%s: %s", USERNS_RUN_DIR, name,
			       strerror(-err));
			return err;
		}
	}
	err = vr_tenant_dir_delete(name);
	if (err && err != -ENOENT) {
		pr_err("cannot remove the tenant's directories of VR %s (%s/%s): %s", name,
		       TENANT_RUN_DIR, name, strerror(-err));
		return err;
	}
	vr_uids_free(name, r->uid_base);
	return 0;
}

/* The namespace and its macvlans, explicitly: a namespace lives on while
 * a process is in it.  Only the namespace add-router made: one of that
 * name made by someone else (after a crash before add-router made its
 * own, or after the VR's was deleted) is left alone.
 */
static int delete_netns(const struct vr_router *r, bool was_ready)
{
	const char *name = r->name;
	int err, n;

	/* The tenant's processes first: they hold the namespaces, and its
	 * uids go back to the pool.
	 */
	if (r->uid_count) {
		n = vr_tenant_kill(name, r->uid_base, r->uid_count);
		if (n > 0)
			pr_info("VR %s: %d process%s of its tenant ended", name, n,
				n == 1 ? "" : "es");
		vr_fault_point("del:tenant");
	}
	if (!name[0] || !netns_exists(name)) {
		if (was_ready)
			pr_warn("network namespace %s was already gone", name);
		return delete_tenant(r);
	}
	if (!netns_is_vrs(r) && netns_is_ns(name)) {
		pr_warn("network namespace %s is not the one add-router made for VR %s: "
			"left alone", name, name);
		return delete_tenant(r);
	}
	/* -EINVAL: /run/netns/NAME is a file but no namespace (a crash
	 * inside netns_create()): nothing to enter, remove it.
	 */
	err = nl_link_del_kind(name, "macvlan");
	if (err == -EINVAL)
		err = 0;
	vr_fault_point("del:macvlans");
	if (err < 0) {
		pr_err("cannot delete the macvlans of VR %s: %s", name, strerror(-err));
		return err;
	}
	err = netns_delete(name);
	if (err) {
		pr_err("cannot delete network namespace %s: %s", name, strerror(-err));
		return err;
	}
	vr_fault_point("del:netns");
	return delete_tenant(r);
}

int vr_router_delete(struct vr_state *st, uint32_t id, const struct vr_router *rec)
{
	static const struct vr_limit none;
	struct vr_router r = *rec;
	int err;

	r.name[VR_NAME_MAX - 1] = '\0';
	r.state = VR_STATE_DELETING;
	err = vr_router_write(st, id, &r);
	if (err) {
		pr_err("cannot write the record of VR %s into %s: %s", r.name,
		       VR_MAP_ROUTERS, strerror(-err));
		return err;
	}
	vr_fault_point("del:record");
	err = delete_fast_path(st, id, &r);
	if (!err)
		err = delete_netns(&r, rec->state == VR_STATE_READY);
	if (err)
		return err;
	err = vr_stats_zero(st, id);
	if (err) {
		pr_err("cannot reset counters of VR %s: %s", r.name, strerror(-err));
		return err;
	}
	err = vr_limit_write(st, id, &none);	/* prints its error */
	if (err)
		return err;
	vr_fault_point("del:stats");
	memset(&r, 0, sizeof(r));
	err = vr_router_write(st, id, &r);
	if (err)
		pr_err("cannot free the record of VR %s in %s: %s", rec->name,
		       VR_MAP_ROUTERS, strerror(-err));
	return err;
}

/* ---- re-attach ------------------------------------------------------- */

/* Port of VR ID on IFINDEX, whose NIC IFNAME is now NEW: a macvlan on the
 * new NIC in the VR's namespace, the port and MAC entries moved over.
 */
static int reattach_port(struct vr_state *st, uint32_t id, const struct vr_router *rec,
			 uint32_t ifindex, const char *ifname, const uint8_t mac[VR_ETH_ALEN],
			 uint32_t new)
{
	struct vr_mac_val mv;
	int err;

	err = vr_iface_loaded(st, new);
	if (err <= 0) {
		pr_err("VR %s: NIC %s is not loaded (vrctl load %s)", rec->name, ifname, ifname);
		return err ? err : -ENODEV;
	}
	/* The port before the macvlan (router_ports.c says why). */
	err = vr_port_add(st, id, new, mac, ifname);
	if (err && err != -EEXIST)
		return map_err(VR_MAP_PORTS, VR_MAX_PORTS, err, ifname);
	err = nl_macvlan_add(rec->name, ifname, ifname, mac, VR_MACVLAN_MODE);
	if (err && err != -EEXIST) {
		pr_err("VR %s: cannot create macvlan %s again: %s", rec->name, ifname,
		       strerror(-err));
		return err;
	}
	if (!vr_mac_get(st, ifindex, mac, &mv) && mv.vr_id == id)
		vr_mac_del(st, ifindex, mac);
	err = vr_mac_add(st, new, mac, id, rec->table_id, vr_nic_mac_flags(new));
	if (err && err != -EEXIST)
		return map_err(VR_MAP_MACS, VR_MAX_MACS, err, ifname);
	if (rec->slow)
		vr_mac_set_slow(st, new, mac, VR_SLOW_ADMIN, true);
	vr_port_del(st, id, ifindex);
	pr_info("VR %s: re-attached to NIC %s (ifindex %u, was %u)", rec->name, ifname,
		new, ifindex);
	return 0;
}

int vr_router_reattach(struct vr_state *st, uint32_t id, const struct vr_router *rec)
{
	uint8_t mac[VR_ETH_ALEN];
	char name[IF_NAMESIZE], now[IF_NAMESIZE];
	uint32_t ifindex = 0, new;
	int err, n = 0;

	while (!vr_port_next(st, id, &ifindex, mac)) {
		if (vr_port_get_name(st, id, ifindex, mac, name) || !name[0])
			continue;
		if (if_indextoname(ifindex, now) && !strcmp(now, name))
			continue;	/* the same NIC still */
		new = if_nametoindex(name);
		if (!new) {
			pr_err("VR %s: NIC %s (was ifindex %u) does not exist", rec->name,
			       name, ifindex);
			return -ENODEV;
		}
		err = reattach_port(st, id, rec, ifindex, name, mac, new);
		if (err)
			return err;
		n++;
	}
	return n;
}

int vr_router_set_slow(struct vr_state *st, uint32_t id, uint8_t mask, bool on)
{
	uint8_t mac[VR_ETH_ALEN];
	uint32_t ifindex = 0;
	int err, n = 0;

	while (!vr_port_next(st, id, &ifindex, mac)) {
		err = vr_mac_set_slow(st, ifindex, mac, mask, on);
		if (err < 0 && err != -ENOENT)
			return err;
		n += err > 0;
	}
	return n;
}

int vr_router_slow(struct vr_state *st, uint32_t id)
{
	uint8_t mac[VR_ETH_ALEN], slow = 0;
	struct vr_mac_val v;
	uint32_t ifindex = 0;

	while (!vr_port_next(st, id, &ifindex, mac))
		if (!vr_mac_get(st, ifindex, mac, &v))
			slow |= v.slow;
	return slow;
}
