// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Benchmark sink, on sN: counts the generator's frames per flow, checks
 * that the data plane rewrote them (destination MAC = sN's, source MAC =
 * the expected egress MAC, TTL / hop limit one less than sent) and keeps
 * a latency histogram from the send timestamp in the payload, then drops
 * them.  Anything that is not a generator frame goes to the kernel.
 *
 * sN needs an XDP program anyway: a redirect into outN is only delivered
 * when outN's peer has NAPI, which a veth has while it has XDP attached.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "bench.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define ETH_P_IP	0x0800
#define ETH_P_IPV6	0x86DD

const volatile __u8 exp_dmac[6];
const volatile __u8 exp_smac[6];
const volatile __u32 check_smac;	/* 0: any source MAC */
const volatile __u32 exp_ttl;		/* TTL / hop limit expected on arrival */

/* Per-CPU: the sink runs on one CPU, but that is the rig's business. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct bench_sink_stats);
	__uint(max_entries, 1);
} sink_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, BENCH_MAX_FLOWS);
} sink_flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, BENCH_LAT_BUCKETS);
} sink_lat SEC(".maps");

/* floor(log2(v)) for v > 0 */
static __always_inline __u32 ilog2(__u64 v)
{
	__u32 r = 0;

	if (v >> 32) { v >>= 32; r += 32; }
	if (v >> 16) { v >>= 16; r += 16; }
	if (v >> 8) { v >>= 8; r += 8; }
	if (v >> 4) { v >>= 4; r += 4; }
	if (v >> 2) { v >>= 2; r += 2; }
	if (v >> 1) r += 1;
	return r;
}

static __always_inline __u32 lat_bucket(__u64 ns)
{
	__u32 l;

	if (ns < BENCH_LAT_SUB)
		return ns;
	l = ilog2(ns);
	return l * BENCH_LAT_SUB + ((ns >> (l - 3)) & (BENCH_LAT_SUB - 1));
}

static __always_inline int mac_eq(const __u8 *a, const volatile __u8 *b)
{
	int i, ok = 1;

#pragma unroll
	for (i = 0; i < 6; i++)
		ok &= a[i] == b[i];
	return ok;
}

SEC("xdp")
int sink(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct bench_sink_stats *st;
	struct bench_payload *pl;
	__u32 zero = 0, key;
	__u64 now, lat, *cnt;
	__u8 ttl;

	st = bpf_map_lookup_elem(&sink_stats, &zero);
	if (!st)
		return XDP_PASS;
	st->rx++;
	if ((void *)(eth + 1) > data_end)
		goto other;

	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);

		if ((void *)(ip + 1) > data_end || ip->ihl != 5 ||
		    ip->protocol != IPPROTO_UDP)
			goto other;
		ttl = ip->ttl;
		pl = (void *)ip + sizeof(*ip) + sizeof(struct udphdr);
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if ((void *)(ip6 + 1) > data_end || ip6->nexthdr != IPPROTO_UDP)
			goto other;
		ttl = ip6->hop_limit;
		pl = (void *)(ip6 + 1) + sizeof(struct udphdr);
	} else {
		goto other;
	}
	if ((void *)(pl + 1) > data_end || pl->magic != BENCH_MAGIC)
		goto other;

	now = bpf_ktime_get_ns();
	st->ours++;
	st->bytes += data_end - data;
	if (!mac_eq(eth->h_dest, exp_dmac) ||
	    (check_smac && !mac_eq(eth->h_source, exp_smac)))
		st->bad_mac++;
	if (ttl != exp_ttl)
		st->bad_ttl++;

	key = pl->flow;
	cnt = bpf_map_lookup_elem(&sink_flows, &key);
	if (cnt)
		(*cnt)++;

	lat = now > pl->ts ? now - pl->ts : 0;
	st->lat_sum += lat;
	if (lat > st->lat_max)
		st->lat_max = lat;
	key = lat_bucket(lat);
	cnt = bpf_map_lookup_elem(&sink_lat, &key);
	if (cnt)
		(*cnt)++;
	return XDP_DROP;

other:
	st->other++;
	return XDP_PASS;
}
