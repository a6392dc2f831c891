// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Table-driven BPF_PROG_RUN tests of the XDP data plane.
 *
 * Runs inside the namespace built by tests/cases/10-dataplane.sh (real veth
 * NICs, sysctls and routes in per-VR tables, see there), because
 * bpf_fib_lookup resolves routes in the namespace of the ingress device and
 * BPF_PROG_RUN looks xdp_md.ingress_ifindex up in the caller's namespace.
 * Arguments: NAME=IFINDEX and mac_NAME=MAC for every NIC, lwt=0|1.
 *
 * The skeleton's maps are private to this process: pinning is switched off
 * before load, so nothing under /sys/fs/bpf is reused or created.
 *
 * Every case checks the returned action, the EXACT output frame (for a
 * redirect: input with new MACs, TTL-1 and a checksum equal to a full
 * recomputation, or hop limit-1; for a pass: the input byte for byte) and
 * the whole of vr_stats (for every VR) and vr_nic_stats (for both ingress
 * NICs): exactly the expected counters grow, by 1 packet and the frame's
 * length.  Output: "ok - ..." / "not ok - ..." per check, "# ..." details.
 *
 * XDP_REDIRECT is returned as the action: without BPF_F_TEST_XDP_LIVE_FRAMES
 * nothing is transmitted.  The egress is identified by the rewritten source
 * MAC, which is unique per (VR, egress NIC) here, and is the value looked
 * up with the same ifindex the redirect uses.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <time.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "vrouter.h"
#include "core/maps.h"
#include "core/metrics.h"
#include "vrouter.skel.h"
#include "frame.h"
#include "dp_harness.h"

/* ---- the test network (must match tests/cases/10-dataplane.sh) ---- */

enum nic { IN0, IN1, OUT0, OUT1, OUT2, OUT3, OUT4, NIC_MAX };
static const char *const nic_name[NIC_MAX] = {
	"in0", "in1", "out0", "out1", "out2", "out3", "out4",
};
static __u32 ifidx[NIC_MAX];
static __u8 nic_mac[NIC_MAX][6];
static int have_lwt;

#define NVR 4	/* VR ids 1..4 */

#define MAC_VR(n)	{ 0x02, 0x76, 0x72, 0x00, 0x00, n }
#define MAC_VR1		MAC_VR(1)
#define MAC_VR2		MAC_VR(2)
#define MAC_VR3		MAC_VR(3)
#define MAC_VR4		MAC_VR(4)
#define MAC_OTHER	MAC_VR(0x99)		/* unicast, no VR */
#define MAC_BCAST	{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }
#define MAC_MCAST4	{ 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 }
#define MAC_MCAST6	{ 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 }
#define MAC_SENDER	{ 0x02, 0x73, 0x00, 0x00, 0x00, 0x01 }	/* source of test frames */
/* A VR's MAC on an egress NIC (vr_ports) and a VR's neighbour (vr_neigh). */
#define MAC_P(vr, out)		{ 0x02, 0x70, vr, out, 0x00, 0x00 }
#define MAC_N(vr, out, host)	{ 0x02, 0x6e, vr, out, host, 0x00 }

struct mac_ent {
	enum nic nic;
	__u8 mac[6];
	__u32 vr, table;
	__u8 rp_filter;		/* VR_RPF_* */
	__u8 flags;		/* VR_MACF_* */
};

static const struct mac_ent macs[] = {
	{ IN0, MAC_VR1, 1, 1001, VR_RPF_OFF, 0 },
	{ IN1, MAC_VR1, 1, 1001, VR_RPF_OFF, 0 },	/* in1: IPv4 forwarding disabled */
	{ IN0, MAC_VR2, 2, 1002, VR_RPF_OFF, 0 },
	{ IN0, MAC_VR3, 3, 1003, VR_RPF_OFF, 0 },
	{ IN0, MAC_VR4, 4, 1999, VR_RPF_OFF, 0 },	/* a table that does not exist */
	/* VR 1 again, through MACs with its rp_filter strict and loose */
	{ IN0, MAC_VR(0x11), 1, 1001, VR_RPF_STRICT, 0 },
	{ IN0, MAC_VR(0x12), 1, 1001, VR_RPF_LOOSE, 0 },
	{ IN0, MAC_VR(0x13), 1, 1001, VR_RPF_OFF, 0 },	/* VR 1 with its fast path off */
	/* VR 1 again, with in0 a NIC whose senders may leave checksums to offload */
	{ IN0, MAC_VR(0x14), 1, 1001, VR_RPF_OFF, VR_MACF_PARTIAL_CSUM },
	/* Group addresses are never a VR's (vrctl refuses them): entered
	 * here so that a program that looked them up would find VR 1.
	 */
	{ IN0, MAC_BCAST, 1, 1001, VR_RPF_OFF, 0 },
	{ IN0, MAC_MCAST4, 1, 1001, VR_RPF_OFF, 0 },
	{ IN0, MAC_MCAST6, 1, 1001, VR_RPF_OFF, 0 },
};

struct port_ent {
	__u32 vr;
	enum nic nic;
	__u8 mac[6];
};

/* VR 1 has no port on out3 (NO_PORT); out2 is not loaded. */
static const struct port_ent ports[] = {
	{ 1, OUT0, MAC_P(1, 0) }, { 1, OUT1, MAC_P(1, 1) },
	{ 1, OUT2, MAC_P(1, 2) }, { 1, OUT4, MAC_P(1, 4) },
	{ 2, OUT0, MAC_P(2, 0) }, { 2, OUT1, MAC_P(2, 1) },
	{ 3, OUT0, MAC_P(3, 0) }, { 3, OUT1, MAC_P(3, 1) },
	{ 4, OUT0, MAC_P(4, 0) },
};

static const enum nic tx_ports[] = { OUT0, OUT1, OUT3, OUT4 };

struct neigh_ent {
	__u32 vr;
	enum nic nic;
	const char *addr;
	__u8 mac[6];
};

static const struct neigh_ent neighs[] = {
	/* VR 1 */
	{ 1, OUT0, "198.18.1.2", MAC_N(1, 0, 2) },
	{ 1, OUT0, "198.18.1.7", MAC_N(1, 0, 7) },	/* connected host */
	{ 1, OUT1, "198.18.2.2", MAC_N(1, 1, 2) },
	{ 1, OUT2, "198.18.3.2", MAC_N(1, 2, 2) },
	{ 1, OUT3, "198.18.4.2", MAC_N(1, 3, 2) },
	{ 1, OUT4, "198.18.5.2", MAC_N(1, 4, 2) },
	{ 1, OUT1, "198.18.1.2", MAC_N(1, 1, 0x12) },	/* decoy for VR 2 */
	{ 1, OUT0, "2001:2:0:1::2", MAC_N(1, 0, 0x62) },
	{ 1, OUT0, "2001:2:0:1::7", MAC_N(1, 0, 0x67) },
	{ 1, OUT1, "2001:2:0:2::2", MAC_N(1, 1, 0x62) },
	{ 1, OUT2, "2001:2:0:3::2", MAC_N(1, 2, 0x62) },
	{ 1, OUT3, "2001:2:0:4::2", MAC_N(1, 3, 0x62) },
	{ 1, OUT4, "2001:2:0:5::2", MAC_N(1, 4, 0x62) },
	{ 1, OUT1, "2001:2:0:1::2", MAC_N(1, 1, 0x72) },	/* decoy for VR 2 */
	/* VR 2: same next-hop addresses as VR 1, its own MACs */
	{ 2, OUT1, "198.18.1.2", MAC_N(2, 1, 2) },
	{ 2, OUT0, "198.18.1.2", MAC_N(2, 0, 2) },	/* decoy for VR 1 */
	{ 2, OUT0, "198.18.1.3", MAC_N(2, 0, 3) },	/* VR 1 has none: NO_NEIGH */
	{ 2, OUT1, "2001:2:0:1::2", MAC_N(2, 1, 0x62) },
	{ 2, OUT0, "2001:2:0:1::2", MAC_N(2, 0, 0x62) },	/* decoy for VR 1 */
	{ 2, OUT0, "2001:2:0:1::3", MAC_N(2, 0, 0x63) },	/* VR 1 has none */
	/* VR 3: the next hops of its 512 routes */
	{ 3, OUT0, "198.18.1.10", MAC_N(3, 0, 10) },
	{ 3, OUT0, "198.18.1.11", MAC_N(3, 0, 11) },
	{ 3, OUT1, "198.18.2.10", MAC_N(3, 1, 10) },
	{ 3, OUT1, "198.18.2.11", MAC_N(3, 1, 11) },
	/* VR 4: would forward, if its table existed */
	{ 4, OUT0, "198.18.1.2", MAC_N(4, 0, 2) },
};

/* ---- the cases ---- */

#define T_DMAC_HOST	0x1	/* destination MAC: in0's own (host traffic) */
#define T_V6_FWD_OFF	0x2	/* run with net.ipv6.conf.all.forwarding=0 */
#define T_NEED_LWT	0x4	/* needs the encap route (lwt=1) */

struct tcase {
	const char *desc;
	enum nic in;			/* ingress */
	struct fb_params f;
	int action;			/* XDP_PASS or XDP_REDIRECT */
	__u32 vr;			/* VR whose counters grow; 0: none (no_vr) */
	int reason;			/* VR_PASS_* for a VR's XDP_PASS, else -1 */
	enum nic out;			/* XDP_REDIRECT: egress ... */
	__u8 nh[6];			/* ... and next hop's MAC */
	int flags;
};

#define SRC4	"198.18.0.1"
#define SRC6	"2001:2::1"
#define F4(dm, s, d, ...) { .family = 4, .dmac = dm, .smac = MAC_SENDER, \
			    .saddr = s, .daddr = d, __VA_ARGS__ }
#define F6(dm, s, d, ...) { .family = 6, .dmac = dm, .smac = MAC_SENDER, \
			    .saddr = s, .daddr = d, __VA_ARGS__ }
#define FRAW(dm, et, ...) { .family = 0, .dmac = dm, .smac = MAC_SENDER, \
			    .ethertype = et, __VA_ARGS__ }
#define PASS(r)		.action = XDP_PASS, .vr = 1, .reason = VR_PASS_##r
#define PASS_VR(v, r)	.action = XDP_PASS, .vr = v, .reason = VR_PASS_##r
#define NO_VR		.action = XDP_PASS, .vr = 0, .reason = -1
#define FWD(v, o, n)	.action = XDP_REDIRECT, .vr = v, .reason = -1, .out = o, .nh = n

static const struct tcase cases[] = {
	/* (1) not a VR's frame: host traffic, counted per NIC */
	{ "unknown unicast MAC: PASS, no_vr",
	  IN0, F4(MAC_OTHER, SRC4, "198.18.10.5"), NO_VR },
	{ "in0's own MAC: PASS, no_vr",
	  IN0, F4(MAC_OTHER, SRC4, "198.18.10.5"), NO_VR, .flags = T_DMAC_HOST },
	{ "broadcast MAC (in vr_macs!): PASS, no_vr",
	  IN0, F4(MAC_BCAST, SRC4, "198.18.10.5"), NO_VR },
	{ "IPv4 multicast MAC (in vr_macs!): PASS, no_vr",
	  IN0, F4(MAC_MCAST4, SRC4, "198.18.10.5"), NO_VR },
	{ "IPv6 multicast MAC (in vr_macs!): PASS, no_vr",
	  IN0, F6(MAC_MCAST6, SRC6, "2001:2:0:10::5"), NO_VR },
	{ "VR 2's MAC on in1, where VR 2 is not: PASS, no_vr",
	  IN1, F4(MAC_VR2, SRC4, "198.18.10.5"), NO_VR },
	{ "ARP broadcast: PASS, no_vr",
	  IN0, FRAW(MAC_BCAST, 0x0806, .payload = 28), NO_VR },

	/* (2) a VR's frame that is not IP */
	{ "ARP to the VR: PASS NOT_IP",
	  IN0, FRAW(MAC_VR1, 0x0806, .payload = 28), PASS(NOT_IP) },
	{ "802.1Q VLAN (0x8100) to the VR: PASS NOT_IP",
	  IN0, FRAW(MAC_VR1, 0x8100, .payload = 46), PASS(NOT_IP) },
	{ "802.1ad (0x88a8) to the VR: PASS NOT_IP",
	  IN0, FRAW(MAC_VR1, 0x88a8, .payload = 46), PASS(NOT_IP) },
	{ "bare Ethernet header, ARP type: PASS NOT_IP",
	  IN0, FRAW(MAC_VR1, 0x0806), PASS(NOT_IP) },

	/* fast path off (policy routing or the operator): every frame passes */
	{ "fast path off: a routable IPv4 frame: PASS FAST_PATH_OFF",
	  IN0, F4(MAC_VR(0x13), SRC4, "198.18.10.5"), PASS(FAST_PATH_OFF) },
	{ "fast path off: IPv6: PASS FAST_PATH_OFF",
	  IN0, F6(MAC_VR(0x13), SRC6, "2001:2:0:10::5"), PASS(FAST_PATH_OFF) },
	{ "fast path off: ARP: PASS FAST_PATH_OFF (before any parsing)",
	  IN0, FRAW(MAC_VR(0x13), 0x0806, .payload = 28), PASS(FAST_PATH_OFF) },

	/* rp_filter: table 1001 routes 198.18.65.0/24 back out of in0 */
	{ "rp_filter strict, source routed back out of in0: REDIRECT",
	  IN0, F4(MAC_VR(0x11), "198.18.65.5", "198.18.10.5"), FWD(1, OUT0, MAC_N(1, 0, 2)) },
	{ "rp_filter strict, source routed back out of out1: PASS RP_FILTER",
	  IN0, F4(MAC_VR(0x11), "198.18.2.5", "198.18.10.5"), PASS(RP_FILTER) },
	{ "rp_filter loose, source routed back out of out1: REDIRECT",
	  IN0, F4(MAC_VR(0x12), "198.18.2.5", "198.18.10.5"), FWD(1, OUT0, MAC_N(1, 0, 2)) },
	{ "rp_filter loose, no route back to the source: PASS RP_FILTER",
	  IN0, F4(MAC_VR(0x12), "198.18.99.5", "198.18.10.5"), PASS(RP_FILTER) },
	{ "rp_filter loose, source routed to a blackhole: PASS RP_FILTER",
	  IN0, F4(MAC_VR(0x12), "198.18.20.5", "198.18.10.5"), PASS(RP_FILTER) },
	{ "rp_filter strict, the VR's own address as source: PASS RP_FILTER",
	  IN0, F4(MAC_VR(0x11), "198.18.30.1", "198.18.10.5"), PASS(RP_FILTER) },
	{ "rp_filter off: a source with no route back is forwarded",
	  IN0, F4(MAC_VR1, "198.18.99.5", "198.18.10.5"), FWD(1, OUT0, MAC_N(1, 0, 2)) },
	{ "rp_filter strict: TTL 1 with a bad source is RP_FILTER (checked first, as the kernel)",
	  IN0, F4(MAC_VR(0x11), "198.18.2.5", "198.18.10.5", .ttl = 1), PASS(RP_FILTER) },
	{ "rp_filter strict: IPv6 is not filtered (Linux has no IPv6 rp_filter)",
	  IN0, F6(MAC_VR(0x11), "2001:2:0:99::5", "2001:2:0:10::5"), FWD(1, OUT0, MAC_N(1, 0, 0x62)) },

	/* (3) forwarded */
	{ "IPv4/UDP via gateway: REDIRECT out0, TTL 63",
	  IN0, F4(MAC_VR1, SRC4, "198.18.10.5", .payload = 18), FWD(1, OUT0, MAC_N(1, 0, 2)) },
	{ "IPv4/TCP via gateway: REDIRECT out0",
	  IN0, F4(MAC_VR1, SRC4, "198.18.10.6", .proto = IPPROTO_TCP, .payload = 100, .tos = 0x10),
	  FWD(1, OUT0, MAC_N(1, 0, 2)) },
	{ "IPv4/ICMP via gateway: REDIRECT out0",
	  IN0, F4(MAC_VR1, SRC4, "198.18.10.7", .proto = IPPROTO_ICMP, .payload = 8),
	  FWD(1, OUT0, MAC_N(1, 0, 2)) },
	{ "IPv4 with DF: REDIRECT out0",
	  IN0, F4(MAC_VR1, SRC4, "198.18.10.5", .frag_off = 0x4000, .id = 0xbeef),
	  FWD(1, OUT0, MAC_N(1, 0, 2)) },
	{ "IPv4 first fragment (MF): REDIRECT out0",
	  IN0, F4(MAC_VR1, SRC4, "198.18.10.5", .frag_off = 0x2000, .payload = 64),
	  FWD(1, OUT0, MAC_N(1, 0, 2)) },
	{ "IPv4 later fragment (offset 185): REDIRECT out0",
	  IN0, F4(MAC_VR1, SRC4, "198.18.10.5", .frag_off = 185, .proto = 200, .payload = 64),
	  FWD(1, OUT0, MAC_N(1, 0, 2)) },
	{ "IPv4 in a 60-byte frame (Ethernet padding kept): REDIRECT out0",
	  IN0, F4(MAC_VR1, SRC4, "198.18.10.5", .trailer = 18), FWD(1, OUT0, MAC_N(1, 0, 2)) },
	{ "IPv4 TTL 2: REDIRECT with TTL 1",
	  IN0, F4(MAC_VR1, SRC4, "198.18.10.5", .ttl = 2), FWD(1, OUT0, MAC_N(1, 0, 2)) },
	{ "IPv4 TTL 255: REDIRECT with TTL 254",
	  IN0, F4(MAC_VR1, SRC4, "198.18.10.5", .ttl = 255), FWD(1, OUT0, MAC_N(1, 0, 2)) },
	{ "IPv4 connected destination: next hop is the destination",
	  IN0, F4(MAC_VR1, SRC4, "198.18.1.7"), FWD(1, OUT0, MAC_N(1, 0, 7)) },
	{ "IPv4 route via an IPv6 next hop (RFC 5549): IPv6 neighbour",
	  IN0, F4(MAC_VR1, SRC4, "198.18.60.1"), FWD(1, OUT0, MAC_N(1, 0, 0x62)) },
	{ "IPv4 tot_len == egress MTU 1280: REDIRECT out4",
	  IN0, F4(MAC_VR1, SRC4, "198.18.42.1", .payload = 1280 - 28),
	  FWD(1, OUT4, MAC_N(1, 4, 2)) },
	{ "IPv4 VR 2, same prefix and next hop as VR 1: out1, VR 2's MACs",
	  IN0, F4(MAC_VR2, SRC4, "198.18.10.5"), FWD(2, OUT1, MAC_N(2, 1, 2)) },
	{ "IPv6/UDP via gateway: REDIRECT out0, hop limit 63",
	  IN0, F6(MAC_VR1, SRC6, "2001:2:0:10::5", .payload = 10), FWD(1, OUT0, MAC_N(1, 0, 0x62)) },
	{ "IPv6/TCP via gateway, flow label: REDIRECT out0",
	  IN0, F6(MAC_VR1, SRC6, "2001:2:0:10::6", .proto = IPPROTO_TCP, .payload = 100,
		  .tos = 0xb8, .flowlabel = 0xabcde), FWD(1, OUT0, MAC_N(1, 0, 0x62)) },
	{ "IPv6 hop limit 2: REDIRECT with hop limit 1",
	  IN0, F6(MAC_VR1, SRC6, "2001:2:0:10::5", .ttl = 2), FWD(1, OUT0, MAC_N(1, 0, 0x62)) },
	{ "IPv6 hop limit 255: REDIRECT with hop limit 254",
	  IN0, F6(MAC_VR1, SRC6, "2001:2:0:10::5", .ttl = 255), FWD(1, OUT0, MAC_N(1, 0, 0x62)) },
	{ "IPv6 with trailing bytes: REDIRECT, trailer kept",
	  IN0, F6(MAC_VR1, SRC6, "2001:2:0:10::5", .trailer = 6), FWD(1, OUT0, MAC_N(1, 0, 0x62)) },
	{ "IPv6 connected destination: next hop is the destination",
	  IN0, F6(MAC_VR1, SRC6, "2001:2:0:1::7"), FWD(1, OUT0, MAC_N(1, 0, 0x67)) },
	{ "IPv6 length == egress MTU 1280: REDIRECT out4",
	  IN0, F6(MAC_VR1, SRC6, "2001:2:0:42::1", .payload = 1280 - 48),
	  FWD(1, OUT4, MAC_N(1, 4, 0x62)) },
	{ "IPv6 VR 2, same prefix and next hop as VR 1: out1, VR 2's MACs",
	  IN0, F6(MAC_VR2, SRC6, "2001:2:0:10::5"), FWD(2, OUT1, MAC_N(2, 1, 0x62)) },
	{ "IPv6 on in1 (IPv4-only forwarding off there): REDIRECT",
	  IN1, F6(MAC_VR1, SRC6, "2001:2:0:10::5"), FWD(1, OUT0, MAC_N(1, 0, 0x62)) },

	/* (4) malformed */
	{ "IPv4 IHL 4: PASS MALFORMED",
	  IN0, F4(MAC_VR1, SRC4, "198.18.10.5", .ihl = 4), PASS(MALFORMED) },
	{ "IPv4 IHL 0: PASS MALFORMED",
	  IN0, F4(MAC_VR1, SRC4, "198.18.10.5", .ihl = FB_ZERO), PASS(MALFORMED) },
	{ "IPv4 ethertype, version 6: PASS MALFORMED",
	  IN0, F4(MAC_VR1, SRC4, "198.18.10.5", .version = 6), PASS(MALFORMED) },
	{ "IPv4 ethertype, version 0: PASS MALFORMED",
	  IN0, F4(MAC_VR1, SRC4, "198.18.10.5", .version = FB_ZERO), PASS(MALFORMED) },
	{ "IPv4 tot_len one beyond the frame: PASS MALFORMED",
	  IN0, F4(MAC_VR1, SRC4, "198.18.10.5", .len_delta = 1), PASS(MALFORMED) },
	{ "IPv4 tot_len 65535: PASS MALFORMED",
	  IN0, F4(MAC_VR1, SRC4, "198.18.10.5", .tot_len = 65535), PASS(MALFORMED) },
	{ "IPv4 tot_len 19: PASS MALFORMED",
	  IN0, F4(MAC_VR1, SRC4, "198.18.10.5", .tot_len = 19), PASS(MALFORMED) },
	{ "IPv4 tot_len 0: PASS MALFORMED",
	  IN0, F4(MAC_VR1, SRC4, "198.18.10.5", .tot_len = FB_ZERO), PASS(MALFORMED) },
	{ "IPv4 tot_len 20 (header only, UDP bytes as padding): REDIRECT",
	  IN0, F4(MAC_VR1, SRC4, "198.18.10.5", .tot_len = 20), FWD(1, OUT0, MAC_N(1, 0, 2)) },
	{ "IPv4 bad header checksum (low bit): PASS MALFORMED",
	  IN0, F4(MAC_VR1, SRC4, "198.18.10.5", .csum_xor = 0x0001), PASS(MALFORMED) },
	{ "IPv4 bad header checksum (high byte): PASS MALFORMED",
	  IN0, F4(MAC_VR1, SRC4, "198.18.10.5", .csum_xor = 0x0100), PASS(MALFORMED) },
	{ "IPv4 bad header checksum, TTL 1: PASS MALFORMED (checked first)",
	  IN0, F4(MAC_VR1, SRC4, "198.18.10.5", .csum_xor = 0x8000, .ttl = 1), PASS(MALFORMED) },
	{ "IPv4 IHL 6 (options): PASS IP_OPTIONS",
	  IN0, F4(MAC_VR1, SRC4, "198.18.10.5", .ip_opt_words = 1), PASS(IP_OPTIONS) },
	{ "IPv4 IHL 15 (options): PASS IP_OPTIONS",
	  IN0, F4(MAC_VR1, SRC4, "198.18.10.5", .ip_opt_words = 10), PASS(IP_OPTIONS) },
	{ "IPv6 ethertype, version 4: PASS MALFORMED",
	  IN0, F6(MAC_VR1, SRC6, "2001:2:0:10::5", .version = 4), PASS(MALFORMED) },
	{ "IPv6 payload_len one beyond the frame: PASS MALFORMED",
	  IN0, F6(MAC_VR1, SRC6, "2001:2:0:10::5", .len_delta = 1), PASS(MALFORMED) },
	{ "IPv6 payload_len 65535: PASS MALFORMED",
	  IN0, F6(MAC_VR1, SRC6, "2001:2:0:10::5", .tot_len = 65535), PASS(MALFORMED) },
	{ "IPv6 hop-by-hop header: PASS IPV6_HOPOPT",
	  IN0, F6(MAC_VR1, SRC6, "2001:2:0:10::5", .hbh = 1), PASS(IPV6_HOPOPT) },
	{ "IPv6 hop-by-hop header, hop limit 1: PASS IPV6_HOPOPT",
	  IN0, F6(MAC_VR1, SRC6, "2001:2:0:10::5", .hbh = 1, .ttl = 1), PASS(IPV6_HOPOPT) },

	/* (5) addresses that are never forwarded */
	{ "IPv4 dst 224.0.0.1: PASS ADDR_SCOPE",
	  IN0, F4(MAC_VR1, SRC4, "224.0.0.1"), PASS(ADDR_SCOPE) },
	{ "IPv4 dst 239.255.255.255: PASS ADDR_SCOPE",
	  IN0, F4(MAC_VR1, SRC4, "239.255.255.255"), PASS(ADDR_SCOPE) },
	{ "IPv4 dst 255.255.255.255: PASS ADDR_SCOPE",
	  IN0, F4(MAC_VR1, SRC4, "255.255.255.255"), PASS(ADDR_SCOPE) },
	{ "IPv4 src 224.0.0.5 (multicast source): PASS ADDR_SCOPE",
	  IN0, F4(MAC_VR1, "224.0.0.5", "198.18.10.5"), PASS(ADDR_SCOPE) },
	{ "IPv4 dst 224.0.0.1, TTL 1: PASS ADDR_SCOPE (checked before TTL)",
	  IN0, F4(MAC_VR1, SRC4, "224.0.0.1", .ttl = 1), PASS(ADDR_SCOPE) },
	{ "IPv4 dst 223.255.255.255 (not multicast, no route): PASS NOT_FWDED",
	  IN0, F4(MAC_VR1, SRC4, "223.255.255.255"), PASS(NOT_FWDED) },
	{ "IPv4 dst 240.0.0.1 (not multicast, no route): PASS NOT_FWDED",
	  IN0, F4(MAC_VR1, SRC4, "240.0.0.1"), PASS(NOT_FWDED) },
	{ "IPv6 dst ff02::1: PASS ADDR_SCOPE",
	  IN0, F6(MAC_VR1, SRC6, "ff02::1"), PASS(ADDR_SCOPE) },
	{ "IPv6 dst ff0e::1 (global multicast): PASS ADDR_SCOPE",
	  IN0, F6(MAC_VR1, SRC6, "ff0e::1"), PASS(ADDR_SCOPE) },
	{ "IPv6 dst fe80::1: PASS ADDR_SCOPE",
	  IN0, F6(MAC_VR1, SRC6, "fe80::1"), PASS(ADDR_SCOPE) },
	{ "IPv6 src fe80::1: PASS ADDR_SCOPE",
	  IN0, F6(MAC_VR1, "fe80::1", "2001:2:0:10::5"), PASS(ADDR_SCOPE) },
	{ "IPv6 src febf::1 (end of fe80::/10): PASS ADDR_SCOPE",
	  IN0, F6(MAC_VR1, "febf::1", "2001:2:0:10::5"), PASS(ADDR_SCOPE) },
	/* Martians the kernel drops (found by tests/fuzz: forwarded). */
	{ "IPv4 src 0.0.0.0: PASS ADDR_SCOPE",
	  IN0, F4(MAC_VR1, "0.0.0.0", "198.18.10.5"), PASS(ADDR_SCOPE) },
	{ "IPv4 src 0.255.255.255 (0/8): PASS ADDR_SCOPE",
	  IN0, F4(MAC_VR1, "0.255.255.255", "198.18.10.5"), PASS(ADDR_SCOPE) },
	{ "IPv4 src 127.0.0.1: PASS ADDR_SCOPE",
	  IN0, F4(MAC_VR1, "127.0.0.1", "198.18.10.5"), PASS(ADDR_SCOPE) },
	{ "IPv4 src 127.255.255.255 (127/8): PASS ADDR_SCOPE",
	  IN0, F4(MAC_VR1, "127.255.255.255", "198.18.10.5"), PASS(ADDR_SCOPE) },
	{ "IPv4 src 255.255.255.255: PASS ADDR_SCOPE",
	  IN0, F4(MAC_VR1, "255.255.255.255", "198.18.10.5"), PASS(ADDR_SCOPE) },
	{ "IPv4 dst 127.0.0.1: PASS ADDR_SCOPE",
	  IN0, F4(MAC_VR1, SRC4, "127.0.0.1"), PASS(ADDR_SCOPE) },
	{ "IPv4 dst 0.0.0.1: PASS ADDR_SCOPE",
	  IN0, F4(MAC_VR1, SRC4, "0.0.0.1"), PASS(ADDR_SCOPE) },
	{ "IPv4 src 1.0.0.0 (next to 0/8): REDIRECT",
	  IN0, F4(MAC_VR1, "1.0.0.0", "198.18.10.5"), FWD(1, OUT0, MAC_N(1, 0, 2)) },
	{ "IPv4 src 126.255.255.255 (next to 127/8): REDIRECT",
	  IN0, F4(MAC_VR1, "126.255.255.255", "198.18.10.5"), FWD(1, OUT0, MAC_N(1, 0, 2)) },
	{ "IPv4 src 128.0.0.0 (next to 127/8): REDIRECT",
	  IN0, F4(MAC_VR1, "128.0.0.0", "198.18.10.5"), FWD(1, OUT0, MAC_N(1, 0, 2)) },
	{ "IPv4 src 255.255.255.254 (not broadcast): REDIRECT",
	  IN0, F4(MAC_VR1, "255.255.255.254", "198.18.10.5"), FWD(1, OUT0, MAC_N(1, 0, 2)) },
	{ "IPv6 src :: (unspecified): PASS ADDR_SCOPE",
	  IN0, F6(MAC_VR1, "::", "2001:2:0:10::5"), PASS(ADDR_SCOPE) },
	{ "IPv6 src ::1: PASS NOT_FWDED (the fib lookup refuses loopback)",
	  IN0, F6(MAC_VR1, "::1", "2001:2:0:10::5"), PASS(NOT_FWDED) },
	{ "IPv6 src ::2: REDIRECT",
	  IN0, F6(MAC_VR1, "::2", "2001:2:0:10::5"), FWD(1, OUT0, MAC_N(1, 0, 0x62)) },
	{ "IPv6 dst fec0::1 (not link-local, no route): PASS NOT_FWDED",
	  IN0, F6(MAC_VR1, SRC6, "fec0::1"), PASS(NOT_FWDED) },

	/* (6) TTL */
	{ "IPv4 TTL 1: PASS TTL",
	  IN0, F4(MAC_VR1, SRC4, "198.18.10.5", .ttl = 1), PASS(TTL) },
	{ "IPv4 TTL 0: PASS TTL",
	  IN0, F4(MAC_VR1, SRC4, "198.18.10.5", .ttl = FB_ZERO), PASS(TTL) },
	{ "IPv6 hop limit 1: PASS TTL",
	  IN0, F6(MAC_VR1, SRC6, "2001:2:0:10::5", .ttl = 1), PASS(TTL) },
	{ "IPv6 hop limit 0: PASS TTL",
	  IN0, F6(MAC_VR1, SRC6, "2001:2:0:10::5", .ttl = FB_ZERO), PASS(TTL) },

	/* (7) fib lookup results */
	{ "IPv4 no route: PASS NOT_FWDED",
	  IN0, F4(MAC_VR1, SRC4, "198.18.99.1"), PASS(NOT_FWDED) },
	{ "IPv4 blackhole route: PASS BLACKHOLE",
	  IN0, F4(MAC_VR1, SRC4, "198.18.20.1"), PASS(BLACKHOLE) },
	{ "IPv4 unreachable route: PASS UNREACHABLE",
	  IN0, F4(MAC_VR1, SRC4, "198.18.21.1"), PASS(UNREACHABLE) },
	{ "IPv4 prohibit route: PASS PROHIBIT",
	  IN0, F4(MAC_VR1, SRC4, "198.18.22.1"), PASS(PROHIBIT) },
	{ "IPv4 local route: PASS NOT_FWDED",
	  IN0, F4(MAC_VR1, SRC4, "198.18.30.1"), PASS(NOT_FWDED) },
	{ "IPv4 broadcast route: PASS NOT_FWDED",
	  IN0, F4(MAC_VR1, SRC4, "198.18.1.255"), PASS(NOT_FWDED) },
	{ "IPv4 forwarding disabled on in1: PASS FWD_DISABLED",
	  IN1, F4(MAC_VR1, SRC4, "198.18.10.5"), PASS(FWD_DISABLED) },
	{ "IPv4 tot_len 1281 > egress MTU 1280: PASS FRAG_NEEDED",
	  IN0, F4(MAC_VR1, SRC4, "198.18.42.1", .payload = 1281 - 28), PASS(FRAG_NEEDED) },
	{ "IPv4 1500 bytes, DF, > egress MTU 1280: PASS FRAG_NEEDED",
	  IN0, F4(MAC_VR1, SRC4, "198.18.42.1", .payload = 1500 - 28, .frag_off = 0x4000),
	  PASS(FRAG_NEEDED) },
	/* The egress sends the whole frame: the MTU check counts a trailer
	 * (found by tests/fuzz: a short datagram in a long frame was
	 * redirected to an egress whose MTU the frame exceeds).
	 */
	{ "IPv4 tot_len 100 + 1181-byte trailer, 1281 > egress MTU 1280: PASS FRAG_NEEDED",
	  IN0, F4(MAC_VR1, SRC4, "198.18.42.1", .payload = 72, .trailer = 1181), PASS(FRAG_NEEDED) },
	{ "IPv4 tot_len 100 + 1180-byte trailer, 1280 == egress MTU: REDIRECT out4",
	  IN0, F4(MAC_VR1, SRC4, "198.18.42.1", .payload = 72, .trailer = 1180),
	  FWD(1, OUT4, MAC_N(1, 4, 2)) },
	{ "IPv4 TOS 0x10 matches a route with that TOS selector: REDIRECT",
	  IN0, F4(MAC_VR1, SRC4, "198.18.12.1", .tos = 0x10), FWD(1, OUT0, MAC_N(1, 0, 2)) },
	{ "IPv4 TOS 0 does not match the TOS 0x10 route: PASS NOT_FWDED",
	  IN0, F4(MAC_VR1, SRC4, "198.18.12.1"), PASS(NOT_FWDED) },
	{ "IPv4 VR 4, table does not exist: PASS NOT_FWDED",
	  IN0, F4(MAC_VR4, SRC4, "198.18.10.5"), PASS_VR(4, NOT_FWDED) },
	{ "IPv4 encap (lwt) route: PASS UNSUPPORTED",
	  IN0, F4(MAC_VR1, SRC4, "198.18.70.1"), PASS(UNSUPPORTED), .flags = T_NEED_LWT },
	{ "IPv6 no route: PASS NOT_FWDED",
	  IN0, F6(MAC_VR1, SRC6, "2001:2:0:99::1"), PASS(NOT_FWDED) },
	{ "IPv6 blackhole route: PASS BLACKHOLE",
	  IN0, F6(MAC_VR1, SRC6, "2001:2:0:20::1"), PASS(BLACKHOLE) },
	{ "IPv6 unreachable route: PASS UNREACHABLE",
	  IN0, F6(MAC_VR1, SRC6, "2001:2:0:21::1"), PASS(UNREACHABLE) },
	{ "IPv6 prohibit route: PASS PROHIBIT",
	  IN0, F6(MAC_VR1, SRC6, "2001:2:0:22::1"), PASS(PROHIBIT) },
	{ "IPv6 local route: PASS NOT_FWDED",
	  IN0, F6(MAC_VR1, SRC6, "2001:2:0:30::1"), PASS(NOT_FWDED) },
	{ "IPv6 forwarding disabled (all.forwarding=0): PASS FWD_DISABLED",
	  IN0, F6(MAC_VR1, SRC6, "2001:2:0:10::5"), PASS(FWD_DISABLED), .flags = T_V6_FWD_OFF },
	{ "IPv6 length 1281 > egress MTU 1280: PASS FRAG_NEEDED",
	  IN0, F6(MAC_VR1, SRC6, "2001:2:0:42::1", .payload = 1281 - 48), PASS(FRAG_NEEDED) },
	{ "IPv6 length 100 + 1181-byte trailer, 1281 > egress MTU 1280: PASS FRAG_NEEDED",
	  IN0, F6(MAC_VR1, SRC6, "2001:2:0:42::1", .payload = 52, .trailer = 1181), PASS(FRAG_NEEDED) },
	{ "IPv6 length 100 + 1180-byte trailer, 1280 == egress MTU: REDIRECT out4",
	  IN0, F6(MAC_VR1, SRC6, "2001:2:0:42::1", .payload = 52, .trailer = 1180),
	  FWD(1, OUT4, MAC_N(1, 4, 0x62)) },
	{ "IPv6 VR 4, table does not exist: PASS NOT_FWDED",
	  IN0, F6(MAC_VR4, SRC6, "2001:2:0:10::5"), PASS_VR(4, NOT_FWDED) },

	/* (8) after the route: neighbour, egress, port */
	{ "IPv4 next hop not in VR 1's vr_neigh (VR 2 has it): PASS NO_NEIGH",
	  IN0, F4(MAC_VR1, SRC4, "198.18.11.1"), PASS(NO_NEIGH) },
	{ "IPv4 egress out2 not in vr_tx_ports: PASS EGRESS_NOT_LOADED",
	  IN0, F4(MAC_VR1, SRC4, "198.18.40.1"), PASS(EGRESS_NOT_LOADED) },
	{ "IPv4 VR 1 has no port on out3: PASS NO_PORT",
	  IN0, F4(MAC_VR1, SRC4, "198.18.41.1"), PASS(NO_PORT) },
	{ "IPv6 next hop not in VR 1's vr_neigh (VR 2 has it): PASS NO_NEIGH",
	  IN0, F6(MAC_VR1, SRC6, "2001:2:0:11::1"), PASS(NO_NEIGH) },
	{ "IPv6 egress out2 not in vr_tx_ports: PASS EGRESS_NOT_LOADED",
	  IN0, F6(MAC_VR1, SRC6, "2001:2:0:40::1"), PASS(EGRESS_NOT_LOADED) },
	{ "IPv6 VR 1 has no port on out3: PASS NO_PORT",
	  IN0, F6(MAC_VR1, SRC6, "2001:2:0:41::1"), PASS(NO_PORT) },
};

/* ---- plumbing ---- */

static struct vrouter *skel;
static int prog_fd, fd_stats, fd_nic;
static int fd_limits;
/* Where two frames differ, as "#" lines. */
static void frame_diff(const __u8 *exp, size_t elen, const __u8 *got, size_t glen)
{
	size_t i, shown = 0;

	if (elen != glen)
		printf("#   length: expected %zu, got %zu\n", elen, glen);
	for (i = 0; i < elen && i < glen && shown < 8; i++)
		if (exp[i] != got[i]) {
			printf("#   byte %zu: expected %02x, got %02x\n", i, exp[i], got[i]);
			shown++;
		}
	if (shown) {
		hexdump("exp", exp, elen < 64 ? elen : 64);
		hexdump("got", got, glen < 64 ? glen : 64);
	}
}

static const __u8 *port_mac(__u32 vr, enum nic nic)
{
	size_t i;

	for (i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
		if (ports[i].vr == vr && ports[i].nic == nic)
			return ports[i].mac;
	return NULL;
}

static int sysctl_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), ok;

	if (fd < 0)
		return -errno;
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	close(fd);
	return ok ? 0 : -EIO;
}

/* ---- counters ---- */

struct snap {
	struct vr_stats vr[NVR + 1];
	struct vr_nic_stats nic[2];	/* IN0, IN1 */
};

static void take_snap(struct snap *s)
{
	__u32 k;

	for (k = 0; k <= NVR; k++)
		percpu_sum(fd_stats, &k, (__u64 *)&s->vr[k], sizeof(s->vr[k]) / 8);
	percpu_sum(fd_nic, &ifidx[IN0], (__u64 *)&s->nic[0], sizeof(s->nic[0]) / 8);
	percpu_sum(fd_nic, &ifidx[IN1], (__u64 *)&s->nic[1], sizeof(s->nic[1]) / 8);
}

static void counter_diff(const char *name, const struct vr_counter *e,
			 const struct vr_counter *g)
{
	if (e->packets != g->packets || e->bytes != g->bytes)
		printf("#   %s: expected %llu pkts %llu bytes, got %llu pkts %llu bytes\n",
		       name, (unsigned long long)e->packets, (unsigned long long)e->bytes,
		       (unsigned long long)g->packets, (unsigned long long)g->bytes);
}

/* 1 if got == exp; else prints every counter that differs. */
static int snap_check(const struct snap *exp, const struct snap *got)
{
	char name[64];
	__u32 v;
	int r;

	if (!memcmp(exp, got, sizeof(*exp)))
		return 1;
	for (v = 0; v <= NVR; v++) {
		snprintf(name, sizeof(name), "vr %u rx", v);
		counter_diff(name, &exp->vr[v].rx, &got->vr[v].rx);
		snprintf(name, sizeof(name), "vr %u fwd", v);
		counter_diff(name, &exp->vr[v].fwd, &got->vr[v].fwd);
		snprintf(name, sizeof(name), "vr %u policed", v);
		counter_diff(name, &exp->vr[v].policed, &got->vr[v].policed);
		for (r = 0; r < VR_PASS_MAX; r++) {
			snprintf(name, sizeof(name), "vr %u pass %s", v, reason_name[r]);
			counter_diff(name, &exp->vr[v].pass[r], &got->vr[v].pass[r]);
		}
	}
	counter_diff("in0 no_vr", &exp->nic[0].no_vr, &got->nic[0].no_vr);
	counter_diff("in1 no_vr", &exp->nic[1].no_vr, &got->nic[1].no_vr);
	return 0;
}

/* ---- running ---- */

struct result {
	int err;		/* 0, or the -errno of BPF_PROG_RUN */
	__u32 action;
	__u32 len;
	__u8 out[FB_MAX];
};

static void run(enum nic in, const __u8 *frame, size_t len, struct result *r)
{
	memset(r->out, 0xa5, sizeof(r->out));
	r->err = dp_xdp_run(prog_fd, ifidx[in], frame, len, r->out, sizeof(r->out),
			    &r->action, &r->len);
}

/* The frame as the fast path must emit it: new MACs, TTL-1 with the
 * checksum recomputed from scratch, or hop limit-1.
 */
static void expect_forwarded(__u8 *exp, const __u8 *in, size_t len,
			     const __u8 nh[6], const __u8 smac[6])
{
	__u8 *ip = exp + FB_ETH_HLEN;
	__u16 check;

	memcpy(exp, in, len);
	memcpy(exp, nh, 6);
	memcpy(exp + 6, smac, 6);
	if (fb_get16(exp + 12) == 0x0800) {
		ip[8]--;
		check = fb_ipv4_csum(ip, FB_IP4_HLEN);
		memcpy(ip + 10, &check, 2);
	} else {
		ip[7]--;
	}
}

/*
 * Run one frame and check everything: action, output bytes, counters.
 * vr 0 = not a VR's frame (no_vr on the ingress NIC).  For XDP_REDIRECT,
 * out/nh give the expected rewrite of AS (the input, or the input with
 * its L4 checksum completed); for XDP_PASS the output is the input.
 * Returns 1 if all is as expected; on failure prints "#" details.
 */
static int check_frame_as(enum nic in, const __u8 *frame, const __u8 *as, size_t len,
			  __u32 action, __u32 vr, int reason, enum nic out, const __u8 *nh)
{
	static struct result r;
	static __u8 exp[FB_MAX];
	struct snap before, want, after;
	int ok = 1;

	take_snap(&before);
	run(in, frame, len, &r);
	take_snap(&after);
	if (r.err) {
		printf("#   BPF_PROG_RUN failed: %s\n", strerror(-r.err));
		return 0;
	}
	if (r.action != action) {
		printf("#   action: expected %s, got %s (%u)\n", action_name(action),
		       action_name(r.action), r.action);
		ok = 0;
	}
	if (action == XDP_REDIRECT) {
		const __u8 *smac = port_mac(vr, out);

		if (!smac) {
			printf("#   test bug: VR %u has no port on %s\n", vr, nic_name[out]);
			return 0;
		}
		expect_forwarded(exp, as, len, nh, smac);
	} else {
		memcpy(exp, frame, len);
	}
	if (r.len != len || memcmp(exp, r.out, len)) {
		printf("#   output frame differs from the expected one\n");
		frame_diff(exp, len, r.out, r.len);
		ok = 0;
	}
	if (action == XDP_REDIRECT && fb_get16(r.out + 12) == 0x0800 &&
	    !fb_ipv4_csum_ok(r.out + FB_ETH_HLEN, FB_IP4_HLEN)) {
		printf("#   output IPv4 header checksum does not verify\n");
		ok = 0;
	}

	want = before;
	if (vr) {
		add(&want.vr[vr].rx, len);
		if (action == XDP_REDIRECT)
			add(&want.vr[vr].fwd, len);
		else if (action == XDP_DROP)
			add(&want.vr[vr].policed, len);
		else
			add(&want.vr[vr].pass[reason], len);
	} else {
		add(&want.nic[in == IN1].no_vr, len);
	}
	if (!snap_check(&want, &after))
		ok = 0;
	return ok;
}

static int check_frame(enum nic in, const __u8 *frame, size_t len, __u32 action,
		       __u32 vr, int reason, enum nic out, const __u8 *nh)
{
	return check_frame_as(in, frame, frame, len, action, vr, reason, out, nh);
}

static void run_cases(void)
{
	static __u8 frame[FB_MAX];
	size_t i, len;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tcase *t = &cases[i];
		struct fb_params f = t->f;
		int ok;

		if ((t->flags & T_NEED_LWT) && !have_lwt) {
			report(1, "%s # SKIP no encap route on this kernel", t->desc);
			continue;
		}
		if (t->flags & T_DMAC_HOST)
			memcpy(f.dmac, nic_mac[t->in], 6);
		len = fb_build(frame, sizeof(frame), &f);
		if (!len) {
			report(0, "%s (test bug: frame not built)", t->desc);
			continue;
		}
		if ((t->flags & T_V6_FWD_OFF) &&
		    sysctl_write("/proc/sys/net/ipv6/conf/all/forwarding", "0"))
			die("net.ipv6.conf.all.forwarding=0", errno);
		ok = check_frame(t->in, frame, len, (__u32)t->action, t->vr,
				 t->reason, t->out, t->nh);
		if ((t->flags & T_V6_FWD_OFF) &&
		    sysctl_write("/proc/sys/net/ipv6/conf/all/forwarding", "1"))
			die("net.ipv6.conf.all.forwarding=1", errno);
		report(ok, "%s", t->desc);
	}
}

/*
 * vr_neigh carries a copy of the VR's port on the egress (the MAC it
 * sends with), kept in step by vr_port_add/vr_port_del: VR 1's port on
 * out3, added after its neighbour there, makes the NO_PORT frame
 * forwarded with that port's MAC; deleted again, NO_PORT again.
 */
static void port_copy(void)
{
	static const struct fb_params f = F4(MAC_VR1, SRC4, "198.18.41.1");
	static const __u8 mac[6] = MAC_P(1, 3), nh[6] = MAC_N(1, 3, 2);
	static __u8 frame[FB_MAX], exp[FB_MAX];
	static struct result r;
	size_t len = fb_build(frame, sizeof(frame), &f);
	int err;

	err = vr_port_add(&dp_st, 1, ifidx[OUT3], mac, NULL);
	if (err)
		die("vr_ports add", err);
	run(IN0, frame, len, &r);
	expect_forwarded(exp, frame, len, nh, mac);
	report(!r.err && r.action == XDP_REDIRECT && r.len == len && !memcmp(exp, r.out, len),
	       "VR 1's port on out3 added after its neighbour there: forwarded with the port's MAC");
	err = vr_port_del(&dp_st, 1, ifidx[OUT3]);
	if (err)
		die("vr_ports delete", err);
	report(check_frame(IN0, frame, len, XDP_PASS, 1, VR_PASS_NO_PORT, 0, NULL),
	       "VR 1's port on out3 deleted again: PASS NO_PORT, frame unchanged");
}

/*
 * The fast path keeps the vr_macs entries it found per CPU, under
 * vr_macs_gen: every change to vr_macs through the core bumps it, so the
 * next frame sees the change.  Each step's frame follows one that filled
 * the copy.
 */
static void demux_copy(void)
{
	static const struct fb_params f = F4(MAC_VR1, SRC4, "198.18.10.5");
	static const __u8 mac[6] = MAC_VR1, nh[6] = MAC_N(1, 0, 2);
	static __u8 frame[FB_MAX];
	size_t len = fb_build(frame, sizeof(frame), &f);
	int err;

	report(check_frame(IN0, frame, len, XDP_REDIRECT, 1, -1, OUT0, nh),
	       "demux: VR 1's frame forwarded (its entry now copied on this CPU)");
	err = vr_mac_set_slow(&dp_st, ifidx[IN0], mac, VR_SLOW_ADMIN, true);
	if (err < 0)
		die("vr_mac_set_slow", err);
	report(check_frame(IN0, frame, len, XDP_PASS, 1, VR_PASS_FAST_PATH_OFF, 0, NULL),
	       "demux: VR 1's fast path turned off: the next frame PASS FAST_PATH_OFF");
	err = vr_mac_set_slow(&dp_st, ifidx[IN0], mac, VR_SLOW_ADMIN, false);
	if (err < 0)
		die("vr_mac_set_slow", err);
	report(check_frame(IN0, frame, len, XDP_REDIRECT, 1, -1, OUT0, nh),
	       "demux: and on again: forwarded");
	err = vr_mac_del(&dp_st, ifidx[IN0], mac);
	if (err)
		die("vr_mac_del", err);
	report(check_frame(IN0, frame, len, XDP_PASS, 0, -1, 0, NULL),
	       "demux: VR 1's MAC on in0 deleted: the next frame is no_vr");
	err = vr_mac_add(&dp_st, ifidx[IN0], mac, 1, 1001, 0);
	if (err)
		die("vr_mac_add", err);
	report(check_frame(IN0, frame, len, XDP_REDIRECT, 1, -1, OUT0, nh),
	       "demux: and added again: forwarded");
}

/* ---- TCP/UDP checksums left to offload (bpf/l4csum.h) ---- */

#define MAC_CSUM	MAC_VR(0x14)	/* VR 1 on in0 with VR_MACF_PARTIAL_CSUM */

/* What the L4 check field of the input holds. */
enum cs_in {
	CS_COMPLETE,	/* the checksum */
	CS_PARTIAL,	/* the pseudo-header sum only: left to offload */
	CS_NONE,	/* 0: IPv4 UDP without a checksum */
	CS_BAD,		/* a wrong checksum (not the pseudo-header sum) */
	CS_SEED,	/* complete, and equal to the pseudo-header sum */
	CS_PARTIAL_0,	/* partial, and its complete checksum is 0 */
};

struct csum_case {
	const char *desc;
	struct fb_params f;
	enum cs_in cs;
	int completed;			/* output: the complete checksum; 0: as it came */
	int action;
	__u32 vr;
	int reason;
	enum nic out;
	__u8 nh[6];
};

#define FC4(...)	F4(MAC_CSUM, SRC4, "198.18.10.5", __VA_ARGS__)
#define FC6(...)	F6(MAC_CSUM, SRC6, "2001:2:0:10::5", __VA_ARGS__)
#define FC4BIG(...)	F4(MAC_CSUM, SRC4, "198.18.2.2", __VA_ARGS__)	/* out1, MTU 4000 */
#define FC6BIG(...)	F6(MAC_CSUM, SRC6, "2001:2:0:2::2", __VA_ARGS__)
#define TCP		.proto = IPPROTO_TCP
#define FWD4		FWD(1, OUT0, MAC_N(1, 0, 2))
#define FWD6		FWD(1, OUT0, MAC_N(1, 0, 0x62))
#define DONE		.completed = 1

static const struct csum_case csum_cases[] = {
	{ "IPv4/UDP partial, 18-byte payload: REDIRECT, checksum completed",
	  FC4(.payload = 18), CS_PARTIAL, DONE, FWD4 },
	{ "IPv4/UDP partial, odd length (17-byte payload): REDIRECT, completed",
	  FC4(.payload = 17), CS_PARTIAL, DONE, FWD4 },
	{ "IPv4/TCP partial, bare 20-byte header: REDIRECT, completed",
	  FC4(TCP), CS_PARTIAL, DONE, FWD4 },
	{ "IPv4/TCP partial, 1-byte payload: REDIRECT, completed",
	  FC4(TCP, .payload = 1), CS_PARTIAL, DONE, FWD4 },
	{ "IPv4/TCP partial, 512-byte segment (one chunk, no rest): REDIRECT, completed",
	  FC4(TCP, .payload = 492), CS_PARTIAL, DONE, FWD4 },
	{ "IPv4/TCP partial, 513-byte segment (one chunk and 1 byte): REDIRECT, completed",
	  FC4(TCP, .payload = 493), CS_PARTIAL, DONE, FWD4 },
	{ "IPv4/TCP partial, MSS 1460 (two chunks and 456 bytes): REDIRECT, completed",
	  FC4(TCP, .payload = 1460), CS_PARTIAL, DONE, FWD4 },
	{ "IPv4/TCP partial, 2559-byte segment (the longest summed): REDIRECT out1, completed",
	  FC4BIG(TCP, .payload = 2539), CS_PARTIAL, DONE, FWD(1, OUT1, MAC_N(1, 1, 2)) },
	{ "IPv4/TCP partial, 2560-byte segment: PASS CSUM_PARTIAL, unchanged",
	  FC4BIG(TCP, .payload = 2540), CS_PARTIAL, 0, PASS(CSUM_PARTIAL) },
	{ "IPv4/TCP partial whose checksum is 0: REDIRECT, written 0xffff",
	  FC4(TCP, .payload = 100), CS_PARTIAL_0, DONE, FWD4 },
	{ "IPv4/UDP partial whose checksum is 0: REDIRECT, written 0xffff",
	  FC4(.payload = 41), CS_PARTIAL_0, DONE, FWD4 },
	{ "IPv4/TCP complete: REDIRECT, unchanged",
	  FC4(TCP, .payload = 100), CS_COMPLETE, 0, FWD4 },
	{ "IPv4/TCP complete and equal to the pseudo-header sum: REDIRECT, unchanged",
	  FC4(TCP, .payload = 100), CS_SEED, 0, FWD4 },
	{ "IPv4/UDP checksum 0 (none): REDIRECT, unchanged",
	  FC4(.payload = 18), CS_NONE, 0, FWD4 },
	{ "IPv4/TCP wrong checksum: REDIRECT, unchanged (the kernel forwards it too)",
	  FC4(TCP, .payload = 100), CS_BAD, 0, FWD4 },
	{ "IPv4/UDP first fragment (MF) holding the pseudo-header sum: REDIRECT, unchanged",
	  FC4(.payload = 64, .frag_off = 0x2000), CS_PARTIAL, 0, FWD4 },
	{ "IPv4/UDP later fragment (offset 1480), no L4 header: REDIRECT, unchanged",
	  FC4(.payload = 64, .frag_off = 185), CS_PARTIAL, 0, FWD4 },
	{ "IPv4/TCP header cut by tot_len (10-byte segment): REDIRECT, unchanged",
	  FC4(TCP, .tot_len = 30), CS_PARTIAL, 0, FWD4 },
	{ "IPv4/UDP header cut by tot_len (6-byte segment): REDIRECT, unchanged",
	  FC4(.payload = 8, .tot_len = 26), CS_PARTIAL, 0, FWD4 },
	{ "IPv4/UDP length 8 bytes over the IP payload: REDIRECT, unchanged",
	  FC4(.payload = 20, .tot_len = 40), CS_PARTIAL, 0, FWD4 },
	{ "IPv4/TCP partial from a NIC without the flag (physical): REDIRECT as it came",
	  F4(MAC_VR1, SRC4, "198.18.10.5", TCP, .payload = 100), CS_PARTIAL, 0, FWD4 },
	{ "IPv4/TCP partial, TTL 1: PASS TTL, unchanged (the VR's kernel completes it)",
	  FC4(TCP, .payload = 100, .ttl = 1), CS_PARTIAL, 0, PASS(TTL) },
	{ "IPv4/UDP partial, no route: PASS NOT_FWDED, unchanged",
	  F4(MAC_CSUM, SRC4, "198.18.99.1", .payload = 18), CS_PARTIAL, 0, PASS(NOT_FWDED) },
	{ "IPv6/UDP partial, odd length (33-byte payload): REDIRECT, completed",
	  FC6(.payload = 33), CS_PARTIAL, DONE, FWD6 },
	{ "IPv6/TCP partial, 1440-byte payload (MTU 1500): REDIRECT, completed",
	  FC6(TCP, .payload = 1440), CS_PARTIAL, DONE, FWD6 },
	{ "IPv6/TCP partial whose checksum is 0: REDIRECT, written 0xffff",
	  FC6(TCP, .payload = 77), CS_PARTIAL_0, DONE, FWD6 },
	{ "IPv6/UDP complete and equal to the pseudo-header sum: REDIRECT, unchanged",
	  FC6(.payload = 30), CS_SEED, 0, FWD6 },
	{ "IPv6/TCP complete: REDIRECT, unchanged",
	  FC6(TCP, .payload = 30), CS_COMPLETE, 0, FWD6 },
	{ "IPv6/TCP header cut by payload_len (10 bytes): REDIRECT, unchanged",
	  FC6(TCP, .tot_len = 10), CS_PARTIAL, 0, FWD6 },
	{ "IPv6/UDP partial, 2559-byte segment: REDIRECT out1, completed",
	  FC6BIG(.payload = 2551), CS_PARTIAL, DONE, FWD(1, OUT1, MAC_N(1, 1, 0x62)) },
	{ "IPv6/UDP partial, 2560-byte segment: PASS CSUM_PARTIAL, unchanged",
	  FC6BIG(.payload = 2552), CS_PARTIAL, 0, PASS(CSUM_PARTIAL) },
	{ "IPv6 fragment header (next header 44): REDIRECT, unchanged",
	  FC6(.proto = 44, .payload = 16), CS_COMPLETE, 0, FWD6 },
	{ "IPv6/TCP partial from a NIC without the flag (physical): REDIRECT as it came",
	  F6(MAC_VR1, SRC6, "2001:2:0:10::5", TCP, .payload = 100), CS_PARTIAL, 0, FWD6 },
};

/* Where a built frame's L4 segment and check field are, and its
 * pseudo-header sum (unfolded), from the IP header as the program reads it.
 */
struct l4_at {
	size_t l4, len, field, hlen;
	__u32 pseudo;
};

static int l4_at(const __u8 *fr, struct l4_at *a)
{
	const __u8 *ip = fr + FB_ETH_HLEN;
	int proto;

	if (fb_get16(fr + 12) == 0x0800) {
		proto = ip[9];
		a->l4 = FB_ETH_HLEN + FB_IP4_HLEN;
		a->len = fb_get16(ip + 2) - FB_IP4_HLEN;
		a->pseudo = fb_sum(ip + 12, 8, 0);
	} else {
		proto = ip[6];
		a->l4 = FB_ETH_HLEN + FB_IP6_HLEN;
		a->len = fb_get16(ip + 4);
		a->pseudo = fb_sum(ip + 8, 32, 0);
	}
	a->pseudo += (__u32)proto + (__u32)a->len;
	a->hlen = proto == IPPROTO_TCP ? FB_TCP_HLEN : FB_UDP_HLEN;
	a->field = a->l4 + (proto == IPPROTO_TCP ? 16 : 6);
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP;
}

/* The complete checksum of the segment (its field taken as 0), unmangled. */
static __u16 l4_complete(__u8 *fr, const struct l4_at *a)
{
	__u16 saved = fb_get16(fr + a->field), c;

	fb_put16(fr + a->field, 0);
	c = (__u16)~fb_fold(fb_sum(fr + a->l4, a->len, a->pseudo));
	fb_put16(fr + a->field, saved);
	return c;
}

/* Does the segment with its field verify (sum 0xffff with the pseudo-header)? */
static int l4_verifies(const __u8 *fr, const struct l4_at *a)
{
	return fb_fold(fb_sum(fr + a->l4, a->len, a->pseudo)) == 0xffff;
}

/* Change the first payload word so that the complete checksum is WANT;
 * the field then holds it (0 spelled 0xffff, as the kernel does).  0 if
 * that was done.
 */
static int l4_make(__u8 *fr, const struct l4_at *a, __u16 want)
{
	size_t w = a->l4 + a->hlen;
	__u16 base, c;

	fb_put16(fr + w, 0);
	fb_put16(fr + a->field, 0);
	base = fb_fold(fb_sum(fr + a->l4, a->len, a->pseudo));
	fb_put16(fr + w, fb_fold((__u32)(__u16)~want + (__u16)~base));
	c = l4_complete(fr, a);
	fb_put16(fr + a->field, c ? c : 0xffff);
	return c == want ? 0 : -1;
}

/*
 * Every case: the input as cs says, the output checked byte for byte
 * against the complete frame (completed) or the input, with the counters.
 * A completed frame's expected checksum must itself verify.
 */
static void partial_csum(void)
{
	static __u8 good[FB_MAX], frame[FB_MAX];
	size_t i, len;

	for (i = 0; i < sizeof(csum_cases) / sizeof(csum_cases[0]); i++) {
		const struct csum_case *t = &csum_cases[i];
		struct l4_at a;
		int has, ok = 1;
		__u16 seed;

		len = fb_build(good, sizeof(good), &t->f);
		if (!len) {
			report(0, "%s (test bug: frame not built)", t->desc);
			continue;
		}
		has = l4_at(good, &a);
		seed = fb_fold(a.pseudo);
		if (t->cs == CS_SEED)
			ok = !l4_make(good, &a, seed);
		else if (t->cs == CS_PARTIAL_0)
			ok = !l4_make(good, &a, 0);
		memcpy(frame, good, len);
		if (has && (t->cs == CS_PARTIAL || t->cs == CS_PARTIAL_0))
			fb_put16(frame + a.field, seed);
		else if (has && t->cs == CS_NONE)
			fb_put16(frame + a.field, 0);
		else if (has && t->cs == CS_BAD)
			fb_put16(frame + a.field, fb_get16(good + a.field) ^
				 ((fb_get16(good + a.field) ^ 0x5a5a) == seed ? 0x5a5b : 0x5a5a));
		if (!ok || (t->completed && !l4_verifies(good, &a))) {
			report(0, "%s (test bug: expected frame does not verify)", t->desc);
			continue;
		}
		ok = check_frame_as(IN0, frame, t->completed ? good : frame, len,
				    (__u32)t->action, t->vr, t->reason, t->out, t->nh);
		report(ok, "%s", t->desc);
	}
}

/*
 * Every segment length a partial checksum is completed for, IPv4/TCP and
 * IPv6/UDP (20 and 8 .. 2559 bytes, out1): each forwarded with the
 * checksum the frame builder computes, byte for byte.  The lengths and
 * addresses vary the pseudo-header's carries (a 32-bit carry once went
 * unseen: lengths 0x..fa-0x..ff were not recognised as partial).
 */
static void partial_sweep(int family)
{
	static __u8 good[FB_MAX], frame[FB_MAX], exp[FB_MAX];
	static struct result r;
	const __u8 nh4[6] = MAC_N(1, 1, 2), nh6[6] = MAC_N(1, 1, 0x62);
	const __u8 *smac = port_mac(1, OUT1);
	unsigned int n = 0, bad = 0, pl, max = family == 4 ? 2539 : 2551;
	struct snap before, after;
	size_t len;

	take_snap(&before);
	for (pl = 0; pl <= max; pl++) {
		struct fb_params f = family == 4 ? (struct fb_params)FC4BIG(TCP, .payload = (__u16)pl) :
				     (struct fb_params)FC6BIG(.payload = (__u16)pl);
		struct l4_at a;

		f.sport = (__u16)(1024 + pl * 37);
		len = fb_build(good, sizeof(good), &f);
		l4_at(good, &a);
		memcpy(frame, good, len);
		fb_put16(frame + a.field, fb_fold(a.pseudo));
		run(IN0, frame, len, &r);
		expect_forwarded(exp, good, len, family == 4 ? nh4 : nh6, smac);
		n++;
		if (r.err || r.action != XDP_REDIRECT || r.len != len || memcmp(exp, r.out, len) ||
		    !l4_verifies(r.out, &a)) {
			if (bad++ < 5) {
				printf("#   payload %u: err %d action %s\n", pl, r.err,
				       action_name(r.action));
				frame_diff(exp, len, r.out, r.len);
			}
		}
	}
	take_snap(&after);
	report(!bad && after.vr[1].fwd.packets - before.vr[1].fwd.packets == n,
	       "partial checksum sweep, IPv%d/%s: %u segment lengths up to 2559 bytes, "
	       "each completed as the builder computes it (%u wrong)", family,
	       family == 4 ? "TCP" : "UDP", n, bad);
}

/* ---- special loops ---- */

/*
 * Every prefix of a valid frame, 0..len-1 bytes: never forwarded, the
 * output always the input.  From 14 bytes on the frame is a VR's and
 * counts as MALFORMED (the IP header, or the datagram tot_len/payload_len
 * promises, is cut).  Below 14 bytes: BPF_PROG_RUN for XDP refuses
 * data_size_in < ETH_HLEN with EINVAL (bpf_test_init; seen on 6.18), so
 * those lengths cannot be run; should a kernel run them, the frame must
 * be host traffic (no_vr), and that is what is checked then.
 */
static void truncation(const char *what, const struct fb_params *f, const __u8 nh[6])
{
	static __u8 frame[FB_MAX];
	static struct result r;
	size_t len = fb_build(frame, sizeof(frame), f), n, bad = 0;
	size_t short_rejected = 0, short_ran = 0;

	for (n = 0; n < len; n++) {
		int ok;

		if (n < FB_ETH_HLEN) {
			run(IN0, frame, n, &r);
			if (r.err == -EINVAL) {
				short_rejected++;
				continue;
			}
			short_ran++;
			ok = check_frame(IN0, frame, n, XDP_PASS, 0, -1, OUT0, NULL);
		} else {
			ok = check_frame(IN0, frame, n, XDP_PASS, 1, VR_PASS_MALFORMED,
					 OUT0, NULL);
		}
		if (!ok) {
			printf("#   ^ %s truncated to %zu bytes\n", what, n);
			bad++;
		}
	}
	report(!bad, "%s truncated to every length %d..%zu: PASS MALFORMED, unchanged",
	       what, FB_ETH_HLEN, len - 1);
	if (short_rejected == FB_ETH_HLEN)
		report(1, "%s truncated to 0..13 bytes: BPF_PROG_RUN refuses (EINVAL), "
		       "the program never sees it", what);
	else
		report(!bad, "%s truncated to 0..13 bytes: %zu refused, %zu ran as no_vr",
		       what, short_rejected, short_ran);
	report(check_frame(IN0, frame, len, XDP_REDIRECT, 1, -1, OUT0, nh),
	       "%s untruncated (%zu bytes): REDIRECT", what, len);
}

/*
 * TTL decrement against a full recomputation, for every TTL 2..255 and
 * starting checksums chosen (through the IP id) to hit the carry cases of
 * the incremental update: 0x0000, 0xfeff, 0xffff (another valid spelling
 * of 0x0000), byte boundaries in both byte orders.
 */
static void checksum_sweep(void)
{
	static const __u16 targets[] = {
		0x0000, 0x0001, 0x00fe, 0x00ff, 0x0100, 0x0101, 0x01ff, 0x7fff,
		0x8000, 0x80ff, 0xfe00, 0xfeff, 0xff00, 0xfefe, 0xfffe, 0x1234,
	};
	static __u8 frame[FB_MAX];
	static struct result r;
	static __u8 exp[FB_MAX];
	const __u8 nh[6] = MAC_N(1, 0, 2), *smac = port_mac(1, OUT0);
	struct snap before, after;
	unsigned int ttl, n = 0, bad = 0, hit0 = 0, hitff = 0;
	size_t t, len;
	char src[32], dst[32];

	take_snap(&before);
	for (ttl = 2; ttl <= 255; ttl++) {
		for (t = 0; t <= sizeof(targets) / sizeof(targets[0]); t++) {
			struct fb_params f = {
				.family = 4, .dmac = MAC_VR1, .smac = MAC_SENDER,
				.ttl = (int)ttl, .payload = (__u16)(ttl % 7),
				.proto = ttl % 3 ? IPPROTO_UDP : IPPROTO_TCP,
				.tos = (__u8)(t * 4),
				.frag_off = ttl & 1 ? 0x4000 : 0,
			};
			__u16 want, c0, id, got;
			int alt_ffff = t == sizeof(targets) / sizeof(targets[0]);
			__u8 *ip = frame + FB_ETH_HLEN;

			snprintf(src, sizeof(src), "198.18.%u.%u", (ttl * 13) % 128, ttl);
			snprintf(dst, sizeof(dst), "198.18.10.%u", (ttl * 7 + (unsigned)t) % 256);
			f.saddr = src;
			f.daddr = dst;
			want = alt_ffff ? 0x0000 : targets[t];
			/* checksum(id) = ~(S0 + id) with S0 = ~c0: solve for id. */
			len = fb_build(frame, sizeof(frame), &f);
			c0 = fb_get16(ip + 10);
			id = fb_fold((__u32)(__u16)~want + c0);
			f.id = id;
			len = fb_build(frame, sizeof(frame), &f);
			got = fb_get16(ip + 10);
			if (got != want)	/* unreachable value (e.g. 0xffff) */
				continue;
			if (alt_ffff) {	/* 0xffff verifies wherever 0x0000 does */
				fb_put16(ip + 10, 0xffff);
				hitff++;
			} else if (want == 0) {
				hit0++;
			}
			run(IN0, frame, len, &r);
			expect_forwarded(exp, frame, len, nh, smac);
			n++;
			if (r.err || r.action != XDP_REDIRECT || r.len != len ||
			    memcmp(exp, r.out, len)) {
				if (bad++ < 5) {
					printf("#   TTL %u, checksum %04x%s: err %d action %s\n",
					       ttl, want, alt_ffff ? " (as ffff)" : "",
					       r.err, action_name(r.action));
					frame_diff(exp, len, r.out, r.len);
				}
			}
		}
	}
	take_snap(&after);
	report(!bad && n > 254 * 14 && hit0 == 254 && hitff == 254,
	       "checksum sweep: %u frames, TTL 2..255 x %zu starting checksums "
	       "(incl. 0x0000 and 0xffff): output checksum == full recomputation",
	       n, sizeof(targets) / sizeof(targets[0]) + 1);
	report(after.vr[1].fwd.packets - before.vr[1].fwd.packets == n &&
	       after.vr[1].rx.packets - before.vr[1].rx.packets == n,
	       "checksum sweep: VR 1 rx and fwd grew by %u", n);
}

/* VR 3: 512 /26 routes 198.18.128.0/26 .. 198.18.255.192/26, route i via
 * next hop i % 4.  Every prefix is tried, at a host that varies with i.
 */
static void routes_512(void)
{
	static const struct {
		enum nic out;
		__u8 nh[6];
	} hop[4] = {
		{ OUT0, MAC_N(3, 0, 10) }, { OUT0, MAC_N(3, 0, 11) },
		{ OUT1, MAC_N(3, 1, 10) }, { OUT1, MAC_N(3, 1, 11) },
	};
	static __u8 frame[FB_MAX];
	char dst[32];
	unsigned int i, bad = 0;
	size_t len;
	int ok;

	for (i = 0; i < 512; i++) {
		struct fb_params f = {
			.family = 4, .dmac = MAC_VR3, .smac = MAC_SENDER,
			.saddr = SRC4, .daddr = dst, .sport = (__u16)(5000 + i),
		};

		snprintf(dst, sizeof(dst), "198.18.%u.%u", 128 + i / 4,
			 i % 4 * 64 + 1 + (i * 7) % 62);
		len = fb_build(frame, sizeof(frame), &f);
		ok = check_frame(IN0, frame, len, XDP_REDIRECT, 3, -1,
				 hop[i % 4].out, hop[i % 4].nh);
		if (!ok)
			bad++;
		if (i == 0 || i == 255 || i == 256 || i == 511)
			report(ok, "512 routes: prefix %u (%s) via next hop %u on %s",
			       i, dst, i % 4, nic_name[hop[i % 4].out]);
		else if (!ok)
			printf("#   ^ prefix %u (%s)\n", i, dst);
	}
	report(!bad, "512 routes: all 512 prefixes forwarded to the right next hop");

	{
		struct fb_params f = F4(MAC_VR3, SRC4, "198.18.127.255");

		len = fb_build(frame, sizeof(frame), &f);
		report(check_frame(IN0, frame, len, XDP_PASS, 3, VR_PASS_NOT_FWDED, OUT0, NULL),
		       "512 routes: 198.18.127.255, just below the first prefix: PASS NOT_FWDED");
	}
}

/* Which of out0/out1 a forwarded frame took (by the VR's source MAC), and
 * whether its next hop MAC is the one for that egress; -1 if neither.
 */
static int ecmp_leg(const struct result *r, __u32 vr, const __u8 nh0[6], const __u8 nh1[6])
{
	if (r->err || r->action != XDP_REDIRECT)
		return -1;
	if (!memcmp(r->out + 6, port_mac(vr, OUT0), 6) && !memcmp(r->out, nh0, 6))
		return 0;
	if (!memcmp(r->out + 6, port_mac(vr, OUT1), 6) && !memcmp(r->out, nh1, 6))
		return 1;
	return -1;
}

/*
 * Multipath route nexthop via A dev out0 nexthop via B dev out1, hash
 * policy 1 (L4): 64 source ports must use both legs, each flow always
 * the same one, with the right neighbour per leg.  And the fragments of
 * one datagram must stay together: the kernel's own multipath hash never
 * uses the ports of a fragment, first one included (the flow dissector
 * stops at fragments unless asked to parse first ones), so later
 * fragments, without ports, and the first, with them, must agree.
 */
static void ecmp(int family)
{
	static __u8 frame[FB_MAX];
	static struct result r;
	const __u8 nh4[2][6] = { MAC_N(1, 0, 2), MAC_N(1, 1, 2) };
	const __u8 nh6[2][6] = { MAC_N(1, 0, 0x62), MAC_N(1, 1, 0x62) };
	const __u8 (*nh)[6] = family == 4 ? nh4 : nh6;
	const char *v = family == 4 ? "IPv4" : "IPv6";
	unsigned int k, count[2] = { 0, 0 }, bad = 0, unstable = 0;
	int leg, leg2, later = -1, split = 0;
	size_t len;

	for (k = 0; k < 64; k++) {
		struct fb_params f = {
			.family = family, .dmac = MAC_VR1, .smac = MAC_SENDER,
			.saddr = family == 4 ? SRC4 : SRC6,
			.daddr = family == 4 ? "198.18.50.9" : "2001:2:0:50::9",
			.sport = (__u16)(10000 + k), .dport = 53,
		};

		len = fb_build(frame, sizeof(frame), &f);
		run(IN0, frame, len, &r);
		leg = ecmp_leg(&r, 1, nh[0], nh[1]);
		run(IN0, frame, len, &r);
		leg2 = ecmp_leg(&r, 1, nh[0], nh[1]);
		if (leg < 0) {
			if (bad++ < 3)
				printf("#   sport %u: err %d action %s, MACs not a leg's\n",
				       f.sport, r.err, action_name(r.action));
			continue;
		}
		if (leg2 != leg)
			unstable++;
		count[leg]++;
	}
	report(!bad && count[0] && count[1],
	       "%s ECMP: 64 source ports use both legs (out0 %u, out1 %u), right neighbours",
	       v, count[0], count[1]);
	report(!bad && !unstable, "%s ECMP: every flow takes the same leg twice", v);

	if (family != 4)
		return;
	for (k = 0; k < 64; k++) {
		struct fb_params f = {
			.family = 4, .dmac = MAC_VR1, .smac = MAC_SENDER,
			.saddr = SRC4, .daddr = "198.18.50.9", .id = (__u16)k,
			.sport = (__u16)(10000 + k), .dport = 53,
			.frag_off = 0x2000, .payload = 64,	/* MF, offset 0 */
		};

		len = fb_build(frame, sizeof(frame), &f);
		run(IN0, frame, len, &r);
		leg = ecmp_leg(&r, 1, nh[0], nh[1]);
		/* The same datagram's last fragment: offset 9 (72 bytes). */
		f.frag_off = 9;
		f.proto = IPPROTO_UDP;
		len = fb_build(frame, sizeof(frame), &f);
		run(IN0, frame, len, &r);
		leg2 = ecmp_leg(&r, 1, nh[0], nh[1]);
		if (leg < 0 || leg2 < 0) {
			bad++;
			continue;
		}
		if (later < 0)
			later = leg2;
		if (leg != leg2 || leg2 != later)
			split++;
	}
	report(!bad && !split,
	       "IPv4 ECMP: first and later fragments of a datagram take the same leg "
	       "(%d of 64 datagrams split)", split);
}

/* ---- admission control ---- */

/* VR V's limit: PPS/BURST and BPS/BURST_BYTES (0: none), bucket emptied,
 * a new generation (CPUs drop their credit), as vrctl writes it.
 */
static void set_limit(__u32 v, __u64 pps, __u32 burst, __u64 bps, __u64 burst_bytes)
{
	struct vr_limit l = { .rate_pps = pps, .burst = burst, .rate_bps = bps,
			      .burst_bytes = burst_bytes };

	if (vr_limit_derive(&l))
		die("vr_limit_derive", EINVAL);
	if (vr_limit_write(&dp_st, v, &l))
		die("vr_limits update", EIO);
}

/*
 * N frames back to back (one BPF_PROG_RUN each: a repeated run would see
 * the frame as the previous run rewrote it): the first ADMIT are
 * forwarded, the rest policed (XDP_DROP, unchanged), with rates so low
 * (1 pps, 1 kbit/s) that the bucket gains nothing while the test runs.
 * Returns 1 if every action was right and the counters of VR V (and no
 * others) grew by exactly N rx, ADMIT fwd and N - ADMIT policed.
 */
static int burst_exact(__u32 v, const __u8 *frame, size_t len, __u32 n, __u32 admit,
		       const char *what)
{
	static struct result r;
	struct snap before, after, want;
	__u32 i, bad = 0;

	take_snap(&before);
	want = before;
	for (i = 0; i < n; i++) {
		__u32 exp = i < admit ? XDP_REDIRECT : XDP_DROP;

		run(IN0, frame, len, &r);
		if (r.err || r.action != exp) {
			if (bad++ < 3)
				printf("#   %s: frame %u: err %d, %s, expected %s\n", what, i,
				       r.err, action_name(r.action), action_name(exp));
		} else if (exp == XDP_DROP && (r.len != len || memcmp(r.out, frame, len))) {
			if (bad++ < 3)
				printf("#   %s: frame %u: policed frame changed\n", what, i);
		}
		add(&want.vr[v].rx, len);
		add(i < admit ? &want.vr[v].fwd : &want.vr[v].policed, len);
	}
	take_snap(&after);
	return snap_check(&want, &after) && !bad;
}

/* The admission tests' frames: F1 to VR 1 (never limited) and F2 to VR 2,
 * and the next hops they are forwarded to.
 */
struct adm_frames {
	__u8 f1[FB_MAX], f2[FB_MAX];
	size_t l1, l2;
	__u8 nh1[6], nh2[6];
};

/* VR V's limit as written, changed by the caller, written back in the
 * same generation (bucket and CPU credit kept, unlike set_limit()).
 */
static void limit_get(__u32 v, struct vr_limit *l)
{
	int err = vr_limit_read(&dp_st, v, l);

	if (err)
		die("vr_limits lookup", err);
}

static void limit_put(__u32 v, const struct vr_limit *l)
{
	if (bpf_map_update_elem(fd_limits, &v, l, BPF_ANY))
		die("vr_limits update", errno);
}

/* Packet bucket: limited, changed, removed. */
static void admission_pps(const struct adm_frames *a)
{
	/* Packet bucket: burst 5, 1 pps. */
	set_limit(2, 1, 5, 0, 0);
	report(burst_exact(2, a->f2, a->l2, 8, 5, "pps"),
	       "admission: VR 2 limited to 1 pps burst 5: exactly 5 of 8 back-to-back "
	       "frames forwarded, 3 policed");
	report(check_frame(IN0, a->f2, a->l2, XDP_DROP, 2, -1, OUT1, NULL),
	       "admission: one more VR 2 frame: XDP_DROP, frame unchanged, rx and policed +1");
	report(check_frame(IN0, a->f1, a->l1, XDP_REDIRECT, 1, -1, OUT0, a->nh1),
	       "admission: VR 1 (no limit) still forwarded while VR 2 is over its limit");
	/* Changing the limit takes effect on the next frame (no reload). */
	set_limit(2, 1000000000ULL, 1000, 0, 0);
	report(burst_exact(2, a->f2, a->l2, 1000, 1000, "pps high"),
	       "admission: VR 2 raised to 1 Gpps burst 1000: 1000 of 1000 forwarded");
	set_limit(2, 0, 0, 0, 0);
	report(check_frame(IN0, a->f2, a->l2, XDP_REDIRECT, 2, -1, OUT1, a->nh2),
	       "admission: VR 2 limit removed: forwarded");
	report(burst_exact(2, a->f2, a->l2, 100, 100, "none"),
	       "admission: VR 2 without a limit: 100 of 100 forwarded");
}

/* Byte bucket, alone and with the packet bucket (a refused frame gives
 * its packet back).
 */
static void admission_bytes(const struct adm_frames *a)
{
	struct vr_limit l;
	size_t l2 = a->l2;

	/* Byte bucket: 1 kbit/s, room for exactly 3 frames. */
	set_limit(2, 0, 0, 1000, 3 * l2);
	report(burst_exact(2, a->f2, l2, 7, 3, "bps"),
	       "admission: VR 2 limited to 1 kbit/s, burst 3 frames' bytes (%zu): "
	       "exactly 3 of 7 forwarded", 3 * l2);
	set_limit(2, 0, 0, 1000, 3 * l2 - 1);
	report(burst_exact(2, a->f2, l2, 7, 2, "bps-1"),
	       "admission: burst one byte short of 3 frames: exactly 2 of 7 forwarded");
	/* Both: the byte bucket refuses the 3rd, which gives its packet back,
	 * so after the byte limit is lifted the packet bucket still has 2.
	 */
	set_limit(2, 1, 4, 1000, 2 * l2);
	report(burst_exact(2, a->f2, l2, 5, 2, "pps+bps"),
	       "admission: pps burst 4 and bytes for 2 frames: exactly 2 of 5 forwarded");
	/* the same generation: the bucket and the CPU's credit stay */
	limit_get(2, &l);
	l.rate_bps = l.burst_bytes = 0;
	vr_limit_derive(&l);
	limit_put(2, &l);
	report(burst_exact(2, a->f2, l2, 4, 2, "refund"),
	       "admission: refused frames gave their packet back: 2 more of 4 pass the packet bucket");
}

/* Credit taken in batches, and a new generation dropping what a CPU holds. */
static void admission_batches(const struct adm_frames *a)
{
	struct vr_limit l;
	size_t l2 = a->l2;

	/* Batches of credit (burst 200: 16 frames at a time) keep totals exact. */
	set_limit(2, 1, 200, 0, 0);
	report(burst_exact(2, a->f2, l2, 230, 200, "batched"),
	       "admission: 1 pps burst 200 (credit taken 16 frames at a time): exactly 200 of 230");
	set_limit(2, 1, 203, 0, 0);
	report(burst_exact(2, a->f2, l2, 210, 203, "batched-odd"),
	       "admission: burst 203 (not a multiple of the batch): exactly 203 of 210");
	set_limit(2, 0, 0, 1000, 200 * l2);
	report(burst_exact(2, a->f2, l2, 230, 200, "batched-bytes"),
	       "admission: 1 kbit/s with bytes for 200 frames (byte credit in batches): exactly 200 of 230");
	/* A new generation drops what a CPU still holds: burst 100 -> 12 at a
	 * time (burst / 8); 10 frames leave 2 in this CPU's credit.
	 */
	set_limit(2, 1, 100, 0, 0);
	report(burst_exact(2, a->f2, l2, 10, 10, "gen-a"), "admission: 10 frames of burst 100");
	limit_get(2, &l);
	l.gen++;	/* the bucket stays: 100 - 12 taken */
	limit_put(2, &l);
	report(burst_exact(2, a->f2, l2, 100, 88, "gen-b"),
	       "admission: after a new generation the 2 credits held are gone: 88 of 100 more");
	set_limit(2, 0, 0, 0, 0);
}

static void admission(void)
{
	static struct adm_frames a = { .nh1 = MAC_N(1, 0, 2), .nh2 = MAC_N(2, 1, 2) };
	const struct fb_params p1 = F4(MAC_VR1, SRC4, "198.18.10.5", .payload = 18);
	const struct fb_params p2 = F4(MAC_VR2, SRC4, "198.18.10.5", .payload = 18);

	a.l1 = fb_build(a.f1, sizeof(a.f1), &p1);
	a.l2 = fb_build(a.f2, sizeof(a.f2), &p2);
	admission_pps(&a);
	admission_bytes(&a);
	admission_batches(&a);

	/* The limit of one VR does not touch another's frames or bucket. */
	set_limit(3, 1, 1, 0, 0);
	report(burst_exact(1, a.f1, a.l1, 200, 200, "other"),
	       "admission: VR 3 limited to 1 pps: VR 1 forwards 200 of 200");
	set_limit(3, 0, 0, 0, 0);
}

/* ---- tracing (vr_trace_ctl, vr_trace_bkt, vr_trace) ---- */

#define TR_MAX 512

struct tr_seen {
	int n;
	struct vr_trace_event ev[TR_MAX];
};

static int tr_cb(void *ctx, void *data, size_t size)
{
	struct tr_seen *s = ctx;

	if (size >= sizeof(struct vr_trace_event) && s->n < TR_MAX)
		memcpy(&s->ev[s->n], data, sizeof(struct vr_trace_event));
	s->n++;
	return 0;
}

static struct ring_buffer *tr_rb;
static struct tr_seen tr_seen;

static void tr_set(__u32 flags, __u32 vr, __u32 reasons)
{
	struct vr_trace_ctl c = { .flags = flags, .vr_id = vr, .reasons = reasons };
	__u32 zero = 0;

	if (bpf_map_update_elem(bpf_map__fd(skel->maps.vr_trace_ctl), &zero, &c, BPF_ANY))
		die("vr_trace_ctl update", errno);
}

/* Run one frame through check_frame (trace must change nothing) and
 * collect its events: 1 if the frame checks out and N events came.
 */
static int tr_run(const struct fb_params *p, __u32 action, __u32 vr, int reason,
		  enum nic out, const __u8 *nh, int n)
{
	static __u8 frame[FB_MAX];
	size_t len = fb_build(frame, sizeof(frame), p);
	const struct vr_trace_event *e = &tr_seen.ev[0];
	int ok;

	tr_seen.n = 0;
	ok = check_frame(IN0, frame, len, action, vr, reason, out, nh);
	ring_buffer__consume(tr_rb);
	if (tr_seen.n != n) {
		printf("#   %d events, expected %d\n", tr_seen.n, n);
		return 0;
	}
	if (n && (e->vr_id != vr || e->ifindex != ifidx[IN0] || e->frame_len != len ||
		  e->caplen != (len < VR_TRACE_SNAPLEN ? len : VR_TRACE_SNAPLEN) ||
		  memcmp(e->data, frame, e->caplen))) {
		printf("#   event: vr %u ifindex %u len %u caplen %u\n", e->vr_id,
		       e->ifindex, e->frame_len, e->caplen);
		return 0;
	}
	return ok;
}

/* 300 frames back to back with every event wanted: the bucket lets the
 * burst through, then VR_TRACE_RATE a second; sent + limited = 300.
 */
static void tr_rate(void)
{
	const struct fb_params p = F4(MAC_VR1, SRC4, "240.0.0.1");
	static __u8 frame[FB_MAX];
	static struct result r;
	size_t len = fb_build(frame, sizeof(frame), &p);
	struct vr_trace_bkt b0, b1;
	struct timespec t0, t1;
	double secs, bound;
	int i;

	vr_trace_bkt_read(&dp_st, &b0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 300; i++)
		run(IN0, frame, len, &r);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	vr_trace_bkt_read(&dp_st, &b1);
	tr_seen.n = 0;
	ring_buffer__consume(tr_rb);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	bound = VR_TRACE_BURST + secs * VR_TRACE_RATE + 1;
	report(b1.sent - b0.sent + b1.limited - b0.limited == 300 && b1.lost == b0.lost &&
	       tr_seen.n == (int)(b1.sent - b0.sent) && tr_seen.n <= bound,
	       "trace: 300 frames in %.1f ms: %d events (at most %.0f), %llu rate-limited",
	       secs * 1e3, tr_seen.n, bound, (unsigned long long)(b1.limited - b0.limited));
}

static void tracing(void)
{
	const struct fb_params noroute = F4(MAC_VR1, SRC4, "240.0.0.1");
	const struct fb_params fwd = F4(MAC_VR1, SRC4, "198.18.10.5", .payload = 18);
	const struct fb_params nov = F4(MAC_OTHER, SRC4, "198.18.10.5");
	const __u8 nh1[6] = MAC_N(1, 0, 2);
	const __u32 all = (1U << VR_PASS_MAX) - 1, nf = 1U << VR_PASS_NOT_FWDED;
	const struct vr_trace_event *e = &tr_seen.ev[0];

	tr_rb = ring_buffer__new(bpf_map__fd(skel->maps.vr_trace), tr_cb, &tr_seen, NULL);
	if (!tr_rb)
		die("ring_buffer__new", errno);
	report(tr_run(&noroute, XDP_PASS, 1, VR_PASS_NOT_FWDED, OUT0, NULL, 0),
	       "trace off: no route: PASS NOT_FWDED, no event");
	tr_set(VR_TRACE_ON, 0, all);
	report(tr_run(&noroute, XDP_PASS, 1, VR_PASS_NOT_FWDED, OUT0, NULL, 1) &&
	       e->verdict == VR_TRACE_V_PASS && e->reason == VR_PASS_NOT_FWDED,
	       "trace on: no route: one event (VR 1, in0, NOT_FWDED, the frame's bytes)");
	report(tr_run(&fwd, XDP_REDIRECT, 1, -1, OUT0, nh1, 0),
	       "trace on without FWD: forwarded frame: no event");
	report(tr_run(&nov, XDP_PASS, 0, -1, OUT0, NULL, 0),
	       "trace on: a frame of no VR (no_vr): never an event");
	tr_set(VR_TRACE_ON | VR_TRACE_FWD, 0, all);
	report(tr_run(&fwd, XDP_REDIRECT, 1, -1, OUT0, nh1, 1) &&
	       e->verdict == VR_TRACE_V_FWD && e->egress == ifidx[OUT0] &&
	       e->nh_family == VR_AF_INET && e->nh[0] == inet_addr("198.18.1.2"),
	       "trace FWD: forwarded frame: event with egress out0, next hop 198.18.1.2, "
	       "the frame as received");
	tr_set(VR_TRACE_ON | VR_TRACE_FWD, 2, all);
	report(tr_run(&noroute, XDP_PASS, 1, VR_PASS_NOT_FWDED, OUT0, NULL, 0),
	       "trace of VR 2: VR 1's frame: no event");
	tr_set(VR_TRACE_ON, 0, all & ~nf);
	report(tr_run(&noroute, XDP_PASS, 1, VR_PASS_NOT_FWDED, OUT0, NULL, 0),
	       "trace without reason NOT_FWDED: no event");
	set_limit(1, 1, 1, 0, 0);
	tr_set(VR_TRACE_POLICED, 0, 0);
	tr_run(&fwd, XDP_REDIRECT, 1, -1, OUT0, nh1, 0);	/* takes the burst of 1 */
	report(tr_run(&fwd, XDP_DROP, 1, -1, OUT0, NULL, 1) && e->verdict == VR_TRACE_V_POLICED,
	       "trace POLICED: policed frame: XDP_DROP, one event");
	set_limit(1, 0, 0, 0, 0);
	tr_set(VR_TRACE_ON, 0, all);
	tr_rate();
	tr_set(0, 0, 0);
	report(tr_run(&noroute, XDP_PASS, 1, VR_PASS_NOT_FWDED, OUT0, NULL, 0),
	       "trace off again: no event");
	ring_buffer__free(tr_rb);
}

/* ---- setup ---- */

static void parse_args(int argc, char **argv)
{
	int i, n, seen = 0;

	for (i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (!eq)
			goto bad;
		*eq++ = 0;
		if (!strcmp(argv[i], "lwt")) {
			have_lwt = atoi(eq);
			continue;
		}
		for (n = 0; n < NIC_MAX; n++) {
			if (!strcmp(argv[i], nic_name[n])) {
				ifidx[n] = (__u32)strtoul(eq, NULL, 10);
				seen |= 1 << n;
				break;
			}
			if (!strncmp(argv[i], "mac_", 4) && !strcmp(argv[i] + 4, nic_name[n])) {
				if (sscanf(eq, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &nic_mac[n][0],
					   &nic_mac[n][1], &nic_mac[n][2], &nic_mac[n][3],
					   &nic_mac[n][4], &nic_mac[n][5]) != 6)
					goto bad;
				break;
			}
		}
		if (n == NIC_MAX)
			goto bad;
	}
	for (n = 0; n < NIC_MAX; n++) {
		if (!(seen & (1 << n)))
			goto bad;
		/* Same namespace as the caller meant? */
		if (if_nametoindex(nic_name[n]) != ifidx[n]) {
			fprintf(stderr, "%s: %s is not ifindex %u here\n", argv[0],
				nic_name[n], ifidx[n]);
			exit(2);
		}
	}
	return;
bad:
	fprintf(stderr, "usage: %s in0=IFINDEX mac_in0=MAC ... (in0 in1 out0..out4) [lwt=0|1]\n"
		"run by tests/cases/10-dataplane.sh inside its namespace\n", argv[0]);
	exit(2);
}

static void setup_maps(void)
{
	struct bpf_map *m;
	size_t i;
	int pinned = 0;

	skel = dp_load_private();
	bpf_object__for_each_map(m, skel->obj)
		pinned += bpf_map__is_pinned(m) || bpf_map__pin_path(m);
	report(!pinned, "setup: program loaded, maps private (%d pinned)", pinned);

	prog_fd = bpf_program__fd(skel->progs.vr_forward);
	fd_stats = bpf_map__fd(skel->maps.vr_stats);
	fd_nic = bpf_map__fd(skel->maps.vr_nic_stats);
	fd_limits = bpf_map__fd(skel->maps.vr_limits);

	for (i = 0; i < sizeof(macs) / sizeof(macs[0]); i++)
		dp_add_mac(ifidx[macs[i].nic], macs[i].mac, macs[i].vr, macs[i].table,
			   macs[i].rp_filter, macs[i].flags);
	{
		static const __u8 slow_mac[6] = MAC_VR(0x13);

		if (vr_mac_set_slow(&dp_st, ifidx[IN0], slow_mac, VR_SLOW_ADMIN, true) < 0)
			die("vr_macs slow", EIO);
	}
	for (i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
		dp_add_port(ports[i].vr, ifidx[ports[i].nic], ports[i].mac);
	for (i = 0; i < sizeof(neighs) / sizeof(neighs[0]); i++) {
		__u8 addr[16];
		int family;

		if (inet_pton(AF_INET, neighs[i].addr, addr) == 1)
			family = AF_INET;
		else if (inet_pton(AF_INET6, neighs[i].addr, addr) == 1)
			family = AF_INET6;
		else
			die(neighs[i].addr, EINVAL);
		dp_add_neigh(neighs[i].vr, ifidx[neighs[i].nic], family, addr, neighs[i].mac);
	}
	for (i = 0; i < sizeof(tx_ports) / sizeof(tx_ports[0]); i++)
		dp_add_tx(ifidx[tx_ports[i]]);
}

int main(int argc, char **argv)
{
	static const struct fb_params trunc4 = F4(MAC_VR1, SRC4, "198.18.10.5", .payload = 18);
	static const struct fb_params trunc6 = F6(MAC_VR1, SRC6, "2001:2:0:10::5", .payload = 10);
	static const struct fb_params trunc6t = F6(MAC_VR1, SRC6, "2001:2:0:10::5",
						   .proto = IPPROTO_TCP, .payload = 4);
	static const __u8 nh4[6] = MAC_N(1, 0, 2), nh6[6] = MAC_N(1, 0, 0x62);

	setvbuf(stdout, NULL, _IOLBF, 0);
	parse_args(argc, argv);
	setup_maps();

	run_cases();
	port_copy();
	demux_copy();
	partial_csum();
	partial_sweep(4);
	partial_sweep(6);
	truncation("IPv4/UDP", &trunc4, nh4);
	truncation("IPv6/UDP", &trunc6, nh6);
	truncation("IPv6/TCP", &trunc6t, nh6);
	checksum_sweep();
	routes_512();
	ecmp(4);
	ecmp(6);
	admission();
	tracing();

	vrouter__destroy(skel);
	printf("# test_dataplane: %d passed, %d failed\n", n_ok, n_fail);
	return n_fail ? 1 : 0;
}
