// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The tenants' uid ranges (include/vrouter.h, VR_UID_*): a slot is taken
 * by creating /run/vrctl/uids/SLOT with O_EXCL, which is atomic whatever
 * vrctl (pin directory) asks, and holds the VR's name; it goes with the
 * VR.  /run is emptied at boot, with every namespace.  A slot that an
 * entry of /etc/subuid or /etc/subgid overlaps is someone else's: skipped,
 * unless the entry's owner is VR_UID_OWNER.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/uids.h"
#include "lib/log.h"
#include "nl/netlink.h"

#define UID_SLOT_DIR	VRCTL_RUN_DIR "/uids"

/* Does an entry of FILE ("owner:start:count" lines) overlap [LO, HI)?
 * An absent file overlaps nothing.
 */
static bool subid_overlaps(const char *file, uint64_t lo, uint64_t hi)
{
	char line[512], owner[256];
	unsigned long long start, count;
	bool hit = false;
	FILE *f;

	f = fopen(file, "re");
	if (!f)
		return false;
	while (!hit && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%255[^:]:%llu:%llu", owner, &start, &count) != 3)
			continue;
		if (!strcmp(owner, VR_UID_OWNER))
			continue;
		hit = start < hi && start + count > lo;
	}
	fclose(f);
	return hit;
}

static uint32_t slot_base(uint32_t slot)
{
	return VR_UID_BASE + slot * VR_UID_COUNT;
}

static void slot_path(uint32_t slot, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%u", UID_SLOT_DIR, slot);
}

int vr_uids_alloc(const char *name, uint32_t *base)
{
	char path[PATH_MAX];
	unsigned int skipped = 0;
	uint32_t slot, b;
	int fd, err;

	err = vrctl_run_dir(UID_SLOT_DIR);
	if (err) {
		pr_err("cannot use %s: %s", UID_SLOT_DIR, err == -EPERM ?
		       "not a directory of root's that only root can enter" : strerror(-err));
		return err;
	}
	for (slot = 0; slot < VR_UID_SLOTS; slot++) {
		b = slot_base(slot);
		if (subid_overlaps("/etc/subuid", b, (uint64_t)b + VR_UID_COUNT) ||
		    subid_overlaps("/etc/subgid", b, (uint64_t)b + VR_UID_COUNT)) {
			skipped++;
			continue;
		}
		slot_path(slot, path, sizeof(path));
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 && errno == EEXIST)
			continue;
		if (fd < 0) {
			err = -errno;
			pr_err("cannot take uid range slot %s: %s", path, strerror(-err));
			return err;
		}
		dprintf(fd, "%s\n", name);
		close(fd);
		*base = b;
		return 0;
	}
	pr_err("no uid range free for VR %s: the %u ranges of %u from %u are taken%s", name,
	       VR_UID_SLOTS, VR_UID_COUNT, VR_UID_BASE,
	       skipped ? " or overlap entries of /etc/subuid or /etc/subgid" : "");
	return -ENOSPC;
}

void vr_uids_free(const char *name, uint32_t base)
{
	char path[PATH_MAX], owner[VR_NAME_MAX + 2] = "";
	uint32_t slot;
	ssize_t n;
	int fd;

	if (base < VR_UID_BASE || (base - VR_UID_BASE) % VR_UID_COUNT)
		return;
	slot = (base - VR_UID_BASE) / VR_UID_COUNT;
	if (slot >= VR_UID_SLOTS)
		return;
	slot_path(slot, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return;
	n = read(fd, owner, sizeof(owner) - 1);
	close(fd);
	owner[n > 0 ? n : 0] = '\0';
	owner[strcspn(owner, "\n")] = '\0';
	/* Only the VR's own: another VR of that name (another pin
	 * directory) keeps its slot.
	 */
	if (!strcmp(owner, name))
		unlink(path);
}
