// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * vrctl: command table and dispatch.
 *
 * Global options are taken out of argv wherever they are (`vrctl -j show
 * vr1` == `vrctl show vr1 -j`); the rest goes to the command's handler
 * with argv[0] = the command name.  A command may be abbreviated to any
 * prefix no other command has (find_cmd).  Exit status: 0 ok, 1 error, 2 usage error.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config/config.h"
#include "print.h"

static int do_help(struct vr_ctx *ctx, const struct vr_args *a);

/* The admission limit options, rows FIRST + LIMIT_* of a table: the
 * same four in add-router and set-router (limit_opts.c reads them).
 */
#define VR_LIMIT_OPTS(first)							\
	[(first) + LIMIT_RATE_PPS] = { "rate-pps", 0, "{N|none}",		\
		"packets per second admitted to the VR (1-1e9, e.g. 10k; none: no limit)" }, \
	[(first) + LIMIT_BURST] = { "burst", 0, "N",				\
		"packets admitted back to back after idle (default 10 ms worth)" }, \
	[(first) + LIMIT_RATE_BPS] = { "rate-bps", 0, "{N|none}",		\
		"bits per second admitted, frames without FCS (1000-1e15, e.g. 1.5G; none)" }, \
	[(first) + LIMIT_BURST_BYTES] = { "burst-bytes", 0, "N",		\
		"bytes admitted back to back after idle (default 10 ms worth)" }

/* The quota options, rows FIRST + QUOTA_* (limit_opts.c reads them). */
#define VR_QUOTA_OPTS(first)							\
	[(first) + QUOTA_NEIGH] = { "quota-neigh", 0, "N",			\
		"neighbours in the fast path at most (default 128; all VRs' sum <= 131072)" }, \
	[(first) + QUOTA_ROUTES] = { "quota-routes", 0, "N",			\
		"routes mirrored into its host table at most (default 10000; max 4000000)" }, \
	[(first) + QUOTA_MACS] = { "quota-macs", 0, "N",			\
		"NICs (MACs) at most (default 8; all VRs' sum <= 8192)" }

static const struct vr_opt load_opts[] = {
	[LOAD_MODE] = { "mode", 0, "{native|skb}", "XDP attach mode (default native, or as loaded)" },
	[LOAD_REPLACE] = { "replace", 0, NULL, "swap the program atomically on loaded NICs" },
	{ 0 }
};

static const struct vr_opt unload_opts[] = {
	[UNLOAD_ALL] = { "all", 0, NULL, "delete every VR first (only without IFACE)" },
	{ 0 }
};

static const struct vr_opt add_router_opts[] = {
	[ADD_MAC] = { "mac", 0, "{MAC|IFACE=MAC}[,...]",
		      "the VR's MAC; a bare MAC: on every NIC without its own", true },
	[ADD_TABLE] = { "table", 0, "ID", "host routing table of the VR's routes (default: a free one from 1000)" },
	[ADD_IFACE] = { "iface", 0, "IFACE[,...]", "the NICs (default: those in --mac, or every loaded NIC)" },
	[ADD_FORCE] = { "force", 0, NULL, "take --table even though the host has routes or rules for it" },
	VR_LIMIT_OPTS(ADD_LIMIT),
	VR_QUOTA_OPTS(ADD_QUOTA),
	{ 0 }
};

static const struct vr_opt set_router_opts[] = {
	VR_LIMIT_OPTS(SET_LIMIT),
	VR_QUOTA_OPTS(SET_QUOTA),
	[SET_REATTACH] = { "reattach", 0, NULL,
		"attach again to its NICs deleted and made again (same names), keeping the VR" },
	[SET_FAST_PATH] = { "fast-path", 0, "{on|off}",
		"off: every frame of the VR to its kernel (the slow path)" },
	{ 0 }
};

static const struct vr_opt stats_opts[] = {
	[STATS_INTERVAL] = { "interval", 0, "SECONDS", "print rates every SECONDS (1-86400) until interrupted" },
	[STATS_COUNT] = { "count", 0, "N", "stop after N intervals" },
	[STATS_FORMAT] = { "format", 0, "{text|prometheus}",
			   "prometheus: the exporter's metrics, for node_exporter's textfile collector" },
	[STATS_BRIEF] = { "brief", 0, NULL, "a line a VR, numbers with k/M/G units (rates with --interval)" },
	{ 0 }
};

static const struct vr_opt top_opts[] = {
	[TOP_INTERVAL] = { "interval", 0, "SECONDS", "refresh every SECONDS (1-86400, default 1)" },
	[TOP_COUNT] = { "count", 0, "N", "stop after N refreshes" },
	{ 0 }
};

static const struct vr_opt trace_opts[] = {
	[TRACE_REASON] = { "reason", 0, "REASON[,...]",
			   "only passes for these reasons (below; default all)" },
	[TRACE_COUNT] = { "count", 0, "N", "stop after N frames" },
	[TRACE_ALL] = { "all", 0, NULL, "also frames forwarded or policed" },
	[TRACE_WRITE] = { "write", 0, "FILE.pcap", "also write the frames' first bytes to a pcap file" },
	{ 0 }
};

static const struct vr_opt exporter_opts[] = {
	[EXPORTER_LISTEN] = { "listen", 0, "ADDR:PORT",
			      "where to serve /metrics (default 127.0.0.1:9469; IPv6: [ADDR]:PORT)" },
	[EXPORTER_WEB_CONFIG] = { "web-config", 0, "FILE",
				  "TLS and basic authentication (Prometheus' web configuration file)" },
	{ 0 }
};

static const struct vr_opt apply_opts[] = {
	[APPLY_CHECK] = { "check", 0, NULL,
			  "print the plan only; exit 0: nothing to change, 1: changes, 2: bad file" },
	{ 0 }
};

static const struct vr_opt sync_opts[] = {
	[SYNC_FOLLOW] = { "follow", 'f', NULL, "keep following the changes after the full pass" },
	{ 0 }
};

static const struct vr_opt upgrade_opts[] = {
	[UPGRADE_FORCE] = { "force", 0, NULL, "new maps with every entry copied even within the same ABI" },
	{ 0 }
};

static const struct vr_cmd commands[] = {
	{ .name = "load", .fn = do_load, .args = "IFACE...", .max_pos = -1,
	  .opts = load_opts, .needs_root = true, .lock = VR_LOCK,
	  .help = "attach the data plane to NICs" },
	{ .name = "unload", .fn = do_unload, .args = "[IFACE...]", .max_pos = -1,
	  .opts = unload_opts, .needs_root = true, .lock = VR_LOCK,
	  .help = "detach from NICs; no IFACE: everything, pins removed" },
	{ .name = "add-router", .fn = do_add_router, .args = "NAME", .max_pos = 1,
	  .opts = add_router_opts, .needs_root = true, .caps = VR_CAPS_CREATE, .lock = VR_LOCK,
	  .help = "create a virtual router" },
	{ .name = "set-router", .fn = do_set_router, .args = "NAME", .max_pos = 1,
	  .opts = set_router_opts, .needs_root = true, .lock = VR_LOCK,
	  .help = "change a VR's admission limit and quotas at run time" },
	{ .name = "del-router", .fn = do_del_router, .args = "NAME", .max_pos = 1,
	  .needs_root = true, .lock = VR_LOCK,
	  .help = "delete a virtual router" },
	{ .name = "list", .fn = do_list, .max_pos = 0,
	  .needs_root = true, .caps = VR_CAPS_READ, .lock = VR_LOCK_NONE, .reads_old_abi = true,
	  .help = "list the virtual routers" },
	{ .name = "show", .fn = do_show, .args = "[NAME]", .max_pos = 1,
	  .needs_root = true, .caps = VR_CAPS_READ, .lock = VR_LOCK_NONE, .reads_old_abi = true,
	  .help = "show a virtual router in detail, or every one" },
	{ .name = "stats", .fn = do_stats, .args = "[NAME]", .max_pos = 1,
	  .opts = stats_opts, .needs_root = true, .caps = VR_CAPS_READ, .lock = VR_LOCK_NONE, .reads_old_abi = true,
	  .help = "counters per VR and per NIC" },
	{ .name = "top", .fn = do_top, .max_pos = 0,
	  .opts = top_opts, .needs_root = true, .caps = VR_CAPS_READ, .lock = VR_LOCK_NONE,
	  .help = "a line a VR, busiest first: rates with units, refreshed until interrupted" },
	{ .name = "neigh", .fn = do_neigh, .max_pos = -1,
	  .args = "{ add | replace } NAME ADDR lladdr MAC dev IFACE",
	  .more_usage = "       vrctl neigh del NAME ADDR dev IFACE\n"
			"       vrctl neigh show NAME [dev IFACE]",
	  .needs_root = true, .lock = VR_LOCK,
	  .help = "a VR's neighbours in the fast path: show them, or set them by hand (sync replaces those)" },
	{ .name = "sync", .fn = do_sync, .args = "[NAME]", .max_pos = 1,
	  .opts = sync_opts, .needs_root = true, .lock = VR_LOCK_NONE,
	  .help = "mirror VR routes and neighbours to the fast path" },
	{ .name = "exec", .fn = do_exec, .args = "NAME [--] COMMAND [ARG...]", .max_pos = -1,
	  .needs_root = true, .lock = VR_LOCK_NONE, .cmd_line = true,
	  .help = "run a command as the VR's tenant: its namespaces, its root's capabilities there" },
	{ .name = "status", .fn = do_status, .max_pos = 0,
	  .needs_root = true, .caps = VR_CAPS_INSPECT, .lock = VR_LOCK_NONE,
	  .help = "NICs attached, map fill levels, VR states, follower and trace" },
	{ .name = "trace", .fn = do_trace, .args = "[NAME]", .max_pos = 1,
	  .opts = trace_opts, .needs_root = true, .caps = VR_CAPS_READ, .lock = VR_LOCK_NONE,
	  .more_help = vr_trace_help,
	  .help = "show the frames that take the slow path, and why, until interrupted" },
	{ .name = "exporter", .fn = do_exporter, .max_pos = 0,
	  .opts = exporter_opts, .needs_root = true, .caps = VR_CAPS_INSPECT, .lock = VR_LOCK_NONE,
	  .help = "serve Prometheus metrics over HTTP until SIGTERM" },
	{ .name = "upgrade", .fn = do_upgrade, .max_pos = 0,
	  .opts = upgrade_opts, .needs_root = true, .lock = VR_LOCK,
	  .help = "move the loaded NICs to this vrctl's program and map layout, keeping every VR" },
	{ .name = "apply", .fn = do_apply, .args = "[FILE]", .max_pos = 1,
	  .opts = apply_opts, .needs_root = true, .caps = VR_CAPS_CREATE, .lock = VR_LOCK,
	  .help = "make the running state match a configuration file (default " VR_CONF_DEFAULT ")" },
	{ .name = "save", .fn = do_save, .max_pos = 0,
	  .needs_root = true, .caps = VR_CAPS_INSPECT, .lock = VR_LOCK_NONE, .reads_old_abi = true,	/* read-only: save | apply - */
	  .help = "print the running configuration in apply's format" },
	{ .name = "help", .fn = do_help, .args = "[COMMAND]", .max_pos = 1,
	  .needs_root = false, .lock = VR_LOCK_NONE,
	  .help = "this text, or a command's usage and options" },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

/*
 * The command NAME stands for, as ip(8) reads its objects: an exact name
 * wins, else the one command NAME is a prefix of ("sh" = show).  Prints
 * the error (unknown; ambiguous, with the candidates) and returns NULL.
 */
static const struct vr_cmd *find_cmd(const char *name)
{
	char cands[256];
	int i;

	i = match_abbrev(name, &commands[0].name, N_COMMANDS, sizeof(commands[0]),
			 cands, sizeof(cands));
	if (i >= 0)
		return &commands[i];
	if (i == -EEXIST)
		pr_err("ambiguous command '%s': %s", name, cands);
	else if (suggest_names(name, &commands[0].name, N_COMMANDS, sizeof(commands[0]), NULL,
			       cands, sizeof(cands)))
		pr_err("unknown command '%s' (did you mean %s? 'vrctl help' lists them)", name,
		       cands);
	else
		pr_err("unknown command '%s' (try 'vrctl help')", name);
	return NULL;
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: vrctl [OPTIONS] COMMAND [ARGS]\n"
		   "where  COMMAND := { ");
	for (i = 0; i < N_COMMANDS; i++)
		fprintf(f, "%s%s", commands[i].name, i + 1 < N_COMMANDS ? " | " : " }\n");
	vr_print_global_usage(f);
	fputc('\n', f);
	for (i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\n'vrctl help COMMAND' shows a command's usage and options.\n");
}

static int do_help(struct vr_ctx *ctx, const struct vr_args *a)
{
	const struct vr_cmd *c;

	if (!a->n_pos) {
		usage(stdout);
		return 0;
	}
	c = find_cmd(a->pos[0]);
	if (!c) {
		ctx->usage_error = true;
		return -EINVAL;
	}
	vr_print_help(stdout, c);
	return 0;
}

/* Capabilities, then the lock for commands that change the state. */
static int run(struct vr_ctx *ctx, const struct vr_args *a)
{
	const struct vr_cmd *c = ctx->cmd;
	int err;

	if (c->needs_root) {
		err = vr_check_caps(c);
		if (!err)	/* before any NIC name is read: they are the namespace's */
			err = vr_netns_check(&ctx->st, false);
		if (err)
			return err;
	}
	if (c->lock == VR_LOCK) {
		err = vr_state_lock_if_exists(&ctx->st);
		if (err)
			return err;
	}
	new_json_obj(ctx->json);
	err = c->fn(ctx, a);
	delete_json_obj();
	return err;
}

int main(int argc, char **argv)
{
	struct vr_ctx ctx = { 0 };
	struct vr_args args;
	bool help = false;
	int err, first;

	vr_state_init(&ctx.st, VR_DEFAULT_PIN_DIR);
	first = vr_parse_globals(&ctx, argc, argv, &help);
	if (first < 0)
		return 2;
	log_set_verbose(ctx.verbose);
	log_init_libs();
	if (ctx.version) {
		vr_print_version(ctx.json);
		return 0;
	}
	if (first >= argc) {
		usage(help ? stdout : stderr);
		return help ? 0 : 2;
	}
	if (!strcmp(argv[first], "__complete"))	/* dist/vrctl.bash */
		return vr_complete(commands, N_COMMANDS, argc - first - 1, argv + first + 1);
	ctx.cmd = find_cmd(argv[first]);
	if (!ctx.cmd)
		return 2;
	ctx.st.read_only_ok = ctx.cmd->lock == VR_LOCK_NONE;	/* list, show, stats */
	ctx.st.old_abi_ok = ctx.cmd->reads_old_abi;
	if (vr_parse_args(&ctx, argc - first, argv + first, &help, &args))
		return 2;
	log_set_verbose(ctx.verbose);
	log_set_json(ctx.json);	/* not a -j of exec's command line */
	if (ctx.version) {
		vr_print_version(ctx.json);
		return 0;
	}
	if (help) {
		if (ctx.cmd->fn == do_help)
			usage(stdout);
		else
			vr_print_help(stdout, ctx.cmd);
		return 0;
	}
	err = run(&ctx, &args);
	vr_state_close(&ctx.st);
	if (err < 0 && !ctx.usage_error && log_error_count() == 0)
		pr_err("%s: %s", ctx.cmd->name, strerror(-err));
	if (err < 0)
		return ctx.usage_error ? 2 : 1;
	return ctx.status;
}

/* "vr01: no such virtual router (did you mean vr1?)", from the VRs there are. */
static void no_such_router(struct vr_ctx *ctx, const char *name)
{
	static char names[VR_MAX_ROUTERS][VR_NAME_MAX];
	static const char *ptr[VR_MAX_ROUTERS];
	struct vr_router rec;
	char near[4 * VR_NAME_MAX];
	uint32_t id = 0;
	size_t n = 0;

	while (n < VR_MAX_ROUTERS && !vr_router_next(&ctx->st, &id, &rec)) {
		memcpy(names[n], rec.name, VR_NAME_MAX);
		ptr[n] = names[n];
		n++;
	}
	if (suggest_names(name, ptr, n, sizeof(ptr[0]), NULL, near, sizeof(near)))
		pr_err("%s: no such virtual router (did you mean %s?)", name, near);
	else
		pr_err("%s: no such virtual router", name);
}

int vr_router_find_named(struct vr_ctx *ctx, const char *name, uint32_t *id,
			 struct vr_router *rec)
{
	int err;

	if (parse_vr_name(name))
		return vr_usage(ctx, "'%s' is not a valid router name", name);
	err = vr_router_find(&ctx->st, name, id, rec);
	if (err == -ENOENT)
		no_such_router(ctx, name);
	else if (err)
		pr_err("cannot read %s: %s", VR_MAP_ROUTERS, strerror(-err));
	return err;
}
