// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * vrctl exporter: the Prometheus text (prom.h) over HTTP, on libmicrohttpd.
 * GET /metrics only; each scrape opens the pinned maps afresh (no lock,
 * so a scrape never waits for a command and a reload is seen at once)
 * and serves counters, never a frame or an address.  One thread serves
 * the requests one at a time; SIGTERM or SIGINT stops it.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "cli.h"
#include "prom.h"

#define EXPORTER_DEFAULT	"127.0.0.1:9469"

/* "A.B.C.D:PORT" or "[IPV6]:PORT" (an address, not a name; port 1-65535). */
static int parse_listen(const char *s, struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon = strrchr(s, ':');
	size_t hl = colon ? (size_t)(colon - s) : 0;
	uint32_t port;

	memset(ss, 0, sizeof(*ss));
	if (!colon || !hl || hl >= sizeof(host) || parse_u32(colon + 1, 1, 65535, &port))
		return -EINVAL;
	memcpy(host, s, hl);
	host[hl] = '\0';
	if (host[0] == '[' && host[hl - 1] == ']') {
		host[hl - 1] = '\0';
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		return inet_pton(AF_INET6, host + 1, &s6->sin6_addr) == 1 ? 0 : -EINVAL;
	}
	s4->sin_family = AF_INET;
	s4->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, host, &s4->sin_addr) == 1 ? 0 : -EINVAL;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned int status,
			     const char *type, char *body, size_t len, bool must_free)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, body, must_free ? MHD_RESPMEM_MUST_FREE :
					    MHD_RESPMEM_PERSISTENT);
	if (!r) {
		if (must_free)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* One scrape into a buffer: maps opened and closed here. */
static enum MHD_Result scrape(struct MHD_Connection *c, const char *pin_dir)
{
	struct vr_state st;
	char *body = NULL;
	size_t len = 0;
	FILE *f;
	int err;

	f = open_memstream(&body, &len);
	if (!f)
		return MHD_NO;
	vr_state_init(&st, pin_dir);
	st.read_only_ok = true;
	err = vr_prom_write(&st, f);
	vr_state_close(&st);
	if (fclose(f) || err == -ENOMEM) {
		free(body);
		return MHD_NO;
	}
	return reply(c, MHD_HTTP_OK, VR_PROM_CONTENT_TYPE, body, len, true);
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *data,
			      size_t *data_size, void **con_cls)
{
	static char not_found[] = "vrctl exporter: metrics are at /metrics\n";
	static char not_allowed[] = "GET or HEAD only\n";
	const char *pin_dir = cls;

	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", not_allowed,
			     strlen(not_allowed), false);
	if (*data_size)		/* a GET with a body: ignore it */
		*data_size = 0;
	if (strcmp(url, "/metrics"))
		return reply(c, MHD_HTTP_NOT_FOUND, "text/plain", not_found,
			     strlen(not_found), false);
	return scrape(c, pin_dir);
}

static int listen_args(struct vr_ctx *ctx, const struct vr_args *a, const char **addr,
		       struct sockaddr_storage *ss)
{
	*addr = a->val[EXPORTER_LISTEN] ? a->val[EXPORTER_LISTEN] : EXPORTER_DEFAULT;
	if (parse_listen(*addr, ss))
		return vr_usage(ctx, "--listen: '%s' is not ADDR:PORT (an IPv4 address or "
				"[IPv6 address], port 1-65535)", *addr);
	return 0;
}

int do_exporter(struct vr_ctx *ctx, const struct vr_args *a)
{
	struct sockaddr_storage ss;
	struct MHD_Daemon *d;
	const char *addr;
	sigset_t set;
	int err, sig;

	err = listen_args(ctx, a, &addr, &ss);
	if (err)
		return err;
	/* Blocked before the server's thread starts, which inherits it. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	errno = 0;
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO |
			     (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
			     0, NULL, NULL, answer, (void *)ctx->st.pin_dir,
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned int)16,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)10,
			     MHD_OPTION_END);
	if (!d) {
		err = errno ? -errno : -EADDRNOTAVAIL;
		pr_err("exporter: cannot listen on %s: %s", addr, strerror(-err));
		return err;
	}
	pr_info("exporter: metrics of %s on http://%s/metrics", ctx->st.pin_dir, addr);
	while (sigwait(&set, &sig))
		;
	MHD_stop_daemon(d);
	return 0;
}
