/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * User-space names of enum vr_pass_reason (include/vrouter.h), as vrctl
 * (`show`, `stats`) and tests/vr_testmap print them, and of the VR_SLOW_*
 * reasons a VR's fast path is off.  One table, so the two
 * cannot drift apart; the assertion catches a reason added to the enum but
 * not here.
 */
#ifndef VR_PASS_NAMES_H
#define VR_PASS_NAMES_H

#include "vrouter.h"

static const char *const vr_pass_names[] = {
	[VR_PASS_NOT_IP] = "not_ip",
	[VR_PASS_MALFORMED] = "malformed",
	[VR_PASS_IP_OPTIONS] = "ip_options",
	[VR_PASS_IPV6_HOPOPT] = "ipv6_hopopt",
	[VR_PASS_ADDR_SCOPE] = "addr_scope",
	[VR_PASS_TTL] = "ttl",
	[VR_PASS_NOT_FWDED] = "not_fwded",
	[VR_PASS_BLACKHOLE] = "blackhole",
	[VR_PASS_UNREACHABLE] = "unreachable",
	[VR_PASS_PROHIBIT] = "prohibit",
	[VR_PASS_FWD_DISABLED] = "fwd_disabled",
	[VR_PASS_FRAG_NEEDED] = "frag_needed",
	[VR_PASS_UNSUPPORTED] = "unsupported",
	[VR_PASS_NO_NEIGH] = "no_neigh",
	[VR_PASS_EGRESS_NOT_LOADED] = "egress_not_loaded",
	[VR_PASS_NO_PORT] = "no_port",
	[VR_PASS_RP_FILTER] = "rp_filter",
	[VR_PASS_FAST_PATH_OFF] = "fast_path_off",
	[VR_PASS_CSUM_PARTIAL] = "csum_partial",
};
_Static_assert(sizeof(vr_pass_names) / sizeof(vr_pass_names[0]) == VR_PASS_MAX,
	       "vr_pass_names out of date with enum vr_pass_reason");

/* Why a VR's fast path is off (VR_SLOW_* bits of vr_mac_val.slow): the
 * name in JSON (show, status: "fast_path_off") and in the exporter's
 * reason label, and the words of the text.  A new VR_SLOW_* bit: a row.
 */
static const struct {
	__u32 bit;
	const char *name, *text;
} vr_slow_reasons[] = {
	{ VR_SLOW_ADMIN, "operator", "operator" },
	{ VR_SLOW_RULES, "policy_routing", "policy routing" },
};
#define VR_N_SLOW_REASONS	(sizeof(vr_slow_reasons) / sizeof(vr_slow_reasons[0]))

#endif /* VR_PASS_NAMES_H */
