// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The live backend: BPF_PROG_RUN with BPF_F_TEST_XDP_LIVE_FRAMES runs the
 * program on frames of its own page pool, XDP_TX on gN (the ingress
 * ifindex given) or a redirect through tx_devs.  Some kernels refuse it
 * (EPERM even for root, or EOPNOTSUPP): open() finds out with a run of one
 * frame that the program drops.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "tg.h"
#include "bench_util.h"
#include "bench/trafficgen.skel.h"

#define CALL_NS 2e9		/* target length of one BPF_PROG_RUN call */

/* One BPF_PROG_RUN call of REPEAT program runs: 0, or -errno. */
static int prog_run(struct tg *t, __u64 repeat)
{
	struct xdp_md ctx_in = { .data_end = t->len, .ingress_ifindex = t->ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = t->frame,
		.data_size_in = t->len,
		.ctx_in = &ctx_in,
		.ctx_size_in = sizeof(ctx_in),
		.flags = BPF_F_TEST_XDP_LIVE_FRAMES,
		.repeat = repeat,
		.batch_size = t->o.batch,
	);

	if (bpf_prog_test_run_opts(bpf_program__fd(t->skel->progs.trafficgen), &opts))
		return -errno;
	return 0;
}

/* A run of one frame past the end time (the program drops it). */
static int live_open(struct tg *t)
{
	struct trafficgen__bss *bss = t->skel->bss;
	int err;

	bss->end_ns = 1;
	err = prog_run(t, 1);
	bss->end_ns = 0;
	bss->call_first_ns = bss->call_last_ns = 0;
	return err ? tg_fail(t, err, "BPF_PROG_RUN with live frames") : 0;
}

/* The next call's repeat count: aim at CALL_NS per run (each call costs
 * 1-2 ms of setup and teardown in which nothing is sent), not far past
 * T_END.  REPEAT frames took B - A ns.
 */
static __u64 next_repeat(__u64 repeat, __u64 a, __u64 b, __u64 t_end)
{
	double per_ns, want;

	if (b <= a)
		return repeat;
	per_ns = (double)repeat / (b - a);
	want = per_ns * CALL_NS;
	if (t_end && want > per_ns * (t_end - b) + 1024)
		want = per_ns * (t_end - b) + 1024;
	return want < 1024 ? 1024 : want > 1e9 ? 1e9 : (__u64)want;
}

/* BPF_PROG_RUN calls until the end, the count or a signal. */
static int live_run(struct tg *t)
{
	struct trafficgen__bss *bss = t->skel->bss;
	__u64 t_end = bss->end_ns, repeat = 1 << 18, a, b;
	int err;

	while (!tg_stop) {
		a = bench_mono_ns();
		bss->call_first_ns = 0;
		err = prog_run(t, repeat);
		if (err) {
			fprintf(stderr, "trafficgen: BPF_PROG_RUN: %s\n", strerror(-err));
			return 1;
		}
		b = bench_mono_ns();
		/* setup before the first run, teardown after the last */
		t->gap_ns += (bss->call_first_ns - a) + (b - bss->call_last_ns);
		t->calls++;
		t->iters += repeat;
		if ((t_end && b >= t_end) || (bss->limit && bss->sent >= bss->limit))
			break;
		repeat = next_repeat(repeat, a, b, t_end);
	}
	return 0;
}

static void live_close(struct tg *t)
{
}

const struct tg_backend tg_live = {
	.name = "live",
	.open = live_open,
	.run = live_run,
	.close = live_close,
};
