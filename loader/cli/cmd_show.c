// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * list / show / stats: read-only views of the pinned maps, as text or
 * JSON through print.h.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <net/if.h>

#include "cli.h"
#include "core/datapath.h"
#include "core/maps.h"
#include "core/metrics.h"
#include "core/quota.h"
#include "core/router.h"
#include "nl/netlink.h"
#include "print.h"
#include "stats.h"
#include "vr_pass_names.h"

/* A NIC removed while loaded (the kernel dropped it from vr_tx_ports,
 * its VRs' entries stay until del-router): "if7(gone)".
 */
static const char *ifname_of(uint32_t ifindex, char *buf)
{
	if (!if_indextoname(ifindex, buf))
		snprintf(buf, IF_NAMESIZE, "if%u(gone)", ifindex);
	return buf;
}

/* The VR's NICs (its vr_ports entries), sorted by ifindex. */
struct port {
	uint32_t ifindex;
	struct vr_port_val val;
};

static int vr_ports_of(struct vr_ctx *ctx, uint32_t id, struct port *out, int max)
{
	uint32_t ifindex = 0;
	int n = 0;

	while (n < max && !vr_port_next(&ctx->st, id, &ifindex, out[n].val.mac))
		out[n++].ifindex = ifindex;
	return n;
}

#define MAX_PORTS_SHOWN VR_MAX_IFACES

/* "    limit pps 20000 burst 200, bps none"; JSON "limit": {"rate_pps":
 * 20000, "burst": 200, "rate_bps": null, "burst_bytes": null}.
 */
static void print_limit(struct vr_ctx *ctx, uint32_t id)
{
	struct vr_limit l;

	if (vr_limit_read(&ctx->st, id, &l))
		memset(&l, 0, sizeof(l));
	open_json_object("limit");
	print_text("    limit");
	if (l.flags & VR_LIMIT_PPS) {
		print_u64(PRINT_ANY, "rate_pps", " pps %llu", (unsigned long long)l.rate_pps);
		print_uint(PRINT_ANY, "burst", " burst %u", l.burst);
	} else {
		print_null(PRINT_ANY, "rate_pps", " pps none");
		print_null(PRINT_JSON, "burst", NULL);
	}
	print_text(",");
	if (l.flags & VR_LIMIT_BPS) {
		print_u64(PRINT_ANY, "rate_bps", " bps %llu", (unsigned long long)l.rate_bps);
		print_u64(PRINT_ANY, "burst_bytes", " burst-bytes %llu",
			  (unsigned long long)l.burst_bytes);
	} else {
		print_null(PRINT_ANY, "rate_bps", " bps none");
		print_null(PRINT_JSON, "burst_bytes", NULL);
	}
	print_nl();
	close_json_object();
}

/* Is the XDP program attached to IFINDEX (detached behind vrctl's back)? */
static bool xdp_attached(uint32_t ifindex)
{
	uint32_t prog_id;
	int mode;

	return !vr_iface_xdp(ifindex, &prog_id, &mode) && prog_id;
}

/* Warnings about what is gone behind vrctl's back; whether the namespace is. */
static bool warn_gone(const struct vr_router *r, const struct port *ports, int n)
{
	char name[IF_NAMESIZE];
	bool ns_gone;
	int i;

	for (i = 0; i < n; i++) {
		if (!if_indextoname(ports[i].ifindex, name))
			pr_warn("VR %s: its NIC with ifindex %u is gone (removed while "
				"loaded?); 'vrctl del-router %s' removes its entries",
				r->name, ports[i].ifindex, r->name);
		else if (!xdp_attached(ports[i].ifindex))
			pr_warn("VR %s: NIC %s has no XDP program (detached, not by "
				"vrctl): its frames take the slow path; 'vrctl load %s' "
				"attaches it again", r->name, name, name);
	}
	ns_gone = r->state == VR_STATE_READY && !netns_exists(r->name);
	if (ns_gone)
		pr_warn("VR %s: its network namespace is gone (deleted behind "
			"vrctl's back?); 'vrctl del-router %s' removes the rest",
			r->name, r->name);
	return ns_gone;
}

/* name, id, table, state, netns, created: a line (show) or columns (list,
 * the name column WIDTH wide).
 */
static void print_router_head(uint32_t id, const struct vr_router *r, bool ns_gone,
			      bool detail, int width)
{
	enum output_type d = detail ? PRINT_ANY : PRINT_JSON;
	time_t t = (time_t)(r->created_ns / 1000000000ULL);
	char when[64] = "";
	struct tm tm;

	if (r->created_ns && gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	print_string(PRINT_JSON, "name", NULL, r->name);
	if (detail)
		print_text("%s:", r->name);
	else
		print_text("%-*s", width, r->name);
	print_uint(PRINT_ANY, "id", detail ? " id %u" : " %5u", id);
	print_uint(PRINT_ANY, "table", detail ? " table %u" : " %6u", r->table_id);
	print_string(PRINT_ANY, "state", detail ? " state %s" : " %-9s", vr_router_state_name(r->state));
	print_string(d, "netns", " netns %s", r->name);
	print_bool(PRINT_JSON, "netns_missing", NULL, ns_gone);
	if (ns_gone && detail)
		print_text(" (missing)");
	if (when[0])
		print_string(d, "created", " created %s", when);
	if (detail)
		print_nl();
	else
		print_text(" ");
}

/* The VR's NICs, each with its MAC there: a line each (show), a column
 * of names (list); in JSON the same objects (ifname, ifindex, mac,
 * attached) in both.
 */
static void print_router_ports(const struct port *ports, int n, bool detail)
{
	enum output_type d = detail ? PRINT_ANY : PRINT_JSON;
	char name[IF_NAMESIZE], mac[18];
	bool attached;
	int i;

	open_json_array("ifaces");
	for (i = 0; i < n; i++) {
		attached = xdp_attached(ports[i].ifindex);
		open_json_object(NULL);
		print_string(PRINT_ANY, "ifname", detail ? "    %s" : i ? ",%s" : "%s",
			     ifname_of(ports[i].ifindex, name));
		print_uint(d, "ifindex", " (ifindex %u)", ports[i].ifindex);
		print_string(d, "mac", " mac %s", mac_str(ports[i].val.mac, mac));
		print_bool(PRINT_JSON, "attached", NULL, attached);
		if (detail && !attached)
			print_text(" (XDP detached)");
		if (detail)
			print_nl();
		close_json_object();
	}
	close_json_array();
	if (!detail && !n)
		print_text("-");
}

/* "    quota neigh 3/128 routes 12/10000 macs 2/8": each quota and its use
 * (JSON: neigh, neigh_used, ...; a use vrctl could not read: null).
 */
static void print_quota(const struct vr_router *r, uint32_t id, const struct vr_usage *u)
{
	struct vr_quota q;

	vr_quota_of(r, &q);
	open_json_object("quota");
	print_uint(PRINT_ANY, "neigh_used", "    quota neigh %u/", u->neigh[id]);
	print_uint(PRINT_ANY, "neigh", "%u", q.neigh);
	if (u->routes_ok)
		print_uint(PRINT_ANY, "routes_used", " routes %u/", u->routes[id]);
	else
		print_null(PRINT_ANY, "routes_used", " routes ?/");
	print_uint(PRINT_ANY, "routes", "%u", q.routes);
	print_uint(PRINT_ANY, "macs_used", " macs %u/", u->macs[id]);
	print_uint(PRINT_ANY, "macs", "%u", q.macs);
	print_nl();
	close_json_object();
}

void vr_print_fast_path(int slow, const char *indent)
{
	unsigned int i, n = 0;

	open_json_array("fast_path_off");
	print_text("%sfast path %s", indent, slow ? "off:" : "on");
	for (i = 0; i < VR_N_SLOW_REASONS; i++)
		if (slow & vr_slow_reasons[i].bit) {
			print_text("%s %s", n++ ? "," : "", vr_slow_reasons[i].text);
			print_string(PRINT_JSON, NULL, NULL, vr_slow_reasons[i].name);
		}
	close_json_array();
}

/* "    tenant uids A-B (user namespace)", or that it has none (an older
 * vrctl's VR: its tenant's root is the host's).
 */
static void print_tenant(const struct vr_router *r)
{
	open_json_object("tenant");
	print_bool(PRINT_JSON, "userns", NULL, r->uid_count != 0);
	if (r->uid_count) {
		print_uint(PRINT_ANY, "uid_base", "    tenant uids %u", r->uid_base);
		print_uint(PRINT_ANY, "uid_count", "+%u (its own user namespace)", r->uid_count);
	} else {
		print_text("    tenant: no user namespace (an older vrctl's VR: its root is root "
			   "on the host; del-router and add-router move it into one)");
	}
	print_nl();
	close_json_object();
}

/* One VR: list's line (DETAIL false) or show's block (U: its use). */
static void print_router(struct vr_ctx *ctx, uint32_t id, const struct vr_router *r,
			 const struct vr_usage *u, int width)
{
	static struct port ports[MAX_PORTS_SHOWN];
	bool ns_gone, detail = u != NULL;
	int n;

	n = vr_ports_of(ctx, id, ports, MAX_PORTS_SHOWN);
	ns_gone = warn_gone(r, ports, n);
	open_json_object(NULL);
	print_router_head(id, r, ns_gone, detail, width);
	if (detail) {
		print_limit(ctx, id);
		print_quota(r, id, u);
		vr_print_fast_path(vr_router_slow(&ctx->st, id), "    ");
		print_nl();
		print_tenant(r);
	}
	print_router_ports(ports, n, detail);
	if (!detail)
		print_nl();
	close_json_object();
}

/* The longest VR name, at least MIN: the width of list's name column. */
static int name_width(struct vr_ctx *ctx, int min)
{
	struct vr_router r;
	uint32_t id = 0;
	int w = min;

	while (!vr_router_next(&ctx->st, &id, &r))
		if ((int)strnlen(r.name, VR_NAME_MAX) > w)
			w = (int)strnlen(r.name, VR_NAME_MAX);
	return w;
}

/* Every VR, {"routers": [...]}: list's columns (U NULL) or show's blocks. */
static int print_routers(struct vr_ctx *ctx, const struct vr_usage *u)
{
	struct vr_router r;
	uint32_t id = 0;
	bool first = true;
	int err, w = name_width(ctx, (int)strlen("NAME"));

	open_json_object(NULL);
	open_json_array("routers");
	while (!(err = vr_router_next(&ctx->st, &id, &r))) {
		if (first && !u)
			print_text("%-*s %5s %6s %-9s %s\n", w, "NAME", "ID", "TABLE",
				   "STATE", "IFACES");
		print_router(ctx, id, &r, u, w);
		first = false;
	}
	close_json_array();
	close_json_object();
	if (err != -ENOENT) {
		pr_err("cannot read %s: %s", VR_MAP_ROUTERS, strerror(-err));
		return err;
	}
	return 0;
}

int do_list(struct vr_ctx *ctx, const struct vr_args *a)
{
	int err;

	err = vr_maps_open(&ctx->st);
	if (err)
		return err;
	return print_routers(ctx, NULL);
}

/* show NAME: its object; show: every VR, {"routers": [...]} as list. */
int do_show(struct vr_ctx *ctx, const struct vr_args *a)
{
	static struct vr_usage u;
	struct vr_router r;
	uint32_t id;
	int err;

	err = vr_maps_open(&ctx->st);
	if (!err && a->n_pos)
		err = vr_router_find_named(ctx, a->pos[0], &id, &r);
	if (err)
		return err;
	err = vr_usage_read(&ctx->st, &u);
	if (err) {
		pr_err("cannot read %s, %s: %s", VR_MAP_NEIGH, VR_MAP_PORTS, strerror(-err));
		return err;
	}
	if (a->n_pos < 1)
		return print_routers(ctx, &u);
	print_router(ctx, id, &r, &u, 0);
	return 0;
}

/* ---- stats --------------------------------------------------------- */

static void add_counter(struct vr_counter *sum, const struct vr_counter *c)
{
	sum->packets += c->packets;
	sum->bytes += c->bytes;
}

static int take_snapshot(struct vr_ctx *ctx, const char *only, struct snapshot *s)
{
	struct vr_router r;
	uint32_t id = 0, ifindex = 0;
	int err;

	s->n_vr = s->n_nic = 0;
	clock_gettime(CLOCK_MONOTONIC, &s->ts);
	clock_gettime(CLOCK_REALTIME, &s->real);
	while (!(err = vr_router_next(&ctx->st, &id, &r))) {
		if (only && strcmp(only, r.name))
			continue;
		s->vr[s->n_vr].id = id;
		memcpy(s->vr[s->n_vr].name, r.name, VR_NAME_MAX);
		err = vr_stats_read(&ctx->st, id, &s->vr[s->n_vr].st);
		if (err)
			break;
		s->n_vr++;
	}
	if (err != -ENOENT) {
		pr_err("cannot read the counters: %s", strerror(-err));
		return err;
	}
	if (only)
		return 0;
	while (s->n_nic < VR_MAX_IFACES && !vr_iface_next(&ctx->st, &ifindex)) {
		s->nic[s->n_nic].ifindex = ifindex;
		err = vr_nic_stats_read(&ctx->st, ifindex, &s->nic[s->n_nic].st);
		if (err) {
			pr_err("cannot read the counters: %s", strerror(-err));
			return err;
		}
		s->n_nic++;
	}
	return 0;
}

static const struct snap_vr *find_vr(const struct snapshot *s, const struct snap_vr *v)
{
	int i;

	for (i = 0; s && i < s->n_vr; i++)
		if (s->vr[i].id == v->id && !strcmp(s->vr[i].name, v->name))
			return &s->vr[i];
	return NULL;
}

static const struct snap_nic *find_nic(const struct snapshot *s, uint32_t ifindex)
{
	int i;

	for (i = 0; s && i < s->n_nic; i++)
		if (s->nic[i].ifindex == ifindex)
			return &s->nic[i];
	return NULL;
}

/*
 * One counter: totals ({packets, bytes}) when PREV is NULL, else rates
 * over SECS ({pps, bps}, bits per second).  Text: "LABEL N pkts N bytes"
 * or "LABEL 1.23kpps 45.6Mbit/s" (units: powers of 1000).
 */
static void print_counter(const char *key, const char *label,
			  const struct vr_counter *c, const struct vr_counter *prev,
			  double secs)
{
	char u[2][24];
	uint64_t p, b;

	open_json_object(key);
	print_text("    %-18s", label);
	if (!prev) {
		print_u64(PRINT_ANY, "packets", " %14llu pkts", (unsigned long long)c->packets);
		print_u64(PRINT_ANY, "bytes", " %16llu bytes", (unsigned long long)c->bytes);
	} else {
		p = c->packets >= prev->packets ? c->packets - prev->packets : 0;
		b = c->bytes >= prev->bytes ? c->bytes - prev->bytes : 0;
		print_u64(PRINT_JSON, "pps", NULL, (unsigned long long)(p / secs + 0.5));
		print_u64(PRINT_JSON, "bps", NULL, (unsigned long long)(b * 8 / secs + 0.5));
		print_text(" %12s %14s", vr_si(p / secs, "pps", u[0], sizeof(u[0])),
			   vr_si(b * 8 / secs, "bit/s", u[1], sizeof(u[1])));
	}
	print_nl();
	close_json_object();
}

static bool counter_moved(const struct vr_counter *c, const struct vr_counter *prev)
{
	return prev ? c->packets != prev->packets : c->packets != 0;
}

/* rx - policed: the program counts only the latter. */
static struct vr_counter admitted(const struct vr_stats *st)
{
	struct vr_counter a = st->rx;

	a.packets -= st->policed.packets;
	a.bytes -= st->policed.bytes;
	return a;
}

/* One VR's counters (PV: the same VR in the previous snapshot, or NULL). */
static void print_vr_stats(const struct snap_vr *v, const struct snap_vr *pv, double secs)
{
	struct vr_counter total = {}, ptotal = {}, adm = admitted(&v->st), padm = {};
	char label[40];
	int r;

	if (pv)
		padm = admitted(&pv->st);
	open_json_object(NULL);
	print_string(PRINT_ANY, "name", "%s", v->name);
	print_uint(PRINT_ANY, "id", " (id %u)", v->id);
	print_nl();
	print_counter("rx", "rx", &v->st.rx, pv ? &pv->st.rx : NULL, secs);
	print_counter("admitted", "admitted", &adm, pv ? &padm : NULL, secs);
	print_counter("policed", "policed", &v->st.policed, pv ? &pv->st.policed : NULL, secs);
	print_counter("fwd", "fwd", &v->st.fwd, pv ? &pv->st.fwd : NULL, secs);
	for (r = 0; r < VR_PASS_MAX; r++) {
		add_counter(&total, &v->st.pass[r]);
		if (pv)
			add_counter(&ptotal, &pv->st.pass[r]);
	}
	print_counter("pass_total", "pass", &total, pv ? &ptotal : NULL, secs);
	open_json_object("pass");
	for (r = 0; r < VR_PASS_MAX; r++) {
		const struct vr_counter *c = &v->st.pass[r];
		const struct vr_counter *pc = pv ? &pv->st.pass[r] : NULL;

		snprintf(label, sizeof(label), "  %s", vr_pass_reason_name((unsigned int)r));
		/* Text shows only the reasons that counted; JSON all. */
		if (is_json_context() || counter_moved(c, pc))
			print_counter(vr_pass_reason_name((unsigned int)r), label, c, pc, secs);
	}
	close_json_object();
	close_json_object();
}

/* Every loaded NIC: its program and no_vr count. */
static void print_nic_stats(const struct snapshot *s, const struct snapshot *prev,
			    double secs)
{
	static const struct vr_counter zero;
	char name[IF_NAMESIZE];
	uint32_t prog_id;
	int i, m;

	if (s->n_nic)
		print_text("NICs\n");
	open_json_array("ifaces");
	for (i = 0; i < s->n_nic; i++) {
		const struct snap_nic *nc = &s->nic[i], *pn = NULL;

		if (prev && !(pn = find_nic(prev, nc->ifindex)))
			continue;
		if (vr_iface_xdp(nc->ifindex, &prog_id, &m)) {
			prog_id = 0;
			m = 0;
		}
		open_json_object(NULL);
		print_string(PRINT_ANY, "ifname", "%s", ifname_of(nc->ifindex, name));
		print_uint(PRINT_ANY, "ifindex", " (ifindex %u", nc->ifindex);
		print_string(PRINT_ANY, "mode", ", %s", vr_xdp_mode_name(m));
		print_uint(PRINT_ANY, "prog_id", ", prog %u)", prog_id);
		print_nl();
		print_counter("no_vr", "no_vr", &nc->st.no_vr,
			      pn ? &pn->st.no_vr : (prev ? &zero : NULL), secs);
		close_json_object();
	}
	close_json_array();
}

static void print_stats(const struct snapshot *s, const struct snapshot *prev, bool only,
			enum stats_view view)
{
	const struct snap_vr *pv = NULL;
	char when[64];
	double secs = 0;
	int i;

	if (prev) {
		secs = (double)(s->ts.tv_sec - prev->ts.tv_sec) +
		       (double)(s->ts.tv_nsec - prev->ts.tv_nsec) / 1e9;
		if (secs <= 0)
			secs = 1e-9;
	}
	if (view != STATS_VIEW_FULL) {
		vr_print_brief(s, prev, secs, view == STATS_VIEW_TOP);
		fflush(stdout);
		return;
	}
	open_json_object(NULL);
	if (prev) {
		print_time(PRINT_JSON, "time", NULL, &s->real);
		vr_time_str(&s->real, when, sizeof(when));
		print_text("--- %s, interval %.1f s ---\n", when, secs);
		print_uint(PRINT_JSON, "interval_ms", NULL, (unsigned int)(secs * 1000 + 0.5));
	}
	open_json_array("routers");
	for (i = 0; i < s->n_vr; i++) {
		/* a VR that appeared during the interval waits for the next */
		if (!prev || (pv = find_vr(prev, &s->vr[i])))
			print_vr_stats(&s->vr[i], pv, secs);
	}
	close_json_array();
	if (!only)
		print_nic_stats(s, prev, secs);
	close_json_object();
	fflush(stdout);
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

/* --interval and --count of A. */
static int stats_args(struct vr_ctx *ctx, const struct vr_args *a, uint32_t *interval,
		      uint32_t *count)
{
	if (a->val[STATS_INTERVAL] && parse_u32(a->val[STATS_INTERVAL], 1, 86400, interval))
		return vr_usage(ctx, "--interval: '%s' is not a number in 1-86400",
				a->val[STATS_INTERVAL]);
	if (a->val[STATS_COUNT] && parse_u32_si(a->val[STATS_COUNT], 1, UINT32_MAX, count))
		return vr_usage(ctx, "--count: '%s' is not a number in 1-%u",
				a->val[STATS_COUNT], UINT32_MAX);
	if (a->val[STATS_COUNT] && !a->val[STATS_INTERVAL])
		return vr_usage(ctx, "stats: --count goes with --interval");
	return 0;
}

int vr_stats_run(struct vr_ctx *ctx, const char *name, uint32_t interval, bool has_count,
		 uint32_t count, enum stats_view view)
{
	static struct snapshot snaps[2];
	struct sigaction sa = { .sa_handler = on_signal };
	uint32_t done = 0;
	struct timespec ts;
	struct vr_router r;
	uint32_t id;
	int err, cur = 0;

	ctx->st.old_abi_ok = !interval;	/* a converted copy does not move */
	err = vr_maps_open(&ctx->st);
	if (err)
		return err;
	if (name) {
		err = vr_router_find_named(ctx, name, &id, &r);
		if (err)
			return err;
	}
	err = take_snapshot(ctx, name, &snaps[cur]);
	if (err)
		return err;
	if (!interval) {
		print_stats(&snaps[cur], NULL, name != NULL, view);
		return 0;
	}

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!stop && (!has_count || done < count)) {
		ts.tv_sec = interval;
		ts.tv_nsec = 0;
		while (!stop && nanosleep(&ts, &ts) && errno == EINTR)
			;
		if (stop)
			break;
		err = take_snapshot(ctx, name, &snaps[!cur]);
		if (err)
			return err;
		print_stats(&snaps[!cur], &snaps[cur], name != NULL, view);
		cur = !cur;
		done++;
	}
	return 0;
}

int do_stats(struct vr_ctx *ctx, const struct vr_args *a)
{
	uint32_t interval = 0, count = 0;
	bool brief = a->val[STATS_BRIEF] != NULL;
	int err;

	if (a->val[STATS_FORMAT] && strcmp(a->val[STATS_FORMAT], "text"))
		return vr_stats_prometheus(ctx, a);	/* prom.c */
	err = stats_args(ctx, a, &interval, &count);
	if (err)
		return err;
	if (brief && ctx->json)
		return vr_usage(ctx, "stats --brief is text: -j gives every counter");
	return vr_stats_run(ctx, a->n_pos ? a->pos[0] : NULL, interval,
			    a->val[STATS_COUNT] != NULL, count,
			    brief ? STATS_VIEW_BRIEF : STATS_VIEW_FULL);
}
