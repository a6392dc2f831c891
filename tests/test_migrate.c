// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The migration engine (loader/core/migrate.c) on rows like those a
 * future layout change adds to include/vr_migrate.h: a CONV row whose
 * converter reshapes the key and drops some entries, a per-CPU CONV row
 * (the converter runs per CPU), and a COPY row whose sizes differ, which
 * must be refused before anything is written.  Real maps (needs root),
 * no program.  Prints "ok - ..." / "not ok - ..." lines.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "core/migrate.h"
#include "vr_maps.h"

static int failed;

static void check(int cond, const char *what)
{
	printf("%s - %s\n", cond ? "ok" : "not ok", what);
	failed |= !cond;
}

/* An "old" neighbour key: the fields in another order, 36 bytes. */
struct old_neigh_key {
	__u32 addr[4];
	__u32 ifindex;
	__u32 vr_id;
	__u32 family;
	__u32 spare[2];
};

static int conv_neigh(const void *ok_, const void *ov, void *nk_, void *nv)
{
	const struct old_neigh_key *ok = ok_;
	struct vr_neigh_key *nk = nk_;

	if (!ok->vr_id)
		return 1;			/* dropped */
	nk->vr_id = ok->vr_id;
	nk->ifindex = ok->ifindex;
	nk->family = (__u8)ok->family;
	memcpy(nk->addr, ok->addr, sizeof(nk->addr));
	memcpy(nv, ov, sizeof(struct vr_neigh_val));
	return 0;
}

/* An "old" per-CPU counter: rx only. */
static int conv_stats(const void *ok, const void *ov, void *nk, void *nv)
{
	struct vr_stats *s = nv;

	memcpy(nk, ok, sizeof(__u32));
	memcpy(&s->rx, ov, sizeof(s->rx));
	return 0;
}

static int mk(__u32 type, __u32 k, __u32 v, __u32 max)
{
	return bpf_map_create(type, NULL, k, v, max, NULL);
}

int main(void)
{
	int ncpu = libbpf_num_possible_cpus(), newfd[VRM_COUNT], i, c, err;
	struct vr_mig m = { .abi = 1, .n = 2, .tx_row = -1 };
	struct old_neigh_key ok = { .addr = { 0x0a0012c6 }, .ifindex = 7, .vr_id = 3, .family = 2 };
	struct vr_neigh_val nv = { .mac = { 2, 0, 0, 0, 0, 9 } }, got;
	struct vr_neigh_key nk = { .vr_id = 3, .ifindex = 7, .family = 2, .addr = { 0x0a0012c6 } };
	struct vr_counter old_rx[64];
	struct vr_stats st[64];
	__u32 key = 5;
	int n = 0;

	if (ncpu < 1 || ncpu > 64) {
		check(0, "possible CPUs between 1 and 64");
		return 1;
	}
	for (i = 0; i < VRM_COUNT; i++)
		newfd[i] = mk(vr_maps[i].type, vr_maps[i].key_size, vr_maps[i].value_size,
			      vr_maps[i].max_entries);
	m.rows[0] = (struct vr_mig_row){ "old_neigh", BPF_MAP_TYPE_HASH, sizeof(ok), 8, 16,
					 VRM_NEIGH, conv_neigh, false };
	m.rows[1] = (struct vr_mig_row){ "old_stats", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 16, 8,
					 VRM_STATS, conv_stats, false };
	m.old_fd[0] = mk(BPF_MAP_TYPE_HASH, sizeof(ok), 8, 16);
	m.old_fd[1] = mk(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 16, 8);
	check(newfd[VRM_NEIGH] >= 0 && m.old_fd[0] >= 0 && m.old_fd[1] >= 0, "maps created");
	bpf_map_update_elem(m.old_fd[0], &ok, &nv, BPF_ANY);
	ok.vr_id = 0;				/* the converter drops this one */
	ok.ifindex = 8;
	bpf_map_update_elem(m.old_fd[0], &ok, &nv, BPF_ANY);
	for (c = 0; c < ncpu; c++)
		old_rx[c] = (struct vr_counter){ .packets = 100 + (__u64)c, .bytes = 6400 };
	bpf_map_update_elem(m.old_fd[1], &key, old_rx, BPF_ANY);

	/* A COPY row whose sizes differ: refused before anything is written. */
	m.rows[2] = (struct vr_mig_row){ "old_macs", BPF_MAP_TYPE_HASH, 16, 12, 8,
					 VRM_MACS, NULL, false };
	m.old_fd[2] = mk(BPF_MAP_TYPE_HASH, 16, 12, 8);
	m.n = 3;
	err = vr_mig_copy(&m, newfd);
	check(err == -EPROTO, "a COPY row with other sizes: -EPROTO");
	check(bpf_map_get_next_key(newfd[VRM_NEIGH], NULL, &nk) && errno == ENOENT,
	      "... and nothing written before the refusal");

	m.n = 2;
	nk = (struct vr_neigh_key){ .vr_id = 3, .ifindex = 7, .family = 2, .addr = { 0x0a0012c6 } };
	err = vr_mig_copy(&m, newfd);
	check(!err, "vr_mig_copy with two CONV rows");
	check(!bpf_map_lookup_elem(newfd[VRM_NEIGH], &nk, &got) && !memcmp(&got, &nv, sizeof(nv)),
	      "the converted neighbour is there under its new key");
	for (nk = (struct vr_neigh_key){ 0 }; !bpf_map_get_next_key(newfd[VRM_NEIGH], n ? &nk : NULL, &nk); n++)
		;
	check(n == 1, "the entry the converter dropped is not");
	memset(st, 0, sizeof(st));
	check(!bpf_map_lookup_elem(newfd[VRM_STATS], &key, st), "per-CPU stats read back");
	for (c = 0, err = 0; c < ncpu; c++)
		err |= st[c].rx.packets != 100 + (__u64)c || st[c].rx.bytes != 6400 ||
		       st[c].fwd.packets != 0;
	check(!err, "per-CPU counters converted CPU by CPU");
	check(m.entries == 1 + 8, "entries counted (1 neighbour + 8 array slots)");
	return failed;
}
