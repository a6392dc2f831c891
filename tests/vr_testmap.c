// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * vr_testmap: a minimal stand-in for vrctl in the namespace tests, on the
 * same core (libvrouter) as vrctl: it attaches the data plane with the
 * core's load and writes single map entries through the core's typed
 * helpers, with no checks beyond parsing (no VR records, namespaces or
 * macvlans).  Interface names are resolved in the caller's network
 * namespace, so run it with `nsenter --net=...` (not `ip netns exec`,
 * which hides bpffs).
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
#include <sys/socket.h>

#include "vrouter.h"
#include "core/datapath.h"
#include "vr_pass_names.h"
#include "core/datapath.h"
#include "core/maps.h"
#include "lib/log.h"
#include "lib/parse.h"

static struct vr_state st;

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	if (log_error_count())	/* the core said why, in one line */
		exit(1);
	fputs("vr_testmap: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static __u32 parse_vr_id(const char *s)
{
	uint32_t v;

	if (parse_u32(s, 1, VR_MAX_ROUTERS - 1, &v))
		die("bad VR id '%s' (expected 1..%u)", s, VR_MAX_ROUTERS - 1);
	return v;
}

static void parse_mac_arg(const char *s, __u8 mac[VR_ETH_ALEN])
{
	if (parse_mac(s, mac))
		die("bad MAC '%s'", s);
}

static __u32 parse_iface(const char *s)
{
	unsigned int idx = if_nametoindex(s);

	if (!idx)
		die("unknown interface '%s'", s);
	return idx;
}

static void open_maps(void)
{
	if (vr_maps_open(&st))
		die("cannot open the maps in %s", st.pin_dir);
}

static void cmd_attach(int argc, char **argv)
{
	struct vr_load_req req = {
		.ifnames = (const char *const *)argv, .n = argc, .mode = XDP_MODE_NATIVE,
	};

	if (vr_dp_load(&st, &req))
		die("cannot attach");
}

static void cmd_detach(int argc, char **argv)
{
	if (vr_dp_unload(&st, (const char *const *)argv, argc, false))
		die("cannot detach");
}

static void cmd_mac(char **argv)
{
	__u8 mac[VR_ETH_ALEN];
	uint32_t table;
	int err;

	parse_mac_arg(argv[1], mac);
	if (parse_u32(argv[3], 1, UINT_MAX, &table))
		die("bad table '%s'", argv[3]);
	open_maps();
	err = vr_mac_add(&st, parse_iface(argv[0]), mac, parse_vr_id(argv[2]), table,
			 vr_nic_mac_flags(parse_iface(argv[0])));
	if (err)
		die("cannot update %s: %s", VR_MAP_MACS, strerror(-err));
}

static void cmd_port(char **argv)
{
	__u8 mac[VR_ETH_ALEN];
	int err;

	parse_mac_arg(argv[2], mac);
	open_maps();
	err = vr_port_add(&st, parse_vr_id(argv[0]), parse_iface(argv[1]), mac, argv[1]);
	if (err)
		die("cannot update %s: %s", VR_MAP_PORTS, strerror(-err));
}

static void cmd_neigh(char **argv)
{
	struct vr_neigh_key k;
	__u8 addr[16], mac[VR_ETH_ALEN];
	int family, err;

	if (inet_pton(AF_INET, argv[2], addr) == 1)
		family = AF_INET;
	else if (inet_pton(AF_INET6, argv[2], addr) == 1)
		family = AF_INET6;
	else
		die("bad address '%s'", argv[2]);
	parse_mac_arg(argv[3], mac);
	vr_neigh_key_init(&k, parse_vr_id(argv[0]), parse_iface(argv[1]), family, addr);
	open_maps();
	err = vr_neigh_set(&st, &k, mac, BPF_ANY);
	if (err)
		die("cannot update %s: %s", VR_MAP_NEIGH, strerror(-err));
}

static void cmd_stats(char **argv)
{
	struct vr_stats s;
	int r, err;

	open_maps();
	err = vr_stats_read(&st, parse_vr_id(argv[0]), &s);
	if (err)
		die("cannot read %s: %s", VR_MAP_STATS, strerror(-err));
	printf("rx %llu\nfwd %llu\n", (unsigned long long)s.rx.packets,
	       (unsigned long long)s.fwd.packets);
	for (r = 0; r < VR_PASS_MAX; r++)
		printf("%s %llu\n", vr_pass_names[r], (unsigned long long)s.pass[r].packets);
}

static void cmd_nic(char **argv)
{
	struct vr_nic_stats s;
	__u32 ifindex = parse_iface(argv[0]);
	int err;

	open_maps();
	err = vr_nic_stats_read(&st, ifindex, &s);
	if (err)
		die("cannot read %s: %s", VR_MAP_NICSTATS, strerror(-err));
	printf("no_vr %llu\n", (unsigned long long)s.no_vr.packets);
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
	vr_state_init(&st, argv[1]);
	n = argc - 3;
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[2], cmds[i].name))
			break;
	if (i == sizeof(cmds) / sizeof(cmds[0]))
		die("unknown command '%s'", argv[2]);
	if (cmds[i].nargs < 0 ? n < 1 : n != cmds[i].nargs)
		die("usage: vr_testmap PIN_DIR %s %s", cmds[i].name, cmds[i].usage);

	log_set_verbose(getenv("VR_TESTMAP_DEBUG") ? 2 : 0);
	log_init_libs();
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
	vr_state_close(&st);
	return 0;
}
