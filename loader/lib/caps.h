/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The capabilities a command needs, checked in the effective set before
 * it runs (not the uid: a service gets only what it needs, see
 * dist/vrouter.service).
 */
#ifndef VR_CAPS_H
#define VR_CAPS_H

#include <stddef.h>

/* What a command may need; a mask of these. */
enum {
	CAPS_BPF	= 1 << 0,	/* bpf(): CAP_BPF, or CAP_SYS_ADMIN on kernels without it */
	CAPS_NET_ADMIN	= 1 << 1,	/* netlink changes, XDP attach */
	CAPS_SYS_ADMIN	= 1 << 2,	/* setns/unshare, mounts, BTF of loaded programs */
	CAPS_DAC	= 1 << 3,	/* CAP_DAC_OVERRIDE: root's files when not uid 0 */
	CAPS_SETID	= 1 << 4,	/* CAP_SETUID, CAP_SETGID: a user namespace's uid and gid maps */
};

/* 0 if the effective set holds every capability of NEED; else -EPERM with
 * the missing ones' names ("CAP_NET_ADMIN, CAP_SYS_ADMIN") in BUF.
 */
int caps_check(unsigned int need, char *buf, size_t len);

#endif /* VR_CAPS_H */
