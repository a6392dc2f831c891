// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * load / unload: parse, then core/datapath.c attaches or detaches.
 */
#include <errno.h>
#include <string.h>

#include "cli.h"
#include "core/datapath.h"

/* NAME not among the N first of NAMES. */
static bool fresh_name(const char *const *names, int n, const char *name)
{
	int j;

	for (j = 0; j < n; j++)
		if (!strcmp(names[j], name))
			return false;
	return true;
}

/* The NIC names in A: distinct, at most VR_MAX_IFACES. */
static int ifname_args(struct vr_ctx *ctx, const struct vr_args *a)
{
	int i;

	for (i = 0; i < a->n_pos; i++)
		if (!fresh_name((const char *const *)a->pos, i, a->pos[i]))
			return vr_usage(ctx, "%s: given twice", a->pos[i]);
	if (a->n_pos > VR_MAX_IFACES)
		return vr_usage(ctx, "more than %d NICs", VR_MAX_IFACES);
	return 0;
}

int do_load(struct vr_ctx *ctx, const struct vr_args *a)
{
	struct vr_load_req req = {
		.ifnames = (const char *const *)a->pos,
		.n = a->n_pos,
		.mode = XDP_MODE_UNSPEC,
		.replace = a->val[LOAD_REPLACE] != NULL,
	};
	const char *m = a->val[LOAD_MODE];
	int err;

	if (!a->n_pos)
		return vr_usage(ctx, "load: no IFACE given");
	err = ifname_args(ctx, a);
	if (err)
		return err;
	if (m && !strcmp(m, "native"))
		req.mode = XDP_MODE_NATIVE;
	else if (m && !strcmp(m, "skb"))
		req.mode = XDP_MODE_SKB;
	else if (m)
		return vr_usage(ctx, "--mode: '%s' is not native or skb", m);
	return vr_dp_load(&ctx->st, &req);
}

int do_unload(struct vr_ctx *ctx, const struct vr_args *a)
{
	bool all = a->val[UNLOAD_ALL] != NULL;
	int err;

	err = ifname_args(ctx, a);
	if (err)
		return err;
	if (all && a->n_pos)
		return vr_usage(ctx, "unload: --all goes without IFACE");
	return vr_dp_unload(&ctx->st, (const char *const *)a->pos, a->n_pos, all);
}
