// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * vrctl exporter: the Prometheus text (prom.h) over HTTP, on libmicrohttpd.
 * GET /metrics only; each scrape opens the pinned maps afresh (no lock,
 * so a scrape never waits for a command and a reload is seen at once)
 * and serves counters, never a frame or an address.
 *
 * One thread and one loop: the listening socket is vrctl's, each
 * connection accepted is admitted by the guard of lib/connguard.h (per
 * source address and in all, slow ones closed or replaced) before it is
 * handed to libmicrohttpd, which runs on the same loop (external epoll),
 * so the guard and the server never race over a connection.  With
 * --web-config (webcfg.h): TLS, and basic authentication before a scrape.
 * SIGTERM or SIGINT stops it.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/signalfd.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "cli.h"
#include "lib/connguard.h"
#include "prom.h"
#include "webcfg.h"

#define EXPORTER_DEFAULT	"127.0.0.1:9469"
#define REALM			"vrouter exporter"

struct exporter {
	const char *pin_dir;
	struct web_config *web;		/* NULL: plain HTTP, anyone */
	struct conn_guard guard;
	struct MHD_Daemon *d;
	int lfd;			/* listening */
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int conn_fd(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);

	return ci ? ci->connect_fd : -1;
}

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

/* A request's headers are in: it is served now (the guard's clock). */
static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *data,
			      size_t *data_size, void **con_cls)
{
	static char not_found[] = "vrctl exporter: metrics are at /metrics\n";
	static char not_allowed[] = "GET or HEAD only\n";
	static char denied[] = "vrctl exporter: a user and password are needed\n";
	struct exporter *ex = cls;
	struct MHD_Response *r;
	enum MHD_Result ret;
	char *user, *pass = NULL;
	bool ok;

	guard_serving(&ex->guard, conn_fd(c), now_s());
	if (ex->web && ex->web->n_users) {
		user = MHD_basic_auth_get_username_password(c, &pass);
		ok = web_auth_ok(ex->web, user, pass);
		MHD_free(user);
		MHD_free(pass);
		if (!ok) {
			r = MHD_create_response_from_buffer(strlen(denied), denied,
							    MHD_RESPMEM_PERSISTENT);
			if (!r)
				return MHD_NO;
			ret = MHD_queue_basic_auth_fail_response(c, REALM, r);
			MHD_destroy_response(r);
			return ret;
		}
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", not_allowed,
			     strlen(not_allowed), false);
	if (*data_size)		/* a GET with a body: ignore it */
		*data_size = 0;
	if (strcmp(url, "/metrics"))
		return reply(c, MHD_HTTP_NOT_FOUND, "text/plain", not_found,
			     strlen(not_found), false);
	return scrape(c, ex->pin_dir);
}

/* Its response is sent: waiting for the next request (the guard's clock). */
static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct exporter *ex = cls;

	guard_waiting(&ex->guard, conn_fd(c), now_s());
}

static void conn_event(void *cls, struct MHD_Connection *c, void **socket_context,
		       enum MHD_ConnectionNotificationCode code)
{
	struct exporter *ex = cls;

	if (code == MHD_CONNECTION_NOTIFY_CLOSED)
		guard_closed(&ex->guard, conn_fd(c));
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

static int listen_on(const struct sockaddr_storage *ss)
{
	socklen_t len = ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
						    sizeof(struct sockaddr_in);
	int fd, one = 1;

	fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss->ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)ss, len) || listen(fd, GUARD_MAX)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/* Every connection waiting to be accepted, through the guard. */
static void accept_all(struct exporter *ex)
{
	struct sockaddr_storage peer;
	socklen_t len;
	int fd, evict;

	for (;;) {
		len = sizeof(peer);
		fd = accept4(ex->lfd, (struct sockaddr *)&peer, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		if (guard_admit(&ex->guard, fd, (struct sockaddr *)&peer, now_s(), &evict)) {
			close(fd);	/* every connection at the limit is serving */
			continue;
		}
		if (evict >= 0)
			shutdown(evict, SHUT_RDWR);
		/* On failure libmicrohttpd has closed it. */
		if (MHD_add_connection(ex->d, fd, (struct sockaddr *)&peer, len) != MHD_YES)
			guard_closed(&ex->guard, fd);
	}
}

/* Connections past their time: shut down (libmicrohttpd closes them). */
static void expire(struct exporter *ex)
{
	int fds[GUARD_SLOTS];
	unsigned int i, n;

	n = guard_expired(&ex->guard, now_s(), fds, GUARD_SLOTS);
	for (i = 0; i < n; i++)
		shutdown(fds[i], SHUT_RDWR);
}

/* Until SIGTERM or SIGINT (SIGFD): accept, expire, run the server. */
static void serve(struct exporter *ex, int sigfd)
{
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(ex->d, MHD_DAEMON_INFO_EPOLL_FD);
	struct pollfd pfd[3] = {
		{ .fd = di ? di->epoll_fd : -1, .events = POLLIN },
		{ .fd = ex->lfd, .events = POLLIN },
		{ .fd = sigfd, .events = POLLIN },
	};
	MHD_UNSIGNED_LONG_LONG mhd_ms;
	double next;
	int wait_ms;

	for (;;) {
		wait_ms = 1000;
		if (MHD_get_timeout(ex->d, &mhd_ms) == MHD_YES && mhd_ms < (unsigned int)wait_ms)
			wait_ms = (int)mhd_ms;
		next = guard_next(&ex->guard, now_s());
		if (next >= 0 && next * 1e3 < wait_ms)
			wait_ms = (int)(next * 1e3) + 1;
		if (poll(pfd, 3, wait_ms) < 0 && errno != EINTR)
			break;
		if (pfd[2].revents)
			break;
		if (pfd[1].revents)
			accept_all(ex);
		expire(ex);
		MHD_run(ex->d);
	}
}

static struct MHD_Daemon *start(struct exporter *ex)
{
	unsigned int flags = MHD_USE_EPOLL | MHD_USE_NO_LISTEN_SOCKET;
	struct web_config *w = ex->web;

	if (w && w->cert_pem)
		return MHD_start_daemon(flags | MHD_USE_TLS, 0, NULL, NULL, answer, ex,
					MHD_OPTION_HTTPS_MEM_KEY, w->key_pem,
					MHD_OPTION_HTTPS_MEM_CERT, w->cert_pem,
					MHD_OPTION_NOTIFY_COMPLETED, completed, ex,
					MHD_OPTION_NOTIFY_CONNECTION, conn_event, ex,
					MHD_OPTION_CONNECTION_LIMIT, (unsigned int)GUARD_SLOTS,
					MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)GUARD_SERVE_S,
					MHD_OPTION_END);
	return MHD_start_daemon(flags, 0, NULL, NULL, answer, ex,
				MHD_OPTION_NOTIFY_COMPLETED, completed, ex,
				MHD_OPTION_NOTIFY_CONNECTION, conn_event, ex,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned int)GUARD_SLOTS,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)GUARD_SERVE_S,
				MHD_OPTION_END);
}

int do_exporter(struct vr_ctx *ctx, const struct vr_args *a)
{
	struct exporter ex = { .pin_dir = ctx->st.pin_dir, .lfd = -1 };
	struct sockaddr_storage ss;
	const char *addr;
	sigset_t set;
	int err, sigfd;

	err = listen_args(ctx, a, &addr, &ss);
	if (err)
		return err;
	if (a->val[EXPORTER_WEB_CONFIG]) {
		err = web_config_load(a->val[EXPORTER_WEB_CONFIG], &ex.web);
		if (err)
			return err;
	}
	guard_init(&ex.guard);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigfd = signalfd(-1, &set, SFD_CLOEXEC);
	ex.lfd = listen_on(&ss);
	if (ex.lfd < 0) {
		err = ex.lfd;
		pr_err("exporter: cannot listen on %s: %s", addr, strerror(-err));
		goto out;
	}
	ex.d = start(&ex);
	if (!ex.d || sigfd < 0) {
		err = -EIO;
		pr_err("exporter: cannot start the HTTP%s server", ex.web && ex.web->cert_pem ?
		       "S" : "");
		goto out;
	}
	pr_info("exporter: metrics of %s on %s://%s/metrics%s", ctx->st.pin_dir,
		ex.web && ex.web->cert_pem ? "https" : "http", addr,
		ex.web && ex.web->n_users ? " (basic authentication)" : "");
	serve(&ex, sigfd);
	err = 0;
out:
	if (ex.d)
		MHD_stop_daemon(ex.d);
	if (ex.lfd >= 0)
		close(ex.lfd);
	if (sigfd >= 0)
		close(sigfd);
	web_config_free(ex.web);
	return err;
}
