// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The links on the shared NICs (sync.h, sync_links_guard()).
 *
 * A VR meets a NIC only through the macvlan vrctl made for it there:
 * private mode, no macvlan flags, no source MACs, the VR's MAC on that
 * NIC (vr_ports), the kernel's broadcast queue length and cutoff.  A
 * tenant, root in its VR, can change that link, and can stack links on
 * it, which land on the NIC.  Where that would reach past its VR (frames
 * addressed to others, a MAC the fast path does not police, the NIC's
 * broadcast handling, which every VR on it shares) the follower and every
 * full pass put it back; what the fast path honours stays the tenant's
 * (docs/design.md has the table):
 *
 *   restored: MAC, mode, flags (nopromisc, nodst), source MACs,
 *             bcqueuelen (the NIC's queue is the largest asked for),
 *             bc_cutoff (set for the whole NIC);
 *   left:     MTU, up/down, master (a bridge in the VR), name,
 *             promiscuity, addresses; deleting it (the VR loses that NIC);
 *   deleted:  any other link whose lower device is in vrctl's namespace.
 *
 * Which link is vrctl's, on each NIC where the VR has a port: the macvlan
 * with the VR's MAC there; else the one taken for it before (its MAC was
 * changed); else the oldest macvlan there (lowest ifindex: vrctl made its
 * own before the tenant could make any).
 *
 * While del-router or unload deletes the VR, its links come and go in
 * the order vrctl removes them (ports first): nothing is judged then
 * (the record says DELETING, or is gone, or another VR's).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "core/maps.h"
#include "core/router.h"
#include "nl/netlink.h"
#include "sync.h"

#ifndef IFLA_MACVLAN_BC_CUTOFF
#define IFLA_MACVLAN_BC_CUTOFF	9	/* Linux 6.5; older headers lack it */
#endif

/* What the kernel gives a macvlan made without them, as vrctl makes its own. */
#define MACVLAN_BC_QUEUE_LEN	1000
#define MACVLAN_BC_CUTOFF	1

void sync_link_cfg(const struct nlattr *linkinfo, const uint8_t *addr, struct slink_cfg *c)
{
	const struct nlattr *info[IFLA_INFO_MAX + 1], *d[IFLA_MACVLAN_BC_CUTOFF + 1];
	const char *kind = nl_linkinfo_kind(linkinfo);

	memset(c, 0, sizeof(*c));
	if (addr) {
		memcpy(c->mac, addr, sizeof(c->mac));
		c->has_mac = true;
	}
	c->macvlan = kind && !strcmp(kind, "macvlan");
	if (!c->macvlan)
		return;
	nl_attr_parse_nested(linkinfo, info, IFLA_INFO_MAX);
	if (!info[IFLA_INFO_DATA])
		return;
	nl_attr_parse_nested(info[IFLA_INFO_DATA], d, IFLA_MACVLAN_BC_CUTOFF);
	if (nl_attr_valid(d[IFLA_MACVLAN_MODE], MNL_TYPE_U32))
		c->mode = mnl_attr_get_u32(d[IFLA_MACVLAN_MODE]);
	if (nl_attr_valid(d[IFLA_MACVLAN_FLAGS], MNL_TYPE_U16))
		c->flags = mnl_attr_get_u16(d[IFLA_MACVLAN_FLAGS]);
	if (nl_attr_valid(d[IFLA_MACVLAN_MACADDR_COUNT], MNL_TYPE_U32))
		c->n_src = mnl_attr_get_u32(d[IFLA_MACVLAN_MACADDR_COUNT]);
	if (nl_attr_valid(d[IFLA_MACVLAN_BC_QUEUE_LEN], MNL_TYPE_U32)) {
		c->bcq = mnl_attr_get_u32(d[IFLA_MACVLAN_BC_QUEUE_LEN]);
		c->has_bcq = true;
	}
	if (nl_attr_valid(d[IFLA_MACVLAN_BC_CUTOFF], MNL_TYPE_U32)) {
		c->cutoff = (int32_t)mnl_attr_get_u32(d[IFLA_MACVLAN_BC_CUTOFF]);
		c->has_cutoff = true;
	}
}

/* Is the VR still READY, and the same VR, in vr_routers? */
static bool vr_ready(struct sync_vr *vr)
{
	struct vr_router rec;

	return !vr_router_get(vr->s->st, vr->id, &rec) && rec.state == VR_STATE_READY &&
	       rec.created_ns == vr->rec.created_ns;
}

static const char *mode_name(uint32_t mode)
{
	switch (mode) {
	case MACVLAN_MODE_PRIVATE: return "private";
	case MACVLAN_MODE_VEPA: return "vepa";
	case MACVLAN_MODE_BRIDGE: return "bridge";
	case MACVLAN_MODE_PASSTHRU: return "passthru";
	case MACVLAN_MODE_SOURCE: return "source";
	}
	return "?";
}

/* FMT appended to BUF (LEN) at *N, after ", " if something is there. */
static void __attribute__((format(printf, 4, 5)))
append(char *buf, size_t len, size_t *n, const char *fmt, ...)
{
	va_list ap;

	if (*n && *n < len)
		*n += (size_t)snprintf(buf + *n, len - *n, ", ");
	va_start(ap, fmt);
	if (*n < len)
		*n += (size_t)vsnprintf(buf + *n, len - *n, fmt, ap);
	va_end(ap);
}

/* What differs from what vrctl made, "" if nothing; MAC is the VR's. */
static void cfg_diff(const struct slink_cfg *c, const uint8_t mac[VR_ETH_ALEN], char *buf,
		     size_t len)
{
	char m[18];
	size_t n = 0;

	buf[0] = '\0';
	if (c->has_mac && memcmp(c->mac, mac, VR_ETH_ALEN))
		append(buf, len, &n, "MAC %s", mac_str(c->mac, m));
	if (c->mode != VR_MACVLAN_MODE)
		append(buf, len, &n, "mode %s", mode_name(c->mode));
	if (c->n_src)
		append(buf, len, &n, "%u source MAC%s", c->n_src, c->n_src == 1 ? "" : "s");
	if (c->flags)
		append(buf, len, &n, "flags%s%s", c->flags & MACVLAN_FLAG_NOPROMISC ? " nopromisc" : "",
		       c->flags & MACVLAN_FLAG_NODST ? " nodst" : "");
	if (c->has_bcq && c->bcq != MACVLAN_BC_QUEUE_LEN)
		append(buf, len, &n, "bcqueuelen %u", c->bcq);
	if (c->has_cutoff && c->cutoff != MACVLAN_BC_CUTOFF)
		append(buf, len, &n, "bc_cutoff %d", c->cutoff);
}

/* Put L back as vrctl made it, with MAC: 0 or the kernel's -errno. */
static int restore(struct sync_vr *vr, const struct slink *l, const uint8_t mac[VR_ETH_ALEN])
{
	char buf[512];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlattr *info, *data;
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = RTM_NEWLINK;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = (int)l->ifindex;
	if (l->cfg.has_mac && memcmp(l->cfg.mac, mac, VR_ETH_ALEN))
		mnl_attr_put(nlh, IFLA_ADDRESS, VR_ETH_ALEN, mac);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "macvlan");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	/* Leaving source mode flushes the source MACs. */
	mnl_attr_put_u32(nlh, IFLA_MACVLAN_MODE, VR_MACVLAN_MODE);
	mnl_attr_put_u16(nlh, IFLA_MACVLAN_FLAGS, 0);
	if (l->cfg.has_bcq && l->cfg.bcq != MACVLAN_BC_QUEUE_LEN)
		mnl_attr_put_u32(nlh, IFLA_MACVLAN_BC_QUEUE_LEN, MACVLAN_BC_QUEUE_LEN);
	if (l->cfg.has_cutoff && l->cfg.cutoff != MACVLAN_BC_CUTOFF)
		mnl_attr_put_u32(nlh, IFLA_MACVLAN_BC_CUTOFF, (uint32_t)MACVLAN_BC_CUTOFF);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return nl_request(vr->req, nlh, NULL, NULL);
}

/* A cheap signature of a difference, to try each once (sync.h). */
static uint32_t sig_of(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h | 1;
}

/* L, vrctl's macvlan on its NIC, as made: said and restored if not. */
static void keep_as_made(struct sync_vr *vr, struct slink *l, const uint8_t mac[VR_ETH_ALEN])
{
	char diff[160], nic[IF_NAMESIZE];
	uint32_t sig;
	int err;

	cfg_diff(&l->cfg, mac, diff, sizeof(diff));
	if (!diff[0]) {
		l->restored_sig = 0;
		return;
	}
	sig = sig_of(diff);
	if (sig == l->restored_sig)
		return;		/* tried already: said below */
	l->restored_sig = sig;
	err = restore(vr, l, mac);
	if (err)
		pr_err("VR %s: its macvlan %s on NIC %s was changed (%s): cannot restore it: %s",
		       vr->rec.name, l->name, sync_ifname(l->lower, nic), diff,
		       nl_strerror(vr->req, err));
	else
		pr_warn("VR %s: its macvlan %s on NIC %s was changed (%s): restored (a tenant "
			"may not change how its VR meets the NICs)", vr->rec.name, l->name,
			sync_ifname(l->lower, nic), diff);
}

/* Delete L, a link stacked on shared NIC LOWER that vrctl did not make. */
static void reap(struct sync_vr *vr, struct slink *l)
{
	char buf[256], nic[IF_NAMESIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;
	int err;

	nlh->nlmsg_type = RTM_DELLINK;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = (int)l->ifindex;
	err = nl_request(vr->req, nlh, NULL, NULL);
	if (err == -ENODEV)
		return;		/* gone already: nothing was done */
	if (err)
		pr_err("VR %s: cannot delete link %s, stacked on shared NIC %s: %s",
		       vr->rec.name, l->name, sync_ifname(l->lower, nic),
		       nl_strerror(vr->req, err));
	else
		pr_warn("VR %s: link %s (%s on shared NIC %s) was not made by vrctl: "
			"deleted (a tenant may not stack links on the NICs)",
			vr->rec.name, l->name, l->kind, sync_ifname(l->lower, nic));
}

/* Of the links on shared NICs (ON[0..N-1]), the one vrctl made for its
 * port on L's NIC, with MAC: is it L?
 */
static bool is_vrctls(struct slink *const *on, size_t n, const struct slink *l,
		      const uint8_t mac[VR_ETH_ALEN])
{
	const struct slink *pick = NULL, *was = NULL, *oldest = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct slink *c = on[i];

		if (c->lower != l->lower || !c->cfg.macvlan)
			continue;
		if (c->cfg.has_mac && !memcmp(c->cfg.mac, mac, VR_ETH_ALEN))
			pick = c;
		if (c->ours)
			was = c;
		if (!oldest || c->ifindex < oldest->ifindex)
			oldest = c;
	}
	if (!pick)
		pick = was ? was : oldest;
	return pick == l;
}

bool sync_links_guard(struct sync_vr *vr)
{
	uint8_t mac[VR_ETH_ALEN];
	struct slink **on = NULL, *l;
	struct hnode *cur;
	bool changed = false, *mine;
	size_t pos, n = 0, i;

	if (!vr_ready(vr))
		return false;
	htab_for_each(&vr->links, pos, cur, l)
		n += l->lower != 0;
	on = calloc(n ? n : 1, sizeof(*on) + sizeof(bool));
	if (!on)
		abort();
	mine = (bool *)(on + (n ? n : 1));
	n = 0;
	htab_for_each(&vr->links, pos, cur, l) {
		if (l->lower) {
			on[n++] = l;
			continue;
		}
		changed |= l->host_ifindex != 0;
		l->host_ifindex = 0;
		l->ours = l->foreign = false;
	}
	for (i = 0; i < n; i++)
		mine[i] = !vr_port_get(vr->s->st, vr->id, on[i]->lower, mac) &&
			  is_vrctls(on, n, on[i], mac);
	for (i = 0; i < n; i++) {
		l = on[i];
		changed |= l->host_ifindex != (mine[i] ? l->lower : 0);
		l->ours = mine[i];
		l->foreign = !mine[i];
		l->host_ifindex = mine[i] ? l->lower : 0;
		l->lower_ifindex = mine[i] ? 0 : l->lower;
		if (mine[i] && !vr_port_get(vr->s->st, vr->id, l->lower, mac))
			keep_as_made(vr, l, mac);
	}
	for (i = 0; i < n; i++) {
		if (!on[i]->foreign)
			continue;
		reap(vr, on[i]);
		htab_del(&vr->links, &on[i]->h);
		free(on[i]);
	}
	free(on);
	return changed;
}
