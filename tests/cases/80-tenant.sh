#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# What a tenant with root in its VR, or an unprivileged user of the host,
# can do to vrouter: each check does what they would do and looks at the
# outcome.
#   - an unprivileged user prepares the pin directory (bpffs is 1777 here):
#     made first, a symlink in its place, a group-writable directory, a
#     parent writable by others: vrctl refuses them and changes nothing.
#   - the host's own IPv6 autoconfiguration: load turns IPv6 forwarding on,
#     yet router advertisements on a NIC it does not load still configure
#     it; unload puts every sysctl load changed back.
#
#   - host routing tables: add-router never takes one the host uses (routes
#     or an ip rule) unless told to with --force.
#   - namespaces by identity: del-router of a VR whose add-router died
#     before making its namespace leaves a namespace of that name that
#     someone else made alone.
#   - XDP detached behind vrctl's back: show says so, load attaches again.
#   - a NIC deleted and made again: set-router --reattach brings the VR
#     back onto it, without deleting the VR or its tenant's state.
#
#   dut:e0 == peer:p0, dut:mgmt == peer:pm (the host's own NIC, never loaded)
# plan: 62
. "$(dirname "$0")/../lib.sh"

vrctl() { nsx dut "$VRCTL" --pin-dir "$PIN_DIR" "$@"; }
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
xdp_on_e0() { ip -n "$(ns dut)" link show e0 | grep -q prog/xdp; }
# refused DESC PATTERN: `vrctl load e0` fails with one error line matching
# PATTERN and attaches nothing.
refused() {
	vrctl load e0 >"$T_TMP/o" 2>"$T_TMP/e"
	local rc=$?
	if [ $rc != 1 ]; then
		not_ok "$1: exit status $rc, expected 1"; sed 's/^/#   /' "$T_TMP/e"
	elif [ "$(wc -l <"$T_TMP/e")" != 1 ] || ! grep -qE "^Error: .*$2" "$T_TMP/e"; then
		not_ok "$1: message '$(head -1 "$T_TMP/e")' does not match '$2'"
	elif xdp_on_e0; then
		not_ok "$1: XDP attached anyway"
	else
		ok "$1: '$(cat "$T_TMP/e")'"
	fi
}

ensure_bpffs
setup "namespace dut" ns_add dut
setup "namespace peer" ns_add peer
setup "veth dut:e0 <-> peer:p0" veth_add dut e0 peer p0
setup "GRO on p0" nsx peer ethtool -K p0 gro on

# --- the pin directory, prepared by an unprivileged user ---------------------------
check_eq "bpffs is writable by everyone here (1777)" 1777 "$(stat -c %a "$(dirname "$PIN_DIR")")"
setup "nobody makes the pin directory first" nobody mkdir "$PIN_DIR"
refused "pin directory made by nobody" "is not vrouter's \\(owner uid 65534"
rmdir "$PIN_DIR"
setup "nobody puts a symlink in its place" nobody ln -s /tmp "$PIN_DIR"
refused "pin directory is a symlink" "is a symlink or not a directory"
check "the symlink's target is untouched" test ! -e /tmp/vr_forward
rm -f "$PIN_DIR"
setup "a group-writable pin directory" sh -c "mkdir -m 0770 '$PIN_DIR' && chmod 0770 '$PIN_DIR'"
refused "group-writable pin directory" "owned by root and writable by no one else"
rmdir "$PIN_DIR"
mkdir -p "$T_TMP/open" && chmod 0777 "$T_TMP/open"
setup "a bpffs under a directory writable by all" mount -t bpf bpf "$T_TMP/open"
chmod 0777 "$T_TMP/open"
nsx dut "$VRCTL" --pin-dir "$T_TMP/open/vr" load e0 >"$T_TMP/o" 2>"$T_TMP/e"
check_eq "parent writable by others without the sticky bit: refused" \
	"1 1" "$? $(grep -c 'parent .* writable by others' "$T_TMP/e")"
umount -l "$T_TMP/open"
check "nothing attached by the refused loads" eval "! xdp_on_e0"
check "a root-made pin directory under the 1777 bpffs is fine: load e0" vrctl load e0
check_eq "it is 0700 root" "700 0" "$(stat -c '%a %u' "$PIN_DIR")"
check "nobody cannot open it to hold its lock" eval "! nobody flock -n '$PIN_DIR' true 2>/dev/null"
check "unload" vrctl unload

# --- the host's sysctls: IPv6 autoconfiguration kept, everything restored -------------
setup "veth dut:mgmt <-> peer:pm" veth_add dut mgmt peer pm
sysctls() {
	nsx dut sh -c 'cd /proc/sys/net; cat ipv6/conf/all/forwarding ipv6/conf/mgmt/accept_ra \
		ipv6/conf/default/accept_ra ipv4/conf/e0/forwarding ipv4/fib_multipath_hash_policy' | xargs
}
before=$(sysctls)
check_eq "a fresh host: IPv6 forwarding off, accept_ra 1, e0 not forwarding, ECMP policy 0" \
	"0 1 1 0 0" "$before"
check "load e0" vrctl load e0
check_eq "load: IPv6 forwarding on, accept_ra 2 on mgmt and default, e0 forwarding, L4 ECMP" \
	"1 2 2 1 1" "$(sysctls)"
sleep 2	# mgmt's link-local address through DAD
PM_MAC=$(mac_of peer pm)
nsx peer "$PY" -c "
from scapy.all import Ether, IPv6, ICMPv6ND_RA, ICMPv6NDOptSrcLLAddr, ICMPv6NDOptPrefixInfo, sendp
sendp(Ether(dst='33:33:00:00:00:01', src='$PM_MAC') / IPv6(src='fe80::99', dst='ff02::1', hlim=255) /
      ICMPv6ND_RA(routerlifetime=1800) / ICMPv6NDOptSrcLLAddr(lladdr='$PM_MAC') /
      ICMPv6NDOptPrefixInfo(prefix='2001:2:0:99::', prefixlen=64, L=1, A=1,
                            validlifetime=3600, preferredlifetime=1800),
      iface='pm', verbose=0)" 2>"$T_TMP/ra.err" || sed 's/^/#   /' "$T_TMP/ra.err"
for i in $(seq 30); do
	ip -n "$(ns dut)" -6 route show default | grep -q "via fe80::99 dev mgmt" && break
	sleep 0.1
done
check "a router advertisement on mgmt still gives the host its default route" \
	sh -c "ip -n $(ns dut) -6 route show default | grep -q 'via fe80::99 dev mgmt'"
check "... and its SLAAC address" sh -c "ip -n $(ns dut) -6 addr show dev mgmt | grep -q 'inet6 2001:2:0:99:'"
check "unload" vrctl unload
check_eq "unload: every sysctl load changed is back" "$before" "$(sysctls)"
check "the admin turns IPv6 forwarding on" nsx dut sysctl -qw net.ipv6.conf.all.forwarding=1
check "load e0" vrctl load e0
check_eq "accept_ra left alone when forwarding was already on" 1 \
	"$(nsx dut cat /proc/sys/net/ipv6/conf/mgmt/accept_ra)"
check "unload" vrctl unload
check_eq "... and forwarding stays on, as the admin set it" 1 \
	"$(nsx dut cat /proc/sys/net/ipv6/conf/all/forwarding)"

# --- host routing tables ---------------------------------------------------------------
host_table() { ip -n "$(ns dut)" -4 route show table "$1" 2>/dev/null; ip -n "$(ns dut)" -6 route show table "$1"; }
setup "the host routes by table 1000 (a route there)" \
	ip -n "$(ns dut)" route add 198.18.200.0/24 dev mgmt table 1000
setup "and an ip rule names table 1001" ip -n "$(ns dut)" rule add to 198.18.201.0/24 table 1001 prio 100
setup "an IPv6 route in table 1002" ip -n "$(ns dut)" -6 route add 2001:2:0:202::/64 dev mgmt table 1002
check "load e0" vrctl load e0
check "add-router t1 (table chosen by vrctl)" vrctl add-router "$P-t1" --mac 02:00:00:00:80:01
check_eq "it skipped the tables the host uses (1000 route, 1001 rule, 1002 IPv6 route)" \
	1003 "$(table_of "$P-t1")"
vrctl add-router "$P-t2" --mac 02:00:00:00:80:02 --table 1000 >"$T_TMP/o" 2>"$T_TMP/e"
check_eq "an explicit --table the host uses is refused" "1 1" \
	"$? $(grep -c '^Error: table 1000 holds routes or is named by an ip rule' "$T_TMP/e")"
check "... nothing made" eval "! ip netns list | grep -q '^$P-t2'"
vrctl add-router "$P-t2" --mac 02:00:00:00:80:02 --table 1001 >"$T_TMP/o" 2>"$T_TMP/e"
check_eq "... also one only an ip rule names" "1 1" "$? $(grep -c '^Error: table 1001' "$T_TMP/e")"
check_eq "the host's routes are untouched" "198.18.200.0/24 dev mgmt scope link " \
	"$(ip -n "$(ns dut)" route show table 1000 | head -1)"
vrctl add-router "$P-t2" --mac 02:00:00:00:80:02 --force >"$T_TMP/o" 2>"$T_TMP/e"
check_eq "--force without --table is a usage error" "2 1" "$? $(grep -c -- '--force goes with --table' "$T_TMP/e")"
check "add-router --table 1000 --force takes it" \
	vrctl add-router "$P-t2" --mac 02:00:00:00:80:02 --table 1000 --force
check_eq "... as asked" 1000 "$(table_of "$P-t2")"
check "del-router t1" vrctl del-router "$P-t1"
check_eq "del-router emptied only its own table: 1002's IPv6 route is still there" \
	"2001:2:0:202::/64 dev mgmt metric 1024 pref medium" "$(host_table 1002 | head -1)"
check "del-router t2" vrctl del-router "$P-t2"

# --- namespaces are the VR's by identity, not by name -----------------------------------
VRCTL_FAULT=add:record vrctl add-router "$P-n1" --mac 02:00:00:00:80:11 >/dev/null 2>&1
check_eq "add-router killed after its record, before its namespace" "creating" \
	"$(vrctl -j show "$P-n1" 2>/dev/null | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["state"])')"
setup "someone else makes a namespace of that name, with a link in it" \
	sh -c "ip netns add '$P-n1' && ip -n '$P-n1' link add own0 type veth peer name own1"
vrctl del-router "$P-n1" >"$T_TMP/o" 2>"$T_TMP/e"
check_eq "del-router (the documented repair) succeeds and says it leaves that namespace" "0 1" \
	"$? $(grep -c "^Warning: network namespace $P-n1 is not the one add-router made" "$T_TMP/e")"
check "... which is still there, with its link" ip -n "$P-n1" link show own0
check_eq "... and the VR is gone" "" "$(vrctl list | grep -w "$P-n1")"
ip netns del "$P-n1"
check "add-router n2" vrctl add-router "$P-n2" --mac 02:00:00:00:80:12
check "del-router n2" vrctl del-router "$P-n2"
check "a VR's own namespace goes with it" eval "! ip netns list | grep -qw '$P-n2'"

# --- XDP detached behind vrctl's back ------------------------------------------------
check "add-router x1" vrctl add-router "$P-x1" --mac 02:00:00:00:80:21
prog=$(ip -n "$(ns dut)" -d link show e0 | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p')
setup "the XDP program is detached by hand" ip -n "$(ns dut)" link set e0 xdp off
vrctl show "$P-x1" >"$T_TMP/o" 2>"$T_TMP/e"
check_eq "show: a warning and the NIC marked" "1 1" \
	"$(grep -c 'NIC e0 has no XDP program (detached, not by vrctl)' "$T_TMP/e") $(grep -c 'XDP detached' "$T_TMP/o")"
check_eq "show -j: attached false" True \
	"$(vrctl -j show "$P-x1" 2>/dev/null | "$PY" -c 'import json,sys; print(not json.load(sys.stdin)["ifaces"][0]["attached"])')"
vrctl load e0 >"$T_TMP/o" 2>"$T_TMP/e"
check_eq "load e0 attaches it again (not 'already loaded')" "0 1" \
	"$? $(grep -c 'had been detached (not by vrctl): attached again' "$T_TMP/e")"
check_eq "... the pinned program, the same id" "$prog" \
	"$(ip -n "$(ns dut)" -d link show e0 | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p')"
vrctl show "$P-x1" >"$T_TMP/o" 2>"$T_TMP/e"
check_eq "show: no warning any more" "0 0" "$(grep -c 'XDP' "$T_TMP/e") $(grep -c 'XDP detached' "$T_TMP/o")"
check "del-router x1" vrctl del-router "$P-x1"

# --- a NIC deleted and made again -------------------------------------------------------
setup "veth dut:e1 <-> peer:p1" veth_add dut e1 peer p1
check "load e1" vrctl load e1
check "add-router r1 on e0 and e1" vrctl add-router "$P-r1" --mac 02:00:00:00:80:31
setup "the tenant's state: an address on e0" ip -n "$P-r1" addr add 198.18.80.1/24 dev e0
old=$(ifindex_of dut e1)
setup "e1 deleted (and r1's macvlan on it with it)" ip -n "$(ns dut)" link del e1
setup "e1 made again" veth_add dut e1 peer p1
new=$(ifindex_of dut e1)
vrctl show "$P-r1" >"$T_TMP/o" 2>"$T_TMP/e"
check_eq "show: r1's NIC is gone (ifindex $old)" 1 "$(grep -c "its NIC with ifindex $old is gone" "$T_TMP/e")"
check "load e1 (the new one)" vrctl load e1
check "set-router r1 --reattach" vrctl set-router "$P-r1" --reattach
check "r1 has its macvlan e1 again, with its MAC" \
	sh -c "ip -n $P-r1 link show e1 | grep -q 'link/ether 02:00:00:00:80:31'"
check_eq "the port and the MAC moved to e1's new ifindex $new" "1 0 1 0" \
	"$(bpftool -j map dump pinned "$PIN_DIR/vr_ports" | "$PY" -c "
import json,sys; e=[x.get('formatted',x)['key']['ifindex'] for x in json.load(sys.stdin)]; print(e.count($new), e.count($old), end=' ')")$(bpftool -j map dump pinned "$PIN_DIR/vr_macs" | "$PY" -c "
import json,sys; e=[x.get('formatted',x)['key']['ifindex'] for x in json.load(sys.stdin)]; print(e.count($new), e.count($old))")"
check "the tenant's address is still there" sh -c "ip -n $P-r1 addr show dev e0 | grep -q 198.18.80.1"
vrctl show "$P-r1" >"$T_TMP/o" 2>"$T_TMP/e"
check_eq "show: nothing gone any more" 0 "$(grep -c gone "$T_TMP/e")"
check "set-router r1 --reattach again: nothing to do, no error" vrctl set-router "$P-r1" --reattach
check "del-router r1" vrctl del-router "$P-r1"
check "unload" vrctl unload
t_end
