/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Harness shared by the BPF_PROG_RUN programs that drive the real XDP data
 * plane (tests/test_dataplane.c, tests/fuzz/fuzz_dataplane.c): TAP-style
 * reporting ("ok - ..." / "not ok - ..." and "#" details), names of XDP
 * actions and pass reasons, per-CPU counter sums, loading the skeleton with
 * private (unpinned) maps, writing map entries, and one XDP run.
 *
 * Header-only (static functions, like frame.h); include it after
 * "vrouter.h" and "vrouter.skel.h".  The including program owns n_ok,
 * n_fail and ncpus through this header (ncpus is set by dp_load_private).
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

static int n_ok, n_fail;
static int ncpus;

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
	static __u64 *buf;
	static size_t cap;
	size_t need = (size_t)ncpus * n;
	int c;
	size_t i;

	if (need > cap) {
		free(buf);
		buf = calloc(need, sizeof(__u64));
		cap = need;
		if (!buf)
			die("calloc", ENOMEM);
	}
	memset(out, 0, n * sizeof(__u64));
	if (bpf_map_lookup_elem(fd, key, buf)) {
		if (errno != ENOENT)
			die("per-CPU lookup", errno);
		return;
	}
	for (c = 0; c < ncpus; c++)
		for (i = 0; i < n; i++)
			out[i] += buf[(size_t)c * n + i];
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
 * creation of a pin.  Sets ncpus.  Dies on any error.
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
	ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0)
		die("libbpf_num_possible_cpus", ncpus);
	return skel;
}

/* vr_macs: (ingress ifindex, MAC) -> (VR, table). */
static inline void dp_add_mac(int fd, __u32 ifindex, const __u8 mac[6], __u32 vr_id,
			      __u32 table_id)
{
	struct vr_mac_key k;
	struct vr_mac_val v = { .vr_id = vr_id, .table_id = table_id };

	memset(&k, 0, sizeof(k));
	k.ifindex = ifindex;
	memcpy(k.mac, mac, 6);
	if (bpf_map_update_elem(fd, &k, &v, BPF_NOEXIST))
		die("vr_macs update", errno);
}

/* vr_ports: (VR, egress ifindex) -> the VR's MAC there. */
static inline void dp_add_port(int fd, __u32 vr_id, __u32 ifindex, const __u8 mac[6])
{
	struct vr_port_key k = { .vr_id = vr_id, .ifindex = ifindex };
	struct vr_port_val v;

	memset(&v, 0, sizeof(v));
	memcpy(v.mac, mac, 6);
	if (bpf_map_update_elem(fd, &k, &v, BPF_NOEXIST))
		die("vr_ports update", errno);
}

/* vr_neigh: (VR, ifindex, family, address) -> MAC. */
static inline void dp_add_neigh(int fd, __u32 vr_id, __u32 ifindex, __u8 family,
				const void *addr, size_t addr_len, const __u8 mac[6])
{
	struct vr_neigh_key k;
	struct vr_neigh_val v;

	memset(&k, 0, sizeof(k));
	memset(&v, 0, sizeof(v));
	k.vr_id = vr_id;
	k.ifindex = ifindex;
	k.family = family;
	memcpy(k.addr, addr, addr_len);
	memcpy(v.mac, mac, 6);
	if (bpf_map_update_elem(fd, &k, &v, BPF_NOEXIST))
		die("vr_neigh update", errno);
}

/* vr_tx_ports: ifindex -> itself (a redirect target). */
static inline void dp_add_tx(int fd, __u32 ifindex)
{
	struct bpf_devmap_val v = { .ifindex = ifindex };

	if (bpf_map_update_elem(fd, &ifindex, &v, BPF_NOEXIST))
		die("vr_tx_ports update", errno);
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
