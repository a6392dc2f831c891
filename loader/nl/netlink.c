// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Kernel-side objects of a VR through rtnetlink and generic netlink
 * (libmnl), and named network namespaces the way iproute2 makes them.
 *
 * Namespaces: a socket belongs to the netns it was created in, so
 * "do X inside NETNS" = setns() into it, create the socket (or open the
 * /proc/sys file), setns() back.  vrctl is single-threaded, which is what
 * setns(CLONE_NEWNET) on the process needs.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <net/if.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "netlink.h"

#define NETNS_RUN_DIR	"/run/netns"

/*
 * The "netdev" generic netlink family (linux/netdev.h, kernel 6.3+).
 * Debian 12's linux-libc-dev (6.1) lacks the header; these values are
 * uAPI and fixed.
 */
#define VR_NETDEV_FAMILY_NAME		"netdev"
#define VR_NETDEV_CMD_DEV_GET		1
#define VR_NETDEV_A_DEV_IFINDEX		1
#define VR_NETDEV_A_DEV_XDP_FEATURES	3

/* ---- namespaces ---- */

static int netns_path(const char *name, char *buf, size_t len)
{
	if (!name || !*name || strchr(name, '/') || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return -EINVAL;
	if ((size_t)snprintf(buf, len, "%s/%s", NETNS_RUN_DIR, name) >= len)
		return -ENAMETOOLONG;
	return 0;
}

int netns_exists(const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	if (netns_path(name, path, sizeof(path)))
		return 0;
	return stat(path, &st) == 0;
}

int netns_open(const char *name)
{
	char path[PATH_MAX];
	int err, fd;

	err = netns_path(name, path, sizeof(path));
	if (err)
		return err;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* Enter namespace NAME; *saved gets an fd of the current one (or -1 if
 * NAME is NULL: stay).  netns_leave() goes back.
 */
static int netns_enter(const char *name, int *saved)
{
	int fd, err;

	*saved = -1;
	if (!name)
		return 0;
	fd = netns_open(name);
	if (fd < 0)
		return fd;
	*saved = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (*saved < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		err = -errno;
		close(fd);
		close(*saved);
		*saved = -1;
		return err;
	}
	close(fd);
	return 0;
}

static void netns_leave(int saved)
{
	if (saved < 0)
		return;
	/* Cannot fail for a namespace we were in a moment ago. */
	if (setns(saved, CLONE_NEWNET) < 0)
		abort();
	close(saved);
}

/* Make /run/netns a shared mount point, as `ip netns add` does, so that
 * unmounting a namespace file in one mount namespace unmounts it in all
 * of them and the namespace can be freed.
 */
static int netns_run_dir_prepare(void)
{
	bool made_mount = false;

	if (mkdir(NETNS_RUN_DIR, 0755) < 0 && errno != EEXIST)
		return -errno;
	while (mount("", NETNS_RUN_DIR, "none", MS_SHARED | MS_REC, NULL)) {
		if (errno != EINVAL || made_mount)
			return -errno;
		if (mount(NETNS_RUN_DIR, NETNS_RUN_DIR, "none",
			  MS_BIND | MS_REC, NULL))
			return -errno;
		made_mount = true;
	}
	return 0;
}

int netns_create(const char *name)
{
	char path[PATH_MAX];
	int err, fd, saved;

	err = netns_path(name, path, sizeof(path));
	if (err)
		return err;
	err = netns_run_dir_prepare();
	if (err)
		return err;

	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	close(fd);

	saved = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (saved < 0) {
		err = -errno;
		goto err_unlink;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		err = -errno;
		close(saved);
		goto err_unlink;
	}
	/* The bind mount keeps the new namespace alive after we leave it. */
	err = mount("/proc/thread-self/ns/net", path, "none", MS_BIND, NULL) ?
		-errno : 0;
	netns_leave(saved);
	if (err)
		goto err_unlink;
	return 0;

err_unlink:
	unlink(path);
	return err;
}

int netns_delete(const char *name)
{
	char path[PATH_MAX];
	int err;

	err = netns_path(name, path, sizeof(path));
	if (err)
		return err;
	if (access(path, F_OK) < 0)
		return -errno;
	/* EINVAL: not a mount point (a file left by a crash): still remove it. */
	if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL)
		return -errno;
	if (unlink(path) < 0)
		return -errno;
	return 0;
}

/* ---- netlink plumbing ---- */

/* A netlink socket of BUS inside NETNS (NULL: the current one). */
static int nl_open(const char *netns, int bus, struct mnl_socket **out)
{
	struct mnl_socket *nl;
	int err, saved;

	err = netns_enter(netns, &saved);
	if (err)
		return err;
	nl = mnl_socket_open(bus);
	err = nl ? 0 : -errno;
	netns_leave(saved);
	if (err)
		return err;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		mnl_socket_close(nl);
		return err;
	}
	*out = nl;
	return 0;
}

/* Send NLH (a request with NLM_F_ACK or NLM_F_DUMP) and run CB over the
 * replies until the ACK or NLMSG_DONE.  0 or -errno from the kernel.
 */
static int nl_talk(struct mnl_socket *nl, struct nlmsghdr *nlh,
		   mnl_cb_t cb, void *data)
{
	char buf[32768];	/* MNL_SOCKET_DUMP_SIZE in libmnl >= 1.0.5 */
	unsigned int portid = mnl_socket_get_portid(nl);
	unsigned int seq;
	ssize_t n;
	int ret;

	seq = nlh->nlmsg_seq = (unsigned int)time(NULL);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		ret = mnl_cb_run(buf, n, seq, portid, cb, data);
	} while (ret > MNL_CB_STOP);
	return ret < 0 ? -errno : 0;
}

/* One rtnetlink request inside NETNS. */
static int rtnl_request(const char *netns, struct nlmsghdr *nlh,
			mnl_cb_t cb, void *data)
{
	struct mnl_socket *nl;
	int err;

	err = nl_open(netns, NETLINK_ROUTE, &nl);
	if (err)
		return err;
	err = nl_talk(nl, nlh, cb, data);
	mnl_socket_close(nl);
	return err;
}

/* ---- routing tables ---- */

struct flush_ctx {
	uint32_t table;
	char *msgs;		/* the table's routes, as dumped */
	size_t len, cap;
};

static uint32_t route_table(const struct nlmsghdr *nlh, const struct rtmsg *rtm)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(*rtm))
		if (mnl_attr_get_type(a) == RTA_TABLE &&
		    !mnl_attr_validate(a, MNL_TYPE_U32))
			return mnl_attr_get_u32(a);
	return rtm->rtm_table;
}

static int flush_collect_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct flush_ctx *f = data;
	char *p;

	if (nlh->nlmsg_type != RTM_NEWROUTE || route_table(nlh, rtm) != f->table)
		return MNL_CB_OK;
	if (f->len + nlh->nlmsg_len > f->cap) {
		f->cap = 2 * (f->cap + nlh->nlmsg_len);
		p = realloc(f->msgs, f->cap);
		if (!p)
			return MNL_CB_ERROR;
		f->msgs = p;
	}
	memcpy(f->msgs + f->len, nlh, nlh->nlmsg_len);
	f->len += NLMSG_ALIGN(nlh->nlmsg_len);
	return MNL_CB_OK;
}

/*
 * Delete every route of TABLE in the current namespace, IPv4 and IPv6, as
 * `ip route flush table T` does: each route is deleted by sending back the
 * message the dump returned.  The number deleted, or -errno.
 */
int nl_table_flush(uint32_t table)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct flush_ctx f = { .table = table };
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	size_t off;
	int err, n = 0;

	err = nl_open(NULL, NETLINK_ROUTE, &nl);
	if (err)
		return err;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_UNSPEC;
	err = nl_talk(nl, nlh, flush_collect_cb, &f);
	for (off = 0; !err && off < f.len; off += NLMSG_ALIGN(nlh->nlmsg_len)) {
		nlh = (struct nlmsghdr *)(f.msgs + off);
		nlh->nlmsg_type = RTM_DELROUTE;
		nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
		err = nl_talk(nl, nlh, NULL, NULL);
		if (err == -ESRCH)	/* gone with another one (a nexthop's routes) */
			err = 0;
		else if (!err)
			n++;
	}
	free(f.msgs);
	mnl_socket_close(nl);
	return err ? err : n;
}

/* ---- links ---- */

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
	nlh = link_msg(buf, RTM_NEWLINK,
		       NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, &ifm);
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
	nlh = link_msg(buf, RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, NULL);
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
	nlh = link_msg(buf, RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, &ifm);
	ifm->ifi_flags = IFF_UP;
	ifm->ifi_change = IFF_UP;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return rtnl_request(netns, nlh, NULL, NULL);
}

static int link_index_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type == RTM_NEWLINK)
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
	nlh = link_msg(buf, RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, NULL);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	err = rtnl_request(netns, nlh, link_index_cb, &ifindex);
	if (err)
		return err;
	return ifindex > 0 ? ifindex : -ENODEV;
}

struct link_list {
	const char *kind;
	int *idx;
	int n, cap;
};

static int linkinfo_kind_cb(const struct nlattr *attr, void *data)
{
	const char **kind = data;

	if (mnl_attr_get_type(attr) == IFLA_INFO_KIND &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
		*kind = mnl_attr_get_str(attr);
	return MNL_CB_OK;
}

static int link_attr_cb(const struct nlattr *attr, void *data)
{
	if (mnl_attr_get_type(attr) == IFLA_LINKINFO)
		mnl_attr_parse_nested(attr, linkinfo_kind_cb, data);
	return MNL_CB_OK;
}

static int link_kind_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	struct link_list *l = data;
	const char *kind = NULL;
	int *p;

	mnl_attr_parse(nlh, sizeof(*ifm), link_attr_cb, &kind);
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
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
	int i, err, ret = 0;

	err = nl_open(netns, NETLINK_ROUTE, &nl);
	if (err)
		return err;
	nlh = link_msg(buf, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, NULL);
	err = nl_talk(nl, nlh, link_kind_cb, &l);
	if (err) {
		ret = err;
		goto out;
	}
	for (i = 0; i < l.n; i++) {
		nlh = link_msg(buf, RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, &ifm);
		ifm->ifi_index = l.idx[i];
		err = nl_talk(nl, nlh, NULL, NULL);
		if (err && err != -ENODEV && !ret)
			ret = err;
	}
	if (!ret)
		ret = l.n;
out:
	free(l.idx);
	mnl_socket_close(nl);
	return ret;
}

/* ---- sysctl ---- */

int sysctl_set(const char *netns, const char *path, const char *value,
	       char *old, size_t oldlen)
{
	char file[PATH_MAX];
	int fd, err, saved;
	size_t len;
	ssize_t n;

	if (strstr(path, ".."))
		return -EINVAL;
	if ((size_t)snprintf(file, sizeof(file), "/proc/sys/%s", path) >= sizeof(file))
		return -ENAMETOOLONG;
	/* /proc/sys/net is the netns of whoever opens the file: open inside. */
	err = netns_enter(netns, &saved);
	if (err)
		return err;
	fd = open(file, O_RDWR | O_CLOEXEC);
	err = fd < 0 ? -errno : 0;
	netns_leave(saved);
	if (err)
		return err;

	if (old && oldlen) {
		n = read(fd, old, oldlen - 1);
		if (n < 0) {
			err = -errno;
			goto out;
		}
		while (n > 0 && old[n - 1] == '\n')
			n--;
		old[n] = '\0';
		if (lseek(fd, 0, SEEK_SET) < 0) {
			err = -errno;
			goto out;
		}
	}
	len = strlen(value);
	n = write(fd, value, len);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != len)
		err = -EIO;
out:
	close(fd);
	return err;
}

/* ---- generic netlink: xdp features ---- */

static int genl_family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID &&
		    mnl_attr_validate(attr, MNL_TYPE_U16) >= 0)
			*(uint16_t *)data = mnl_attr_get_u16(attr);
	}
	return MNL_CB_OK;
}

static int genl_family_id(struct mnl_socket *nl, const char *name, uint16_t *id)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;
	int err;

	*id = 0;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = CTRL_CMD_GETFAMILY;
	genl->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	err = nl_talk(nl, nlh, genl_family_cb, id);
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
	struct xdp_feat *f = data;
	struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(attr) == VR_NETDEV_A_DEV_XDP_FEATURES &&
		    mnl_attr_validate(attr, MNL_TYPE_U64) >= 0) {
			f->features = mnl_attr_get_u64(attr);
			f->found = true;
		}
	}
	return MNL_CB_OK;
}

int nl_xdp_features(int ifindex, uint64_t *features)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct xdp_feat f = {};
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;
	uint16_t family;
	int err;

	err = nl_open(NULL, NETLINK_GENERIC, &nl);
	if (err)
		return err;
	err = genl_family_id(nl, VR_NETDEV_FAMILY_NAME, &family);
	if (err)
		goto out;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = VR_NETDEV_CMD_DEV_GET;
	genl->version = 1;
	mnl_attr_put_u32(nlh, VR_NETDEV_A_DEV_IFINDEX, (uint32_t)ifindex);
	err = nl_talk(nl, nlh, xdp_features_cb, &f);
	if (err)
		goto out;
	if (!f.found) {
		err = -EOPNOTSUPP;
		goto out;
	}
	*features = f.features;
out:
	mnl_socket_close(nl);
	return err;
}
