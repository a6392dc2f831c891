#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The traffic generator itself (bench/trafficgen), once per backend:
# live frames, AF_XDP and AF_PACKET into its relay veth.  Every backend
# that works here sends exactly --count frames, paced, to the bench sink
# (XDP frames from a redirect, as the DUT of the bench would get them),
# lasts --duration, builds every frame as the options say (captured and
# checked frame by frame, IPv4 and IPv6) and sends over --devs; one that
# does not work here fails, when forced, in one line.  Then the choice:
# --probe, auto, bad --backend values, and the relay removed on SIGTERM
# and on SIGKILL.
#
#   gen:g0 == s0:s0 (sink)   gen:g1 == s1:s1 (sink)   gen:g2 == cap:c0 (capture)
# plan: 37
. "$(dirname "$0")/../lib.sh"

GEN="$TOP/.output/bench/trafficgen" BENCHCTL="$TOP/.output/bench/benchctl"
BACKENDS="live afxdp afpacket"
SINK_PIN="${PIN_DIR}_sink"	# + 0, 1: one per sink
trap 'rm -rf "$SINK_PIN"0 "$SINK_PIN"1; cleanup' EXIT
for b in "$GEN" "$BENCHCTL"; do [ -x "$b" ] || fatal "$b not built (make bench-progs)"; done
ensure_bpffs

for n in gen s0 s1 cap; do setup "namespace $n" ns_add $n; done
setup "gen quiet (no IPv6 of its own)" nsx gen sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
	net.ipv6.conf.default.disable_ipv6=1
setup "veth gen:g0 <-> s0:s0" veth_add gen g0 s0 s0
setup "veth gen:g1 <-> s1:s1" veth_add gen g1 s1 s1
setup "veth gen:g2 <-> cap:c0" veth_add gen g2 cap c0
# a redirect into g2 needs NAPI on c0: GRO (no XDP there, the capture sees skbs)
setup "GRO on c0" nsx cap ethtool -K c0 gro on
G0=$(mac_of gen g0) S0=$(mac_of s0 s0) S1=$(mac_of s1 s1) C0=$(mac_of cap c0)
setup "sink on s0" nsx s0 "$BENCHCTL" sink-attach "${SINK_PIN}0" s0 "$S0" "$G0" 64
setup "sink on s1" nsx s1 "$BENCHCTL" sink-attach "${SINK_PIN}1" s1 "$S1" "$G0" 64

# tg ARGS...: the generator in gen, SCHED_FIFO (paced by spinning: ordinary
# tasks on its CPU would make it undershoot), its line on stdout
tg() { nsx gen chrt -f 1 "$GEN" --dev g0 --src-mac "$G0" --dst-mac "$S0" \
	--src-ip 198.18.1.2 --dst-ip 198.19.0.1 "$@"; }
kv() { tr ' ' '\n' <"$2" | sed -n "s/^$1=//p" | head -1; }
sink() { nsx s$1 "$BENCHCTL" sink-read "$SINK_PIN$1" | "$PY" -c \
	'import json,sys; j=json.load(sys.stdin); print(j["ours"], j["bad_mac"], j["bad_ttl"])'; }
xdp_xmit() { ip netns exec "$(ns gen)" ethtool -S g0 | awk '/tx_queue_0_xdp_xmit:/ {print $2}'; }
within() { "$PY" -c 'import sys; a, e, p = map(float, sys.argv[1:]); sys.exit(abs(a - e) > p / 100 * e)' "$@"; }
relays() { ip -n "$(ns gen)" -br link | grep -c '^tg[0-9]'; }
relays_are() { [ "$(relays)" = "$1" ]; }

# capture N DESC EXPECT GENARGS...: the generator to g2 (c0's MAC),
# captured on c0, every frame checked by tests/tg_frames.py
capture() {
	local n=$1 desc=$2 expect=$3; shift 3
	capture_start cap c0 "$T_TMP/cap" tgstop || { not_ok "$desc (capture ready)"; return; }
	tg --dev g2 --dst-mac "$C0" --count "$n" "$@" >"$T_TMP/capgen" 2>&1
	nsx gen "${PKT[@]}" send g2 "dmac=$C0,smac=$G0,src=198.18.1.2,dst=198.18.1.3,data=tgstop" >/dev/null
	wait "${caps[@]}"; caps=()
	# shellcheck disable=SC2086
	check "$desc" "$PY" "$TOP/tests/tg_frames.py" "$T_TMP/cap" "$n" smac="$G0" dmac="$C0" $expect
}

# --- which backends work here ---------------------------------------------------
nsx gen "$GEN" --probe >"$T_TMP/probe" 2>&1
usable=$(sed -n 's/^\([a-z]*\): ok$/\1/p' "$T_TMP/probe" | tr '\n' ' ')
check_eq "--probe: one line for each of live, afxdp, afpacket; at least one works ($usable)" \
	"live afxdp afpacket yes" \
	"$(cut -d: -f1 "$T_TMP/probe" | tr '\n' ' ')$([ -n "$usable" ] && echo yes)"
sed 's/^/# /' "$T_TMP/probe"
works() { case " $usable " in *" $1 "*) return 0 ;; esac; return 1; }

# --- each backend ------------------------------------------------------------------
for b in $BACKENDS; do
	if ! works $b; then
		why=$(sed -n "s/^$b: refused (\(.*\))$/\1/p" "$T_TMP/probe")
		for c in "count" "sink" "XDP frames" "pacing" "duration" "IPv4 frames" \
			 "IPv6 frames" "--devs" "nothing left"; do
			ok "$b: $c # SKIP $b cannot run here: $why"
		done
		tg --backend $b --count 10 >"$T_TMP/out" 2>"$T_TMP/err"
		rc=$?
		check_eq "--backend $b where it cannot run: exit 1, one line on stderr naming it" \
			"1 1 yes" "$rc $(wc -l <"$T_TMP/err") $(grep -q "backend $b" "$T_TMP/err" && echo yes)"
		continue
	fi
	read -r s0a _ < <(sink 0)
	x0=$(xdp_xmit)
	tg --backend $b --count 3000 --rate 30000 >"$T_TMP/g" 2>&1
	check_eq "$b: --count 3000 --rate 30000: exit 0, backend=$b, sent=3000" "0 $b 3000" \
		"$? $(kv backend "$T_TMP/g") $(kv sent "$T_TMP/g")"
	read -r s0b bm bt < <(sink 0)
	check_eq "$b: the sink on s0 got all 3000, rewritten as sent (bad MAC 0, bad TTL 0)" \
		"3000 0 0" "$((s0b - s0a)) $bm $bt"
	check_eq "$b: g0 passed each on as an XDP frame (ndo_xdp_xmit), not an skb" \
		3000 $(($(xdp_xmit) - x0))
	off=$(kv offered_pps "$T_TMP/g")
	check "$b: paced: offered ${off:-?} pps within 5% of 30000" within "${off:-0}" 30000 5

	tg --backend $b --duration 0.3 --rate 10000 >"$T_TMP/g" 2>&1
	sent=$(kv sent "$T_TMP/g")
	check "$b: --duration 0.3 --rate 10000: sent ${sent:-?} within 5% of 3000" within "${sent:-0}" 3000 5

	capture 400 "$b: IPv4, 3 flows, 5 destinations 2 apart, 2 MACs weighted 3:1 (400 captured on c0): each frame built for its number" \
		"src=198.18.1.2 dst=198.19.0.1 flows=3 dests=5 step=2 weights=3,1 ttl=64" \
		--backend $b --rate 2000 --flows 3 --dests 5 --dest-step 2 --mac-weights 3,1
	capture 300 "$b: IPv6, 80 bytes, 4 destinations, 3 MACs, TTL 9 (300 captured on c0): each frame built, UDP checksum right" \
		"src=2001:2::2 dst=2001:2:0:ff00::1 dests=4 macs=3 ttl=9 size=80" \
		--backend $b --rate 2000 --src-ip 2001:2::2 --dst-ip 2001:2:0:ff00::1 --dests 4 --macs 3 \
		--size 80 --ttl 9

	read -r s0a _ < <(sink 0); read -r s1a _ < <(sink 1)
	tg --backend $b --count 2000 --rate 20000 --devs g1 --dev-macs "$S0,$S1" >"$T_TMP/g" 2>&1
	read -r s0b bm0 bt0 < <(sink 0); read -r s1b bm1 bt1 < <(sink 1)
	check_eq "$b: --devs g1 --dev-macs: 1000 frames at each sink, none bad" "1000 1000 0 0 0 0" \
		"$((s0b - s0a)) $((s1b - s1a)) $bm0 $bt0 $bm1 $bt1"
	check_eq "$b: nothing of the generator left in gen (relay links)" 0 "$(relays)"
	VR_TRAFFICGEN_BACKEND=$b tg --count 10 >"$T_TMP/g" 2>&1
	check_eq "VR_TRAFFICGEN_BACKEND=$b: runs $b" "$b 10" "$(kv backend "$T_TMP/g") $(kv sent "$T_TMP/g")"
done

# --- the choice ------------------------------------------------------------------
first=${usable%% *}
tg --count 10 >"$T_TMP/g" 2>&1
refused=$(for b in $BACKENDS; do [ "$b" = "$first" ] && break; echo -n "$b,"; done)
check_eq "no --backend: the first that works ($first), those before it in refused= with their errno" \
	"$first ${refused%,}" "$(kv backend "$T_TMP/g") $(kv refused "$T_TMP/g" | sed 's/:E[A-Z]*//g')"
read -r s0a _ < <(sink 0)
tg --backend pktgen --count 10 >"$T_TMP/out" 2>"$T_TMP/err"
rc=$?
read -r s0b _ < <(sink 0)
check_eq "--backend pktgen: exit 2, one line on stderr, nothing sent" "2 1 0" \
	"$rc $(wc -l <"$T_TMP/err") $((s0b - s0a))"
VR_TRAFFICGEN_BACKEND=pktgen tg --count 10 >"$T_TMP/out" 2>"$T_TMP/err"
check_eq "VR_TRAFFICGEN_BACKEND=pktgen: exit 2, one line naming the variable" "2 1 yes" \
	"$? $(wc -l <"$T_TMP/err") $(grep -q VR_TRAFFICGEN_BACKEND "$T_TMP/err" && echo yes)"

# --- the relay goes, however the generator ends -------------------------------------
relay=$(for b in afxdp afpacket; do works $b && echo $b && break; done)
if [ -z "$relay" ]; then
	ok "the relay's NAPI thread placed as the sender # SKIP no relay backend works here"
	ok "SIGTERM removes the relay # SKIP no relay backend works here"
	ok "SIGKILL removes the relay # SKIP no relay backend works here"
else
	nsenter --net="/run/netns/$(ns gen)" chrt -f 1 "$GEN" --dev g0 --src-mac "$G0" --dst-mac "$S0" \
		--src-ip 198.18.1.2 --dst-ip 198.19.0.1 --backend $relay --rate 1000 --duration 10 \
		>"$T_TMP/g" 2>&1 &
	pid=$!
	until_ok 3 relays_are 1
	# where the relay's NAPI thread runs: the sender's one CPU, its policy
	napi=$(for c in /proc/[0-9]*/comm; do
		grep -q "^napi/tg$pid-" "$c" 2>/dev/null && basename "$(dirname "$c")"; done | head -1)
	place() { echo "$(taskset -pc "$1" | sed 's/.*: //') $(chrt -p "$1" | tr '\n' ' ' | \
		sed 's/.*policy: *\([A-Z_]*\).*priority: *\([0-9]*\).*/\1 \2/')"; }
	me=$(place $pid)
	check_eq "$relay without --cpu, SCHED_FIFO 1: it stays on one CPU, its relay's NAPI thread there too, FIFO 1 ($me)" \
		"$me" "$(place "${napi:-0}" 2>/dev/null | grep -E '^[0-9]+ SCHED_FIFO 1$')"
	kill -TERM $pid; wait $pid
	check_eq "SIGTERM: $relay ends (exit 0), prints its line and removes its relay" "0 yes 0" \
		"$? $(grep -q '^sent=' "$T_TMP/g" && echo yes) $(relays)"
	nsenter --net="/run/netns/$(ns gen)" "$GEN" --dev g0 --src-mac "$G0" --dst-mac "$S0" \
		--src-ip 198.18.1.2 --dst-ip 198.19.0.1 --backend $relay --rate 1000 --duration 10 \
		>/dev/null 2>&1 &
	pid=$!
	until_ok 3 relays_are 1
	kill -KILL $pid; wait $pid 2>/dev/null
	check "SIGKILL: $relay's relay gone within 2 s (its other end was in its own namespace)" \
		until_ok 2 relays_are 0
fi
t_end
