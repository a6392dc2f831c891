/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * vrctl sync: the VR's routes, addresses, next hops and neighbours,
 * mirrored from its namespace into the fast path (its host table and
 * vr_neigh).  Internal to loader/sync; the command line uses sync_api.h.
 *
 *   engine.c   a sync context, one full pass of a VR or of all of them
 *   batch.c    the pipelined request batch to the host (nl/nl.h below)
 *   vr.c       a VR's lifecycle: attach (namespace, sockets), full pass,
 *              detach; its links
 *   guard.c    the links on the shared NICs: vrctl's kept as made, the
 *              tenant's deleted
 *   route.c    routes and addresses: the VR's wanted set, rendered for
 *              the host table, diffed against it, installed
 *   nh.c       nexthop objects (RTA_NH_ID) and their groups
 *   neigh.c    neighbours -> vr_neigh
 *   follow.c   the --follow loop: epoll over the VRs' event sockets, the
 *              host's links, signals, a 1 s tick and /run/netns
 *
 * Model.  For each VR, in memory: its links (VR ifindex -> lower NIC's
 * ifindex in the host), its nexthop objects, its addresses and the routes
 * of its main table, keyed like the host kernel keys a route (family,
 * prefix, tos, priority).  What a key should look like in the host table
 * is computed from that ("rendered"): the VR's own address -> a local
 * route; a route -> the same route with the macvlans replaced by their
 * lower NICs and nexthop objects resolved; a route that cannot be
 * mirrored (a next hop on a device without a lower NIC, lwt encap, an
 * unknown nexthop id) -> a throw route, so the fast path hands such
 * traffic to the VR's kernel rather than forwarding it by a less specific
 * route.  A full pass dumps both sides and sends only the differences,
 * ordered so that the kernel accepts each (route.c, tier_of()), retries
 * what was refused, and turns what is still refused into a throw route;
 * events send the rendered state of the keys they touch.
 */
#ifndef VR_SYNC_H
#define VR_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <net/if.h>

#include <libmnl/libmnl.h>

#include "core/state.h"
#include "lib/htab.h"
#include "lib/log.h"
#include "lib/parse.h"
#include "nl/nl.h"
#include "sync/sync_api.h"

#define SYNC_MAX_NH	256	/* next hops of one route */
#define SYNC_LO_IFINDEX	1	/* local routes go on the host's lo */
/* Carrier: IFF_LOWER_UP of <linux/if.h>, which clashes with <net/if.h>. */
#define SYNC_IFF_LOWER_UP	(1 << 16)
/* Full passes the follower makes after a carrier change, 20 ms after it
 * and then at doubling intervals (to 640 ms): the kernel acts on it in
 * steps (the NIC, then the macvlans stacked on it, deferred by linkwatch,
 * and their next hops).
 */
#define SYNC_CARRIER_PASSES	6

/* ---- routes ---- */

/* A route's identity in a table, as the kernel sees it. */
struct rkey {
	uint8_t family, dst_len, tos, pad;
	uint32_t prio;
	uint8_t dst[16];
};

struct snhop {
	uint32_t ifindex;	/* VR side in stored routes; host side when rendered */
	uint8_t gw_family;	/* AF_INET, AF_INET6, 0: no gateway */
	uint8_t hops;		/* weight - 1 */
	uint8_t flags;		/* RTNH_F_ONLINK */
	uint8_t pad;
	uint8_t gw[16];
};

struct sroute {
	struct hnode h;
	struct rkey key;
	/* the VR's main-table route with this key, if has_main */
	bool has_main;
	bool unsupported;	/* lwt encap and the like */
	uint8_t type, protocol, scope;
	uint16_t n_nh;
	uint32_t nh_id;		/* RTA_NH_ID, 0 if none */
	uint32_t mtu;		/* its MTU metric, 0 if none: rendered as throw */
	struct snhop *nh;	/* n_nh, as the VR reported them */
	uint16_t n_local;	/* the VR's addresses equal to this /32 or /128 */
	uint32_t gen;		/* last full pass that found it in the host */
	uint16_t host_n;	/* entries with its key found then (IPv4: appended) */
	bool host_same;		/* ... and the one found is the rendered state */
	bool over_quota;	/* beyond the VR's route quota: not mirrored */
};

/* What a key should be in the host table. */
struct rendered {
	uint8_t type;		/* RTN_*; RTN_UNSPEC: nothing (delete) */
	uint8_t protocol, scope;
	uint16_t n_nh;
	struct snhop nh[SYNC_MAX_NH];	/* host ifindexes, sorted */
};

/* ---- nexthop objects ---- */

struct snh {
	struct hnode h;
	uint32_t id;
	bool blackhole, unsupported;
	uint16_t n_grp;
	struct { uint32_t id; uint8_t hops; } *grp;	/* a group if n_grp */
	struct snhop hop;				/* a single next hop */
};

/* ---- links and addresses ---- */

/* A link's configuration where a tenant could reach past its VR (guard.c). */
struct slink_cfg {
	bool macvlan;			/* kind "macvlan" */
	bool has_mac, has_bcq, has_cutoff;
	uint8_t mac[6];			/* IFLA_ADDRESS */
	uint32_t mode;			/* IFLA_MACVLAN_MODE */
	uint16_t flags;			/* IFLA_MACVLAN_FLAGS */
	uint32_t n_src;			/* IFLA_MACVLAN_MACADDR_COUNT: source MACs */
	uint32_t bcq;			/* IFLA_MACVLAN_BC_QUEUE_LEN asked for */
	int32_t cutoff;			/* IFLA_MACVLAN_BC_CUTOFF (the NIC's) */
};

struct slink {
	struct hnode h;
	uint32_t ifindex;		/* in the VR */
	uint32_t host_ifindex;		/* the lower NIC if vrctl made the link, else 0 */
	uint32_t flags;			/* IFF_* */
	uint32_t gen;
	uint32_t lower;			/* its lower device in vrctl's namespace, 0 if none */
	bool ours;			/* the macvlan vrctl made for its port on LOWER */
	bool foreign;			/* stacked on a shared NIC, not vrctl's: to delete */
	uint32_t lower_ifindex;		/* its lower NIC, if foreign */
	char kind[16];			/* "macvlan", ... */
	char name[IF_NAMESIZE];
	struct slink_cfg cfg;
	uint32_t restored_sig;		/* the change last restored (guard.c), 0: none */
};

struct saddr_key {
	uint8_t family, plen;
	uint16_t pad;
	uint32_t ifindex;
	uint8_t addr[16];
};

struct saddr {
	struct hnode h;
	struct saddr_key key;
	uint32_t gen;
};

/* ---- a VR ---- */

struct sync;

struct sync_vr {
	struct sync *s;
	uint32_t id;
	struct vr_router rec;
	int nsfd;			/* -1: not attached */
	dev_t ns_dev;
	ino_t ns_ino;
	int32_t host_nsid;		/* the host's nsid inside the VR, -1 unknown */
	struct nl_sock *req;		/* dumps inside the VR */
	struct nl_sock *ev;		/* events (--follow) */
	struct htab links, routes, nhs, addrs;
	uint32_t gen;
	bool resync;			/* a full pass is due */
	uint8_t carrier_passes;		/* more passes after a carrier change */
	bool routes_over;		/* over its route quota (reported) */
	bool rules_off;			/* fast path off for policy routing (reported) */
	bool neigh_over;		/* over its neighbour quota or vr_neigh full (reported) */
	bool neigh_retry;		/* a neighbour pass is due: room may have freed */
	uint32_t n_neigh;		/* its vr_neigh entries, as far as sync knows */
	bool gone;			/* namespace missing, reported */
	double retry_at;		/* failures: full pass again then (0: no) */
	double backoff;
	unsigned int failed;		/* requests refused in the last batches */
	/* counts of the current pass / event batch, for the summary */
	unsigned int n_add, n_repl, n_del, n_same, n_nset, n_ndel, n_nsame;
	void *src;			/* epoll source (follow.c) */
	bool passed;			/* --follow: a full pass this round, to report */
	int pass_err;			/* its result */
};

/* A queued host request: what to say if it fails. */
struct bop {
	uint32_t vr_id;
	uint32_t table;
	uint8_t kind;			/* 'a'dd/replace, 'd'elete */
	struct rkey key;
};

/* A request the host refused, kept (batch.keep) for the full pass to retry. */
#define SYNC_ACK_MAX	256
struct bfail {
	struct bop op;
	int err;
	char msg[SYNC_ACK_MAX];		/* the kernel's extended ack, "" if none */
};

struct batch {
	char *buf;
	size_t len, cap;
	struct bop *ops;
	size_t n, ops_cap;
	bool keep;			/* refusals into fails[], not reported */
	struct bfail *fails;
	size_t n_fail, fails_cap;
};

struct follower;

struct sync {
	struct vr_state *st;
	int self_ns;			/* fd of the namespace vrctl runs in */
	struct nl_sock *host;		/* route requests into the host tables */
	struct nl_sock *hdump;		/* dumps of the host tables */
	struct batch b;
	struct sync_vr *vr[VR_MAX_ROUTERS];
	struct follower *fw;		/* --follow (follow.c); NULL: one pass */
	sync_result_fn follow_result;	/* --follow: told each full pass (sync_follow_report) */
	void *follow_arg;
};

/* engine.c: after a round's batch: FOLLOW_RESULT told of each VR marked
 * ->passed (its counts and ->failed now final), the marks cleared.
 */
void sync_follow_report(struct sync *s);

/* batch.c */
double sync_now(void);
/* A message in the host batch: returns the header to fill (room for
 * SYNC_MSG_MAX bytes), then sync_batch_commit() with its description.
 */
#define SYNC_MSG_MAX	16384
struct nlmsghdr *sync_batch_msg(struct sync *s);
void sync_batch_commit(struct sync *s, struct nlmsghdr *nlh, const struct bop *op);
/* Send everything queued and collect the errors (reported, counted in
 * the VR's ->failed; with b.keep set, kept in b.fails instead).  0 or
 * -errno on a socket error.
 */
int sync_batch_flush(struct sync *s);
/* Report and count the refusals kept in b.fails, one line each; empty it. */
void sync_batch_report(struct sync *s);
const char *sync_addr_str(int family, const void *addr, char *buf, size_t len);
const char *sync_ifname(uint32_t ifindex, char *buf);	/* host side */

/* vr.c */
struct sync_vr *sync_vr_new(struct sync *s, uint32_t id, const struct vr_router *rec);
void sync_vr_free(struct sync_vr *vr);
int sync_vr_attach(struct sync_vr *vr);		/* -ENOENT: no namespace */
void sync_vr_detach(struct sync_vr *vr);
int sync_vr_full_pass(struct sync_vr *vr);
/* A failure: the next full pass after a delay, doubled up to 60 s. */
void sync_vr_backoff(struct sync_vr *vr, double now);
uint32_t sync_link_host(struct sync_vr *vr, uint32_t vr_ifindex);
/* Policy routing in the VR: its fast path off while it has rules beyond
 * the defaults.  0 or -errno.
 */
int sync_rules_pass(struct sync_vr *vr);
/* Mirror the VR's rp_filter on each of its macvlans into vr_macs. */
void sync_rpf_pass(struct sync_vr *vr);	/* 0: none */
int sync_links_dump(struct sync_vr *vr);
/* An RTM_NEWLINK/DELLINK event: true if the mapping or up state changed. */
bool sync_link_event(struct sync_vr *vr, const struct nlmsghdr *nlh);

/* guard.c: the links on the shared NICs.  LINKINFO (IFLA_LINKINFO, may be
 * NULL) and ADDR (IFLA_ADDRESS, or NULL) into *CFG.
 */
void sync_link_cfg(const struct nlattr *linkinfo, const uint8_t *addr, struct slink_cfg *cfg);
/*
 * After a dump of the VR's links or an event: which link on each shared
 * NIC is the macvlan vrctl made (host_ifindex set), restored where a
 * tenant changed what it may not, and every other link stacked on a
 * shared NIC deleted; each reported once.  Nothing while the VR is being
 * deleted (its record no longer READY, or another VR's).  True if the
 * links vrctl made changed (a full pass is due).
 */
bool sync_links_guard(struct sync_vr *vr);

/* route.c */
void sync_route_free(void *e);
int sync_addrs_dump(struct sync_vr *vr);
int sync_routes_dump(struct sync_vr *vr);
/* Diff against the host table and queue the changes (not flushed), in
 * an order the kernel accepts: deletions, then routes without a gateway,
 * then routes with one, then the other types.
 */
int sync_routes_host_pass(struct sync_vr *vr);
/* Mark the routes beyond the VR's route quota (the least specific) as not
 * mirrored, and report a change of state.
 */
void sync_routes_quota(struct sync_vr *vr);
uint32_t vr_route_quota(const struct sync_vr *vr);
/* Flush the pass's requests; retry what the host refused, then with its
 * key deleted first; what is still refused is reported and becomes a
 * throw route.  0 or -errno on a socket error.
 */
int sync_routes_converge(struct sync_vr *vr);
void sync_route_event(struct sync_vr *vr, const struct nlmsghdr *nlh);
void sync_addr_event(struct sync_vr *vr, const struct nlmsghdr *nlh);
/* Queue the rendered state of R (replace or delete). */
void sync_route_emit(struct sync_vr *vr, struct sroute *r);
void sync_route_release(struct sync_vr *vr, struct sroute *r);	/* free if unused */
/* The VR's main-table route of R is gone: emit what remains, free if unused. */
void sync_route_drop(struct sync_vr *vr, struct sroute *r);

/* nh.c */
void sync_nh_free(void *e);
int sync_nhs_dump(struct sync_vr *vr);
void sync_nh_event(struct sync_vr *vr, const struct nlmsghdr *nlh);
/* R's next hops from nexthop object ID: 1 resolved (into OUT, VR
 * ifindexes, *blackhole set), 0 unknown id, -1 cannot be mirrored.
 */
int sync_nh_resolve(struct sync_vr *vr, uint32_t id, struct rendered *out, bool *blackhole);

/* neigh.c */
int sync_neigh_pass(struct sync_vr *vr);
void sync_neigh_event(struct sync_vr *vr, const struct nlmsghdr *nlh);

#endif /* VR_SYNC_H */
