// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The network namespace vrouter's NICs live in (state.h).  Pins are
 * global (bpffs is seen from every network namespace that shares the
 * mount), interface names and indexes are not: run from another
 * namespace, vrctl would read ifindex 2 as that namespace's interface,
 * report the NICs as detached and offer to attach XDP to an unrelated
 * one.  load records the namespace (vr_abi.netns_id); every command
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

/* vr_abi.netns_id as pinned; 0: no pin, another layout, not recorded. */
static uint32_t home_id(struct vr_state *st)
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
		rec.netns_id = 0;
	if (fd != st->fd[VRM_ABI])
		close(fd);
	return rec.netns_id;
}

int vr_netns_check(struct vr_state *st, bool quiet)
{
	char what[PATH_MAX + 64], path[PATH_MAX];
	uint32_t home = home_id(st), self;
	int err;

	if (!home || netns_self_id(&self) || self == home)
		return 0;
	if (quiet)
		return -EXDEV;
	err = netns_describe(home, what, sizeof(what), path, sizeof(path));
	if (!err)
		pr_err("vrouter in %s was loaded in another network namespace, %s: its NICs "
		       "are there, not in this one (id %u); run vrctl there: "
		       "nsenter --net=%s vrctl ...", st->pin_dir, what, self, path);
	else if (err == -EPERM)
		pr_err("vrouter in %s was loaded in another network namespace (id %u), not "
		       "this one (id %u): run vrctl where load ran (vrctl with CAP_SYS_ADMIN "
		       "names it)", st->pin_dir, home, self);
	else
		pr_err("vrouter in %s was loaded in another network namespace (id %u), which "
		       "no process, /run/netns name or mount holds any more (gone): its NICs "
		       "went with it; remove its VRs' namespaces and %s by hand",
		       st->pin_dir, home, st->pin_dir);
	return -EXDEV;
}
