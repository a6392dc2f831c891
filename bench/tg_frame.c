// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * What trafficgen's options make of the generator program before it is
 * loaded: the frame template (Ethernet, IPv4 or IPv6, UDP, payload, with
 * the fields the program varies left 0, and the checksum parts those
 * fields leave out), destinations, flows, MACs (--macs, --mac-weights as
 * a pattern), devices (--devs, --dev-macs) and pacing, into the
 * program's read-only data.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>

#include "lib/parse.h"
#include "tg.h"
#include "bench/trafficgen.skel.h"

/* Ones' complement sum of raw 16-bit words, as the BPF side adds them.
 * Read by memcpy: through a __u16 pointer, gcc -O2 may read a struct's
 * fields before they are stored (strict aliasing), as it did with the
 * IPv6 pseudo header's length and next header.
 */
static __u32 sum16(const void *p, size_t len)
{
	__u32 sum = 0;
	size_t i;
	__u16 w;

	for (i = 0; i + 1 < len; i += 2) {
		memcpy(&w, (const __u8 *)p + i, 2);
		sum += w;
	}
	return sum;
}

/* --mac-weights W,...: 0, or the exit status. */
static int parse_weights(struct tg *t)
{
	char *copy = strdup(t->o.weights), *tok, *save = NULL;

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (t->nw == BENCH_MAX_MACIDX || atoi(tok) < 0) {
			fprintf(stderr, "trafficgen: bad --mac-weights\n");
			return 2;
		}
		t->w[t->nw] = atoi(tok);
		t->wsum += t->w[t->nw++];
	}
	free(copy);
	if (!t->wsum || t->wsum > BENCH_PAT_MAX) {
		fprintf(stderr, "trafficgen: --mac-weights sum 1..%d\n", BENCH_PAT_MAX);
		return 2;
	}
	t->o.macs = t->nw;
	return 0;
}

/* Addresses and frame length: 0, or the exit status. */
static int parse_frame(struct tg *t)
{
	const char *src = t->o.src_ip, *dst = t->o.dst_ip;
	unsigned int min;

	t->v6 = strchr(dst, ':') != NULL;
	if (t->v6 ? inet_pton(AF_INET6, src, &t->s6) != 1 || inet_pton(AF_INET6, dst, &t->d6) != 1
		  : inet_pton(AF_INET, src, &t->s4) != 1 || inet_pton(AF_INET, dst, &t->d4) != 1) {
		fprintf(stderr, "trafficgen: bad address %s or %s\n", src, dst);
		return 2;
	}
	t->hdr = t->v6 ? BENCH_HDR6 : BENCH_HDR4;
	t->len = t->o.size - 4;		/* no FCS on a veth */
	min = (t->hdr + 3) & ~3u;
	if (t->o.size < 64 || t->len < min || t->len > TG_FRAME_MAX) {
		fprintf(stderr, "trafficgen: --size %u out of range (%u..%u)\n",
			t->o.size, (min + 4) < 64 ? 64 : min + 4, TG_FRAME_MAX + 4);
		return 2;
	}
	return 0;
}

/* The IPv4 header (daddr 0) and its sum; the UDP header after it. */
static struct udphdr *frame_ip4(struct tg *t)
{
	struct iphdr *ip = (void *)(t->frame + 14);
	struct udphdr *udp;

	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons(t->len - 14);
	ip->ttl = t->o.ttl;
	ip->protocol = IPPROTO_UDP;
	ip->saddr = t->s4.s_addr;
	t->skel->rodata->ip_csum_base = sum16(ip, sizeof(*ip));
	udp = (void *)(ip + 1);
	udp->len = htons(t->len - 14 - 20);
	t->skel->rodata->dst_base = ntohl(t->d4.s_addr);
	return udp;
}

/* The IPv6 header (daddr's low 32 bits 0); the UDP header after it, and
 * the UDP sum of the pseudo header, UDP header and payload with magic set.
 */
static struct udphdr *frame_ip6(struct tg *t)
{
	struct ipv6hdr *ip6 = (void *)(t->frame + 14);
	struct { struct in6_addr s, d; __be32 len; __u8 z[3], nh; } ph = {};
	struct bench_payload *pl;
	struct udphdr *udp;

	ip6->version = 6;
	ip6->payload_len = htons(t->len - 14 - 40);
	ip6->nexthdr = IPPROTO_UDP;
	ip6->hop_limit = t->o.ttl;
	ip6->saddr = t->s6;
	ip6->daddr = t->d6;
	ip6->daddr.s6_addr32[3] = 0;
	udp = (void *)(ip6 + 1);
	udp->len = htons(t->len - 14 - 40);
	ph.s = t->s6;
	ph.d = ip6->daddr;
	ph.len = htonl(t->len - 14 - 40);
	ph.nh = IPPROTO_UDP;
	t->skel->rodata->dst_base = ntohl(t->d6.s6_addr32[3]);
	t->skel->rodata->is_v6 = 1;
	udp->dest = htons(t->o.dport);
	pl = (void *)(udp + 1);
	pl->magic = BENCH_MAGIC;
	t->skel->rodata->udp_csum_base = sum16(&ph, sizeof(ph)) +
					 sum16(udp, t->len - 14 - 40);
	return udp;
}

/* The frame: Ethernet, IP, UDP, payload; varying fields left 0.  Into
 * the template.
 */
static void frame_build(struct tg *t)
{
	struct ethhdr *eth = (void *)t->frame;
	struct bench_payload *pl;
	struct udphdr *udp;
	unsigned int i;

	memcpy(eth->h_dest, t->o.dmac, 6);
	memcpy(eth->h_source, t->o.smac, 6);
	eth->h_proto = htons(t->v6 ? ETH_P_IPV6 : ETH_P_IP);
	udp = t->v6 ? frame_ip6(t) : frame_ip4(t);
	udp->dest = htons(t->o.dport);
	pl = (void *)(udp + 1);
	pl->magic = BENCH_MAGIC;
	for (i = 0; i < BENCH_TMPL_WORDS; i++)
		memcpy((void *)&t->skel->rodata->tmpl[i], t->frame + 4 * i, 4);
}

/* Destinations, flows, MACs and pacing. */
static void set_params(struct tg *t)
{
	const struct tg_opts *o = &t->o;
	struct trafficgen__rodata *ro = t->skel->rodata;

	ro->dests = o->dests;
	ro->dst_step = o->step;
	ro->dst_scatter = o->scatter;
	ro->flows = o->flows;
	ro->nflow = (o->flows > o->dests ? o->flows : o->dests);
	if (ro->nflow > BENCH_MAX_FLOWS)
		ro->nflow = BENCH_MAX_FLOWS;
	ro->sport_base = o->sport;
	ro->macs = o->macs;
	ro->mac_lo = o->dmac[4] << 8 | o->dmac[5];
	if (o->rate > 0) {
		double ifp = 1e9 / o->rate * 65536.0;

		ro->interval_fp = ifp < 1 ? 1 : (__u64)ifp;
		ro->slack_fp = (__u64)(ifp * (o->slack ? o->slack : o->batch));
	}
}

/* --mac-weights as a pattern: smooth weighted round robin spreads each
 * MAC evenly.
 */
static void set_mac_pattern(struct tg *t)
{
	int cur[BENCH_MAX_MACIDX] = {}, best;
	unsigned int k, j;

	for (k = 0; k < t->wsum; k++) {
		best = -1;
		for (j = 0; j < t->nw; j++) {
			cur[j] += t->w[j];
			if (best < 0 || cur[j] > cur[best])
				best = j;
		}
		cur[best] -= t->wsum;
		*(__u8 *)&t->skel->rodata->mac_pat[k] = best;
	}
	t->skel->rodata->pat_len = t->wsum;
}

/* --devs IFACE,...: 0, or the exit status. */
static int parse_devs(struct tg *t)
{
	char *copy = strdup(t->o.devs), *tok, *save = NULL;

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (t->ndev == BENCH_MAX_MACIDX || !(t->devidx[t->ndev] = if_nametoindex(tok))) {
			fprintf(stderr, "trafficgen: bad --devs %s\n", tok);
			return 2;
		}
		t->ndev++;
	}
	free(copy);
	t->skel->rodata->ndevs = t->ndev;
	return 0;
}

/* --dev-macs MAC,...: one per device; 0, or the exit status. */
static int parse_dev_macs(struct tg *t)
{
	char *copy = strdup(t->o.dev_macs), *tok, *save = NULL;
	__u8 m[6];
	unsigned int n = 0, i;

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (n == t->ndev || parse_mac(tok, m)) {
			fprintf(stderr, "trafficgen: bad --dev-macs %s (one MAC per device)\n", tok);
			return 2;
		}
		for (i = 0; i < 6; i++)
			*(__u8 *)&t->skel->rodata->dev_dmac[n][i] = m[i];
		n++;
	}
	free(copy);
	if (n != t->ndev || t->nw || t->o.macs != 1) {
		fprintf(stderr, "trafficgen: --dev-macs needs one MAC per device and no --macs or --mac-weights\n");
		return 2;
	}
	t->skel->rodata->dev_dmacs = 1;
	t->skel->rodata->macs = t->o.macs = t->ndev;
	return 0;
}

int tg_configure(struct tg *t)
{
	int rc = 0;

	frame_build(t);
	set_params(t);
	if (t->nw)
		set_mac_pattern(t);
	t->devidx[0] = t->ifindex;
	t->ndev = 1;
	if (t->o.devs)
		rc = parse_devs(t);
	if (!rc && t->o.dev_macs)
		rc = parse_dev_macs(t);
	return rc;
}

int tg_frame_parse(struct tg *t)
{
	int rc = 0;

	if (t->o.weights)
		rc = parse_weights(t);
	return rc ? rc : parse_frame(t);
}
