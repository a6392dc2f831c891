// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The metrics of what is configured, what it uses and what vrctl is
 * (prom.h): each VR's admission limit, its quotas and their use, whether
 * its fast path is off and why; the build.  Enough to alert on a quota
 * about to run out, a VR whose traffic all goes to its kernel, or a
 * vrctl of another ABI than the pinned maps.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/maps.h"
#include "core/metrics.h"
#include "core/migrate.h"
#include "core/quota.h"
#include "prom.h"
#include "vr_pass_names.h"

void vr_prom_build(FILE *f)
{
	vr_prom_family(f, "vrouter_build_info", "gauge",
		       "1, labelled with vrctl's release, git revision and map ABI");
	fputs("vrouter_build_info{version=\"", f);
	vr_prom_label_value(f, vr_version());
	fputs("\",git_revision=\"", f);
	vr_prom_label_value(f, vr_revision());
	fprintf(f, "\",abi_version=\"%u\"} 1\n", (unsigned int)VR_ABI_VERSION);
}

/* One gauge per VR and LABEL (NULL: none): VALS[VR] (NULL HAVE: all). */
static void per_vr(FILE *f, const struct vr_metrics *m, const char *name, const char *label,
		   const char *value, const uint64_t *vals, const bool *have)
{
	int i;

	for (i = 0; i < m->n_vr; i++) {
		if (have && !have[i])
			continue;
		fputs(name, f);
		vr_prom_vr_labels(f, &m->vr[i]);
		if (label)
			fprintf(f, ",%s=\"%s\"", label, value);
		fprintf(f, "} %llu\n", (unsigned long long)vals[i]);
	}
}

static void write_quotas(FILE *f, const struct vr_metrics *m, const struct vr_usage *u)
{
	static const char *const res[] = { "neigh", "routes", "macs" };
	static uint64_t quota[3][VR_MAX_ROUTERS], used[3][VR_MAX_ROUTERS];
	struct vr_quota q;
	int i, k;

	for (i = 0; i < m->n_vr; i++) {
		vr_quota_of(&m->vr[i].rec, &q);
		quota[0][i] = q.neigh;
		quota[1][i] = q.routes;
		quota[2][i] = q.macs;
		used[0][i] = u->neigh[m->vr[i].id];
		used[1][i] = u->routes[m->vr[i].id];
		used[2][i] = u->macs[m->vr[i].id];
	}
	vr_prom_family(f, "vrouter_vr_quota", "gauge", "the VR's quota on a shared resource "
		       "(neigh: vr_neigh entries, routes: host table routes, macs: NICs)");
	for (k = 0; k < 3; k++)
		per_vr(f, m, "vrouter_vr_quota", "resource", res[k], quota[k], NULL);
	vr_prom_family(f, "vrouter_vr_quota_used", "gauge", "what the VR uses of its quota "
		       "(routes: absent when the host's routes could not be read)");
	for (k = 0; k < 3; k++)
		if (k != 1 || u->routes_ok)
			per_vr(f, m, "vrouter_vr_quota_used", "resource", res[k], used[k], NULL);
}

static void write_fast_path(FILE *f, const struct vr_metrics *m, const struct vr_usage *u)
{
	static uint64_t off[VR_MAX_ROUTERS];
	size_t r;
	int i;

	vr_prom_family(f, "vrouter_vr_fast_path_off", "gauge",
		       "1 if every frame of the VR goes to its kernel for this reason");
	for (r = 0; r < VR_N_SLOW_REASONS; r++) {
		for (i = 0; i < m->n_vr; i++)
			off[i] = !!(u->slow[m->vr[i].id] & vr_slow_reasons[r].bit);
		per_vr(f, m, "vrouter_vr_fast_path_off", "reason", vr_slow_reasons[r].name, off,
		       NULL);
	}
}

static void write_limits(FILE *f, struct vr_state *st, const struct vr_metrics *m)
{
	static const char *const name[] = {
		"vrouter_vr_limit_packets_per_second", "vrouter_vr_limit_burst_packets",
		"vrouter_vr_limit_bits_per_second", "vrouter_vr_limit_burst_bytes",
	};
	static const char *const help[] = {
		"the VR's admission limit in packets per second (absent: none)",
		"packets the VR's limit admits back to back after idle",
		"the VR's admission limit in bits per second (absent: none)",
		"bytes the VR's limit admits back to back after idle",
	};
	static uint64_t v[4][VR_MAX_ROUTERS];
	static bool have[2][VR_MAX_ROUTERS];
	struct vr_limit l;
	int i, k;

	for (i = 0; i < m->n_vr; i++) {
		if (vr_limit_read(st, m->vr[i].id, &l))
			memset(&l, 0, sizeof(l));
		have[0][i] = l.flags & VR_LIMIT_PPS;
		have[1][i] = l.flags & VR_LIMIT_BPS;
		v[0][i] = l.rate_pps;
		v[1][i] = l.burst;
		v[2][i] = l.rate_bps;
		v[3][i] = l.burst_bytes;
	}
	for (k = 0; k < 4; k++) {
		vr_prom_family(f, name[k], "gauge", help[k]);
		per_vr(f, m, name[k], NULL, NULL, v[k], have[k / 2]);
	}
}

int vr_prom_config(FILE *f, struct vr_state *st, const struct vr_metrics *m)
{
	static struct vr_usage u;
	int err = vr_usage_read(st, &u);

	if (err)
		return err;
	write_limits(f, st, m);
	write_quotas(f, m, &u);
	write_fast_path(f, m, &u);
	return 0;
}
