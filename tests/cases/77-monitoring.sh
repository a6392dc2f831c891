#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Monitoring you can alert on (issue 24): the exporter serves the build and
# ABI, each VR's limit, quotas and their use, and why its fast path is off;
# the alert rules (dist/vrouter-alerts.yml) pass promtool check and their
# unit test (tests/promtool/), and on a scrape of this live exporter (a NIC
# detached, a quota full, a VR with policy routing, no follower) fire
# exactly those alerts; every query of the Grafana dashboard
# (dist/grafana-vrouter.json) and of the rules names a metric the exporter
# serves; the table of metrics in docs/metrics.md and vrctl.8 is the list
# the exporter serves; make install ships the rules and the dashboard.
#
#   dut:in0 == peer:p0, dut:out0 == peer:p1, dut:out1 == peer:p2
#   VR A (in0, out0): quota-neigh 2, two neighbours; VR B (in0, out1): a
#   limit, an ip rule (policy routing: its fast path off); out1 detached.
# plan: 20
. "$(dirname "$0")/../lib.sh"

A=$P-a B=$P-b PORT=9469
vrctl() { nsx dut "$VRCTL" --pin-dir "$PIN_DIR" "$@"; }
families() { sed -n 's/^# TYPE \([a-z_]*\) .*/\1/p' "$1" | sort; }
# the vrouter_* names in FILE (queries of a dashboard, expressions of rules)
named() { grep -o 'vrouter_[a-z_]*' "$1" | sort -u; }

[ -x "$VRCTL" ] || fatal "$VRCTL not built (make)"
ensure_bpffs
RULES=$TOP/dist/vrouter-alerts.yml DASH=$TOP/dist/grafana-vrouter.json

check "promtool check rules dist/vrouter-alerts.yml" promtool check rules "$RULES"
check "promtool test rules: each alert on series made for it" \
	promtool test rules "$TOP/tests/promtool/vrouter-alerts.test.yml"

for n in dut peer; do setup "namespace $n" ns_add $n; done
for i in 0 1 2; do
	nic=in0; [ $i = 1 ] && nic=out0; [ $i = 2 ] && nic=out1
	setup "veth dut:$nic <-> peer:p$i" veth_add dut $nic peer p$i
	setup "GRO on p$i" nsx peer ethtool -K p$i gro on
done
setup "load" vrctl load in0 out0 out1
setup "VR A, neighbour quota 2" vrctl add-router "$A" --mac 02:00:00:00:0a:01 --iface in0,out0 --quota-neigh 2
setup "A's address" ip -n "$A" addr add 198.18.1.1/24 dev in0
setup "A: two neighbours (in its namespace: sync mirrors them)" sh -c "
	ip -n $A neigh add 198.18.1.2 lladdr 02:00:00:00:01:02 dev in0 nud permanent &&
	ip -n $A neigh add 198.18.1.3 lladdr 02:00:00:00:01:03 dev in0 nud permanent"
setup "VR B, a limit" vrctl add-router "$B" --mac 02:00:00:00:0b:01 --iface in0,out1 --rate-pps 5k
setup "B: an ip rule (policy routing)" ip -n "$B" rule add from 198.18.5.0/24 table 100
setup "sync (A's routes; B's fast path off)" vrctl sync
setup "out1's program detached behind vrctl's back" ip -n "$(ns dut)" link set out1 xdp off

nsx dut "$VRCTL" --pin-dir "$PIN_DIR" exporter --listen 127.0.0.1:$PORT >"$T_TMP/exp.log" 2>&1 &
XPID=$!
trap 'kill $XPID 2>/dev/null; cleanup' EXIT
check "the exporter answers" until_ok 5 nsx dut curl -sf -o "$T_TMP/m" "http://127.0.0.1:$PORT/metrics"
check "promtool check metrics" promtool check metrics <"$T_TMP/m"

VERSION=$(sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' "$TOP/debian/changelog")
REV=$(awk '{print $2}' "$TOP/.output/git-rev")
ABI=$(sed -n 's/^#define VR_ABI_VERSION[[:space:]]*\([0-9]*\).*/\1/p' "$TOP/include/vrouter.h")
check_eq "build and ABI: vrouter_build_info" "vrouter_build_info{version=\"$VERSION\",git_revision=\"$REV\",abi_version=\"$ABI\"} 1" \
	"$(grep '^vrouter_build_info' "$T_TMP/m")"
TA=$(vrctl -j show "$A" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["table"])')
ROUTES=$(( $(ip -n "$(ns dut)" -4 route show table "$TA" | wc -l) + $(ip -n "$(ns dut)" -6 route show table "$TA" 2>/dev/null | wc -l) ))
check_eq "quota use of A: neighbours 2 of 2, its routes ($ROUTES, as ip route shows table $TA), NICs 2 of 8" \
	"neigh 2/2 routes $ROUTES/10000 macs 2/8" \
	"$("$PY" - "$T_TMP/m" "$A" <<'EOF'
import re, sys
v = {}
for l in open(sys.argv[1]):
    m = re.match(r'vrouter_vr_quota(_used)?\{name="%s",id="\d+",resource="(\w+)"\} (\d+)' % re.escape(sys.argv[2]), l)
    if m:
        v[(m.group(2), bool(m.group(1)))] = m.group(3)
print(" ".join("%s %s/%s" % (r, v.get((r, True)), v.get((r, False))) for r in ("neigh", "routes", "macs")))
EOF
)"
check_eq "show gives the same use" "2 $ROUTES 2" \
	"$(vrctl -j show "$A" | "$PY" -c 'import json,sys; q=json.load(sys.stdin)["quota"]; print(q["neigh_used"], q["routes_used"], q["macs_used"])')"
lim() { sed -n "s/^vrouter_vr_limit_$1{name=\"$2\",id=\"[0-9]*\"} //p" "$T_TMP/m"; }
check_eq "B's limit: 5000 pps, burst 50 (10 ms of it); no limit series for A" "5000 50 0" \
	"$(lim packets_per_second "$B") $(lim burst_packets "$B") $(grep -c "^vrouter_vr_limit_.*name=\"$A\"" "$T_TMP/m")"
check_eq "fast path off: B for policy_routing only, A for nothing" "$B policy_routing" \
	"$(sed -n 's/^vrouter_vr_fast_path_off{name="\([^"]*\)",id="[0-9]*",reason="\([a-z_]*\)"} 1$/\1 \2/p' "$T_TMP/m")"
check_eq "out1 detached (vrouter_nic_attached 0), in0 and out0 attached" "in0 1 out0 1 out1 0" \
	"$(sed -n 's/^vrouter_nic_attached{ifname="\([a-z0-9]*\)",.*} \([01]\)$/\1 \2/p' "$T_TMP/m" | sort | xargs)"

# --- the alert rules on this scrape -----------------------------------------------------
"$PY" "$TOP/tests/prom_recorded.py" "$RULES" "$T_TMP/m" \
	"VrouterNicDetached=vrouter_nic_attached{ifname=\"out1\"" \
	"VrouterFollowerDown=vrouter_up " \
	"VrouterQuotaNearlyFull=vrouter_vr_quota_used{name=\"$A\",id=\"1\",resource=\"neigh\"}" \
	"VrouterFastPathOff=vrouter_vr_fast_path_off{name=\"$B\",id=\"2\",reason=\"policy_routing\"}" \
	>"$T_TMP/recorded.yml" 2>"$T_TMP/rec.err"
check "the recorded scrape fires NicDetached (out1), FollowerDown, QuotaNearlyFull (A neigh), FastPathOff (B) and no other alert" \
	promtool test rules "$T_TMP/recorded.yml"

# --- dashboard and rules name served metrics ---------------------------------------------
families "$T_TMP/m" >"$T_TMP/served"
check "the dashboard is valid JSON: a uid, panels with ids, each with a query" "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
ids = [p["id"] for p in d["panels"]]
assert d["uid"] and len(ids) == len(set(ids)) >= 10, "panels"
assert all(t.get("expr") for p in d["panels"] for t in p["targets"]) and all(p["targets"] for p in d["panels"])
assert {v["name"] for v in d["templating"]["list"]} >= {"datasource", "instance"}' "$DASH"
check_eq "every metric the dashboard queries is served" "" "$(named "$DASH" | comm -23 - "$T_TMP/served" | xargs)"
check_eq "every metric the alert rules use is served" "" \
	"$(named "$RULES" | grep -v '^vrouter_vr_limit_$' | comm -23 - "$T_TMP/served" | xargs)"

# --- the documented table is what the exporter serves -------------------------------------
check_eq "docs/metrics.md's table: exactly the metrics served" "$(cat "$T_TMP/served")" \
	"$(sed -n 's/^| `\(vrouter_[a-z_]*\)` | .*/\1/p' "$TOP/docs/metrics.md" | sort)"
check_eq "vrctl.8 METRICS: exactly the metrics served" "$(cat "$T_TMP/served")" \
	"$(sed -n '/^\.SH METRICS/,/^\.SH /s/^\.B \(vrouter_[a-z_]*\)$/\1/p' "$TOP/loader/vrctl.8" | sort -u)"
check_eq "docs/metrics.md's alert table: the rules' alerts" \
	"$(sed -n 's/^ *- alert: //p' "$RULES" | sort | xargs)" \
	"$(sed -n 's/^| `\(Vrouter[A-Za-z]*\)` | .*/\1/p' "$TOP/docs/metrics.md" | sort | xargs)"

# --- shipped ---------------------------------------------------------------------------------
check "make install ships the alert rules and the dashboard" sh -c "
	make -s -C '$TOP' install DESTDIR='$T_TMP/d' PREFIX=/usr >/dev/null &&
	cmp '$RULES' '$T_TMP/d/usr/share/doc/vrouter/examples/vrouter-alerts.yml' &&
	cmp '$DASH' '$T_TMP/d/usr/share/doc/vrouter/examples/grafana-vrouter.json'"

kill $XPID; wait $XPID
check "del-router $A, $B" sh -c "nsenter --net=/run/netns/$(ns dut) '$VRCTL' --pin-dir '$PIN_DIR' del-router $A &&
	nsenter --net=/run/netns/$(ns dut) '$VRCTL' --pin-dir '$PIN_DIR' del-router $B"
check "unload" vrctl unload
exit $T_FAILED
