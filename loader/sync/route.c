// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Routes and addresses: the VR's main table and its own addresses, as
 * wanted in its host table, and the requests that make the host table so.
 *
 * What is mirrored from the VR (RT_TABLE_MAIN only: its local table is
 * the kernel's bookkeeping, the VR's own addresses come from RTM_GETADDR):
 *   unicast              same prefix/tos/metric/protocol/scope, next hops
 *                        (gateway, weight, onlink) on the lower NICs;
 *                        multipath as multipath; RTA_NH_ID resolved
 *   blackhole/unreachable/prohibit/throw   as such
 *   the VR's addresses   local routes (/32, /128) on the host's lo: the
 *                        fast path passes traffic to them to the VR
 * Skipped: link-local fe80::/10 and multicast prefixes (the fast path
 * passes those addresses anyway), cloned (cache) routes, other types.
 * A route that cannot be mirrored becomes a throw route (see sync.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <linux/icmpv6.h>
#include <linux/rtnetlink.h>

#include "core/quota.h"
#include "sync.h"

#define IP6_RT_PRIO_USER	1024	/* the kernel's metric for 0 */

/* One route message, parsed (static scratch: never two at a time). */
struct route_msg {
	struct rkey key;
	uint32_t table;
	uint8_t type, protocol, scope;
	uint32_t rtm_flags;
	uint32_t nh_id;
	bool unsupported;
	bool extra;		/* attributes sync never writes: prefsrc, metrics (mtu), realm, pref, expiry */
	uint32_t mtu;		/* RTAX_MTU of its metrics, 0 if none */
	uint8_t src_len;	/* IPv6 source-specific route: from SRC/SRC_LEN */
	uint8_t src[16];
	uint16_t n_nh;
	struct snhop nh[SYNC_MAX_NH];
};

static struct route_msg scratch_msg;
static struct rendered scratch_want, scratch_have;

static int addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

void sync_route_free(void *e)
{
	struct sroute *r = e;

	free(r->nh);
	free(r);
}

/* ---- parsing ---- */

static void put_gw(struct snhop *h, int family, const void *addr, size_t len)
{
	if (len != (size_t)addr_len(family))
		return;
	h->gw_family = family;
	memset(h->gw, 0, sizeof(h->gw));
	memcpy(h->gw, addr, len);
}

static void put_via(struct snhop *h, const struct nlattr *a)
{
	const struct rtvia *via = mnl_attr_get_payload(a);
	size_t len = mnl_attr_get_payload_len(a);

	if (len < sizeof(*via))
		return;
	if (via->rtvia_family == AF_INET || via->rtvia_family == AF_INET6)
		put_gw(h, via->rtvia_family, via->rtvia_addr, len - sizeof(*via));
}

/* A next hop's gateway attributes (of the route, or of one of its
 * multipath next hops); lwt encapsulation cannot be mirrored.
 */
static void parse_hop(struct route_msg *m, struct snhop *h, const struct nlattr **tb, bool *has_gw)
{
	if (tb[RTA_GATEWAY]) {
		put_gw(h, m->key.family, mnl_attr_get_payload(tb[RTA_GATEWAY]),
		       mnl_attr_get_payload_len(tb[RTA_GATEWAY]));
		*has_gw = true;
	}
	if (tb[RTA_VIA]) {
		put_via(h, tb[RTA_VIA]);
		*has_gw = true;
	}
	if (tb[RTA_ENCAP] || tb[RTA_ENCAP_TYPE])
		m->unsupported = true;
}

static void parse_multipath(struct route_msg *m, const struct nlattr *a)
{
	const struct rtnexthop *rtnh = mnl_attr_get_payload(a);
	int len = mnl_attr_get_payload_len(a);
	const struct nlattr *tb[RTA_MAX + 1];
	struct snhop *h;
	bool has_gw;

	m->n_nh = 0;
	while (len >= (int)sizeof(*rtnh) && rtnh->rtnh_len >= sizeof(*rtnh) &&
	       rtnh->rtnh_len <= len) {
		if (m->n_nh == SYNC_MAX_NH) {
			m->unsupported = true;
			break;
		}
		h = &m->nh[m->n_nh++];
		memset(h, 0, sizeof(*h));
		h->ifindex = rtnh->rtnh_ifindex;
		h->hops = rtnh->rtnh_hops;
		h->flags = rtnh->rtnh_flags & RTNH_F_ONLINK;
		nl_attr_parse_payload(RTNH_DATA(rtnh), rtnh->rtnh_len - sizeof(*rtnh),
				      tb, RTA_MAX);
		parse_hop(m, h, tb, &has_gw);
		len -= RTNH_ALIGN(rtnh->rtnh_len);
		rtnh = RTNH_NEXT(rtnh);
	}
}

/* RTAX_MTU in a route's RTA_METRICS, 0 if none. */
static uint32_t route_mtu(const struct nlattr *metrics)
{
	const struct nlattr *tb[RTAX_MAX + 1];

	if (!metrics)
		return 0;
	nl_attr_parse_nested(metrics, tb, RTAX_MAX);
	return nl_attr_valid(tb[RTAX_MTU], MNL_TYPE_U32) ? mnl_attr_get_u32(tb[RTAX_MTU]) : 0;
}

static int parse_route(const struct nlmsghdr *nlh, struct route_msg *m)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[RTA_MAX + 1], *a;
	struct snhop single = { 0 };
	bool has_gw = false;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm))
		return -EINVAL;
	if (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6)
		return -EAFNOSUPPORT;
	memset(&m->key, 0, sizeof(m->key));
	m->key.family = rtm->rtm_family;
	m->key.dst_len = rtm->rtm_dst_len;
	m->key.tos = rtm->rtm_tos;
	m->table = rtm->rtm_table;
	m->type = rtm->rtm_type;
	m->protocol = rtm->rtm_protocol;
	m->scope = rtm->rtm_scope;
	m->rtm_flags = rtm->rtm_flags;
	m->src_len = rtm->rtm_src_len;
	memset(m->src, 0, sizeof(m->src));
	m->nh_id = 0;
	m->unsupported = false;
	m->n_nh = 0;
	nl_attr_parse(nlh, sizeof(*rtm), tb, RTA_MAX);
	if ((a = nl_attr_valid(tb[RTA_TABLE], MNL_TYPE_U32)))
		m->table = mnl_attr_get_u32(a);
	if ((a = tb[RTA_DST]) && mnl_attr_get_payload_len(a) == addr_len(m->key.family))
		memcpy(m->key.dst, mnl_attr_get_payload(a), addr_len(m->key.family));
	if ((a = tb[RTA_SRC]) && mnl_attr_get_payload_len(a) == addr_len(m->key.family))
		memcpy(m->src, mnl_attr_get_payload(a), addr_len(m->key.family));
	if ((a = nl_attr_valid(tb[RTA_PRIORITY], MNL_TYPE_U32)))
		m->key.prio = mnl_attr_get_u32(a);
	if ((a = nl_attr_valid(tb[RTA_NH_ID], MNL_TYPE_U32)))
		m->nh_id = mnl_attr_get_u32(a);
	m->mtu = route_mtu(tb[RTA_METRICS]);
	m->extra = tb[RTA_PREFSRC] || tb[RTA_METRICS] || tb[RTA_FLOW] || tb[RTA_EXPIRES] ||
		   ((a = nl_attr_valid(tb[RTA_PREF], MNL_TYPE_U8)) &&
		    mnl_attr_get_u8(a) != ICMPV6_ROUTER_PREF_MEDIUM);
	if ((a = nl_attr_valid(tb[RTA_OIF], MNL_TYPE_U32)))
		single.ifindex = mnl_attr_get_u32(a);
	parse_hop(m, &single, tb, &has_gw);
	if (tb[RTA_MULTIPATH]) {
		parse_multipath(m, tb[RTA_MULTIPATH]);
	} else if (nl_attr_valid(tb[RTA_OIF], MNL_TYPE_U32) || has_gw) {
		single.flags = m->rtm_flags & RTNH_F_ONLINK;
		m->nh[0] = single;
		m->n_nh = 1;
	}
	if (m->key.dst_len > addr_len(m->key.family) * 8 ||
	    m->src_len > addr_len(m->key.family) * 8)
		return -EINVAL;
	return 0;
}

static bool prefix_in(const struct rkey *k, uint8_t b0, uint8_t b1, uint8_t mask1,
		      unsigned int plen)
{
	return k->dst_len >= plen && k->dst[0] == b0 && (k->dst[1] & mask1) == b1;
}

/* A route of the VR that is mirrored. */
static bool vr_route_wanted(const struct route_msg *m)
{
	if (m->table != RT_TABLE_MAIN || (m->rtm_flags & RTM_F_CLONED))
		return false;
	if (m->key.family == AF_INET6 &&
	    (prefix_in(&m->key, 0xfe, 0x80, 0xc0, 10) ||	/* fe80::/10 */
	     prefix_in(&m->key, 0xff, 0, 0, 8)))		/* ff00::/8 */
		return false;
	if (m->key.family == AF_INET && m->key.dst_len >= 4 &&
	    (m->key.dst[0] & 0xf0) == 0xe0)			/* 224.0.0.0/4 */
		return false;
	switch (m->type) {
	case RTN_UNICAST:
	case RTN_LOCAL:
	case RTN_BLACKHOLE:
	case RTN_UNREACHABLE:
	case RTN_PROHIBIT:
	case RTN_THROW:
		return true;
	default:
		return false;
	}
}

/* ---- the wanted set ---- */

static struct sroute *route_get(struct sync_vr *vr, const struct rkey *key)
{
	struct sroute *r = htab_find(&vr->routes, key);

	if (r)
		return r;
	r = calloc(1, sizeof(*r));
	if (!r)
		abort();
	r->key = *key;
	htab_add(&vr->routes, &r->h);
	return r;
}

void sync_route_release(struct sync_vr *vr, struct sroute *r)
{
	if (r->has_main || r->n_local)
		return;
	htab_del(&vr->routes, &r->h);
	sync_route_free(r);
}

/*
 * R, just made or found for an event: if it is new to the VR's routes and
 * the VR is at its route quota, it is left out (true) until the follower
 * ranks the routes again (SYNC_DIRTY_QUOTA, coalesced and held like any
 * deferred work): the host table never holds more than the quota, and a
 * tenant's flood of routes costs one ranking per round, not a full pass
 * of its table per route.
 */
static bool quota_new(struct sync_vr *vr, struct sroute *r)
{
	if (r->has_main || r->n_local || vr->routes.n <= vr_route_quota(vr))
		return false;
	r->over_quota = true;
	sync_dirty(vr, SYNC_DIRTY_QUOTA);
	return true;
}

static void main_clear(struct sroute *r)
{
	free(r->nh);
	r->nh = NULL;
	r->n_nh = 0;
	r->nh_id = 0;
	r->has_main = false;
	r->unsupported = false;
}

static void main_set(struct sroute *r, const struct route_msg *m)
{
	main_clear(r);
	r->has_main = true;
	r->type = m->type;
	r->protocol = m->protocol;
	r->scope = m->scope;
	r->nh_id = m->nh_id;
	r->unsupported = m->unsupported;
	r->mtu = m->mtu;
	if (m->n_nh) {
		r->nh = malloc(m->n_nh * sizeof(*r->nh));
		if (!r->nh)
			abort();
		memcpy(r->nh, m->nh, m->n_nh * sizeof(*r->nh));
		r->n_nh = m->n_nh;
	}
}

static int cmp_nh(const void *a, const void *b)
{
	const struct snhop *x = a, *y = b;

	if (x->ifindex != y->ifindex)
		return x->ifindex < y->ifindex ? -1 : 1;
	if (x->gw_family != y->gw_family)
		return x->gw_family < y->gw_family ? -1 : 1;
	return memcmp(x->gw, y->gw, sizeof(x->gw));
}

static void render_local(const struct rkey *k, struct rendered *out)
{
	out->type = RTN_LOCAL;
	out->protocol = RTPROT_KERNEL;
	out->scope = k->family == AF_INET ? RT_SCOPE_HOST : RT_SCOPE_UNIVERSE;
	out->n_nh = 0;
}

static void render_throw(const struct sroute *r, struct rendered *out, const char *why)
{
	char a[INET6_ADDRSTRLEN];

	pr_debug("%s/%u: %s: a throw route (to the slow path)",
		 sync_addr_str(r->key.family, r->key.dst, a, sizeof(a)),
		 r->key.dst_len, why);
	out->type = RTN_THROW;
	out->scope = RT_SCOPE_UNIVERSE;
	out->n_nh = 0;
}

static void render_main(struct sync_vr *vr, const struct sroute *r, struct rendered *out)
{
	bool blackhole = false;
	int i, rc;

	out->protocol = r->protocol;
	out->scope = r->key.family == AF_INET ? r->scope : RT_SCOPE_UNIVERSE;
	out->n_nh = 0;
	switch (r->type) {
	case RTN_LOCAL:
		render_local(&r->key, out);
		out->protocol = r->protocol;
		return;
	case RTN_UNICAST:
		break;
	default:
		out->type = r->type;
		return;
	}
	if (r->unsupported)
		return render_throw(r, out, "encapsulation or too many next hops");
	/* The fast path checks the egress NIC's MTU, not a route's own: the
	 * VR's kernel sends what is larger than the route allows back.
	 */
	if (r->mtu)
		return render_throw(r, out, "an MTU metric");
	rc = 0;
	if (r->nh_id) {
		rc = sync_nh_resolve(vr, r->nh_id, out, &blackhole);
		if (rc < 0)
			return render_throw(r, out, "nexthop object that cannot be mirrored");
		if (rc > 0 && blackhole) {
			out->type = RTN_BLACKHOLE;
			out->n_nh = 0;
			return;
		}
	}
	if (rc == 0) {
		if (!r->n_nh)
			return render_throw(r, out, r->nh_id ? "unknown nexthop id" : "no next hop");
		memcpy(out->nh, r->nh, r->n_nh * sizeof(*r->nh));
		out->n_nh = r->n_nh;
	}
	if (!out->n_nh)
		return render_throw(r, out, "no next hop");
	for (i = 0; i < out->n_nh; i++) {
		uint32_t host = sync_link_host(vr, out->nh[i].ifindex);

		if (!host)
			return render_throw(r, out, "next hop on a device without a lower NIC");
		out->nh[i].ifindex = host;
		/* Over the quota, the connected route a gateway is checked
		 * against may be one left out: the device is given, so onlink.
		 */
		if (vr->routes_over && out->nh[i].gw_family)
			out->nh[i].flags |= RTNH_F_ONLINK;
	}
	if (out->n_nh == 1)
		out->nh[0].hops = 0;
	else
		qsort(out->nh, out->n_nh, sizeof(out->nh[0]), cmp_nh);
	out->type = RTN_UNICAST;
}

/* What R's key should be in the host table; type RTN_UNSPEC: nothing. */
static void render(struct sync_vr *vr, const struct sroute *r, struct rendered *out)
{
	if (r->over_quota) {
		out->type = RTN_UNSPEC;	/* its traffic: no route, the slow path */
		out->n_nh = 0;
	} else if (r->n_local) {
		render_local(&r->key, out);
	} else if (r->has_main) {
		render_main(vr, r, out);
	} else {
		out->type = RTN_UNSPEC;
		out->n_nh = 0;
	}
}

/* A host table's route in the same form. */
static void render_host(const struct route_msg *m, struct rendered *out)
{
	int i;

	out->type = m->type;
	out->protocol = m->protocol;
	out->scope = m->key.family == AF_INET ? m->scope : RT_SCOPE_UNIVERSE;
	out->n_nh = 0;
	if (m->type != RTN_UNICAST)
		return;
	out->n_nh = m->n_nh;
	memcpy(out->nh, m->nh, m->n_nh * sizeof(m->nh[0]));
	for (i = 0; i < out->n_nh; i++)
		out->nh[i].flags &= RTNH_F_ONLINK;
	if (out->n_nh == 1)
		out->nh[0].hops = 0;
	else
		qsort(out->nh, out->n_nh, sizeof(out->nh[0]), cmp_nh);
}

static bool rendered_eq(const struct rendered *a, const struct rendered *b)
{
	int i;

	if (a->type != b->type || a->protocol != b->protocol || a->scope != b->scope)
		return false;
	if (a->type != RTN_UNICAST)
		return true;
	if (a->n_nh != b->n_nh)
		return false;
	for (i = 0; i < a->n_nh; i++) {
		const struct snhop *x = &a->nh[i], *y = &b->nh[i];

		if (x->ifindex != y->ifindex || x->gw_family != y->gw_family ||
		    x->hops != y->hops || x->flags != y->flags ||
		    (x->gw_family && memcmp(x->gw, y->gw, addr_len(x->gw_family))))
			return false;
	}
	return true;
}

static bool rendered_has_gw(const struct rendered *w)
{
	int i;

	for (i = 0; i < w->n_nh; i++)
		if (w->nh[i].gw_family)
			return true;
	return false;
}

/* ---- logging ---- */

static const char *type_name(uint8_t t)
{
	switch (t) {
	case RTN_UNICAST: return "";
	case RTN_LOCAL: return "local ";
	case RTN_BLACKHOLE: return "blackhole ";
	case RTN_UNREACHABLE: return "unreachable ";
	case RTN_PROHIBIT: return "prohibit ";
	case RTN_THROW: return "throw ";
	default: return "? ";
	}
}

static void log_route(struct sync_vr *vr, const char *verb, const struct rkey *k,
		      uint32_t table, const struct rendered *w, int level)
{
	char line[1024], a[INET6_ADDRSTRLEN], dev[IF_NAMESIZE];
	size_t n = 0;
	int i;

	if (log_verbose() < level)
		return;
#define ADD(...) do { if (n < sizeof(line)) \
		n += snprintf(line + n, sizeof(line) - n, __VA_ARGS__); } while (0)
	ADD("%s%s/%u", w ? type_name(w->type) : "",
	    sync_addr_str(k->family, k->dst, a, sizeof(a)), k->dst_len);
	if (k->tos)
		ADD(" tos 0x%x", k->tos);
	for (i = 0; w && i < w->n_nh; i++) {
		const struct snhop *h = &w->nh[i];

		if (w->n_nh > 1)
			ADD(" nexthop");
		if (h->gw_family)
			ADD(" via %s%s", h->gw_family != k->family ? "inet6 " : "",
			    sync_addr_str(h->gw_family, h->gw, a, sizeof(a)));
		ADD(" dev %s", sync_ifname(h->ifindex, dev));
		if (w->n_nh > 1)
			ADD(" weight %u", h->hops + 1);
		if (h->flags & RTNH_F_ONLINK)
			ADD(" onlink");
	}
	if (k->prio)
		ADD(" metric %u", k->prio);
	ADD(" table %u", table);
#undef ADD
	if (level <= 1)
		pr_info("VR %s: route %s %s", vr->rec.name, verb, line);
	else
		pr_debug("VR %s: route %s %s", vr->rec.name, verb, line);
}

/* ---- requests ---- */

static void put_dst(struct nlmsghdr *nlh, struct rtmsg *rtm, const struct rkey *k,
		    uint32_t table)
{
	rtm->rtm_family = k->family;
	rtm->rtm_dst_len = k->dst_len;
	rtm->rtm_tos = k->tos;
	rtm->rtm_table = table < 256 ? table : RT_TABLE_UNSPEC;
	mnl_attr_put_u32(nlh, RTA_TABLE, table);
	if (k->dst_len)
		mnl_attr_put(nlh, RTA_DST, addr_len(k->family), k->dst);
	if (k->prio)
		mnl_attr_put_u32(nlh, RTA_PRIORITY, k->prio);
}

static void put_nh_gw(struct nlmsghdr *nlh, int family, const struct snhop *h)
{
	char via[sizeof(struct rtvia) + 16];
	struct rtvia *v = (struct rtvia *)via;

	if (!h->gw_family)
		return;
	if (h->gw_family == family) {
		mnl_attr_put(nlh, RTA_GATEWAY, addr_len(family), h->gw);
		return;
	}
	v->rtvia_family = h->gw_family;
	memcpy(v->rtvia_addr, h->gw, addr_len(h->gw_family));
	mnl_attr_put(nlh, RTA_VIA, sizeof(*v) + addr_len(h->gw_family), via);
}

static void queue_replace(struct sync *s, uint32_t id, uint32_t table,
			  const struct rkey *k, const struct rendered *w)
{
	struct nlmsghdr *nlh = sync_batch_msg(s);
	struct bop op = { .vr_id = id, .table = table, .kind = 'a', .key = *k };
	struct rtmsg *rtm;
	int i;

	nlh->nlmsg_type = RTM_NEWROUTE;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	put_dst(nlh, rtm, k, table);
	rtm->rtm_type = w->type;
	rtm->rtm_protocol = w->protocol;
	rtm->rtm_scope = w->scope;
	if (w->type == RTN_LOCAL) {
		mnl_attr_put_u32(nlh, RTA_OIF, SYNC_LO_IFINDEX);
	} else if (w->type == RTN_UNICAST && w->n_nh == 1) {
		mnl_attr_put_u32(nlh, RTA_OIF, w->nh[0].ifindex);
		put_nh_gw(nlh, k->family, &w->nh[0]);
		rtm->rtm_flags |= w->nh[0].flags;
	} else if (w->type == RTN_UNICAST) {
		struct nlattr *mp = mnl_attr_nest_start(nlh, RTA_MULTIPATH);

		for (i = 0; i < w->n_nh; i++) {
			struct rtnexthop *rtnh = mnl_nlmsg_get_payload_tail(nlh);

			nlh->nlmsg_len += RTNH_ALIGN(sizeof(*rtnh));
			memset(rtnh, 0, sizeof(*rtnh));
			rtnh->rtnh_ifindex = w->nh[i].ifindex;
			rtnh->rtnh_hops = w->nh[i].hops;
			rtnh->rtnh_flags = w->nh[i].flags;
			put_nh_gw(nlh, k->family, &w->nh[i]);
			rtnh->rtnh_len = (char *)mnl_nlmsg_get_payload_tail(nlh) - (char *)rtnh;
		}
		mnl_attr_nest_end(nlh, mp);
	}
	sync_batch_commit(s, nlh, &op);
}

/* Delete K (the first route of that key: IPv4 keeps routes appended
 * under one key in order), or with SRC_LEN the IPv6 route of K from SRC.
 */
static void queue_delete_from(struct sync *s, uint32_t id, uint32_t table, const struct rkey *k,
			      uint8_t src_len, const uint8_t *src)
{
	struct nlmsghdr *nlh = sync_batch_msg(s);
	struct bop op = { .vr_id = id, .table = table, .kind = 'd', .key = *k };
	struct rtmsg *rtm;

	nlh->nlmsg_type = RTM_DELROUTE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	put_dst(nlh, rtm, k, table);
	rtm->rtm_scope = RT_SCOPE_NOWHERE;
	if (src_len) {
		rtm->rtm_src_len = src_len;
		mnl_attr_put(nlh, RTA_SRC, addr_len(k->family), src);
	}
	sync_batch_commit(s, nlh, &op);
}

static void queue_delete(struct sync *s, uint32_t id, uint32_t table, const struct rkey *k)
{
	queue_delete_from(s, id, table, k, 0, NULL);
}

void sync_route_emit(struct sync_vr *vr, struct sroute *r)
{
	struct rendered *w = &scratch_want;

	render(vr, r, w);
	if (w->type == RTN_UNSPEC) {
		queue_delete(vr->s, vr->id, vr->rec.table_id, &r->key);
		log_route(vr, "del", &r->key, vr->rec.table_id, NULL, 1);
		vr->n_del++;
	} else {
		queue_replace(vr->s, vr->id, vr->rec.table_id, &r->key, w);
		log_route(vr, "replace", &r->key, vr->rec.table_id, w, 1);
		vr->n_repl++;
	}
}

void sync_route_drop(struct sync_vr *vr, struct sroute *r)
{
	main_clear(r);
	sync_route_emit(vr, r);
	sync_route_release(vr, r);
}

/* ---- dumps of the VR ---- */

static void dump_req(char *buf, int type, int family, uint32_t table)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;

	nlh->nlmsg_type = type;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = family;
	if (table) {
		rtm->rtm_table = table < 256 ? table : RT_TABLE_UNSPEC;
		mnl_attr_put_u32(nlh, RTA_TABLE, table);
	}
}

static int vr_route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct sync_vr *vr = data;
	struct route_msg *m = &scratch_msg;

	if (nlh->nlmsg_type != RTM_NEWROUTE || parse_route(nlh, m) || !vr_route_wanted(m))
		return MNL_CB_OK;
	main_set(route_get(vr, &m->key), m);
	return MNL_CB_OK;
}

static void local_key(const struct saddr_key *a, struct rkey *k)
{
	memset(k, 0, sizeof(*k));
	k->family = a->family;
	k->dst_len = a->family == AF_INET ? 32 : 128;
	k->prio = a->family == AF_INET ? 0 : IP6_RT_PRIO_USER;
	memcpy(k->dst, a->addr, sizeof(k->dst));
}

int sync_routes_dump(struct sync_vr *vr)
{
	static const int fams[] = { AF_INET, AF_INET6 };
	char buf[256];
	struct saddr *a;
	struct hnode *cur;
	struct rkey k;
	size_t pos;
	int i, err, ret = 0;

	htab_clear(&vr->routes, sync_route_free);
	for (i = 0; i < 2; i++) {
		dump_req(buf, RTM_GETROUTE, fams[i], RT_TABLE_MAIN);
		err = nl_dump(vr->req, (struct nlmsghdr *)buf, vr_route_cb, vr);
		if (err == -EINTR)
			ret = err;
		else if (err)
			return err;
	}
	htab_for_each(&vr->addrs, pos, cur, a) {
		local_key(&a->key, &k);
		route_get(vr, &k)->n_local++;
	}
	return ret;
}

/* ---- addresses ---- */

/* An address of the VR that becomes a local route. */
static int parse_addr(const struct nlmsghdr *nlh, struct saddr_key *k)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFA_MAX + 1], *a;
	const uint8_t *p;
	size_t len;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifa))
		return -EINVAL;
	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return -EAFNOSUPPORT;
	nl_attr_parse(nlh, sizeof(*ifa), tb, IFA_MAX);
	/* IPv4: IFA_LOCAL is the address (IFA_ADDRESS the peer's on p-t-p). */
	a = ifa->ifa_family == AF_INET && tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!a)
		return -EINVAL;
	p = mnl_attr_get_payload(a);
	len = mnl_attr_get_payload_len(a);
	if (len != (size_t)addr_len(ifa->ifa_family))
		return -EINVAL;
	memset(k, 0, sizeof(*k));
	k->family = ifa->ifa_family;
	k->plen = ifa->ifa_prefixlen;
	k->ifindex = ifa->ifa_index;
	memcpy(k->addr, p, len);
	if (k->family == AF_INET) {
		if (p[0] == 127 || p[0] == 0 || (p[0] & 0xf0) == 0xe0)
			return -EINVAL;
	} else {
		static const uint8_t loop6[16] = { [15] = 1 };
		static const uint8_t any6[16];

		if (!memcmp(p, loop6, 16) || !memcmp(p, any6, 16) || p[0] == 0xff ||
		    (p[0] == 0xfe && (p[1] & 0xc0) == 0x80))
			return -EINVAL;
	}
	return 0;
}

static int vr_addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct sync_vr *vr = data;
	struct saddr_key k;
	struct saddr *a;

	if (nlh->nlmsg_type != RTM_NEWADDR || parse_addr(nlh, &k))
		return MNL_CB_OK;
	if (htab_find(&vr->addrs, &k))
		return MNL_CB_OK;
	a = calloc(1, sizeof(*a));
	if (!a)
		abort();
	a->key = k;
	htab_add(&vr->addrs, &a->h);
	return MNL_CB_OK;
}

int sync_addrs_dump(struct sync_vr *vr)
{
	char buf[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;

	htab_clear(&vr->addrs, free);
	nlh->nlmsg_type = RTM_GETADDR;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_UNSPEC;
	return nl_dump(vr->req, nlh, vr_addr_cb, vr);
}

void sync_addr_event(struct sync_vr *vr, const struct nlmsghdr *nlh)
{
	struct saddr_key k;
	struct saddr *a;
	struct sroute *r;
	struct rkey rk;
	bool held;

	if (parse_addr(nlh, &k))
		return;
	a = htab_find(&vr->addrs, &k);
	local_key(&k, &rk);
	if (nlh->nlmsg_type == RTM_NEWADDR) {
		if (a)
			return;		/* a flag changed (e.g. DAD done) */
		a = calloc(1, sizeof(*a));
		if (!a)
			abort();
		a->key = k;
		htab_add(&vr->addrs, &a->h);
		r = route_get(vr, &rk);
		held = quota_new(vr, r);
		if (r->n_local++ == 0 && !held)
			sync_route_emit(vr, r);
		return;
	}
	if (!a)
		return;
	htab_del(&vr->addrs, &a->h);
	free(a);
	r = htab_find(&vr->routes, &rk);
	if (!r || !r->n_local)
		return;
	if (--r->n_local == 0) {
		sync_route_emit(vr, r);
		sync_route_release(vr, r);
	}
}

/* ---- events ---- */

static bool same_hop(const struct snhop *a, const struct snhop *b)
{
	return a->ifindex == b->ifindex && a->gw_family == b->gw_family &&
	       !memcmp(a->gw, b->gw, sizeof(a->gw));
}

/* IPv6 reports one leg of a multipath route when only that leg is
 * removed (`ip -6 route del P via G`): take it out of the stored route.
 * True if legs remain.
 */
static bool remove_legs(struct sroute *r, const struct route_msg *m)
{
	int i, j, n = 0;

	for (i = 0; i < r->n_nh; i++) {
		for (j = 0; j < m->n_nh; j++)
			if (same_hop(&r->nh[i], &m->nh[j]))
				break;
		if (j == m->n_nh)
			r->nh[n++] = r->nh[i];
	}
	if (n == r->n_nh || n == 0)
		return false;
	r->n_nh = n;
	return true;
}

void sync_route_event(struct sync_vr *vr, const struct nlmsghdr *nlh)
{
	struct route_msg *m = &scratch_msg;
	struct sroute *r;
	bool held;

	if (parse_route(nlh, m) || !vr_route_wanted(m))
		return;
	if (nlh->nlmsg_type == RTM_NEWROUTE) {
		r = route_get(vr, &m->key);
		held = quota_new(vr, r);
		main_set(r, m);
		if (!held)
			sync_route_emit(vr, r);
		return;
	}
	r = htab_find(&vr->routes, &m->key);
	if (!r || !r->has_main)
		return;
	if (vr->routes_over)
		sync_dirty(vr, SYNC_DIRTY_QUOTA);	/* room for a route left out */
	if (m->key.family == AF_INET6 && !m->nh_id && !r->nh_id && r->n_nh > 1 &&
	    m->n_nh >= 1 && remove_legs(r, m)) {
		sync_route_emit(vr, r);
		return;
	}
	main_clear(r);
	sync_route_emit(vr, r);
	sync_route_release(vr, r);
}

/* ---- the route quota ---- */

uint32_t vr_route_quota(const struct sync_vr *vr)
{
	struct vr_quota q;

	vr_quota_of(&vr->rec, &q);
	return q.routes;
}

/* Most specific first; among equals, the lowest metric (the kernel's pick)
 * first, then by family and prefix: a total order, the same routes kept
 * every time, so that ranking again moves only those at the boundary.
 */
static int cmp_specific(const void *a, const void *b)
{
	const struct sroute *x = *(const struct sroute *const *)a;
	const struct sroute *y = *(const struct sroute *const *)b;

	if (x->key.dst_len != y->key.dst_len)
		return x->key.dst_len > y->key.dst_len ? -1 : 1;
	if (x->key.prio != y->key.prio)
		return x->key.prio < y->key.prio ? -1 : 1;
	if (x->key.family != y->key.family)
		return x->key.family < y->key.family ? -1 : 1;
	return memcmp(x->key.dst, y->key.dst, sizeof(x->key.dst));
}

static size_t partition(struct sroute **v, size_t lo, size_t hi)
{
	struct sroute *p = v[lo + (hi - lo) / 2], *t;
	size_t i = lo - 1, j = hi + 1;	/* unsigned: lo - 1 wraps, i++ first */

	for (;;) {
		do
			i++;
		while (cmp_specific(&v[i], &p) < 0);
		do
			j--;
		while (cmp_specific(&v[j], &p) > 0);
		if (i >= j)
			return j;
		t = v[i];
		v[i] = v[j];
		v[j] = t;
	}
}

/* V (N routes) reordered so that its K first are the K most specific,
 * in no particular order: a quickselect (Hoare), linear on average where
 * a sort is n log n (20,000 routes ranked again per change over quota).
 */
static void most_specific_first(struct sroute **v, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1, j;

	while (n && lo < hi) {
		j = partition(v, lo, hi);
		if (k <= j)
			hi = j;
		else
			lo = j + 1;
	}
}

/*
 * Over the quota, the most specific routes are the ones kept: a dropped
 * route is never more specific than a kept one, so a frame it would have
 * matched finds either a more specific kept route (as in the VR) or no
 * route in the host table (the slow path); never a wrong one.
 */
void sync_routes_quota(struct sync_vr *vr)
{
	struct vr_quota q = { .routes = vr_route_quota(vr) };
	struct sroute *r, **v = NULL;
	struct hnode *cur;
	size_t pos, n = 0, i;

	htab_for_each(&vr->routes, pos, cur, r) {
		r->over_quota = false;
		n += r->has_main || r->n_local;
	}
	if (n > q.routes) {
		v = malloc(n * sizeof(*v));
		if (!v)
			abort();
		n = 0;
		htab_for_each(&vr->routes, pos, cur, r)
			if (r->has_main || r->n_local)
				v[n++] = r;
		sync_follow_yield(vr->s);
		most_specific_first(v, n, q.routes);
		for (i = q.routes; i < n; i++)
			v[i]->over_quota = true;
		free(v);
	}
	if ((n > q.routes) != vr->routes_over) {
		vr->routes_over = n > q.routes;
		if (vr->routes_over)
			pr_warn("VR %s: %zu routes, over its quota of %u: the %zu least specific "
				"are not mirrored (their traffic takes the slow path)",
				vr->rec.name, n, q.routes, n - q.routes);
		else
			pr_warn("VR %s: %zu routes, within its quota of %u again", vr->rec.name,
				n, q.routes);
	}
}

void sync_routes_requota(struct sync_vr *vr)
{
	bool was_over = vr->routes_over;
	struct hnode *cur;
	struct sroute *r;
	size_t pos;

	htab_for_each(&vr->routes, pos, cur, r)
		r->quota_was = r->over_quota;
	sync_follow_yield(vr->s);
	sync_routes_quota(vr);
	sync_follow_yield(vr->s);
	/* Crossed the quota: every gateway route renders otherwise (onlink). */
	if (vr->routes_over != was_over) {
		sync_dirty(vr, SYNC_DIRTY_FULL);
		return;
	}
	htab_for_each(&vr->routes, pos, cur, r)
		if (r->over_quota != r->quota_was)
			sync_route_emit(vr, r);
}

/* ---- the host table ---- */

struct host_pass {
	struct sync *s;
	struct sync_vr *vr;		/* NULL: delete everything */
	uint32_t id, table;
};

/* A host route under a key the VR wants: the same, to replace, or one of
 * several IPv4 routes appended under the key (a replace would change only
 * the first): then they are all deleted, and the wanted one added after.
 */
static void host_wanted(struct host_pass *p, struct sroute *r, const struct route_msg *m)
{
	struct sync_vr *vr = p->vr;

	if (r->gen != vr->gen) {
		r->gen = vr->gen;
		r->host_n = 0;
	}
	if (r->host_n < UINT16_MAX)
		r->host_n++;
	if (r->host_n == 1) {
		render_host(m, &scratch_have);
		r->host_same = !m->extra && !m->nh_id &&
			       rendered_eq(&scratch_want, &scratch_have);
		vr->n_same += r->host_same;
		return;
	}
	if (r->host_n == 2) {
		vr->n_same -= r->host_same;
		r->host_same = false;
		queue_delete(p->s, p->id, p->table, &m->key);	/* the first */
		vr->n_del++;
	}
	queue_delete(p->s, p->id, p->table, &m->key);
	log_route(vr, "del", &m->key, p->table, NULL, 2);
	vr->n_del++;
}

static int host_route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct host_pass *p = data;
	struct route_msg *m = &scratch_msg;
	struct sync_vr *vr = p->vr;
	struct sroute *r;

	if (nlh->nlmsg_type != RTM_NEWROUTE || parse_route(nlh, m))
		return MNL_CB_OK;
	if (m->table != p->table || (m->rtm_flags & RTM_F_CLONED))
		return MNL_CB_OK;
	/* A source-specific route is never one sync writes. */
	r = vr && !m->src_len ? htab_find(&vr->routes, &m->key) : NULL;
	if (r)
		render(vr, r, &scratch_want);
	if (r && scratch_want.type != RTN_UNSPEC) {
		host_wanted(p, r, m);
		return MNL_CB_OK;
	}
	queue_delete_from(p->s, p->id, p->table, &m->key, m->src_len, m->src);
	if (vr) {
		log_route(vr, "del", &m->key, p->table, NULL, 2);
		vr->n_del++;
	}
	return MNL_CB_OK;
}

static int host_dump(struct host_pass *p)
{
	static const int fams[] = { AF_INET, AF_INET6 };
	char buf[256];
	int i, err, ret = 0;

	for (i = 0; i < 2; i++) {
		dump_req(buf, RTM_GETROUTE, fams[i], p->table);
		err = nl_dump(p->s->hdump, (struct nlmsghdr *)buf, host_route_cb, p);
		if (err == -ENOENT)
			continue;	/* no such table (yet) */
		if (err == -EINTR)
			ret = err;
		else if (err)
			return err;
	}
	return ret;
}

/* The order in which the kernel accepts a table's routes: a gateway is
 * validated against the routes already there (the connected route of its
 * device; IPv6 refuses one that resolves to a reject route), so routes
 * without a gateway and local routes come first, then gateway routes,
 * then blackhole, unreachable, prohibit and throw routes.
 */
static int tier_of(const struct rendered *w)
{
	if (w->type == RTN_LOCAL || (w->type == RTN_UNICAST && !rendered_has_gw(w)))
		return 0;
	return w->type == RTN_UNICAST ? 1 : 2;
}

/* What the host lacks or holds otherwise, of TIER. */
static void host_queue_tier(struct sync_vr *vr, int tier)
{
	struct rendered *w = &scratch_want;
	struct sroute *r;
	struct hnode *cur;
	size_t pos;
	bool found;

	htab_for_each(&vr->routes, pos, cur, r) {
		sync_follow_yield(vr->s);	/* 20,000 multipath routes: long */
		found = r->gen == vr->gen;
		if (found && r->host_same)
			continue;
		render(vr, r, w);
		if (w->type == RTN_UNSPEC || tier_of(w) != tier)
			continue;
		queue_replace(vr->s, vr->id, vr->rec.table_id, &r->key, w);
		if (found && r->host_n == 1) {
			log_route(vr, "replace", &r->key, vr->rec.table_id, w, 2);
			vr->n_repl++;
		} else {
			log_route(vr, "add", &r->key, vr->rec.table_id, w, 2);
			vr->n_add++;
		}
	}
}

int sync_routes_host_pass(struct sync_vr *vr)
{
	struct host_pass p = {
		.s = vr->s, .vr = vr, .id = vr->id, .table = vr->rec.table_id,
	};
	int err, tier;

	/* The dump queues the deletions: they go first. */
	err = host_dump(&p);
	if (err && err != -EINTR)
		return err;
	for (tier = 0; tier < 3; tier++)
		host_queue_tier(vr, tier);
	return err;
}

/* ---- retries ---- */

enum retry { RETRY_AS_IS, RETRY_DELETE_FIRST };

/* Queue again the VR's requests the host refused in the last flush,
 * rendered anew (HOW: as they are, or after deleting their key, for an
 * entry that cannot be replaced); the other VRs' refusals stay kept.
 * How many.
 */
static size_t requeue(struct sync_vr *vr, enum retry how)
{
	struct batch *b = &vr->s->b;
	struct rendered *w = &scratch_want;
	uint32_t table = vr->rec.table_id;
	size_t i, kept = 0, n = 0;
	struct sroute *r;

	for (i = 0; i < b->n_fail; i++) {
		const struct bop *op = &b->fails[i].op;

		if (op->vr_id != vr->id || op->table != table) {
			b->fails[kept++] = b->fails[i];
			continue;
		}
		n++;
		r = htab_find(&vr->routes, &op->key);
		w->type = RTN_UNSPEC;
		if (r)
			render(vr, r, w);
		if (how == RETRY_DELETE_FIRST || w->type == RTN_UNSPEC)
			queue_delete(vr->s, vr->id, table, &op->key);
		if (w->type != RTN_UNSPEC)
			queue_replace(vr->s, vr->id, table, &op->key, w);
	}
	b->n_fail = kept;
	return n;
}

/* A throw route for each route the host still refuses, so that the fast
 * path hands its traffic to the VR instead of forwarding it by what the
 * table held or by a less specific route.  How many.
 */
static size_t queue_throws(struct sync_vr *vr)
{
	struct batch *b = &vr->s->b;
	struct rendered *w = &scratch_want;
	size_t i, n = 0;
	struct sroute *r;

	for (i = 0; i < b->n_fail; i++) {
		const struct bop *op = &b->fails[i].op;

		if (op->vr_id != vr->id || op->table != vr->rec.table_id || op->kind != 'a' ||
		    !(r = htab_find(&vr->routes, &op->key)))
			continue;
		render(vr, r, w);
		if (w->type == RTN_UNSPEC)
			continue;
		w->type = RTN_THROW;
		w->scope = RT_SCOPE_UNIVERSE;
		w->n_nh = 0;
		queue_replace(vr->s, vr->id, op->table, &op->key, w);
		n++;
	}
	return n;
}

int sync_routes_converge(struct sync_vr *vr)
{
	static const char *const how[] = { "once more", "with their keys deleted first" };
	struct sync *s = vr->s;
	int err, round;
	size_t n;

	s->b.keep = true;
	err = sync_batch_flush(s);
	for (round = RETRY_AS_IS; !err && round <= RETRY_DELETE_FIRST; round++) {
		n = requeue(vr, round);
		if (!n)
			break;
		pr_debug("VR %s: %zu route requests refused: sent %s", vr->rec.name, n, how[round]);
		err = sync_batch_flush(s);
	}
	s->b.keep = false;
	if (!err && queue_throws(vr))
		err = sync_batch_flush(s);
	sync_batch_report(s);
	return err;
}
