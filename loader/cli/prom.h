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

#endif /* VR_CLI_PROM_H */
