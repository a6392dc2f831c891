// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The batch of route requests to the host, on nl/nl.h's pieces (its
 * sequence numbers, send, receive, error and extended ack parsing).
 *
 * The batch: requests are queued in one buffer and sent in chunks of up
 * to 64 KiB, each request without NLM_F_ACK except the last of a chunk.
 * The kernel answers a failed request with an error whether or not it
 * asked for an ACK, and handles a chunk's requests in order, so once the
 * last one is acknowledged every error of the chunk has arrived: one
 * round trip per chunk instead of one per route.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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

double sync_cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- the host batch ---- */

void sync_batch_free(struct batch *b)
{
	free(b->buf);
	free(b->ops);
	free(b->fails);
	memset(b, 0, sizeof(*b));
}

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

/* ARRAY of *CAP elements of SIZE bytes, twice as large (FIRST if empty). */
static void *grow(void *array, size_t *cap, size_t size, size_t first)
{
	size_t n = *cap ? *cap * 2 : first;

	array = realloc(array, n * size);
	if (!array)
		abort();
	*cap = n;
	return array;
}

void sync_batch_commit(struct sync *s, struct nlmsghdr *nlh, const struct bop *op)
{
	struct batch *b = &s->b;

	if (b->n == b->ops_cap)
		b->ops = grow(b->ops, &b->ops_cap, sizeof(*b->ops), 4096);
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

/* A refusal worth a line: not a deletion of what is gone already, not a
 * lower NIC that is down (the host link event will resync).
 */
static bool refusal_counts(const struct bop *op, int err)
{
	char a[INET6_ADDRSTRLEN];

	if (op->kind == 'd' && (err == -ENOENT || err == -ESRCH))
		return false;
	if (err == -ENETDOWN) {
		pr_debug("table %u: %s/%u: lower NIC down", op->table,
			 sync_addr_str(op->key.family, op->key.dst, a, sizeof(a)),
			 op->key.dst_len);
		return false;
	}
	return true;
}

static void report(struct sync *s, const struct bop *op, int err,
		   const char *msg, unsigned int *printed)
{
	struct sync_vr *vr = op->vr_id < VR_MAX_ROUTERS ? s->vr[op->vr_id] : NULL;
	char a[INET6_ADDRSTRLEN];

	if (vr)
		vr->failed++;
	if ((*printed)++ >= ERR_PRINT_MAX)
		return;
	pr_warn("VR %s: cannot %s route %s/%u metric %u in table %u: %s%s%s",
		vr ? vr->rec.name : "?", op->kind == 'd' ? "delete" : "install",
		sync_addr_str(op->key.family, op->key.dst, a, sizeof(a)),
		op->key.dst_len, op->key.prio, op->table, strerror(-err),
		msg && *msg ? ": " : "", msg ? msg : "");
}

static void report_more(unsigned int printed)
{
	if (printed > ERR_PRINT_MAX)
		pr_warn("... and %u more route requests refused", printed - ERR_PRINT_MAX);
}

static void refused(struct sync *s, const struct bop *op, int err,
		    const char *msg, unsigned int *printed)
{
	struct batch *b = &s->b;
	struct bfail *f;

	if (!refusal_counts(op, err))
		return;
	if (!b->keep)
		return report(s, op, err, msg, printed);
	if (b->n_fail == b->fails_cap)
		b->fails = grow(b->fails, &b->fails_cap, sizeof(*b->fails), 64);
	f = &b->fails[b->n_fail++];
	f->op = *op;
	f->err = err;
	snprintf(f->msg, sizeof(f->msg), "%s", msg ? msg : "");
}

void sync_batch_report(struct sync *s)
{
	struct batch *b = &s->b;
	unsigned int printed = 0;
	size_t i;

	for (i = 0; i < b->n_fail; i++)
		report(s, &b->fails[i].op, b->fails[i].err, b->fails[i].msg, &printed);
	report_more(printed);
	b->n_fail = 0;
}

struct flush {
	struct sync *s;
	uint32_t seq0;			/* of the batch's first request */
	uint32_t last;			/* of the chunk's last, acknowledged */
	size_t first, end;		/* the chunk's requests: [first, end) */
	unsigned int printed;		/* errors printed */
};

/* Send the next chunk, from *OFF: up to CHUNK_MAX bytes, the last request
 * with NLM_F_ACK.
 */
static int chunk_send(struct flush *f, size_t *off)
{
	struct batch *b = &f->s->b;
	size_t start = *off;
	struct nlmsghdr *nlh;
	int err;

	f->first = f->end;
	do {
		nlh = (struct nlmsghdr *)(b->buf + *off);
		nlh->nlmsg_seq = f->seq0 + (uint32_t)f->end++;
		*off += NLMSG_ALIGN(nlh->nlmsg_len);
	} while (*off < b->len &&
		 *off - start + ((struct nlmsghdr *)(b->buf + *off))->nlmsg_len <= CHUNK_MAX);
	nlh->nlmsg_flags |= NLM_F_ACK;
	f->last = nlh->nlmsg_seq;
	err = nl_send(f->s->host, b->buf + start, *off - start);
	if (err)
		pr_err("cannot send route requests: %s", strerror(-err));
	return err;
}

/* Replies were lost (ENOBUFS): have every VR of the chunk retried. */
static void chunk_lost(struct flush *f)
{
	struct sync *s = f->s;
	size_t k;

	for (k = f->first; k < f->end; k++)
		if (s->b.ops[k].vr_id < VR_MAX_ROUTERS && s->vr[s->b.ops[k].vr_id])
			s->vr[s->b.ops[k].vr_id]->failed++;
}

/* The replies in BUF: errors reported; true once the chunk's last request
 * is acknowledged (requests are handled in order: every error is in).
 */
static bool chunk_replies(struct flush *f, const char *buf, int len)
{
	uint32_t portid = nl_portid(f->s->host);
	const struct nlmsghdr *nlh;
	const char *msg;
	bool done = false;
	int err;

	for (nlh = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, len);
	     nlh = mnl_nlmsg_next(nlh, &len)) {
		if (nlh->nlmsg_type != NLMSG_ERROR || nlh->nlmsg_pid != portid ||
		    mnl_nlmsg_get_payload_len(nlh) < sizeof(struct nlmsgerr) ||
		    nlh->nlmsg_seq < f->seq0 + f->first || nlh->nlmsg_seq > f->last)
			continue;
		err = nl_msg_error(nlh, &msg);
		if (err)
			refused(f->s, &f->s->b.ops[nlh->nlmsg_seq - f->seq0], err, msg,
				&f->printed);
		if (nlh->nlmsg_seq == f->last)
			done = true;
	}
	return done;
}

static int chunk_collect(struct flush *f)
{
	char buf[16384] __attribute__((aligned(NLMSG_ALIGNTO)));
	ssize_t n;

	for (;;) {
		n = nl_recv(f->s->host, buf, sizeof(buf));
		if (n == -ENOBUFS) {
			chunk_lost(f);
			continue;
		}
		if (n < 0) {
			pr_err("cannot read route replies: %s", strerror((int)-n));
			return (int)n;
		}
		if (chunk_replies(f, buf, (int)n))
			return 0;
	}
}

int sync_batch_flush(struct sync *s)
{
	struct batch *b = &s->b;
	struct flush f = { .s = s };
	size_t off = 0;
	int err = 0;

	if (!b->n)
		return 0;
	f.seq0 = nl_seq_take(s->host, (uint32_t)b->n);
	while (!err && off < b->len) {
		err = chunk_send(&f, &off);
		if (!err)
			err = chunk_collect(&f);
		/* Between chunks nothing is in flight: while a VR's deferred
		 * work runs, the follower serves the other VRs' events here
		 * (with a batch of their own).
		 */
		if (!err && off < b->len && s->busy)
			sync_follow_yield(s);
	}
	report_more(f.printed);
	b->len = 0;
	b->n = 0;
	return err;
}
