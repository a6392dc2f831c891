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
#include <stdint.h>

#include "core/state.h"
#include "lib/log.h"
#include "lib/parse.h"

struct vr_ctx;
struct vr_cmd;
typedef int (*vr_cmd_fn)(struct vr_ctx *ctx, int argc, char **argv);

/* One vrctl invocation. */
struct vr_ctx {
	struct vr_state st;		/* pin directory, lock, maps (core) */
	bool json;			/* -j */
	int verbose;			/* -v count */
	const struct vr_cmd *cmd;	/* the command running */
	bool usage_error;		/* set by vr_usage(): exit status 2 */
};

/* A row of the command table (main.c). */
enum vr_lock_mode {
	VR_LOCK_NONE = 0,	/* read-only: no lock */
	VR_LOCK,		/* flock the pin directory (if it exists) before the handler */
};

struct vr_cmd {
	const char *name;
	vr_cmd_fn fn;
	const char *usage;	/* "load IFACE... [--mode native|skb] [--replace]" */
	const char *help;	/* one line */
	bool needs_root;
	enum vr_lock_mode lock;
};


/* main.c: print "Error: <fmt>" and the running command's usage to stderr,
 * mark the exit status as a usage error (2); returns -EINVAL.
 */
int vr_usage(struct vr_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* vr_router_find() for a NAME from the command line: prints the error
 * (bad name: usage error; "NAME: no such virtual router").
 */
int vr_router_find_named(struct vr_ctx *ctx, const char *name, uint32_t *id,
			 struct vr_router *rec);

/* Command handlers (rows of the table in main.c).  argv[0] is the
 * command name; global options have already been removed.
 */
int do_load(struct vr_ctx *ctx, int argc, char **argv);		/* cmd_load.c */
int do_unload(struct vr_ctx *ctx, int argc, char **argv);
int do_add_router(struct vr_ctx *ctx, int argc, char **argv);	/* cmd_router.c */
int do_del_router(struct vr_ctx *ctx, int argc, char **argv);
int do_list(struct vr_ctx *ctx, int argc, char **argv);		/* cmd_show.c */
int do_show(struct vr_ctx *ctx, int argc, char **argv);
int do_stats(struct vr_ctx *ctx, int argc, char **argv);
int do_neigh(struct vr_ctx *ctx, int argc, char **argv);		/* cmd_neigh.c */
int do_set_router(struct vr_ctx *ctx, int argc, char **argv);	/* cmd_limit.c */

/* cmd_limit.c: admission limits (struct vr_limit), shared with add-router.
 * A request collects --rate-pps/--rate-bps/--burst/--burst-bytes;
 * vr_limit_opt() takes one of them at ARGV[*I] (1 taken, 0 not an
 * admission option, -EINVAL printed); vr_limit_merge() applies the request
 * to CUR (prints its error).
 */
struct vr_limit_req {
	const char *rate_pps, *rate_bps, *burst, *burst_bytes;	/* as given */
};
int vr_limit_opt(struct vr_ctx *ctx, struct vr_limit_req *q, int argc, char **argv, int *i);
bool vr_limit_req_empty(const struct vr_limit_req *q);
int vr_limit_merge(const struct vr_limit_req *q, const struct vr_limit *cur,
		   struct vr_limit *out);
int do_sync(struct vr_ctx *ctx, int argc, char **argv);		/* cmd_sync.c */

#endif /* VR_CLI_H */
