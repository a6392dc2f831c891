/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The tenants' uid ranges (uids.c; the allocation is VR_UID_* in
 * include/vrouter.h): one range of VR_UID_COUNT uids and gids per VR,
 * host-wide.
 */
#ifndef VR_CORE_UIDS_H
#define VR_CORE_UIDS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/state.h"

/* A free range for VR NAME: its first uid in *BASE.  Prints its error. */
int vr_uids_alloc(const char *name, uint32_t *base);
/* The range from BASE back, if VR NAME holds it. */
void vr_uids_free(const char *name, uint32_t base);

#endif /* VR_CORE_UIDS_H */
