/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * trafficgen's parts: the run (options, frame, the loaded generator
 * program) and the backends that get the program's frames onto gN, one
 * file each behind struct tg_backend:
 *
 *   live      BPF_PROG_RUN with live frames: the program runs in the
 *             syscall, XDP_TX on gN (tg_live.c)
 *   afxdp     AF_XDP (copy mode) into a relay veth whose XDP is the same
 *             program, redirecting into gN (tg_afxdp.c, tg_relay.c)
 *   afpacket  AF_PACKET sendmmsg, qdisc bypassed, into the relay
 *             (tg_afpacket.c, tg_relay.c)
 *
 * Either way the program builds every frame (template, pacing by
 * XDP_DROP, timestamp, counters) and gN's peer receives XDP frames from
 * a redirect, never skbs: figures from any backend are comparable.
 */
#ifndef VR_BENCH_TG_H
#define VR_BENCH_TG_H

#include <netinet/in.h>
#include <signal.h>
#include <linux/types.h>

#include "bench.h"

#define TG_FRAME_MAX 1514
#define TG_ERR_MAX 160

/* The command line. */
struct tg_opts {
	const char *dev, *src_ip, *dst_ip, *weights, *devs, *dev_macs, *backend;
	__u8 dmac[6], smac[6];
	int have_dmac, have_smac, cpu, probe;
	double rate, duration;
	unsigned long long count;
	unsigned int size, flows, dests, sport, dport, ttl, batch, slack, macs, step, scatter;
};

struct trafficgen;
struct tg_backend;
struct tg_pusher;

/* A run: the options, what follows from them, the generator. */
struct tg {
	struct tg_opts o;
	unsigned int w[BENCH_MAX_MACIDX], nw, wsum;	/* --mac-weights */
	unsigned int devidx[BENCH_MAX_MACIDX], ndev;	/* ifindex of each device */
	unsigned int ifindex, hdr, len;			/* len: without the FCS */
	int v6;
	struct in6_addr s6, d6;
	struct in_addr s4, d4;
	__u8 frame[TG_FRAME_MAX];	/* the template as a whole frame */
	struct trafficgen *skel;
	const struct tg_backend *be;	/* the backend that runs */
	char why[TG_ERR_MAX];		/* why the last backend tried cannot run */
	char info[64];			/* " key=value..." of the backend, for the result line */
	/* calls: syscalls that ran the program (live) or pushed frames
	 * (relay); iters: program runs; gap_ns: time in calls with nothing
	 * sent (live's setup and teardown)
	 */
	__u64 calls, iters, gap_ns;
};

/* One way of running the generator program on frames. */
struct tg_backend {
	const char *name;
	/* Ready to send, checked by one frame that sends nothing: 0, or
	 * -errno with the reason in t->why (and everything undone).
	 */
	int (*open)(struct tg *t);
	/* Until the end time, the count or a signal: 0, or the exit status
	 * with one line on stderr.
	 */
	int (*run)(struct tg *t);
	void (*close)(struct tg *t);
	const struct tg_pusher *pusher;	/* a relay backend's socket */
};

extern const struct tg_backend tg_live, tg_afxdp, tg_afpacket;

/* tg_frame.c: --mac-weights, the addresses and the frame's length from
 * the options; then (before load) the template and the program's
 * parameters.  0, or the exit status with one line on stderr.
 */
int tg_frame_parse(struct tg *t);
int tg_configure(struct tg *t);

/* SIGINT/SIGTERM seen: stop sending (trafficgen.c). */
extern volatile sig_atomic_t tg_stop;

/* t->why = "WHAT: strerror(-ERR)"; returns ERR. */
int tg_fail(struct tg *t, int err, const char *what);

/*
 * The relay (tg_relay.c), of the backends with a pusher: a veth pair
 * whose end in the generator's
 * namespace runs the program, redirecting into gN, and whose other end
 * lives in a namespace of trafficgen's own (gone with the process, and
 * the pair with it, even on SIGKILL).  A relay backend opens its socket
 * on that end (tg_relay_enter/leave around the socket calls) and pushes
 * frames of t->len bytes, whatever their content: the program rewrites
 * them.
 */
struct tg_pusher {
	/* The socket on IFINDEX (inside the relay's namespace): 0, -errno. */
	int (*open)(struct tg *t, unsigned int ifindex);
	/* Up to N frames: how many were taken, or -errno. */
	int (*push)(struct tg *t, unsigned int n);
	void (*close)(struct tg *t);
};

/* What a pusher pushes (t->len bytes): the template's Ethernet header
 * and zeroes, a frame nobody could use unless the program built it.
 */
void tg_relay_frame(const struct tg *t, __u8 *buf);
/* A relay backend's open, run and close: t->be's pusher into the relay. */
int tg_relay_open(struct tg *t);
/* The relay's NAPI on a thread that follows the sender (tg_napi.c): 0,
 * or -errno with t->why.
 */
int tg_napi_thread(struct tg *t, const char *name);
int tg_relay_run(struct tg *t);
void tg_relay_close(struct tg *t);

#endif /* VR_BENCH_TG_H */
