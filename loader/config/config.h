/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The declarative configuration (vrctl apply / save): a YAML file naming
 * the NICs to load and every VR with its MACs, NICs, table, limit,
 * quotas, fast-path switch and operator hook (dist/vrouter.conf.example
 * documents every key).  Layer between core and cli: load parses and
 * checks a file into a model (errors "FILE:LINE: what", nothing
 * touched); plan compares a model with the running state into a list of
 * actions, after checking everything the system must allow; apply runs
 * them, undoing what it did if one fails.  Every function prints its
 * one error line and returns 0 or -errno.
 */
#ifndef VR_CONFIG_H
#define VR_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>

#include <xdp/libxdp.h>

#include "core/router.h"
#include "core/state.h"

#define VR_CONF_DEFAULT	"/etc/vrouter/vrouter.conf"
#define VR_CONF_HOOK_MAX	1024	/* bytes of a hook's command line */
#define VR_CONF_HOOK_TIMEOUT	60	/* seconds a hook may run */

struct vr_conf_nic {
	char name[IF_NAMESIZE];
	enum xdp_attach_mode mode;	/* XDP_MODE_NATIVE or XDP_MODE_SKB */
	int line;
};

struct vr_conf_router {
	struct vr_router_req req;	/* as add-router takes it; att[] resolved by load */
	bool has_limit;			/* a limit: key (else: no limit) */
	bool fast_path_off;
	char hook[VR_CONF_HOOK_MAX];	/* "": none */
	int line;
};

struct vr_conf {
	char path[256];			/* for the error lines */
	struct vr_conf_nic nics[VR_MAX_IFACES];
	int n_nics;
	struct vr_conf_router *routers;
	int n_routers;
};

/* Parse and check PATH ("-": stdin) into *OUT (freed by vr_conf_free).
 * Checks the syntax, every key and value, duplicates, and that every NIC
 * exists; each VR's att[] is resolved against the file's NICs (a bare
 * MAC: on every NIC of the file), so the model says exactly which
 * (NIC, MAC) each VR has.  A file writable by others than root is
 * refused (group-writable: a warning): its hooks run as root.
 */
int vr_conf_load(const char *path, struct vr_conf **out);
void vr_conf_free(struct vr_conf *c);
/* The NIC of C named NAME, or NULL. */
const struct vr_conf_nic *vr_conf_find_nic(const struct vr_conf *c, const char *name);

/* The running configuration (save) into *OUT: loaded NICs and READY VRs.
 * ST locked (or nothing loaded: an empty model).
 */
int vr_conf_running(struct vr_state *st, struct vr_conf **out);

/* One action of a plan, in the order apply runs them. */
enum vr_act_kind {
	VR_ACT_LOAD,		/* + nic */
	VR_ACT_DELETE,		/* - router */
	VR_ACT_DETACH,		/* ~ router NAME nic - IFACE=MAC */
	VR_ACT_QUOTA,		/* ~ router NAME quota ... */
	VR_ACT_ATTACH,		/* ~ router NAME nic + IFACE=MAC */
	VR_ACT_LIMIT,		/* ~ router NAME limit ... */
	VR_ACT_FAST_PATH,	/* ~ router NAME fast-path on -> off */
	VR_ACT_CREATE,		/* + router */
	VR_ACT_UNLOAD,		/* - nic */
};

struct vr_action {
	enum vr_act_kind kind;
	char op;			/* '+', '-', '~' */
	const char *object;		/* "nic", "router" */
	char name[VR_NAME_MAX];
	char field[16];			/* '~': "limit", "quota", "nic", "fast-path" */
	char change[160];		/* '~': "rate-pps 1000 -> 2000", "+ eth1=02:..." */
	/* what apply needs, and what its undo needs */
	uint32_t id;
	struct vr_router rec;		/* existing VR: its record before */
	int conf;			/* index of the VR or NIC in the file */
	struct vr_att att;
	struct vr_limit old_limit, new_limit;
	struct vr_quota old_quota, new_quota;
	enum xdp_attach_mode mode;
	bool off;			/* fast path: the new switch */
	bool netns_gone;		/* '-' router: made again, its namespace is gone */
	bool done;
};

struct vr_plan {
	struct vr_action *acts;
	int n, cap;
};

/* What makes the running state (ST, locked; maps open if loaded) match
 * C.  Refuses (-EINVAL, printed) what apply could not do: a table or an
 * XDP mode change of what exists, a VR left half-made, MACs or tables
 * taken by the host or a VR that stays.
 */
int vr_conf_plan(struct vr_state *st, struct vr_conf *c, struct vr_plan *p);
void vr_plan_free(struct vr_plan *p);
/* "+ router vr2", "~ router vr1 limit rate-pps 1000 -> 2000" into BUF. */
const char *vr_action_str(const struct vr_action *a, char *buf, size_t len);

/* Run P.  On a failure, undo the actions done (in reverse; a deleted VR
 * or an unloaded NIC is reported as not undone) and return the error.
 * Hooks of created VRs run last: a failing hook is reported (-ECHILD)
 * but undoes nothing.
 */
int vr_conf_apply(struct vr_state *st, struct vr_conf *c, struct vr_plan *p);

#endif /* VR_CONFIG_H */
