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

#include "vrctl.h"
#include "vr_pass_names.h"

#define BPFFS_DEFAULT "/sys/fs/bpf"

int vr_pin_path(const struct vr_ctx *ctx, const char *name, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s", ctx->pin_dir, name);

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
static int ensure_bpffs(struct vr_ctx *ctx)
{
	char parent[PATH_MAX];

	existing_parent(ctx->pin_dir, parent, sizeof(parent));
	if (is_bpffs(parent))
		return 0;
	if (!strcmp(parent, BPFFS_DEFAULT)) {
		if (mount("bpf", BPFFS_DEFAULT, "bpf", 0, "mode=0700")) {
			pr_err("Couldn't mount bpffs at %s: %s", BPFFS_DEFAULT,
			       strerror(errno));
			return -errno;
		}
		pr_info("mounted bpffs at %s", BPFFS_DEFAULT);
		return 0;
	}
	pr_err("%s: not on a bpf filesystem (%s is not bpffs; mount one with "
	       "'mount -t bpf bpf DIR')", ctx->pin_dir, parent);
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

static int lock_dir(struct vr_ctx *ctx, bool create, bool quiet)
{
	struct stat a, b;
	int fd, err, tries;

	if (ctx->lock_fd >= 0)
		return 0;
	if (strlen(ctx->pin_dir) >= PATH_MAX - VR_NAME_MAX - 16) {
		pr_err("%s: pin directory name too long", ctx->pin_dir);
		return -ENAMETOOLONG;
	}
	if (create) {
		err = ensure_bpffs(ctx);
		if (err)
			return err;
	}
	for (tries = 0; tries < 100; tries++) {
		if (create) {
			err = mkdir_p(ctx->pin_dir, &ctx->pin_dir_created);
			if (err) {
				pr_err("Couldn't create %s: %s", ctx->pin_dir,
				       strerror(-err));
				return err;
			}
		}
		fd = open(ctx->pin_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0) {
			err = -errno;
			if (err == -ENOENT && !create) {
				if (!quiet)
					pr_err("vrouter is not loaded (no %s)",
					       ctx->pin_dir);
				return err;
			}
			if (err == -ENOENT)
				continue;
			pr_err("Couldn't open %s: %s", ctx->pin_dir, strerror(-err));
			return err;
		}
		if (!create && !is_bpffs(ctx->pin_dir)) {
			close(fd);
			pr_err("%s: not on a bpf filesystem", ctx->pin_dir);
			return -ENOTSUP;
		}
		if (flock(fd, LOCK_EX)) {
			err = -errno;
			close(fd);
			pr_err("Couldn't lock %s: %s", ctx->pin_dir, strerror(-err));
			return err;
		}
		/* Still the same directory (not removed by an unload we waited for)? */
		if (!fstat(fd, &a) && !stat(ctx->pin_dir, &b) &&
		    a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
			ctx->lock_fd = fd;
			return 0;
		}
		close(fd);
		if (!create) {
			if (!quiet)
				pr_err("vrouter is not loaded (no %s)", ctx->pin_dir);
			return -ENOENT;
		}
	}
	pr_err("Couldn't lock %s: it keeps being removed", ctx->pin_dir);
	return -EAGAIN;
}

int vr_state_lock(struct vr_ctx *ctx, bool create)
{
	return lock_dir(ctx, create, false);
}

/* For main.c: lock if the directory exists, silently nothing if not. */
int vr_state_lock_if_exists(struct vr_ctx *ctx)
{
	int err = lock_dir(ctx, false, true);

	return err == -ENOENT ? 0 : err;
}

void vr_state_unlock(struct vr_ctx *ctx)
{
	if (ctx->lock_fd >= 0) {
		close(ctx->lock_fd);	/* releases the flock */
		ctx->lock_fd = -1;
	}
}

/* Expected shape of each pinned map: a map pinned by an older vrctl with
 * another layout must not be read with this one's structs.
 */
struct map_desc {
	const char *name;
	size_t off;		/* of the fd in struct vr_ctx */
	__u32 type, key_size, value_size, max_entries;
};

#define FD_OFF(f) __builtin_offsetof(struct vr_ctx, f)

static const struct map_desc maps[] = {
	{ VR_MAP_MACS, FD_OFF(macs_fd), BPF_MAP_TYPE_HASH,
	  sizeof(struct vr_mac_key), sizeof(struct vr_mac_val), VR_MAX_MACS },
	{ VR_MAP_PORTS, FD_OFF(ports_fd), BPF_MAP_TYPE_HASH,
	  sizeof(struct vr_port_key), sizeof(struct vr_port_val), VR_MAX_PORTS },
	{ VR_MAP_NEIGH, FD_OFF(neigh_fd), BPF_MAP_TYPE_HASH,
	  sizeof(struct vr_neigh_key), sizeof(struct vr_neigh_val), VR_MAX_NEIGH },
	{ VR_MAP_TX, FD_OFF(tx_fd), BPF_MAP_TYPE_DEVMAP_HASH,
	  sizeof(__u32), 8 /* struct bpf_devmap_val */, VR_MAX_IFACES },
	{ VR_MAP_STATS, FD_OFF(stats_fd), BPF_MAP_TYPE_PERCPU_ARRAY,
	  sizeof(__u32), sizeof(struct vr_stats), VR_MAX_ROUTERS },
	{ VR_MAP_NICSTATS, FD_OFF(nic_stats_fd), BPF_MAP_TYPE_PERCPU_HASH,
	  sizeof(__u32), sizeof(struct vr_nic_stats), VR_MAX_IFACES },
	{ VR_MAP_ROUTERS, FD_OFF(routers_fd), BPF_MAP_TYPE_ARRAY,
	  sizeof(__u32), sizeof(struct vr_router), VR_MAX_ROUTERS },
	{ VR_MAP_LIMITS, FD_OFF(limits_fd), BPF_MAP_TYPE_ARRAY,
	  sizeof(__u32), sizeof(struct vr_limit), VR_MAX_ROUTERS },
	{ VR_MAP_BUCKETS, FD_OFF(buckets_fd), BPF_MAP_TYPE_ARRAY,
	  sizeof(__u32), sizeof(struct vr_bucket), VR_MAX_ROUTERS },
	{ VR_MAP_CREDITS, FD_OFF(credits_fd), BPF_MAP_TYPE_PERCPU_ARRAY,
	  sizeof(__u32), sizeof(struct vr_credit), VR_MAX_ROUTERS },
};

static int *map_fd(struct vr_ctx *ctx, const struct map_desc *d)
{
	return (int *)((char *)ctx + d->off);
}

const char *const vr_map_names[] = {
	VR_MAP_MACS, VR_MAP_PORTS, VR_MAP_NEIGH, VR_MAP_TX, VR_MAP_STATS,
	VR_MAP_NICSTATS, VR_MAP_ROUTERS, VR_MAP_LIMITS, VR_MAP_BUCKETS,
	VR_MAP_CREDITS, NULL,
};

/* The maps the pinned program PIN_DIR/vr_forward uses (ids), or 0 if no
 * program is pinned there.
 */
#define PROG_PIN	"vr_forward"
#define MAX_PROG_MAPS	32

static int pinned_prog_maps(struct vr_ctx *ctx, __u32 *ids, __u32 max)
{
	struct bpf_prog_info info;
	char path[PATH_MAX];
	__u32 len = sizeof(info), n;
	int fd;

	if (vr_pin_path(ctx, PROG_PIN, path, sizeof(path)))
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

static bool layout_ok(const struct map_desc *d, const struct bpf_map_info *info)
{
	return info->type == d->type && info->key_size == d->key_size &&
	       info->value_size == d->value_size &&
	       info->max_entries == d->max_entries;
}

/* Map NAME among the program's maps: its fd (and *id), or -ENOENT. */
static int prog_map_named(const __u32 *ids, int n, const struct map_desc *d,
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

static bool any_pin(struct vr_ctx *ctx)
{
	char path[PATH_MAX];
	unsigned int i;

	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++)
		if (!vr_pin_path(ctx, maps[i].name, path, sizeof(path)) &&
		    !access(path, F_OK))
			return true;
	return false;
}

/*
 * Open every pinned map and check that it is vrouter's: the layout this
 * vrctl expects, and, for a map the pinned program uses, that very map
 * (a map pinned in its place by hand is refused, never written).  A map
 * pin removed by hand is pinned again from the program that still holds
 * the map (a warning says so); a missing map no program holds (the VR
 * records, vr_routers) is lost and reported.  On a read-only bpffs the
 * read-only commands open the maps read-only.
 */
int vr_maps_open(struct vr_ctx *ctx)
{
	struct bpf_map_info info;
	LIBBPF_OPTS(bpf_obj_get_opts, ro, .file_flags = BPF_F_RDONLY);
	__u32 prog_ids[MAX_PROG_MAPS], id;
	char path[PATH_MAX];
	unsigned int i;
	int fd, err, j, n_prog;
	bool used_by_prog;
	__u32 len;

	if (ctx->routers_fd >= 0)
		return 0;
	if (access(ctx->pin_dir, F_OK)) {
		pr_err("vrouter is not loaded (no %s)", ctx->pin_dir);
		return -ENOENT;
	}
	if (!is_bpffs(ctx->pin_dir)) {
		pr_err("%s: not on a bpf filesystem", ctx->pin_dir);
		return -ENOTSUP;
	}
	n_prog = pinned_prog_maps(ctx, prog_ids, MAX_PROG_MAPS);
	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		const struct map_desc *d = &maps[i];

		err = vr_pin_path(ctx, d->name, path, sizeof(path));
		if (err)
			goto fail;
		fd = bpf_obj_get(path);
		if (fd < 0 && errno == EROFS && ctx->cmd &&
		    ctx->cmd->lock == VR_LOCK_NONE)
			fd = bpf_obj_get_opts(path, &ro);	/* list, show, stats */
		if (fd < 0 && errno == ENOENT && n_prog > 0) {
			fd = prog_map_named(prog_ids, n_prog, d, &id);
			if (fd >= 0) {
				if (bpf_obj_pin(fd, path))
					pr_warn("%s is missing (removed by hand?); "
						"using the loaded program's map (id %u), "
						"could not pin it again: %s", path, id,
						strerror(errno));
				else
					pr_warn("%s was missing (removed by hand?): "
						"pinned again from the loaded program's "
						"map (id %u)", path, id);
			} else {
				errno = ENOENT;
			}
		}
		if (fd < 0) {
			err = -errno;
			if (err == -ENOENT && !any_pin(ctx))
				pr_err("vrouter is not loaded (no %s)", path);
			else if (err == -ENOENT)
				pr_err("%s is missing (removed by hand?) and no loaded "
				       "program holds that map: its contents are lost; "
				       "detach vrouter (ip link set dev IFACE xdp off), "
				       "delete its VR namespaces and remove %s by hand",
				       path, ctx->pin_dir);
			else if (err == -EROFS)
				pr_err("%s is on a read-only file system: vrctl cannot "
				       "change vrouter's state (remount it read-write)",
				       ctx->pin_dir);
			else
				pr_err("Couldn't open pinned map %s: %s", path,
				       strerror(-err));
			goto fail;
		}
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		err = bpf_obj_get_info_by_fd(fd, &info, &len);
		if (err) {
			err = -errno;
			close(fd);
			pr_err("Couldn't inspect %s: %s", path, strerror(-err));
			goto fail;
		}
		if (!layout_ok(d, &info)) {
			close(fd);
			pr_err("%s has another layout than this vrctl expects "
			       "(pinned by another version? unload with that one, "
			       "or detach and remove %s by hand)", path, ctx->pin_dir);
			err = -EPROTO;
			goto fail;
		}
		/* The map the program uses under that name, if it uses one. */
		used_by_prog = false;
		for (j = 0; j < n_prog && !used_by_prog; j++)
			used_by_prog = prog_ids[j] == info.id;
		if (n_prog > 0 && !used_by_prog) {
			int pfd = prog_map_named(prog_ids, n_prog, d, &id);

			if (pfd >= 0) {
				close(pfd);
				close(fd);
				pr_err("%s (map id %u) is not the map the loaded program "
				       "uses (id %u): replaced by hand? Not using it; "
				       "remove that pin and vrctl pins the program's "
				       "map again", path, info.id, id);
				err = -EPROTO;
				goto fail;
			}
		}
		*map_fd(ctx, d) = fd;
	}
	return 0;
fail:
	vr_maps_close(ctx);
	return err;
}

void vr_maps_close(struct vr_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		int *fd = map_fd(ctx, &maps[i]);

		if (*fd >= 0)
			close(*fd);
		*fd = -1;
	}
}

int vr_router_get(struct vr_ctx *ctx, uint32_t id, struct vr_router *rec)
{
	if (id == 0 || id >= VR_MAX_ROUTERS)
		return -ENOENT;
	if (bpf_map_lookup_elem(ctx->routers_fd, &id, rec))
		return -errno;
	if (rec->state == VR_STATE_FREE)
		return -ENOENT;
	rec->name[VR_NAME_MAX - 1] = '\0';
	return 0;
}

int vr_router_next(struct vr_ctx *ctx, uint32_t *id, struct vr_router *rec)
{
	uint32_t i;
	int err;

	for (i = *id + 1; i < VR_MAX_ROUTERS; i++) {
		err = vr_router_get(ctx, i, rec);
		if (err == -ENOENT)
			continue;
		if (err)
			return err;
		*id = i;
		return 0;
	}
	return -ENOENT;
}

int vr_router_find(struct vr_ctx *ctx, const char *name, uint32_t *id,
		   struct vr_router *rec)
{
	struct vr_router r;
	uint32_t i = 0;
	int err;

	while (!(err = vr_router_next(ctx, &i, &r))) {
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

int vr_router_find_named(struct vr_ctx *ctx, const char *name, uint32_t *id,
			 struct vr_router *rec)
{
	int err;

	if (parse_vr_name(name))
		return vr_usage(ctx, "'%s' is not a valid router name", name);
	err = vr_router_find(ctx, name, id, rec);
	if (err == -ENOENT)
		pr_err("%s: no such virtual router", name);
	else if (err)
		pr_err("Couldn't read %s: %s", VR_MAP_ROUTERS, strerror(-err));
	return err;
}

int vr_router_alloc(struct vr_ctx *ctx, uint32_t *id)
{
	struct vr_router r;
	uint32_t i;
	int err;

	for (i = 1; i < VR_MAX_ROUTERS; i++) {
		err = vr_router_get(ctx, i, &r);
		if (err == -ENOENT) {
			*id = i;
			return 0;
		}
		if (err) {
			pr_err("Couldn't read %s: %s", VR_MAP_ROUTERS, strerror(-err));
			return err;
		}
	}
	pr_err("Too many virtual routers: %s is full (%d)", VR_MAP_ROUTERS,
	       VR_MAX_ROUTERS - 1);
	return -ENOSPC;
}

int vr_router_write(struct vr_ctx *ctx, uint32_t id, const struct vr_router *rec)
{
	if (id == 0 || id >= VR_MAX_ROUTERS)
		return -EINVAL;
	if (bpf_map_update_elem(ctx->routers_fd, &id, rec, BPF_ANY))
		return -errno;
	return 0;
}

int vr_table_in_use(struct vr_ctx *ctx, uint32_t table_id)
{
	struct vr_router r;
	uint32_t i = 0;
	int err;

	while (!(err = vr_router_next(ctx, &i, &r)))
		if (r.table_id == table_id)
			return 1;
	return err == -ENOENT ? 0 : err;
}

int vr_table_alloc(struct vr_ctx *ctx, uint32_t *table_id)
{
	static bool used[VR_TABLE_MAX - VR_TABLE_MIN + 1];
	struct vr_router r;
	uint32_t i = 0, t;
	int err;

	memset(used, 0, sizeof(used));
	while (!(err = vr_router_next(ctx, &i, &r)))
		if (r.table_id >= VR_TABLE_MIN && r.table_id <= VR_TABLE_MAX)
			used[r.table_id - VR_TABLE_MIN] = true;
	if (err != -ENOENT) {
		pr_err("Couldn't read %s: %s", VR_MAP_ROUTERS, strerror(-err));
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

int vr_iface_loaded(struct vr_ctx *ctx, uint32_t ifindex)
{
	struct { __u32 ifindex, prog; } val;

	if (!bpf_map_lookup_elem(ctx->tx_fd, &ifindex, &val))
		return 1;
	return errno == ENOENT ? 0 : -errno;
}

int vr_iface_next(struct vr_ctx *ctx, uint32_t *ifindex)
{
	uint32_t next;

	if (bpf_map_get_next_key(ctx->tx_fd, *ifindex ? ifindex : NULL, &next))
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
int vr_state_open(struct vr_ctx *ctx)
{
	int err = vr_state_lock(ctx, false);

	return err ? err : vr_maps_open(ctx);
}
