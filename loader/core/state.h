/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * vrouter's state: the pin directory on bpffs, its lock, the pinned maps
 * (the list in include/vr_maps.h) and the VR records in vr_routers.
 * The core knows nothing of the command line: functions return 0 or
 * -errno, and print the one error line where they know the object (each
 * says below whether it prints).
 */
#ifndef VR_CORE_STATE_H
#define VR_CORE_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vrouter.h"
#include "vr_maps.h"

#define VR_DEFAULT_PIN_DIR	"/sys/fs/bpf/vrouter"
#define VR_PROG_PIN		"vr_forward"		/* the program, under the pin directory */
#define VR_PROG_PIN_NEW		"vr_forward_new"	/* bpffs names have no dots */

struct vr_state {
	const char *pin_dir;
	int lock_fd;			/* flock()ed pin directory, -1 if none */
	bool pin_dir_created;		/* vr_state_lock(st, true) made the directory */
	bool read_only_ok;		/* open maps read-only on a read-only bpffs */
	int fd[VRM_COUNT];		/* pinned maps, -1 until vr_maps_open() */
	bool old_abi_ok;		/* an older pinned ABI is read through a converted copy */
	unsigned int old_abi;		/* fd[] is such a copy of that ABI; 0: the pinned maps */
};

void vr_state_init(struct vr_state *st, const char *pin_dir);
/* Maps closed, lock released. */
void vr_state_close(struct vr_state *st);

/* "vrouter is not loaded (no PIN_DIR): run `vrctl load IFACE...` first". */
void vr_say_not_loaded(const struct vr_state *st);
/* Lock the pin directory (CREATE: mount bpffs if needed, mkdir); idempotent.
 * Without CREATE, a missing directory prints "not loaded": -ENOENT.
 */
int vr_state_lock(struct vr_state *st, bool create);
/* Lock if the pin directory exists; 0 without a lock if it does not. */
int vr_state_lock_if_exists(struct vr_state *st);
void vr_state_unlock(struct vr_state *st);
/* Open and check every pinned map; idempotent; prints its error
 * (-ENOENT: not loaded; -EPROTO: another layout than vr_maps.h, or an
 * older ABI without old_abi_ok: "run `vrctl upgrade`").
 */
int vr_maps_open(struct vr_state *st);
void vr_maps_close(struct vr_state *st);
/* The maps of a loaded object OBJ (private, unpinned maps: the tests'
 * BPF_PROG_RUN harness), so that the typed helpers work on them.  The fds
 * stay OBJ's: do not vr_maps_close() such a state.  -ENOENT: a map of
 * vr_maps.h is not in OBJ.
 */
struct bpf_object;
int vr_state_from_obj(struct vr_state *st, struct bpf_object *obj);
/* netns_home.c: is this process in the network namespace of the NICs
 * (recorded by load)?  0 (or nothing loaded, or not recorded), else
 * -EXDEV and, unless QUIET, one error naming that namespace and how to
 * get there.  vr_maps_open() checks it too.
 */
int vr_netns_check(struct vr_state *st, bool quiet);
/* What a command that changes a loaded vrouter needs: lock, then maps. */
int vr_state_open(struct vr_state *st);
/* PIN_DIR/NAME into BUF; -ENAMETOOLONG. */
int vr_pin_path(const struct vr_state *st, const char *name, char *buf, size_t len);
/* Bit i set: the pin of vr_maps[i] exists. */
unsigned int vr_pins_present(const struct vr_state *st);
unsigned int vr_pins_all(void);
/* Remove PIN_DIR/NAME (absent is fine; other errors are warned). */
void vr_unpin(const struct vr_state *st, const char *name);

/* VR records (vr_routers).  Silent unless said otherwise. */
int vr_router_get(struct vr_state *st, uint32_t id, struct vr_router *rec);	/* -ENOENT: free */
/* Iterate: start with *id = 0; -ENOENT at the end. */
int vr_router_next(struct vr_state *st, uint32_t *id, struct vr_router *rec);
int vr_router_find(struct vr_state *st, const char *name, uint32_t *id, struct vr_router *rec);
int vr_router_alloc(struct vr_state *st, uint32_t *id);	/* lowest free >= 1; prints "full" */
int vr_router_write(struct vr_state *st, uint32_t id, const struct vr_router *rec);
int vr_table_in_use(struct vr_state *st, uint32_t table_id);	/* 1, 0, -errno */
/* The lowest table id in [VR_TABLE_MIN, VR_TABLE_MAX] no VR record has
 * and BUSY (indexed from VR_TABLE_MIN; NULL: none) does not mark; prints
 * "no free table id".
 */
int vr_table_alloc(struct vr_state *st, const uint8_t *busy, uint32_t *table_id);

/* Loaded NICs (vr_tx_ports keys). */
int vr_iface_loaded(struct vr_state *st, uint32_t ifindex);	/* 1 yes, 0 no, -errno */
/* Iterate: start with *ifindex = 0; -ENOENT at the end; the hash map's order. */
int vr_iface_next(struct vr_state *st, uint32_t *ifindex);

/* Name of VR_PASS_* reason R ("ttl", "no_neigh", ...), "?" if unknown. */
const char *vr_pass_reason_name(unsigned int r);

/* With VRCTL_FAULT=STEP in the environment, SIGKILL ourselves here
 * (tests: a crash after every step of add-router/del-router).
 */
void vr_fault_point(const char *step);
/* vr_fault_point("STEPn") for the Nth of a repeated step: N from 0, names from 1 ("add:macvlan1"). */
void vr_fault_step(const char *step, int n);
/* VRCTL_FAULT=no-userns: add-router acts as on a kernel without user
 * namespaces (the VR as an older vrctl made it).
 */
bool vr_fault_no_userns(void);

#endif /* VR_CORE_STATE_H */
