// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The network namespace vrouter's NICs live in (state.h).  Pins are
 * global (bpffs is seen from every network namespace that shares the
 * mount), interface names and indexes are not: run from another
 * namespace, vrctl would read ifindex 2 as that namespace's interface,
 * report the NICs as detached and offer to attach XDP to an unrelated
 * one.  load records the namespace (vr_abi.netns_ino); every command
 * that reads or changes the state compares it with its own and, where
 * they differ, refuses with where to go: it never guesses.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "core/state.h"
#include "lib/log.h"
#include "nl/netlink.h"

/* vr_abi.netns_ino as pinned; 0: no pin, another layout, not recorded. */
static uint32_t home_ino(struct vr_state *st)
{
	LIBBPF_OPTS(bpf_obj_get_opts, ro, .file_flags = BPF_F_RDONLY);
	struct bpf_map_info info = {};
	__u32 len = sizeof(info), key = 0;
	struct vr_abi rec = {};
	char path[PATH_MAX];
	int fd = st->fd[VRM_ABI];

	if (fd < 0) {
		if (vr_pin_path(st, VR_MAP_ABI, path, sizeof(path)))
			return 0;
		fd = bpf_obj_get_opts(path, &ro);
		if (fd < 0)
			return 0;
	}
	if (bpf_obj_get_info_by_fd(fd, &info, &len) || info.value_size != sizeof(rec) ||
	    bpf_map_lookup_elem(fd, &key, &rec))
		rec.netns_ino = 0;
	if (fd != st->fd[VRM_ABI])
		close(fd);
	return rec.netns_ino;
}

int vr_netns_check(struct vr_state *st, bool quiet)
{
	char what[PATH_MAX + 64], path[PATH_MAX];
	uint32_t home = home_ino(st), self;

	if (!home || netns_self_ino(&self) || self == home)
		return 0;
	if (quiet)
		return -EXDEV;
	if (netns_describe(home, what, sizeof(what), path, sizeof(path)))
		pr_err("vrouter in %s was loaded in another network namespace, %s, which "
		       "no process, /run/netns name or mount holds any more (gone): its NICs "
		       "went with it; remove its VRs' namespaces and %s by hand",
		       st->pin_dir, what, st->pin_dir);
	else
		pr_err("vrouter in %s was loaded in another network namespace, %s: its NICs "
		       "are there, not in this one (net:[%u]); run vrctl there: "
		       "nsenter --net=%s vrctl ...", st->pin_dir, what, self, path);
	return -EXDEV;
}
