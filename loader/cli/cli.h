/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The command line: the command table (main.c) and its handlers
 * (cmd_*.c), which parse arguments, call the core, sync and nl layers
 * and print.  No handler calls another command's code.  Conventions:
 *  - functions return 0 or -errno;
 *  - the layer that knows the object prints the one error line
 *    (pr_err), callers just propagate the code;
 *  - commands are rows of the table in main.c, all with the signature of
 *    vr_cmd_fn.
 */
#ifndef VR_CLI_H
#define VR_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/state.h"
#include "lib/abbrev.h"
#include "lib/caps.h"
#include "lib/log.h"
#include "lib/parse.h"

#include "opts.h"

struct vr_ctx;
typedef int (*vr_cmd_fn)(struct vr_ctx *ctx, const struct vr_args *a);

/* One vrctl invocation. */
struct vr_ctx {
	struct vr_state st;		/* pin directory, lock, maps (core) */
	bool json;			/* -j, or -p */
	bool pretty;			/* -p: JSON indented */
	bool version;			/* -V: print the version, nothing else */
	int verbose;			/* -v count */
	const struct vr_cmd *cmd;	/* the command running */
	bool usage_error;		/* set by vr_usage(): exit status 2 */
	int status;			/* exit status of a success (apply --check: 1, changes) */
};

/* A row of the command table (main.c). */
enum vr_lock_mode {
	VR_LOCK_NONE = 0,	/* read-only: no lock */
	VR_LOCK,		/* flock the pin directory (if it exists) before the handler */
};

struct vr_cmd {
	const char *name;
	vr_cmd_fn fn;
	const char *args;		/* positionals in the usage: "NAME", "[IFACE...]" */
	int max_pos;			/* positionals at most; -1: any number */
	const struct vr_opt *opts;	/* NULL-named row ends it; index = the handler's enum */
	const char *more_usage;		/* further usage lines (neigh), or NULL */
	const char *help;		/* one line */
	bool needs_root;		/* needs capabilities: CAPS below */
	unsigned int caps;		/* lib/caps.h mask; 0: VR_CAPS_CHANGE */
	enum vr_lock_mode lock;
	bool reads_old_abi;		/* an older pinned ABI is read through a converted copy */
	void (*more_help)(FILE *f);	/* more lines for `help COMMAND`, or NULL */
	bool cmd_line;			/* after the first positional: a command line, untouched */
};

/* The capabilities of a command with needs_root (privs.c checks them):
 * reading the maps takes bpf(); telling whether a NIC's program is
 * vrouter's takes CAP_SYS_ADMIN (a program's fd from its id, its BTF);
 * changing anything takes netlink changes, XDP attach, namespaces and
 * mounts (CAP_SYS_ADMIN also lets the verifier take the program, as
 * CAP_BPF + CAP_PERFMON would); making a VR, the uid and gid maps of its
 * user namespace.
 */
#define VR_CAPS_READ	CAPS_BPF
#define VR_CAPS_INSPECT	(CAPS_BPF | CAPS_SYS_ADMIN)
#define VR_CAPS_CHANGE	(CAPS_NET_ADMIN | CAPS_SYS_ADMIN)
/* Making VRs (add-router, apply) also writes the uid and gid maps of
 * their user namespaces.
 */
#define VR_CAPS_CREATE	(VR_CAPS_CHANGE | CAPS_SETID)

/* The options of each command, by index into its table (main.c). */
enum { LOAD_MODE, LOAD_REPLACE };
enum { UNLOAD_ALL };
/* The limit options, VR_LIMIT_OPTS rows from FIRST on in a table. */
enum { LIMIT_RATE_PPS, LIMIT_BURST, LIMIT_RATE_BPS, LIMIT_BURST_BYTES, LIMIT_N_OPTS };
/* The quota options, VR_QUOTA_OPTS rows from FIRST on in a table. */
enum { QUOTA_NEIGH, QUOTA_ROUTES, QUOTA_MACS, QUOTA_N_OPTS };
enum { ADD_MAC, ADD_TABLE, ADD_IFACE, ADD_FORCE, ADD_LIMIT,
       ADD_QUOTA = ADD_LIMIT + LIMIT_N_OPTS };
enum { SET_LIMIT, SET_QUOTA = SET_LIMIT + LIMIT_N_OPTS, SET_REATTACH = SET_QUOTA + QUOTA_N_OPTS,
       SET_FAST_PATH };
enum { STATS_INTERVAL, STATS_COUNT, STATS_FORMAT, STATS_BRIEF };
enum { TOP_INTERVAL, TOP_COUNT };
enum { SYNC_FOLLOW };
enum { TRACE_REASON, TRACE_COUNT, TRACE_ALL, TRACE_WRITE };
enum { EXPORTER_LISTEN, EXPORTER_WEB_CONFIG };
enum { UPGRADE_FORCE };
enum { APPLY_CHECK };



/* version.c: "vrctl 0.9.0 (git REV, abi N)", or its JSON object; the release. */
void vr_print_version(bool json);
const char *vr_version(void);
/* privs.c: 0 if the effective capabilities are enough for command C,
 * else -EPERM and one line naming the missing ones.
 */
int vr_check_caps(const struct vr_cmd *c);

/* opts.c: print "Error: <fmt>" and the running command's usage to stderr,
 * mark the exit status as a usage error (2); returns -EINVAL.
 */
int vr_usage(struct vr_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* vr_router_find() for a NAME from the command line: prints the error
 * (bad name: usage error; "NAME: no such virtual router").
 */
int vr_router_find_named(struct vr_ctx *ctx, const char *name, uint32_t *id,
			 struct vr_router *rec);

/* Command handlers (rows of the table in main.c): A holds the parsed line. */
int do_load(struct vr_ctx *ctx, const struct vr_args *a);		/* cmd_load.c */
int do_unload(struct vr_ctx *ctx, const struct vr_args *a);
int do_add_router(struct vr_ctx *ctx, const struct vr_args *a);	/* cmd_router.c */
int do_del_router(struct vr_ctx *ctx, const struct vr_args *a);
int do_list(struct vr_ctx *ctx, const struct vr_args *a);		/* cmd_show.c */
int do_show(struct vr_ctx *ctx, const struct vr_args *a);
int do_stats(struct vr_ctx *ctx, const struct vr_args *a);
int do_top(struct vr_ctx *ctx, const struct vr_args *a);		/* cmd_brief.c */
int do_neigh(struct vr_ctx *ctx, const struct vr_args *a);		/* cmd_neigh.c */
int do_set_router(struct vr_ctx *ctx, const struct vr_args *a);	/* cmd_set_router.c */
int do_exec(struct vr_ctx *ctx, const struct vr_args *a);		/* cmd_exec.c */
/* cmd_show.c: "fast path on" or "fast path off: operator, policy routing"
 * (SLOW: the VR_SLOW_* bits), JSON "fast_path_off": [...].
 */
void vr_print_fast_path(int slow, const char *indent);
int do_sync(struct vr_ctx *ctx, const struct vr_args *a);		/* cmd_sync.c */
int do_status(struct vr_ctx *ctx, const struct vr_args *a);		/* cmd_status.c */
int do_trace(struct vr_ctx *ctx, const struct vr_args *a);		/* cmd_trace.c */
void vr_trace_help(FILE *f);	/* the names --reason takes */
int do_exporter(struct vr_ctx *ctx, const struct vr_args *a);	/* cmd_exporter.c */
int do_upgrade(struct vr_ctx *ctx, const struct vr_args *a);	/* cmd_upgrade.c */
int do_apply(struct vr_ctx *ctx, const struct vr_args *a);		/* cmd_apply.c */
int do_save(struct vr_ctx *ctx, const struct vr_args *a);
/* prom.c: `stats --format prometheus` (A: the stats line; other formats refused). */
int vr_stats_prometheus(struct vr_ctx *ctx, const struct vr_args *a);

/* cmd_complete.c: `vrctl __complete [COMMAND [OPTION]]` for the bash
 * completion (dist/vrctl.bash): the words that can come next, from the
 * command table CMDS (N rows) and its option tables.
 */
int vr_complete(const struct vr_cmd *cmds, size_t n, int argc, char **argv);

/* limit_opts.c: admission limits and quotas, shared with add-router.  The limit
 * options of A (rows FIRST + LIMIT_* of the command's table) applied to
 * CUR: 0, or -EINVAL (printed); whether any of them is given.
 */
int vr_limit_merge(const struct vr_args *a, int first, const struct vr_limit *cur,
		   struct vr_limit *out);
bool vr_limit_given(const struct vr_args *a, int first);
/* The quota options of A (rows FIRST + QUOTA_*) into Q (those not given
 * keep Q's value): 0, or -EINVAL (printed); whether any is given.
 */
struct vr_quota;
int vr_quota_merge(const struct vr_args *a, int first, struct vr_quota *q);
bool vr_quota_given(const struct vr_args *a, int first);

#endif /* VR_CLI_H */
