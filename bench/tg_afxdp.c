// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The afxdp backend: an AF_XDP socket (libxdp's xsk API), transmit only,
 * into the relay (tg_relay.c).  A veth has no AF_XDP zero-copy: the
 * socket is bound in copy mode, where each sendto() makes an skb of up to
 * TX_KICK descriptors and hands it to the veth's transmit, as AF_PACKET
 * does, without the socket layer's per-message work.  No XDP program of
 * libxdp's is loaded (transmit needs none).  Every umem frame holds the
 * same blank frame; the program builds each one.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <net/if.h>
#include <xdp/xsk.h>

#include "tg.h"

/* umem frames, and the rings' size: 4 pushes of 256 in flight; small,
 * as each page of the umem is touched once at start (2 MB: ~5 ms)
 */
#define NFRAMES		1024
#define FRAME_SIZE	2048	/* the smallest an aligned umem takes */
/* The kernel's copy-mode transmit takes at most 32 descriptors a call
 * (TX_BATCH_SIZE in net/xdp/xsk.c) and says EAGAIN if more are waiting.
 */
#define TX_KICK		32

static struct {
	void *area;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fq, tx;
	struct xsk_ring_cons cq;
	__u32 next, outstanding;	/* next umem frame; frames not completed */
} ax;

static void afxdp_sock_close(struct tg *t)
{
	if (ax.xsk)
		xsk_socket__delete(ax.xsk);
	if (ax.umem)
		xsk_umem__delete(ax.umem);
	if (ax.area)
		munmap(ax.area, (size_t)NFRAMES * FRAME_SIZE);
	memset(&ax, 0, sizeof(ax));
}

/* The umem, every frame blank. */
static int make_umem(struct tg *t)
{
	struct xsk_umem_config uc = {
		.fill_size = XSK_RING_PROD__DEFAULT_NUM_DESCS,
		.comp_size = NFRAMES,
		.frame_size = FRAME_SIZE,
	};
	__u32 i;
	int err;

	ax.area = mmap(NULL, (size_t)NFRAMES * FRAME_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ax.area == MAP_FAILED) {
		ax.area = NULL;
		return tg_fail(t, -errno, "umem");
	}
	for (i = 0; i < NFRAMES; i++)
		tg_relay_frame(t, (__u8 *)ax.area + (size_t)i * FRAME_SIZE);
	err = xsk_umem__create(&ax.umem, ax.area, (__u64)NFRAMES * FRAME_SIZE, &ax.fq, &ax.cq, &uc);
	if (err)
		ax.umem = NULL;
	return err ? tg_fail(t, err, "AF_XDP umem") : 0;
}

static int afxdp_sock(struct tg *t, unsigned int ifindex)
{
	struct xsk_socket_config sc = {
		.tx_size = NFRAMES,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = XDP_COPY,
	};
	char name[IF_NAMESIZE];
	int err;

	if (!if_indextoname(ifindex, name))
		return tg_fail(t, -errno, "the relay's feed end");
	err = make_umem(t);
	if (!err) {
		err = xsk_socket__create(&ax.xsk, name, 0, ax.umem, NULL, &ax.tx, &sc);
		if (err) {
			ax.xsk = NULL;
			tg_fail(t, err, "AF_XDP socket (copy mode)");
		}
	}
	if (err)
		afxdp_sock_close(t);
	return err;
}

/* Completed frames back; up to N more (at most TX_KICK) on the ring;
 * one sendto to transmit them.  How many were put on the ring.
 */
static int afxdp_push(struct tg *t, unsigned int n)
{
	__u32 idx, done, got, i;

	done = xsk_ring_cons__peek(&ax.cq, NFRAMES, &idx);
	if (done) {
		xsk_ring_cons__release(&ax.cq, done);
		ax.outstanding -= done;
	}
	if (n > TX_KICK)
		n = TX_KICK;
	if (n > NFRAMES - ax.outstanding)
		n = NFRAMES - ax.outstanding;
	got = xsk_ring_prod__reserve(&ax.tx, n, &idx);
	for (i = 0; i < got; i++) {
		struct xdp_desc *d = xsk_ring_prod__tx_desc(&ax.tx, idx + i);

		d->addr = (__u64)(ax.next++ % NFRAMES) * FRAME_SIZE;
		d->len = t->len;
		d->options = 0;
	}
	xsk_ring_prod__submit(&ax.tx, got);
	ax.outstanding += got;
	/* EAGAIN: descriptors left for the next call; EBUSY, ENOBUFS: the
	 * device is busy for the moment
	 */
	if (sendto(xsk_socket__fd(ax.xsk), NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 &&
	    errno != EAGAIN && errno != EBUSY && errno != ENOBUFS && errno != EINTR)
		return -errno;
	return got;
}

static const struct tg_pusher afxdp_pusher = {
	.open = afxdp_sock,
	.push = afxdp_push,
	.close = afxdp_sock_close,
};

const struct tg_backend tg_afxdp = {
	.name = "afxdp",
	.open = tg_relay_open,
	.run = tg_relay_run,
	.close = tg_relay_close,
	.pusher = &afxdp_pusher,
};
