// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Load and unload the data path (datapath.h).
 *
 * One program instance, pinned at PIN_DIR/vr_forward, runs on every
 * loaded NIC.  `load` of a new NIC reuses it and never touches the NICs
 * already loaded; `load --replace` loads a fresh instance from the
 * embedded object (same pinned maps) and swaps it in atomically
 * (XDP_FLAGS_REPLACE) on the NICs named, so no frame is dropped.
 *
 * Every step of load and unload is recorded, and a failure undoes
 * exactly the steps done, in reverse: the state is as before the command.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "core/datapath.h"
#include "core/hostcfg.h"
#include "core/maps.h"
#include "core/migrate.h"
#include "core/router.h"
#include "lib/log.h"
#include "lib/parse.h"
#include "nl/netlink.h"
#include "vrouter.skel.h"

#define NETDEV_XDP_ACT_NDO_XMIT	(1ULL << 2)	/* <linux/netdev.h>, absent here */

/* ---- XDP attachment helpers ---------------------------------------- */

static __u32 mode_flags(enum xdp_attach_mode m)
{
	return m == XDP_MODE_SKB ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE;
}

static const char *mode_name(enum xdp_attach_mode m)
{
	return m == XDP_MODE_SKB ? "skb" : m == XDP_MODE_NATIVE ? "native" :
	       m == XDP_MODE_HW ? "hw" : "none";
}

const char *vr_xdp_mode_name(int mode)
{
	return mode_name((enum xdp_attach_mode)mode);
}

int vr_iface_xdp(uint32_t ifindex, uint32_t *prog_id, int *mode)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	*prog_id = 0;
	*mode = XDP_MODE_UNSPEC;
	if (bpf_xdp_query((int)ifindex, 0, &q))
		return -errno;
	if (q.drv_prog_id) {
		*prog_id = q.drv_prog_id;
		*mode = XDP_MODE_NATIVE;
	} else if (q.skb_prog_id) {
		*prog_id = q.skb_prog_id;
		*mode = XDP_MODE_SKB;
	} else if (q.hw_prog_id) {
		*prog_id = q.hw_prog_id;
		*mode = XDP_MODE_HW;
	}
	return 0;
}

static __u32 fd_id(int fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	/* bpf_map_info and bpf_prog_info both start with type, id */
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return 0;
	return info.id;
}

/* Is program PROG_ID vrouter's, i.e. one using this pin directory's devmap? */
static bool prog_is_ours(__u32 prog_id, __u32 tx_map_id)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), ids[16], i;
	int fd;
	bool ours = false;

	if (!prog_id || !tx_map_id)
		return false;
	fd = bpf_prog_get_fd_by_id(prog_id);
	if (fd < 0)
		return false;
	info.nr_map_ids = sizeof(ids) / sizeof(ids[0]);
	info.map_ids = (__u64)(unsigned long)ids;
	if (!bpf_obj_get_info_by_fd(fd, &info, &len)) {
		for (i = 0; i < info.nr_map_ids && i < 16; i++)
			if (ids[i] == tx_map_id)
				ours = true;
	}
	close(fd);
	return ours;
}

bool vr_prog_ours(struct vr_state *st, uint32_t prog_id)
{
	return prog_is_ours(prog_id, fd_id(st->fd[VRM_TX]));
}

static const char *prog_name_of(__u32 prog_id, char *buf, size_t len)
{
	struct bpf_prog_info info = {};
	__u32 ilen = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(prog_id);

	snprintf(buf, len, "?");
	if (fd >= 0) {
		if (!bpf_obj_get_info_by_fd(fd, &info, &ilen))
			snprintf(buf, len, "%s", info.name);
		close(fd);
	}
	return buf;
}

/* Attach PROG_FD to a NIC without an XDP program, through libxdp. */
static int attach_new(const char *ifname, uint32_t ifindex, int prog_fd,
		      enum xdp_attach_mode mode)
{
	struct xdp_program *xp;
	int err;

	xp = xdp_program__from_fd(prog_fd);
	err = (int)libxdp_get_error(xp);
	if (err) {
		pr_err("%s: cannot prepare the XDP program: %s", ifname,
		       strerror(-err));
		return err;
	}
	err = xdp_program__attach(xp, (int)ifindex, mode, 0);
	xdp_program__close(xp);
	if (err) {
		pr_err("%s: cannot attach the XDP program in %s mode: %s%s",
		       ifname, mode_name(mode), strerror(-err),
		       mode != XDP_MODE_NATIVE ? "" :
		       err == -EOPNOTSUPP ? " (try --mode skb)" :
		       err == -ERANGE ? " (MTU too large for native XDP; try --mode skb)" : "");
		return err;
	}
	return 0;
}

/* Swap OLD_FD for NEW_FD on IFINDEX atomically (fails if OLD_FD is not
 * the one attached).
 */
static int attach_replace(uint32_t ifindex, int new_fd, int old_fd,
			  enum xdp_attach_mode mode)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, o, .old_prog_fd = old_fd);

	if (bpf_xdp_attach((int)ifindex, new_fd, XDP_FLAGS_REPLACE | mode_flags(mode), &o))
		return -errno;
	return 0;
}

/* Detach PROG_FD from IFINDEX, only if it is still the one attached. */
static int detach_prog(uint32_t ifindex, int prog_fd, enum xdp_attach_mode mode)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, o, .old_prog_fd = prog_fd);

	if (bpf_xdp_detach((int)ifindex, XDP_FLAGS_REPLACE | mode_flags(mode), &o))
		return -errno;
	return 0;
}

/* A veth (and some drivers) drop redirected frames silently unless they
 * can transmit XDP frames; the kernel says so in xdp-features.
 */
static void warn_no_xmit(const char *ifname, uint32_t ifindex)
{
	uint64_t f;
	int err = nl_xdp_features((int)ifindex, &f);

	if (err) {
		pr_debug("%s: xdp-features unknown: %s", ifname, strerror(-err));
		return;
	}
	if (!(f & NETDEV_XDP_ACT_NDO_XMIT))
		pr_warn("%s cannot transmit redirected XDP frames (no ndo-xmit in "
			"its xdp-features; for a veth, its peer needs an XDP "
			"program or GRO): frames the fast path routes out of %s "
			"will be dropped", ifname, ifname);
}

/* ---- load ---------------------------------------------------------- */

struct load_if {
	const char *name;
	uint32_t ifindex;
	bool in_devmap;			/* before this command */
	__u32 old_id;			/* program attached before, 0 none */
	enum xdp_attach_mode old_mode;
	enum xdp_attach_mode mode;	/* wanted */
	/* done so far */
	bool reattach;			/* in the devmap, but no program attached */
	bool devmap_added, attached, replaced;
	bool sysctl_done;		/* its forwarding turned on (and recorded) by this load */
	int old_fd;			/* of old_id, while replaced */
};

static void unpin_new_maps(struct vr_state *st, unsigned int before)
{
	unsigned int i;

	for (i = 0; i < VRM_COUNT; i++)
		if (!(before & (1U << i)))
			vr_unpin(st, vr_maps[i].name);
}

/*
 * Hand the already pinned maps to libbpf ourselves (vr_maps_open() has
 * checked their layout): libbpf's own check for LIBBPF_PIN_BY_NAME
 * compares map_flags exactly, and the kernel adds BPF_F_RDONLY_PROG to
 * every devmap, so vr_tx_ports would never be reused.  Maps not pinned
 * yet are created and pinned by libbpf under pin_root_path.
 */
static int reuse_pinned_maps(struct vr_state *st, struct bpf_object *obj)
{
	char path[PATH_MAX];
	struct bpf_map *map;
	int fd, err;

	bpf_object__for_each_map(map, obj) {
		err = vr_pin_path(st, bpf_map__name(map), path, sizeof(path));
		if (err)
			return err;
		fd = bpf_obj_get(path);
		if (fd < 0) {
			if (errno == ENOENT)
				continue;
			err = -errno;
			pr_err("cannot open pinned map %s: %s", path, strerror(-err));
			return err;
		}
		err = bpf_map__reuse_fd(map, fd);
		close(fd);
		if (!err)
			err = bpf_map__set_pin_path(map, NULL);
		if (err) {
			pr_err("cannot reuse pinned map %s: %s", path, strerror(-err));
			return err;
		}
	}
	return 0;
}

/* Check every NIC against the current state, before changing anything. */
static int load_check(struct vr_state *st, struct load_if *ifs, int n,
		      enum xdp_attach_mode mode, bool replace, __u32 tx_id)
{
	char name[BPF_OBJ_NAME_LEN];
	int i, m, err;

	for (i = 0; i < n; i++) {
		struct load_if *f = &ifs[i];

		if (st->fd[VRM_TX] >= 0) {
			err = vr_iface_loaded(st, f->ifindex);
			if (err < 0) {
				pr_err("cannot read %s: %s", VR_MAP_TX, strerror(-err));
				return err;
			}
			f->in_devmap = err;
		}
		err = vr_iface_xdp(f->ifindex, &f->old_id, &m);
		if (err) {
			pr_err("%s: cannot query XDP state: %s", f->name, strerror(-err));
			return err;
		}
		f->old_mode = (enum xdp_attach_mode)m;
		if (f->old_id && !prog_is_ours(f->old_id, tx_id)) {
			pr_err("%s: another XDP program is attached (id %u, %s); "
			       "detach it first", f->name, f->old_id,
			       prog_name_of(f->old_id, name, sizeof(name)));
			return -EBUSY;
		}
		if (f->old_id && !replace) {
			pr_err("%s: already loaded (--replace swaps the program)",
			       f->name);
			return -EEXIST;
		}
		/* Loaded, but its program detached behind vrctl's back. */
		f->reattach = f->in_devmap && !f->old_id;
		f->mode = mode;
		if (f->old_id) {
			if (mode == XDP_MODE_UNSPEC) {
				f->mode = f->old_mode;
			} else if (mode != f->old_mode) {
				pr_err("%s: loaded in %s mode; --replace cannot change "
				       "the mode (unload it first)", f->name,
				       mode_name(f->old_mode));
				return -EINVAL;
			}
		} else if (mode == XDP_MODE_UNSPEC) {
			f->mode = XDP_MODE_NATIVE;
		}
	}
	return 0;
}

static void load_undo_if(struct vr_state *st, struct load_if *f, int prog_fd)
{
	char path[64];
	int err;

	if (f->sysctl_done) {
		snprintf(path, sizeof(path), "net/ipv4/conf/%s/forwarding", f->name);
		vr_sysctl_restore(st, path);
	}
	if (f->attached) {
		err = detach_prog(f->ifindex, prog_fd, f->mode);
		if (err)
			pr_warn("%s: cannot detach again: %s", f->name, strerror(-err));
	}
	if (f->replaced) {
		err = attach_replace(f->ifindex, f->old_fd, prog_fd, f->mode);
		if (err)
			pr_warn("%s: cannot put the previous program back: %s",
				f->name, strerror(-err));
	}
	if (f->devmap_added)
		vr_devmap_del(st, f->ifindex);
}

/* Pin PROG_FD as PIN_DIR/vr_forward, replacing the pin atomically. */
static int pin_prog(struct vr_state *st, int prog_fd)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	int err;

	if (vr_pin_path(st, VR_PROG_PIN, path, sizeof(path)) ||
	    vr_pin_path(st, VR_PROG_PIN_NEW, tmp, sizeof(tmp)))
		return -ENAMETOOLONG;
	unlink(tmp);
	if (bpf_obj_pin(prog_fd, tmp)) {
		err = -errno;
		pr_err("cannot pin the program at %s: %s", tmp, strerror(-err));
		return err;
	}
	if (rename(tmp, path)) {
		err = -errno;
		unlink(tmp);
		pr_err("cannot pin the program at %s: %s", path, strerror(-err));
		return err;
	}
	return 0;
}

/* A load in progress: what it works on and what it has done. */
struct load_op {
	struct vr_state *st;
	const struct vr_load_req *req;
	struct load_if *ifs;
	struct vrouter *skel;		/* a fresh instance, or NULL */
	int prog_fd;			/* the program attached */
	bool new_prog;			/* prog_fd is not pinned yet */
	bool locked;			/* load_prepare() took the lock: undo from here */
	unsigned int pins_before;	/* map pins before the command */
	__u32 tx_id;			/* vr_tx_ports' map id, 0 if none yet */
	bool v6_done;			/* IPv6 forwarding turned on by this load */
	bool ecmp_done;			/* the ECMP hash policy set by this load */
};

/* Lock (creating the directory), open what is there, check every NIC. */
static int load_prepare(struct load_op *op)
{
	struct vr_state *st = op->st;
	char path[PATH_MAX];
	int err;

	err = vr_state_lock(st, true);
	if (err)
		return err;
	op->locked = true;
	op->pins_before = vr_pins_present(st);
	/* Some map pins but not all, and a pinned program: pins removed by
	 * hand, which vr_maps_open() pins again from the program or reports
	 * (never replaced by new, empty maps).  Without a program, a first
	 * load that died halfway: the missing maps are made below.
	 */
	if (op->pins_before == vr_pins_all() ||
	    (op->pins_before && !vr_pin_path(st, VR_PROG_PIN, path, sizeof(path)) &&
	     !access(path, F_OK))) {
		err = vr_maps_open(st);
		if (err)
			return err;
		op->tx_id = fd_id(st->fd[VRM_TX]);
	}
	return load_check(st, op->ifs, op->req->n, op->req->mode, op->req->replace,
			  op->tx_id);
}

/* The program: the pinned instance, or a fresh one (--replace, first
 * load, or the pinned one does not use the pinned maps any more).
 */
static int load_program(struct load_op *op)
{
	LIBBPF_OPTS(bpf_object_open_opts, oopts, .pin_root_path = op->st->pin_dir);
	char path[PATH_MAX];
	int err;

	op->prog_fd = -1;
	if (!op->req->replace && !vr_pin_path(op->st, VR_PROG_PIN, path, sizeof(path))) {
		op->prog_fd = bpf_obj_get(path);
		if (op->prog_fd >= 0 && !prog_is_ours(fd_id(op->prog_fd), op->tx_id)) {
			close(op->prog_fd);
			op->prog_fd = -1;
		}
	}
	if (op->prog_fd >= 0)
		return 0;
	op->skel = vrouter__open_opts(&oopts);
	if (!op->skel) {
		err = -errno;
		pr_err("cannot open the BPF object: %s", strerror(-err));
		return err;
	}
	err = reuse_pinned_maps(op->st, op->skel->obj);
	if (err)
		return err;
	err = vrouter__load(op->skel);
	if (err) {
		pr_err("cannot load the BPF program and maps into %s: %s "
		       "(-v shows libbpf's log)", op->st->pin_dir, strerror(-err));
		return err;
	}
	op->prog_fd = bpf_program__fd(op->skel->progs.vr_forward);
	op->new_prog = true;
	return 0;
}

/* Devmap entry, program (attach or swap), forwarding on the NIC. */
static int load_apply_if(struct load_op *op, struct load_if *f)
{
	char path[64];
	int err;

	if (!f->in_devmap) {
		err = vr_devmap_add(op->st, f->ifindex);
		if (err == -E2BIG || err == -ENOSPC)
			pr_err("%s: %s is full (%d NICs)", f->name, VR_MAP_TX, VR_MAX_IFACES);
		else if (err)
			pr_err("%s: cannot add to %s: %s", f->name, VR_MAP_TX, strerror(-err));
		if (err)
			return err;
		f->devmap_added = true;
	}
	if (f->old_id) {
		f->old_fd = bpf_prog_get_fd_by_id(f->old_id);
		if (f->old_fd < 0) {
			err = -errno;
			pr_err("%s: cannot get the attached program: %s", f->name,
			       strerror(-err));
			return err;
		}
		if (fd_id(op->prog_fd) != f->old_id) {
			err = attach_replace(f->ifindex, op->prog_fd, f->old_fd, f->mode);
			if (err) {
				pr_err("%s: cannot replace the XDP program: %s", f->name,
				       strerror(-err));
				return err;
			}
			f->replaced = true;
		}
	} else {
		err = attach_new(f->name, f->ifindex, op->prog_fd, f->mode);
		if (err)
			return err;
		f->attached = true;
	}
	/* IPv4: bpf_fib_lookup checks forwarding on the ingress NIC. */
	snprintf(path, sizeof(path), "net/ipv4/conf/%s/forwarding", f->name);
	err = vr_sysctl_change(op->st, path, "1");
	if (err < 0)
		return err;
	f->sysctl_done = err == 1;
	return 0;
}

/* The maps, IPv6 forwarding, every NIC, the program's pin. */
static int load_apply(struct load_op *op)
{
	int i, err;

	err = vr_maps_open(op->st);
	if (err)
		return err;
	op->tx_id = fd_id(op->st->fd[VRM_TX]);
	err = vr_abi_stamp_new(op->st->fd);
	if (err)
		return err;
	/* IPv6 forwarding is global: bpf_fib_lookup checks it for IPv6. */
	err = vr_host_ipv6_forwarding(op->st);
	if (err < 0)
		return err;
	op->v6_done = err == 1;
	err = vr_host_ecmp_policy(op->st);
	if (err < 0)
		return err;
	op->ecmp_done = err == 1;
	/* libxdp's multiprog dispatcher would give each NIC its own copy
	 * (an freplace link), and it cannot take an already loaded program;
	 * vrouter shares one pinned program and swaps it atomically, so it
	 * always takes libxdp's single-program path.
	 */
	setenv("LIBXDP_SKIP_DISPATCHER", "1", 1);
	for (i = 0; i < op->req->n; i++) {
		err = load_apply_if(op, &op->ifs[i]);
		if (err)
			return err;
	}
	return op->new_prog ? pin_prog(op->st, op->prog_fd) : 0;
}

/* Undo whatever load_prepare/load_program/load_apply did. */
static void load_undo(struct load_op *op)
{
	struct vr_state *st = op->st;
	int i;

	for (i = op->req->n - 1; i >= 0; i--)
		load_undo_if(st, &op->ifs[i], op->prog_fd);
	if (op->v6_done) {	/* and the accept_ra it raised for it */
		vr_sysctl_restore(st, "net/ipv6/conf/all/forwarding");
		vr_sysctl_restore_all(st, "net/ipv6/conf/*/accept_ra");
	}
	if (op->ecmp_done)
		vr_sysctl_restore_all(st, "net/ipv*/fib_multipath_hash_policy");
	vr_maps_close(st);
	unpin_new_maps(st, op->pins_before);
	if (st->pin_dir_created && rmdir(st->pin_dir))
		pr_warn("cannot remove %s: %s", st->pin_dir, strerror(errno));
}

static int load_resolve(const struct vr_load_req *req, struct load_if *ifs)
{
	int i;

	for (i = 0; i < req->n; i++) {
		ifs[i].name = req->ifnames[i];
		if (parse_ifname(ifs[i].name, &ifs[i].ifindex)) {
			pr_err("%s: no such network interface", ifs[i].name);
			return -ENODEV;
		}
	}
	return 0;
}

int vr_dp_load(struct vr_state *st, const struct vr_load_req *req)
{
	struct load_op op = { .st = st, .req = req, .prog_fd = -1 };
	int i, err;

	op.ifs = calloc((size_t)req->n + 1, sizeof(*op.ifs));
	if (!op.ifs)
		return -ENOMEM;
	err = load_resolve(req, op.ifs);
	if (!err)
		err = load_prepare(&op);
	if (!err)
		err = load_program(&op);
	if (!err)
		err = load_apply(&op);
	if (err && op.locked)
		load_undo(&op);
	for (i = 0; !err && i < req->n; i++) {
		if (op.ifs[i].reattach)
			pr_warn("%s: its XDP program had been detached (not by vrctl): "
				"attached again", op.ifs[i].name);
		pr_info("%s: %s (%s mode, program id %u)", op.ifs[i].name,
			op.ifs[i].replaced ? "replaced" : op.ifs[i].old_id ? "unchanged" :
			"loaded", mode_name(op.ifs[i].mode), fd_id(op.prog_fd));
		warn_no_xmit(op.ifs[i].name, op.ifs[i].ifindex);
	}
	for (i = 0; i < req->n; i++)
		if (op.ifs[i].old_id && op.ifs[i].old_fd > 0)
			close(op.ifs[i].old_fd);
	if (!op.skel && op.prog_fd >= 0)
		close(op.prog_fd);
	vrouter__destroy(op.skel);
	free(op.ifs);
	return err;
}

/* ---- unload -------------------------------------------------------- */

struct unload_if {
	const char *name;		/* NULL: from the devmap */
	char buf[IF_NAMESIZE];
	uint32_t ifindex;
	int prog_fd;			/* detached program, to undo; -1 */
	enum xdp_attach_mode mode;
	bool detached, removed;
};

static int unload_one(struct vr_state *st, struct unload_if *u, __u32 tx_id)
{
	__u32 id;
	int m, err;

	err = vr_iface_xdp(u->ifindex, &id, &m);
	if (err == -ENODEV || !u->name) {
		/* Gone, or (unload of everything) not in this namespace. */
		pr_warn("ifindex %u in %s is not a NIC of this network namespace "
			"(loaded from another one?): nothing detached there",
			u->ifindex, VR_MAP_TX);
		vr_devmap_del(st, u->ifindex);
		u->removed = true;
		return 0;
	}
	if (err) {
		pr_err("%s: cannot query XDP state: %s", u->name, strerror(-err));
		return err;
	}
	if (id && prog_is_ours(id, tx_id)) {
		u->mode = (enum xdp_attach_mode)m;
		u->prog_fd = bpf_prog_get_fd_by_id(id);
		if (u->prog_fd < 0) {
			err = -errno;
			pr_err("%s: cannot get the attached program: %s", u->name,
			       strerror(-err));
			return err;
		}
		err = detach_prog(u->ifindex, u->prog_fd, u->mode);
		if (err) {
			pr_err("%s: cannot detach the XDP program: %s", u->name,
			       strerror(-err));
			return err;
		}
		u->detached = true;
	} else if (id) {
		pr_warn("%s: the attached XDP program (id %u) is not this vrouter's; "
			"left in place", u->name, id);
	} else {
		pr_warn("%s: no XDP program was attached", u->name);
	}
	vr_devmap_del(st, u->ifindex);
	u->removed = true;
	return 0;
}

static void unload_undo(struct vr_state *st, struct unload_if *u, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--) {
		if (u[i].removed)
			vr_devmap_add(st, u[i].ifindex);
		if (u[i].detached) {
			LIBBPF_OPTS(bpf_xdp_attach_opts, o);

			if (bpf_xdp_attach((int)u[i].ifindex, u[i].prog_fd,
					   XDP_FLAGS_UPDATE_IF_NOEXIST |
					   mode_flags(u[i].mode), &o))
				pr_warn("%s: cannot attach again: %s", u[i].name,
					strerror(errno));
		}
	}
}

/* VRs block a full unload unless --all, which deletes them first. */
static int unload_routers(struct vr_state *st, bool all)
{
	struct vr_router rec;
	char names[256] = "";
	uint32_t id = 0;
	int err, count = 0;

	while (!(err = vr_router_next(st, &id, &rec))) {
		count++;
		if (strlen(names) + strlen(rec.name) + 8 < sizeof(names))
			snprintf(names + strlen(names), sizeof(names) - strlen(names),
				 "%s%s", count > 1 ? ", " : "", rec.name);
		else if (!strstr(names, "..."))
			strcat(names, ", ...");
	}
	if (err != -ENOENT) {
		pr_err("cannot read %s: %s", VR_MAP_ROUTERS, strerror(-err));
		return err;
	}
	if (!count)
		return 0;
	if (!all) {
		pr_err("%d virtual router%s exist%s (%s): delete %s with del-router, "
		       "or use 'unload --all'", count, count > 1 ? "s" : "",
		       count > 1 ? "" : "s", names, count > 1 ? "them" : "it");
		return -EBUSY;
	}
	id = 0;
	while (!(err = vr_router_next(st, &id, &rec))) {
		err = vr_router_delete(st, id, &rec);
		if (err)
			return err;
	}
	return 0;
}

/* The pin directory without maps (a load that died before pinning
 * anything): nothing to detach, just remove it.
 */
static int unload_empty_dir(struct vr_state *st)
{
	int err = 0;

	vr_unpin(st, VR_PROG_PIN);
	vr_unpin(st, VR_PROG_PIN_NEW);
	if (rmdir(st->pin_dir)) {
		err = -errno;
		pr_err("cannot remove %s: %s", st->pin_dir, strerror(-err));
	}
	return err;
}

/* The host sysctls load changed, as they were: the unloaded NICs'
 * forwarding; after a full unload, every one.
 */
static void unload_sysctls(struct vr_state *st, const struct unload_if *u, int n,
			   bool everything)
{
	char path[64];
	int i;

	if (everything) {
		vr_sysctl_restore_all(st, NULL);
		return;
	}
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "net/ipv4/conf/%s/forwarding", u[i].name);
		vr_sysctl_restore(st, path);
	}
}

/* Every pin and the directory: after a full unload. */
static void unload_pins(struct vr_state *st)
{
	unsigned int i;

	vr_maps_close(st);
	vr_unpin(st, VR_PROG_PIN);
	vr_unpin(st, VR_PROG_PIN_NEW);
	for (i = 0; i < VRM_COUNT; i++)
		vr_unpin(st, vr_maps[i].name);
	if (rmdir(st->pin_dir))
		pr_warn("cannot remove %s: %s", st->pin_dir, strerror(errno));
	else
		pr_info("removed %s", st->pin_dir);
}

/* Each of the N named NICs must be loaded. */
static int unload_check(struct vr_state *st, const struct unload_if *u, int n)
{
	int i, err;

	for (i = 0; i < n; i++) {
		err = vr_iface_loaded(st, u[i].ifindex);
		if (err < 0) {
			pr_err("cannot read %s: %s", VR_MAP_TX, strerror(-err));
			return err;
		}
		if (!err) {
			pr_err("%s: not loaded", u[i].name);
			return -ENOENT;
		}
	}
	return 0;
}

/* Every NIC in the devmap after the N named ones; the new count. */
static int unload_collect(struct vr_state *st, struct unload_if *u, int n, int cap)
{
	uint32_t ifindex = 0;

	while (n < cap && !vr_iface_next(st, &ifindex)) {
		u[n].ifindex = ifindex;
		u[n].prog_fd = -1;
		u[n].name = if_indextoname(ifindex, u[n].buf);
		n++;
	}
	return n;
}

/* Lock and open; *EMPTY: a directory without maps, already removed. */
static int unload_prepare(struct vr_state *st, const struct unload_if *u, int n,
			  bool *empty)
{
	int err;

	*empty = false;
	if (st->lock_fd < 0 && n && access(st->pin_dir, F_OK)) {
		/* No pin directory: nothing is loaded. */
		pr_err("%s: not loaded", u[0].name);
		return -ENOENT;
	}
	err = vr_state_lock(st, false);
	if (err)
		return err;
	if (!n && !vr_pins_present(st)) {
		*empty = true;
		return unload_empty_dir(st);
	}
	err = vr_maps_open(st);
	return err ? err : unload_check(st, u, n);
}

int vr_dp_unload(struct vr_state *st, const char *const *ifnames, int n, bool delete_vrs)
{
	int i, err, cap = n + VR_MAX_IFACES;
	bool everything = n == 0, empty;
	struct unload_if *u;
	__u32 tx_id;

	u = calloc((size_t)cap, sizeof(*u));
	if (!u)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		u[i].name = ifnames[i];
		u[i].prog_fd = -1;
		if (parse_ifname(u[i].name, &u[i].ifindex)) {
			pr_err("%s: no such network interface", u[i].name);
			err = -ENODEV;
			goto out;
		}
	}
	err = unload_prepare(st, u, n, &empty);
	if (err || empty)
		goto out;
	tx_id = fd_id(st->fd[VRM_TX]);
	if (everything) {
		err = unload_routers(st, delete_vrs);
		if (err)
			goto out;
		n = unload_collect(st, u, n, cap);
	}
	for (i = 0; i < n; i++) {
		err = unload_one(st, &u[i], tx_id);
		if (err) {
			unload_undo(st, u, i);
			goto out;
		}
		if (u[i].name)
			pr_info("%s: unloaded", u[i].name);
	}
	unload_sysctls(st, u, n, everything);
	if (everything)
		unload_pins(st);
out:
	for (i = 0; i < n; i++)
		if (u[i].prog_fd >= 0)
			close(u[i].prog_fd);
	free(u);
	return err;
}

/* ---- for upgrade.c -------------------------------------------------- */

int vr_xdp_replace(uint32_t ifindex, int new_fd, int old_fd, int mode)
{
	return attach_replace(ifindex, new_fd, old_fd, (enum xdp_attach_mode)mode);
}

uint32_t vr_obj_id(int fd)
{
	return fd_id(fd);
}

bool vr_prog_uses_map(uint32_t prog_id, uint32_t map_id)
{
	return prog_is_ours(prog_id, map_id);
}

int vr_reuse_pinned_maps(struct vr_state *st, struct bpf_object *obj)
{
	return reuse_pinned_maps(st, obj);
}
