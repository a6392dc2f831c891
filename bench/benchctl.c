// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * benchctl: the benchmark's data-plane plumbing, run inside a namespace
 * (nsenter --net=...; bpffs must be visible, so not `ip netns exec`).
 *
 *   benchctl sink-attach PIN_DIR IFACE DMAC SMAC|any TTL
 *   benchctl sink-read PIN_DIR                 JSON on stdout
 *   benchctl xdpfwd-attach IFACE...            the no-VR bound (xdpfwd.bpf.c)
 *   benchctl vr-attach PIN_DIR IFACE...        vrouter (vrctl load's data path,
 *                                              native), maps pinned in PIN_DIR
 *   benchctl vr PIN_DIR -                      map entries from stdin, lines:
 *       mac IFACE MAC VR_ID TABLE
 *       port VR_ID IFACE MAC
 *       neigh VR_ID IFACE ADDR MAC
 *       rpf IFACE MAC 0|1|2       (the VR's rp_filter on that entry)
 *       macflags IFACE MAC FLAGS  (its VR_MACF_* bits; `mac` sets vrctl's)
 *   benchctl vr-stats PIN_DIR VR_ID            JSON on stdout
 *   benchctl limit PIN_DIR VR_ID PPS BURST [BPS BURST_BYTES]
 *                                              a VR's admission limit (0: none)
 *   benchctl admit-cmp MODE PPS BURST SPLIT CPU[:DUTY],... SECONDS
 *                                              admission algorithms side by side
 *                                              (admitcmp.bpf.c), JSON on stdout
 *   benchctl hog CPU DUTY PERIOD_US SECONDS PRIO
 *                                              take (1 - DUTY) of CPU at SCHED_FIFO
 *                                              PRIO, in slices of PERIOD_US: a
 *                                              slower DUT core for the benchmark
 *   benchctl prog-cost IFACE DMAC SRC DST CPU,... SECONDS [LEN CSUM]
 *                                              ns per run of the XDP program
 *                                              attached to IFACE, one IPv4/UDP
 *                                              frame, BPF_PROG_RUN repeat; LEN
 *                                              bytes (60), UDP checksum CSUM:
 *                                              none (default), complete, partial
 *
 * XDP programs are attached in native mode over netlink, so they stay
 * after this exits; they go with the namespace's devices.  vrouter's
 * maps are loaded, written and read through the core (libvrouter:
 * core/datapath.h, core/maps.h), as vrctl does.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "vrouter.h"
#include "core/datapath.h"
#include "core/maps.h"
#include "lib/log.h"
#include "lib/parse.h"
#include "bench.h"
#include "bench_util.h"
#include "bench/sink.skel.h"
#include "bench/xdpfwd.skel.h"
#include "bench/admitcmp.skel.h"

static void die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	if (log_error_count())	/* the core said why, in one line */
		exit(1);
	fprintf(stderr, "benchctl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static unsigned int ifindex_of(const char *name)
{
	unsigned int i = if_nametoindex(name);

	if (!i)
		die("no device %s", name);
	return i;
}

static void mac_arg(const char *s, __u8 mac[VR_ETH_ALEN])
{
	if (parse_mac(s, mac))
		die("bad MAC %s", s);
}

static void attach(int prog_fd, unsigned int ifindex, const char *name)
{
	int err = bpf_xdp_attach(ifindex, prog_fd, XDP_FLAGS_DRV_MODE, NULL);

	if (err)
		die("attach to %s: %s", name, strerror(-err));
}

static void pin(struct bpf_map *m, const char *dir)
{
	char path[512];
	int err;

	snprintf(path, sizeof(path), "%s/%s", dir, bpf_map__name(m));
	err = bpf_map__pin(m, path);
	if (err)
		die("pin %s: %s", path, strerror(-err));
}

static int open_pinned(const char *dir, const char *name)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = bpf_obj_get(path);
	if (fd < 0)
		die("cannot open %s", path);
	return fd;
}

static int cmd_sink_attach(int argc, char **argv)
{
	struct sink *skel;
	unsigned int ifindex;
	__u8 mac[VR_ETH_ALEN];
	int i, err;

	if (argc != 6)
		die("usage: sink-attach PIN_DIR IFACE DMAC SMAC|any TTL");
	ifindex = ifindex_of(argv[2]);
	skel = sink__open();
	if (!skel)
		die("open sink: %s", strerror(errno));
	mac_arg(argv[3], mac);
	for (i = 0; i < VR_ETH_ALEN; i++)
		*(__u8 *)&skel->rodata->exp_dmac[i] = mac[i];
	if (strcmp(argv[4], "any")) {
		mac_arg(argv[4], mac);
		for (i = 0; i < VR_ETH_ALEN; i++)
			*(__u8 *)&skel->rodata->exp_smac[i] = mac[i];
		skel->rodata->check_smac = 1;
	}
	skel->rodata->exp_ttl = atoi(argv[5]);
	err = sink__load(skel);
	if (err)
		die("load sink: %s", strerror(-err));
	mkdir(argv[1], 0700);
	pin(skel->maps.sink_stats, argv[1]);
	pin(skel->maps.sink_flows, argv[1]);
	pin(skel->maps.sink_lat, argv[1]);
	attach(bpf_program__fd(skel->progs.sink), ifindex, argv[2]);
	sink__destroy(skel);
	return 0;
}

/* The sink's counters over the CPUs: sums, but lat_max is a maximum. */
static void sink_stats_read(int fd, struct bench_sink_stats *s)
{
	int ncpus = libbpf_num_possible_cpus(), i;
	struct bench_sink_stats *v;
	__u32 zero = 0;

	if (ncpus <= 0)
		die("cannot count CPUs");
	v = calloc(ncpus, sizeof(*v));
	if (!v)
		die("out of memory");
	if (bpf_map_lookup_elem(fd, &zero, v))
		die("read sink_stats: %s", strerror(errno));
	memset(s, 0, sizeof(*s));
	for (i = 0; i < ncpus; i++) {
		s->rx += v[i].rx;
		s->ours += v[i].ours;
		s->bytes += v[i].bytes;
		s->bad_mac += v[i].bad_mac;
		s->bad_ttl += v[i].bad_ttl;
		s->other += v[i].other;
		s->lat_sum += v[i].lat_sum;
		if (v[i].lat_max > s->lat_max)
			s->lat_max = v[i].lat_max;
	}
	free(v);
}

/* "KEY":{"i":count,...}: the non-zero entries of the per-CPU __u64 array
 * PIN_DIR/MAP (N entries), summed over the CPUs.
 */
static void print_percpu_counts(const char *dir, const char *map, const char *key, __u32 n)
{
	int fd = open_pinned(dir, map), first = 1;
	uint64_t v;
	__u32 k;

	printf("\"%s\":{", key);
	for (k = 0; k < n; k++) {
		if (vr_percpu_sum(fd, &k, &v, 1) || !v)
			continue;
		printf("%s\"%u\":%llu", first ? "" : ",", k, (unsigned long long)v);
		first = 0;
	}
	printf("}");
	close(fd);
}

static int cmd_sink_read(int argc, char **argv)
{
	struct bench_sink_stats s;
	int fd;

	if (argc != 2)
		die("usage: sink-read PIN_DIR");
	fd = open_pinned(argv[1], "sink_stats");
	sink_stats_read(fd, &s);
	close(fd);
	printf("{\"rx\":%llu,\"ours\":%llu,\"bytes\":%llu,\"bad_mac\":%llu,"
	       "\"bad_ttl\":%llu,\"other\":%llu,\"lat_sum\":%llu,\"lat_max\":%llu,",
	       (unsigned long long)s.rx, (unsigned long long)s.ours,
	       (unsigned long long)s.bytes, (unsigned long long)s.bad_mac,
	       (unsigned long long)s.bad_ttl, (unsigned long long)s.other,
	       (unsigned long long)s.lat_sum, (unsigned long long)s.lat_max);
	print_percpu_counts(argv[1], "sink_flows", "flows", BENCH_MAX_FLOWS);
	printf(",");
	print_percpu_counts(argv[1], "sink_lat", "lat", BENCH_LAT_BUCKETS);
	printf(",\"lat_sub\":%d}\n", BENCH_LAT_SUB);
	return 0;
}

static int cmd_xdpfwd_attach(int argc, char **argv)
{
	struct bpf_devmap_val dv = {};
	struct xdpfwd *skel;
	unsigned int ifindex;
	int i, err;

	if (argc < 2)
		die("usage: xdpfwd-attach IFACE...");
	skel = xdpfwd__open_and_load();
	if (!skel)
		die("load xdpfwd: %s", strerror(errno));
	for (i = 1; i < argc; i++) {
		ifindex = ifindex_of(argv[i]);
		dv.ifindex = ifindex;
		err = bpf_map_update_elem(bpf_map__fd(skel->maps.fwd_ports),
					  &ifindex, &dv, 0);
		if (err)
			die("devmap: %s", strerror(errno));
		attach(bpf_program__fd(skel->progs.xdpfwd), ifindex, argv[i]);
	}
	xdpfwd__destroy(skel);
	return 0;
}

/* ---- vrouter, through the core (libvrouter) -------------------------- */

static struct vr_state vr_st;

/* vrouter's maps pinned in PIN_DIR, open; LOCK: the pin directory locked
 * too (the commands that write).
 */
static struct vr_state *vr_open(const char *pin_dir, bool lock)
{
	vr_state_init(&vr_st, pin_dir);
	if (lock ? vr_state_open(&vr_st) : vr_maps_open(&vr_st))
		die("cannot open vrouter's maps in %s", pin_dir);
	return &vr_st;
}

static __u32 u32_arg(const char *s)
{
	uint32_t v;

	if (parse_u32(s, 0, UINT32_MAX, &v))
		die("bad number %s", s);
	return v;
}

static __u64 u64_arg(const char *s)
{
	uint64_t v;

	if (parse_u64(s, 0, UINT64_MAX, &v))
		die("bad number %s", s);
	return v;
}

/* vrctl load's data path, in native mode; the maps pinned in PIN_DIR. */
static int cmd_vr_attach(int argc, char **argv)
{
	struct vr_load_req req = {
		.ifnames = (const char *const *)argv + 2, .n = argc - 2,
		.mode = XDP_MODE_NATIVE,
	};

	if (argc < 3)
		die("usage: vr-attach PIN_DIR IFACE...");
	vr_state_init(&vr_st, argv[1]);
	if (vr_dp_load(&vr_st, &req))
		die("cannot attach vrouter");
	vr_state_close(&vr_st);
	return 0;
}

/* One map line of `vr PIN_DIR -` (A[0] the kind, N words): 0 or -errno.
 * Every entry is new: the bench writes each once into fresh maps.
 */
static int vr_line_entry(struct vr_state *st, char a[5][64], int n)
{
	__u8 mac[VR_ETH_ALEN], addr[16];
	struct vr_neigh_key k;
	int family;

	if (!strcmp(a[0], "mac") && n == 5) {
		if (parse_mac(a[2], mac))
			return -EINVAL;
		return vr_mac_add(st, ifindex_of(a[1]), mac, u32_arg(a[3]), u32_arg(a[4]),
				  vr_nic_mac_flags(ifindex_of(a[1])));
	}
	if (!strcmp(a[0], "port") && n == 4) {
		if (parse_mac(a[3], mac))
			return -EINVAL;
		return vr_port_add(st, u32_arg(a[1]), ifindex_of(a[2]), mac, a[2]);
	}
	if (!strcmp(a[0], "rpf") && n == 4) {	/* rpf IFACE MAC 0|1|2: the VR's rp_filter */
		if (parse_mac(a[2], mac))
			return -EINVAL;
		n = vr_mac_set_rpf(st, ifindex_of(a[1]), mac, (__u8)u32_arg(a[3]));
		return n < 0 ? n : 0;
	}
	if (!strcmp(a[0], "macflags") && n == 4) {	/* macflags IFACE MAC FLAGS: VR_MACF_* */
		if (parse_mac(a[2], mac))
			return -EINVAL;
		n = vr_mac_set_flags(st, ifindex_of(a[1]), mac, (__u8)u32_arg(a[3]));
		return n < 0 ? n : 0;
	}
	if (!strcmp(a[0], "neigh") && n == 5) {
		family = strchr(a[3], ':') ? AF_INET6 : AF_INET;
		if (inet_pton(family, a[3], addr) != 1 || parse_mac(a[4], mac))
			return -EINVAL;
		vr_neigh_key_init(&k, u32_arg(a[1]), ifindex_of(a[2]), family, addr);
		return vr_neigh_set(st, &k, mac, BPF_ANY);
	}
	return -EINVAL;
}

static int cmd_vr(int argc, char **argv)
{
	struct vr_state *st;
	char line[512], a[5][64];
	int n, err;

	if (argc != 3 || strcmp(argv[2], "-"))
		die("usage: vr PIN_DIR - (entries on stdin)");
	st = vr_open(argv[1], true);
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = 0;
		n = sscanf(line, "%63s %63s %63s %63s %63s", a[0], a[1], a[2], a[3], a[4]);
		if (n <= 0)
			continue;
		err = vr_line_entry(st, a, n);
		if (err)
			die("bad entry or map update failed (%s): %s", strerror(-err), line);
	}
	vr_state_close(st);
	return 0;
}

static int cmd_vr_stats(int argc, char **argv)
{
	struct vr_state *st;
	struct vr_stats s;
	int r, err;

	if (argc != 3)
		die("usage: vr-stats PIN_DIR VR_ID");
	st = vr_open(argv[1], false);
	err = vr_stats_read(st, u32_arg(argv[2]), &s);
	if (err)
		die("read %s: %s", VR_MAP_STATS, strerror(-err));
	printf("{\"rx\":%llu,\"fwd\":%llu,\"policed\":%llu,\"pass\":[",
	       (unsigned long long)s.rx.packets, (unsigned long long)s.fwd.packets,
	       (unsigned long long)s.policed.packets);
	for (r = 0; r < VR_PASS_MAX; r++)
		printf("%s%llu", r ? "," : "", (unsigned long long)s.pass[r].packets);
	printf("]}\n");
	vr_state_close(st);
	return 0;
}

/* A VR's admission limit, as vrctl set-router writes it. */
static int cmd_limit(int argc, char **argv)
{
	struct vr_limit l = {};
	struct vr_state *st;
	__u32 vr_id;

	if (argc != 5 && argc != 7)
		die("usage: limit PIN_DIR VR_ID PPS BURST [BPS BURST_BYTES]");
	vr_id = u32_arg(argv[2]);
	l.rate_pps = u64_arg(argv[3]);
	l.burst = u32_arg(argv[4]);
	if (argc == 7) {
		l.rate_bps = u64_arg(argv[5]);
		l.burst_bytes = u64_arg(argv[6]);
	}
	if (vr_limit_derive(&l))
		die("limit out of range");
	st = vr_open(argv[1], true);
	if (vr_limit_write(st, vr_id, &l))
		die("write limit");
	vr_state_close(st);
	return 0;
}

/* One thread per CPU, BPF_PROG_RUN repeat in a loop for `secs`, busy a
 * `duty` fraction of the time (sleeping in between).
 */
struct runner {
	pthread_t th;
	int prog_fd, cpu;
	double duty, secs;
	const void *frame;
	__u32 len, ifindex;
	__u64 runs;
	double busy_ns;		/* sum over calls of repeat * duration */
	__u32 retval;
	int err;
};

static void *run_thread(void *arg)
{
	struct runner *r = arg;
	cpu_set_t set;
	double t0, a, b;
	__u32 repeat = 20000;

	CPU_ZERO(&set);
	CPU_SET(r->cpu, &set);
	if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set)) {
		r->err = -EINVAL;
		return NULL;
	}
	t0 = bench_mono_s();
	while ((a = bench_mono_s()) - t0 < r->secs) {
		struct xdp_md md = { .data_end = r->len, .ingress_ifindex = r->ifindex };
		LIBBPF_OPTS(bpf_test_run_opts, o,
			.data_in = r->frame, .data_size_in = r->len,
			.ctx_in = &md, .ctx_size_in = sizeof(md),
			.repeat = repeat,
		);

		if (bpf_prog_test_run_opts(r->prog_fd, &o)) {
			r->err = -errno;
			return NULL;
		}
		b = bench_mono_s();
		r->runs += repeat;
		r->busy_ns += (double)repeat * o.duration;
		r->retval = o.retval;
		/* ~10 ms per call: the syscall and its setup stay negligible */
		repeat = o.duration ? (__u32)(10e6 / o.duration) : 1u << 20;
		if (repeat < 1000)
			repeat = 1000;
		if (r->duty < 1) {
			struct timespec ts;
			double idle = (b - a) * (1 - r->duty) / r->duty;

			ts.tv_sec = (time_t)idle;
			ts.tv_nsec = (long)((idle - ts.tv_sec) * 1e9);
			nanosleep(&ts, NULL);
		}
	}
	return NULL;
}

/* "0:1,1:0.1" -> runners; returns their number. */
static int parse_cpus(const char *s, struct runner *r, int max)
{
	char *copy = strdup(s), *item, *save = NULL, *colon;
	int n = 0;

	for (item = strtok_r(copy, ",", &save); item && n < max;
	     item = strtok_r(NULL, ",", &save), n++) {
		memset(&r[n], 0, sizeof(r[n]));
		colon = strchr(item, ':');
		r[n].cpu = atoi(item);
		r[n].duty = colon ? atof(colon + 1) : 1.0;
		if (r[n].duty <= 0 || r[n].duty > 1)
			die("bad duty in %s", s);
	}
	free(copy);
	return n;
}

static void run_all(struct runner *r, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (pthread_create(&r[i].th, NULL, run_thread, &r[i]))
			die("pthread_create");
	for (i = 0; i < n; i++) {
		pthread_join(r[i].th, NULL);
		if (r[i].err)
			die("BPF_PROG_RUN on CPU %d: %s", r[i].cpu, strerror(-r[i].err));
	}
}

static void print_runners(const struct runner *r, int n)
{
	int i;

	printf("\"cpus\":[");
	for (i = 0; i < n; i++)
		printf("%s{\"cpu\":%d,\"duty\":%.3f,\"runs\":%llu,\"ns_per_run\":%.2f,\"retval\":%u}",
		       i ? "," : "", r[i].cpu, r[i].duty, (unsigned long long)r[i].runs,
		       r[i].runs ? r[i].busy_ns / r[i].runs : 0, r[i].retval);
	printf("]");
}

/* N runners of PROG_FD on FRAME (LEN bytes, from IFINDEX) for SECS. */
static void runners_set(struct runner *r, int n, int prog_fd, const void *frame, __u32 len,
			__u32 ifindex, const char *secs)
{
	int i;

	for (i = 0; i < n; i++) {
		r[i].prog_fd = prog_fd;
		r[i].frame = frame;
		r[i].len = len;
		r[i].ifindex = ifindex;
		r[i].secs = atof(secs);
	}
}

static int cmd_admit_cmp(int argc, char **argv)
{
	static const char *const modes[] = { "none", "lookup", "shared", "percpu", "slot",
					     "clock", "coarse" };
	struct runner r[16];
	struct admitcmp *skel;
	struct vr_limit l = {};
	uint64_t st[2];		/* cmp_stats summed: admitted, policed */
	__u8 frame[60] = { 0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0x00 };
	__u32 key = 1, mode;
	double t0, el;
	int n, err;

	if (argc != 7)
		die("usage: admit-cmp MODE PPS BURST SPLIT CPU[:DUTY],... SECONDS");
	for (mode = 0; mode < 7 && strcmp(argv[1], modes[mode]); mode++)
		;
	if (mode == 7)
		die("mode: none|lookup|shared|percpu|slot|clock|coarse");
	n = parse_cpus(argv[5], r, 16);
	skel = admitcmp__open();
	if (!skel)
		die("open admitcmp");
	skel->rodata->mode = mode;
	skel->rodata->ncpus = atoi(argv[4]);
	if (admitcmp__load(skel))
		die("load admitcmp");
	l.rate_pps = strtoull(argv[2], NULL, 10);
	l.burst = atoi(argv[3]);
	if (vr_limit_derive(&l))
		die("limit out of range");
	if (getenv("ADMIT_NO_BATCH"))		/* one frame of credit at a time */
		l.pkt_batch = l.pkt_cost;
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.cmp_limits), &key, &l, 0))
		die("cmp_limits: %s", strerror(errno));
	runners_set(r, n, bpf_program__fd(skel->progs.admit_cmp), frame, sizeof(frame), 1,
		    argv[6]);
	t0 = bench_mono_s();
	run_all(r, n);
	el = bench_mono_s() - t0;
	key = 0;
	err = vr_percpu_sum(bpf_map__fd(skel->maps.cmp_stats), &key, st, 2);
	if (err)
		die("cmp_stats: %s", strerror(-err));
	printf("{\"mode\":\"%s\",\"limit_pps\":%llu,\"burst\":%u,\"split\":%s,\"seconds\":%.3f,"
	       "\"admitted\":%llu,\"policed\":%llu,\"admitted_pps\":%.0f,",
	       modes[mode], (unsigned long long)l.rate_pps, l.burst, argv[4], el,
	       (unsigned long long)st[0], (unsigned long long)st[1], st[0] / el);
	print_runners(r, n);
	printf("}\n");
	admitcmp__destroy(skel);
	return 0;
}

/* Ones' complement sum of LEN bytes (big-endian words) onto SUM, folded. */
static __u16 sum16(const __u8 *p, size_t len, __u32 sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/* prog-cost's UDP checksum: none (0), complete, or left to offload (the
 * pseudo-header sum, as a sender behind a veth leaves it).
 */
enum udp_csum { UDP_CSUM_NONE, UDP_CSUM_COMPLETE, UDP_CSUM_PARTIAL };

/* An IPv4/UDP frame of LEN bytes (60: 64 with FCS) to DMAC, SRC -> DST,
 * TTL 64, ports 40 -> 9, header checksum filled, UDP checksum as CSUM.
 */
static void udp4_frame(__u8 *frame, size_t len, const char *dmac, const char *src,
		       const char *dst, enum udp_csum csum)
{
	struct in_addr s4, d4;
	__u32 sum = 0;
	__u16 c;
	int i;

	memset(frame, 0, len);
	if (parse_mac(dmac, frame) || inet_pton(AF_INET, src, &s4) != 1 ||
	    inet_pton(AF_INET, dst, &d4) != 1)
		die("bad MAC or address");
	memcpy(frame + 6, "\x02\x00\x00\x00\x00\x02", 6);
	frame[12] = 0x08;
	frame[14] = 0x45;
	frame[16] = (__u8)((len - 14) >> 8);	/* tot_len */
	frame[17] = (__u8)(len - 14);
	frame[22] = 64;			/* TTL */
	frame[23] = 17;			/* UDP */
	memcpy(frame + 26, &s4, 4);
	memcpy(frame + 30, &d4, 4);
	frame[35] = 0x28; frame[37] = 9;	/* ports 40, 9 */
	frame[38] = (__u8)((len - 34) >> 8);	/* UDP length */
	frame[39] = (__u8)(len - 34);
	for (i = 14; i < 34; i += 2)
		sum += frame[i] << 8 | frame[i + 1];
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	frame[24] = (__u8)(~sum >> 8);
	frame[25] = (__u8)~sum;
	if (csum == UDP_CSUM_NONE)
		return;
	sum = sum16(frame + 26, 8, 17 + (__u32)(len - 34));	/* pseudo-header */
	c = csum == UDP_CSUM_PARTIAL ? (__u16)sum : (__u16)~sum16(frame + 34, len - 34, sum);
	if (csum == UDP_CSUM_COMPLETE && !c)
		c = 0xffff;
	frame[40] = (__u8)(c >> 8);
	frame[41] = (__u8)c;
}

static int cmd_prog_cost(int argc, char **argv)
{
	static const char *const csums[] = { "none", "complete", "partial" };
	struct runner r[16];
	struct admitcmp *skel;
	static __u8 frame[1514];
	__u32 prog_id = 0, key = 0, ifindex, len = 60, csum = UDP_CSUM_NONE;
	int n, prog_fd, tfd;

	if (argc != 7 && argc != 9)
		die("usage: prog-cost IFACE DMAC SRC DST CPU,... SECONDS [LEN none|complete|partial]");
	if (argc == 9) {
		len = (__u32)u64_arg(argv[7]);
		for (csum = 0; csum < 3 && strcmp(argv[8], csums[csum]); csum++)
			;
		if (len < 60 || len > sizeof(frame) || csum == 3)
			die("prog-cost: LEN 60..%zu, none|complete|partial", sizeof(frame));
	}
	ifindex = ifindex_of(argv[1]);
	if (bpf_xdp_query_id(ifindex, 0, &prog_id) || !prog_id)
		die("no XDP program on %s", argv[1]);
	prog_fd = bpf_prog_get_fd_by_id(prog_id);
	if (prog_fd < 0)
		die("prog %u: %s", prog_id, strerror(errno));
	udp4_frame(frame, len, argv[2], argv[3], argv[4], (enum udp_csum)csum);

	skel = admitcmp__open_and_load();
	if (!skel)
		die("load admitcmp");
	memcpy(skel->bss->tmpl, frame, sizeof(skel->bss->tmpl));
	tfd = bpf_map__fd(skel->maps.target);
	if (bpf_map_update_elem(tfd, &key, &prog_fd, 0))
		die("target: %s", strerror(errno));
	n = parse_cpus(argv[5], r, 16);
	/* The UDP checksum (bytes 40-41), which the program may complete, is
	 * in the 60 bytes restored before every run.
	 */
	runners_set(r, n, bpf_program__fd(skel->progs.restore_and_call), frame, len, ifindex,
		    argv[6]);
	run_all(r, n);
	printf("{\"prog_id\":%u,", prog_id);
	print_runners(r, n);
	printf("}\n");
	admitcmp__destroy(skel);
	return 0;
}

/*
 * Emulate a slower core: spin for (1 - DUTY) * PERIOD, sleep DUTY * PERIOD
 * (absolute deadlines), at a real-time priority above the DUT's kthreads.
 * Short periods (~100 us) keep each gap within what a veth ring (256
 * frames) absorbs, so the DUT loses CPU time, not frames.
 */
static int cmd_hog(int argc, char **argv)
{
	struct sched_param sp = {};
	struct timespec next;
	cpu_set_t set;
	double duty, end;
	long period;

	if (argc != 6)
		die("usage: hog CPU DUTY PERIOD_US SECONDS PRIO");
	CPU_ZERO(&set);
	CPU_SET(atoi(argv[1]), &set);
	duty = atof(argv[2]);
	period = atol(argv[3]) * 1000;
	sp.sched_priority = atoi(argv[5]);
	if (sched_setaffinity(0, sizeof(set), &set) ||
	    sched_setscheduler(0, SCHED_FIFO, &sp))
		die("hog: %s", strerror(errno));
	end = bench_mono_s() + atof(argv[4]);
	clock_gettime(CLOCK_MONOTONIC, &next);
	while (bench_mono_s() < end) {
		double spin_until;

		next.tv_nsec += period;
		while (next.tv_nsec >= 1000000000) {
			next.tv_nsec -= 1000000000;
			next.tv_sec++;
		}
		spin_until = next.tv_sec + next.tv_nsec / 1e9 - duty * period / 1e9;
		while (bench_mono_s() < spin_until)
			;
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int argc, char **argv);
	} cmds[] = {
		{ "sink-attach", cmd_sink_attach }, { "sink-read", cmd_sink_read },
		{ "xdpfwd-attach", cmd_xdpfwd_attach }, { "vr-attach", cmd_vr_attach },
		{ "vr", cmd_vr }, { "vr-stats", cmd_vr_stats }, { "limit", cmd_limit },
		{ "admit-cmp", cmd_admit_cmp }, { "prog-cost", cmd_prog_cost },
		{ "hog", cmd_hog },
	};
	size_t i;

	if (argc < 2)
		die("usage: benchctl sink-attach|sink-read|xdpfwd-attach|vr-attach|vr|vr-stats|limit|admit-cmp|prog-cost|hog ...");
	argc--, argv++;
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[0], cmds[i].name))
			return cmds[i].run(argc, argv);
	die("unknown command %s", argv[0]);
}
