// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * apply / save: the declarative configuration (loader/config).  apply
 * loads and checks the file, prints the plan (one line per action, or
 * JSON), and runs it unless --check.  Exit status of --check, as diff(1):
 * 0 nothing would change, 1 something would, 2 trouble (a bad file).
 * save prints the running configuration in the file's format (with -j:
 * the same as JSON, which apply reads too).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "config/config.h"
#include "core/datapath.h"
#include "print.h"

/* The fields of a limit or quota that differ, as show -j names them:
 * OLD (WHICH 0) or NEW (1) values; a rate or burst of 0 is none (null).
 */
struct field_diff {
	const char *key;
	uint64_t v[2];
	bool none_ok;
};

static void print_diff(const char *key, const struct field_diff *f, size_t n, int which)
{
	size_t i;

	open_json_object(key);
	for (i = 0; i < n; i++) {
		if (f[i].v[0] == f[i].v[1])
			continue;
		if (f[i].none_ok && !f[i].v[which])
			print_null(PRINT_JSON, f[i].key, NULL);
		else
			print_u64(PRINT_JSON, f[i].key, NULL, f[i].v[which]);
	}
	close_json_object();
}

static void print_diffs(const struct field_diff *f, size_t n)
{
	print_diff("old", f, n, 0);
	print_diff("new", f, n, 1);
}

/* A NIC of a VR with its MAC, as show -j's ifaces; KEY: "old" or "new". */
static void print_att(const char *key, const struct vr_att *att)
{
	char m[18];

	open_json_object(key);
	print_string(PRINT_JSON, "ifname", NULL, att->ifname);
	print_string(PRINT_JSON, "mac", NULL, mac_str(att->mac, m));
	close_json_object();
}

/* What a change ('~') changes: field, old and new (-j). */
static void print_change(const struct vr_action *a)
{
	const struct vr_limit *o = &a->old_limit, *n = &a->new_limit;
	const struct field_diff lim[] = {
		{ "rate_pps", { o->rate_pps, n->rate_pps }, true },
		{ "burst", { o->burst, n->burst }, true },
		{ "rate_bps", { o->rate_bps, n->rate_bps }, true },
		{ "burst_bytes", { o->burst_bytes, n->burst_bytes }, true },
	};
	const struct field_diff quota[] = {
		{ "neigh", { a->old_quota.neigh, a->new_quota.neigh }, false },
		{ "routes", { a->old_quota.routes, a->new_quota.routes }, false },
		{ "macs", { a->old_quota.macs, a->new_quota.macs }, false },
	};

	switch (a->kind) {
	case VR_ACT_ATTACH:
	case VR_ACT_DETACH:
		print_string(PRINT_JSON, "field", NULL, "ifaces");
		if (a->kind == VR_ACT_ATTACH)
			print_null(PRINT_JSON, "old", NULL);
		print_att(a->kind == VR_ACT_ATTACH ? "new" : "old", &a->att);
		if (a->kind == VR_ACT_DETACH)
			print_null(PRINT_JSON, "new", NULL);
		break;
	case VR_ACT_LIMIT:
		print_string(PRINT_JSON, "field", NULL, "limit");
		print_diffs(lim, sizeof(lim) / sizeof(lim[0]));
		break;
	case VR_ACT_QUOTA:
		print_string(PRINT_JSON, "field", NULL, "quota");
		print_diffs(quota, sizeof(quota) / sizeof(quota[0]));
		break;
	default:	/* VR_ACT_FAST_PATH */
		print_string(PRINT_JSON, "field", NULL, "fast_path");
		print_string(PRINT_JSON, "old", NULL, a->off ? "on" : "off");
		print_string(PRINT_JSON, "new", NULL, a->off ? "off" : "on");
	}
}

/* One line per action; -j: {"op": "add"|"delete"|"change", "object",
 * "name", [what changes], "text": the line}.
 */
static void print_plan(const struct vr_plan *p)
{
	char buf[256];
	int i;

	open_json_array("actions");
	for (i = 0; i < p->n; i++) {
		const struct vr_action *a = &p->acts[i];

		open_json_object(NULL);
		print_string(PRINT_JSON, "op", NULL, a->op == '+' ? "add" : a->op == '-' ?
			     "delete" : "change");
		print_string(PRINT_JSON, "object", NULL, a->object);
		print_string(PRINT_JSON, "name", NULL, a->name);
		if (a->kind == VR_ACT_LOAD)
			print_string(PRINT_JSON, "mode", NULL, vr_xdp_mode_name(a->mode));
		if (a->kind == VR_ACT_DELETE)
			print_bool(PRINT_JSON, "netns_missing", NULL, a->netns_gone);
		if (a->op == '~')
			print_change(a);
		print_string(PRINT_ANY, "text", "%s\n", vr_action_str(a, buf, sizeof(buf)));
		close_json_object();
	}
	close_json_array();
}

int do_apply(struct vr_ctx *ctx, const struct vr_args *a)
{
	const char *path = a->n_pos ? a->pos[0] : VR_CONF_DEFAULT;
	bool check = a->val[APPLY_CHECK] != NULL;
	struct vr_conf *c = NULL;
	struct vr_plan p;
	int err;

	err = vr_conf_load(path, &c);
	if (!err)
		err = vr_conf_plan(&ctx->st, c, &p);
	if (err) {
		if (check)
			ctx->usage_error = true;	/* exit 2: trouble, not "changes" */
		goto out;
	}
	open_json_object(NULL);
	print_string(PRINT_JSON, "file", NULL, c->path);
	print_bool(PRINT_JSON, "check", NULL, check);
	print_plan(&p);
	if (!check && p.n)
		err = vr_conf_apply(&ctx->st, c, &p);
	print_uint(PRINT_JSON, "changes", NULL, (unsigned int)p.n);
	print_bool(PRINT_JSON, "applied", NULL, !check && (!err || err == -ECHILD));
	if (!p.n)
		print_text("%s: nothing to change\n", c->path);
	else if (check)
		print_text("%s: %d change%s to apply\n", c->path, p.n, p.n == 1 ? "" : "s");
	else if (!err || err == -ECHILD)	/* a hook failed: the changes stay */
		print_text("%s: %d change%s applied\n", c->path, p.n, p.n == 1 ? "" : "s");
	close_json_object();
	if (check && p.n)
		ctx->status = 1;
	vr_plan_free(&p);
out:
	vr_conf_free(c);
	return err;
}

/* ---- save ---------------------------------------------------------- */

static bool one_mac(const struct vr_router_req *r)
{
	int i;

	for (i = 1; i < r->n_att; i++)
		if (memcmp(r->att[i].mac, r->att[0].mac, VR_ETH_ALEN))
			return false;
	return r->n_att > 0;
}

static void print_macs(const struct vr_router_req *r)
{
	char m[18], item[IF_NAMESIZE + 20];
	int i;

	if (one_mac(r)) {
		print_text("    macs: [");
		open_json_array("macs");
		print_string(PRINT_ANY, NULL, "%s]\n", mac_str(r->att[0].mac, m));
		close_json_array();
		print_text("    nics: [");
		open_json_array("nics");
		for (i = 0; i < r->n_att; i++)
			print_string(PRINT_ANY, NULL, i + 1 < r->n_att ? "%s, " : "%s]\n",
				     r->att[i].ifname);
		close_json_array();
		return;
	}
	print_text("    macs: [");
	open_json_array("macs");
	for (i = 0; i < r->n_att; i++) {
		snprintf(item, sizeof(item), "%s=%s", r->att[i].ifname, mac_str(r->att[i].mac, m));
		print_string(PRINT_ANY, NULL, i + 1 < r->n_att ? "%s, " : "%s]\n", item);
	}
	close_json_array();
}

static void print_limit(const struct vr_limit *l)
{
	print_text("    limit:\n");
	open_json_object("limit");
	if (l->rate_pps) {
		print_u64(PRINT_ANY, "rate-pps", "      rate-pps: %llu\n", l->rate_pps);
		print_uint(PRINT_ANY, "burst", "      burst: %u\n", l->burst);
	}
	if (l->rate_bps) {
		print_u64(PRINT_ANY, "rate-bps", "      rate-bps: %llu\n", l->rate_bps);
		print_u64(PRINT_ANY, "burst-bytes", "      burst-bytes: %llu\n", l->burst_bytes);
	}
	close_json_object();
}

static void print_quota(const struct vr_quota *q)
{
	struct vr_quota d = { 0 };

	vr_quota_defaults(&d);
	if (q->neigh == d.neigh && q->routes == d.routes && q->macs == d.macs)
		return;
	print_text("    quota:\n");
	open_json_object("quota");
	print_uint(PRINT_ANY, "neigh", "      neigh: %u\n", q->neigh);
	print_uint(PRINT_ANY, "routes", "      routes: %u\n", q->routes);
	print_uint(PRINT_ANY, "macs", "      macs: %u\n", q->macs);
	close_json_object();
}

static void print_router(const struct vr_conf_router *cr)
{
	const struct vr_router_req *r = &cr->req;

	open_json_object(NULL);
	print_string(PRINT_ANY, "name", "  - name: %s\n", r->name);
	print_macs(r);
	print_uint(PRINT_ANY, "table", "    table: %u\n", r->table);
	if (cr->has_limit)
		print_limit(&r->limit);
	print_quota(&r->quota);
	if (cr->fast_path_off)
		print_string(PRINT_ANY, "fast-path", "    fast-path: %s\n", "off");
	close_json_object();
}

int do_save(struct vr_ctx *ctx, const struct vr_args *a)
{
	struct vr_conf *c;
	char when[32];
	time_t now = time(NULL);
	int i, err;

	err = vr_conf_running(&ctx->st, &c);
	if (err)
		return err;
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	print_text("# vrouter configuration saved by 'vrctl save' at %s.\n"
		   "# Hooks are not part of the running state: add them back by hand.\n",
		   when);
	open_json_object(NULL);
	print_text("nics:%s\n", c->n_nics ? "" : " []");
	open_json_array("nics");
	for (i = 0; i < c->n_nics; i++) {
		const char *mode = c->nics[i].mode == XDP_MODE_SKB ? "skb" : "native";

		open_json_object(NULL);
		if (c->nics[i].mode == XDP_MODE_SKB)
			print_string(PRINT_ANY, "name", "  - name: %s\n", c->nics[i].name);
		else
			print_string(PRINT_ANY, "name", "  - %s\n", c->nics[i].name);
		print_string(PRINT_JSON, "xdp-mode", NULL, mode);
		if (c->nics[i].mode == XDP_MODE_SKB)
			print_text("    xdp-mode: skb\n");
		close_json_object();
	}
	close_json_array();
	print_text("routers:%s\n", c->n_routers ? "" : " []");
	open_json_array("routers");
	for (i = 0; i < c->n_routers; i++)
		print_router(&c->routers[i]);
	close_json_array();
	close_json_object();
	vr_conf_free(c);
	return 0;
}
