// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * trafficgen: pktgen-like UDP generator on BPF_PROG_RUN live frames.
 *
 *   trafficgen --dev g0 --dst-mac MAC --src-ip A --dst-ip B [--rate PPS]
 *              [--duration S | --count N] [--size B] [--flows N] [--dests N]
 *
 * Run it in the generator's network namespace (the device is looked up
 * there).  Prints one line of key=value results: frames sent (offered to
 * the device), the elapsed time between the first and the last frame and
 * the offered rate measured from those.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bench.h"
#include "bench_util.h"
#include "bench/trafficgen.skel.h"

#define FRAME_MAX 1514
#define CALL_NS 2e9		/* target length of one BPF_PROG_RUN call */

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int read_mac(const char *dev, __u8 *mac)
{
	char path[128], buf[64];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "/sys/class/net/%s/address", dev);
	f = fopen(path, "r");
	if (!f)
		return -1;
	ok = fgets(buf, sizeof(buf), f) && !parse_mac(buf, mac);
	fclose(f);
	return ok ? 0 : -1;
}

/* Ones' complement sum of raw 16-bit words, as the BPF side adds them. */
static __u32 sum16(const void *p, size_t len)
{
	const __u16 *w = p;
	__u32 sum = 0;
	size_t i;

	for (i = 0; i < len / 2; i++)
		sum += w[i];
	return sum;
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
"  --batch N          frames per kernel flush and page pool size, 1..256\n"
"                     (default 256: smaller pools recycle too few pages)\n"
"  --slack N          after a stall, catch up by at most N frames (default:\n"
"                     one batch; less loses more of the set rate to the\n"
"                     VM's 20-100 us stalls)\n"
"  --cpu N            pin to this CPU\n", BENCH_HDR6 + 4 + 2, BENCH_MAX_MACIDX,
		BENCH_PAT_MAX);
	exit(2);
}

int main(int argc, char **argv)
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
		{ "mac-weights", 1, 0, 'W' }, { "devs", 1, 0, 'V' },
		{ "slack", 1, 0, 'L' }, { "dev-macs", 1, 0, 'X' },
		{ "help", 0, 0, 'h' }, { 0 }
	};
	const char *dev = NULL, *src_ip = NULL, *dst_ip = NULL, *weights = NULL, *devs = NULL;
	const char *dev_macs = NULL;
	unsigned int w[BENCH_MAX_MACIDX] = {}, nw = 0, wsum = 0, ndev = 1;
	unsigned int devidx[BENCH_MAX_MACIDX] = {};
	__u8 dmac[6], smac[6], frame[FRAME_MAX] = {};
	int have_dmac = 0, have_smac = 0, v6, c, err, cpu = -1;
	double rate = 0, duration = 0;
	unsigned long long count = 0;
	unsigned int size = 64, flows = 1, dests = 1, sport = 9000, dport = 9;
	unsigned int ttl = 64, batch = 256, slack = 0, len, hdr, ifindex, i, macs = 1, step = 1;
	struct in6_addr s6, d6;
	struct in_addr s4, d4;
	struct trafficgen *skel;
	struct bench_payload *pl;
	struct udphdr *udp;
	__u64 t0, t_end, calls = 0, iters = 0, gap_ns = 0, repeat = 1 << 18;

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'd': dev = optarg; break;
		case 'M': if (parse_mac(optarg, dmac)) usage(); have_dmac = 1; break;
		case 'm': if (parse_mac(optarg, smac)) usage(); have_smac = 1; break;
		case 's': src_ip = optarg; break;
		case 'D': dst_ip = optarg; break;
		case 'r': rate = atof(optarg); break;
		case 't': duration = atof(optarg); break;
		case 'n': count = strtoull(optarg, NULL, 0); break;
		case 'S': size = atoi(optarg); break;
		case 'f': flows = atoi(optarg); break;
		case 'N': dests = atoi(optarg); break;
		case 'p': sport = atoi(optarg); break;
		case 'P': dport = atoi(optarg); break;
		case 'T': ttl = atoi(optarg); break;
		case 'b': batch = atoi(optarg); break;
		case 'L': slack = atoi(optarg); break;
		case 'c': cpu = atoi(optarg); break;
		case 'K': macs = atoi(optarg); break;
		case 'x': step = atoi(optarg); break;
		case 'W': weights = optarg; break;
		case 'V': devs = optarg; break;
		case 'X': dev_macs = optarg; break;
		default: usage();
		}
	}
	if (!dev || !have_dmac || !src_ip || !dst_ip || optind != argc)
		usage();
	if (!flows || !dests || !step || !macs || macs > 65536 || flows > 65535 || !batch || batch > 256 || slack > 4096 ||
	    !ttl || ttl > 255 || rate < 0) {
		fprintf(stderr, "trafficgen: bad --flows, --dests, --batch, --ttl or --rate\n");
		return 2;
	}
	if (!duration && !count)
		duration = 1;
	if (weights) {
		char *copy = strdup(weights), *t, *save = NULL;

		for (t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			if (nw == BENCH_MAX_MACIDX || atoi(t) < 0) {
				fprintf(stderr, "trafficgen: bad --mac-weights\n");
				return 2;
			}
			w[nw] = atoi(t);
			wsum += w[nw++];
		}
		free(copy);
		if (!wsum || wsum > BENCH_PAT_MAX) {
			fprintf(stderr, "trafficgen: --mac-weights sum 1..%d\n", BENCH_PAT_MAX);
			return 2;
		}
		macs = nw;
	}

	v6 = strchr(dst_ip, ':') != NULL;
	if (v6 ? inet_pton(AF_INET6, src_ip, &s6) != 1 || inet_pton(AF_INET6, dst_ip, &d6) != 1
	       : inet_pton(AF_INET, src_ip, &s4) != 1 || inet_pton(AF_INET, dst_ip, &d4) != 1) {
		fprintf(stderr, "trafficgen: bad address %s or %s\n", src_ip, dst_ip);
		return 2;
	}
	hdr = v6 ? BENCH_HDR6 : BENCH_HDR4;
	len = size - 4;		/* no FCS on a veth */
	if (size < 64 || len < ((hdr + 3) & ~3u) || len > FRAME_MAX) {
		fprintf(stderr, "trafficgen: --size %u out of range (%u..%u)\n",
			size, (((hdr + 3) & ~3u) + 4) < 64 ? 64 : ((hdr + 3) & ~3u) + 4,
			FRAME_MAX + 4);
		return 2;
	}
	ifindex = if_nametoindex(dev);
	if (!ifindex) {
		fprintf(stderr, "trafficgen: no device %s\n", dev);
		return 1;
	}
	if (!have_smac && read_mac(dev, smac)) {
		fprintf(stderr, "trafficgen: cannot read the MAC of %s\n", dev);
		return 1;
	}
	if (cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set)) {
			perror("trafficgen: sched_setaffinity");
			return 1;
		}
	}

	skel = trafficgen__open();
	if (!skel) {
		fprintf(stderr, "trafficgen: open: %s\n", strerror(errno));
		return 1;
	}

	/* The frame: Ethernet, IP, UDP, payload; varying fields left 0. */
	{
		struct ethhdr *eth = (void *)frame;

		memcpy(eth->h_dest, dmac, 6);
		memcpy(eth->h_source, smac, 6);
		eth->h_proto = htons(v6 ? ETH_P_IPV6 : ETH_P_IP);
	}
	if (!v6) {
		struct iphdr *ip = (void *)(frame + 14);

		ip->version = 4;
		ip->ihl = 5;
		ip->tot_len = htons(len - 14);
		ip->ttl = ttl;
		ip->protocol = IPPROTO_UDP;
		ip->saddr = s4.s_addr;
		skel->rodata->ip_csum_base = sum16(ip, sizeof(*ip));
		udp = (void *)(ip + 1);
		udp->len = htons(len - 14 - 20);
		skel->rodata->dst_base = ntohl(d4.s_addr);
	} else {
		struct ipv6hdr *ip6 = (void *)(frame + 14);
		struct { struct in6_addr s, d; __be32 len; __u8 z[3], nh; } ph = {};

		ip6->version = 6;
		ip6->payload_len = htons(len - 14 - 40);
		ip6->nexthdr = IPPROTO_UDP;
		ip6->hop_limit = ttl;
		ip6->saddr = s6;
		ip6->daddr = d6;
		ip6->daddr.s6_addr32[3] = 0;
		udp = (void *)(ip6 + 1);
		udp->len = htons(len - 14 - 40);
		ph.s = s6;
		ph.d = ip6->daddr;
		ph.len = htonl(len - 14 - 40);
		ph.nh = IPPROTO_UDP;
		skel->rodata->dst_base = ntohl(d6.s6_addr32[3]);
		skel->rodata->is_v6 = 1;
		/* pseudo header + UDP header + payload with magic set */
		udp->dest = htons(dport);
		pl = (void *)(udp + 1);
		pl->magic = BENCH_MAGIC;
		skel->rodata->udp_csum_base = sum16(&ph, sizeof(ph)) +
					      sum16(udp, len - 14 - 40);
	}
	udp->dest = htons(dport);
	pl = (void *)(udp + 1);
	pl->magic = BENCH_MAGIC;
	for (i = 0; i < BENCH_TMPL_WORDS; i++)
		memcpy((void *)&skel->rodata->tmpl[i], frame + 4 * i, 4);

	skel->rodata->dests = dests;
	skel->rodata->dst_step = step;
	skel->rodata->flows = flows;
	skel->rodata->nflow = (flows > dests ? flows : dests);
	if (skel->rodata->nflow > BENCH_MAX_FLOWS)
		skel->rodata->nflow = BENCH_MAX_FLOWS;
	skel->rodata->sport_base = sport;
	skel->rodata->macs = macs;
	skel->rodata->mac_lo = dmac[4] << 8 | dmac[5];
	if (rate > 0) {
		double ifp = 1e9 / rate * 65536.0;

		skel->rodata->interval_fp = ifp < 1 ? 1 : (__u64)ifp;
		skel->rodata->slack_fp = (__u64)(ifp * (slack ? slack : batch));
	}

	if (nw) {
		/* smooth weighted round robin: spread each MAC evenly */
		int cur[BENCH_MAX_MACIDX] = {}, best;
		unsigned int k, j;

		for (k = 0; k < wsum; k++) {
			best = -1;
			for (j = 0; j < nw; j++) {
				cur[j] += w[j];
				if (best < 0 || cur[j] > cur[best])
					best = j;
			}
			cur[best] -= wsum;
			*(__u8 *)&skel->rodata->mac_pat[k] = best;
		}
		skel->rodata->pat_len = wsum;
	}
	devidx[0] = ifindex;
	if (devs) {
		char *copy = strdup(devs), *t, *save = NULL;

		for (t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			if (ndev == BENCH_MAX_MACIDX || !(devidx[ndev] = if_nametoindex(t))) {
				fprintf(stderr, "trafficgen: bad --devs %s\n", t);
				return 2;
			}
			ndev++;
		}
		free(copy);
		skel->rodata->ndevs = ndev;
	}
	if (dev_macs) {
		char *copy = strdup(dev_macs), *t, *save = NULL;
		__u8 m[6];
		unsigned int n = 0;

		for (t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			if (n == ndev || parse_mac(t, m)) {
				fprintf(stderr, "trafficgen: bad --dev-macs %s (one MAC per device)\n", t);
				return 2;
			}
			for (i = 0; i < 6; i++)
				*(__u8 *)&skel->rodata->dev_dmac[n][i] = m[i];
			n++;
		}
		free(copy);
		if (n != ndev || nw || macs != 1) {
			fprintf(stderr, "trafficgen: --dev-macs needs one MAC per device and no --macs or --mac-weights\n");
			return 2;
		}
		skel->rodata->dev_dmacs = 1;
		skel->rodata->macs = macs = ndev;
	}

	err = trafficgen__load(skel);
	if (err) {
		fprintf(stderr, "trafficgen: load: %s\n", strerror(-err));
		return 1;
	}

	for (i = 0; ndev > 1 && i < ndev; i++) {
		if (bpf_map_update_elem(bpf_map__fd(skel->maps.tx_devs), &i, &devidx[i], 0)) {
			fprintf(stderr, "trafficgen: tx_devs: %s\n", strerror(errno));
			return 1;
		}
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	t0 = now_ns();
	t_end = duration > 0 ? t0 + (__u64)(duration * 1e9) : 0;
	skel->bss->end_ns = t_end;
	skel->bss->limit = count;

	while (!stop) {
		struct xdp_md ctx_in = { .data_end = len, .ingress_ifindex = ifindex };
		LIBBPF_OPTS(bpf_test_run_opts, opts,
			.data_in = frame,
			.data_size_in = len,
			.ctx_in = &ctx_in,
			.ctx_size_in = sizeof(ctx_in),
			.flags = BPF_F_TEST_XDP_LIVE_FRAMES,
			.repeat = repeat,
			.batch_size = batch,
		);
		__u64 a = now_ns(), b;

		skel->bss->call_first_ns = 0;

		err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.trafficgen), &opts);
		if (err) {
			fprintf(stderr, "trafficgen: BPF_PROG_RUN: %s\n", strerror(errno));
			return 1;
		}
		b = now_ns();
		/* setup before the first run, teardown after the last */
		gap_ns += (skel->bss->call_first_ns - a) + (b - skel->bss->call_last_ns);
		calls++;
		iters += repeat;
		if ((t_end && b >= t_end) || (count && skel->bss->sent >= count))
			break;
		/* Aim at CALL_NS per run: each call costs 1-2 ms of
		 * setup and teardown in which nothing is sent.  Do not run
		 * far past the end.
		 */
		if (b > a) {
			double per_ns = (double)repeat / (b - a);
			double want = per_ns * CALL_NS;

			if (t_end && want > per_ns * (t_end - b) + 1024)
				want = per_ns * (t_end - b) + 1024;
			repeat = want < 1024 ? 1024 : want > 1e9 ? 1e9 : (__u64)want;
		}
	}

	{
		__u64 sent = skel->bss->sent;
		__u64 el = skel->bss->last_ns - skel->bss->first_ns;
		/* n frames span n-1 intervals */
		double offered = sent > 1 && el ? (sent - 1) * 1e9 / el : 0;

		printf("sent=%llu elapsed_ns=%llu offered_pps=%.0f set_pps=%.0f "
		       "frame_bytes=%u ipv6=%d paced_drops=%llu lag_resets=%llu "
		       "lag_lost_ns=%llu lag_max_ns=%llu calls=%llu call_gap_ns=%llu "
		       "iterations=%llu\n",
		       (unsigned long long)sent, (unsigned long long)el, offered,
		       rate, len + 4, v6, (unsigned long long)skel->bss->paced,
		       (unsigned long long)skel->bss->lag_resets,
		       (unsigned long long)skel->bss->lag_lost_ns,
		       (unsigned long long)skel->bss->lag_max_ns,
		       (unsigned long long)calls, (unsigned long long)gap_ns,
		       (unsigned long long)iters);
		if (macs > 1 || nw) {
			printf("sent_idx=");
			for (i = 0; i < (macs < BENCH_MAX_MACIDX ? macs : BENCH_MAX_MACIDX); i++)
				printf("%s%llu", i ? "," : "",
				       (unsigned long long)skel->bss->sent_idx[i]);
			printf("\n");
		}
	}
	trafficgen__destroy(skel);
	return 0;
}
