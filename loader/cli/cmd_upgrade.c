// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * upgrade: core/upgrade.c does it; this prints what was done.
 */
#include "cli.h"
#include "core/datapath.h"
#include "print.h"

int do_upgrade(struct vr_ctx *ctx, const struct vr_args *a)
{
	struct vr_upgrade_res r;
	int err;

	err = vr_dp_upgrade(&ctx->st, a->val[UPGRADE_FORCE] != NULL, &r);
	if (err)
		return err;
	open_json_object(NULL);
	print_uint(PRINT_JSON, "from_abi_version", NULL, r.from_abi);
	print_uint(PRINT_JSON, "abi_version", NULL, r.to_abi);
	print_bool(PRINT_JSON, "changed", NULL, !r.nothing_to_do);
	print_bool(PRINT_JSON, "resumed", NULL, r.resumed);
	if (r.resumed) {
		print_uint(PRINT_ANY, "nics", "finished an upgrade that had stopped after its "
			   "switch: %u more NICs on its program, its pins moved (run upgrade "
			   "again to check)", (unsigned int)r.nics);
	} else if (r.nothing_to_do) {
		print_text("vrouter is up to date (ABI %u, the same program): nothing to do",
			   r.to_abi);
	} else {
		print_text("upgraded from ABI %u to ABI %u: ", r.from_abi, r.to_abi);
		print_bool(PRINT_JSON, "maps_migrated", NULL, r.maps_migrated);
		print_u64(PRINT_ANY, "entries", r.maps_migrated ?
			  "%llu map entries migrated, " : "", r.entries);
		print_uint(PRINT_ANY, "nics", "%u NICs on the new program", (unsigned int)r.nics);
	}
	print_uint(PRINT_JSON, "skipped", NULL, (unsigned int)r.skipped);
	print_nl();
	close_json_object();
	return 0;
}
