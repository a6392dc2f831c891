/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The tenant of a VR: whoever runs inside the VR's user namespace
 * (include/vrouter.h, VR_UID_*), as `vrctl exec` starts it.
 *
 * tenant.c: the tenant's directories, a tmpfs at
 * /run/vrctl/tenant/NAME owned by the tenant's root, made by add-router
 * and removed by del-router; `vrctl exec` mounts them over the host's:
 *   run -> /run (and so /var/run), tmp -> /tmp and /var/tmp,
 *   shm -> /dev/shm, log -> /var/log,
 *   etc/D -> /etc/D, for each directory D there that the host has too
 *   (add-router makes etc/frr, etc/bird and etc/keepalived).
 * tenant_init.c: the VR's init, pid 1 of the tenant's pid namespace.
 * tenant_exec.c: `vrctl exec`, a process inside the VR's user, network
 * and pid namespaces and mount, UTS and IPC namespaces of its own.
 */
#ifndef VR_CORE_TENANT_H
#define VR_CORE_TENANT_H

#include <stdint.h>

#include "core/state.h"

#define TENANT_RUN_DIR	"/run/vrctl/tenant"

/* Make, or remove, VR NAME's tenant directories (the tmpfs owned by
 * UID_BASE).  0 or -errno; print nothing.
 */
int vr_tenant_dir_create(const char *name, uint32_t uid_base);
int vr_tenant_dir_delete(const char *name);
/* Detach (lazily) whatever is mounted on DIR or below it, in the current
 * mount namespace: 0 or -errno.
 */
int vr_mount_detach(const char *dir);
/* End every process of VR NAME's tenant, its init first, by its uids,
 * UID_COUNT from UID_BASE (SIGKILL, until no new one is found; the ranges
 * are the VR's alone): the number ended, the init included.
 */
int vr_tenant_kill(const char *name, uint32_t uid_base, uint32_t uid_count);
/*
 * Mount VR NAME's tenant directories over the host's in the current mount
 * namespace (a private one of `vrctl exec`), after what the host had
 * mounted there, every source taken without following a symlink (the
 * tenant owns what is inside).  0 or -errno (printed).
 */
int vr_tenant_dir_mount(const char *name);

/*
 * tenant_init.c: the VR's init, pid 1 of the VR's pid namespace (every
 * exec runs there), bind-mounted at TENANT_PIDNS_DIR/NAME.  Start it
 * (0 or -errno, -ENOENT: no vrctl-init next to vrctl; prints nothing),
 * open its pid namespace, remove the file (the init itself ends with the
 * tenant's processes).
 */
#define TENANT_PIDNS_DIR	"/run/vrctl/pidns"
int vr_tenant_init_start(const char *name);
int vr_tenant_init_open(const char *name);
int vr_tenant_init_delete(const char *name);
/* Join user namespace USERFD as its root (uid and gid 0, no groups). */
int vr_tenant_become_root(int userfd);

/*
 * Run ARGV (PATH searched) as the tenant of VR REC (which must have a
 * user namespace): its exit status (128 + the signal if killed), or
 * -errno (printed).  The mount namespace shows the VR's links in /sys,
 * its own processes in /proc and the tenant's directories; the capability
 * bounding set lacks VR_TENANT_CAPS_DROPPED (tenant_exec.c).
 */
int vr_tenant_exec(const struct vr_router *rec, char *const argv[]);

#endif /* VR_CORE_TENANT_H */
