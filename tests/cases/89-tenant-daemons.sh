#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# BIRD and keepalived as a VR's tenant runs them (`vrctl exec`; FRR is
# 57-frr): what they need still works inside the VR's user namespace.
#   - BIRD, dropping to user bird, peers over BGP with a BIRD outside
#     (s0) and installs the route it learns (netlink); birdc from another
#     exec reaches it by its control socket in the VR's /run/bird; sync
#     mirrors the route; its log is in the VR's /var/log.
#   - keepalived: VRRP master on in0, its virtual address added (netlink)
#     and its advertisements on the wire (a raw socket); pid files in the
#     VR's /run, used by kill from another exec.
#   - the VR's sysctls are the tenant's to set (sync sees the change), the
#     host's are not; ping (raw sockets); ps shows the tenant's processes
#     and no others.
#
#   gen:g0 == dut:in0, dut:out0 == s0:s0; VR T on in0 and out0.
# plan: 19
. "$(dirname "$0")/../lib.sh"

vrctl() { nsx dut "$VRCTL" --pin-dir "$PIN_DIR" "$@"; }
T=$P-t T_MAC=02:00:00:00:89:01
tenant() { vrctl exec "$T" -- "$@"; }
trap '[ -s "$T_TMP/bird-s0.pid" ] && kill "$(cat "$T_TMP/bird-s0.pid")"; cleanup' EXIT
command -v bird >/dev/null || fatal "bird not installed (make deps: bird2)"
command -v keepalived >/dev/null || fatal "keepalived not installed (make deps)"

ensure_bpffs
for n in gen dut s0; do setup "namespace $n" ns_add $n; done
setup "veth gen:g0 <-> dut:in0" veth_add gen g0 dut in0
setup "veth dut:out0 <-> s0:s0" veth_add dut out0 s0 s0
setup "vrctl load in0 out0" vrctl load in0 out0
setup "add-router T" vrctl add-router "$T" --mac "$T_MAC"
TT=$(table_of "$T")
setup "addresses" sh -c "
	ip -n $T addr add 198.18.89.1/24 dev in0 && ip -n $T addr add 198.18.90.1/24 dev out0 &&
	ip -n $(ns gen) addr add 198.18.89.2/24 dev g0 && ip -n $(ns s0) addr add 198.18.90.2/24 dev s0"

# --- BIRD -----------------------------------------------------------------------------
cat >"$T_TMP/bird-s0.conf" <<EOF
router id 198.18.90.2;
protocol device { scan time 10; }
protocol static st { ipv4; route 198.19.89.0/24 blackhole; }
protocol bgp t {
	local 198.18.90.2 as 65002; neighbor 198.18.90.1 as 65001;
	hold time 3; keepalive time 1; connect delay time 1; connect retry time 1;
	ipv4 { import none; export where proto = "st"; };
}
EOF
setup "bird on s0 (outside the VR)" nsx s0 bird -c "$T_TMP/bird-s0.conf" \
	-s "$T_TMP/bird-s0.ctl" -P "$T_TMP/bird-s0.pid"
cat >"$T_TMP/bird-t.conf" <<EOF
log "/var/log/bird.log" all;
router id 198.18.90.1;
protocol device { scan time 10; }
protocol kernel { ipv4 { import none; export all; }; }
protocol bgp s0 {
	local 198.18.90.1 as 65001; neighbor 198.18.90.2 as 65002;
	hold time 3; keepalive time 1; connect delay time 1; connect retry time 1;
	ipv4 { import all; export none; };
}
EOF
setup "T's tenant: /etc/bird/bird.conf, /run/bird and /var/log/bird.log for user bird" \
	tenant sh -c "cat >/etc/bird/bird.conf && mkdir -p /run/bird && touch /var/log/bird.log &&
		chown bird:bird /run/bird /var/log/bird.log" <"$T_TMP/bird-t.conf"
check "bird in T as its tenant, as user bird" tenant bird -u bird -g bird
check "BIRD learns 198.19.89.0/24 from s0 and installs it in T's kernel" \
	until_ok 20 sh -c "ip -n $T route show 198.19.89.0/24 | grep -q 'proto bird'"
check "birdc from another exec, by T's /run/bird/bird.ctl: the session is up" \
	sh -c "nsenter --net=/run/netns/$(ns dut) '$VRCTL' --pin-dir '$PIN_DIR' exec '$T' birdc show protocols s0 | grep -q Established"
vrctl sync "$T" >/dev/null 2>&1
check "vrctl sync mirrors it into T's host table" \
	sh -c "ip -n $(ns dut) route show table $TT | grep -q '^198.19.89.0/24 via 198.18.90.2 dev out0'"
check "BIRD logs to T's /var/log/bird.log" tenant grep -q "<INFO> Started" /var/log/bird.log
check_eq "BIRD runs as user bird (a uid of T's range on the host)" "bird" \
	"$(tenant ps -o user= -C bird | xargs)"

# --- keepalived --------------------------------------------------------------------
cat >"$T_TMP/keepalived.conf" <<EOF
global_defs {
	router_id $T
}
vrrp_instance vi {
	state MASTER
	interface in0
	virtual_router_id 89
	priority 150
	advert_int 1
	virtual_ipaddress {
		198.18.89.100/24
	}
}
EOF
setup "T's /etc/keepalived/keepalived.conf" tenant sh -c "cat >/etc/keepalived/keepalived.conf" \
	<"$T_TMP/keepalived.conf"
check "keepalived in T" tenant keepalived -f /etc/keepalived/keepalived.conf
check "VRRP master: 198.18.89.100 on T's in0" \
	until_ok 10 sh -c "ip -n $T addr show in0 | grep -q 198.18.89.100"
nsx gen timeout 4 tcpdump -i g0 -n -c 2 "ip proto 112" >"$T_TMP/vrrp" 2>/dev/null
check "its advertisements (a raw socket) on the wire" grep -q "VRRPv2, Advertisement, vrid 89" "$T_TMP/vrrp"
check "kill from another exec by T's /run/keepalived.pid: the address goes" sh -c "
	nsenter --net=/run/netns/$(ns dut) '$VRCTL' --pin-dir '$PIN_DIR' exec '$T' sh -c 'kill \$(cat /run/keepalived.pid)' &&
	for i in \$(seq 50); do ip -n $T addr show in0 | grep -q 198.18.89.100 || exit 0; sleep 0.1; done; exit 1"

# --- sysctls, raw sockets, processes ---------------------------------------------------
check "T's tenant sets its rp_filter on in0 (loose)" tenant sysctl -qw net.ipv4.conf.in0.rp_filter=2
check_eq "... it is T's" 2 "$(vx "$T" cat /proc/sys/net/ipv4/conf/in0/rp_filter)"
check "T's tenant cannot set the host's vm.swappiness" eval "! tenant sysctl -qw vm.swappiness=1 2>/dev/null"
check "ping from T's tenant (raw or ICMP socket)" tenant ping -c 1 -W 2 198.18.89.2
check "... keepalived ends" until_ok 5 eval "! tenant pgrep -x keepalived"
check_eq "ps in T: the tenant's processes and no others" "bird ps vrctl-init" \
	"$(tenant ps -e -o comm= | sort -u | xargs)"
pids=$(ip netns pids "$T" | xargs)
check "del-router T" vrctl del-router "$T"
alive_any() { local p; for p in "$@"; do kill -0 "$p" 2>/dev/null && return 0; done; return 1; }
check "... its tenant's processes ($pids: its init, BIRD) are gone" until_ok 3 eval "! alive_any $pids"
check "unload" vrctl unload
t_end
