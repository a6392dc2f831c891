// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * What each VR uses of its quotas (quota.h): its vr_neigh and vr_ports
 * entries, one pass over each map, and the routes in its host table, one
 * route dump.  For show and the exporter; read without the lock.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "core/maps.h"
#include "core/quota.h"
#include "nl/netlink.h"

/* Entries of the hash map FD per VR: the key's first field is the VR id. */
static int count_by_vr(int fd, size_t key_size, uint32_t *n)
{
	uint8_t key[64], next[64];
	uint32_t id;
	void *prev = NULL;

	if (key_size > sizeof(key))
		return -EINVAL;
	while (!bpf_map_get_next_key(fd, prev, next)) {
		memcpy(&id, next, sizeof(id));
		if (id < VR_MAX_ROUTERS)
			n[id]++;
		memcpy(key, next, key_size);
		prev = key;
	}
	return errno == ENOENT ? 0 : -errno;
}

/* Every VR's VR_SLOW_* bits: one pass over vr_macs. */
static int slow_by_vr(struct vr_state *st, uint8_t *slow)
{
	struct vr_mac_key k, next, *prev = NULL;
	struct vr_mac_val v;

	while (!bpf_map_get_next_key(st->fd[VRM_MACS], prev, &next)) {
		k = next;
		prev = &k;
		if (!bpf_map_lookup_elem(st->fd[VRM_MACS], &k, &v) && v.vr_id < VR_MAX_ROUTERS)
			slow[v.vr_id] |= v.slow;
	}
	return errno == ENOENT ? 0 : -errno;
}

int vr_usage_read(struct vr_state *st, struct vr_usage *u)
{
	uint32_t tables[VR_MAX_ROUTERS], counts[VR_MAX_ROUTERS], ids[VR_MAX_ROUTERS];
	struct vr_router rec;
	uint32_t id = 0;
	size_t n = 0, i;
	int err;

	memset(u, 0, sizeof(*u));
	err = count_by_vr(st->fd[VRM_NEIGH], sizeof(struct vr_neigh_key), u->neigh);
	if (!err)
		err = count_by_vr(st->fd[VRM_PORTS], sizeof(struct vr_port_key), u->macs);
	if (!err)
		err = slow_by_vr(st, u->slow);
	if (err)
		return err;
	while (n < VR_MAX_ROUTERS && !vr_router_next(st, &id, &rec)) {
		ids[n] = id;
		tables[n++] = rec.table_id;
	}
	/* The routes are the kernel's: without them, the maps still count. */
	u->routes_ok = !nl_table_counts(tables, n, counts);
	for (i = 0; u->routes_ok && i < n; i++)
		u->routes[ids[i]] = counts[i];
	return 0;
}
