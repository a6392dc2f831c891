#!/usr/bin/python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Validate vrctl's JSON output against docs/vrctl.schema.json.

  json_check.py DEF [FILE]     FILE (default stdin): one JSON document, or
                               one a line (JSON Lines), each validated
                               against the schema's $defs/DEF
  json_check.py --keys         every property name the schema defines
  json_check.py --labels FILE  the label names and values of a Prometheus
                               scrape held to the JSON's names

Prints "DEF: N documents valid", or each error and exits 1.  Needs
python3-jsonschema (Debian), draft 2020-12.
"""
import json
import os
import re
import sys

import jsonschema

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCHEMA = os.path.join(TOP, "docs", "vrctl.schema.json")


def load_schema():
    with open(SCHEMA) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def documents(text):
    text = text.strip()
    if not text:
        return []
    try:
        return [json.loads(text)]
    except json.JSONDecodeError:
        return [json.loads(line) for line in text.splitlines() if line.strip()]


def validate(schema, name, docs):
    if name not in schema["$defs"]:
        print("no $defs/%s in %s" % (name, SCHEMA))
        return 1
    sub = {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": "#/$defs/" + name}
    v = jsonschema.Draft202012Validator(sub)
    bad = 0
    for i, d in enumerate(docs):
        for e in sorted(v.iter_errors(d), key=lambda e: list(e.absolute_path)):
            if e.context:	# oneOf, anyOf: the branch that came closest
                e = jsonschema.exceptions.best_match(e.context)
            bad += 1
            path = "/".join(str(p) for p in e.absolute_path)
            print("%s, document %d, at /%s: %s" % (name, i + 1, path, e.message[:300]))
    if not docs:
        print("%s: no document" % name)
        return 1
    if not bad:
        print("%s: %d document%s valid" % (name, len(docs), "" if len(docs) == 1 else "s"))
    return 1 if bad else 0


def keys(node, out):
    """Every property name the schema defines, recursively."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "properties" and isinstance(v, dict):
                out.update(v)
            keys(v, out)
    elif isinstance(node, list):
        for v in node:
            keys(v, out)
    return out


def names_h():
    """Pass and slow-path reason names, from include/vr_pass_names.h."""
    with open(os.path.join(TOP, "include", "vr_pass_names.h")) as f:
        src = f.read()
    passes = re.findall(r'\[VR_PASS_\w+\] = "(\w+)"', src)
    slow = re.findall(r'\{ VR_SLOW_\w+, "(\w+)"', src)
    return passes, slow


def labels(schema, path):
    """Label names are the JSON's keys (map and resource name what JSON
    holds as maps[].name and the quota's keys); values of reason, mode,
    resource are the JSON's values."""
    names = keys(schema, set()) | {"map", "resource"}
    passes, slow = names_h()
    quota = [k for k in schema["$defs"]["quota"]["properties"] if not k.endswith("_used")]
    values = {"reason": set(passes) | set(slow), "mode": set(schema["$defs"]["mode"]["enum"]),
              "resource": set(quota)}
    bad = 0
    seen = set()
    with open(path) as f:
        for line in f:
            if line.startswith("#") or "{" not in line:
                continue
            for k, v in re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', line[line.index("{"):]):
                seen.add(k)
                if k not in names:
                    print("label %s (%s) is no key of the JSON" % (k, line.split("{")[0]))
                    bad += 1
                elif k in values and v not in values[k]:
                    print("label %s=\"%s\" (%s) is no value of the JSON" % (k, v, line.split("{")[0]))
                    bad += 1
    if not bad:
        print("labels %s: names of the JSON" % " ".join(sorted(seen)))
    return 1 if bad else 0


def main():
    schema = load_schema()
    if sys.argv[1] == "--keys":
        print("\n".join(sorted(keys(schema, set()))))
        return 0
    if sys.argv[1] == "--labels":
        return labels(schema, sys.argv[2])
    text = open(sys.argv[2]).read() if len(sys.argv) > 2 else sys.stdin.read()
    try:
        docs = documents(text)
    except json.JSONDecodeError as e:
        print("%s: not JSON: %s" % (sys.argv[1], e))
        return 1
    return validate(schema, sys.argv[1], docs)


if __name__ == "__main__":
    sys.exit(main())
