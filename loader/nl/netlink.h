/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Kernel-side objects of a VR, through rtnetlink (nl.h, on libmnl) and
 * the netns conventions of iproute2 (/run/netns/NAME bind mounts), never
 * through the `ip` binary.  All return 0 or -errno and print nothing: the
 * caller, which knows the VR, reports.  Files: netns.c, netns_id.c, link.c (links),
 * table.c (routing tables), sysctl.c, genl.c (generic netlink).
 */
#ifndef VR_NETLINK_H
#define VR_NETLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/types.h>

/* Named network namespaces, compatible with `ip netns` (netns.c). */
#define NETNS_RUN_DIR	"/run/netns"
int netns_exists(const char *name);		/* 1, 0 */
int netns_create(const char *name);		/* -EEXIST if it exists */
int netns_delete(const char *name);		/* -ENOENT if absent */
int netns_open(const char *name);		/* O_RDONLY fd of /run/netns/NAME, or -errno */
/* Is /run/netns/NAME a namespace (not a file left by a crash)?  1, 0. */
int netns_is_ns(const char *name);
/* The inode of /run/netns/NAME (which namespace the name stands for now). */
int netns_stat(const char *name, dev_t *dev, ino_t *ino);
/* Enter the namespace of NSFD (-1: stay) or NAME (NULL: stay); *SAVED is
 * the one we were in (-1 if we stayed), for netns_leave() to go back to.
 */
int netns_enter_fd(int nsfd, int *saved);
int netns_enter(const char *name, int *saved);
void netns_leave(int saved);
/* Identities (netns_id.c): this process's network namespace's id (the low
 * 32 bits of its cookie, never reused; the inode where the kernel has no
 * cookies); where the namespace of ID can be found, for a message: WHAT
 * ("'vr1' (/run/netns/vr1)", "the host's (that of PID 1, systemd)") and
 * PATH for nsenter --net; -ENOENT: nowhere (gone), -EPERM: some could not
 * be looked into (no CAP_SYS_ADMIN).
 */
int netns_self_id(uint32_t *id);
int netns_describe(uint32_t id, char *what, size_t wl, char *path, size_t pl);
/* DIR/NAME into BUF; -EINVAL for a name with '/', "." or "..".  Open it
 * (O_RDONLY), unmount and remove it (ns_file_remove()), its identity.
 */
int ns_name_path(const char *dir, const char *name, char *buf, size_t len);
int ns_name_open(const char *dir, const char *name);
int ns_name_remove(const char *dir, const char *name);
int ns_name_stat(const char *dir, const char *name, dev_t *dev, ino_t *ino);
/* /run/netns/NAME into BUF. */
int netns_path(const char *name, char *buf, size_t len);
/* DIR (made with MODE if absent) a shared mount point, as /run/netns. */
int ns_run_dir_prepare(const char *dir, mode_t mode);
/* An empty file at PATH for a namespace's bind mount (-EEXIST); unmount
 * and remove one (-ENOENT if absent).
 */
int ns_file_make(const char *path);
int ns_file_remove(const char *path);

/*
 * The VR's user namespace, which owns its network namespace (userns.c):
 * both made at once, the user namespace mapping uids and gids 0..COUNT-1
 * to UID_BASE.. on the host, bind-mounted at /run/netns/NAME and
 * /run/vrctl/userns/NAME (/run/vrctl: root's, 0700, shared).  Inside, the
 * user namespace may make no further user or network namespace
 * (user.max_user_namespaces and max_net_namespaces 0 there).  -EEXIST if
 * either exists; on failure nothing is left behind.  -EINVAL, -ENOSPC:
 * the kernel has no user namespaces, or they are turned off.
 */
#define VRCTL_RUN_DIR	"/run/vrctl"
#define USERNS_RUN_DIR	VRCTL_RUN_DIR "/userns"
int vrns_create(const char *name, uint32_t uid_base, uint32_t count);
int userns_delete(const char *name);		/* -ENOENT if absent */
int userns_open(const char *name);		/* O_RDONLY fd of /run/vrctl/userns/NAME */
int userns_stat(const char *name, ino_t *ino);
/* The inode of the user namespace that owns the namespace of NSFD. */
int ns_owner_ino(int nsfd, ino_t *ino);
/* VRCTL_RUN_DIR, then DIR below it (0700 both), made if absent: 0, or
 * -EPERM if one is not a directory of root's (or of the user running vrctl)
 * that only its owner can enter.
 */
int vrctl_run_dir(const char *dir);

/* Create a macvlan NAME over LOWER (host namespace), with MAC, in mode
 * MODE (MACVLAN_MODE_*), move it into namespace NETNS and bring it up.
 * On failure nothing is left behind.
 */
int nl_macvlan_add(const char *netns, const char *lower, const char *name,
		   const uint8_t mac[6], uint32_t mode);
/* Delete link NAME inside namespace NETNS (NULL: host). */
int nl_link_del(const char *netns, const char *name);
/* Set link NAME inside NETNS (NULL: host) up. */
int nl_link_up(const char *netns, const char *name);
/* ifindex of NAME inside NETNS (NULL: host); -ENODEV if absent. */
int nl_link_ifindex(const char *netns, const char *name);
/* The IFLA_INFO_KIND of link IFINDEX here ("veth", "tun", ...) into KIND
 * (LEN bytes); "" for a device without one (a physical NIC).
 */
int nl_link_kind(int ifindex, char *kind, size_t len);
/* Delete every link of KIND (e.g. "macvlan") inside NETNS; the number
 * deleted, or -errno.
 */
int nl_link_del_kind(const char *netns, const char *kind);

/* Delete every route of host routing table TABLE (IPv4 and IPv6) in the
 * current namespace: the number deleted, or -errno.
 */
int nl_table_flush(uint32_t table);
/* USED[t - LO] = 1 for every table t in [LO, HI] that holds a route
 * (IPv4 or IPv6) or that an ip rule names, in the current namespace.
 */
int nl_tables_used(uint32_t lo, uint32_t hi, uint8_t *used);
/* COUNTS[i]: the routes (IPv4 and IPv6, one dump) of table TABLES[i]. */
int nl_table_counts(const uint32_t *tables, size_t n, uint32_t *counts);

/* Write VALUE to /proc/sys/PATH inside NETNS (NULL: host), e.g.
 * "net/ipv4/ip_forward".  Reads the old value into OLD if non-NULL
 * (without a trailing newline); VALUE NULL: only read.
 */
int sysctl_set(const char *netns, const char *path, const char *value,
	       char *old, size_t oldlen);

/* The device's xdp-features bitmask (netdev genl family, NETDEV_XDP_ACT_*). */
int nl_xdp_features(int ifindex, uint64_t *features);

#endif /* VR_NETLINK_H */
