// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * vrouter fast path: one XDP program per physical NIC.
 *
 *   destination MAC -> VR (vr_macs) -> admission (vr_limits) -> fib
 *   lookup in the VR's table -> VR's neighbour and own MAC on the egress
 *   (vr_neigh, one lookup) -> L4 checksum left to offload, from a virtual
 *   NIC (l4csum.h) -> redirect (vr_tx_ports) -> rewrite
 *
 * Anything that cannot be finished here is XDP_PASS, unmodified: the
 * kernel hands it to the VR's macvlan, and the VR's own namespace answers
 * ARP/ND, sends ICMP errors and forwards it the slow way.  Every check that
 * can send a frame to the kernel runs before the first byte is rewritten.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "vrouter.h"
#include "parsing.h"
#include "csum.h"
#include "admission.h"
#include "l4csum.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct vr_mac_key);
	__type(value, struct vr_mac_val);
	__uint(max_entries, VR_MAX_MACS);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vr_macs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct vr_port_key);
	__type(value, struct vr_port_val);
	__uint(max_entries, VR_MAX_PORTS);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vr_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct vr_neigh_key);
	__type(value, struct vr_neigh_val);
	__uint(max_entries, VR_MAX_NEIGH);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vr_neigh SEC(".maps");

/* Egress NICs, keyed by ifindex: the loaded set. */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__type(key, __u32);
	__type(value, struct bpf_devmap_val);
	__uint(max_entries, VR_MAX_IFACES);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vr_tx_ports SEC(".maps");

/* Per-CPU so the fast path counts with plain adds: XDP runs with
 * preemption off, and vrctl sums the CPUs.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct vr_stats);
	__uint(max_entries, VR_MAX_ROUTERS);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vr_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__type(key, __u32);
	__type(value, struct vr_nic_stats);
	__uint(max_entries, VR_MAX_IFACES);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vr_nic_stats SEC(".maps");

/* Admission limits, indexed by VR id; read for every frame of a VR. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct vr_limit);
	__uint(max_entries, VR_MAX_ROUTERS);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vr_limits SEC(".maps");

/* Their bucket state, shared by all CPUs (bpf/admission.h). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct vr_bucket);
	__uint(max_entries, VR_MAX_ROUTERS);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vr_buckets SEC(".maps");

/* Credit each CPU took from those buckets (bpf/admission.h). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct vr_credit);
	__uint(max_entries, VR_MAX_ROUTERS);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vr_credits SEC(".maps");

/* vrctl's VR records (see include/vrouter.h); not used by the program. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct vr_router);
	__uint(max_entries, VR_MAX_ROUTERS);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vr_routers SEC(".maps");

/* Host sysctls vrctl changed, with their old values; not used by the program. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct vr_sysctl_key);
	__type(value, struct vr_sysctl_val);
	__uint(max_entries, VR_MAX_SYSCTLS);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vr_sysctls SEC(".maps");

/* Tracing (vrctl trace; include/vrouter.h): the events, the switch and
 * filters, the rate limit per CPU.
 */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, VR_TRACE_RING_SIZE);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vr_trace SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct vr_trace_ctl);
	__uint(max_entries, 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vr_trace_ctl SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct vr_trace_bkt);
	__uint(max_entries, 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vr_trace_bkt SEC(".maps");

/* vr_macs' generation (include/vrouter.h), and this CPU's table of
 * vr_macs entries found under it.  The table is the program's own.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct vr_macs_gen);
	__uint(max_entries, 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vr_macs_gen SEC(".maps");

struct vr_mac_slot {
	struct vr_mac_key key;		/* all 0: empty (no NIC has ifindex 0) */
	struct vr_mac_val val;
	__u64 gen;			/* vr_macs_gen when val was read */
};

struct vr_mac_cache {
	struct vr_mac_slot slot[VR_MAC_CACHE_SLOTS];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct vr_mac_cache);
	__uint(max_entries, 1);
} vr_mac_cache SEC(".maps");

/* The follower's health (include/vrouter.h); not used by the program. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct vr_sync_health);
	__uint(max_entries, 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vr_sync_health SEC(".maps");

/* The pinned layout's ABI version (include/vrouter.h); not used by the program. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct vr_abi);
	__uint(max_entries, 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vr_abi SEC(".maps");

/*
 * Which VR KEY's frame belongs to: this CPU's slot for the key if it holds
 * the key under the current generation, else vr_macs (and the slot then
 * holds what was found).  The generation is read before the hash lookup,
 * so an entry that changes afterwards is stored under a generation that
 * is already old.  The slot is this CPU's alone (XDP does not nest on a
 * CPU).  NULL: no VR.
 */
static __always_inline const struct vr_mac_val *vr_demux(const struct vr_mac_key *key)
{
	const __u32 *k = (const __u32 *)key, *sk;
	struct vr_mac_cache *cache;
	struct vr_macs_gen *g;
	struct vr_mac_slot *s;
	struct vr_mac_val *v;
	__u32 zero = 0;
	__u64 gen;

	g = bpf_map_lookup_elem(&vr_macs_gen, &zero);
	cache = bpf_map_lookup_elem(&vr_mac_cache, &zero);
	if (!g || !cache)
		return NULL;
	gen = *(volatile __u64 *)&g->gen;
	s = &cache->slot[key->mac[VR_ETH_ALEN - 1] & (VR_MAC_CACHE_SLOTS - 1)];
	sk = (const __u32 *)&s->key;
	if (s->gen == gen && sk[0] == k[0] && sk[1] == k[1] && sk[2] == k[2])
		return &s->val;
	v = bpf_map_lookup_elem(&vr_macs, key);
	if (!v)
		return NULL;
	s->key = *key;
	s->val = *v;
	s->gen = gen;
	return &s->val;
}

static __always_inline void count(struct vr_counter *c, __u64 bytes)
{
	c->packets++;
	c->bytes += bytes;
}

/* Does the running trace want this frame (WHAT: verdict | reason << 8)? */
static __always_inline bool trace_wanted(const struct vr_trace_ctl *tc, __u32 vr_id,
					 __u32 what)
{
	__u32 verdict = what & 0xff;

	if (tc->vr_id && tc->vr_id != vr_id)
		return false;
	if (verdict == VR_TRACE_V_FWD)
		return tc->flags & VR_TRACE_FWD;
	if (verdict == VR_TRACE_V_POLICED)
		return tc->flags & VR_TRACE_POLICED;
	return (tc->flags & VR_TRACE_ON) && (tc->reasons & (1U << ((what >> 8) & 31)));
}

/* GCRA per CPU: at most VR_TRACE_RATE events a second after a burst of
 * VR_TRACE_BURST.  Per CPU: no shared line, no atomics.  Over the limit,
 * VR_TRACE_SKIP frames are refused before the clock is read again.
 */
static __always_inline bool trace_admit(struct vr_trace_bkt *b)
{
	__u64 now, tat;

	if (b->skip) {
		b->skip--;
		b->limited++;
		return false;
	}
	now = bpf_ktime_get_ns();
	tat = b->tat > now ? b->tat : now;
	if (tat + VR_TRACE_COST_NS - now > VR_TRACE_BURST * VR_TRACE_COST_NS) {
		b->limited++;
		b->skip = VR_TRACE_SKIP;
		return false;
	}
	b->tat = tat + VR_TRACE_COST_NS;
	return true;
}

/* Filters, rate limit and the event: out of line, so that without a
 * trace the frame pays only trace()'s lookup and test.
 */
static __noinline int trace_emit(struct xdp_md *ctx, const struct vr_trace_ctl *tc,
				 __u32 vr_id, __u32 what, const struct bpf_fib_lookup *fib)
{
	struct vr_trace_event *e;
	struct vr_trace_bkt *b;
	__u32 zero = 0;
	__u64 len;

	if (!trace_wanted(tc, vr_id, what))
		return 0;
	b = bpf_map_lookup_elem(&vr_trace_bkt, &zero);
	if (!b || !trace_admit(b))
		return 0;
	e = bpf_ringbuf_reserve(&vr_trace, sizeof(*e), 0);
	if (!e) {
		b->lost++;
		return 0;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->ts_ns = bpf_ktime_get_ns();
	e->vr_id = vr_id;
	e->ifindex = ctx->ingress_ifindex;
	len = (void *)(long)ctx->data_end - (void *)(long)ctx->data;
	e->frame_len = len;
	e->verdict = what & 0xff;
	e->reason = what >> 8;
	if (fib) {
		e->egress = fib->ifindex;
		e->nh_family = fib->family;
		__builtin_memcpy(e->nh, fib->ipv6_dst, sizeof(e->nh));	/* ipv4_dst is [0] */
	}
	if (len > VR_TRACE_SNAPLEN)
		len = VR_TRACE_SNAPLEN;
	if (len >= 1 && !bpf_xdp_load_bytes(ctx, 0, e->data, len))
		e->caplen = len;
	/* Wake the reader every VR_TRACE_WAKE events (it also polls every
	 * 100 ms): a wake-up per event costs the fast path an IPI.
	 */
	b->sent++;
	bpf_ringbuf_submit(e, b->sent % VR_TRACE_WAKE ? BPF_RB_NO_WAKEUP : BPF_RB_FORCE_WAKEUP);
	return 0;
}

/* The trace hook, at every verdict of a VR's frame. */
static __always_inline void trace(struct xdp_md *ctx, __u32 vr_id, __u32 what,
				  const struct bpf_fib_lookup *fib)
{
	__u32 zero = 0;
	struct vr_trace_ctl *tc = bpf_map_lookup_elem(&vr_trace_ctl, &zero);

	if (tc && tc->flags)
		trace_emit(ctx, tc, vr_id, what, fib);
}

static __always_inline int pass(struct xdp_md *ctx, const struct vr_mac_val *vr,
				struct vr_stats *st, enum vr_pass_reason r, __u64 bytes)
{
	if (r >= VR_PASS_MAX)
		r = VR_PASS_UNSUPPORTED;
	count(&st->pass[r], bytes);
	trace(ctx, vr->vr_id, VR_TRACE_V_PASS | r << 8, NULL);
	return XDP_PASS;
}

/* Host traffic: counted per NIC (the entry is made on the first frame). */
static __always_inline int pass_no_vr(__u32 ifindex, __u64 bytes)
{
	struct vr_nic_stats zero = {}, *ns;

	ns = bpf_map_lookup_elem(&vr_nic_stats, &ifindex);
	if (!ns) {
		bpf_map_update_elem(&vr_nic_stats, &ifindex, &zero, BPF_NOEXIST);
		ns = bpf_map_lookup_elem(&vr_nic_stats, &ifindex);
		if (!ns)
			return XDP_PASS;
	}
	count(&ns->no_vr, bytes);
	return XDP_PASS;
}

static __always_inline enum vr_pass_reason fib_reason(long rc)
{
	switch (rc) {
	case BPF_FIB_LKUP_RET_BLACKHOLE:
		return VR_PASS_BLACKHOLE;
	case BPF_FIB_LKUP_RET_UNREACHABLE:
		return VR_PASS_UNREACHABLE;
	case BPF_FIB_LKUP_RET_PROHIBIT:
		return VR_PASS_PROHIBIT;
	case BPF_FIB_LKUP_RET_NOT_FWDED:
		return VR_PASS_NOT_FWDED;
	case BPF_FIB_LKUP_RET_FWD_DISABLED:
		return VR_PASS_FWD_DISABLED;
	case BPF_FIB_LKUP_RET_FRAG_NEEDED:
		return VR_PASS_FRAG_NEEDED;
	default:
		return VR_PASS_UNSUPPORTED;
	}
}

/* Why a frame routed out of EGRESS has no usable vr_neigh entry (NEIGH,
 * or none), in the order the checks are documented: egress not loaded,
 * no port of the VR there, no neighbour.  Only such frames pay these
 * lookups.
 */
static __noinline enum vr_pass_reason miss_reason(const struct vr_mac_val *vr, __u32 egress,
						  const struct vr_neigh_val *neigh)
{
	struct vr_port_key pkey = {};

	if (!bpf_map_lookup_elem(&vr_tx_ports, &egress))
		return VR_PASS_EGRESS_NOT_LOADED;
	if (neigh)
		return VR_PASS_NO_PORT;		/* the entry says so */
	pkey.vr_id = vr->vr_id;
	pkey.ifindex = egress;
	if (!bpf_map_lookup_elem(&vr_ports, &pkey))
		return VR_PASS_NO_PORT;
	return VR_PASS_NO_NEIGH;
}

/*
 * Route the frame in the VR's table and, if everything needed to finish
 * it is there, rewrite and redirect it.  Exactly one of iph/ip6h is set;
 * L4P->check is set when the L4 checksum was left to offload.
 */
static __always_inline int fib_forward(struct xdp_md *ctx, struct ethhdr *eth,
				       struct iphdr *iph, struct ipv6hdr *ip6h,
				       struct bpf_fib_lookup *fib,
				       const struct vr_mac_val *vr,
				       struct vr_stats *st, __u64 bytes,
				       struct l4_partial *l4p)
{
	struct vr_neigh_key nkey = {};
	struct vr_neigh_val *neigh;
	long rc;

	/* tbid shares a union with the VLAN output fields, so it is set
	 * right before the call.  TBID only works together with DIRECT
	 * (no fib rules).  SKIP_NEIGH: the neighbour comes from vr_neigh,
	 * per VR, not from the host's table; with it the helper leaves the
	 * next hop (gateway, or the destination itself) in the dst fields.
	 *
	 * Return codes: 0 = routed; BLACKHOLE/UNREACHABLE/PROHIBIT = such a
	 * route; NOT_FWDED = no route, local or broadcast route (or no such
	 * table); FWD_DISABLED = forwarding off on the ingress NIC (IPv4) or
	 * globally (IPv6); FRAG_NEEDED = fib->tot_len over the egress MTU;
	 * UNSUPP_LWT = encap route.  All but 0 go to the kernel.
	 */
	fib->tbid = vr->table_id;
	rc = bpf_fib_lookup(ctx, fib, sizeof(*fib),
			    BPF_FIB_LOOKUP_DIRECT | BPF_FIB_LOOKUP_TBID |
			    BPF_FIB_LOOKUP_SKIP_NEIGH);
	if (rc != BPF_FIB_LKUP_RET_SUCCESS)
		return pass(ctx, vr, st, fib_reason(rc), bytes);

	/* fib->family may differ from the frame's: an IPv4 route can have
	 * an IPv6 gateway (RFC 5549), which the helper reports as AF_INET6.
	 */
	nkey.vr_id = vr->vr_id;
	nkey.ifindex = fib->ifindex;
	nkey.family = fib->family;
	if (fib->family == VR_AF_INET) {
		nkey.addr[0] = fib->ipv4_dst;
	} else {
		nkey.addr[0] = fib->ipv6_dst[0];
		nkey.addr[1] = fib->ipv6_dst[1];
		nkey.addr[2] = fib->ipv6_dst[2];
		nkey.addr[3] = fib->ipv6_dst[3];
	}
	/* One lookup for both MACs (the VR's own on the egress is in the
	 * entry).  The checks keep their order (egress loaded, port,
	 * neighbour): a frame that fails one pays the lookups that say which.
	 */
	neigh = bpf_map_lookup_elem(&vr_neigh, &nkey);
	if (!neigh || !neigh->has_port)
		return pass(ctx, vr, st, miss_reason(vr, fib->ifindex, neigh), bytes);

	/* A checksum left to offload is summed now, while the frame can
	 * still go to the kernel, and written with the rewrite.
	 */
	if (l4p->check && l4_partial_sum(ctx, l4p))
		return pass(ctx, vr, st, VR_PASS_CSUM_PARTIAL, bytes);

	/* The redirect is set up before the rewrite: a missing egress
	 * returns XDP_PASS (the flags) with the frame still untouched, and
	 * no second devmap lookup is needed to check it first.
	 */
	if (bpf_redirect_map(&vr_tx_ports, fib->ifindex, XDP_PASS) != XDP_REDIRECT)
		return pass(ctx, vr, st, VR_PASS_EGRESS_NOT_LOADED, bytes);

	/* Decided: from here on the frame is forwarded. */
	trace(ctx, vr->vr_id, VR_TRACE_V_FWD, fib);
	if (iph)
		ipv4_decrease_ttl(iph);
	else if (ip6h)
		ip6h->hop_limit--;
	if (l4p->check)
		*l4p->check = l4p->value;
	__builtin_memcpy(eth->h_dest, neigh->mac, VR_ETH_ALEN);
	__builtin_memcpy(eth->h_source, neigh->src, VR_ETH_ALEN);
	count(&st->fwd, bytes);
	return XDP_REDIRECT;
}

/*
 * The VR's reverse-path filter (its rp_filter on the macvlan of this NIC,
 * mirrored by sync into vr_mac_val): the route back to the source, in the
 * VR's table, must leave by the ingress NIC (strict) or just exist as a
 * unicast route (loose).  A source that is the VR's own address finds a
 * local route (NOT_FWDED) and fails both, as the kernel's martian check.
 * Multipath: the helper returns one leg, where the kernel accepts any; a
 * false failure only sends the frame to the kernel.  Only VRs with an
 * rp_filter pay for the second lookup.
 */
static __always_inline int rpf_ok(struct xdp_md *ctx, const struct vr_mac_val *vr,
				  const struct iphdr *iph)
{
	struct bpf_fib_lookup back = {};
	long rc;

	back.family = VR_AF_INET;
	back.tos = iph->tos;
	back.ipv4_src = iph->daddr;
	back.ipv4_dst = iph->saddr;
	back.ifindex = ctx->ingress_ifindex;
	back.tbid = vr->table_id;
	rc = bpf_fib_lookup(ctx, &back, sizeof(back),
			    BPF_FIB_LOOKUP_DIRECT | BPF_FIB_LOOKUP_TBID |
			    BPF_FIB_LOOKUP_SKIP_NEIGH);
	if (rc != BPF_FIB_LKUP_RET_SUCCESS)
		return 0;
	return vr->rp_filter == VR_RPF_LOOSE || back.ifindex == ctx->ingress_ifindex;
}

static __always_inline int forward_ipv4(struct xdp_md *ctx,
					struct hdr_cursor *c,
					struct ethhdr *eth,
					const struct vr_mac_val *vr,
					struct vr_stats *st, __u64 bytes)
{
	struct bpf_fib_lookup fib = {};
	struct l4_partial l4p = {};
	struct iphdr *iph;
	__u16 tot_len;
	__u8 dst_hi, src_hi;

	iph = parse_iphdr(c);
	if (!iph || iph->version != 4 || iph->ihl < 5)
		return pass(ctx, vr, st, VR_PASS_MALFORMED, bytes);
	if (iph->ihl > 5)
		return pass(ctx, vr, st, VR_PASS_IP_OPTIONS, bytes);
	/* The datagram must fit the frame (trailing padding is allowed). */
	tot_len = bpf_ntohs(iph->tot_len);
	if (tot_len < sizeof(*iph) || (void *)iph + tot_len > c->end)
		return pass(ctx, vr, st, VR_PASS_MALFORMED, bytes);
	if (!ipv4_csum_ok(iph))
		return pass(ctx, vr, st, VR_PASS_MALFORMED, bytes);

	dst_hi = ((__u8 *)&iph->daddr)[0];
	src_hi = ((__u8 *)&iph->saddr)[0];
	if ((dst_hi & 0xf0) == 0xe0 || iph->daddr == 0xffffffff ||
	    (src_hi & 0xf0) == 0xe0)
		return pass(ctx, vr, st, VR_PASS_ADDR_SCOPE, bytes);
	/* Martians, which the kernel drops (ip_route_input_slow): source
	 * 0/8, 127/8 or 255.255.255.255, destination 0/8 or 127/8 (127/8
	 * unless route_localnet, the VR's own business).  The VR's table
	 * may route them all the same (a default route, any source).
	 */
	if (src_hi == 0 || src_hi == 127 || iph->saddr == 0xffffffff ||
	    dst_hi == 0 || dst_hi == 127)
		return pass(ctx, vr, st, VR_PASS_ADDR_SCOPE, bytes);
	/* The kernel checks the source (routing the input) before the TTL. */
	if (vr->rp_filter && !rpf_ok(ctx, vr, iph))
		return pass(ctx, vr, st, VR_PASS_RP_FILTER, bytes);
	if (iph->ttl <= 1)
		return pass(ctx, vr, st, VR_PASS_TTL, bytes);

	fib.family = VR_AF_INET;
	fib.tos = iph->tos;
	fib.l4_protocol = iph->protocol;
	/* The MTU check is on what would be sent: every byte after the
	 * Ethernet header, trailing ones included.  The kernel trims the
	 * frame to tot_len before forwarding; the fast path sends it whole,
	 * so a datagram that fits behind a trailer that does not goes to
	 * the kernel (FRAG_NEEDED), not to an egress that would drop it.
	 */
	fib.tot_len = bytes - sizeof(*eth);
	fib.ipv4_src = iph->saddr;
	fib.ipv4_dst = iph->daddr;
	fib.ifindex = ctx->ingress_ifindex;
	/* Ports only for unfragmented datagrams.  A first fragment has them
	 * and the later ones do not, so hashing them would send one datagram
	 * over two ECMP legs; the kernel's own multipath hash ignores the
	 * ports of every fragment, the first included.
	 */
	if (!(iph->frag_off & bpf_htons(IP_MF | IP_OFFSET))) {
		parse_l4_ports(c, iph->protocol, &fib.sport, &fib.dport);
		if (vr->flags & VR_MACF_PARTIAL_CSUM)
			l4_partial_find(c, eth, iph->protocol, tot_len - sizeof(*iph),
					(__u64)iph->saddr + iph->daddr, &l4p);
	}

	return fib_forward(ctx, eth, iph, NULL, &fib, vr, st, bytes, &l4p);
}

static __always_inline int ipv6_scope_local(const struct in6_addr *a)
{
	__u8 b0 = a->in6_u.u6_addr8[0], b1 = a->in6_u.u6_addr8[1];

	/* multicast ff00::/8 or link-local fe80::/10 */
	return b0 == 0xff || (b0 == 0xfe && (b1 & 0xc0) == 0x80);
}

/* The address's four words summed (in memory order, for a checksum). */
static __always_inline __u64 ipv6_addr_sum(const struct in6_addr *a)
{
	return (__u64)a->in6_u.u6_addr32[0] + a->in6_u.u6_addr32[1] +
	       a->in6_u.u6_addr32[2] + a->in6_u.u6_addr32[3];
}

static __always_inline int forward_ipv6(struct xdp_md *ctx,
					struct hdr_cursor *c,
					struct ethhdr *eth,
					const struct vr_mac_val *vr,
					struct vr_stats *st, __u64 bytes)
{
	struct bpf_fib_lookup fib = {};
	struct l4_partial l4p = {};
	struct ipv6hdr *ip6h;
	__u16 payload_len;

	ip6h = parse_ipv6hdr(c);
	if (!ip6h || ip6h->version != 6)
		return pass(ctx, vr, st, VR_PASS_MALFORMED, bytes);
	payload_len = bpf_ntohs(ip6h->payload_len);
	if ((void *)(ip6h + 1) + payload_len > c->end)
		return pass(ctx, vr, st, VR_PASS_MALFORMED, bytes);
	if (ip6h->nexthdr == NEXTHDR_HOP)
		return pass(ctx, vr, st, VR_PASS_IPV6_HOPOPT, bytes);
	if (ipv6_scope_local(&ip6h->daddr) || ipv6_scope_local(&ip6h->saddr))
		return pass(ctx, vr, st, VR_PASS_ADDR_SCOPE, bytes);
	/* The unspecified source, which ip6_forward drops.  (::1 either
	 * way is refused by the fib lookup: NOT_FWDED.)
	 */
	if (!(ip6h->saddr.in6_u.u6_addr32[0] | ip6h->saddr.in6_u.u6_addr32[1] |
	      ip6h->saddr.in6_u.u6_addr32[2] | ip6h->saddr.in6_u.u6_addr32[3]))
		return pass(ctx, vr, st, VR_PASS_ADDR_SCOPE, bytes);
	if (ip6h->hop_limit <= 1)
		return pass(ctx, vr, st, VR_PASS_TTL, bytes);

	fib.family = VR_AF_INET6;
	fib.flowinfo = *(__be32 *)ip6h & bpf_htonl(0x0fffffff);
	fib.l4_protocol = ip6h->nexthdr;
	fib.tot_len = bytes - sizeof(*eth);	/* what is sent: see IPv4 */
	__builtin_memcpy(fib.ipv6_src, &ip6h->saddr, sizeof(fib.ipv6_src));
	__builtin_memcpy(fib.ipv6_dst, &ip6h->daddr, sizeof(fib.ipv6_dst));
	fib.ifindex = ctx->ingress_ifindex;
	parse_l4_ports(c, ip6h->nexthdr, &fib.sport, &fib.dport);
	if (vr->flags & VR_MACF_PARTIAL_CSUM)
		l4_partial_find(c, eth, ip6h->nexthdr, payload_len,
				ipv6_addr_sum(&ip6h->saddr) + ipv6_addr_sum(&ip6h->daddr), &l4p);

	return fib_forward(ctx, eth, NULL, ip6h, &fib, vr, st, bytes, &l4p);
}

SEC("xdp")
int vr_forward(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct hdr_cursor c = { .pos = data, .end = data_end };
	__u64 bytes = data_end - data;
	struct vr_mac_key key = {};
	const struct vr_mac_val *vr;
	struct vr_limit *lim;
	struct vr_bucket *bkt;
	struct vr_credit *cred;
	struct vr_stats *st;
	struct ethhdr *eth;

	eth = parse_ethhdr(&c);
	/* A VR MAC is never multicast (vrctl refuses one), so broadcast
	 * and multicast frames skip the lookup.
	 */
	if (!eth || (eth->h_dest[0] & 1))
		return pass_no_vr(ctx->ingress_ifindex, bytes);

	key.ifindex = ctx->ingress_ifindex;
	__builtin_memcpy(key.mac, eth->h_dest, VR_ETH_ALEN);
	vr = vr_demux(&key);
	if (!vr)
		return pass_no_vr(ctx->ingress_ifindex, bytes);

	st = bpf_map_lookup_elem(&vr_stats, &vr->vr_id);
	if (!st)
		return XDP_PASS;	/* id out of range: vrctl never writes one */
	count(&st->rx, bytes);

	/* Admission control, before any other work on the frame: a VR
	 * without a limit costs one array lookup and this branch.  Over the
	 * limit is a drop: handing the frame to the kernel would spend more
	 * of the shared CPU on it than forwarding it.
	 */
	lim = bpf_map_lookup_elem(&vr_limits, &vr->vr_id);
	if (lim && lim->flags) {
		bkt = bpf_map_lookup_elem(&vr_buckets, &vr->vr_id);
		cred = bpf_map_lookup_elem(&vr_credits, &vr->vr_id);
		if (!bkt || !cred || !vr_admit(lim, bkt, cred, bytes)) {
			count(&st->policed, bytes);
			trace(ctx, vr->vr_id, VR_TRACE_V_POLICED, NULL);
			return XDP_DROP;
		}
	}

	/* What the fast path cannot reproduce for this VR (policy routing,
	 * or the operator's choice): all of it to the VR's kernel.
	 */
	if (vr->slow)
		return pass(ctx, vr, st, VR_PASS_FAST_PATH_OFF, bytes);

	switch (eth->h_proto) {
	case bpf_htons(ETH_P_IP):
		return forward_ipv4(ctx, &c, eth, vr, st, bytes);
	case bpf_htons(ETH_P_IPV6):
		return forward_ipv6(ctx, &c, eth, vr, st, bytes);
	default:
		return pass(ctx, vr, st, VR_PASS_NOT_IP, bytes);
	}
}
