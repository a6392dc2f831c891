// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * add-router / del-router: parse, then core/router.c creates or deletes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/router.h"

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
static int parse_mac_list(struct vr_router_req *r, const char *arg)
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
		r->n_mac_for++;
	}
	free(copy);
	if (!err && !r->has_def_mac && !r->n_mac_for) {
		pr_err("--mac: no MAC given");
		err = -EINVAL;
	}
	return err;
}

static int add_att(struct vr_router_req *r, const char *name, size_t len)
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

static int parse_iface_list(struct vr_router_req *r, const char *arg)
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

static int parse_add_args(struct vr_ctx *ctx, const struct vr_args *a, struct vr_router_req *r)
{
	static const struct vr_limit none;
	const char *name = a->n_pos ? a->pos[0] : NULL;
	int err;

	if (!name)
		return vr_usage(ctx, "add-router needs a NAME");
	if (!a->val[ADD_MAC])
		return vr_usage(ctx, "add-router needs --mac");
	err = check_vr_name(name);
	if (err)
		return err;
	snprintf(r->name, sizeof(r->name), "%s", name);
	err = parse_mac_list(r, a->val[ADD_MAC]);
	if (err)
		return err;
	if (a->val[ADD_TABLE]) {
		if (parse_table_id(a->val[ADD_TABLE], &r->table)) {
			pr_err("invalid table id '%s'", a->val[ADD_TABLE]);
			return -EINVAL;
		}
		r->has_table = true;
	}
	if (a->val[ADD_FORCE] && !a->val[ADD_TABLE])
		return vr_usage(ctx, "--force goes with --table");
	r->force = a->val[ADD_FORCE] != NULL;
	if (a->val[ADD_IFACE]) {
		err = parse_iface_list(r, a->val[ADD_IFACE]);
		if (err)
			return err;
	}
	err = vr_quota_merge(a, ADD_QUOTA, &r->quota);
	return err ? err : vr_limit_merge(a, ADD_LIMIT, &none, &r->limit);
}

int do_add_router(struct vr_ctx *ctx, const struct vr_args *a)
{
	struct vr_router_req *r;
	uint32_t id;
	int err;

	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	err = parse_add_args(ctx, a, r);
	if (!err)
		err = vr_state_open(&ctx->st);
	if (!err)
		err = vr_router_create(&ctx->st, r, &id);
	free(r);
	return err;
}

int do_del_router(struct vr_ctx *ctx, const struct vr_args *a)
{
	struct vr_router rec;
	uint32_t id;
	int err;

	if (a->n_pos < 1)
		return vr_usage(ctx, "del-router needs a NAME");
	err = check_vr_name(a->pos[0]);
	if (err)
		return err;
	err = vr_state_open(&ctx->st);
	if (err)
		return err;
	err = vr_router_find_named(ctx, a->pos[0], &id, &rec);
	if (err)
		return err;
	return vr_router_delete(&ctx->st, id, &rec);
}
