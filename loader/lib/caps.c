// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Capabilities in the effective set, through libcap (caps.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <sys/capability.h>

#include "lib/caps.h"

#ifndef CAP_BPF
#define CAP_BPF 39	/* Linux 5.8; older libcap headers lack it */
#endif

static bool has(cap_t c, cap_value_t v)
{
	cap_flag_value_t f = CAP_CLEAR;

	return !cap_get_flag(c, v, CAP_EFFECTIVE, &f) && f == CAP_SET;
}

static void add_name(char *buf, size_t len, const char *name)
{
	size_t n = strlen(buf);

	snprintf(buf + n, len - n, "%s%s", n ? ", " : "", name);
}

int caps_check(unsigned int need, char *buf, size_t len)
{
	cap_t c = cap_get_proc();
	bool sys_admin;

	buf[0] = '\0';
	if (!c)
		return -errno;
	sys_admin = has(c, CAP_SYS_ADMIN);
	/* bpf() takes CAP_SYS_ADMIN too, and is all there is before CAP_BPF
	 * (so CAP_BPF is not named when CAP_SYS_ADMIN is needed anyway).
	 */
	if ((need & CAPS_BPF) && !(need & CAPS_SYS_ADMIN) && !sys_admin &&
	    (!CAP_IS_SUPPORTED(CAP_BPF) || !has(c, CAP_BPF)))
		add_name(buf, len, CAP_IS_SUPPORTED(CAP_BPF) ? "CAP_BPF" : "CAP_SYS_ADMIN");
	if ((need & CAPS_NET_ADMIN) && !has(c, CAP_NET_ADMIN))
		add_name(buf, len, "CAP_NET_ADMIN");
	if ((need & CAPS_SYS_ADMIN) && !sys_admin)
		add_name(buf, len, "CAP_SYS_ADMIN");
	if ((need & CAPS_SETID) && !has(c, CAP_SETUID))
		add_name(buf, len, "CAP_SETUID");
	if ((need & CAPS_SETID) && !has(c, CAP_SETGID))
		add_name(buf, len, "CAP_SETGID");
	if ((need & CAPS_DAC) && !has(c, CAP_DAC_OVERRIDE))
		add_name(buf, len, "CAP_DAC_OVERRIDE");
	cap_free(c);
	return buf[0] ? -EPERM : 0;
}
