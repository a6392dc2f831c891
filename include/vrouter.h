/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * vrouter ABI: the map layouts, limits and counter reasons shared by the
 * XDP program (bpf/) and vrctl (loader/).  This is the only place they are
 * defined.  Every struct uses fixed-width types with explicit padding so
 * that both compilers agree on the layout; pad bytes must be zero in keys.
 *
 * Byte order: MAC addresses and IP addresses are in network order (as on
 * the wire); everything else (ifindex, ids, counters) is host order.
 */
#ifndef VROUTER_H
#define VROUTER_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* Limits: map sizes.  vrctl reports "map full" against these. */
#define VR_MAX_ROUTERS	1024	/* VR ids are 1..VR_MAX_ROUTERS-1; 0 is unused */
#define VR_MAX_MACS	8192	/* (ingress NIC, MAC) entries over all VRs */
#define VR_MAX_PORTS	8192	/* (VR, egress NIC) entries over all VRs */
#define VR_MAX_IFACES	256	/* NICs in the devmap */
#define VR_MAX_NEIGH	131072	/* neighbour entries over all VRs */

/* Table ids vrctl hands out when none is given: [VR_TABLE_MIN, VR_TABLE_MAX]. */
#define VR_TABLE_MIN	1000
#define VR_TABLE_MAX	(VR_TABLE_MIN + VR_MAX_ROUTERS - 1)

#define VR_ETH_ALEN	6

/* Names of the maps as pinned under the pin directory (LIBBPF_PIN_BY_NAME
 * pins a map under its own name, so these must match the map variables in
 * bpf/vrouter.bpf.c).
 */
#define VR_MAP_MACS	"vr_macs"
#define VR_MAP_PORTS	"vr_ports"
#define VR_MAP_NEIGH	"vr_neigh"
#define VR_MAP_TX	"vr_tx_ports"
#define VR_MAP_STATS	"vr_stats"
#define VR_MAP_NICSTATS	"vr_nic_stats"
#define VR_MAP_ROUTERS	"vr_routers"
#define VR_MAP_LIMITS	"vr_limits"
#define VR_MAP_BUCKETS	"vr_buckets"
#define VR_MAP_CREDITS	"vr_credits"
#define VR_MAP_SYSCTLS	"vr_sysctls"
#define VR_MAP_TRACE	"vr_trace"
#define VR_MAP_TRACECTL	"vr_trace_ctl"
#define VR_MAP_TRACEBKT	"vr_trace_bkt"
#define VR_MAP_HEALTH	"vr_sync_health"
#define VR_MAP_ABI	"vr_abi"
#define VR_MAP_MACSGEN	"vr_macs_gen"

/* vr_macs: which VR a frame belongs to. */
struct vr_mac_key {
	__u32 ifindex;			/* ingress NIC */
	__u8 mac[VR_ETH_ALEN];		/* destination MAC, network order */
	__u8 pad[2];
};

/* vr_macs_gen[0]: bumped by vrctl after every change to vr_macs (add,
 * delete, rp_filter, slow; loader/core/maps.c is the only writer).  The
 * fast path keeps the entries it found in a small per-CPU table (the
 * program's own, not pinned) and uses one only while the generation it
 * was found under is current, so most frames skip the hash of the
 * (ifindex, MAC) key and none is steered by an entry that has changed.
 * Misses are not kept, so a new entry needs no bump; whoever changes or
 * deletes an entry behind vrctl's back (bpftool) must bump it.
 */
struct vr_macs_gen {
	__u64 gen;
};

#define VR_MAC_CACHE_SLOTS	16	/* per CPU, direct-mapped by the MAC's last byte */

/* The VR's reverse-path filter on its macvlan of that NIC, as the VR set
 * it (max of net.ipv4.conf.all and conf.IFACE rp_filter; sync mirrors it).
 */
#define VR_RPF_OFF	0
#define VR_RPF_STRICT	1		/* the route back to the source leaves by the ingress NIC */
#define VR_RPF_LOOSE	2		/* some route back to the source exists */

/* Why every frame of the VR goes to its kernel (vr_mac_val.slow, a mask):
 * what the fast path cannot reproduce exactly is left to the VR's kernel.
 */
#define VR_SLOW_ADMIN	0x1		/* set-router --fast-path off */
#define VR_SLOW_RULES	0x2		/* policy routing: ip rules beyond the defaults (sync) */

/* Facts about the ingress NIC (vr_mac_val.flags, a mask), set by vrctl
 * when it writes the entry.
 *
 * VR_MACF_PARTIAL_CSUM: a virtual NIC (veth, tun/tap) attached in native
 * mode, whose senders may leave the TCP/UDP checksum to offload
 * (CHECKSUM_PARTIAL: the field holds only the pseudo-header sum).  XDP
 * sees the bytes, not the skb, so the fast path completes such a
 * checksum before it redirects the frame (bpf/l4csum.h).  Frames from
 * a physical NIC always carry complete checksums and skip the check; in
 * skb mode the skb keeps its offload state through the redirect.
 */
#define VR_MACF_PARTIAL_CSUM	0x1

struct vr_mac_val {
	__u32 vr_id;			/* index into vr_stats */
	__u32 table_id;			/* host routing table holding the VR's routes */
	__u8 rp_filter;			/* VR_RPF_*: IPv4 sources checked as the VR would */
	__u8 slow;			/* VR_SLOW_*: 0, or every frame to the kernel */
	__u8 flags;			/* VR_MACF_*: facts about the ingress NIC */
	__u8 pad;
};

/* vr_ports: the VR's presence on an egress NIC, and its MAC there.  A
 * route out of a NIC where the VR has no port is not forwarded.
 */
struct vr_port_key {
	__u32 vr_id;
	__u32 ifindex;			/* egress NIC */
};

struct vr_port_val {
	__u8 mac[VR_ETH_ALEN];		/* source MAC of forwarded frames */
	__u8 pad[2];
	char ifname[16];		/* the NIC's name then (IFNAMSIZ; vrctl's, for
					 * re-attaching a NIC deleted and made again) */
};

/* vr_neigh: the VR's neighbours.  Per VR and per NIC, so two VRs can use
 * the same next-hop address, on the same or different NICs, without seeing
 * each other's entries.  The fib lookup runs with SKIP_NEIGH and the result
 * is looked up here.
 */
#define VR_AF_INET	2		/* AF_INET, AF_INET6 as in <sys/socket.h> */
#define VR_AF_INET6	10

struct vr_neigh_key {
	__u32 vr_id;
	__u32 ifindex;			/* egress NIC */
	__u8 family;			/* VR_AF_INET or VR_AF_INET6 */
	__u8 pad[3];
	__u32 addr[4];			/* next hop, network order; IPv4 in addr[0], rest 0 */
};

/* The value carries the VR's own MAC on the egress NIC (its vr_ports
 * entry) as well, so that a forwarded frame costs one hash lookup for
 * both MACs.  vrctl keeps the copy in step: writing a neighbour fills it
 * from vr_ports, adding or deleting a port rewrites the VR's neighbours
 * on that NIC (loader/core/maps.c).  has_port 0: the VR has no port
 * there (VR_PASS_NO_PORT).
 */
struct vr_neigh_val {
	__u8 mac[VR_ETH_ALEN];		/* next hop's MAC */
	__u8 src[VR_ETH_ALEN];		/* the VR's MAC on the egress NIC (vr_ports) */
	__u8 has_port;			/* 1: src is set; 0: no vr_ports entry */
	__u8 pad[3];
};

/* Why a frame addressed to a VR went to the kernel (XDP_PASS). */
enum vr_pass_reason {
	VR_PASS_NOT_IP = 0,		/* ethertype is neither IPv4 nor IPv6 (ARP, VLAN, ...) */
	VR_PASS_MALFORMED,		/* truncated, bad version, length or IPv4 checksum */
	VR_PASS_IP_OPTIONS,		/* IPv4 with options (IHL > 5) */
	VR_PASS_IPV6_HOPOPT,		/* IPv6 with a hop-by-hop options header */
	VR_PASS_ADDR_SCOPE,		/* multicast/broadcast/link-local address, or
					 * a martian the kernel drops: 0/8, 127/8,
					 * source 255.255.255.255, IPv6 source :: */
	VR_PASS_TTL,			/* TTL or hop limit <= 1: the VR sends ICMP */
	VR_PASS_NOT_FWDED,		/* no route, or a local/broadcast route */
	VR_PASS_BLACKHOLE,		/* blackhole route */
	VR_PASS_UNREACHABLE,		/* unreachable route */
	VR_PASS_PROHIBIT,		/* prohibit route */
	VR_PASS_FWD_DISABLED,		/* forwarding disabled on ingress / for IPv6 */
	VR_PASS_FRAG_NEEDED,		/* larger than the egress MTU */
	VR_PASS_UNSUPPORTED,		/* lwt encap or another fib result */
	VR_PASS_NO_NEIGH,		/* next hop not in vr_neigh */
	VR_PASS_EGRESS_NOT_LOADED,	/* egress NIC not in vr_tx_ports */
	VR_PASS_NO_PORT,		/* VR has no MAC on the egress NIC */
	VR_PASS_RP_FILTER,		/* IPv4 source fails the VR's rp_filter (or is its own) */
	VR_PASS_FAST_PATH_OFF,		/* the VR's fast path is off (vr_mac_val.slow) */
	VR_PASS_CSUM_PARTIAL,		/* TCP/UDP checksum left to offload that the
					 * fast path cannot complete (bpf/l4csum.h) */
	VR_PASS_MAX
};

struct vr_counter {
	__u64 packets;
	__u64 bytes;
};

/* vr_stats: per-CPU, indexed by VR id.  rx counts every frame addressed
 * to the VR; admitted = rx - policed, and every admitted frame ends in
 * exactly one of fwd or pass[].
 */
struct vr_stats {
	struct vr_counter rx;		/* frames addressed to the VR */
	struct vr_counter fwd;		/* redirected by the fast path */
	struct vr_counter pass[VR_PASS_MAX]; /* handed to the kernel, by reason */
	struct vr_counter policed;	/* over the VR's admission limit: XDP_DROP */
};

/* vr_nic_stats: per-CPU, keyed by ifindex; frames that matched no VR. */
struct vr_nic_stats {
	struct vr_counter no_vr;
};

/* vr_routers: vrctl's record of each VR, indexed by VR id (the program
 * never reads it; it is pinned state with BTF, readable by bpftool).  The
 * VR's MACs and NICs are its vr_ports entries; its namespace is its name,
 * owned by its own user namespace (VR_UID_* below).
 */
#define VR_NAME_MAX	32		/* including the NUL */

enum vr_router_state {
	VR_STATE_FREE = 0,		/* slot unused */
	VR_STATE_CREATING,		/* add-router in progress (or died halfway) */
	VR_STATE_READY,
	VR_STATE_DELETING,		/* del-router in progress (or died halfway) */
};

struct vr_router {
	char name[VR_NAME_MAX];		/* NUL-terminated; also the netns name */
	__u32 state;			/* enum vr_router_state */
	__u32 table_id;			/* host table mirroring the VR's routes */
	__u64 created_ns;		/* CLOCK_REALTIME at creation */
	__u64 netns_dev;		/* the namespace add-router made (st_dev and */
	__u64 netns_ino;		/* st_ino of /run/netns/NAME); 0: none made yet */
	__u32 quota_neigh;		/* vr_neigh entries at most (VR_QUOTA_*) */
	__u32 quota_routes;		/* routes in its host table at most */
	__u32 quota_macs;		/* vr_macs entries (NICs) at most */
	__u32 slow;			/* VR_SLOW_ADMIN if the operator turned its fast path off */
	__u32 uid_base;			/* host uid and gid of the tenant's root (VR_UID_*) */
	__u32 uid_count;		/* uids and gids mapped from uid_base on; 0: no user namespace */
	__u64 userns_ino;		/* st_ino of /run/vrctl/userns/NAME, the user namespace
					 * that owns the VR's network namespace (nsfs, the
					 * device of netns_dev); 0: none (an older vrctl's VR) */
};

/*
 * The tenant's uids: each VR's network namespace is owned by a user
 * namespace of its own, which maps uids and gids 0..VR_UID_COUNT-1 inside
 * to a range of the host's that no one else uses, so the tenant's root
 * has every capability over its VR's namespaces and none over the host's
 * or another VR's.  The ranges are slots of VR_UID_COUNT from VR_UID_BASE
 * on (0x70000000 = 1879048192: above the ranges useradd gives in
 * /etc/subuid by default, 100000-600100000, and systemd-nspawn's,
 * 524288-1879048191), handed out host-wide (whatever the pin directory)
 * by a file per slot under /run/vrctl/uids; a slot that an /etc/subuid or
 * /etc/subgid entry overlaps is skipped, unless the entry is
 * VR_UID_OWNER's (an administrator reserving the whole range for vrouter).
 */
#define VR_UID_BASE		0x70000000u
#define VR_UID_COUNT		65536u
#define VR_UID_SLOTS		2048u	/* twice VR_MAX_ROUTERS: room for a second pin directory */
#define VR_UID_OWNER		"vrouter"

/* The tenant's directories (run, tmp, log, etc/...: what `vrctl exec`
 * mounts over the host's) are a tmpfs of at most this size per VR, owned
 * by the tenant's root, made and removed with the VR.
 */
#define VR_TENANT_FS_MB		64
#define VR_TENANT_FS_INODES	16384

/*
 * Per-VR quotas on what the VRs share, so that no tenant takes what the
 * others need.  Map-backed ones are guarantees: vrctl keeps the sum of
 * every VR's quota within the map's size, so a VR within its quota always
 * finds room (defaults: the map size over VR_MAX_ROUTERS, 128 neighbours
 * and 8 NICs each).  Routes live in the kernel's memory (about 200 bytes
 * each), not in a map: their quota bounds what one tenant can make the
 * host hold (default 10,000; a full Internet table, about 1.1M IPv4 and
 * 250k IPv6 routes, fits in a quota of 1,500,000).  A VR over a quota
 * keeps what fits, and the rest of its traffic takes the slow path.
 */
#define VR_QUOTA_NEIGH_DEFAULT	(VR_MAX_NEIGH / VR_MAX_ROUTERS)		/* 128 */
#define VR_QUOTA_MACS_DEFAULT	(VR_MAX_MACS / VR_MAX_ROUTERS)		/* 8 */
#define VR_QUOTA_ROUTES_DEFAULT	10000
#define VR_QUOTA_ROUTES_MAX	4000000

/* vr_sysctls: the host sysctls vrctl changed (IPv4/IPv6 forwarding,
 * accept_ra, the ECMP hash policy) with the value each had before, so that
 * unload puts them back.  vrctl's record, like vr_routers; the program
 * never reads it.
 */
#define VR_MAX_SYSCTLS		2048
#define VR_SYSCTL_PATH_MAX	64	/* "net/ipv6/conf/IFNAME/accept_ra", NUL-padded */
#define VR_SYSCTL_VALUE_MAX	16

struct vr_sysctl_key {
	char path[VR_SYSCTL_PATH_MAX];	/* below /proc/sys, NUL-padded */
};

struct vr_sysctl_val {
	char old[VR_SYSCTL_VALUE_MAX];	/* as read, NUL-terminated */
};

/*
 * Admission control: a per-VR limit checked right after the VR lookup,
 * before any parsing or fib lookup; a frame over it is XDP_DROP (counted
 * as vr_stats.policed).  vr_limits (array, indexed by VR id) holds the
 * configuration; the fast path reads `flags` for every frame and nothing
 * else when it is 0.  vr_buckets (array, indexed by VR id) holds the
 * bucket state, shared by all CPUs.
 *
 * Algorithm: GCRA (the virtual-scheduling form of a token bucket), one
 * 64-bit "theoretical arrival time" (TAT) per bucket, updated with a
 * compare-and-swap, so every CPU draws from the same bucket.  A frame of
 * cost c arriving at time t is admitted iff max(TAT, t) + c - t <= depth,
 * and then TAT = max(TAT, t) + c.  With c = 1/rate and depth = burst/rate
 * this admits `burst` frames back to back after idle, then `rate` per
 * second.  Times are in VR_LIMIT_TICK_SHIFT fractions of a nanosecond.
 * Two buckets: packets (cost pkt_cost per frame) and bytes (cost
 * byte_cost per byte of the frame as XDP sees it: Ethernet header to end,
 * no FCS); a frame must conform to both.
 *
 * Per-CPU credit (vr_credits): a CPU that finds the shared bucket with
 * room takes up to pkt_batch / byte_batch ticks at once (never more than
 * there is room for) and spends them on its next frames without reading
 * the clock or touching the shared line.  That makes a limited VR cheap
 * (the clock read and the compare-and-swap once per batch) and keeps
 * every total exact: credit is only ever taken from the shared bucket.
 * Its cost: credit a CPU holds is not available to the others, at most
 * one batch per CPU (batch = min(16 frames, burst / 8), so at low rates
 * or small bursts it is 1 frame: exact per frame).  Credit from an older
 * limit (gen differs) is dropped.
 *
 * vrctl writes the user's values and the derived ones (vr_limit_derive()
 * in loader/core/limit.c); the fast path only uses the derived ones.
 */
#define VR_LIMIT_PPS		0x1	/* the packet bucket applies */
#define VR_LIMIT_BPS		0x2	/* the byte bucket applies */
#define VR_LIMIT_TICK_SHIFT	4	/* time unit: 1/16 ns */
#define VR_LIMIT_BYTE_SHIFT	16	/* byte_cost is in ticks << 16 per byte */
/* Ranges vrctl accepts (and vr_limit_derive() relies on). */
#define VR_LIMIT_PPS_MAX	1000000000ULL		/* 1 Gpps */
#define VR_LIMIT_BPS_MIN	1000ULL			/* 1 kbit/s */
#define VR_LIMIT_BPS_MAX	1000000000000000ULL	/* 1 Pbit/s */
#define VR_LIMIT_DEPTH_MAX	(1ULL << 60)		/* ticks: about 2.3 years */

struct vr_limit {
	__u32 flags;			/* VR_LIMIT_*; 0: no limit */
	__u32 burst;			/* packets (packet bucket depth) */
	__u64 rate_pps;			/* 0: no packet limit */
	__u64 rate_bps;			/* bits per second; 0: no byte limit */
	__u64 burst_bytes;		/* byte bucket depth */
	/* derived, in ticks (1 << VR_LIMIT_TICK_SHIFT per ns) */
	__u64 pkt_cost;			/* per frame: 1 s / rate_pps */
	__u64 pkt_depth;		/* burst * pkt_cost */
	__u64 byte_cost;		/* per byte, << VR_LIMIT_BYTE_SHIFT: 8 s / rate_bps */
	__u64 byte_depth;		/* burst_bytes * byte_cost >> VR_LIMIT_BYTE_SHIFT */
	__u64 pkt_batch;		/* most packet credit a CPU takes at once */
	__u64 byte_batch;		/* most byte credit a CPU takes at once */
	__u32 gen;			/* bumped by every write: drops older credit */
	__u32 pad;
};

/* vr_credits: per CPU, indexed by VR id: credit taken from the buckets. */
struct vr_credit {
	__u32 gen;			/* vr_limit.gen it was taken under */
	__u32 pad;
	__u64 pkt;			/* ticks */
	__u64 byte;			/* ticks */
};

#define VR_LIMIT_BATCH		16	/* frames of credit a CPU takes at most */
#define VR_LIMIT_BATCH_FRAME	1514	/* bytes per frame for the byte batch */

/* One cache line per VR, so that two VRs policed on different CPUs do not
 * bounce each other's line (elements of an array map are contiguous).
 */
struct vr_bucket {
	__u64 tat_pkt;			/* ticks (bpf_ktime_get_ns() << VR_LIMIT_TICK_SHIFT) */
	__u64 tat_byte;
	__u64 pad[6];
};

/*
 * Tracing (vrctl trace): the fast path reports frames through a ring
 * buffer (vr_trace) while vr_trace_ctl[0].flags is not 0; with flags 0
 * (no trace running) the cost is that one array lookup and the test, at
 * the frame's final verdict.  Filters (VR, pass reasons, forwarded,
 * policed) apply before the rate limit: a token bucket per CPU
 * (vr_trace_bkt, GCRA like admission) lets at most VR_TRACE_RATE events
 * per second per CPU through, after a burst of VR_TRACE_BURST; what it
 * refuses and what the ring cannot take is counted there.  After a
 * refusal the CPU's next VR_TRACE_SKIP wanted frames are refused without
 * reading the clock, so that a flood costs a counter decrement per frame.  Frames with no
 * VR (no_vr, host traffic) are never traced.
 */
#define VR_TRACE_ON		0x1	/* trace pass[] reasons in `reasons` */
#define VR_TRACE_FWD		0x2	/* also forwarded frames */
#define VR_TRACE_POLICED	0x4	/* also policed frames */
#define VR_TRACE_RATE		10000	/* events per second per CPU */
#define VR_TRACE_BURST		100	/* events back to back after idle */
#define VR_TRACE_SKIP		32	/* refused unchecked after a refusal (< burst) */
#define VR_TRACE_WAKE		64	/* the reader is woken every that many events */
#define VR_TRACE_COST_NS	(1000000000ULL / VR_TRACE_RATE)
#define VR_TRACE_SNAPLEN	128	/* first bytes of the frame in an event */
#define VR_TRACE_RING_SIZE	(256 * 1024)	/* bytes; ~1400 events */

struct vr_trace_ctl {
	__u32 flags;			/* VR_TRACE_*; 0: off */
	__u32 vr_id;			/* only this VR; 0: every VR */
	__u32 reasons;			/* bit r: pass reason r (enum vr_pass_reason) */
	__u32 owner_pid;		/* the vrctl trace that set it */
};

/* Per CPU: the token bucket and what happened to the events. */
struct vr_trace_bkt {
	__u64 tat;			/* ns, bpf_ktime_get_ns() */
	__u64 sent;			/* events into the ring */
	__u64 limited;			/* refused by the rate limit */
	__u64 lost;			/* ring full */
	__u64 skip;			/* frames still to refuse unchecked */
};

enum vr_trace_verdict {
	VR_TRACE_V_PASS = 0,		/* XDP_PASS, reason in `reason` */
	VR_TRACE_V_FWD,			/* redirected: egress and nexthop set */
	VR_TRACE_V_POLICED,		/* XDP_DROP by the admission limit */
};

struct vr_trace_event {
	__u64 ts_ns;			/* bpf_ktime_get_ns() (CLOCK_MONOTONIC) */
	__u32 vr_id;
	__u32 ifindex;			/* ingress NIC */
	__u32 egress;			/* forwarded: egress NIC, else 0 */
	__u32 frame_len;		/* bytes, as XDP sees the frame */
	__u16 caplen;			/* bytes of data[] that are the frame's */
	__u8 verdict;			/* enum vr_trace_verdict */
	__u8 reason;			/* pass: enum vr_pass_reason */
	__u8 nh_family;			/* forwarded: VR_AF_INET or VR_AF_INET6 */
	__u8 pad[3];
	__u32 nh[4];			/* forwarded: next hop, network order */
	__u8 data[VR_TRACE_SNAPLEN];	/* the frame as received */
};

/* The ring buffer's row in vr_maps.h: it has no key and no value. */
struct vr_none {};

/*
 * vr_sync_health[0]: written by `vrctl sync --follow` (at least every
 * second while it runs), read by `vrctl status` and the exporter.  Times
 * are CLOCK_REALTIME in ns; 0: never.  The program never reads it.
 */
struct vr_sync_health {
	__u32 pid;			/* the follower's; 0: none running (it stopped) */
	__u32 pad;
	__u64 started_ns;
	__u64 heartbeat_ns;		/* last write */
	__u64 last_full_pass_ns;	/* end of the last round of full passes, all ok */
	__u64 full_passes;		/* VR full passes done */
	__u64 events;			/* netlink events of the VRs applied */
	__u64 errors;			/* failed full passes and refused requests */
};

/*
 * vr_abi[0]: which layout the pinned maps have (vrctl writes it at load
 * and upgrade; the program never reads it).  VR_ABI_VERSION goes up by one
 * with every change of a map's key, value, type or size, or of the map
 * list; include/vr_migrate.h then gets the old layout's rows (how
 * `vrctl upgrade` converts its entries).  ABI 1 (before this map existed)
 * is recognised by the absence of vr_abi.  struct vr_abi itself never
 * changes, so that every vrctl can read any pinned ABI.
 *
 * netns_id: the network namespace of the NICs (the low 32 bits of its
 * cookie, SO_NETNS_COOKIE, which the kernel never reuses; vrctl's load
 * records it).  Pins are global, ifindexes and NIC names are not: vrctl
 * refuses to run in another namespace.  0 (it was pad): not recorded, by
 * a vrctl before this field; the next load does.
 */
#define VR_ABI_VERSION		3
#define VR_ABI_REV_MAX		56	/* vrctl's version string, NUL-terminated */

struct vr_abi {
	__u32 version;			/* VR_ABI_VERSION of the vrctl that wrote it */
	__u32 netns_id;			/* the NICs' network namespace; 0: not recorded */
	char revision[VR_ABI_REV_MAX];	/* that vrctl's version and git revision */
};

#endif /* VROUTER_H */
