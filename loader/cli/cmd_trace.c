// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * vrctl trace: the frames of the VRs that take the slow path (and with
 * --all the forwarded and policed ones), one line each, from the fast
 * path's ring buffer (include/vrouter.h, "Tracing").
 *
 * The switch is vr_trace_ctl[0]: set under the pin directory's lock (so
 * two traces cannot both claim it), then the lock is let go and the trace
 * runs without it; cleared at the end, also on SIGINT, SIGTERM, SIGHUP
 * and a closed stdout.  A trace killed by SIGKILL leaves it set (status
 * says so); the rate limit bounds its cost, and the next trace clears it.
 * Root only, like every command: the events carry tenants' frames.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>

#include <bpf/libbpf.h>

#include "cli.h"
#include "core/metrics.h"
#include "pcapw.h"
#include "print.h"

struct tracer {
	struct vr_ctx *ctx;
	struct vr_pcap *pcap;		/* --write */
	int64_t mono_to_real;		/* ns to add to bpf_ktime_get_ns() */
	uint32_t count;			/* stop after that many; 0: no limit */
	uint32_t shown;
	bool discard;			/* draining a previous trace's events */
	bool out_closed;		/* stdout went away */
	struct vr_trace_ctl ctl;
	struct vr_trace_bkt start;	/* the counters when it began */
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

/* The pass reasons, comma-separated (a wrong --reason). */
static void vr_print_reasons(FILE *f)
{
	unsigned int r;

	for (r = 0; r < VR_PASS_MAX; r++)
		fprintf(f, "%s%s", r ? ", " : "", vr_pass_reason_name(r));
}

void vr_trace_help(FILE *f)
{
	unsigned int r;
	int col = 2;

	fprintf(f, "\nREASON is one of (as counted by 'vrctl stats'):\n ");
	for (r = 0; r < VR_PASS_MAX; r++) {
		const char *n = vr_pass_reason_name(r);

		if (col + (int)strlen(n) + 2 > 78) {
			fprintf(f, "\n ");
			col = 2;
		}
		col += fprintf(f, " %s%s", n, r + 1 < VR_PASS_MAX ? "," : "\n");
	}
}

/* "unknown reason 'nofwd' (did you mean ...?; the reasons: not_ip, ...)" */
static int unknown_reason(struct vr_ctx *ctx, const char *tok)
{
	const char *names[VR_PASS_MAX];
	char near[160], all[1024];
	unsigned int r;
	FILE *f = fmemopen(all, sizeof(all), "w");

	for (r = 0; r < VR_PASS_MAX; r++)
		names[r] = vr_pass_reason_name(r);
	all[0] = '\0';
	if (f) {
		vr_print_reasons(f);
		fclose(f);
	}
	if (suggest_names(tok, names, VR_PASS_MAX, sizeof(names[0]), NULL, near, sizeof(near)))
		return vr_usage(ctx, "--reason: unknown reason '%s' (did you mean %s?; the "
				"reasons: %s)", tok, near, all);
	return vr_usage(ctx, "--reason: unknown reason '%s' (the reasons: %s)", tok, all);
}

/* --reason R[,R...]: a mask of pass reasons.  0 or a usage error. */
static int parse_reasons(struct vr_ctx *ctx, const char *s, uint32_t *mask)
{
	char buf[512], *tok, *save = NULL;
	unsigned int r;

	snprintf(buf, sizeof(buf), "%s", s);
	*mask = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (r = 0; r < VR_PASS_MAX && strcmp(tok, vr_pass_reason_name(r)); r++)
			;
		if (r == VR_PASS_MAX)
			return unknown_reason(ctx, tok);
		*mask |= 1U << r;
	}
	if (!*mask)
		return vr_usage(ctx, "--reason: no reason given");
	return 0;
}

/* The options into T's filter; the VR checked.  0 or -errno (printed). */
static int trace_args(struct vr_ctx *ctx, const struct vr_args *a, struct tracer *t)
{
	struct vr_router rec;
	int err;

	t->ctl.flags = VR_TRACE_ON;
	t->ctl.reasons = (1U << VR_PASS_MAX) - 1;
	if (a->val[TRACE_REASON] && parse_reasons(ctx, a->val[TRACE_REASON], &t->ctl.reasons))
		return -EINVAL;
	if (a->val[TRACE_COUNT] && parse_u32_si(a->val[TRACE_COUNT], 1, UINT32_MAX, &t->count))
		return vr_usage(ctx, "--count: '%s' is not a number in 1-%u",
				a->val[TRACE_COUNT], UINT32_MAX);
	if (a->val[TRACE_ALL])
		t->ctl.flags |= VR_TRACE_FWD | VR_TRACE_POLICED;
	err = vr_maps_open(&ctx->st);
	if (err)
		return err;
	if (a->n_pos) {
		err = vr_router_find_named(ctx, a->pos[0], &t->ctl.vr_id, &rec);
		if (err)
			return err;
	}
	t->ctl.owner_pid = (uint32_t)getpid();
	return 0;
}

/* Set (or, with ON false, clear if still ours) the switch, under the lock. */
static int trace_switch(struct tracer *t, bool on)
{
	struct vr_state *st = &t->ctx->st;
	struct vr_trace_ctl cur, off = { 0 };
	int err;

	err = vr_state_lock(st, false);
	if (err)
		return err;
	err = vr_trace_ctl_read(st, &cur);
	if (!err && on && cur.flags && cur.owner_pid != t->ctl.owner_pid &&
	    vr_pid_alive(cur.owner_pid)) {
		pr_err("a trace is already running (vrctl pid %u)", cur.owner_pid);
		err = -EBUSY;
	} else if (!err && on) {
		err = vr_trace_ctl_write(st, &t->ctl);
	} else if (!err && cur.owner_pid == t->ctl.owner_pid) {
		err = vr_trace_ctl_write(st, &off);
	}
	if (err && err != -EBUSY)
		pr_err("cannot write %s: %s", VR_MAP_TRACECTL, strerror(-err));
	vr_state_unlock(st);
	return err;
}

/* ---- one event ---- */

/* What the first bytes of a frame say. */
struct frame_info {
	uint16_t ethertype;
	bool ip;
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	uint8_t proto;
	bool ports;			/* sport/dport valid (TCP, UDP, SCTP) */
	uint16_t sport, dport;
};

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* L4 at P (LEN bytes left) of protocol PROTO: its ports. */
static void decode_l4(struct frame_info *fi, const uint8_t *p, size_t len)
{
	if ((fi->proto == 6 || fi->proto == 17 || fi->proto == 132) && len >= 4) {
		fi->ports = true;
		fi->sport = get16(p);
		fi->dport = get16(p + 2);
	}
}

static void decode_frame(const struct vr_trace_event *e, struct frame_info *fi)
{
	const uint8_t *p = e->data + 14;
	size_t len = e->caplen, ihl;

	memset(fi, 0, sizeof(*fi));
	if (len < 14)
		return;
	fi->ethertype = get16(e->data + 12);
	len -= 14;
	if (fi->ethertype == 0x0800 && len >= 20 && (p[0] >> 4) == 4) {
		ihl = (size_t)(p[0] & 15) * 4;
		fi->ip = true;
		fi->proto = p[9];
		inet_ntop(AF_INET, p + 12, fi->src, sizeof(fi->src));
		inet_ntop(AF_INET, p + 16, fi->dst, sizeof(fi->dst));
		if (ihl >= 20 && ihl <= len && !(get16(p + 6) & 0x3fff))
			decode_l4(fi, p + ihl, len - ihl);
	} else if (fi->ethertype == 0x86dd && len >= 40 && (p[0] >> 4) == 6) {
		fi->ip = true;
		fi->proto = p[6];
		inet_ntop(AF_INET6, p + 8, fi->src, sizeof(fi->src));
		inet_ntop(AF_INET6, p + 24, fi->dst, sizeof(fi->dst));
		decode_l4(fi, p + 40, len - 40);
	}
}

static const char *proto_name(uint8_t proto, char *buf, size_t len)
{
	switch (proto) {
	case 0:   return "hopopt";
	case 1:   return "icmp";
	case 6:   return "tcp";
	case 17:  return "udp";
	case 58:  return "icmpv6";
	case 132: return "sctp";
	}
	snprintf(buf, len, "proto-%u", proto);
	return buf;
}

static const char *verdict_name(uint8_t v)
{
	return v == VR_TRACE_V_FWD ? "fwd" : v == VR_TRACE_V_POLICED ? "policed" : "pass";
}

/* "12:34:56.789012" (text) or "2025-01-02T12:34:56.789012Z" (JSON). */
static void event_time(const struct tracer *t, const struct vr_trace_event *e, char *buf,
		       size_t len, struct timeval *tv)
{
	int64_t ns = (int64_t)e->ts_ns + t->mono_to_real;
	time_t s = (time_t)(ns / 1000000000LL);
	struct tm tm;
	char hms[40];

	tv->tv_sec = s;
	tv->tv_usec = (suseconds_t)(ns % 1000000000LL / 1000);
	gmtime_r(&s, &tm);
	strftime(hms, sizeof(hms), is_json_context() ? "%Y-%m-%dT%H:%M:%S" : "%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%06ld%s", hms, (long)tv->tv_usec, is_json_context() ? "Z" : "");
}

static const char *vr_name_of(struct tracer *t, uint32_t id, char *buf)
{
	struct vr_router rec;

	if (vr_router_get(&t->ctx->st, id, &rec))
		snprintf(buf, VR_NAME_MAX, "vr#%u", id);
	else
		memcpy(buf, rec.name, VR_NAME_MAX);
	return buf;
}

static const char *ifname(uint32_t ifindex, char *buf)
{
	if (!if_indextoname(ifindex, buf))
		snprintf(buf, IF_NAMESIZE, "if%u", ifindex);
	return buf;
}

/* Addresses, protocol and ports, or for a frame that is not IP its MACs
 * and ethertype.
 */
static void print_frame(const struct vr_trace_event *e, const struct frame_info *fi)
{
	char a[18], b[18], pbuf[16];

	if (!fi->ip) {
		print_string(PRINT_ANY, "src_mac", " %s", e->caplen >= 12 ? mac_str(e->data + 6, a) : "?");
		print_string(PRINT_ANY, "dst_mac", " > %s", e->caplen >= 12 ? mac_str(e->data, b) : "?");
		print_uint(PRINT_ANY, "ethertype", " ethertype 0x%04x", fi->ethertype);
		return;
	}
	print_string(PRINT_ANY, "src", " %s", fi->src);
	if (fi->ports)
		print_uint(PRINT_ANY, "sport", ".%u", fi->sport);
	print_string(PRINT_ANY, "dst", " > %s", fi->dst);
	if (fi->ports)
		print_uint(PRINT_ANY, "dport", ".%u", fi->dport);
	print_string(PRINT_ANY, "proto", " %s", proto_name(fi->proto, pbuf, sizeof(pbuf)));
}

static void print_event(struct tracer *t, const struct vr_trace_event *e, const char *when)
{
	char vr[VR_NAME_MAX], in[IF_NAMESIZE], out[IF_NAMESIZE], nh[INET6_ADDRSTRLEN];
	struct frame_info fi;

	decode_frame(e, &fi);
	open_json_object(NULL);
	print_string(PRINT_ANY, "time", "%s", when);
	print_string(PRINT_ANY, "name", " %s", vr_name_of(t, e->vr_id, vr));
	print_uint(PRINT_JSON, "id", NULL, e->vr_id);
	print_string(PRINT_ANY, "ifname", " %s", ifname(e->ifindex, in));
	print_frame(e, &fi);
	print_uint(PRINT_ANY, "len", " len %u", e->frame_len);
	print_string(PRINT_ANY, "verdict", " %s", verdict_name(e->verdict));
	if (e->verdict == VR_TRACE_V_PASS)
		print_string(PRINT_ANY, "reason", " %s", vr_pass_reason_name(e->reason));
	if (e->verdict == VR_TRACE_V_FWD) {
		inet_ntop(e->nh_family == VR_AF_INET6 ? AF_INET6 : AF_INET, e->nh, nh, sizeof(nh));
		print_string(PRINT_ANY, "egress_ifname", " via %s", ifname(e->egress, out));
		print_string(PRINT_ANY, "nexthop", " nexthop %s", nh);
	}
	print_nl();
	close_json_object();
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct tracer *t = ctx;
	const struct vr_trace_event *e = data;
	struct timeval tv;
	char when[64];

	if (t->discard || size < sizeof(*e) || (t->count && t->shown >= t->count))
		return 0;
	event_time(t, e, when, sizeof(when), &tv);
	print_event(t, e, when);
	if (fflush(stdout) || ferror(stdout))
		t->out_closed = true;
	if (t->pcap)
		vr_pcap_write(t->pcap, &tv, e->data, e->caplen, e->frame_len);
	t->shown++;
	return 0;
}

/* ---- the trace ---- */

static void signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);	/* a closed stdout ends the trace, cleanly */
}

static void clock_offset(struct tracer *t)
{
	struct timespec r, m;

	clock_gettime(CLOCK_REALTIME, &r);
	clock_gettime(CLOCK_MONOTONIC, &m);
	t->mono_to_real = ((int64_t)r.tv_sec - m.tv_sec) * 1000000000LL + (r.tv_nsec - m.tv_nsec);
}

/* Events until --count, a signal or a closed stdout. */
static int trace_loop(struct tracer *t, struct ring_buffer *rb)
{
	int n;

	while (!stop && !t->out_closed && (!t->count || t->shown < t->count)) {
		/* Woken every VR_TRACE_WAKE events; the rest read on the timeout. */
		n = ring_buffer__poll(rb, 100);
		if (n >= 0)
			n = ring_buffer__consume(rb);
		if (n < 0 && n != -EINTR) {
			pr_err("reading %s: %s", VR_MAP_TRACE, strerror(-n));
			return n;
		}
	}
	return 0;
}

/* What the rate limit and a full ring cost this trace (stderr). */
static void trace_summary(struct tracer *t)
{
	struct vr_trace_bkt now;

	if (vr_trace_bkt_read(&t->ctx->st, &now))
		return;
	pr_info("trace: %u events shown", t->shown);
	if (now.limited > t->start.limited || now.lost > t->start.lost)
		pr_warn("trace: %llu events over the rate limit (%u/s per CPU), %llu lost "
			"to a full ring: not shown",
			(unsigned long long)(now.limited - t->start.limited), VR_TRACE_RATE,
			(unsigned long long)(now.lost - t->start.lost));
}

static int trace_run(struct tracer *t)
{
	struct ring_buffer *rb;
	int err;

	rb = ring_buffer__new(t->ctx->st.fd[VRM_TRACE], on_event, t, NULL);
	if (!rb) {
		err = -errno;
		pr_err("cannot read %s: %s", VR_MAP_TRACE, strerror(-err));
		return err;
	}
	err = trace_switch(t, true);
	if (!err) {
		/* What a previous trace left in the ring is not ours. */
		t->discard = true;
		ring_buffer__consume(rb);
		t->discard = false;
		vr_trace_bkt_read(&t->ctx->st, &t->start);
		err = trace_loop(t, rb);
		trace_switch(t, false);
		ring_buffer__consume(rb);
		trace_summary(t);
	}
	ring_buffer__free(rb);
	return err;
}

int do_trace(struct vr_ctx *ctx, const struct vr_args *a)
{
	struct tracer t = { .ctx = ctx };
	const char *path = a->val[TRACE_WRITE];
	int err;

	err = trace_args(ctx, a, &t);
	if (err)
		return err;
	if (path) {
		err = vr_pcap_create(path, VR_TRACE_SNAPLEN, &t.pcap);
		if (err)
			return err;
	}
	signals();
	clock_offset(&t);
	err = trace_run(&t);
	vr_pcap_close(t.pcap, err != 0);
	return err;
}
