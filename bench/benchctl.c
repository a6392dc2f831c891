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
 *
 * XDP programs are attached in native mode over netlink, so they stay
 * after this exits; they go with the namespace's devices.
 */
#include <arpa/inet.h>
#include <errno.h>
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
#include "bench.h"
#include "vrouter.skel.h"
#include "bench/sink.skel.h"
#include "bench/xdpfwd.skel.h"

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

static int parse_mac(const char *s, __u8 *mac)
{
	unsigned int b[6];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5]) != 6)
		return -1;
	for (i = 0; i < 6; i++) {
		if (b[i] > 255)
			return -1;
		mac[i] = b[i];
	}
	return 0;
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
	__u64 rx = 0, fwd = 0, pass[VR_PASS_MAX] = {};
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
	printf("{\"rx\":%llu,\"fwd\":%llu,\"pass\":[", (unsigned long long)rx,
	       (unsigned long long)fwd);
	for (r = 0; r < VR_PASS_MAX; r++)
		printf("%s%llu", r ? "," : "", (unsigned long long)pass[r]);
	printf("]}\n");
	return 0;
}

int main(int argc, char **argv)
{
	ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0)
		die("cannot count CPUs");
	if (argc < 2)
		die("usage: benchctl sink-attach|sink-read|xdpfwd-attach|vr-attach|vr|vr-stats ...");
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
	die("unknown command %s", argv[0]);
	return 1;
}
