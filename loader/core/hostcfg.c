// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Host sysctls with their old values recorded in vr_sysctls (hostcfg.h).
 * The record is taken with BPF_NOEXIST, so the value found before the
 * first change is kept, whoever changes the sysctl again (load, the
 * follower) and whichever process does it.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>

#include <bpf/bpf.h>

#include "core/hostcfg.h"
#include "lib/log.h"
#include "nl/netlink.h"

#define IPV6_FORWARDING	"net/ipv6/conf/all/forwarding"

static uint32_t random_seed(void)
{
	uint32_t v = 0;
	FILE *f = fopen("/dev/urandom", "re");

	if (f) {
		if (fread(&v, sizeof(v), 1, f) != 1)
			v = 0;
		fclose(f);
	}
	return v ? v : (uint32_t)getpid() * 2654435761u;
}

static int sysctl_key(struct vr_sysctl_key *k, const char *path)
{
	memset(k, 0, sizeof(*k));
	if (strlen(path) >= sizeof(k->path))
		return -ENAMETOOLONG;
	memcpy(k->path, path, strlen(path));
	return 0;
}

int vr_sysctl_change(struct vr_state *st, const char *path, const char *value)
{
	struct vr_sysctl_key k;
	struct vr_sysctl_val v;
	int err, recorded = 0;

	memset(&v, 0, sizeof(v));
	err = sysctl_key(&k, path);
	if (!err)
		err = sysctl_set(NULL, path, NULL, v.old, sizeof(v.old));
	if (!err && strcmp(v.old, value)) {
		if (!bpf_map_update_elem(st->fd[VRM_SYSCTLS], &k, &v, BPF_NOEXIST))
			recorded = 1;
		else if (errno != EEXIST)
			err = -errno;
		if (!err)
			err = sysctl_set(NULL, path, value, NULL, 0);
		if (err && recorded)
			bpf_map_delete_elem(st->fd[VRM_SYSCTLS], &k);
	}
	if (err) {
		pr_err("cannot set %s to %s: %s", path, value, strerror(-err));
		return err;
	}
	if (recorded)
		pr_info("%s=%s (was %s; unload puts it back)", path, value, v.old);
	return recorded;
}

int vr_sysctl_restore(struct vr_state *st, const char *path)
{
	struct vr_sysctl_key k;
	struct vr_sysctl_val v;
	int err;

	err = sysctl_key(&k, path);
	if (err || bpf_map_lookup_elem(st->fd[VRM_SYSCTLS], &k, &v))
		return 0;	/* never changed by vrctl */
	v.old[sizeof(v.old) - 1] = '\0';
	err = sysctl_set(NULL, path, v.old, NULL, 0);
	if (err == -ENOENT)	/* the interface is gone: so is its sysctl */
		err = 0;
	if (err) {
		pr_err("cannot put %s back to %s: %s", path, v.old, strerror(-err));
		return err;
	}
	bpf_map_delete_elem(st->fd[VRM_SYSCTLS], &k);
	pr_info("%s=%s again", path, v.old);
	return 0;
}

int vr_sysctl_restore_all(struct vr_state *st, const char *pattern)
{
	struct vr_sysctl_key k, next, *prev = NULL;
	char path[VR_SYSCTL_PATH_MAX];
	int err, ret = 0;

	/* Restoring deletes the entry: step on from the previous key only
	 * when it stays.
	 */
	while (!bpf_map_get_next_key(st->fd[VRM_SYSCTLS], prev, &next)) {
		k = next;
		memcpy(path, k.path, sizeof(path));
		path[sizeof(path) - 1] = '\0';
		if (pattern && fnmatch(pattern, path, FNM_PATHNAME)) {
			prev = &k;
			continue;
		}
		err = vr_sysctl_restore(st, path);
		if (err) {
			ret = ret ? ret : err;
			bpf_map_delete_elem(st->fd[VRM_SYSCTLS], &k);	/* no retry loop */
		}
		prev = NULL;
	}
	return ret;
}

/* accept_ra of interface NAME ("default" too) from 1 to 2. */
static int keep_ra(struct vr_state *st, const char *name)
{
	char path[VR_SYSCTL_PATH_MAX], val[16];

	snprintf(path, sizeof(path), "net/ipv6/conf/%s/accept_ra", name);
	if (sysctl_set(NULL, path, NULL, val, sizeof(val)) || strcmp(val, "1"))
		return 0;	/* no IPv6 there, or RA off, or already 2 */
	return vr_sysctl_change(st, path, "2");
}

int vr_host_ipv6_forwarding(struct vr_state *st)
{
	struct if_nameindex *ifs, *i;
	char val[16];
	int err;

	err = sysctl_set(NULL, IPV6_FORWARDING, NULL, val, sizeof(val));
	if (err) {
		pr_err("cannot read %s: %s", IPV6_FORWARDING, strerror(-err));
		return err;
	}
	if (!strcmp(val, "1"))
		return 0;
	err = keep_ra(st, "default");
	ifs = if_nameindex();
	for (i = ifs; !(err < 0) && i && i->if_index; i++)
		if (strcmp(i->if_name, "lo"))
			err = keep_ra(st, i->if_name);
	if (ifs)
		if_freenameindex(ifs);
	return err < 0 ? err : vr_sysctl_change(st, IPV6_FORWARDING, "1");
}

/* ECMP: bpf_fib_lookup hashes a multipath route's next hops by the
 * host's policy and seed; 1 (L4) spreads flows that differ only by ports.
 * A seed of 0 is a random one per namespace, so that the VRs' kernels
 * (which add-router gives the same policy and seed) pick the same next
 * hop as the fast path, the host gets a fixed seed.
 */
const char *const vr_ecmp_sysctls[VR_ECMP_N_SYSCTLS] = {
	"net/ipv4/fib_multipath_hash_policy",
	"net/ipv6/fib_multipath_hash_policy",
	VR_ECMP_SEED,
};

int vr_host_ecmp_policy(struct vr_state *st)
{
	char seed[16];
	size_t i;
	int err, recorded = 0;

	for (i = 0; i < VR_ECMP_N_SYSCTLS - 1; i++) {	/* the policies */
		err = vr_sysctl_change(st, vr_ecmp_sysctls[i], "1");
		if (err < 0)
			return err;
		recorded |= err;
	}
	if (!sysctl_set(NULL, VR_ECMP_SEED, NULL, seed, sizeof(seed)) && !strcmp(seed, "0")) {
		snprintf(seed, sizeof(seed), "%u", (unsigned int)(random_seed() | 1));
		err = vr_sysctl_change(st, VR_ECMP_SEED, seed);
		if (err < 0)
			return err;
		recorded |= err;
	}
	return recorded;
}
