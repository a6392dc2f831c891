/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The data path on the NICs: the XDP program attached (one pinned
 * instance shared by every loaded NIC), the devmap of loaded NICs
 * (vr_tx_ports) and the pins.  Load and unload record every step and undo
 * exactly the steps done on a failure.  Both print their one error line.
 */
#ifndef VR_CORE_DATAPATH_H
#define VR_CORE_DATAPATH_H

#include <stdbool.h>
#include <stdint.h>

#include <xdp/libxdp.h>

#include "core/state.h"

struct vr_load_req {
	const char *const *ifnames;	/* distinct, at most VR_MAX_IFACES */
	int n;
	enum xdp_attach_mode mode;	/* XDP_MODE_UNSPEC: native, or as loaded */
	bool replace;			/* swap the program on loaded NICs */
};

/* Attach to REQ's NICs; creates the pin directory and maps if needed. */
int vr_dp_load(struct vr_state *st, const struct vr_load_req *req);
/* Detach from IFNAMES; N == 0: from every NIC, pins and directory
 * removed, refused while VRs exist unless DELETE_VRS (deletes them first).
 */
int vr_dp_unload(struct vr_state *st, const char *const *ifnames, int n, bool delete_vrs);

/* The XDP program attached to IFINDEX (0 if none) and its mode (enum
 * xdp_attach_mode), and the mode's name ("native", "skb").
 */
int vr_iface_xdp(uint32_t ifindex, uint32_t *prog_id, int *mode);
const char *vr_xdp_mode_name(int mode);
/* What the fast path must know about ingress NIC IFINDEX, as VR_MACF_*
 * bits for its vr_macs entries (core/nic_flags.c).
 */
uint8_t vr_nic_mac_flags(uint32_t ifindex);
/* The same bits made again in every vr_macs entry of ST (after entries
 * were copied into new maps, which an older vrctl may have written
 * without them): 0 or -errno.
 */
int vr_macs_flags_derive(struct vr_state *st);
/* Is program PROG_ID this vrouter's (does it use ST's vr_tx_ports)? */
bool vr_prog_ours(struct vr_state *st, uint32_t prog_id);

/* Move the loaded NICs to this vrctl's program and, if the pinned maps
 * are of an older ABI (or FORCE), to new maps with every entry migrated
 * (core/upgrade.c).  RES says what was done.
 */
struct vr_upgrade_res {
	unsigned int from_abi, to_abi;
	bool maps_migrated;		/* new maps, entries copied or converted */
	bool nothing_to_do;		/* same ABI and the same program already */
	bool resumed;			/* finished an upgrade that had stopped after its switch */
	int nics;			/* NICs switched to the new program */
	int skipped;			/* loaded NICs without vrouter's program attached */
	unsigned long entries;		/* map entries migrated */
};
int vr_dp_upgrade(struct vr_state *st, bool force, struct vr_upgrade_res *res);

/* Shared with upgrade.c: the atomic swap (XDP_FLAGS_REPLACE), an object's
 * id, whether a program uses a map, the pinned maps handed to libbpf.
 */
struct bpf_object;
int vr_xdp_replace(uint32_t ifindex, int new_fd, int old_fd, int mode);
uint32_t vr_obj_id(int fd);
bool vr_prog_uses_map(uint32_t prog_id, uint32_t map_id);
int vr_reuse_pinned_maps(struct vr_state *st, struct bpf_object *obj);

#endif /* VR_CORE_DATAPATH_H */
