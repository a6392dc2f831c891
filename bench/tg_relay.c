// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The relay of the afxdp and afpacket backends, for kernels that refuse
 * live frames.  A veth pair made through rtnetlink:
 *
 *   [trafficgen's own netns]  feed  ==veth==  tgPID  [gN's netns]
 *   socket pushes frames ---->        XDP: the generator program,
 *                                     bpf_redirect_map into gN
 *
 * Frames pushed into `feed` arrive at tgPID as skbs; its XDP (the same
 * program as the live backend's, with `redirect` set) builds each one
 * from the template, paces by XDP_DROP, stamps it and redirects it into
 * gN, so gN's peer receives XDP frames, as from live frames.  The
 * relay's NAPI runs in a thread of its own that follows the sender (its
 * CPU, policy and priority; tg_napi.c): the sender pushes a batch (at
 * most the veth's ring, 256) and yields, the thread polls it.  Where
 * that thread cannot be made, the NAPI runs in the softirq of the
 * sender's own transmit, after each frame (slower; relay_napi=softirq).
 *
 * `feed` lives in a network namespace that only this process holds
 * (unshare, then back): when the process ends, however it ends, the
 * namespace goes, `feed` with it, and with `feed` its peer.  Normal exit
 * and SIGINT/SIGTERM delete the pair at once (tg_relay_close).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "tg.h"
#include "bench_util.h"
#include "nl/netlink.h"
#include "nl/nl.h"
#include "bench/trafficgen.skel.h"

#define FEED_NAME	"feed"
/* Pacing in user space, coarse: sleep while the program's next frame is
 * due later than PACE_SLEEP_NS, and wake PACE_EARLY_NS before it (the
 * VM's wake-up latency); the program keeps the exact schedule.
 */
#define PACE_SLEEP_NS	200000
#define PACE_EARLY_NS	100000
#define PROBE_WAIT_MS	500
#define RING		256	/* a veth's XDP ring (VETH_RING_SIZE): one push at most */

static struct {
	const struct tg_pusher *p;
	int nsfd;			/* trafficgen's own namespace, -1: none */
	char name[IFNAMSIZ];		/* the program's end, in gN's namespace */
	unsigned int ifindex;
	int made, pusher_open, threaded;
} relay = { .nsfd = -1 };

/* A namespace of our own, with IPv6 off (nothing but our frames leaves
 * `feed`); we stay where we were.  Its fd, or -errno.
 */
static int own_netns(void)
{
	int here, fd, v6, err = 0;

	here = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (here < 0)
		return -errno;
	if (unshare(CLONE_NEWNET)) {
		err = -errno;
		close(here);
		return err;
	}
	fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		err = -errno;
	/* a kernel without IPv6 has no such file: nothing to turn off */
	v6 = open("/proc/sys/net/ipv6/conf/default/disable_ipv6", O_WRONLY | O_CLOEXEC);
	if (v6 >= 0) {
		if (write(v6, "1", 1) != 1 && !err)
			err = -errno;
		close(v6);
	}
	/* cannot fail for the namespace we were in a moment ago */
	if (setns(here, CLONE_NEWNET))
		abort();
	close(here);
	if (err && fd >= 0)
		close(fd);
	return err ? err : fd;
}

/* A new end's attributes: NAME, one queue each way (one NAPI, whose CPU
 * is the sender's).
 */
static void put_end(struct nlmsghdr *nlh, const char *name)
{
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_NUM_TX_QUEUES, 1);
	mnl_attr_put_u32(nlh, IFLA_NUM_RX_QUEUES, 1);
}

/* A link request, up, into BUF (its attributes to follow). */
static struct nlmsghdr *link_up_msg(char *buf, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = flags;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_flags = ifm->ifi_change = IFF_UP;
	return nlh;
}

/* FEED_NAME up, in its namespace: not in the request that makes it (the
 * kernel opens the peer before it is joined to its other end: ENOTCONN).
 */
static int feed_up(struct tg *t, int nsfd)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nl_sock *sk;
	int err;

	err = nl_open_fd(NETLINK_ROUTE, nsfd, 0, &sk);
	if (err)
		return tg_fail(t, err, "rtnetlink in its own namespace");
	nlh = link_up_msg(buf, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, FEED_NAME);
	err = nl_request(sk, nlh, NULL, NULL);
	if (err)
		snprintf(t->why, sizeof(t->why), "%s up: %s", FEED_NAME, nl_strerror(sk, err));
	nl_close(sk);
	return err;
}

/* The veth pair: relay.name here (up), FEED_NAME in namespace NSFD.
 * 0, or -errno with t->why.
 */
static int make_pair(struct tg *t, int nsfd)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlattr *linkinfo, *data, *peer;
	struct ifinfomsg *pifm;
	struct nlmsghdr *nlh;
	struct nl_sock *sk;
	int err;

	err = nl_open(NETLINK_ROUTE, NULL, 0, &sk);
	if (err)
		return tg_fail(t, err, "rtnetlink");
	nlh = link_up_msg(buf, NLM_F_CREATE | NLM_F_EXCL);
	put_end(nlh, relay.name);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	/* the peer's ifinfomsg, then its attributes */
	pifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*pifm));
	pifm->ifi_family = AF_UNSPEC;
	put_end(nlh, FEED_NAME);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)nsfd);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
	err = nl_request(sk, nlh, NULL, NULL);
	if (err) {
		snprintf(t->why, sizeof(t->why), "relay veth %s: %s", relay.name,
			 nl_strerror(sk, err));
		nl_close(sk);
		return err;
	}
	nl_close(sk);
	relay.made = 1;
	relay.ifindex = if_nametoindex(relay.name);
	if (!relay.ifindex)
		return tg_fail(t, -ENODEV, relay.name);
	return feed_up(t, nsfd);
}

/* The pusher's socket on FEED_NAME, made inside its namespace. */
static int open_pusher(struct tg *t)
{
	unsigned int ifindex;
	int saved, err;

	err = netns_enter_fd(relay.nsfd, &saved);
	if (err)
		return tg_fail(t, err, "setns");
	ifindex = if_nametoindex(FEED_NAME);
	err = ifindex ? relay.p->open(t, ifindex) : tg_fail(t, -ENODEV, FEED_NAME);
	netns_leave(saved);
	relay.pusher_open = !err;
	return err;
}

/* Every destination device in tx_devs, the program on the relay, set to
 * redirect.
 */
static int attach(struct tg *t)
{
	unsigned int i;
	int err;

	for (i = 0; i < t->ndev; i++) {
		if (bpf_map_update_elem(bpf_map__fd(t->skel->maps.tx_devs), &i, &t->devidx[i], 0))
			return tg_fail(t, -errno, "tx_devs");
	}
	t->skel->bss->redirect = 1;
	err = bpf_xdp_attach(relay.ifindex, bpf_program__fd(t->skel->progs.trafficgen),
			     XDP_FLAGS_DRV_MODE, NULL);
	return err ? tg_fail(t, err, "XDP on the relay veth") : 0;
}

/* One frame pushed past the end time: the program must see it (and drop
 * it), or this way does not work here.
 */
static int probe(struct tg *t)
{
	struct trafficgen__bss *bss = t->skel->bss;
	int i, n, err = 0;

	bss->end_ns = 1;
	bss->call_first_ns = 0;
	n = relay.p->push(t, 1);
	if (n < 0)
		err = tg_fail(t, n, "the first frame");
	for (i = 0; !err && !bss->call_first_ns && i < PROBE_WAIT_MS; i++)
		usleep(1000);
	if (!err && !bss->call_first_ns) {
		snprintf(t->why, sizeof(t->why), "a frame pushed never reached the relay's XDP program");
		err = -ETIMEDOUT;
	}
	bss->end_ns = 0;
	bss->call_first_ns = bss->call_last_ns = 0;
	return err;
}

void tg_relay_frame(const struct tg *t, __u8 *buf)
{
	memcpy(buf, t->frame, 14);
	memset(buf + 14, 0, t->len - 14);
}

int tg_relay_open(struct tg *t)
{
	int err;

	relay.p = t->be->pusher;
	snprintf(relay.name, sizeof(relay.name), "tg%d", (int)getpid());
	relay.nsfd = own_netns();
	if (relay.nsfd < 0)
		return tg_fail(t, relay.nsfd, "a network namespace of its own");
	err = make_pair(t, relay.nsfd);
	if (!err)
		err = attach(t);
	if (!err) {
		relay.threaded = !tg_napi_thread(t, relay.name);
		snprintf(t->info, sizeof(t->info), " relay_napi=%s",
			 relay.threaded ? "thread" : "softirq");
		if (!relay.threaded)
			fprintf(stderr, "trafficgen: %s; the relay's NAPI stays in softirq\n", t->why);
	}
	if (!err)
		err = open_pusher(t);
	if (!err)
		err = probe(t);
	if (err)
		tg_relay_close(t);
	return err;
}

/* Sleep while the next frame is far ahead (pacing at a low rate need not
 * spin a core), not past the end.
 */
static void pace_wait(struct tg *t, __u64 now, __u64 t_end)
{
	const struct trafficgen__bss *bss = t->skel->bss;
	struct timespec ts;
	__u64 next;

	if (!t->skel->rodata->interval_fp || !bss->start_ns)
		return;
	next = bss->start_ns + (bss->next_fp >> 16);
	if (next < now + PACE_SLEEP_NS)
		return;
	next -= PACE_EARLY_NS;
	if (t_end && next > t_end)
		next = t_end;
	ts.tv_sec = next / 1000000000;
	ts.tv_nsec = next % 1000000000;
	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

/* One batch into the relay (at most its ring): frames pushed, -errno. */
static int push_batch(struct tg *t)
{
	unsigned int want = t->o.batch < RING ? t->o.batch : RING, done = 0;
	int n;

	do {
		n = relay.p->push(t, want - done);
		if (n < 0)
			return n;
		t->calls++;
		done += n;
	} while (n && done < want);
	return done;
}

int tg_relay_run(struct tg *t)
{
	const struct trafficgen__bss *bss = t->skel->bss;
	__u64 t_end = bss->end_ns, now;
	int n;

	while (!tg_stop) {
		now = bench_mono_ns();
		if ((t_end && now >= t_end) || (bss->limit && bss->sent >= bss->limit))
			break;
		pace_wait(t, now, t_end);
		n = push_batch(t);
		if (n < 0) {
			fprintf(stderr, "trafficgen: %s: push: %s\n", t->be->name, strerror(-n));
			return 1;
		}
		t->iters += n;
		/* the relay's thread, same CPU and priority, polls the batch */
		if (relay.threaded)
			sched_yield();
	}
	return 0;
}

void tg_relay_close(struct tg *t)
{
	t->skel->bss->redirect = 0;	/* XDP_TX again, should live frames run next */
	if (relay.pusher_open)
		relay.p->close(t);
	relay.pusher_open = 0;
	if (relay.made)
		nl_link_del(NULL, relay.name);	/* its peer goes with it */
	relay.made = 0;
	if (relay.nsfd >= 0)
		close(relay.nsfd);
	relay.nsfd = -1;
}
