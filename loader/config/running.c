// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The running configuration as a model (config.h): what `vrctl save`
 * prints (NICs, VRs and each VR's NICs by name) and what the plan
 * compares a file with.  Only READY VRs: one
 * left half-made by a crash is del-router's business, not the file's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/datapath.h"
#include "core/maps.h"
#include "lib/log.h"

static int cmp_nic(const void *a, const void *b)
{
	return strcmp(((const struct vr_conf_nic *)a)->name,
		      ((const struct vr_conf_nic *)b)->name);
}

static int cmp_att(const void *a, const void *b)
{
	return strcmp(((const struct vr_att *)a)->ifname, ((const struct vr_att *)b)->ifname);
}

static int cmp_router(const void *a, const void *b)
{
	return strcmp(((const struct vr_conf_router *)a)->req.name,
		      ((const struct vr_conf_router *)b)->req.name);
}

static int running_nics(struct vr_state *st, struct vr_conf *c)
{
	struct vr_conf_nic *nic;
	uint32_t ifindex = 0, prog;
	int err, mode;

	while (!(err = vr_iface_next(st, &ifindex)) && c->n_nics < VR_MAX_IFACES) {
		nic = &c->nics[c->n_nics];
		if (!if_indextoname(ifindex, nic->name))
			continue;	/* gone: nothing to name in a file */
		nic->mode = XDP_MODE_NATIVE;
		if (!vr_iface_xdp(ifindex, &prog, &mode) && mode == XDP_MODE_SKB)
			nic->mode = XDP_MODE_SKB;
		c->n_nics++;
	}
	if (err && err != -ENOENT) {
		pr_err("cannot read map %s: %s", VR_MAP_TX, strerror(-err));
		return err;
	}
	qsort(c->nics, c->n_nics, sizeof(c->nics[0]), cmp_nic);
	return 0;
}

static void running_router(struct vr_state *st, uint32_t id, const struct vr_router *rec,
			   struct vr_conf_router *cr)
{
	struct vr_router_req *r = &cr->req;
	uint32_t ifindex = 0;
	struct vr_att *a;

	memcpy(r->name, rec->name, VR_NAME_MAX);
	r->name[VR_NAME_MAX - 1] = '\0';
	r->table = rec->table_id;
	r->has_table = true;
	r->has_iface = true;
	while (r->n_att < VR_MAX_IFACES) {
		a = &r->att[r->n_att];
		if (vr_port_next(st, id, &ifindex, a->mac))
			break;
		a->ifindex = ifindex;
		if (vr_port_get_name(st, id, ifindex, a->mac, a->ifname) || !a->ifname[0])
			if_indextoname(ifindex, a->ifname);
		r->n_att++;
	}
	qsort(r->att, r->n_att, sizeof(r->att[0]), cmp_att);
	memcpy(r->mac_for, r->att, r->n_att * sizeof(r->att[0]));
	r->n_mac_for = r->n_att;
	vr_limit_read(st, id, &r->limit);
	cr->has_limit = r->limit.rate_pps || r->limit.rate_bps;
	vr_quota_of(rec, &r->quota);
	cr->fast_path_off = rec->slow & VR_SLOW_ADMIN;
}

int vr_conf_running(struct vr_state *st, struct vr_conf **out)
{
	struct vr_conf *c;
	struct vr_router rec;
	uint32_t id = 0;
	int err;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	snprintf(c->path, sizeof(c->path), "(running)");
	*out = c;
	if (!vr_pins_present(st))
		return 0;	/* nothing loaded */
	err = vr_maps_open(st);
	if (!err)
		err = running_nics(st, c);
	if (!err) {
		c->routers = calloc(VR_MAX_ROUTERS, sizeof(*c->routers));
		if (!c->routers)
			err = -ENOMEM;
	}
	while (!err && !(err = vr_router_next(st, &id, &rec)))
		if (rec.state == VR_STATE_READY)
			running_router(st, id, &rec, &c->routers[c->n_routers++]);
	if (err == -ENOENT) {
		/* By name: saved files diff well, whatever ids a reboot gave. */
		qsort(c->routers, c->n_routers, sizeof(c->routers[0]), cmp_router);
		return 0;
	}
	if (err)
		pr_err("cannot read %s: %s", VR_MAP_ROUTERS, strerror(-err));
	vr_conf_free(c);
	*out = NULL;
	return err;
}
