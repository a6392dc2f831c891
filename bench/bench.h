/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Shared between the benchmark's BPF programs (trafficgen, sink) and their
 * user-space halves: the payload the generator writes and the sink reads,
 * and the sizes of the sink's tables.
 */
#ifndef VR_BENCH_H
#define VR_BENCH_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* UDP payload of every generated frame, right after the UDP header.  The
 * timestamp is bpf_ktime_get_ns() (CLOCK_MONOTONIC) at generation; the
 * sink reads the same clock.  All fields are in host order: both ends run
 * on this machine.
 */
#define BENCH_MAGIC	0xbe4c
struct bench_payload {
	__u16 magic;
	__u16 flow;		/* flow id, < BENCH_MAX_FLOWS */
	__u64 ts;		/* bpf_ktime_get_ns() when the frame was built */
} __attribute__((packed));

/* Header bytes the generator writes on every frame (Ethernet + IP + UDP +
 * payload), rounded up to 4-byte words; the frame is at least this long.
 */
#define BENCH_HDR4	(14 + 20 + 8 + 12)	/* 54 */
#define BENCH_HDR6	(14 + 40 + 8 + 12)	/* 74 */
#define BENCH_TMPL_WORDS 19			/* 76 bytes, enough for both */

#define BENCH_MAX_FLOWS	1024

/* trafficgen --mac-weights: a pattern of destination MAC indices (smooth
 * weighted round robin), one entry per frame, repeated; --devs: MAC index
 * i leaves on device i (devmap redirect) when several are given.
 */
#define BENCH_PAT_MAX	256
#define BENCH_MAX_MACIDX 8

/* Latency histogram: bucket = 8 * floor(log2(ns)) + the next 3 bits below
 * the top one, so each power of two is split in 8 (12.5% resolution).
 */
#define BENCH_LAT_SUB	8
#define BENCH_LAT_BUCKETS (64 * BENCH_LAT_SUB)

/* Sink counters (per CPU, summed by the reader). */
struct bench_sink_stats {
	__u64 rx;		/* every frame seen */
	__u64 ours;		/* generator frames (magic matched) */
	__u64 bytes;		/* bytes of generator frames */
	__u64 bad_mac;		/* destination or source MAC not the expected one */
	__u64 bad_ttl;		/* TTL / hop limit not decremented by exactly one */
	__u64 other;		/* not a generator frame: passed to the kernel */
	__u64 lat_sum;		/* sum of latencies (ns), for the mean */
	__u64 lat_max;
};

#endif /* VR_BENCH_H */
