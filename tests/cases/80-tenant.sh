#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# What a tenant with root in its VR, or an unprivileged user of the host,
# can do to vrouter: each check does what they would do and looks at the
# outcome.
#   - an unprivileged user prepares the pin directory (bpffs is 1777 here):
#     made first, a symlink in its place, a group-writable directory, a
#     parent writable by others: vrctl refuses them and changes nothing.
#
#   dut:e0 == peer:p0
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
t_end
