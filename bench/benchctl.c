// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * benchctl: the benchmark's data-plane plumbing, run inside a namespace
 * (nsenter --net=...; bpffs must be visible, so not `ip netns exec`).
 *
 *   benchctl sink-attach PIN_DIR IFACE DMAC SMAC|any TTL
 *   benchctl sink-read PIN_DIR                 JSON on stdout
 *   benchctl xdpfwd-attach IFACE...            the no-VR bound (xdpfwd.bpf.c)
 *   benchctl vr-attach PIN_DIR IFACE...        vrouter, maps pinned in PIN_DIR
 *   benchctl vr PIN_DIR -                      map entries from stdin, lines:
 *       mac IFACE MAC VR_ID TABLE
 *       port VR_ID IFACE MAC
 *       neigh VR_ID IFACE ADDR MAC
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
 *   benchctl prog-cost IFACE DMAC SRC DST CPU,... SECONDS
 *                                              ns per run of the XDP program
 *                                              attached to IFACE, one IPv4/UDP
 *                                              frame, BPF_PROG_RUN repeat
 *
 * XDP programs are attached in native mode over netlink, so they stay
 * after this exits; they go with the namespace's devices.
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
#include <sys/stat.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "vrouter.h"
#include "core/maps.h"
#include "bench.h"
#include "bench_util.h"
#include "vrouter.skel.h"
#include "bench/sink.skel.h"
#include "bench/xdpfwd.skel.h"
#include "bench/admitcmp.skel.h"

static int ncpus;

static void die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

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

static void attach(int prog_fd, unsigned int ifindex, const char *name)
{
	int err = bpf_xdp_attach(ifindex, prog_fd, XDP_FLAGS_DRV_MODE, NULL);

	if (err)
		fprintf(stderr, "benchctl: attach to %s: %s\n", name, strerror(-err)),
		exit(1);
}

static void pin(struct bpf_map *m, const char *dir)
{
	char path[512];
	int err;

	snprintf(path, sizeof(path), "%s/%s", dir, bpf_map__name(m));
	err = bpf_map__pin(m, path);
	if (err)
		fprintf(stderr, "benchctl: pin %s: %s\n", path, strerror(-err)), exit(1);
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
	__u8 mac[6];
	int i, err;

	if (argc != 6)
		die("usage: sink-attach PIN_DIR IFACE DMAC SMAC|any TTL");
	ifindex = ifindex_of(argv[2]);
	skel = sink__open();
	if (!skel)
		die("open sink: %s", strerror(errno));
	if (parse_mac(argv[3], mac))
		die("bad MAC %s", argv[3]);
	for (i = 0; i < 6; i++)
		*(__u8 *)&skel->rodata->exp_dmac[i] = mac[i];
	if (strcmp(argv[4], "any")) {
		if (parse_mac(argv[4], mac))
			die("bad MAC %s", argv[4]);
		for (i = 0; i < 6; i++)
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

/* Sum a per-CPU __u64 array element. */
static __u64 percpu_u64(int fd, __u32 key)
{
	__u64 v[ncpus], s = 0;
	int i;

	if (bpf_map_lookup_elem(fd, &key, v))
		return 0;
	for (i = 0; i < ncpus; i++)
		s += v[i];
	return s;
}

static int cmd_sink_read(int argc, char **argv)
{
	struct bench_sink_stats v[ncpus], s = {};
	int fd, i, first = 1;
	__u32 zero = 0, k;
	__u64 n, fmin = ~0ull, fmax = 0, nflows = 0;

	if (argc != 2)
		die("usage: sink-read PIN_DIR");
	fd = open_pinned(argv[1], "sink_stats");
	if (bpf_map_lookup_elem(fd, &zero, v))
		die("read sink_stats: %s", strerror(errno));
	for (i = 0; i < ncpus; i++) {
		s.rx += v[i].rx;
		s.ours += v[i].ours;
		s.bytes += v[i].bytes;
		s.bad_mac += v[i].bad_mac;
		s.bad_ttl += v[i].bad_ttl;
		s.other += v[i].other;
		s.lat_sum += v[i].lat_sum;
		if (v[i].lat_max > s.lat_max)
			s.lat_max = v[i].lat_max;
	}
	close(fd);
	printf("{\"rx\":%llu,\"ours\":%llu,\"bytes\":%llu,\"bad_mac\":%llu,"
	       "\"bad_ttl\":%llu,\"other\":%llu,\"lat_sum\":%llu,\"lat_max\":%llu,",
	       (unsigned long long)s.rx, (unsigned long long)s.ours,
	       (unsigned long long)s.bytes, (unsigned long long)s.bad_mac,
	       (unsigned long long)s.bad_ttl, (unsigned long long)s.other,
	       (unsigned long long)s.lat_sum, (unsigned long long)s.lat_max);

	fd = open_pinned(argv[1], "sink_flows");
	printf("\"flows\":{");
	for (k = 0; k < BENCH_MAX_FLOWS; k++) {
		n = percpu_u64(fd, k);
		if (!n)
			continue;
		printf("%s\"%u\":%llu", first ? "" : ",", k, (unsigned long long)n);
		first = 0;
		nflows++;
		if (n < fmin)
			fmin = n;
		if (n > fmax)
			fmax = n;
	}
	close(fd);
	printf("},\"lat\":{");
	fd = open_pinned(argv[1], "sink_lat");
	first = 1;
	for (k = 0; k < BENCH_LAT_BUCKETS; k++) {
		n = percpu_u64(fd, k);
		if (!n)
			continue;
		printf("%s\"%u\":%llu", first ? "" : ",", k, (unsigned long long)n);
		first = 0;
	}
	close(fd);
	printf("},\"lat_sub\":%d}\n", BENCH_LAT_SUB);
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

static int cmd_vr_attach(int argc, char **argv)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = argv[1]);
	struct bpf_devmap_val dv = {};
	struct vrouter *skel;
	unsigned int ifindex;
	int i, err;

	if (argc < 3)
		die("usage: vr-attach PIN_DIR IFACE...");
	mkdir(argv[1], 0700);
	skel = vrouter__open_opts(&oo);
	if (!skel)
		die("open vrouter: %s", strerror(errno));
	err = vrouter__load(skel);
	if (err)
		die("load vrouter: %s", strerror(-err));
	for (i = 2; i < argc; i++) {
		ifindex = ifindex_of(argv[i]);
		dv.ifindex = ifindex;
		err = bpf_map_update_elem(bpf_map__fd(skel->maps.vr_tx_ports),
					  &ifindex, &dv, 0);
		if (err)
			die("vr_tx_ports: %s", strerror(errno));
		attach(bpf_program__fd(skel->progs.vr_forward), ifindex, argv[i]);
	}
	vrouter__destroy(skel);
	return 0;
}

static int vr_line(int fd_mac, int fd_port, int fd_neigh, char *line)
{
	char a[5][64];
	int n = sscanf(line, "%63s %63s %63s %63s %63s", a[0], a[1], a[2], a[3], a[4]);

	if (n <= 0)
		return 0;
	if (!strcmp(a[0], "mac") && n == 5) {
		struct vr_mac_key k = { .ifindex = ifindex_of(a[1]) };
		struct vr_mac_val v = { .vr_id = atoi(a[3]), .table_id = atoi(a[4]) };

		if (parse_mac(a[2], k.mac))
			return -1;
		return bpf_map_update_elem(fd_mac, &k, &v, 0);
	}
	if (!strcmp(a[0], "port") && n == 4) {
		struct vr_port_key k = { .vr_id = atoi(a[1]), .ifindex = ifindex_of(a[2]) };
		struct vr_port_val v = {};

		if (parse_mac(a[3], v.mac))
			return -1;
		return bpf_map_update_elem(fd_port, &k, &v, 0);
	}
	if (!strcmp(a[0], "neigh") && n == 5) {
		struct vr_neigh_key k = { .vr_id = atoi(a[1]), .ifindex = ifindex_of(a[2]) };
		struct vr_neigh_val v = {};

		if (strchr(a[3], ':')) {
			k.family = VR_AF_INET6;
			if (inet_pton(AF_INET6, a[3], k.addr) != 1)
				return -1;
		} else {
			k.family = VR_AF_INET;
			if (inet_pton(AF_INET, a[3], k.addr) != 1)
				return -1;
		}
		if (parse_mac(a[4], v.mac))
			return -1;
		return bpf_map_update_elem(fd_neigh, &k, &v, 0);
	}
	return -1;
}

static int cmd_vr(int argc, char **argv)
{
	int fd_mac, fd_port, fd_neigh;
	char line[512];

	if (argc != 3 || strcmp(argv[2], "-"))
		die("usage: vr PIN_DIR - (entries on stdin)");
	fd_mac = open_pinned(argv[1], VR_MAP_MACS);
	fd_port = open_pinned(argv[1], VR_MAP_PORTS);
	fd_neigh = open_pinned(argv[1], VR_MAP_NEIGH);
	while (fgets(line, sizeof(line), stdin)) {
		if (vr_line(fd_mac, fd_port, fd_neigh, line)) {
			line[strcspn(line, "\n")] = 0;
			die("bad entry or map update failed: %s", line);
		}
	}
	return 0;
}

static int cmd_vr_stats(int argc, char **argv)
{
	struct vr_stats v[ncpus];
	__u64 rx = 0, fwd = 0, policed = 0, pass[VR_PASS_MAX] = {};
	__u32 key;
	int fd, i, r;

	if (argc != 3)
		die("usage: vr-stats PIN_DIR VR_ID");
	key = atoi(argv[2]);
	fd = open_pinned(argv[1], VR_MAP_STATS);
	if (bpf_map_lookup_elem(fd, &key, v))
		die("read vr_stats: %s", strerror(errno));
	for (i = 0; i < ncpus; i++) {
		rx += v[i].rx.packets;
		fwd += v[i].fwd.packets;
		for (r = 0; r < VR_PASS_MAX; r++)
			pass[r] += v[i].pass[r].packets;
	}
	for (i = 0; i < ncpus; i++)
		policed += v[i].policed.packets;
	printf("{\"rx\":%llu,\"fwd\":%llu,\"policed\":%llu,\"pass\":[", (unsigned long long)rx,
	       (unsigned long long)fwd, (unsigned long long)policed);
	for (r = 0; r < VR_PASS_MAX; r++)
		printf("%s%llu", r ? "," : "", (unsigned long long)pass[r]);
	printf("]}\n");
	return 0;
}

static int cmd_limit(int argc, char **argv)
{
	struct vr_limit l = {};
	struct vr_bucket zero = {};
	int fd_l, fd_b;
	__u32 key;

	if (argc != 5 && argc != 7)
		die("usage: limit PIN_DIR VR_ID PPS BURST [BPS BURST_BYTES]");
	key = atoi(argv[2]);
	l.rate_pps = strtoull(argv[3], NULL, 10);
	l.burst = strtoul(argv[4], NULL, 10);
	if (argc == 7) {
		l.rate_bps = strtoull(argv[5], NULL, 10);
		l.burst_bytes = strtoull(argv[6], NULL, 10);
	}
	if (vr_limit_derive(&l))
		die("limit out of range");
	fd_l = open_pinned(argv[1], VR_MAP_LIMITS);
	fd_b = open_pinned(argv[1], VR_MAP_BUCKETS);
	{
		struct vr_limit cur;

		if (!bpf_map_lookup_elem(fd_l, &key, &cur))
			l.gen = cur.gen + 1;	/* CPUs drop older credit */
	}
	if (bpf_map_update_elem(fd_b, &key, &zero, 0) || bpf_map_update_elem(fd_l, &key, &l, 0))
		die("write limit: %s", strerror(errno));
	return 0;
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
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
	t0 = mono_s();
	while ((a = mono_s()) - t0 < r->secs) {
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
		b = mono_s();
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

static int cmd_admit_cmp(int argc, char **argv)
{
	static const char *const modes[] = { "none", "lookup", "shared", "percpu", "slot",
					     "clock", "coarse" };
	struct runner r[16];
	struct admitcmp *skel;
	struct vr_limit l = {};
	struct cmp_stats { __u64 admitted, policed; } st[ncpus];
	__u8 frame[60] = { 0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0x00 };
	__u64 adm = 0, pol = 0;
	__u32 key = 1, mode;
	double t0, el;
	int n, i;

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
	for (i = 0; i < n; i++) {
		r[i].prog_fd = bpf_program__fd(skel->progs.admit_cmp);
		r[i].frame = frame;
		r[i].len = sizeof(frame);
		r[i].ifindex = 1;
		r[i].secs = atof(argv[6]);
	}
	t0 = mono_s();
	run_all(r, n);
	el = mono_s() - t0;
	key = 0;
	if (bpf_map_lookup_elem(bpf_map__fd(skel->maps.cmp_stats), &key, st))
		die("cmp_stats: %s", strerror(errno));
	for (i = 0; i < ncpus; i++) {
		adm += st[i].admitted;
		pol += st[i].policed;
	}
	printf("{\"mode\":\"%s\",\"limit_pps\":%llu,\"burst\":%u,\"split\":%s,\"seconds\":%.3f,"
	       "\"admitted\":%llu,\"policed\":%llu,\"admitted_pps\":%.0f,",
	       modes[mode], (unsigned long long)l.rate_pps, l.burst, argv[4], el,
	       (unsigned long long)adm, (unsigned long long)pol, adm / el);
	print_runners(r, n);
	printf("}\n");
	admitcmp__destroy(skel);
	return 0;
}

static int cmd_prog_cost(int argc, char **argv)
{
	struct runner r[16];
	struct admitcmp *skel;
	__u8 frame[64] = {};
	struct in_addr s4, d4;
	__u32 prog_id = 0, key = 0, sum = 0, ifindex;
	int n, i, prog_fd, tfd;

	if (argc != 7)
		die("usage: prog-cost IFACE DMAC SRC DST CPU,... SECONDS");
	ifindex = ifindex_of(argv[1]);
	if (bpf_xdp_query_id(ifindex, 0, &prog_id) || !prog_id)
		die("no XDP program on %s", argv[1]);
	prog_fd = bpf_prog_get_fd_by_id(prog_id);
	if (prog_fd < 0)
		die("prog %u: %s", prog_id, strerror(errno));
	/* 60-byte IPv4/UDP frame (64 with FCS), TTL 64, checksum filled */
	if (parse_mac(argv[2], frame) || inet_pton(AF_INET, argv[3], &s4) != 1 ||
	    inet_pton(AF_INET, argv[4], &d4) != 1)
		die("bad MAC or address");
	memcpy(frame + 6, "\x02\x00\x00\x00\x00\x02", 6);
	frame[12] = 0x08;
	frame[14] = 0x45;
	frame[17] = 46;			/* tot_len 46 */
	frame[22] = 64;			/* TTL */
	frame[23] = 17;			/* UDP */
	memcpy(frame + 26, &s4, 4);
	memcpy(frame + 30, &d4, 4);
	frame[35] = 0x28; frame[37] = 9;	/* ports 40, 9 */
	frame[39] = 26;			/* UDP length */
	for (i = 14; i < 34; i += 2)
		sum += frame[i] << 8 | frame[i + 1];
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	frame[24] = (__u8)(~sum >> 8);
	frame[25] = (__u8)~sum;

	skel = admitcmp__open_and_load();
	if (!skel)
		die("load admitcmp");
	memcpy(skel->bss->tmpl, frame, sizeof(skel->bss->tmpl));
	tfd = bpf_map__fd(skel->maps.target);
	if (bpf_map_update_elem(tfd, &key, &prog_fd, 0))
		die("target: %s", strerror(errno));
	n = parse_cpus(argv[5], r, 16);
	for (i = 0; i < n; i++) {
		r[i].prog_fd = bpf_program__fd(skel->progs.restore_and_call);
		r[i].frame = frame;
		r[i].len = 60;
		r[i].ifindex = ifindex;
		r[i].secs = atof(argv[6]);
	}
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
	end = mono_s() + atof(argv[4]);
	clock_gettime(CLOCK_MONOTONIC, &next);
	while (mono_s() < end) {
		double spin_until;

		next.tv_nsec += period;
		while (next.tv_nsec >= 1000000000) {
			next.tv_nsec -= 1000000000;
			next.tv_sec++;
		}
		spin_until = next.tv_sec + next.tv_nsec / 1e9 - duty * period / 1e9;
		while (mono_s() < spin_until)
			;
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
	return 0;
}

int main(int argc, char **argv)
{
	ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0)
		die("cannot count CPUs");
	if (argc < 2)
		die("usage: benchctl sink-attach|sink-read|xdpfwd-attach|vr-attach|vr|vr-stats|limit|admit-cmp|prog-cost ...");
	argc--, argv++;
	if (!strcmp(argv[0], "sink-attach"))
		return cmd_sink_attach(argc, argv);
	if (!strcmp(argv[0], "sink-read"))
		return cmd_sink_read(argc, argv);
	if (!strcmp(argv[0], "xdpfwd-attach"))
		return cmd_xdpfwd_attach(argc, argv);
	if (!strcmp(argv[0], "vr-attach"))
		return cmd_vr_attach(argc, argv);
	if (!strcmp(argv[0], "vr"))
		return cmd_vr(argc, argv);
	if (!strcmp(argv[0], "vr-stats"))
		return cmd_vr_stats(argc, argv);
	if (!strcmp(argv[0], "limit"))
		return cmd_limit(argc, argv);
	if (!strcmp(argv[0], "admit-cmp"))
		return cmd_admit_cmp(argc, argv);
	if (!strcmp(argv[0], "prog-cost"))
		return cmd_prog_cost(argc, argv);
	if (!strcmp(argv[0], "hog"))
		return cmd_hog(argc, argv);
	die("unknown command %s", argv[0]);
	return 1;
}
