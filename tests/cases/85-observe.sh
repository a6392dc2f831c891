#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Seeing what vrouter does: vrctl exporter scraped by a real Prometheus,
# stats --format prometheus through promtool, vrctl trace (text, JSON,
# pcap) of frames with no route and of forwarded ones, vrctl status
# (including an XDP program detached behind vrctl's back and the
# follower's health), the bash completion, and every bad input refused
# with one error line and nothing changed.
#
#   gen:g0 == dut:in0 [vrctl load in0 out0] dut:out0 == s0:s0
#
# VR A: MAC A_MAC on in0 and out0, table TA: 198.19.0.0/16 via
# 198.18.10.2 (s0) is forwarded; 198.18.200.1 has no route (not_fwded).
# plan: 77
. "$(dirname "$0")/../lib.sh"

PKT=("$PY" "$TOP/tests/pkt.py")
A=$P-a TA=1000 A_MAC=02:00:00:00:0b:01 N_FWD=20 N_NOROUTE=7 FRAME=74
PROM_PORT=9090 EXP=127.0.0.1:9469	# inside dut's own namespace: no clash
vrctl() { nsx dut "$VRCTL" --pin-dir "$PIN_DIR" "$@"; }
jget() { "$PY" -c 'import json, sys; j = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
# send N DST [DPORT]: N UDP frames from gen to A's MAC
send() {
	local i specs=()
	for i in $(seq "$1"); do
		specs+=("dmac=$A_MAC,smac=$G0_MAC,src=198.18.1.2,dst=$2,sport=4242,dport=${3:-5353}")
	done
	nsx gen "${PKT[@]}" send g0 "${specs[@]}" >/dev/null
}
# bad DESCRIPTION STATUS CMD...: exits STATUS with exactly one line on stderr
bad() {
	local d=$1 want=$2 rc; shift 2
	"$@" >"$T_TMP/bad.out" 2>"$T_TMP/bad.err"; rc=$?
	if [ "$rc" = "$want" ] && [ "$(grep -vc '^Usage:\|^       ' "$T_TMP/bad.err")" = 1 ]; then
		ok "$d: exit $rc, one error line ($(head -1 "$T_TMP/bad.err"))"
	else
		not_ok "$d (exit $rc, expected $want)"; sed 's/^/#   /' "$T_TMP/bad.err"
	fi
}
trace_flag() { vrctl -j status | jget 'j["trace"]["running"]'; }
# trace_bg OUT ARGS...: vrctl trace ARGS in the background (TRACE_PID),
# output to OUT, once its switch is on; trace_wait: up to 5 s for it to end
trace_bg() {
	local out=$1 i; shift
	vrctl trace "$@" >"$out" 2>&1 &
	TRACE_PID=$!
	for i in $(seq 40); do [ "$(trace_flag)" = True ] && break; sleep 0.1; done
}
trace_wait() {
	local i
	for i in $(seq 50); do kill -0 $TRACE_PID 2>/dev/null || break; sleep 0.1; done
	wait $TRACE_PID; rc=$?; TRACE_PID=
}
# promq QUERY: the value of Prometheus's instant query (first series), or "none"
promq() {
	nsx dut curl -sf --get "http://127.0.0.1:$PROM_PORT/api/v1/query" \
		--data-urlencode "query=$1" | jget 'j["data"]["result"][0]["value"][1] if j["data"]["result"] else "none"'
}
# prom_wait QUERY EXPECTED: up to 20 s for Prometheus to have scraped it
prom_wait() {
	local i v
	for i in $(seq 40); do
		v=$(promq "$1" 2>/dev/null)
		[ "$v" = "$2" ] && break
		sleep 0.5
	done
	check_eq "Prometheus: $1" "$2" "$v"
}

for b in "$VRCTL"; do [ -x "$b" ] || fatal "$b not built (make)"; done
for b in prometheus promtool curl; do command -v $b >/dev/null || fatal "$b missing (make deps)"; done
ensure_bpffs

# --- topology --------------------------------------------------------------
for n in gen dut s0; do setup "namespace $n" ns_add $n; done
setup "gen quiet" nsx gen sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
	net.ipv6.conf.default.disable_ipv6=1
setup "veth gen:g0 <-> dut:in0" veth_add gen g0 dut in0
setup "veth dut:out0 <-> s0:s0" veth_add dut out0 s0 s0
setup "GRO on s0" nsx s0 ethtool -K s0 gro on
G0_MAC=$(mac_of gen g0) S0_MAC=$(mac_of s0 s0)
setup "vrctl load in0 out0" vrctl load in0 out0
setup "add-router $A" vrctl add-router "$A" --mac $A_MAC --iface in0,out0 --table $TA
setup "host table and neighbour of $A" eval "
	ip -n $(ns dut) route add 198.18.10.0/24 dev out0 table $TA &&
	ip -n $(ns dut) route add 198.19.0.0/16 via 198.18.10.2 dev out0 table $TA &&
	vrctl neigh add $A 198.18.10.2 lladdr $S0_MAC dev out0"

# --- bad input: one error line, nothing changed ------------------------------
bad "exporter --listen nonsense" 2 vrctl exporter --listen nonsense
bad "exporter --listen a name" 2 vrctl exporter --listen localhost:9469
bad "exporter --listen port 0" 2 vrctl exporter --listen 127.0.0.1:0
bad "exporter --listen port 70000" 2 vrctl exporter --listen 127.0.0.1:70000
bad "exporter --listen [::1 without ]" 2 vrctl exporter --listen '[::1:9469'
bad "exporter --listen an address not here" 1 vrctl exporter --listen 198.18.99.99:9469
bad "trace --reason unknown" 2 vrctl trace --reason no_such_reason
bad "trace --reason empty list" 2 vrctl trace --reason ,
bad "trace --count 0" 2 vrctl trace --count 0
bad "trace --count -1" 2 vrctl trace --count -1
bad "trace of no such VR" 1 vrctl trace nosuchvr
bad "trace --write into a missing directory" 1 vrctl trace --write /nonexistent/dir/t.pcap
ln -s "$T_TMP/target" "$T_TMP/link.pcap"
bad "trace --write through a symlink" 1 vrctl trace --write "$T_TMP/link.pcap"
check "the symlink's target was not created" test ! -e "$T_TMP/target"
bad "stats --format xml" 2 vrctl stats --format xml
bad "stats --format prometheus --interval 1" 2 vrctl stats --format prometheus --interval 1
bad "stats --format prometheus -j" 2 vrctl -j stats --format prometheus
bad "status with an argument" 2 vrctl status extra
check_eq "after the bad commands: no trace running" "False" "$(trace_flag)"
check_eq "after the bad commands: trace switch is 0" "0" \
	"$(vrctl -j status | jget 'j["trace"]["events"]')"

# --- an unprivileged host user ----------------------------------------------
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
bad "trace as an unprivileged user" 1 nsx dut "${NOBODY[@]}" "$VRCTL" --pin-dir "$PIN_DIR" trace
bad "status as an unprivileged user" 1 nsx dut "${NOBODY[@]}" "$VRCTL" --pin-dir "$PIN_DIR" status
check "an unprivileged user cannot open the trace switch or the ring" \
	sh -c "! ${NOBODY[*]} bpftool map dump pinned $PIN_DIR/vr_trace_ctl 2>/dev/null &&
	       ! ${NOBODY[*]} bpftool map show pinned $PIN_DIR/vr_trace 2>/dev/null &&
	       ! ${NOBODY[*]} ls $PIN_DIR 2>/dev/null"

# --- exporter and Prometheus -------------------------------------------------
nsenter --net="/run/netns/$P-dut" "$VRCTL" --pin-dir "$PIN_DIR" -v exporter >"$T_TMP/exporter.log" 2>&1 &
EXP_PID=$!
cat >"$T_TMP/prom.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: vrouter
    static_configs:
      - targets: ['$EXP']
EOF
nsx dut prometheus --config.file="$T_TMP/prom.yml" --storage.tsdb.path="$T_TMP/prom-data" \
	--web.listen-address=127.0.0.1:$PROM_PORT >"$T_TMP/prom.log" 2>&1 &
PROM_PID=$!
trap 'kill $EXP_PID $PROM_PID $TRACE_PID 2>/dev/null; wait $EXP_PID $PROM_PID 2>/dev/null; cleanup' EXIT
for i in $(seq 40); do nsx dut curl -sf "http://$EXP/metrics" -o /dev/null && break; sleep 0.25; done
check "exporter answers on $EXP (the default)" nsx dut curl -sf "http://$EXP/metrics" -o "$T_TMP/m0"
check_eq "exporter: 404 for another path" 404 \
	"$(nsx dut curl -s -o /dev/null -w '%{http_code}' "http://$EXP/")"
check_eq "exporter: 405 for POST" 405 \
	"$(nsx dut curl -s -o /dev/null -w '%{http_code}' -X POST -d x "http://$EXP/metrics")"
check "bad --listen: the exporter already there is unharmed (a second one fails)" \
	sh -c "! nsx dut $VRCTL --pin-dir $PIN_DIR exporter 2>/dev/null && kill -0 $EXP_PID"

# --- trace: no route, text and JSON, pcap ------------------------------------
trace_bg "$T_TMP/trace.json" -j "$A" --reason not_fwded --count 3 --write "$T_TMP/t.pcap"
check_eq "status: the trace is running" True "$(trace_flag)"
bad "a second trace while one runs" 1 vrctl trace
send $N_FWD 198.19.0.1
send $N_NOROUTE 198.18.200.1 7777
trace_wait
check_eq "trace --count 3 ends by itself, status 0" 0 "$rc"
check_eq "trace -j: 3 lines, each a no-route frame of $A" \
	"3 $A in0 198.18.1.2 4242 198.18.200.1 7777 udp pass not_fwded $FRAME" \
	"$(wc -l <"$T_TMP/trace.json") $("$PY" -c '
import json, sys
ls = [json.loads(l) for l in open(sys.argv[1])]
s = set(" ".join(str(l[k]) for k in ("name", "ifname", "src", "sport", "dst", "dport", "proto", "verdict", "reason", "len")) for l in ls)
print(" | ".join(sorted(s)))' "$T_TMP/trace.json")"
check_eq "trace --write: the pcap holds the 3 frames (tcpdump reads it)" 3 \
	"$(tcpdump -nr "$T_TMP/t.pcap" 'udp and dst host 198.18.200.1 and dst port 7777' 2>/dev/null | wc -l)"
check_eq "trace --write: the pcap file is 0600" 600 "$(stat -c %a "$T_TMP/t.pcap")"
check_eq "after the trace: switch off" False "$(trace_flag)"

trace_bg "$T_TMP/trace.txt" --all --count 2
send 2 198.19.0.1
trace_wait
N_FWD=$((N_FWD + 2))
check "trace --all (text): forwarded frames with egress and next hop" \
	grep -Eq "^[0-9:.]+ $A in0 198\.18\.1\.2\.4242 > 198\.19\.0\.1\.5353 udp len $FRAME fwd via out0 nexthop 198\.18\.10\.2$" "$T_TMP/trace.txt"
cp "$T_TMP/trace.txt" "$T_TMP/trace-fwd.txt"
trace_bg "$T_TMP/trace.txt" --count 1
send 1 198.18.200.1
trace_wait
N_NOROUTE=$((N_NOROUTE + 1))
check "trace (text): a frame with no route" \
	grep -Eq "^[0-9:.]+ $A in0 198\.18\.1\.2\.4242 > 198\.18\.200\.1\.5353 udp len $FRAME pass not_fwded$" "$T_TMP/trace.txt"
cat "$T_TMP/trace-fwd.txt" "$T_TMP/trace.txt" | sed 's/^/#   /'
trace_bg /dev/null
# SIGINT to vrctl itself (the background job is the shell around nsenter)
kill -INT "$(vrctl -j status | jget 'j["trace"]["pid"]')"
trace_wait
check_eq "trace ended by SIGINT: status 0, switch off" "0 False" "$rc $(trace_flag)"

# --- the counters: stats, promtool, Prometheus -------------------------------
RX=$((N_FWD + N_NOROUTE))
vrctl stats --format prometheus >"$T_TMP/m.prom" 2>"$T_TMP/m.err"
check "stats --format prometheus: promtool check metrics passes" promtool check metrics <"$T_TMP/m.prom"
check "stats --format prometheus: fwd of $A" \
	grep -qx "vrouter_vr_fwd_packets_total{name=\"$A\",id=\"1\"} $N_FWD" "$T_TMP/m.prom"
check_eq "stats --format prometheus: $A's quotas (the defaults)" \
	"vrouter_vr_quota{name=\"$A\",id=\"1\",resource=\"neigh\"} 128|vrouter_vr_quota{name=\"$A\",id=\"1\",resource=\"routes\"} 10000|vrouter_vr_quota{name=\"$A\",id=\"1\",resource=\"macs\"} 8" \
	"$(grep "^vrouter_vr_quota{name=\"$A\"" "$T_TMP/m.prom" | paste -sd'|')"
nsx dut curl -sf "http://$EXP/metrics" -o "$T_TMP/m1"
check "exporter: promtool check metrics passes" promtool check metrics <"$T_TMP/m1"
check_eq "exporter and stats --format prometheus agree on the VR counters" \
	"$(grep '^vrouter_vr_' "$T_TMP/m.prom")" "$(grep '^vrouter_vr_' "$T_TMP/m1")"
sel="name=\"$A\",id=\"1\""
prom_wait "vrouter_up" 1
prom_wait "vrouter_vr_rx_packets_total{$sel}" $RX
prom_wait "vrouter_vr_rx_bytes_total{$sel}" $((RX * FRAME))
prom_wait "vrouter_vr_admitted_packets_total{$sel}" $RX
prom_wait "vrouter_vr_policed_packets_total{$sel}" 0
prom_wait "vrouter_vr_fwd_packets_total{$sel}" $N_FWD
prom_wait "vrouter_vr_fwd_bytes_total{$sel}" $((N_FWD * FRAME))
prom_wait "vrouter_vr_pass_packets_total{$sel,reason=\"not_fwded\"}" $N_NOROUTE
prom_wait "sum(vrouter_vr_pass_packets_total{$sel})" $N_NOROUTE
prom_wait "vrouter_nic_attached{ifname=\"in0\",mode=\"native\"}" 1
prom_wait "vrouter_map_entries{map=\"vr_macs\"}" 2
prom_wait "vrouter_map_max_entries{map=\"vr_neigh\"}" 131072
prom_wait "vrouter_map_entries{map=\"vr_neigh\"}" 1
prom_wait "vrouter_trace_events_total >= bool 6" 1

# --- status ----------------------------------------------------------------
vrctl status >"$T_TMP/status" 2>&1
sed 's/^/#   /' "$T_TMP/status"
check_eq "status -j: in0 and out0 attached, native" "in0 True native out0 True native" \
	"$(vrctl -j status | jget '" ".join("%s %s %s" % (i["ifname"], i["attached"], i["mode"]) for i in sorted(j["ifaces"], key=lambda i: i["ifname"]))')"
check_eq "status -j: map fill levels" "vr_macs 2 8192 vr_ports 2 8192 vr_routers 1 1024" \
	"$(vrctl -j status | jget '" ".join("%s %s %s" % (m["name"], m["entries"], m["max_entries"]) for m in j["maps"] if m["name"] in ("vr_macs", "vr_ports", "vr_routers"))')"
check_eq "status -j: the VR and its state" "$A ready $TA" \
	"$(vrctl -j status | jget '" ".join("%s %s %s" % (r["name"], r["state"], r["table"]) for r in j["routers"])')"
check_eq "status -j: no follower" "False None" \
	"$(vrctl -j status | jget '"%s %s" % (j["follower"]["running"], j["follower"]["last_full_pass"])')"
setup "XDP detached from out0 behind vrctl's back" ip -n "$(ns dut)" link set out0 xdp off
check_eq "status -j: out0 NOT attached, no program" "False 0" \
	"$(vrctl -j status | jget '" ".join("%s %s" % (i["attached"], i["prog_id"]) for i in j["ifaces"] if i["ifname"] == "out0")')"
check "status (text): out0 NOT ATTACHED" grep -q "out0 .*NOT ATTACHED.*no XDP program" \
	<(vrctl status)
prom_wait "vrouter_nic_attached{ifname=\"out0\"}" 0

# --- follower health --------------------------------------------------------
nsenter --net="/run/netns/$P-dut" "$VRCTL" --pin-dir "$PIN_DIR" sync --follow >"$T_TMP/follow.log" 2>&1 &
FOLLOW_PID=$!
for i in $(seq 50); do
	[ "$(vrctl -j status | jget 'j["follower"]["running"] and j["follower"]["last_full_pass"] is not None')" = True ] && break
	sleep 0.2
done
check_eq "status -j: follower running, its pid, a full pass done" "True $FOLLOW_PID True" \
	"$(vrctl -j status | jget '"%s %s %s" % (j["follower"]["running"], j["follower"]["pid"], j["follower"]["last_full_pass"] is not None)')"
prom_wait "vrouter_sync_follower_running" 1
setup "an address added in $A (events for the follower)" \
	ip -n "$A" addr add 198.18.77.1/24 dev in0
for i in $(seq 30); do
	[ "$(vrctl -j status | jget 'j["follower"]["events"] > 0')" = True ] && break; sleep 0.2
done
check "status -j: the follower counted events, no errors" \
	test "$(vrctl -j status | jget 'j["follower"]["events"] > 0 and j["follower"]["errors"] == 0')" = True
stop_follower $FOLLOW_PID
check_eq "status -j: the follower stopped" False "$(vrctl -j status | jget 'j["follower"]["running"]')"
prom_wait "vrouter_sync_follower_running" 0

# --- reading never takes the lock ----------------------------------------------
flock "$PIN_DIR" sleep 4 &
LOCK_PID=$!
sleep 0.3
check "with the pin directory locked: status, stats --format prometheus and a scrape answer at once" \
	timeout 2 sh -c "nsx() { nsenter --net=/run/netns/$(ns dut) \"\$@\"; }
		nsx $VRCTL --pin-dir $PIN_DIR status >/dev/null &&
		nsx $VRCTL --pin-dir $PIN_DIR stats --format prometheus >/dev/null &&
		nsx curl -sf http://$EXP/metrics -o /dev/null"
kill $LOCK_PID 2>/dev/null; wait $LOCK_PID 2>/dev/null

# --- bash completion -----------------------------------------------------------
comp() {
	bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1));
		 _vrctl; echo "${COMPREPLY[*]}"' _ "$TOP/dist/vrctl.bash" "$VRCTL" "$@"
}
check_eq "completion: commands" "stats status" "$(comp st)"
check_eq "completion: trace's options" "--reason" "$(comp trace --re)"
check_eq "completion: --mode's values" "native skb" "$(comp load --mode '')"
check_eq "completion: --reason's values" "not_ip not_fwded no_neigh no_port" "$(comp trace --reason no)"
check_eq "completion: the options are the usage's" \
	"$("$VRCTL" help trace | grep -o -- '--[a-z-]*' | sort -u | tr '\n' ' ')" \
	"$("$VRCTL" __complete trace | grep -o -- '^--[a-z-]*' | grep -v 'pin-dir\|json\|pretty\|version\|verbose\|help' | sort -u | tr '\n' ' ')"

# --- exporter stops cleanly; not loaded: vrouter_up 0 --------------------------
setup "del-router, unload" eval "vrctl del-router $A && vrctl unload"
check "after unload: the exporter says vrouter_up 0" \
	sh -c "nsx() { nsenter --net=/run/netns/$(ns dut) \"\$@\"; }; nsx curl -sf http://$EXP/metrics | grep -qx 'vrouter_up 0'"
kill -TERM $EXP_PID; wait $EXP_PID; rc=$?
check_eq "exporter: SIGTERM ends it, status 0" 0 "$rc"
t_end
