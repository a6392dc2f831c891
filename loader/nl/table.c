// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Host routing tables: emptying one, as `ip route flush table T` does;
 * which ones routes or rules use; how many routes each holds.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>

#include "nl/netlink.h"
#include "nl/nl.h"

struct flush_ctx {
	uint32_t table;
	char *msgs;		/* the table's routes, as dumped */
	size_t len, cap;
};

static uint32_t route_table(const struct nlmsghdr *nlh, const struct rtmsg *rtm)
{
	const struct nlattr *tb[RTA_MAX + 1];

	nl_attr_parse(nlh, sizeof(*rtm), tb, RTA_MAX);
	if (nl_attr_valid(tb[RTA_TABLE], MNL_TYPE_U32))
		return mnl_attr_get_u32(tb[RTA_TABLE]);
	return rtm->rtm_table;
}

static int flush_collect_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct flush_ctx *f = data;
	char *p;

	if (nlh->nlmsg_type != RTM_NEWROUTE || mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm) ||
	    route_table(nlh, rtm) != f->table)
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
 * Every route of TABLE in the current namespace, IPv4 and IPv6, is
 * deleted by sending back the message the dump returned.
 */
int nl_table_flush(uint32_t table)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct flush_ctx f = { .table = table };
	struct nl_sock *sk;
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	size_t off;
	int i, err, n = 0;

	err = nl_open(NETLINK_ROUTE, NULL, 0, &sk);
	if (err)
		return err;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETROUTE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_UNSPEC;
	for (i = 0, err = -EINTR; err == -EINTR && i < NL_DUMP_TRIES; i++) {
		f.len = 0;
		nlh->nlmsg_flags = 0;
		err = nl_dump(sk, nlh, flush_collect_cb, &f);
	}
	if (err == -EINTR)
		err = 0;	/* routes came and went meanwhile: those seen go */
	for (off = 0; !err && off < f.len; off += NLMSG_ALIGN(nlh->nlmsg_len)) {
		nlh = (struct nlmsghdr *)(f.msgs + off);
		nlh->nlmsg_type = RTM_DELROUTE;
		nlh->nlmsg_flags = 0;
		err = nl_request(sk, nlh, NULL, NULL);
		if (err == -ESRCH)	/* gone with another one (a nexthop's routes) */
			err = 0;
		else if (!err)
			n++;
	}
	free(f.msgs);
	nl_close(sk);
	return err ? err : n;
}

/* ---- which tables are in use ---- */

struct used_ctx {
	uint32_t lo, hi;
	uint8_t *used;		/* [hi - lo + 1] */
};

static void mark(struct used_ctx *u, uint32_t table)
{
	if (table >= u->lo && table <= u->hi)
		u->used[table - u->lo] = 1;
}

static int used_route_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type == RTM_NEWROUTE && mnl_nlmsg_get_payload_len(nlh) >= sizeof(*rtm))
		mark(data, route_table(nlh, rtm));
	return MNL_CB_OK;
}

static int used_rule_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct fib_rule_hdr *frh = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[FRA_MAX + 1];

	if (nlh->nlmsg_type != RTM_NEWRULE || mnl_nlmsg_get_payload_len(nlh) < sizeof(*frh))
		return MNL_CB_OK;
	nl_attr_parse(nlh, sizeof(*frh), tb, FRA_MAX);
	mark(data, nl_attr_valid(tb[FRA_TABLE], MNL_TYPE_U32) ?
		   mnl_attr_get_u32(tb[FRA_TABLE]) : frh->table);
	return MNL_CB_OK;
}

/* A dump of TYPE (RTM_GETROUTE, RTM_GETRULE), all families, into CB. */
static int dump_all(struct nl_sock *sk, uint16_t type, size_t hdrlen, mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	int i, err = -EINTR;

	nlh->nlmsg_type = type;
	/* rtmsg and fib_rule_hdr both start with the family byte */
	memset(mnl_nlmsg_put_extra_header(nlh, hdrlen), 0, hdrlen);
	for (i = 0; err == -EINTR && i < NL_DUMP_TRIES; i++) {
		nlh->nlmsg_flags = 0;
		err = nl_dump(sk, nlh, cb, data);
	}
	return err;
}

int nl_tables_used(uint32_t lo, uint32_t hi, uint8_t *used)
{
	struct used_ctx u = { .lo = lo, .hi = hi, .used = used };
	struct nl_sock *sk;
	int err;

	memset(used, 0, hi - lo + 1);
	err = nl_open(NETLINK_ROUTE, NULL, 0, &sk);
	if (err)
		return err;
	err = dump_all(sk, RTM_GETROUTE, sizeof(struct rtmsg), used_route_cb, &u);
	if (!err)
		err = dump_all(sk, RTM_GETRULE, sizeof(struct fib_rule_hdr), used_rule_cb, &u);
	nl_close(sk);
	return err;
}

/* ---- how many routes each table holds ---- */

struct count_ctx {
	const uint32_t *tables;		/* the tables counted */
	const size_t *order;		/* their indexes, sorted by table id */
	size_t n;
	uint32_t *counts;
};

static const struct count_ctx *sort_ctx;

static int cmp_order(const void *a, const void *b)
{
	uint32_t x = sort_ctx->tables[*(const size_t *)a], y = sort_ctx->tables[*(const size_t *)b];

	return x < y ? -1 : x > y;
}

static int count_route_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct count_ctx *c = data;
	size_t lo = 0, hi = c->n, mid;
	uint32_t t;

	if (nlh->nlmsg_type != RTM_NEWROUTE || mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm))
		return MNL_CB_OK;
	t = route_table(nlh, rtm);
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (c->tables[c->order[mid]] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < c->n && c->tables[c->order[lo]] == t; lo++)
		c->counts[c->order[lo]]++;
	return MNL_CB_OK;
}

int nl_table_counts(const uint32_t *tables, size_t n, uint32_t *counts)
{
	struct count_ctx c = { .tables = tables, .n = n, .counts = counts };
	struct nl_sock *sk;
	size_t *order, i;
	int err;

	memset(counts, 0, n * sizeof(*counts));
	order = calloc(n ? n : 1, sizeof(*order));
	if (!order)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		order[i] = i;
	sort_ctx = &c;
	qsort(order, n, sizeof(*order), cmp_order);
	c.order = order;
	err = nl_open(NETLINK_ROUTE, NULL, 0, &sk);
	if (!err) {
		err = dump_all(sk, RTM_GETROUTE, sizeof(struct rtmsg), count_route_cb, &c);
		nl_close(sk);
	}
	free(order);
	return err;
}
