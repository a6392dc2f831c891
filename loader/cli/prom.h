/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The Prometheus text exposition format (version 0.0.4) of a metrics
 * snapshot (core/metrics.h): `vrctl stats --format prometheus` and
 * `vrctl exporter`.  Counters only: no frame, address or route leaves.
 */
#ifndef VR_CLI_PROM_H
#define VR_CLI_PROM_H

#include <stdio.h>

#include "core/state.h"

#define VR_PROM_CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"

/* Open ST's maps (no lock), read, write to F.  Not loaded (no pin
 * directory): vrouter_up 0 and -ENOENT, silently; unreadable: vrouter_up
 * 0 and -errno (printed).
 */
int vr_prom_write(struct vr_state *st, FILE *f);

/* prom.c: "# HELP" and "# TYPE" of a family; a label value escaped;
 * a VR's labels "{name=\"vr1\",id=\"1\"" (the caller closes the brace).
 */
void vr_prom_family(FILE *f, const char *name, const char *type, const char *help);
void vr_prom_label_value(FILE *f, const char *v);
struct vr_metrics;
struct vr_metrics_vr;
void vr_prom_vr_labels(FILE *f, const struct vr_metrics_vr *v);

/* prom_config.c: vrouter_build_info; each VR's limit, quotas and their
 * use, fast path off by reason (0, or -errno: maps unreadable).
 */
void vr_prom_build(FILE *f);
int vr_prom_config(FILE *f, struct vr_state *st, const struct vr_metrics *m);

#endif /* VR_CLI_PROM_H */
