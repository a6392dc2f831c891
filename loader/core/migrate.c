// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The ABI version of the pinned maps and the migration of their entries
 * (migrate.h).  The table itself, one row per map of each older layout,
 * is include/vr_migrate.h; this file only walks it.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "core/datapath.h"
#include "core/maps.h"
#include "core/migrate.h"
#include "lib/log.h"
#include "nl/netlink.h"
#include "vr_migrate.h"

#ifndef VR_REVISION
#define VR_REVISION "unknown"
#endif

#define VRM_NONE	(-1)
#define VR_MIG_COPY	NULL, false
#define VR_MIG_FRESH	NULL, true
#define VR_MIG_CONV(fn)	fn, false

const char *vr_revision(void)
{
	return VR_REVISION;
}

/* ---- the table ------------------------------------------------------ */

#define MIG_ROW(name, type, ksz, vsz, max, to, how) \
	{ name, type, ksz, vsz, max, VRM_##to, VR_MIG_##how },
#define MIG_ABI(n, rows)						\
	static const struct vr_mig_row abi##n##_rows[] = { rows(MIG_ROW) };

VR_MIGRATE_FROM(MIG_ABI)

struct mig_abi {
	unsigned int abi;
	const struct vr_mig_row *rows;
	int n;
};

#define MIG_ABI_REF(n, rows)						\
	{ n, abi##n##_rows, (int)(sizeof(abi##n##_rows) / sizeof(abi##n##_rows[0])) },

static const struct mig_abi mig_abis[] = { VR_MIGRATE_FROM(MIG_ABI_REF) };

/* The rows of ABI into M: an older one from the table, or this one's own. */
static int rows_of(unsigned int abi, struct vr_mig *m)
{
	unsigned int i;
	int j;

	m->n = 0;
	if (abi == VR_ABI_VERSION) {
		for (i = 0; i < VRM_COUNT; i++) {
			m->rows[m->n] = (struct vr_mig_row){
				vr_maps[i].name, vr_maps[i].type, vr_maps[i].key_size,
				vr_maps[i].value_size, vr_maps[i].max_entries, (int)i, NULL,
				(VR_MIG_FRESH_MAPS >> i) & 1 };
			m->n++;
		}
		return 0;
	}
	for (i = 0; i < sizeof(mig_abis) / sizeof(mig_abis[0]); i++) {
		if (mig_abis[i].abi != abi)
			continue;
		for (j = 0; j < mig_abis[i].n && j < VR_MIG_MAX_ROWS; j++)
			m->rows[m->n++] = mig_abis[i].rows[j];
		return 0;
	}
	pr_err("pinned maps are ABI %u, which this vrctl (ABI %u) cannot read", abi,
	       VR_ABI_VERSION);
	return -EPROTO;
}

/* ---- which ABI is pinned -------------------------------------------- */

static bool pin_layout(struct vr_state *st, const struct vr_mig_row *r, bool *present)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	char path[PATH_MAX];
	bool ok;
	int fd;

	*present = false;
	if (vr_pin_path(st, r->name, path, sizeof(path)))
		return false;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return false;
	*present = true;
	ok = !bpf_obj_get_info_by_fd(fd, &info, &len) && info.type == r->type &&
	     info.key_size == r->key_size && info.value_size == r->value_size &&
	     info.max_entries == r->max_entries;
	close(fd);
	return ok;
}

int vr_abi_pinned(struct vr_state *st, unsigned int *abi)
{
	LIBBPF_OPTS(bpf_obj_get_opts, ro, .file_flags = BPF_F_RDONLY);
	struct vr_abi rec = {};
	char path[PATH_MAX];
	unsigned int i;
	int fd, j, any = 0;
	bool present;
	__u32 key = 0;

	*abi = VR_ABI_VERSION;
	if (vr_pin_path(st, VR_MAP_ABI, path, sizeof(path)))
		return -ENAMETOOLONG;
	fd = bpf_obj_get_opts(path, &ro);
	if (fd >= 0) {
		/* 0: a load between creating the maps and stamping them */
		if (!bpf_map_lookup_elem(fd, &key, &rec) && rec.version)
			*abi = rec.version;
		close(fd);
		return 0;
	}
	/* No vr_abi: an older layout that had none, if one matches fully. */
	for (i = 0; i < sizeof(mig_abis) / sizeof(mig_abis[0]); i++) {
		for (j = 0; j < mig_abis[i].n; j++) {
			if (!pin_layout(st, &mig_abis[i].rows[j], &present))
				break;
			any++;
		}
		if (j == mig_abis[i].n) {
			*abi = mig_abis[i].abi;
			return 0;
		}
	}
	if (!any && !vr_pins_present(st))
		return -ENOENT;
	return 0;
}

int vr_abi_stamp(const int *fds, unsigned int abi)
{
	struct vr_abi rec = { .version = abi };
	__u32 key = 0;

	/* Every writer runs where the NICs are (vr_netns_check) */
	netns_self_id(&rec.netns_id);
	snprintf(rec.revision, sizeof(rec.revision), "%s", vr_revision());
	if (bpf_map_update_elem(fds[VRM_ABI], &key, &rec, BPF_ANY)) {
		pr_err("cannot write %s: %s", VR_MAP_ABI, strerror(errno));
		return -errno;
	}
	return 0;
}

int vr_abi_stamp_new(const int *fds)
{
	struct vr_abi rec = {};
	__u32 key = 0;

	if (!bpf_map_lookup_elem(fds[VRM_ABI], &key, &rec) && rec.version) {
		/* loaded by a vrctl that did not record the namespace: now */
		if (rec.netns_id || netns_self_id(&rec.netns_id))
			return 0;
		if (bpf_map_update_elem(fds[VRM_ABI], &key, &rec, BPF_ANY)) {
			pr_err("cannot write %s: %s", VR_MAP_ABI, strerror(errno));
			return -errno;
		}
		return 0;
	}
	return vr_abi_stamp(fds, VR_ABI_VERSION);
}

/* ---- open the old maps ---------------------------------------------- */

void vr_mig_close(struct vr_mig *m)
{
	int i;

	for (i = 0; i < m->n; i++) {
		if (m->old_fd[i] >= 0)
			close(m->old_fd[i]);
		m->old_fd[i] = -1;
	}
}

int vr_mig_open(struct vr_state *st, unsigned int abi, struct vr_mig *m)
{
	LIBBPF_OPTS(bpf_obj_get_opts, ro, .file_flags = BPF_F_RDONLY);
	struct bpf_map_info info;
	const struct vr_mig_row *r;
	char path[PATH_MAX];
	__u32 len;
	int i, err;

	m->abi = abi;
	m->entries = 0;
	m->tx_row = -1;
	err = rows_of(abi, m);
	if (err)
		return err;
	for (i = 0; i < m->n; i++)
		m->old_fd[i] = -1;
	for (i = 0; i < m->n; i++) {
		r = &m->rows[i];
		if (r->to == VRM_TX)
			m->tx_row = i;
		err = vr_pin_path(st, r->name, path, sizeof(path));
		if (err)
			goto fail;
		m->old_fd[i] = bpf_obj_get(path);
		if (m->old_fd[i] < 0 && errno == EROFS && st->read_only_ok)
			m->old_fd[i] = bpf_obj_get_opts(path, &ro);
		if (m->old_fd[i] < 0) {
			err = -errno;
			pr_err("cannot open pinned map %s (ABI %u): %s", path, abi,
			       strerror(-err));
			goto fail;
		}
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (bpf_obj_get_info_by_fd(m->old_fd[i], &info, &len) ||
		    info.type != r->type || info.key_size != r->key_size ||
		    info.value_size != r->value_size || info.max_entries != r->max_entries) {
			pr_err("%s has another layout than ABI %u's (type %u, key %u, value "
			       "%u, %u entries; expected %u, %u, %u, %u): not vrouter's",
			       path, abi, info.type, info.key_size, info.value_size,
			       info.max_entries, r->type, r->key_size, r->value_size,
			       r->max_entries);
			err = -EPROTO;
			goto fail;
		}
	}
	return 0;
fail:
	vr_mig_close(m);
	return err;
}

/* ---- copy ------------------------------------------------------------ */

static bool percpu(uint32_t type)
{
	return type == BPF_MAP_TYPE_PERCPU_ARRAY || type == BPF_MAP_TYPE_PERCPU_HASH ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

static size_t round8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* Row R checked against its target before anything is written. */
static int row_check(const struct vr_mig *m, const struct vr_mig_row *r)
{
	const struct vr_map_desc *d = &vr_maps[r->to];

	if (percpu(r->type) != percpu(d->type)) {
		pr_err("migration table: %s of ABI %u is%s per CPU and %s of ABI %u is%s",
		       r->name, m->abi, percpu(r->type) ? "" : " not", d->name,
		       VR_ABI_VERSION, percpu(d->type) ? "" : " not");
		return -EPROTO;
	}
	if (!r->conv && (r->key_size != d->key_size || r->value_size != d->value_size)) {
		pr_err("migration table: %s of ABI %u (key %u, value %u bytes) is copied "
		       "as is into %s of ABI %u (key %u, value %u bytes): it needs a "
		       "converter (include/vr_migrate.h)", r->name, m->abi, r->key_size,
		       r->value_size, d->name, VR_ABI_VERSION, d->key_size, d->value_size);
		return -EPROTO;
	}
	return 0;
}

/* One entry: convert (per CPU) and write. */
static int copy_entry(const struct vr_mig_row *r, const struct vr_map_desc *d, int new_fd,
		      const void *okey, const void *oval, void *nkey, void *nval, int ncpu)
{
	size_t os = round8(r->value_size), ns = round8(d->value_size);
	int c, n = percpu(r->type) ? ncpu : 1, err;

	if (!r->conv) {
		memcpy(nkey, okey, r->key_size);
		memcpy(nval, oval, percpu(r->type) ? os * (size_t)ncpu : r->value_size);
	} else {
		memset(nkey, 0, d->key_size);
		memset(nval, 0, percpu(d->type) ? ns * (size_t)ncpu : d->value_size);
		for (c = 0; c < n; c++) {
			err = r->conv(okey, (const char *)oval + os * (size_t)c, nkey,
				      (char *)nval + ns * (size_t)c);
			if (err)
				return err;	/* 1: dropped by the converter */
		}
	}
	/* A devmap value reads back the program's id where a write takes an
	 * fd: vrouter attaches no program to its devmap entries.
	 */
	if (d->type == BPF_MAP_TYPE_DEVMAP || d->type == BPF_MAP_TYPE_DEVMAP_HASH)
		memset((char *)nval + 4, 0, d->value_size > 4 ? d->value_size - 4 : 0);
	if (bpf_map_update_elem(new_fd, nkey, nval, BPF_ANY))
		return -errno;
	return 0;
}

static int copy_map(struct vr_mig *m, int i, int new_fd)
{
	const struct vr_mig_row *r = &m->rows[i];
	const struct vr_map_desc *d = &vr_maps[r->to];
	int ncpu = libbpf_num_possible_cpus(), err = 0;
	size_t vlen, klen;
	char *okey, *prev, *oval, *nkey, *nval;
	bool first = true;

	if (ncpu < 1)
		return ncpu < 0 ? ncpu : -EINVAL;
	klen = r->key_size > d->key_size ? r->key_size : d->key_size;
	vlen = round8(r->value_size > d->value_size ? r->value_size : d->value_size) *
	       (size_t)ncpu;
	okey = calloc(1, klen + 8);
	prev = calloc(1, klen + 8);
	nkey = calloc(1, klen + 8);
	oval = calloc(1, vlen + 8);
	nval = calloc(1, vlen + 8);
	if (!okey || !prev || !nkey || !oval || !nval) {
		err = -ENOMEM;
		goto out;
	}
	while (!bpf_map_get_next_key(m->old_fd[i], first ? NULL : prev, okey)) {
		first = false;
		memcpy(prev, okey, r->key_size);
		if (bpf_map_lookup_elem(m->old_fd[i], okey, oval)) {
			if (errno == ENOENT)
				continue;	/* deleted meanwhile */
			err = -errno;
			pr_err("cannot read %s: %s", r->name, strerror(-err));
			goto out;
		}
		err = copy_entry(r, d, new_fd, okey, oval, nkey, nval, ncpu);
		if (err == 1) {
			err = 0;
			continue;
		}
		if (err) {
			pr_err("cannot copy an entry of %s (ABI %u) into %s (ABI %u): %s%s",
			       r->name, m->abi, d->name, VR_ABI_VERSION, strerror(-err),
			       err == -E2BIG || err == -ENOSPC ? " (the new map is smaller)" : "");
			goto out;
		}
		m->entries++;
	}
	if (errno != ENOENT && !first) {
		err = -errno;
		pr_err("cannot walk %s: %s", r->name, strerror(-err));
	}
out:
	free(okey);
	free(prev);
	free(nkey);
	free(oval);
	free(nval);
	return err;
}

/*
 * What the maps hold twice for the fast path's sake is made again from
 * its source once every entry is in, whatever the old layout held: the
 * VR's port MAC in each neighbour (vr_ports -> vr_neigh), the ingress
 * NIC's VR_MACF_* bits in each vr_macs entry (the NIC).  (The program's
 * per-CPU copies of vr_macs need nothing: the new program starts with
 * its own, empty.)
 */
static int derive(const int *new_fd)
{
	struct vr_state tmp;
	int err;

	memset(&tmp, 0, sizeof(tmp));
	memcpy(tmp.fd, new_fd, sizeof(tmp.fd));
	err = vr_neigh_ports_derive(&tmp);
	if (err) {
		pr_err("cannot derive the neighbours' port MACs in the new maps: %s",
		       strerror(-err));
		return err;
	}
	err = vr_macs_flags_derive(&tmp);
	if (err)
		pr_err("cannot derive the ingress NICs' flags in the new maps: %s",
		       strerror(-err));
	return err;
}

int vr_mig_copy(struct vr_mig *m, const int *new_fd)
{
	int i, err;

	for (i = 0; i < m->n; i++) {
		if (m->rows[i].to == VRM_NONE || m->rows[i].fresh)
			continue;
		err = row_check(m, &m->rows[i]);
		if (err)
			return err;
	}
	for (i = 0; i < m->n; i++) {
		if (m->rows[i].to == VRM_NONE || m->rows[i].fresh)
			continue;
		err = copy_map(m, i, new_fd[m->rows[i].to]);
		if (err)
			return err;
	}
	return derive(new_fd);
}

/* ---- reading an older layout ---------------------------------------- */

/* Maps of this layout, unpinned, to hold a converted copy. */
static int create_maps(int *fd)
{
	const struct vr_map_desc *d;
	unsigned int i;
	int err;

	for (i = 0; i < VRM_COUNT; i++) {
		LIBBPF_OPTS(bpf_map_create_opts, o);

		d = &vr_maps[i];
		if (d->type == BPF_MAP_TYPE_HASH || d->type == BPF_MAP_TYPE_PERCPU_HASH)
			o.map_flags = BPF_F_NO_PREALLOC;	/* only what is copied */
		fd[i] = bpf_map_create(d->type, d->name, d->key_size, d->value_size,
				       d->max_entries, &o);
		if (fd[i] < 0) {
			err = -errno;
			pr_err("cannot create a copy of %s: %s", d->name, strerror(-err));
			while (i--)
				close(fd[i]);
			return err;
		}
	}
	return 0;
}

int vr_mig_open_older(struct vr_state *st, unsigned int abi)
{
	struct vr_mig m;
	int fd[VRM_COUNT], err;
	unsigned int i;

	if (abi > VR_ABI_VERSION) {
		pr_err("pinned maps are ABI %u, this vrctl is ABI %u: use a vrctl of ABI "
		       "%u or later (vrctl cannot go back to an older layout)", abi,
		       VR_ABI_VERSION, abi);
		return -EPROTO;
	}
	if (!st->old_abi_ok) {
		pr_err("pinned maps are ABI %u, this vrctl is ABI %u: run `vrctl upgrade`",
		       abi, VR_ABI_VERSION);
		return -EPROTO;
	}
	err = vr_mig_open(st, abi, &m);
	if (err)
		return err;
	err = create_maps(fd);
	if (err)
		goto out;
	err = vr_mig_copy(&m, fd);
	if (!err)
		err = vr_abi_stamp(fd, abi);
	if (err) {
		for (i = 0; i < VRM_COUNT; i++)
			close(fd[i]);
		goto out;
	}
	for (i = 0; i < VRM_COUNT; i++)
		st->fd[i] = fd[i];
	st->old_abi = abi;
	pr_warn("pinned maps are ABI %u, this vrctl is ABI %u: reading a converted copy "
		"(run `vrctl upgrade`)", abi, VR_ABI_VERSION);
out:
	vr_mig_close(&m);
	return err;
}
