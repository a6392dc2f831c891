#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# FRR inside a VR, as its tenant runs it (`vrctl exec`: the VR's user,
# network and pid namespaces, its own directories): zebra, staticd and
# bgpd learn one prefix from two BGP peers (BIRD on s0 and on s1, outside
# the VR) and install it over a nexthop group; the fast path forwards it
# over both, then, when s1's link loses carrier, over s0 only, as the VR's
# kernel does.  FRR's files are the tenant's: its configuration in the
# VR's /etc/frr, pid files and vty sockets in its /run/frr (vtysh and kill
# from another exec find them), its log in its /var/log/frr; it runs as
# user frr, a uid of the VR's range.
#
#   gen:g0 == dut:in0, dut:out0 == s0:s0, dut:out1 == s1:s1; VR A on all three.
# plan: 15
. "$(dirname "$0")/../lib.sh"

vrctl() { nsx dut "$VRCTL" --pin-dir "$PIN_DIR" "$@"; }
A=$P-a A_MAC=02:00:00:00:57:01
FRR=/usr/lib/frr
tenant() { vrctl exec "$A" -- "$@"; }
stop_daemons() {
	local f
	for f in "$T_TMP"/*.pid; do [ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null; done
	[ -n "$FPID" ] && kill -TERM "$FPID" 2>/dev/null
	return 0
}
trap 'stop_daemons; sleep 0.2; cleanup' EXIT
[ -x $FRR/zebra ] && [ -x $FRR/bgpd ] || fatal "FRR not installed (make deps: frr)"
command -v bird >/dev/null || fatal "bird not installed (make deps: bird2)"

ensure_bpffs
topo_gen_dut_s0_s1
setup "vrctl load in0 out0 out1" vrctl load in0 out0 out1
setup "add-router A" vrctl add-router "$A" --mac "$A_MAC"
TA=$(table_of "$A")
setup "addresses" sh -c "
	ip -n $A addr add 198.18.1.1/24 dev in0 && ip -n $A addr add 198.18.10.1/24 dev out0 &&
	ip -n $A addr add 198.18.11.1/24 dev out1 &&
	ip -n $(ns s0) addr add 198.18.10.2/24 dev s0 && ip -n $(ns s1) addr add 198.18.11.2/24 dev s1"
check "vrctl sync --follow started" start_follower

# BIRD on each sink announces 198.19.200.0/24 (AS 65002).
for s in s0 s1; do
	n=${s#s}
	cat >"$T_TMP/bird-$s.conf" <<EOF2
log "$T_TMP/bird-$s.log" all;
router id 198.18.1$n.2;
protocol device { scan time 10; }
protocol static st { ipv4; route 198.19.200.0/24 blackhole; }
protocol bgp a {
	local 198.18.1$n.2 as 65002; neighbor 198.18.1$n.1 as 65001;
	hold time 3; keepalive time 1; connect delay time 1; connect retry time 1;
	ipv4 { import none; export where proto = "st"; };
}
EOF2
	setup "bird on $s" nsx "$s" bird -c "$T_TMP/bird-$s.conf" -s "$T_TMP/bird-$s.ctl" -P "$T_TMP/bird-$s.pid"
done
# FRR in A: both peers, ECMP over them.  Its configuration goes in
# through the tenant's own /etc/frr.
cat >"$T_TMP/frr.conf" <<EOF2
frr defaults traditional
hostname $A
log file /var/log/frr/frr.log
router bgp 65001
 bgp router-id 198.18.10.1
 no bgp ebgp-requires-policy
 neighbor 198.18.10.2 remote-as 65002
 neighbor 198.18.10.2 timers 1 3
 neighbor 198.18.10.2 timers connect 1
 neighbor 198.18.11.2 remote-as 65002
 neighbor 198.18.11.2 timers 1 3
 neighbor 198.18.11.2 timers connect 1
 address-family ipv4 unicast
  maximum-paths 2
 exit-address-family
EOF2
setup "A's tenant writes its /etc/frr/frr.conf and makes /var/log/frr" tenant sh -c "
	cat >/etc/frr/frr.conf && mkdir -p /var/log/frr && chown frr:frr /var/log/frr" <"$T_TMP/frr.conf"
frr_start() {	# DAEMON [ARGS]
	tenant $FRR/$1 -d -f /etc/frr/frr.conf "${@:2}"
}
setup "zebra in A" frr_start zebra
setup "staticd in A" frr_start staticd
setup "bgpd in A" frr_start bgpd
ecmp_in_a() { ip -n "$A" route show 198.19.200.0/24 | grep -q "proto bgp" &&
	[ "$(ip -n "$A" nexthop show | grep -c 'group')" -ge 1 ]; }
check "FRR learns 198.19.200.0/24 from both peers: a nexthop group in A" until_ok 30 ecmp_in_a
[ $T_FAILED = 0 ] || { ip -n "$A" route; ip -n "$A" nexthop; } | sed 's/^/#   /'
hops() { ip -n "$(ns dut)" route show table "$TA" 198.19.200.0/24 | grep -c 'nexthop via\|^198.19.200.0/24 via'; }
check "mirrored into the host table with both next hops" until_ok 5 eval '[ "$(hops)" = 2 ]'
# Its files, from another exec: vtysh through the vty sockets, the pid
# files in the same pid namespace, the log.
check_eq "vtysh (another exec) sees both BGP peers established" 2 \
	"$(tenant vtysh -c 'show ip bgp neighbors' 2>/dev/null | grep -c 'BGP state = Established')"
frr_uid=$(tenant id -u frr)
check_eq "its pid files in A's /run/frr, owned by user frr (uid $frr_uid in A)" \
	"$frr_uid $frr_uid $frr_uid" "$(tenant stat -c %u /run/frr/zebra.pid /run/frr/staticd.pid /run/frr/bgpd.pid | xargs)"
check "FRR logs to A's /var/log/frr/frr.log" tenant grep -q "BGP" /var/log/frr/frr.log
base=$(vrctl -j show "$A" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["tenant"]["uid_base"])')
check_eq "on the host, that is in A's tenant directory, user frr uid $base + $frr_uid" \
	"$((base + frr_uid))" "$(stat -c %u "/run/vrctl/tenant/$A/run/frr/zebra.pid")"

fwd() { vrctl -j stats "$A" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["routers"][0]["fwd"]["packets"])'; }
# flows N TAG: N frames, one flow each (source ports), to 198.19.200.5;
# prints how many arrived at s0 and at s1.
flows() {
	local i specs=() smac=$(mac_of gen g0)
	for i in $(seq "$1"); do
		specs+=("dmac=$A_MAC,smac=$smac,src=198.18.1.2,dst=198.19.200.5,ttl=64,sport=$((2000 + i)),dport=9,data=$2")
	done
	specs+=("dmac=$A_MAC,smac=$smac,src=198.18.1.2,dst=198.18.10.2,ttl=64,sport=1,dport=9,data=$2-stop0")
	caps=()
	capture_start s0 s0 "$T_TMP/$2-s0" "$2-stop0" || fatal "capture s0"
	nsx s1 timeout 3 tcpdump -i s1 -n -U -w "$T_TMP/$2-s1.pcap" udp and dst port 9 >/dev/null 2>&1 &
	local tp=$!
	sleep 0.5
	nsx gen "${PKT[@]}" send g0 "${specs[@]}" >/dev/null
	wait "${caps[@]}"; wait $tp
	echo "$(grep -c "" "$T_TMP/$2-s0") $(tcpdump -r "$T_TMP/$2-s1.pcap" -n 2>/dev/null | grep -c 198.19.200.5)"
}
f0=$(fwd)
read -r n0 n1 <<<"$(flows 40 ecmp)"
check_eq "40 flows: all forwarded by the fast path" $((f0 + 41)) "$(fwd)"
check "... spread over both next hops (s0 $((n0 - 1)), s1 $n1)" test $((n0 - 1)) -gt 0 -a "$n1" -gt 0 -a $((n0 - 1 + n1)) = 40
setup "s1's link loses carrier" ip -n "$(ns s1)" link set s1 down
check "A's kernel drops the next hop on out1; the mirror follows" until_ok 5 eval '[ "$(hops)" = 1 ]'
read -r n0 n1 <<<"$(flows 40 failover)"
check_eq "40 flows after the carrier loss: all at s0" "40 0" "$((n0 - 1)) $n1"
check "kill from another exec, by the pid files: FRR ends" \
	tenant sh -c 'kill $(cat /run/frr/bgpd.pid /run/frr/staticd.pid /run/frr/zebra.pid)'
check "... and is gone" until_ok 5 eval "! tenant pgrep -x 'zebra|bgpd|staticd'"
stop_daemons
FPID=
check "del-router A" vrctl del-router "$A"
check "unload" vrctl unload
t_end
