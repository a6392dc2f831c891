/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The ABI version of the pinned maps and the migration of their entries
 * from an older layout (include/vr_migrate.h) into maps of this one: the
 * engine of `vrctl upgrade` and of reading an older layout.  Every
 * function prints its one error line.
 */
#ifndef VR_CORE_MIGRATE_H
#define VR_CORE_MIGRATE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/state.h"

/* One map of a layout and how its entries reach this one. */
typedef int (*vr_mig_conv_fn)(const void *old_key, const void *old_val,
			      void *new_key, void *new_val);

struct vr_mig_row {
	const char *name;
	uint32_t type, key_size, value_size, max_entries;
	int to;				/* VRM_* of this layout, -1: dropped */
	vr_mig_conv_fn conv;		/* NULL: copied as is */
	bool fresh;			/* started empty */
};

#define VR_MIG_MAX_ROWS	32

struct vr_mig {
	unsigned int abi;		/* of the pinned maps */
	struct vr_mig_row rows[VR_MIG_MAX_ROWS];
	int n;
	int old_fd[VR_MIG_MAX_ROWS];	/* the pinned maps, by row; -1 */
	int tx_row;			/* the row of the old vr_tx_ports, -1 */
	unsigned long entries;		/* copied or converted */
};

/* The ABI of the maps pinned in ST's directory: vr_abi's version, or an
 * older ABI recognised by its layout; -ENOENT if nothing is pinned.  A
 * directory matching no known layout is reported as this ABI (the
 * layout checks of vr_maps_open() then name the odd map).
 */
int vr_abi_pinned(struct vr_state *st, unsigned int *abi);
/* Write this vrctl's ABI and revision into vr_abi of FDS (VRM_* indexed). */
int vr_abi_stamp(const int *fds, unsigned int abi);
/* Stamp this ABI into vr_abi of FDS if nothing is there yet (a first load). */
int vr_abi_stamp_new(const int *fds);
/* This vrctl's version string (the one stamped). */
const char *vr_revision(void);

/* The rows of ABI and its pinned maps opened and checked. */
int vr_mig_open(struct vr_state *st, unsigned int abi, struct vr_mig *m);
void vr_mig_close(struct vr_mig *m);
/* Every entry of M's maps into NEW_FD (VRM_* indexed, this layout). */
int vr_mig_copy(struct vr_mig *m, const int *new_fd);

/* For vr_maps_open(): the pinned maps are of an older ABI.  With
 * st->old_abi_ok, st->fd[] becomes a converted copy (unpinned, this
 * layout; 0); otherwise, and for a newer ABI, the one-line refusal
 * (-EPROTO).
 */
int vr_mig_open_older(struct vr_state *st, unsigned int abi);

#endif /* VR_CORE_MIGRATE_H */
