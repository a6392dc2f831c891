// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* add-router / del-router: stub, being written. */
#include <errno.h>
#include "vrctl.h"

int do_add_router(struct vr_ctx *ctx, int argc, char **argv) { return -EOPNOTSUPP; }
int do_del_router(struct vr_ctx *ctx, int argc, char **argv) { return -EOPNOTSUPP; }
