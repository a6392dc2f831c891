/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Host sysctls vrctl changes (forwarding, accept_ra, the ECMP hash
 * policy), each with the value it had before in vr_sysctls, so that
 * unload puts every one back.  Paths are below /proc/sys, in the
 * namespace vrctl runs in.
 */
#ifndef VR_CORE_HOSTCFG_H
#define VR_CORE_HOSTCFG_H

#include "core/state.h"

/* The multipath hash sysctls: load sets the host's (vr_host_ecmp_policy),
 * add-router copies the host's values into each VR.  The seed (IPv4 and
 * IPv6) is last: kernels before 6.11 have none.
 */
#define VR_ECMP_SEED	"net/ipv4/fib_multipath_hash_seed"
#define VR_ECMP_N_SYSCTLS 3
extern const char *const vr_ecmp_sysctls[VR_ECMP_N_SYSCTLS];

/* Set PATH to VALUE; the first change records the old value.  1: this
 * call recorded it (the caller may undo with vr_sysctl_restore), 0:
 * recorded before, -errno (printed).
 */
int vr_sysctl_change(struct vr_state *st, const char *path, const char *value);
/* Put PATH back to its recorded value and forget it (nothing recorded:
 * nothing to do).  0 or -errno (printed).
 */
int vr_sysctl_restore(struct vr_state *st, const char *path);
/* Every recorded sysctl whose path matches PATTERN (fnmatch; NULL: all)
 * back: 0, or the first error (all are tried).
 */
int vr_sysctl_restore_all(struct vr_state *st, const char *pattern);
/*
 * net.ipv6.conf.all.forwarding=1, which bpf_fib_lookup needs for IPv6,
 * without turning off the host's IPv6 autoconfiguration: with forwarding
 * on, the kernel ignores router advertisements where accept_ra is 1, so
 * every interface (and "default") with accept_ra 1 gets 2 first.
 * 1: this call changed forwarding, 0: it was on, -errno (printed).
 */
int vr_host_ipv6_forwarding(struct vr_state *st);

/* fib_multipath_hash_policy=1 (IPv4 and IPv6): 1 if this call recorded
 * a change, 0, or -errno (printed).
 */
int vr_host_ecmp_policy(struct vr_state *st);

#endif /* VR_CORE_HOSTCFG_H */
