// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* A pcap file of Ethernet frames (pcapw.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <pcap/pcap.h>

#include "lib/log.h"
#include "pcapw.h"

struct vr_pcap {
	pcap_t *pcap;
	pcap_dumper_t *dump;
	char *path;
};

/*
 * PATH created anew (O_EXCL: never a file someone else made, whose owner
 * could read the frames; never through a symlink), or, if it exists, a
 * file of ours alone (a regular file of this user, one link) emptied and
 * made 0600.  Opened without blocking (a FIFO there would hang a plain
 * open).  The fd or -errno (printed).
 */
static int create_excl(const char *path)
{
	struct stat sb;
	int fd, err;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd >= 0 || errno != EEXIST)
		goto out;
	fd = open(path, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		goto out;
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode) || sb.st_uid != geteuid() ||
	    sb.st_nlink != 1) {
		close(fd);
		pr_err("--write: %s exists and is not a file of this user's alone: refused "
		       "(remove it, or write to a new name)", path);
		return -EEXIST;
	}
	if (ftruncate(fd, 0) || fchmod(fd, 0600) ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)) {
		err = -errno;
		close(fd);
		errno = -err;
		fd = -1;
	}
out:
	if (fd < 0) {
		err = -errno;
		pr_err("--write: cannot create %s: %s", path, strerror(-err));
		return err;
	}
	return fd;
}

int vr_pcap_create(const char *path, uint32_t snaplen, struct vr_pcap **out)
{
	struct vr_pcap *p;
	FILE *f = NULL;
	int fd;

	*out = NULL;
	fd = create_excl(path);
	if (fd < 0)
		return fd;
	p = calloc(1, sizeof(*p));
	if (p)
		p->path = strdup(path);
	if (p && p->path)
		f = fdopen(fd, "w");
	if (f)
		p->pcap = pcap_open_dead(DLT_EN10MB, (int)snaplen);
	if (p && p->pcap)
		p->dump = pcap_dump_fopen(p->pcap, f);
	if (!p || !p->dump) {
		pr_err("--write: cannot write a pcap file to %s", path);
		if (f)
			fclose(f);
		else
			close(fd);
		unlink(path);
		if (p && p->pcap)
			pcap_close(p->pcap);
		if (p)
			free(p->path);
		free(p);
		return -EIO;
	}
	*out = p;
	return 0;
}

void vr_pcap_write(struct vr_pcap *p, const struct timeval *ts, const void *data,
		   uint32_t caplen, uint32_t len)
{
	struct pcap_pkthdr h = { .ts = *ts, .caplen = caplen, .len = len };

	pcap_dump((u_char *)p->dump, &h, data);
	pcap_dump_flush(p->dump);
}

void vr_pcap_close(struct vr_pcap *p, bool remove)
{
	if (!p)
		return;
	pcap_dump_close(p->dump);
	pcap_close(p->pcap);
	if (remove)
		unlink(p->path);
	free(p->path);
	free(p);
}
