// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * load / unload: parse, then core/datapath.c attaches or detaches.
 */
#include <errno.h>
#include <stdlib.h>
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

static int load_parse(struct vr_ctx *ctx, int argc, char **argv,
		      struct vr_load_req *req, const char **names)
{
	int i, n = 0;

	req->mode = XDP_MODE_UNSPEC;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--mode") || !strncmp(a, "--mode=", 7)) {
			const char *m = a[6] == '=' ? a + 7 : NULL;

			if (!m) {
				if (i + 1 >= argc)
					return vr_usage(ctx, "--mode needs native or skb");
				m = argv[++i];
			}
			if (req->mode != XDP_MODE_UNSPEC)
				return vr_usage(ctx, "--mode given twice");
			if (!strcmp(m, "native"))
				req->mode = XDP_MODE_NATIVE;
			else if (!strcmp(m, "skb"))
				req->mode = XDP_MODE_SKB;
			else
				return vr_usage(ctx, "--mode: '%s' is not native or skb", m);
		} else if (!strcmp(a, "--replace")) {
			req->replace = true;
		} else if (a[0] == '-') {
			return vr_usage(ctx, "load: unknown option '%s'", a);
		} else {
			if (!fresh_name(names, n, a))
				return vr_usage(ctx, "%s: given twice", a);
			names[n++] = a;
		}
	}
	if (!n)
		return vr_usage(ctx, "load: no IFACE given");
	if (n > VR_MAX_IFACES)
		return vr_usage(ctx, "load: more than %d NICs", VR_MAX_IFACES);
	req->ifnames = names;
	req->n = n;
	return 0;
}

int do_load(struct vr_ctx *ctx, int argc, char **argv)
{
	struct vr_load_req req = { 0 };
	const char **names;
	int err;

	names = calloc((size_t)argc, sizeof(*names));
	if (!names)
		return -ENOMEM;
	err = load_parse(ctx, argc, argv, &req, names);
	if (!err)
		err = vr_dp_load(&ctx->st, &req);
	free(names);
	return err;
}

int do_unload(struct vr_ctx *ctx, int argc, char **argv)
{
	const char **names;
	bool all = false;
	int i, n = 0, err = 0;

	names = calloc((size_t)argc, sizeof(*names));
	if (!names)
		return -ENOMEM;
	for (i = 1; i < argc && !err; i++) {
		if (!strcmp(argv[i], "--all"))
			all = true;
		else if (argv[i][0] == '-')
			err = vr_usage(ctx, "unload: unknown option '%s'", argv[i]);
		else if (!fresh_name(names, n, argv[i]))
			err = vr_usage(ctx, "%s: given twice", argv[i]);
		else
			names[n++] = argv[i];
	}
	if (!err && all && n)
		err = vr_usage(ctx, "unload: --all goes without IFACE");
	if (!err)
		err = vr_dp_unload(&ctx->st, names, n, all);
	free(names);
	return err;
}
