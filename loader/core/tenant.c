// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The tenant's directories (tenant.h): where a tenant's daemons keep
 * their configuration, sockets, pid files and logs, as the VR's own
 * uids own them, bounded in size, gone with the VR.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <linux/magic.h>

#include "core/tenant.h"
#include "lib/log.h"
#include "nl/netlink.h"

/* Each directory of the tmpfs and where `vrctl exec` mounts it; "run"
 * last (the sources are under /run).  "etc" is not mounted itself: its
 * subdirectories are, each over the host's /etc directory of that name.
 */
static const struct {
	const char *dir;
	mode_t mode;
	const char *at[2];
} tenant_dirs[] = {
	{ "etc", 0755, { NULL } },
	{ "tmp", 01777, { "/tmp", "/var/tmp" } },
	{ "shm", 01777, { "/dev/shm" } },
	{ "log", 0755, { "/var/log" } },
	{ "run", 0755, { "/run" } },
};

/* The routing daemons' configuration directories made by add-router. */
static const char *const tenant_etc[] = { "frr", "bird", "keepalived" };

#define N_OF(a)	(sizeof(a) / sizeof((a)[0]))

static int tenant_path(const char *name, char *buf, size_t len)
{
	return ns_name_path(TENANT_RUN_DIR, name, buf, len);
}

/* DIR below the directory of DFD, with MODE exactly (whatever the umask). */
static int make_dir(int dfd, const char *dir, mode_t mode)
{
	if (mkdirat(dfd, dir, mode) < 0 && errno != EEXIST)
		return -errno;
	if (fchmodat(dfd, dir, mode, 0) < 0)
		return -errno;
	return 0;
}

/* The directories in the tmpfs root DFD. */
static int populate(int dfd)
{
	int efd, err = 0;
	size_t i;

	for (i = 0; !err && i < N_OF(tenant_dirs); i++)
		err = make_dir(dfd, tenant_dirs[i].dir, tenant_dirs[i].mode);
	efd = err ? -1 : openat(dfd, "etc", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (!err && efd < 0)
		err = -errno;
	for (i = 0; !err && i < N_OF(tenant_etc); i++)
		err = make_dir(efd, tenant_etc[i], 0755);
	if (efd >= 0)
		close(efd);
	return err;
}

/* The directories of the tmpfs at PATH, made by the tenant's root (so they
 * are its own, and vrctl needs no CAP_CHOWN): a child in VR NAME's user
 * namespace, from a descriptor of the tmpfs (the tenant may not traverse
 * /run/vrctl).
 */
static int populate_as_tenant(const char *name, const char *path)
{
	int userfd, dfd, status, err;
	pid_t pid;

	dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	userfd = userns_open(name);
	if (userfd < 0) {
		close(dfd);
		return userfd;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(userfd);
		close(dfd);
		return err;
	}
	if (pid == 0) {
		err = vr_tenant_become_root(userfd);
		if (!err)
			err = populate(dfd);
		_exit(err ? -err : 0);
	}
	close(userfd);
	close(dfd);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (!WIFEXITED(status))
		return -ECHILD;
	return -WEXITSTATUS(status);
}

int vr_tenant_dir_create(const char *name, uint32_t uid_base)
{
	char path[PATH_MAX], opts[128];
	int err;

	err = tenant_path(name, path, sizeof(path));
	if (!err)
		err = vrctl_run_dir(TENANT_RUN_DIR);
	if (err)
		return err;
	if (mkdir(path, 0700) < 0)
		return -errno;
	snprintf(opts, sizeof(opts), "size=%um,nr_inodes=%u,mode=0755,uid=%u,gid=%u",
		 VR_TENANT_FS_MB, VR_TENANT_FS_INODES, uid_base, uid_base);
	if (mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, opts)) {
		err = -errno;
		rmdir(path);
		return err;
	}
	err = populate_as_tenant(name, path);
	if (err)
		vr_tenant_dir_delete(name);
	return err;
}

int vr_tenant_dir_delete(const char *name)
{
	char path[PATH_MAX];
	struct stat st;
	int err;

	err = tenant_path(name, path, sizeof(path));
	if (err)
		return err;
	if (lstat(path, &st) < 0)
		return -errno;
	/* EINVAL: not a mount point (a crash before the mount). */
	if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL)
		return -errno;
	return rmdir(path) < 0 ? -errno : 0;
}

int vr_mount_detach(const char *dir)
{
	char line[4096], mnt[PATH_MAX];
	size_t len = strlen(dir);
	FILE *f;

	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return -errno;
	/* "ID PARENT MAJ:MIN ROOT MOUNTPOINT ...": a parent is listed before
	 * its children, which go with it (EINVAL when their turn comes).
	 */
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1)
			continue;
		if (!strncmp(mnt, dir, len) && (mnt[len] == '\0' || mnt[len] == '/'))
			umount2(mnt, MNT_DETACH);
	}
	fclose(f);
	return 0;
}

/* A detached copy (open_tree) of directory DIR below DFD, not through a
 * symlink: the tenant owns what is inside the tmpfs.
 */
static int clone_dir(int dfd, const char *dir, const char *vr, const char *what)
{
	struct stat st;
	int fd;

	if (fstatat(dfd, dir, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode)) {
		pr_err("VR %s: its tenant directory %s is not a directory", vr, what);
		return -ENOTDIR;
	}
	fd = open_tree(dfd, dir, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_SYMLINK_NOFOLLOW);
	if (fd < 0)
		pr_err("VR %s: cannot take its tenant directory %s: %s", vr, what, strerror(errno));
	return fd < 0 ? -errno : fd;
}

/* The copy TREE over AT, after what the host had mounted there. */
static int attach(int tree, const char *at, const char *what)
{
	struct stat st;

	if (lstat(at, &st) < 0 || !S_ISDIR(st.st_mode)) {
		pr_info("tenant directory %s: the host has no directory %s: not mounted", what, at);
		return 0;
	}
	vr_mount_detach(at);
	if (move_mount(tree, "", AT_FDCWD, at, MOVE_MOUNT_F_EMPTY_PATH) < 0) {
		pr_err("cannot mount the tenant's %s over %s: %s", what, at, strerror(errno));
		return -errno;
	}
	return 0;
}

/* etc/D over /etc/D for each directory D of etc (EFD). */
static int mount_etc(int efd, const char *vr)
{
	char at[PATH_MAX], what[NAME_MAX + 8];
	struct dirent *de;
	struct stat st;
	int dfd, tree, err = 0;
	DIR *d;

	dfd = openat(efd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || !(d = fdopendir(dfd))) {
		if (dfd >= 0)
			close(dfd);
		return -errno;
	}
	while (!err && (de = readdir(d))) {
		if (de->d_name[0] == '.' ||
		    fstatat(efd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISDIR(st.st_mode))
			continue;	/* not a directory: nothing to mount */
		snprintf(at, sizeof(at), "/etc/%s", de->d_name);
		snprintf(what, sizeof(what), "etc/%s", de->d_name);
		tree = clone_dir(efd, de->d_name, vr, what);
		if (tree < 0) {
			err = tree;
			break;
		}
		err = attach(tree, at, what);
		close(tree);
	}
	closedir(d);
	return err;
}

int vr_tenant_dir_mount(const char *name)
{
	int trees[N_OF(tenant_dirs)][2], root, fd, err = 0;
	char path[PATH_MAX];
	struct statfs sf;
	size_t i, j;

	err = tenant_path(name, path, sizeof(path));
	if (err)
		return err;
	root = open(path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (root < 0 || fstatfs(root, &sf) < 0 || sf.f_type != TMPFS_MAGIC) {
		err = root < 0 ? -errno : -ENOENT;
		pr_err("VR %s has no tenant directory (%s): del-router and add-router make it",
		       name, path);
		if (root >= 0)
			close(root);
		return err;
	}
	/* Copies first, all of them: /run, where they come from, is
	 * replaced at the end.
	 */
	memset(trees, -1, sizeof(trees));
	for (i = 0; !err && i < N_OF(tenant_dirs); i++) {
		if (!tenant_dirs[i].at[0]) {
			fd = openat(root, tenant_dirs[i].dir,
				    O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			err = fd < 0 ? -ENOTDIR : mount_etc(fd, name);
			if (fd < 0)
				pr_err("VR %s: its tenant directory %s is not a directory", name,
				       tenant_dirs[i].dir);
			else
				close(fd);
			continue;
		}
		for (j = 0; !err && j < 2 && tenant_dirs[i].at[j]; j++) {
			trees[i][j] = clone_dir(root, tenant_dirs[i].dir, name, tenant_dirs[i].dir);
			if (trees[i][j] < 0)
				err = trees[i][j];
		}
	}
	close(root);
	for (i = 0; !err && i < N_OF(tenant_dirs); i++)
		for (j = 0; !err && j < 2 && tenant_dirs[i].at[j]; j++)
			err = attach(trees[i][j], tenant_dirs[i].at[j], tenant_dirs[i].dir);
	for (i = 0; i < N_OF(tenant_dirs); i++)
		for (j = 0; j < 2; j++)
			if (trees[i][j] >= 0)
				close(trees[i][j]);
	return err;
}

/* Is process PID (a /proc entry) running, not a zombie, with a real,
 * effective or saved uid in [LO, LO + N)?  /proc/PID/status says, to
 * anyone (/proc/PID/ns would need ptrace rights over the VR's init).
 */
static bool tenants(const char *pid, uint32_t lo, uint32_t n)
{
	char path[300], buf[2048], *p;
	unsigned long u[3];
	ssize_t len;
	int fd, i;

	snprintf(path, sizeof(path), "/proc/%s/status", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return false;
	buf[len] = '\0';
	p = strstr(buf, "\nState:\t");
	if (!p || p[8] == 'Z' || p[8] == 'X')
		return false;
	p = strstr(buf, "\nUid:\t");
	if (!p || sscanf(p + 6, "%lu %lu %lu", &u[0], &u[1], &u[2]) != 3)
		return false;
	for (i = 0; i < 3; i++)
		if (u[i] >= lo && u[i] - lo < n)
			return true;
	return false;
}

/* Processes of the tenant's uids not yet in KILLED[*N], each sent
 * SIGKILL and added (up to MAX): how many.  /proc/PID belongs to the
 * process's uid, or to its user namespace's root (a tenant's uid too)
 * when it is not dumpable, or to root when that namespace is the host's:
 * the VR's init alone (ROOT_TOO: it is not known to be gone).
 */
static int kill_round(uint32_t lo, uint32_t count, bool root_too, pid_t *killed, int *n,
		      int max)
{
	char path[300];
	struct dirent *de;
	struct stat st;
	int i, found = 0;
	pid_t pid;
	DIR *d;

	d = opendir("/proc");
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s", de->d_name);
		if (stat(path, &st) < 0 || !((st.st_uid >= lo && st.st_uid - lo < count) ||
					      (root_too && st.st_uid == 0)))
			continue;
		pid = atoi(de->d_name);
		for (i = 0; i < *n && killed[i] != pid; i++)
			;
		if (i < *n || !tenants(de->d_name, lo, count))
			continue;	/* signalled already (dying), or not the tenant's */
		if (kill(pid, SIGKILL))
			continue;
		found++;
		if (*n < max)
			killed[(*n)++] = pid;
	}
	closedir(d);
	return found;
}

#ifndef NS_GET_PID_FROM_PIDNS
#define NS_GET_PID_FROM_PIDNS	_IOR(0xb7, 0x6, int)	/* Linux 6.11; older headers lack it */
#endif

/* SIGKILL to VR NAME's init, pid 1 of its pid namespace, which takes
 * every process there with it: 1 if it was killed, 0 if there is none,
 * -1 if this kernel cannot name it.
 */
static int kill_init(const char *name, uint32_t lo, uint32_t count)
{
	char pid[16];
	int fd, p;

	fd = vr_tenant_init_open(name);
	if (fd < 0)
		return fd == -ENOENT ? 0 : -1;
	p = ioctl(fd, NS_GET_PID_FROM_PIDNS, 1);
	close(fd);
	if (p <= 0)
		return p < 0 && errno == ESRCH ? 0 : -1;	/* ESRCH: it is gone */
	snprintf(pid, sizeof(pid), "%d", p);
	return tenants(pid, lo, count) && !kill(p, SIGKILL);
}

int vr_tenant_kill(const char *name, uint32_t uid_base, uint32_t uid_count)
{
	pid_t killed[1024];
	int i, n = 0, found, init, total = 0;

	/* Only ever a tenant's range: never the host's own uids. */
	if (uid_base < VR_UID_BASE || !uid_count || uid_count > VR_UID_COUNT)
		return 0;
	init = kill_init(name, uid_base, uid_count);
	/* Again while new ones are found: one may have forked meanwhile
	 * (once its init is gone, nothing in its pid namespace can).
	 */
	for (i = 0; i < 20; i++) {
		found = kill_round(uid_base, uid_count, init < 0, killed, &n, 1024);
		if (found <= 0)
			break;
		total += found;
		usleep(2000);
	}
	return total + (init > 0);
}
