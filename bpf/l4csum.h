/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * TCP/UDP checksums left to offload, for frames from a virtual NIC
 * (VR_MACF_PARTIAL_CSUM, include/vrouter.h).
 *
 * A sender behind a veth or a tap leaves the L4 checksum to the device
 * (CHECKSUM_PARTIAL): the field holds only the folded pseudo-header sum
 * (udp4_hwcsum, __tcp_v4_send_check: ~csum_tcpudp_magic(saddr, daddr,
 * len, proto, 0); IPv6 the same over csum_ipv6_magic), and whoever
 * transmits the skb completes it.  XDP sees bytes, not the skb, and a
 * redirected frame leaves as it is, so the fast path completes it:
 *
 *   find:     the field equals the pseudo-header sum (a few adds, every
 *             frame from such a NIC);
 *   sum:      only then, the ones' complement sum of the L4 segment from
 *             its first byte (the field included, as it is: it carries the
 *             pseudo-header), before the frame is committed;
 *   complete: after the redirect is decided, field = ~fold(sum), 0 written
 *             as 0xffff, as skb_checksum_help() does.
 *
 * A complete checksum that happens to equal the pseudo-header sum
 * (1 in 65536) is completed to itself: the segment then sums to what it
 * holds.  Fragments are skipped: the kernel completes a checksum before
 * it fragments (ip_do_fragment, ip6_fragment), and a later fragment has
 * no L4 header.  So are IPv4 UDP with checksum 0 (none) and frames too
 * short to hold the field (the kernel never builds those partial).
 */
#ifndef VR_L4CSUM_H
#define VR_L4CSUM_H

#define L4_CSUM_CHUNK		512	/* bpf_csum_diff's most bytes a call (older kernels) */
/* Chunks summed in place at most, then fewer than 512 bytes copied:
 * segments of up to 2559 bytes, an MTU of 2579 (IPv4) or 2599 (IPv6).
 * Native XDP on a veth or tun sees at most a page (MTU ~3.5K); a longer
 * partial segment goes to the kernel (VR_PASS_CSUM_PARTIAL), which
 * completes it.
 */
#define L4_CSUM_CHUNKS_MAX	4

/* Where the frame's partial checksum is and what it must become. */
struct l4_partial {
	__u16 *check;			/* the field; NULL: nothing to complete */
	void *l4;			/* the L4 header */
	__u32 len;			/* L4 segment bytes (header and payload) */
	__u32 off;			/* L4 offset from the frame's start */
	__u16 value;			/* the complete checksum, once summed */
};

/* One scratch buffer per CPU for the segment's last bytes (< 512). */
struct l4_scratch {
	__u8 b[L4_CSUM_CHUNK + 4];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct l4_scratch);
	__uint(max_entries, 1);
} vr_l4_scratch SEC(".maps");

static __always_inline __u16 csum_fold64(__u64 sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	return csum_fold((__u32)sum);
}

/*
 * Is the field at L4 (PROTO, LEN bytes of segment, PSEUDO the pseudo-header
 * sum, unfolded, in memory order) the pseudo-header sum alone?  Then *P
 * says where it is.  C->end bounds the reads.
 */
static __always_inline void l4_partial_find(struct hdr_cursor *c, void *data, __u8 proto,
					    __u32 len, __u64 pseudo, struct l4_partial *p)
{
	void *l4 = c->pos;
	__u16 *check;

	if (proto == IPPROTO_TCP) {
		struct tcphdr *th = l4;

		if ((void *)(th + 1) > c->end || len < sizeof(*th))
			return;
		check = &th->check;
	} else if (proto == IPPROTO_UDP) {
		struct udphdr *uh = l4;

		if ((void *)(uh + 1) > c->end || len < sizeof(*uh))
			return;
		/* The kernel's UDP length is the IP payload's (udp_send_skb). */
		if (bpf_ntohs(uh->len) != len)
			return;
		check = &uh->check;
	} else {
		return;
	}
	/* 64-bit adds: two 32-bit words can carry out of 32 bits. */
	pseudo += (__u64)bpf_htonl(len) + bpf_htonl(proto);
	if (*check != csum_fold64(pseudo))
		return;
	p->check = check;
	p->l4 = l4;
	p->len = len;
	p->off = l4 - data;
}

/*
 * Sum the segment of P and keep the complete checksum in P->value.  Read
 * only: the frame is not changed.  0, or -1 if it cannot be summed (the
 * frame then goes to the kernel, which completes it).  Whole 512-byte
 * chunks are summed in place; the rest, fewer than 512 bytes, is copied
 * to this CPU's scratch buffer and zero-padded to a multiple of 4, as
 * bpf_csum_diff() wants (zeros add nothing).
 */
static __always_inline int l4_partial_sum(struct xdp_md *ctx, struct l4_partial *p)
{
	void *end = (void *)(long)ctx->data_end;
	struct l4_scratch *s;
	__u32 zero = 0, done = 0, rest, i;
	__s64 sum = 0;
	__u16 v;

	for (i = 0; i < L4_CSUM_CHUNKS_MAX; i++) {
		void *q = p->l4 + done;

		if (p->len - done < L4_CSUM_CHUNK)
			break;
		if (q + L4_CSUM_CHUNK > end)
			return -1;
		/* Returns the 32-bit partial sum, or -EINVAL (never for a
		 * 512-byte multiple of 4).
		 */
		sum = bpf_csum_diff(NULL, 0, q, L4_CSUM_CHUNK, (__u32)sum);
		if (sum < 0)
			return -1;
		done += L4_CSUM_CHUNK;
	}
	rest = p->len - done;
	if (rest >= L4_CSUM_CHUNK)
		return -1;		/* longer than L4_CSUM_CHUNKS_MAX chunks */
	if (rest) {
		s = bpf_map_lookup_elem(&vr_l4_scratch, &zero);
		if (!s)
			return -1;
		/* -EFAULT only if the bytes are not in the frame. */
		if (bpf_xdp_load_bytes(ctx, p->off + done, s->b, rest))
			return -1;
		s->b[rest] = 0;
		s->b[rest + 1] = 0;
		s->b[rest + 2] = 0;
		sum = bpf_csum_diff(NULL, 0, (__be32 *)s->b, (rest + 3) & ~3U, (__u32)sum);
		if (sum < 0)
			return -1;
	}
	v = ~csum_fold64((__u64)sum);
	p->value = v ? v : 0xffff;
	return 0;
}

#endif /* VR_L4CSUM_H */
