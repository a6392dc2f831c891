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

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>

#include "vrouter.h"

#define VR_DEFAULT_PIN_DIR "/sys/fs/bpf/vrouter"

/* Global state of one vrctl invocation. */
struct vr_ctx {
	const char *pin_dir;		/* --pin-dir */
	bool json;			/* -j */
	int verbose;			/* -v count */
	int lock_fd;			/* flock()ed pin directory, -1 if none */
	/* fds of the pinned maps, -1 until vr_maps_open() */
	int macs_fd, ports_fd, neigh_fd, tx_fd, stats_fd, nic_stats_fd, routers_fd;
};

typedef int (*vr_cmd_fn)(struct vr_ctx *ctx, int argc, char **argv);

/* log.c */
void pr_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_set_verbose(int level);

/* parse.c: strict parsers; 0 or -EINVAL, they print nothing */
int parse_mac(const char *s, uint8_t mac[VR_ETH_ALEN]);	/* unicast, non-zero */
int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);
int parse_vr_name(const char *s);	/* 1..VR_NAME_MAX-1 chars of [A-Za-z0-9_.-], not "." or ".." */

/* state.c: the pin directory, its lock, the pinned maps, VR records */
int vr_state_lock(struct vr_ctx *ctx, bool create);	/* mounts bpffs, mkdir, flock */
int vr_maps_open(struct vr_ctx *ctx);			/* -ENOENT if not loaded */
void vr_maps_close(struct vr_ctx *ctx);
int vr_router_find(struct vr_ctx *ctx, const char *name, uint32_t *id, struct vr_router *rec);
int vr_router_alloc(struct vr_ctx *ctx, uint32_t *id);	/* lowest free id >= 1 */
int vr_router_write(struct vr_ctx *ctx, uint32_t id, const struct vr_router *rec);
int vr_table_in_use(struct vr_ctx *ctx, uint32_t table_id);
int vr_table_alloc(struct vr_ctx *ctx, uint32_t *table_id);	/* lowest free in range */
int vr_iface_loaded(struct vr_ctx *ctx, uint32_t ifindex);	/* 1 yes, 0 no, -errno */

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

#endif /* VRCTL_H */
