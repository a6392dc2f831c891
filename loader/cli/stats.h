/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * stats and top: snapshots of the counters (cmd_show.c takes them and
 * prints the full view), and the one-line-a-VR view (cmd_brief.c).
 */
#ifndef VR_CLI_STATS_H
#define VR_CLI_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "vrouter.h"

struct snap_vr {
	uint32_t id;
	char name[VR_NAME_MAX];
	struct vr_stats st;
};

struct snap_nic {
	uint32_t ifindex;
	struct vr_nic_stats st;
};

struct snapshot {
	struct timespec ts, real;	/* CLOCK_MONOTONIC for rates, wall clock for "time" */
	int n_vr, n_nic;
	struct snap_vr vr[VR_MAX_ROUTERS];
	struct snap_nic nic[VR_MAX_IFACES];
};

enum stats_view {
	STATS_VIEW_FULL,	/* every counter, a block a VR (and -j) */
	STATS_VIEW_BRIEF,	/* a line a VR, numbers with units */
	STATS_VIEW_TOP,		/* brief, busiest first, the screen redrawn on a terminal */
};

/* cmd_brief.c: S as a line a VR: totals, or with PREV the rates over
 * SECS (pps, bit/s); TOP: sorted by received rate, busiest first.
 */
void vr_print_brief(const struct snapshot *s, const struct snapshot *prev, double secs,
		    bool top);

struct vr_ctx;
/* cmd_show.c: one snapshot printed (INTERVAL 0), or rates every INTERVAL
 * seconds until a signal or COUNT of them (HAS_COUNT); NAME: that VR only.
 */
int vr_stats_run(struct vr_ctx *ctx, const char *name, uint32_t interval, bool has_count,
		 uint32_t count, enum stats_view view);

#endif /* VR_CLI_STATS_H */
