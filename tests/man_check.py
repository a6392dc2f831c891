#!/usr/bin/python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The man pages against the code: vrctl.8 names every command (SYNOPSIS
and COMMANDS), every option and every pinned map the code has, and none
the code lacks; vrouter.conf.5 every key of the configuration file and
no other.  The code's lists come from vrctl itself (`vrctl __complete`:
its command and option tables), include/vr_maps.h (the maps) and the key
tables of loader/config/.

  man_check.py VRCTL TOP    prints "ok - ..."/"not ok - ..." lines
"""
import re
import subprocess
import sys

VRCTL, TOP = sys.argv[1], sys.argv[2]
# names the pages may give that are not vrctl's own
FOREIGN_OPTS = {"--net",			# nsenter(1)
                "--opt"}			# OPTIONS: "--opt VALUE", any option
FOREIGN_VR = {"vr_forward", "vr_forward_new",	# the program's pins, not maps
              "vr_id"}				# JSON: trace's key renamed in 0.10
failed = 0


def report(ok, desc, detail=""):
    global failed
    print("%s - %s%s" % ("ok" if ok else "not ok", desc, "" if ok else ": " + detail))
    failed |= not ok


def roff_text(path):
    """The page's source with roff escapes undone: \\- is -, fonts gone."""
    s = open(path).read()
    s = s.replace("\\-", "-").replace("\\(dq", '"')
    return re.sub(r"\\f[BIRP]", "", s)


def section(src, name):
    m = re.search(r"^\.SH %s\n(.*?)(?=^\.SH )" % re.escape(name), src, re.S | re.M)
    return m.group(1) if m else ""


def complete(*args):
    return subprocess.run([VRCTL, "__complete", *args], capture_output=True, text=True,
                          check=True).stdout.splitlines()


def main():
    man8 = roff_text(TOP + "/loader/vrctl.8")
    man5 = roff_text(TOP + "/loader/vrouter.conf.5")

    # commands: the table, SYNOPSIS (".B vrctl CMD") and COMMANDS (".TP\n.B CMD")
    cmds = set(complete())
    # (".B vrctl list" then "|" ".B show": both name a command)
    syn_all = set(re.findall(r"^\.B (?:vrctl )?([a-z][a-z-]*)$|^\.B vrctl ([a-z][a-z-]*)\b",
                             section(man8, "SYNOPSIS"), re.M))
    syn = {a or b for a, b in syn_all} & cmds
    syn |= set(re.findall(r"^\.B vrctl ([a-z][a-z-]*)", section(man8, "SYNOPSIS"), re.M))
    doc = set(re.findall(r"^\.TP\n\.B ([a-z-]+)\n", section(man8, "COMMANDS"), re.M))
    report(syn == cmds, "vrctl.8 SYNOPSIS: every command of the table, no other",
           "missing %s, extra %s" % (sorted(cmds - syn), sorted(syn - cmds)))
    report(doc == cmds, "vrctl.8 COMMANDS: an entry for every command, no other",
           "missing %s, extra %s" % (sorted(cmds - doc), sorted(doc - cmds)))

    # options: every command's and the globals, and the page's --words
    opts = set()
    missing = []
    for c in cmds:
        for line in complete(c):
            if line.startswith("--"):
                opts.add(line.split()[0])
    in_page = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*[a-z]", man8))
    missing = sorted(opts - in_page)
    report(not missing, "vrctl.8 names every option (%d)" % len(opts), "missing %s" % missing)
    extra = sorted(in_page - opts - FOREIGN_OPTS)
    report(not extra, "vrctl.8 names no option the code lacks", "extra %s" % extra)
    for c in sorted(cmds):
        own = [l.split()[0] for l in complete(c) if l.startswith("--")]
        ent = re.search(r"^\.TP\n\.B %s\n(.*?)(?=^\.TP\n\.B [a-z-]+\n|\Z)" % re.escape(c),
                        section(man8, "COMMANDS"), re.S | re.M)
        syn = section(man8, "SYNOPSIS")
        syn_c = "\n".join(re.findall(r"^\.B (?:vrctl )?%s\n.*?(?=^\.(?:br|SH)\b|^\|$)" % re.escape(c),
                                     syn, re.S | re.M))
        # the placeholders it uses (LIMIT, QUOTA) and their definitions
        for ph in re.findall(r"^\.RI \[ ([A-Z]+) \]", syn_c, re.M):
            syn_c += "".join(re.findall(r"^\.I %s\n:=\n.*?(?=^\.br\b)" % ph, syn, re.S | re.M))
        text = (ent.group(1) if ent else "") + syn_c + section(man8, "OPTIONS")
        lack = [o for o in own if o not in text]
        if lack:
            report(False, "vrctl.8: %s's options in its entry or synopsis" % c, "missing %s" % lack)

    # maps: include/vr_maps.h's list, FILES and the whole page
    names = dict(re.findall(r'#define (VR_MAP_\w+)\s+"(\w+)"', open(TOP + "/include/vrouter.h").read()))
    rows = re.findall(r"X\(\w+,\s*(VR_MAP_\w+),", open(TOP + "/include/vr_maps.h").read())
    maps = {names[r] for r in rows}
    files = set(re.findall(r"\bvr_[a-z_]+\b", section(man8, "FILES")))
    report(maps <= files, "vrctl.8 FILES: every map of include/vr_maps.h (%d)" % len(maps),
           "missing %s" % sorted(maps - files))
    words = set(re.findall(r"\bvr_[a-z_]+\b(?!\.h)", man8))	# not include/vr_migrate.h
    report(not words - maps - FOREIGN_VR, "vrctl.8 names no map the code lacks",
           "extra %s" % sorted(words - maps - FOREIGN_VR))

    # the configuration file: the key tables of loader/config and vrouter.conf(5)
    keys = set()
    for f in ("load.c", "load_router.c"):
        for tab in re.findall(r"_keys\[\] = \{(.*?)\};", open(TOP + "/loader/config/" + f).read(), re.S):
            keys |= set(re.findall(r'"([a-z-]+)"', tab))
    ks = set(re.findall(r"^\.(?:B|BI|BR) ([a-z-]+):", section(man5, "KEYS"), re.M))
    report(ks == keys, "vrouter.conf.5 KEYS: every key of the parser (%d), no other" % len(keys),
           "missing %s, extra %s" % (sorted(keys - ks), sorted(ks - keys)))
    return failed


if __name__ == "__main__":
    sys.exit(main())
