// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * vrctl sync --follow: one epoll loop over
 *   - each VR's event socket (routes, addresses, neighbours, links,
 *     nexthops of its namespace), applied as they come; ENOBUFS (events
 *     lost) -> a full pass of that VR;
 *   - the host's link events: a lower NIC going down takes its routes out
 *     of every table (IPv4 silently), coming up -> full pass of its VRs;
 *   - a 1 s timer and inotify on /run/netns: new VRs (vr_routers records),
 *     deleted or re-created namespaces, retries after failures;
 *   - signalfd: SIGTERM/SIGINT end it, SIGHUP -> full pass of every VR.
 * Host requests of one wake-up go out as one batch (sync_nl.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>

#include <bpf/bpf.h>
#include <linux/rtnetlink.h>

#include "sync.h"

#define NETNS_RUN_DIR	"/run/netns"
#define BATCH_SOFT_MAX	(4u << 20)	/* flush mid-drain beyond this */

enum src_kind { SRC_SIG, SRC_TIMER, SRC_INOTIFY, SRC_HOST, SRC_VR };

struct src {
	enum src_kind kind;
	struct sync_vr *vr;
};

struct hlink {
	struct hnode h;
	uint32_t ifindex;
	uint32_t flags;
};

static struct src src_sig = { .kind = SRC_SIG }, src_timer = { .kind = SRC_TIMER },
		  src_ino = { .kind = SRC_INOTIFY }, src_host = { .kind = SRC_HOST };
static const char *only_name;
static bool tick_due;

void sync_follow_only(const char *name)
{
	only_name = name;
}

static int ep_add(struct sync *s, int fd, struct src *src)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = src };

	return epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

/* ---- VRs ---- */

static void vr_detach(struct sync_vr *vr)
{
	if (vr->ev)
		epoll_ctl(vr->s->epfd, EPOLL_CTL_DEL, mnl_socket_get_fd(vr->ev), NULL);
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
	src = calloc(1, sizeof(*src));
	if (!src)
		abort();
	src->kind = SRC_VR;
	src->vr = vr;
	vr->src = src;
	err = ep_add(vr->s, mnl_socket_get_fd(vr->ev), src);
	if (err) {
		vr_detach(vr);
		return err;
	}
	return 0;
}

/* The VR's record is gone or changed: its fast-path state goes too. */
static void vr_drop(struct sync *s, struct sync_vr *vr, const char *why)
{
	pr_info("VR %s: %s: removing its routes (table %u) and neighbours from the fast path",
		vr->rec.name, why, vr->rec.table_id);
	vr_detach(vr);
	if (!vr->gone)
		sync_vr_forget(s, vr->id, vr->rec.table_id, vr->rec.name);
	s->vr[vr->id] = NULL;
	sync_vr_free(vr);
}

static bool rec_same(const struct vr_router *a, const struct vr_router *b)
{
	return !strcmp(a->name, b->name) && a->table_id == b->table_id &&
	       a->created_ns == b->created_ns;
}

static void tick_vr(struct sync *s, uint32_t id, const struct vr_router *rec, double now)
{
	struct sync_vr *vr = s->vr[id];
	dev_t dev;
	ino_t ino;
	int err;

	if (vr && !rec_same(&vr->rec, rec)) {
		vr_drop(s, vr, "its record changed");
		vr = NULL;
	}
	if (!vr) {
		vr = sync_vr_new(s, id, rec);
		if (!vr)
			return;
		s->vr[id] = vr;
		pr_info("VR %s: id %u, table %u: following", rec->name, id, rec->table_id);
	}
	err = sync_netns_id(vr->rec.name, &dev, &ino);
	if (err) {
		if (vr->nsfd >= 0)
			vr_detach(vr);
		if (!vr->gone) {
			pr_warn("VR %s: network namespace %s is gone: its routes (table %u) "
				"and neighbours are removed from the fast path",
				vr->rec.name, vr->rec.name, vr->rec.table_id);
			sync_vr_forget(s, id, vr->rec.table_id, vr->rec.name);
			vr->gone = true;
		}
		return;
	}
	if (vr->nsfd >= 0 && (dev != vr->ns_dev || ino != vr->ns_ino)) {
		pr_warn("VR %s: network namespace %s was replaced: full pass",
			vr->rec.name, vr->rec.name);
		vr_detach(vr);
	}
	if (vr->nsfd < 0) {
		if (vr->retry_at && now < vr->retry_at)
			return;
		err = vr_attach(vr);
		if (err) {
			vr->retry_at = now + vr->backoff;
			vr->backoff = vr->backoff * 2 > 60 ? 60 : vr->backoff * 2;
			return;
		}
		if (vr->gone)
			pr_info("VR %s: network namespace %s is back", vr->rec.name, vr->rec.name);
		vr->gone = false;
		vr->retry_at = 0;
	}
	if (vr->retry_at && now >= vr->retry_at)
		vr->resync = true;
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

static void tick(struct sync *s)
{
	static bool waiting_said;
	struct vr_router rec;
	char path[PATH_MAX];
	double now = sync_now();
	bool current;
	uint32_t id;
	int err;

	if (!s->maps_ok) {
		if (vr_pin_path(s->st, VR_MAP_ROUTERS, path, sizeof(path)) ||
		    access(path, F_OK)) {
			if (!waiting_said)
				pr_info("vrouter is not loaded (no %s): waiting", path);
			waiting_said = true;
			return;
		}
		if (vr_maps_open(s->st))
			return;
		s->maps_ok = true;
		waiting_said = false;
		pr_info("following the VRs of %s", s->st->pin_dir);
	}
	current = maps_current(s);
	if (s->inofd >= 0 && s->ino_wd < 0)
		s->ino_wd = inotify_add_watch(s->inofd, NETNS_RUN_DIR,
					      IN_CREATE | IN_DELETE | IN_MOVED_FROM |
					      IN_MOVED_TO | IN_DELETE_SELF);
	/* Records first, through the maps we hold: VRs deleted by an
	 * `unload --all` are forgotten before the maps are let go.
	 */
	for (id = 1; id < VR_MAX_ROUTERS; id++) {
		err = vr_router_get(s->st, id, &rec);
		if (err || rec.state != VR_STATE_READY ||
		    (only_name && strcmp(rec.name, only_name))) {
			if (s->vr[id])
				vr_drop(s, s->vr[id], err ? "its record is gone" :
					"it is being deleted");
			continue;
		}
		tick_vr(s, id, &rec, now);
	}
	if (!current) {
		pr_info("vrouter was unloaded: waiting for it");
		for (id = 1; id < VR_MAX_ROUTERS; id++) {
			if (s->vr[id]) {
				vr_detach(s->vr[id]);
				sync_vr_free(s->vr[id]);
				s->vr[id] = NULL;
			}
		}
		vr_maps_close(s->st);
		s->maps_ok = false;
	}
}

/* ---- events ---- */

static int vr_event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct sync_vr *vr = data;

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
	case RTM_NEWLINK:
	case RTM_DELLINK:
		if (sync_link_event(vr, nlh)) {
			pr_info("VR %s: a link changed: full pass", vr->rec.name);
			vr->resync = true;
		}
		break;
	}
	return MNL_CB_OK;
}

static void drain(struct sync *s, struct mnl_socket *nl, mnl_cb_t cb, void *data,
		  bool *lost)
{
	static char buf[65536];
	ssize_t n;

	for (;;) {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				*lost = true;
				continue;
			}
			if (errno != EAGAIN)
				pr_warn("netlink events: %s", strerror(errno));
			return;
		}
		mnl_cb_run(buf, n, 0, 0, cb, data);
		if (s->b.len > BATCH_SOFT_MAX)
			sync_batch_flush(s);
	}
}

static int host_link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct sync *s = data;
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	bool del = nlh->nlmsg_type == RTM_DELLINK, changed;
	uint32_t ifindex, id;
	struct hlink *l;
	struct slink *sl;
	struct hnode *cur;
	size_t pos;

	if ((nlh->nlmsg_type != RTM_NEWLINK && !del) ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifm))
		return MNL_CB_OK;
	ifindex = ifm->ifi_index;
	l = htab_find(&s->hlinks, &ifindex);
	if (del) {
		changed = l != NULL;
		if (l) {
			htab_del(&s->hlinks, &l->h);
			free(l);
		}
	} else if (!l) {
		l = calloc(1, sizeof(*l));
		if (!l)
			abort();
		l->ifindex = ifindex;
		l->flags = ifm->ifi_flags;
		htab_add(&s->hlinks, &l->h);
		changed = false;	/* new: no VR can use it yet */
	} else {
		changed = (l->flags ^ ifm->ifi_flags) & IFF_UP;
		l->flags = ifm->ifi_flags;
	}
	if (!changed)
		return MNL_CB_OK;
	for (id = 1; id < VR_MAX_ROUTERS; id++) {
		struct sync_vr *vr = s->vr[id];

		if (!vr || vr->nsfd < 0)
			continue;
		htab_for_each(&vr->links, pos, cur, sl) {
			if (sl->host_ifindex == ifindex) {
				pr_info("VR %s: NIC with ifindex %u %s: full pass", vr->rec.name,
					ifindex, del ? "deleted" :
					(ifm->ifi_flags & IFF_UP) ? "up" : "down");
				vr->resync = true;
				break;
			}
		}
	}
	return MNL_CB_OK;
}

static int host_links_dump(struct sync *s)
{
	return sync_dump_links(s, s->hdump, host_link_cb, s);
}

static void handle(struct sync *s, struct src *src, bool *resync_all)
{
	struct signalfd_siginfo si;
	struct inotify_event *ie;
	char ibuf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	uint64_t ticks;
	bool lost = false;
	ssize_t n;

	switch (src->kind) {
	case SRC_SIG:
		while (read(s->sigfd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo == SIGHUP) {
				pr_info("SIGHUP: full pass of every VR");
				*resync_all = true;
			} else {
				pr_info("%s: stopping", strsignal(si.ssi_signo));
				s->stop = true;
			}
		}
		break;
	case SRC_TIMER:
		while (read(s->timerfd, &ticks, sizeof(ticks)) == sizeof(ticks))
			;
		tick_due = true;
		break;
	case SRC_INOTIFY:
		while ((n = read(s->inofd, ibuf, sizeof(ibuf))) > 0) {
			for (ie = (struct inotify_event *)ibuf; (char *)ie < ibuf + n;
			     ie = (struct inotify_event *)((char *)ie + sizeof(*ie) + ie->len)) {
				if (ie->mask & (IN_DELETE_SELF | IN_IGNORED))
					s->ino_wd = -1;
			}
		}
		tick_due = true;
		break;
	case SRC_HOST:
		drain(s, s->hev, host_link_cb, s, &lost);
		if (lost) {
			pr_info("host link events lost: full pass of every VR");
			*resync_all = true;
		}
		break;
	case SRC_VR:
		drain(s, src->vr->ev, vr_event_cb, src->vr, &lost);
		if (lost) {
			pr_info("VR %s: netlink events lost: full pass", src->vr->rec.name);
			src->vr->resync = true;
		}
		break;
	}
}

int sync_follow(struct sync *s)
{
	static const unsigned int host_groups[] = { RTNLGRP_LINK };
	struct itimerspec its = { .it_interval = { 1, 0 }, .it_value = { 1, 0 } };
	struct epoll_event evs[64];
	sigset_t mask;
	bool resync_all;
	uint32_t id;
	int i, n, err;

	s->epfd = s->sigfd = s->timerfd = s->inofd = -1;
	s->ino_wd = -1;
	htab_init(&s->hlinks, offsetof(struct hlink, ifindex), sizeof(uint32_t));

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return -errno;
	s->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	s->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	s->inofd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (s->sigfd < 0 || s->epfd < 0 || s->timerfd < 0 || s->inofd < 0) {
		err = -errno;
		pr_err("sync --follow: cannot set up its event loop: %s", strerror(errno));
		goto out;
	}
	timerfd_settime(s->timerfd, 0, &its, NULL);
	err = sync_sock_open(s, -1, &s->hev, false);
	if (!err)
		err = sync_sock_subscribe(s->hev, host_groups, 1);
	if (!err)
		err = sync_sock_rcvbuf(s->hev, 4 << 20);
	if (!err && fcntl(mnl_socket_get_fd(s->hev), F_SETFL, O_NONBLOCK) < 0)
		err = -errno;
	if (!err)
		err = host_links_dump(s);
	if (!err)
		err = ep_add(s, s->sigfd, &src_sig);
	if (!err)
		err = ep_add(s, s->timerfd, &src_timer);
	if (!err)
		err = ep_add(s, s->inofd, &src_ino);
	if (!err)
		err = ep_add(s, mnl_socket_get_fd(s->hev), &src_host);
	if (err) {
		pr_err("sync --follow: cannot follow the host's links: %s", strerror(-err));
		goto out;
	}

	tick_due = true;
	while (!s->stop) {
		resync_all = false;
		if (tick_due) {
			tick_due = false;
			tick(s);
		}
		for (id = 1; id < VR_MAX_ROUTERS; id++) {
			struct sync_vr *vr = s->vr[id];

			if (vr && vr->nsfd >= 0 && (vr->resync || resync_all))
				sync_vr_full_pass(vr);
		}
		sync_batch_flush(s);
		n = epoll_wait(s->epfd, evs, sizeof(evs) / sizeof(evs[0]), -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			pr_err("epoll_wait: %s", strerror(errno));
			break;
		}
		for (i = 0; i < n; i++)
			handle(s, evs[i].data.ptr, &resync_all);
		sync_batch_flush(s);
		/* Changes the host refused: a full pass later (the tick). */
		for (id = 1; id < VR_MAX_ROUTERS; id++) {
			struct sync_vr *vr = s->vr[id];

			if (vr && vr->failed && !vr->retry_at) {
				vr->retry_at = sync_now() + vr->backoff;
				vr->failed = 0;
			}
		}
		if (resync_all)
			for (id = 1; id < VR_MAX_ROUTERS; id++)
				if (s->vr[id])
					s->vr[id]->resync = true;
	}
out:
	for (id = 1; id < VR_MAX_ROUTERS; id++) {
		if (s->vr[id]) {
			vr_detach(s->vr[id]);
			sync_vr_free(s->vr[id]);
			s->vr[id] = NULL;
		}
	}
	if (s->hev)
		mnl_socket_close(s->hev);
	s->hev = NULL;
	htab_fini(&s->hlinks, free);
	for (i = 0; i < 4; i++) {
		int *fd = i == 0 ? &s->sigfd : i == 1 ? &s->epfd : i == 2 ? &s->timerfd : &s->inofd;

		if (*fd >= 0)
			close(*fd);
		*fd = -1;
	}
	return s->stop ? 0 : err;
}
