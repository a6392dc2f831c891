/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Internet checksum helpers for the XDP fast path. */
#ifndef VR_CSUM_H
#define VR_CSUM_H

static __always_inline __u16 csum_fold(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/* True if the 20-byte IPv4 header sums to 0xffff (its checksum is right).
 * The kernel drops a bad header in ip_rcv, so the fast path must not
 * forward one either.
 */
static __always_inline int ipv4_csum_ok(const struct iphdr *iph)
{
	const __u16 *w = (const __u16 *)iph;
	__u32 sum = 0;
	int i;

#pragma unroll
	for (i = 0; i < (int)(sizeof(*iph) / 2); i++)
		sum += w[i];
	return csum_fold(sum) == 0xffff;
}

/* Decrement the TTL and patch the checksum incrementally (RFC 1624): the
 * TTL is the high byte of a 16-bit word, so the checksum grows by 0x0100
 * (in network order), with the end-around carry folded back in.  The
 * result is what a full recomputation gives, never 0xffff for 0x0000.
 */
static __always_inline void ipv4_decrease_ttl(struct iphdr *iph)
{
	__u32 check = iph->check;

	check += bpf_htons(0x0100);
	iph->check = (__sum16)(check + (check >= 0xffff));
	iph->ttl--;
}

#endif /* VR_CSUM_H */
