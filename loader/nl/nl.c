// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The netlink module of nl.h.  A socket belongs to the namespace it was
 * created in: "a socket inside NETNS" = setns() there, socket(), setns()
 * back (netns_enter_fd()).
 *
 * Replies are matched by sequence number and port id: each socket counts
 * its own requests, so the late replies of an earlier request (whose
 * callback failed half way) are skipped, never taken for this one's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "nl/netlink.h"
#include "nl/nl.h"

#define EXT_ACK_MAX	256

struct nl_sock {
	struct mnl_socket *mnl;
	uint32_t portid;
	uint32_t seq;			/* of the last request sent */
	bool has_ext_ack;
	char ext_ack[EXT_ACK_MAX];
	char errstr[EXT_ACK_MAX + 64];	/* nl_strerror() */
};

static void setopt(struct mnl_socket *mnl, int opt)
{
	int one = 1;

	/* Best effort: older kernels lack some of them. */
	mnl_socket_setsockopt(mnl, opt, &one, sizeof(one));
}

int nl_open_fd(int bus, int nsfd, unsigned int flags, struct nl_sock **out)
{
	int type = SOCK_CLOEXEC | (flags & NL_NONBLOCK ? SOCK_NONBLOCK : 0);
	struct nl_sock *sk;
	int err, saved;

	sk = calloc(1, sizeof(*sk));
	if (!sk)
		return -ENOMEM;
	err = netns_enter_fd(nsfd, &saved);
	if (err)
		goto fail;
	sk->mnl = mnl_socket_open2(bus, type);
	err = sk->mnl ? 0 : -errno;
	netns_leave(saved);
	if (err)
		goto fail;
	if (mnl_socket_bind(sk->mnl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		goto fail;
	}
	sk->portid = mnl_socket_get_portid(sk->mnl);
	setopt(sk->mnl, NETLINK_CAP_ACK);
	setopt(sk->mnl, NETLINK_EXT_ACK);
	if (flags & NL_STRICT)
		setopt(sk->mnl, NETLINK_GET_STRICT_CHK);
	*out = sk;
	return 0;
fail:
	nl_close(sk);
	return err;
}

int nl_open(int bus, const char *netns, unsigned int flags, struct nl_sock **out)
{
	int nsfd = -1, err;

	if (netns) {
		nsfd = netns_open(netns);
		if (nsfd < 0)
			return nsfd;
	}
	err = nl_open_fd(bus, nsfd, flags, out);
	if (nsfd >= 0)
		close(nsfd);
	return err;
}

void nl_close(struct nl_sock *sk)
{
	if (!sk)
		return;
	if (sk->mnl)
		mnl_socket_close(sk->mnl);
	free(sk);
}

int nl_fd(const struct nl_sock *sk)
{
	return mnl_socket_get_fd(sk->mnl);
}

uint32_t nl_portid(const struct nl_sock *sk)
{
	return sk->portid;
}

int nl_subscribe(struct nl_sock *sk, const unsigned int *groups, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned int g = groups[i];

		if (mnl_socket_setsockopt(sk->mnl, NETLINK_ADD_MEMBERSHIP, &g, sizeof(g)) < 0)
			return -errno;
	}
	return 0;
}

int nl_rcvbuf(struct nl_sock *sk, int bytes)
{
	int fd = nl_fd(sk);

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)) == 0)
		return 0;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes)) == 0)
		return 0;
	return -errno;
}

/* ---- messages ---- */

uint32_t nl_seq_take(struct nl_sock *sk, uint32_t n)
{
	uint32_t first;

	if (sk->seq + n < sk->seq)	/* wraps: start again, skipping 0 */
		sk->seq = 0;
	first = sk->seq + 1;
	sk->seq += n;
	return first;
}

int nl_send(struct nl_sock *sk, const void *buf, size_t len)
{
	return mnl_socket_sendto(sk->mnl, buf, len) < 0 ? -errno : 0;
}

ssize_t nl_recv(struct nl_sock *sk, void *buf, size_t len)
{
	ssize_t n;

	do
		n = mnl_socket_recvfrom(sk->mnl, buf, len);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

static const char *ext_ack_msg(const struct nlmsghdr *nlh, size_t off)
{
	const struct nlattr *a;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || off > mnl_nlmsg_get_payload_len(nlh))
		return NULL;
	mnl_attr_for_each(a, nlh, off) {
		if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
			return mnl_attr_get_str(a);
	}
	return NULL;
}

int nl_msg_error(const struct nlmsghdr *nlh, const char **msg)
{
	size_t len = mnl_nlmsg_get_payload_len(nlh), off;
	const struct nlmsgerr *e;
	int err = 0;

	if (msg)
		*msg = NULL;
	if (nlh->nlmsg_type == NLMSG_DONE) {
		/* A dump's end; its error code, then the ack's attributes. */
		if (len >= sizeof(int))
			memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(int));
		off = sizeof(int);
	} else {
		if (len < sizeof(*e))
			return -EBADMSG;
		e = mnl_nlmsg_get_payload(nlh);
		err = e->error;
		off = sizeof(*e);
		/* Without NETLINK_CAP_ACK the refused request comes back too. */
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	}
	if (msg && err)
		*msg = ext_ack_msg(nlh, off);
	return err > 0 ? -err : err;
}

const char *nl_ext_ack(const struct nl_sock *sk)
{
	return sk->has_ext_ack ? sk->ext_ack : NULL;
}

const char *nl_strerror(struct nl_sock *sk, int err)
{
	snprintf(sk->errstr, sizeof(sk->errstr), "%s%s%s", strerror(-err),
		 sk->has_ext_ack ? ": " : "", sk->has_ext_ack ? sk->ext_ack : "");
	return sk->errstr;
}

/* ---- one request, its replies ---- */

static void (*dump_hook_fn)(void *arg);
static void *dump_hook_arg;

void nl_dump_hook(void (*fn)(void *arg), void *arg)
{
	dump_hook_fn = fn;
	dump_hook_arg = arg;
}

struct nl_run {
	uint32_t seq;
	mnl_cb_t cb;			/* NULL once it said stop or failed */
	void *data;
	bool intr;			/* NLM_F_DUMP_INTR seen */
	int cb_err;
};

/* One message of the reply: false at the end (*err set). */
static bool run_msg(struct nl_sock *sk, const struct nlmsghdr *nlh, struct nl_run *r, int *err)
{
	const char *msg;
	int ret;

	if ((nlh->nlmsg_seq && nlh->nlmsg_seq != r->seq) ||
	    (nlh->nlmsg_pid && nlh->nlmsg_pid != sk->portid))
		return true;	/* late, of an earlier request */
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		r->intr = true;
	switch (nlh->nlmsg_type) {
	case NLMSG_NOOP:
	case NLMSG_OVERRUN:
		return true;
	case NLMSG_ERROR:
	case NLMSG_DONE:
		*err = nl_msg_error(nlh, &msg);
		if (msg)
			snprintf(sk->ext_ack, sizeof(sk->ext_ack), "%s", msg);
		sk->has_ext_ack = msg != NULL;
		return false;
	}
	if (!r->cb)
		return true;
	ret = r->cb(nlh, r->data);
	if (ret <= MNL_CB_ERROR)
		r->cb_err = errno ? -errno : -EIO;
	if (ret <= MNL_CB_STOP)
		r->cb = NULL;	/* read the rest, so that nothing is left behind */
	return true;
}

static int talk(struct nl_sock *sk, struct nlmsghdr *nlh, uint16_t flags,
		mnl_cb_t cb, void *data)
{
	char buf[NL_RECV_SIZE] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nl_run r = { .cb = cb, .data = data };
	struct nlmsghdr *m;
	bool more = true;
	int err = 0, left;
	ssize_t n;

	nlh->nlmsg_flags |= NLM_F_REQUEST | flags;
	r.seq = nlh->nlmsg_seq = nl_seq_take(sk, 1);
	sk->has_ext_ack = false;
	err = nl_send(sk, nlh, nlh->nlmsg_len);
	while (!err && more) {
		n = nl_recv(sk, buf, sizeof(buf));
		if (n < 0)
			return (int)n;
		left = (int)n;
		for (m = (struct nlmsghdr *)buf; more && mnl_nlmsg_ok(m, left);
		     m = mnl_nlmsg_next(m, &left))
			more = run_msg(sk, m, &r, &err);
		if (more && (flags & NLM_F_DUMP) && dump_hook_fn)
			dump_hook_fn(dump_hook_arg);
	}
	if (err)
		return err;
	if (r.cb_err)
		return r.cb_err;
	return r.intr ? -EINTR : 0;
}

int nl_request(struct nl_sock *sk, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	return talk(sk, nlh, NLM_F_ACK, cb, data);
}

int nl_dump(struct nl_sock *sk, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	return talk(sk, nlh, NLM_F_DUMP, cb, data);
}

/* ---- attributes ---- */

struct attr_tab {
	const struct nlattr **tb;
	unsigned int max;
};

static int attr_tab_cb(const struct nlattr *a, void *data)
{
	struct attr_tab *t = data;
	unsigned int type = mnl_attr_get_type(a);

	if (type <= t->max && !t->tb[type])
		t->tb[type] = a;
	return MNL_CB_OK;
}

void nl_attr_parse(const struct nlmsghdr *nlh, size_t hdrlen,
		   const struct nlattr **tb, unsigned int max)
{
	struct attr_tab t = { tb, max };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	mnl_attr_parse(nlh, (unsigned int)hdrlen, attr_tab_cb, &t);
}

void nl_attr_parse_nested(const struct nlattr *nest, const struct nlattr **tb, unsigned int max)
{
	struct attr_tab t = { tb, max };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	mnl_attr_parse_nested(nest, attr_tab_cb, &t);
}

void nl_attr_parse_payload(const void *buf, size_t len, const struct nlattr **tb, unsigned int max)
{
	struct attr_tab t = { tb, max };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	mnl_attr_parse_payload(buf, len, attr_tab_cb, &t);
}

const struct nlattr *nl_attr_valid(const struct nlattr *a, enum mnl_attr_data_type type)
{
	return a && mnl_attr_validate(a, type) >= 0 ? a : NULL;
}
