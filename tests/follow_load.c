// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Load and latency for the follower's fairness test (tests/cases/83-follow-fair.sh).
 *
 *   follow_load flood KIND DEV SECONDS [PER_SECOND]
 *	in the current namespace (a VR's, through nsenter), change KIND on
 *	link DEV as fast as the kernel takes it (or PER_SECOND times a
 *	second), for SECONDS: netconf (rp_filter toggled), link (MTU
 *	toggled), addr (256 /32 addresses added and deleted), route (1024
 *	/32 routes in 198.19.200.0/22 added and deleted), neigh (64
 *	permanent neighbours replaced and deleted).  Requests go in batches
 *	without ACKs (refusals come back and are counted).
 *	Prints "KIND: N changes in S s (R/s), E refused" on stderr.
 *
 *   follow_load fill DEV N NH
 *	N routes from 198.19.0.0/32 up (at most 51200, below the flood's
 *	198.19.200.0/22) in the current namespace, each with NH next
 *	hops via 198.18.1.2 .. 198.18.1.(NH+1) on DEV (a connected /24 there).
 *
 *   follow_load freeze TID SECONDS
 *	stop thread TID alone (ptrace: PTRACE_SEIZE, PTRACE_INTERRUPT; the
 *	other threads of its process run on) for SECONDS, then let it go:
 *	a main loop that hangs while its watchdog thread does not.
 *
 *   follow_load probe VR_NETNS DEV TABLE N INTERVAL_MS
 *	add and delete a /32 route on DEV in namespace VR_NETNS, N times
 *	each, and time, for each change, from the VR's ACK to the change of
 *	host table TABLE in the current namespace (dumped every 200 us).
 *	Prints
 *	"median M ms, max X ms, N changes, T timed out" (5 s each);
 *	PROBE_V=1 in the environment: each change's time on stderr too.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <libmnl/libmnl.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "nl/netlink.h"
#include "nl/nl.h"

#define BATCH		64
#define MSG_ROOM	256
#define PROBE_TIMEOUT	5.0
#define POLL_US		200

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "follow_load: %s: %s\n", what, strerror(err));
	exit(1);
}

/* ---- flood ---- */

struct flood {
	struct mnl_socket *nl;
	uint32_t ifindex;
	char buf[BATCH * MSG_ROOM] __attribute__((aligned(NLMSG_ALIGNTO)));
	size_t len;
	unsigned long sent, refused;
	unsigned int step;
};

static struct nlmsghdr *fl_msg(struct flood *f, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(f->buf + f->len);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	return nlh;
}

static void fl_commit(struct flood *f, struct nlmsghdr *nlh)
{
	f->len += NLMSG_ALIGN(nlh->nlmsg_len);
	f->sent++;
}

/* Send the batch, count the refusals already back. */
static void fl_send(struct flood *f)
{
	char rbuf[8192] __attribute__((aligned(NLMSG_ALIGNTO)));
	const struct nlmsghdr *m;
	ssize_t n;
	int left;

	if (f->len && mnl_socket_sendto(f->nl, f->buf, f->len) < 0 && errno != ENOBUFS)
		die("send", errno);
	f->len = 0;
	while ((n = recv(mnl_socket_get_fd(f->nl), rbuf, sizeof(rbuf), MSG_DONTWAIT)) > 0) {
		left = (int)n;
		for (m = (struct nlmsghdr *)rbuf; mnl_nlmsg_ok(m, left); m = mnl_nlmsg_next(m, &left))
			f->refused += m->nlmsg_type == NLMSG_ERROR;
	}
}

static void put_v4(struct nlmsghdr *nlh, uint16_t type, uint8_t b2, uint8_t b3, uint8_t b4)
{
	uint8_t a[4] = { 198, b2, b3, b4 };

	mnl_attr_put(nlh, type, 4, a);
}

/* An IPv4 /32 of the main table, static, unicast, of SCOPE. */
static void put_rtm(struct nlmsghdr *nlh, uint8_t scope)
{
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = 32;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = scope;
	rtm->rtm_type = RTN_UNICAST;
}

/* A flood on link DEV of the current namespace. */
static struct flood *fl_open(const char *dev)
{
	struct flood *f = calloc(1, sizeof(*f));

	if (!f)
		die("calloc", ENOMEM);
	f->ifindex = if_nametoindex(dev);
	if (!f->ifindex)
		die(dev, errno);
	f->nl = mnl_socket_open(NETLINK_ROUTE);
	if (!f->nl || mnl_socket_bind(f->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		die("netlink socket", errno);
	return f;
}

static void fl_close(struct flood *f)
{
	mnl_socket_close(f->nl);
	free(f);
}

static void flood_link(struct flood *f)
{
	struct nlmsghdr *nlh = fl_msg(f, RTM_NEWLINK, 0);
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));

	ifm->ifi_index = (int)f->ifindex;
	mnl_attr_put_u32(nlh, IFLA_MTU, f->step++ & 1 ? 1400 : 1500);
	fl_commit(f, nlh);
}

/* The next of PERIOD steps: the first half adds (ADD, created or
 * replaced), the second deletes (DEL) the same objects; *I is its index.
 */
static struct nlmsghdr *fl_add_del(struct flood *f, unsigned int period, uint16_t add,
				   uint16_t del, unsigned int *i)
{
	*i = f->step++ % period;
	if (*i < period / 2)
		return fl_msg(f, add, NLM_F_CREATE | NLM_F_REPLACE);
	*i -= period / 2;
	return fl_msg(f, del, 0);
}

static void flood_addr(struct flood *f)
{
	unsigned int i;
	struct nlmsghdr *nlh = fl_add_del(f, 512, RTM_NEWADDR, RTM_DELADDR, &i);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));

	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = 32;
	ifa->ifa_index = f->ifindex;
	put_v4(nlh, IFA_LOCAL, 18, 64, (uint8_t)i);
	put_v4(nlh, IFA_ADDRESS, 18, 64, (uint8_t)i);
	fl_commit(f, nlh);
}

static void flood_route(struct flood *f)
{
	unsigned int i;
	struct nlmsghdr *nlh = fl_add_del(f, 2048, RTM_NEWROUTE, RTM_DELROUTE, &i);

	put_rtm(nlh, RT_SCOPE_LINK);
	put_v4(nlh, RTA_DST, 19, (uint8_t)(200 + i / 256), (uint8_t)(i % 256));
	mnl_attr_put_u32(nlh, RTA_OIF, f->ifindex);
	fl_commit(f, nlh);
}

static void flood_neigh(struct flood *f)
{
	unsigned int i;
	struct nlmsghdr *nlh = fl_add_del(f, 128, RTM_NEWNEIGH, RTM_DELNEIGH, &i);
	struct ndmsg *nd = mnl_nlmsg_put_extra_header(nlh, sizeof(*nd));
	uint8_t mac[6] = { 0x02, 0, 0, 0xaa, 0, (uint8_t)i };

	nd->ndm_family = AF_INET;
	nd->ndm_ifindex = (int)f->ifindex;
	nd->ndm_state = NUD_PERMANENT;
	put_v4(nlh, NDA_DST, 18, 65, (uint8_t)i);
	if (nlh->nlmsg_type == RTM_NEWNEIGH)
		mnl_attr_put(nlh, NDA_LLADDR, sizeof(mac), mac);
	fl_commit(f, nlh);
}

/* rp_filter of DEV toggled through /proc/sys (a netconf event each). */
static unsigned long flood_netconf(const char *dev, double end)
{
	char path[128];
	unsigned long n = 0;
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/rp_filter", dev);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		die(path, errno);
	while (n % 256 || now() < end) {
		if (pwrite(fd, n & 1 ? "1" : "0", 1, 0) < 0)
			die(path, errno);
		n++;
	}
	close(fd);
	return n;
}

static int do_flood(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*one)(struct flood *f);
	} kinds[] = {
		{ "link", flood_link }, { "addr", flood_addr }, { "route", flood_route },
		{ "neigh", flood_neigh },
	};
	struct flood *f;
	double t0, secs, end, rate;
	unsigned long n;
	size_t k;
	int i;

	if (argc != 5 && argc != 6)
		return 2;
	secs = atof(argv[4]);
	rate = argc == 6 ? atof(argv[5]) : 0;
	t0 = now();
	end = t0 + secs;
	if (!strcmp(argv[2], "netconf")) {
		n = flood_netconf(argv[3], end);
		fprintf(stderr, "netconf: %lu changes in %.1f s (%.0f/s)\n", n, now() - t0,
			(double)n / (now() - t0));
		return 0;
	}
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (!strcmp(argv[2], kinds[k].name))
			break;
	if (k == sizeof(kinds) / sizeof(kinds[0]))
		return 2;
	f = fl_open(argv[3]);
	while (now() < end) {
		for (i = 0; i < (rate ? 1 : BATCH); i++)
			kinds[k].one(f);
		fl_send(f);
		if (rate)
			usleep((useconds_t)(1e6 / rate));
	}
	fprintf(stderr, "%s: %lu changes in %.1f s (%.0f/s), %lu refused\n", argv[2], f->sent,
		now() - t0, (double)f->sent / (now() - t0), f->refused);
	fl_close(f);
	return 0;
}

static int do_fill(int argc, char **argv)
{
	static char buf[8192] __attribute__((aligned(NLMSG_ALIGNTO)));	/* 250 next hops */
	struct flood *f;
	struct nlmsghdr *nlh;
	struct nlattr *mp;
	struct rtnexthop *rtnh;
	int n, nh, i, j;

	if (argc != 5)
		return 2;
	n = atoi(argv[3]);
	nh = atoi(argv[4]);
	if (n < 1 || n > 200 * 256 || nh < 1 || nh > 250)
		return 2;
	f = fl_open(argv[2]);
	for (i = 0; i < n; i++) {
		nlh = mnl_nlmsg_put_header(buf);
		nlh->nlmsg_type = RTM_NEWROUTE;
		nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE;
		put_rtm(nlh, RT_SCOPE_UNIVERSE);
		put_v4(nlh, RTA_DST, 19, (uint8_t)(i / 256), (uint8_t)(i % 256));
		mp = mnl_attr_nest_start(nlh, RTA_MULTIPATH);
		for (j = 0; j < nh; j++) {
			uint8_t gw[4] = { 198, 18, 1, (uint8_t)(2 + j) };

			rtnh = (struct rtnexthop *)((char *)nlh + nlh->nlmsg_len);
			nlh->nlmsg_len += sizeof(*rtnh);
			memset(rtnh, 0, sizeof(*rtnh));
			rtnh->rtnh_ifindex = (int)f->ifindex;
			mnl_attr_put(nlh, RTA_GATEWAY, 4, gw);
			rtnh->rtnh_len = (unsigned short)((char *)nlh + nlh->nlmsg_len - (char *)rtnh);
		}
		mnl_attr_nest_end(nlh, mp);
		if (mnl_socket_sendto(f->nl, nlh, nlh->nlmsg_len) < 0)
			die("send", errno);
		if (i % 64 == 63)
			fl_send(f);
	}
	fl_send(f);
	fprintf(stderr, "fill: %d routes of %d next hops, %lu refused\n", n, nh, f->refused);
	fl_close(f);
	return 0;
}

static int do_freeze(int argc, char **argv)
{
	pid_t tid;
	int status;

	if (argc != 4)
		return 2;
	tid = (pid_t)atoi(argv[2]);
	if (ptrace(PTRACE_SEIZE, tid, NULL, NULL) < 0)
		die("PTRACE_SEIZE", errno);
	if (ptrace(PTRACE_INTERRUPT, tid, NULL, NULL) < 0)
		die("PTRACE_INTERRUPT", errno);
	if (waitpid(tid, &status, __WALL) < 0)
		die("waitpid", errno);
	fprintf(stderr, "freeze: thread %d stopped\n", tid);
	usleep((useconds_t)(atof(argv[3]) * 1e6));
	if (ptrace(PTRACE_DETACH, tid, NULL, NULL) < 0)
		die("PTRACE_DETACH", errno);
	return 0;
}

/* ---- probe ---- */

struct probe {
	struct nl_sock *vr;		/* requests in the VR */
	struct nl_sock *host;		/* dumps of the host table */
	uint32_t ifindex, table;
	uint8_t dst[4];
};

struct seen {
	const struct probe *p;
	uint16_t type;			/* RTM_NEWROUTE or RTM_DELROUTE */
	bool found;
};

static bool is_ours(const struct probe *p, const struct nlmsghdr *nlh)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[RTA_MAX + 1];
	uint32_t table;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm) || rtm->rtm_family != AF_INET ||
	    rtm->rtm_dst_len != 32)
		return false;
	nl_attr_parse(nlh, sizeof(*rtm), tb, RTA_MAX);
	table = tb[RTA_TABLE] ? mnl_attr_get_u32(tb[RTA_TABLE]) : rtm->rtm_table;
	return table == p->table && tb[RTA_DST] && mnl_attr_get_payload_len(tb[RTA_DST]) == 4 &&
	       !memcmp(mnl_attr_get_payload(tb[RTA_DST]), p->dst, 4);
}

static int seen_cb(const struct nlmsghdr *nlh, void *data)
{
	struct seen *s = data;

	if ((nlh->nlmsg_type == RTM_NEWROUTE || nlh->nlmsg_type == RTM_DELROUTE) &&
	    is_ours(s->p, nlh))
		s->found = nlh->nlmsg_type == s->type;
	return MNL_CB_OK;
}

/* Is the route in host table p->table as TYPE wants it (a dump of that
 * table only)?
 */
static bool table_says(const struct probe *p, uint16_t type)
{
	char buf[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	struct seen s = { .p = p, .type = RTM_NEWROUTE };

	nlh->nlmsg_type = RTM_GETROUTE;
	rtm->rtm_family = AF_INET;
	mnl_attr_put_u32(nlh, RTA_TABLE, p->table);
	nl_dump(p->host, nlh, seen_cb, &s);
	return s.found == (type == RTM_NEWROUTE);
}

/* Poll the host table every POLL_US until it shows TYPE for p->dst:
 * seconds since T0, -1 after PROBE_TIMEOUT.  (Not its events: those of
 * the flooding VR's table would come first, and the probe would time
 * its own backlog.)
 */
static double wait_host(const struct probe *p, uint16_t type, double t0)
{
	while (now() - t0 < PROBE_TIMEOUT) {
		if (table_says(p, type))
			return now() - t0;
		usleep(POLL_US);
	}
	return -1;
}

static int vr_route(struct probe *p, uint16_t type)
{
	char buf[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	if (type == RTM_NEWROUTE)
		nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	put_rtm(nlh, RT_SCOPE_LINK);
	mnl_attr_put(nlh, RTA_DST, 4, p->dst);
	mnl_attr_put_u32(nlh, RTA_OIF, p->ifindex);
	return nl_request(p->vr, nlh, NULL, NULL);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int do_probe(int argc, char **argv)
{
	struct probe p = { 0 };
	int saved, err, n, i, k, lost = 0;
	double *lat, t, interval;
	uint16_t types[2] = { RTM_NEWROUTE, RTM_DELROUTE };

	if (argc != 7)
		return 2;
	p.table = (uint32_t)atoi(argv[4]);
	n = atoi(argv[5]);
	interval = atof(argv[6]) / 1e3;
	lat = calloc((size_t)n * 2, sizeof(*lat));
	err = nl_open(NETLINK_ROUTE, argv[2], 0, &p.vr);
	if (err)
		die(argv[2], -err);
	err = nl_open(NETLINK_ROUTE, NULL, NL_STRICT, &p.host);
	if (err)
		die("netlink socket", -err);
	/* The VR's ifindex of DEV: asked inside it. */
	err = netns_enter(argv[2], &saved);
	if (err)
		die(argv[2], -err);
	p.ifindex = if_nametoindex(argv[3]);
	netns_leave(saved);
	if (!p.ifindex)
		die(argv[3], ENODEV);
	for (i = 0, k = 0; i < n; i++) {
		int j;

		p.dst[0] = 198;
		p.dst[1] = 18;
		p.dst[2] = 200;
		p.dst[3] = (uint8_t)(1 + i % 250);
		for (j = 0; j < 2; j++) {
			err = vr_route(&p, types[j]);
			if (err)
				die(j ? "route del in the VR" : "route add in the VR", -err);
			t = wait_host(&p, types[j], now());
			if (t < 0) {
				lost++;
				t = PROBE_TIMEOUT;
			}
			lat[k++] = t * 1e3;
			if (getenv("PROBE_V"))
				fprintf(stderr, "%s %.3f ms\n", j ? "del" : "add", t * 1e3);
			usleep((useconds_t)(interval * 1e6));
		}
	}
	qsort(lat, (size_t)k, sizeof(*lat), cmp_double);
	printf("median %.2f ms, max %.2f ms, %d changes, %d timed out\n", lat[k / 2], lat[k - 1],
	       k, lost);
	nl_close(p.vr);
	nl_close(p.host);
	free(lat);
	return 0;
}

int main(int argc, char **argv)
{
	int rc = 2;

	if (argc > 1 && !strcmp(argv[1], "flood"))
		rc = do_flood(argc, argv);
	else if (argc > 1 && !strcmp(argv[1], "fill"))
		rc = do_fill(argc, argv);
	else if (argc > 1 && !strcmp(argv[1], "freeze"))
		rc = do_freeze(argc, argv);
	else if (argc > 1 && !strcmp(argv[1], "probe"))
		rc = do_probe(argc, argv);
	if (rc == 2)
		fprintf(stderr, "usage: follow_load flood netconf|link|addr|route|neigh DEV SECONDS [PER_SECOND]\n"
			"       follow_load fill DEV N NH\n"
			"       follow_load freeze TID SECONDS\n"
			"       follow_load probe VR_NETNS DEV TABLE N INTERVAL_MS\n");
	return rc;
}
