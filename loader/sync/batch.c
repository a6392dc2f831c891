// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * sync plumbing: rtnetlink sockets opened inside a namespace, dumps,
 * and the batch of route requests to the host.
 *
 * The batch: requests are queued in one buffer and sent in chunks of up
 * to 64 KiB, each request without NLM_F_ACK except the last of a chunk.
 * The kernel answers a failed request with an error whether or not it
 * asked for an ACK, and handles a chunk's requests in order, so once the
 * last one is acknowledged every error of the chunk has arrived: one
 * round trip per chunk instead of one per route.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "sync.h"

#define CHUNK_MAX	65536
#define ERR_PRINT_MAX	20	/* per flush; then a count */

double sync_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- sockets ---- */

static void setopt(struct mnl_socket *nl, int opt)
{
	int one = 1;

	/* Best effort: older kernels lack some of them. */
	mnl_socket_setsockopt(nl, opt, &one, sizeof(one));
}

/*
 * An rtnetlink socket inside namespace NSFD (-1: here).  A netlink
 * socket stays in the namespace it was created in, so: setns() there,
 * socket(), setns() back.
 */
int sync_sock_open(struct sync *s, int nsfd, struct mnl_socket **out, bool strict)
{
	struct mnl_socket *nl;
	int err = 0;

	if (nsfd >= 0 && setns(nsfd, CLONE_NEWNET) < 0)
		return -errno;
	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl)
		err = -errno;
	if (nsfd >= 0 && setns(s->self_ns, CLONE_NEWNET) < 0)
		abort();	/* cannot fail for the namespace we came from */
	if (err)
		return err;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		mnl_socket_close(nl);
		return err;
	}
	setopt(nl, NETLINK_CAP_ACK);
	setopt(nl, NETLINK_EXT_ACK);
	if (strict)
		setopt(nl, NETLINK_GET_STRICT_CHK);
	*out = nl;
	return 0;
}

int sync_sock_subscribe(struct mnl_socket *nl, const unsigned int *groups, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		unsigned int g = groups[i];

		if (mnl_socket_setsockopt(nl, NETLINK_ADD_MEMBERSHIP, &g, sizeof(g)) < 0)
			return -errno;
	}
	return 0;
}

int sync_sock_rcvbuf(struct mnl_socket *nl, int bytes)
{
	int fd = mnl_socket_get_fd(nl);

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)) == 0)
		return 0;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes)) == 0)
		return 0;
	return -errno;
}

/* ---- dumps ---- */

struct dump_ctx {
	mnl_cb_t cb;
	void *data;
	bool intr;
};

static int dump_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *d = data;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		d->intr = true;
	return d->cb(nlh, d->data);
}

/* NLMSG_DONE carries the dump's error code (e.g. -ENOENT: no such table). */
static int dump_done_cb(const struct nlmsghdr *nlh, void *data)
{
	int err = 0;

	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int))
		memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(int));
	if (err < 0) {
		errno = -err;
		return MNL_CB_ERROR;
	}
	return MNL_CB_STOP;
}

static int dump_error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (e->error == 0)
		return MNL_CB_STOP;
	errno = -e->error;
	return MNL_CB_ERROR;
}

static int talk(struct sync *s, struct mnl_socket *nl, struct nlmsghdr *nlh,
		mnl_cb_t cb, void *data, uint16_t flags);

int sync_dump(struct sync *s, struct mnl_socket *nl, struct nlmsghdr *nlh,
	      mnl_cb_t cb, void *data)
{
	return talk(s, nl, nlh, cb, data, NLM_F_DUMP);
}

int sync_talk(struct sync *s, struct mnl_socket *nl, struct nlmsghdr *nlh,
	      mnl_cb_t cb, void *data)
{
	return talk(s, nl, nlh, cb, data, NLM_F_ACK);
}

int sync_dump_links(struct sync *s, struct mnl_socket *nl, mnl_cb_t cb, void *data)
{
	char buf[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = RTM_GETLINK;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	return sync_dump(s, nl, nlh, cb, data);
}

static int talk(struct sync *s, struct mnl_socket *nl, struct nlmsghdr *nlh,
		mnl_cb_t cb, void *data, uint16_t flags)
{
	static char buf[65536];
	struct dump_ctx d = { .cb = cb, .data = data };
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_DONE] = dump_done_cb,
		[NLMSG_ERROR] = dump_error_cb,
	};
	unsigned int portid = mnl_socket_get_portid(nl);
	unsigned int seq;
	ssize_t n;
	int ret;

	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	seq = nlh->nlmsg_seq = ++s->seq;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		ret = mnl_cb_run2(buf, n, seq, portid, dump_msg_cb, &d, ctl,
				  NLMSG_MIN_TYPE);
	} while (ret > MNL_CB_STOP);
	if (ret < 0)
		return errno ? -errno : -EIO;
	return d.intr ? -EINTR : 0;
}

/* ---- the host batch ---- */

struct nlmsghdr *sync_batch_msg(struct sync *s)
{
	struct batch *b = &s->b;
	char *p;

	if (b->len + SYNC_MSG_MAX > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 1 << 20;

		while (cap < b->len + SYNC_MSG_MAX)
			cap *= 2;
		p = realloc(b->buf, cap);
		if (!p)
			abort();
		b->buf = p;
		b->cap = cap;
	}
	/* Zeroes the header; the builders zero or set everything else. */
	return mnl_nlmsg_put_header(b->buf + b->len);
}

void sync_batch_commit(struct sync *s, struct nlmsghdr *nlh, const struct bop *op)
{
	struct batch *b = &s->b;
	struct bop *p;

	if (b->n == b->ops_cap) {
		size_t cap = b->ops_cap ? b->ops_cap * 2 : 4096;

		p = realloc(b->ops, cap * sizeof(*p));
		if (!p)
			abort();
		b->ops = p;
		b->ops_cap = cap;
	}
	nlh->nlmsg_flags |= NLM_F_REQUEST;
	b->ops[b->n++] = *op;
	b->len += NLMSG_ALIGN(nlh->nlmsg_len);
}

const char *sync_addr_str(int family, const void *addr, char *buf, size_t len)
{
	if (!inet_ntop(family, addr, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

const char *sync_ifname(uint32_t ifindex, char *buf)
{
	if (!if_indextoname(ifindex, buf))
		snprintf(buf, IF_NAMESIZE, "if%u", ifindex);
	return buf;
}

static const char *ext_ack_msg(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	size_t off;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NULL;
	off = sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	mnl_attr_for_each(a, nlh, off) {
		if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
			return mnl_attr_get_str(a);
	}
	return NULL;
}

static void report(struct sync *s, const struct bop *op, int err,
		   const char *msg, unsigned int *printed)
{
	struct sync_vr *vr = op->vr_id < VR_MAX_ROUTERS ? s->vr[op->vr_id] : NULL;
	char a[INET6_ADDRSTRLEN];

	if (op->kind == 'd' && (err == -ENOENT || err == -ESRCH))
		return;		/* already gone */
	if (err == -ENETDOWN) {
		/* The lower NIC is down: the host link event will resync. */
		pr_debug("table %u: %s/%u: lower NIC down", op->table,
			 sync_addr_str(op->key.family, op->key.dst, a, sizeof(a)),
			 op->key.dst_len);
		return;
	}
	if (vr)
		vr->failed++;
	s->n_errors++;
	if ((*printed)++ >= ERR_PRINT_MAX)
		return;
	pr_warn("VR %s: cannot %s route %s/%u metric %u in table %u: %s%s%s",
		vr ? vr->rec.name : "?", op->kind == 'd' ? "delete" : "install",
		sync_addr_str(op->key.family, op->key.dst, a, sizeof(a)),
		op->key.dst_len, op->key.prio, op->table, strerror(-err),
		msg ? ": " : "", msg ? msg : "");
}

int sync_batch_flush(struct sync *s)
{
	struct batch *b = &s->b;
	char rbuf[16384];
	unsigned int portid, printed = 0, seq0, last;
	size_t off = 0, i = 0, start, first;
	struct nlmsghdr *nlh;
	int ret = 0;

	if (!b->n)
		return 0;
	portid = mnl_socket_get_portid(s->host);
	seq0 = s->seq + 1;
	s->seq += b->n;
	while (off < b->len) {
		start = off;
		first = i;
		do {
			nlh = (struct nlmsghdr *)(b->buf + off);
			nlh->nlmsg_seq = seq0 + i;
			off += NLMSG_ALIGN(nlh->nlmsg_len);
			i++;
		} while (off < b->len &&
			 off - start + ((struct nlmsghdr *)(b->buf + off))->nlmsg_len <= CHUNK_MAX);
		nlh->nlmsg_flags |= NLM_F_ACK;
		last = nlh->nlmsg_seq;
		if (mnl_socket_sendto(s->host, b->buf + start, off - start) < 0) {
			ret = -errno;
			pr_err("cannot send route requests: %s", strerror(errno));
			break;
		}
		for (;;) {
			const struct nlmsgerr *e;
			ssize_t n = mnl_socket_recvfrom(s->host, rbuf, sizeof(rbuf));
			bool done = false;
			int left;

			if (n < 0) {
				if (errno == EINTR)
					continue;
				if (errno == ENOBUFS) {
					/* Errors were lost: have every VR of the chunk retried. */
					size_t k;

					for (k = first; k < i; k++)
						if (b->ops[k].vr_id < VR_MAX_ROUTERS &&
						    s->vr[b->ops[k].vr_id])
							s->vr[b->ops[k].vr_id]->failed++;
					continue;
				}
				ret = -errno;
				pr_err("cannot read route replies: %s", strerror(errno));
				goto out;
			}
			left = (int)n;
			for (nlh = (struct nlmsghdr *)rbuf; mnl_nlmsg_ok(nlh, left);
			     nlh = mnl_nlmsg_next(nlh, &left)) {
				if (nlh->nlmsg_type != NLMSG_ERROR || nlh->nlmsg_pid != portid ||
				    mnl_nlmsg_get_payload_len(nlh) < sizeof(*e))
					continue;
				e = mnl_nlmsg_get_payload(nlh);
				if (nlh->nlmsg_seq < seq0 || nlh->nlmsg_seq > last)
					continue;
				if (e->error)
					report(s, &b->ops[nlh->nlmsg_seq - seq0], e->error,
					       ext_ack_msg(nlh), &printed);
				if (nlh->nlmsg_seq == last)
					done = true;
			}
			if (done)
				break;
		}
	}
out:
	if (printed > ERR_PRINT_MAX)
		pr_warn("... and %u more route requests refused", printed - ERR_PRINT_MAX);
	b->len = 0;
	b->n = 0;
	return ret;
}
