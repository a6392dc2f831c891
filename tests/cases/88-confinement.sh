#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# A tenant is confined to its VR (issue 21, items 1 and 2).  The tenant
# is a process confined as a container would be: started with `vrctl
# exec` (the VR's user, network and pid namespaces, a mount namespace of
# its own); where vrctl has no exec (an older vrctl), the same as far as
# it goes: the VR's network namespace, mount and pid namespaces of its
# own, only CAP_NET_ADMIN and CAP_NET_RAW.  It tries, with raw rtnetlink
# (tests/nlattack.py):
#   (a) to dump the host's links through the host's namespace id;
#   (b) to create a vxlan in the host's namespace, or a macvlan of its own
#       on a host NIC (IFLA_LINK_NETNSID);
#   (c) to delete a host NIC;
#   (d) to reach another VR's namespace the same way, with its namespace
#       file at hand too;
#   (e) to switch its macvlan to source mode with another sender's MAC,
#       to receive that sender's frames to another VR;
#   (f) to give its macvlan another VR's MAC (on the same NIC, and on a
#       NIC of the other VR's only), or a broadcast queue for the NIC.
# Each must fail or be undone (by the follower, said once), and the
# host's links and the other VR's are as they were.  Then: the follower
# says nothing about the links vrctl itself deletes (del-router, unload)
# while a tenant's link stacked on a NIC still gets its warning (issue
# 24, item 1); and a VR without a user namespace (an older vrctl's) is
# reported as such and refused to exec.
#
#   gen:g0 == dut:in0, dut:out0 == s0:s0, dut:out1 == s1:s1
#   VR A on in0, out0 (address 198.18.88.1); B and C on in0; D on out1.
# plan: 45
. "$(dirname "$0")/../lib.sh"

vrctl() { nsx dut "$VRCTL" --pin-dir "$PIN_DIR" "$@"; }
A=$P-a B=$P-b C=$P-c D=$P-d L=$P-l
A_MAC=02:00:00:00:88:0a B_MAC=02:00:00:00:88:0b C_MAC=02:00:00:00:88:0c
D_MAC=02:00:00:00:88:0d L_MAC=02:00:00:00:88:11
NL=("$PY" "$TOP/tests/nlattack.py")
trap 'cleanup' EXIT

ensure_bpffs
topo_gen_dut_s0_s1
setup "vrctl load in0 out0 out1" vrctl load in0 out0 out1
setup "add-router A" vrctl add-router "$A" --mac "$A_MAC" --iface in0,out0
setup "add-router B" vrctl add-router "$B" --mac "$B_MAC" --iface in0
setup "add-router C" vrctl add-router "$C" --mac "$C_MAC" --iface in0
setup "add-router D" vrctl add-router "$D" --mac "$D_MAC" --iface out1
setup "A's address" ip -n "$A" addr add 198.18.88.1/24 dev in0
setup "gen's address" ip -n "$(ns gen)" addr add 198.18.88.2/24 dev g0
GEN_MAC=$(mac_of gen g0)

# tenant VR CMD...: CMD as VR's tenant (the header says how).
if "$VRCTL" help exec >/dev/null 2>&1; then
	echo "# the tenant: vrctl exec"
	tenant() { local v=$1; shift; vrctl exec "$v" -- "$@"; }
else
	echo "# the tenant: nsenter --net, unshare --mount --pid, NET_ADMIN and NET_RAW only (no vrctl exec)"
	tenant() {
		local v=$1; shift
		unshare --mount --pid --fork --mount-proc nsenter --net="/run/netns/$v" \
			setpriv --bounding-set=-all,+net_admin,+net_raw --inh-caps=-all "$@"
	}
fi
# refused DESC VR ARGS...: nlattack.py ARGS as VR's tenant is refused by
# the kernel (exit 1); its answer is shown either way.
refused() {
	local d=$1 v=$2 out rc; shift 2
	out=$(tenant "$v" "${NL[@]}" "$@" 2>&1); rc=$?
	if [ "$rc" = 1 ]; then ok "$d: $out"; else not_ok "$d: $out (exit $rc)"; fi
}
# The host's id inside VR V (listing V's links makes the kernel name it).
nsid_in() {
	ip -n "$1" link show >/dev/null
	ip -n "$1" netns list-id | awk -v n="$2" '$0 ~ "name: " n "\\)" {print $2}'
}
# links NS: each link's name and MAC (its state may change meanwhile).
links() { ip -n "$1" -br link | awk '{print $1, $3}'; }
host_links() { links "$(ns dut)"; }
vmac() { ip -n "$1" -br link show "$2" | awk '{print $3}'; }		# a VR's link's MAC
vifindex() { ip -n "$1" -o link show "$2" | cut -d: -f1; }
HOST0=$(host_links)
B0=$(links "$B")
HOST_ID=$(nsid_in "$A" "$(ns dut)")
C_IF0=$(vifindex "$C" in0)
OUT1=$(ifindex_of dut out1)
check "the host's namespace has an id in A ($HOST_ID)" test -n "$HOST_ID"

# --- (a)-(c): the host, through its namespace id ------------------------------
refused "(a) A's tenant dumps the host's links (IFLA_TARGET_NETNSID $HOST_ID)" "$A" dump "$HOST_ID"
refused "(b) A's tenant creates a vxlan in the host's namespace" "$A" vxlan "$HOST_ID" evil0
refused "(b) A's tenant creates a macvlan on the host's out1 (IFLA_LINK_NETNSID)" "$A" \
	macvlan "$HOST_ID" "$OUT1" spy0
refused "(c) A's tenant deletes the host's NIC out1 (ifindex $OUT1)" "$A" delete "$HOST_ID" "$OUT1"

# --- (d): another VR ---------------------------------------------------------------
# By its namespace file: a tenant of vrctl exec does not see /run/netns;
# anything else in A's user namespace may hold it.
out=$(tenant "$A" "${NL[@]}" nsid "/run/netns/$B" 2>&1)
if id=$(awk '/^nsid/ {print $2}' <<<"$out") && [ -n "$id" ]; then
	refused "(d) A's tenant gave B's namespace an id ($out): it dumps B's links by it" "$A" dump "$id"
else
	check "(d) A's tenant cannot name B's namespace: $out" true
fi
if [ -e "/run/vrctl/userns/$A" ]; then
	held() { nsenter --user="/run/vrctl/userns/$A" --net="/run/netns/$A" -S 0 -G 0 "$@"; }
else
	held() { tenant "$A" "$@"; }
fi
out=$(held "${NL[@]}" netns-fd "/run/netns/$B" evil1 2>&1)
check "(d) A's user namespace, holding B's namespace file, creates a link in B: $out" \
	eval "! grep -q created <<<\"\$out\""
check_eq "B's links are as they were" "$B0" "$(links "$B")"
check_eq "the host's links are as they were (ip -br link: names, MACs)" "$HOST0" "$(host_links)"

# --- (e), (f): its own macvlan -----------------------------------------------------
check "vrctl sync --follow started" start_follower
# frames_seen_by_c TAG: five UDP frames from gen to A's address (A's kernel
# takes them), captured in C's namespace; prints how many C saw.
frames_seen_by_c() {
	udp_seen_in "$C" "$1" "dmac=$A_MAC,smac=$GEN_MAC,src=198.18.88.2,dst=198.18.88.1,ttl=64,sport=8888,dport=8888"
}
private() { ip -n "$C" -d link show in0 | grep -q 'macvlan mode private' &&
	! ip -n "$C" -d link show in0 | grep -q remotes; }
ms() { date +%s%3N; }
t0=$(ms)
tenant "$C" ip link set in0 type macvlan mode source macaddr add "$GEN_MAC" 2>"$T_TMP/e"
check "(e) the follower puts C's in0 back in private mode, without source MACs" until_ok 2 private
echo "# (e) private again $(($(ms) - t0)) ms after the tenant's exec started"
check_eq "(e) C receives none of gen's frames to A" 0 "$(frames_seen_by_c src)"
until_ok 2 grep -q "VR $C: its macvlan in0" "$T_TMP/follow.log"
check_eq "(e) the follower said so once, naming C, in0 and the change" 1 \
	"$(grep -c "^Warning: VR $C: its macvlan in0 on NIC in0 was changed (mode source, 1 source MAC): restored" "$T_TMP/follow.log")"
t0=$(ms); ip -n "$C" link set in0 type macvlan mode source macaddr add "$GEN_MAC"
until_ok 2 private
echo "# (e) the same change made from the host: private again $(($(ms) - t0)) ms later"
tenant "$C" ip link set in0 address "$A_MAC" >"$T_TMP/o" 2>&1
check "(f) C's tenant gives in0 A's MAC on in0: the kernel refuses ($(head -1 "$T_TMP/o"))" \
	test "$(vmac "$C" in0)" = "$C_MAC"
tenant "$C" ip link set in0 address "$D_MAC" 2>"$T_TMP/e"
check "(f) C's tenant gives in0 D's MAC (D is on out1): the follower puts C's back" \
	until_ok 2 eval '[ "$(vmac "$C" in0)" = "$C_MAC" ]'
until_ok 2 grep -q "VR $C: its macvlan in0 on NIC in0 was changed (MAC" "$T_TMP/follow.log"
check_eq "(f) ... said once" 1 \
	"$(grep -c "^Warning: VR $C: its macvlan in0 on NIC in0 was changed (MAC $D_MAC): restored" "$T_TMP/follow.log")"
check_eq "C's in0 is the link vrctl made, kept (not deleted, nor made again)" \
	"$C_IF0" "$(vifindex "$C" in0)"
tenant "$C" ip link set in0 type macvlan bcqueuelen 100000 2>"$T_TMP/e"
check "C's tenant asks for a broadcast queue of 100000 on in0 (the NIC's is the largest asked for): put back" \
	until_ok 2 sh -c "ip -n $C -d link show in0 | grep -q ' bcqueuelen 1000 usedbcqueuelen 1000 '"
tenant "$C" ip link set in0 mtu 1400 2>"$T_TMP/e"
sleep 0.3
check_eq "C's MTU is its own business: left at 1400" 1400 \
	"$(ip -n "$C" -o link show in0 | sed -n 's/.* mtu \([0-9]*\).*/\1/p')"
check_eq "the host's links are as they were" "$HOST0" "$(host_links)"

# --- vrctl exec: its line, bad input -------------------------------------------------
vrctl exec >"$T_TMP/o" 2>"$T_TMP/e"; rc=$?
check_eq "exec without a NAME: usage error (exit 2)" "2 1" "$rc $(grep -c '^Error: exec needs a NAME' "$T_TMP/e")"
vrctl exec "$A" >"$T_TMP/o" 2>"$T_TMP/e"; rc=$?
check_eq "exec NAME without a command: usage error" "2 1" "$rc $(grep -c '^Error: exec .*: no command to run' "$T_TMP/e")"
vrctl exec "$P-none" -- true >"$T_TMP/o" 2>"$T_TMP/e"; rc=$?
check_eq "exec of a VR that does not exist: exit 1, one line" "1 1" "$rc $(wc -l <"$T_TMP/e")"
vrctl exec "$A" /nonexistent >"$T_TMP/o" 2>"$T_TMP/e"; rc=$?
check_eq "exec of a command that does not exist: exit 127, one line" "127 1" "$rc $(wc -l <"$T_TMP/e")"
out=$(vrctl exec "$A" ip -j -br link show lo 2>&1)
check "the words after NAME are the command's: ip -j (not vrctl's -j), without --" \
	eval "grep -q '\"ifname\":\"lo\"' <<<\"\$out\""
vrctl exec "$A" -- sh -c 'exit 7'; rc=$?
check_eq "vrctl's exit status is the command's" 7 "$rc"

# --- the tenant's own namespaces, capabilities, uids ------------------------------
tenant "$A" unshare --net true >"$T_TMP/o" 2>&1; rc=$?
check "A's tenant cannot make a network namespace of its own ($(tail -1 "$T_TMP/o"))" test $rc != 0
out=$(tenant "$A" sh -c 'grep CapBnd /proc/self/status; cat /proc/self/uid_map; ls /sys/class/net | xargs; hostname' 2>&1)
bnd=$(awk '/CapBnd/ {print $2}' <<<"$out")
check "A's tenant: CAP_NET_ADMIN, CAP_NET_RAW, CAP_SYS_ADMIN, not CAP_SYS_RESOURCE or CAP_SYS_MODULE (CapBnd $bnd)" \
	test -n "$bnd" -a $(( 0x${bnd:-0} >> 12 & 1 )) = 1 -a $(( 0x${bnd:-0} >> 13 & 1 )) = 1 \
	-a $(( 0x${bnd:-0} >> 21 & 1 )) = 1 -a $(( 0x${bnd:-0} >> 24 & 1 )) = 0 -a $(( 0x${bnd:-0} >> 16 & 1 )) = 0
check "A's tenant's root is a uid of its own range: $(sed -n 2p <<<"$out" | xargs)" \
	eval "sed -n 2p <<<\"\$out\" | awk '{exit !(\$1 == 0 && \$2 >= 1879048192 && \$3 == 65536)}'"
check_eq "A's tenant sees A's links in /sys/class/net, and its name" "in0 lo out0 $A" \
	"$(sed -n 3,4p <<<"$out" | xargs)"

# --- the follower and vrctl's own deletes (issue 24) --------------------------------
tenant "$B" ip link add spy link in0 type macvlan mode source 2>"$T_TMP/e"
until_ok 2 grep -q "VR $B: link spy" "$T_TMP/follow.log"
check_eq "a tenant's link on a NIC: deleted, one warning" 1 \
	"$(grep -c "^Warning: VR $B: link spy (macvlan on shared NIC in0) was not made by vrctl: deleted" "$T_TMP/follow.log")"
w0=$(grep -c "^Warning" "$T_TMP/follow.log")
check "del-router B, with the follower running" vrctl del-router "$B"
sleep 1.5
check_eq "... the follower warned of nothing" "$w0" "$(grep -c "^Warning" "$T_TMP/follow.log")"
grep "^Warning" "$T_TMP/follow.log" | tail -n +$((w0 + 1)) | sed 's/^/#   /'

# --- a VR without a user namespace (an older vrctl's) -------------------------------
VRCTL_FAULT=no-userns vrctl add-router "$L" --mac "$L_MAC" --iface in0 >"$T_TMP/o" 2>&1
check "a VR made without a user namespace (VRCTL_FAULT=no-userns): said so" \
	grep -q "^Warning: VR $L: no user namespace" "$T_TMP/o"
check "show says so" sh -c "nsenter --net=/run/netns/$(ns dut) '$VRCTL' --pin-dir '$PIN_DIR' show '$L' | grep -q 'tenant: no user namespace'"
check_eq "show -j: tenant.userns false, true for A" "False True" \
	"$(for v in "$L" "$A"; do vrctl -j show "$v" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["tenant"]["userns"])'; done | xargs)"
check "status says so" sh -c "nsenter --net=/run/netns/$(ns dut) '$VRCTL' --pin-dir '$PIN_DIR' status | grep -q '$L .*no user namespace'"
vrctl exec "$L" -- true >"$T_TMP/o" 2>&1; rc=$?
check "exec refuses it: exit $rc, '$(cat "$T_TMP/o")'" \
	test "$rc" = 1 -a "$(grep -c "has no user namespace" "$T_TMP/o")" = 1
check "sync takes it as before" vrctl sync
printf 'nics: [in0, out0, out1]\nrouters:\n  - name: %s\n    macs: [%s]\n    nics: [in0]\n' \
	"$L" "$L_MAC" >"$T_TMP/l.conf"
vrctl apply --check "$T_TMP/l.conf" >"$T_TMP/o" 2>"$T_TMP/e"
check "apply (--check) warns about it, and says how to move it" \
	grep -q "^Warning: VR $L has no user namespace .*vrctl del-router $L. and apply again" "$T_TMP/e"
check_eq "bash completion: exec's positionals" "@args NAME [--] COMMAND [ARG...]" \
	"$("$VRCTL" __complete exec | grep '^@args')"

w0=$(grep -c "^Warning" "$T_TMP/follow.log")
check "unload --all, with the follower running" vrctl unload --all
sleep 1.5
check_eq "... the follower warned of nothing" "$w0" "$(grep -c "^Warning" "$T_TMP/follow.log")"
grep "^Warning" "$T_TMP/follow.log" | tail -n +$((w0 + 1)) | sed 's/^/#   /'
stop_follower "$FPID"
check "nothing of the VRs is left under /run/vrctl" \
	eval "! ls /run/vrctl/userns /run/vrctl/tenant /run/vrctl/pidns 2>/dev/null | grep -q '^$P-'"
t_end
