// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Generic netlink: a family's id, and the netdev family's xdp-features. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <linux/genetlink.h>

#include "nl/netlink.h"
#include "nl/nl.h"

/*
 * The "netdev" generic netlink family (linux/netdev.h, kernel 6.3+).
 * Debian 12's linux-libc-dev (6.1) lacks the header; these values are
 * uAPI and fixed.
 */
#define VR_NETDEV_FAMILY_NAME		"netdev"
#define VR_NETDEV_CMD_DEV_GET		1
#define VR_NETDEV_A_DEV_IFINDEX		1
#define VR_NETDEV_A_DEV_XDP_FEATURES	3
#define VR_NETDEV_A_DEV_MAX		VR_NETDEV_A_DEV_XDP_FEATURES

/* A generic netlink request in BUF for FAMILY's command CMD. */
static struct nlmsghdr *genl_msg(char *buf, uint16_t family, uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = family;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = 1;
	return nlh;
}

static int genl_family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];

	nl_attr_parse(nlh, sizeof(struct genlmsghdr), tb, CTRL_ATTR_MAX);
	if (nl_attr_valid(tb[CTRL_ATTR_FAMILY_ID], MNL_TYPE_U16))
		*(uint16_t *)data = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	return MNL_CB_OK;
}

static int genl_family_id(struct nl_sock *sk, const char *name, uint16_t *id)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	int err;

	*id = 0;
	nlh = genl_msg(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	err = nl_request(sk, nlh, genl_family_cb, id);
	if (err == -ENOENT)
		return -EOPNOTSUPP;	/* kernel without that family */
	if (err)
		return err;
	return *id ? 0 : -EOPNOTSUPP;
}

struct xdp_feat {
	uint64_t features;
	bool found;
};

static int xdp_features_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[VR_NETDEV_A_DEV_MAX + 1];
	struct xdp_feat *f = data;

	nl_attr_parse(nlh, sizeof(struct genlmsghdr), tb, VR_NETDEV_A_DEV_MAX);
	if (nl_attr_valid(tb[VR_NETDEV_A_DEV_XDP_FEATURES], MNL_TYPE_U64)) {
		f->features = mnl_attr_get_u64(tb[VR_NETDEV_A_DEV_XDP_FEATURES]);
		f->found = true;
	}
	return MNL_CB_OK;
}

int nl_xdp_features(int ifindex, uint64_t *features)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct xdp_feat f = {};
	struct nl_sock *sk;
	struct nlmsghdr *nlh;
	uint16_t family;
	int err;

	err = nl_open(NETLINK_GENERIC, NULL, 0, &sk);
	if (err)
		return err;
	err = genl_family_id(sk, VR_NETDEV_FAMILY_NAME, &family);
	if (err)
		goto out;
	nlh = genl_msg(buf, family, VR_NETDEV_CMD_DEV_GET);
	mnl_attr_put_u32(nlh, VR_NETDEV_A_DEV_IFINDEX, (uint32_t)ifindex);
	err = nl_request(sk, nlh, xdp_features_cb, &f);
	if (!err && !f.found)
		err = -EOPNOTSUPP;
	if (!err)
		*features = f.features;
out:
	nl_close(sk);
	return err;
}
