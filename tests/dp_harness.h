/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Harness shared by the BPF_PROG_RUN programs that drive the real XDP data
 * plane (tests/test_dataplane.c, tests/fuzz/fuzz_dataplane.c): TAP-style
 * reporting ("ok - ..." / "not ok - ..." and "#" details), names of XDP
 * actions and pass reasons, per-CPU counter sums, loading the skeleton with
 * private (unpinned) maps, writing map entries, and one XDP run.
 *
 * Map entries and counters go through the core's typed helpers
 * (loader/core/maps.h) on the skeleton's private maps.
 *
 * Header-only (static functions, like frame.h); include it after
 * "vrouter.h" and "vrouter.skel.h".  The including program owns n_ok,
 * n_fail and dp_st through this header (dp_st is set by dp_load_private).
 */
#ifndef VR_TEST_DP_HARNESS_H
#define VR_TEST_DP_HARNESS_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "core/maps.h"

static int n_ok, n_fail;
static struct vr_state dp_st;	/* the loaded skeleton's maps */

/* ---- reporting ---- */

static inline void report(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline void report(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s - ", ok ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (ok)
		n_ok++;
	else
		n_fail++;
}

static inline void die(const char *what, int err) __attribute__((noreturn));
static inline void die(const char *what, int err)
{
	report(0, "setup: %s: %s", what, strerror(err < 0 ? -err : err));
	exit(1);
}

static inline void hexdump(const char *tag, const __u8 *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (i % 16 == 0)
			printf("%s#   %s %04zx:", i ? "\n" : "", tag, i);
		printf(" %02x", p[i]);
	}
	putchar('\n');
}

static inline const char *action_name(__u32 a)
{
	switch (a) {
	case XDP_ABORTED: return "XDP_ABORTED";
	case XDP_DROP: return "XDP_DROP";
	case XDP_PASS: return "XDP_PASS";
	case XDP_TX: return "XDP_TX";
	case XDP_REDIRECT: return "XDP_REDIRECT";
	default: return "?";
	}
}

/* Pass reasons as the tests print them, in enum vr_pass_reason order. */
static const char *const reason_name[VR_PASS_MAX] = {
	"NOT_IP", "MALFORMED", "IP_OPTIONS", "IPV6_HOPOPT", "ADDR_SCOPE", "TTL",
	"NOT_FWDED", "BLACKHOLE", "UNREACHABLE", "PROHIBIT", "FWD_DISABLED",
	"FRAG_NEEDED", "UNSUPPORTED", "NO_NEIGH", "EGRESS_NOT_LOADED", "NO_PORT",
	"RP_FILTER", "FAST_PATH_OFF", "CSUM_PARTIAL",
};

/* libbpf's messages as "#" lines, without its debug chatter. */
static inline int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
static inline int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	fputs("# ", stdout);	/* libbpf's lines start with "libbpf: " */
	return vprintf(fmt, ap);
}

/* ---- counters ---- */

/* Sum a per-CPU value of n __u64s over all possible CPUs (0s if absent). */
static inline void percpu_sum(int fd, const void *key, __u64 *out, size_t n)
{
	int err = vr_percpu_sum(fd, key, (uint64_t *)out, n);

	if (err && err != -ENOENT)
		die("per-CPU lookup", err);
	if (err)
		memset(out, 0, n * sizeof(__u64));
}

/* One frame of len bytes on an expected counter. */
static inline void add(struct vr_counter *c, size_t len)
{
	c->packets++;
	c->bytes += len;
}

/* ---- program and maps ---- */

/*
 * Open and load the skeleton with every map private: LIBBPF_PIN_BY_NAME
 * gave each map a pin path at open; clearing it means neither reuse nor
 * creation of a pin.  Sets dp_st.  Dies on any error.
 */
static inline struct vrouter *dp_load_private(void)
{
	struct vrouter *skel;
	struct bpf_map *m;
	int err;

	libbpf_set_print(libbpf_print);
	skel = vrouter__open();
	if (!skel)
		die("open skeleton", errno);
	bpf_object__for_each_map(m, skel->obj)
		if ((err = bpf_map__set_pin_path(m, NULL)))
			die("clear pin path", err);
	err = vrouter__load(skel);
	if (err)
		die("load", err);
	vr_state_init(&dp_st, NULL);
	err = vr_state_from_obj(&dp_st, skel->obj);
	if (err)
		die("maps of the skeleton", err);
	return skel;
}

/* vr_macs: (ingress ifindex, MAC) -> (VR, table, rp_filter, VR_MACF_*). */
static inline void dp_add_mac(__u32 ifindex, const __u8 mac[6], __u32 vr_id, __u32 table_id,
			      __u8 rp_filter, __u8 flags)
{
	int err = vr_mac_add(&dp_st, ifindex, mac, vr_id, table_id, flags);

	if (!err && rp_filter)
		err = vr_mac_set_rpf(&dp_st, ifindex, mac, rp_filter);
	if (err < 0)
		die("vr_macs update", err);
}

/* vr_ports: (VR, egress ifindex) -> the VR's MAC there. */
static inline void dp_add_port(__u32 vr_id, __u32 ifindex, const __u8 mac[6])
{
	int err = vr_port_add(&dp_st, vr_id, ifindex, mac, NULL);

	if (err)
		die("vr_ports update", err);
}

/* vr_neigh: (VR, ifindex, family, address) -> MAC; new entries only. */
static inline void dp_add_neigh(__u32 vr_id, __u32 ifindex, int family, const void *addr,
				const __u8 mac[6])
{
	struct vr_neigh_key k;
	int err;

	vr_neigh_key_init(&k, vr_id, ifindex, family, addr);
	err = vr_neigh_set(&dp_st, &k, mac, BPF_NOEXIST);
	if (err)
		die("vr_neigh update", err);
}

/* vr_tx_ports: ifindex -> itself (a redirect target). */
static inline void dp_add_tx(__u32 ifindex)
{
	int err = vr_devmap_add(&dp_st, ifindex);

	if (err)
		die("vr_tx_ports update", err);
}

/* ---- running ---- */

/*
 * One BPF_PROG_RUN of the XDP program on len bytes arriving on ifindex;
 * the output frame goes to out (out_size bytes), its length to *out_len
 * and the action to *action.  Returns 0 or the -errno of BPF_PROG_RUN.
 */
static inline int dp_xdp_run(int prog_fd, __u32 ifindex, const void *in, size_t len,
			     void *out, size_t out_size, __u32 *action, __u32 *out_len)
{
	struct xdp_md md = {
		.data = 0,
		.data_end = (__u32)len,
		.ingress_ifindex = ifindex,
	};
	LIBBPF_OPTS(bpf_test_run_opts, o,
		.data_in = in,
		.data_size_in = (__u32)len,
		.data_out = out,
		.data_size_out = (__u32)out_size,
		.ctx_in = &md,
		.ctx_size_in = sizeof(md),
		.repeat = 1,
	);
	int err = bpf_prog_test_run_opts(prog_fd, &o);

	*action = o.retval;
	*out_len = o.data_size_out;
	return err;
}

#endif /* VR_TEST_DP_HARNESS_H */
