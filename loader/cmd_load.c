// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * load / unload: the XDP program on the NICs, the devmap of loaded NICs
 * (vr_tx_ports, the loaded set) and the pins.
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

#include "vrctl.h"
#include "netlink.h"
#include "vrouter.skel.h"

#define PROG_PIN	"vr_forward"
#define PROG_PIN_NEW	"vr_forward_new"	/* bpffs names have no dots */
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
		pr_err("%s: Couldn't prepare the XDP program: %s", ifname,
		       strerror(-err));
		return err;
	}
	err = xdp_program__attach(xp, (int)ifindex, mode, 0);
	xdp_program__close(xp);
	if (err) {
		pr_err("%s: Couldn't attach the XDP program in %s mode: %s%s",
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

static int devmap_add(struct vr_ctx *ctx, uint32_t ifindex)
{
	struct bpf_devmap_val { __u32 ifindex; int prog_fd; } v = { ifindex, 0 };

	if (bpf_map_update_elem(ctx->tx_fd, &ifindex, &v, BPF_NOEXIST))
		return -errno;
	return 0;
}

static void devmap_del(struct vr_ctx *ctx, uint32_t ifindex)
{
	bpf_map_delete_elem(ctx->tx_fd, &ifindex);
	bpf_map_delete_elem(ctx->nic_stats_fd, &ifindex);
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
	bool devmap_added, attached, replaced, sysctl_done;
	int old_fd;			/* of old_id, while replaced */
	char sysctl_old[16];
};

static int load_parse(struct vr_ctx *ctx, int argc, char **argv,
		      struct load_if **out, int *n_out,
		      enum xdp_attach_mode *mode, bool *replace)
{
	struct load_if *ifs;
	int i, j, n = 0, err;

	*mode = XDP_MODE_UNSPEC;
	*replace = false;
	ifs = calloc((size_t)argc, sizeof(*ifs));
	if (!ifs)
		return -ENOMEM;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--mode") || !strncmp(a, "--mode=", 7)) {
			const char *m = a[6] == '=' ? a + 7 : NULL;

			if (!m) {
				if (i + 1 >= argc) {
					err = vr_usage(ctx, "--mode needs native or skb");
					goto fail;
				}
				m = argv[++i];
			}
			if (*mode != XDP_MODE_UNSPEC) {
				err = vr_usage(ctx, "--mode given twice");
				goto fail;
			}
			if (!strcmp(m, "native"))
				*mode = XDP_MODE_NATIVE;
			else if (!strcmp(m, "skb"))
				*mode = XDP_MODE_SKB;
			else {
				err = vr_usage(ctx, "--mode: '%s' is not native or skb", m);
				goto fail;
			}
		} else if (!strcmp(a, "--replace")) {
			*replace = true;
		} else if (a[0] == '-') {
			err = vr_usage(ctx, "load: unknown option '%s'", a);
			goto fail;
		} else {
			for (j = 0; j < n; j++) {
				if (!strcmp(ifs[j].name, a)) {
					err = vr_usage(ctx, "%s: given twice", a);
					goto fail;
				}
			}
			ifs[n++].name = a;
		}
	}
	if (!n) {
		err = vr_usage(ctx, "load: no IFACE given");
		goto fail;
	}
	if (n > VR_MAX_IFACES) {
		err = vr_usage(ctx, "load: more than %d NICs", VR_MAX_IFACES);
		goto fail;
	}
	for (j = 0; j < n; j++) {
		err = parse_ifname(ifs[j].name, &ifs[j].ifindex);
		if (err) {
			pr_err("%s: no such network interface", ifs[j].name);
			goto fail;
		}
	}
	*out = ifs;
	*n_out = n;
	return 0;
fail:
	free(ifs);
	return err;
}

/* Which map pins exist, to know which ones a failed load must remove. */
static unsigned int pins_present(struct vr_ctx *ctx)
{
	char path[PATH_MAX];
	unsigned int i, mask = 0;

	for (i = 0; vr_map_names[i]; i++)
		if (!vr_pin_path(ctx, vr_map_names[i], path, sizeof(path)) &&
		    !access(path, F_OK))
			mask |= 1U << i;
	return mask;
}

static unsigned int all_pins(void)
{
	unsigned int i, mask = 0;

	for (i = 0; vr_map_names[i]; i++)
		mask |= 1U << i;
	return mask;
}

static void unpin(struct vr_ctx *ctx, const char *name)
{
	char path[PATH_MAX];

	if (!vr_pin_path(ctx, name, path, sizeof(path)) && unlink(path) &&
	    errno != ENOENT)
		pr_warn("Couldn't remove %s: %s", path, strerror(errno));
}

static void unpin_new_maps(struct vr_ctx *ctx, unsigned int before)
{
	unsigned int i;

	for (i = 0; vr_map_names[i]; i++)
		if (!(before & (1U << i)))
			unpin(ctx, vr_map_names[i]);
}

/*
 * Hand the already pinned maps to libbpf ourselves (vr_maps_open() has
 * checked their layout): libbpf's own check for LIBBPF_PIN_BY_NAME
 * compares map_flags exactly, and the kernel adds BPF_F_RDONLY_PROG to
 * every devmap, so vr_tx_ports would never be reused.  Maps not pinned
 * yet are created and pinned by libbpf under pin_root_path.
 */
static int reuse_pinned_maps(struct vr_ctx *ctx, struct bpf_object *obj)
{
	char path[PATH_MAX];
	struct bpf_map *map;
	int fd, err;

	bpf_object__for_each_map(map, obj) {
		err = vr_pin_path(ctx, bpf_map__name(map), path, sizeof(path));
		if (err)
			return err;
		fd = bpf_obj_get(path);
		if (fd < 0) {
			if (errno == ENOENT)
				continue;
			err = -errno;
			pr_err("Couldn't open pinned map %s: %s", path, strerror(-err));
			return err;
		}
		err = bpf_map__reuse_fd(map, fd);
		close(fd);
		if (!err)
			err = bpf_map__set_pin_path(map, NULL);
		if (err) {
			pr_err("Couldn't reuse pinned map %s: %s", path, strerror(-err));
			return err;
		}
	}
	return 0;
}

/* Check every NIC against the current state, before changing anything. */
static int load_check(struct vr_ctx *ctx, struct load_if *ifs, int n,
		      enum xdp_attach_mode mode, bool replace, __u32 tx_id)
{
	char name[BPF_OBJ_NAME_LEN];
	int i, m, err;

	for (i = 0; i < n; i++) {
		struct load_if *f = &ifs[i];

		if (ctx->tx_fd >= 0) {
			err = vr_iface_loaded(ctx, f->ifindex);
			if (err < 0) {
				pr_err("Couldn't read %s: %s", VR_MAP_TX, strerror(-err));
				return err;
			}
			f->in_devmap = err;
		}
		err = vr_iface_xdp(f->ifindex, &f->old_id, &m);
		if (err) {
			pr_err("%s: Couldn't query XDP state: %s", f->name, strerror(-err));
			return err;
		}
		f->old_mode = (enum xdp_attach_mode)m;
		if (f->old_id && !prog_is_ours(f->old_id, tx_id)) {
			pr_err("%s: another XDP program is attached (id %u, %s); "
			       "detach it first", f->name, f->old_id,
			       prog_name_of(f->old_id, name, sizeof(name)));
			return -EBUSY;
		}
		if ((f->in_devmap || f->old_id) && !replace) {
			pr_err("%s: already loaded (--replace swaps the program)",
			       f->name);
			return -EEXIST;
		}
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

static void load_undo_if(struct vr_ctx *ctx, struct load_if *f, int prog_fd)
{
	char path[64];
	int err;

	if (f->sysctl_done) {
		snprintf(path, sizeof(path), "net/ipv4/conf/%s/forwarding", f->name);
		sysctl_set(NULL, path, f->sysctl_old, NULL, 0);
	}
	if (f->attached) {
		err = detach_prog(f->ifindex, prog_fd, f->mode);
		if (err)
			pr_warn("%s: Couldn't detach again: %s", f->name, strerror(-err));
	}
	if (f->replaced) {
		err = attach_replace(f->ifindex, f->old_fd, prog_fd, f->mode);
		if (err)
			pr_warn("%s: Couldn't put the previous program back: %s",
				f->name, strerror(-err));
	}
	if (f->devmap_added)
		devmap_del(ctx, f->ifindex);
}

/* Pin PROG_FD as PIN_DIR/vr_forward, replacing the pin atomically. */
static int pin_prog(struct vr_ctx *ctx, int prog_fd)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	int err;

	if (vr_pin_path(ctx, PROG_PIN, path, sizeof(path)) ||
	    vr_pin_path(ctx, PROG_PIN_NEW, tmp, sizeof(tmp)))
		return -ENAMETOOLONG;
	unlink(tmp);
	if (bpf_obj_pin(prog_fd, tmp)) {
		err = -errno;
		pr_err("Couldn't pin the program at %s: %s", tmp, strerror(-err));
		return err;
	}
	if (rename(tmp, path)) {
		err = -errno;
		unlink(tmp);
		pr_err("Couldn't pin the program at %s: %s", path, strerror(-err));
		return err;
	}
	return 0;
}

int do_load(struct vr_ctx *ctx, int argc, char **argv)
{
	LIBBPF_OPTS(bpf_object_open_opts, oopts, .pin_root_path = ctx->pin_dir);
	enum xdp_attach_mode mode;
	struct vrouter *skel = NULL;
	struct load_if *ifs = NULL;
	char path[PATH_MAX], v6_old[16];
	bool replace, v6_done = false, new_prog = false;
	unsigned int pins_before;
	int n = 0, i, err, prog_fd = -1;
	__u32 tx_id = 0;

	err = load_parse(ctx, argc, argv, &ifs, &n, &mode, &replace);
	if (err)
		return err;

	/* From here on, the state may change; every exit goes through
	 * the ladder at the end.
	 */
	err = vr_state_lock(ctx, true);
	if (err)
		goto out;
	pins_before = pins_present(ctx);
	/* Some map pins but not all, and a pinned program: pins removed by
	 * hand, which vr_maps_open() pins again from the program or reports
	 * (never replaced by new, empty maps).  Without a program, a first
	 * load that died halfway: the missing maps are made below.
	 */
	if (pins_before == all_pins() ||
	    (pins_before && !vr_pin_path(ctx, PROG_PIN, path, sizeof(path)) &&
	     !access(path, F_OK))) {
		err = vr_maps_open(ctx);
		if (err)
			goto out_dir;
		tx_id = fd_id(ctx->tx_fd);
	}
	err = load_check(ctx, ifs, n, mode, replace, tx_id);
	if (err)
		goto out_dir;

	/* The program: the pinned instance, or a fresh one (--replace, first
	 * load, or the pinned one does not use the pinned maps any more).
	 */
	if (!replace && !vr_pin_path(ctx, PROG_PIN, path, sizeof(path))) {
		prog_fd = bpf_obj_get(path);
		if (prog_fd >= 0 && !prog_is_ours(fd_id(prog_fd), tx_id)) {
			close(prog_fd);
			prog_fd = -1;
		}
	}
	if (prog_fd < 0) {
		skel = vrouter__open_opts(&oopts);
		if (!skel) {
			err = -errno;
			pr_err("Couldn't open the BPF object: %s", strerror(-err));
			goto out_pins;
		}
		err = reuse_pinned_maps(ctx, skel->obj);
		if (err)
			goto out_pins;
		err = vrouter__load(skel);
		if (err) {
			pr_err("Couldn't load the BPF program and maps into %s: %s "
			       "(-v shows libbpf's log)", ctx->pin_dir, strerror(-err));
			goto out_pins;
		}
		prog_fd = bpf_program__fd(skel->progs.vr_forward);
		new_prog = true;
	}
	err = vr_maps_open(ctx);
	if (err)
		goto out_pins;
	tx_id = fd_id(ctx->tx_fd);

	/* IPv6 forwarding is global: bpf_fib_lookup checks it for IPv6. */
	err = sysctl_set(NULL, "net/ipv6/conf/all/forwarding", "1", v6_old, sizeof(v6_old));
	if (err) {
		pr_err("Couldn't enable net.ipv6.conf.all.forwarding: %s", strerror(-err));
		goto out_pins;
	}
	v6_done = true;

	/* libxdp's multiprog dispatcher would give each NIC its own copy
	 * (an freplace link), and it cannot take an already loaded program;
	 * vrouter shares one pinned program and swaps it atomically, so it
	 * always takes libxdp's single-program path.
	 */
	setenv("LIBXDP_SKIP_DISPATCHER", "1", 1);

	for (i = 0; i < n; i++) {
		struct load_if *f = &ifs[i];

		if (!f->in_devmap) {
			err = devmap_add(ctx, f->ifindex);
			if (err) {
				if (err == -E2BIG || err == -ENOSPC)
					pr_err("%s: %s is full (%d NICs)", f->name,
					       VR_MAP_TX, VR_MAX_IFACES);
				else
					pr_err("%s: Couldn't add to %s: %s", f->name,
					       VR_MAP_TX, strerror(-err));
				goto out_ifs;
			}
			f->devmap_added = true;
		}
		if (f->old_id) {
			f->old_fd = bpf_prog_get_fd_by_id(f->old_id);
			if (f->old_fd < 0) {
				err = -errno;
				pr_err("%s: Couldn't get the attached program: %s",
				       f->name, strerror(-err));
				goto out_ifs;
			}
			if (fd_id(prog_fd) != f->old_id) {
				err = attach_replace(f->ifindex, prog_fd, f->old_fd, f->mode);
				if (err) {
					pr_err("%s: Couldn't replace the XDP program: %s",
					       f->name, strerror(-err));
					goto out_ifs;
				}
				f->replaced = true;
			}
		} else {
			err = attach_new(f->name, f->ifindex, prog_fd, f->mode);
			if (err)
				goto out_ifs;
			f->attached = true;
		}
		/* IPv4: bpf_fib_lookup checks forwarding on the ingress NIC. */
		snprintf(path, sizeof(path), "net/ipv4/conf/%s/forwarding", f->name);
		err = sysctl_set(NULL, path, "1", f->sysctl_old, sizeof(f->sysctl_old));
		if (err) {
			pr_err("%s: Couldn't enable net.ipv4.conf.%s.forwarding: %s",
			       f->name, f->name, strerror(-err));
			goto out_ifs;
		}
		f->sysctl_done = true;
	}

	if (new_prog) {
		err = pin_prog(ctx, prog_fd);
		if (err)
			goto out_ifs;
	}

	for (i = 0; i < n; i++) {
		pr_info("%s: %s (%s mode, program id %u)", ifs[i].name,
			ifs[i].replaced ? "replaced" : ifs[i].old_id ? "unchanged" :
			"loaded", mode_name(ifs[i].mode), fd_id(prog_fd));
		warn_no_xmit(ifs[i].name, ifs[i].ifindex);
	}
	err = 0;
	goto out_close;

out_ifs:
	for (i = n - 1; i >= 0; i--)
		load_undo_if(ctx, &ifs[i], prog_fd);
	if (v6_done)
		sysctl_set(NULL, "net/ipv6/conf/all/forwarding", v6_old, NULL, 0);
out_pins:
	vr_maps_close(ctx);
	unpin_new_maps(ctx, pins_before);
out_dir:
	if (ctx->pin_dir_created && rmdir(ctx->pin_dir))
		pr_warn("Couldn't remove %s: %s", ctx->pin_dir, strerror(errno));
out_close:
	for (i = 0; i < n; i++)
		if (ifs[i].old_id && ifs[i].old_fd > 0)
			close(ifs[i].old_fd);
	if (!skel && prog_fd >= 0)
		close(prog_fd);
	vrouter__destroy(skel);
out:
	free(ifs);
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

static int unload_one(struct vr_ctx *ctx, struct unload_if *u, __u32 tx_id)
{
	__u32 id;
	int m, err;

	err = vr_iface_xdp(u->ifindex, &id, &m);
	if (err == -ENODEV || !u->name) {
		/* Gone, or (unload of everything) not in this namespace. */
		pr_warn("ifindex %u in %s is not a NIC of this network namespace "
			"(loaded from another one?): nothing detached there",
			u->ifindex, VR_MAP_TX);
		devmap_del(ctx, u->ifindex);
		u->removed = true;
		return 0;
	}
	if (err) {
		pr_err("%s: Couldn't query XDP state: %s", u->name, strerror(-err));
		return err;
	}
	if (id && prog_is_ours(id, tx_id)) {
		u->mode = (enum xdp_attach_mode)m;
		u->prog_fd = bpf_prog_get_fd_by_id(id);
		if (u->prog_fd < 0) {
			err = -errno;
			pr_err("%s: Couldn't get the attached program: %s", u->name,
			       strerror(-err));
			return err;
		}
		err = detach_prog(u->ifindex, u->prog_fd, u->mode);
		if (err) {
			pr_err("%s: Couldn't detach the XDP program: %s", u->name,
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
	devmap_del(ctx, u->ifindex);
	u->removed = true;
	return 0;
}

static void unload_undo(struct vr_ctx *ctx, struct unload_if *u, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--) {
		if (u[i].removed)
			devmap_add(ctx, u[i].ifindex);
		if (u[i].detached) {
			LIBBPF_OPTS(bpf_xdp_attach_opts, o);

			if (bpf_xdp_attach((int)u[i].ifindex, u[i].prog_fd,
					   XDP_FLAGS_UPDATE_IF_NOEXIST |
					   mode_flags(u[i].mode), &o))
				pr_warn("%s: Couldn't attach again: %s", u[i].name,
					strerror(errno));
		}
	}
}

/* VRs block a full unload unless --all, which deletes them first. */
static int unload_routers(struct vr_ctx *ctx, bool all)
{
	struct vr_router rec;
	char names[256] = "";
	uint32_t id = 0;
	int err, count = 0;

	while (!(err = vr_router_next(ctx, &id, &rec))) {
		count++;
		if (strlen(names) + strlen(rec.name) + 8 < sizeof(names))
			snprintf(names + strlen(names), sizeof(names) - strlen(names),
				 "%s%s", count > 1 ? ", " : "", rec.name);
		else if (!strstr(names, "..."))
			strcat(names, ", ...");
	}
	if (err != -ENOENT) {
		pr_err("Couldn't read %s: %s", VR_MAP_ROUTERS, strerror(-err));
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
	while (!(err = vr_router_next(ctx, &id, &rec))) {
		err = vr_router_delete(ctx, id, &rec);
		if (err)
			return err;
	}
	return 0;
}

int do_unload(struct vr_ctx *ctx, int argc, char **argv)
{
	struct unload_if *u = NULL;
	bool all = false, everything;
	uint32_t ifindex = 0;
	int i, j, n = 0, err, cap;
	__u32 tx_id;

	u = calloc((size_t)argc + VR_MAX_IFACES, sizeof(*u));
	if (!u)
		return -ENOMEM;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--all")) {
			all = true;
		} else if (argv[i][0] == '-') {
			err = vr_usage(ctx, "unload: unknown option '%s'", argv[i]);
			goto out;
		} else {
			for (j = 0; j < n; j++) {
				if (!strcmp(u[j].name, argv[i])) {
					err = vr_usage(ctx, "%s: given twice", argv[i]);
					goto out;
				}
			}
			u[n].name = argv[i];
			u[n].prog_fd = -1;
			n++;
		}
	}
	everything = n == 0;
	if (all && !everything) {
		err = vr_usage(ctx, "unload: --all goes without IFACE");
		goto out;
	}
	for (i = 0; i < n; i++) {
		err = parse_ifname(u[i].name, &u[i].ifindex);
		if (err) {
			pr_err("%s: no such network interface", u[i].name);
			goto out;
		}
	}
	if (ctx->lock_fd < 0 && !everything) {
		/* No pin directory: nothing is loaded. */
		if (access(ctx->pin_dir, F_OK)) {
			pr_err("%s: not loaded", u[0].name);
			err = -ENOENT;
			goto out;
		}
	}
	err = vr_state_lock(ctx, false);
	if (err)
		goto out;
	if (everything && !pins_present(ctx)) {
		/* A pin directory without maps (a load that died before
		 * pinning anything): nothing to detach, just remove it.
		 */
		unpin(ctx, PROG_PIN);
		unpin(ctx, PROG_PIN_NEW);
		if (rmdir(ctx->pin_dir)) {
			err = -errno;
			pr_err("Couldn't remove %s: %s", ctx->pin_dir, strerror(-err));
		}
		goto out;
	}
	err = vr_maps_open(ctx);
	if (err)
		goto out;
	tx_id = fd_id(ctx->tx_fd);

	for (i = 0; i < n; i++) {
		err = vr_iface_loaded(ctx, u[i].ifindex);
		if (err <= 0) {
			if (err == 0)
				pr_err("%s: not loaded", u[i].name);
			else
				pr_err("Couldn't read %s: %s", VR_MAP_TX, strerror(-err));
			err = err ? err : -ENOENT;
			goto out;
		}
	}
	if (everything) {
		err = unload_routers(ctx, all);
		if (err)
			goto out;
		/* Every NIC in the devmap that exists in this namespace. */
		cap = argc + VR_MAX_IFACES;
		while (n < cap && !vr_iface_next(ctx, &ifindex)) {
			u[n].ifindex = ifindex;
			u[n].prog_fd = -1;
			u[n].name = if_indextoname(ifindex, u[n].buf);
			n++;
		}
	}
	for (i = 0; i < n; i++) {
		err = unload_one(ctx, &u[i], tx_id);
		if (err) {
			unload_undo(ctx, u, i);
			goto out;
		}
		if (u[i].name)
			pr_info("%s: unloaded", u[i].name);
	}
	if (everything) {
		vr_maps_close(ctx);
		unpin(ctx, PROG_PIN);
		unpin(ctx, PROG_PIN_NEW);
		for (i = 0; vr_map_names[i]; i++)
			unpin(ctx, vr_map_names[i]);
		if (rmdir(ctx->pin_dir))
			pr_warn("Couldn't remove %s: %s", ctx->pin_dir, strerror(errno));
		else
			pr_info("removed %s", ctx->pin_dir);
	}
	err = 0;
out:
	for (i = 0; i < n; i++)
		if (u[i].prog_fd >= 0)
			close(u[i].prog_fd);
	free(u);
	return err;
}
