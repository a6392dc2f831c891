// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Facts about an ingress NIC that the fast path needs per frame, as the
 * VR_MACF_* bits of its vr_macs entries (include/vrouter.h).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <bpf/bpf.h>

#include "core/datapath.h"
#include "core/maps.h"
#include "nl/netlink.h"

/*
 * Virtual NICs whose senders may hand over TCP/UDP checksums left to
 * offload: a veth's peer and a tap's process (a VM's virtio-net) both
 * advertise checksum offload, and the bytes then carry only the
 * pseudo-header sum.  A physical NIC receives what a wire carried:
 * complete checksums.
 */
static const char *const partial_csum_kinds[] = { "veth", "tun", "netkit" };

uint8_t vr_nic_mac_flags(uint32_t ifindex)
{
	char kind[32];
	uint32_t prog_id;
	size_t i;
	int mode;

	/* In skb mode the redirected skb keeps its offload state and the
	 * egress completes the checksum: completing it here too would
	 * spoil it.  A NIC not (yet) loaded counts as native, vrctl's mode.
	 */
	if (!vr_iface_xdp(ifindex, &prog_id, &mode) && prog_id && mode == XDP_MODE_SKB)
		return 0;
	/* Unknown: checked, which costs a few adds per frame, rather than
	 * a frame forwarded with a broken checksum.
	 */
	if (nl_link_kind((int)ifindex, kind, sizeof(kind)))
		return VR_MACF_PARTIAL_CSUM;
	for (i = 0; i < sizeof(partial_csum_kinds) / sizeof(partial_csum_kinds[0]); i++)
		if (!strcmp(kind, partial_csum_kinds[i]))
			return VR_MACF_PARTIAL_CSUM;
	return 0;
}

int vr_macs_flags_derive(struct vr_state *st)
{
	struct vr_mac_key k, next, *prev = NULL;
	struct vr_mac_val v;
	int fd = st->fd[VRM_MACS];
	uint8_t f;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(fd, &k, &v))
			continue;	/* deleted meanwhile */
		f = (uint8_t)((v.flags & ~VR_MACF_PARTIAL_CSUM) | vr_nic_mac_flags(k.ifindex));
		if (f == v.flags)
			continue;
		v.flags = f;
		if (bpf_map_update_elem(fd, &k, &v, BPF_EXIST) && errno != ENOENT)
			return -errno;
	}
	return 0;
}
