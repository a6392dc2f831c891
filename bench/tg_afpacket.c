// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The afpacket backend: sendmmsg on an AF_PACKET socket into the relay
 * (tg_relay.c), with PACKET_QDISC_BYPASS (the frame goes straight to the
 * veth's transmit).  Protocol 0: the socket only sends, nothing is
 * delivered to it.  Every message is the same buffer; the program builds
 * each frame.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/if_packet.h>

#include "tg.h"

#define PUSH_MAX 256		/* messages per sendmmsg (--batch is at most 256) */

static struct {
	int fd;
	struct mmsghdr msg[PUSH_MAX];
	struct iovec iov;
	__u8 frame[TG_FRAME_MAX];
} pk = { .fd = -1 };

static void afpacket_sock_close(struct tg *t)
{
	if (pk.fd >= 0)
		close(pk.fd);
	pk.fd = -1;
}

/* WHAT failed: the socket closed, -errno. */
static int sock_fail(struct tg *t, const char *what)
{
	int err = tg_fail(t, -errno, what);

	afpacket_sock_close(t);
	return err;
}

static int afpacket_sock(struct tg *t, unsigned int ifindex)
{
	struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_ifindex = ifindex };
	int one = 1, i;

	pk.fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (pk.fd < 0)
		return tg_fail(t, -errno, "AF_PACKET socket");
	if (setsockopt(pk.fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)))
		return sock_fail(t, "PACKET_QDISC_BYPASS");
	if (bind(pk.fd, (struct sockaddr *)&ll, sizeof(ll)))
		return sock_fail(t, "AF_PACKET bind");
	tg_relay_frame(t, pk.frame);
	pk.iov.iov_base = pk.frame;
	pk.iov.iov_len = t->len;
	for (i = 0; i < PUSH_MAX; i++) {
		pk.msg[i].msg_hdr.msg_iov = &pk.iov;
		pk.msg[i].msg_hdr.msg_iovlen = 1;
	}
	return 0;
}

static int afpacket_push(struct tg *t, unsigned int n)
{
	int sent;

	sent = sendmmsg(pk.fd, pk.msg, n < PUSH_MAX ? n : PUSH_MAX, 0);
	if (sent >= 0)
		return sent;
	/* no buffer for the moment, or a signal: try again */
	return errno == ENOBUFS || errno == EAGAIN || errno == EINTR ? 0 : -errno;
}

static const struct tg_pusher afpacket_pusher = {
	.open = afpacket_sock,
	.push = afpacket_push,
	.close = afpacket_sock_close,
};

const struct tg_backend tg_afpacket = {
	.name = "afpacket",
	.open = tg_relay_open,
	.run = tg_relay_run,
	.close = tg_relay_close,
	.pusher = &afpacket_pusher,
};
