/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Cursor-based header parsing for the XDP fast path.  Every parse_*()
 * checks that the whole header lies inside the frame before touching it,
 * advances the cursor past it and returns a pointer to it, or NULL when the
 * frame is too short.
 */
#ifndef VR_PARSING_H
#define VR_PARSING_H

/* vmlinux.h carries types and enums, not the UAPI macros. */
#define ETH_P_IP	0x0800
#define ETH_P_IPV6	0x86DD
#define IP_MF		0x2000
#define IP_OFFSET	0x1FFF
#define NEXTHDR_HOP	0	/* IPv6 hop-by-hop options */

struct hdr_cursor {
	void *pos;
	void *end;
};

static __always_inline struct ethhdr *parse_ethhdr(struct hdr_cursor *c)
{
	struct ethhdr *eth = c->pos;

	if ((void *)(eth + 1) > c->end)
		return NULL;
	c->pos = eth + 1;
	return eth;
}

/* Fixed 20-byte header only: options are the slow path's business, so the
 * caller checks ihl == 5 and this never needs a variable-length access.
 */
static __always_inline struct iphdr *parse_iphdr(struct hdr_cursor *c)
{
	struct iphdr *iph = c->pos;

	if ((void *)(iph + 1) > c->end)
		return NULL;
	c->pos = iph + 1;
	return iph;
}

static __always_inline struct ipv6hdr *parse_ipv6hdr(struct hdr_cursor *c)
{
	struct ipv6hdr *ip6h = c->pos;

	if ((void *)(ip6h + 1) > c->end)
		return NULL;
	c->pos = ip6h + 1;
	return ip6h;
}

/* Source and destination port of TCP or UDP at the cursor, for the
 * multipath hash.  Other protocols, or a frame too short to hold the
 * ports, leave them 0: the flow then hashes on addresses and protocol.
 * Both protocols start with the two 16-bit ports, so one check does.
 */
static __always_inline void parse_l4_ports(struct hdr_cursor *c, __u8 proto,
					   __be16 *sport, __be16 *dport)
{
	__be16 *ports = c->pos;

	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return;
	if ((void *)(ports + 2) > c->end)
		return;
	*sport = ports[0];
	*dport = ports[1];
}

#endif /* VR_PARSING_H */
