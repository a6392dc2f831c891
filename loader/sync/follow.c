// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * vrctl sync --follow: one epoll loop over
 *   - each VR's event socket (routes, addresses, neighbours, links,
 *     nexthops of its namespace), applied as they come, at most
 *     EV_BUDGET datagrams of one VR per round; what needs more than the
 *     event's own change (settings read again, a full pass after ENOBUFS,
 *     ...) is marked and served fairly by serve.c;
 *   - the host's link events: a lower NIC going down takes its routes out
 *     of every table (IPv4 silently), coming up -> full pass of its VRs;
 *   - a 1 s timer and inotify on /run/netns: new VRs (vr_routers records),
 *     deleted or re-created namespaces, retries after failures;
 *   - signalfd: SIGTERM/SIGINT end it, SIGHUP -> full pass of every VR.
 * Under systemd (Type=notify) it says READY=1 after the first round, that
 * is after the first full pass of every VR there is (or while vrouter is
 * not loaded: waiting is its steady state then), keeps a STATUS= line,
 * and tells notify.c's watchdog thread it is alive each round and each
 * time it yields (at least every second: the timer).
 * Host requests of one wake-up go out as one batch (batch.c).  All its
 * state is in struct follower, reached from the sync context (s->fw).
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>

#include <bpf/bpf.h>
#include <linux/rtnetlink.h>

#include "lib/notify.h"
#include "nl/netlink.h"
#include "core/metrics.h"
#include "core/migrate.h"
#include "core/router.h"
#include "sync.h"

#define BATCH_SOFT_MAX	(4u << 20)	/* flush mid-drain beyond this */
#define HOST_EV_RCVBUF	(4 << 20)
/* What one VR's events may take of a round: EV_BUDGET datagrams (an
 * event is a datagram) and EV_SLICE seconds, whichever comes first, the
 * host's work on their requests included (sent every EV_FLUSH requests).
 * A flooding VR's next events wait for the next round; the other VRs'
 * events do not wait for them.
 */
#define EV_BUDGET	64
#define EV_SLICE	0.0005
#define EV_FLUSH	16
/* A VR's deferred work (a long dump) lets the others' events in after
 * this long (sync_follow_yield()).
 */
#define YIELD_SLICE	0.002

enum src_kind { SRC_SIG, SRC_TIMER, SRC_INOTIFY, SRC_HOST, SRC_VR };

struct src {
	enum src_kind kind;
	struct sync_vr *vr;
	bool heavy;			/* its events outlasted the last budget */
};

struct hlink {
	struct hnode h;
	uint32_t ifindex;
	uint32_t flags;
};

struct follower {
	struct sync *s;
	const char *only_name;		/* follow only this VR (NULL: all) */
	int epfd, sigfd, timerfd, inofd, ino_wd;
	struct nl_sock *hev;		/* host link events */
	struct htab hlinks;		/* host links: ifindex -> flags */
	struct src src_sig, src_timer, src_ino, src_host;
	bool maps_ok;			/* the maps are open */
	bool waiting_said;		/* "not loaded: waiting" printed */
	bool tick_due;
	bool resync_all;		/* this round: a full pass of every VR */
	bool resync_now;		/* ... at once (SIGHUP) */
	bool stop;
	bool yielding;			/* in sync_follow_yield() */
	double served_at;		/* events last served */
	struct batch yield_b;		/* their requests while a VR's work waits */
	struct vr_sync_health health;	/* published in vr_sync_health each round */
};

static int ep_add(struct follower *fw, int fd, struct src *src)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = src };

	return epoll_ctl(fw->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

/* ---- VRs ---- */

static void vr_detach(struct sync_vr *vr)
{
	if (vr->ev)
		epoll_ctl(vr->s->fw->epfd, EPOLL_CTL_DEL, nl_fd(vr->ev), NULL);
	free(vr->src);
	vr->src = NULL;
	sync_vr_detach(vr);
}

static int vr_attach(struct sync_vr *vr)
{
	struct src *src;
	int err;

	err = sync_vr_attach(vr);
	if (err)
		return err;
	sync_dirty(vr, SYNC_DIRTY_FULL);
	src = calloc(1, sizeof(*src));
	if (!src)
		abort();
	src->kind = SRC_VR;
	src->vr = vr;
	vr->src = src;
	err = ep_add(vr->s->fw, nl_fd(vr->ev), src);
	if (err) {
		vr_detach(vr);
		return err;
	}
	return 0;
}

static void vr_release(struct sync *s, uint32_t id)
{
	if (!s->vr[id])
		return;
	sync_serve_forget(s, id);
	vr_detach(s->vr[id]);
	sync_vr_free(s->vr[id]);
	s->vr[id] = NULL;
}

/* The VR's record is gone or changed: its fast-path state goes too. */
static void vr_drop(struct sync *s, struct sync_vr *vr, const char *why)
{
	pr_info("VR %s: %s: removing its routes (table %u) and neighbours from the fast path",
		vr->rec.name, why, vr->rec.table_id);
	vr_detach(vr);
	sync_serve_forget(s, vr->id);
	if (!vr->gone)
		vr_router_forget(s->st, vr->id, &vr->rec);
	s->vr[vr->id] = NULL;
	sync_vr_free(vr);
}

static bool rec_same(const struct vr_router *a, const struct vr_router *b)
{
	return !strcmp(a->name, b->name) && a->table_id == b->table_id &&
	       a->created_ns == b->created_ns;
}

/* The VR's namespace is missing: reported once, its state removed. */
static void vr_ns_gone(struct sync *s, struct sync_vr *vr)
{
	if (vr->nsfd >= 0)
		vr_detach(vr);
	if (vr->gone)
		return;
	pr_warn("VR %s: network namespace %s is gone: its routes (table %u) "
		"and neighbours are removed from the fast path",
		vr->rec.name, vr->rec.name, vr->rec.table_id);
	vr_router_forget(s->st, vr->id, &vr->rec);
	vr->gone = true;
}

/* Attached to the namespace now at /run/netns/NAME (DEV, INO), or later. */
static void vr_ns_check(struct sync_vr *vr, dev_t dev, ino_t ino, double now)
{
	if (vr->nsfd >= 0 && (dev != vr->ns_dev || ino != vr->ns_ino)) {
		pr_warn("VR %s: network namespace %s was replaced: full pass",
			vr->rec.name, vr->rec.name);
		vr_detach(vr);
	}
	if (vr->nsfd < 0) {
		if (vr->retry_at && now < vr->retry_at)
			return;
		if (vr_attach(vr)) {
			sync_vr_backoff(vr, now);
			return;
		}
		if (vr->gone)
			pr_info("VR %s: network namespace %s is back", vr->rec.name, vr->rec.name);
		vr->gone = false;
		vr->retry_at = 0;
	}
	if (vr->retry_at && now >= vr->retry_at)
		sync_dirty(vr, SYNC_DIRTY_FULL);
}

static void tick_vr(struct sync *s, uint32_t id, const struct vr_router *rec, double now)
{
	struct sync_vr *vr = s->vr[id];
	dev_t dev;
	ino_t ino;

	if (vr && !rec_same(&vr->rec, rec)) {
		vr_drop(s, vr, "its record changed");
		vr = NULL;
	}
	if (vr && (vr->rec.quota_neigh != rec->quota_neigh ||
		   vr->rec.quota_routes != rec->quota_routes)) {
		pr_info("VR %s: its quotas changed: full pass", rec->name);
		vr->rec = *rec;
		sync_dirty(vr, SYNC_DIRTY_FULL);
	}
	if (!vr) {
		vr = sync_vr_new(s, id, rec);
		if (!vr)
			return;
		s->vr[id] = vr;
		pr_info("VR %s: id %u, table %u: following", rec->name, id, rec->table_id);
	}
	if (netns_stat(vr->rec.name, &dev, &ino))
		vr_ns_gone(s, vr);
	else
		vr_ns_check(vr, dev, ino, now);
}

/* Are the pinned maps still the ones we hold? */
static bool maps_current(struct sync *s)
{
	struct bpf_map_info a = { 0 }, b = { 0 };
	__u32 la = sizeof(a), lb = sizeof(b);
	char path[PATH_MAX];
	bool same;
	int fd;

	if (vr_pin_path(s->st, VR_MAP_ROUTERS, path, sizeof(path)))
		return false;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return false;
	same = !bpf_obj_get_info_by_fd(fd, &a, &la) &&
	       !bpf_obj_get_info_by_fd(s->st->fd[VRM_ROUTERS], &b, &lb) && a.id == b.id;
	close(fd);
	return same;
}

/* Open the maps once vrouter is loaded: false while it is not. */
static bool maps_ready(struct follower *fw)
{
	struct vr_state *st = fw->s->st;
	char path[PATH_MAX];
	unsigned int abi;

	if (fw->maps_ok)
		return true;
	if (vr_pin_path(st, VR_MAP_ROUTERS, path, sizeof(path)) || access(path, F_OK)) {
		if (!fw->waiting_said)
			pr_info("vrouter is not loaded (no %s): waiting", path);
		fw->waiting_said = true;
		return false;
	}
	/* An older layout: said once, then wait for `vrctl upgrade`. */
	if (!vr_abi_pinned(st, &abi) && abi != VR_ABI_VERSION) {
		if (!fw->waiting_said)
			pr_warn("pinned maps are ABI %u, this vrctl is ABI %u: waiting for "
				"`vrctl upgrade`", abi, VR_ABI_VERSION);
		fw->waiting_said = true;
		return false;
	}
	/* Loaded in another network namespace: said once, then wait. */
	if (vr_netns_check(st, fw->waiting_said)) {
		fw->waiting_said = true;
		return false;
	}
	if (vr_maps_open(st))
		return false;
	fw->maps_ok = true;
	fw->waiting_said = false;
	pr_info("following the VRs of %s", st->pin_dir);
	return true;
}

static void tick(struct follower *fw)
{
	struct sync *s = fw->s;
	struct vr_router rec;
	double now = sync_now();
	bool current;
	uint32_t id;
	int err;

	if (!maps_ready(fw))
		return;
	current = maps_current(s);
	if (fw->inofd >= 0 && fw->ino_wd < 0)
		fw->ino_wd = inotify_add_watch(fw->inofd, NETNS_RUN_DIR,
					       IN_CREATE | IN_DELETE | IN_MOVED_FROM |
					       IN_MOVED_TO | IN_DELETE_SELF);
	/* Records first, through the maps we hold: VRs deleted by an
	 * `unload --all` are forgotten before the maps are let go.
	 */
	for (id = 1; id < VR_MAX_ROUTERS; id++) {
		err = vr_router_get(s->st, id, &rec);
		if (err || rec.state != VR_STATE_READY ||
		    (fw->only_name && strcmp(rec.name, fw->only_name))) {
			if (s->vr[id])
				vr_drop(s, s->vr[id], err ? "its record is gone" :
					"it is being deleted");
			continue;
		}
		tick_vr(s, id, &rec, now);
	}
	if (!current) {
		pr_info("the pinned maps changed (unload or upgrade): reopening them");
		for (id = 1; id < VR_MAX_ROUTERS; id++)
			vr_release(s, id);
		vr_maps_close(s->st);
		fw->maps_ok = false;
	}
}

/* ---- events ---- */

static int vr_event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct sync_vr *vr = data;

	vr->s->fw->health.events++;
	switch (nlh->nlmsg_type) {
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
		sync_route_event(vr, nlh);
		break;
	case RTM_NEWADDR:
	case RTM_DELADDR:
		sync_addr_event(vr, nlh);
		break;
	case RTM_NEWNEIGH:
	case RTM_DELNEIGH:
		sync_neigh_event(vr, nlh);
		break;
	case RTM_NEWNEXTHOP:
	case RTM_DELNEXTHOP:
		sync_nh_event(vr, nlh);
		break;
	case RTM_NEWNETCONF:
		sync_dirty(vr, SYNC_DIRTY_SETTINGS);	/* rp_filter (or another conf) */
		break;
	case RTM_NEWRULE:
	case RTM_DELRULE:
		sync_dirty(vr, SYNC_DIRTY_RULES);
		break;
	case RTM_NEWLINK:
	case RTM_DELLINK:
		if (sync_link_event(vr, nlh) && sync_dirty(vr, SYNC_DIRTY_FULL))
			pr_info("VR %s: a link changed: full pass", vr->rec.name);
		break;
	}
	return MNL_CB_OK;
}

/* The events queued on SK, through CB, up to EV_BUDGET datagrams and
 * EV_SLICE if BUDGETED (else all); *LOST if some were dropped.  True if
 * the budget ran out first.
 */
static bool drain(struct sync *s, struct nl_sock *sk, mnl_cb_t cb, void *data, bool *lost,
		  bool budgeted)
{
	char buf[NL_RECV_SIZE] __attribute__((aligned(NLMSG_ALIGNTO)));
	double end = sync_now() + EV_SLICE;
	unsigned int got = 0;
	ssize_t n;

	while (!budgeted || (got++ < EV_BUDGET && sync_now() < end)) {
		n = nl_recv(sk, buf, sizeof(buf));
		if (n == -ENOBUFS) {
			*lost = true;
			continue;
		}
		if (n < 0) {
			if (n != -EAGAIN)
				pr_warn("netlink events: %s", strerror((int)-n));
			return false;
		}
		mnl_cb_run(buf, n, 0, 0, cb, data);
		if (s->b.len > BATCH_SOFT_MAX || (budgeted && s->b.n >= EV_FLUSH))
			sync_batch_flush(s);
	}
	return true;
}

/* Host link IFINDEX: NLH says it is new, changed or gone; true if its
 * VRs must see it (deleted, or up/down changed).
 */
static bool hlink_update(struct follower *fw, const struct nlmsghdr *nlh,
			 const struct ifinfomsg *ifm)
{
	uint32_t ifindex = ifm->ifi_index;
	struct hlink *l = htab_find(&fw->hlinks, &ifindex);
	bool changed;

	if (nlh->nlmsg_type == RTM_DELLINK) {
		if (!l)
			return false;
		htab_del(&fw->hlinks, &l->h);
		free(l);
		return true;
	}
	if (!l) {
		l = calloc(1, sizeof(*l));
		if (!l)
			abort();
		l->ifindex = ifindex;
		l->flags = ifm->ifi_flags;
		htab_add(&fw->hlinks, &l->h);
		return false;	/* new: no VR can use it yet */
	}
	/* Admin state and carrier: the kernel drops a NIC's next hops on
	 * either (a VR's nexthop objects on its macvlan too, silently).
	 */
	changed = (l->flags ^ ifm->ifi_flags) & (IFF_UP | SYNC_IFF_LOWER_UP);
	l->flags = ifm->ifi_flags;
	return changed;
}

static int host_link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct follower *fw = data;
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	bool del = nlh->nlmsg_type == RTM_DELLINK;
	struct slink *sl;
	struct hnode *cur;
	size_t pos;
	uint32_t id;

	if ((nlh->nlmsg_type != RTM_NEWLINK && !del) ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifm) || !hlink_update(fw, nlh, ifm))
		return MNL_CB_OK;
	for (id = 1; id < VR_MAX_ROUTERS; id++) {
		struct sync_vr *vr = fw->s->vr[id];

		if (!vr || vr->nsfd < 0)
			continue;
		htab_for_each(&vr->links, pos, cur, sl) {
			if (sl->host_ifindex == (uint32_t)ifm->ifi_index) {
				pr_info("VR %s: NIC with ifindex %u %s: full pass", vr->rec.name,
					(uint32_t)ifm->ifi_index, del ? "deleted" :
					!(ifm->ifi_flags & IFF_UP) ? "down" :
					(ifm->ifi_flags & SYNC_IFF_LOWER_UP) ? "up" : "without carrier");
				sync_dirty_now(vr, SYNC_DIRTY_FULL);	/* not the tenant's */
				if (!del && (ifm->ifi_flags & IFF_UP))
					vr->carrier_passes = SYNC_CARRIER_PASSES;
				break;
			}
		}
	}
	return MNL_CB_OK;
}

static void handle_signals(struct follower *fw)
{
	struct signalfd_siginfo si;

	while (read(fw->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			pr_info("SIGHUP: full pass of every VR");
			fw->resync_now = true;
		} else {
			pr_info("%s: stopping", strsignal(si.ssi_signo));
			fw->stop = true;
		}
	}
}

static void handle_inotify(struct follower *fw)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	struct inotify_event *ie;
	ssize_t n;

	while ((n = read(fw->inofd, buf, sizeof(buf))) > 0) {
		for (ie = (struct inotify_event *)buf; (char *)ie < buf + n;
		     ie = (struct inotify_event *)((char *)ie + sizeof(*ie) + ie->len)) {
			if (ie->mask & (IN_DELETE_SELF | IN_IGNORED))
				fw->ino_wd = -1;
		}
	}
	fw->tick_due = true;
}

static void handle(struct follower *fw, struct src *src)
{
	uint64_t ticks;
	bool lost = false;

	switch (src->kind) {
	case SRC_SIG:
		handle_signals(fw);
		break;
	case SRC_TIMER:
		while (read(fw->timerfd, &ticks, sizeof(ticks)) == sizeof(ticks))
			;
		fw->tick_due = true;
		break;
	case SRC_INOTIFY:
		handle_inotify(fw);
		break;
	case SRC_HOST:
		drain(fw->s, fw->hev, host_link_cb, fw, &lost, false);
		if (lost) {
			pr_info("host link events lost: full pass of every VR");
			fw->resync_all = true;
		}
		break;
	case SRC_VR:
		/* Its deferred work runs (sync_follow_yield()): its events wait. */
		if (src->vr == fw->s->busy)
			break;
		src->heavy = drain(fw->s, src->vr->ev, vr_event_cb, src->vr, &lost, true);
		if (lost && sync_dirty(src->vr, SYNC_DIRTY_FULL))
			pr_info("VR %s: netlink events lost: full pass", src->vr->rec.name);
		break;
	}
}

/* ---- the loop ---- */

/* Signals, epoll, the 1 s timer and inotify. */
static int fw_open_fds(struct follower *fw)
{
	struct itimerspec its = { .it_interval = { 1, 0 }, .it_value = { 1, 0 } };
	sigset_t mask;
	int err;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return -errno;
	fw->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	fw->epfd = epoll_create1(EPOLL_CLOEXEC);
	fw->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	fw->inofd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (fw->sigfd < 0 || fw->epfd < 0 || fw->timerfd < 0 || fw->inofd < 0) {
		err = -errno;
		pr_err("sync --follow: cannot set up its event loop: %s", strerror(-err));
		return err;
	}
	timerfd_settime(fw->timerfd, 0, &its, NULL);
	return 0;
}

/* The host's link events, subscribed before the dump of its links. */
static int fw_open_host(struct follower *fw)
{
	static const unsigned int host_groups[] = { RTNLGRP_LINK };
	int err;

	err = nl_open_fd(NETLINK_ROUTE, -1, NL_NONBLOCK, &fw->hev);
	if (!err)
		err = nl_subscribe(fw->hev, host_groups, 1);
	if (!err)
		err = nl_rcvbuf(fw->hev, HOST_EV_RCVBUF);
	if (!err)
		err = nl_link_dump(fw->s->hdump, host_link_cb, fw);
	if (!err)
		err = ep_add(fw, fw->sigfd, &fw->src_sig);
	if (!err)
		err = ep_add(fw, fw->timerfd, &fw->src_timer);
	if (!err)
		err = ep_add(fw, fw->inofd, &fw->src_ino);
	if (!err)
		err = ep_add(fw, nl_fd(fw->hev), &fw->src_host);
	if (err)
		pr_err("sync --follow: cannot follow the host's links: %s", strerror(-err));
	return err;
}

static void fw_close(struct follower *fw)
{
	int *fds[] = { &fw->sigfd, &fw->epfd, &fw->timerfd, &fw->inofd };
	uint32_t id;
	size_t i;

	for (id = 1; id < VR_MAX_ROUTERS; id++)
		vr_release(fw->s, id);
	nl_close(fw->hev);
	fw->hev = NULL;
	htab_fini(&fw->hlinks, free);
	for (i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

/* After a round's events: retries of what the host refused (the tick
 * makes the full pass then), and SIGHUP's or lost events' full passes.
 */
static void fw_schedule(struct follower *fw)
{
	struct sync *s = fw->s;
	uint32_t id;

	for (id = 1; id < VR_MAX_ROUTERS; id++) {
		struct sync_vr *vr = s->vr[id];

		if (!vr)
			continue;
		if (vr->failed && !vr->retry_at) {
			fw->health.errors += vr->failed;
			vr->retry_at = sync_now() + vr->backoff;
			vr->failed = 0;
		}
		if (fw->resync_now)
			sync_dirty_now(vr, SYNC_DIRTY_FULL);
		else if (fw->resync_all)
			sync_dirty(vr, SYNC_DIRTY_FULL);
	}
}

/* The follower's health for status and the exporter (pid 0: stopped). */
static void fw_health(struct follower *fw, bool running)
{
	fw->health.pid = running ? (uint32_t)getpid() : 0;
	fw->health.heartbeat_ns = vr_realtime_ns();
	if (!fw->health.started_ns)
		fw->health.started_ns = fw->health.heartbeat_ns;
	if (fw->maps_ok)
		vr_health_write(fw->s->st, &fw->health);
}

/* Readiness after the first round, the status line, the watchdog. */
static void fw_notify(struct follower *fw)
{
	unsigned int n = 0;
	uint32_t id;

	notify_alive();
	if (!fw->maps_ok) {
		notify_ready("waiting for vrouter to be loaded (%s)", fw->s->st->pin_dir);
		return;
	}
	for (id = 1; id < VR_MAX_ROUTERS; id++)
		n += fw->s->vr[id] && fw->s->vr[id]->nsfd >= 0;
	notify_ready("following %u VRs of %s: %llu full passes, %llu errors", n,
		     fw->s->st->pin_dir, (unsigned long long)fw->health.full_passes,
		     (unsigned long long)fw->health.errors);
}

/* Wait up to WAIT_MS for events and apply them (-errno: epoll failed). */
static int fw_events(struct follower *fw, int wait_ms)
{
	struct epoll_event evs[64];
	int i, n;

	n = epoll_wait(fw->epfd, evs, sizeof(evs) / sizeof(evs[0]), wait_ms);
	if (n < 0) {
		if (errno == EINTR)
			return 0;
		n = -errno;
		pr_err("epoll_wait: %s", strerror(-n));
		return n;
	}
	/* The sources within their budget last time first, and their
	 * requests sent: a flooding VR's events wait for theirs, not the
	 * other way round.
	 */
	for (i = 0; i < n; i++)
		if (!((struct src *)evs[i].data.ptr)->heavy)
			handle(fw, evs[i].data.ptr);
	sync_batch_flush(fw->s);
	for (i = 0; i < n; i++)
		if (((struct src *)evs[i].data.ptr)->heavy)
			handle(fw, evs[i].data.ptr);
	sync_batch_flush(fw->s);
	fw->served_at = sync_now();
	return 0;
}

/*
 * A VR's deferred work has run for YIELD_SLICE: the other VRs' events now
 * (not its own: they wait in its socket), with a batch of their own (the
 * VR's queued requests stay for its pass to send); nothing else (no tick:
 * it could free the VR).
 */
void sync_follow_yield(struct sync *s)
{
	struct follower *fw = s->fw;
	struct batch held;
	double cpu0;

	if (!fw || fw->yielding || sync_now() - fw->served_at < YIELD_SLICE)
		return;
	fw->yielding = true;
	cpu0 = sync_cpu_now();
	notify_alive();
	held = s->b;
	s->b = fw->yield_b;
	fw_events(fw, 0);
	fw->yield_b = s->b;
	s->b = held;
	s->yield_cpu += sync_cpu_now() - cpu0;
	fw->yielding = false;
}

/* Between the datagrams of every dump: yield if a VR's work is running. */
static void dump_hook(void *arg)
{
	struct sync *s = arg;

	if (s->busy)
		sync_follow_yield(s);
}

/* One round: due work, then wait for events and apply them. */
static int fw_round(struct follower *fw)
{
	struct sync *s = fw->s;
	struct sync_served done = { 0 };
	int err;

	fw->resync_all = fw->resync_now = false;
	if (fw->tick_due) {
		fw->tick_due = false;
		tick(fw);
	}
	sync_serve_round(s, &done);
	sync_batch_flush(s);
	sync_follow_report(s);	/* -j: a line per full pass */
	fw->health.full_passes += done.passes;
	fw->health.errors += done.failed;
	if (done.passes && !done.failed)
		fw->health.last_full_pass_ns = vr_realtime_ns();
	fw_health(fw, true);
	fw_notify(fw);
	err = fw_events(fw, sync_serve_wait_ms(s));
	if (!err)
		fw_schedule(fw);
	return err;
}

/* Descriptors the follower holds per VR: its namespace, a request and an
 * event socket; and besides the VRs: epoll, signals, timer, inotify, the
 * host's sockets, libbpf's map fds.
 */
#define FDS_PER_VR	3
#define FDS_BASE	64

/*
 * Following every VR needs more descriptors than a service's usual soft
 * limit (1024 under systemd): raise it to the hard limit, and say when
 * even that cannot follow VR_MAX_ROUTERS VRs.
 */
static void raise_nofile(void)
{
	rlim_t need = (rlim_t)FDS_PER_VR * VR_MAX_ROUTERS + FDS_BASE;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return;
	if (rl.rlim_cur < rl.rlim_max && rl.rlim_cur < need) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			pr_warn("cannot raise the open files limit: %s", strerror(errno));
		else
			pr_info("open files limit raised to %llu",
				(unsigned long long)rl.rlim_cur);
	}
	if (rl.rlim_cur < need)
		pr_warn("open files limited to %llu: enough for %llu VRs, not all %d "
			"(raise the hard limit, e.g. LimitNOFILE=%llu)",
			(unsigned long long)rl.rlim_cur,
			(unsigned long long)(rl.rlim_cur > FDS_BASE ?
					     (rl.rlim_cur - FDS_BASE) / FDS_PER_VR : 0),
			VR_MAX_ROUTERS - 1, (unsigned long long)need);
}

int sync_follow(struct sync *s, const char *only_name)
{
	struct follower fw = {
		.s = s, .only_name = only_name,
		.epfd = -1, .sigfd = -1, .timerfd = -1, .inofd = -1, .ino_wd = -1,
		.src_sig = { .kind = SRC_SIG }, .src_timer = { .kind = SRC_TIMER },
		.src_ino = { .kind = SRC_INOTIFY }, .src_host = { .kind = SRC_HOST },
		.tick_due = true,
	};
	int err;

	raise_nofile();
	htab_init(&fw.hlinks, offsetof(struct hlink, ifindex), sizeof(uint32_t));
	s->fw = &fw;
	err = sync_serve_init(s);
	if (!err)
		err = fw_open_fds(&fw);
	if (!err)
		err = fw_open_host(&fw);
	if (!err)
		err = notify_watchdog_start();
	nl_dump_hook(dump_hook, s);
	while (!err && !fw.stop)
		err = fw_round(&fw);
	nl_dump_hook(NULL, NULL);
	notify_stopping();
	fw_health(&fw, false);
	fw_close(&fw);
	sync_serve_fini(s);
	sync_batch_free(&fw.yield_b);
	s->fw = NULL;
	return fw.stop ? 0 : err;
}
