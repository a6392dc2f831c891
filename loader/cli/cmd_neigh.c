// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * neigh: a VR's neighbours in the fast path's store (vr_neigh), by hand,
 * until `vrctl sync` mirrors them from the VR's namespace.
 *
 *   vrctl neigh { add | replace } NAME ADDR lladdr MAC dev IFACE
 *   vrctl neigh del NAME ADDR dev IFACE
 *   vrctl neigh show NAME [dev IFACE]
 *
 * After NAME, ADDR and the keywords come in any order, as in `ip neigh`.  The entry is
 * per (VR, egress NIC, address); the NIC must be one of the VR's.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <bpf/bpf.h>

#include <net/if.h>

#include "cli.h"
#include "core/maps.h"
#include "core/quota.h"
#include "print.h"

enum neigh_op { OP_ADD, OP_REPLACE, OP_DEL, OP_SHOW };

struct neigh_args {
	enum neigh_op op;
	const char *name, *addr, *lladdr, *dev;
	uint32_t id, ifindex;
	struct vr_router rec;
	struct vr_neigh_key key;
	struct vr_neigh_val val;
};

static int parse_addr(const char *s, struct vr_neigh_key *k)
{
	unsigned char buf[16];

	if (inet_pton(AF_INET, s, buf) == 1) {
		k->family = VR_AF_INET;
		memcpy(&k->addr[0], buf, 4);
		return 0;
	}
	if (inet_pton(AF_INET6, s, buf) == 1) {
		k->family = VR_AF_INET6;
		memcpy(k->addr, buf, 16);
		return 0;
	}
	return -EINVAL;
}

static void addr_str(const struct vr_neigh_key *k, char *buf, size_t len)
{
	if (!inet_ntop(k->family == VR_AF_INET ? AF_INET : AF_INET6, k->addr,
		       buf, (socklen_t)len))
		snprintf(buf, len, "?");
}

static const char *const verbs[] = {
	[OP_ADD] = "add", [OP_REPLACE] = "replace", [OP_DEL] = "del", [OP_SHOW] = "show",
};

/* iproute2 style: VERB NAME then { ADDR | lladdr MAC | dev IFACE } in any
 * order; VERB may be abbreviated ("sh", "d").
 */
static int neigh_parse(struct vr_ctx *ctx, const struct vr_args *args, struct neigh_args *a)
{
	char *const *argv = args->pos;
	int argc = args->n_pos, i, op;
	const char *verb;
	char cands[64];

	if (argc < 1)
		return vr_usage(ctx, "neigh: add, replace, del or show?");
	op = match_abbrev(argv[0], verbs, sizeof(verbs) / sizeof(verbs[0]), sizeof(verbs[0]),
			  cands, sizeof(cands));
	if (op == -EEXIST)
		return vr_usage(ctx, "neigh: ambiguous command '%s': %s", argv[0], cands);
	if (op < 0)
		return vr_usage(ctx, "neigh: unknown command '%s'", argv[0]);
	a->op = (enum neigh_op)op;
	verb = verbs[op];

	i = 1;
	if (i >= argc)
		return vr_usage(ctx, "neigh %s: NAME missing", verb);
	a->name = argv[i++];
	for (; i < argc; i++) {
		const char *kw = argv[i];
		const char **slot;

		if (!strcmp(kw, "lladdr") && (a->op == OP_ADD || a->op == OP_REPLACE)) {
			slot = &a->lladdr;
		} else if (!strcmp(kw, "dev")) {
			slot = &a->dev;
		} else if (a->op != OP_SHOW && !a->addr) {
			a->addr = kw;	/* the one word that is no keyword */
			continue;
		} else {
			return vr_usage(ctx, "neigh %s: unexpected argument '%s'", verb, kw);
		}
		if (*slot)
			return vr_usage(ctx, "neigh %s: %s given twice", verb, kw);
		if (i + 1 >= argc)
			return vr_usage(ctx, "neigh %s: %s needs a value", verb, kw);
		*slot = argv[++i];
	}
	if (a->op != OP_SHOW && !a->addr)
		return vr_usage(ctx, "neigh %s: ADDR missing", verb);
	if ((a->op == OP_ADD || a->op == OP_REPLACE) && !a->lladdr)
		return vr_usage(ctx, "neigh %s: lladdr MAC missing", verb);
	if (a->op != OP_SHOW && !a->dev)
		return vr_usage(ctx, "neigh %s: dev IFACE missing", verb);

	if (parse_vr_name(a->name))
		return vr_usage(ctx, "'%s' is not a valid router name", a->name);
	if (a->addr && parse_addr(a->addr, &a->key))
		return vr_usage(ctx, "'%s' is not an IPv4 or IPv6 address", a->addr);
	if (a->lladdr && parse_mac(a->lladdr, a->val.mac))
		return vr_usage(ctx, "'%s' is not a unicast MAC address "
				"(aa:bb:cc:dd:ee:ff)", a->lladdr);
	if (a->dev && parse_ifname(a->dev, &a->ifindex)) {
		pr_err("%s: no such network interface", a->dev);
		return -ENODEV;
	}
	return 0;
}

static int neigh_show(struct vr_ctx *ctx, struct neigh_args *a)
{
	char addr[INET6_ADDRSTRLEN], mac[18], dev[IF_NAMESIZE];
	uint8_t lladdr[VR_ETH_ALEN];
	struct vr_neigh_key k;
	bool first = true;

	open_json_object(NULL);
	open_json_array("neigh");
	for (; !vr_neigh_next(&ctx->st, &k, first); first = false) {
		if (k.vr_id != a->id || (a->dev && k.ifindex != a->ifindex))
			continue;
		if (vr_neigh_get(&ctx->st, &k, lladdr))
			continue;
		addr_str(&k, addr, sizeof(addr));
		mac_str(lladdr, mac);
		if (!if_indextoname(k.ifindex, dev))
			snprintf(dev, sizeof(dev), "if%u", k.ifindex);
		open_json_object(NULL);
		print_string(PRINT_ANY, "dst", "%s", addr);
		print_string(PRINT_ANY, "ifname", " dev %s", dev);
		print_string(PRINT_ANY, "mac", " lladdr %s", mac);
		print_nl();
		close_json_object();
	}
	close_json_array();
	close_json_object();
	return 0;
}

/* A new entry must fit in the VR's neighbour quota. */
static int check_quota(struct vr_ctx *ctx, const struct neigh_args *a)
{
	uint8_t mac[VR_ETH_ALEN];
	struct vr_quota q;
	int n;

	if (!vr_neigh_get(&ctx->st, &a->key, mac))
		return 0;	/* replaces one it has */
	vr_quota_of(&a->rec, &q);
	n = vr_neigh_count(&ctx->st, a->id);
	if (n >= 0 && (uint32_t)n >= q.neigh) {
		pr_err("VR %s has %d neighbours, its quota (set-router --quota-neigh)", a->name, n);
		return -EDQUOT;
	}
	return 0;
}

int do_neigh(struct vr_ctx *ctx, const struct vr_args *args)
{
	struct neigh_args a = { 0 };
	char addr[INET6_ADDRSTRLEN];
	int err;

	err = neigh_parse(ctx, args, &a);
	if (err)
		return err;
	if (a.op != OP_SHOW) {
		err = vr_state_lock(&ctx->st, false);
		if (err)
			return err;
	}
	err = vr_maps_open(&ctx->st);
	if (err)
		return err;
	err = vr_router_find_named(ctx, a.name, &a.id, &a.rec);
	if (err)
		return err;
	if (a.op == OP_SHOW)
		return neigh_show(ctx, &a);

	if (vr_port_get(&ctx->st, a.id, a.ifindex, NULL)) {
		pr_err("%s: virtual router %s is not on this NIC", a.dev, a.name);
		return -ENOENT;
	}
	a.key.vr_id = a.id;
	a.key.ifindex = a.ifindex;
	addr_str(&a.key, addr, sizeof(addr));

	if (a.op == OP_DEL) {
		err = vr_neigh_del(&ctx->st, &a.key);
		if (err) {
			if (err == -ENOENT)
				pr_err("%s dev %s: no such neighbour in %s", addr, a.dev, a.name);
			else
				pr_err("cannot delete %s dev %s from %s: %s", addr,
				       a.dev, VR_MAP_NEIGH, strerror(-err));
			return err;
		}
		return 0;
	}
	err = check_quota(ctx, &a);
	if (!err)
		err = vr_neigh_set(&ctx->st, &a.key, a.val.mac,
				   a.op == OP_ADD ? BPF_NOEXIST : BPF_ANY);
	if (err == -EDQUOT)
		return err;
	if (err) {
		if (err == -EEXIST)
			pr_err("%s dev %s: neighbour exists in %s (use 'neigh replace')",
			       addr, a.dev, a.name);
		else if (err == -E2BIG || err == -ENOMEM)
			pr_err("%s is full (%d entries)", VR_MAP_NEIGH, VR_MAX_NEIGH);
		else
			pr_err("cannot add %s dev %s to %s: %s", addr, a.dev,
			       VR_MAP_NEIGH, strerror(-err));
		return err;
	}
	return 0;
}
