/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Strict parsers for values from the command line or a file: the whole
 * string must be the value.  0 or -EINVAL; they print nothing (the
 * caller names the argument in its error).
 */
#ifndef VR_PARSE_H
#define VR_PARSE_H

#include <stdint.h>

#include "vrouter.h"

int parse_mac(const char *s, uint8_t mac[VR_ETH_ALEN]);	/* unicast, non-zero */
/* "xx:xx:xx:xx:xx:xx" into BUF (18 bytes); returns BUF. */
const char *mac_str(const uint8_t mac[VR_ETH_ALEN], char *buf);
int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);
int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
/* A count or rate with an optional decimal SI suffix, as tc(8) writes
 * rates: "10k" = 10000, "1.5M" = 1500000, "1G", "2T"; k or K, M, G, T are
 * powers of 1000.  A fraction only before a suffix, and the value must
 * come out whole ("1.5k", not "1.0005k").  No sign, blanks, other suffix.
 */
int parse_u64_si(const char *s, uint64_t min, uint64_t max, uint64_t *out);
int parse_u32_si(const char *s, uint32_t min, uint32_t max, uint32_t *out);
int parse_table_id(const char *s, uint32_t *out);	/* as ip(8): 10, 0xa, 012 */
int parse_vr_name(const char *s);	/* 1..VR_NAME_MAX-1 chars of [A-Za-z0-9_.-], not "." or ".." */
int parse_ifname(const char *s, uint32_t *ifindex);	/* -EINVAL bad name, -ENODEV no such NIC */

#endif /* VR_PARSE_H */
