// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The exporter's web configuration file (webcfg.h): libyaml through the
 * config layer's walker (FILE:LINE errors), the certificate and key
 * matched by GnuTLS (the library libmicrohttpd serves TLS with), bcrypt
 * by libcrypt.
 */
#include <crypt.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "config/yaml.h"
#include "lib/log.h"
#include "webcfg.h"

#define PEM_MAX		(1 << 20)
#define BCRYPT_LEN	60
#define BCRYPT_RATE	5	/* checks a second (about 60 ms each at cost 10) */

struct wl {
	struct ld l;
	struct web_config *w;
	char dir[PATH_MAX];		/* of the file: relative paths start there */
	yaml_node_t *cert, *key;	/* their nodes, for the error lines */
	const char *cert_file, *key_file;
};

/* PATH (relative to the file's directory) read whole into *OUT. */
static int read_pem(struct wl *wl, yaml_node_t *n, const char *key, const char *path,
		    char **out)
{
	char full[PATH_MAX];
	struct stat sb;
	size_t len;
	FILE *f;

	if ((size_t)snprintf(full, sizeof(full), "%s%s%s", path[0] == '/' ? "" : wl->dir,
			     path[0] == '/' ? "" : "/", path) >= sizeof(full))
		return yc_bad(&wl->l, n, "%s: path too long", key);
	f = fopen(full, "re");
	if (!f)
		return yc_bad(&wl->l, n, "%s: %s: %s", key, full, strerror(errno));
	if (fstat(fileno(f), &sb) || !S_ISREG(sb.st_mode) || sb.st_size > PEM_MAX) {
		fclose(f);
		return yc_bad(&wl->l, n, "%s: %s: not a file of at most 1 MiB", key, full);
	}
	*out = calloc(1, (size_t)sb.st_size + 1);
	if (!*out) {
		fclose(f);
		return -ENOMEM;
	}
	len = fread(*out, 1, (size_t)sb.st_size, f);
	fclose(f);
	(*out)[len] = '\0';
	return 0;
}

static int tls_key(struct ld *l, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct wl *wl = arg;

	if (!strcmp(key, "cert_file")) {
		wl->cert = v;
		return yc_want_scalar(l, v, key, &wl->cert_file);
	}
	if (!strcmp(key, "key_file")) {
		wl->key = v;
		return yc_want_scalar(l, v, key, &wl->key_file);
	}
	return yc_bad(l, k, "tls_server_config: %s is not supported by vrctl exporter", key);
}

/* The certificate and key: both given, readable, a pair GnuTLS takes. */
static int load_tls(struct wl *wl, yaml_node_t *n)
{
	gnutls_certificate_credentials_t cred;
	gnutls_datum_t c, k;
	int err, rc;

	if (!wl->cert_file || !wl->key_file)
		return yc_bad(&wl->l, n, "tls_server_config: needs both cert_file and key_file");
	err = read_pem(wl, wl->cert, "cert_file", wl->cert_file, &wl->w->cert_pem);
	if (!err)
		err = read_pem(wl, wl->key, "key_file", wl->key_file, &wl->w->key_pem);
	if (err)
		return err;
	if (gnutls_certificate_allocate_credentials(&cred) < 0)
		return -ENOMEM;
	c = (gnutls_datum_t){ (unsigned char *)wl->w->cert_pem, (unsigned int)strlen(wl->w->cert_pem) };
	k = (gnutls_datum_t){ (unsigned char *)wl->w->key_pem, (unsigned int)strlen(wl->w->key_pem) };
	rc = gnutls_certificate_set_x509_key_mem(cred, &c, &k, GNUTLS_X509_FMT_PEM);
	gnutls_certificate_free_credentials(cred);
	if (rc < 0)
		return yc_bad(&wl->l, n, "tls_server_config: cert_file %s and key_file %s: %s",
			      wl->cert_file, wl->key_file, gnutls_strerror(rc));
	return 0;
}

static bool bcrypt_form(const char *h)
{
	return strlen(h) == BCRYPT_LEN && h[0] == '$' && h[1] == '2' &&
	       (h[2] == 'a' || h[2] == 'b' || h[2] == 'y') && h[3] == '$';
}

static int user_key(struct ld *l, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct web_config *w = arg;
	struct web_user *u;
	const char *hash;
	int err;

	if (!*key || strchr(key, ':') || strpbrk(key, "\r\n"))
		return yc_bad(l, k, "basic_auth_users: '%s' is not a user name (no ':', not empty)",
			      key);
	err = yc_want_scalar(l, v, key, &hash);
	if (err)
		return err;
	if (!bcrypt_form(hash))
		return yc_bad(l, v, "basic_auth_users: %s: not a bcrypt hash ($2a$, $2b$ or "
			      "$2y$, 60 characters; htpasswd -nBC 10 \"\" | tr -d ':\\n')", key);
	u = &w->users[w->n_users++];
	u->name = strdup(key);
	u->hash = strdup(hash);
	return u->name && u->hash ? 0 : -ENOMEM;
}

/* A mapping of users, each once (yc_each_key's table: its keys). */
static int parse_users(struct wl *wl, yaml_node_t *n)
{
	yaml_node_pair_t *p;
	const char **keys;
	size_t i, np;
	int err;

	if (n->type != YAML_MAPPING_NODE)
		return yc_bad(&wl->l, n, "basic_auth_users: expected a mapping (user: bcrypt hash)");
	np = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
	if (np > 32)
		return yc_bad(&wl->l, n, "basic_auth_users: more than 32 users");
	keys = calloc(np + 1, sizeof(*keys));
	wl->w->users = calloc(np ? np : 1, sizeof(*wl->w->users));
	if (!keys || !wl->w->users) {
		free(keys);
		return -ENOMEM;
	}
	for (i = 0, p = n->data.mapping.pairs.start; i < np; i++, p++)
		keys[i] = yc_scalar(yc_node(&wl->l, p->key));
	for (i = 0; i < np && keys[i]; i++)
		;
	err = i < np ? yc_bad(&wl->l, yc_node(&wl->l, n->data.mapping.pairs.start[i].key),
			      "basic_auth_users: a user name must be a plain word")
		     : yc_each_key(&wl->l, n, "basic_auth_users", keys, user_key, wl->w);
	free(keys);
	return err;
}

static int top_key(struct ld *l, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	static const char *const tls_keys[] = {
		"cert_file", "key_file", "cert", "key", "client_auth_type", "client_ca_file",
		"client_allowed_sans", "min_version", "max_version", "cipher_suites",
		"curve_preferences", "prefer_server_cipher_suites", NULL,
	};
	struct wl *wl = arg;
	int err;

	if (!strcmp(key, "tls_server_config")) {
		err = yc_each_key(l, v, key, tls_keys, tls_key, wl);
		return err ? err : load_tls(wl, v);
	}
	if (!strcmp(key, "basic_auth_users"))
		return parse_users(wl, v);
	return yc_bad(l, k, "%s is not supported by vrctl exporter", key);
}

/* Whoever can write it chooses who may scrape. */
static int check_file(struct wl *wl, FILE *f)
{
	struct stat sb;

	if (fstat(fileno(f), &sb) || !S_ISREG(sb.st_mode))
		return yc_bad(&wl->l, NULL, "not a regular file");
	if (sb.st_mode & S_IWOTH)
		return yc_bad(&wl->l, NULL, "writable by everyone: refused (chmod o-w)");
	if (sb.st_uid != 0 && sb.st_uid != geteuid())
		return yc_bad(&wl->l, NULL, "owned by uid %u, not root: refused",
			      (unsigned int)sb.st_uid);
	return 0;
}

static int load_file(struct wl *wl, FILE *f)
{
	static const char *const top_keys[] = {
		"tls_server_config", "basic_auth_users", "http_server_config", NULL,
	};
	yaml_node_t *root;
	int err;

	err = check_file(wl, f);
	if (!err)
		err = yc_load(&wl->l, f);
	if (err)
		return err;
	root = yaml_document_get_root_node(&wl->l.doc);
	if (!root)
		return yc_bad(&wl->l, NULL, "empty: expected tls_server_config, basic_auth_users "
			      "or both");
	return yc_each_key(&wl->l, root, "the file", top_keys, top_key, wl);
}

int web_config_load(const char *path, struct web_config **out)
{
	struct wl wl = { 0 };
	char tmp[PATH_MAX];
	FILE *f = NULL;
	int err;

	wl.w = calloc(1, sizeof(*wl.w));
	wl.l.c = calloc(1, sizeof(*wl.l.c));	/* for its path in the error lines */
	if (!wl.w || !wl.l.c) {
		err = -ENOMEM;
		goto out;
	}
	snprintf(wl.l.c->path, sizeof(wl.l.c->path), "%s", path);
	snprintf(tmp, sizeof(tmp), "%s", path);
	snprintf(wl.dir, sizeof(wl.dir), "%s", dirname(tmp));
	f = fopen(path, "re");
	if (!f) {
		err = -errno;
		pr_err("%s: %s", path, strerror(-err));
		goto out;
	}
	err = load_file(&wl, f);
out:
	if (f)
		fclose(f);
	if (wl.l.doc.nodes.start)
		yaml_document_delete(&wl.l.doc);
	free(wl.l.c);
	if (err) {
		web_config_free(wl.w);
		return err;
	}
	*out = wl.w;
	return 0;
}

void web_config_free(struct web_config *w)
{
	size_t i;

	if (!w)
		return;
	for (i = 0; i < w->n_users; i++) {
		free(w->users[i].name);
		free(w->users[i].hash);
	}
	free(w->users);
	free(w->cert_pem);
	free(w->key_pem);
	free(w);
}

/* Equal, in a time that depends only on the length. */
static bool same_bytes(const void *a, const void *b, size_t len)
{
	const uint8_t *x = a, *y = b;
	uint8_t d = 0;
	size_t i;

	for (i = 0; i < len; i++)
		d |= x[i] ^ y[i];
	return d == 0;
}

/* A bcrypt may be afforded now (BCRYPT_RATE a second, as many at once):
 * a flood of wrong passwords cannot take all of the exporter's time.
 */
static bool bcrypt_token(void)
{
	static double tokens = BCRYPT_RATE, last;
	struct timespec ts;
	double now;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	tokens += (now - last) * BCRYPT_RATE;
	if (tokens > BCRYPT_RATE)
		tokens = BCRYPT_RATE;
	last = now;
	if (tokens < 1)
		return false;
	tokens -= 1;
	return true;
}

bool web_auth_ok(struct web_config *w, const char *user, const char *password)
{
	static struct crypt_data cd;	/* 32 KiB: not on the stack */
	struct web_user *u = NULL;
	uint8_t digest[32];
	const char *h;
	size_t i;
	bool ok;

	if (!w->n_users)
		return true;
	if (!user || !password)
		return false;
	for (i = 0; i < w->n_users && !u; i++)
		if (!strcmp(w->users[i].name, user))
			u = &w->users[i];
	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, password, strlen(password), digest) < 0)
		return false;
	if (u && u->cached && same_bytes(u->ok, digest, sizeof(digest)))
		return true;
	if (!bcrypt_token())
		return false;
	/* An unknown user costs a bcrypt too: no telling users by time. */
	memset(&cd, 0, sizeof(cd));
	h = crypt_r(password, u ? u->hash : w->users[0].hash, &cd);
	ok = u && h && strlen(h) == BCRYPT_LEN && same_bytes(h, u->hash, BCRYPT_LEN);
	if (ok) {
		memcpy(u->ok, digest, sizeof(digest));
		u->cached = true;
	}
	return ok;
}
