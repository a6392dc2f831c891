#!/usr/bin/python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""make mutate: plant each mutant of tests/mutants/mutants.txt in a copy of
the tree, rebuild the copy, run the test cases named for it there, and
count it killed when one of them fails.  The working tree is never
written: the copy (a temporary directory, removed on exit, also on
Ctrl-C) holds the build and the tests run from it (tests/lib.sh finds its
binaries next to itself).

  tests/mutants/run.py [NAME_PATTERN...]   (as root; `make mutate`)

Ends with "N of M mutants killed"; each survivor is named on a line
"SURVIVED: NAME".  Exit status 0 only if every mutant was killed.
The list format is in mutants.txt."""
import os, re, shutil, signal, subprocess, sys, tempfile, time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LIST = os.path.join(TOP, "tests", "mutants", "mutants.txt")


def parse(path):
    muts = []
    for n, line in enumerate(open(path), 1):
        line = line.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split(" | ", 3)
        if len(parts) != 4 or " => " not in parts[3]:
            sys.exit("%s:%d: not 'NAME | FILE | TESTS | OLD => NEW'" % (path, n))
        name, f, tests, change = (p.strip() for p in parts)
        old, new = change.split(" => ", 1)
        dec = lambda s: s.replace("\\n", "\n").replace("\\t", "\t")
        muts.append(dict(name=name, file=f, tests=tests.split(","), old=dec(old),
                         new=dec(new), line=n))
    return muts


def run(cmd, cwd, log, timeout=None):
    with open(log, "a") as fh:
        fh.write("$ %s\n" % " ".join(cmd))
        fh.flush()
        try:
            return subprocess.run(cmd, cwd=cwd, stdout=fh, stderr=subprocess.STDOUT,
                                  timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            fh.write("timeout\n")
            return 124


def main():
    if os.geteuid() != 0:
        sys.exit("tests/mutants/run.py: must run as root")
    muts = parse(LIST)
    pats = sys.argv[1:]
    if pats:
        muts = [m for m in muts if any(p in m["name"] for p in pats)]
    names = [m["name"] for m in muts]
    if len(set(names)) != len(names):
        sys.exit("mutants.txt: duplicate names")
    work = tempfile.mkdtemp(prefix="vrmutate.")
    tree = os.path.join(work, "tree")
    log = os.path.join(work, "log")

    def cleanup(*_):
        shutil.rmtree(work, ignore_errors=True)
        if _:
            sys.exit(130)
    signal.signal(signal.SIGINT, cleanup)
    signal.signal(signal.SIGTERM, cleanup)
    try:
        # The tracked files as they are in the working tree (edits included).
        files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=TOP, check=True,
                               capture_output=True).stdout.decode().split("\0")
        for f in filter(None, files):
            src = os.path.join(TOP, f)
            if not os.path.lexists(src):
                continue
            dst = os.path.join(tree, f)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy2(src, dst, follow_symlinks=False)
        t0 = time.time()
        if run(["make", "-j2", "all"], tree, log):
            print("not ok - the unmutated copy does not build (log: kept in %s)" % log)
            shutil.copy(log, "/tmp/vrmutate.log")
            return 1
        print("# copy of the tree built in %.0f s: %s" % (time.time() - t0, tree))
        killed, survived, broken = [], [], []
        for m in muts:
            path = os.path.join(tree, m["file"])
            orig = open(path).read()
            if orig.count(m["old"]) != 1:
                print("not ok - %s: '%s' occurs %d times in %s (stale mutant)"
                      % (m["name"], m["old"], orig.count(m["old"]), m["file"]))
                broken.append(m["name"])
                continue
            t1 = time.time()
            try:
                open(path, "w").write(orig.replace(m["old"], m["new"]))
                if run(["make", "-j2", "all"], tree, log):
                    print("not ok - %s: does not build" % m["name"])
                    broken.append(m["name"])
                    continue
                by = None
                for t in m["tests"]:
                    if run(["tests/run.sh", t], tree, log, timeout=600):
                        by = t
                        break
            finally:
                open(path, "w").write(orig)	# a fresh mtime: rebuilt next time
            dt = time.time() - t1
            if by:
                killed.append(m["name"])
                print("ok - %s killed by %s (%.0f s)" % (m["name"], by, dt))
            else:
                survived.append(m["name"])
                print("not ok - %s survived %s (%.0f s)" % (m["name"], ",".join(m["tests"]), dt))
            sys.stdout.flush()
        for n in survived:
            print("SURVIVED: %s" % n)
        for n in broken:
            print("BROKEN: %s" % n)
        print("# %.0f s in all" % (time.time() - t0))
        print("%d of %d mutants killed" % (len(killed), len(muts)))
        if survived or broken:
            shutil.copy(log, "/tmp/vrmutate.log")
            print("# log of the builds and test runs: /tmp/vrmutate.log")
        return 0 if len(killed) == len(muts) else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
