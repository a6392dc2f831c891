// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * exec: a command as the tenant of a VR (core/tenant_exec.c).  The line
 * after the VR's name is the command's, untouched (opts.c stops there).
 * vrctl's exit status is the command's.
 */
#include <errno.h>

#include "cli.h"
#include "core/metrics.h"
#include "core/tenant.h"

int do_exec(struct vr_ctx *ctx, const struct vr_args *a)
{
	struct vr_router rec;
	uint32_t id;
	int err;

	if (a->n_pos < 1)
		return vr_usage(ctx, "exec needs a NAME and a command");
	if (a->n_pos < 2)
		return vr_usage(ctx, "exec %s: no command to run", a->pos[0]);
	err = vr_maps_open(&ctx->st);
	if (!err)
		err = vr_router_find_named(ctx, a->pos[0], &id, &rec);
	if (err)
		return err;
	if (rec.state != VR_STATE_READY) {
		pr_err("VR %s is %s", rec.name, vr_router_state_name(rec.state));
		return -EBUSY;
	}
	/* Nothing of vrctl's goes with the tenant's process. */
	vr_state_close(&ctx->st);
	err = vr_tenant_exec(&rec, a->pos + 1);
	if (err < 0)
		return err;
	ctx->status = err;
	return 0;
}
