// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The configuration file (config.h), parsed with libyaml's document
 * loader (every node carries its line) and checked completely before
 * anyone acts on it: the first error ends the load with one line,
 * "FILE:LINE: what is wrong".  Here: the file (who may write it, YAML,
 * the top-level keys) and its NICs; load_router.c: its VRs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "config/yaml.h"
#include "lib/log.h"

static int parse_mode(struct ld *l, yaml_node_t *n, enum xdp_attach_mode *mode)
{
	const char *s;
	int err = yc_want_scalar(l, n, "xdp-mode", &s);

	if (err)
		return err;
	if (!strcmp(s, "native"))
		*mode = XDP_MODE_NATIVE;
	else if (!strcmp(s, "skb"))
		*mode = XDP_MODE_SKB;
	else
		return yc_bad(l, n, "xdp-mode: '%s' is not native or skb", s);
	return 0;
}

/* A NIC name that exists now. */
static int parse_nic_name(struct ld *l, yaml_node_t *n, const char *s, char *out)
{
	if (strlen(s) >= IF_NAMESIZE || !*s || strchr(s, '/'))
		return yc_bad(l, n, "'%s' is not a NIC name (at most %d characters, no '/')", s,
			   IF_NAMESIZE - 1);
	if (!if_nametoindex(s))
		return yc_bad(l, n, "NIC %s does not exist", s);
	strcpy(out, s);
	return 0;
}

/* ---- nics ---------------------------------------------------------- */

static const char *const nic_keys[] = { "name", "xdp-mode", NULL };

static int nic_key(struct ld *l, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct vr_conf_nic *nic = arg;
	const char *s;
	int err;

	if (!strcmp(key, "xdp-mode"))
		return parse_mode(l, v, &nic->mode);
	err = yc_want_scalar(l, v, "name", &s);
	return err ? err : parse_nic_name(l, v, s, nic->name);
}

static int parse_nics(struct ld *l, yaml_node_t *n, enum xdp_attach_mode def)
{
	struct vr_conf *c = l->c;
	struct vr_conf_nic *nic;
	yaml_node_item_t *it;
	int i, err;

	if (n->type == YAML_SCALAR_NODE && !*yc_scalar(n))
		return 0;	/* "nics:" with nothing: none */
	if (n->type != YAML_SEQUENCE_NODE)
		return yc_bad(l, n, "nics: expected a list");
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *in = yc_node(l, *it);

		if (c->n_nics == VR_MAX_IFACES)
			return yc_bad(l, in, "nics: more than %d", VR_MAX_IFACES);
		nic = &c->nics[c->n_nics];
		nic->mode = (enum xdp_attach_mode)-1;
		nic->line = (int)in->start_mark.line + 1;
		if (in->type == YAML_SCALAR_NODE)
			err = parse_nic_name(l, in, yc_scalar(in), nic->name);
		else
			err = yc_each_key(l, in, "nics", nic_keys, nic_key, nic);
		if (err)
			return err;
		if (!nic->name[0])
			return yc_bad(l, in, "nics: an entry without a name");
		if ((int)nic->mode == -1)
			nic->mode = def;
		for (i = 0; i < c->n_nics; i++)
			if (!strcmp(c->nics[i].name, nic->name))
				return yc_bad(l, in, "NIC %s is listed twice (line %d)", nic->name,
					   c->nics[i].line);
		c->n_nics++;
	}
	return 0;
}

/* ---- the file ------------------------------------------------------ */

static const char *const top_keys[] = { "xdp-mode", "nics", "routers", NULL };

struct top {
	yaml_node_t *mode, *nics, *routers;
};

static int top_key(struct ld *l, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct top *t = arg;

	if (!strcmp(key, "xdp-mode"))
		t->mode = v;
	else if (!strcmp(key, "nics"))
		t->nics = v;
	else
		t->routers = v;
	return 0;
}

/* The directory of PATH: others who can write there can replace the file
 * (a sticky directory, as /tmp, lets them replace only their own).
 */
static int check_dir(struct ld *l, const char *path)
{
	char dir[sizeof(l->c->path)], *slash;
	struct stat sb;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else
		slash[slash == dir] = '\0';	/* "/x" -> "/" */
	if (stat(dir, &sb) || (sb.st_mode & S_ISVTX))
		return 0;
	if (sb.st_mode & S_IWOTH)
		return yc_bad(l, NULL, "its directory %s is writable by everyone: refused (anyone "
			   "could replace the file, whose hooks run as root)", dir);
	if (sb.st_mode & S_IWGRP)
		pr_warn("%s: its directory %s is writable by group %u: its members can replace "
			"the file, whose hooks run as root", l->c->path, dir,
			(unsigned int)sb.st_gid);
	return 0;
}

/* Hooks run as root: a file others can write is someone else's root. */
static int check_owner(struct ld *l, FILE *f)
{
	struct stat sb;

	if (fstat(fileno(f), &sb) || !S_ISREG(sb.st_mode))
		return 0;	/* a pipe (stdin): the writer is the caller */
	if (f != stdin && check_dir(l, l->c->path))
		return -EINVAL;
	if (sb.st_mode & S_IWOTH)
		return yc_bad(l, NULL, "writable by everyone: refused (its hooks run as root; "
			   "chmod o-w)");
	if (sb.st_uid != 0 && sb.st_uid != geteuid())
		pr_warn("%s: owned by uid %u, not root: whoever that is can run commands as "
			"root through its hooks", l->c->path, (unsigned int)sb.st_uid);
	if (sb.st_mode & S_IWGRP)
		pr_warn("%s: writable by group %u: its members can run commands as root "
			"through its hooks (chmod g-w)", l->c->path, (unsigned int)sb.st_gid);
	return 0;
}

static int load_file(struct ld *l, FILE *f)
{
	struct top t = { 0 };
	enum xdp_attach_mode def = XDP_MODE_NATIVE;
	yaml_node_t *root;
	int err;

	err = check_owner(l, f);
	if (!err)
		err = yc_load(l, f);
	if (err)
		return err;
	root = yaml_document_get_root_node(&l->doc);
	if (!root)
		return yc_bad(l, NULL, "empty: a configuration has at least 'nics:' "
			   "(nics: [] with no routers unloads everything)");
	err = yc_each_key(l, root, "the file", top_keys, top_key, &t);
	if (err)
		return err;
	if (!t.nics)
		return yc_bad(l, root, "no 'nics:' (nics: [] with no routers unloads everything)");
	if (t.mode)
		err = parse_mode(l, t.mode, &def);
	if (!err)
		err = parse_nics(l, t.nics, def);
	if (!err && t.routers)
		err = yc_parse_routers(l, t.routers);
	return err;
}

int vr_conf_load(const char *path, struct vr_conf **out)
{
	struct ld l = { 0 };
	FILE *f;
	int err;

	l.c = calloc(1, sizeof(*l.c));
	if (!l.c)
		return -ENOMEM;
	snprintf(l.c->path, sizeof(l.c->path), "%s", strcmp(path, "-") ? path : "<stdin>");
	f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!f) {
		err = -errno;
		pr_err("%s: %s", l.c->path, strerror(-err));
		free(l.c);
		return err;
	}
	err = load_file(&l, f);
	if (l.doc.nodes.start)
		yaml_document_delete(&l.doc);
	if (f != stdin)
		fclose(f);
	if (err) {
		vr_conf_free(l.c);
		return err;
	}
	*out = l.c;
	return 0;
}

void vr_conf_free(struct vr_conf *c)
{
	if (!c)
		return;
	free(c->routers);
	free(c);
}

const struct vr_conf_nic *vr_conf_find_nic(const struct vr_conf *c, const char *name)
{
	int i;

	for (i = 0; i < c->n_nics; i++)
		if (!strcmp(c->nics[i].name, name))
			return &c->nics[i];
	return NULL;
}
