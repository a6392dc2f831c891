// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * trafficgen: pktgen-like UDP generator; an XDP program builds every
 * frame (bench/trafficgen.bpf.c), a backend runs it (bench/tg.h):
 *
 *   trafficgen --dev g0 --dst-mac MAC --src-ip A --dst-ip B [--rate PPS]
 *              [--duration S | --count N] [--size B] [--flows N] [--dests N]
 *              [--backend live|afxdp|afpacket]
 *   trafficgen --probe            which backends work here, one a line
 *
 * Run it in the generator's network namespace (the device is looked up
 * there).  Prints one line of key=value results: the backend that ran,
 * frames sent (offered to the device), the elapsed time between the
 * first and the last frame and the offered rate measured from those.
 */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/parse.h"
#include "bench.h"
#include "bench_util.h"
#include "tg.h"
#include "bench/trafficgen.skel.h"

/* Tried in this order; the environment variable forces one, as --backend. */
static const struct tg_backend *const backends[] = { &tg_live, &tg_afxdp, &tg_afpacket };
#define NBACKENDS (sizeof(backends) / sizeof(backends[0]))
#define BACKEND_ENV "VR_TRAFFICGEN_BACKEND"

volatile sig_atomic_t tg_stop;

static void on_signal(int sig)
{
	tg_stop = 1;
}

int tg_fail(struct tg *t, int err, const char *what)
{
	snprintf(t->why, sizeof(t->why), "%s: %s", what, strerror(-err));
	return err;
}

/* The device's own MAC, from sysfs ("aa:bb:cc:dd:ee:ff\n"). */
static int read_mac(const char *dev, __u8 *mac)
{
	char path[128], buf[64];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "/sys/class/net/%s/address", dev);
	f = fopen(path, "r");
	if (!f)
		return -1;
	ok = fgets(buf, sizeof(buf), f) != NULL;
	fclose(f);
	if (!ok)
		return -1;
	buf[strcspn(buf, "\n")] = 0;
	return parse_mac(buf, mac) ? -1 : 0;
}

static void usage(void)
{
	fprintf(stderr,
"usage: trafficgen --dev IFACE --dst-mac MAC --src-ip ADDR --dst-ip ADDR [options]\n"
"  --src-mac MAC      default: the device's own\n"
"  --rate PPS         0 = as fast as possible (default)\n"
"  --duration SEC     default 1 (or until --count frames)\n"
"  --count N          stop after N frames\n"
"  --size BYTES       frame size including the 4-byte FCS (default 64;\n"
"                     IPv6 needs at least %d)\n"
"  --flows N          source ports sport..sport+N-1 (default 1)\n"
"  --dests N          destination addresses dst-ip + STEP * (0..N-1) (default 1)\n"
"  --dest-step STEP   (default 1)\n"
"  --dest-scatter     frame n goes to address (n * 40503) mod N, not n mod N:\n"
"                     with N a power of two, every address once per N frames,\n"
"                     consecutive frames far apart (random for caches)\n"
"  --macs N           destination MACs dst-mac..dst-mac+N-1, in the last\n"
"                     16 bits (default 1): spreads frames over N VRs\n"
"  --mac-weights W,.. share of each of those MACs (e.g. 10,1), at most %d\n"
"                     MACs, weights summing to at most %d\n"
"  --dev-macs MAC,..  with --devs: the destination MAC on each device\n"
"                     (frames go round robin over the devices)\n"
"  --devs IFACE,..    more devices: MAC i leaves on device i (the first is\n"
"                     --dev), one generator for several NICs\n"
"  --sport P --dport P  UDP ports (default 9000, 9)\n"
"  --ttl N            TTL / hop limit (default 64)\n"
"  --batch N          live: frames per kernel flush and page pool size;\n"
"                     relay: frames per push (1..256, default 256: smaller\n"
"                     pools recycle too few pages)\n"
"  --slack N          after a stall, catch up by at most N frames (default:\n"
"                     one batch; less loses more of the set rate to the\n"
"                     VM's 20-100 us stalls)\n"
"  --cpu N            pin to this CPU (with a relay backend, the relay's\n"
"                     XDP runs there too)\n"
"  --backend NAME     live, afxdp or afpacket (default: $" BACKEND_ENV ",\n"
"                     else the first of those that works here)\n"
"  --probe            say which backends work here, one a line, and exit\n", BENCH_HDR6 + 4 + 2, BENCH_MAX_MACIDX,
		BENCH_PAT_MAX);
	exit(2);
}

static void parse_opt(struct tg_opts *o, int c)
{
	switch (c) {
	case 'd': o->dev = optarg; break;
	case 'M': if (parse_mac(optarg, o->dmac)) usage(); o->have_dmac = 1; break;
	case 'm': if (parse_mac(optarg, o->smac)) usage(); o->have_smac = 1; break;
	case 's': o->src_ip = optarg; break;
	case 'D': o->dst_ip = optarg; break;
	case 'r': o->rate = atof(optarg); break;
	case 't': o->duration = atof(optarg); break;
	case 'n': o->count = strtoull(optarg, NULL, 0); break;
	case 'S': o->size = atoi(optarg); break;
	case 'f': o->flows = atoi(optarg); break;
	case 'N': o->dests = atoi(optarg); break;
	case 'p': o->sport = atoi(optarg); break;
	case 'P': o->dport = atoi(optarg); break;
	case 'T': o->ttl = atoi(optarg); break;
	case 'b': o->batch = atoi(optarg); break;
	case 'L': o->slack = atoi(optarg); break;
	case 'c': o->cpu = atoi(optarg); break;
	case 'K': o->macs = atoi(optarg); break;
	case 'x': o->step = atoi(optarg); break;
	case 'R': o->scatter = 1; break;
	case 'W': o->weights = optarg; break;
	case 'V': o->devs = optarg; break;
	case 'X': o->dev_macs = optarg; break;
	case 'B': o->backend = optarg; break;
	case 'Q': o->probe = 1; break;
	default: usage();
	}
}

/* The backend called NAME, or NULL. */
static const struct tg_backend *backend_named(const char *name)
{
	unsigned int i;

	for (i = 0; i < NBACKENDS; i++)
		if (!strcmp(backends[i]->name, name))
			return backends[i];
	return NULL;
}

/* --probe alone: a frame on lo, sent nowhere. */
static void probe_defaults(struct tg_opts *o)
{
	static const __u8 mac[6] = { 0x02, 0, 0, 0, 0, 1 };

	if (!o->dev)
		o->dev = "lo";
	if (!o->have_dmac)
		memcpy(o->dmac, mac, 6);
	if (!o->have_smac)
		memcpy(o->smac, mac, 6);
	o->have_dmac = o->have_smac = 1;
	if (!o->src_ip)
		o->src_ip = "198.18.0.1";
	if (!o->dst_ip)
		o->dst_ip = "198.18.0.2";
}

/* The options into O, checked: 0, or the exit status. */
static int parse_args(int argc, char **argv, struct tg_opts *o)
{
	static const struct option lo[] = {
		{ "dev", 1, 0, 'd' }, { "dst-mac", 1, 0, 'M' },
		{ "src-mac", 1, 0, 'm' }, { "src-ip", 1, 0, 's' },
		{ "dst-ip", 1, 0, 'D' }, { "rate", 1, 0, 'r' },
		{ "duration", 1, 0, 't' }, { "count", 1, 0, 'n' },
		{ "size", 1, 0, 'S' }, { "flows", 1, 0, 'f' },
		{ "dests", 1, 0, 'N' }, { "sport", 1, 0, 'p' },
		{ "dport", 1, 0, 'P' }, { "ttl", 1, 0, 'T' },
		{ "batch", 1, 0, 'b' }, { "cpu", 1, 0, 'c' },
		{ "macs", 1, 0, 'K' }, { "dest-step", 1, 0, 'x' },
		{ "dest-scatter", 0, 0, 'R' },
		{ "mac-weights", 1, 0, 'W' }, { "devs", 1, 0, 'V' },
		{ "slack", 1, 0, 'L' }, { "dev-macs", 1, 0, 'X' },
		{ "backend", 1, 0, 'B' }, { "probe", 0, 0, 'Q' },
		{ "help", 0, 0, 'h' }, { 0 }
	};
	int c;

	*o = (struct tg_opts){ .cpu = -1, .size = 64, .flows = 1, .dests = 1, .sport = 9000,
			       .dport = 9, .ttl = 64, .batch = 256, .macs = 1, .step = 1 };
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1)
		parse_opt(o, c);
	if (o->probe)
		probe_defaults(o);
	if (!o->dev || !o->have_dmac || !o->src_ip || !o->dst_ip || optind != argc)
		usage();
	if (!o->backend)
		o->backend = getenv(BACKEND_ENV);
	if (o->backend && *o->backend && strcmp(o->backend, "auto") && !backend_named(o->backend)) {
		fprintf(stderr, "trafficgen: bad --backend%s %s (live, afxdp, afpacket or auto)\n",
			getenv(BACKEND_ENV) == o->backend ? " (" BACKEND_ENV ")" : "", o->backend);
		return 2;
	}
	if (!o->flows || !o->dests || !o->step || !o->macs || o->macs > 65536 ||
	    o->flows > 65535 || !o->batch || o->batch > 256 || o->slack > 4096 ||
	    !o->ttl || o->ttl > 255 || o->rate < 0) {
		fprintf(stderr, "trafficgen: bad --flows, --dests, --batch, --ttl or --rate\n");
		return 2;
	}
	if (!o->duration && !o->count)
		o->duration = 1;
	return 0;
}

/* The device, its MAC, the CPU: 0, or the exit status. */
static int setup_host(struct tg *t)
{
	t->ifindex = if_nametoindex(t->o.dev);
	if (!t->ifindex) {
		fprintf(stderr, "trafficgen: no device %s\n", t->o.dev);
		return 1;
	}
	if (!t->o.have_smac && read_mac(t->o.dev, t->o.smac)) {
		fprintf(stderr, "trafficgen: cannot read the MAC of %s\n", t->o.dev);
		return 1;
	}
	if (t->o.cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(t->o.cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set)) {
			perror("trafficgen: sched_setaffinity");
			return 1;
		}
	}
	return 0;
}

/* Load, and the devmap of --devs: 0, or the exit status. */
static int load(struct tg *t)
{
	unsigned int i;
	int err;

	err = trafficgen__load(t->skel);
	if (err) {
		fprintf(stderr, "trafficgen: load: %s\n", strerror(-err));
		return 1;
	}
	for (i = 0; t->ndev > 1 && i < t->ndev; i++) {
		if (bpf_map_update_elem(bpf_map__fd(t->skel->maps.tx_devs), &i, &t->devidx[i], 0)) {
			fprintf(stderr, "trafficgen: tx_devs: %s\n", strerror(errno));
			return 1;
		}
	}
	return 0;
}

/* BE opened as t->be: 0, or -errno with t->why. */
static int open_backend(struct tg *t, const struct tg_backend *be)
{
	t->be = be;
	return be->open(t);
}

/* The backend asked for, or NULL (auto). */
static const struct tg_backend *backend_wanted(const struct tg *t)
{
	const char *b = t->o.backend;

	return b && *b && strcmp(b, "auto") ? backend_named(b) : NULL;
}

/* t->be: the backend asked for, or the first that works; those that do
 * not are listed in REFUSED ("live:EPERM,...").  0, or the exit status
 * with one line on stderr.
 */
static int choose_backend(struct tg *t, char *refused, size_t len)
{
	const struct tg_backend *want = backend_wanted(t);
	char all[NBACKENDS * (TG_ERR_MAX + 16)] = "";
	size_t n = 0, m = 0;
	unsigned int i;
	int err;

	if (want) {
		if (open_backend(t, want)) {
			fprintf(stderr, "trafficgen: backend %s cannot run here: %s\n", want->name, t->why);
			return 1;
		}
		return 0;
	}
	for (i = 0; i < NBACKENDS && !tg_stop; i++) {
		err = open_backend(t, backends[i]);
		if (!err)
			return 0;
		n += snprintf(refused + n, n < len ? len - n : 0, "%s%s:%s", n ? "," : "",
			      backends[i]->name, strerrorname_np(-err) ?: "?");
		m += snprintf(all + m, m < sizeof(all) ? sizeof(all) - m : 0, "%s%s: %s",
			      m ? "; " : "", backends[i]->name, t->why);
	}
	fprintf(stderr, "trafficgen: no backend can run here (%s)\n", all);
	return 1;
}

/* --probe: each backend opened and closed, one line each.  0 if one
 * works, else 1.
 */
static int probe_all(struct tg *t)
{
	unsigned int i;
	int any = 0;

	for (i = 0; i < NBACKENDS; i++) {
		if (open_backend(t, backends[i])) {
			printf("%s: refused (%s)\n", backends[i]->name, t->why);
			continue;
		}
		backends[i]->close(t);
		printf("%s: ok\n", backends[i]->name);
		any = 1;
	}
	return !any;
}

/* The backend's run until the end, the count or a signal: 0, or the exit
 * status.
 */
static int run(struct tg *t)
{
	__u64 t0 = bench_mono_ns();

	t->skel->bss->end_ns = t->o.duration > 0 ? t0 + (__u64)(t->o.duration * 1e9) : 0;
	t->skel->bss->limit = t->o.count;
	return t->be->run(t);
}

static void print_results(const struct tg *t, const char *refused)
{
	const struct trafficgen__bss *bss = t->skel->bss;
	__u64 sent = bss->sent;
	__u64 el = bss->last_ns - bss->first_ns;
	/* n frames span n-1 intervals */
	double offered = sent > 1 && el ? (sent - 1) * 1e9 / el : 0;
	unsigned int i, macs = t->o.macs;

	printf("sent=%llu elapsed_ns=%llu offered_pps=%.0f set_pps=%.0f "
	       "frame_bytes=%u ipv6=%d paced_drops=%llu lag_resets=%llu "
	       "lag_lost_ns=%llu lag_max_ns=%llu calls=%llu call_gap_ns=%llu "
	       "iterations=%llu first_ns=%llu last_ns=%llu backend=%s%s%s%s\n",
	       (unsigned long long)sent, (unsigned long long)el, offered,
	       t->o.rate, t->len + 4, t->v6, (unsigned long long)bss->paced,
	       (unsigned long long)bss->lag_resets,
	       (unsigned long long)bss->lag_lost_ns,
	       (unsigned long long)bss->lag_max_ns,
	       (unsigned long long)t->calls, (unsigned long long)t->gap_ns,
	       (unsigned long long)t->iters, (unsigned long long)bss->first_ns,
	       (unsigned long long)bss->last_ns, t->be->name, t->info,
	       *refused ? " refused=" : "", refused);
	if (macs > 1 || t->nw) {
		printf("sent_idx=");
		for (i = 0; i < (macs < BENCH_MAX_MACIDX ? macs : BENCH_MAX_MACIDX); i++)
			printf("%s%llu", i ? "," : "", (unsigned long long)bss->sent_idx[i]);
		printf("\n");
	}
}

/* What follows from the options, and the host side: 0, or the exit status. */
static int prepare(struct tg *t)
{
	int rc = tg_frame_parse(t);

	return rc ? rc : setup_host(t);
}

/* The generator opened, configured and loaded: 0, or the exit status. */
static int open_generator(struct tg *t)
{
	int rc;

	t->skel = trafficgen__open();
	if (!t->skel) {
		fprintf(stderr, "trafficgen: open: %s\n", strerror(errno));
		return 1;
	}
	rc = tg_configure(t);
	return rc ? rc : load(t);
}

int main(int argc, char **argv)
{
	static struct tg t;
	char refused[128] = "";
	int rc;

	/* before a relay exists: a signal then ends the run, which removes it */
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	rc = parse_args(argc, argv, &t.o);
	if (!rc)
		rc = prepare(&t);
	if (!rc)
		rc = open_generator(&t);
	if (!rc && t.o.probe)
		rc = probe_all(&t);
	else if (!rc)
		rc = choose_backend(&t, refused, sizeof(refused));
	if (!rc && !t.o.probe) {
		rc = run(&t);
		if (!rc)
			print_results(&t, refused);
		t.be->close(&t);
	}
	trafficgen__destroy(t.skel);
	return rc;
}
