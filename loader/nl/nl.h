/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Netlink on libmnl: sockets opened inside a network namespace, one
 * request/ACK call and one dump call, the pieces of a pipelined batch,
 * and attribute tables.  Every netlink conversation of vrctl goes through
 * here.  Functions return 0 or -errno and print nothing; on a refused
 * request nl_ext_ack() gives the kernel's explanation for the caller's
 * one error line.
 */
#ifndef VR_NL_NL_H
#define VR_NL_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <libmnl/libmnl.h>

struct nl_sock;

/* nl_open() flags.  NETLINK_CAP_ACK and NETLINK_EXT_ACK are always asked
 * for (best effort, as is NL_STRICT: older kernels lack them).
 */
#define NL_STRICT	(1u << 0)	/* NETLINK_GET_STRICT_CHK: dump filters honoured */
#define NL_NONBLOCK	(1u << 1)	/* nl_recv() says -EAGAIN instead of waiting */

/* A receive buffer that holds any datagram the kernel sends. */
#define NL_RECV_SIZE	65536

/* A socket of BUS (NETLINK_ROUTE, NETLINK_GENERIC, ...) inside namespace
 * NETNS (a /run/netns name; NULL: the current one) or NSFD (-1: current).
 */
int nl_open(int bus, const char *netns, unsigned int flags, struct nl_sock **out);
int nl_open_fd(int bus, int nsfd, unsigned int flags, struct nl_sock **out);
void nl_close(struct nl_sock *sk);		/* NULL is fine */
int nl_fd(const struct nl_sock *sk);
int nl_subscribe(struct nl_sock *sk, const unsigned int *groups, size_t n);
/* SO_RCVBUFFORCE, else SO_RCVBUF (capped by rmem_max). */
int nl_rcvbuf(struct nl_sock *sk, int bytes);

/*
 * NLH with NLM_F_REQUEST|NLM_F_ACK added to its flags and the socket's
 * next sequence number; CB (may be NULL) runs on each reply before the
 * ACK.  0, the kernel's -errno (its message in nl_ext_ack()), or CB's
 * (MNL_CB_ERROR with errno set).
 */
int nl_request(struct nl_sock *sk, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);
/*
 * The same with NLM_F_DUMP: CB on each message until NLMSG_DONE, whose
 * error it returns (e.g. -ENOENT: no such table).  -EINTR: the dump was
 * interrupted by changes (NLM_F_DUMP_INTR), read to its end, the data
 * possibly inconsistent: dump again.
 */
int nl_dump(struct nl_sock *sk, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);
/* FN(ARG) runs between the datagrams of every dump (NULL: nothing): a
 * single-threaded daemon serves other work there while a long dump runs.
 * FN must not use the socket of the dump.
 */
void nl_dump_hook(void (*fn)(void *arg), void *arg);
/* The extended ack message of the last request refused, or NULL. */
const char *nl_ext_ack(const struct nl_sock *sk);
/* strerror(-ERR), with ": " and nl_ext_ack() after it if there is one:
 * for an error line.  Valid until the next call on SK.
 */
const char *nl_strerror(struct nl_sock *sk, int err);

/* Pipelining: N consecutive sequence numbers, the first returned; send a
 * buffer of requests; receive one datagram (EINTR retried; -EAGAIN on a
 * NL_NONBLOCK socket, -ENOBUFS: messages were lost).
 */
uint32_t nl_seq_take(struct nl_sock *sk, uint32_t n);
uint32_t nl_portid(const struct nl_sock *sk);
int nl_send(struct nl_sock *sk, const void *buf, size_t len);
ssize_t nl_recv(struct nl_sock *sk, void *buf, size_t len);
/* NLMSG_ERROR or NLMSG_DONE: its error (0: an ACK, or the end of a dump)
 * and, if MSG, the extended ack message (NULL if none).  A truncated
 * NLMSG_ERROR: -EBADMSG.
 */
int nl_msg_error(const struct nlmsghdr *nlh, const char **msg);

/*
 * Attributes into TB[0..MAX] by type, as iproute2's parse_rtattr: TB is
 * zeroed first, types above MAX are skipped, the first of a type wins.
 * The message's attributes after HDRLEN bytes of fixed header, a nest's,
 * or those of a buffer.
 */
void nl_attr_parse(const struct nlmsghdr *nlh, size_t hdrlen,
		   const struct nlattr **tb, unsigned int max);
void nl_attr_parse_nested(const struct nlattr *nest, const struct nlattr **tb, unsigned int max);
void nl_attr_parse_payload(const void *buf, size_t len, const struct nlattr **tb, unsigned int max);
/* A if present and valid as TYPE (mnl_attr_validate), else NULL. */
const struct nlattr *nl_attr_valid(const struct nlattr *a, enum mnl_attr_data_type type);

/* How often a helper that must see a whole table dumps it again when
 * the dump was interrupted (-EINTR) before it makes do with the last.
 */
#define NL_DUMP_TRIES	3

/* Every link of SK's namespace (RTM_GETLINK dump, no statistics). */
int nl_link_dump(struct nl_sock *sk, mnl_cb_t cb, void *data);
/* The IFLA_INFO_KIND in a link's IFLA_LINKINFO ("macvlan", ...); NULL
 * if none (or LINKINFO is NULL).
 */
const char *nl_linkinfo_kind(const struct nlattr *linkinfo);

#endif /* VR_NL_NL_H */
