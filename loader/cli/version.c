// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * vrctl --version: the release (VERSION in the Makefile), the git
 * revision it was built from ("unknown" outside git) and the ABI version
 * of the pinned maps it reads and writes.
 */
#include <stdio.h>

#include "cli.h"
#include "print.h"
#include "vrouter.h"
#include "core/migrate.h"

#ifndef VR_VERSION
#define VR_VERSION "unknown"
#endif

const char *vr_version(void)
{
	return VR_VERSION;
}

void vr_print_version(bool json)
{
	new_json_obj(json);
	open_json_object(NULL);
	print_string(PRINT_ANY, "version", "vrctl %s", VR_VERSION);
	print_string(PRINT_ANY, "git_revision", " (git %s,", vr_revision());
	print_uint(PRINT_ANY, "abi_version", " abi %u)", (unsigned int)VR_ABI_VERSION);
	print_nl();
	close_json_object();
	delete_json_obj();
}
