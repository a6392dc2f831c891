// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * vrctl: command table and dispatch.
 *
 * Global options are taken out of argv wherever they are (`vrctl -j show
 * vr1` == `vrctl show vr1 -j`); the rest goes to the command's handler
 * with argv[0] = the command name.  Commands match exactly, never by
 * prefix.  Exit status: 0 ok, 1 error, 2 usage error.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "print.h"

static int do_help(struct vr_ctx *ctx, int argc, char **argv);

static const struct vr_cmd commands[] = {
	{ .name = "load", .fn = do_load, .needs_root = true, .lock = VR_LOCK,
	  .usage = "load IFACE... [--mode {native|skb}] [--replace]",
	  .help = "attach the data plane to NICs (--replace: swap the program atomically on loaded ones)" },
	{ .name = "unload", .fn = do_unload, .needs_root = true, .lock = VR_LOCK,
	  .usage = "unload [IFACE...] [--all]",
	  .help = "detach from NICs; no IFACE: everything, pins removed (--all: delete the VRs too)" },
	{ .name = "add-router", .fn = do_add_router, .needs_root = true, .lock = VR_LOCK,
	  .usage = "add-router NAME --mac {MAC|IFACE=MAC}[,...] [--table ID] [--iface IFACE,...]\n"
		   "       [--rate-pps N] [--burst N] [--rate-bps N] [--burst-bytes N]",
	  .help = "create a virtual router (a bare MAC: on every NIC without its own)" },
	{ .name = "set-router", .fn = do_set_router, .needs_root = true, .lock = VR_LOCK,
	  .usage = "set-router NAME [--rate-pps {N|none}] [--burst N] [--rate-bps {N|none}] [--burst-bytes N]",
	  .help = "change a VR's admission limit at run time (none: remove it); add-router takes the same options" },
	{ .name = "del-router", .fn = do_del_router, .needs_root = true, .lock = VR_LOCK,
	  .usage = "del-router NAME",
	  .help = "delete a virtual router" },
	{ .name = "list", .fn = do_list, .needs_root = true, .lock = VR_LOCK_NONE,
	  .usage = "list",
	  .help = "list the virtual routers" },
	{ .name = "show", .fn = do_show, .needs_root = true, .lock = VR_LOCK_NONE,
	  .usage = "show NAME",
	  .help = "show one virtual router" },
	{ .name = "stats", .fn = do_stats, .needs_root = true, .lock = VR_LOCK_NONE,
	  .usage = "stats [NAME] [--interval SECONDS [--count N]]",
	  .help = "counters per VR and per NIC; --interval: rates until interrupted" },
	{ .name = "neigh", .fn = do_neigh, .needs_root = true, .lock = VR_LOCK,
	  .usage = "neigh { add | replace } NAME ADDR lladdr MAC dev IFACE\n"
		   "       vrctl neigh del NAME ADDR dev IFACE\n"
		   "       vrctl neigh show NAME [dev IFACE]",
	  .help = "a VR's neighbours in the fast path (until sync mirrors them)" },
	{ .name = "sync", .fn = do_sync, .needs_root = true, .lock = VR_LOCK_NONE,
	  .usage = "sync [NAME] [--follow]",
	  .help = "mirror VR routes/neighbours to the fast path (--follow: keep following the changes)" },
	{ .name = "help", .fn = do_help, .needs_root = false, .lock = VR_LOCK_NONE,
	  .usage = "help [COMMAND]",
	  .help = "this text" },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct vr_cmd *find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < N_COMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void cmd_usage(FILE *f, const struct vr_cmd *c)
{
	fprintf(f, "Usage: vrctl %s\n", c->usage);
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"Usage: vrctl [OPTIONS] COMMAND [ARGS]\n"
		"where  COMMAND := { ");
	for (i = 0; i < N_COMMANDS; i++)
		fprintf(f, "%s%s", commands[i].name, i + 1 < N_COMMANDS ? " | " : " }\n");
	fprintf(f,
		"       OPTIONS := { --pin-dir DIR | -j[son] | -v[erbose] | -h[elp] }\n"
		"                  (anywhere on the line; default DIR %s)\n\n",
		VR_DEFAULT_PIN_DIR);
	for (i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  vrctl %s\n        %s\n", commands[i].usage, commands[i].help);
}

int vr_usage(struct vr_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("Error: ", stderr);
	va_start(ap, fmt);
	log_vwrite_line(fmt, ap);
	va_end(ap);
	if (ctx->cmd)
		cmd_usage(stderr, ctx->cmd);
	ctx->usage_error = true;
	return -EINVAL;
}

static int do_help(struct vr_ctx *ctx, int argc, char **argv)
{
	const struct vr_cmd *c;

	if (argc > 2)
		return vr_usage(ctx, "help: too many arguments");
	if (argc == 2) {
		c = find_cmd(argv[1]);
		if (!c) {
			pr_err("unknown command '%s' (try 'vrctl help')", argv[1]);
			ctx->usage_error = true;
			return -EINVAL;
		}
		cmd_usage(stdout, c);
		return 0;
	}
	usage(stdout);
	return 0;
}

/* -j, -v, -h and clusters of them ("-vv", "-jv"). */
static bool short_globals(const char *a)
{
	return a[0] == '-' && a[1] && strspn(a + 1, "jvh") == strlen(a + 1);
}

/*
 * Take the global options out of ARGV (in place); returns the new argc,
 * or -1 after a usage error.  "--" stops the scan (and is dropped).
 */
static int parse_globals(struct vr_ctx *ctx, int argc, char **argv, bool *help)
{
	int i, out = 0;
	bool scanning = true;

	for (i = 0; i < argc; i++) {
		char *a = argv[i];

		if (!scanning) {
			argv[out++] = a;
		} else if (!strcmp(a, "--")) {
			scanning = false;
		} else if (!strcmp(a, "--json")) {
			ctx->json = true;
		} else if (!strcmp(a, "--verbose")) {
			ctx->verbose++;
		} else if (!strcmp(a, "--help")) {
			*help = true;
		} else if (short_globals(a)) {
			for (a++; *a; a++) {
				if (*a == 'j')
					ctx->json = true;
				else if (*a == 'v')
					ctx->verbose++;
				else
					*help = true;
			}
		} else if (!strcmp(a, "--pin-dir") || !strncmp(a, "--pin-dir=", 10)) {
			char *dir = a[9] == '=' ? a + 10 : NULL;

			if (!dir) {
				if (i + 1 >= argc) {
					vr_usage(ctx, "--pin-dir needs a directory");
					return -1;
				}
				dir = argv[++i];
			}
			if (dir[0] != '/') {
				vr_usage(ctx, "--pin-dir: '%s' is not an absolute path", dir);
				return -1;
			}
			/* "/sys/fs/bpf/x/" -> "/sys/fs/bpf/x" */
			while (strlen(dir) > 1 && dir[strlen(dir) - 1] == '/')
				dir[strlen(dir) - 1] = '\0';
			ctx->st.pin_dir = dir;
		} else {
			argv[out++] = a;
		}
	}
	argv[out] = NULL;
	return out;
}

int main(int argc, char **argv)
{
	struct vr_ctx ctx = { 0 };
	const struct vr_cmd *c;
	bool help = false;
	int err, n;

	vr_state_init(&ctx.st, VR_DEFAULT_PIN_DIR);
	n = parse_globals(&ctx, argc - 1, argv + 1, &help);
	if (n < 0)
		return 2;
	argv++;
	log_set_verbose(ctx.verbose);
	log_init_libs();

	if (n == 0) {
		usage(help ? stdout : stderr);
		return help ? 0 : 2;
	}
	c = find_cmd(argv[0]);
	if (!c) {
		if (argv[0][0] == '-')
			pr_err("unknown option '%s' (try 'vrctl help')", argv[0]);
		else
			pr_err("unknown command '%s' (try 'vrctl help')", argv[0]);
		return 2;
	}
	ctx.cmd = c;
	ctx.st.read_only_ok = c->lock == VR_LOCK_NONE;	/* list, show, stats */
	if (help) {
		if (c->fn == do_help)
			usage(stdout);
		else
			cmd_usage(stdout, c);
		return 0;
	}
	if (c->needs_root && geteuid() != 0) {
		pr_err("%s: must be run as root", c->name);
		return 1;
	}
	if (c->lock == VR_LOCK) {
		err = vr_state_lock_if_exists(&ctx.st);
		if (err)
			return 1;
	}

	new_json_obj(ctx.json);
	err = c->fn(&ctx, n, argv);
	delete_json_obj();

	vr_state_close(&ctx.st);
	if (err < 0 && !ctx.usage_error && log_error_count() == 0)
		pr_err("%s: %s", c->name, strerror(-err));
	if (err < 0)
		return ctx.usage_error ? 2 : 1;
	return 0;
}

int vr_router_find_named(struct vr_ctx *ctx, const char *name, uint32_t *id,
			 struct vr_router *rec)
{
	int err;

	if (parse_vr_name(name))
		return vr_usage(ctx, "'%s' is not a valid router name", name);
	err = vr_router_find(&ctx->st, name, id, rec);
	if (err == -ENOENT)
		pr_err("%s: no such virtual router", name);
	else if (err)
		pr_err("cannot read %s: %s", VR_MAP_ROUTERS, strerror(-err));
	return err;
}
