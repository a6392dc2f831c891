/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What vrouter is doing, read without the lock: counters, the NICs'
 * attachment, map fill levels, the follower's health and the trace
 * switch.  One snapshot (vr_metrics_read) serves `vrctl status`, `stats
 * --format prometheus` and the exporter.  Also the writers of the small
 * maps behind it: vr_sync_health (the follower) and vr_trace_ctl (vrctl
 * trace).  Functions return 0 or -errno and print nothing unless said.
 */
#ifndef VR_CORE_METRICS_H
#define VR_CORE_METRICS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/state.h"

struct vr_metrics_vr {
	uint32_t id;
	struct vr_router rec;
	struct vr_stats st;
};

struct vr_metrics_nic {
	uint32_t ifindex;
	struct vr_nic_stats st;
	uint32_t prog_id;		/* attached XDP program, 0: none */
	int mode;			/* enum xdp_attach_mode */
	bool attached;			/* prog_id is this vrouter's program */
};

/* Ring buffer: bytes waiting and its size in bytes. */
struct vr_metrics_map {
	uint64_t used, size;
	int err;			/* reading it failed: used unknown */
};

struct vr_metrics {
	int n_vr, n_nic;
	struct vr_metrics_vr vr[VR_MAX_ROUTERS];
	struct vr_metrics_nic nic[VR_MAX_IFACES];
	struct vr_metrics_map map[VRM_COUNT];
	struct vr_sync_health health;
	bool follower_running;
	struct vr_trace_ctl trace;
	bool trace_running;		/* trace.flags set and its owner alive */
	struct vr_trace_bkt trace_bkt;	/* summed over the CPUs */
};

/* A snapshot of everything above; ST has its maps open.  Prints its error. */
int vr_metrics_read(struct vr_state *st, struct vr_metrics *m);

/* Entries of map M (arrays indexed by VR id: the VRs with a record;
 * other arrays: full; the ring buffer: bytes not consumed yet).
 */
int vr_map_usage(struct vr_state *st, enum vr_map_id m, uint32_t n_vrs,
		 struct vr_metrics_map *u);

uint64_t vr_realtime_ns(void);
/* "free", "creating", "ready", "deleting" (enum vr_router_state). */
const char *vr_router_state_name(uint32_t state);

/* vr_sync_health[0]. */
int vr_health_read(struct vr_state *st, struct vr_sync_health *h);
int vr_health_write(struct vr_state *st, const struct vr_sync_health *h);
/* Is the follower that wrote H alive: a pid, a heartbeat within 5 s, the process there. */
bool vr_health_running(const struct vr_sync_health *h, uint64_t now_ns);

/* vr_trace_ctl[0] and vr_trace_bkt (summed over the CPUs). */
int vr_trace_ctl_read(struct vr_state *st, struct vr_trace_ctl *c);
int vr_trace_ctl_write(struct vr_state *st, const struct vr_trace_ctl *c);
int vr_trace_bkt_read(struct vr_state *st, struct vr_trace_bkt *sum);
/* Is the process PID alive (kill 0)? */
bool vr_pid_alive(uint32_t pid);

#endif /* VR_CORE_METRICS_H */
