/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * vrctl internals shared between the command files.  Conventions:
 *  - functions return 0 or -errno;
 *  - the layer that knows the object prints the one error line
 *    (pr_err), callers just propagate the code;
 *  - commands are rows of the table in main.c, all with the signature of
 *    vr_cmd_fn.
 */
#ifndef VRCTL_H
#define VRCTL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>

#include "vrouter.h"

#define VR_DEFAULT_PIN_DIR "/sys/fs/bpf/vrouter"

struct vr_ctx;
struct vr_cmd;
typedef int (*vr_cmd_fn)(struct vr_ctx *ctx, int argc, char **argv);

/* Global state of one vrctl invocation. */
struct vr_ctx {
	const char *pin_dir;		/* --pin-dir */
	bool json;			/* -j */
	int verbose;			/* -v count */
	int lock_fd;			/* flock()ed pin directory, -1 if none */
	/* fds of the pinned maps, -1 until vr_maps_open() */
	int macs_fd, ports_fd, neigh_fd, tx_fd, stats_fd, nic_stats_fd, routers_fd;
	int limits_fd, buckets_fd, credits_fd;
	/* Added by the CLI layer (main.c, state.c): */
	const struct vr_cmd *cmd;	/* the command running */
	bool usage_error;		/* set by vr_usage(): exit status 2 */
	bool pin_dir_created;		/* vr_state_lock(ctx, true) made the directory */
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


/* log.c */
void pr_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_set_verbose(int level);
unsigned int log_error_count(void);	/* pr_err() calls so far */
void log_init_libs(void);		/* libbpf/libxdp prints -> this logger */
/* FMT to stderr and '\n', control characters as \xNN: one line. */
void log_vwrite_line(const char *fmt, va_list ap);

/* main.c: print "Error: <fmt>" and the running command's usage to stderr,
 * mark the exit status as a usage error (2); returns -EINVAL.
 */
int vr_usage(struct vr_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* parse.c: strict parsers; 0 or -EINVAL, they print nothing */
int parse_mac(const char *s, uint8_t mac[VR_ETH_ALEN]);	/* unicast, non-zero */
int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);
int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
int parse_table_id(const char *s, uint32_t *out);	/* as ip(8): 10, 0xa, 012 */
int parse_vr_name(const char *s);	/* 1..VR_NAME_MAX-1 chars of [A-Za-z0-9_.-], not "." or ".." */
int parse_ifname(const char *s, uint32_t *ifindex);	/* -EINVAL bad name, -ENODEV no such NIC */

/* state.c: the pin directory, its lock, the pinned maps, VR records */
int vr_state_lock(struct vr_ctx *ctx, bool create);	/* mounts bpffs, mkdir, flock */
int vr_maps_open(struct vr_ctx *ctx);			/* -ENOENT if not loaded */
int vr_state_open(struct vr_ctx *ctx);		/* vr_state_lock(!create) + vr_maps_open */
void vr_maps_close(struct vr_ctx *ctx);
int vr_router_find(struct vr_ctx *ctx, const char *name, uint32_t *id, struct vr_router *rec);
int vr_router_alloc(struct vr_ctx *ctx, uint32_t *id);	/* lowest free id >= 1 */
int vr_router_write(struct vr_ctx *ctx, uint32_t id, const struct vr_router *rec);
int vr_table_in_use(struct vr_ctx *ctx, uint32_t table_id);
int vr_table_alloc(struct vr_ctx *ctx, uint32_t *table_id);	/* lowest free in range */
int vr_iface_loaded(struct vr_ctx *ctx, uint32_t ifindex);	/* 1 yes, 0 no, -errno */
/*
 * Notes on the above: vr_state_lock() is idempotent (main.c already holds
 * the lock for commands marked VR_LOCK when the pin directory exists);
 * with !create it prints "not loaded" and returns -ENOENT if the directory
 * is missing.  vr_maps_open() is idempotent too and prints its error.
 * vr_router_alloc() and vr_table_alloc() print "... full"; vr_router_find()
 * returns -ENOENT silently; vr_router_write() prints nothing.
 */
void vr_state_unlock(struct vr_ctx *ctx);
/* Lock if the pin directory exists; 0 without a lock if it does not. */
int vr_state_lock_if_exists(struct vr_ctx *ctx);
/* The pinned map names, NULL-terminated. */
extern const char *const vr_map_names[];
/* PIN_DIR/NAME into BUF; -ENAMETOOLONG. */
int vr_pin_path(const struct vr_ctx *ctx, const char *name, char *buf, size_t len);
/* vr_router_find() for a NAME from the command line: prints the error
 * (bad name: usage error; "NAME: no such virtual router").
 */
int vr_router_find_named(struct vr_ctx *ctx, const char *name, uint32_t *id,
			 struct vr_router *rec);
/* The record of VR id ID: 0, or -ENOENT if the slot is free. */
int vr_router_get(struct vr_ctx *ctx, uint32_t id, struct vr_router *rec);
/* Iterate over the used slots: start with *id = 0; 0 and the next used id
 * and record, or -ENOENT at the end.
 */
int vr_router_next(struct vr_ctx *ctx, uint32_t *id, struct vr_router *rec);
/* Iterate over the loaded NICs (vr_tx_ports keys): start with *ifindex = 0;
 * -ENOENT at the end.  The order is the hash map's.
 */
int vr_iface_next(struct vr_ctx *ctx, uint32_t *ifindex);
/* Delete VR ID (record REC) completely: its namespace, macvlans, tables,
 * map entries and record.  Implemented in cmd_router.c (del-router);
 * `unload --all` calls it for every VR.  Prints its own error.
 */
int vr_router_delete(struct vr_ctx *ctx, uint32_t id, const struct vr_router *rec);
/* cmd_load.c: the XDP program attached to IFINDEX (0 if none) and its
 * mode (enum xdp_attach_mode), and the mode's name ("native", "skb").
 */
int vr_iface_xdp(uint32_t ifindex, uint32_t *prog_id, int *mode);
const char *vr_xdp_mode_name(int mode);
/* fault.c: with VRCTL_FAULT=STEP in the environment, SIGKILL ourselves
 * here (tests: a crash after every step of add-router/del-router).
 */
void vr_fault_point(const char *step);
/* Name of VR_PASS_* reason R ("ttl", "no_neigh", ...), "?" if unknown. */
const char *vr_pass_reason_name(unsigned int r);

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
 * to CUR (prints its error); vr_limit_write() writes a VR's limit and
 * empties its bucket; vr_limit_read() reads it (zeroed: no limit).
 */
struct vr_limit_req {
	const char *rate_pps, *rate_bps, *burst, *burst_bytes;	/* as given */
};
int vr_limit_opt(struct vr_ctx *ctx, struct vr_limit_req *q, int argc, char **argv, int *i);
bool vr_limit_req_empty(const struct vr_limit_req *q);
int vr_limit_merge(const struct vr_limit_req *q, const struct vr_limit *cur,
		   struct vr_limit *out);
int vr_limit_write(struct vr_ctx *ctx, uint32_t id, const struct vr_limit *l);
int vr_limit_read(struct vr_ctx *ctx, uint32_t id, struct vr_limit *l);
int do_sync(struct vr_ctx *ctx, int argc, char **argv);		/* cmd_sync.c */
/* Empty the host table and vr_neigh entries of VR ID (del-router).  Prints its error. */
int sync_forget_router(struct vr_ctx *ctx, uint32_t id, const struct vr_router *rec);

#endif /* VRCTL_H */
