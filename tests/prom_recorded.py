#!/usr/bin/python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""A promtool unit test (`promtool test rules`) of alert rules on a
recorded scrape of vrctl exporter.

  prom_recorded.py RULES SCRAPE [ALERT=SERIES ...] > test.yml

Every sample of SCRAPE (the text format) becomes an input series that
keeps its value for 40 minutes.  At 20 minutes (past every rule's for:)
each alert of RULES is expected to fire exactly for the ALERT=SERIES
pairs given, SERIES being the start of a sample line of SCRAPE whose
labels are the alert's (e.g. 'vrouter_nic_attached{ifname="out1"'), and
for nothing else.  The expected annotations are the rule's, with
{{ $labels.X }} filled in (the only template the rules may use: the test
then holds them exactly).
"""
import json
import re
import sys

import yaml

LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def samples(path):
    out = []
    for line in open(path):
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        m = LINE.match(line)
        if not m:
            sys.exit("prom_recorded.py: not a sample: %r" % line)
        out.append((line, m.group(1), dict(LABEL.findall(m.group(3) or "")), m.group(4)))
    return out


def render(text, labels):
    def one(m):
        return labels.get(m.group(1), "")
    out = re.sub(r"\{\{ \$labels\.(\w+) \}\}", one, text)
    if "{{" in out:
        sys.exit("prom_recorded.py: a template other than {{ $labels.X }}: %r" % text)
    return out


def main():
    rules_path, scrape = sys.argv[1], sys.argv[2]
    smp = samples(scrape)
    want = {}
    for arg in sys.argv[3:]:
        alert, _, prefix = arg.partition("=")
        hits = [s for s in smp if s[0].startswith(prefix)]
        if len(hits) != 1:
            sys.exit("prom_recorded.py: %d samples start with %r" % (len(hits), prefix))
        want.setdefault(alert, []).append(hits[0][2])
    rules = [r for g in yaml.safe_load(open(rules_path))["groups"] for r in g["rules"] if "alert" in r]
    unknown = set(want) - {r["alert"] for r in rules}
    if unknown:
        sys.exit("prom_recorded.py: no such alert: %s" % ", ".join(sorted(unknown)))
    series = []
    for _, name, labels, value in smp:
        sel = name + "{" + ",".join('%s=%s' % (k, json.dumps(v)) for k, v in labels.items()) + "}"
        series.append({"series": sel, "values": "%sx40" % value})
    tests = []
    for r in rules:
        exp = []
        for labels in want.get(r["alert"], []):
            lab = dict(labels, **r.get("labels", {}))
            exp.append({"exp_labels": lab,
                        "exp_annotations": {k: render(v, labels) for k, v in r.get("annotations", {}).items()}})
        tests.append({"eval_time": "20m", "alertname": r["alert"], "exp_alerts": exp})
    doc = {"rule_files": [rules_path], "evaluation_interval": "1m",
           "tests": [{"interval": "1m", "input_series": series, "alert_rule_test": tests}]}
    yaml.safe_dump(doc, sys.stdout, sort_keys=False, width=1000)


if __name__ == "__main__":
    main()
