/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * User-space helpers shared by the benchmark's programs (benchctl,
 * trafficgen).  Header-only; not for the BPF side (see bench.h for what
 * the BPF programs and user space share).
 */
#ifndef VR_BENCH_UTIL_H
#define VR_BENCH_UTIL_H

#include <stdio.h>
#include <linux/types.h>

/* "aa:bb:cc:dd:ee:ff" (hex, any case, 1 or 2 digits a byte) into mac[6];
 * text after the sixth byte is ignored.  0, or -1 if it does not parse.
 */
static inline int parse_mac(const char *s, __u8 *mac)
{
	unsigned int b[6];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5]) != 6)
		return -1;
	for (i = 0; i < 6; i++) {
		if (b[i] > 255)
			return -1;
		mac[i] = b[i];
	}
	return 0;
}

#endif /* VR_BENCH_UTIL_H */
