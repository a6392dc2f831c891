// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * vrctl status: is the data path where vrctl put it?  Each loaded NIC's
 * program and whether it is still attached, each map's fill level, each
 * VR's state, the follower's health and the trace switch.  Read without
 * the lock (core/metrics.h), as text or JSON.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <net/if.h>

#include <bpf/bpf.h>

#include "cli.h"
#include "core/router.h"
#include "core/datapath.h"
#include "core/metrics.h"
#include "print.h"

/* NS (CLOCK_REALTIME) as "2025-01-02T03:04:05Z", or NULL for 0. */
static const char *when(uint64_t ns, char *buf, size_t len)
{
	time_t t = (time_t)(ns / 1000000000ULL);
	struct tm tm;

	if (!ns || !gmtime_r(&t, &tm))
		return NULL;
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

/* KEY: the time (text: " LABEL TIME (N s ago)"), or null / " LABEL never". */
static void print_when(const char *key, const char *label, uint64_t ns, uint64_t now)
{
	char buf[64], fmt[64];

	if (!when(ns, buf, sizeof(buf))) {
		snprintf(fmt, sizeof(fmt), ", %s never", label);
		print_null(PRINT_ANY, key, fmt);
		return;
	}
	snprintf(fmt, sizeof(fmt), ", %s %%s", label);
	print_string(PRINT_ANY, key, fmt, buf);
	print_text(" (%llu s ago)", (unsigned long long)(now > ns ? (now - ns) / 1000000000ULL : 0));
}

static void print_nics(const struct vr_metrics *m)
{
	char name[IF_NAMESIZE];
	int i;

	print_text("NICs\n");
	open_json_array("ifaces");
	for (i = 0; i < m->n_nic; i++) {
		const struct vr_metrics_nic *n = &m->nic[i];

		if (!if_indextoname(n->ifindex, name))
			snprintf(name, sizeof(name), "if%u(gone)", n->ifindex);
		open_json_object(NULL);
		print_string(PRINT_ANY, "ifname", "  %-16s", name);
		print_uint(PRINT_ANY, "ifindex", " ifindex %-5u", n->ifindex);
		print_bool(PRINT_JSON, "attached", NULL, n->attached);
		print_text(n->attached ? " attached" : " NOT ATTACHED");
		print_string(PRINT_ANY, "mode", ", %s", vr_xdp_mode_name(n->mode));
		print_uint(PRINT_ANY, "prog_id", ", program %u", n->prog_id);
		if (!n->attached)
			print_text(n->prog_id ? " (not vrouter's)" : " (no XDP program)");
		print_nl();
		close_json_object();
	}
	close_json_array();
}

static void print_maps(const struct vr_metrics *m)
{
	unsigned int i;

	print_text("Maps\n");
	open_json_array("maps");
	for (i = 0; i < VRM_COUNT; i++) {
		const struct vr_metrics_map *u = &m->map[i];

		open_json_object(NULL);
		print_string(PRINT_ANY, "name", "  %-16s", vr_maps[i].name);
		if (u->size == 1 && !u->err) {
			/* a one-entry record (control, health, ABI): no fill level */
			print_u64(PRINT_JSON, "entries", NULL, (unsigned long long)u->used);
			print_u64(PRINT_JSON, "max_entries", NULL, 1);
			print_text(" %8s\n", "record");
			close_json_object();
			continue;
		}
		if (u->err)
			print_null(PRINT_ANY, "entries", "        ?");
		else
			print_u64(PRINT_ANY, "entries", " %8llu", (unsigned long long)u->used);
		print_u64(PRINT_ANY, "max_entries", " / %-8llu", (unsigned long long)u->size);
		if (vr_maps[i].type == BPF_MAP_TYPE_RINGBUF)
			print_string(PRINT_ANY, "unit", " %s", "bytes");
		else if (!u->err && u->size)
			print_text(" %3llu%%", (unsigned long long)(u->used * 100 / u->size));
		print_nl();
		close_json_object();
	}
	close_json_array();
}

static void print_routers(struct vr_ctx *ctx, const struct vr_metrics *m)
{
	int i, w = 16;

	/* the name column as wide as the longest name (31 characters) */
	for (i = 0; i < m->n_vr; i++)
		if ((int)strnlen(m->vr[i].rec.name, VR_NAME_MAX) > w)
			w = (int)strnlen(m->vr[i].rec.name, VR_NAME_MAX);
	print_text("Routers\n");
	open_json_array("routers");
	for (i = 0; i < m->n_vr; i++) {
		open_json_object(NULL);
		print_string(PRINT_JSON, "name", NULL, m->vr[i].rec.name);
		print_text("  %-*s", w, m->vr[i].rec.name);
		print_uint(PRINT_ANY, "id", " id %-4u", m->vr[i].id);
		print_uint(PRINT_ANY, "table", " table %-5u", m->vr[i].rec.table_id);
		print_string(PRINT_ANY, "state", " %s", vr_router_state_name(m->vr[i].rec.state));
		vr_print_fast_path(vr_router_slow(&ctx->st, m->vr[i].id), ", ");
		print_bool(PRINT_JSON, "userns", NULL, m->vr[i].rec.uid_count != 0);
		if (!m->vr[i].rec.uid_count)
			print_text(", no user namespace (an older vrctl's)");
		print_nl();
		close_json_object();
	}
	close_json_array();
}

static void print_follower(const struct vr_metrics *m, uint64_t now)
{
	const struct vr_sync_health *h = &m->health;

	open_json_object("follower");
	print_bool(PRINT_JSON, "running", NULL, m->follower_running);
	print_text("Follower: %s", m->follower_running ? "running" : "not running");
	if (m->follower_running)
		print_uint(PRINT_ANY, "pid", " (pid %u)", h->pid);
	else
		print_null(PRINT_JSON, "pid", NULL);
	print_when("heartbeat", "last seen", h->heartbeat_ns, now);
	print_when("last_full_pass", "last full pass", h->last_full_pass_ns, now);
	print_u64(PRINT_ANY, "full_passes", ", %llu full passes", (unsigned long long)h->full_passes);
	print_u64(PRINT_ANY, "events", ", %llu events", (unsigned long long)h->events);
	print_u64(PRINT_ANY, "errors", ", %llu errors", (unsigned long long)h->errors);
	print_nl();
	close_json_object();
}

static void print_trace(const struct vr_metrics *m)
{
	open_json_object("trace");
	print_bool(PRINT_JSON, "running", NULL, m->trace_running);
	print_text("Trace: %s", m->trace_running ? "running" :
		   m->trace.flags ? "on, but its vrctl is gone (the next trace clears it)" : "off");
	if (m->trace.flags)
		print_uint(PRINT_ANY, "pid", " (pid %u)", m->trace.owner_pid);
	print_u64(PRINT_ANY, "events", ", %llu events", (unsigned long long)m->trace_bkt.sent);
	print_u64(PRINT_ANY, "limited", ", %llu rate-limited", (unsigned long long)m->trace_bkt.limited);
	print_u64(PRINT_ANY, "lost", ", %llu lost", (unsigned long long)m->trace_bkt.lost);
	print_nl();
	close_json_object();
}

/* The pinned layout's ABI and the vrctl that wrote it (vr_abi). */
static void print_abi(struct vr_ctx *ctx)
{
	struct vr_abi rec = {};
	__u32 key = 0;

	bpf_map_lookup_elem(ctx->st.fd[VRM_ABI], &key, &rec);
	rec.revision[sizeof(rec.revision) - 1] = '\0';
	open_json_object("abi");
	print_uint(PRINT_ANY, "abi_version", "ABI %u", rec.version);
	print_string(PRINT_ANY, "git_revision", " (maps written by %s)", rec.revision);
	print_nl();
	close_json_object();
}

int do_status(struct vr_ctx *ctx, const struct vr_args *a)
{
	struct vr_metrics *m;
	int err;

	err = vr_maps_open(&ctx->st);
	if (err)
		return err;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	err = vr_metrics_read(&ctx->st, m);
	if (!err) {
		open_json_object(NULL);
		print_abi(ctx);
		print_nics(m);
		print_maps(m);
		print_routers(ctx, m);
		print_follower(m, vr_realtime_ns());
		print_trace(m);
		close_json_object();
	}
	free(m);
	return err;
}
