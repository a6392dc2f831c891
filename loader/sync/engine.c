// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The sync engine's entry (sync_api.h): a context with its host sockets,
 * the full pass of one VR or of all of them, the host's ECMP settings.
 * The follower (follow.c) runs on the same context.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nl/netlink.h"
#include "core/router.h"
#include "sync.h"

#define HOST_RCVBUF	(4 << 20)

void sync_free(struct sync *s)
{
	if (!s)
		return;
	nl_close(s->host);
	nl_close(s->hdump);
	if (s->self_ns >= 0)
		close(s->self_ns);
	sync_batch_free(&s->b);
	free(s);
}

int sync_new(struct vr_state *st, struct sync **out)
{
	struct sync *s;
	int err;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->st = st;
	s->self_ns = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (s->self_ns < 0) {
		err = -errno;
		pr_err("cannot open this network namespace: %s", strerror(errno));
		goto err;
	}
	err = nl_open_fd(NETLINK_ROUTE, -1, 0, &s->host);
	if (!err)
		err = nl_rcvbuf(s->host, HOST_RCVBUF);
	if (!err)
		err = nl_open_fd(NETLINK_ROUTE, -1, NL_STRICT, &s->hdump);
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

static void result_of(const struct sync_vr *vr, int err, struct sync_result *r)
{
	*r = (struct sync_result){
		.name = vr->rec.name, .id = vr->id, .table = vr->rec.table_id,
		.namespace = !vr->gone,
		.routes_added = vr->n_add, .routes_replaced = vr->n_repl,
		.routes_deleted = vr->n_del, .routes_unchanged = vr->n_same,
		.neigh_set = vr->n_nset, .neigh_deleted = vr->n_ndel,
		.neigh_unchanged = vr->n_nsame, .failed = vr->failed, .err = err,
	};
}

/* Attached VR: a full pass, once more if it changed while being read. */
static int full_passes(struct sync_vr *vr)
{
	int err;

	err = sync_vr_full_pass(vr);
	if (!err && vr->failed) {
		pr_err("VR %s: %u route requests were refused", vr->rec.name, vr->failed);
		err = -EIO;
	}
	if (!err && vr->resync)
		err = sync_vr_full_pass(vr);
	return err;
}

int sync_pass_vr(struct sync *s, uint32_t id, const struct vr_router *rec,
		 sync_result_fn result, void *arg)
{
	struct sync_result r;
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
		vr_router_forget(s->st, id, &vr->rec);
	} else if (!err) {
		err = full_passes(vr);
	}
	if (result) {
		result_of(vr, err, &r);
		result(&r, arg);
	}
	sync_vr_free(vr);
	s->vr[id] = NULL;
	return err;
}

void sync_follow_results(struct sync *s, sync_result_fn result, void *arg)
{
	s->follow_result = result;
	s->follow_arg = arg;
}

void sync_follow_report(struct sync *s)
{
	struct sync_result r;
	uint32_t id;

	for (id = 1; id < VR_MAX_ROUTERS; id++) {
		struct sync_vr *vr = s->vr[id];

		if (!vr || !vr->passed)
			continue;
		vr->passed = false;
		if (!s->follow_result)
			continue;
		result_of(vr, vr->pass_err ? vr->pass_err : vr->failed ? -EIO : 0, &r);
		s->follow_result(&r, s->follow_arg);
	}
}

int sync_pass_all(struct sync *s, sync_result_fn result, void *arg)
{
	struct vr_router rec;
	uint32_t id = 0;
	int err, ret = 0;

	while (!(err = vr_router_next(s->st, &id, &rec))) {
		if (rec.state != VR_STATE_READY)
			continue;
		err = sync_pass_vr(s, id, &rec, result, arg);
		if (err && !ret)
			ret = err;
	}
	if (err != -ENOENT && !ret) {
		pr_err("cannot read %s: %s", VR_MAP_ROUTERS, strerror(-err));
		ret = err;
	}
	return ret;
}
