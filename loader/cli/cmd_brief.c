// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * stats --brief and top: a line a VR, to read many VRs at a glance.
 * Totals, or with --interval rates; numbers with k/M/G/T units (powers of
 * 1000, as the command line takes them): packets, pps, bytes (B), bit/s.
 * The fast path's share is fwd / admitted; the top pass reason is the one
 * that counted most.  top sorts the VRs by received rate and, on a
 * terminal, redraws the screen each interval.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "print.h"
#include "stats.h"

/* One VR's numbers: per second over SECS with a previous snapshot, else totals. */
struct brief {
	const char *name;
	double rx, fwd, pass, policed, rx_bytes, top;
	int top_reason;		/* -1: none */
};

static double delta(uint64_t now, uint64_t before)
{
	return now >= before ? (double)(now - before) : 0;
}

static void brief_of(const struct snap_vr *v, const struct snap_vr *pv, double secs,
		     struct brief *b)
{
	static const struct vr_stats zero;
	const struct vr_stats *p = pv ? &pv->st : &zero;
	double d = pv ? secs : 1, x;
	int r;

	memset(b, 0, sizeof(*b));
	b->name = v->name;
	b->rx = delta(v->st.rx.packets, p->rx.packets) / d;
	b->rx_bytes = delta(v->st.rx.bytes, p->rx.bytes) / d;
	b->fwd = delta(v->st.fwd.packets, p->fwd.packets) / d;
	b->policed = delta(v->st.policed.packets, p->policed.packets) / d;
	b->top_reason = -1;
	for (r = 0; r < VR_PASS_MAX; r++) {
		x = delta(v->st.pass[r].packets, p->pass[r].packets) / d;
		b->pass += x;
		if (x > b->top) {
			b->top = x;
			b->top_reason = r;
		}
	}
}

static int by_rx(const void *a, const void *b)
{
	const struct brief *x = a, *y = b;

	return x->rx < y->rx ? 1 : x->rx > y->rx ? -1 : strcmp(x->name, y->name);
}

static void print_line(const struct brief *b, int width, bool rates)
{
	const char *pu = rates ? "pps" : "", *bu = rates ? "bit/s" : "B";
	char c[6][24], pct[8] = "-";
	double adm = b->rx - b->policed;

	if (adm > 0)
		snprintf(pct, sizeof(pct), "%.0f%%", 100 * b->fwd / adm);
	printf("%-*s %10s %10s %10s %10s %5s %12s  ", width, b->name,
	       vr_si(b->rx, pu, c[0], sizeof(c[0])), vr_si(b->fwd, pu, c[1], sizeof(c[1])),
	       vr_si(b->pass, pu, c[2], sizeof(c[2])), vr_si(b->policed, pu, c[3], sizeof(c[3])), pct,
	       vr_si(rates ? 8 * b->rx_bytes : b->rx_bytes, bu, c[4], sizeof(c[4])));
	if (b->top_reason < 0)
		printf("-\n");
	else
		printf("%s %s\n", vr_pass_reason_name((unsigned int)b->top_reason),
		       vr_si(b->top, pu, c[5], sizeof(c[5])));
}

void vr_print_brief(const struct snapshot *s, const struct snapshot *prev, double secs,
		    bool top)
{
	static struct brief b[VR_MAX_ROUTERS];
	const struct snap_vr *pv;
	struct brief sum = { .name = "total", .top_reason = -1 };
	int i, j, n = 0, width = (int)strlen("total");
	char when[64];

	for (i = 0; i < s->n_vr; i++) {
		pv = NULL;
		for (j = 0; prev && j < prev->n_vr && !pv; j++)
			if (prev->vr[j].id == s->vr[i].id && !strcmp(prev->vr[j].name, s->vr[i].name))
				pv = &prev->vr[j];
		if (prev && !pv)
			continue;	/* appeared during the interval: the next one */
		brief_of(&s->vr[i], pv, secs, &b[n]);
		if ((int)strlen(b[n].name) > width)
			width = (int)strlen(b[n].name);
		sum.rx += b[n].rx;
		sum.fwd += b[n].fwd;
		sum.pass += b[n].pass;
		sum.policed += b[n].policed;
		sum.rx_bytes += b[n].rx_bytes;
		n++;
	}
	if (top) {
		qsort(b, (size_t)n, sizeof(b[0]), by_rx);
		if (isatty(STDOUT_FILENO))
			fputs("\033[H\033[2J", stdout);
	}
	if (prev)
		printf("%s, interval %.1f s, %d VR%s\n", vr_time_str(&s->real, when, sizeof(when)),
		       secs, n, n == 1 ? "" : "s");
	printf("%-*s %10s %10s %10s %10s %5s %12s  %s\n", width, "NAME", "RX", "FWD", "PASS",
	       "POLICED", "FAST", prev ? "RX BIT/S" : "RX BYTES", "TOP PASS");
	for (i = 0; i < n; i++)
		print_line(&b[i], width, prev != NULL);
	if (n > 1)
		print_line(&sum, width, prev != NULL);
}

int do_top(struct vr_ctx *ctx, const struct vr_args *a)
{
	uint32_t interval = 1, count = 0;

	if (ctx->json)
		return vr_usage(ctx, "top is text: stats -j --interval gives every counter");
	if (a->val[TOP_INTERVAL] && parse_u32(a->val[TOP_INTERVAL], 1, 86400, &interval))
		return vr_usage(ctx, "--interval: '%s' is not a number in 1-86400",
				a->val[TOP_INTERVAL]);
	if (a->val[TOP_COUNT] && parse_u32_si(a->val[TOP_COUNT], 1, UINT32_MAX, &count))
		return vr_usage(ctx, "--count: '%s' is not a number in 1-%u", a->val[TOP_COUNT],
				UINT32_MAX);
	return vr_stats_run(ctx, NULL, interval, a->val[TOP_COUNT] != NULL, count,
			    STATS_VIEW_TOP);
}
