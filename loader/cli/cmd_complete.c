// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * `vrctl __complete`: the words the bash completion (dist/vrctl.bash)
 * offers, from the same command and option tables as the usage text, so
 * the two cannot drift apart.  Not in the usage: a helper, needs no root.
 *
 *   vrctl __complete               the commands, one a line
 *   vrctl __complete CMD           "@cmd NAME" (CMD in full: it may be a
 *                                  prefix), "@args ARGS" (the positionals'
 *                                  usage), then CMD's options and the global ones,
 *                                  one a line: "--name" or "--name VALUE"
 *   vrctl __complete CMD --OPT     the values of --OPT: the choices of
 *                                  "{a|b}", the pass reasons for REASON,
 *                                  nothing for a free value (a file, ...)
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* NAME as the command line reads it: exact, or a unique prefix ("sh"). */
static const struct vr_cmd *cmd_named(const struct vr_cmd *cmds, size_t n, const char *name)
{
	int i = match_abbrev(name, &cmds[0].name, n, sizeof(cmds[0]), NULL, 0);

	return i >= 0 ? &cmds[i] : NULL;
}

/* The values of option O: "{a|b}" split, or the reasons. */
static void opt_values(const struct vr_opt *o)
{
	const char *p;
	unsigned int r;

	if (!o->arg)
		return;
	if (!strncmp(o->arg, "REASON", 6)) {
		for (r = 0; r < VR_PASS_MAX; r++)
			printf("%s\n", vr_pass_reason_name(r));
		return;
	}
	if (o->arg[0] != '{')
		return;
	for (p = o->arg + 1; *p && *p != '}'; p += strcspn(p, "|}") + (p[strcspn(p, "|}")] == '|')) {
		if (strchr("|}", *p))
			continue;
		printf("%.*s\n", (int)strcspn(p, "|}"), p);
	}
}

int vr_complete(const struct vr_cmd *cmds, size_t n, int argc, char **argv)
{
	const struct vr_cmd *c;
	const struct vr_opt *o;
	size_t i;

	if (argc < 1) {
		for (i = 0; i < n; i++)
			printf("%s\n", cmds[i].name);
		return 0;
	}
	c = cmd_named(cmds, n, argv[0]);
	if (!c)
		return 1;
	if (argc < 2) {
		printf("@cmd %s\n@args %s\n", c->name, c->args ? c->args : "");
		vr_print_opt_words(stdout, c->opts);
		return 0;
	}
	for (o = c->opts; o && o->name; o++)
		if (!strncmp(argv[1], "--", 2) && !strcmp(argv[1] + 2, o->name))
			opt_values(o);
	return 0;
}
