// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Neighbours: the VR's resolved neighbours into vr_neigh, keyed by the
 * lower NIC of the macvlan they were resolved on.  REACHABLE, STALE,
 * DELAY, PROBE and PERMANENT entries are mirrored (the kernel keeps using
 * a STALE entry's address while it re-checks it); FAILED, INCOMPLETE,
 * NOARP and deleted ones are removed.  A full pass makes vr_neigh's
 * entries of the VR exactly the wanted set (entries added by hand with
 * `vrctl neigh` included).
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

static int map_set(struct sync *s, const struct vr_neigh_key *k, const struct vr_neigh_val *v)
{
	static bool full_reported;

	if (!bpf_map_update_elem(s->st->fd[VRM_NEIGH], k, v, BPF_ANY))
		return 0;
	if ((errno == E2BIG || errno == ENOMEM || errno == ENOSPC) && !full_reported) {
		full_reported = true;
		pr_warn("%s is full (%d entries): neighbours left to the slow path",
			VR_MAP_NEIGH, VR_MAX_NEIGH);
	} else if (errno != E2BIG && errno != ENOMEM && errno != ENOSPC) {
		pr_warn("cannot write %s: %s", VR_MAP_NEIGH, strerror(errno));
	}
	return -errno;
}

void sync_neigh_event(struct sync_vr *vr, const struct nlmsghdr *nlh)
{
	struct vr_neigh_key k;
	struct vr_neigh_val v = { 0 }, old;
	struct neigh_msg m;

	if (parse_neigh(nlh, &m) || !neigh_key(vr, &m, &k))
		return;
	if (nlh->nlmsg_type == RTM_NEWNEIGH && mirrored(&m)) {
		memcpy(v.mac, m.ll, VR_ETH_ALEN);
		if (!bpf_map_lookup_elem(vr->s->st->fd[VRM_NEIGH], &k, &old) &&
		    !memcmp(old.mac, v.mac, VR_ETH_ALEN))
			return;
		if (!map_set(vr->s, &k, &v))
			log_neigh(vr, &k, &v, state_name(m.state), 1);
		return;
	}
	if (!bpf_map_delete_elem(vr->s->st->fd[VRM_NEIGH], &k))
		log_neigh(vr, &k, NULL, nlh->nlmsg_type == RTM_DELNEIGH ? "deleted" :
			  state_name(m.state), 1);
}

/* ---- full pass ---- */

struct neigh_pass {
	struct sync_vr *vr;
	struct htab want;
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

int sync_neigh_pass(struct sync_vr *vr)
{
	struct neigh_pass p = { .vr = vr };
	struct sync *s = vr->s;
	struct vr_neigh_key *keys = NULL;
	struct vr_neigh_val v;
	char buf[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ndmsg *ndm;
	struct sneigh *n;
	struct hnode *cur;
	size_t i, nk = 0, pos;
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
	for (i = 0; i < nk; i++) {
		n = htab_find(&p.want, &keys[i]);
		if (!n) {
			if (!bpf_map_delete_elem(s->st->fd[VRM_NEIGH], &keys[i])) {
				log_neigh(vr, &keys[i], NULL, "not in the VR", 2);
				vr->n_ndel++;
			}
			continue;
		}
		n->done = true;
		if (!bpf_map_lookup_elem(s->st->fd[VRM_NEIGH], &keys[i], &v) &&
		    !memcmp(v.mac, n->val.mac, VR_ETH_ALEN)) {
			vr->n_nsame++;
			continue;
		}
		if (!map_set(s, &n->key, &n->val)) {
			log_neigh(vr, &n->key, &n->val, "changed", 2);
			vr->n_nset++;
		}
	}
	htab_for_each(&p.want, pos, cur, n) {
		if (n->done)
			continue;
		if (!map_set(s, &n->key, &n->val)) {
			log_neigh(vr, &n->key, &n->val, "added", 2);
			vr->n_nset++;
		}
	}
out:
	free(keys);
	htab_fini(&p.want, free);
	return err;
}
