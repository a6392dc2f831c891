// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * vrctl's state: the pin directory on bpffs, its lock, the pinned maps
 * and the VR records in vr_routers.
 *
 * Locking: every mutating command holds flock(LOCK_EX) on the pin
 * directory itself (an O_RDONLY fd of it) for its whole run.  `unload`
 * removes the directory while holding the lock, so a waiter re-checks
 * after getting the lock that the path still names the directory it
 * locked, and starts over if not.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "core/migrate.h"
#include "core/state.h"
#include "lib/log.h"
#include "lib/parse.h"
#include "vr_pass_names.h"

#define BPFFS_DEFAULT "/sys/fs/bpf"

int vr_pin_path(const struct vr_state *st, const char *name, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s", st->pin_dir, name);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static bool is_bpffs(const char *path)
{
	struct statfs st;

	return !statfs(path, &st) && st.f_type == BPF_FS_MAGIC;
}

/* The deepest existing directory on the way to PATH, into BUF. */
static void existing_parent(const char *path, char *buf, size_t len)
{
	struct stat st;
	char *slash;

	snprintf(buf, len, "%s", path);
	while (stat(buf, &st) || !S_ISDIR(st.st_mode)) {
		slash = strrchr(buf, '/');
		if (!slash || slash == buf) {
			snprintf(buf, len, "/");
			return;
		}
		*slash = '\0';
	}
}

/*
 * Make sure the pin directory can live on bpffs: if its nearest existing
 * ancestor is not on bpffs and that ancestor is /sys/fs/bpf (the usual
 * mount point, empty on some systems), mount bpffs there.
 */
static int ensure_bpffs(struct vr_state *st)
{
	char parent[PATH_MAX];

	existing_parent(st->pin_dir, parent, sizeof(parent));
	if (is_bpffs(parent))
		return 0;
	if (!strcmp(parent, BPFFS_DEFAULT)) {
		if (mount("bpf", BPFFS_DEFAULT, "bpf", 0, "mode=0700")) {
			pr_err("cannot mount bpffs at %s: %s", BPFFS_DEFAULT,
			       strerror(errno));
			return -errno;
		}
		pr_info("mounted bpffs at %s", BPFFS_DEFAULT);
		return 0;
	}
	pr_err("%s: not on a bpf filesystem (%s is not bpffs; mount one with "
	       "'mount -t bpf bpf DIR')", st->pin_dir, parent);
	return -ENOTSUP;
}

/* mkdir -p, only below an existing bpffs directory. */
static int mkdir_p(const char *path, bool *created)
{
	char buf[PATH_MAX];
	char *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0700)) {
		if (errno != EEXIST)
			return -errno;
	} else {
		*created = true;
	}
	return 0;
}

/* Owned by root and writable by no one else (sticky: others may add
 * entries but not remove or rename root's, as in /sys/fs/bpf's 1777).
 */
static bool trusted_mode(const struct stat *s, bool allow_sticky)
{
	return s->st_uid == 0 &&
	       (!(s->st_mode & (S_IWGRP | S_IWOTH)) ||
		(allow_sticky && (s->st_mode & S_ISVTX)));
}

/*
 * The pin directory FD (opened without following a link) and its parent
 * must be root's: a directory an unprivileged user made first (bpffs is
 * often 1777), or a symlink in its place, is refused.  0 or -EPERM
 * (printed).
 */
static int check_trusted(int fd, const char *path)
{
	char parent[PATH_MAX], *slash;
	struct stat d, p;

	if (fstat(fd, &d))
		return -errno;
	if (!S_ISDIR(d.st_mode) || !trusted_mode(&d, false)) {
		pr_err("%s is not vrouter's (owner uid %u, mode %04o): it must be a "
		       "directory owned by root and writable by no one else; remove "
		       "it and vrctl makes it again", path, (unsigned int)d.st_uid,
		       (unsigned int)(d.st_mode & 07777));
		return -EPERM;
	}
	snprintf(parent, sizeof(parent), "%s", path);
	slash = strrchr(parent, '/');
	if (slash == parent)
		slash[1] = '\0';	/* the parent is / */
	else if (slash)
		*slash = '\0';
	if (lstat(parent, &p) || !S_ISDIR(p.st_mode) || !trusted_mode(&p, true)) {
		pr_err("%s: its parent %s is not root's or is writable by others "
		       "(without the sticky bit): refusing it", path, parent);
		return -EPERM;
	}
	return 0;
}

void vr_say_not_loaded(const struct vr_state *st)
{
	if (strcmp(st->pin_dir, VR_DEFAULT_PIN_DIR))
		pr_err("vrouter is not loaded (no %s): run `vrctl --pin-dir %s load IFACE...` "
		       "first", st->pin_dir, st->pin_dir);
	else
		pr_err("vrouter is not loaded (no %s): run `vrctl load IFACE...` first",
		       st->pin_dir);
}

/* Open the pin directory without following a symlink: fd or -errno. */
static int open_pin_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 && (errno == ELOOP || errno == ENOTDIR)) {
		pr_err("%s is a symlink or not a directory: refusing it", path);
		return -EPERM;
	}
	return fd < 0 ? -errno : fd;
}

static int lock_dir(struct vr_state *st, bool create, bool quiet)
{
	struct stat a, b;
	int fd, err, tries;

	if (st->lock_fd >= 0)
		return 0;
	if (strlen(st->pin_dir) >= PATH_MAX - VR_NAME_MAX - 16) {
		pr_err("%s: pin directory name too long", st->pin_dir);
		return -ENAMETOOLONG;
	}
	if (create) {
		err = ensure_bpffs(st);
		if (err)
			return err;
	}
	for (tries = 0; tries < 100; tries++) {
		if (create) {
			err = mkdir_p(st->pin_dir, &st->pin_dir_created);
			if (err) {
				pr_err("cannot create %s: %s", st->pin_dir,
				       strerror(-err));
				return err;
			}
		}
		fd = open_pin_dir(st->pin_dir);
		if (fd < 0) {
			err = fd;
			if (err == -EPERM)
				return err;
			if (err == -ENOENT && !create) {
				if (!quiet)
					vr_say_not_loaded(st);
				return err;
			}
			if (err == -ENOENT)
				continue;
			pr_err("cannot open %s: %s", st->pin_dir, strerror(-err));
			return err;
		}
		if (!create && !is_bpffs(st->pin_dir)) {
			close(fd);
			pr_err("%s: not on a bpf filesystem", st->pin_dir);
			return -ENOTSUP;
		}
		err = check_trusted(fd, st->pin_dir);
		if (err) {
			close(fd);
			return err;
		}
		if (flock(fd, LOCK_EX)) {
			err = -errno;
			close(fd);
			pr_err("cannot lock %s: %s", st->pin_dir, strerror(-err));
			return err;
		}
		/* Still the same directory (not removed by an unload we waited for)? */
		if (!fstat(fd, &a) && !stat(st->pin_dir, &b) &&
		    a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
			st->lock_fd = fd;
			return 0;
		}
		close(fd);
		if (!create) {
			if (!quiet)
				vr_say_not_loaded(st);
			return -ENOENT;
		}
	}
	pr_err("cannot lock %s: it keeps being removed", st->pin_dir);
	return -EAGAIN;
}

int vr_state_lock(struct vr_state *st, bool create)
{
	return lock_dir(st, create, false);
}

/* For main.c: lock if the directory exists, silently nothing if not. */
int vr_state_lock_if_exists(struct vr_state *st)
{
	int err = lock_dir(st, false, true);

	return err == -ENOENT ? 0 : err;
}

void vr_state_unlock(struct vr_state *st)
{
	if (st->lock_fd >= 0) {
		close(st->lock_fd);	/* releases the flock */
		st->lock_fd = -1;
	}
}

#define VR_MAP_DESC(id, name, type, key, value, max) \
	[VRM_##id] = { name, type, sizeof(key), sizeof(value), max },

const struct vr_map_desc vr_maps[VRM_COUNT] = {
	VR_MAP_LIST(VR_MAP_DESC)
};

/* The maps the pinned program PIN_DIR/vr_forward uses (ids), or 0 if no
 * program is pinned there.
 */
#define MAX_PROG_MAPS	32

static int pinned_prog_maps(struct vr_state *st, __u32 *ids, __u32 max)
{
	struct bpf_prog_info info;
	char path[PATH_MAX];
	__u32 len = sizeof(info), n;
	int fd;

	if (vr_pin_path(st, VR_PROG_PIN, path, sizeof(path)))
		return 0;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return 0;
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = max;
	info.map_ids = (__u64)(unsigned long)ids;
	n = bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.nr_map_ids;
	close(fd);
	return (int)(n < max ? n : max);
}

static bool layout_ok(const struct vr_map_desc *d, const struct bpf_map_info *info)
{
	return info->type == d->type && info->key_size == d->key_size &&
	       info->value_size == d->value_size &&
	       info->max_entries == d->max_entries;
}

/* Map D among the program's maps: its fd (and *id), or -ENOENT. */
static int prog_map_named(const __u32 *ids, int n, const struct vr_map_desc *d,
			  __u32 *id)
{
	struct bpf_map_info info;
	__u32 len;
	int i, fd;

	for (i = 0; i < n; i++) {
		fd = bpf_map_get_fd_by_id(ids[i]);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) &&
		    !strcmp(info.name, d->name) && layout_ok(d, &info)) {
			*id = info.id;
			return fd;
		}
		close(fd);
	}
	return -ENOENT;
}

unsigned int vr_pins_present(const struct vr_state *st)
{
	char path[PATH_MAX];
	unsigned int i, mask = 0;

	for (i = 0; i < VRM_COUNT; i++)
		if (!vr_pin_path(st, vr_maps[i].name, path, sizeof(path)) &&
		    !access(path, F_OK))
			mask |= 1U << i;
	return mask;
}

unsigned int vr_pins_all(void)
{
	return (1U << VRM_COUNT) - 1;
}

void vr_unpin(const struct vr_state *st, const char *name)
{
	char path[PATH_MAX];

	if (!vr_pin_path(st, name, path, sizeof(path)) && unlink(path) &&
	    errno != ENOENT)
		pr_warn("cannot remove %s: %s", path, strerror(errno));
}

/* The pin at PATH is gone: pin the program's map of that name again. */
static int repin_from_prog(const char *path, const __u32 *prog_ids, int n_prog,
			   const struct vr_map_desc *d)
{
	__u32 id;
	int fd = prog_map_named(prog_ids, n_prog, d, &id);

	if (fd < 0) {
		errno = ENOENT;
		return -1;
	}
	if (bpf_obj_pin(fd, path))
		pr_warn("%s is missing (removed by hand?); using the loaded program's "
			"map (id %u), could not pin it again: %s", path, id,
			strerror(errno));
	else
		pr_warn("%s was missing (removed by hand?): pinned again from the "
			"loaded program's map (id %u)", path, id);
	return fd;
}

static int open_error(struct vr_state *st, const char *path, int err)
{
	if (err == -ENOENT && !vr_pins_present(st))
		vr_say_not_loaded(st);
	else if (err == -ENOENT)
		pr_err("%s is missing (removed by hand?) and no loaded program holds "
		       "that map: its contents are lost; detach vrouter (ip link set "
		       "dev IFACE xdp off), delete its VR namespaces and remove %s by hand",
		       path, st->pin_dir);
	else if (err == -EROFS)
		pr_err("%s is on a read-only file system: vrctl cannot change "
		       "vrouter's state (remount it read-write)", st->pin_dir);
	else
		pr_err("cannot open pinned map %s: %s", path, strerror(-err));
	return err;
}

/* FD (pinned at PATH) against its row D and the program's maps; closes
 * FD and prints the error if it is not vrouter's.
 */
static int check_map(int fd, const char *path, const struct vr_map_desc *d,
		     const __u32 *prog_ids, int n_prog, const char *pin_dir)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info), id;
	int j, pfd, err;

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		err = -errno;
		close(fd);
		pr_err("cannot inspect %s: %s", path, strerror(-err));
		return err;
	}
	if (!layout_ok(d, &info)) {
		close(fd);
		pr_err("%s has another layout than this vrctl expects (pinned by "
		       "another version? unload with that one, or detach and remove "
		       "%s by hand)", path, pin_dir);
		return -EPROTO;
	}
	/* The map the program uses under that name, if it uses one. */
	for (j = 0; j < n_prog; j++)
		if (prog_ids[j] == info.id)
			return 0;
	pfd = n_prog > 0 ? prog_map_named(prog_ids, n_prog, d, &id) : -ENOENT;
	if (pfd < 0)
		return 0;
	close(pfd);
	close(fd);
	pr_err("%s (map id %u) is not the map the loaded program uses (id %u): "
	       "replaced by hand? Not using it; remove that pin and vrctl pins "
	       "the program's map again", path, info.id, id);
	return -EPROTO;
}

/* Open pinned map I: its fd or -errno (printed). */
static int open_map(struct vr_state *st, unsigned int i, const __u32 *prog_ids,
		    int n_prog)
{
	LIBBPF_OPTS(bpf_obj_get_opts, ro, .file_flags = BPF_F_RDONLY);
	const struct vr_map_desc *d = &vr_maps[i];
	char path[PATH_MAX];
	int fd, err;

	err = vr_pin_path(st, d->name, path, sizeof(path));
	if (err)
		return err;
	fd = bpf_obj_get(path);
	if (fd < 0 && errno == EROFS && st->read_only_ok)
		fd = bpf_obj_get_opts(path, &ro);	/* list, show, stats */
	if (fd < 0 && errno == ENOENT && n_prog > 0)
		fd = repin_from_prog(path, prog_ids, n_prog, d);
	if (fd < 0)
		return open_error(st, path, -errno);
	err = check_map(fd, path, d, prog_ids, n_prog, st->pin_dir);
	return err ? err : fd;
}

/*
 * Open every pinned map and check that it is vrouter's: the layout of
 * its row in vr_maps.h, and, for a map the pinned program uses, that very
 * map (a map pinned in its place by hand is refused, never written).  A
 * map pin removed by hand is pinned again from the program that still
 * holds the map (a warning says so); a missing map no program holds (the
 * VR records, vr_routers) is lost and reported.  With read_only_ok, a
 * read-only bpffs is opened read-only.
 */
int vr_maps_open(struct vr_state *st)
{
	__u32 prog_ids[MAX_PROG_MAPS];
	unsigned int i, abi;
	int fd, n_prog;

	if (st->fd[VRM_ROUTERS] >= 0)
		return 0;
	if (access(st->pin_dir, F_OK)) {
		vr_say_not_loaded(st);
		return -ENOENT;
	}
	if (!is_bpffs(st->pin_dir)) {
		pr_err("%s: not on a bpf filesystem", st->pin_dir);
		return -ENOTSUP;
	}
	fd = open_pin_dir(st->pin_dir);
	if (fd < 0 && fd != -EPERM)
		pr_err("cannot open %s: %s", st->pin_dir, strerror(-fd));
	if (fd < 0)
		return fd;
	n_prog = check_trusted(fd, st->pin_dir);
	close(fd);
	if (!n_prog)
		n_prog = vr_netns_check(st, false);
	if (n_prog)
		return n_prog;
	/* An older layout: read through a converted copy, or refused. */
	if (!vr_abi_pinned(st, &abi) && abi != VR_ABI_VERSION)
		return vr_mig_open_older(st, abi);
	n_prog = pinned_prog_maps(st, prog_ids, MAX_PROG_MAPS);
	for (i = 0; i < VRM_COUNT; i++) {
		fd = open_map(st, i, prog_ids, n_prog);
		if (fd < 0) {
			vr_maps_close(st);
			return fd;
		}
		st->fd[i] = fd;
	}
	return 0;
}

void vr_maps_close(struct vr_state *st)
{
	unsigned int i;

	for (i = 0; i < VRM_COUNT; i++) {
		if (st->fd[i] >= 0)
			close(st->fd[i]);
		st->fd[i] = -1;
	}
	st->old_abi = 0;
}

void vr_state_init(struct vr_state *st, const char *pin_dir)
{
	unsigned int i;

	memset(st, 0, sizeof(*st));
	st->pin_dir = pin_dir;
	st->lock_fd = -1;
	for (i = 0; i < VRM_COUNT; i++)
		st->fd[i] = -1;
}

int vr_state_from_obj(struct vr_state *st, struct bpf_object *obj)
{
	struct bpf_map *m;
	unsigned int i;

	for (i = 0; i < VRM_COUNT; i++) {
		m = bpf_object__find_map_by_name(obj, vr_maps[i].name);
		if (!m)
			return -ENOENT;
		st->fd[i] = bpf_map__fd(m);
	}
	return 0;
}

void vr_state_close(struct vr_state *st)
{
	vr_maps_close(st);
	vr_state_unlock(st);
}

int vr_router_get(struct vr_state *st, uint32_t id, struct vr_router *rec)
{
	if (id == 0 || id >= VR_MAX_ROUTERS)
		return -ENOENT;
	if (bpf_map_lookup_elem(st->fd[VRM_ROUTERS], &id, rec))
		return -errno;
	if (rec->state == VR_STATE_FREE)
		return -ENOENT;
	rec->name[VR_NAME_MAX - 1] = '\0';
	return 0;
}

int vr_router_next(struct vr_state *st, uint32_t *id, struct vr_router *rec)
{
	uint32_t i;
	int err;

	for (i = *id + 1; i < VR_MAX_ROUTERS; i++) {
		err = vr_router_get(st, i, rec);
		if (err == -ENOENT)
			continue;
		if (err)
			return err;
		*id = i;
		return 0;
	}
	return -ENOENT;
}

int vr_router_find(struct vr_state *st, const char *name, uint32_t *id,
		   struct vr_router *rec)
{
	struct vr_router r;
	uint32_t i = 0;
	int err;

	while (!(err = vr_router_next(st, &i, &r))) {
		if (!strcmp(r.name, name)) {
			if (id)
				*id = i;
			if (rec)
				*rec = r;
			return 0;
		}
	}
	return err;
}

int vr_router_alloc(struct vr_state *st, uint32_t *id)
{
	struct vr_router r;
	uint32_t i;
	int err;

	for (i = 1; i < VR_MAX_ROUTERS; i++) {
		err = vr_router_get(st, i, &r);
		if (err == -ENOENT) {
			*id = i;
			return 0;
		}
		if (err) {
			pr_err("cannot read %s: %s", VR_MAP_ROUTERS, strerror(-err));
			return err;
		}
	}
	pr_err("Too many virtual routers: %s is full (%d)", VR_MAP_ROUTERS,
	       VR_MAX_ROUTERS - 1);
	return -ENOSPC;
}

int vr_router_write(struct vr_state *st, uint32_t id, const struct vr_router *rec)
{
	if (id == 0 || id >= VR_MAX_ROUTERS)
		return -EINVAL;
	if (bpf_map_update_elem(st->fd[VRM_ROUTERS], &id, rec, BPF_ANY))
		return -errno;
	return 0;
}

int vr_table_in_use(struct vr_state *st, uint32_t table_id)
{
	struct vr_router r;
	uint32_t i = 0;
	int err;

	while (!(err = vr_router_next(st, &i, &r)))
		if (r.table_id == table_id)
			return 1;
	return err == -ENOENT ? 0 : err;
}

int vr_table_alloc(struct vr_state *st, const uint8_t *busy, uint32_t *table_id)
{
	static bool used[VR_TABLE_MAX - VR_TABLE_MIN + 1];
	struct vr_router r;
	uint32_t i = 0, t;
	int err;

	for (t = 0; t < sizeof(used); t++)
		used[t] = busy && busy[t];
	while (!(err = vr_router_next(st, &i, &r)))
		if (r.table_id >= VR_TABLE_MIN && r.table_id <= VR_TABLE_MAX)
			used[r.table_id - VR_TABLE_MIN] = true;
	if (err != -ENOENT) {
		pr_err("cannot read %s: %s", VR_MAP_ROUTERS, strerror(-err));
		return err;
	}
	for (t = VR_TABLE_MIN; t <= VR_TABLE_MAX; t++) {
		if (!used[t - VR_TABLE_MIN]) {
			*table_id = t;
			return 0;
		}
	}
	pr_err("No free routing table id in %u-%u", VR_TABLE_MIN, VR_TABLE_MAX);
	return -ENOSPC;
}

int vr_iface_loaded(struct vr_state *st, uint32_t ifindex)
{
	struct bpf_devmap_val val;

	if (!bpf_map_lookup_elem(st->fd[VRM_TX], &ifindex, &val))
		return 1;
	return errno == ENOENT ? 0 : -errno;
}

int vr_iface_next(struct vr_state *st, uint32_t *ifindex)
{
	uint32_t next;

	if (bpf_map_get_next_key(st->fd[VRM_TX], *ifindex ? ifindex : NULL, &next))
		return -errno;
	*ifindex = next;
	return 0;
}

const char *vr_pass_reason_name(unsigned int r)
{
	return r < VR_PASS_MAX && vr_pass_names[r] ? vr_pass_names[r] : "?";
}

/* What a command that changes a loaded vrouter needs: the lock on an
 * existing pin directory, then its maps.  Each step prints its error.
 */
int vr_state_open(struct vr_state *st)
{
	int err = vr_state_lock(st, false);

	return err ? err : vr_maps_open(st);
}
