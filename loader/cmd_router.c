// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * add-router / del-router: a VR is a network namespace named after it,
 * one macvlan per attached NIC (named like the NIC, carrying the VR's MAC),
 * its entries in vr_macs/vr_ports, and its record in vr_routers.
 *
 * Order, so that a crash halfway is visible and can be finished by
 * del-router: record CREATING -> namespace -> macvlans -> map entries ->
 * record READY; delete: record DELETING -> map entries -> macvlans ->
 * namespace -> counters -> record freed.
 *
 * macvlan mode: PRIVATE.  The fast path never delivers a frame from one VR
 * to another inside the host: bpf_redirect_map() transmits on the egress
 * NIC, onto the wire.  In private mode the kernel slow path does the same
 * (a frame from one macvlan to a sibling's MAC goes out of the lower NIC,
 * and broadcasts such as ARP/ND or routing protocol hellos of one VR are
 * not looped to the other VRs on that NIC), so fast and slow path behave
 * alike and VRs stay separate routers reached over the wire, as in the
 * paper.  Bridge mode would short-cut VR-to-VR traffic (and broadcasts)
 * inside the kernel, where the fast path cannot follow.  The price: two
 * VRs on the same NIC reach each other only through an external switch
 * (private mode blocks even a hairpinned broadcast).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <net/if.h>
#include <linux/if_link.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "vrctl.h"
#include "netlink.h"

#define VR_MACVLAN_MODE	MACVLAN_MODE_PRIVATE

/*
 * Inside the VR's namespace, before its macvlans exist.  Forwarding, and
 * ARP as a router with separate interfaces: several VRs share each wire
 * (a VR has a macvlan on every NIC it is attached to, with or without an
 * address there), and Linux' default weak-host ARP would answer on any
 * of them for an address configured on another, drawing a neighbour's
 * traffic to the wrong VR.  arp_ignore=1: answer only for addresses on
 * the receiving interface; arp_announce=2: ask with a source address of
 * the outgoing interface.  (IPv6 ND already works per interface.)
 */
static const char *const vr_sysctls[][2] = {
	{ "net/ipv4/ip_forward", "1" },
	{ "net/ipv6/conf/all/forwarding", "1" },
	{ "net/ipv4/conf/all/arp_ignore", "1" },
	{ "net/ipv4/conf/all/arp_announce", "2" },
};

struct vr_att {
	char ifname[IF_NAMESIZE];
	uint32_t ifindex;
	uint8_t mac[VR_ETH_ALEN];
	bool has_mac;
};

struct add_req {
	const char *name;
	uint8_t def_mac[VR_ETH_ALEN];
	bool has_def_mac;
	struct vr_att mac_for[VR_MAX_IFACES];	/* IFACE=MAC items of --mac */
	int n_mac_for;
	struct vr_att att[VR_MAX_IFACES];	/* the NICs the VR attaches to */
	int n_att;
	bool has_iface;
	uint32_t table;
	bool has_table;
	struct vr_limit_req limit_req;	/* --rate-pps ... (cmd_limit.c) */
	struct vr_limit limit;
};

static const char *mac_str(const uint8_t *m, char *buf)
{
	sprintf(buf, "%02x:%02x:%02x:%02x:%02x:%02x",
		m[0], m[1], m[2], m[3], m[4], m[5]);
	return buf;
}

/* parse_mac() plus a reason, for the one error line. */
static int parse_vr_mac(const char *s, uint8_t mac[VR_ETH_ALEN])
{
	unsigned int b[6];
	char end;
	int i;

	if (!parse_mac(s, mac))
		return 0;
	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &end) == 6) {
		for (i = 0; i < 6 && b[i] <= 0xff; i++)
			;
		if (i == 6 && (b[0] & 1)) {
			pr_err("MAC %s is a multicast address", s);
			return -EINVAL;
		}
		if (i == 6 && !(b[0] | b[1] | b[2] | b[3] | b[4] | b[5])) {
			pr_err("MAC %s is the zero address", s);
			return -EINVAL;
		}
	}
	pr_err("malformed MAC '%s'", s);
	return -EINVAL;
}

static int check_vr_name(const char *name)
{
	if (strlen(name) >= VR_NAME_MAX) {
		pr_err("VR name '%s' is too long (at most %d characters)",
		       name, VR_NAME_MAX - 1);
		return -ENAMETOOLONG;
	}
	if (parse_vr_name(name)) {
		pr_err("invalid VR name '%s' (letters, digits, '_', '.', '-'; not '.' or '..')",
		       name);
		return -EINVAL;
	}
	return 0;
}

/* A name the kernel could have given a NIC (dev_valid_name()). */
static int set_ifname(struct vr_att *a, const char *name, size_t len)
{
	size_t i;
	bool ok = len && len < IF_NAMESIZE && memchr(name, '\0', len) == NULL;

	for (i = 0; ok && i < len; i++)
		ok = name[i] != '/' && name[i] != ':' && name[i] > ' ' &&
		     name[i] != 0x7f;
	if (ok && name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.')))
		ok = false;
	if (!ok) {
		pr_err("invalid NIC name '%.*s'%s", (int)len, name,
		       len >= IF_NAMESIZE ? " (at most 15 characters)" : "");
		return -EINVAL;
	}
	memcpy(a->ifname, name, len);
	a->ifname[len] = '\0';
	return 0;
}

/* --mac MAC | IFACE=MAC, comma-separated: a bare MAC is the VR's MAC on
 * every NIC without its own.
 */
static int parse_mac_list(struct add_req *r, const char *arg)
{
	char *copy, *item, *save = NULL, *eq;
	struct vr_att *a;
	int err = 0, i;

	copy = strdup(arg);
	if (!copy)
		return -ENOMEM;
	for (item = strtok_r(copy, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		eq = strchr(item, '=');
		if (!eq) {
			if (r->has_def_mac) {
				pr_err("--mac: more than one MAC without a NIC");
				err = -EINVAL;
				break;
			}
			err = parse_vr_mac(item, r->def_mac);
			if (err)
				break;
			r->has_def_mac = true;
			continue;
		}
		if (r->n_mac_for == VR_MAX_IFACES) {
			pr_err("--mac: too many NICs (limit %d)", VR_MAX_IFACES);
			err = -E2BIG;
			break;
		}
		a = &r->mac_for[r->n_mac_for];
		err = set_ifname(a, item, eq - item);
		if (err)
			break;
		for (i = 0; i < r->n_mac_for; i++) {
			if (!strcmp(r->mac_for[i].ifname, a->ifname)) {
				pr_err("--mac: NIC %s given twice", a->ifname);
				err = -EINVAL;
				break;
			}
		}
		if (err)
			break;
		err = parse_vr_mac(eq + 1, a->mac);
		if (err)
			break;
		a->has_mac = true;
		r->n_mac_for++;
	}
	free(copy);
	if (!err && !r->has_def_mac && !r->n_mac_for) {
		pr_err("--mac: no MAC given");
		err = -EINVAL;
	}
	return err;
}

static int add_att(struct add_req *r, const char *name, size_t len)
{
	struct vr_att *a;
	int i, err;

	if (r->n_att == VR_MAX_IFACES) {
		pr_err("too many NICs (limit %d)", VR_MAX_IFACES);
		return -E2BIG;
	}
	a = &r->att[r->n_att];
	memset(a, 0, sizeof(*a));
	err = set_ifname(a, name, len);
	if (err)
		return err;
	for (i = 0; i < r->n_att; i++) {
		if (!strcmp(r->att[i].ifname, a->ifname)) {
			pr_err("NIC %s given twice", a->ifname);
			return -EINVAL;
		}
	}
	r->n_att++;
	return 0;
}

static int parse_iface_list(struct add_req *r, const char *arg)
{
	const char *p = arg, *c;
	int err;

	r->has_iface = true;
	do {
		c = strchr(p, ',');
		err = add_att(r, p, c ? (size_t)(c - p) : strlen(p));
		if (err)
			return err;
		if (c)
			p = c + 1;
	} while (c);
	return 0;
}

/* "--opt VALUE" or "--opt=VALUE" */
static const char *opt_value(const char *opt, int argc, char **argv, int *i)
{
	size_t len = strlen(opt);
	const char *v;

	if (!strncmp(argv[*i], opt, len) && argv[*i][len] == '=')
		v = argv[*i] + len + 1;
	else if (strcmp(argv[*i], opt))
		return NULL;
	else if (*i + 1 >= argc)
		v = "";
	else
		v = argv[++*i];
	if (!*v)	/* the caller returns -EINVAL on "" */
		pr_err("%s needs a value", opt);
	return v;
}

static int parse_add_args(struct vr_ctx *ctx, struct add_req *r, int argc, char **argv)
{
	const char *v, *mac_arg = NULL, *iface_arg = NULL, *table_arg = NULL;
	int i, err;

	for (i = 1; i < argc; i++) {
		err = vr_limit_opt(ctx, &r->limit_req, argc, argv, &i);
		if (err < 0)
			return err;
		if (err)
			continue;
		if ((v = opt_value("--mac", argc, argv, &i))) {
			if (!*v)
				return -EINVAL;
			if (mac_arg) {
				pr_err("--mac given twice");
				return -EINVAL;
			}
			mac_arg = v;
		} else if ((v = opt_value("--table", argc, argv, &i))) {
			if (!*v)
				return -EINVAL;
			if (table_arg) {
				pr_err("--table given twice");
				return -EINVAL;
			}
			table_arg = v;
		} else if ((v = opt_value("--iface", argc, argv, &i))) {
			if (!*v)
				return -EINVAL;
			if (iface_arg) {
				pr_err("--iface given twice");
				return -EINVAL;
			}
			iface_arg = v;
		} else if (argv[i][0] == '-') {
			return vr_usage(ctx, "unknown option '%s'", argv[i]);
		} else if (!r->name) {
			r->name = argv[i];
		} else {
			return vr_usage(ctx, "unexpected argument '%s'", argv[i]);
		}
	}
	if (!r->name)
		return vr_usage(ctx, "add-router needs a NAME");
	if (!mac_arg)
		return vr_usage(ctx, "add-router needs --mac");
	err = check_vr_name(r->name);
	if (err)
		return err;
	err = parse_mac_list(r, mac_arg);
	if (err)
		return err;
	if (table_arg) {
		if (parse_table_id(table_arg, &r->table)) {
			pr_err("invalid table id '%s'", table_arg);
			return -EINVAL;
		}
		r->has_table = true;
	}
	if (iface_arg) {
		err = parse_iface_list(r, iface_arg);
		if (err)
			return err;
	}
	{
		static const struct vr_limit none;

		err = vr_limit_merge(&r->limit_req, &none, &r->limit);
		if (err)
			return err;
	}
	return 0;
}

static int cmp_att(const void *a, const void *b)
{
	const struct vr_att *x = a, *y = b;

	return x->ifindex < y->ifindex ? -1 : x->ifindex > y->ifindex;
}

/* Every loaded NIC (the keys of vr_tx_ports), in ifindex order. */
static int all_loaded(struct vr_ctx *ctx, struct add_req *r)
{
	uint32_t ifindex = 0;
	struct vr_att *a;
	int err;

	while (!(err = vr_iface_next(ctx, &ifindex)) && r->n_att < VR_MAX_IFACES) {
		a = &r->att[r->n_att];
		memset(a, 0, sizeof(*a));
		if (!if_indextoname(ifindex, a->ifname)) {
			pr_warn("loaded NIC with ifindex %u is gone, skipped", ifindex);
			continue;
		}
		a->ifindex = ifindex;
		r->n_att++;
	}
	if (err && err != -ENOENT) {
		pr_err("cannot read map %s: %s", VR_MAP_TX, strerror(-err));
		return err;
	}
	if (!r->n_att) {
		pr_err("no NIC is loaded (vrctl load IFACE...)");
		return -ENODEV;
	}
	qsort(r->att, r->n_att, sizeof(r->att[0]), cmp_att);
	return 0;
}

/* The NICs and their MACs: --iface, else the NICs named in --mac if it
 * has no bare MAC, else every loaded NIC.  Each must be loaded.
 */
static int resolve_atts(struct vr_ctx *ctx, struct add_req *r)
{
	struct vr_att *a;
	int i, j, err;

	if (!r->has_iface) {
		if (r->has_def_mac) {
			err = all_loaded(ctx, r);
			if (err)
				return err;
		} else {
			for (i = 0; i < r->n_mac_for; i++) {
				err = add_att(r, r->mac_for[i].ifname,
					      strlen(r->mac_for[i].ifname));
				if (err)
					return err;
			}
		}
	}
	/* MACs named for NICs the VR does not attach to: a mistake. */
	for (j = 0; j < r->n_mac_for; j++) {
		for (i = 0; i < r->n_att; i++)
			if (!strcmp(r->att[i].ifname, r->mac_for[j].ifname))
				break;
		if (i == r->n_att) {
			pr_err("--mac names NIC %s, which is not %s",
			       r->mac_for[j].ifname,
			       r->has_iface ? "in --iface" : "loaded");
			return -EINVAL;
		}
	}
	for (i = 0; i < r->n_att; i++) {
		a = &r->att[i];
		if (!a->ifindex) {
			a->ifindex = if_nametoindex(a->ifname);
			if (!a->ifindex) {
				pr_err("NIC %s does not exist", a->ifname);
				return -ENODEV;
			}
		}
		err = vr_iface_loaded(ctx, a->ifindex);
		if (err < 0)
			return err;
		if (!err) {
			pr_err("NIC %s is not loaded (vrctl load %s)",
			       a->ifname, a->ifname);
			return -ENODEV;
		}
		for (j = 0; j < r->n_mac_for; j++)
			if (!strcmp(r->mac_for[j].ifname, a->ifname))
				break;
		if (j < r->n_mac_for) {
			memcpy(a->mac, r->mac_for[j].mac, VR_ETH_ALEN);
		} else if (r->has_def_mac) {
			memcpy(a->mac, r->def_mac, VR_ETH_ALEN);
		} else {
			pr_err("no MAC for NIC %s (--mac %s=MAC)", a->ifname, a->ifname);
			return -EINVAL;
		}
		a->has_mac = true;
	}
	return 0;
}

static void mac_key(struct vr_mac_key *k, const struct vr_att *a)
{
	memset(k, 0, sizeof(*k));
	k->ifindex = a->ifindex;
	memcpy(k->mac, a->mac, VR_ETH_ALEN);
}

static int check_macs_free(struct vr_ctx *ctx, const struct add_req *r)
{
	struct vr_mac_val val;
	struct vr_router owner;
	struct vr_mac_key k;
	char m[18];
	int i;

	for (i = 0; i < r->n_att; i++) {
		mac_key(&k, &r->att[i]);
		if (bpf_map_lookup_elem(ctx->macs_fd, &k, &val))
			continue;
		memset(&owner, 0, sizeof(owner));
		bpf_map_lookup_elem(ctx->routers_fd, &val.vr_id, &owner);
		owner.name[VR_NAME_MAX - 1] = '\0';
		pr_err("MAC %s is already used on NIC %s by VR %s",
		       mac_str(r->att[i].mac, m), r->att[i].ifname,
		       owner.name[0] ? owner.name : "(unnamed)");
		return -EEXIST;
	}
	return 0;
}

static bool table_reserved(uint32_t t)
{
	/* 0 unspec, 253 default, 254 main, 255 local */
	return t == 0 || (t >= 253 && t <= 255);
}

static int pick_table(struct vr_ctx *ctx, struct add_req *r)
{
	int err;

	if (!r->has_table)
		return vr_table_alloc(ctx, &r->table);	/* prints "full" */
	if (table_reserved(r->table)) {
		pr_err("table %u is reserved (0 unspec, 253 default, 254 main, 255 local)",
		       r->table);
		return -EINVAL;
	}
	err = vr_table_in_use(ctx, r->table);
	if (err < 0)
		return err;
	if (err) {
		pr_err("table %u is in use by another VR", r->table);
		return -EEXIST;
	}
	return 0;
}

static int stats_zero(struct vr_ctx *ctx, uint32_t id)
{
	int ncpu = libbpf_num_possible_cpus(), err = 0;
	void *zero;

	if (ncpu < 0)
		return ncpu;
	zero = calloc(ncpu, sizeof(struct vr_stats));
	if (!zero)
		return -ENOMEM;
	if (bpf_map_update_elem(ctx->stats_fd, &id, zero, BPF_ANY))
		err = -errno;
	free(zero);
	return err;
}

/* vr_fault_point() for the Nth (from 0) of a repeated step: "add:mac1". */
static void fault_step(const char *step, int n)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%s%d", step, n + 1);
	vr_fault_point(buf);
}

static int map_err(const char *map, int limit, int err, const char *what)
{
	if (err == -E2BIG || err == -ENOSPC)
		pr_err("map %s full (limit %d)", map, limit);
	else
		pr_err("cannot add %s to map %s: %s", what, map, strerror(-err));
	return err;
}

int do_add_router(struct vr_ctx *ctx, int argc, char **argv)
{
	struct vr_port_key pk;
	struct vr_port_val pv;
	struct vr_mac_val mv;
	struct vr_mac_key mk;
	struct vr_router rec;
	struct add_req *r;
	struct timespec ts;
	int n_links = 0, n_macs = 0, n_ports = 0, err;
	size_t i;
	uint32_t id;
	char m[18];

	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	err = parse_add_args(ctx, r, argc, argv);
	if (err)
		goto out;

	err = vr_state_open(ctx);
	if (err)
		goto out;

	err = vr_router_find(ctx, r->name, &id, &rec);
	if (!err) {
		if (rec.state == VR_STATE_READY)
			pr_err("VR %s already exists", r->name);
		else
			pr_err("VR %s is half-%s (a vrctl died halfway); "
			       "run 'vrctl del-router %s' to remove what is left",
			       r->name, rec.state == VR_STATE_CREATING ?
			       "created" : "deleted", r->name);
		err = -EEXIST;
		goto out;
	}
	if (err != -ENOENT)
		goto out;
	if (netns_exists(r->name)) {
		pr_err("network namespace %s already exists", r->name);
		err = -EEXIST;
		goto out;
	}
	err = resolve_atts(ctx, r);
	if (err)
		goto out;
	err = check_macs_free(ctx, r);
	if (err)
		goto out;
	err = pick_table(ctx, r);
	if (err)
		goto out;
	err = vr_router_alloc(ctx, &id);	/* prints "full" */
	if (err)
		goto out;

	memset(&rec, 0, sizeof(rec));
	snprintf(rec.name, sizeof(rec.name), "%s", r->name);
	rec.state = VR_STATE_CREATING;
	rec.table_id = r->table;
	clock_gettime(CLOCK_REALTIME, &ts);
	rec.created_ns = (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
	err = vr_router_write(ctx, id, &rec);
	if (err) {
		pr_err("cannot write the record of VR %s into %s: %s", r->name,
		       VR_MAP_ROUTERS, strerror(-err));
		goto out;
	}
	vr_fault_point("add:record");

	err = netns_create(r->name);
	if (err) {
		pr_err("cannot create network namespace %s: %s", r->name, strerror(-err));
		goto err_record;
	}
	vr_fault_point("add:netns");
	err = nl_link_up(r->name, "lo");
	if (err) {
		pr_err("cannot set lo up in %s: %s", r->name, strerror(-err));
		goto err_netns;
	}
	for (i = 0; i < sizeof(vr_sysctls) / sizeof(vr_sysctls[0]); i++) {
		err = sysctl_set(r->name, vr_sysctls[i][0], vr_sysctls[i][1], NULL, 0);
		if (err) {
			pr_err("cannot set %s in %s: %s", vr_sysctls[i][0], r->name,
			       strerror(-err));
			goto err_netns;
		}
	}
	vr_fault_point("add:sysctl");

	for (; n_links < r->n_att; n_links++) {
		const struct vr_att *a = &r->att[n_links];

		err = nl_macvlan_add(r->name, a->ifname, a->ifname, a->mac,
				     VR_MACVLAN_MODE);
		if (err == -EADDRINUSE)
			pr_err("MAC %s is in use on NIC %s (its own address or another macvlan's)",
			       mac_str(a->mac, m), a->ifname);
		else if (err)
			pr_err("cannot create macvlan %s in %s: %s", a->ifname,
			       r->name, strerror(-err));
		if (err)
			goto err_links;
		fault_step("add:macvlan", n_links);
	}

	for (; n_ports < r->n_att; n_ports++) {
		const struct vr_att *a = &r->att[n_ports];

		memset(&pk, 0, sizeof(pk));
		memset(&pv, 0, sizeof(pv));
		pk.vr_id = id;
		pk.ifindex = a->ifindex;
		memcpy(pv.mac, a->mac, VR_ETH_ALEN);
		if (bpf_map_update_elem(ctx->ports_fd, &pk, &pv, BPF_NOEXIST)) {
			err = map_err(VR_MAP_PORTS, VR_MAX_PORTS, -errno, a->ifname);
			goto err_ports;
		}
		fault_step("add:port", n_ports);
	}
	/* The limit (or none: a previous VR with this id left none either)
	 * before the VR's MACs, so that its first frame is already policed.
	 */
	err = vr_limit_write(ctx, id, &r->limit);
	if (err)
		goto err_ports;
	/* Last: from here on the fast path sends frames to this VR. */
	for (; n_macs < r->n_att; n_macs++) {
		const struct vr_att *a = &r->att[n_macs];

		mac_key(&mk, a);
		memset(&mv, 0, sizeof(mv));
		mv.vr_id = id;
		mv.table_id = r->table;
		if (bpf_map_update_elem(ctx->macs_fd, &mk, &mv, BPF_NOEXIST)) {
			err = -errno;
			if (err == -EEXIST)
				pr_err("MAC %s is already used on NIC %s by another VR",
				       mac_str(a->mac, m), a->ifname);
			else
				map_err(VR_MAP_MACS, VR_MAX_MACS, err, mac_str(a->mac, m));
			goto err_macs;
		}
		fault_step("add:mac", n_macs);
	}
	err = stats_zero(ctx, id);
	if (err) {
		pr_err("cannot reset counters of VR %s: %s", r->name, strerror(-err));
		goto err_macs;
	}
	vr_fault_point("add:stats");
	rec.state = VR_STATE_READY;
	err = vr_router_write(ctx, id, &rec);
	if (err)
		goto err_macs;
	vr_fault_point("add:ready");
	pr_info("VR %s: id %u, table %u, %d NIC%s", r->name, id, r->table,
		r->n_att, r->n_att == 1 ? "" : "s");
	goto out;

err_macs:
	while (n_macs-- > 0) {
		mac_key(&mk, &r->att[n_macs]);
		bpf_map_delete_elem(ctx->macs_fd, &mk);
	}
	{
		static const struct vr_limit none;

		bpf_map_update_elem(ctx->limits_fd, &id, &none, BPF_ANY);
	}
err_ports:
	while (n_ports-- > 0) {
		memset(&pk, 0, sizeof(pk));
		pk.vr_id = id;
		pk.ifindex = r->att[n_ports].ifindex;
		bpf_map_delete_elem(ctx->ports_fd, &pk);
	}
err_links:
	while (n_links-- > 0)
		nl_link_del(r->name, r->att[n_links].ifname);
err_netns:
	netns_delete(r->name);
err_record:
	memset(&rec, 0, sizeof(rec));
	vr_router_write(ctx, id, &rec);
out:
	free(r);
	return err;
}

/* Keys of MAP (of KEY_SIZE bytes) for which MATCH holds, then deleted. */
static int map_delete_matching(int fd, const char *map, size_t key_size,
			       bool (*match)(int fd, const void *key, uint32_t id),
			       uint32_t id)
{
	size_t n = 0, cap = 0, i;
	char *keys = NULL, *prev = NULL, *p;
	char cur[64], next[64];
	int err = 0;

	if (key_size > sizeof(cur))
		return -EINVAL;
	while (!bpf_map_get_next_key(fd, prev, next)) {
		memcpy(cur, next, key_size);
		prev = cur;
		if (!match(fd, cur, id))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			p = realloc(keys, cap * key_size);
			if (!p) {
				free(keys);
				return -ENOMEM;
			}
			keys = p;
		}
		memcpy(keys + n * key_size, cur, key_size);
		n++;
	}
	if (errno != ENOENT) {
		err = -errno;
		pr_err("cannot read map %s: %s", map, strerror(-err));
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (bpf_map_delete_elem(fd, keys + i * key_size) && errno != ENOENT) {
			err = -errno;
			pr_err("cannot delete from map %s: %s", map, strerror(-err));
			goto out;
		}
	}
out:
	free(keys);
	return err;
}

static bool mac_of_vr(int fd, const void *key, uint32_t id)
{
	struct vr_mac_val v;

	return !bpf_map_lookup_elem(fd, key, &v) && v.vr_id == id;
}

static bool port_of_vr(int fd, const void *key, uint32_t id)
{
	return ((const struct vr_port_key *)key)->vr_id == id;
}

static bool neigh_of_vr(int fd, const void *key, uint32_t id)
{
	return ((const struct vr_neigh_key *)key)->vr_id == id;
}

/*
 * Everything of VR ID, whatever state it is in (a crash may have left any
 * part of it); the caller holds the lock.  Also used by `unload` for all
 * VRs.  Routes: vrctl adds none yet, so it removes none; the VR's host
 * table (rec->table_id) is the user's until route mirroring exists, and
 * is left as it is.
 */
int vr_router_delete(struct vr_ctx *ctx, uint32_t id, const struct vr_router *rec)
{
	struct vr_router r = *rec;
	char name[VR_NAME_MAX];
	int err;

	r.name[VR_NAME_MAX - 1] = '\0';
	snprintf(name, sizeof(name), "%s", r.name);
	r.state = VR_STATE_DELETING;
	err = vr_router_write(ctx, id, &r);
	if (err) {
		pr_err("cannot write the record of VR %s into %s: %s", name,
		       VR_MAP_ROUTERS, strerror(-err));
		return err;
	}
	vr_fault_point("del:record");

	/* vr_macs first: the fast path stops sending frames to the VR. */
	err = map_delete_matching(ctx->macs_fd, VR_MAP_MACS,
				  sizeof(struct vr_mac_key), mac_of_vr, id);
	vr_fault_point("del:macs");
	if (!err)
		err = map_delete_matching(ctx->ports_fd, VR_MAP_PORTS,
					  sizeof(struct vr_port_key), port_of_vr, id);
	vr_fault_point("del:ports");
	if (!err)
		err = map_delete_matching(ctx->neigh_fd, VR_MAP_NEIGH,
					  sizeof(struct vr_neigh_key), neigh_of_vr, id);
	vr_fault_point("del:neigh");
	if (err)
		return err;
	/* The VR's host table: what sync mirrored, or routes added by hand. */
	err = sync_forget_router(ctx, id, &r);
	vr_fault_point("del:table");
	if (err)
		return err;

	if (name[0] && netns_exists(name)) {
		/* Explicitly: the namespace lives on while a process is in it.
		 * -EINVAL: /run/netns/NAME is a file but no namespace (a
		 * crash inside netns_create()): nothing to enter, remove it.
		 */
		err = nl_link_del_kind(name, "macvlan");
		if (err == -EINVAL)
			err = 0;
		vr_fault_point("del:macvlans");
		if (err < 0) {
			pr_err("cannot delete the macvlans of VR %s: %s", name,
			       strerror(-err));
			return err;
		}
		err = netns_delete(name);
		if (err) {
			pr_err("cannot delete network namespace %s: %s", name,
			       strerror(-err));
			return err;
		}
		vr_fault_point("del:netns");
	} else if (rec->state == VR_STATE_READY) {
		pr_warn("network namespace %s was already gone", name);
	}

	err = stats_zero(ctx, id);
	if (err) {
		pr_err("cannot reset counters of VR %s: %s", name, strerror(-err));
		return err;
	}
	{
		static const struct vr_limit none;

		err = vr_limit_write(ctx, id, &none);	/* prints its error */
		if (err)
			return err;
	}
	vr_fault_point("del:stats");
	memset(&r, 0, sizeof(r));
	err = vr_router_write(ctx, id, &r);
	if (err)
		pr_err("cannot free the record of VR %s in %s: %s", name,
		       VR_MAP_ROUTERS, strerror(-err));
	return err;
}

int do_del_router(struct vr_ctx *ctx, int argc, char **argv)
{
	struct vr_router rec;
	uint32_t id;
	int err;

	if (argc < 2)
		return vr_usage(ctx, "del-router needs a NAME");
	if (argc > 2 || argv[1][0] == '-')
		return vr_usage(ctx, "unexpected argument '%s'", argv[argc > 2 ? 2 : 1]);
	err = check_vr_name(argv[1]);
	if (err)
		return err;
	err = vr_state_open(ctx);
	if (err)
		return err;
	err = vr_router_find(ctx, argv[1], &id, &rec);
	if (err == -ENOENT) {
		pr_err("no VR named %s", argv[1]);
		return err;
	}
	if (err)
		return err;
	return vr_router_delete(ctx, id, &rec);
}
