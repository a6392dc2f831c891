// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A VR as sync sees it: its namespace (opened, with its sockets), its
 * links and their lower NICs, the full pass.  A VR whose namespace or
 * record is gone is forgotten with the core's vr_router_forget().
 *
 * Lower NIC of a link in the VR: only macvlans have one.  The kernel
 * reports IFLA_LINK (the lower's ifindex) with IFLA_LINK_NETNSID (the
 * lower's namespace as the VR names it); when that namespace is the one
 * vrctl runs in (RTM_GETNSID of our namespace inside the VR), IFLA_LINK
 * is the host ifindex.  Never by name: a tenant names its links as it
 * likes, "out1" over a veth of its own included.
 *
 * A tenant may create links in its namespace, but none stacked on the
 * shared NICs, and it may not change how vrctl's macvlan meets the NIC:
 * guard.c decides, after every dump and link event.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <linux/fib_rules.h>
#include <linux/if_link.h>
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>

#include "core/maps.h"
#include "core/router.h"
#include "nl/netlink.h"
#include "sync.h"

#define EV_RCVBUF	(32 << 20)

static const unsigned int vr_groups[] = {
	RTNLGRP_LINK, RTNLGRP_NEIGH, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR,
	RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE, RTNLGRP_NEXTHOP,
	RTNLGRP_IPV4_NETCONF,	/* rp_filter changes */
	RTNLGRP_IPV4_RULE, RTNLGRP_IPV6_RULE,
};

static void free_plain(void *e)
{
	free(e);
}

struct sync_vr *sync_vr_new(struct sync *s, uint32_t id, const struct vr_router *rec)
{
	struct sync_vr *vr = calloc(1, sizeof(*vr));

	if (!vr)
		return NULL;
	vr->s = s;
	vr->id = id;
	vr->rec = *rec;
	vr->rec.name[VR_NAME_MAX - 1] = '\0';
	vr->nsfd = -1;
	vr->host_nsid = -1;
	vr->backoff = 1;
	htab_init(&vr->links, offsetof(struct slink, ifindex), sizeof(uint32_t));
	htab_init(&vr->routes, offsetof(struct sroute, key), sizeof(struct rkey));
	htab_init(&vr->nhs, offsetof(struct snh, id), sizeof(uint32_t));
	htab_init(&vr->addrs, offsetof(struct saddr, key), sizeof(struct saddr_key));
	return vr;
}

static void clear_state(struct sync_vr *vr)
{
	htab_clear(&vr->links, free_plain);
	htab_clear(&vr->routes, sync_route_free);
	htab_clear(&vr->nhs, sync_nh_free);
	htab_clear(&vr->addrs, free_plain);
}

void sync_vr_free(struct sync_vr *vr)
{
	if (!vr)
		return;
	sync_vr_detach(vr);
	htab_fini(&vr->links, free_plain);
	htab_fini(&vr->routes, sync_route_free);
	htab_fini(&vr->nhs, sync_nh_free);
	htab_fini(&vr->addrs, free_plain);
	free(vr);
}

/* The event sockets' receive buffer; VRCTL_SYNC_EVBUF (bytes) overrides
 * it, so that tests can make events overflow it (ENOBUFS -> full pass).
 */
static int ev_rcvbuf(void)
{
	const char *v = getenv("VRCTL_SYNC_EVBUF");
	uint32_t n;

	if (v && !parse_u32(v, 4096, 1u << 30, &n))
		return (int)n;
	return EV_RCVBUF;
}

/* The VR's event socket (--follow), subscribed before the first dump:
 * nothing falls in between.
 */
static int ev_open(struct sync_vr *vr)
{
	int err;

	err = nl_open_fd(NETLINK_ROUTE, vr->nsfd, NL_NONBLOCK, &vr->ev);
	if (!err)
		err = nl_subscribe(vr->ev, vr_groups, sizeof(vr_groups) / sizeof(vr_groups[0]));
	if (!err)
		err = nl_rcvbuf(vr->ev, ev_rcvbuf());
	return err;
}

int sync_vr_attach(struct sync_vr *vr)
{
	struct stat st;
	int err;

	if (vr->nsfd >= 0)
		return 0;
	vr->nsfd = netns_open(vr->rec.name);
	if (vr->nsfd < 0)
		return vr->nsfd;
	if (fstat(vr->nsfd, &st) < 0) {
		err = -errno;
		goto fail;
	}
	/* By identity: a namespace of that name made by someone else is not
	 * the VR's, and nothing of it is mirrored.
	 */
	if (vr->rec.netns_ino && (st.st_dev != vr->rec.netns_dev ||
				  st.st_ino != vr->rec.netns_ino)) {
		pr_warn("VR %s: /run/netns/%s is not the namespace add-router made "
			"(replaced?): it is not followed", vr->rec.name, vr->rec.name);
		close(vr->nsfd);
		vr->nsfd = -1;
		return -ENOENT;
	}
	vr->ns_dev = st.st_dev;
	vr->ns_ino = st.st_ino;
	vr->host_nsid = -1;
	err = nl_open_fd(NETLINK_ROUTE, vr->nsfd, NL_STRICT, &vr->req);
	if (!err && vr->s->fw)
		err = ev_open(vr);
	if (err)
		goto fail;
	vr->resync = true;
	return 0;
fail:
	pr_err("VR %s: cannot open its namespace's netlink sockets: %s",
	       vr->rec.name, strerror(-err));
	sync_vr_detach(vr);
	return err;
}

void sync_vr_detach(struct sync_vr *vr)
{
	nl_close(vr->ev);
	nl_close(vr->req);
	if (vr->nsfd >= 0)
		close(vr->nsfd);
	vr->ev = vr->req = NULL;
	vr->nsfd = -1;
	clear_state(vr);
}

/* ---- links ---- */

struct link_msg {
	uint32_t ifindex, flags, link;
	int32_t link_nsid;
	bool has_link, has_nsid, has_addr;
	const uint8_t *addr;		/* IFLA_ADDRESS, VR_ETH_ALEN bytes */
	const char *name, *kind;
	const struct nlattr *linkinfo;	/* IFLA_LINKINFO, or NULL */
};

static int parse_link(const struct nlmsghdr *nlh, struct link_msg *m)
{
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFLA_MAX + 1];

	memset(m, 0, sizeof(*m));
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifm))
		return -EINVAL;
	m->ifindex = ifm->ifi_index;
	m->flags = ifm->ifi_flags;
	nl_attr_parse(nlh, sizeof(*ifm), tb, IFLA_MAX);
	if (nl_attr_valid(tb[IFLA_IFNAME], MNL_TYPE_NUL_STRING))
		m->name = mnl_attr_get_str(tb[IFLA_IFNAME]);
	if (nl_attr_valid(tb[IFLA_LINK], MNL_TYPE_U32)) {
		m->link = mnl_attr_get_u32(tb[IFLA_LINK]);
		m->has_link = true;
	}
	if (nl_attr_valid(tb[IFLA_LINK_NETNSID], MNL_TYPE_U32)) {
		m->link_nsid = (int32_t)mnl_attr_get_u32(tb[IFLA_LINK_NETNSID]);
		m->has_nsid = true;
	}
	if (tb[IFLA_ADDRESS] && mnl_attr_get_payload_len(tb[IFLA_ADDRESS]) == VR_ETH_ALEN) {
		m->addr = mnl_attr_get_payload(tb[IFLA_ADDRESS]);
		m->has_addr = true;
	}
	m->linkinfo = tb[IFLA_LINKINFO];
	m->kind = nl_linkinfo_kind(m->linkinfo);
	return 0;
}

/* The host ifindex of M's lower device, 0 if it is not in vrctl's namespace. */
static uint32_t lower_of(const struct sync_vr *vr, const struct link_msg *m)
{
	if (m->has_link && m->has_nsid && vr->host_nsid >= 0 && m->link_nsid == vr->host_nsid)
		return m->link;
	return 0;
}

/* The link of M into the VR's table; guard.c then says whether vrctl made
 * it.  True if it is new on a shared NIC, moved, or vrctl's and went up or
 * down (or lost or found its carrier).
 */
static bool link_update(struct sync_vr *vr, const struct link_msg *m)
{
	struct slink *l = htab_find(&vr->links, &m->ifindex);
	uint32_t lower = lower_of(vr, m);
	bool changed;

	if (!l) {
		l = calloc(1, sizeof(*l));
		if (!l)
			abort();
		l->ifindex = m->ifindex;
		htab_add(&vr->links, &l->h);
		changed = lower != 0;
	} else {
		changed = l->lower != lower ||
			  (l->host_ifindex && ((l->flags ^ m->flags) & (IFF_UP | SYNC_IFF_LOWER_UP)));
		/* Carrier seen changing, in a dump or an event: the VR's kernel
		 * drops or keeps next hops after it; look again (follower).
		 */
		if (l->host_ifindex && ((l->flags ^ m->flags) & SYNC_IFF_LOWER_UP))
			vr->carrier_passes = SYNC_CARRIER_PASSES;
	}
	l->lower = lower;
	l->flags = m->flags;
	l->gen = vr->gen;
	if (m->name)
		snprintf(l->name, sizeof(l->name), "%s", m->name);
	snprintf(l->kind, sizeof(l->kind), "%s", m->kind ? m->kind : "link");
	sync_link_cfg(m->linkinfo, m->has_addr ? m->addr : NULL, &l->cfg);
	return changed;
}

static int link_dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct sync_vr *vr = data;
	struct link_msg m;

	if (nlh->nlmsg_type == RTM_NEWLINK && !parse_link(nlh, &m))
		link_update(vr, &m);
	return MNL_CB_OK;
}

static int nsid_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NETNSA_MAX + 1];

	if (nlh->nlmsg_type != RTM_NEWNSID)
		return MNL_CB_OK;
	nl_attr_parse(nlh, sizeof(struct rtgenmsg), tb, NETNSA_MAX);
	if (nl_attr_valid(tb[NETNSA_NSID], MNL_TYPE_U32))
		*(int32_t *)data = (int32_t)mnl_attr_get_u32(tb[NETNSA_NSID]);
	return MNL_CB_OK;
}

/* The id of vrctl's namespace inside the VR's, -1 if none assigned. */
static int32_t host_nsid(struct sync_vr *vr)
{
	char buf[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtgenmsg *g;
	int32_t id = -1;

	nlh->nlmsg_type = RTM_GETNSID;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->rtgen_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, NETNSA_FD, (uint32_t)vr->s->self_ns);
	if (nl_request(vr->req, nlh, nsid_cb, &id))
		return -1;
	return id;
}

static int links_dump_once(struct sync_vr *vr)
{
	return nl_link_dump(vr->req, link_dump_cb, vr);
}

int sync_links_dump(struct sync_vr *vr)
{
	struct slink *l;
	struct hnode *cur;
	size_t pos;
	int err;

	vr->host_nsid = host_nsid(vr);
	err = links_dump_once(vr);
	if (!err && vr->host_nsid < 0) {
		/* Dumping the macvlans made the kernel assign our namespace an id. */
		vr->host_nsid = host_nsid(vr);
		if (vr->host_nsid >= 0)
			err = links_dump_once(vr);
	}
	if (err && err != -EINTR)
		return err;
	htab_for_each(&vr->links, pos, cur, l) {
		if (l->gen != vr->gen) {
			htab_del(&vr->links, &l->h);
			free(l);
		}
	}
	sync_links_guard(vr);
	sync_rpf_pass(vr);
	return err;
}

/* The VR's rp_filter on link NAME: the kernel uses the larger of
 * conf/all and conf/NAME.
 */
static uint8_t vr_rp_filter(struct sync_vr *vr, const char *name)
{
	char path[64], v[16];
	int all = 0, dev = 0;

	if (!sysctl_set(vr->rec.name, "net/ipv4/conf/all/rp_filter", NULL, v, sizeof(v)))
		all = atoi(v);
	snprintf(path, sizeof(path), "net/ipv4/conf/%s/rp_filter", name);
	if (!sysctl_set(vr->rec.name, path, NULL, v, sizeof(v)))
		dev = atoi(v);
	all = all > dev ? all : dev;
	return all == VR_RPF_STRICT || all == VR_RPF_LOOSE ? (uint8_t)all : VR_RPF_OFF;
}

void sync_rpf_pass(struct sync_vr *vr)
{
	uint8_t mac[VR_ETH_ALEN], rpf;
	char nic[IF_NAMESIZE];
	struct hnode *cur;
	struct slink *l;
	size_t pos;

	htab_for_each(&vr->links, pos, cur, l) {
		if (!l->host_ifindex || vr_port_get(vr->s->st, vr->id, l->host_ifindex, mac))
			continue;
		rpf = vr_rp_filter(vr, l->name);
		if (vr_mac_set_rpf(vr->s->st, l->host_ifindex, mac, rpf) == 1)
			pr_info("VR %s: rp_filter %s on %s (NIC %s)", vr->rec.name,
				rpf == VR_RPF_STRICT ? "strict" : rpf ? "loose" : "off", l->name,
				sync_ifname(l->host_ifindex, nic));
	}
}

uint32_t sync_link_host(struct sync_vr *vr, uint32_t vr_ifindex)
{
	struct slink *l = htab_find(&vr->links, &vr_ifindex);

	return l ? l->host_ifindex : 0;
}

bool sync_link_event(struct sync_vr *vr, const struct nlmsghdr *nlh)
{
	struct link_msg m;
	struct slink *l;
	bool changed;

	if (parse_link(nlh, &m))
		return false;
	if (nlh->nlmsg_type == RTM_NEWLINK) {
		changed = link_update(vr, &m);
		return sync_links_guard(vr) || changed;
	}
	l = htab_find(&vr->links, &m.ifindex);
	if (!l)
		return false;
	htab_del(&vr->links, &l->h);
	free(l);
	return true;
}

/* ---- policy routing ---- */

/* A rule a namespace is made with: IPv4 0 local, 32766 main, 32767
 * default; IPv6 0 local, 32766 main; no selector.
 */
static bool default_rule(const struct nlmsghdr *nlh)
{
	const struct fib_rule_hdr *frh = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[FRA_MAX + 1];
	uint32_t prio = 0, table;

	nl_attr_parse(nlh, sizeof(*frh), tb, FRA_MAX);
	if (nl_attr_valid(tb[FRA_PRIORITY], MNL_TYPE_U32))
		prio = mnl_attr_get_u32(tb[FRA_PRIORITY]);
	table = nl_attr_valid(tb[FRA_TABLE], MNL_TYPE_U32) ? mnl_attr_get_u32(tb[FRA_TABLE]) :
							     frh->table;
	if (frh->src_len || frh->dst_len || frh->tos || frh->action != FR_ACT_TO_TBL ||
	    tb[FRA_IIFNAME] || tb[FRA_OIFNAME] || tb[FRA_FWMARK] || tb[FRA_L3MDEV] ||
	    tb[FRA_UID_RANGE] || tb[FRA_IP_PROTO] || tb[FRA_SPORT_RANGE] || tb[FRA_DPORT_RANGE])
		return false;
	return (prio == 0 && table == RT_TABLE_LOCAL) || (prio == 32766 && table == RT_TABLE_MAIN) ||
	       (prio == 32767 && table == RT_TABLE_DEFAULT && frh->family == AF_INET);
}

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type == RTM_NEWRULE &&
	    mnl_nlmsg_get_payload_len(nlh) >= sizeof(struct fib_rule_hdr) && !default_rule(nlh))
		(*(unsigned int *)data)++;
	return MNL_CB_OK;
}

/*
 * Policy routing in the VR (rules beyond the defaults): the fast path
 * looks up the mirror of its main table only, so all of its traffic goes
 * to its kernel while it has such rules.  Reported once per change.
 */
int sync_rules_pass(struct sync_vr *vr)
{
	static const int fams[] = { AF_INET, AF_INET6 };
	char buf[256];
	struct nlmsghdr *nlh;
	struct fib_rule_hdr *frh;
	unsigned int n = 0;
	int i, err;

	for (i = 0; i < 2; i++) {
		nlh = mnl_nlmsg_put_header(buf);
		nlh->nlmsg_type = RTM_GETRULE;
		frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));
		frh->family = (uint8_t)fams[i];
		err = nl_dump(vr->req, nlh, rule_cb, &n);
		if (err && err != -EAFNOSUPPORT)
			return err;
	}
	err = vr_router_set_slow(vr->s->st, vr->id, VR_SLOW_RULES, n > 0);
	if (err < 0)
		return err;
	if ((n > 0) != vr->rules_off) {
		vr->rules_off = n > 0;
		if (n)
			pr_warn("VR %s: policy routing (%u rules beyond the defaults): its "
				"fast path is off, its kernel forwards all of its traffic",
				vr->rec.name, n);
		else
			pr_warn("VR %s: no policy routing any more: fast path on", vr->rec.name);
	}
	return 0;
}

/* ---- passes ---- */

void sync_vr_backoff(struct sync_vr *vr, double now)
{
	vr->retry_at = now + vr->backoff;
	vr->backoff = vr->backoff * 2 > 60 ? 60 : vr->backoff * 2;
}

static const struct {
	int (*read)(struct sync_vr *vr);
	const char *what;
} vr_reads[] = {
	{ sync_links_dump, "links" },
	{ sync_rules_pass, "rules" },
	{ sync_nhs_dump, "nexthops" },
	{ sync_addrs_dump, "addresses" },
	{ sync_routes_dump, "routes" },
	{ sync_neigh_pass, "neighbours" },
};

/* Read the VR, then diff its host table and queue the changes: 0 or the
 * error (printed).  *AGAIN: a dump was interrupted, read it all once more.
 */
static int pass_read(struct sync_vr *vr, bool *again)
{
	size_t i;
	int err;

	for (i = 0; i < sizeof(vr_reads) / sizeof(vr_reads[0]); i++) {
		err = vr_reads[i].read(vr);
		if (err == -EINTR) {
			*again = true;
		} else if (err) {
			pr_err("VR %s: cannot read its %s: %s", vr->rec.name,
			       vr_reads[i].what, nl_strerror(vr->req, err));
			return err;
		}
	}
	sync_routes_quota(vr);
	err = sync_routes_host_pass(vr);
	if (err == -EINTR) {
		*again = true;
		err = 0;
	}
	if (err)
		pr_err("VR %s: cannot read host table %u: %s", vr->rec.name,
		       vr->rec.table_id, nl_strerror(vr->s->hdump, err));
	return err;
}

int sync_vr_full_pass(struct sync_vr *vr)
{
	double t0 = sync_now(), t;
	bool again = false;
	int err;

	if (vr->nsfd < 0)
		return -ENOENT;
	vr->gen++;
	vr->n_add = vr->n_repl = vr->n_del = vr->n_same = 0;
	vr->n_nset = vr->n_ndel = vr->n_nsame = 0;
	vr->failed = 0;
	vr->resync = false;
	err = pass_read(vr, &again);
	if (!err)
		err = sync_routes_converge(vr);
	t = sync_now();
	pr_info("VR %s: full pass: routes %u added, %u replaced, %u deleted, %u unchanged; "
		"neighbours %u set, %u deleted, %u unchanged; %u failed; %.1f ms",
		vr->rec.name, vr->n_add, vr->n_repl, vr->n_del, vr->n_same,
		vr->n_nset, vr->n_ndel, vr->n_nsame, vr->failed, (t - t0) * 1e3);
	if (again)
		vr->resync = true;	/* changes during the dumps: once more */
	if (err || vr->failed) {
		sync_vr_backoff(vr, t);
	} else {
		vr->retry_at = 0;
		vr->backoff = 1;
	}
	return err;
}
