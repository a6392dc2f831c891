// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * sync: mirror each VR's routes and neighbours into the fast path.
 *
 *   vrctl sync [NAME]             one full pass (every READY VR, or NAME)
 *   vrctl sync [NAME] --follow    full pass, then follow the changes
 *
 * The fast path looks the VR's routes up in its host table (the VR's
 * table id) and its next hops in vr_neigh; the VR's namespace is the
 * truth (sync.h tells what is mirrored and how).  A full pass makes the
 * host table and the VR's vr_neigh entries exactly what the VR has;
 * nothing outside them is touched.  A VR whose namespace is gone is
 * reported and its fast-path state removed.
 *
 * The engine is loader/sync (sync_api.h); this file parses the arguments
 * and prints each VR's summary (-j).
 *
 * --follow holds no lock: it only writes the VRs' host tables and
 * vr_neigh, and follows what add-router/del-router do to the records.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "print.h"
#include "sync/sync_api.h"

/* A VR's full pass (-j): an element of {"routers": [...]} of one pass,
 * or with FOLLOWING (arg non-NULL) a line of its own, with its time.
 */
static void print_summary(const struct sync_result *r, void *following)
{
	if (!is_json_context())
		return;
	open_json_object(NULL);
	if (following) {
		print_time(PRINT_JSON, "time", NULL, NULL);
		print_string(PRINT_JSON, "event", NULL, "full_pass");
	}
	print_string(PRINT_JSON, "name", NULL, r->name);
	print_uint(PRINT_JSON, "id", NULL, r->id);
	print_uint(PRINT_JSON, "table", NULL, r->table);
	print_string(PRINT_JSON, "netns", NULL, r->name);
	print_bool(PRINT_JSON, "netns_missing", NULL, !r->namespace);
	open_json_object("routes");
	print_uint(PRINT_JSON, "added", NULL, r->routes_added);
	print_uint(PRINT_JSON, "replaced", NULL, r->routes_replaced);
	print_uint(PRINT_JSON, "deleted", NULL, r->routes_deleted);
	print_uint(PRINT_JSON, "unchanged", NULL, r->routes_unchanged);
	close_json_object();
	open_json_object("neigh");
	print_uint(PRINT_JSON, "set", NULL, r->neigh_set);
	print_uint(PRINT_JSON, "deleted", NULL, r->neigh_deleted);
	print_uint(PRINT_JSON, "unchanged", NULL, r->neigh_unchanged);
	close_json_object();
	print_uint(PRINT_JSON, "failed", NULL, r->failed);
	print_bool(PRINT_JSON, "ok", NULL, !r->err);
	close_json_object();
}

int do_sync(struct vr_ctx *ctx, const struct vr_args *a)
{
	const char *name = a->n_pos ? a->pos[0] : NULL;
	bool follow = a->val[SYNC_FOLLOW] != NULL;
	struct vr_router rec;
	struct sync *s = NULL;
	uint32_t id;
	int err;
	if (name && parse_vr_name(name))
		return vr_usage(ctx, "'%s' is not a valid router name", name);

	err = sync_new(&ctx->st, &s);
	if (err)
		return err;

	if (follow) {
		/* No lock: add-router and del-router go on meanwhile. */
		vr_state_unlock(&ctx->st);
		sync_follow_results(s, print_summary, s);
		err = sync_follow(s, name);
		goto out;
	}

	err = vr_state_open(&ctx->st);
	if (err)
		goto out;
	if (name) {
		err = vr_router_find_named(ctx, name, &id, &rec);
		if (err)
			goto out;
		if (rec.state != VR_STATE_READY) {
			pr_err("VR %s is being %s", name,
			       rec.state == VR_STATE_CREATING ? "created" : "deleted");
			err = -EBUSY;
			goto out;
		}
	}
	open_json_object(NULL);
	open_json_array("routers");
	if (name)
		err = sync_pass_vr(s, id, &rec, print_summary, NULL);
	else
		err = sync_pass_all(s, print_summary, NULL);
	close_json_array();
	close_json_object();
out:
	sync_free(s);
	return err;
}
