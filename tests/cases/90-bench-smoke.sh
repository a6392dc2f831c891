#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Benchmark smoke run (seconds): the rig of bench/README.md comes up for
# every data plane, each forwards the generator's frames rewritten (MACs,
# TTL), and the CSV is well-formed.  No timing assertions: this machine is
# shared, absolute numbers mean nothing here.
# plan: 29
. "$(dirname "$0")/../lib.sh"

BENCH="$TOP/bench/bench.py"
for b in "$TOP/.output/bench/trafficgen" "$TOP/.output/bench/benchctl"; do
	[ -x "$b" ] || { not_ok "bench programs built ($b missing: make bench-progs)"; exit 1; }
done
ensure_bpffs

# The bench's namespaces and pins carry this test's prefix: lib.sh's trap
# removes them too, should the runner itself be killed.
OUT="$T_TMP/results"
if $PY "$BENCH" --smoke --prefix "$P" --out "$OUT" >"$T_TMP/log" 2>&1; then
	ok "bench.py --smoke ran"
else
	not_ok "bench.py --smoke ran"; sed 's/^/#   /' "$T_TMP/log"
fi

$PY - "$OUT/fig4.csv" <<'PYEOF'
import csv, sys
planes = ["ipfwd", "macvlan", "bridge", "bridge-nonf", "vrouter", "xdpfwd"]
need = ["scenario", "plane", "set_pps", "offered_pps", "delivered_pps", "loss_pct",
        "sent", "delivered", "drop_gen_tx", "drop_backlog", "drop_dut_tx",
        "dut_ns_per_pkt", "lat_p50_ns", "lat_p99_ns", "bad_mac", "bad_ttl"]
def res(ok, what):
    print(("ok - " if ok else "not ok - ") + what)
try:
    rows = list(csv.DictReader(open(sys.argv[1])))
except OSError as e:
    res(False, "CSV written (%s)" % e); sys.exit(0)
res(rows and all(k in rows[0] for k in need), "CSV header has the documented columns")
width = len(open(sys.argv[1]).readline().split(","))
res(all(len(l.split(",")) == width for l in open(sys.argv[1]).read().splitlines()),
    "CSV rows all have %d fields" % width)
by = {r["plane"]: r for r in rows}
for p in planes:
    r = by.get(p)
    if not r:
        res(False, "%s: a CSV row" % p); continue
    try:
        num = all(float(r[k]) >= 0 for k in ("offered_pps", "delivered_pps", "sent", "delivered"))
    except ValueError:
        num = False
    res(num, "%s: numeric counters" % p)
    # a smoke run at a low rate: (nearly) every frame arrives
    res(num and int(r["delivered"]) >= 0.9 * int(r["sent"]) > 0,
        "%s: forwards frames (%s of %s delivered, 90%% at least)" % (p, r["delivered"], r["sent"]))
    res(r["bad_mac"] == "0" and r["bad_ttl"] == "0",
        "%s: frames arrive with MACs rewritten and TTL-1 (bad_mac=%s bad_ttl=%s)"
        % (p, r["bad_mac"], r["bad_ttl"]))
    res(r["dut_ns_per_pkt"] != "" and r["lat_p50_ns"] != "", "%s: DUT cost and latency measured" % p)
    if p == "vrouter":
        # otherwise the VR's macvlan forwarded them and this measured macvlan;
        # a frame redirected by XDP can still be lost on its way to the sink
        # (veth ring, sink socket), so fwd may exceed delivered, never the reverse
        fwd = int(r["vr_fwd"] or -1)
        res(int(r["delivered"]) <= fwd <= int(r["sent"]) and r["vr_slowpath"] == "0",
            "vrouter: all frames took the XDP fast path (fwd=%s slow=%s)"
            % (r["vr_fwd"], r["vr_slowpath"]))
PYEOF

left=$(ip netns list | grep -c "^$P-")
check_eq "bench removed its namespaces" 0 "$left"
t_end
