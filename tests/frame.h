/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Test frame builder: Ethernet + IPv4/IPv6 + UDP/TCP, with correct IPv4
 * header and L4 checksums, plus knobs to build malformed frames on purpose
 * (bad version, IHL, lengths, checksum, IPv4 options, IPv6 hop-by-hop).
 * Header-only (static functions) so that any test or fuzzer can include it.
 *
 *	struct fb_params p = { .family = 4, .saddr = "198.18.0.1",
 *			       .daddr = "198.18.10.5", .ttl = 64 };
 *	uint8_t buf[FB_MAX];
 *	size_t len = fb_build(buf, sizeof(buf), &p);
 *
 * Zero means "the sensible default" for every field, so a designated
 * initializer only names what matters.  Where zero is itself a value worth
 * sending (TTL, IHL, version, length), the field is an int and FB_ZERO
 * spells an explicit 0.  buf must hold FB_MAX bytes; the frame is written
 * from the start and everything after it is zeroed.
 */
#ifndef VR_TEST_FRAME_H
#define VR_TEST_FRAME_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#define FB_MAX		4096	/* buffer size that holds any frame built here */
#define FB_ETH_HLEN	14
#define FB_IP4_HLEN	20
#define FB_IP6_HLEN	40
#define FB_UDP_HLEN	8
#define FB_TCP_HLEN	20
#define FB_ZERO		0x10000	/* an explicit 0 for int fields where 0 = default */

struct fb_params {
	uint8_t dmac[6], smac[6];
	int ethertype;		/* 0: from family; no IP header if family == 0 */
	int family;		/* 4, 6, or 0 (raw: ethertype + payload bytes) */
	const char *saddr, *daddr;	/* text, per family (NULL: 198.18.0.1 / 2001:2::1) */
	int ttl;		/* TTL / hop limit; 0: 64; FB_ZERO: 0 */
	int proto;		/* L4: IPPROTO_UDP (0), IPPROTO_TCP, or any (opaque payload) */
	uint16_t sport, dport;	/* 0: 1024 / 7 */
	uint16_t payload;	/* L4 payload bytes (a counting pattern) */
	uint8_t tos;		/* IPv4 TOS / IPv6 traffic class */
	uint32_t flowlabel;	/* IPv6 */
	uint16_t id;		/* IPv4 identification */
	uint16_t frag_off;	/* IPv4 flags+offset, host order (0x4000 = DF) */
	uint8_t ip_opt_words;	/* IPv4 options, in 32-bit words (IHL = 5 + n) */
	int hbh;		/* IPv6: insert an 8-byte hop-by-hop header */
	uint16_t trailer;	/* bytes after the IP datagram (Ethernet padding) */
	/* Defects, applied before the IPv4 checksum is computed: */
	int version;		/* 0: 4 or 6 */
	int ihl;		/* 0: 5 + ip_opt_words; FB_ZERO: 0 */
	int tot_len;		/* IPv4 tot_len / IPv6 payload_len; 0: right; FB_ZERO: 0 */
	int len_delta;		/* added to the right length (ignored if tot_len set) */
	/* ... and after: */
	uint16_t csum_xor;	/* XORed into the IPv4 header checksum */
	int l4csum;		/* FB_L4_*: what the TCP/UDP check field holds */
};

/* fb_params.l4csum */
#define FB_L4_COMPLETE	0	/* the checksum (UDP: 0 sent as 0xffff) */
#define FB_L4_PARTIAL	1	/* left to offload: the folded pseudo-header sum only */
#define FB_L4_NONE	2	/* 0 (IPv4 UDP: no checksum) */

/* One's complement sum of a buffer (big-endian words), not folded. */
static inline uint32_t fb_sum(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;

	while (len > 1) {
		sum += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static inline uint16_t fb_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* The IPv4 header checksum from scratch (network order, ready to store):
 * the check field itself (bytes 10-11) is skipped.
 */
static inline uint16_t fb_ipv4_csum(const void *iph, size_t hlen)
{
	const uint8_t *p = iph;
	uint32_t sum = fb_sum(p, 10, 0);

	sum = fb_sum(p + 12, hlen - 12, sum);
	return htons((uint16_t)~fb_fold(sum));
}

/* True if the header (with its check field) sums to 0xffff. */
static inline int fb_ipv4_csum_ok(const void *iph, size_t hlen)
{
	return fb_fold(fb_sum(iph, hlen, 0)) == 0xffff;
}

static inline uint16_t fb_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void fb_put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static inline void fb_put32(uint8_t *p, uint32_t v)
{
	fb_put16(p, v >> 16);
	fb_put16(p + 2, v & 0xffff);
}

/* Parse an address for the family into out (4 or 16 bytes); 0 on success. */
static inline int fb_addr(int family, const char *text, void *out)
{
	if (family == 4)
		return inet_pton(AF_INET, text ? text : "198.18.0.1", out) == 1 ? 0 : -1;
	return inet_pton(AF_INET6, text ? text : "2001:2::1", out) == 1 ? 0 : -1;
}

static inline int fb_or(int v, int dflt)
{
	if (v == 0)
		return dflt;
	return v == FB_ZERO ? 0 : v;
}

/* UDP/TCP header and payload at l4 (l4len bytes), checksum over the
 * pseudo-header: src/dst are 4 or 16 bytes (alen).
 */
static inline size_t fb_l4(uint8_t *l4, const struct fb_params *p,
			   const uint8_t *src, const uint8_t *dst, size_t alen)
{
	int proto = fb_or(p->proto, IPPROTO_UDP);
	size_t hlen = proto == IPPROTO_UDP ? FB_UDP_HLEN :
		      proto == IPPROTO_TCP ? FB_TCP_HLEN : 0;
	size_t len = hlen + p->payload, i;
	uint32_t sum;
	int off = -1;

	for (i = 0; i < p->payload; i++)
		l4[hlen + i] = (uint8_t)(i * 7 + 1);
	if (proto == IPPROTO_UDP) {
		fb_put16(l4, p->sport ? p->sport : 1024);
		fb_put16(l4 + 2, p->dport ? p->dport : 7);
		fb_put16(l4 + 4, (uint16_t)len);
		fb_put16(l4 + 6, 0);
		off = 6;
	} else if (proto == IPPROTO_TCP) {
		memset(l4, 0, FB_TCP_HLEN);
		fb_put16(l4, p->sport ? p->sport : 1024);
		fb_put16(l4 + 2, p->dport ? p->dport : 7);
		fb_put32(l4 + 4, 0x01020304);	/* seq */
		l4[12] = 5 << 4;		/* data offset */
		l4[13] = 0x18;			/* PSH ACK */
		fb_put16(l4 + 14, 65535);	/* window */
		off = 16;
	}
	if (off >= 0) {
		sum = fb_sum(src, alen, 0);
		sum = fb_sum(dst, alen, sum);
		sum += (uint32_t)proto + (uint32_t)len;
		if (p->l4csum == FB_L4_PARTIAL) {
			sum = fb_fold(sum);	/* what udp4_hwcsum, tcp_v4_send_check write */
		} else if (p->l4csum == FB_L4_NONE) {
			sum = 0;
		} else {
			sum = fb_sum(l4, len, sum);
			sum = (uint16_t)~fb_fold(sum);
			if (proto == IPPROTO_UDP && sum == 0)
				sum = 0xffff;
		}
		fb_put16(l4 + off, (uint16_t)sum);
	}
	return len;
}

/*
 * Build the frame into buf (cap >= FB_MAX bytes, payload up to 3000);
 * returns its length, or 0 if cap is too small or an address does not parse.
 */
static inline size_t fb_build(uint8_t *buf, size_t cap, const struct fb_params *p)
{
	uint8_t src[16], dst[16], *ip = buf + FB_ETH_HLEN, *l4;
	int family = p->family;
	size_t len, l4len, hlen;
	int ethertype, tl;

	if (cap < FB_MAX || p->payload > 3000)
		return 0;
	memset(buf, 0, cap);
	ethertype = p->ethertype ? p->ethertype :
		    family == 4 ? 0x0800 : family == 6 ? 0x86dd : 0x88b5;
	memcpy(buf, p->dmac, 6);
	memcpy(buf + 6, p->smac, 6);
	fb_put16(buf + 12, (uint16_t)ethertype);

	if (family != 4 && family != 6) {
		/* Opaque payload after the Ethernet header (ARP, VLAN, ...). */
		len = FB_ETH_HLEN + p->payload;
		for (size_t i = 0; i < p->payload; i++)
			buf[FB_ETH_HLEN + i] = (uint8_t)(i * 5 + 3);
		return len;
	}
	if (fb_addr(family, p->saddr, src) || fb_addr(family, p->daddr, dst))
		return 0;

	if (family == 4) {
		hlen = FB_IP4_HLEN + 4u * p->ip_opt_words;
		l4 = ip + hlen;
		/* Options: NOPs, the last one End of Options List. */
		memset(ip + FB_IP4_HLEN, 1, 4u * p->ip_opt_words);
		if (p->ip_opt_words)
			ip[hlen - 1] = 0;
		l4len = fb_l4(l4, p, src, dst, 4);
		tl = p->tot_len ? fb_or(p->tot_len, 0) : (int)(hlen + l4len) + p->len_delta;
		ip[0] = (uint8_t)(fb_or(p->version, 4) << 4 |
				  (fb_or(p->ihl, (int)(5 + p->ip_opt_words)) & 0xf));
		ip[1] = p->tos;
		fb_put16(ip + 2, (uint16_t)tl);
		fb_put16(ip + 4, p->id);
		fb_put16(ip + 6, p->frag_off);
		ip[8] = (uint8_t)fb_or(p->ttl, 64);
		ip[9] = (uint8_t)fb_or(p->proto, IPPROTO_UDP);
		memcpy(ip + 12, src, 4);
		memcpy(ip + 16, dst, 4);
		memcpy(ip + 10, &(uint16_t){ fb_ipv4_csum(ip, hlen) }, 2);
		ip[10] ^= p->csum_xor >> 8;
		ip[11] ^= p->csum_xor & 0xff;
		len = FB_ETH_HLEN + hlen + l4len;
	} else {
		uint32_t w = (uint32_t)fb_or(p->version, 6) << 28 |
			     (uint32_t)p->tos << 20 | (p->flowlabel & 0xfffff);
		size_t ext = p->hbh ? 8 : 0;

		hlen = FB_IP6_HLEN;
		l4 = ip + hlen + ext;
		l4len = fb_l4(l4, p, src, dst, 16);
		tl = p->tot_len ? fb_or(p->tot_len, 0) : (int)(ext + l4len) + p->len_delta;
		fb_put32(ip, w);
		fb_put16(ip + 4, (uint16_t)tl);
		ip[6] = p->hbh ? 0 : (uint8_t)fb_or(p->proto, IPPROTO_UDP);
		ip[7] = (uint8_t)fb_or(p->ttl, 64);
		memcpy(ip + 8, src, 16);
		memcpy(ip + 24, dst, 16);
		if (p->hbh) {
			uint8_t *h = ip + hlen;

			h[0] = (uint8_t)fb_or(p->proto, IPPROTO_UDP);
			h[1] = 0;		/* 8 bytes */
			h[2] = 1;		/* PadN */
			h[3] = 4;
			memset(h + 4, 0, 4);
		}
		len = FB_ETH_HLEN + hlen + ext + l4len;
	}
	/* Trailer: zero bytes, as Ethernet padding would be. */
	len += p->trailer;
	return len <= cap ? len : 0;
}

#endif /* VR_TEST_FRAME_H */
