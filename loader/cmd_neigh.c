// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include "vrctl.h"
int do_neigh(struct vr_ctx *ctx, int argc, char **argv) { return -EOPNOTSUPP; }
