/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Frame generator and mutator for the data-plane fuzzer.
 *
 * Every decision is drawn from a choice source: a seeded PRNG (the
 * fixed-seed run of tests/cases/15-fuzz.sh) or the bytes of a libFuzzer
 * input (make fuzz), which makes the libFuzzer target structure-aware: a
 * mutation of the input changes a field, a header or a length, not
 * random bytes of a checksum-protected header.  Choice 0 is always the
 * common case, so an input of zeros (or an exhausted one) is a plain
 * IPv4/UDP frame that VR 1 forwards.
 *
 * The frame is built with tests/frame.h (valid headers and checksums, with
 * its defect knobs), then reshaped: IPv4 option bytes, IPv6 extension
 * headers (hop-by-hop, routing, fragment, destination options, AH, no next
 * header), 802.1Q/802.1ad tags, lengths that disagree with the frame, bad
 * checksums, random trailers, and finally byte-level mutations, each
 * optionally followed by a checksum fix-up so that mutated headers get past
 * the checksum to the deeper checks.  Lengths: 14..FZ_FRAME_MAX.
 */
#ifndef VR_FUZZ_GEN_H
#define VR_FUZZ_GEN_H

#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>

#include "frame.h"
#include "fuzz_net.h"
#include "fuzz_model.h"

#define FZ_FRAME_MIN	14	/* BPF_PROG_RUN refuses shorter XDP input */
#define FZ_FRAME_MAX	1600

/* ---- choice source ---- */

struct fz_src {
	int prng;		/* 1: state drives a PRNG; 0: data/len bytes */
	uint64_t state;
	const uint8_t *data;
	size_t len, pos;
};

static inline uint64_t fz_splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline void fz_src_prng(struct fz_src *s, uint64_t seed, uint64_t index)
{
	uint64_t mix = seed ^ (index * 0xd1342543de82ef95ull);

	memset(s, 0, sizeof(*s));
	s->prng = 1;
	s->state = fz_splitmix(&mix);
}

static inline void fz_src_bytes(struct fz_src *s, const uint8_t *data, size_t len)
{
	memset(s, 0, sizeof(*s));
	s->data = data;
	s->len = len;
}

static inline uint8_t fz_byte(struct fz_src *s)
{
	return s->pos < s->len ? s->data[s->pos++] : 0;
}

/* Uniform in [0, n); 0 if n <= 1 or the input is exhausted. */
static inline uint32_t fz_pick(struct fz_src *s, uint32_t n)
{
	uint32_t v = 0;

	if (n <= 1)
		return 0;
	if (s->prng)
		return (uint32_t)(((fz_splitmix(&s->state) >> 32) * n) >> 32);
	v = fz_byte(s);
	if (n > 256)
		v = v << 8 | fz_byte(s);
	if (n > 65536)
		v = v << 16 | (uint32_t)fz_byte(s) << 8 | fz_byte(s);
	return v % n;
}

/* The uncommon branch, taken pct times in 100 (never on a zero choice). */
static inline int fz_chance(struct fz_src *s, unsigned int pct)
{
	return fz_pick(s, 100) >= 100 - pct;
}

/* Index into weights w[n]; index 0 on a zero choice. */
static inline unsigned int fz_wpick(struct fz_src *s, const uint16_t *w, unsigned int n)
{
	uint32_t total = 0, v;
	unsigned int i;

	for (i = 0; i < n; i++)
		total += w[i];
	v = fz_pick(s, total);
	for (i = 0; i < n; i++) {
		if (v < w[i])
			return i;
		v -= w[i];
	}
	return 0;
}
#define FZ_WPICK(s, ...) \
	fz_wpick(s, (const uint16_t[]){ __VA_ARGS__ }, \
		 sizeof((const uint16_t[]){ __VA_ARGS__ }) / sizeof(uint16_t))

static inline void fz_fill(struct fz_src *s, uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = s->prng ? (uint8_t)fz_splitmix(&s->state) : fz_byte(s);
}

/* ---- addresses ---- */

static const char *const fz_special4[] = {
	"0.0.0.0", "0.1.2.3", "127.0.0.1", "127.255.255.255", "255.255.255.255",
	"224.0.0.1", "239.255.255.255", "223.255.255.255", "240.0.0.1",
	"169.254.1.1", "198.18.1.255", "198.18.30.1", "198.19.255.255",
	"198.17.255.255", "198.20.0.0", "10.0.0.1", "1.0.0.0", "126.255.255.255",
};

static const char *const fz_special6[] = {
	"::", "::1", "::2", "ff02::1", "ff0e::1", "ff00::", "fe80::1",
	"febf:ffff::1", "fec0::1", "::ffff:198.18.10.5", "::198.18.10.5",
	"2001:2:0:30::1", "2001:2::", "2001:2:ffff:ffff:ffff:ffff:ffff:ffff",
	"2001:3::1", "2001:1:ffff::1", "64:ff9b::c612:a05", "fe7f::1", "fc00::1",
};

/* An address of the family: mostly in or around a configured prefix. */
static inline void fz_gen_addr(struct fz_src *s, int family, int dst, uint8_t out[16])
{
	unsigned int alen = family == 4 ? 4 : 16, i, kind;
	const struct fz_prefix *p;
	int fam;

	memset(out, 0, 16);
	kind = dst ? FZ_WPICK(s, 55, 8, 20, 10, 7) : FZ_WPICK(s, 20, 8, 55, 10, 7);
	switch (kind) {
	case 0: {	/* in or next to a route's prefix (any VR's) */
		unsigned int n = 0, k, bits;

		for (i = 0; i < FZ_NROUTES; i++)
			n += fz_m.rt[i].family == family;
		k = fz_pick(s, n);
		for (i = 0; i < FZ_NROUTES; i++)
			if (fz_m.rt[i].family == family && !k--)
				break;
		p = &fz_m.rt[i];
		memcpy(out, p->addr, alen);
		bits = alen * 8 - p->plen;
		switch (FZ_WPICK(s, 60, 10, 10, 5, 5, 10)) {
		case 0:		/* random host part */
			for (i = 0; i < bits; i++)
				if (fz_pick(s, 2))
					out[alen - 1 - i / 8] |= (uint8_t)(1u << (i % 8));
			break;
		case 1:		/* the prefix itself */
			break;
		case 2:		/* last address of the prefix */
		case 4:		/* ... and one beyond */
			for (i = 0; i < bits; i++)
				out[alen - 1 - i / 8] |= (uint8_t)(1u << (i % 8));
			if (kind == 4)
				for (i = alen; i-- > 0 && ++out[i] == 0;)
					;
			break;
		case 3:		/* one before */
			for (i = alen; i-- > 0 && out[i]-- == 0;)
				;
			break;
		case 5:		/* one bit off anywhere */
			i = fz_pick(s, alen * 8);
			out[i / 8] ^= (uint8_t)(0x80 >> (i % 8));
			break;
		}
		return;
	}
	case 1: {	/* a neighbour's address (any VR's) */
		unsigned int k = fz_pick(s, FZ_NNEIGH);

		for (i = 0; i < FZ_NNEIGH; i++)
			if (fz_m.nb[(k + i) % FZ_NNEIGH].family == family)
				break;
		memcpy(out, fz_m.nb[(k + i) % FZ_NNEIGH].addr, alen);
		return;
	}
	case 2:		/* a plain host of the benchmarking ranges */
		if (family == 4) {
			out[0] = 198; out[1] = 18; out[2] = (uint8_t)fz_pick(s, 4);
			out[3] = (uint8_t)(1 + fz_pick(s, 254));
		} else {
			out[0] = 0x20; out[1] = 0x01; out[3] = 0x02; out[7] = (uint8_t)fz_pick(s, 4);
			out[15] = (uint8_t)(1 + fz_pick(s, 254));
		}
		return;
	case 3:		/* special addresses */
		if (family == 4)
			fz_parse_addr(fz_special4[fz_pick(s, sizeof(fz_special4) / sizeof(char *))],
				      &fam, out);
		else
			fz_parse_addr(fz_special6[fz_pick(s, sizeof(fz_special6) / sizeof(char *))],
				      &fam, out);
		return;
	default:	/* anything */
		fz_fill(s, out, alen);
		return;
	}
}

/* ---- frames ---- */

struct fz_frame {
	enum fz_nic in;
	size_t len;
	uint8_t buf[FB_MAX];
};

static inline void fz_gen_dmac(struct fz_src *s, enum fz_nic in, const uint8_t nic_mac[][6],
			       uint8_t mac[6])
{
	unsigned int i, n = 0, k;

	switch (FZ_WPICK(s, 70, 10, 4, 3, 3, 4, 4, 2)) {
	case 0:		/* a VR's unicast MAC on this NIC */
		for (i = 0; i < FZ_NMACS; i++)
			n += fz_macs[i].nic == in && !(fz_macs[i].mac[0] & 1);
		k = fz_pick(s, n ? n : 1);
		for (i = 0; i < FZ_NMACS; i++)
			if (fz_macs[i].nic == in && !(fz_macs[i].mac[0] & 1) && !k--)
				break;
		memcpy(mac, fz_macs[i < FZ_NMACS ? i : 0].mac, 6);
		return;
	case 1:		/* any vr_macs entry, maybe another NIC's or a group one */
		memcpy(mac, fz_macs[fz_pick(s, FZ_NMACS)].mac, 6);
		return;
	case 2:		/* the NIC's own */
		memcpy(mac, nic_mac[in], 6);
		return;
	case 3:
		memset(mac, 0xff, 6);
		return;
	case 4:		/* some group address */
		fz_fill(s, mac, 6);
		mac[0] |= 1;
		return;
	case 5:		/* some unicast address */
		fz_fill(s, mac, 6);
		mac[0] &= 0xfe;
		return;
	case 6:		/* a VR's MAC, one bit off */
		memcpy(mac, fz_macs[fz_pick(s, FZ_NMACS)].mac, 6);
		i = fz_pick(s, 48);
		mac[i / 8] ^= (uint8_t)(1u << (i % 8));
		return;
	default:	/* a group entry of vr_macs */
		for (i = 0; i < FZ_NMACS; i++)
			n += !!(fz_macs[i].mac[0] & 1);
		k = fz_pick(s, n);
		for (i = 0; i < FZ_NMACS; i++)
			if ((fz_macs[i].mac[0] & 1) && !k--)
				break;
		memcpy(mac, fz_macs[i < FZ_NMACS ? i : 0].mac, 6);
		return;
	}
}

/* Insert n bytes at off (the frame grows; capped at FB_MAX). */
static inline void fz_insert(struct fz_frame *fr, size_t off, const uint8_t *p, size_t n)
{
	if (off > fr->len || fr->len + n > FB_MAX)
		return;
	memmove(fr->buf + off + n, fr->buf + off, fr->len - off);
	memcpy(fr->buf + off, p, n);
	fr->len += n;
}

/* IPv4 option bytes: a jumble of real option kinds. */
static inline void fz_gen_ip_options(struct fz_src *s, uint8_t *opt, size_t n)
{
	static const uint8_t kinds[] = { 1, 0, 7, 68, 131, 137, 148, 130, 25 };
	size_t i = 0;

	while (i < n) {
		uint8_t k = kinds[fz_pick(s, sizeof(kinds))];

		opt[i++] = k;
		if (k <= 1 || i >= n)
			continue;
		opt[i++] = (uint8_t)(2 + fz_pick(s, 12));
	}
	if (fz_chance(s, 30))
		fz_fill(s, opt, n);
}

/* IPv6 extension headers between the fixed header and the L4 header:
 * returns the bytes inserted.  The chain's last next-header is proto.
 */
static inline size_t fz_gen_ext(struct fz_src *s, struct fz_frame *fr, size_t ip_off)
{
	uint8_t chain[3 * 40], *h, *ip = fr->buf + ip_off;
	uint8_t proto = ip[6];
	unsigned int n = 1 + fz_pick(s, 3), i;
	size_t total = 0, hl;
	uint8_t types[3];

	for (i = 0; i < n; i++) {
		static const uint16_t w[] = { 25, 20, 20, 25, 5, 5 };
		static const uint8_t t[] = { 0, 43, 44, 60, 51, 59 };

		types[i] = t[fz_wpick(s, w, 6)];
	}
	for (i = 0; i < n; i++) {
		uint8_t next = i + 1 < n ? types[i + 1] : proto;

		h = chain + total;
		switch (types[i]) {
		case 44:	/* fragment: fixed 8 bytes */
			hl = 8;
			fz_fill(s, h, 8);
			h[1] = 0;
			break;
		case 51:	/* AH: length in 4-byte units minus 2 */
			hl = 12 + 4 * fz_pick(s, 3);
			fz_fill(s, h, hl);
			h[1] = (uint8_t)(hl / 4 - 2);
			break;
		case 43:	/* routing: type 0/2/3/4, one address */
			hl = 24;
			memset(h, 0, hl);
			h[1] = 2;
			h[2] = (uint8_t)(fz_pick(s, 2) ? fz_pick(s, 5) : 4);
			h[3] = (uint8_t)fz_pick(s, 3);
			fz_fill(s, h + 8, 16);
			break;
		default:	/* hop-by-hop, destination options, "no next header" */
			hl = 8 * (1 + fz_pick(s, 3));
			memset(h, 0, hl);
			h[1] = (uint8_t)(hl / 8 - 1);
			switch (fz_pick(s, 4)) {
			case 0:			/* PadN */
				h[2] = 1;
				h[3] = (uint8_t)(hl - 4);
				break;
			case 1:			/* router alert + PadN */
				h[2] = 5; h[3] = 2;
				h[6] = 1; h[7] = (uint8_t)(hl - 8);
				break;
			case 2:			/* jumbo payload */
				h[2] = 0xc2; h[3] = 4;
				fz_fill(s, h + 4, 4);
				break;
			default:
				fz_fill(s, h + 2, hl - 2);
				break;
			}
			break;
		}
		h[0] = next;
		total += hl;
	}
	ip[6] = types[0];
	fz_insert(fr, ip_off + 40, chain, total);
	return total;
}

/* 1..2 VLAN tags after the MAC addresses. */
static inline void fz_gen_vlan(struct fz_src *s, struct fz_frame *fr)
{
	static const uint16_t tpid[] = { 0x8100, 0x88a8, 0x9100 };
	unsigned int n = 1 + fz_pick(s, 2), i;

	for (i = 0; i < n; i++) {
		uint8_t tag[4];

		fb_put16(tag, tpid[fz_pick(s, 3)]);
		fb_put16(tag + 2, (uint16_t)fz_pick(s, 65536));
		fz_insert(fr, 12, tag, 4);
	}
}

/* Refresh the IPv4 header checksum if the frame has such a header. */
static inline void fz_fix_csum4(struct fz_frame *fr)
{
	uint8_t *ip = fr->buf + FB_ETH_HLEN;
	size_t hlen = 4u * (ip[0] & 0xf);

	if (fr->len < FB_ETH_HLEN + 20 || fb_get16(fr->buf + 12) != 0x0800 ||
	    hlen < 20 || FB_ETH_HLEN + hlen > fr->len)
		return;
	memcpy(ip + 10, &(uint16_t){ fb_ipv4_csum(ip, hlen) }, 2);
}

/* Pick the IP id so that the header checksum is an edge value of the
 * TTL decrement's incremental update (carries, 0x0000, and 0xffff, the
 * other spelling of 0x0000, which only a sender that does not fold
 * writes).  Adding d to a header word takes d off the checksum.
 */
static inline void fz_steer_csum4(struct fz_src *s, struct fz_frame *fr)
{
	static const uint16_t edge[] = {
		0x0000, 0xffff, 0x0001, 0x00fe, 0x00ff, 0x0100, 0x01ff, 0x7fff,
		0x8000, 0xfe00, 0xfeff, 0xff00, 0xfefe, 0xfffe,
	};
	uint8_t *ip = fr->buf + FB_ETH_HLEN;
	uint16_t want = edge[fz_pick(s, sizeof(edge) / sizeof(edge[0]))], c, id;
	uint32_t d;

	if (fr->len < FB_ETH_HLEN + 20 || ip[0] != 0x45)
		return;
	c = fb_get16(ip + 10);
	d = fb_fold((uint32_t)c + (uint16_t)~(want == 0xffff ? 0 : want));
	id = fb_get16(ip + 4);
	fb_put16(ip + 4, fb_fold((uint32_t)id + d));
	fz_fix_csum4(fr);
	if (want == 0xffff && fb_get16(ip + 10) == 0)
		fb_put16(ip + 10, 0xffff);
}

/* Byte-level damage, 1..4 times. */
static inline void fz_mutate(struct fz_src *s, struct fz_frame *fr)
{
	unsigned int n = 1 + fz_pick(s, 4), hdr;
	size_t pos;

	while (n--) {
		hdr = (unsigned int)(fr->len < 80 ? fr->len : 80);
		switch (FZ_WPICK(s, 35, 25, 10, 8, 12, 10)) {
		case 0:		/* a bit of the headers */
			pos = fz_pick(s, hdr * 8);
			fr->buf[pos / 8] ^= (uint8_t)(1u << (pos % 8));
			break;
		case 1: {	/* a header byte to an edge value */
			static const uint8_t v[] = { 0, 1, 0x7f, 0x80, 0xff, 0x45, 0x60 };

			fr->buf[fz_pick(s, hdr)] = fz_pick(s, 2) ? v[fz_pick(s, sizeof(v))]
								: (uint8_t)fz_pick(s, 256);
			break;
		}
		case 2:		/* cut */
			fr->len = FZ_FRAME_MIN + fz_pick(s, (uint32_t)(fr->len - FZ_FRAME_MIN + 1));
			break;
		case 3: {	/* grow */
			size_t add = fr->len < FZ_FRAME_MAX ?
				     fz_pick(s, (uint32_t)(FZ_FRAME_MAX - fr->len + 1)) : 0;

			fz_fill(s, fr->buf + fr->len, add);
			fr->len += add;
			break;
		}
		case 4: {	/* a 16-bit header word to an edge or a length */
			uint16_t l3 = (uint16_t)(fr->len - FB_ETH_HLEN);
			const uint16_t v[] = { 0, 1, 0xffff, 0x8000, l3, (uint16_t)(l3 + 1),
					       (uint16_t)(l3 - 1), (uint16_t)(l3 - 40),
					       (uint16_t)(l3 - 39) };

			pos = 2 * fz_pick(s, hdr / 2);
			fb_put16(fr->buf + pos, v[fz_pick(s, sizeof(v) / sizeof(v[0]))]);
			break;
		}
		default:	/* a bit anywhere */
			pos = fz_pick(s, (uint32_t)fr->len * 8);
			fr->buf[pos / 8] ^= (uint8_t)(1u << (pos % 8));
			break;
		}
	}
	if (fz_chance(s, 60))
		fz_fix_csum4(fr);
}

/* A TTL / hop limit: mostly forwardable, often at the edges. */
static inline int fz_gen_ttl(struct fz_src *s)
{
	switch (FZ_WPICK(s, 60, 10, 6, 8, 6, 10)) {
	case 0:
		return 64;
	case 1:
		return 1;
	case 2:
		return FB_ZERO;
	case 3:
		return 2;
	case 4:
		return 255;
	default:
		return 2 + (int)fz_pick(s, 254);
	}
}

/* L4 payload for an L3 header of l3hdr bytes + L4 header: small mostly,
 * sometimes to fill the frame, sometimes at an MTU edge.
 */
static inline uint16_t fz_gen_payload(struct fz_src *s, size_t l3hdr)
{
	static const uint16_t edge[] = { 1279, 1280, 1281, 1499, 1500, 1501, 1520, 1586 };
	size_t room = FZ_FRAME_MAX - FB_ETH_HLEN - l3hdr, want;

	switch (FZ_WPICK(s, 60, 20, 10, 10)) {
	case 0:
		want = fz_pick(s, 65);
		break;
	case 1:
		want = fz_pick(s, 601);
		break;
	case 2:
		want = fz_pick(s, (uint32_t)room + 1);
		break;
	default:
		want = edge[fz_pick(s, sizeof(edge) / sizeof(edge[0]))];
		want = want > l3hdr ? want - l3hdr : 0;
		break;
	}
	return (uint16_t)(want < room ? want : room);
}

static inline int fz_gen_proto(struct fz_src *s, int family)
{
	switch (FZ_WPICK(s, 50, 25, 10, 15)) {
	case 0:
		return IPPROTO_UDP;
	case 1:
		return IPPROTO_TCP;
	case 2:
		return family == 4 ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	default:
		return 1 + (int)fz_pick(s, 255);
	}
}

static inline size_t fz_l4_hlen(int proto)
{
	return proto == IPPROTO_UDP ? FB_UDP_HLEN : proto == IPPROTO_TCP ? FB_TCP_HLEN : 0;
}

/* The IPv4 header's knobs (id, fragment, options, broken version/IHL):
 * the header length.
 */
static inline size_t fz_gen_ip4_knobs(struct fz_src *s, struct fb_params *p)
{
	p->id = (uint16_t)fz_pick(s, 65536);
	switch (FZ_WPICK(s, 60, 20, 10, 10)) {
	case 0: p->frag_off = 0; break;
	case 1: p->frag_off = 0x4000; break;
	/* more fragments: half of them first fragments (offset 0), whose
	 * ports the multipath hash must ignore all the same */
	case 2: p->frag_off = (uint16_t)(0x2000 | (fz_chance(s, 50) ? 0 : fz_pick(s, 0x2000))); break;
	default: p->frag_off = (uint16_t)fz_pick(s, 65536); break;
	}
	if (fz_chance(s, 8))
		p->ip_opt_words = (uint8_t)(1 + fz_pick(s, 10));
	if (fz_chance(s, 4))
		p->version = (int)fz_pick(s, 16) ? : FB_ZERO;
	if (fz_chance(s, 4))
		p->ihl = (int)fz_pick(s, 16) ? : FB_ZERO;
	return FB_IP4_HLEN + 4u * p->ip_opt_words;
}

/* The IPv6 header's knobs (flow label, broken version, *WANT_EXT
 * extension headers): the header length with room for them.
 */
static inline size_t fz_gen_ip6_knobs(struct fz_src *s, struct fb_params *p, int *want_ext)
{
	p->flowlabel = fz_chance(s, 50) ? fz_pick(s, 1u << 20) : 0;
	if (fz_chance(s, 4))
		p->version = (int)fz_pick(s, 16) ? : FB_ZERO;
	*want_ext = fz_chance(s, 25);
	/* room for up to three extension headers of 24 bytes */
	return FB_IP6_HLEN + (*want_ext ? 3 * 24 : 0);
}

/* Trailer: bytes after the datagram (Ethernet padding, or junk). */
static inline void fz_gen_trailer(struct fz_src *s, struct fz_frame *fr)
{
	size_t room = FZ_FRAME_MAX - fr->len, t;

	t = fz_pick(s, 2) ? fz_pick(s, 47) : fz_pick(s, (uint32_t)room + 1);
	if (t > room)
		t = room;
	if (fz_pick(s, 2))
		fz_fill(s, fr->buf + fr->len, t);
	else
		memset(fr->buf + fr->len, 0, t);
	fr->len += t;
}

/* tot_len / payload_len that disagree with the frame. */
static inline void fz_gen_len_defect(struct fz_src *s, struct fz_frame *fr, int family)
{
	uint8_t *ip = fr->buf + FB_ETH_HLEN;
	uint16_t right = (uint16_t)fb_get16(ip + (family == 4 ? 2 : 4)), v;

	switch (FZ_WPICK(s, 30, 20, 15, 10, 10, 15)) {
	case 0: v = (uint16_t)(right + 1 + fz_pick(s, 4)); break;
	case 1: v = (uint16_t)(right - 1 - fz_pick(s, 4)); break;
	case 2: v = (uint16_t)(fr->len - FB_ETH_HLEN - (family == 4 ? 0 : 40)
			       + fz_pick(s, 3) - 1); break;
	case 3: v = 0; break;
	case 4: v = (uint16_t)(family == 4 ? 19 + fz_pick(s, 2) : 0xffff); break;
	default: v = (uint16_t)fz_pick(s, 65536); break;
	}
	fb_put16(ip + (family == 4 ? 2 : 4), v);
}

/* An IP frame through frame.h, then reshaped.  family 4 or 6. */
static inline void fz_gen_ip(struct fz_src *s, struct fz_frame *fr, struct fb_params *p,
			     int family)
{
	char sbuf[INET6_ADDRSTRLEN], dbuf[INET6_ADDRSTRLEN];
	uint8_t a[16], *ip = fr->buf + FB_ETH_HLEN;
	size_t ext = 0, l3hdr;
	int len_defect, csum_defect, want_ext = 0;

	p->family = family;
	fz_gen_addr(s, family, 0, a);
	inet_ntop(family == 4 ? AF_INET : AF_INET6, a, sbuf, sizeof(sbuf));
	fz_gen_addr(s, family, 1, a);
	inet_ntop(family == 4 ? AF_INET : AF_INET6, a, dbuf, sizeof(dbuf));
	p->saddr = sbuf;
	p->daddr = dbuf;
	p->ttl = fz_gen_ttl(s);
	p->proto = fz_gen_proto(s, family);
	p->sport = (uint16_t)fz_pick(s, 65536);
	p->dport = (uint16_t)fz_pick(s, 65536);
	if (fz_chance(s, 30))
		p->tos = (uint8_t)fz_pick(s, 256);
	l3hdr = family == 4 ? fz_gen_ip4_knobs(s, p) : fz_gen_ip6_knobs(s, p, &want_ext);
	p->payload = fz_gen_payload(s, l3hdr + fz_l4_hlen(p->proto));
	fr->len = fb_build(fr->buf, sizeof(fr->buf), p);
	if (!fr->len) {		/* cannot happen with these knobs; keep a frame anyway */
		fr->len = FZ_FRAME_MIN;
		return;
	}

	len_defect = fz_chance(s, 10);
	csum_defect = family == 4 && fz_chance(s, 6);
	if (family == 4) {
		if (p->ip_opt_words && fz_chance(s, 50))
			fz_gen_ip_options(s, ip + 20, 4u * p->ip_opt_words);
	} else if (want_ext) {
		ext = fz_gen_ext(s, fr, FB_ETH_HLEN);
		fb_put16(ip + 4, (uint16_t)(fb_get16(ip + 4) + ext));
	}
	if (fz_chance(s, 12) && fr->len < FZ_FRAME_MAX)
		fz_gen_trailer(s, fr);
	if (len_defect)
		fz_gen_len_defect(s, fr, family);
	if (family == 4) {
		fz_fix_csum4(fr);
		if (fz_chance(s, 5))
			fz_steer_csum4(s, fr);
	}
	if (csum_defect) {
		uint16_t x = (uint16_t)fz_pick(s, 65536) ? : 1;

		ip[10] ^= (uint8_t)(x >> 8);
		ip[11] ^= (uint8_t)x;
	}
}

/* The whole frame: ingress NIC, Ethernet, and one of the payload kinds. */
static inline void fz_gen(struct fz_src *s, struct fz_frame *fr, const uint8_t nic_mac[][6])
{
	static const enum fz_nic ingress[] = {
		FZ_IN0, FZ_IN1, FZ_OUT0, FZ_LO, FZ_OUT1, FZ_OUT2, FZ_OUT3, FZ_OUT4,
	};
	struct fb_params p;
	unsigned int kind;

	memset(&p, 0, sizeof(p));
	fr->in = ingress[FZ_WPICK(s, 50, 22, 10, 4, 4, 3, 3, 4)];
	fz_gen_dmac(s, fr->in, nic_mac, p.dmac);
	if (fz_chance(s, 20)) {
		fz_fill(s, p.smac, 6);
	} else {
		p.smac[0] = 0x02; p.smac[1] = 0x73; p.smac[5] = 1;
	}

	kind = FZ_WPICK(s, 48, 38, 5, 2, 4, 3);
	switch (kind) {
	case 0:
	case 1:
	case 2:		/* IPv4, IPv6, or either behind VLAN tags */
		fz_gen_ip(s, fr, &p, kind == 1 || (kind == 2 && fz_pick(s, 2)) ? 6 : 4);
		if (kind == 2)
			fz_gen_vlan(s, fr);
		break;
	case 3:		/* ARP */
		p.ethertype = 0x0806;
		p.payload = 28;
		fr->len = fb_build(fr->buf, sizeof(fr->buf), &p);
		break;
	case 4:		/* another ethertype, or an 802.3 length */
		p.ethertype = (int)fz_pick(s, 65536) ? : 0x88b5;
		p.payload = (uint16_t)fz_pick(s, 200);
		fr->len = fb_build(fr->buf, sizeof(fr->buf), &p);
		break;
	default: {	/* raw: random bytes after an IP ethertype */
		size_t n = fz_pick(s, FZ_FRAME_MAX - FB_ETH_HLEN + 1);

		memset(fr->buf, 0, sizeof(fr->buf));
		memcpy(fr->buf, p.dmac, 6);
		memcpy(fr->buf + 6, p.smac, 6);
		fb_put16(fr->buf + 12, fz_pick(s, 2) ? 0x86dd : 0x0800);
		fz_fill(s, fr->buf + FB_ETH_HLEN, n);
		fr->len = FB_ETH_HLEN + n;
		if (fz_pick(s, 2) && n) {
			fr->buf[FB_ETH_HLEN] = fb_get16(fr->buf + 12) == 0x0800 ? 0x45 : 0x60;
			fz_fix_csum4(fr);
		}
		break;
	}
	}
	if (fr->len > FZ_FRAME_MAX)	/* tags or headers pushed it over */
		fr->len = FZ_FRAME_MAX;
	if (fz_chance(s, 20))
		fz_mutate(s, fr);
	if (fr->len < FZ_FRAME_MIN)
		fr->len = FZ_FRAME_MIN;
}

#endif /* VR_FUZZ_GEN_H */
