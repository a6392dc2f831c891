// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* sysctls, read and written through /proc/sys inside a namespace. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "nl/netlink.h"

int sysctl_set(const char *netns, const char *path, const char *value,
	       char *old, size_t oldlen)
{
	char file[PATH_MAX];
	int fd, err, saved;
	size_t len;
	ssize_t n;

	if (strstr(path, ".."))
		return -EINVAL;
	if ((size_t)snprintf(file, sizeof(file), "/proc/sys/%s", path) >= sizeof(file))
		return -ENAMETOOLONG;
	/* /proc/sys/net is the netns of whoever opens the file: open inside. */
	err = netns_enter(netns, &saved);
	if (err)
		return err;
	fd = open(file, (value ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	err = fd < 0 ? -errno : 0;
	netns_leave(saved);
	if (err)
		return err;

	if (old && oldlen) {
		n = read(fd, old, oldlen - 1);
		if (n < 0) {
			err = -errno;
			goto out;
		}
		while (n > 0 && old[n - 1] == '\n')
			n--;
		old[n] = '\0';
		if (lseek(fd, 0, SEEK_SET) < 0) {
			err = -errno;
			goto out;
		}
	}
	if (!value)
		goto out;	/* read only */
	len = strlen(value);
	n = write(fd, value, len);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != len)
		err = -EIO;
out:
	close(fd);
	return err;
}
