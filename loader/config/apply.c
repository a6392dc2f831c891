// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * `vrctl apply`: a plan run step by step through the core (load, unload,
 * create, delete, attach, detach, limit, quota, fast path), each step
 * marked done so that a failure undoes exactly the steps done, in
 * reverse.  What cannot be undone is said: a deleted VR (its namespace
 * and the tenant's content in it are gone), an unloaded NIC that cannot
 * be loaded again.  Then the hooks of the VRs made, each in its VR's
 * network namespace.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include "config/config.h"
#include "core/datapath.h"
#include "core/maps.h"
#include "core/quota.h"
#include "lib/log.h"
#include "lib/parse.h"
#include "nl/netlink.h"

static int load_nic(struct vr_state *st, const char *name, enum xdp_attach_mode mode)
{
	const char *names[1] = { name };
	struct vr_load_req req = { .ifnames = names, .n = 1, .mode = mode };
	int err;

	err = vr_dp_load(st, &req);
	return err ? err : vr_maps_open(st);
}

static int set_quota(struct vr_state *st, const struct vr_action *a, const struct vr_quota *q)
{
	struct vr_router rec;
	int err;

	err = vr_quota_check(st, a->id, a->name, q);	/* prints */
	if (err)
		return err;
	err = vr_router_get(st, a->id, &rec);
	if (!err) {
		rec.quota_neigh = q->neigh;
		rec.quota_routes = q->routes;
		rec.quota_macs = q->macs;
		err = vr_router_write(st, a->id, &rec);
	}
	if (err)
		pr_err("VR %s: cannot write its record: %s", a->name, strerror(-err));
	return err;
}

/* The operator's switch: in the record (kept over a re-attach) and on
 * every MAC of the VR, as set-router --fast-path does.
 */
static int set_fast_path(struct vr_state *st, const struct vr_action *a, bool off)
{
	struct vr_router rec;
	int err;

	err = vr_router_get(st, a->id, &rec);
	if (!err) {
		rec.slow = off ? VR_SLOW_ADMIN : 0;
		err = vr_router_write(st, a->id, &rec);
	}
	if (!err)
		err = vr_router_set_slow(st, a->id, VR_SLOW_ADMIN, off);
	if (err < 0) {
		pr_err("VR %s: cannot switch its fast path %s: %s", a->name, off ? "off" : "on",
		       strerror(-err));
		return err;
	}
	return 0;
}

/* The record as it is now (a quota may have changed it since the plan). */
static int current(struct vr_state *st, const struct vr_action *a, struct vr_router *rec)
{
	int err = vr_router_get(st, a->id, rec);

	if (err)
		pr_err("VR %s: cannot read its record: %s", a->name, strerror(-err));
	return err;
}

static int do_action(struct vr_state *st, struct vr_conf *c, struct vr_plan *p, int i)
{
	struct vr_action *a = &p->acts[i];
	struct vr_router_req *req;
	struct vr_router rec;
	int err;

	switch (a->kind) {
	case VR_ACT_LOAD:
		return load_nic(st, a->name, a->mode);
	case VR_ACT_DELETE:
		return vr_router_delete(st, a->id, &a->rec);
	case VR_ACT_DETACH:
		err = current(st, a, &rec);
		return err ? err : vr_router_detach(st, a->id, &rec, &a->att);
	case VR_ACT_ATTACH:
		err = current(st, a, &rec);
		return err ? err : vr_router_attach(st, a->id, &rec, &a->att);
	case VR_ACT_QUOTA:
		return set_quota(st, a, &a->new_quota);
	case VR_ACT_LIMIT:
		return vr_limit_write(st, a->id, &a->new_limit);
	case VR_ACT_FAST_PATH:
		return set_fast_path(st, a, a->off);
	case VR_ACT_CREATE:
		/* A copy: the core resolves its request in place. */
		req = malloc(sizeof(*req));
		if (!req)
			return -ENOMEM;
		*req = c->routers[a->conf].req;
		err = vr_router_create(st, req, &a->id);
		free(req);
		if (!err && c->routers[a->conf].fast_path_off) {
			err = set_fast_path(st, a, true);
			if (err) {
				vr_router_get(st, a->id, &rec);
				vr_router_delete(st, a->id, &rec);
			}
		}
		return err;
	case VR_ACT_UNLOAD:
		/* The file has no NIC left: everything, pins too (once). */
		if (!c->n_nics) {
			if (i && p->acts[i - 1].kind == VR_ACT_UNLOAD)
				return 0;
			return vr_dp_unload(st, NULL, 0, false);
		}
		return vr_dp_unload(st, (const char *const[]){ a->name }, 1, false);
	}
	return -EINVAL;
}

/* Undo action I (done): 0, or -errno if it could not be undone. */
static int undo_action(struct vr_state *st, const struct vr_conf *c, struct vr_plan *p, int i,
		       bool pins_before)
{
	struct vr_action *a = &p->acts[i];
	struct vr_router rec;
	int err;

	switch (a->kind) {
	case VR_ACT_LOAD:
		/* The first NIC of a vrouter that was not loaded: all of it. */
		if (!pins_before && i == 0)
			return vr_dp_unload(st, NULL, 0, false);
		return vr_dp_unload(st, (const char *const[]){ a->name }, 1, false);
	case VR_ACT_DELETE:
		return -EOPNOTSUPP;
	case VR_ACT_DETACH:
		err = current(st, a, &rec);
		return err ? err : vr_router_attach(st, a->id, &rec, &a->att);
	case VR_ACT_ATTACH:
		err = current(st, a, &rec);
		return err ? err : vr_router_detach(st, a->id, &rec, &a->att);
	case VR_ACT_QUOTA:
		return set_quota(st, a, &a->old_quota);
	case VR_ACT_LIMIT:
		return vr_limit_write(st, a->id, &a->old_limit);
	case VR_ACT_FAST_PATH:
		return set_fast_path(st, a, !a->off);
	case VR_ACT_CREATE:
		err = current(st, a, &rec);
		return err ? err : vr_router_delete(st, a->id, &rec);
	case VR_ACT_UNLOAD:
		if (!c->n_nics)
			return -EOPNOTSUPP;	/* the pins went with the last NIC */
		return load_nic(st, a->name, a->mode);
	}
	return -EINVAL;
}

static void undo(struct vr_state *st, const struct vr_conf *c, struct vr_plan *p, int failed,
		 bool pins_before)
{
	char buf[256], left[1024] = "";
	int i, n = 0, n_left = 0;
	size_t off = 0;

	for (i = failed - 1; i >= 0; i--) {
		if (!p->acts[i].done)
			continue;
		if (undo_action(st, c, p, i, pins_before)) {
			vr_action_str(&p->acts[i], buf, sizeof(buf));
			off += snprintf(left + off, off < sizeof(left) ? sizeof(left) - off : 0,
					"%s'%s'", n_left ? ", " : "", buf);
			n_left++;
			continue;
		}
		n++;
	}
	vr_action_str(&p->acts[failed], buf, sizeof(buf));
	if (!n_left)
		pr_err("apply stopped at '%s': the %d change%s before it undone, the "
		       "running state is as before", buf, n, n == 1 ? "" : "s");
	else
		pr_err("apply stopped at '%s': %d change%s undone; not undone: %s "
		       "('vrctl apply --check' shows what is left to do)", buf, n,
		       n == 1 ? "" : "s", left);
}

/* VR_CONF_HOOK_TIMEOUT, or VRCTL_HOOK_TIMEOUT seconds (1-3600; tests). */
static int hook_timeout(void)
{
	const char *e = getenv("VRCTL_HOOK_TIMEOUT");
	uint32_t v;

	return e && !parse_u32(e, 1, 3600, &v) ? (int)v : VR_CONF_HOOK_TIMEOUT;
}

/* HOOK through /bin/sh inside VR NAME's network namespace (only that
 * namespace, as nsenter --net: /sys and /etc stay the host's), with
 * VR_NAME, VR_ID and VR_TABLE in its environment, stdin from /dev/null
 * (apply may be reading the file from its own) and stdout to stderr
 * (stdout is the plan's, JSON with -j).  A hook that
 * does not end within VR_CONF_HOOK_TIMEOUT seconds is killed with its
 * process group: a boot must not hang on it (a daemon it starts must
 * leave the group, as daemons do).
 */
static int run_hook(const char *name, uint32_t id, uint32_t table, const char *hook)
{
	struct timespec tick = { 0, 50 * 1000 * 1000 };
	int status, saved, fd, n, timeout = hook_timeout();
	char num[16];
	pid_t pid, r;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		setpgid(0, 0);
		fd = open("/dev/null", O_RDONLY);
		if (fd >= 0 && dup2(fd, STDIN_FILENO) >= 0 && fd != STDIN_FILENO)
			close(fd);
		dup2(STDERR_FILENO, STDOUT_FILENO);	/* stdout is the plan's (-j) */
		if (netns_enter(name, &saved))
			_exit(126);
		setenv("VR_NAME", name, 1);
		snprintf(num, sizeof(num), "%u", id);
		setenv("VR_ID", num, 1);
		snprintf(num, sizeof(num), "%u", table);
		setenv("VR_TABLE", num, 1);
		execl("/bin/sh", "sh", "-c", hook, (char *)NULL);
		_exit(127);
	}
	for (n = 0; (r = waitpid(pid, &status, WNOHANG)) == 0; n++) {
		if (n == timeout * 20) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			pr_err("VR %s: hook '%s' still running after %d s: killed (the VR "
			       "stays)", name, hook, timeout);
			waitpid(pid, &status, 0);
			return -ETIMEDOUT;
		}
		nanosleep(&tick, NULL);
	}
	if (r < 0)
		return -errno;
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return 0;
	if (WIFEXITED(status))
		pr_err("VR %s: hook '%s' exited with status %d (the VR stays; apply does not "
		       "run it again)", name, hook, WEXITSTATUS(status));
	else
		pr_err("VR %s: hook '%s' killed by signal %d (the VR stays)", name, hook,
		       WTERMSIG(status));
	return -ECHILD;
}

static int run_hooks(struct vr_state *st, struct vr_conf *c, struct vr_plan *p)
{
	const struct vr_conf_router *cr;
	struct vr_router rec;
	int i, err, ret = 0;

	for (i = 0; i < p->n; i++) {
		if (p->acts[i].kind != VR_ACT_CREATE)
			continue;
		cr = &c->routers[p->acts[i].conf];
		if (!cr->hook[0] || vr_router_get(st, p->acts[i].id, &rec))
			continue;
		pr_info("VR %s: running hook '%s'", cr->req.name, cr->hook);
		err = run_hook(cr->req.name, p->acts[i].id, rec.table_id, cr->hook);
		if (err && !ret)
			ret = -ECHILD;	/* the changes stay: vrctl says so */
	}
	return ret;
}

int vr_conf_apply(struct vr_state *st, struct vr_conf *c, struct vr_plan *p)
{
	bool pins_before = vr_pins_present(st) != 0;
	char buf[256];
	int i, err;

	for (i = 0; i < p->n; i++) {
		err = do_action(st, c, p, i);
		if (err) {
			undo(st, c, p, i, pins_before);
			return err;
		}
		p->acts[i].done = true;
		pr_info("%s", vr_action_str(&p->acts[i], buf, sizeof(buf)));
	}
	return run_hooks(st, c, p);
}
