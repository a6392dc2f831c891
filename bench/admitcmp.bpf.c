// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Admission control, measured (benchctl admit-cmp, benchctl prog-cost):
 *
 * admit_cmp: the admission step alone, run with BPF_PROG_RUN repeat on
 * several CPUs at once, in one of these modes (`mode`):
 *   0 NONE     nothing (the BPF_PROG_RUN loop's own cost)
 *   1 LOOKUP   what a VR without a limit pays: array lookup + branch
 *   2 SHARED   vrouter's algorithm: one GCRA bucket shared by all CPUs,
 *              compare-and-swap, per-CPU credit in batches (bpf/admission.h,
 *              the same code; ADMIT_NO_BATCH=1 in the environment: one frame at a time)
 *   3 PERCPU   the alternative: one GCRA bucket per CPU, each with the
 *              rate / ncpus, plain read-modify-write (no atomics)
 *   4 SLOT     the other alternative: a time slot (1 ms) per VR with a
 *              shared counter, atomic add; reset when the slot changes
 *   5 CLOCK    LOOKUP + bpf_ktime_get_ns() alone (the time source's cost)
 *   6 COARSE   LOOKUP + bpf_ktime_get_coarse_ns() alone
 * Counts admitted and policed per CPU in `cmp_stats`.
 *
 * restore_and_call: rewrites the frame's first 60 bytes from `tmpl`, then
 * tail-calls the program in `target[0]` (vrouter's, as attached): with
 * BPF_PROG_RUN repeat every run sees the original frame although vrouter
 * rewrote it the run before, so a forwarded frame can be timed.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "vrouter.h"
#include "admission.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

enum { M_NONE, M_LOOKUP, M_SHARED, M_PERCPU, M_SLOT, M_CLOCK, M_COARSE };

const volatile __u32 mode;
const volatile __u32 ncpus = 1;

struct cmp_stats {
	__u64 admitted, policed;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct cmp_stats);
	__uint(max_entries, 1);
} cmp_stats SEC(".maps");

/* Index 1 holds the limit (as vrctl would write it), 0 none. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct vr_limit);
	__uint(max_entries, 2);
} cmp_limits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct vr_bucket);
	__uint(max_entries, 2);
} cmp_shared SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct vr_credit);
	__uint(max_entries, 2);
} cmp_credit SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct vr_bucket);
	__uint(max_entries, 2);
} cmp_percpu SEC(".maps");

struct slot {
	__u64 slot;	/* ktime >> 20 (~1.05 ms) */
	__u64 count;	/* frames admitted in it */
	__u64 pad[6];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct slot);
	__uint(max_entries, 2);
} cmp_slot SEC(".maps");

#define SLOT_SHIFT 20

/* One GCRA bucket per CPU: the same test, no atomics, rate / ncpus. */
static __always_inline int percpu_admit(const struct vr_limit *l, struct vr_bucket *b)
{
	__u64 now = bpf_ktime_get_ns() << VR_LIMIT_TICK_SHIFT;
	__u64 cost = l->pkt_cost * ncpus, base, next;

	base = b->tat_pkt > now ? b->tat_pkt : now;
	next = base + cost;
	/* burst / ncpus frames of rate / ncpus: the same depth in time */
	if (next - now > l->pkt_depth)
		return 0;
	b->tat_pkt = next;
	return 1;
}

/* Time slots: up to rate * slot length frames per slot, counted with an
 * atomic add; the first CPU to see a new slot resets the counter (a race
 * with the others' adds at the boundary, which is this scheme's error).
 */
static __always_inline int slot_admit(const struct vr_limit *l, struct slot *s)
{
	__u64 now = bpf_ktime_get_ns(), cur = now >> SLOT_SHIFT, n;
	/* frames per slot: (1 << SLOT_SHIFT) ns / (pkt_cost ticks) */
	__u64 per = ((1ULL << SLOT_SHIFT) << VR_LIMIT_TICK_SHIFT) / l->pkt_cost;

	if (s->slot != cur) {
		s->slot = cur;
		s->count = 0;
	}
	n = __sync_fetch_and_add(&s->count, 1);
	return n < per;
}

SEC("xdp")
int admit_cmp(struct xdp_md *ctx)
{
	__u32 zero = 0, key = 1;
	struct cmp_stats *st = bpf_map_lookup_elem(&cmp_stats, &zero);
	struct vr_limit *l;
	void *b;
	int ok = 1;

	if (!st)
		return XDP_ABORTED;
	if (mode == M_NONE)
		goto out;
	l = bpf_map_lookup_elem(&cmp_limits, &key);
	if (!l || !l->flags)
		goto out;
	if (mode == M_SHARED) {
		struct vr_credit *c = bpf_map_lookup_elem(&cmp_credit, &key);

		b = bpf_map_lookup_elem(&cmp_shared, &key);
		ok = b && c && vr_admit(l, b, c, (void *)(long)ctx->data_end -
					   (void *)(long)ctx->data);
	} else if (mode == M_PERCPU) {
		b = bpf_map_lookup_elem(&cmp_percpu, &key);
		ok = b && percpu_admit(l, b);
	} else if (mode == M_SLOT) {
		b = bpf_map_lookup_elem(&cmp_slot, &key);
		ok = b && slot_admit(l, b);
	} else if (mode == M_CLOCK) {
		ok = bpf_ktime_get_ns() != 0;
	} else if (mode == M_COARSE) {
		ok = bpf_ktime_get_coarse_ns() != 0;
	}
out:
	if (ok)
		st->admitted++;
	else
		st->policed++;
	return ok ? XDP_PASS : XDP_DROP;
}

/* ---- restore_and_call ---- */

__u32 tmpl[15];		/* .bss, written by benchctl: not constant-folded */

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} target SEC(".maps");

SEC("xdp")
int restore_and_call(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u32 *w = data;
	int i;

	if (data + 60 > end)
		return XDP_ABORTED;
#pragma unroll
	for (i = 0; i < 15; i++)
		w[i] = tmpl[i];
	bpf_tail_call(ctx, &target, 0);
	return XDP_ABORTED;
}
