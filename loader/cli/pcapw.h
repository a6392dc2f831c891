/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A pcap file of Ethernet frames (vrctl trace --write), on libpcap.  On
 * its own because <pcap/pcap.h> and <linux/bpf.h> both define struct
 * bpf_insn.
 */
#ifndef VR_CLI_PCAPW_H
#define VR_CLI_PCAPW_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/time.h>

struct vr_pcap;

/* PATH created (0600, O_EXCL, never through a symlink; an existing file
 * only if it is this user's alone, emptied): 0 or -errno (printed).
 */
int vr_pcap_create(const char *path, uint32_t snaplen, struct vr_pcap **out);
/* A frame of LEN bytes of which the first CAPLEN are DATA; flushed. */
void vr_pcap_write(struct vr_pcap *p, const struct timeval *ts, const void *data,
		   uint32_t caplen, uint32_t len);
/* Closed; with REMOVE the file is deleted (the command failed).  NULL is fine. */
void vr_pcap_close(struct vr_pcap *p, bool remove);

#endif /* VR_CLI_PCAPW_H */
