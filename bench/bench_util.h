/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * User-space helpers shared by the benchmark's programs (benchctl,
 * trafficgen).  Header-only; not for the BPF side (see bench.h for what
 * the BPF programs and user space share).  MAC addresses are parsed by
 * the core's parse_mac() (loader/lib/parse.h).
 */
#ifndef VR_BENCH_UTIL_H
#define VR_BENCH_UTIL_H

#include <time.h>
#include <linux/types.h>

/* CLOCK_MONOTONIC, the clock of bpf_ktime_get_ns(), in ns and in s. */
static inline __u64 bench_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static inline double bench_mono_s(void)
{
	return bench_mono_ns() / 1e9;
}

#endif /* VR_BENCH_UTIL_H */
