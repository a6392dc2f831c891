#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Running it in production: `make install`/`uninstall`, the systemd units
# (systemd-analyze verify and security), the capabilities vrctl asks for
# instead of root, the follower's readiness notification under a sandbox
# like its unit's, journal priorities, and the Debian package (built in
# a copy of the tree, installed into this root, purged; lintian).
#
#   dut:e0 == peer:p0
#
# The package part is skipped when a vrouter package is installed here
# already (it would be replaced) or dpkg-buildpackage is missing.
# plan: 49
. "$(dirname "$0")/../lib.sh"

vrctl() { nsx dut "$VRCTL" --pin-dir "$PIN_DIR" "$@"; }
# as CAPS (setpriv --bounding-set list, e.g. +bpf): root's uid, only these
# capabilities, as in a unit with CapabilityBoundingSet=
vrctl_caps() { local c=$1; shift; nsx dut setpriv --bounding-set=-all,$c --inh-caps=-all "$VRCTL" --pin-dir "$PIN_DIR" "$@"; }
# as nobody, with ambient capabilities CAPS (-all,+x,... or "" for none)
vrctl_nobody() {
	local c=$1; shift
	nsx dut setpriv --reuid=65534 --regid=65534 --clear-groups ${c:+--inh-caps=$c --ambient-caps=$c} \
		"$VRCTL" --pin-dir "$PIN_DIR" "$@"
}
# the state a refused command must not change: VRs, namespaces, pins
snap() { { vrctl list; ip netns list | grep "^$P-" | sort; ls "$PIN_DIR"; } 2>&1; }
# expect_refused DESC PATTERN CMD...: exit 1, one line "Error: ...PATTERN", state as before
expect_refused() {
	local d=$1 pat=$2 before rc
	shift 2
	before=$(snap)
	"$@" >"$T_TMP/o" 2>"$T_TMP/e"
	rc=$?
	if [ "$rc" != 1 ] || [ "$(wc -l <"$T_TMP/e")" != 1 ] || ! grep -q "^Error: .*$pat" "$T_TMP/e"; then
		not_ok "$d (exit $rc, expected 1 and one line matching '$pat')"; sed 's/^/#   /' "$T_TMP/e"
	elif [ "$before" != "$(snap)" ]; then
		not_ok "$d: the state changed"
	else
		ok "$d"
	fi
}
UNITS="vrouter.service vrctl-sync.service vrctl-exporter.service"

[ -x "$VRCTL" ] || fatal "$VRCTL not built (make)"
ensure_bpffs

# ---- make install / uninstall ----
D=$T_TMP/destdir
check "make install DESTDIR PREFIX=/usr" make -s -C "$TOP" install DESTDIR="$D" PREFIX=/usr
want="/etc/vrouter/
/usr/lib/systemd/system/vrctl-exporter.service
/usr/lib/systemd/system/vrctl-sync.service
/usr/lib/systemd/system/vrouter.service
/usr/lib/vrouter/vrctl-init
/usr/sbin/vrctl
/usr/share/bash-completion/completions/vrctl
/usr/share/doc/vrouter/examples/grafana-vrouter.json
/usr/share/doc/vrouter/examples/vrouter-alerts.yml
/usr/share/doc/vrouter/examples/vrouter.conf
/usr/share/man/man5/vrouter.conf.5
/usr/share/man/man8/vrctl.8
/usr/share/zsh/vendor-completions/_vrctl"
got=$(cd "$D" && { find . ! -type d; find . -type d -empty -printf '%p/\n'; } | sed 's|^\.||' | sort)
check_eq "make install: these files, /etc/vrouter made" "$want" "$got"
check_eq "units: every command is /usr/sbin/vrctl, no @VAR@ left" "" \
	"$(cat "$D"/usr/lib/systemd/system/*.service | grep -E '^Exec(Start|Reload)=|@[A-Z]+@' | grep -vE '=(/usr/sbin/vrctl|/bin/kill) ')"
check_eq "PREFIX=/usr/local: its sbin in the units" "/usr/local/sbin/vrctl" \
	"$(make -s -C "$TOP" install DESTDIR="$T_TMP/local" PREFIX=/usr/local >/dev/null &&
	   sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$T_TMP"/local/usr/local/lib/systemd/system/*.service | sort -u)"
echo "nics: []" >"$D/etc/vrouter/vrouter.conf"	# the operator's
check "make uninstall" make -s -C "$TOP" uninstall DESTDIR="$D" PREFIX=/usr
check_eq "uninstall: nothing left but the operator's vrouter.conf and empty directories" \
	"./etc/vrouter/vrouter.conf" "$(cd "$D" && find . ! -type d)"

# ---- systemd-analyze ----
if ! command -v systemd-analyze >/dev/null; then
	for i in $(seq 7); do ok "systemd-analyze # SKIP not installed"; done
else
	# The units as installed, ExecStart pointing at this build's vrctl (verify
	# wants the binary to exist) and the man page where man(1) finds it.
	V=$T_TMP/verify
	make -s -C "$TOP" install DESTDIR="$V" PREFIX=/usr SBINDIR="$TOP/.output" >/dev/null
	for u in $UNITS; do
		check "systemd-analyze verify $u" env MANPATH="$V/usr/share/man" \
			systemd-analyze verify "$V/usr/lib/systemd/system/$u"
	done
	sed 's|^ExecStart=[^ ]*|ExecStart=/nonexistent/vrctl|' "$V/usr/lib/systemd/system/vrouter.service" \
		>"$T_TMP/vrouter.service"
	if systemd-analyze verify --man=no "$T_TMP/vrouter.service" >/dev/null 2>&1; then
		not_ok "systemd-analyze verify faults a unit whose vrctl does not exist"
	else
		ok "systemd-analyze verify faults a unit whose vrctl does not exist"
	fi
	# vrouter.service makes each VR's user and pid namespaces and writes
	# their uid maps (CAP_SETUID, CAP_SETGID): what confines the tenants
	# costs 0.5 of systemd's score there.
	for u in $UNITS; do
		bar=5; [ "$u" = vrouter.service ] && bar=5.5
		s=$(systemd-analyze security --offline=true "$V/usr/lib/systemd/system/$u" 2>&1 |
		    sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p')
		if [ -n "$s" ] && awk -v s="$s" -v b="$bar" 'BEGIN { exit !(s < b) }'; then
			ok "systemd-analyze security $u: $s, below $bar"
		else
			not_ok "systemd-analyze security $u: '$s', not below $bar"
		fi
	done
fi
# A mount namespace (ProtectSystem=, PrivateTmp=, ReadWritePaths=...)
# would keep the VRs' /run/netns mounts from the host: none in
# vrouter.service (the follower below runs in one and is fine).
check_eq "vrouter.service makes no mount namespace" "" \
	"$(grep -E '^(Protect(System|Home|KernelTunables|KernelModules|KernelLogs|ControlGroups|Proc)|Private(Tmp|Devices|Mounts)|ProcSubset|(ReadWrite|ReadOnly|Inaccessible|Bind|BindReadOnly|NoExec|Exec)Paths|TemporaryFileSystem|RootDirectory|MountFlags)=' \
	   "$TOP/dist/vrouter.service.in")"

# ---- capabilities, not the uid ----
setup "namespace dut" ns_add dut
setup "namespace peer" ns_add peer
setup "veth dut:e0 <-> peer:p0" veth_add dut e0 peer p0
setup "GRO on p0" nsx peer ethtool -K p0 gro on
A=$P-a
expect_refused "nobody: load refused, naming what it lacks" \
	"load: needs CAP_NET_ADMIN, CAP_SYS_ADMIN, CAP_DAC_OVERRIDE" vrctl_nobody "" load e0
check_eq "nobody: nothing attached" "" "$(ip -n "$(ns dut)" link show e0 | grep -o 'prog/xdp')"
UNIT_CAPS=+net_admin,+sys_admin,+bpf,+perfmon,+setuid,+setgid
check "the units' capabilities: load" vrctl_caps $UNIT_CAPS load e0
check "the units' capabilities: add-router" vrctl_caps $UNIT_CAPS add-router "$A" --mac 02:00:00:00:0a:01
check "the units' capabilities: set-router" vrctl_caps $UNIT_CAPS set-router "$A" --rate-pps 1000
check "the units' capabilities: sync" vrctl_caps $UNIT_CAPS sync
check_eq "the units' capabilities: status sees vrouter's program on e0" "1" \
	"$(vrctl_caps $UNIT_CAPS status | grep -c '^  e0 .* attached, native')"
expect_refused "nobody: add-router refused" "add-router: needs CAP_NET_ADMIN, CAP_SYS_ADMIN, CAP_SETUID, CAP_SETGID, CAP_DAC_OVERRIDE" \
	vrctl_nobody "" add-router "$P-b" --mac 02:00:00:00:0b:01
expect_refused "nobody: del-router refused" "del-router: needs" vrctl_nobody "" del-router "$A"
expect_refused "nobody: list refused" "list: needs CAP_BPF, CAP_DAC_OVERRIDE" vrctl_nobody "" list
expect_refused "root with CAP_BPF only: add-router refused" "add-router: needs CAP_NET_ADMIN, CAP_SYS_ADMIN, CAP_SETUID, CAP_SETGID (" \
	vrctl_caps +bpf add-router "$P-b" --mac 02:00:00:00:0b:01
expect_refused "root with CAP_BPF only: sync refused (it writes host routes)" "sync: needs CAP_NET_ADMIN, CAP_SYS_ADMIN" \
	vrctl_caps +bpf sync
expect_refused "root with CAP_BPF only: status refused (it could not tell vrouter's program)" \
	"status: needs CAP_SYS_ADMIN" vrctl_caps +bpf status
check_eq "root with CAP_BPF only: list, show and stats" "ok" \
	"$(vrctl_caps +bpf list | grep -q "^$A " && vrctl_caps +bpf show "$A" >/dev/null &&
	   vrctl_caps +bpf stats >/dev/null && echo ok)"
AMB=-all,+net_admin,+sys_admin,+setuid,+setgid,+dac_override
check "nobody with ambient CAP_NET_ADMIN, CAP_SYS_ADMIN, CAP_SETUID, CAP_SETGID, CAP_DAC_OVERRIDE: add-router" \
	vrctl_nobody $AMB add-router "$P-b" --mac 02:00:00:00:0b:01
check_eq "nobody with them: the VR is there, its namespace too" "ready yes" \
	"$(vrctl list | awk -v n="$P-b" '$1 == n {print $4}') $(ip netns list | grep -q "^$P-b" && echo yes)"
check "nobody with them: del-router" vrctl_nobody $AMB del-router "$P-b"

# ---- journal priorities ----
: >"$T_TMP/journal"
JOURNAL_STREAM=$(stat -c '%d:%i' "$T_TMP/journal") vrctl show "$P-none" 2>>"$T_TMP/journal"
check_eq "stderr is \$JOURNAL_STREAM: the error line starts with <3>" \
	"<3>Error: $P-none: no such virtual router" "$(cat "$T_TMP/journal")"
check_eq "stderr is not \$JOURNAL_STREAM: no prefix" "Error: $P-none: no such virtual router" \
	"$(JOURNAL_STREAM=1:1 vrctl show "$P-none" 2>&1)"

# ---- the follower: Type=notify, under a sandbox like its unit's ----
# systemd's namespace for ProtectSystem=strict etc.: a slave of the host's
# mounts (made shared again), / and /sys read-only, bpffs writable; and
# the unit's capabilities.
notify_listen "$T_TMP/notify" "$T_TMP/notes" 15
# sandboxed CAPS RW CMD... &: CMD in dut, / and /sys read-only but RW
# (/sys/fs/bpf or ""), bounded to CAPS; in the background only (it execs:
# $! is CMD's pid)
sandboxed() {
	exec unshare -m --propagation slave sh -c '
	mount --make-rshared / && mount -o bind,remount,ro / &&
	{ [ -z "$3" ] || mount --bind "$3" "$3"; } && mount -o bind,remount,ro /sys &&
	{ [ -z "$3" ] || mount -o bind,remount,rw "$3"; } || exit 1
	ns=$1 caps=$2; shift 3
	exec nsenter --net="/run/netns/$ns" setpriv --bounding-set=-all,$caps --inh-caps=-all "$@"' \
		- "$(ns dut)" "$@"
}
NOTIFY_SOCKET=$T_TMP/notify WATCHDOG_USEC=2000000 sandboxed "$UNIT_CAPS" /sys/fs/bpf \
	"$VRCTL" --pin-dir "$PIN_DIR" -v sync --follow >"$T_TMP/follow.log" 2>&1 &
FPID=$!
check "follower: READY=1 after its first full pass, with a STATUS line" \
	until_ok 5 grep -q "READY=1 STATUS=following 1 VRs of $PIN_DIR" "$T_TMP/notes"
check_eq "follower: READY=1 came after the VR's full pass" "yes" \
	"$(grep -q "VR $A: full pass" "$T_TMP/follow.log" && echo yes)"
check "follower: feeds the watchdog" until_ok 3 grep -q "WATCHDOG=1" "$T_TMP/notes"
setup "a VR made on the host after the follower started" vrctl add-router "$P-c" --mac 02:00:00:00:0c:01
setup "a route in it" ip -n "$P-c" route add 198.18.7.0/24 dev e0
T_C=$(vrctl show "$P-c" | sed -n 's/.* table \([0-9]*\) .*/\1/p')
check "sandboxed follower: the new VR's route mirrored into its host table" \
	until_ok 5 sh -c "ip -n $(ns dut) route show table $T_C | grep -q 198.18.7.0/24"
check "follower: STATUS follows the VR count" until_ok 5 grep -q "STATUS=following 2 VRs" "$T_TMP/notes"
check_eq "follower: a STATUS line only when it changes" "" "$(grep -o 'STATUS=.*' "$T_TMP/notes" | uniq -d)"
# the exporter's unit: bpffs read-only too, no CAP_NET_ADMIN
PORT=$((20000 + RANDOM % 10000))
sandboxed +sys_admin,+bpf,+perfmon "" "$VRCTL" --pin-dir "$PIN_DIR" exporter --listen 127.0.0.1:$PORT \
	>"$T_TMP/exporter.log" 2>&1 &
XPID=$!
check_eq "sandboxed exporter: up, e0 attached, 2 VRs" "vrouter_up 1|e0 1|2" \
	"$(until_ok 3 nsx dut curl -sf "http://127.0.0.1:$PORT/metrics" &&
	   nsx dut curl -sf "http://127.0.0.1:$PORT/metrics" >"$T_TMP/metrics"
	   echo "$(grep '^vrouter_up ' "$T_TMP/metrics")|e0 $(sed -n 's/^vrouter_nic_attached{ifname="e0".*} //p' "$T_TMP/metrics")|$(grep -c '^vrouter_vr_rx_packets_total' "$T_TMP/metrics")")"
kill -TERM "$XPID"
kill -TERM "$FPID"
check "follower: STOPPING=1 on SIGTERM" until_ok 5 grep -q "STOPPING=1" "$T_TMP/notes"
wait "$FPID" "$NPID" "$XPID" 2>/dev/null
teardown() { vrctl del-router "$A" && vrctl del-router "$P-c" && vrctl unload; }
check "del-router, unload" teardown

# ---- the Debian package ----
pkg_purge() { [ -n "$PKG_INSTALLED" ] && dpkg -P vrouter >/dev/null 2>&1; PKG_INSTALLED=; }
trap 'pkg_purge; cleanup' EXIT
if dpkg -s vrouter >/dev/null 2>&1 || ! command -v dpkg-buildpackage >/dev/null; then
	for i in $(seq 7); do ok "package # SKIP vrouter installed here already, or no dpkg-buildpackage"; done
	t_end; exit
fi
# A copy of the tree: dpkg-buildpackage cleans (make clean) where it runs.
B=$T_TMP/build
mkdir -p "$B/vrouter"
tar -C "$TOP" --exclude=./.output --exclude=./vrctl --exclude=./bench/results \
	--exclude=./debian/vrouter --exclude=./debian/.debhelper --exclude=./.git -cf - . | tar -C "$B/vrouter" -xf -
t0=$SECONDS
check "make deb (dpkg-buildpackage -us -uc -b)" make -s -C "$B/vrouter" deb
DEB=$(ls "$B"/vrouter_*.deb 2>/dev/null | head -1)
echo "# make deb: $((SECONDS - t0)) s"
check_eq "lintian: no errors" "" "$(lintian "$B"/vrouter_*.changes 2>/dev/null | grep '^E:')"
check "dpkg -i" dpkg -i "$DEB"
PKG_INSTALLED=1
check_eq "the package's vrctl --version is the package's version" \
	"$(dpkg-query -W -f '${Version}' vrouter)" \
	"$(/usr/sbin/vrctl -j --version | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["version"])')"
check_eq "its units run /usr/sbin/vrctl, in /lib/systemd/system" "/usr/sbin/vrctl" \
	"$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' /lib/systemd/system/vrouter.service /lib/systemd/system/vrctl-sync.service \
	   /lib/systemd/system/vrctl-exporter.service | sort -u)"
files=$(dpkg -L vrouter | while read -r f; do [ -f "$f" ] && echo "$f"; done)
check "dpkg -P" dpkg -P vrouter
PKG_INSTALLED=
left=$(for f in $files; do [ -e "$f" ] && echo "$f"; done
       find /etc/systemd/system /var/lib/systemd/deb-systemd-helper-enabled /etc/vrouter \
	    -name '*vr*' 2>/dev/null; dpkg -s vrouter 2>/dev/null | head -1)
check_eq "purged: none of its files, unit links or dpkg records left" "" "$left"
echo "# package test: $((SECONDS - t0)) s"

t_end
