// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The capabilities a command needs, checked before it runs: root, or a
 * service with only these (dist/vrouter.service), or any user given them
 * (setpriv --ambient-caps).  A user other than root also needs
 * CAP_DAC_OVERRIDE: the pins (mode 0600), /run/netns and /proc/sys are
 * root's.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int vr_check_caps(const struct vr_cmd *c)
{
	unsigned int need = c->caps ? c->caps : VR_CAPS_CHANGE;
	char missing[128];
	int err;

	if (geteuid() != 0)
		need |= CAPS_DAC;
	err = caps_check(need, missing, sizeof(missing));
	if (err == -EPERM)
		pr_err("%s: needs %s (run it as root, or give it these capabilities%s)",
		       c->name, missing, geteuid() ? "; not root: vrouter's files are root's" : "");
	else if (err)
		pr_err("%s: cannot read this process's capabilities: %s", c->name, strerror(-err));
	return err;
}
