// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Typed access to the pinned maps: keys built in one place (pad bytes
 * zero, as the program's lookups expect), per-CPU values summed in one
 * place.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "core/maps.h"
#include "lib/log.h"

static int ret_errno(int rc)
{
	return rc ? -errno : 0;
}

/* After every change to vr_macs: the fast path's per-CPU copies of its
 * entries are from an older generation then (include/vrouter.h).  0 or
 * -errno; a writer that fails here must report it, the change being made.
 */
static int macs_changed(struct vr_state *st)
{
	struct vr_macs_gen g = { 0 };
	uint32_t zero = 0;

	if (bpf_map_lookup_elem(st->fd[VRM_MACSGEN], &zero, &g))
		return -errno;
	g.gen++;
	return ret_errno(bpf_map_update_elem(st->fd[VRM_MACSGEN], &zero, &g, BPF_ANY));
}

static void mac_key(struct vr_mac_key *k, uint32_t ifindex, const uint8_t mac[VR_ETH_ALEN])
{
	memset(k, 0, sizeof(*k));
	k->ifindex = ifindex;
	memcpy(k->mac, mac, VR_ETH_ALEN);
}

int vr_mac_add(struct vr_state *st, uint32_t ifindex, const uint8_t mac[VR_ETH_ALEN],
	       uint32_t vr_id, uint32_t table_id, uint8_t flags)
{
	struct vr_mac_val v = { .vr_id = vr_id, .table_id = table_id, .flags = flags };
	struct vr_mac_key k;

	mac_key(&k, ifindex, mac);
	if (bpf_map_update_elem(st->fd[VRM_MACS], &k, &v, BPF_NOEXIST))
		return -errno;
	return macs_changed(st);
}

int vr_mac_del(struct vr_state *st, uint32_t ifindex, const uint8_t mac[VR_ETH_ALEN])
{
	struct vr_mac_key k;

	mac_key(&k, ifindex, mac);
	if (bpf_map_delete_elem(st->fd[VRM_MACS], &k))
		return -errno;
	return macs_changed(st);
}

int vr_mac_get(struct vr_state *st, uint32_t ifindex, const uint8_t mac[VR_ETH_ALEN],
	       struct vr_mac_val *val)
{
	struct vr_mac_key k;

	mac_key(&k, ifindex, mac);
	return ret_errno(bpf_map_lookup_elem(st->fd[VRM_MACS], &k, val));
}

int vr_mac_set_slow(struct vr_state *st, uint32_t ifindex, const uint8_t mac[VR_ETH_ALEN],
		    uint8_t mask, bool on)
{
	struct vr_mac_val v;
	struct vr_mac_key k;
	uint8_t slow;

	mac_key(&k, ifindex, mac);
	if (bpf_map_lookup_elem(st->fd[VRM_MACS], &k, &v))
		return -errno;
	slow = on ? v.slow | mask : v.slow & ~mask;
	if (slow == v.slow)
		return 0;
	v.slow = slow;
	if (bpf_map_update_elem(st->fd[VRM_MACS], &k, &v, BPF_EXIST))
		return -errno;
	return macs_changed(st) ?: 1;
}

int vr_mac_set_rpf(struct vr_state *st, uint32_t ifindex, const uint8_t mac[VR_ETH_ALEN],
		   uint8_t rp_filter)
{
	struct vr_mac_val v;
	struct vr_mac_key k;

	mac_key(&k, ifindex, mac);
	if (bpf_map_lookup_elem(st->fd[VRM_MACS], &k, &v))
		return -errno;
	if (v.rp_filter == rp_filter)
		return 0;
	v.rp_filter = rp_filter;
	if (bpf_map_update_elem(st->fd[VRM_MACS], &k, &v, BPF_EXIST))
		return -errno;
	return macs_changed(st) ?: 1;
}

int vr_mac_set_flags(struct vr_state *st, uint32_t ifindex, const uint8_t mac[VR_ETH_ALEN],
		     uint8_t flags)
{
	struct vr_mac_val v;
	struct vr_mac_key k;

	mac_key(&k, ifindex, mac);
	if (bpf_map_lookup_elem(st->fd[VRM_MACS], &k, &v))
		return -errno;
	if (v.flags == flags)
		return 0;
	v.flags = flags;
	if (bpf_map_update_elem(st->fd[VRM_MACS], &k, &v, BPF_EXIST))
		return -errno;
	return macs_changed(st) ?: 1;
}

static void port_key(struct vr_port_key *k, uint32_t vr_id, uint32_t ifindex)
{
	memset(k, 0, sizeof(*k));
	k->vr_id = vr_id;
	k->ifindex = ifindex;
}

/*
 * The copy of the VR's port on IFINDEX in each of its neighbours there
 * (vr_neigh_val.src, has_port), after the port came or went: a scan of
 * vr_neigh, the price of one lookup per forwarded frame instead of two.
 * ALL: every neighbour of every VR (vr_neigh_ports_derive).  An entry
 * deleted meanwhile is skipped (BPF_EXIST).  0 or -errno.
 */
static int neigh_port_refresh(struct vr_state *st, bool all, uint32_t vr_id,
			      uint32_t ifindex)
{
	struct vr_neigh_key k, next, *prev = NULL;
	struct vr_neigh_val v, want;
	int fd = st->fd[VRM_NEIGH];

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		k = next;
		prev = &k;
		if ((!all && (k.vr_id != vr_id || k.ifindex != ifindex)) ||
		    bpf_map_lookup_elem(fd, &k, &v))
			continue;
		vr_neigh_val_init(st, &k, v.mac, &want);
		if (!memcmp(&v, &want, sizeof(v)))
			continue;
		if (bpf_map_update_elem(fd, &k, &want, BPF_EXIST) && errno != ENOENT)
			return -errno;
	}
	return errno == ENOENT ? 0 : -errno;
}

int vr_neigh_ports_derive(struct vr_state *st)
{
	return neigh_port_refresh(st, true, 0, 0);
}

int vr_port_add(struct vr_state *st, uint32_t vr_id, uint32_t ifindex,
		const uint8_t mac[VR_ETH_ALEN], const char *ifname)
{
	struct vr_port_val v;
	struct vr_port_key k;

	port_key(&k, vr_id, ifindex);
	memset(&v, 0, sizeof(v));
	memcpy(v.mac, mac, VR_ETH_ALEN);
	if (ifname)
		strncpy(v.ifname, ifname, sizeof(v.ifname) - 1);
	if (bpf_map_update_elem(st->fd[VRM_PORTS], &k, &v, BPF_NOEXIST))
		return -errno;
	return neigh_port_refresh(st, false, vr_id, ifindex);
}

int vr_port_del(struct vr_state *st, uint32_t vr_id, uint32_t ifindex)
{
	struct vr_port_key k;

	port_key(&k, vr_id, ifindex);
	if (bpf_map_delete_elem(st->fd[VRM_PORTS], &k))
		return -errno;
	return neigh_port_refresh(st, false, vr_id, ifindex);
}

int vr_port_get_name(struct vr_state *st, uint32_t vr_id, uint32_t ifindex,
		     uint8_t mac[VR_ETH_ALEN], char *ifname)
{
	struct vr_port_val v;
	struct vr_port_key k;

	port_key(&k, vr_id, ifindex);
	if (bpf_map_lookup_elem(st->fd[VRM_PORTS], &k, &v))
		return -errno;
	if (mac)
		memcpy(mac, v.mac, VR_ETH_ALEN);
	if (ifname) {
		memcpy(ifname, v.ifname, sizeof(v.ifname));
		ifname[sizeof(v.ifname) - 1] = '\0';
	}
	return 0;
}

int vr_port_get(struct vr_state *st, uint32_t vr_id, uint32_t ifindex,
		uint8_t mac[VR_ETH_ALEN])
{
	return vr_port_get_name(st, vr_id, ifindex, mac, NULL);
}

/* The next port of VR_ID after *IFINDEX in ifindex order: the map is
 * small (VR_MAX_PORTS), so a scan per step keeps the order stable.
 */
int vr_port_next(struct vr_state *st, uint32_t vr_id, uint32_t *ifindex,
		 uint8_t mac[VR_ETH_ALEN])
{
	struct vr_port_key k, next, *prev = NULL;
	uint32_t best = 0;

	while (!bpf_map_get_next_key(st->fd[VRM_PORTS], prev, &next)) {
		k = next;
		prev = &k;
		if (k.vr_id == vr_id && k.ifindex > *ifindex &&
		    (!best || k.ifindex < best))
			best = k.ifindex;
	}
	if (errno != ENOENT)
		return -errno;
	if (!best)
		return -ENOENT;
	*ifindex = best;
	return vr_port_get(st, vr_id, best, mac);
}

void vr_neigh_key_init(struct vr_neigh_key *k, uint32_t vr_id, uint32_t ifindex,
		       int family, const void *addr)
{
	memset(k, 0, sizeof(*k));
	k->vr_id = vr_id;
	k->ifindex = ifindex;
	k->family = (uint8_t)family;
	memcpy(k->addr, addr, family == AF_INET6 ? 16 : 4);
}

void vr_neigh_val_init(struct vr_state *st, const struct vr_neigh_key *k,
		       const uint8_t mac[VR_ETH_ALEN], struct vr_neigh_val *v)
{
	memset(v, 0, sizeof(*v));
	memcpy(v->mac, mac, VR_ETH_ALEN);
	v->has_port = !vr_port_get(st, k->vr_id, k->ifindex, v->src);
	if (!v->has_port)
		memset(v->src, 0, sizeof(v->src));
}

int vr_neigh_set(struct vr_state *st, const struct vr_neigh_key *k,
		 const uint8_t mac[VR_ETH_ALEN], uint64_t flags)
{
	struct vr_neigh_val v;

	vr_neigh_val_init(st, k, mac, &v);
	return ret_errno(bpf_map_update_elem(st->fd[VRM_NEIGH], k, &v, flags));
}

int vr_neigh_del(struct vr_state *st, const struct vr_neigh_key *k)
{
	return ret_errno(bpf_map_delete_elem(st->fd[VRM_NEIGH], k));
}

int vr_neigh_get(struct vr_state *st, const struct vr_neigh_key *k, uint8_t mac[VR_ETH_ALEN])
{
	struct vr_neigh_val v;

	if (bpf_map_lookup_elem(st->fd[VRM_NEIGH], k, &v))
		return -errno;
	memcpy(mac, v.mac, VR_ETH_ALEN);
	return 0;
}

int vr_neigh_next(struct vr_state *st, struct vr_neigh_key *k, bool first)
{
	struct vr_neigh_key next;

	if (bpf_map_get_next_key(st->fd[VRM_NEIGH], first ? NULL : k, &next))
		return -errno;
	*k = next;
	return 0;
}

/* Does KEY (of map M) belong to VR_ID? */
static bool key_of_vr(struct vr_state *st, enum vr_map_id m, const void *key,
		      uint32_t vr_id)
{
	struct vr_mac_val v;

	switch (m) {
	case VRM_MACS:
		return !bpf_map_lookup_elem(st->fd[m], key, &v) && v.vr_id == vr_id;
	case VRM_PORTS:
		return ((const struct vr_port_key *)key)->vr_id == vr_id;
	case VRM_NEIGH:
		return ((const struct vr_neigh_key *)key)->vr_id == vr_id;
	default:
		return false;
	}
}

/* The keys of map M that belong to VR_ID, into *KEYS: their number. */
static int collect_vr_keys(struct vr_state *st, enum vr_map_id m, uint32_t vr_id,
			   char **keys)
{
	size_t key_size = vr_maps[m].key_size, n = 0, cap = 0;
	char cur[64], next[64], *prev = NULL, *p;

	*keys = NULL;
	while (!bpf_map_get_next_key(st->fd[m], prev, next)) {
		memcpy(cur, next, key_size);
		prev = cur;
		if (!key_of_vr(st, m, cur, vr_id))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			p = realloc(*keys, cap * key_size);
			if (!p)
				return -ENOMEM;
			*keys = p;
		}
		memcpy(*keys + n * key_size, cur, key_size);
		n++;
	}
	return errno == ENOENT ? (int)n : -errno;
}

int vr_map_flush_vr(struct vr_state *st, enum vr_map_id m, uint32_t vr_id)
{
	size_t key_size = vr_maps[m].key_size;
	int n, i, err = 0, deleted = 0;
	char *keys;

	_Static_assert(sizeof(struct vr_neigh_key) <= 64, "collect_vr_keys() buffers");
	n = collect_vr_keys(st, m, vr_id, &keys);
	if (n < 0) {
		free(keys);
		pr_err("cannot read map %s: %s", vr_maps[m].name, strerror(-n));
		return n;
	}
	for (i = 0; i < n; i++) {
		if (!bpf_map_delete_elem(st->fd[m], keys + i * key_size)) {
			deleted++;
		} else if (errno != ENOENT) {
			err = -errno;
			pr_err("cannot delete from map %s: %s", vr_maps[m].name,
			       strerror(-err));
			break;
		}
	}
	free(keys);
	if (deleted && m == VRM_MACS) {
		int e = macs_changed(st);

		if (!err && e) {
			pr_err("cannot write map %s: %s", VR_MAP_MACSGEN, strerror(-e));
			err = e;
		}
	}
	return err ? err : deleted;
}

int vr_percpu_sum(int fd, const void *key, uint64_t *sum, size_t n_u64)
{
	int ncpu = libbpf_num_possible_cpus(), c, err = 0;
	uint64_t *percpu;
	size_t i;

	memset(sum, 0, n_u64 * sizeof(*sum));
	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	percpu = calloc((size_t)ncpu, n_u64 * sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	if (bpf_map_lookup_elem(fd, key, percpu))
		err = -errno;
	for (c = 0; !err && c < ncpu; c++)
		for (i = 0; i < n_u64; i++)
			sum[i] += percpu[(size_t)c * n_u64 + i];
	free(percpu);
	return err;
}

/* The per-CPU structs are counters only: sum them as arrays of __u64. */
_Static_assert(sizeof(struct vr_stats) % sizeof(__u64) == 0, "vr_stats: __u64 only");
_Static_assert(sizeof(struct vr_nic_stats) % sizeof(__u64) == 0, "vr_nic_stats: __u64 only");

int vr_stats_read(struct vr_state *st, uint32_t vr_id, struct vr_stats *sum)
{
	return vr_percpu_sum(st->fd[VRM_STATS], &vr_id, (uint64_t *)sum,
			     sizeof(*sum) / sizeof(__u64));
}

int vr_nic_stats_read(struct vr_state *st, uint32_t ifindex, struct vr_nic_stats *sum)
{
	int err = vr_percpu_sum(st->fd[VRM_NICSTATS], &ifindex, (uint64_t *)sum,
				sizeof(*sum) / sizeof(__u64));

	return err == -ENOENT ? 0 : err;
}

int vr_stats_zero(struct vr_state *st, uint32_t vr_id)
{
	int ncpu = libbpf_num_possible_cpus(), err = 0;
	void *zero;

	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	zero = calloc((size_t)ncpu, sizeof(struct vr_stats));
	if (!zero)
		return -ENOMEM;
	if (bpf_map_update_elem(st->fd[VRM_STATS], &vr_id, zero, BPF_ANY))
		err = -errno;
	free(zero);
	return err;
}

int vr_devmap_add(struct vr_state *st, uint32_t ifindex)
{
	struct bpf_devmap_val v = { .ifindex = ifindex };

	return ret_errno(bpf_map_update_elem(st->fd[VRM_TX], &ifindex, &v, BPF_NOEXIST));
}

void vr_devmap_del(struct vr_state *st, uint32_t ifindex)
{
	bpf_map_delete_elem(st->fd[VRM_TX], &ifindex);
	bpf_map_delete_elem(st->fd[VRM_NICSTATS], &ifindex);
}
