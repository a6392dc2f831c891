// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Data-plane fuzzer: random and mutated frames through the REAL XDP
 * program (bpf_prog_test_run_opts, ingress ifindex in ctx_in), every run
 * checked against invariants and against the model of fuzz_model.h.
 *
 * One source, two builds:
 *   - fuzz_dataplane (make; tests/cases/15-fuzz.sh): a fixed-seed run of
 *     -n frames (default 1,000,000), frame i drawn from a PRNG seeded with
 *     (seed, i), so any failure replays alone with --replay I;
 *   - fuzz_dataplane_lf (make fuzz; -DFZ_LIBFUZZER, clang -fsanitize=fuzzer):
 *     a libFuzzer target whose input is the generator's choice stream
 *     (fuzz_gen.h), so it mutates fields and headers, not raw bytes.
 *     libFuzzer sees the harness's coverage, which includes the model's
 *     decision tree, plus one extra counter per data-plane outcome (VR,
 *     family, action, pass reason) read from the BPF side.
 *
 * Both run inside the namespace of tests/fuzz/netns.sh (bpf_fib_lookup
 * needs the routes there; BPF_PROG_RUN resolves the ingress ifindex in the
 * caller's namespace).  Maps are private to the process (no pinning).
 *
 * Checked on every run:
 *   - BPF_PROG_RUN succeeds; the action is XDP_PASS, XDP_DROP or XDP_REDIRECT;
 *   - XDP_PASS: the output is the input, byte for byte;
 *   - XDP_REDIRECT: the frame was well-formed IPv4/IPv6 (version, IHL 5,
 *     lengths within the frame, IPv4 header checksum, no hop-by-hop, no
 *     address the kernel would not forward) with TTL/hop limit > 1, sent
 *     to a VR MAC configured on that ingress NIC; the output differs only
 *     in the MACs, the TTL/hop limit (-1) and the IPv4 checksum, which
 *     verifies and equals a full recomputation; the source MAC is that
 *     VR's on a loaded egress, the destination MAC a neighbour of THAT VR
 *     on THAT egress, the egress and next hop the ones the VR's own table
 *     (longest prefix match in the model) gives, and the frame fits the
 *     egress MTU;
 *   - XDP_DROP only for a VR with an admission limit (fuzz_net.h), as the
 *     policed outcome: output unchanged, policed grown; the VR admits no
 *     more than its burst + rate * elapsed time;
 *   - the model: action, egress and next hop, and the counter: after each
 *     run the VR's vr_stats (or the NIC's no_vr) is read, and rx plus
 *     exactly the one counter the model names (fwd or pass[reason]) must
 *     have grown, by one frame of its length, and nothing else of that VR.
 * And every 65536 runs and at the end: vr_stats (per-CPU sums, every VR id)
 * and vr_nic_stats equal the counts the model predicts, and they add up:
 * sum of rx == frames sent to VR MACs, rx == fwd + sum(pass) + policed per VR,
 * no_vr per NIC == the rest.
 *
 * Coverage of the data plane is reported from the program's own counters
 * (every enum vr_pass_reason, fwd, no_vr) and the harness's observation of
 * REDIRECT per family, plus the model's decision sites (which, since model
 * and program agreed on every frame, are branches the program took).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "vrouter.h"
#include "core/maps.h"
#include "vrouter.skel.h"
#include "frame.h"
#include "dp_harness.h"
#include "fuzz_net.h"
#include "fuzz_model.h"
#include "fuzz_gen.h"

#define FZ_CHECK_EVERY	65536
#define FZ_SHOW_MAX	10	/* failures printed in full */

static struct vrouter *skel;
static int prog_fd, fd_stats, fd_nic;
static __u32 ifidx[FZ_NIC_MAX];
static __u8 nic_mac[FZ_NIC_MAX][6];

/* What the counters must hold, from the model. */
static struct {
	struct vr_stats vr[FZ_NVR];
	struct vr_counter no_vr[FZ_NIC_MAX];
} want;

static struct {
	unsigned long long runs, failures, to_vr;
	unsigned long long nic_frames[FZ_NIC_MAX], nic_to_vr[FZ_NIC_MAX];
	unsigned long long action[8];
	unsigned long long fwd[2];		/* observed REDIRECT: IPv4, IPv6 */
	unsigned long long site[FZ_S_MAX], fail_site[FZ_S_MAX];
	unsigned long long counter_checks;
	size_t len_min, len_max;
} st = { .len_min = (size_t)-1 };

static int verbose;

/* ---- reporting ---- */

static void expect_str(const struct fz_expect *x, char *buf, size_t n)
{
	int k;

	switch (x->kind) {
	case FZ_X_NOVR:
		snprintf(buf, n, "XDP_PASS, no VR (%s)", fz_site_name[x->site]);
		return;
	case FZ_X_PASS:
		snprintf(buf, n, "XDP_PASS, VR %u %s%s%s (%s)", fz_vrs[x->vr].id,
			 reason_name[x->reason], x->reason_alt >= 0 ? " or " : "",
			 x->reason_alt >= 0 ? reason_name[x->reason_alt] : "",
			 fz_site_name[x->site]);
		return;
	case FZ_X_FWD:
		k = snprintf(buf, n, "XDP_REDIRECT, VR %u via", fz_vrs[x->vr].id);
		for (int i = 0; i < x->nlegs && k > 0 && (size_t)k < n; i++)
			k += snprintf(buf + k, n - (size_t)k, " %s%s", i ? "or " : "",
				      fz_nics[x->leg[i].nic].name);
		return;
	}
}

/* Context of the frame being checked, for failure messages. */
static struct {
	const struct fz_frame *fr;
	const __u8 *out;
	size_t out_len;
	unsigned long long index;
	const struct fz_expect *x;
	__u32 action;
	int failed;		/* this frame already failed once */
	int quiet;		/* ... and is past FZ_SHOW_MAX: not printed */
} cur;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
	char e[160];
	va_list ap;

	if (!cur.failed) {
		st.fail_site[cur.x->site]++;
		if (++st.failures > FZ_SHOW_MAX)
			cur.quiet = 1;
	}
	if (!cur.quiet) {
		printf("#   FAIL frame %llu (%zu bytes in on %s): ", cur.index, cur.fr->len,
		       fz_nics[cur.fr->in].name);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		putchar('\n');
	}
	if (!cur.failed && !cur.quiet) {
		expect_str(cur.x, e, sizeof(e));
		printf("#     model: %s; got %s\n", e, action_name(cur.action));
		hexdump("in ", cur.fr->buf, cur.fr->len < 96 ? cur.fr->len : 96);
		if (cur.out)
			hexdump("out", cur.out, cur.out_len < 96 ? cur.out_len : 96);
	}
	if (st.failures == FZ_SHOW_MAX + 1 && !cur.failed)
		printf("#   (more failures: counted, not shown)\n");
	cur.failed = 1;
}

/* ---- counters ---- */

static void read_vr(__u32 id, struct vr_stats *s)
{
	percpu_sum(fd_stats, &id, (__u64 *)s, sizeof(*s) / sizeof(__u64));
}

static void read_nic(enum fz_nic n, struct vr_nic_stats *s)
{
	percpu_sum(fd_nic, &ifidx[n], (__u64 *)s, sizeof(*s) / sizeof(__u64));
}

static int counter_eq(const char *what, const struct vr_counter *w, const struct vr_counter *g)
{
	if (w->packets == g->packets && w->bytes == g->bytes)
		return 1;
	printf("#   %s: model %llu packets %llu bytes, map %llu packets %llu bytes\n", what,
	       (unsigned long long)w->packets, (unsigned long long)w->bytes,
	       (unsigned long long)g->packets, (unsigned long long)g->bytes);
	return 0;
}

/* The configured VRs' and NICs' counters against the model: 1 if equal. */
static int counters_match(void)
{
	struct vr_stats g;
	struct vr_nic_stats ns;
	char what[64];
	int ok = 1, v, r, n;

	for (v = 0; v < FZ_NVR; v++) {
		read_vr(fz_vrs[v].id, &g);
		snprintf(what, sizeof(what), "VR %u rx", fz_vrs[v].id);
		ok &= counter_eq(what, &want.vr[v].rx, &g.rx);
		snprintf(what, sizeof(what), "VR %u fwd", fz_vrs[v].id);
		ok &= counter_eq(what, &want.vr[v].fwd, &g.fwd);
		snprintf(what, sizeof(what), "VR %u policed", fz_vrs[v].id);
		ok &= counter_eq(what, &want.vr[v].policed, &g.policed);
		for (r = 0; r < VR_PASS_MAX; r++) {
			snprintf(what, sizeof(what), "VR %u pass %s", fz_vrs[v].id, reason_name[r]);
			ok &= counter_eq(what, &want.vr[v].pass[r], &g.pass[r]);
		}
	}
	for (n = 0; n < FZ_NIC_MAX; n++) {
		read_nic((enum fz_nic)n, &ns);
		snprintf(what, sizeof(what), "%s no_vr", fz_nics[n].name);
		ok &= counter_eq(what, &want.no_vr[n], &ns.no_vr);
	}
	st.counter_checks++;
	return ok;
}

/* ---- one frame ---- */

static int nic_of_port_mac(int vr, const __u8 *mac)
{
	__u8 m[6];
	unsigned int i;

	for (i = 0; i < FZ_NPORTS; i++) {
		if (vr >= 0 && fz_ports[i].vr != vr)
			continue;
		fz_port_mac(fz_ports[i].vr, fz_ports[i].nic, m);
		if (!memcmp(m, mac, 6))
			return (int)i;
	}
	return -1;
}

static int neigh_of_mac(const __u8 *mac)
{
	__u8 m[6];
	unsigned int i;

	for (i = 0; i < FZ_NNEIGH; i++) {
		fz_neigh_mac(i, m);
		if (!memcmp(m, mac, 6))
			return (int)i;
	}
	return -1;
}

/* The REDIRECT invariants, from the bytes and the configuration alone
 * (the model is used only for the VR's route: its longest prefix match).
 */
/* fail(), as a 0 to return from a check that returns 1 when all is well. */
#define FAILED(...) (fail(__VA_ARGS__), 0)

/* A redirected IPv4 header: well formed, TTL > 1, forwardable addresses. */
static int redirect_ip4_ok(const __u8 *ip, size_t l3)
{
	const uint8_t *src = ip + 12, *dst = ip + 16;

	if (l3 < 20 || ip[0] != 0x45 || fb_get16(ip + 2) < 20 || fb_get16(ip + 2) > l3)
		return FAILED("REDIRECT of a malformed IPv4 header (version/IHL/tot_len)");
	if (!fb_ipv4_csum_ok(ip, 20))
		return FAILED("REDIRECT of an IPv4 header with a bad checksum");
	if (ip[8] <= 1)
		return FAILED("REDIRECT with TTL %u", ip[8]);
	if ((dst[0] & 0xf0) == 0xe0 || (src[0] & 0xf0) == 0xe0 || dst[0] == 0 ||
	    dst[0] == 127 || src[0] == 0 || src[0] == 127 ||
	    !memcmp(dst, "\xff\xff\xff\xff", 4) || !memcmp(src, "\xff\xff\xff\xff", 4))
		return FAILED("REDIRECT of an address the kernel never forwards");
	return 1;
}

/* A redirected IPv6 header: well formed, no hop-by-hop, hop limit > 1,
 * forwardable addresses.
 */
static int redirect_ip6_ok(const __u8 *ip, size_t l3)
{
	const uint8_t *src = ip + 8, *dst = ip + 24;

	if (l3 < 40 || ip[0] >> 4 != 6 || 40u + fb_get16(ip + 4) > l3)
		return FAILED("REDIRECT of a malformed IPv6 header (version/payload_len)");
	if (ip[6] == 0)
		return FAILED("REDIRECT of IPv6 with hop-by-hop options");
	if (ip[7] <= 1)
		return FAILED("REDIRECT with hop limit %u", ip[7]);
	if (fz_v6_scoped(src) || fz_v6_scoped(dst) || fz_v6_is(src, 0) ||
	    fz_v6_is(src, 1) || fz_v6_is(dst, 1))
		return FAILED("REDIRECT of an address the kernel never forwards");
	return 1;
}

/* The input frame IN of LEN bytes may be forwarded: its *FAMILY (4, 6)
 * and destination address *DST.
 */
static int redirect_in_ok(const __u8 *in, size_t len, int *family, const uint8_t **dst)
{
	const __u8 *ip = in + FB_ETH_HLEN;
	size_t l3 = len - FB_ETH_HLEN;

	switch (fb_get16(in + 12)) {
	case 0x0800:
		*family = 4;
		*dst = ip + 16;
		return redirect_ip4_ok(ip, l3);
	case 0x86dd:
		*family = 6;
		*dst = ip + 24;
		return redirect_ip6_ok(ip, l3);
	default:
		return FAILED("REDIRECT of ethertype %04x", fb_get16(in + 12));
	}
}

/* OUT leaves VR VR's port (*EGRESS, a loaded NIC whose MTU fits L3
 * bytes) to a neighbour of VR on that NIC (*NI).
 */
static int redirect_egress_ok(int vr, const __u8 *out, size_t l3, enum fz_nic *egress, int *ni)
{
	int pi = nic_of_port_mac(vr, out + 6);

	/* Egress: the NIC whose port MAC of this VR is the new source. */
	if (pi < 0) {
		pi = nic_of_port_mac(-1, out + 6);
		if (pi >= 0)
			return FAILED("CROSS-VR: source MAC is VR %u's port on %s, frame is VR %u's",
				      fz_vrs[fz_ports[pi].vr].id, fz_nics[fz_ports[pi].nic].name,
				      fz_vrs[vr].id);
		return FAILED("source MAC is no VR's port MAC");
	}
	*egress = fz_ports[pi].nic;
	if (!fz_nics[*egress].loaded)
		return FAILED("redirected to %s, which is not loaded", fz_nics[*egress].name);
	if (l3 > fz_nics[*egress].mtu)
		return FAILED("%zu bytes redirected to %s, MTU %u", l3, fz_nics[*egress].name,
			      fz_nics[*egress].mtu);
	*ni = neigh_of_mac(out);
	if (*ni < 0)
		return FAILED("destination MAC is no neighbour's");
	if (fz_neighs[*ni].vr != vr || fz_neighs[*ni].nic != *egress)
		return FAILED("%sdestination MAC is VR %u's neighbour %s on %s; frame is VR %u's, out of %s",
			      fz_neighs[*ni].vr != vr ? "CROSS-VR: " : "",
			      fz_vrs[fz_neighs[*ni].vr].id, fz_neighs[*ni].addr,
			      fz_nics[fz_neighs[*ni].nic].name, fz_vrs[vr].id, fz_nics[*egress].name);
	return 1;
}

/* The VR's own table must give this egress and next hop for DST. */
static int redirect_route_ok(int vr, int family, const uint8_t *dst, enum fz_nic egress, int ni)
{
	int ri = fz_vrs[vr].has_table ? fz_lookup(vr, family, dst) : -1, j, leg_ok = 0;

	if (ri < 0 || (fz_routes[ri].type != RT_UNICAST))
		return FAILED("VR %u's table has no unicast route for this destination",
			      fz_vrs[vr].id);
	for (j = 0; j < fz_routes[ri].nhops; j++) {
		const struct fz_hop_addr *gw = &fz_m.gw[ri][j];
		int nfam = gw->family ? gw->family : family;

		if (fz_routes[ri].hop[j].dev == egress && fz_m.nb[ni].family == nfam &&
		    !memcmp(fz_m.nb[ni].addr, gw->family ? gw->addr : dst, nfam == 4 ? 4 : 16))
			leg_ok = 1;
	}
	if (!leg_ok)
		return FAILED("VR %u's route %s does not go to %s via %s", fz_vrs[vr].id,
			      fz_routes[ri].prefix, fz_nics[egress].name, fz_neighs[ni].addr);
	return 1;
}

/* Bytes: only MACs, TTL/hop limit and the IPv4 checksum change. */
static int redirect_bytes_ok(const __u8 *in, const __u8 *out, size_t len, int family)
{
	const __u8 *ip = in + FB_ETH_HLEN, *oip = out + FB_ETH_HLEN;
	__u8 want_ip[60];
	size_t i;

	if (memcmp(in + 12, out + 12, 2))
		return FAILED("ethertype changed");
	if (family == 4) {
		memcpy(want_ip, ip, 20);
		want_ip[8]--;
		memcpy(want_ip + 10, &(uint16_t){ fb_ipv4_csum(want_ip, 20) }, 2);
		if (!fb_ipv4_csum_ok(oip, 20))
			return FAILED("output IPv4 header checksum does not verify");
		if (memcmp(want_ip, oip, 20))
			return FAILED("output IPv4 header: TTL %u -> %u, checksum %04x -> %04x "
				      "(full recomputation %04x)", ip[8], oip[8], fb_get16(ip + 10),
				      fb_get16(oip + 10), fb_get16(want_ip + 10));
		i = FB_ETH_HLEN + 20;
	} else {
		memcpy(want_ip, ip, 40);
		want_ip[7]--;
		if (memcmp(want_ip, oip, 40))
			return FAILED("output IPv6 header differs beyond hop limit - 1");
		i = FB_ETH_HLEN + 40;
	}
	if (memcmp(in + i, out + i, len - i))
		return FAILED("bytes after the IP header changed");
	return 1;
}

static void check_redirect(const struct fz_frame *fr, const __u8 *out, size_t out_len)
{
	const __u8 *in = fr->buf;
	size_t len = fr->len;
	const uint8_t *dst;
	enum fz_nic egress;
	int vr, family, ni;

	if (out_len != len)
		return fail("REDIRECT changed the length to %zu", out_len);
	vr = in[0] & 1 ? -1 : fz_mac_lookup(fr->in, in);
	if (vr < 0)
		return fail("REDIRECT of a frame not sent to a VR MAC on %s", fz_nics[fr->in].name);
	if (redirect_in_ok(in, len, &family, &dst) &&
	    redirect_egress_ok(vr, out, len - FB_ETH_HLEN, &egress, &ni) &&
	    redirect_route_ok(vr, family, dst, egress, ni))
		redirect_bytes_ok(in, out, len, family);
}

/* What a frame did to the counters, from the program's own account. */
enum { OBS_BAD = -2, OBS_NOVR = -1, OBS_FWD = VR_PASS_MAX, OBS_POLICED };

static const char *obs_name(int obs)
{
	return obs == OBS_BAD ? "no single counter" : obs == OBS_NOVR ? "no_vr" :
	       obs == OBS_FWD ? "fwd" : obs == OBS_POLICED ? "policed" : reason_name[obs];
}

static const struct fz_limit *limit_of(int vr)
{
	unsigned int i;

	for (i = 0; i < FZ_NLIMITS; i++)
		if (fz_limits[i].vr == vr)
			return &fz_limits[i];
	return NULL;
}

/* The counters seen after the previous frame, per VR and per NIC. */
static struct vr_stats seen_vr[FZ_NVR];
static struct vr_counter seen_nic[FZ_NIC_MAX];

static int grew(const struct vr_counter *now, const struct vr_counter *then, size_t len)
{
	__u64 p = now->packets - then->packets, b = now->bytes - then->bytes;

	return p == 1 && b == len ? 1 : p || b ? -1 : 0;
}

/* Read the counter the model says this frame touches: for a VR's frame
 * rx and exactly one of fwd/pass[]/policed must have grown by one frame of
 * its length, and nothing else of that VR's; else no_vr of the ingress NIC.
 */
static int observe(const struct fz_expect *x, const struct fz_frame *fr)
{
	struct vr_stats g;
	struct vr_nic_stats ns;
	int r, obs = OBS_BAD, n = 0, g1;

	if (x->vr < 0) {
		read_nic(fr->in, &ns);
		g1 = grew(&ns.no_vr, &seen_nic[fr->in], fr->len);
		seen_nic[fr->in] = ns.no_vr;
		return g1 == 1 ? OBS_NOVR : OBS_BAD;
	}
	read_vr(fz_vrs[x->vr].id, &g);
	if (grew(&g.rx, &seen_vr[x->vr].rx, fr->len) != 1)
		n = 2;
	if ((g1 = grew(&g.fwd, &seen_vr[x->vr].fwd, fr->len))) {
		obs = g1 == 1 ? OBS_FWD : OBS_BAD;
		n++;
	}
	if ((g1 = grew(&g.policed, &seen_vr[x->vr].policed, fr->len))) {
		obs = g1 == 1 ? OBS_POLICED : OBS_BAD;
		n++;
	}
	for (r = 0; r < VR_PASS_MAX; r++)
		if ((g1 = grew(&g.pass[r], &seen_vr[x->vr].pass[r], fr->len))) {
			obs = g1 == 1 ? r : OBS_BAD;
			n++;
		}
	seen_vr[x->vr] = g;
	return n == 1 ? obs : OBS_BAD;
}

/* Action, counter and (for a redirect) egress and next hop, against the
 * model.  obs is what the program counted for this frame.
 */
static void check_model(const struct fz_expect *x, __u32 action, const __u8 *out, int obs)
{
	char e[160];
	int i, want_obs = x->kind == FZ_X_NOVR ? OBS_NOVR :
			  x->kind == FZ_X_FWD ? OBS_FWD : x->reason;

	expect_str(x, e, sizeof(e));
	if (x->vr >= 0 && limit_of(x->vr) && (action == XDP_DROP || obs == OBS_POLICED)) {
		/* Over the VR's limit: a drop, counted as policed. */
		if (action != XDP_DROP || obs != OBS_POLICED)
			fail("%s, counted as %s: a policed frame is XDP_DROP and policed",
			     action_name(action), obs_name(obs));
		return;
	}
	if (action != (x->kind == FZ_X_FWD ? XDP_REDIRECT : XDP_PASS))
		fail("model says %s", e);
	if (obs != want_obs && !(x->kind == FZ_X_PASS && obs == x->reason_alt))
		fail("counted as %s; model says %s", obs_name(obs), e);
	if (x->kind != FZ_X_FWD || action != XDP_REDIRECT)
		return;
	for (i = 0; i < x->nlegs; i++)
		if (!memcmp(out, x->leg[i].nh, 6) && !memcmp(out + 6, x->leg[i].smac, 6))
			return;
	fail("redirected, but not to the model's egress/next hop");
}

/* The model's counts, for the periodic and final comparison; of two
 * acceptable reasons, the one the program chose.
 */
static void count_expected(const struct fz_expect *x, size_t len, enum fz_nic in, int obs)
{
	if (x->vr >= 0 && obs == OBS_POLICED && limit_of(x->vr)) {
		add(&want.vr[x->vr].rx, len);
		add(&want.vr[x->vr].policed, len);
		return;
	}
	switch (x->kind) {
	case FZ_X_NOVR:
		add(&want.no_vr[in], len);
		break;
	case FZ_X_PASS:
		add(&want.vr[x->vr].rx, len);
		add(&want.vr[x->vr].pass[obs == x->reason_alt ? x->reason_alt : x->reason], len);
		break;
	case FZ_X_FWD:
		add(&want.vr[x->vr].rx, len);
		add(&want.vr[x->vr].fwd, len);
		break;
	}
}

/* ECMP and the ports.  The fuzz namespace hashes multipath routes on L4
 * (fib_multipath_hash_policy=1, as `vrctl load` sets it), so the program
 * must fill in the TCP/UDP ports of an unfragmented IPv4 datagram and of
 * IPv6, and never those of an IPv4 fragment (the later fragments have
 * none: one datagram would take two legs).  A frame redirected over a
 * two-leg route is run again with other bytes where the ports are: an
 * IPv4 fragment must take the same leg, and over the run some
 * unfragmented TCP and UDP frames of each family must change leg.
 * Index: 0 IPv4 fragments, 1 unfragmented IPv4, 2 IPv6; then 0 UDP, 1 TCP.
 */
static struct {
	unsigned long long probes[3][2], moved[3][2];
} ecmp;

static int leg_of(const struct fz_expect *x, const __u8 *out)
{
	int i;

	for (i = 0; i < x->nlegs; i++)
		if (!memcmp(out, x->leg[i].nh, 6) && !memcmp(out + 6, x->leg[i].smac, 6))
			return i;
	return -1;
}

static void ecmp_probe(const struct fz_frame *fr, const struct fz_expect *x, const __u8 *out)
{
	static struct fz_frame alt;
	static __u8 out2[FB_MAX];
	const __u8 *ip = fr->buf + FB_ETH_HLEN;
	size_t l4 = FB_ETH_HLEN + (x->family == 4 ? 20 : 40);
	int k, t, proto = x->family == 4 ? ip[9] : ip[6], l1, l2, err;
	__u32 action, out_len;
	struct vr_stats g;
	unsigned int i;

	if (x->nlegs != 2 || limit_of(x->vr) || (proto != 6 && proto != 17) ||
	    fr->len < l4 + 4)
		return;
	k = x->family == 6 ? 2 : (fb_get16(ip + 6) & 0x3fff) ? 0 : 1;
	t = proto == 6;
	alt = *fr;
	for (i = 0; i < 4; i++)
		alt.buf[l4 + i] ^= (__u8)(0x11 + 0x35 * (ecmp.probes[k][t] + i) % 251);
	err = dp_xdp_run(prog_fd, ifidx[fr->in], alt.buf, alt.len, out2, sizeof(out2),
			 &action, &out_len);
	/* The probe counts like the frame: one more run, rx and fwd of its VR. */
	st.runs++;
	st.to_vr++;
	st.nic_frames[fr->in]++;
	st.nic_to_vr[fr->in]++;
	add(&want.vr[x->vr].rx, alt.len);
	add(&want.vr[x->vr].fwd, alt.len);
	read_vr(fz_vrs[x->vr].id, &g);
	seen_vr[x->vr] = g;
	if (err || action != XDP_REDIRECT)
		return fail("the same frame with other port bytes: %s, not redirected",
			    err ? strerror(-err) : action_name(action));
	l1 = leg_of(x, out);
	l2 = leg_of(x, out2);
	ecmp.probes[k][t]++;
	if (l1 == l2)
		return;
	ecmp.moved[k][t]++;
	if (k == 0)
		fail("an IPv4 fragment (frag_off %#x) with other bytes where ports would be "
		     "took leg %d instead of %d: the ports of a fragment were hashed",
		     fb_get16(ip + 6), l2, l1);
}

#ifndef FZ_LIBFUZZER
static int ecmp_ok(void)
{
	int ok = ecmp.probes[0][0] && ecmp.probes[0][1] && !ecmp.moved[0][0] &&
		 !ecmp.moved[0][1] && ecmp.moved[1][0] && ecmp.moved[1][1] &&
		 ecmp.moved[2][0] && ecmp.moved[2][1];

	report(ok, "ECMP: ports hashed for unfragmented IPv4 (UDP/TCP probes that changed leg: "
	       "%llu/%llu of %llu/%llu) and IPv6 (%llu/%llu of %llu/%llu), never for IPv4 "
	       "fragments (%llu/%llu of %llu/%llu)",
	       ecmp.moved[1][0], ecmp.moved[1][1], ecmp.probes[1][0], ecmp.probes[1][1],
	       ecmp.moved[2][0], ecmp.moved[2][1], ecmp.probes[2][0], ecmp.probes[2][1],
	       ecmp.moved[0][0], ecmp.moved[0][1], ecmp.probes[0][0], ecmp.probes[0][1]);
	return ok;
}
#endif

#ifdef FZ_LIBFUZZER
/* One counter per data-plane outcome: libFuzzer keeps inputs that reach a
 * new (VR, family, outcome) of the BPF program, not only new harness code.
 */
#define FZ_OUTCOMES (VR_PASS_MAX + 4)	/* OBS_BAD .. OBS_POLICED */
__attribute__((section("__libfuzzer_extra_counters")))
static uint8_t fz_extra[FZ_NVR + 1][3][FZ_OUTCOMES];
#endif

static __u8 fz_out[FB_MAX];

static void run_one(const struct fz_frame *fr, unsigned long long index)
{
	struct fz_expect x;
	__u32 action, out_len;
	int err, obs;

	fz_model(fr->in, fr->buf, fr->len, &x);
	memset(&cur, 0, sizeof(cur));
	cur.fr = fr;
	cur.index = index;
	cur.x = &x;
	st.runs++;
	st.site[x.site]++;
	if (fr->len < st.len_min)
		st.len_min = fr->len;
	if (fr->len > st.len_max)
		st.len_max = fr->len;
	st.nic_frames[fr->in]++;
	if (x.vr >= 0) {	/* sent to a VR MAC configured on this NIC */
		st.to_vr++;
		st.nic_to_vr[fr->in]++;
	}

	err = dp_xdp_run(prog_fd, ifidx[fr->in], fr->buf, fr->len, fz_out, sizeof(fz_out),
			 &action, &out_len);
	obs = observe(&x, fr);
	count_expected(&x, fr->len, fr->in, obs);
	if (err) {
		fail("BPF_PROG_RUN: %s", strerror(-err));
		goto out;
	}
	cur.action = action;
	cur.out = fz_out;
	cur.out_len = out_len;
	st.action[action < 8 ? action : 7]++;

	switch (action) {
	case XDP_PASS:
		if (out_len != fr->len || memcmp(fr->buf, fz_out, fr->len))
			fail("XDP_PASS, but the output is not the input");
		break;
	case XDP_REDIRECT:
		st.fwd[fb_get16(fr->buf + 12) == 0x86dd]++;
		check_redirect(fr, fz_out, out_len);
		break;
	case XDP_DROP:
		if (out_len != fr->len || memcmp(fr->buf, fz_out, fr->len))
			fail("XDP_DROP, but the output is not the input");
		break;
	default:
		fail("action %u (%s)", action, action_name(action));
		break;
	}
	check_model(&x, action, fz_out, obs);
	if (action == XDP_REDIRECT && x.kind == FZ_X_FWD && !cur.failed)
		ecmp_probe(fr, &x, fz_out);
#ifdef FZ_LIBFUZZER
	{
		int v = x.vr < 0 ? FZ_NVR : x.vr;
		int fam = x.family == 4 ? 1 : x.family == 6 ? 2 : 0;

		fz_extra[v][fam][obs + 2]++;
	}
#endif
out:
#ifdef FZ_LIBFUZZER
	if (cur.failed) {
		fflush(stdout);
		abort();	/* libFuzzer saves the input */
	}
#endif
	if (verbose && !cur.failed) {
		char e[160];

		expect_str(&x, e, sizeof(e));
		printf("# frame %llu: %zu bytes on %s: %s\n", index, fr->len,
		       fz_nics[fr->in].name, e);
	}
}

/* ---- final checks and coverage ---- */

static struct timespec t_setup;

/* A limited VR admits no more than burst + rate * (time since setup),
 * in packets and in bytes (plus one frame: the bucket admits while not
 * yet over its depth), and did police frames.
 */
static int admitted_ok(void)
{
	struct timespec now;
	struct vr_stats g;
	double secs;
	unsigned int i;
	int ok = 1;

	clock_gettime(CLOCK_MONOTONIC, &now);
	secs = (double)(now.tv_sec - t_setup.tv_sec) +
	       (double)(now.tv_nsec - t_setup.tv_nsec) / 1e9;
	for (i = 0; i < FZ_NLIMITS; i++) {
		const struct fz_limit *l = &fz_limits[i];
		double pkts, bytes, max_pkts, max_bytes;

		read_vr(fz_vrs[l->vr].id, &g);
		pkts = (double)(g.rx.packets - g.policed.packets);
		bytes = (double)(g.rx.bytes - g.policed.bytes);
		max_pkts = l->burst + (double)l->pps * secs + 1;
		max_bytes = (double)l->burst_bytes + (double)l->bps / 8 * secs + FZ_FRAME_MAX;
		ok &= pkts <= max_pkts && bytes <= max_bytes && g.policed.packets;
		report(pkts <= max_pkts && bytes <= max_bytes && g.policed.packets,
		       "admission: VR %u (%llu pps burst %u, %llu bit/s burst %llu B) admitted "
		       "%.0f frames, %.0f bytes in %.1f s (at most %.0f, %.0f), policed %llu",
		       fz_vrs[l->vr].id, (unsigned long long)l->pps, l->burst,
		       (unsigned long long)l->bps, (unsigned long long)l->burst_bytes, pkts,
		       bytes, secs, max_pkts, max_bytes,
		       (unsigned long long)g.policed.packets);
	}
	return ok;
}

/* Every VR id's counters (other ids must be zero) and every vr_nic_stats
 * key; then the sums.  Returns 1 if all is as the model said.
 */
static int final_counters(void)
{
	struct vr_stats g, zero;
	struct vr_nic_stats ns;
	unsigned long long rx = 0, no_vr = 0;
	__u32 id, key, next, *prev = NULL;
	int ok = counters_match(), v, r, n, sums_ok = 1, stray = 0;

	memset(&zero, 0, sizeof(zero));
	for (id = 0; id < VR_MAX_ROUTERS; id++) {
		for (v = 0; v < FZ_NVR && fz_vrs[v].id != id; v++)
			;
		if (v < FZ_NVR)
			continue;
		read_vr(id, &g);
		if (memcmp(&g, &zero, sizeof(g))) {
			printf("#   VR id %u, not configured, has counters\n", id);
			stray = 1;
		}
	}
	while (!bpf_map_get_next_key(fd_nic, prev, &next)) {
		key = next;
		prev = &key;
		for (n = 0; n < FZ_NIC_MAX && ifidx[n] != key; n++)
			;
		if (n == FZ_NIC_MAX) {
			printf("#   vr_nic_stats has ifindex %u, no NIC of ours\n", key);
			stray = 1;
		}
	}
	report(ok && !stray, "counters: vr_stats (all %d VR ids) and vr_nic_stats equal the "
	       "model's counts, packets and bytes", VR_MAX_ROUTERS);

	/* The identities, on the maps' own numbers. */
	for (v = 0; v < FZ_NVR; v++) {
		unsigned long long sum;

		read_vr(fz_vrs[v].id, &g);
		sum = g.fwd.packets + g.policed.packets;
		for (r = 0; r < VR_PASS_MAX; r++)
			sum += g.pass[r].packets;
		if (sum != g.rx.packets) {
			printf("#   VR %u: rx %llu != fwd + pass %llu\n", fz_vrs[v].id,
			       (unsigned long long)g.rx.packets, sum);
			sums_ok = 0;
		}
		rx += g.rx.packets;
	}
	for (n = 0; n < FZ_NIC_MAX; n++) {
		unsigned long long rest = st.nic_frames[n] - st.nic_to_vr[n];

		read_nic((enum fz_nic)n, &ns);
		no_vr += ns.no_vr.packets;
		if (ns.no_vr.packets != rest) {
			printf("#   %s: no_vr %llu != %llu frames not sent to a VR MAC\n",
			       fz_nics[n].name, (unsigned long long)ns.no_vr.packets, rest);
			sums_ok = 0;
		}
	}
	if (rx != st.to_vr || rx + no_vr != st.runs) {
		printf("#   sum rx %llu (frames to VR MACs %llu), sum no_vr %llu, frames %llu\n",
		       rx, st.to_vr, no_vr, st.runs);
		sums_ok = 0;
	}
	report(sums_ok, "counters add up: sum of rx %llu == frames to VR MACs; rx == fwd + "
	       "sum(pass) + policed per VR; sum of no_vr %llu == the other frames (%llu in all)",
	       rx, no_vr, st.runs);
	return ok && !stray && sums_ok && admitted_ok();
}

/* Reason coverage from the program's own counters; 1 if complete. */
static int coverage(FILE *f)
{
	unsigned long long reason[VR_PASS_MAX] = { 0 }, fwd = 0, no_vr = 0, policed = 0;
	struct vr_stats g;
	struct vr_nic_stats ns;
	int v, r, n, missing = 0, sites = 0;

	for (v = 0; v < FZ_NVR; v++) {
		read_vr(fz_vrs[v].id, &g);
		fwd += g.fwd.packets;
		policed += g.policed.packets;
		for (r = 0; r < VR_PASS_MAX; r++)
			reason[r] += g.pass[r].packets;
	}
	for (n = 0; n < FZ_NIC_MAX; n++) {
		read_nic((enum fz_nic)n, &ns);
		no_vr += ns.no_vr.packets;
	}
	fprintf(f, "# data-plane outcomes (vr_stats / vr_nic_stats, summed over VRs and NICs):\n");
	for (r = 0; r < VR_PASS_MAX; r++) {
		fprintf(f, "#   pass %-18s %12llu\n", reason_name[r], reason[r]);
		/* The model's NICs have no VR_MACF_PARTIAL_CSUM: checksums left
		 * to offload are test_dataplane's (partial_csum, partial_sweep).
		 */
		missing += !reason[r] && r != VR_PASS_CSUM_PARTIAL;
	}
	fprintf(f, "#   fwd                     %12llu  (REDIRECT IPv4 %llu, IPv6 %llu)\n",
		fwd, st.fwd[0], st.fwd[1]);
	fprintf(f, "#   policed (XDP_DROP)      %12llu\n", policed);
	fprintf(f, "#   no_vr                   %12llu\n", no_vr);
	fprintf(f, "#   actions: PASS %llu, REDIRECT %llu, DROP %llu, other %llu\n",
		st.action[XDP_PASS], st.action[XDP_REDIRECT], st.action[XDP_DROP],
		st.runs - st.action[XDP_PASS] - st.action[XDP_REDIRECT] - st.action[XDP_DROP]);
	fprintf(f, "# model decision sites (branches of the program, as model and program agreed):\n");
	for (r = 0; r < FZ_S_MAX; r++) {
		fprintf(f, "#   %-18s %12llu  %s\n", fz_site_name[r], st.site[r], fz_site_desc[r]);
		sites += !!st.site[r];
	}
	fprintf(f, "# %d of %d sites reached; frame lengths %zu..%zu\n", sites, FZ_S_MAX,
		st.len_min, st.len_max);
	missing += !st.fwd[0] + !st.fwd[1] + !no_vr + !policed;
	return !missing;
}

/* ---- setup ---- */

static int read_sysctl(const char *path)
{
	char buf[16] = "";
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? atoi(buf) : -1;
}

/* The namespace must be the one fuzz_net.h describes. */
static void check_env(void)
{
	struct ifreq ifr;
	char path[128];
	int s = socket(AF_INET, SOCK_DGRAM, 0), n;

	if (s < 0)
		die("socket", errno);
	for (n = 0; n < FZ_NIC_MAX; n++) {
		ifidx[n] = if_nametoindex(fz_nics[n].name);
		if (!ifidx[n])
			die(fz_nics[n].name, errno);
		memset(&ifr, 0, sizeof(ifr));
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", fz_nics[n].name);
		if (ioctl(s, SIOCGIFHWADDR, &ifr))
			die("SIOCGIFHWADDR", errno);
		memcpy(nic_mac[n], ifr.ifr_hwaddr.sa_data, 6);
		if (ioctl(s, SIOCGIFMTU, &ifr))
			die("SIOCGIFMTU", errno);
		if (n != FZ_LO && (unsigned int)ifr.ifr_mtu != fz_nics[n].mtu) {
			fprintf(stderr, "%s: MTU %d, fuzz_net.h says %u\n", fz_nics[n].name,
				ifr.ifr_mtu, fz_nics[n].mtu);
			die("namespace does not match fuzz_net.h", EINVAL);
		}
		snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/forwarding",
			 fz_nics[n].name);
		if (read_sysctl(path) != fz_nics[n].v4_fwd)
			die("net.ipv4.conf.*.forwarding does not match fuzz_net.h", EINVAL);
		snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/forwarding",
			 fz_nics[n].name);
		if (read_sysctl(path) != 1)
			die("net.ipv6.conf.*.forwarding must be 1 everywhere", EINVAL);
	}
	close(s);
}

static void setup(int lwt)
{
	unsigned int i;

	fz_model_init(lwt);
	check_env();
	skel = dp_load_private();
	prog_fd = bpf_program__fd(skel->progs.vr_forward);
	fd_stats = bpf_map__fd(skel->maps.vr_stats);
	fd_nic = bpf_map__fd(skel->maps.vr_nic_stats);

	for (i = 0; i < FZ_NMACS; i++)
		dp_add_mac(ifidx[fz_macs[i].nic], fz_macs[i].mac, fz_vrs[fz_macs[i].vr].id,
			   fz_vrs[fz_macs[i].vr].table, (__u8)fz_macs[i].rp_filter, 0);
	for (i = 0; i < FZ_NMACS; i++)
		if (fz_macs[i].slow &&
		    vr_mac_set_slow(&dp_st, ifidx[fz_macs[i].nic], fz_macs[i].mac,
				    (__u8)fz_macs[i].slow, true) < 0)
			die("vr_macs slow", EIO);
	for (i = 0; i < FZ_NPORTS; i++) {
		__u8 mac[6];

		fz_port_mac(fz_ports[i].vr, fz_ports[i].nic, mac);
		dp_add_port(fz_vrs[fz_ports[i].vr].id, ifidx[fz_ports[i].nic], mac);
	}
	for (i = 0; i < FZ_NNEIGH; i++) {
		__u8 mac[6];

		fz_neigh_mac(i, mac);
		dp_add_neigh(fz_vrs[fz_neighs[i].vr].id, ifidx[fz_neighs[i].nic],
			     fz_m.nb[i].family == 4 ? AF_INET : AF_INET6, fz_m.nb[i].addr, mac);
	}
	for (i = 0; i < FZ_NLIMITS; i++) {
		struct vr_limit l;
		__u32 id = fz_vrs[fz_limits[i].vr].id;

		memset(&l, 0, sizeof(l));
		l.rate_pps = fz_limits[i].pps;
		l.burst = fz_limits[i].burst;
		l.rate_bps = fz_limits[i].bps;
		l.burst_bytes = fz_limits[i].burst_bytes;
		if (vr_limit_derive(&l))
			die("vr_limit_derive", EINVAL);
		if (vr_limit_write(&dp_st, id, &l))
			die("vr_limits update", EIO);
	}
	for (i = 0; i < FZ_NIC_MAX; i++)
		if (fz_nics[i].loaded)
			dp_add_tx(ifidx[i]);
	clock_gettime(CLOCK_MONOTONIC, &t_setup);
}

#ifndef FZ_LIBFUZZER
/* ---- the ip -batch input for tests/fuzz/netns.sh ---- */

static void print_route(const struct fz_route *r)
{
	const char *t;
	int j;

	printf("route add ");
	switch (r->type) {
	case RT_BLACKHOLE: t = "blackhole "; break;
	case RT_UNREACHABLE: t = "unreachable "; break;
	case RT_PROHIBIT: t = "prohibit "; break;
	case RT_LOCAL: t = "local "; break;
	case RT_BROADCAST: t = "broadcast "; break;
	default: t = ""; break;
	}
	printf("%s%s", t, r->prefix);
	if (r->type == RT_LWT)
		printf(" encap ip id 1 dst 198.18.1.9");
	if (r->nhops == 1) {
		if (r->hop[0].gw)
			printf(" via %s", r->hop[0].gw);
		printf(" dev %s", fz_nics[r->hop[0].dev].name);
	}
	printf(" table %u", fz_vrs[r->vr].table);
	for (j = 0; r->nhops > 1 && j < r->nhops; j++)
		printf(" nexthop via %s dev %s", r->hop[j].gw, fz_nics[r->hop[j].dev].name);
	putchar('\n');
}

static void print_routes(int lwt)
{
	unsigned int i;

	for (i = 0; i < FZ_NROUTES; i++)
		if ((fz_routes[i].type == RT_LWT) == lwt)
			print_route(&fz_routes[i]);
}

#endif

/* ---- the two drivers ---- */

#ifdef FZ_LIBFUZZER

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *report_path;

static void lf_exit(void)
{
	FILE *f = report_path ? fopen(report_path, "w") : NULL;
	int ok = final_counters(), cov;

	cov = coverage(stdout);
	if (f) {
		fprintf(f, "runs %llu\nfailures %llu\ncounters %s\ncoverage %s\n", st.runs,
			st.failures, ok ? "ok" : "bad", cov ? "complete" : "incomplete");
		coverage(f);
		fclose(f);
	}
	report(cov, "libFuzzer: %llu runs: every pass reason, REDIRECT IPv4 and IPv6, policed "
	       "and no_vr reached", st.runs);
	vrouter__destroy(skel);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *lwt = getenv("FZ_LWT");

	(void)argc;
	(void)argv;
	setvbuf(stdout, NULL, _IOLBF, 0);
	report_path = getenv("FZ_REPORT");
	setup(lwt && atoi(lwt));
	atexit(lf_exit);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fz_frame fr;
	struct fz_src s;

	fz_src_bytes(&s, data, size);
	fz_gen(&s, &fr, (const uint8_t (*)[6])nic_mac);
	run_one(&fr, st.runs);
	if (st.runs % 8192 == 0 && !counters_match()) {
		printf("#   counters differ from the model after %llu runs\n", st.runs);
		abort();
	}
	return 0;
}

#else /* the fixed-seed runner */

static void usage(const char *prog) __attribute__((noreturn));
static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-n FRAMES] [-s SEED] [-v] [--replay INDEX] [lwt=0|1]\n"
		"       %s --print-routes | --print-lwt\n"
		"Runs inside the namespace of tests/fuzz/netns.sh (see tests/cases/15-fuzz.sh).\n",
		prog, prog);
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long long n = 1000000, seed = 0x5eed, replay = 0, i;
	int lwt = 0, do_replay = 0, a, counters_ok = 1;
	struct timespec t0, t1;
	static struct fz_frame fr;
	double secs;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--print-routes") || !strcmp(argv[a], "--print-lwt")) {
			fz_model_init(0);
			print_routes(!strcmp(argv[a], "--print-lwt"));
			return 0;
		} else if (!strcmp(argv[a], "-n") && a + 1 < argc) {
			n = strtoull(argv[++a], NULL, 0);
		} else if (!strcmp(argv[a], "-s") && a + 1 < argc) {
			seed = strtoull(argv[++a], NULL, 0);
		} else if (!strcmp(argv[a], "--replay") && a + 1 < argc) {
			replay = strtoull(argv[++a], NULL, 0);
			do_replay = 1;
		} else if (!strcmp(argv[a], "-v")) {
			verbose = 1;
		} else if (!strncmp(argv[a], "lwt=", 4)) {
			lwt = atoi(argv[a] + 4);
		} else {
			usage(argv[0]);
		}
	}
	setup(lwt);
	if (do_replay) {
		struct fz_src s;

		verbose = 1;
		fz_src_prng(&s, seed, replay);
		fz_gen(&s, &fr, (const uint8_t (*)[6])nic_mac);
		run_one(&fr, replay);
		hexdump("in ", fr.buf, fr.len);
		report(!st.failures, "replay of frame %llu (seed %#llx)", replay, seed);
		vrouter__destroy(skel);
		return st.failures ? 1 : 0;
	}

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		struct fz_src s;

		fz_src_prng(&s, seed, i);
		fz_gen(&s, &fr, (const uint8_t (*)[6])nic_mac);
		run_one(&fr, i);
		if ((i + 1) % FZ_CHECK_EVERY == 0 && counters_ok && !counters_match()) {
			printf("#   ^ counters differ from the model after %llu frames\n", i + 1);
			counters_ok = 0;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

	printf("# %llu frames (seed %#llx) in %.1f s, %.2f us per frame; lwt route %s\n",
	       n, seed, secs, secs * 1e6 / (double)(n ? n : 1), lwt ? "present" : "absent");
	for (a = 0; a < FZ_S_MAX; a++)
		if (st.fail_site[a])
			printf("#   failures where the model took %s: %llu\n", fz_site_name[a],
			       st.fail_site[a]);
	report(!st.failures, "%llu frames: every run met the invariants and the model "
	       "(%llu failures; replay one with --replay INDEX -s %#llx)", n, st.failures, seed);
	report(counters_ok, "counters equal the model every %d frames (%llu checks)",
	       FZ_CHECK_EVERY, st.counter_checks);
	final_counters();
	ecmp_ok();
	report(coverage(stdout), "coverage: every enum vr_pass_reason, REDIRECT for IPv4 and "
	       "IPv6, policed and no_vr reached");
	vrouter__destroy(skel);
	printf("# fuzz_dataplane: %d passed, %d failed\n", n_ok, n_fail);
	return n_fail ? 1 : 0;
}

#endif
