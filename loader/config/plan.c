// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The plan of `vrctl apply` (config.h): the running state compared with
 * a file, into actions in the order apply runs them.  Deletes and
 * detaches come before what they free is taken again (a MAC moved from
 * one VR to another, a table reused); quotas lowered before others are
 * raised; VRs with an explicit table are made before those that take a
 * free one; NICs are unloaded last, when no VR uses them any more.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/datapath.h"
#include "core/maps.h"
#include "lib/log.h"
#include "lib/parse.h"
#include "nl/netlink.h"

static struct vr_action *add(struct vr_plan *p, enum vr_act_kind kind, char op,
			     const char *object, const char *name)
{
	struct vr_action *a;

	if (p->n == p->cap) {
		int cap = p->cap ? 2 * p->cap : 32;

		a = realloc(p->acts, cap * sizeof(*a));
		if (!a)
			return NULL;
		p->acts = a;
		p->cap = cap;
	}
	a = &p->acts[p->n++];
	memset(a, 0, sizeof(*a));
	a->kind = kind;
	a->op = op;
	a->object = object;
	snprintf(a->name, sizeof(a->name), "%s", name);
	return a;
}

void vr_plan_free(struct vr_plan *p)
{
	free(p->acts);
	memset(p, 0, sizeof(*p));
}

const char *vr_action_str(const struct vr_action *a, char *buf, size_t len)
{
	if (a->field[0])
		snprintf(buf, len, "%c %s %s %s %s", a->op, a->object, a->name, a->field,
			 a->change);
	else
		snprintf(buf, len, "%c %s %s%s%s", a->op, a->object, a->name,
			 a->change[0] ? " " : "", a->change);
	return buf;
}

/* ---- NICs ---------------------------------------------------------- */

static int plan_nics(const struct vr_conf *c, const struct vr_conf *run, struct vr_plan *p)
{
	const struct vr_conf_nic *r;
	struct vr_action *a;
	int i;

	for (i = 0; i < c->n_nics; i++) {
		r = vr_conf_find_nic(run, c->nics[i].name);
		if (r && r->mode != c->nics[i].mode) {
			pr_err("%s:%d: NIC %s is loaded in %s mode, the file says %s: "
			       "apply does not change a mode (vrctl unload %s first)", c->path,
			       c->nics[i].line, r->name, vr_xdp_mode_name(r->mode),
			       vr_xdp_mode_name(c->nics[i].mode), r->name);
			return -EINVAL;
		}
		if (r)
			continue;
		a = add(p, VR_ACT_LOAD, '+', "nic", c->nics[i].name);
		if (!a)
			return -ENOMEM;
		a->conf = i;
		a->mode = c->nics[i].mode;
		if (a->mode == XDP_MODE_SKB)
			snprintf(a->change, sizeof(a->change), "(skb mode)");
	}
	for (i = 0; i < run->n_nics; i++) {
		if (vr_conf_find_nic(c, run->nics[i].name))
			continue;
		a = add(p, VR_ACT_UNLOAD, '-', "nic", run->nics[i].name);
		if (!a)
			return -ENOMEM;
		a->mode = run->nics[i].mode;
	}
	return 0;
}

/* ---- routers ------------------------------------------------------- */

static const struct vr_conf_router *find_router(const struct vr_conf *c, const char *name)
{
	int i;

	for (i = 0; i < c->n_routers; i++)
		if (!strcmp(c->routers[i].req.name, name))
			return &c->routers[i];
	return NULL;
}

static bool has_att(const struct vr_router_req *r, const struct vr_att *x)
{
	int i;

	for (i = 0; i < r->n_att; i++)
		if (r->att[i].ifindex == x->ifindex && !memcmp(r->att[i].mac, x->mac, VR_ETH_ALEN))
			return true;
	return false;
}

static void rate_str(char *buf, size_t len, uint64_t v)
{
	if (v)
		snprintf(buf, len, "%llu", (unsigned long long)v);
	else
		snprintf(buf, len, "none");
}

/* "rate-pps 1000 -> 2000, burst 10 -> 20" for the fields that differ. */
static bool limit_diff(const struct vr_limit *o, const struct vr_limit *n, char *buf, size_t len)
{
	const struct { const char *name; uint64_t a, b; } f[] = {
		{ "rate-pps", o->rate_pps, n->rate_pps },
		{ "burst", o->burst, n->burst },
		{ "rate-bps", o->rate_bps, n->rate_bps },
		{ "burst-bytes", o->burst_bytes, n->burst_bytes },
	};
	char x[24], y[24];
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if (f[i].a == f[i].b)
			continue;
		rate_str(x, sizeof(x), f[i].a);
		rate_str(y, sizeof(y), f[i].b);
		off += snprintf(buf + off, off < len ? len - off : 0, "%s%s %s -> %s",
				off ? ", " : "", f[i].name, x, y);
	}
	return off;
}

static bool quota_diff(const struct vr_quota *o, const struct vr_quota *n, char *buf, size_t len)
{
	const struct { const char *name; uint32_t a, b; } f[] = {
		{ "neigh", o->neigh, n->neigh },
		{ "routes", o->routes, n->routes },
		{ "macs", o->macs, n->macs },
	};
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (f[i].a != f[i].b)
			off += snprintf(buf + off, off < len ? len - off : 0, "%s%s %u -> %u",
					off ? ", " : "", f[i].name, f[i].a, f[i].b);
	return off;
}

static struct vr_action *add_change(struct vr_plan *p, enum vr_act_kind kind, const char *name,
				    const char *field, uint32_t id, const struct vr_router *rec)
{
	struct vr_action *a = add(p, kind, '~', "router", name);

	if (a) {
		snprintf(a->field, sizeof(a->field), "%s", field);
		a->id = id;
		a->rec = *rec;
	}
	return a;
}

static struct vr_action *add_port(struct vr_plan *p, enum vr_act_kind kind, const char *name,
				  uint32_t id, const struct vr_router *rec, const struct vr_att *att)
{
	struct vr_action *a = add_change(p, kind, name, "nic", id, rec);
	char m[18];

	if (a) {
		a->att = *att;
		snprintf(a->change, sizeof(a->change), "%c %s=%s",
			 kind == VR_ACT_ATTACH ? '+' : '-', att->ifname, mac_str(att->mac, m));
	}
	return a;
}

/* A VR in both: what differs.  The table cannot change in place. */
static int plan_change(const struct vr_conf *c,
		       const struct vr_conf_router *want, const struct vr_conf_router *have,
		       uint32_t id, const struct vr_router *rec, struct vr_plan *p)
{
	const struct vr_router_req *w = &want->req, *h = &have->req;
	struct vr_action *a;
	char buf[160];
	int i;

	if (w->has_table && w->table != h->table) {
		pr_err("%s:%d: VR %s has table %u, the file says %u: a table does not change "
		       "in place (delete the VR, or drop table: from the file)", c->path,
		       want->line, w->name, h->table, w->table);
		return -EINVAL;
	}
	for (i = 0; i < h->n_att; i++)
		if (!has_att(w, &h->att[i]) && !add_port(p, VR_ACT_DETACH, w->name, id, rec,
							 &h->att[i]))
			return -ENOMEM;
	for (i = 0; i < w->n_att; i++)
		if (!has_att(h, &w->att[i]) && !add_port(p, VR_ACT_ATTACH, w->name, id, rec,
							 &w->att[i]))
			return -ENOMEM;
	if (quota_diff(&h->quota, &w->quota, buf, sizeof(buf))) {
		a = add_change(p, VR_ACT_QUOTA, w->name, "quota", id, rec);
		if (!a)
			return -ENOMEM;
		snprintf(a->change, sizeof(a->change), "%s", buf);
		a->old_quota = h->quota;
		a->new_quota = w->quota;
	}
	if (limit_diff(&h->limit, &w->limit, buf, sizeof(buf))) {
		a = add_change(p, VR_ACT_LIMIT, w->name, "limit", id, rec);
		if (!a)
			return -ENOMEM;
		snprintf(a->change, sizeof(a->change), "%s", buf);
		a->old_limit = h->limit;
		a->new_limit = w->limit;
	}
	if (want->fast_path_off != have->fast_path_off) {
		a = add_change(p, VR_ACT_FAST_PATH, w->name, "fast-path", id, rec);
		if (!a)
			return -ENOMEM;
		a->off = want->fast_path_off;
		snprintf(a->change, sizeof(a->change), "%s -> %s",
			 have->fast_path_off ? "off" : "on", want->fast_path_off ? "off" : "on");
	}
	return 0;
}

/* Is /run/netns/NAME still the namespace made for VR REC?  Gone (ip
 * netns del, a reboot of /run but not of bpffs): the VR is no more, its
 * record and maps are deleted and it is made again.
 */
static bool netns_is_ours(const struct vr_router *rec)
{
	dev_t dev;
	ino_t ino;

	return !netns_stat(rec->name, &dev, &ino) && dev == rec->netns_dev &&
	       ino == rec->netns_ino;
}

/* Is NAME deleted by P (to be made again)? */
static bool gone(const struct vr_plan *p, const char *name)
{
	int i;

	for (i = 0; i < p->n; i++)
		if (p->acts[i].kind == VR_ACT_DELETE && !strcmp(p->acts[i].name, name))
			return true;
	return false;
}

/* A VR to make: its name and explicit table free of everything that stays. */
static int plan_create(const struct vr_conf *c, int k,
		       const struct vr_conf *run, struct vr_plan *p)
{
	const struct vr_conf_router *want = &c->routers[k], *o;
	struct vr_action *a;
	uint8_t used;
	int i, err;

	if (netns_exists(want->req.name)) {
		pr_err("%s:%d: VR %s: a network namespace of that name exists and is no "
		       "VR of this vrouter (rename the VR or remove the namespace)", c->path,
		       want->line, want->req.name);
		return -EEXIST;
	}
	if (want->req.has_table) {
		for (i = 0; i < run->n_routers; i++) {
			o = &run->routers[i];
			if (o->req.table == want->req.table && find_router(c, o->req.name) &&
			    !gone(p, o->req.name)) {
				pr_err("%s:%d: VR %s: table %u is VR %s's, which stays", c->path,
				       want->line, want->req.name, want->req.table, o->req.name);
				return -EEXIST;
			}
		}
		err = nl_tables_used(want->req.table, want->req.table, &used);
		if (err) {
			pr_err("cannot read the host's routes and rules: %s", strerror(-err));
			return err;
		}
		/* A table of a VR deleted first is emptied by the delete. */
		for (i = 0; used && i < run->n_routers; i++)
			if (run->routers[i].req.table == want->req.table)
				used = 0;
		if (used) {
			pr_err("%s:%d: VR %s: table %u holds routes or is named by an ip rule "
			       "in the host: not vrctl's", c->path, want->line, want->req.name,
			       want->req.table);
			return -EEXIST;
		}
	}
	a = add(p, VR_ACT_CREATE, '+', "router", want->req.name);
	if (!a)
		return -ENOMEM;
	a->conf = k;
	return 0;
}

static int plan_routers(struct vr_state *st, const struct vr_conf *c,
			const struct vr_conf *run, struct vr_plan *p)
{
	const struct vr_conf_router *want;
	struct vr_router rec;
	struct vr_action *a;
	uint32_t id = 0;
	int i, err = 0;

	/* Records: READY ones are in RUN; a half-made one is del-router's. */
	while (st->fd[VRM_ROUTERS] >= 0 && !(err = vr_router_next(st, &id, &rec))) {
		want = find_router(c, rec.name);
		if (rec.state != VR_STATE_READY) {
			if (want) {
				pr_err("%s:%d: VR %s is half-made (a vrctl died halfway): "
				       "vrctl del-router %s first", c->path, want->line,
				       rec.name, rec.name);
				return -EBUSY;
			}
			pr_warn("VR %s is half-made: left to vrctl del-router %s", rec.name,
				rec.name);
			continue;
		}
		if (!want || !netns_is_ours(&rec)) {
			a = add(p, VR_ACT_DELETE, '-', "router", rec.name);
			if (!a)
				return -ENOMEM;
			a->id = id;
			a->rec = rec;
			a->netns_gone = want != NULL;
			if (want)	/* made again below, as new */
				snprintf(a->change, sizeof(a->change),
					 "(its network namespace is gone)");
			continue;
		}
		if (!rec.uid_count)
			pr_warn("VR %s has no user namespace (an older vrctl's): its tenant's "
				"root is root on the host; `vrctl del-router %s` and apply again "
				"move it into one (README, Tenants)", rec.name, rec.name);
		for (i = 0; i < run->n_routers &&
			    strcmp(run->routers[i].req.name, rec.name); i++)
			;
		err = plan_change(c, want, &run->routers[i], id, &rec, p);
		if (err)
			return err;
	}
	if (err && err != -ENOENT) {
		pr_err("cannot read %s: %s", VR_MAP_ROUTERS, strerror(-err));
		return err;
	}
	for (i = 0; i < c->n_routers; i++) {
		if (find_router(run, c->routers[i].req.name) && !gone(p, c->routers[i].req.name))
			continue;
		err = plan_create(c, i, run, p);
		if (err)
			return err;
	}
	return 0;
}

/* ---- order --------------------------------------------------------- */

static const struct vr_conf *sort_conf;

static uint64_t quota_sum(const struct vr_quota *q)
{
	return (uint64_t)q->neigh + q->macs;
}

static int cmp_act(const void *x, const void *y)
{
	const struct vr_action *a = x, *b = y;
	int ka, kb;

	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->kind == VR_ACT_QUOTA) {	/* lowered first: room for the raised */
		ka = quota_sum(&a->new_quota) > quota_sum(&a->old_quota);
		kb = quota_sum(&b->new_quota) > quota_sum(&b->old_quota);
		if (ka != kb)
			return ka - kb;
	}
	if (a->kind == VR_ACT_CREATE) {	/* explicit tables first */
		ka = !sort_conf->routers[a->conf].req.has_table;
		kb = !sort_conf->routers[b->conf].req.has_table;
		if (ka != kb)
			return ka - kb;
	}
	return a->conf - b->conf;
}

int vr_conf_plan(struct vr_state *st, struct vr_conf *c, struct vr_plan *p)
{
	struct vr_conf *run;
	int i, err;

	memset(p, 0, sizeof(*p));
	err = vr_conf_running(st, &run);
	if (err)
		return err;
	err = plan_nics(c, run, p);
	if (!err)
		err = plan_routers(st, c, run, p);
	vr_conf_free(run);
	if (err) {
		vr_plan_free(p);
		return err;
	}
	/* qsort is not stable: the index decides ties (in plan order). */
	for (i = 0; i < p->n; i++)
		if (p->acts[i].kind != VR_ACT_CREATE && p->acts[i].kind != VR_ACT_LOAD)
			p->acts[i].conf = i;
	sort_conf = c;
	qsort(p->acts, p->n, sizeof(p->acts[0]), cmp_act);
	return 0;
}
