// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Strict parsers for command-line values: the whole string must be the
 * value (no leading blanks, signs or trailing junk), and numbers must fit.
 * They return 0 or -EINVAL and print nothing; the caller names the
 * argument in its error.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>

#include "lib/parse.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Exactly "xx:xx:xx:xx:xx:xx"; unicast and not all-zero. */
int parse_mac(const char *s, uint8_t mac[VR_ETH_ALEN])
{
	uint8_t m[VR_ETH_ALEN];
	int i, hi, lo, nonzero = 0;

	if (!s || strlen(s) != 3 * VR_ETH_ALEN - 1)
		return -EINVAL;
	for (i = 0; i < VR_ETH_ALEN; i++) {
		const char *p = s + 3 * i;

		hi = hexval(p[0]);
		lo = hexval(p[1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		if (i < VR_ETH_ALEN - 1 && p[2] != ':')
			return -EINVAL;
		m[i] = (uint8_t)(hi << 4 | lo);
		nonzero |= m[i];
	}
	if (!nonzero || (m[0] & 1))
		return -EINVAL;
	memcpy(mac, m, VR_ETH_ALEN);
	return 0;
}

/* Decimal only: "010" is ten, "0x10" is an error. */
int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;

	if (!s || !*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > UINT32_MAX)
			return -EINVAL;
	}
	if (v < min || v > max)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v = 0, d;

	if (!s || !*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		d = (uint64_t)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -EINVAL;
		v = v * 10 + d;
	}
	if (v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int si_exponent(char c)
{
	switch (c) {
	case 'k': case 'K': return 3;
	case 'M': return 6;
	case 'G': return 9;
	case 'T': return 12;
	}
	return -1;
}

int parse_u64_si(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v = 0, d;
	int frac = -1, exp = 0;	/* frac: digits after the point, -1: no point */
	const char *p = s;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	for (; *p; p++) {
		if (*p == '.' && frac < 0) {
			frac = 0;
			continue;
		}
		if (*p < '0' || *p > '9')
			break;
		d = (uint64_t)(*p - '0');
		if (frac >= 0) {
			if (d == 0 && strspn(p, "0") == strcspn(p, "kKMGT"))
				break;	/* only zeros left in the fraction */
			frac++;
		}
		if (v > (UINT64_MAX - d) / 10)
			return -EINVAL;
		v = v * 10 + d;
	}
	p += strspn(p, "0");	/* the trailing zeros of a fraction */
	if (*p) {
		exp = si_exponent(*p);
		if (exp < 0 || p[1])
			return -EINVAL;
	}
	if (frac >= 0 && (!exp || p[-1] == '.'))
		return -EINVAL;	/* "1.5", "1.", "1.k" */
	if (frac > exp)
		return -EINVAL;	/* not a whole number */
	for (exp -= frac > 0 ? frac : 0; exp > 0; exp--) {
		if (v > UINT64_MAX / 10)
			return -EINVAL;
		v *= 10;
	}
	if (v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

int parse_u32_si(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v;

	if (parse_u64_si(s, min, max, &v))
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

/*
 * A routing table id as ip(8) reads it (iproute2's get_unsigned(), base
 * 0): decimal, 0x hex, or octal with a leading 0, so that "--table 0x10"
 * and "ip route ... table 0x10" name the same table.  Strict otherwise:
 * no sign, blanks or trailing junk, at most 2^32-1.
 */
int parse_table_id(const char *s, uint32_t *out)
{
	uint64_t v = 0;
	unsigned int base = 10, d;

	if (!s || !*s)
		return -EINVAL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!*s)
			return -EINVAL;
	} else if (s[0] == '0' && s[1]) {
		base = 8;
		s++;
	}
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			d = (unsigned int)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned int)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned int)(*s - 'A' + 10);
		else
			return -EINVAL;
		if (d >= base)
			return -EINVAL;
		v = v * base + d;
		if (v > UINT32_MAX)
			return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

int parse_vr_name(const char *s)
{
	size_t n;

	if (!s)
		return -EINVAL;
	n = strlen(s);
	if (n == 0 || n > VR_NAME_MAX - 1)
		return -EINVAL;
	if (!strcmp(s, ".") || !strcmp(s, ".."))
		return -EINVAL;
	if (strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		      "0123456789_.-") != n)
		return -EINVAL;
	return 0;
}

int parse_ifname(const char *s, uint32_t *ifindex)
{
	unsigned int idx;

	if (!s || !*s || strlen(s) >= IF_NAMESIZE)
		return -EINVAL;
	idx = if_nametoindex(s);
	if (!idx)
		return -ENODEV;
	*ifindex = idx;
	return 0;
}

const char *mac_str(const uint8_t m[VR_ETH_ALEN], char *buf)
{
	sprintf(buf, "%02x:%02x:%02x:%02x:%02x:%02x",
		m[0], m[1], m[2], m[3], m[4], m[5]);
	return buf;
}
