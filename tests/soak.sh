#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Soak (make soak; not part of `make test`): traffic through three VRs for
# SOAK_MINUTES (default 5) while other VRs are added and deleted and the
# VRs' routes change, then every frame is accounted for and none reached
# another VR's next hop.
#
#   gen:g0 == dut:in0 [vrctl load in0 o1 o2 o3]  dut:oK == sK:sK (K = 1..3)
#
# VR K (MAC 02:00:00:00:8K:01 on in0 and oK) has the same addresses and
# routes as the others: 198.18.100.0/24 via 198.18.10.2 (or .3: the route
# flips between both every few seconds), out of oK to sink sK.
# bench/trafficgen sends SOAK_PPS frames a second to each VR's MAC, UDP
# dport 9000+K; tcpdump at each sink counts per dport.  Meanwhile churn
# VRs (attached to in0 and o1, so they share the traffic's NICs) come and
# go.  Checks: each sink got its own VR's frames (all of them, allowing
# SOAK_LOSS per mille) and no other VR's; per VR, rx >= sent and rx ==
# fwd + pass + policed (vr_stats); every vrctl command succeeded; at the
# end only the three VRs exist, and del-router/unload leave nothing.
. "$(dirname "$0")/lib.sh"

MIN=${SOAK_MINUTES:-5}
PPS=${SOAK_PPS:-2000}
LOSS=${SOAK_LOSS:-1}
GEN="$TOP/.output/bench/trafficgen"
vrctl() { nsx dut "$VRCTL" --pin-dir "$PIN_DIR" "$@"; }
stat_of() {	# VR FIELD: packets of rx/fwd/pass_total/policed
	vrctl stats "$1" -j | "$PY" -c 'import json, sys; r = json.load(sys.stdin)["routers"][0]; print(r.get(sys.argv[1], {"packets": 0})["packets"])' "$2"
}
[ -x "$VRCTL" ] && [ -x "$GEN" ] || fatal "build first (make)"
command -v tcpdump >/dev/null || fatal "tcpdump missing (make deps)"
ensure_bpffs

for n in gen dut s1 s2 s3; do setup "namespace $n" ns_add $n; done
setup "gen quiet" nsx gen sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
setup "veth gen:g0 <-> dut:in0" veth_add gen g0 dut in0
for k in 1 2 3; do
	setup "veth dut:o$k <-> s$k:s$k" veth_add dut o$k s$k s$k
	setup "s$k quiet, GRO" eval "nsx s$k sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 && nsx s$k ethtool -K s$k gro on"
	setup "s$k addresses" eval "ip -n $(ns s$k) addr add 198.18.10.2/24 dev s$k && ip -n $(ns s$k) addr add 198.18.10.3/24 dev s$k"
done
setup "GRO on g0" nsx gen ethtool -K g0 gro on
setup "vrctl load" vrctl load in0 o1 o2 o3
for k in 1 2 3; do
	V=$P-v$k T=$((2000 + k)) SMAC=$(mac_of s$k s$k)
	setup "VR $V" vrctl add-router $V --mac 02:00:00:00:8$k:01 --iface in0,o$k --table $T
	setup "$V inside" eval "ip -n $V addr add 198.18.1.1/24 dev in0 && ip -n $V addr add 198.18.10.1/24 dev o$k &&
		ip -n $V route add 198.18.100.0/24 via 198.18.10.2"
	setup "$V host table" eval "ip -n $(ns dut) route add 198.18.10.0/24 dev o$k table $T &&
		ip -n $(ns dut) route add 198.18.100.0/24 via 198.18.10.2 dev o$k table $T"
	setup "$V neighbours" eval "vrctl neigh add $V 198.18.10.2 lladdr $SMAC dev o$k &&
		vrctl neigh add $V 198.18.10.3 lladdr $SMAC dev o$k"
done

# Sinks count, generators send.
for k in 1 2 3; do
	nsenter --net="/run/netns/$(ns s$k)" tcpdump -nn -i s$k -s 64 -B 16384 -w "$T_TMP/s$k.pcap" udp >/dev/null 2>"$T_TMP/td$k.err" &
	TD[$k]=$!
done
sleep 2
DUR=$((MIN * 60)) COUNT=$((MIN * 60 * PPS))
for k in 1 2 3; do
	nsx gen "$GEN" --dev g0 --src-mac "$(mac_of gen g0)" --dst-mac 02:00:00:00:8$k:01 --src-ip 198.18.1.2 --dst-ip 198.18.100.$k \
		--dport $((9000 + k)) --rate "$PPS" --count "$COUNT" --duration $((DUR + 60)) \
		>"$T_TMP/gen$k.out" 2>&1 &
	GP[$k]=$!
done
echo "# soak: $MIN min, $PPS pps to each of 3 VRs, churn and route flips"

# Churn until the generators are done.
fails=0 churn=0 flips=0 i=0
declare -A live
while kill -0 "${GP[1]}" 2>/dev/null || kill -0 "${GP[2]}" 2>/dev/null || kill -0 "${GP[3]}" 2>/dev/null; do
	i=$((i + 1))
	c=$P-c$((i % 6))
	if [ -n "${live[$c]}" ]; then
		vrctl del-router $c >>"$T_TMP/churn.log" 2>&1 || { fails=$((fails + 1)); echo "del-router $c failed" >>"$T_TMP/churn.err"; }
		unset "live[$c]"
	else
		vrctl add-router $c --mac 02:00:00:00:9$((i % 6)):01 --iface in0,o1 >>"$T_TMP/churn.log" 2>&1 &&
			live[$c]=1 || { fails=$((fails + 1)); echo "add-router $c failed" >>"$T_TMP/churn.err"; }
	fi
	churn=$((churn + 1))
	if [ $((i % 5)) = 0 ]; then
		k=$((i % 3 + 1)) via=198.18.10.$(( (i / 5) % 2 + 2 ))
		ip -n "$(ns dut)" route replace 198.18.100.0/24 via $via dev o$k table $((2000 + k)) &&
			ip -n $P-v$k route replace 198.18.100.0/24 via $via || fails=$((fails + 1))
		flips=$((flips + 1))
	fi
	vrctl list >/dev/null 2>&1 || fails=$((fails + 1))
	sleep 0.3
done
wait "${GP[@]}"
sleep 1
for k in 1 2 3; do kill -INT "${TD[$k]}"; done
wait "${TD[@]}" 2>/dev/null
check_eq "every churn command and route change succeeded ($churn VR changes, $flips route flips)" 0 "$fails"
for c in "${!live[@]}"; do vrctl del-router "$c" >/dev/null 2>&1; done

for k in 1 2 3; do
	sent=$(grep -oE 'sent=[0-9]+' "$T_TMP/gen$k.out" | tail -1 | cut -d= -f2)
	[ -n "$sent" ] || sent=$COUNT
	tcpdump -nn -r "$T_TMP/s$k.pcap" 2>/dev/null | grep -oE '198\.18\.100\.[0-9]+\.[0-9]+: UDP' |
		awk -F'[.:]' '{print $5}' | sort | uniq -c >"$T_TMP/s$k.count"
	own=$(awk -v p=$((9000 + k)) '$2 == p {print $1}' "$T_TMP/s$k.count")
	other=$(awk -v p=$((9000 + k)) '$2 != p {n += $1} END {print n + 0}' "$T_TMP/s$k.count")
	rx=$(stat_of $P-v$k rx) fwd=$(stat_of $P-v$k fwd) pass=$(stat_of $P-v$k pass_total) pol=$(stat_of $P-v$k policed)
	echo "# VR $k: sent $sent, sink got ${own:-0} (+$other of other VRs), rx $rx fwd $fwd pass $pass policed $pol"
	check_eq "sink $k got no frame of another VR" 0 "$other"
	check "sink $k got its VR's frames (loss at most $LOSS per mille)" \
		test "$(( ${own:-0} * 1000 ))" -ge "$(( sent * (1000 - LOSS) ))" -a "${own:-0}" -le "$sent"
	check "VR $k: rx >= sent, rx == fwd + pass + policed" \
		test "$rx" -ge "$sent" -a "$rx" = "$((fwd + pass + pol))"
done
check_eq "only the three VRs are left" "$P-v1 $P-v2 $P-v3" "$(vrctl list -j | "$PY" -c 'import json, sys; print(" ".join(sorted(v["name"] for v in json.load(sys.stdin)["routers"])))')"
check "unload --all" vrctl unload --all
check_eq "no VR namespace, pins or XDP left" "0 no 0" \
	"$(ip netns list | grep -c "^$P-[vc]") $([ -e "$PIN_DIR" ] && echo yes || echo no) $(ip -n "$(ns dut)" link | grep -c prog/xdp)"
t_end
