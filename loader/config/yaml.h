/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Inside the config layer: walking a libyaml document with the line of
 * every node, for load.c (the file, its NICs) and load_router.c (its
 * VRs); yc_: "YAML, config".  Every function prints its error as
 * "FILE:LINE: ..." through yc_bad() and returns 0 or -EINVAL.
 */
#ifndef VR_CONFIG_YAML_H
#define VR_CONFIG_YAML_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <yaml.h>

#include "config/config.h"

struct ld {
	yaml_document_t doc;
	struct vr_conf *c;
};

/* The one error line: FILE:LINE: ... (LINE of node N, 1-based; N NULL:
 * FILE: ...); returns -EINVAL.
 */
int yc_bad(struct ld *l, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The document of F into l->doc (freed by yaml_document_delete() even on
 * an error), checked for values with a NUL byte inside.
 */
int yc_load(struct ld *l, FILE *f);
yaml_node_t *yc_node(struct ld *l, int i);
/* N's value if it is a scalar, else NULL. */
const char *yc_scalar(const yaml_node_t *n);
/* N as a scalar, else an error naming KEY. */
int yc_want_scalar(struct ld *l, const yaml_node_t *n, const char *key, const char **out);
/* The mapping N, FN for each key (checked: one of KEYS, at most 32, once). */
typedef int (*key_fn)(struct ld *l, const char *key, yaml_node_t *k, yaml_node_t *v,
		      void *arg);
int yc_each_key(struct ld *l, yaml_node_t *n, const char *what, const char *const *keys,
		key_fn fn, void *arg);
/* A scalar or a list of scalars: FN for each. */
typedef int (*item_fn)(struct ld *l, yaml_node_t *n, const char *s, void *arg);
int yc_each_item(struct ld *l, yaml_node_t *n, const char *key, item_fn fn, void *arg);
/* "none" (if NONE_OK: 0) or a number in [MIN, MAX], with the command
 * line's k/M/G suffixes (parse_u64_si). */
int yc_num(struct ld *l, yaml_node_t *n, const char *key, bool none_ok, uint64_t min,
	   uint64_t max, uint64_t *out);

/* load_router.c: the routers: list into l->c->routers, each checked and
 * its (NIC, MAC) pairs resolved against the file's NICs.
 */
int yc_parse_routers(struct ld *l, yaml_node_t *n);

#endif /* VR_CONFIG_YAML_H */
