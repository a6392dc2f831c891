// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Prometheus text format (prom.h).  Names: vrouter_<object>_<what>, with
 * _total on counters and the unit before it; labels as the JSON keys:
 * name and id for VRs, ifname and ifindex for NICs, map for maps, reason
 * for pass reasons.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>

#include <xdp/libxdp.h>

#include "core/datapath.h"
#include "core/metrics.h"
#include "cli.h"
#include "core/quota.h"
#include "prom.h"

void vr_prom_family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

void vr_prom_label_value(FILE *f, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fputc('\\', f);
		if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
}

void vr_prom_vr_labels(FILE *f, const struct vr_metrics_vr *v)
{
	fputs("{name=\"", f);
	vr_prom_label_value(f, v->rec.name);
	fprintf(f, "\",id=\"%u\"", v->id);
}

/* The per-VR counters other than pass[]: offsets into struct vr_stats. */
enum vr_ctr { CTR_RX, CTR_ADMITTED, CTR_POLICED, CTR_FWD, CTR_N };
static const char *const ctr_name[CTR_N] = { "rx", "admitted", "policed", "fwd" };
static const char *const ctr_help[CTR_N] = {
	"frames addressed to the VR",
	"frames admitted by the VR's limit (rx - policed)",
	"frames dropped by the VR's admission limit",
	"frames forwarded by the fast path",
};

static struct vr_counter ctr_of(const struct vr_stats *st, enum vr_ctr c)
{
	struct vr_counter a;

	switch (c) {
	case CTR_RX:
		return st->rx;
	case CTR_POLICED:
		return st->policed;
	case CTR_FWD:
		return st->fwd;
	default:
		a.packets = st->rx.packets - st->policed.packets;
		a.bytes = st->rx.bytes - st->policed.bytes;
		return a;
	}
}

static void write_vrs(FILE *f, const struct vr_metrics *m)
{
	static const char *const unit[2] = { "packets", "bytes" };
	char name[96], help[160];
	int c, u, i, r;

	for (c = 0; c < CTR_N; c++)
		for (u = 0; u < 2; u++) {
			snprintf(name, sizeof(name), "vrouter_vr_%s_%s_total", ctr_name[c], unit[u]);
			snprintf(help, sizeof(help), "%s, %s", ctr_help[c], unit[u]);
			vr_prom_family(f, name, "counter", help);
			for (i = 0; i < m->n_vr; i++) {
				struct vr_counter v = ctr_of(&m->vr[i].st, (enum vr_ctr)c);

				fputs(name, f);
				vr_prom_vr_labels(f, &m->vr[i]);
				fprintf(f, "} %llu\n", (unsigned long long)(u ? v.bytes : v.packets));
			}
		}
	for (u = 0; u < 2; u++) {
		snprintf(name, sizeof(name), "vrouter_vr_pass_%s_total", unit[u]);
		snprintf(help, sizeof(help), "frames handed to the VR's kernel (slow path) "
			 "by reason, %s", unit[u]);
		vr_prom_family(f, name, "counter", help);
		for (i = 0; i < m->n_vr; i++)
			for (r = 0; r < VR_PASS_MAX; r++) {
				const struct vr_counter *v = &m->vr[i].st.pass[r];

				fputs(name, f);
				vr_prom_vr_labels(f, &m->vr[i]);
				fprintf(f, ",reason=\"%s\"} %llu\n", vr_pass_reason_name((unsigned int)r),
					(unsigned long long)(u ? v->bytes : v->packets));
			}
	}
	vr_prom_family(f, "vrouter_vr_ready", "gauge", "1 if the VR's record is ready, 0 if half "
	       "created or deleted");
	for (i = 0; i < m->n_vr; i++) {
		fputs("vrouter_vr_ready", f);
		vr_prom_vr_labels(f, &m->vr[i]);
		fprintf(f, "} %d\n", m->vr[i].rec.state == VR_STATE_READY);
	}
}

static void nic_labels(FILE *f, const char *name, const struct vr_metrics_nic *n)
{
	char buf[IF_NAMESIZE];

	fprintf(f, "%s{ifname=\"", name);
	if (!if_indextoname(n->ifindex, buf))
		snprintf(buf, sizeof(buf), "if%u", n->ifindex);
	vr_prom_label_value(f, buf);
	fprintf(f, "\",ifindex=\"%u\"", n->ifindex);
}

static void write_nics(FILE *f, const struct vr_metrics *m)
{
	int i;

	vr_prom_family(f, "vrouter_nic_no_vr_packets_total", "counter",
	       "frames on a loaded NIC addressed to no VR (host traffic), packets");
	for (i = 0; i < m->n_nic; i++) {
		nic_labels(f, "vrouter_nic_no_vr_packets_total", &m->nic[i]);
		fprintf(f, "} %llu\n", (unsigned long long)m->nic[i].st.no_vr.packets);
	}
	vr_prom_family(f, "vrouter_nic_no_vr_bytes_total", "counter",
	       "frames on a loaded NIC addressed to no VR (host traffic), bytes");
	for (i = 0; i < m->n_nic; i++) {
		nic_labels(f, "vrouter_nic_no_vr_bytes_total", &m->nic[i]);
		fprintf(f, "} %llu\n", (unsigned long long)m->nic[i].st.no_vr.bytes);
	}
	vr_prom_family(f, "vrouter_nic_attached", "gauge",
	       "1 if vrouter's program is attached to the loaded NIC (mode: native, skb)");
	for (i = 0; i < m->n_nic; i++) {
		nic_labels(f, "vrouter_nic_attached", &m->nic[i]);
		fprintf(f, ",mode=\"%s\"} %d\n", vr_xdp_mode_name(m->nic[i].mode),
			m->nic[i].attached);
	}
	vr_prom_family(f, "vrouter_nic_prog_id", "gauge", "id of the XDP program attached to the NIC, 0: none");
	for (i = 0; i < m->n_nic; i++) {
		nic_labels(f, "vrouter_nic_prog_id", &m->nic[i]);
		fprintf(f, "} %u\n", m->nic[i].prog_id);
	}
}

static void write_maps(FILE *f, const struct vr_metrics *m)
{
	unsigned int i;

	vr_prom_family(f, "vrouter_map_entries", "gauge",
	       "entries in the pinned map (arrays by VR id: VRs; ring buffer: bytes pending)");
	for (i = 0; i < VRM_COUNT; i++)
		if (!m->map[i].err)
			fprintf(f, "vrouter_map_entries{map=\"%s\"} %llu\n", vr_maps[i].name,
				(unsigned long long)m->map[i].used);
	vr_prom_family(f, "vrouter_map_max_entries", "gauge",
	       "size of the pinned map (ring buffer: bytes)");
	for (i = 0; i < VRM_COUNT; i++)
		fprintf(f, "vrouter_map_max_entries{map=\"%s\"} %llu\n", vr_maps[i].name,
			(unsigned long long)m->map[i].size);
}

static void one(FILE *f, const char *name, const char *type, const char *help, double v)
{
	vr_prom_family(f, name, type, help);
	fprintf(f, "%s %.17g\n", name, v);
}

static void write_health(FILE *f, const struct vr_metrics *m)
{
	const struct vr_sync_health *h = &m->health;

	one(f, "vrouter_sync_follower_running", "gauge",
	    "1 if a vrctl sync --follow is running (heartbeat within 5 s)", m->follower_running);
	one(f, "vrouter_sync_follower_heartbeat_timestamp_seconds", "gauge",
	    "last write of the follower's health (0: never)", (double)h->heartbeat_ns / 1e9);
	one(f, "vrouter_sync_follower_last_full_pass_timestamp_seconds", "gauge",
	    "end of the follower's last round of full passes without error (0: never)",
	    (double)h->last_full_pass_ns / 1e9);
	one(f, "vrouter_sync_follower_full_passes_total", "counter",
	    "full passes of a VR made by the follower", (double)h->full_passes);
	one(f, "vrouter_sync_follower_events_total", "counter",
	    "netlink events of the VRs applied by the follower", (double)h->events);
	one(f, "vrouter_sync_follower_errors_total", "counter",
	    "failed full passes and host requests refused", (double)h->errors);
	one(f, "vrouter_trace_running", "gauge", "1 while a vrctl trace runs", m->trace_running);
	one(f, "vrouter_trace_events_total", "counter", "trace events sent by the fast path",
	    (double)m->trace_bkt.sent);
	one(f, "vrouter_trace_limited_total", "counter",
	    "trace events refused by the per-CPU rate limit", (double)m->trace_bkt.limited);
	one(f, "vrouter_trace_lost_total", "counter", "trace events lost to a full ring",
	    (double)m->trace_bkt.lost);
}

int vr_prom_write(struct vr_state *st, FILE *f)
{
	struct vr_metrics *m = calloc(1, sizeof(*m));
	int err = m ? 0 : -ENOMEM;

	if (!err && st->fd[VRM_ROUTERS] < 0 && access(st->pin_dir, F_OK))
		err = -ENOENT;
	if (!err)
		err = vr_maps_open(st);

	if (!err)
		err = vr_metrics_read(st, m);
	vr_prom_build(f);
	one(f, "vrouter_up", "gauge", "1 if vrouter is loaded and its maps were read", !err);
	if (!err) {
		write_vrs(f, m);
		vr_prom_config(f, st, m);	/* prom_config.c */
		write_nics(f, m);
		write_maps(f, m);
		write_health(f, m);
	}
	free(m);
	return err;
}

int vr_stats_prometheus(struct vr_ctx *ctx, const struct vr_args *a)
{
	int err;

	if (strcmp(a->val[STATS_FORMAT], "prometheus"))
		return vr_usage(ctx, "--format: '%s' is not text or prometheus",
				a->val[STATS_FORMAT]);
	if (a->val[STATS_INTERVAL] || a->val[STATS_COUNT] || a->n_pos || ctx->json)
		return vr_usage(ctx, "stats --format prometheus: all the metrics, once "
				"(no NAME, --interval, --count or -j)");
	err = vr_maps_open(&ctx->st);
	if (!err)
		err = vr_prom_write(&ctx->st, stdout);
	if (!err && (fflush(stdout) || ferror(stdout))) {
		pr_err("stats: cannot write the metrics: %s", strerror(errno));
		err = -EIO;
	}
	return err;
}
