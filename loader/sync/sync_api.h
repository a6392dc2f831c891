/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The sync engine as its users see it (vrctl sync): mirror each VR's
 * routes and neighbours into the fast path, once or following changes.
 * What is mirrored and how: sync.h, internal to loader/sync.
 * Functions print their errors (pr_err) and return 0 or -errno.
 */
#ifndef VR_SYNC_API_H
#define VR_SYNC_API_H

#include <stdbool.h>
#include <stdint.h>

#include "core/state.h"

struct sync;

/* What the full pass of one VR did. */
struct sync_result {
	const char *name;
	uint32_t id, table;
	bool namespace;			/* false: missing, its fast-path state removed */
	unsigned int routes_added, routes_replaced, routes_deleted, routes_unchanged;
	unsigned int neigh_set, neigh_deleted, neigh_unchanged;
	unsigned int failed;		/* route requests the host refused */
	int err;			/* 0 or -errno, as returned */
};

/* Called after each VR's pass (e.g. to print R); R lives until it returns. */
typedef void (*sync_result_fn)(const struct sync_result *r, void *arg);

/* A context on ST (locked and with maps open for a pass; sync_follow()
 * opens the maps itself), with its sockets to the host's tables.
 */
int sync_new(struct vr_state *st, struct sync **out);
void sync_free(struct sync *s);		/* NULL is fine */


/* One full pass of VR ID with record REC (READY); a missing namespace is
 * an error, and the VR's fast-path state is removed.  RESULT may be NULL.
 */
int sync_pass_vr(struct sync *s, uint32_t id, const struct vr_router *rec,
		 sync_result_fn result, void *arg);
/* One full pass of every READY VR: the first error, all VRs tried. */
int sync_pass_all(struct sync *s, sync_result_fn result, void *arg);

/* Full passes, then follow the changes until SIGTERM or SIGINT (0), for
 * every VR or only ONLY_NAME (not NULL).  Holds no lock: follows what
 * add-router and del-router do to the records, waits for a vrouter to be
 * loaded, and for it again after `unload --all`.
 */
int sync_follow(struct sync *s, const char *only_name);
/* sync_follow() calls RESULT after each VR's full pass (NULL: none). */
void sync_follow_results(struct sync *s, sync_result_fn result, void *arg);

#endif /* VR_SYNC_API_H */
