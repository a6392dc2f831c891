// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Nexthop objects of a VR (`ip nexthop`, what FRR's zebra installs by
 * default): a route with RTA_NH_ID is mirrored with the next hops of that
 * object, resolved here, since nexthop ids mean nothing in the host.
 *
 * The kernel sends no route notification when a nexthop object or group
 * changes under its routes, and removes the routes of a deleted object
 * silently (IPv4), so a nexthop event re-renders every route that uses
 * the object, directly or through a group.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/nexthop.h>
#include <linux/rtnetlink.h>

#include "sync.h"

void sync_nh_free(void *e)
{
	struct snh *nh = e;

	free(nh->grp);
	free(nh);
}

struct nh_msg {
	uint32_t id;
	int family;
	bool blackhole, unsupported;
	uint32_t oif;
	const void *gw;
	size_t gw_len;
	const struct nexthop_grp *grp;
	size_t n_grp;
};

static int parse_nh(const struct nlmsghdr *nlh, struct nh_msg *m)
{
	const struct nhmsg *nhm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[NHA_MAX + 1], *a;

	memset(m, 0, sizeof(*m));
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*nhm))
		return -EINVAL;
	m->family = nhm->nh_family;
	nl_attr_parse(nlh, sizeof(*nhm), tb, NHA_MAX);
	if ((a = nl_attr_valid(tb[NHA_ID], MNL_TYPE_U32)))
		m->id = mnl_attr_get_u32(a);
	if ((a = tb[NHA_GROUP])) {
		m->grp = mnl_attr_get_payload(a);
		m->n_grp = mnl_attr_get_payload_len(a) / sizeof(struct nexthop_grp);
	}
	m->blackhole = tb[NHA_BLACKHOLE] != NULL;
	if ((a = nl_attr_valid(tb[NHA_OIF], MNL_TYPE_U32)))
		m->oif = mnl_attr_get_u32(a);
	if ((a = tb[NHA_GATEWAY])) {
		m->gw = mnl_attr_get_payload(a);
		m->gw_len = mnl_attr_get_payload_len(a);
	}
	m->unsupported = tb[NHA_ENCAP] || tb[NHA_ENCAP_TYPE] || tb[NHA_FDB];
	if (!m->id)
		return -EINVAL;
	if (m->gw && !((m->family == AF_INET && m->gw_len == 4) ||
		       (m->family == AF_INET6 && m->gw_len == 16)))
		m->unsupported = true;
	return 0;
}

static void nh_store(struct sync_vr *vr, const struct nlmsghdr *nlh, const struct nh_msg *m)
{
	const struct nhmsg *nhm = mnl_nlmsg_get_payload(nlh);
	struct snh *nh = htab_find(&vr->nhs, &m->id);
	size_t i;

	if (!nh) {
		nh = calloc(1, sizeof(*nh));
		if (!nh)
			abort();
		nh->id = m->id;
		htab_add(&vr->nhs, &nh->h);
	}
	free(nh->grp);
	nh->grp = NULL;
	nh->n_grp = 0;
	nh->blackhole = m->blackhole;
	nh->unsupported = m->unsupported;
	memset(&nh->hop, 0, sizeof(nh->hop));
	nh->hop.ifindex = m->oif;
	nh->hop.flags = nhm->nh_flags & RTNH_F_ONLINK;
	if (m->gw) {
		nh->hop.gw_family = m->family;
		memcpy(nh->hop.gw, m->gw, m->gw_len);
	}
	if (m->n_grp) {
		nh->grp = calloc(m->n_grp, sizeof(*nh->grp));
		if (!nh->grp)
			abort();
		for (i = 0; i < m->n_grp && i < SYNC_MAX_NH; i++) {
			unsigned int w = ((unsigned int)m->grp[i].weight_high << 8) |
					 m->grp[i].weight;

			nh->grp[i].id = m->grp[i].id;
			nh->grp[i].hops = w > 255 ? 255 : w;	/* weight - 1 */
		}
		nh->n_grp = i;
		if (m->n_grp > SYNC_MAX_NH)
			nh->unsupported = true;
	}
}

static int nh_dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct sync_vr *vr = data;
	struct nh_msg m;

	if (nlh->nlmsg_type == RTM_NEWNEXTHOP && !parse_nh(nlh, &m))
		nh_store(vr, nlh, &m);
	return MNL_CB_OK;
}

int sync_nhs_dump(struct sync_vr *vr)
{
	char buf[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nhmsg *nhm;
	int err;

	htab_clear(&vr->nhs, sync_nh_free);
	nlh->nlmsg_type = RTM_GETNEXTHOP;
	nhm = mnl_nlmsg_put_extra_header(nlh, sizeof(*nhm));
	nhm->nh_family = AF_UNSPEC;
	err = nl_dump(vr->req, nlh, nh_dump_cb, vr);
	if (err == -EOPNOTSUPP || err == -EINVAL)
		return 0;	/* a kernel without nexthop objects */
	return err;
}

int sync_nh_resolve(struct sync_vr *vr, uint32_t id, struct rendered *out, bool *blackhole)
{
	struct snh *nh = htab_find(&vr->nhs, &id), *m;
	int i;

	*blackhole = false;
	out->n_nh = 0;
	if (!nh)
		return 0;
	if (nh->unsupported)
		return -1;
	if (nh->blackhole) {
		*blackhole = true;
		return 1;
	}
	if (!nh->n_grp) {
		if (!nh->hop.ifindex)
			return -1;
		out->nh[0] = nh->hop;
		out->n_nh = 1;
		return 1;
	}
	for (i = 0; i < nh->n_grp; i++) {
		m = htab_find(&vr->nhs, &nh->grp[i].id);
		if (!m || m->unsupported || m->blackhole || m->n_grp || !m->hop.ifindex)
			return -1;
		out->nh[i] = m->hop;
		out->nh[i].hops = nh->grp[i].hops;
	}
	out->n_nh = nh->n_grp;
	return out->n_nh ? 1 : -1;
}

/* Does the route's nexthop object ROUTE_NH use object ID (is it, or a
 * group holding it)?
 */
static bool nh_uses(struct sync_vr *vr, uint32_t route_nh, uint32_t id)
{
	struct snh *g;
	int i;

	if (route_nh == id)
		return true;
	g = htab_find(&vr->nhs, &route_nh);
	if (!g)
		return false;
	for (i = 0; i < g->n_grp; i++)
		if (g->grp[i].id == id)
			return true;
	return false;
}

void sync_nh_event(struct sync_vr *vr, const struct nlmsghdr *nlh)
{
	bool del = nlh->nlmsg_type == RTM_DELNEXTHOP;
	struct sroute *r;
	struct hnode *cur;
	struct nh_msg m;
	struct snh *nh;
	size_t pos;

	if (parse_nh(nlh, &m))
		return;
	pr_debug("VR %s: nexthop %u %s", vr->rec.name, m.id, del ? "deleted" : "changed");
	/* Dependents are found through the groups as they were. */
	htab_for_each(&vr->routes, pos, cur, r) {
		if (!r->has_main || !r->nh_id || !nh_uses(vr, r->nh_id, m.id))
			continue;
		r->gen = UINT32_MAX;	/* mark: re-rendered below */
	}
	if (del) {
		nh = htab_find(&vr->nhs, &m.id);
		if (nh) {
			htab_del(&vr->nhs, &nh->h);
			sync_nh_free(nh);
		}
	} else {
		nh_store(vr, nlh, &m);
	}
	htab_for_each(&vr->routes, pos, cur, r) {
		if (r->gen != UINT32_MAX)
			continue;
		r->gen = 0;
		if (del && r->nh_id == m.id)
			sync_route_drop(vr, r);		/* the kernel removed it */
		else
			sync_route_emit(vr, r);
	}
}
