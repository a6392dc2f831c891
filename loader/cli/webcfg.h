/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * `vrctl exporter --web-config FILE`: TLS and basic authentication, in
 * the web configuration file of Prometheus' exporters (exporter-toolkit):
 *
 *   tls_server_config:
 *     cert_file: server.crt	# PEM; relative to FILE's directory
 *     key_file: server.key
 *   basic_auth_users:
 *     prometheus: $2y$10$...	# bcrypt (htpasswd -nBC 10 "" | tr -d ':\n')
 *
 * Either part may be left out; the other keys of that format are refused
 * as not supported, as is anything else.  Passwords are checked with
 * crypt_r(3) (libcrypt: $2a$, $2b$, $2y$), and the last one accepted for
 * each user is remembered (as its SHA-256) so that a scrape costs one
 * bcrypt only when the password changes; other passwords cost a bcrypt
 * each, at most 5 a second (beyond that they are refused unchecked).
 */
#ifndef VR_CLI_WEBCFG_H
#define VR_CLI_WEBCFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct web_user {
	char *name;
	char *hash;			/* bcrypt */
	bool cached;
	uint8_t ok[32];			/* SHA-256 of the last password accepted */
};

struct web_config {
	char *cert_pem, *key_pem;	/* NULL: plain HTTP */
	struct web_user *users;		/* none: no authentication */
	size_t n_users;
};

/* Parse and check PATH (the certificate and key loaded and matched):
 * 0, or -errno with one error line printed.
 */
int web_config_load(const char *path, struct web_config **out);
void web_config_free(struct web_config *w);
/* Whether USER with PASSWORD (either NULL: none given) may come in. */
bool web_auth_ok(struct web_config *w, const char *user, const char *password);

#endif /* VR_CLI_WEBCFG_H */
