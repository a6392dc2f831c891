// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The routers: list of the configuration file (config.h): each VR's keys
 * checked, its (NIC, MAC) pairs resolved against the file's NICs as
 * add-router resolves them against the loaded ones, and what no two VRs
 * may share (name, table, a MAC on a NIC) checked across the file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/yaml.h"
#include "core/maps.h"
#include "core/quota.h"
#include "lib/parse.h"

#define BURST_BYTES_MAX	(1ULL << 40)	/* as add-router's --burst-bytes */

static const char *const router_keys[] = {
	"name", "macs", "nics", "table", "limit", "quota", "fast-path", "hook", NULL
};
static const char *const limit_keys[] = { "rate-pps", "burst", "rate-bps", "burst-bytes", NULL };
static const char *const quota_keys[] = { "neigh", "routes", "macs", NULL };

static int mac_item(struct ld *l, yaml_node_t *n, const char *s, void *arg)
{
	struct vr_router_req *r = arg;
	const char *eq = strchr(s, '=');
	struct vr_att *a;
	uint8_t mac[VR_ETH_ALEN];
	int i;

	if (parse_mac(eq ? eq + 1 : s, mac))
		return yc_bad(l, n, "macs: '%s' is not a unicast MAC (six hex bytes as "
			   "02:00:00:00:00:01, not multicast, not zero)", eq ? eq + 1 : s);
	if (!eq) {
		if (r->has_def_mac)
			return yc_bad(l, n, "macs: more than one MAC without a NIC (IFACE=MAC "
				   "gives a NIC its own)");
		memcpy(r->def_mac, mac, VR_ETH_ALEN);
		r->has_def_mac = true;
		return 0;
	}
	if (r->n_mac_for == VR_MAX_IFACES)
		return yc_bad(l, n, "macs: more than %d", VR_MAX_IFACES);
	a = &r->mac_for[r->n_mac_for];
	if (eq - s >= IF_NAMESIZE || eq == s)
		return yc_bad(l, n, "macs: '%.*s' is not a NIC name", (int)(eq - s), s);
	memcpy(a->ifname, s, eq - s);
	a->ifname[eq - s] = '\0';
	for (i = 0; i < r->n_mac_for; i++)
		if (!strcmp(r->mac_for[i].ifname, a->ifname))
			return yc_bad(l, n, "macs: NIC %s given twice", a->ifname);
	memcpy(a->mac, mac, VR_ETH_ALEN);
	r->n_mac_for++;
	return 0;
}

static int nic_item(struct ld *l, yaml_node_t *n, const char *s, void *arg)
{
	struct vr_router_req *r = arg;
	int i;

	if (r->n_att == VR_MAX_IFACES)
		return yc_bad(l, n, "nics: more than %d", VR_MAX_IFACES);
	for (i = 0; i < l->c->n_nics && strcmp(l->c->nics[i].name, s); i++)
		;
	if (i == l->c->n_nics)
		return yc_bad(l, n, "nics: NIC %s is not in the file's nics:", s);
	for (i = 0; i < r->n_att; i++)
		if (!strcmp(r->att[i].ifname, s))
			return yc_bad(l, n, "nics: NIC %s given twice", s);
	strcpy(r->att[r->n_att++].ifname, s);
	r->has_iface = true;
	return 0;
}

static int limit_key(struct ld *l, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct vr_limit *lim = arg;
	uint64_t x;
	int err;

	if (!strcmp(key, "rate-pps")) {
		err = yc_num(l, v, key, true, 1, VR_LIMIT_PPS_MAX, &x);
		lim->rate_pps = x;
	} else if (!strcmp(key, "rate-bps")) {
		err = yc_num(l, v, key, true, VR_LIMIT_BPS_MIN, VR_LIMIT_BPS_MAX, &x);
		lim->rate_bps = x;
	} else if (!strcmp(key, "burst")) {
		err = yc_num(l, v, key, false, 1, UINT32_MAX, &x);
		lim->burst = (uint32_t)x;
	} else {
		err = yc_num(l, v, key, false, 64, BURST_BYTES_MAX, &x);
		lim->burst_bytes = x;
	}
	return err;
}

static int quota_key(struct ld *l, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct vr_quota *q = arg;
	uint64_t x;
	int err;

	if (!strcmp(key, "neigh")) {
		err = yc_num(l, v, "quota neigh", false, 1, VR_MAX_NEIGH, &x);
		q->neigh = (uint32_t)x;
	} else if (!strcmp(key, "routes")) {
		err = yc_num(l, v, "quota routes", false, 1, VR_QUOTA_ROUTES_MAX, &x);
		q->routes = (uint32_t)x;
	} else {
		err = yc_num(l, v, "quota macs", false, 1, VR_MAX_MACS, &x);
		q->macs = (uint32_t)x;
	}
	return err;
}

static int limit_node(struct ld *l, yaml_node_t *v, struct vr_conf_router *cr)
{
	struct vr_limit *lim = &cr->req.limit;
	int err;

	cr->has_limit = true;
	err = yc_each_key(l, v, "limit", limit_keys, limit_key, lim);
	if (err)
		return err;
	if (lim->burst && !lim->rate_pps)
		return yc_bad(l, v, "limit: burst goes with rate-pps");
	if (lim->burst_bytes && !lim->rate_bps)
		return yc_bad(l, v, "limit: burst-bytes goes with rate-bps");
	vr_limit_default_bursts(lim);
	if (vr_limit_derive(lim))
		return yc_bad(l, v, "limit: a burst is too large for its rate (more than %llu s "
			   "of traffic)",
			   (VR_LIMIT_DEPTH_MAX >> VR_LIMIT_TICK_SHIFT) / 1000000000ULL);
	return 0;
}

static int router_key(struct ld *l, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct vr_conf_router *cr = arg;
	struct vr_router_req *r = &cr->req;
	const char *s;
	int err;

	if (!strcmp(key, "macs"))
		return yc_each_item(l, v, key, mac_item, r);
	if (!strcmp(key, "nics"))
		return yc_each_item(l, v, key, nic_item, r);
	if (!strcmp(key, "limit"))
		return limit_node(l, v, cr);
	if (!strcmp(key, "quota"))
		return yc_each_key(l, v, "quota", quota_keys, quota_key, &r->quota);
	err = yc_want_scalar(l, v, key, &s);
	if (err)
		return err;
	if (!strcmp(key, "name")) {
		if (parse_vr_name(s))
			return yc_bad(l, v, "name: '%s' is not a VR name (1-%d of letters, digits, "
				   "'_', '.', '-'; not '.' or '..')", s, VR_NAME_MAX - 1);
		strcpy(r->name, s);
	} else if (!strcmp(key, "table")) {
		if (parse_table_id(s, &r->table))
			return yc_bad(l, v, "table: '%s' is not a table id", s);
		if (vr_table_reserved(r->table))
			return yc_bad(l, v, "table %u is reserved (0 unspec, 253 default, 254 main, "
				   "255 local)", r->table);
		r->has_table = true;
	} else if (!strcmp(key, "fast-path")) {
		/* YAML 1.1 spells booleans many ways; these are the ones operators use. */
		if (!strcmp(s, "on") || !strcmp(s, "true") || !strcmp(s, "yes"))
			cr->fast_path_off = false;
		else if (!strcmp(s, "off") || !strcmp(s, "false") || !strcmp(s, "no"))
			cr->fast_path_off = true;
		else
			return yc_bad(l, v, "fast-path: '%s' is not on or off", s);
	} else {	/* hook */
		if (strlen(s) >= sizeof(cr->hook))
			return yc_bad(l, v, "hook: longer than %zu bytes", sizeof(cr->hook) - 1);
		if (strchr(s, '\n'))
			return yc_bad(l, v, "hook: one line (a command, or the path of a script)");
		strcpy(cr->hook, s);
	}
	return 0;
}

/* The (NIC, MAC) pairs of R as add-router would make them, except that a
 * bare MAC goes on every NIC of the file (what apply loads), not every
 * NIC loaded now.  Rewritten as explicit IFACE=MAC on explicit NICs, so
 * that the core resolves it the same way.
 */
static int resolve(struct ld *l, yaml_node_t *n, struct vr_conf_router *cr)
{
	struct vr_router_req *r = &cr->req;
	const struct vr_att *m;
	int i, j;

	if (!r->has_def_mac && !r->n_mac_for)
		return yc_bad(l, n, "VR %s: no macs:", r->name);
	if (!r->has_iface && r->has_def_mac) {
		for (i = 0; i < l->c->n_nics; i++)
			strcpy(r->att[i].ifname, l->c->nics[i].name);
		r->n_att = l->c->n_nics;
	} else if (!r->has_iface) {
		memcpy(r->att, r->mac_for, r->n_mac_for * sizeof(r->att[0]));
		r->n_att = r->n_mac_for;
	}
	if (!r->n_att)
		return yc_bad(l, n, "VR %s: no NIC (the file's nics: is empty)", r->name);
	for (j = 0; j < r->n_mac_for; j++) {
		if (!vr_conf_find_nic(l->c, r->mac_for[j].ifname))
			return yc_bad(l, n, "VR %s: macs: NIC %s is not in the file's nics:",
				   r->name, r->mac_for[j].ifname);
		for (i = 0; i < r->n_att && strcmp(r->att[i].ifname, r->mac_for[j].ifname); i++)
			;
		if (i == r->n_att)
			return yc_bad(l, n, "VR %s: macs: NIC %s is not in its nics:", r->name,
				   r->mac_for[j].ifname);
	}
	for (i = 0; i < r->n_att; i++) {
		struct vr_att *a = &r->att[i];

		for (m = NULL, j = 0; j < r->n_mac_for; j++)
			if (!strcmp(r->mac_for[j].ifname, a->ifname))
				m = &r->mac_for[j];
		if (!m && !r->has_def_mac)
			return yc_bad(l, n, "VR %s: no MAC for NIC %s (%s=MAC in macs:)", r->name,
				   a->ifname, a->ifname);
		memcpy(a->mac, m ? m->mac : r->def_mac, VR_ETH_ALEN);
		a->ifindex = if_nametoindex(a->ifname);
		if (!a->ifindex)
			return yc_bad(l, n, "NIC %s does not exist", a->ifname);
	}
	memcpy(r->mac_for, r->att, r->n_att * sizeof(r->att[0]));
	r->n_mac_for = r->n_att;
	r->has_def_mac = false;
	r->has_iface = true;
	vr_quota_defaults(&r->quota);
	if ((uint32_t)r->n_att > r->quota.macs)
		return yc_bad(l, n, "VR %s: %d NICs, over its MAC quota of %u", r->name,
			   r->n_att, r->quota.macs);
	return 0;
}

/* What no two VRs may share: a name, a table, a (NIC, MAC). */
static int check_unique(struct ld *l, yaml_node_t *n, int k)
{
	const struct vr_conf_router *me = &l->c->routers[k], *o;
	char m[18];
	int i, a, b;

	for (i = 0; i < k; i++) {
		o = &l->c->routers[i];
		if (!strcmp(o->req.name, me->req.name))
			return yc_bad(l, n, "VR %s is named twice (line %d)", me->req.name, o->line);
		if (me->req.has_table && o->req.has_table && me->req.table == o->req.table)
			return yc_bad(l, n, "VR %s: table %u is VR %s's too (line %d)", me->req.name,
				   me->req.table, o->req.name, o->line);
		for (a = 0; a < me->req.n_att; a++)
			for (b = 0; b < o->req.n_att; b++)
				if (me->req.att[a].ifindex == o->req.att[b].ifindex &&
				    !memcmp(me->req.att[a].mac, o->req.att[b].mac, VR_ETH_ALEN))
					return yc_bad(l, n, "VR %s: MAC %s on NIC %s is VR %s's too "
						   "(line %d)", me->req.name,
						   mac_str(me->req.att[a].mac, m),
						   me->req.att[a].ifname, o->req.name, o->line);
	}
	return 0;
}

int yc_parse_routers(struct ld *l, yaml_node_t *n)
{
	struct vr_conf *c = l->c;
	struct vr_conf_router *cr;
	yaml_node_item_t *it;
	uint64_t neigh = 0, macs = 0;
	int err, cap;

	if (n->type == YAML_SCALAR_NODE && !*yc_scalar(n))
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		return yc_bad(l, n, "routers: expected a list");
	cap = (int)(n->data.sequence.items.top - n->data.sequence.items.start);
	if (cap > VR_MAX_ROUTERS - 1)
		return yc_bad(l, n, "routers: more than %d", VR_MAX_ROUTERS - 1);
	c->routers = calloc(cap ? cap : 1, sizeof(*c->routers));
	if (!c->routers)
		return -ENOMEM;
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *in = yc_node(l, *it);

		cr = &c->routers[c->n_routers];
		cr->line = (int)in->start_mark.line + 1;
		err = yc_each_key(l, in, "router", router_keys, router_key, cr);
		if (err)
			return err;
		if (!cr->req.name[0])
			return yc_bad(l, in, "router: no name:");
		err = resolve(l, in, cr);
		if (!err)
			err = check_unique(l, in, c->n_routers);
		if (err)
			return err;
		neigh += cr->req.quota.neigh;
		macs += cr->req.quota.macs;
		c->n_routers++;
	}
	if (neigh > VR_MAX_NEIGH || macs > VR_MAX_MACS)
		return yc_bad(l, n, "the VRs' %s quotas add up to %llu, over the %d the map holds",
			   neigh > VR_MAX_NEIGH ? "neigh" : "macs",
			   (unsigned long long)(neigh > VR_MAX_NEIGH ? neigh : macs),
			   neigh > VR_MAX_NEIGH ? VR_MAX_NEIGH : VR_MAX_MACS);
	return 0;
}
