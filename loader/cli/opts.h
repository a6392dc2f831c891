/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * One option parser for every command: getopt_long over the command's
 * option table plus the global options, with exact matching (no
 * abbreviations), each option at most once, no empty values.  The usage
 * and help texts are generated from the same tables.
 */
#ifndef VR_CLI_OPTS_H
#define VR_CLI_OPTS_H

#include <stdbool.h>
#include <stdio.h>

#define VR_OPT_MAX	16	/* options of one command, globals not counted */

/* An option of a command; a table ends with a row whose name is NULL.
 * The handler reads its value by the row's index.
 */
struct vr_opt {
	const char *name;	/* "mac": --mac */
	char short_name;	/* 'f': -f; 0: none */
	const char *arg;	/* "MAC": --mac MAC or --mac=MAC; NULL: a flag */
	const char *help;	/* one line for `vrctl help COMMAND` */
	bool required;		/* shown without brackets in the usage */
};

/* A command's line, parsed. */
struct vr_args {
	const char *val[VR_OPT_MAX];	/* option i's value ("" for a flag), NULL if absent */
	char **pos;			/* the positional arguments, in order */
	int n_pos;
};

struct vr_ctx;
struct vr_cmd;

/*
 * The global options (--pin-dir DIR, -j/--json, -v/--verbose, -h/--help)
 * before the command: ARGV[0] is the program.  Returns the index of the
 * command name (argc if none), or -EINVAL after a usage error.
 */
int vr_parse_globals(struct vr_ctx *ctx, int argc, char **argv, bool *help);
/*
 * The command's line (ARGV[0] is the command): its options and the
 * global ones, anywhere, and at most ctx->cmd->max_pos positionals.
 * 0, or -EINVAL after a usage error (printed).
 */
int vr_parse_args(struct vr_ctx *ctx, int argc, char **argv, bool *help,
		  struct vr_args *a);

/* "Usage: vrctl CMD ARGS [OPTIONS]", wrapped, from the command's row. */
void vr_print_usage(FILE *f, const struct vr_cmd *c);
/* The usage, the one-line help and one line per option. */
void vr_print_help(FILE *f, const struct vr_cmd *c);
/* The global options' usage line. */
void vr_print_global_usage(FILE *f);
/* OPTS and the global options, one a line: "--name", or "--name ARG"
 * for one that takes a value (vrctl __complete).
 */
void vr_print_opt_words(FILE *f, const struct vr_opt *opts);

#endif /* VR_CLI_OPTS_H */
