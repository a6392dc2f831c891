// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The snapshot behind status, the Prometheus text and the exporter
 * (metrics.h).  Only map reads and netlink queries: no lock is taken, so
 * reading never waits for (or blocks) a command that changes the state.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>

#include <bpf/bpf.h>

#include "core/datapath.h"
#include "core/maps.h"
#include "core/metrics.h"
#include "lib/log.h"

#define HEALTH_STALE_NS	(5ULL * 1000000000ULL)	/* the follower writes every second */

uint64_t vr_realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

const char *vr_router_state_name(uint32_t s)
{
	switch (s) {
	case VR_STATE_FREE:	return "free";
	case VR_STATE_CREATING:	return "creating";
	case VR_STATE_READY:	return "ready";
	case VR_STATE_DELETING:	return "deleting";
	default:		return "unknown";
	}
}

bool vr_pid_alive(uint32_t pid)
{
	return pid && (!kill((pid_t)pid, 0) || errno == EPERM);
}

/* Keys in a hash map: walk them. */
static int count_keys(int fd, uint64_t *n)
{
	char cur[64], next[64], *prev = NULL;

	*n = 0;
	while (!bpf_map_get_next_key(fd, prev, next)) {
		memcpy(cur, next, sizeof(cur));
		prev = cur;
		(*n)++;
	}
	return errno == ENOENT ? 0 : -errno;
}

/* Bytes produced and not consumed yet: the positions on the ring's
 * first two pages (mapped read-only).
 */
static int ring_pending(int fd, uint64_t *n)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned long *cons, *prod;
	int err = 0;

	cons = mmap(NULL, (size_t)page, PROT_READ, MAP_SHARED, fd, 0);
	if (cons == MAP_FAILED)
		return -errno;
	prod = mmap(NULL, (size_t)page, PROT_READ, MAP_SHARED, fd, page);
	if (prod == MAP_FAILED)
		err = -errno;
	else
		*n = __atomic_load_n(prod, __ATOMIC_ACQUIRE) - __atomic_load_n(cons, __ATOMIC_ACQUIRE);
	if (prod != MAP_FAILED)
		munmap(prod, (size_t)page);
	munmap(cons, (size_t)page);
	return err;
}

_Static_assert(sizeof(struct vr_neigh_key) <= 64, "count_keys() buffers");

int vr_map_usage(struct vr_state *st, enum vr_map_id m, uint32_t n_vrs,
		 struct vr_metrics_map *u)
{
	const struct vr_map_desc *d = &vr_maps[m];

	u->size = d->max_entries;
	u->used = 0;
	switch (d->type) {
	case BPF_MAP_TYPE_ARRAY:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
		u->used = d->max_entries == VR_MAX_ROUTERS ? n_vrs : d->max_entries;
		u->err = 0;
		break;
	case BPF_MAP_TYPE_RINGBUF:
		u->err = ring_pending(st->fd[m], &u->used);
		break;
	default:
		u->err = count_keys(st->fd[m], &u->used);
	}
	return u->err;
}

static int read_vrs(struct vr_state *st, struct vr_metrics *m)
{
	struct vr_metrics_vr *v;
	uint32_t id = 0;
	int err;

	m->n_vr = 0;
	while (m->n_vr < VR_MAX_ROUTERS) {
		v = &m->vr[m->n_vr];
		err = vr_router_next(st, &id, &v->rec);
		if (err)
			return err == -ENOENT ? 0 : err;
		v->id = id;
		err = vr_stats_read(st, id, &v->st);
		if (err)
			return err;
		m->n_vr++;
	}
	return 0;
}

static int read_nics(struct vr_state *st, struct vr_metrics *m)
{
	struct vr_metrics_nic *n;
	uint32_t ifindex = 0;
	int err;

	m->n_nic = 0;
	while (m->n_nic < VR_MAX_IFACES && !vr_iface_next(st, &ifindex)) {
		n = &m->nic[m->n_nic++];
		n->ifindex = ifindex;
		err = vr_nic_stats_read(st, ifindex, &n->st);
		if (err)
			return err;
		if (vr_iface_xdp(ifindex, &n->prog_id, &n->mode))
			n->prog_id = 0;
		n->attached = n->prog_id && vr_prog_ours(st, n->prog_id);
	}
	return 0;
}

int vr_metrics_read(struct vr_state *st, struct vr_metrics *m)
{
	uint64_t now = vr_realtime_ns();
	unsigned int i;
	int err;

	err = read_vrs(st, m);
	if (!err)
		err = read_nics(st, m);
	if (!err)
		err = vr_health_read(st, &m->health);
	if (!err)
		err = vr_trace_ctl_read(st, &m->trace);
	if (!err)
		err = vr_trace_bkt_read(st, &m->trace_bkt);
	if (err) {
		pr_err("cannot read vrouter's maps: %s", strerror(-err));
		return err;
	}
	for (i = 0; i < VRM_COUNT; i++)
		vr_map_usage(st, (enum vr_map_id)i, (uint32_t)m->n_vr, &m->map[i]);
	m->follower_running = vr_health_running(&m->health, now);
	m->trace_running = m->trace.flags && vr_pid_alive(m->trace.owner_pid);
	return 0;
}

static int one_read(struct vr_state *st, enum vr_map_id m, void *val)
{
	uint32_t zero = 0;

	return bpf_map_lookup_elem(st->fd[m], &zero, val) ? -errno : 0;
}

static int one_write(struct vr_state *st, enum vr_map_id m, const void *val)
{
	uint32_t zero = 0;

	return bpf_map_update_elem(st->fd[m], &zero, val, BPF_ANY) ? -errno : 0;
}

int vr_health_read(struct vr_state *st, struct vr_sync_health *h)
{
	return one_read(st, VRM_HEALTH, h);
}

int vr_health_write(struct vr_state *st, const struct vr_sync_health *h)
{
	return one_write(st, VRM_HEALTH, h);
}

bool vr_health_running(const struct vr_sync_health *h, uint64_t now_ns)
{
	return h->pid && h->heartbeat_ns + HEALTH_STALE_NS > now_ns && vr_pid_alive(h->pid);
}

int vr_trace_ctl_read(struct vr_state *st, struct vr_trace_ctl *c)
{
	return one_read(st, VRM_TRACECTL, c);
}

int vr_trace_ctl_write(struct vr_state *st, const struct vr_trace_ctl *c)
{
	return one_write(st, VRM_TRACECTL, c);
}

_Static_assert(sizeof(struct vr_trace_bkt) % sizeof(__u64) == 0, "vr_trace_bkt: __u64 only");

int vr_trace_bkt_read(struct vr_state *st, struct vr_trace_bkt *sum)
{
	uint32_t zero = 0;

	return vr_percpu_sum(st->fd[VRM_TRACEBKT], &zero, (uint64_t *)sum,
			     sizeof(*sum) / sizeof(__u64));
}
