#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Benchmark smoke run (seconds), once per generator backend (live frames,
# AF_XDP and AF_PACKET into trafficgen's relay; a backend that cannot
# run here is skipped, named with its reason): the rig of bench/README.md
# comes up for every data plane, each forwards the generator's frames
# rewritten (MACs, TTL), gN hands the DUT XDP frames with every backend,
# the CSV is well-formed and names the backend, and so does summary.md.
# No timing assertions: this machine is shared, absolute numbers mean
# nothing here.
# plan: 94
. "$(dirname "$0")/../lib.sh"

BENCH="$TOP/bench/bench.py" GEN="$TOP/.output/bench/trafficgen"
for b in "$GEN" "$TOP/.output/bench/benchctl"; do
	[ -x "$b" ] || { not_ok "bench programs built ($b missing: make bench-progs)"; exit 1; }
done
ensure_bpffs
unshare -n "$GEN" --probe >"$T_TMP/probe" 2>&1
sed 's/^/# /' "$T_TMP/probe"

# smoke BACKEND: bench.py --smoke with it, then the checks (skipped, with
# the reason, when it cannot run here).  The bench's namespaces and pins
# carry this test's prefix: lib.sh's trap removes them too, should the
# runner itself be killed.
smoke() {
	local b=$1 why out="$T_TMP/results-$1"
	why=$(sed -n "s/^$b: refused (\(.*\))$/\1/p" "$T_TMP/probe")
	grep -q "^$b: ok$" "$T_TMP/probe" || why=${why:-not in trafficgen --probe}
	if [ -n "$why" ]; then
		ok "$b: bench.py --smoke ran # SKIP $b cannot run here: $why"
	elif $PY "$BENCH" --smoke --gen-backend "$b" --prefix "$P" --out "$out" >"$T_TMP/log" 2>&1; then
		ok "$b: bench.py --smoke ran"
	else
		not_ok "$b: bench.py --smoke ran"; sed 's/^/#   /' "$T_TMP/log"
	fi
	$PY - "$out" "$b" "$why" <<'PYEOF'
import csv, sys
out, backend, skip = sys.argv[1:]
planes = ["ipfwd", "macvlan", "bridge", "bridge-nonf", "vrouter", "xdpfwd"]
need = ["scenario", "plane", "set_pps", "offered_pps", "delivered_pps", "loss_pct",
        "sent", "delivered", "drop_gen_tx", "drop_backlog", "drop_dut_tx",
        "dut_ns_per_pkt", "lat_p50_ns", "lat_p99_ns", "bad_mac", "bad_ttl", "gen_backend",
        "gen_xdp_frames"]
def res(check, what):
    """check: a function, not called when the backend is skipped."""
    what = "%s: %s" % (backend, what)
    if skip:
        print("ok - %s # SKIP %s cannot run here: %s" % (what, backend, skip)); return
    try:
        good = check()
    except (KeyError, ValueError, OSError, TypeError) as e:
        good, what = False, "%s (%s)" % (what, e)
    print(("ok - " if good else "not ok - ") + what)
path = out + "/fig4.csv"
try:
    rows = [] if skip else list(csv.DictReader(open(path)))
    lines = [] if skip else open(path).read().splitlines()
    summary = "" if skip else open(out + "/summary.md").read()
except OSError as e:
    rows, lines, summary = [], [], ""
by = {r["plane"]: r for r in rows}
res(lambda: rows and all(k in rows[0] for k in need), "CSV header has the documented columns")
res(lambda: all(len(l.split(",")) == len(lines[0].split(",")) for l in lines),
    "CSV rows all have the header's number of fields")
res(lambda: rows and all(r["gen_backend"] == backend for r in rows),
    "every CSV row names the backend (gen_backend)")
# the DUT gets XDP frames from a redirect (ndo_xdp_xmit on gN), never skbs
res(lambda: rows and all(int(r["gen_xdp_frames"]) >= int(r["sent"]) - int(r["drop_gen_tx"])
                         for r in rows),
    "gN passed every frame sent on as an XDP frame (gen_xdp_frames)")
res(lambda: "generator backend: **%s**" % backend in summary, "summary.md names the backend")
for p in planes:
    r = by.get(p, {})
    def num():
        return all(float(r[k]) >= 0 for k in ("offered_pps", "delivered_pps", "sent", "delivered"))
    res(num, "%s: numeric counters" % p)
    # a smoke run at a low rate: (nearly) every frame arrives
    res(lambda: num() and int(r["delivered"]) >= 0.9 * int(r["sent"]) > 0,
        "%s: forwards frames (%s of %s delivered, 90%% at least)"
        % (p, r.get("delivered"), r.get("sent")))
    res(lambda: r["bad_mac"] == "0" and r["bad_ttl"] == "0",
        "%s: frames arrive with MACs rewritten and TTL-1 (bad_mac=%s bad_ttl=%s)"
        % (p, r.get("bad_mac"), r.get("bad_ttl")))
    res(lambda: r["dut_ns_per_pkt"] != "" and r["lat_p50_ns"] != "",
        "%s: DUT cost and latency measured" % p)
    if p == "vrouter":
        # otherwise the VR's macvlan forwarded them and this measured macvlan;
        # a frame redirected by XDP can still be lost on its way to the sink
        # (veth ring, sink socket), so fwd may exceed delivered, never the reverse
        res(lambda: int(r["delivered"]) <= int(r["vr_fwd"] or -1) <= int(r["sent"])
            and r["vr_slowpath"] == "0",
            "vrouter: all frames took the XDP fast path (fwd=%s slow=%s)"
            % (r.get("vr_fwd"), r.get("vr_slowpath")))
PYEOF
}

for b in live afxdp afpacket; do smoke $b; done
left=$(ip netns list | grep -c "^$P-")
check_eq "bench removed its namespaces" 0 "$left"
t_end
