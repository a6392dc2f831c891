// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The "no virtualisation" bound for the benchmark (data plane 5, the
 * xdp-forward class): the vrouter fast path minus everything about VRs.
 * Same parsing and checks (bpf/parsing.h, bpf/csum.h), one fib lookup in
 * the main table with the kernel's own neighbour table, the same rewrite
 * and a devmap redirect.  No MAC -> VR lookup, no per-VR port or
 * neighbour lookup, no counters.  Not part of vrouter: bench only.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "parsing.h"
#include "csum.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__type(key, __u32);
	__type(value, struct bpf_devmap_val);
	__uint(max_entries, 256);
} fwd_ports SEC(".maps");

static __always_inline int forward(struct xdp_md *ctx, struct ethhdr *eth,
				   struct iphdr *iph, struct ipv6hdr *ip6h,
				   struct bpf_fib_lookup *fib)
{
	long rc;

	rc = bpf_fib_lookup(ctx, fib, sizeof(*fib), BPF_FIB_LOOKUP_DIRECT);
	if (rc != BPF_FIB_LKUP_RET_SUCCESS)
		return XDP_PASS;	/* incl. NO_NEIGH: the kernel resolves it */
	if (!bpf_map_lookup_elem(&fwd_ports, &fib->ifindex))
		return XDP_PASS;
	if (iph)
		ipv4_decrease_ttl(iph);
	else
		ip6h->hop_limit--;
	__builtin_memcpy(eth->h_dest, fib->dmac, 6);
	__builtin_memcpy(eth->h_source, fib->smac, 6);
	return bpf_redirect_map(&fwd_ports, fib->ifindex, 0);
}

SEC("xdp")
int xdpfwd(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	struct hdr_cursor c = { .pos = (void *)(long)ctx->data, .end = data_end };
	struct bpf_fib_lookup fib = {};
	struct ethhdr *eth;

	eth = parse_ethhdr(&c);
	if (!eth)
		return XDP_PASS;
	fib.ifindex = ctx->ingress_ifindex;

	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *iph = parse_iphdr(&c);
		__u16 tot_len;

		if (!iph || iph->version != 4 || iph->ihl != 5)
			return XDP_PASS;
		tot_len = bpf_ntohs(iph->tot_len);
		if (tot_len < sizeof(*iph) || (void *)iph + tot_len > data_end ||
		    !ipv4_csum_ok(iph) || iph->ttl <= 1)
			return XDP_PASS;
		fib.family = 2;
		fib.tos = iph->tos;
		fib.l4_protocol = iph->protocol;
		fib.tot_len = tot_len;
		fib.ipv4_src = iph->saddr;
		fib.ipv4_dst = iph->daddr;
		return forward(ctx, eth, iph, NULL, &fib);
	}
	if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6h = parse_ipv6hdr(&c);

		if (!ip6h || ip6h->version != 6 || ip6h->hop_limit <= 1 ||
		    ip6h->nexthdr == NEXTHDR_HOP)
			return XDP_PASS;
		if ((void *)(ip6h + 1) + bpf_ntohs(ip6h->payload_len) > data_end)
			return XDP_PASS;
		fib.family = 10;
		fib.flowinfo = *(__be32 *)ip6h & bpf_htonl(0x0fffffff);
		fib.l4_protocol = ip6h->nexthdr;
		fib.tot_len = sizeof(*ip6h) + bpf_ntohs(ip6h->payload_len);
		__builtin_memcpy(fib.ipv6_src, &ip6h->saddr, sizeof(fib.ipv6_src));
		__builtin_memcpy(fib.ipv6_dst, &ip6h->daddr, sizeof(fib.ipv6_dst));
		return forward(ctx, eth, NULL, ip6h, &fib);
	}
	return XDP_PASS;
}
