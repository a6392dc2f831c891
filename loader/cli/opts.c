// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The option parser of every command (opts.h), on getopt_long.
 *
 * getopt_long accepts any unambiguous prefix of a long option ("--mo"
 * for "--mode"); vrctl matches exactly, so each "--NAME" is checked
 * against the table before getopt sees the line.  Options and
 * positionals may be mixed (getopt's permutation); "--" ends the options.
 */
#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <string.h>

#include "cli.h"
#include "opts.h"
#include "print.h"

enum { GLOBAL_PIN_DIR = 256 };	/* getopt values of the long-only globals */

static const struct option global_long[] = {
	{ "pin-dir", required_argument, NULL, GLOBAL_PIN_DIR },
	{ "json", no_argument, NULL, 'j' },
	{ "pretty", no_argument, NULL, 'p' },
	{ "version", no_argument, NULL, 'V' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
};
#define N_GLOBAL	(sizeof(global_long) / sizeof(global_long[0]))
#define GLOBAL_SHORT	"jpVvh"

/* getopt value of command option I: past every char and the globals. */
#define CMD_OPT_VAL(i)	(512 + (i))

static int n_opts(const struct vr_opt *opts)
{
	int n = 0;

	while (opts && opts[n].name)
		n++;
	return n;
}

/* getopt_long's tables for the globals plus OPTS: 0 or -E2BIG. */
static int build_tables(const struct vr_opt *opts, struct option *lo, char *so)
{
	int i, n = n_opts(opts), k = 0;
	char *s = so;

	if (n > VR_OPT_MAX)
		return -E2BIG;
	*s++ = ':';	/* a missing value is ':', not '?' */
	memcpy(lo, global_long, sizeof(global_long));
	strcpy(s, GLOBAL_SHORT);
	s += strlen(GLOBAL_SHORT);
	for (i = 0; i < n; i++) {
		lo[N_GLOBAL + k++] = (struct option){
			opts[i].name, opts[i].arg ? required_argument : no_argument,
			NULL, CMD_OPT_VAL(i) };
		if (opts[i].short_name) {
			*s++ = opts[i].short_name;
			if (opts[i].arg)
				*s++ = ':';
		}
	}
	*s = '\0';
	memset(&lo[N_GLOBAL + k], 0, sizeof(lo[0]));
	return 0;
}

/* The long option "--NAME[=...]" is exactly, or NULL. */
static const struct option *long_named(const struct option *lo, const char *tok)
{
	size_t len = strcspn(tok + 2, "=");

	for (; lo->name; lo++)
		if (strlen(lo->name) == len && !strncmp(lo->name, tok + 2, len))
			return lo;
	return NULL;
}

/* "unknown option '--rate'", with the options it may mean: "(did you
 * mean --rate-pps, --rate-bps?)".
 */
static int unknown_option(struct vr_ctx *ctx, const struct option *lo, const char *tok)
{
	char word[64], near[256];
	int n = 0;

	snprintf(word, sizeof(word), "%.*s", (int)strcspn(tok + 2, "="), tok + 2);
	while (lo[n].name)
		n++;
	if (!suggest_names(word, &lo[0].name, (size_t)n, sizeof(lo[0]), "--", near, sizeof(near)))
		return vr_usage(ctx, "unknown option '--%s'", word);
	return vr_usage(ctx, "unknown option '--%s' (did you mean %s?)", word, near);
}

/* Exact matching: the first "--NAME" that is no option's name, as getopt
 * will read the line (a value after "--NAME" is skipped; STOP: up to the
 * first positional).
 */
static int check_exact(struct vr_ctx *ctx, int argc, char **argv, const struct option *lo,
		       bool stop)
{
	const struct option *o;
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (argv[i][0] != '-' || !argv[i][1]) {
			if (stop)
				break;
			continue;
		}
		if (strncmp(argv[i], "--", 2))
			continue;
		o = long_named(lo, argv[i]);
		if (!o)
			return unknown_option(ctx, lo, argv[i]);
		if (o->has_arg == required_argument && !strchr(argv[i], '='))
			i++;
	}
	return 0;
}

/* The option getopt returned VAL for, as the user wrote it. */
static void opt_text(int val, const struct vr_opt *opts, char *buf, size_t len)
{
	size_t i;

	if (val >= CMD_OPT_VAL(0))
		snprintf(buf, len, "--%s", opts[val - CMD_OPT_VAL(0)].name);
	else if (val < 256)
		snprintf(buf, len, "-%c", val);
	for (i = 0; val >= 256 && val < CMD_OPT_VAL(0) && i < N_GLOBAL; i++)
		if (global_long[i].val == val)
			snprintf(buf, len, "--%s", global_long[i].name);
}

/* A global option: 0, or -EINVAL (printed). */
static int take_global(struct vr_ctx *ctx, int val, const char *arg, bool *help)
{
	char *dir;

	switch (val) {
	case 'p':
		ctx->pretty = true;
		/* -p is pretty JSON */
		__attribute__((fallthrough));
	case 'j':
		ctx->json = true;
		log_set_json(true);
		set_json_pretty(ctx->pretty);
		return 0;
	case 'V':
		ctx->version = true;
		return 0;
	case 'v':
		ctx->verbose++;
		return 0;
	case 'h':
		*help = true;
		return 0;
	}
	dir = (char *)arg;
	if (dir[0] != '/')
		return vr_usage(ctx, "--pin-dir: '%s' is not an absolute path", dir);
	/* "/sys/fs/bpf/x/" -> "/sys/fs/bpf/x" */
	while (strlen(dir) > 1 && dir[strlen(dir) - 1] == '/')
		dir[strlen(dir) - 1] = '\0';
	ctx->st.pin_dir = dir;
	return 0;
}

/* A command option's short name -> its getopt value. */
static int short_to_val(int val, const struct vr_opt *opts)
{
	int i;

	for (i = 0; val > 0 && val < 256 && opts && opts[i].name; i++)
		if (opts[i].short_name == val)
			return CMD_OPT_VAL(i);
	return val;
}

/* One getopt_long result: 0, or -EINVAL (printed). */
static int take_opt(struct vr_ctx *ctx, int val, const struct vr_opt *opts,
		    char **argv, bool *help, struct vr_args *a)
{
	char name[64] = "?";
	int i;

	val = short_to_val(val, opts);
	if (val == '?') {
		if (optopt)
			return vr_usage(ctx, "unknown option '-%c'", optopt);
		return vr_usage(ctx, "unknown option '%s'", argv[optind - 1]);
	}
	if (val == ':') {
		opt_text(short_to_val(optopt, opts), opts, name, sizeof(name));
		return vr_usage(ctx, "%s needs a value", name);
	}
	opt_text(val, opts, name, sizeof(name));
	if (optarg && !*optarg)
		return vr_usage(ctx, "%s needs a value", name);
	if (val < CMD_OPT_VAL(0))
		return take_global(ctx, val, optarg, help);
	i = val - CMD_OPT_VAL(0);
	if (a->val[i])
		return vr_usage(ctx, "%s given twice", name);
	a->val[i] = optarg ? optarg : "";
	return 0;
}

/* getopt_long over ARGV with the globals and OPTS; STOP: at the first
 * positional (the globals before the command).  The index of the first
 * positional left, or -EINVAL.
 */
static int run_getopt(struct vr_ctx *ctx, int argc, char **argv, const struct vr_opt *opts,
		      bool stop, bool *help, struct vr_args *a)
{
	struct option lo[N_GLOBAL + VR_OPT_MAX + 1];
	char so[2 + 2 * (VR_OPT_MAX + sizeof(GLOBAL_SHORT))];
	int val, err;

	if (build_tables(opts, lo, so + (stop ? 1 : 0)))
		return vr_usage(ctx, "too many options in the command table");
	if (stop)
		so[0] = '+';	/* POSIX mode: stop at the command name */
	err = check_exact(ctx, argc, argv, lo, stop);
	if (err)
		return err;
	opterr = 0;
	optind = 0;	/* a full reset of getopt's state */
	while ((val = getopt_long(argc, argv, so, lo, NULL)) != -1) {
		err = take_opt(ctx, val, opts, argv, help, a);
		if (err)
			return err;
	}
	return optind;
}

/* "-j", "--json", "-p", "--pretty", or a cluster of global letters with j or p. */
static bool json_word(const char *w)
{
	if (!strcmp(w, "--json") || !strcmp(w, "--pretty"))
		return true;
	return w[0] == '-' && w[1] && w[1] != '-' && strspn(w + 1, GLOBAL_SHORT) == strlen(w + 1) &&
	       strpbrk(w + 1, "jp");
}

int vr_parse_globals(struct vr_ctx *ctx, int argc, char **argv, bool *help)
{
	struct vr_args none = { 0 };
	int i;

	/* -j anywhere on the line: errors before it is parsed are JSON too */
	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (json_word(argv[i]))
			log_set_json(true);

	return run_getopt(ctx, argc, argv, NULL, true, help, &none);
}

/*
 * A command whose line ends with a command line of its own (exec NAME
 * [--] CMD...): options up to NAME, then up to the first word that is no
 * option (or "--"); the rest is the command's.  The positionals are NAME
 * and that rest, NAME moved next to it (over an option word read).
 */
static int parse_cmd_line(struct vr_ctx *ctx, int argc, char **argv, bool *help,
			  struct vr_args *a)
{
	const struct vr_cmd *c = ctx->cmd;
	int first, rest;

	first = run_getopt(ctx, argc, argv, c->opts, true, help, a);
	if (first < 0 || first >= argc)
		return first;
	rest = run_getopt(ctx, argc - first, argv + first, c->opts, true, help, a);
	if (rest < 0)
		return rest;
	argv[first + rest - 1] = argv[first];
	return first + rest - 1;
}

int vr_parse_args(struct vr_ctx *ctx, int argc, char **argv, bool *help, struct vr_args *a)
{
	const struct vr_cmd *c = ctx->cmd;
	int first;

	memset(a, 0, sizeof(*a));
	if (c->cmd_line)
		first = parse_cmd_line(ctx, argc, argv, help, a);
	else
		first = run_getopt(ctx, argc, argv, c->opts, false, help, a);
	if (first < 0)
		return first;
	a->pos = argv + first;
	a->n_pos = argc - first;
	if (!*help && c->max_pos >= 0 && a->n_pos > c->max_pos)
		return vr_usage(ctx, "unexpected argument '%s'", a->pos[c->max_pos]);
	return 0;
}

/* ---- usage and help, from the same tables ---- */

int vr_usage(struct vr_ctx *ctx, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_err("%s", msg);
	if (ctx->cmd && !log_json())	/* under -j: the error object alone */
		vr_print_usage(stderr, ctx->cmd);
	ctx->usage_error = true;
	return -EINVAL;
}


#define USAGE_WIDTH	78
#define USAGE_INDENT	"       "	/* continuation lines, as iproute2 */

/* Append WORD to the usage line being printed, wrapping at USAGE_WIDTH. */
static void put_word(FILE *f, int *col, const char *word)
{
	int len = (int)strlen(word);

	if (*col + 1 + len > USAGE_WIDTH) {
		fprintf(f, "\n%s", USAGE_INDENT);
		*col = (int)strlen(USAGE_INDENT);
	} else {
		fputc(' ', f);
		(*col)++;
	}
	fputs(word, f);
	*col += len;
}

/* "--mac MAC", "[--table ID]", "[-f|--follow]" */
static void opt_word(const struct vr_opt *o, char *buf, size_t len)
{
	char sh[8] = "";

	if (o->short_name)
		snprintf(sh, sizeof(sh), "-%c|", o->short_name);
	snprintf(buf, len, "%s%s--%s%s%s%s", o->required ? "" : "[", sh, o->name,
		 o->arg ? " " : "", o->arg ? o->arg : "", o->required ? "" : "]");
}

void vr_print_usage(FILE *f, const struct vr_cmd *c)
{
	const struct vr_opt *o;
	char word[128];
	int col;

	col = fprintf(f, "Usage: vrctl %s", c->name);
	if (c->args && *c->args)
		put_word(f, &col, c->args);
	for (o = c->opts; o && o->name; o++) {
		opt_word(o, word, sizeof(word));
		put_word(f, &col, word);
	}
	fputc('\n', f);
	if (c->more_usage)
		fprintf(f, "%s\n", c->more_usage);
}

void vr_print_help(FILE *f, const struct vr_cmd *c)
{
	const struct vr_opt *o;
	char word[128];

	vr_print_usage(f, c);
	fprintf(f, "\n%s\n", c->help);
	if (c->opts && c->opts->name)
		fputc('\n', f);
	for (o = c->opts; o && o->name; o++) {
		char sh[8] = "";

		if (o->short_name)
			snprintf(sh, sizeof(sh), "-%c, ", o->short_name);
		snprintf(word, sizeof(word), "%s--%s%s%s", sh, o->name,
			 o->arg ? " " : "", o->arg ? o->arg : "");
		fprintf(f, "  %-28s %s\n", word, o->help);
	}
	if (c->more_help)
		c->more_help(f);
}

void vr_print_opt_words(FILE *f, const struct vr_opt *opts)
{
	size_t i;

	for (; opts && opts->name; opts++)
		fprintf(f, "--%s%s%s\n", opts->name, opts->arg ? " " : "",
			opts->arg ? opts->arg : "");
	for (i = 0; i < N_GLOBAL; i++)
		fprintf(f, "--%s%s\n", global_long[i].name,
			global_long[i].has_arg == required_argument ? " DIR" : "");
}

void vr_print_global_usage(FILE *f)
{
	fprintf(f, "       OPTIONS := { --pin-dir DIR | -j[son] | -p[retty] | -v[erbose] | -h[elp] |\n"
		   "                    -V[ersion] }\n"
		   "                  (anywhere on the line; default DIR %s)\n",
		VR_DEFAULT_PIN_DIR);
}
