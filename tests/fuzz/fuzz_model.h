/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The oracle: what the data plane must do with a frame, computed from the
 * frame's bytes and the fuzz network (fuzz_net.h) alone.  Written from the
 * contract (docs/design.md, include/vrouter.h) and the kernel's own rules, not
 * from bpf/vrouter.bpf.c:
 *
 *   - the VR is (ingress NIC, destination MAC); group MACs are never a VR's;
 *   - the kernel's receive checks (ip_rcv_core, ip6_rcv_core): version,
 *     IHL, lengths, IPv4 header checksum; options and hop-by-hop go to the
 *     kernel;
 *   - addresses the kernel never forwards go to the kernel, which drops
 *     them: multicast, broadcast, link-local, and the martians of
 *     ip_route_input_slow (source 0/8, 127/8, 255.255.255.255; destination
 *     0/8, 127/8) and of ip6_forward (source ::);
 *   - TTL / hop limit <= 1 to the kernel (it sends the ICMP error);
 *   - routing is a longest-prefix match in the VR's OWN table, with the
 *     semantics of bpf_fib_lookup (forwarding check, route types, MTU of
 *     the egress against the bytes that would be sent, lwt encap);
 *   - then the egress must be loaded, the VR must have a port on it and a
 *     neighbour entry for the next hop on it.
 *
 * fz_model() returns the expected outcome; every branch taken is a "site",
 * counted to report how much of the decision tree the fuzzer exercised.
 */
#ifndef VR_FUZZ_MODEL_H
#define VR_FUZZ_MODEL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "vrouter.h"
#include "fuzz_net.h"

enum fz_kind { FZ_X_NOVR, FZ_X_PASS, FZ_X_FWD };

/* Decision sites of the model, in the order it takes them. */
#define FZ_SITES(X) \
	X(NOVR_GROUP, "group destination MAC: no VR") \
	X(NOVR_MISS, "(NIC, MAC) not in vr_macs: no VR") \
	X(SLOW, "the VR's fast path is off") \
	X(NOT_IP, "ethertype neither IPv4 nor IPv6 (VLAN, ARP, ...)") \
	X(V4_SHORT, "IPv4: frame shorter than the 20-byte header") \
	X(V4_VERSION, "IPv4: version != 4") \
	X(V4_IHL_SHORT, "IPv4: IHL < 5") \
	X(V4_OPTIONS, "IPv4: IHL > 5 (options)") \
	X(V4_TOTLEN_SHORT, "IPv4: tot_len < 20") \
	X(V4_TOTLEN_LONG, "IPv4: tot_len beyond the frame") \
	X(V4_CSUM, "IPv4: bad header checksum") \
	X(V4_DST_MCAST, "IPv4: multicast destination") \
	X(V4_DST_BCAST, "IPv4: destination 255.255.255.255") \
	X(V4_SRC_MCAST, "IPv4: multicast source") \
	X(V4_SRC_MARTIAN, "IPv4: source 0/8, 127/8 or 255.255.255.255") \
	X(V4_DST_MARTIAN, "IPv4: destination 0/8 or 127/8") \
	X(V4_RPF, "IPv4: source fails the VR's rp_filter on the ingress NIC") \
	X(V4_TTL, "IPv4: TTL <= 1") \
	X(V6_SHORT, "IPv6: frame shorter than the 40-byte header") \
	X(V6_VERSION, "IPv6: version != 6") \
	X(V6_PLEN, "IPv6: payload_len beyond the frame") \
	X(V6_HOP, "IPv6: hop-by-hop header") \
	X(V6_DST_SCOPE, "IPv6: multicast or link-local destination") \
	X(V6_SRC_SCOPE, "IPv6: multicast or link-local source") \
	X(V6_SRC_UNSPEC, "IPv6: source ::") \
	X(V6_TTL, "IPv6: hop limit <= 1") \
	X(FIB_LOOPBACK, "fib: IPv6 ::1 source or destination") \
	X(FIB_FWD_DISABLED, "fib: forwarding off on the ingress NIC") \
	X(FIB_NO_TABLE, "fib: the VR's table does not exist") \
	X(FIB_NO_ROUTE, "fib: no route") \
	X(FIB_BLACKHOLE, "fib: blackhole route") \
	X(FIB_UNREACHABLE, "fib: unreachable route") \
	X(FIB_PROHIBIT, "fib: prohibit route") \
	X(FIB_LOCAL, "fib: local or broadcast route") \
	X(FIB_FRAG, "fib: frame larger than the egress MTU") \
	X(FIB_LWT, "fib: lwt encap route") \
	X(EGRESS_NOT_LOADED, "egress not in vr_tx_ports") \
	X(NO_PORT, "the VR has no port on the egress") \
	X(NO_NEIGH, "next hop not in the VR's vr_neigh") \
	X(FWD_V4, "forwarded: IPv4") \
	X(FWD_V4_VIA6, "forwarded: IPv4 via an IPv6 next hop") \
	X(FWD_V4_ECMP, "forwarded: IPv4 multipath") \
	X(FWD_V6, "forwarded: IPv6") \
	X(FWD_V6_ECMP, "forwarded: IPv6 multipath") \
	X(FWD_HAIRPIN, "forwarded out of in0, an ingress NIC")

#define FZ_SITE_ENUM(n, d) FZ_S_##n,
enum fz_site { FZ_SITES(FZ_SITE_ENUM) FZ_S_MAX };
#undef FZ_SITE_ENUM
#define FZ_SITE_NAME(n, d) #n,
static const char *const fz_site_name[FZ_S_MAX] = { FZ_SITES(FZ_SITE_NAME) };
#undef FZ_SITE_NAME
#define FZ_SITE_DESC(n, d) d,
static const char *const fz_site_desc[FZ_S_MAX] = { FZ_SITES(FZ_SITE_DESC) };
#undef FZ_SITE_DESC

struct fz_leg {
	enum fz_nic nic;	/* egress */
	uint8_t nh[6];		/* destination MAC: the neighbour's */
	uint8_t smac[6];	/* source MAC: the VR's port on the egress */
};

struct fz_expect {
	enum fz_kind kind;
	int vr;			/* VR index, -1 for FZ_X_NOVR */
	int reason;		/* VR_PASS_* for FZ_X_PASS */
	int reason_alt;		/* another acceptable reason, or -1 */
	int family;		/* 4 or 6 once the ethertype said so, else 0 */
	enum fz_site site;
	int nlegs;		/* FZ_X_FWD: any of these */
	struct fz_leg leg[2];
};

/* The routes and neighbours with their addresses parsed. */
struct fz_prefix {
	int family;		/* 4 or 6 */
	uint8_t addr[16];
	unsigned int plen;
};

struct fz_hop_addr {
	int family;		/* 0: connected */
	uint8_t addr[16];
};

static struct {
	int lwt;		/* the lwt route is installed */
	struct fz_prefix rt[FZ_NROUTES];
	struct fz_hop_addr gw[FZ_NROUTES][2];
	struct fz_prefix nb[FZ_NNEIGH];
} fz_m;

static inline int fz_parse_addr(const char *text, int *family, uint8_t addr[16])
{
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, text, addr) == 1) {
		*family = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, text, addr) == 1) {
		*family = 6;
		return 0;
	}
	return -1;
}

static inline int fz_parse_prefix(const char *text, struct fz_prefix *p)
{
	char buf[64];
	char *slash;

	snprintf(buf, sizeof(buf), "%s", text);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = 0;
	if (fz_parse_addr(buf, &p->family, p->addr))
		return -1;
	p->plen = slash ? (unsigned int)atoi(slash) : (p->family == 4 ? 32 : 128);
	return 0;
}

static inline int fz_prefix_match(const struct fz_prefix *p, int family, const uint8_t *a)
{
	unsigned int i, full = p->plen / 8, rest = p->plen % 8;

	if (p->family != family)
		return 0;
	for (i = 0; i < full; i++)
		if (p->addr[i] != a[i])
			return 0;
	return !rest || !((p->addr[full] ^ a[full]) & (0xff00 >> rest));
}

/* Parse everything; exits on a broken table (a bug in fuzz_net.h). */
static inline void fz_model_init(int lwt)
{
	unsigned int i, j;

	fz_m.lwt = lwt;
	for (i = 0; i < FZ_NROUTES; i++) {
		const struct fz_route *r = &fz_routes[i];

		if (fz_parse_prefix(r->prefix, &fz_m.rt[i]))
			goto bad;
		for (j = 0; j < (unsigned int)r->nhops; j++) {
			const char *gw = r->hop[j].gw;

			if (!gw || r->type != RT_UNICAST)
				continue;
			if (!strncmp(gw, "inet6 ", 6))
				gw += 6;
			if (fz_parse_addr(gw, &fz_m.gw[i][j].family, fz_m.gw[i][j].addr))
				goto bad;
		}
		/* Multipath legs share the egress MTU, so that the outcome
		 * up to the leg is the same whichever the hash picks.
		 */
		if (r->nhops == 2 && fz_nics[r->hop[0].dev].mtu != fz_nics[r->hop[1].dev].mtu)
			goto bad;
		for (j = 0; j < i; j++)
			if (fz_routes[j].vr == r->vr && fz_m.rt[j].family == fz_m.rt[i].family &&
			    fz_m.rt[j].plen == fz_m.rt[i].plen &&
			    !memcmp(fz_m.rt[j].addr, fz_m.rt[i].addr, 16))
				goto bad;
	}
	for (i = 0; i < FZ_NNEIGH; i++)
		if (fz_parse_prefix(fz_neighs[i].addr, &fz_m.nb[i]))
			goto bad_neigh;
	return;
bad:
	fprintf(stderr, "fuzz_net.h: bad route %u (%s)\n", i, fz_routes[i].prefix);
	exit(2);
bad_neigh:
	fprintf(stderr, "fuzz_net.h: bad neighbour %u (%s)\n", i, fz_neighs[i].addr);
	exit(2);
}

/* Longest prefix match in the VR's table: route index or -1. */
static inline int fz_lookup(int vr, int family, const uint8_t *dst)
{
	int best = -1;
	unsigned int i;

	for (i = 0; i < FZ_NROUTES; i++) {
		if (fz_routes[i].vr != vr || (fz_routes[i].type == RT_LWT && !fz_m.lwt))
			continue;
		if (!fz_prefix_match(&fz_m.rt[i], family, dst))
			continue;
		if (best < 0 || fz_m.rt[i].plen > fz_m.rt[best].plen)
			best = (int)i;
	}
	return best;
}

static inline int fz_mac_lookup(enum fz_nic nic, const uint8_t *mac)
{
	unsigned int i;

	for (i = 0; i < FZ_NMACS; i++)
		if (fz_macs[i].nic == nic && !memcmp(fz_macs[i].mac, mac, 6))
			return fz_macs[i].vr;
	return -1;
}

static inline int fz_mac_slow(enum fz_nic nic, const uint8_t *mac)
{
	unsigned int i;

	for (i = 0; i < FZ_NMACS; i++)
		if (fz_macs[i].nic == nic && !memcmp(fz_macs[i].mac, mac, 6))
			return fz_macs[i].slow;
	return 0;
}

static inline int fz_has_port(int vr, enum fz_nic nic)
{
	unsigned int i;

	for (i = 0; i < FZ_NPORTS; i++)
		if (fz_ports[i].vr == vr && fz_ports[i].nic == nic)
			return 1;
	return 0;
}

static inline int fz_neigh_lookup(int vr, enum fz_nic nic, int family, const uint8_t *addr)
{
	unsigned int i;

	for (i = 0; i < FZ_NNEIGH; i++)
		if (fz_neighs[i].vr == vr && fz_neighs[i].nic == nic &&
		    fz_m.nb[i].family == family &&
		    !memcmp(fz_m.nb[i].addr, addr, family == 4 ? 4 : 16))
			return (int)i;
	return -1;
}

static inline void fz_pass(struct fz_expect *x, int reason, enum fz_site site)
{
	x->kind = FZ_X_PASS;
	x->reason = reason;
	x->site = site;
}

static inline uint16_t fz_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline int fz_v4_csum_ok(const uint8_t *ip)
{
	uint32_t sum = 0;
	int i;

	for (i = 0; i < 20; i += 2)
		sum += fz_get16(ip + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

static inline int fz_v6_is(const uint8_t *a, uint8_t last)
{
	static const uint8_t zero[15];

	return !memcmp(a, zero, 15) && a[15] == last;
}

/* Everything from the fib lookup on.  l3 = bytes after the Ethernet
 * header: what the egress would send, held against its MTU.
 */
static inline void fz_model_fib(enum fz_nic in, int vr, int family, const uint8_t *src,
				const uint8_t *dst, size_t l3, struct fz_expect *x)
{
	const struct fz_route *r;
	enum fz_rt_type type;
	int ri, j;

	if (family == 6 && (fz_v6_is(src, 1) || fz_v6_is(dst, 1)))
		return fz_pass(x, VR_PASS_NOT_FWDED, FZ_S_FIB_LOOPBACK);
	if (family == 4 && !fz_nics[in].v4_fwd)
		return fz_pass(x, VR_PASS_FWD_DISABLED, FZ_S_FIB_FWD_DISABLED);
	if (!fz_vrs[vr].has_table)
		return fz_pass(x, VR_PASS_NOT_FWDED, FZ_S_FIB_NO_TABLE);
	ri = fz_lookup(vr, family, dst);
	if (ri < 0)
		return fz_pass(x, VR_PASS_NOT_FWDED, FZ_S_FIB_NO_ROUTE);
	r = &fz_routes[ri];
	type = r->type;
	switch (type) {
	case RT_BLACKHOLE:
		return fz_pass(x, VR_PASS_BLACKHOLE, FZ_S_FIB_BLACKHOLE);
	case RT_UNREACHABLE:
		return fz_pass(x, VR_PASS_UNREACHABLE, FZ_S_FIB_UNREACHABLE);
	case RT_PROHIBIT:
		return fz_pass(x, VR_PASS_PROHIBIT, FZ_S_FIB_PROHIBIT);
	case RT_LOCAL:
	case RT_BROADCAST:
		return fz_pass(x, VR_PASS_NOT_FWDED, FZ_S_FIB_LOCAL);
	case RT_LWT:
		/* The encap's headroom comes off the MTU: near it, either. */
		fz_pass(x, VR_PASS_UNSUPPORTED, FZ_S_FIB_LWT);
		if (l3 + 128 > fz_nics[r->hop[0].dev].mtu)
			x->reason_alt = VR_PASS_FRAG_NEEDED;
		return;
	case RT_UNICAST:
		break;
	}
	if (l3 > fz_nics[r->hop[0].dev].mtu)
		return fz_pass(x, VR_PASS_FRAG_NEEDED, FZ_S_FIB_FRAG);

	/* Per leg; the legs of fuzz_net.h's multipath routes agree up to
	 * the neighbour, so the first leg's verdict is the route's.
	 */
	for (j = 0; j < r->nhops; j++) {
		enum fz_nic out = r->hop[j].dev;
		const struct fz_hop_addr *gw = &fz_m.gw[ri][j];
		int nb, nfam = gw->family ? gw->family : family;

		if (!fz_nics[out].loaded)
			return fz_pass(x, VR_PASS_EGRESS_NOT_LOADED, FZ_S_EGRESS_NOT_LOADED);
		if (!fz_has_port(vr, out))
			return fz_pass(x, VR_PASS_NO_PORT, FZ_S_NO_PORT);
		nb = fz_neigh_lookup(vr, out, nfam, gw->family ? gw->addr : dst);
		if (nb < 0) {
			if (j) {
				fprintf(stderr, "fuzz_net.h: multipath legs of %s disagree\n",
					r->prefix);
				abort();
			}
			return fz_pass(x, VR_PASS_NO_NEIGH, FZ_S_NO_NEIGH);
		}
		x->leg[j].nic = out;
		fz_neigh_mac((unsigned int)nb, x->leg[j].nh);
		fz_port_mac(vr, out, x->leg[j].smac);
		if (gw->family == 6 && family == 4)
			x->site = FZ_S_FWD_V4_VIA6;
		else if (out == FZ_IN0)
			x->site = FZ_S_FWD_HAIRPIN;
		else if (r->nhops == 2)
			x->site = family == 4 ? FZ_S_FWD_V4_ECMP : FZ_S_FWD_V6_ECMP;
		else
			x->site = family == 4 ? FZ_S_FWD_V4 : FZ_S_FWD_V6;
	}
	x->kind = FZ_X_FWD;
	x->nlegs = r->nhops;
}

/*
 * The VR's rp_filter on the ingress NIC: the route back to SRC in its
 * table must be unicast (local, reject types and lwt fail; so does IPv4
 * forwarding off on the ingress NIC, the reverse lookup's input), and for
 * strict leave by the ingress NIC (a multipath route's legs: the fast
 * path checks the one the hash picks, so a mixed route may go either way,
 * which *EITHER reports).
 */
static inline int fz_rpf_ok(enum fz_nic in, int vr, int rpf, const uint8_t *src, int *either)
{
	const struct fz_route *r;
	int ri, j, via_in = 0;

	*either = 0;
	if (!fz_nics[in].v4_fwd || !fz_vrs[vr].has_table)
		return 0;
	ri = fz_lookup(vr, 4, src);
	if (ri < 0 || fz_routes[ri].type != RT_UNICAST)
		return 0;
	if (rpf == VR_RPF_LOOSE)
		return 1;
	r = &fz_routes[ri];
	for (j = 0; j < r->nhops; j++)
		via_in += r->hop[j].dev == in;
	*either = via_in && via_in < r->nhops;
	return via_in == r->nhops;
}

/* The rp_filter of VR's entry on NIC (the frame matched one: the first). */
static inline int fz_mac_rpf(enum fz_nic nic, int vr)
{
	unsigned int i;

	for (i = 0; i < FZ_NMACS; i++)
		if (fz_macs[i].nic == nic && fz_macs[i].vr == vr)
			return fz_macs[i].rp_filter;
	return 0;
}

static inline void fz_model_v4(enum fz_nic in, int vr, const uint8_t *ip, size_t l3,
			       struct fz_expect *x)
{
	const uint8_t *src = ip + 12, *dst = ip + 16;
	int rpf, either = 0;
	unsigned int tot_len;

	x->family = 4;
	if (l3 < 20)
		return fz_pass(x, VR_PASS_MALFORMED, FZ_S_V4_SHORT);
	if (ip[0] >> 4 != 4)
		return fz_pass(x, VR_PASS_MALFORMED, FZ_S_V4_VERSION);
	if ((ip[0] & 0xf) < 5)
		return fz_pass(x, VR_PASS_MALFORMED, FZ_S_V4_IHL_SHORT);
	if ((ip[0] & 0xf) > 5)
		return fz_pass(x, VR_PASS_IP_OPTIONS, FZ_S_V4_OPTIONS);
	tot_len = fz_get16(ip + 2);
	if (tot_len < 20)
		return fz_pass(x, VR_PASS_MALFORMED, FZ_S_V4_TOTLEN_SHORT);
	if (tot_len > l3)
		return fz_pass(x, VR_PASS_MALFORMED, FZ_S_V4_TOTLEN_LONG);
	if (!fz_v4_csum_ok(ip))
		return fz_pass(x, VR_PASS_MALFORMED, FZ_S_V4_CSUM);
	if (dst[0] >= 224 && dst[0] <= 239)
		return fz_pass(x, VR_PASS_ADDR_SCOPE, FZ_S_V4_DST_MCAST);
	if (dst[0] == 255 && dst[1] == 255 && dst[2] == 255 && dst[3] == 255)
		return fz_pass(x, VR_PASS_ADDR_SCOPE, FZ_S_V4_DST_BCAST);
	if (src[0] >= 224 && src[0] <= 239)
		return fz_pass(x, VR_PASS_ADDR_SCOPE, FZ_S_V4_SRC_MCAST);
	if (src[0] == 0 || src[0] == 127 ||
	    (src[0] == 255 && src[1] == 255 && src[2] == 255 && src[3] == 255))
		return fz_pass(x, VR_PASS_ADDR_SCOPE, FZ_S_V4_SRC_MARTIAN);
	if (dst[0] == 0 || dst[0] == 127)
		return fz_pass(x, VR_PASS_ADDR_SCOPE, FZ_S_V4_DST_MARTIAN);
	rpf = fz_mac_rpf(in, vr);
	if (rpf && !fz_rpf_ok(in, vr, rpf, src, &either)) {
		if (either) {
			fprintf(stderr, "fuzz_net.h: a strict rp_filter NIC is one leg of a "
				"multipath route: the outcome would depend on the hash\n");
			abort();
		}
		return fz_pass(x, VR_PASS_RP_FILTER, FZ_S_V4_RPF);
	}
	if (ip[8] <= 1)
		return fz_pass(x, VR_PASS_TTL, FZ_S_V4_TTL);
	fz_model_fib(in, vr, 4, src, dst, l3, x);
}

static inline int fz_v6_scoped(const uint8_t *a)
{
	return a[0] == 0xff || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80);
}

static inline void fz_model_v6(enum fz_nic in, int vr, const uint8_t *ip, size_t l3,
			       struct fz_expect *x)
{
	const uint8_t *src = ip + 8, *dst = ip + 24;

	x->family = 6;
	if (l3 < 40)
		return fz_pass(x, VR_PASS_MALFORMED, FZ_S_V6_SHORT);
	if (ip[0] >> 4 != 6)
		return fz_pass(x, VR_PASS_MALFORMED, FZ_S_V6_VERSION);
	if (40u + fz_get16(ip + 4) > l3)
		return fz_pass(x, VR_PASS_MALFORMED, FZ_S_V6_PLEN);
	if (ip[6] == 0)
		return fz_pass(x, VR_PASS_IPV6_HOPOPT, FZ_S_V6_HOP);
	if (fz_v6_scoped(dst))
		return fz_pass(x, VR_PASS_ADDR_SCOPE, FZ_S_V6_DST_SCOPE);
	if (fz_v6_scoped(src))
		return fz_pass(x, VR_PASS_ADDR_SCOPE, FZ_S_V6_SRC_SCOPE);
	if (fz_v6_is(src, 0))
		return fz_pass(x, VR_PASS_ADDR_SCOPE, FZ_S_V6_SRC_UNSPEC);
	if (ip[7] <= 1)
		return fz_pass(x, VR_PASS_TTL, FZ_S_V6_TTL);
	fz_model_fib(in, vr, 6, src, dst, l3, x);
}

/* The expected outcome of frame f (len >= 14) received on NIC in. */
static inline void fz_model(enum fz_nic in, const uint8_t *f, size_t len, struct fz_expect *x)
{
	uint16_t et;

	memset(x, 0, sizeof(*x));
	x->vr = -1;
	x->reason = -1;
	x->reason_alt = -1;
	x->kind = FZ_X_NOVR;
	if (f[0] & 1) {
		x->site = FZ_S_NOVR_GROUP;
		return;
	}
	x->vr = fz_mac_lookup(in, f);
	if (x->vr < 0) {
		x->site = FZ_S_NOVR_MISS;
		return;
	}
	if (fz_mac_slow(in, f))
		return fz_pass(x, VR_PASS_FAST_PATH_OFF, FZ_S_SLOW);
	et = fz_get16(f + 12);
	if (et == 0x0800)
		return fz_model_v4(in, x->vr, f + 14, len - 14, x);
	if (et == 0x86dd)
		return fz_model_v6(in, x->vr, f + 14, len - 14, x);
	fz_pass(x, VR_PASS_NOT_IP, FZ_S_NOT_IP);
}

#endif /* VR_FUZZ_MODEL_H */
