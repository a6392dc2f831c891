/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The fuzz network: NICs, VRs, their MACs, ports, neighbours and routes.
 * One description, used three ways:
 *   - printed as `ip -batch` input (fuzz_dataplane --print-routes) by
 *     tests/fuzz/netns.sh, which builds the namespace;
 *   - written into the program's (private, unpinned) maps;
 *   - walked by the model (fuzz_model.h), the oracle every run is held to.
 *
 * VRs 1, 2 and 3 share prefixes (198.18.1.0/24, .10.0/24, 2001:2:0:1::/64,
 * ...) and next-hop addresses, but route them out of DIFFERENT NICs, and
 * every (VR, NIC) has its own source MAC and every neighbour entry its own
 * MAC: a frame routed with another VR's table, port or neighbour is visible
 * in the output bytes.  The same MAC is VR 2's on in0 and VR 3's on in1, so
 * a lookup that ignored the ingress NIC would show too.  VR 5 has the
 * highest id (VR_MAX_ROUTERS - 1).  VR 6 has an admission limit.
 *
 *   lo    ingress only, no VR
 *   in0   ingress, and loaded (VR 3 routes a prefix back out of it)
 *   in1   ingress, net.ipv4.conf.in1.forwarding=0 (IPv4 FWD_DISABLED)
 *   out0 out1  egress, loaded
 *   out2  egress, NOT loaded (EGRESS_NOT_LOADED)
 *   out3  egress, loaded; VR 1 has no port there (NO_PORT)
 *   out4  egress, loaded, MTU 1280 (FRAG_NEEDED)
 *
 * Only 198.18.0.0/15 and 2001:2::/48 are routed.
 */
#ifndef VR_FUZZ_NET_H
#define VR_FUZZ_NET_H

#include <stdint.h>
#include <linux/types.h>

enum fz_nic {
	FZ_LO, FZ_IN0, FZ_IN1, FZ_OUT0, FZ_OUT1, FZ_OUT2, FZ_OUT3, FZ_OUT4, FZ_NIC_MAX
};

struct fz_nic_desc {
	const char *name;
	unsigned int mtu;
	int v4_fwd;		/* net.ipv4.conf.NAME.forwarding */
	int loaded;		/* in vr_tx_ports */
};

static const struct fz_nic_desc fz_nics[FZ_NIC_MAX] = {
	[FZ_LO]   = { "lo",   65536, 1, 0 },
	[FZ_IN0]  = { "in0",  1500,  1, 1 },
	[FZ_IN1]  = { "in1",  1500,  0, 0 },
	[FZ_OUT0] = { "out0", 1500,  1, 1 },
	[FZ_OUT1] = { "out1", 1500,  1, 1 },
	[FZ_OUT2] = { "out2", 1500,  1, 0 },
	[FZ_OUT3] = { "out3", 1500,  1, 1 },
	[FZ_OUT4] = { "out4", 1280,  1, 1 },
};

/* VRs by index 0..FZ_NVR-1; id is the vr_stats index. */
struct fz_vr {
	uint32_t id, table;
	int has_table;		/* 0: table_id names a table that does not exist */
};

#define FZ_NVR 6
static const struct fz_vr fz_vrs[FZ_NVR] = {
	{ 1, 2001, 1 }, { 2, 2002, 1 }, { 3, 2003, 1 }, { 4, 2999, 0 }, { 1023, 2005, 1 },
	{ 6, 2006, 1 },
};

/* Admission limits (vr_limits).  VR 6 is limited so low that most of its
 * frames are policed: XDP_DROP, unchanged, counted in vr_stats.policed.
 * Whether a given frame is admitted depends on time, so for a limited VR
 * the model accepts either its verdict or a policed drop, and the total
 * admitted is held to burst + rate * elapsed time.
 */
struct fz_limit {
	int vr;
	__u64 pps;
	__u32 burst;
	__u64 bps;
	__u64 burst_bytes;
};

static const struct fz_limit fz_limits[] = {
	{ 5, 100, 200, 1000000, 64000 },
};
#define FZ_NLIMITS (sizeof(fz_limits) / sizeof(fz_limits[0]))

/* vr_macs.  Group addresses are entered too (a VR's never is one; vrctl
 * refuses them): the program must not look them up at all.
 */
struct fz_mac {
	enum fz_nic nic;
	uint8_t mac[6];
	int vr;
	int rp_filter;		/* VR_RPF_*: the VR's rp_filter on this NIC */
	int slow;		/* VR_SLOW_*: the VR's fast path off */
};

#define FZ_MAC_VR(n)	{ 0x02, 0x76, 0x72, 0x00, 0x00, n }
static const struct fz_mac fz_macs[] = {
	{ FZ_IN0,  FZ_MAC_VR(1), 0, VR_RPF_OFF, 0 },
	{ FZ_IN1,  FZ_MAC_VR(1), 0, VR_RPF_OFF, 0 },
	{ FZ_OUT0, FZ_MAC_VR(1), 0, VR_RPF_OFF, 0 },
	{ FZ_IN0,  FZ_MAC_VR(2), 1, VR_RPF_OFF, 0 },
	{ FZ_IN0,  FZ_MAC_VR(3), 2, VR_RPF_OFF, 0 },
	{ FZ_IN1,  FZ_MAC_VR(2), 2, VR_RPF_LOOSE, 0 },	/* VR 2's MAC on in0 is VR 3's on in1 */
	{ FZ_IN1,  FZ_MAC_VR(3), 2, VR_RPF_STRICT, 0 },
	{ FZ_IN0,  FZ_MAC_VR(4), 3, VR_RPF_OFF, 0 },
	{ FZ_IN1,  FZ_MAC_VR(5), 4, VR_RPF_OFF, 0 },
	{ FZ_IN0,  FZ_MAC_VR(6), 5, VR_RPF_OFF, 0 },
	{ FZ_IN0,  { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 0, VR_RPF_OFF, 0 },
	{ FZ_IN0,  { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 }, 0, VR_RPF_OFF, 0 },
	{ FZ_IN1,  { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 }, 1, VR_RPF_OFF, 0 },
	{ FZ_IN0,  { 0x03, 0x76, 0x72, 0x00, 0x00, 0x01 }, 0, VR_RPF_OFF, 0 },	/* VR 1's, group bit set */
	{ FZ_IN1,  FZ_MAC_VR(7), 1, VR_RPF_OFF, VR_SLOW_ADMIN },	/* VR 2, fast path off */
};
#define FZ_NMACS (sizeof(fz_macs) / sizeof(fz_macs[0]))

/* vr_ports: the VR's source MAC on an egress NIC is 02:70:<vr>:<nic>:00:00. */
struct fz_port {
	int vr;
	enum fz_nic nic;
};

static const struct fz_port fz_ports[] = {
	{ 0, FZ_OUT0 }, { 0, FZ_OUT1 }, { 0, FZ_OUT2 }, { 0, FZ_OUT4 },	/* not out3 */
	{ 1, FZ_OUT0 }, { 1, FZ_OUT1 }, { 1, FZ_OUT3 },
	{ 2, FZ_OUT0 }, { 2, FZ_OUT1 }, { 2, FZ_OUT3 }, { 2, FZ_IN0 },
	{ 3, FZ_OUT0 },
	{ 4, FZ_OUT0 }, { 4, FZ_OUT1 },
	{ 5, FZ_OUT0 },
};
#define FZ_NPORTS (sizeof(fz_ports) / sizeof(fz_ports[0]))

static inline void fz_port_mac(int vr, enum fz_nic nic, uint8_t mac[6])
{
	mac[0] = 0x02; mac[1] = 0x70; mac[2] = (uint8_t)(vr + 1);
	mac[3] = (uint8_t)nic; mac[4] = 0; mac[5] = 0;
}

/* vr_neigh: entry i's MAC is 02:6e:<vr>:<nic>:00:<i>. */
struct fz_neigh {
	int vr;
	enum fz_nic nic;
	const char *addr;
};

static const struct fz_neigh fz_neighs[] = {
	/* VR 1 */
	{ 0, FZ_OUT0, "198.18.1.2" }, { 0, FZ_OUT0, "198.18.1.7" },
	{ 0, FZ_OUT1, "198.18.2.2" }, { 0, FZ_OUT2, "198.18.3.2" },
	{ 0, FZ_OUT3, "198.18.4.2" }, { 0, FZ_OUT4, "198.18.5.2" },
	{ 0, FZ_OUT1, "198.18.1.2" },			/* decoy: VR 2's next hop */
	{ 0, FZ_OUT0, "2001:2:0:1::2" }, { 0, FZ_OUT0, "2001:2:0:1::7" },
	{ 0, FZ_OUT1, "2001:2:0:2::2" }, { 0, FZ_OUT2, "2001:2:0:3::2" },
	{ 0, FZ_OUT3, "2001:2:0:4::2" }, { 0, FZ_OUT4, "2001:2:0:5::2" },
	{ 0, FZ_OUT1, "2001:2:0:1::2" },		/* decoy */
	/* VR 2: the same next-hop addresses, on other NICs */
	{ 1, FZ_OUT1, "198.18.1.2" }, { 1, FZ_OUT1, "198.18.1.3" },
	{ 1, FZ_OUT0, "198.18.2.2" }, { 1, FZ_OUT3, "198.18.4.2" },
	{ 1, FZ_OUT0, "198.18.1.2" },			/* decoy: VR 1's next hop */
	{ 1, FZ_OUT1, "2001:2:0:1::2" }, { 1, FZ_OUT1, "2001:2:0:1::3" },
	{ 1, FZ_OUT0, "2001:2:0:2::2" }, { 1, FZ_OUT3, "2001:2:0:4::2" },
	{ 1, FZ_OUT0, "2001:2:0:1::2" },		/* decoy */
	/* VR 3 */
	{ 2, FZ_OUT3, "198.18.1.2" }, { 2, FZ_OUT3, "198.18.1.9" },
	{ 2, FZ_IN0,  "198.18.6.2" },
	{ 2, FZ_OUT3, "2001:2:0:1::2" }, { 2, FZ_OUT3, "2001:2:0:1::9" },
	{ 2, FZ_IN0,  "2001:2:0:6::2" },
	{ 2, FZ_OUT0, "198.18.1.2" },			/* decoy */
	/* VR 4: would forward, if its table existed */
	{ 3, FZ_OUT0, "198.18.1.2" }, { 3, FZ_OUT0, "2001:2:0:1::2" },
	/* VR 5 */
	{ 4, FZ_OUT1, "198.18.1.2" }, { 4, FZ_OUT1, "2001:2:0:1::2" },
	{ 4, FZ_OUT0, "198.18.1.2" },			/* decoy */
	/* VR 6 */
	{ 5, FZ_OUT0, "198.18.1.2" }, { 5, FZ_OUT0, "2001:2:0:1::2" },
};
#define FZ_NNEIGH (sizeof(fz_neighs) / sizeof(fz_neighs[0]))

static inline void fz_neigh_mac(unsigned int i, uint8_t mac[6])
{
	mac[0] = 0x02; mac[1] = 0x6e; mac[2] = (uint8_t)(fz_neighs[i].vr + 1);
	mac[3] = (uint8_t)fz_neighs[i].nic; mac[4] = 0; mac[5] = (uint8_t)i;
}

enum fz_rt_type {
	RT_UNICAST, RT_BLACKHOLE, RT_UNREACHABLE, RT_PROHIBIT, RT_LOCAL,
	RT_BROADCAST,
	RT_LWT,		/* unicast with an ip encap: only if the kernel took it */
};

struct fz_hop {
	enum fz_nic dev;
	const char *gw;		/* NULL: connected (the destination is the next hop) */
};

struct fz_route {
	int vr;
	enum fz_rt_type type;
	const char *prefix;	/* "a.b.c.d/len" or "x::/len"; no "/": host route */
	int nhops;		/* 1, or 2 (ECMP) */
	struct fz_hop hop[2];
};

#define U(vr, p, d, g)		{ vr, RT_UNICAST, p, 1, { { d, g } } }
#define ECMP(vr, p, d1, g1, d2, g2) { vr, RT_UNICAST, p, 2, { { d1, g1 }, { d2, g2 } } }
#define TYPED(vr, t, p)		{ vr, t, p, 0, { { FZ_LO, 0 } } }
#define TYPED_DEV(vr, t, p, d)	{ vr, t, p, 1, { { d, 0 } } }

/* Per VR, connected routes first: gateways are checked against the table. */
static const struct fz_route fz_routes[] = {
	/* VR 1, table 2001 */
	U(0, "198.18.1.0/24", FZ_OUT0, 0),
	U(0, "198.18.2.0/24", FZ_OUT1, 0),
	U(0, "198.18.3.0/24", FZ_OUT2, 0),
	U(0, "198.18.4.0/24", FZ_OUT3, 0),
	U(0, "198.18.5.0/24", FZ_OUT4, 0),
	U(0, "198.18.10.0/24", FZ_OUT0, "198.18.1.2"),
	U(0, "198.18.10.128/25", FZ_OUT1, "198.18.2.2"),
	TYPED(0, RT_BLACKHOLE, "198.18.10.192/26"),
	U(0, "198.18.10.240/28", FZ_OUT0, "198.18.1.7"),
	U(0, "198.18.11.0/24", FZ_OUT0, "198.18.1.3"),		/* no neighbour */
	TYPED(0, RT_BLACKHOLE, "198.18.20.0/24"),
	TYPED(0, RT_UNREACHABLE, "198.18.21.0/24"),
	TYPED(0, RT_PROHIBIT, "198.18.22.0/24"),
	TYPED_DEV(0, RT_LOCAL, "198.18.30.1", FZ_OUT0),
	TYPED_DEV(0, RT_BROADCAST, "198.18.1.255", FZ_OUT0),
	U(0, "198.18.40.0/24", FZ_OUT2, "198.18.3.2"),		/* not loaded */
	U(0, "198.18.41.0/24", FZ_OUT3, "198.18.4.2"),		/* no port */
	U(0, "198.18.42.0/24", FZ_OUT4, "198.18.5.2"),		/* MTU 1280 */
	ECMP(0, "198.18.50.0/24", FZ_OUT0, "198.18.1.2", FZ_OUT1, "198.18.2.2"),
	TYPED_DEV(0, RT_LWT, "198.18.70.0/24", FZ_OUT0),
	U(0, "198.18.128.0/17", FZ_OUT1, "198.18.2.2"),
	U(0, "198.19.0.0/16", FZ_OUT0, "198.18.1.2"),
	U(0, "2001:2:0:1::/64", FZ_OUT0, 0),
	U(0, "2001:2:0:2::/64", FZ_OUT1, 0),
	U(0, "2001:2:0:3::/64", FZ_OUT2, 0),
	U(0, "2001:2:0:4::/64", FZ_OUT3, 0),
	U(0, "2001:2:0:5::/64", FZ_OUT4, 0),
	U(0, "198.18.60.0/24", FZ_OUT0, "inet6 2001:2:0:1::2"),	/* RFC 5549 */
	U(0, "2001:2:0:10::/64", FZ_OUT0, "2001:2:0:1::2"),
	U(0, "2001:2:0:10:8000::/65", FZ_OUT1, "2001:2:0:2::2"),
	TYPED(0, RT_BLACKHOLE, "2001:2:0:10:c000::/66"),
	U(0, "2001:2:0:10:f000::/68", FZ_OUT0, "2001:2:0:1::7"),
	U(0, "2001:2:0:11::/64", FZ_OUT0, "2001:2:0:1::3"),	/* no neighbour */
	TYPED(0, RT_BLACKHOLE, "2001:2:0:20::/64"),
	TYPED(0, RT_UNREACHABLE, "2001:2:0:21::/64"),
	TYPED(0, RT_PROHIBIT, "2001:2:0:22::/64"),
	TYPED_DEV(0, RT_LOCAL, "2001:2:0:30::1", FZ_OUT0),
	U(0, "2001:2:0:40::/64", FZ_OUT2, "2001:2:0:3::2"),
	U(0, "2001:2:0:41::/64", FZ_OUT3, "2001:2:0:4::2"),
	U(0, "2001:2:0:42::/64", FZ_OUT4, "2001:2:0:5::2"),
	ECMP(0, "2001:2:0:50::/64", FZ_OUT0, "2001:2:0:1::2", FZ_OUT1, "2001:2:0:2::2"),
	U(0, "2001:2:0:8000::/49", FZ_OUT1, "2001:2:0:2::2"),

	/* VR 2, table 2002: VR 1's prefixes, other NICs */
	U(1, "198.18.1.0/24", FZ_OUT1, 0),
	U(1, "198.18.2.0/24", FZ_OUT0, 0),
	U(1, "198.18.4.0/24", FZ_OUT3, 0),
	U(1, "198.18.10.0/24", FZ_OUT1, "198.18.1.2"),
	U(1, "198.18.11.0/24", FZ_OUT1, "198.18.1.3"),		/* VR 1: no neighbour */
	U(1, "198.18.20.0/24", FZ_OUT1, "198.18.1.2"),		/* VR 1: blackhole */
	U(1, "198.18.41.0/24", FZ_OUT3, "198.18.4.2"),		/* VR 1: no port */
	U(1, "198.18.50.0/24", FZ_OUT0, "198.18.2.2"),
	U(1, "2001:2:0:1::/64", FZ_OUT1, 0),
	U(1, "2001:2:0:2::/64", FZ_OUT0, 0),
	U(1, "2001:2:0:4::/64", FZ_OUT3, 0),
	U(1, "2001:2:0:10::/64", FZ_OUT1, "2001:2:0:1::2"),
	U(1, "2001:2:0:11::/64", FZ_OUT1, "2001:2:0:1::3"),
	U(1, "2001:2:0:20::/64", FZ_OUT1, "2001:2:0:1::2"),
	U(1, "2001:2:0:41::/64", FZ_OUT3, "2001:2:0:4::2"),
	U(1, "2001:2:0:50::/64", FZ_OUT0, "2001:2:0:2::2"),

	/* VR 3, table 2003: everything routed, mostly out of out3 */
	U(2, "198.18.1.0/24", FZ_OUT3, 0),
	U(2, "198.18.6.0/24", FZ_IN0, 0),
	U(2, "198.18.10.0/24", FZ_OUT3, "198.18.1.2"),
	U(2, "198.18.12.0/24", FZ_IN0, "198.18.6.2"),		/* back out of in0 */
	U(2, "198.18.0.0/15", FZ_OUT3, "198.18.1.9"),
	U(2, "2001:2:0:1::/64", FZ_OUT3, 0),
	U(2, "2001:2:0:6::/64", FZ_IN0, 0),
	U(2, "2001:2:0:10::/64", FZ_OUT3, "2001:2:0:1::2"),
	U(2, "2001:2:0:12::/64", FZ_IN0, "2001:2:0:6::2"),
	U(2, "2001:2::/48", FZ_OUT3, "2001:2:0:1::9"),

	/* VR 4: no table.  VR 5 (id 1023), table 2005 */
	U(4, "198.18.1.0/24", FZ_OUT1, 0),
	U(4, "198.18.10.0/24", FZ_OUT1, "198.18.1.2"),
	U(4, "2001:2:0:1::/64", FZ_OUT1, 0),
	U(4, "2001:2:0:10::/64", FZ_OUT1, "2001:2:0:1::2"),

	/* VR 6, table 2006 (admission-limited) */
	U(5, "198.18.1.0/24", FZ_OUT0, 0),
	U(5, "198.18.10.0/24", FZ_OUT0, "198.18.1.2"),
	U(5, "2001:2:0:1::/64", FZ_OUT0, 0),
	U(5, "2001:2:0:10::/64", FZ_OUT0, "2001:2:0:1::2"),
};
#define FZ_NROUTES (sizeof(fz_routes) / sizeof(fz_routes[0]))

#undef U
#undef ECMP
#undef TYPED
#undef TYPED_DEV

#endif /* VR_FUZZ_NET_H */
