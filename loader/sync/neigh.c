// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Neighbours: the VR's resolved neighbours into vr_neigh, keyed by the
 * lower NIC of the macvlan they were resolved on.  REACHABLE, STALE,
 * DELAY, PROBE and PERMANENT entries are mirrored (the kernel keeps using
 * a STALE entry's address while it re-checks it); FAILED, INCOMPLETE,
 * NOARP and deleted ones are removed.  A full pass makes vr_neigh's
 * entries of the VR exactly the wanted set (entries added by hand with
 * `vrctl neigh` included), as far as the VR's neighbour quota goes: the
 * ones beyond it stay out (their traffic is no_neigh: the slow path),
 * reported once per change of state, and are written when room frees
 * (an entry of the VR deleted, or of any VR when vr_neigh was full).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <bpf/bpf.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "core/maps.h"
#include "core/quota.h"
#include "sync.h"

#define NUD_MIRRORED (NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT)

struct neigh_msg {
	int family;
	uint32_t ifindex;
	uint16_t state;
	uint8_t flags;
	bool has_dst, has_ll;
	uint8_t dst[16];
	uint8_t ll[VR_ETH_ALEN];
};

struct sneigh {
	struct hnode h;
	struct vr_neigh_key key;
	struct vr_neigh_val val;
	bool done;
};

static int parse_neigh(const struct nlmsghdr *nlh, struct neigh_msg *m)
{
	const struct ndmsg *ndm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[NDA_MAX + 1];

	memset(m, 0, sizeof(*m));
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ndm))
		return -EINVAL;
	if (ndm->ndm_family != AF_INET && ndm->ndm_family != AF_INET6)
		return -EAFNOSUPPORT;
	if (ndm->ndm_flags & NTF_PROXY)
		return -EINVAL;
	m->family = ndm->ndm_family;
	m->ifindex = ndm->ndm_ifindex;
	m->state = ndm->ndm_state;
	m->flags = ndm->ndm_flags;
	nl_attr_parse(nlh, sizeof(*ndm), tb, NDA_MAX);
	if (tb[NDA_LLADDR] && mnl_attr_get_payload_len(tb[NDA_LLADDR]) == VR_ETH_ALEN) {
		memcpy(m->ll, mnl_attr_get_payload(tb[NDA_LLADDR]), VR_ETH_ALEN);
		m->has_ll = true;
	}
	if (!tb[NDA_DST] ||
	    mnl_attr_get_payload_len(tb[NDA_DST]) != (m->family == AF_INET ? 4u : 16u))
		return -EINVAL;
	memcpy(m->dst, mnl_attr_get_payload(tb[NDA_DST]), mnl_attr_get_payload_len(tb[NDA_DST]));
	m->has_dst = true;
	return 0;
}

static bool neigh_key(struct sync_vr *vr, const struct neigh_msg *m, struct vr_neigh_key *k)
{
	uint32_t host = sync_link_host(vr, m->ifindex);

	if (!host)
		return false;
	memset(k, 0, sizeof(*k));
	k->vr_id = vr->id;
	k->ifindex = host;
	k->family = m->family == AF_INET ? VR_AF_INET : VR_AF_INET6;
	memcpy(k->addr, m->dst, m->family == AF_INET ? 4 : 16);
	return true;
}

static bool mirrored(const struct neigh_msg *m)
{
	return (m->state & NUD_MIRRORED) && m->has_ll;
}

static const char *state_name(uint16_t s)
{
	if (s & NUD_PERMANENT) return "PERMANENT";
	if (s & NUD_REACHABLE) return "REACHABLE";
	if (s & NUD_STALE) return "STALE";
	if (s & NUD_DELAY) return "DELAY";
	if (s & NUD_PROBE) return "PROBE";
	if (s & NUD_FAILED) return "FAILED";
	if (s & NUD_INCOMPLETE) return "INCOMPLETE";
	if (s & NUD_NOARP) return "NOARP";
	return "NONE";
}

static void log_neigh(struct sync_vr *vr, const struct vr_neigh_key *k,
		      const struct vr_neigh_val *v, const char *what, int level)
{
	char a[INET6_ADDRSTRLEN], dev[IF_NAMESIZE];
	int fam = k->family == VR_AF_INET ? AF_INET : AF_INET6;

	if (log_verbose() < level)
		return;
	sync_addr_str(fam, k->addr, a, sizeof(a));
	sync_ifname(k->ifindex, dev);
	if (v)
		(level <= 1 ? pr_info : pr_debug)(
			"VR %s: neigh %s dev %s lladdr %02x:%02x:%02x:%02x:%02x:%02x %s",
			vr->rec.name, a, dev, v->mac[0], v->mac[1], v->mac[2],
			v->mac[3], v->mac[4], v->mac[5], what);
	else
		(level <= 1 ? pr_info : pr_debug)("VR %s: neigh del %s dev %s (%s)",
						  vr->rec.name, a, dev, what);
}

static uint32_t neigh_quota(const struct sync_vr *vr)
{
	struct vr_quota q;

	vr_quota_of(&vr->rec, &q);
	return q.neigh;
}

/* VR's state against its quota (and a full map) changed: say so, once. */
static void neigh_report(struct sync_vr *vr, bool over, bool map_full, size_t wanted)
{
	if (over == vr->neigh_over)
		return;
	vr->neigh_over = over;
	if (over && map_full)
		pr_warn("VR %s: %s is full (%d entries): its neighbours beyond %u are left to "
			"the slow path until room frees", vr->rec.name, VR_MAP_NEIGH,
			VR_MAX_NEIGH, vr->n_neigh);
	else if (over)
		pr_warn("VR %s: %zu neighbours, over its quota of %u: the rest are left to "
			"the slow path", vr->rec.name, wanted, neigh_quota(vr));
	else
		pr_warn("VR %s: every neighbour in the fast path again (%u)", vr->rec.name,
			vr->n_neigh);
}

/* Write one of VR's neighbours; NEW: not in vr_neigh yet, so counted
 * against the quota.  0, -EDQUOT (over the quota), -ENOSPC (map full),
 * -errno.
 */
static int neigh_set(struct sync_vr *vr, const struct vr_neigh_key *k,
		     const struct vr_neigh_val *v, bool is_new)
{
	struct vr_neigh_val full;

	if (is_new && vr->n_neigh >= neigh_quota(vr))
		return -EDQUOT;
	vr_neigh_val_init(vr->s->st, k, v->mac, &full);	/* with the VR's port */
	if (!bpf_map_update_elem(vr->s->st->fd[VRM_NEIGH], k, &full, is_new ? BPF_NOEXIST : BPF_ANY)) {
		vr->n_neigh += is_new;
		return 0;
	}
	if (errno == E2BIG || errno == ENOMEM || errno == ENOSPC)
		return -ENOSPC;
	pr_warn("VR %s: cannot write %s: %s", vr->rec.name, VR_MAP_NEIGH, strerror(errno));
	return -errno;
}

/* An entry of VR left vr_neigh: room, for it and (if the map was full)
 * for every VR that waits.
 */
static void neigh_freed(struct sync_vr *vr)
{
	uint32_t id;

	if (vr->n_neigh)
		vr->n_neigh--;
	for (id = 1; id < VR_MAX_ROUTERS; id++)
		if (vr->s->vr[id] && vr->s->vr[id]->neigh_over)
			sync_dirty(vr->s->vr[id], SYNC_DIRTY_NEIGH);
}

void sync_neigh_event(struct sync_vr *vr, const struct nlmsghdr *nlh)
{
	struct vr_neigh_key k;
	struct vr_neigh_val v = { 0 }, old;
	struct neigh_msg m;

	if (parse_neigh(nlh, &m) || !neigh_key(vr, &m, &k))
		return;
	if (nlh->nlmsg_type == RTM_NEWNEIGH && mirrored(&m)) {
		bool is_new = bpf_map_lookup_elem(vr->s->st->fd[VRM_NEIGH], &k, &old) != 0;
		int err;

		vr_neigh_val_init(vr->s->st, &k, m.ll, &v);
		if (!is_new && !memcmp(&old, &v, sizeof(v)))
			return;
		err = neigh_set(vr, &k, &v, is_new);
		if (!err)
			log_neigh(vr, &k, &v, state_name(m.state), 1);
		else if (err == -EDQUOT || err == -ENOSPC)
			neigh_report(vr, true, err == -ENOSPC, vr->n_neigh + 1);
		return;
	}
	if (!bpf_map_delete_elem(vr->s->st->fd[VRM_NEIGH], &k)) {
		log_neigh(vr, &k, NULL, nlh->nlmsg_type == RTM_DELNEIGH ? "deleted" :
			  state_name(m.state), 1);
		neigh_freed(vr);
	}
}

/* ---- full pass ---- */

struct neigh_pass {
	struct sync_vr *vr;
	struct htab want;
	uint32_t kept;		/* wanted entries already in vr_neigh, kept */
};

static int neigh_want_cb(const struct nlmsghdr *nlh, void *data)
{
	struct neigh_pass *p = data;
	struct vr_neigh_key k;
	struct neigh_msg m;
	struct sneigh *n;

	if (nlh->nlmsg_type != RTM_NEWNEIGH || parse_neigh(nlh, &m) || !mirrored(&m) ||
	    !neigh_key(p->vr, &m, &k))
		return MNL_CB_OK;
	n = htab_find(&p->want, &k);
	if (!n) {
		n = calloc(1, sizeof(*n));
		if (!n)
			abort();
		n->key = k;
		htab_add(&p->want, &n->h);
	}
	memcpy(n->val.mac, m.ll, VR_ETH_ALEN);
	return MNL_CB_OK;
}

/* The keys of vr_neigh that belong to VR ID. */
static int vr_keys(struct sync *s, uint32_t id, struct vr_neigh_key **out, size_t *n_out)
{
	struct vr_neigh_key k, next, *keys = NULL, *p;
	size_t n = 0, cap = 0;
	void *prev = NULL;

	while (!bpf_map_get_next_key(s->st->fd[VRM_NEIGH], prev, &next)) {
		k = next;
		prev = &k;
		if (k.vr_id != id)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			p = realloc(keys, cap * sizeof(*p));
			if (!p)
				abort();
			keys = p;
		}
		keys[n++] = k;
	}
	if (errno != ENOENT) {
		int err = -errno;

		free(keys);
		return err;
	}
	*out = keys;
	*n_out = n;
	return 0;
}

/* Entry K of the VR in vr_neigh: deleted if the VR no longer has it (or
 * it is over the quota, which may have been lowered), updated if changed.
 */
static void neigh_keep(struct sync_vr *vr, struct neigh_pass *p, const struct vr_neigh_key *k)
{
	struct sneigh *n = htab_find(&p->want, k);
	struct vr_neigh_val v, want;
	int fd = vr->s->st->fd[VRM_NEIGH];

	if (n && p->kept < neigh_quota(vr)) {
		n->done = true;
		p->kept++;
		vr_neigh_val_init(vr->s->st, k, n->val.mac, &want);
		if (!bpf_map_lookup_elem(fd, k, &v) && !memcmp(&v, &want, sizeof(v))) {
			vr->n_nsame++;
		} else if (!neigh_set(vr, k, &n->val, false)) {
			log_neigh(vr, k, &n->val, "changed", 2);
			vr->n_nset++;
		}
		return;
	}
	if (!bpf_map_delete_elem(fd, k)) {
		log_neigh(vr, k, NULL, n ? "over the quota" : "not in the VR", 2);
		vr->n_ndel++;
		vr->n_neigh--;
	}
}

/* The wanted neighbours not in vr_neigh yet, as far as quota and room go. */
static int neigh_add_new(struct sync_vr *vr, struct neigh_pass *p)
{
	bool map_full = false;
	struct hnode *cur;
	struct sneigh *n;
	size_t pos;
	int err;

	htab_for_each(&p->want, pos, cur, n) {
		if (n->done)
			continue;
		err = neigh_set(vr, &n->key, &n->val, true);
		if (!err) {
			log_neigh(vr, &n->key, &n->val, "added", 2);
			vr->n_nset++;
		}
		map_full |= err == -ENOSPC;
	}
	neigh_report(vr, p->want.n > vr->n_neigh, map_full, p->want.n);
	return 0;
}

int sync_neigh_pass(struct sync_vr *vr)
{
	struct neigh_pass p = { .vr = vr };
	struct sync *s = vr->s;
	struct vr_neigh_key *keys = NULL;
	char buf[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ndmsg *ndm;
	size_t i, nk = 0;
	int err;

	htab_init(&p.want, offsetof(struct sneigh, key), sizeof(struct vr_neigh_key));
	nlh->nlmsg_type = RTM_GETNEIGH;
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = AF_UNSPEC;
	err = nl_dump(vr->req, nlh, neigh_want_cb, &p);
	if (err && err != -EINTR)
		goto out;
	err = vr_keys(s, vr->id, &keys, &nk);
	if (err) {
		pr_err("cannot read %s: %s", VR_MAP_NEIGH, strerror(-err));
		goto out;
	}
	vr->n_neigh = (uint32_t)nk;
	for (i = 0; i < nk; i++)
		neigh_keep(vr, &p, &keys[i]);
	err = neigh_add_new(vr, &p);
out:
	free(keys);
	htab_fini(&p.want, free);
	return err;
}
