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
 * Host settings for ECMP, in the namespace vrctl runs in (the fast path's):
 * fib_multipath_hash_policy=1 (L4 hash) for IPv4 and IPv6, so flows that
 * differ only by ports spread over a multipath route's next hops.
 *
 * --follow holds no lock: it only writes the VRs' host tables and
 * vr_neigh, and follows what add-router/del-router do to the records.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "nl/netlink.h"
#include "print.h"
#include "sync/sync.h"

static const char *const host_sysctls[][2] = {
	{ "net/ipv4/fib_multipath_hash_policy", "1" },
	{ "net/ipv6/fib_multipath_hash_policy", "1" },
};

static void set_host_sysctls(void)
{
	char old[32], name[64], *p;
	size_t i;
	int err;

	for (i = 0; i < sizeof(host_sysctls) / sizeof(host_sysctls[0]); i++) {
		snprintf(name, sizeof(name), "%s", host_sysctls[i][0]);
		for (p = name; *p; p++)
			if (*p == '/')
				*p = '.';
		err = sysctl_set(NULL, host_sysctls[i][0], host_sysctls[i][1], old, sizeof(old));
		if (err)
			pr_warn("cannot set %s=%s (ECMP spreads flows by ports only with it): %s",
				name, host_sysctls[i][1], strerror(-err));
		else
			pr_info("%s=%s (was %s)", name, host_sysctls[i][1], old);
	}
}

static void print_summary(const struct sync_vr *vr, int err)
{
	open_json_object(NULL);
	print_string(PRINT_JSON, "name", NULL, vr->rec.name);
	print_uint(PRINT_JSON, "id", NULL, vr->id);
	print_uint(PRINT_JSON, "table", NULL, vr->rec.table_id);
	print_bool(PRINT_JSON, "namespace", NULL, !vr->gone);
	open_json_object("routes");
	print_uint(PRINT_JSON, "added", NULL, vr->n_add);
	print_uint(PRINT_JSON, "replaced", NULL, vr->n_repl);
	print_uint(PRINT_JSON, "deleted", NULL, vr->n_del);
	print_uint(PRINT_JSON, "unchanged", NULL, vr->n_same);
	close_json_object();
	open_json_object("neighbours");
	print_uint(PRINT_JSON, "set", NULL, vr->n_nset);
	print_uint(PRINT_JSON, "deleted", NULL, vr->n_ndel);
	print_uint(PRINT_JSON, "unchanged", NULL, vr->n_nsame);
	close_json_object();
	print_uint(PRINT_JSON, "failed", NULL, vr->failed);
	print_bool(PRINT_JSON, "ok", NULL, !err);
	close_json_object();
}

/* One full pass of VR ID; a missing namespace is an error, reported, and
 * the VR's fast-path state is removed.
 */
static int pass_one(struct sync *s, uint32_t id, const struct vr_router *rec)
{
	struct sync_vr *vr;
	int err;

	vr = sync_vr_new(s, id, rec);
	if (!vr)
		return -ENOMEM;
	s->vr[id] = vr;
	err = sync_vr_attach(vr);
	if (err == -ENOENT) {
		pr_err("VR %s: network namespace %s does not exist: its routes (table %u) "
		       "and neighbours are removed from the fast path",
		       vr->rec.name, vr->rec.name, vr->rec.table_id);
		vr->gone = true;
		sync_vr_forget(s, id, vr->rec.table_id, vr->rec.name);
	} else if (!err) {
		err = sync_vr_full_pass(vr);
		if (!err && vr->failed) {
			pr_err("VR %s: %u route requests were refused", vr->rec.name, vr->failed);
			err = -EIO;
		}
		if (!err && vr->resync) {
			/* It changed while being read: once more. */
			err = sync_vr_full_pass(vr);
		}
	}
	if (is_json_context())
		print_summary(vr, err);
	sync_vr_free(vr);
	s->vr[id] = NULL;
	return err;
}

static void sync_free(struct sync *s)
{
	if (s->host)
		mnl_socket_close(s->host);
	if (s->hdump)
		mnl_socket_close(s->hdump);
	if (s->self_ns >= 0)
		close(s->self_ns);
	free(s->b.buf);
	free(s->b.ops);
	free(s);
}

/* A sync context with its host sockets: requests and dumps of host tables. */
static int sync_new(struct vr_ctx *ctx, bool follow, struct sync **out)
{
	struct sync *s;
	int err;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->st = &ctx->st;
	s->follow = follow;
	s->verbose = ctx->verbose;
	s->self_ns = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (s->self_ns < 0) {
		err = -errno;
		pr_err("cannot open this network namespace: %s", strerror(errno));
		goto err;
	}
	err = sync_sock_open(s, -1, &s->host, false);
	if (!err)
		err = sync_sock_rcvbuf(s->host, 4 << 20);
	if (!err)
		err = sync_sock_open(s, -1, &s->hdump, true);
	if (err) {
		pr_err("cannot open a netlink socket: %s", strerror(-err));
		goto err;
	}
	*out = s;
	return 0;
err:
	sync_free(s);
	return err;
}

int do_sync(struct vr_ctx *ctx, const struct vr_args *a)
{
	const char *name = a->n_pos ? a->pos[0] : NULL;
	struct vr_router rec;
	struct sync *s = NULL;
	bool follow = a->val[SYNC_FOLLOW] != NULL;
	uint32_t id;
	int err, ret = 0;

	if (name && parse_vr_name(name))
		return vr_usage(ctx, "'%s' is not a valid router name", name);

	err = sync_new(ctx, follow, &s);
	if (err)
		return err;

	if (follow) {
		/* No lock: add-router and del-router go on meanwhile. */
		vr_state_unlock(&ctx->st);
		set_host_sysctls();
		sync_follow_only(name);
		err = sync_follow(s);
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
	set_host_sysctls();
	open_json_array(NULL);
	if (name) {
		ret = pass_one(s, id, &rec);
	} else {
		id = 0;
		while (!(err = vr_router_next(&ctx->st, &id, &rec))) {
			if (rec.state != VR_STATE_READY)
				continue;
			err = pass_one(s, id, &rec);
			if (err && !ret)
				ret = err;
		}
		if (err != -ENOENT && !ret) {
			pr_err("cannot read %s: %s", VR_MAP_ROUTERS, strerror(-err));
			ret = err;
		}
	}
	close_json_array();
	err = ret;
out:
	sync_free(s);
	return err;
}
