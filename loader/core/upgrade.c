// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * vrctl upgrade (datapath.h): move a running vrouter to this vrctl's
 * program and map layout without touching a VR, its namespace or the
 * NICs' attachment.
 *
 *  1. lock; the pinned ABI (vr_abi, or recognised by its layout);
 *  2. the pinned maps opened through the migration table of that ABI
 *     (include/vr_migrate.h), the NICs running vrouter's program listed;
 *  3. a fresh program loaded: with new, unpinned maps of this layout,
 *     filled from the old ones entry by entry (an older ABI, or --force),
 *     or with the pinned maps (same ABI: only the program changes; none:
 *     nothing to do if the NICs already run the same program);
 *  4. the program and the new maps pinned in PIN_DIR/upgrade;
 *  5. the switch: XDP_FLAGS_REPLACE with the expected old program on each
 *     NIC, atomic per NIC (a frame meets either program, each with its own
 *     complete maps); a failure puts the old program back on the NICs
 *     already switched;
 *  6. the pins of PIN_DIR/upgrade renamed over the old ones (vr_routers
 *     after the other maps: the follower reopens when its id changes; the
 *     program last), which unpins the old maps and program; the directory
 *     removed.
 * Any failure up to 5 leaves the state as it was.  A vrctl killed before
 * 5 leaves PIN_DIR/upgrade, which the next upgrade removes (no NIC runs
 * its program).  After 5 only renames within one bpffs directory remain;
 * should one fail, the NICs run the new program and the error names the
 * pin.  A vrctl killed during or after 5 leaves PIN_DIR/upgrade with its
 * program on some NICs: the next upgrade finishes that one (the other
 * NICs switched, the pins moved) and stops there.
 */
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>
#include <sys/stat.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "core/datapath.h"
#include "core/migrate.h"
#include "lib/log.h"
#include "vrouter.skel.h"

#define UPG_DIR		"upgrade"	/* under the pin directory */

struct upg_nic {
	uint32_t ifindex;
	char name[IF_NAMESIZE];
	uint32_t old_id;
	int old_fd;
	int mode;
	bool switched;
};

struct upg {
	struct vr_state *st;
	struct vr_upgrade_res *res;
	struct vr_mig mig;
	bool migrate;
	struct upg_nic nics[VR_MAX_IFACES];
	int n;
	struct vrouter *skel;
	int prog_fd;
	int new_fd[VRM_COUNT];
	char dir[PATH_MAX];		/* PIN_DIR/upgrade */
	bool dir_made;
};

static int tmp_path(const struct upg *u, const char *name, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s", u->dir, name);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* The NICs of the old devmap that run vrouter's program. */
static int collect_nics(struct upg *u)
{
	int tx = u->mig.old_fd[u->mig.tx_row];
	uint32_t key, next, tx_id = vr_obj_id(tx), id;
	struct upg_nic *f;
	bool first = true;
	int mode, err;

	while (!bpf_map_get_next_key(tx, first ? NULL : &key, &next)) {
		first = false;
		key = next;
		f = &u->nics[u->n];
		f->old_fd = -1;
		if (!if_indextoname(next, f->name)) {
			pr_warn("ifindex %u in %s is not a NIC of this network namespace: "
				"its entry is kept, no program replaced there", next, VR_MAP_TX);
			u->res->skipped++;
			continue;
		}
		err = vr_iface_xdp(next, &id, &mode);
		if (err) {
			pr_err("%s: cannot query XDP state: %s", f->name, strerror(-err));
			return err;
		}
		if (!id || !vr_prog_uses_map(id, tx_id)) {
			pr_warn("%s: loaded, but vrouter's program is not attached there "
				"(%s): left as it is", f->name, id ? "another one is" : "none is");
			u->res->skipped++;
			continue;
		}
		f->ifindex = next;
		f->old_id = id;
		f->mode = mode;
		f->old_fd = bpf_prog_get_fd_by_id(id);
		if (f->old_fd < 0) {
			err = -errno;
			pr_err("%s: cannot get the attached program: %s", f->name, strerror(-err));
			return err;
		}
		u->n++;
	}
	return 0;
}

static int move_pins(struct upg *u);

/* The ids and keys (NICs) of the devmap pinned at PATH, appended to
 * IFS (*N of them, no duplicates); its map id into *ID (0: none there).
 */
static void tx_nics(const char *path, uint32_t *id, uint32_t *ifs, int *n)
{
	uint32_t key, next;
	bool first = true;
	int fd = bpf_obj_get(path), i;

	*id = 0;
	if (fd < 0)
		return;
	*id = vr_obj_id(fd);
	while (*n < VR_MAX_IFACES && !bpf_map_get_next_key(fd, first ? NULL : &key, &next)) {
		first = false;
		key = next;
		for (i = 0; i < *n && ifs[i] != next; i++)
			;
		if (i == *n)
			ifs[(*n)++] = next;
	}
	close(fd);
}

static void rm_tmp_dir(struct upg *u)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d = opendir(u->dir);

	if (d) {
		while ((e = readdir(d)))
			if (e->d_name[0] != '.' && !tmp_path(u, e->d_name, path, sizeof(path)))
				unlink(path);
		closedir(d);
	}
	if (rmdir(u->dir))
		pr_warn("cannot remove %s: %s", u->dir, strerror(errno));
}

/*
 * PIN_DIR/upgrade left by an upgrade that stopped.  Before the switch (no
 * NIC runs the program pinned there): removed, and this upgrade goes on
 * (0).  After it: finished, i.e. the NICs still on a program of vrouter's
 * moved to that program and the pins moved (1: done).
 */
static int stale_tmp(struct upg *u)
{
	uint32_t ifs[VR_MAX_IFACES], tmp_id = 0, old_tx, new_tx, id;
	char path[PATH_MAX], name[IF_NAMESIZE];
	int i, n = 0, fd, mode, err, on_tmp = 0;

	if (tmp_path(u, VR_PROG_PIN, path, sizeof(path)))
		return -ENAMETOOLONG;
	u->prog_fd = bpf_obj_get(path);
	if (u->prog_fd >= 0)
		tmp_id = vr_obj_id(u->prog_fd);
	if (vr_pin_path(u->st, VR_MAP_TX, path, sizeof(path)))
		return -ENAMETOOLONG;
	tx_nics(path, &old_tx, ifs, &n);
	if (tmp_path(u, VR_MAP_TX, path, sizeof(path)))
		return -ENAMETOOLONG;
	tx_nics(path, &new_tx, ifs, &n);
	for (i = 0; tmp_id && i < n; i++)
		on_tmp += !vr_iface_xdp(ifs[i], &id, &mode) && id == tmp_id;
	if (!on_tmp) {
		rm_tmp_dir(u);
		pr_warn("removed %s, left by an upgrade that stopped before the switch", u->dir);
		return 0;
	}
	/* Roll forward: the rest of the switch, then whatever pins are left
	 * (a map pin already moved is skipped).
	 */
	u->migrate = true;
	for (i = 0; i < n; i++) {
		if (vr_iface_xdp(ifs[i], &id, &mode) || !id || id == tmp_id ||
		    !(vr_prog_uses_map(id, old_tx) || vr_prog_uses_map(id, new_tx)))
			continue;
		fd = bpf_prog_get_fd_by_id(id);
		err = fd < 0 ? -errno : vr_xdp_replace(ifs[i], u->prog_fd, fd, mode);
		if (fd >= 0)
			close(fd);
		if (err) {
			pr_err("%s: cannot replace the XDP program: %s (finishing the upgrade "
			       "that stopped after the switch)",
			       if_indextoname(ifs[i], name) ? name : "?", strerror(-err));
			return err;
		}
		u->res->nics++;
	}
	err = move_pins(u);
	if (err)
		return err;
	u->res->resumed = true;
	return 1;
}

/* A fresh program: with new unpinned maps (migrate), or the pinned ones. */
static int load_new(struct upg *u)
{
	LIBBPF_OPTS(bpf_object_open_opts, oopts, .pin_root_path = u->st->pin_dir);
	struct bpf_map *map;
	unsigned int i;
	int err;

	u->skel = vrouter__open_opts(&oopts);
	if (!u->skel) {
		err = -errno;
		pr_err("cannot open the BPF object: %s", strerror(-err));
		return err;
	}
	if (u->migrate) {
		bpf_object__for_each_map(map, u->skel->obj) {
			err = bpf_map__set_pin_path(map, NULL);
			if (err)
				return err;
		}
	} else {
		err = vr_reuse_pinned_maps(u->st, u->skel->obj);
		if (err)
			return err;
	}
	err = vrouter__load(u->skel);
	if (err) {
		pr_err("cannot load the new BPF program: %s (-v shows libbpf's log)",
		       strerror(-err));
		return err;
	}
	u->prog_fd = bpf_program__fd(u->skel->progs.vr_forward);
	for (i = 0; i < VRM_COUNT; i++) {
		map = bpf_object__find_map_by_name(u->skel->obj, vr_maps[i].name);
		if (!map) {
			pr_err("the BPF object has no map %s", vr_maps[i].name);
			return -ENOENT;
		}
		u->new_fd[i] = bpf_map__fd(map);
	}
	return 0;
}

static bool prog_tag(int fd, __u8 tag[BPF_TAG_SIZE])
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return false;
	memcpy(tag, info.tag, BPF_TAG_SIZE);
	return true;
}

/* Same ABI: do the NICs (or the pinned program) already run this program? */
static bool same_program(struct upg *u)
{
	__u8 want[BPF_TAG_SIZE], have[BPF_TAG_SIZE];
	char path[PATH_MAX];
	int i, fd;
	bool same;

	if (!prog_tag(u->prog_fd, want))
		return false;
	for (i = 0; i < u->n; i++)
		if (!prog_tag(u->nics[i].old_fd, have) || memcmp(want, have, sizeof(want)))
			return false;
	if (vr_pin_path(u->st, VR_PROG_PIN, path, sizeof(path)))
		return false;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return false;
	same = prog_tag(fd, have) && !memcmp(want, have, sizeof(want));
	close(fd);
	return same;
}

static void unpin_tmp(struct upg *u)
{
	char path[PATH_MAX];
	unsigned int i;

	if (!u->dir_made)
		return;
	if (!tmp_path(u, VR_PROG_PIN, path, sizeof(path)))
		unlink(path);
	for (i = 0; i < VRM_COUNT; i++)
		if (!tmp_path(u, vr_maps[i].name, path, sizeof(path)))
			unlink(path);
	if (rmdir(u->dir))
		pr_warn("cannot remove %s: %s", u->dir, strerror(errno));
	u->dir_made = false;
}

static int pin_one(struct upg *u, int fd, const char *name)
{
	char path[PATH_MAX];
	int err = tmp_path(u, name, path, sizeof(path));

	if (!err && bpf_obj_pin(fd, path))
		err = -errno;
	if (err)
		pr_err("cannot pin %s: %s", path, strerror(-err));
	return err;
}

/* The program and (migrate) the new maps, pinned in PIN_DIR/upgrade. */
static int pin_tmp(struct upg *u)
{
	unsigned int i;
	int err;

	if (mkdir(u->dir, 0700)) {
		err = -errno;
		pr_err("cannot create %s: %s", u->dir, strerror(-err));
		return err;
	}
	u->dir_made = true;
	err = pin_one(u, u->prog_fd, VR_PROG_PIN);
	for (i = 0; !err && u->migrate && i < VRM_COUNT; i++)
		err = pin_one(u, u->new_fd[i], vr_maps[i].name);
	return err;
}

/* Each NIC to the new program, atomically; undone on a failure. */
static int switch_nics(struct upg *u)
{
	struct upg_nic *f;
	int i, err;

	for (i = 0; i < u->n; i++) {
		f = &u->nics[i];
		err = vr_xdp_replace(f->ifindex, u->prog_fd, f->old_fd, f->mode);
		if (err) {
			pr_err("%s: cannot replace the XDP program: %s (the NICs already "
			       "switched are put back)", f->name, strerror(-err));
			goto undo;
		}
		f->switched = true;
		vr_fault_step("upgrade:switch", i);
	}
	return 0;
undo:
	while (i--) {
		f = &u->nics[i];
		if (vr_xdp_replace(f->ifindex, f->old_fd, u->prog_fd, f->mode))
			pr_warn("%s: cannot put the previous program back: %s", f->name,
				strerror(errno));
		else
			f->switched = false;
	}
	return err;
}

static int move_pin(struct upg *u, const char *name)
{
	char from[PATH_MAX], to[PATH_MAX];
	int err;

	if (tmp_path(u, name, from, sizeof(from)) ||
	    vr_pin_path(u->st, name, to, sizeof(to)))
		return -ENAMETOOLONG;
	if (!rename(from, to) || errno == ENOENT)	/* ENOENT: moved already */
		return 0;
	err = -errno;
	pr_err("cannot move %s to %s: %s (the NICs run the new program; move it by "
	       "hand)", from, to, strerror(-err));
	return err;
}

/* After the switch: the new pins in place of the old ones. */
static int move_pins(struct upg *u)
{
	unsigned int i;
	int j, err, ret;
	bool kept;

	ret = 0;
	for (i = 0; u->migrate && i < VRM_COUNT; i++) {
		if (i == VRM_ROUTERS)
			continue;
		err = move_pin(u, vr_maps[i].name);
		ret = ret ? ret : err;
	}
	if (u->migrate) {
		err = move_pin(u, VR_MAP_ROUTERS);
		ret = ret ? ret : err;
		/* Old maps this layout has no pin for any more. */
		for (j = 0; j < u->mig.n; j++) {
			kept = false;
			for (i = 0; i < VRM_COUNT; i++)
				kept |= !strcmp(u->mig.rows[j].name, vr_maps[i].name);
			if (!kept)
				vr_unpin(u->st, u->mig.rows[j].name);
		}
	}
	/* The program last: stale_tmp() tells by it whether the switch happened. */
	err = move_pin(u, VR_PROG_PIN);
	ret = ret ? ret : err;
	if (!ret && rmdir(u->dir))
		pr_warn("cannot remove %s: %s", u->dir, strerror(errno));
	u->dir_made = false;
	return ret;
}

static int upgrade(struct upg *u)
{
	struct vr_state *st = u->st;
	unsigned int abi;
	struct stat sb;
	int err;

	err = vr_state_lock(st, false);
	if (err)
		return err;
	if (vr_pin_path(st, UPG_DIR, u->dir, sizeof(u->dir)))
		return -ENAMETOOLONG;
	if (!lstat(u->dir, &sb)) {
		err = stale_tmp(u);
		if (err)
			return err < 0 ? err : 0;
		close(u->prog_fd);
		u->prog_fd = -1;
	}
	err = vr_abi_pinned(st, &abi);
	if (err == -ENOENT)
		vr_say_not_loaded(st);
	if (err)
		return err;
	u->res->from_abi = abi;
	u->res->to_abi = VR_ABI_VERSION;
	if (abi > VR_ABI_VERSION) {
		pr_err("pinned maps are ABI %u, this vrctl is ABI %u: it cannot go back "
		       "to an older layout (use a vrctl of ABI %u or later)", abi,
		       VR_ABI_VERSION, abi);
		return -EPROTO;
	}
	u->migrate = u->migrate || abi != VR_ABI_VERSION;
	if (!u->migrate) {
		err = vr_maps_open(st);		/* its checks and messages */
		if (err)
			return err;
	}
	err = vr_mig_open(st, abi, &u->mig);
	if (!err)
		err = collect_nics(u);
	if (!err)
		err = load_new(u);
	if (err)
		return err;
	if (!u->migrate && same_program(u)) {
		u->res->nothing_to_do = true;
		return 0;
	}
	if (u->migrate) {
		err = vr_mig_copy(&u->mig, u->new_fd);
		if (!err)
			err = vr_abi_stamp(u->new_fd, VR_ABI_VERSION);
		if (err)
			return err;
		u->res->entries = u->mig.entries;
	}
	err = pin_tmp(u);
	if (err)
		goto unpin;
	vr_fault_point("upgrade:pinned");
	err = switch_nics(u);
	if (err)
		goto unpin;
	u->res->nics = u->n;
	u->res->maps_migrated = u->migrate;
	vr_fault_point("upgrade:switched");
	err = move_pins(u);
	if (!err && !u->migrate)
		err = vr_abi_stamp(st->fd, VR_ABI_VERSION);	/* this revision */
	return err;
unpin:
	unpin_tmp(u);
	return err;
}

int vr_dp_upgrade(struct vr_state *st, bool force, struct vr_upgrade_res *res)
{
	struct upg *u = calloc(1, sizeof(*u));
	int i, err;

	if (!u)
		return -ENOMEM;
	memset(res, 0, sizeof(*res));
	res->to_abi = VR_ABI_VERSION;
	u->st = st;
	u->res = res;
	u->migrate = force;
	u->prog_fd = -1;
	err = upgrade(u);
	for (i = 0; i < u->n; i++)
		if (u->nics[i].old_fd >= 0)
			close(u->nics[i].old_fd);
	vr_mig_close(&u->mig);
	if (!u->skel && u->prog_fd >= 0)
		close(u->prog_fd);	/* stale_tmp()'s */
	vrouter__destroy(u->skel);
	free(u);
	return err;
}
