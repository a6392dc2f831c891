// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The configuration file (config.h), parsed with libyaml's document
 * loader (every node carries its line) and checked completely before
 * anyone acts on it: the first error ends the load with one line,
 * "FILE:LINE: what is wrong".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <yaml.h>

#include "config/config.h"
#include "core/maps.h"
#include "core/quota.h"
#include "lib/log.h"
#include "lib/parse.h"

#define BURST_BYTES_MAX	(1ULL << 40)	/* as add-router's --burst-bytes */

struct ld {
	yaml_document_t doc;
	struct vr_conf *c;
};

/* The one error line: FILE:LINE: ... (LINE from node N, 1-based). */
static int __attribute__((format(printf, 3, 4)))
bad(struct ld *l, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n)
		pr_err("%s:%zu: %s", l->c->path, n->start_mark.line + 1, msg);
	else
		pr_err("%s: %s", l->c->path, msg);
	return -EINVAL;
}

static yaml_node_t *node(struct ld *l, int i)
{
	return yaml_document_get_node(&l->doc, i);
}

static const char *scalar(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* N as a scalar, else an error naming KEY. */
static int want_scalar(struct ld *l, const yaml_node_t *n, const char *key, const char **out)
{
	*out = scalar(n);
	if (!*out)
		return bad(l, n, "%s: expected a single value, not a %s", key,
			   n->type == YAML_MAPPING_NODE ? "mapping" : "list");
	return 0;
}

/* Walk the mapping N, calling FN for each key (checked: known, once). */
typedef int (*key_fn)(struct ld *l, const char *key, yaml_node_t *k, yaml_node_t *v,
		      void *arg);

static int each_key(struct ld *l, yaml_node_t *n, const char *what,
		    const char *const *keys, key_fn fn, void *arg)
{
	yaml_node_pair_t *p;
	unsigned int seen = 0;
	const char *k;
	int i, err;

	if (n->type != YAML_MAPPING_NODE)
		return bad(l, n, "%s: expected a mapping (key: value lines)", what);
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *kn = node(l, p->key), *vn = node(l, p->value);

		k = scalar(kn);
		if (!k)
			return bad(l, kn, "%s: a key must be a plain word", what);
		for (i = 0; keys[i] && strcmp(keys[i], k); i++)
			;
		if (!keys[i])
			return bad(l, kn, "%s: unknown key '%s'", what, k);
		if (seen & (1u << i))
			return bad(l, kn, "%s: key '%s' given twice", what, k);
		seen |= 1u << i;
		err = fn(l, k, kn, vn, arg);
		if (err)
			return err;
	}
	return 0;
}

/* A scalar or a list of scalars: FN for each. */
typedef int (*item_fn)(struct ld *l, yaml_node_t *n, const char *s, void *arg);

static int each_item(struct ld *l, yaml_node_t *n, const char *key, item_fn fn, void *arg)
{
	yaml_node_item_t *it;
	const char *s;
	int err;

	if (n->type == YAML_SCALAR_NODE)
		return fn(l, n, scalar(n), arg);
	if (n->type != YAML_SEQUENCE_NODE)
		return bad(l, n, "%s: expected a value or a list", key);
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *in = node(l, *it);

		err = want_scalar(l, in, key, &s);
		if (!err)
			err = fn(l, in, s, arg);
		if (err)
			return err;
	}
	return 0;
}

static int parse_mode(struct ld *l, yaml_node_t *n, enum xdp_attach_mode *mode)
{
	const char *s;
	int err = want_scalar(l, n, "xdp-mode", &s);

	if (err)
		return err;
	if (!strcmp(s, "native"))
		*mode = XDP_MODE_NATIVE;
	else if (!strcmp(s, "skb"))
		*mode = XDP_MODE_SKB;
	else
		return bad(l, n, "xdp-mode: '%s' is not native or skb", s);
	return 0;
}

/* A NIC name that exists now. */
static int parse_nic_name(struct ld *l, yaml_node_t *n, const char *s, char *out)
{
	if (strlen(s) >= IF_NAMESIZE || !*s || strchr(s, '/'))
		return bad(l, n, "'%s' is not a NIC name (at most %d characters, no '/')", s,
			   IF_NAMESIZE - 1);
	if (!if_nametoindex(s))
		return bad(l, n, "NIC %s does not exist", s);
	strcpy(out, s);
	return 0;
}

/* ---- nics ---------------------------------------------------------- */

static const char *const nic_keys[] = { "name", "xdp-mode", NULL };

static int nic_key(struct ld *l, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct vr_conf_nic *nic = arg;
	const char *s;
	int err;

	if (!strcmp(key, "xdp-mode"))
		return parse_mode(l, v, &nic->mode);
	err = want_scalar(l, v, "name", &s);
	return err ? err : parse_nic_name(l, v, s, nic->name);
}

static int parse_nics(struct ld *l, yaml_node_t *n, enum xdp_attach_mode def)
{
	struct vr_conf *c = l->c;
	struct vr_conf_nic *nic;
	yaml_node_item_t *it;
	int i, err;

	if (n->type == YAML_SCALAR_NODE && !*scalar(n))
		return 0;	/* "nics:" with nothing: none */
	if (n->type != YAML_SEQUENCE_NODE)
		return bad(l, n, "nics: expected a list");
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *in = node(l, *it);

		if (c->n_nics == VR_MAX_IFACES)
			return bad(l, in, "nics: more than %d", VR_MAX_IFACES);
		nic = &c->nics[c->n_nics];
		nic->mode = (enum xdp_attach_mode)-1;
		nic->line = (int)in->start_mark.line + 1;
		if (in->type == YAML_SCALAR_NODE)
			err = parse_nic_name(l, in, scalar(in), nic->name);
		else
			err = each_key(l, in, "nics", nic_keys, nic_key, nic);
		if (err)
			return err;
		if (!nic->name[0])
			return bad(l, in, "nics: an entry without a name");
		if ((int)nic->mode == -1)
			nic->mode = def;
		for (i = 0; i < c->n_nics; i++)
			if (!strcmp(c->nics[i].name, nic->name))
				return bad(l, in, "NIC %s is listed twice (line %d)", nic->name,
					   c->nics[i].line);
		c->n_nics++;
	}
	return 0;
}

/* ---- routers ------------------------------------------------------- */

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
		return bad(l, n, "macs: '%s' is not a unicast MAC (six hex bytes as "
			   "02:00:00:00:00:01, not multicast, not zero)", eq ? eq + 1 : s);
	if (!eq) {
		if (r->has_def_mac)
			return bad(l, n, "macs: more than one MAC without a NIC (IFACE=MAC "
				   "gives a NIC its own)");
		memcpy(r->def_mac, mac, VR_ETH_ALEN);
		r->has_def_mac = true;
		return 0;
	}
	if (r->n_mac_for == VR_MAX_IFACES)
		return bad(l, n, "macs: more than %d", VR_MAX_IFACES);
	a = &r->mac_for[r->n_mac_for];
	if (eq - s >= IF_NAMESIZE || eq == s)
		return bad(l, n, "macs: '%.*s' is not a NIC name", (int)(eq - s), s);
	memcpy(a->ifname, s, eq - s);
	a->ifname[eq - s] = '\0';
	for (i = 0; i < r->n_mac_for; i++)
		if (!strcmp(r->mac_for[i].ifname, a->ifname))
			return bad(l, n, "macs: NIC %s given twice", a->ifname);
	memcpy(a->mac, mac, VR_ETH_ALEN);
	r->n_mac_for++;
	return 0;
}

static int nic_item(struct ld *l, yaml_node_t *n, const char *s, void *arg)
{
	struct vr_router_req *r = arg;
	int i;

	if (r->n_att == VR_MAX_IFACES)
		return bad(l, n, "nics: more than %d", VR_MAX_IFACES);
	for (i = 0; i < l->c->n_nics && strcmp(l->c->nics[i].name, s); i++)
		;
	if (i == l->c->n_nics)
		return bad(l, n, "nics: NIC %s is not in the file's nics:", s);
	for (i = 0; i < r->n_att; i++)
		if (!strcmp(r->att[i].ifname, s))
			return bad(l, n, "nics: NIC %s given twice", s);
	strcpy(r->att[r->n_att++].ifname, s);
	r->has_iface = true;
	return 0;
}

/* "none" or a number in [MIN, MAX] (0 for none). */
static int num(struct ld *l, yaml_node_t *n, const char *key, bool none_ok, uint64_t min,
	       uint64_t max, uint64_t *out)
{
	const char *s;
	int err = want_scalar(l, n, key, &s);

	if (err)
		return err;
	if (none_ok && !strcmp(s, "none")) {
		*out = 0;
		return 0;
	}
	if (parse_u64(s, min, max, out))
		return bad(l, n, "%s: '%s' is not a number in %llu-%llu%s", key, s,
			   (unsigned long long)min, (unsigned long long)max,
			   none_ok ? ", or none" : "");
	return 0;
}

static int limit_key(struct ld *l, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct vr_limit *lim = arg;
	uint64_t x;
	int err;

	if (!strcmp(key, "rate-pps")) {
		err = num(l, v, key, true, 1, VR_LIMIT_PPS_MAX, &x);
		lim->rate_pps = x;
	} else if (!strcmp(key, "rate-bps")) {
		err = num(l, v, key, true, VR_LIMIT_BPS_MIN, VR_LIMIT_BPS_MAX, &x);
		lim->rate_bps = x;
	} else if (!strcmp(key, "burst")) {
		err = num(l, v, key, false, 1, UINT32_MAX, &x);
		lim->burst = (uint32_t)x;
	} else {
		err = num(l, v, key, false, 64, BURST_BYTES_MAX, &x);
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
		err = num(l, v, "quota neigh", false, 1, VR_MAX_NEIGH, &x);
		q->neigh = (uint32_t)x;
	} else if (!strcmp(key, "routes")) {
		err = num(l, v, "quota routes", false, 1, VR_QUOTA_ROUTES_MAX, &x);
		q->routes = (uint32_t)x;
	} else {
		err = num(l, v, "quota macs", false, 1, VR_MAX_MACS, &x);
		q->macs = (uint32_t)x;
	}
	return err;
}

static int limit_node(struct ld *l, yaml_node_t *v, struct vr_conf_router *cr)
{
	struct vr_limit *lim = &cr->req.limit;
	int err;

	cr->has_limit = true;
	err = each_key(l, v, "limit", limit_keys, limit_key, lim);
	if (err)
		return err;
	if (lim->burst && !lim->rate_pps)
		return bad(l, v, "limit: burst goes with rate-pps");
	if (lim->burst_bytes && !lim->rate_bps)
		return bad(l, v, "limit: burst-bytes goes with rate-bps");
	vr_limit_default_bursts(lim);
	if (vr_limit_derive(lim))
		return bad(l, v, "limit: a burst is too large for its rate (more than %llu s "
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
		return each_item(l, v, key, mac_item, r);
	if (!strcmp(key, "nics"))
		return each_item(l, v, key, nic_item, r);
	if (!strcmp(key, "limit"))
		return limit_node(l, v, cr);
	if (!strcmp(key, "quota"))
		return each_key(l, v, "quota", quota_keys, quota_key, &r->quota);
	err = want_scalar(l, v, key, &s);
	if (err)
		return err;
	if (!strcmp(key, "name")) {
		if (parse_vr_name(s))
			return bad(l, v, "name: '%s' is not a VR name (1-%d of letters, digits, "
				   "'_', '.', '-'; not '.' or '..')", s, VR_NAME_MAX - 1);
		strcpy(r->name, s);
	} else if (!strcmp(key, "table")) {
		if (parse_table_id(s, &r->table))
			return bad(l, v, "table: '%s' is not a table id", s);
		if (vr_table_reserved(r->table))
			return bad(l, v, "table %u is reserved (0 unspec, 253 default, 254 main, "
				   "255 local)", r->table);
		r->has_table = true;
	} else if (!strcmp(key, "fast-path")) {
		/* YAML 1.1 spells booleans many ways; these are the ones operators use. */
		if (!strcmp(s, "on") || !strcmp(s, "true") || !strcmp(s, "yes"))
			cr->fast_path_off = false;
		else if (!strcmp(s, "off") || !strcmp(s, "false") || !strcmp(s, "no"))
			cr->fast_path_off = true;
		else
			return bad(l, v, "fast-path: '%s' is not on or off", s);
	} else {	/* hook */
		if (strlen(s) >= sizeof(cr->hook))
			return bad(l, v, "hook: longer than %zu bytes", sizeof(cr->hook) - 1);
		if (strchr(s, '\n'))
			return bad(l, v, "hook: one line (a command, or the path of a script)");
		strcpy(cr->hook, s);
	}
	return 0;
}

static const struct vr_conf_nic *conf_nic(const struct vr_conf *c, const char *name)
{
	int i;

	for (i = 0; i < c->n_nics; i++)
		if (!strcmp(c->nics[i].name, name))
			return &c->nics[i];
	return NULL;
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
		return bad(l, n, "VR %s: no macs:", r->name);
	if (!r->has_iface && r->has_def_mac) {
		for (i = 0; i < l->c->n_nics; i++)
			strcpy(r->att[i].ifname, l->c->nics[i].name);
		r->n_att = l->c->n_nics;
	} else if (!r->has_iface) {
		memcpy(r->att, r->mac_for, r->n_mac_for * sizeof(r->att[0]));
		r->n_att = r->n_mac_for;
	}
	if (!r->n_att)
		return bad(l, n, "VR %s: no NIC (the file's nics: is empty)", r->name);
	for (j = 0; j < r->n_mac_for; j++) {
		if (!conf_nic(l->c, r->mac_for[j].ifname))
			return bad(l, n, "VR %s: macs: NIC %s is not in the file's nics:",
				   r->name, r->mac_for[j].ifname);
		for (i = 0; i < r->n_att && strcmp(r->att[i].ifname, r->mac_for[j].ifname); i++)
			;
		if (i == r->n_att)
			return bad(l, n, "VR %s: macs: NIC %s is not in its nics:", r->name,
				   r->mac_for[j].ifname);
	}
	for (i = 0; i < r->n_att; i++) {
		struct vr_att *a = &r->att[i];

		for (m = NULL, j = 0; j < r->n_mac_for; j++)
			if (!strcmp(r->mac_for[j].ifname, a->ifname))
				m = &r->mac_for[j];
		if (!m && !r->has_def_mac)
			return bad(l, n, "VR %s: no MAC for NIC %s (%s=MAC in macs:)", r->name,
				   a->ifname, a->ifname);
		memcpy(a->mac, m ? m->mac : r->def_mac, VR_ETH_ALEN);
		a->ifindex = if_nametoindex(a->ifname);
		if (!a->ifindex)
			return bad(l, n, "NIC %s does not exist", a->ifname);
	}
	memcpy(r->mac_for, r->att, r->n_att * sizeof(r->att[0]));
	r->n_mac_for = r->n_att;
	r->has_def_mac = false;
	r->has_iface = true;
	vr_quota_defaults(&r->quota);
	if ((uint32_t)r->n_att > r->quota.macs)
		return bad(l, n, "VR %s: %d NICs, over its MAC quota of %u", r->name,
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
			return bad(l, n, "VR %s is named twice (line %d)", me->req.name, o->line);
		if (me->req.has_table && o->req.has_table && me->req.table == o->req.table)
			return bad(l, n, "VR %s: table %u is VR %s's too (line %d)", me->req.name,
				   me->req.table, o->req.name, o->line);
		for (a = 0; a < me->req.n_att; a++)
			for (b = 0; b < o->req.n_att; b++)
				if (me->req.att[a].ifindex == o->req.att[b].ifindex &&
				    !memcmp(me->req.att[a].mac, o->req.att[b].mac, VR_ETH_ALEN))
					return bad(l, n, "VR %s: MAC %s on NIC %s is VR %s's too "
						   "(line %d)", me->req.name,
						   mac_str(me->req.att[a].mac, m),
						   me->req.att[a].ifname, o->req.name, o->line);
	}
	return 0;
}

static int parse_routers(struct ld *l, yaml_node_t *n)
{
	struct vr_conf *c = l->c;
	struct vr_conf_router *cr;
	yaml_node_item_t *it;
	uint64_t neigh = 0, macs = 0;
	int err, cap;

	if (n->type == YAML_SCALAR_NODE && !*scalar(n))
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		return bad(l, n, "routers: expected a list");
	cap = (int)(n->data.sequence.items.top - n->data.sequence.items.start);
	if (cap > VR_MAX_ROUTERS - 1)
		return bad(l, n, "routers: more than %d", VR_MAX_ROUTERS - 1);
	c->routers = calloc(cap ? cap : 1, sizeof(*c->routers));
	if (!c->routers)
		return -ENOMEM;
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *in = node(l, *it);

		cr = &c->routers[c->n_routers];
		cr->line = (int)in->start_mark.line + 1;
		err = each_key(l, in, "router", router_keys, router_key, cr);
		if (err)
			return err;
		if (!cr->req.name[0])
			return bad(l, in, "router: no name:");
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
		return bad(l, n, "the VRs' %s quotas add up to %llu, over the %d the map holds",
			   neigh > VR_MAX_NEIGH ? "neigh" : "macs",
			   (unsigned long long)(neigh > VR_MAX_NEIGH ? neigh : macs),
			   neigh > VR_MAX_NEIGH ? VR_MAX_NEIGH : VR_MAX_MACS);
	return 0;
}

/* ---- the file ------------------------------------------------------ */

static const char *const top_keys[] = { "xdp-mode", "nics", "routers", NULL };

struct top {
	yaml_node_t *mode, *nics, *routers;
};

static int top_key(struct ld *l, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct top *t = arg;

	if (!strcmp(key, "xdp-mode"))
		t->mode = v;
	else if (!strcmp(key, "nics"))
		t->nics = v;
	else
		t->routers = v;
	return 0;
}

/* The directory of PATH: others who can write there can replace the file
 * (a sticky directory, as /tmp, lets them replace only their own).
 */
static int check_dir(struct ld *l, const char *path)
{
	char dir[sizeof(l->c->path)], *slash;
	struct stat sb;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else
		slash[slash == dir] = '\0';	/* "/x" -> "/" */
	if (stat(dir, &sb) || (sb.st_mode & S_ISVTX))
		return 0;
	if (sb.st_mode & S_IWOTH)
		return bad(l, NULL, "its directory %s is writable by everyone: refused (anyone "
			   "could replace the file, whose hooks run as root)", dir);
	if (sb.st_mode & S_IWGRP)
		pr_warn("%s: its directory %s is writable by group %u: its members can replace "
			"the file, whose hooks run as root", l->c->path, dir,
			(unsigned int)sb.st_gid);
	return 0;
}

/* Hooks run as root: a file others can write is someone else's root. */
static int check_owner(struct ld *l, FILE *f)
{
	struct stat sb;

	if (fstat(fileno(f), &sb) || !S_ISREG(sb.st_mode))
		return 0;	/* a pipe (stdin): the writer is the caller */
	if (f != stdin && check_dir(l, l->c->path))
		return -EINVAL;
	if (sb.st_mode & S_IWOTH)
		return bad(l, NULL, "writable by everyone: refused (its hooks run as root; "
			   "chmod o-w)");
	if (sb.st_uid != 0 && sb.st_uid != geteuid())
		pr_warn("%s: owned by uid %u, not root: whoever that is can run commands as "
			"root through its hooks", l->c->path, (unsigned int)sb.st_uid);
	if (sb.st_mode & S_IWGRP)
		pr_warn("%s: writable by group %u: its members can run commands as root "
			"through its hooks (chmod g-w)", l->c->path, (unsigned int)sb.st_gid);
	return 0;
}

static int load_doc(struct ld *l, FILE *f)
{
	yaml_parser_t parser;
	int err = 0;

	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &l->doc)) {
		pr_err("%s:%zu: %s%s%s", l->c->path,
		       (parser.problem_mark.line ? parser.problem_mark.line :
			parser.context_mark.line) + 1,
		       parser.problem ? parser.problem : "not YAML",
		       parser.context ? " " : "", parser.context ? parser.context : "");
		err = -EINVAL;
	}
	yaml_parser_delete(&parser);
	return err;
}

/* A value with a NUL inside ("lo\0x") would be read as another one ("lo"). */
static int check_nul(struct ld *l)
{
	yaml_node_t *n;

	for (n = l->doc.nodes.start; n < l->doc.nodes.top; n++)
		if (n->type == YAML_SCALAR_NODE &&
		    strlen((const char *)n->data.scalar.value) != n->data.scalar.length)
			return bad(l, n, "a value with a NUL byte inside");
	return 0;
}

static int load_file(struct ld *l, FILE *f)
{
	struct top t = { 0 };
	enum xdp_attach_mode def = XDP_MODE_NATIVE;
	yaml_node_t *root;
	int err;

	err = check_owner(l, f);
	if (!err)
		err = load_doc(l, f);
	if (err)
		return err;
	err = check_nul(l);
	if (err)
		return err;
	root = yaml_document_get_root_node(&l->doc);
	if (!root)
		return bad(l, NULL, "empty: a configuration has at least 'nics:' "
			   "(nics: [] with no routers unloads everything)");
	err = each_key(l, root, "the file", top_keys, top_key, &t);
	if (err)
		return err;
	if (!t.nics)
		return bad(l, root, "no 'nics:' (nics: [] with no routers unloads everything)");
	if (t.mode)
		err = parse_mode(l, t.mode, &def);
	if (!err)
		err = parse_nics(l, t.nics, def);
	if (!err && t.routers)
		err = parse_routers(l, t.routers);
	return err;
}

int vr_conf_load(const char *path, struct vr_conf **out)
{
	struct ld l = { 0 };
	FILE *f;
	int err;

	l.c = calloc(1, sizeof(*l.c));
	if (!l.c)
		return -ENOMEM;
	snprintf(l.c->path, sizeof(l.c->path), "%s", strcmp(path, "-") ? path : "<stdin>");
	f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!f) {
		err = -errno;
		pr_err("%s: %s", l.c->path, strerror(-err));
		free(l.c);
		return err;
	}
	err = load_file(&l, f);
	if (l.doc.nodes.start)
		yaml_document_delete(&l.doc);
	if (f != stdin)
		fclose(f);
	if (err) {
		vr_conf_free(l.c);
		return err;
	}
	*out = l.c;
	return 0;
}

void vr_conf_free(struct vr_conf *c)
{
	if (!c)
		return;
	free(c->routers);
	free(c);
}
