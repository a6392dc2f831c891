// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A pktgen-like traffic generator on BPF_PROG_RUN with
 * BPF_F_TEST_XDP_LIVE_FRAMES: user space runs this program (attached
 * nowhere) with a large repeat count and the ingress ifindex of gN; every
 * XDP_TX it returns is transmitted on gN.  The kernel flushes the
 * transmitted frames once per batch (batch_size), so that is the largest
 * burst on the wire.  The run's page pool is sized by batch_size too:
 * frames still in flight downstream when it is full are freed and
 * allocated again (measured: a quarter of the generator's CPU at 64).
 *
 * Where live frames are refused, the same program runs attached to a
 * relay veth that user space feeds (AF_XDP or AF_PACKET, bench/tg_relay.c)
 * and redirects into gN through tx_devs (`redirect`): the same work on
 * every frame, and gN's peer receives XDP frames from a redirect either
 * way, never skbs.
 *
 * Live frames are recycled through a page pool with whatever the
 * downstream XDP programs wrote into them (TTL, MACs), so every run
 * rewrites the whole header from the template.  The template is
 * `const volatile` and copied word by word: clang 14 constant-folds a
 * __builtin_memcpy from a const volatile array (it reads the initial
 * zeroes instead of what the loader wrote).
 *
 * Pacing is done here, not in user space: while ahead of schedule the
 * program returns XDP_DROP (the frame goes straight back to the pool).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "bench.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Set by the loader before load (rodata, frozen). */
const volatile __u32 tmpl[BENCH_TMPL_WORDS];	/* header template, wire format */
const volatile __u32 is_v6;
const volatile __u64 interval_fp;	/* ns between frames << 16; 0 = as fast as possible */
const volatile __u64 slack_fp;		/* catch-up allowed after a stall, << 16 */
const volatile __u32 dests;		/* destination addresses: base + step * (0..dests-1) */
const volatile __u32 dst_step;
const volatile __u32 dst_scatter;	/* 1: address index (seq * 40503) % dests */
const volatile __u32 flows;		/* source ports: base + 0..flows-1 */
const volatile __u32 nflow;		/* flow ids: seq % nflow */
const volatile __u32 macs;		/* destination MACs: dst + 0..macs-1 (last 16 bits) */
const volatile __u16 mac_lo;		/* host order: last 16 bits of the first one */
const volatile __u32 dst_base;		/* host order: IPv4 address, or low 32 bits of IPv6 */
const volatile __u16 sport_base;	/* host order */
const volatile __u32 ip_csum_base;	/* IPv4 header sum with daddr = 0 */
const volatile __u32 udp_csum_base;	/* IPv6 UDP sum with the varying fields = 0 */
const volatile __u8 mac_pat[BENCH_PAT_MAX];	/* MAC index per frame (seq % pat_len) */
const volatile __u32 pat_len;		/* 0: seq % macs */
const volatile __u32 ndevs;		/* > 1: MAC index i leaves on tx_devs[i] */
const volatile __u8 dev_dmac[BENCH_MAX_MACIDX][6];	/* with dev_dmacs: MAC index i's */
const volatile __u32 dev_dmacs;		/* destination MAC, whole, not dst + i */

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, BENCH_MAX_MACIDX);
} tx_devs SEC(".maps");

/* Run state; user space reads it and sets end_ns / limit (mmapped .bss). */
__u64 end_ns;		/* stop sending at this time; 0 = never */
__u64 limit;		/* stop after this many frames; 0 = never */
__u64 start_ns;		/* schedule origin, set on the first run */
__u64 next_fp;		/* next send time relative to start_ns, << 16 */
__u64 sent;		/* XDP_TX returned */
__u64 paced;		/* XDP_DROP returned while ahead of schedule */
__u64 lag_resets;	/* fell behind by more than slack: schedule moved */
__u64 lag_lost_ns;	/* schedule time given up by those moves */
__u64 lag_max_ns;	/* the longest one */
__u64 first_ns, last_ns;	/* first and last frame sent */
__u64 call_first_ns;	/* first and latest program run of this BPF_PROG_RUN */
__u64 call_last_ns;	/* call (user space zeroes the first) */
__u64 sent_idx[BENCH_MAX_MACIDX];	/* frames sent per MAC index */
__u32 redirect;		/* 1: every frame leaves by tx_devs (the relay), none by XDP_TX */

struct pkt4 {
	struct ethhdr eth;
	struct iphdr ip;
	struct udphdr udp;
	struct bench_payload pl;
} __attribute__((packed));

struct pkt6 {
	struct ethhdr eth;
	struct ipv6hdr ip6;
	struct udphdr udp;
	struct bench_payload pl;
} __attribute__((packed));

static __always_inline __u16 fold(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/* Ones' complement sum of the raw 16-bit words of a 32/64-bit value, in
 * memory order: byte order does not matter for the Internet checksum as
 * long as the result is stored back the same way.
 */
static __always_inline __u32 sum32(__u32 v)
{
	return (v & 0xffff) + (v >> 16);
}

static __always_inline void copy_tmpl(__u32 *dst, int words)
{
	int i;

#pragma unroll
	for (i = 0; i < BENCH_TMPL_WORDS; i++)
		if (i < words)
			dst[i] = tmpl[i];
}

SEC("xdp")
int trafficgen(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u64 now = bpf_ktime_get_ns(), seq, rel, ts;
	__u32 daddr, sum, idx;
	__u16 sport, flow;

	if (!call_first_ns)
		call_first_ns = now;
	call_last_ns = now;
	if (end_ns && now >= end_ns)
		return XDP_DROP;
	if (limit && sent >= limit)
		return XDP_DROP;
	if (interval_fp) {
		if (!start_ns) {
			start_ns = now;
			next_fp = 0;
		}
		rel = (now - start_ns) << 16;
		if (rel < next_fp) {
			paced++;
			return XDP_DROP;
		}
		/* Behind schedule (a stall between runs, or the DUT's ring
		 * full): catch up by at most `slack`, not in one burst.
		 */
		if (rel > next_fp + slack_fp) {
			__u64 lost = (rel - slack_fp - next_fp) >> 16;

			lag_lost_ns += lost;
			if (lost > lag_max_ns)
				lag_max_ns = lost;
			next_fp = rel - slack_fp;
			lag_resets++;
		}
		next_fp += interval_fp;
	}

	seq = sent;
	/* Scattered: 40503 is odd, so with dests a power of two frame n
	 * and n + 1 are 40503 addresses apart and every address comes once
	 * per dests frames.
	 */
	daddr = dst_base + (__u32)((dst_scatter ? seq * 40503 : seq) % dests) * dst_step;
	sport = sport_base + (__u16)(seq % flows);
	flow = (__u16)(seq % nflow);
	ts = now;

	if (!is_v6) {
		struct pkt4 *p = data;

		/* the copy writes whole words: up to 2 bytes past *p */
		if (data + ((sizeof(*p) + 3) & ~3) > data_end)
			return XDP_ABORTED;
		copy_tmpl(data, (sizeof(*p) + 3) / 4);
		p->ip.daddr = bpf_htonl(daddr);
		sum = ip_csum_base + sum32(p->ip.daddr);
		p->ip.check = ~fold(sum);
		p->udp.source = bpf_htons(sport);
		p->pl.flow = flow;
		p->pl.ts = ts;
	} else {
		struct pkt6 *p = data;
		__u32 *d = data + offsetof(struct pkt6, ip6.daddr);

		if (data + ((sizeof(*p) + 3) & ~3) > data_end)
			return XDP_ABORTED;
		copy_tmpl(data, (sizeof(*p) + 3) / 4);
		d[3] = bpf_htonl(daddr);
		p->udp.source = bpf_htons(sport);
		p->pl.flow = flow;
		p->pl.ts = ts;
		sum = udp_csum_base + sum32(d[3]) + p->udp.source + flow +
		      sum32((__u32)ts) + sum32((__u32)(ts >> 32));
		sum = ~fold(sum) & 0xffff;
		p->udp.check = sum ? sum : 0xffff;
	}

	idx = 0;
	if (pat_len)
		idx = mac_pat[(seq % pat_len) & (BENCH_PAT_MAX - 1)];
	else if (macs > 1)
		idx = (__u32)(seq % macs);
	if (dev_dmacs) {
		/* one MAC per device (several ingress NICs of one DUT) */
		struct ethhdr *eth = data;
		const volatile __u8 *m = dev_dmac[idx & (BENCH_MAX_MACIDX - 1)];
		int i;

		if ((void *)(eth + 1) > data_end)
			return XDP_ABORTED;
#pragma unroll
		for (i = 0; i < 6; i++)
			eth->h_dest[i] = m[i];
	} else if (idx) {
		/* spread over VRs: the template was copied above */
		struct ethhdr *eth = data;
		__u16 lo = mac_lo + (__u16)idx;

		if ((void *)(eth + 1) > data_end)
			return XDP_ABORTED;
		eth->h_dest[4] = lo >> 8;
		eth->h_dest[5] = lo & 0xff;
	}

	if (!first_ns)
		first_ns = now;
	last_ns = now;
	sent++;
	sent_idx[idx & (BENCH_MAX_MACIDX - 1)]++;
	/* a missing entry is XDP_ABORTED (flags 0): user space fills them all */
	if (ndevs > 1 || redirect)
		return bpf_redirect_map(&tx_devs, ndevs > 1 ? idx % ndevs : 0, 0);
	return XDP_TX;
}
