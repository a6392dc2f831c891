# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Commands, namespaces and sysctls of a run (Shell), and what the bench
reads from /proc: task run time, CPU time, softnet drops, load."""
import ctypes
import glob
import json
import os
import re
import signal
import subprocess
import sys

CLONE_NEWNET = 0x40000000
RT_RUNTIME = "/proc/sys/kernel/sched_rt_runtime_us"
_libc = ctypes.CDLL(None, use_errno=True)


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def _setns(fd):
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "setns")


class Shell:
    """Runs commands in the host's namespace and in the run's namespaces
    (named cfg.ns(name)); removes them all in cleanup()."""

    def __init__(self, cfg):
        self.cfg = cfg

    def sh(self, cmd, check=True, input=None, timeout=120):
        """Run a shell command, return stdout."""
        if self.cfg.verbose:
            log("+", cmd)
        r = subprocess.run(cmd, shell=True, input=input, capture_output=True,
                           text=True, timeout=timeout)
        if check and r.returncode != 0:
            raise RuntimeError("command failed (%d): %s\n%s" %
                               (r.returncode, cmd, r.stderr.strip()))
        return r.stdout

    def nsx(self, name, cmd, **kw):
        """In a namespace without remounting /sys (bpffs stays visible)."""
        return self.sh("nsenter --net=/run/netns/%s %s" % (self.cfg.ns(name), cmd), **kw)

    def nse(self, name, cmd, **kw):
        """ip netns exec: /sys shows the namespace's devices."""
        return self.sh("ip netns exec %s %s" % (self.cfg.ns(name), cmd), **kw)

    def ipn(self, name, args, **kw):
        return self.sh("ip -n %s %s" % (self.cfg.ns(name), args), **kw)

    def benchctl(self, name, args, **kw):
        """benchctl in namespace `name` (bpffs visible)."""
        return self.nsx(name, "%s %s" % (self.cfg.benchctl, args), **kw)

    def benchctl_json(self, name, args, rt=False):
        """benchctl's JSON answer; rt: at the generator's real-time priority."""
        pre = self.cfg.rt_prefix() if rt else ""
        return json.loads(self.nsx(name, "%s%s %s" % (pre, self.cfg.benchctl, args)))

    def sysctls(self, name, kv):
        """Set sysctls {key: value} in a namespace: this process enters it for
        the writes (/proc/sys/net is the opener's namespace), no process per
        key and VR."""
        if self.cfg.verbose:
            log("+ sysctl in %s:" % name, kv)
        home = os.open("/proc/self/ns/net", os.O_RDONLY)
        target = os.open("/run/netns/" + self.cfg.ns(name), os.O_RDONLY)
        try:
            _setns(target)
            try:
                for k, v in kv.items():
                    with open("/proc/sys/" + k.replace(".", "/"), "w") as f:
                        f.write(str(v))
            finally:
                _setns(home)
        finally:
            os.close(target)
            os.close(home)

    def ip_batch(self, name, lines):
        """Many ip commands in one process; name None = the host's namespace."""
        if lines:
            where = " -n " + self.cfg.ns(name) if name else ""
            self.sh("ip%s -batch -" % where, input="\n".join(lines) + "\n")

    def mac_of(self, name, dev):
        return json.loads(self.ipn(name, "-j link show %s" % dev))[0]["address"]

    def link_stats(self, name, dev):
        s = json.loads(self.ipn(name, "-j -s link show %s" % dev))[0]["stats64"]
        return {"rx_packets": s["rx"]["packets"], "rx_dropped": s["rx"]["dropped"],
                "tx_packets": s["tx"]["packets"], "tx_dropped": s["tx"]["dropped"]}

    def xdp_xmit(self, name, dev):
        """Frames a veth handed to its peer as XDP frames (ndo_xdp_xmit),
        over its queues: ethtool -S tx_queue_N_xdp_xmit."""
        out = self.nsx(name, "ethtool -S %s" % dev)
        return sum(int(l.split(":")[1]) for l in out.splitlines()
                   if re.match(r"\s*tx_queue_\d+_xdp_xmit:", l))

    def cleanup(self):
        """Kill what runs in our namespaces and delete them (one ip process)."""
        ours = glob.glob("/run/netns/%s-*" % self.cfg.prefix)
        inodes = set()
        for f in ours:
            try:
                inodes.add(os.stat(f).st_ino)
            except OSError:
                pass
        for d in glob.glob("/proc/[0-9]*"):
            try:
                if os.stat(d + "/ns/net").st_ino in inodes:
                    os.kill(int(d[6:]), signal.SIGKILL)
            except (OSError, ValueError):
                pass
        if ours:
            self.sh("ip -force -batch -", check=False,
                    input="".join("netns del %s\n" % os.path.basename(f) for f in ours))
        self.sh("rm -rf %s" % self.cfg.pin, check=False)


def rt_unthrottle():
    """Turn real-time throttling off for the run; return the old setting.
    With it on (950000 of every 1000000 us), the spinning SCHED_FIFO
    generator and the sink sharing its CPU are stopped for the last 50 ms
    of every second: the generator undershoots its set rate by 5% and the
    sink's ring overflows (measured: 49 ms gaps, 0.3% loss)."""
    with open(RT_RUNTIME) as f:
        old = f.read().strip()
    banner("setting kernel.sched_rt_runtime_us = -1 (real-time throttling off) for this "
           "run; it was %s and is restored at exit" % old)
    if old == "-1":
        log("bench.py: kernel.sched_rt_runtime_us was -1 already: another bench run may be "
            "going on (its points and ours would disturb each other), or one did not restore "
            "it (the kernel's default is 950000)")
    with open(RT_RUNTIME, "w") as f:
        f.write("-1")
    return old


def rt_restore(old):
    if old is not None:
        with open(RT_RUNTIME, "w") as f:
            f.write(old)
        banner("restored kernel.sched_rt_runtime_us = %s" % old)


def banner(text):
    line = "#" * 78
    log("%s\n# bench.py: %s\n%s" % (line, text, line))


def comm_pids(prefix):
    res = set()
    for d in glob.glob("/proc/[0-9]*"):
        try:
            with open(d + "/comm") as f:
                if f.read().strip().startswith(prefix):
                    res.add(int(d[6:]))
        except OSError:
            pass
    return res


def runtime_ns(pid):
    """Time on CPU (ns) of a task: /proc/PID/schedstat, nanosecond exact."""
    try:
        with open("/proc/%d/schedstat" % pid) as f:
            return int(f.read().split()[0])
    except OSError:
        return 0


def cpu_stat(cpu):
    """/proc/stat line of one CPU, in ns (USER_HZ ticks)."""
    hz = os.sysconf("SC_CLK_TCK")
    with open("/proc/stat") as f:
        for line in f:
            if line.startswith("cpu%d " % cpu):
                v = [int(x) * 1000000000 // hz for x in line.split()[1:]]
                # user nice system idle iowait irq softirq steal
                return {"busy": sum(v[:8]) - v[3] - v[4], "softirq": v[6],
                        "total": sum(v[:8])}
    return {"busy": 0, "softirq": 0, "total": 0}


def softnet_drops():
    tot = 0
    with open("/proc/net/softnet_stat") as f:
        for line in f:
            tot += int(line.split()[1], 16)
    return tot


def load1():
    """The 1-minute load average, as text."""
    with open("/proc/loadavg") as f:
        return f.read().split()[0]
