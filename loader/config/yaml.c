// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Walking a libyaml document (yaml.h): scalars, mappings with known keys
 * each given once, lists, numbers, and the one error line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "config/yaml.h"
#include "lib/abbrev.h"
#include "lib/log.h"
#include "lib/parse.h"

int yc_bad(struct ld *l, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n)
		pr_err("%s:%zu: %s", l->c->path, n->start_mark.line + 1, msg);
	else
		pr_err("%s: %s", l->c->path, msg);
	return -EINVAL;
}

int yc_load(struct ld *l, FILE *f)
{
	yaml_parser_t parser;
	yaml_node_t *n;
	int err = 0;

	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &l->doc)) {
		pr_err("%s:%zu: %s%s%s", l->c->path,
		       (parser.problem_mark.line ? parser.problem_mark.line :
			parser.context_mark.line) + 1,
		       parser.problem ? parser.problem : "not YAML",
		       parser.context ? " " : "", parser.context ? parser.context : "");
		err = -EINVAL;
	}
	yaml_parser_delete(&parser);
	if (err)
		return err;
	/* A value with a NUL inside ("lo\0x") would be read as another one ("lo"). */
	for (n = l->doc.nodes.start; n < l->doc.nodes.top; n++)
		if (n->type == YAML_SCALAR_NODE &&
		    strlen((const char *)n->data.scalar.value) != n->data.scalar.length)
			return yc_bad(l, n, "a value with a NUL byte inside");
	return 0;
}

yaml_node_t *yc_node(struct ld *l, int i)
{
	return yaml_document_get_node(&l->doc, i);
}

const char *yc_scalar(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

int yc_want_scalar(struct ld *l, const yaml_node_t *n, const char *key, const char **out)
{
	*out = yc_scalar(n);
	if (!*out)
		return yc_bad(l, n, "%s: expected a single value, not a %s", key,
			   n->type == YAML_MAPPING_NODE ? "mapping" : "list");
	return 0;
}

int yc_each_key(struct ld *l, yaml_node_t *n, const char *what, const char *const *keys,
		key_fn fn, void *arg)
{
	yaml_node_pair_t *p;
	unsigned int seen = 0;
	char near[128];
	const char *k;
	int i, err;

	if (n->type != YAML_MAPPING_NODE)
		return yc_bad(l, n, "%s: expected a mapping (key: value lines)", what);
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *kn = yc_node(l, p->key), *vn = yc_node(l, p->value);

		k = yc_scalar(kn);
		if (!k)
			return yc_bad(l, kn, "%s: a key must be a plain word", what);
		for (i = 0; keys[i] && strcmp(keys[i], k); i++)
			;
		if (!keys[i] && suggest_names(k, keys, i, sizeof(keys[0]), NULL, near,
					      sizeof(near)))
			return yc_bad(l, kn, "%s: unknown key '%s' (did you mean %s?)", what, k,
				      near);
		if (!keys[i])
			return yc_bad(l, kn, "%s: unknown key '%s'", what, k);
		if (seen & (1u << i))
			return yc_bad(l, kn, "%s: key '%s' given twice", what, k);
		seen |= 1u << i;
		err = fn(l, k, kn, vn, arg);
		if (err)
			return err;
	}
	return 0;
}

int yc_each_item(struct ld *l, yaml_node_t *n, const char *key, item_fn fn, void *arg)
{
	yaml_node_item_t *it;
	const char *s;
	int err;

	if (n->type == YAML_SCALAR_NODE)
		return fn(l, n, yc_scalar(n), arg);
	if (n->type != YAML_SEQUENCE_NODE)
		return yc_bad(l, n, "%s: expected a value or a list", key);
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *in = yc_node(l, *it);

		err = yc_want_scalar(l, in, key, &s);
		if (!err)
			err = fn(l, in, s, arg);
		if (err)
			return err;
	}
	return 0;
}

int yc_num(struct ld *l, yaml_node_t *n, const char *key, bool none_ok, uint64_t min,
	   uint64_t max, uint64_t *out)
{
	const char *s;
	int err = yc_want_scalar(l, n, key, &s);

	if (err)
		return err;
	if (none_ok && !strcmp(s, "none")) {
		*out = 0;
		return 0;
	}
	/* The command line's parser: "20k", "1.5G" as --rate-pps takes them. */
	if (parse_u64_si(s, min, max, out))
		return yc_bad(l, n, "%s: '%s' is not a number in %llu-%llu (k, M, G: "
			   "powers of 1000)%s", key, s, (unsigned long long)min,
			   (unsigned long long)max, none_ok ? ", or none" : "");
	return 0;
}
