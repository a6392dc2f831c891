// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Links through rtnetlink: a VR's macvlans, up, down, found, deleted. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/socket.h>

#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "nl/netlink.h"
#include "nl/nl.h"

/* A link request in BUF: TYPE and FLAGS, and an ifinfomsg for AF_UNSPEC
 * with everything else 0, returned in *IFM (if not NULL) to fill in.
 */
static struct nlmsghdr *link_msg(char *buf, uint16_t type, uint16_t flags,
				 struct ifinfomsg **ifm)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *i;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	i = mnl_nlmsg_put_extra_header(nlh, sizeof(*i));
	i->ifi_family = AF_UNSPEC;
	if (ifm)
		*ifm = i;
	return nlh;
}

/* One rtnetlink request inside NETNS (NULL: here). */
static int rtnl_request(const char *netns, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	struct nl_sock *sk;
	int err;

	err = nl_open(NETLINK_ROUTE, netns, 0, &sk);
	if (err)
		return err;
	err = nl_request(sk, nlh, cb, data);
	nl_close(sk);
	return err;
}

int nl_link_dump(struct nl_sock *sk, mnl_cb_t cb, void *data)
{
	char buf[256];
	struct nlmsghdr *nlh = link_msg(buf, RTM_GETLINK, 0, NULL);

	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	return nl_dump(sk, nlh, cb, data);
}

int nl_macvlan_add(const char *netns, const char *lower, const char *name,
		   const uint8_t mac[6], uint32_t mode)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlattr *linkinfo, *data;
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
	unsigned int lower_idx;
	int nsfd, err;

	if (strlen(name) >= IFNAMSIZ)
		return -ENAMETOOLONG;
	lower_idx = if_nametoindex(lower);
	if (!lower_idx)
		return -ENODEV;
	nsfd = netns_open(netns);
	if (nsfd < 0)
		return nsfd;

	/*
	 * One message: created directly in the target namespace (so the
	 * name may equal the lower NIC's, which lives here), and up, which
	 * the kernel does right after registering; if that fails (e.g. the
	 * MAC is busy on the lower NIC) it unregisters the device again.
	 */
	nlh = link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifm);
	ifm->ifi_flags = IFF_UP;
	ifm->ifi_change = IFF_UP;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_LINK, lower_idx);
	mnl_attr_put(nlh, IFLA_ADDRESS, 6, mac);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)nsfd);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "macvlan");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u32(nlh, IFLA_MACVLAN_MODE, mode);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);

	err = rtnl_request(NULL, nlh, NULL, NULL);
	close(nsfd);
	return err;
}

int nl_link_del(const char *netns, const char *name)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	if (strlen(name) >= IFNAMSIZ)
		return -ENODEV;
	nlh = link_msg(buf, RTM_DELLINK, 0, NULL);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return rtnl_request(netns, nlh, NULL, NULL);
}

int nl_link_up(const char *netns, const char *name)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;

	if (strlen(name) >= IFNAMSIZ)
		return -ENODEV;
	nlh = link_msg(buf, RTM_NEWLINK, 0, &ifm);
	ifm->ifi_flags = IFF_UP;
	ifm->ifi_change = IFF_UP;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return rtnl_request(netns, nlh, NULL, NULL);
}

static int link_index_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type == RTM_NEWLINK && mnl_nlmsg_get_payload_len(nlh) >= sizeof(*ifm))
		*(int *)data = ifm->ifi_index;
	return MNL_CB_OK;
}

int nl_link_ifindex(const char *netns, const char *name)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	int ifindex = 0, err;

	if (strlen(name) >= IFNAMSIZ)
		return -ENODEV;
	nlh = link_msg(buf, RTM_GETLINK, 0, NULL);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	err = rtnl_request(netns, nlh, link_index_cb, &ifindex);
	if (err)
		return err;
	return ifindex > 0 ? ifindex : -ENODEV;
}

struct link_kind {
	char *kind;
	size_t len;
};

static int link_kind_one_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFLA_MAX + 1];
	struct link_kind *k = data;
	const char *kind;

	if (nlh->nlmsg_type != RTM_NEWLINK || mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifm))
		return MNL_CB_OK;
	nl_attr_parse(nlh, sizeof(*ifm), tb, IFLA_MAX);
	kind = nl_linkinfo_kind(tb[IFLA_LINKINFO]);
	snprintf(k->kind, k->len, "%s", kind ? kind : "");
	return MNL_CB_OK;
}

int nl_link_kind(int ifindex, char *kind, size_t len)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct link_kind k = { kind, len };
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;

	if (!len)
		return -EINVAL;
	kind[0] = '\0';
	nlh = link_msg(buf, RTM_GETLINK, 0, &ifm);
	ifm->ifi_index = ifindex;
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	return rtnl_request(NULL, nlh, link_kind_one_cb, &k);
}

const char *nl_linkinfo_kind(const struct nlattr *linkinfo)
{
	const struct nlattr *info[IFLA_INFO_MAX + 1];

	if (!linkinfo)
		return NULL;
	nl_attr_parse_nested(linkinfo, info, IFLA_INFO_MAX);
	if (!nl_attr_valid(info[IFLA_INFO_KIND], MNL_TYPE_NUL_STRING))
		return NULL;
	return mnl_attr_get_str(info[IFLA_INFO_KIND]);
}

struct link_list {
	const char *kind;
	int *idx;
	int n, cap;
};

static int link_kind_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFLA_MAX + 1];
	struct link_list *l = data;
	const char *kind;
	int *p;

	if (nlh->nlmsg_type != RTM_NEWLINK || mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifm))
		return MNL_CB_OK;
	nl_attr_parse(nlh, sizeof(*ifm), tb, IFLA_MAX);
	kind = nl_linkinfo_kind(tb[IFLA_LINKINFO]);
	if (!kind || strcmp(kind, l->kind))
		return MNL_CB_OK;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		p = realloc(l->idx, l->cap * sizeof(*p));
		if (!p)
			return MNL_CB_ERROR;
		l->idx = p;
	}
	l->idx[l->n++] = ifm->ifi_index;
	return MNL_CB_OK;
}

int nl_link_del_kind(const char *netns, const char *kind)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct link_list l = { .kind = kind };
	struct nl_sock *sk;
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
	int i, err, ret, first_err = 0;

	err = nl_open(NETLINK_ROUTE, netns, 0, &sk);
	if (err)
		return err;
	for (i = 0, ret = -EINTR; ret == -EINTR && i < NL_DUMP_TRIES; i++) {
		l.n = 0;
		ret = nl_link_dump(sk, link_kind_cb, &l);
	}
	if (ret == -EINTR)
		ret = 0;	/* links came and went meanwhile: those seen go */
	for (i = 0; !ret && i < l.n; i++) {
		nlh = link_msg(buf, RTM_DELLINK, 0, &ifm);
		ifm->ifi_index = l.idx[i];
		err = nl_request(sk, nlh, NULL, NULL);
		if (err && err != -ENODEV && !first_err)
			first_err = err;	/* and the others still go */
	}
	free(l.idx);
	nl_close(sk);
	if (!ret)
		ret = first_err;
	return ret ? ret : l.n;
}
