// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * vr_testmap: a minimal stand-in for vrctl in the namespace tests.  It
 * loads the data plane with its maps pinned in PIN_DIR, attaches it to
 * NICs and writes single map entries, with no checks beyond parsing.
 * Interface names are resolved in the caller's network namespace, so run
 * it with `nsenter --net=...` (not `ip netns exec`, which hides bpffs).
 *
 *   vr_testmap PIN_DIR attach IFACE...            native XDP + vr_tx_ports
 *   vr_testmap PIN_DIR detach IFACE...
 *   vr_testmap PIN_DIR mac IFACE MAC VR_ID TABLE  vr_macs entry
 *   vr_testmap PIN_DIR port VR_ID IFACE MAC       vr_ports entry
 *   vr_testmap PIN_DIR neigh VR_ID IFACE ADDR MAC vr_neigh entry (v4 or v6)
 *   vr_testmap PIN_DIR stats VR_ID                summed per-CPU counters
 *   vr_testmap PIN_DIR nic IFACE                  no_vr count of a NIC
 *
 * Exit 0 on success, 1 with one line on stderr otherwise.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <linux/if_link.h>

#include "vrouter.h"
#include "vr_pass_names.h"
#include "vrouter.skel.h"

static const char *pin_dir;

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	fputs("vr_testmap: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (!getenv("VR_TESTMAP_DEBUG"))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static unsigned long parse_ulong(const char *s, const char *what,
				 unsigned long min, unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	if (*s < '0' || *s > '9')
		die("bad %s '%s'", what, s);
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		die("bad %s '%s' (expected %lu..%lu)", what, s, min, max);
	return v;
}

static __u32 parse_vr_id(const char *s)
{
	return parse_ulong(s, "VR id", 1, VR_MAX_ROUTERS - 1);
}

/* Exactly six two-digit hex bytes separated by ':'; unicast only. */
#define HEX "0123456789abcdefABCDEF"
static void parse_mac(const char *s, __u8 mac[VR_ETH_ALEN])
{
	int i;

	if (strlen(s) != 17)
		die("bad MAC '%s'", s);
	for (i = 0; i < VR_ETH_ALEN; i++) {
		const char *p = s + 3 * i;
		char hex[3] = { p[0], p[1], 0 };
		char *end;

		/* strlen() == 17: no NUL inside, which strchr() would accept */
		if ((i < 5 && p[2] != ':') || !strchr(HEX, p[0]) || !strchr(HEX, p[1]))
			die("bad MAC '%s'", s);
		mac[i] = strtoul(hex, &end, 16);
	}
	if (mac[0] & 1)
		die("bad MAC '%s' (multicast)", s);
}

static __u32 parse_iface(const char *s)
{
	unsigned int idx = if_nametoindex(s);

	if (!idx)
		die("unknown interface '%s'", s);
	return idx;
}

static int map_fd(const char *name)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", pin_dir, name);
	fd = bpf_obj_get(path);
	if (fd < 0)
		die("cannot open map %s: %s", path, strerror(errno));
	return fd;
}

static void map_update(const char *name, const void *key, const void *val)
{
	if (bpf_map_update_elem(map_fd(name), key, val, BPF_ANY))
		die("cannot update %s: %s", name, strerror(errno));
}

/* The pinned program, loading the skeleton (maps reused from or pinned in
 * pin_dir) and pinning it at PIN_DIR/prog the first time.
 */
static int prog_fd(void)
{
	char path[PATH_MAX];
	struct vrouter *skel;
	int fd, err;

	snprintf(path, sizeof(path), "%s/prog", pin_dir);
	fd = bpf_obj_get(path);
	if (fd >= 0)
		return fd;
	if (errno != ENOENT)
		die("cannot open %s: %s", path, strerror(errno));
	if (mkdir(pin_dir, 0700) && errno != EEXIST)
		die("cannot create %s: %s", pin_dir, strerror(errno));

	LIBBPF_OPTS(bpf_object_open_opts, opts, .pin_root_path = pin_dir);
	skel = vrouter__open_opts(&opts);
	if (!skel)
		die("cannot open the BPF object: %s", strerror(errno));
	err = vrouter__load(skel);
	if (err)
		die("cannot load the BPF object: %s", strerror(-err));
	err = bpf_program__pin(skel->progs.vr_forward, path);
	if (err)
		die("cannot pin %s: %s", path, strerror(-err));
	fd = dup(bpf_program__fd(skel->progs.vr_forward));
	vrouter__destroy(skel);	/* the pins keep program and maps */
	return fd;
}

static void cmd_attach(int argc, char **argv)
{
	int fd = prog_fd(), i;

	for (i = 0; i < argc; i++) {
		struct bpf_devmap_val dv = { .ifindex = parse_iface(argv[i]) };
		int err;

		err = bpf_xdp_attach(dv.ifindex, fd, XDP_FLAGS_DRV_MODE, NULL);
		if (err)
			die("cannot attach to %s: %s", argv[i], strerror(-err));
		map_update(VR_MAP_TX, &dv.ifindex, &dv);
	}
}

static void cmd_detach(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++) {
		__u32 ifindex = parse_iface(argv[i]);
		int err;

		err = bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL);
		if (err)
			die("cannot detach from %s: %s", argv[i], strerror(-err));
		if (bpf_map_delete_elem(map_fd(VR_MAP_TX), &ifindex) && errno != ENOENT)
			die("cannot update %s: %s", VR_MAP_TX, strerror(errno));
	}
}

static void cmd_mac(char **argv)
{
	struct vr_mac_key k;
	struct vr_mac_val v;

	memset(&k, 0, sizeof(k));
	memset(&v, 0, sizeof(v));
	k.ifindex = parse_iface(argv[0]);
	parse_mac(argv[1], k.mac);
	v.vr_id = parse_vr_id(argv[2]);
	v.table_id = parse_ulong(argv[3], "table", 1, UINT_MAX);
	map_update(VR_MAP_MACS, &k, &v);
}

static void cmd_port(char **argv)
{
	struct vr_port_key k;
	struct vr_port_val v;

	memset(&k, 0, sizeof(k));
	memset(&v, 0, sizeof(v));
	k.vr_id = parse_vr_id(argv[0]);
	k.ifindex = parse_iface(argv[1]);
	parse_mac(argv[2], v.mac);
	map_update(VR_MAP_PORTS, &k, &v);
}

static void cmd_neigh(char **argv)
{
	struct vr_neigh_key k;
	struct vr_neigh_val v;

	memset(&k, 0, sizeof(k));
	memset(&v, 0, sizeof(v));
	k.vr_id = parse_vr_id(argv[0]);
	k.ifindex = parse_iface(argv[1]);
	if (inet_pton(AF_INET, argv[2], k.addr) == 1)
		k.family = VR_AF_INET;
	else if (inet_pton(AF_INET6, argv[2], k.addr) == 1)
		k.family = VR_AF_INET6;
	else
		die("bad address '%s'", argv[2]);
	parse_mac(argv[3], v.mac);
	map_update(VR_MAP_NEIGH, &k, &v);
}

/* Per-CPU values come back as one slot per possible CPU, each rounded up
 * to 8 bytes; the structs here are multiples of 8 already.
 */
static void *percpu_lookup(const char *name, const void *key, size_t size,
			   int *ncpus)
{
	void *vals;

	*ncpus = libbpf_num_possible_cpus();
	if (*ncpus <= 0)
		die("cannot count CPUs");
	vals = calloc(*ncpus, size);
	if (!vals)
		die("out of memory");
	if (bpf_map_lookup_elem(map_fd(name), key, vals)) {
		if (errno != ENOENT)
			die("cannot read %s: %s", name, strerror(errno));
		memset(vals, 0, *ncpus * size);	/* no entry: all zero */
	}
	return vals;
}

static void cmd_stats(char **argv)
{
	_Static_assert(sizeof(struct vr_stats) % 8 == 0, "per-CPU slot size");
	__u32 id = parse_vr_id(argv[0]);
	__u64 rx = 0, fwd = 0, pass[VR_PASS_MAX] = { 0 };
	struct vr_stats *s;
	int ncpus, c, r;

	s = percpu_lookup(VR_MAP_STATS, &id, sizeof(*s), &ncpus);
	for (c = 0; c < ncpus; c++) {
		rx += s[c].rx.packets;
		fwd += s[c].fwd.packets;
		for (r = 0; r < VR_PASS_MAX; r++)
			pass[r] += s[c].pass[r].packets;
	}
	printf("rx %llu\nfwd %llu\n", (unsigned long long)rx,
	       (unsigned long long)fwd);
	for (r = 0; r < VR_PASS_MAX; r++)
		printf("%s %llu\n", vr_pass_names[r], (unsigned long long)pass[r]);
	free(s);
}

static void cmd_nic(char **argv)
{
	_Static_assert(sizeof(struct vr_nic_stats) % 8 == 0, "per-CPU slot size");
	__u32 ifindex = parse_iface(argv[0]);
	struct vr_nic_stats *s;
	__u64 no_vr = 0;
	int ncpus, c;

	s = percpu_lookup(VR_MAP_NICSTATS, &ifindex, sizeof(*s), &ncpus);
	for (c = 0; c < ncpus; c++)
		no_vr += s[c].no_vr.packets;
	printf("no_vr %llu\n", (unsigned long long)no_vr);
	free(s);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int nargs;		/* -1: one or more */
		const char *usage;
	} cmds[] = {
		{ "attach", -1, "IFACE..." },
		{ "detach", -1, "IFACE..." },
		{ "mac", 4, "IFACE MAC VR_ID TABLE" },
		{ "port", 3, "VR_ID IFACE MAC" },
		{ "neigh", 4, "VR_ID IFACE ADDR MAC" },
		{ "stats", 1, "VR_ID" },
		{ "nic", 1, "IFACE" },
	};
	unsigned int i;
	int n;

	if (argc < 3)
		die("usage: vr_testmap PIN_DIR attach|detach|mac|port|neigh|stats|nic ARGS...");
	pin_dir = argv[1];
	n = argc - 3;
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[2], cmds[i].name))
			break;
	if (i == sizeof(cmds) / sizeof(cmds[0]))
		die("unknown command '%s'", argv[2]);
	if (cmds[i].nargs < 0 ? n < 1 : n != cmds[i].nargs)
		die("usage: vr_testmap PIN_DIR %s %s", cmds[i].name, cmds[i].usage);

	libbpf_set_print(libbpf_quiet);
	argv += 3;
	switch (i) {
	case 0: cmd_attach(n, argv); break;
	case 1: cmd_detach(n, argv); break;
	case 2: cmd_mac(argv); break;
	case 3: cmd_port(argv); break;
	case 4: cmd_neigh(argv); break;
	case 5: cmd_stats(argv); break;
	case 6: cmd_nic(argv); break;
	}
	return 0;
}
