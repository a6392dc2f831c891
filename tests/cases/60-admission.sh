#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Admission control (vrctl set-router, add-router --rate-pps ...) with real
# namespaces and paced traffic from bench/trafficgen, counted at the sinks
# by the bench sink XDP program:
#
#   gen:g0 == dut:in0 [vrctl load in0 out0 out1] dut:out0 == s0:s0  (VR A)
#                                                dut:out1 == s1:s1  (VR B)
#
# VR A (limited) and VR B (never limited) share in0; the generator spreads
# its frames over both MACs (--macs 2: A, B, A, B, ...), so each gets half.
# Checks: the limit holds within 5% at 0.5x, 1x and 2x of it (against the
# generator's measured rate), a burst after idle passes whole and B+k
# frames get B + rate * t, B is untouched throughout, a limit changed
# under traffic takes effect at once without loss on B, show/stats report
# it, and every error leaves the state as it was.  Rates are tens of kpps:
# the machine is shared with other test runs.
# plan: 64
. "$(dirname "$0")/../lib.sh"

BENCHCTL="$TOP/.output/bench/benchctl" TRAFFICGEN="$TOP/.output/bench/trafficgen"
A=$P-a B=$P-b TA=1000 TB=1001
A_MAC=02:00:00:00:0a:00 B_MAC=02:00:00:00:0a:01	# consecutive: --macs 2
SINK_PIN="${PIN_DIR}_sink"	# + 0, 1: one per sink (bpffs refuses "." in names)
trap 'rm -rf "$SINK_PIN"0 "$SINK_PIN"1; cleanup' EXIT
vrctl() { nsx dut "$VRCTL" --pin-dir "$PIN_DIR" "$@"; }
jget() { "$PY" -c 'import json, sys; j = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
# sink N: frames of the generator counted at sN
sink() { nsx s$1 "$BENCHCTL" sink-read "$SINK_PIN$1" | jget 'j["ours"]'; }
# vrstat NAME KEY: packets of counter KEY (rx, admitted, policed, fwd)
vrstat() { vrctl -j stats "$1" | jget "j['routers'][0]['$2']['packets']"; }
# gen RATE SECONDS [MACS] [COUNT]: paced frames to A (and B); key=value line
# (SCHED_FIFO 1: paced by spinning, it undershoots when ordinary tasks
# take its CPU; the real-time class keeps it near its rate on a busy machine)
gen() {
	nsx gen chrt -f 1 "$TRAFFICGEN" --dev g0 --src-mac "$G0_MAC" --dst-mac $A_MAC \
		--src-ip 198.18.1.2 --dst-ip 198.19.0.1 --rate "$1" --duration "$2" \
		--macs "${3:-1}" ${4:+--count $4}
}
kv() { sed -n "s/.*\b$1=\([0-9.]*\).*/\1/p" "$2"; }
# within ACTUAL EXPECTED PCT: |actual - expected| <= PCT% of expected
within() { "$PY" -c 'import sys; a, e, p = map(float, sys.argv[1:]); sys.exit(abs(a - e) > p / 100 * e)' "$@"; }

for b in "$BENCHCTL" "$TRAFFICGEN" "$VRCTL"; do
	[ -x "$b" ] || fatal "$b not built (make)"
done
ensure_bpffs
t0=$SECONDS

# --- topology ------------------------------------------------------------------
for n in gen dut s0 s1; do setup "namespace $n" ns_add $n; done
setup "veth gen:g0 <-> dut:in0" veth_add gen g0 dut in0
setup "veth dut:out0 <-> s0:s0" veth_add dut out0 s0 s0
setup "veth dut:out1 <-> s1:s1" veth_add dut out1 s1 s1
G0_MAC=$(mac_of gen g0) S0_MAC=$(mac_of s0 s0) S1_MAC=$(mac_of s1 s1)
setup "dut forwarding (fib lookups)" nsx dut sysctl -qw \
	net.ipv4.conf.all.forwarding=1 net.ipv6.conf.all.forwarding=1
setup "vrctl load in0 out0 out1" vrctl load in0 out0 out1
# The sinks: count the generator's frames (rewritten: dst MAC sN, TTL 63), drop.
setup "sink on s0" nsx s0 "$BENCHCTL" sink-attach "${SINK_PIN}0" s0 "$S0_MAC" $A_MAC 63
setup "sink on s1" nsx s1 "$BENCHCTL" sink-attach "${SINK_PIN}1" s1 "$S1_MAC" $B_MAC 63

check "add-router $A with a limit (--rate-pps 20000 --burst 200)" \
	vrctl add-router "$A" --mac $A_MAC --iface in0,out0 --table $TA --rate-pps 20000 --burst 200
check "add-router $B without a limit" vrctl add-router "$B" --mac $B_MAC --iface in0,out1 --table $TB
# The fast path's view of each VR (what vrctl sync would mirror).
setup "host tables and neighbours" eval "
	ip -n $(ns dut) route add 198.18.10.0/24 dev out0 table $TA &&
	ip -n $(ns dut) route add 198.19.0.0/16 via 198.18.10.2 dev out0 table $TA &&
	ip -n $(ns dut) route add 198.18.10.0/24 dev out1 table $TB &&
	ip -n $(ns dut) route add 198.19.0.0/16 via 198.18.10.2 dev out1 table $TB &&
	vrctl neigh add $A 198.18.10.2 lladdr $S0_MAC dev out0 &&
	vrctl neigh add $B 198.18.10.2 lladdr $S1_MAC dev out1"

# --- show / stats ----------------------------------------------------------------
check_eq "show -j: limit of $A" "20000 200 None None" \
	"$(vrctl -j show "$A" | jget '" ".join(str(j["limit"][k]) for k in ("rate_pps", "burst", "rate_bps", "burst_bytes"))')"
check_eq "show -j: $B has no limit" "None None" \
	"$(vrctl -j show "$B" | jget '"%s %s" % (j["limit"]["rate_pps"], j["limit"]["rate_bps"])')"
vrctl show "$A" >"$T_TMP/o" 2>&1
check "show (text): limit line" grep -qx '    limit pps 20000 burst 200, bps none' "$T_TMP/o"
check "set-router --rate-bps above 2^32 (5000000000)" vrctl set-router "$B" --rate-bps 5000000000
check_eq "show -j: 64-bit bit rate and its default burst (10 ms)" "5000000000 6250000" \
	"$(vrctl -j show "$B" | jget '"%s %s" % (j["limit"]["rate_bps"], j["limit"]["burst_bytes"])')"
check "set-router --rate-bps none" vrctl set-router "$B" --rate-bps none
# Default packet burst: 10 ms of the rate, at least 1.
for x in 30000:300 250:3 50:1; do
	vrctl set-router "$B" --rate-pps ${x%:*} >/dev/null 2>&1
	check_eq "default burst of --rate-pps ${x%:*}: ${x#*:} (10 ms worth, at least 1)" "${x%:*} ${x#*:}" \
		"$(vrctl -j show "$B" | jget '"%s %s" % (j["limit"]["rate_pps"], j["limit"]["burst"])')"
	vrctl set-router "$B" --rate-pps none >/dev/null 2>&1	# (a burst set before is kept)
done
check_eq "show -j: $B has no limit again" "None" "$(vrctl -j show "$B" | jget 'j["limit"]["rate_bps"]')"

# --- errors: one line, non-zero, state unchanged ---------------------------------
snapshot() {
	for m in vr_limits vr_routers vr_macs; do bpftool map dump pinned "$PIN_DIR/$m"; done
	ip netns list 2>/dev/null | awk '{print $1}' | grep "^$P-" | sort
}
fails() {
	local d=$1 pat=$2 rc; shift 2
	snapshot >"$T_TMP/before" 2>&1
	vrctl "$@" >"$T_TMP/stdout" 2>"$T_TMP/stderr"; rc=$?
	snapshot >"$T_TMP/after" 2>&1
	if [ $rc = 0 ]; then
		not_ok "$d: exit status 0"
	elif ! grep -qiE -- "$pat" "$T_TMP/stderr" || [ "$(grep -c '^Error\|^vrctl\|:' "$T_TMP/stderr")" -lt 1 ]; then
		not_ok "$d: stderr does not match '$pat'"; sed 's/^/#   /' "$T_TMP/stderr"
	elif [ "$(grep -vc '^Usage:\|^       ' "$T_TMP/stderr")" != 1 ]; then
		not_ok "$d: more than one error line"; sed 's/^/#   /' "$T_TMP/stderr"
	elif ! cmp -s "$T_TMP/before" "$T_TMP/after"; then
		not_ok "$d: state changed"; diff "$T_TMP/before" "$T_TMP/after" | sed 's/^/#   /'
	else
		ok "$d: '$(grep -v '^Usage:\|^       ' "$T_TMP/stderr")'"
	fi
}
fails "rate 0" "0 would admit nothing.*none" set-router "$A" --rate-pps 0
fails "rate not a number" "'abc' is not a rate" set-router "$A" --rate-pps abc
fails "rate with junk" "'20x' is not a rate" set-router "$A" --rate-pps 20x
fails "negative rate" "'-5' is not a rate" set-router "$A" --rate-pps -5
fails "rate above 1e9 pps" "not a rate in 1-1000000000" set-router "$A" --rate-pps 1000000001
fails "rate overflowing 64 bits" "is not a rate" set-router "$A" --rate-bps 18446744073709551616
fails "bit rate below 1000" "not a rate in 1000-" set-router "$A" --rate-bps 999
fails "burst 0" "--burst: '0'" set-router "$A" --burst 0
fails "burst above 2^32-1" "--burst: '4294967296'" set-router "$A" --burst 4294967296
fails "burst without a packet rate" "--burst goes with a packet rate" set-router "$B" --burst 10
fails "burst-bytes without a bit rate" "--burst-bytes goes with a bit rate" set-router "$A" --burst-bytes 10000
fails "burst too large for the rate" "too large" set-router "$A" --rate-pps 1 --burst 100000000
fails "nothing to set" "nothing to set" set-router "$A"
fails "option given twice" "given twice" set-router "$A" --rate-pps 5 --rate-pps 6
fails "missing value" "needs a value" set-router "$A" --rate-pps
fails "unknown option" "unknown option" set-router "$A" --rate 5
fails "unknown VR" "no such virtual router" set-router "$P-nope" --rate-pps 5
fails "add-router with rate 0 creates nothing" "0 would admit nothing" \
	add-router "$P-c" --mac 02:00:00:00:0c:01 --iface in0 --rate-pps 0

# --- the limit holds at 0.5x, 1x, 2x ---------------------------------------------
# A limited to 20 kpps, burst 1000 (50 ms); A and B each offered R for 2 s.
# Expected for A: min(frames offered, burst + limit * t), t the generator's
# span.  The burst is 50 ms because the offered traffic has gaps (between
# the generator's BPF_PROG_RUN calls, and when other work takes its CPU):
# a bucket full during a gap longer than its depth forfeits the rest of
# the gap's tokens, as any token bucket does, which with 10 ms made A get
# 4-5% less than limit * t on a busy machine.
LIM=20000 BURST=1000
check "set-router $A --burst $BURST" vrctl set-router "$A" --burst $BURST
for R in 10000 20000 40000; do
	a0=$(sink 0) b0=$(sink 1) p0=$(vrstat "$A" policed) r0=$(vrstat "$A" rx)
	gen $((2 * R)) 2 2 >"$T_TMP/gen" 2>&1 || fatal "trafficgen at $((2 * R)) pps"
	sleep 0.2
	a=$(( $(sink 0) - a0 )) b=$(( $(sink 1) - b0 )) pol=$(( $(vrstat "$A" policed) - p0 ))
	rx=$(( $(vrstat "$A" rx) - r0 ))
	sent=$(kv sent "$T_TMP/gen") el=$(kv elapsed_ns "$T_TMP/gen")
	# per VR: half the frames, over the generator's measured span
	read -r offered expect <<<"$("$PY" -c '
import sys
sent, el, lim, burst = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
per = sent // 2
print(round(per * 1e9 / el), min(per, round(burst + lim * el / 1e9)))' "$sent" "$el" $LIM $BURST)"
	check "A offered ${R} pps (measured $offered), limit $LIM: delivered $a within 5% of $expect" \
		within "$a" "$expect" 5
	# A frame the veth ring drops before XDP (a stall of the receiving
	# CPU) is neither; those are bounded separately.
	check "A: delivered + policed ($a + $pol) == A's frames that reached XDP ($rx)" \
		test $((a + pol)) -ge $((rx - 2)) -a $((a + pol)) -le $((rx + 2))
	# (A VM's stalls overflow the 256-frame veth ring now and then: 0.1%
	# of 20k frames was seen lost on an idle machine, never 0.5%.)
	check "A: $rx of $((sent / 2)) frames reached XDP (>= 99.5%)" \
		test "$rx" -ge $(( (sent / 2) * 995 / 1000 ))
	check "B (no limit) at ${R} pps: all but 0.5% delivered ($b of $((sent - sent / 2)))" \
		test "$b" -ge $(( (sent - sent / 2) * 995 / 1000 ))
done

# --- bursts ----------------------------------------------------------------------
# 1000 pps, burst 500: the bucket holds 0.5 s.  Frames come at 100 kpps
# (10 us apart, back to back for a 1 ms token), after 0.6 s of idle.
# Each burst after `set-router` again: that also drops credit a CPU may
# still hold from the burst before (at most one batch per CPU, here 16
# frames: the generator is not pinned, its NAPI may run on either CPU).
for n in 500 800; do
	check "set-router $A --rate-pps 1000 --burst 500" vrctl set-router "$A" --rate-pps 1000 --burst 500
	sleep 0.6
	a0=$(vrstat "$A" admitted) r0=$(vrstat "$A" rx)
	gen 100000 5 1 $n >"$T_TMP/gen" 2>&1 || fatal "trafficgen --count $n"
	sleep 0.1
	adm=$(( $(vrstat "$A" admitted) - a0 )) rx=$(( $(vrstat "$A" rx) - r0 ))
	el=$(kv elapsed_ns "$T_TMP/gen")
	if [ "$rx" != "$n" ]; then
		not_ok "burst of $n: only $rx of $n frames reached the program (generator ring drops)"
		continue
	fi
	max=$("$PY" -c 'import sys; print(500 + int(1000 * int(sys.argv[1]) / 1e9) + 1)' "$el")
	if [ $n = 500 ]; then
		check_eq "burst of 500 after idle: all 500 admitted" 500 "$adm"
	else
		check "burst of 800 after idle: 500 + rate * t admitted ($adm in 500..$max, t $((el / 1000)) us)" \
			test "$adm" -ge 500 -a "$adm" -le "$max"
	fi
done

# --- change under traffic --------------------------------------------------------
# A and B at 30 kpps each for 4 s; A's limit goes 20 kpps -> 10 kpps
# after about 1.5 s.  Rates from A's counters over 1.2 s windows before
# and after the change: admitted between min(arriving, limit) and
# min(arriving, limit + burst / window), within 5% above and 15% below.
# Below, because the windows are timed by the shell around two vrctl
# calls and a generator stalled longer than the burst (100 ms) on a busy
# machine loses tokens; the limit's accuracy itself is checked to 5%
# above.  Here the point is that the new limit holds at once: the old one
# is twice as high, far outside the band.
# sample: "ns rx admitted" of A
sample() { echo "$(date +%s%N) $(vrctl -j stats "$A" | jget '"%d %d" % (j["routers"][0]["rx"]["packets"], j["routers"][0]["admitted"]["packets"])')"; }
# rates T0 RX0 ADM0 T1 RX1 ADM1 LIMIT BURST: "arriving admitted low high ok"
rates() { "$PY" -c '
import sys
t0, r0, a0, t1, r1, a1, lim, burst = map(int, sys.argv[1:])
dt = (t1 - t0) / 1e9
arr, adm = (r1 - r0) / dt, (a1 - a0) / dt
lo, hi = min(arr, lim), min(arr, lim + burst / dt)
print(round(arr), round(adm), round(lo), round(hi), int(0.85 * lo <= adm <= 1.05 * hi))' "$@"; }
check "set-router $A --rate-pps 20000 --burst 2000" vrctl set-router "$A" --rate-pps 20000 --burst 2000
b0=$(sink 1)
gen 60000 4 2 >"$T_TMP/gen" 2>&1 &
gpid=$!
sleep 0.5
w0=$(sample); sleep 1.2; w1=$(sample)
vrctl set-router "$A" --rate-pps 10000 --burst 1000 >"$T_TMP/out" 2>&1; rc=$?
w2=$(sample); sleep 1.2; w3=$(sample)
kill -0 $gpid 2>/dev/null; running=$?
wait $gpid || fatal "trafficgen under change"
sleep 0.2
check_eq "set-router under traffic" 0 "$rc"
check_eq "generator still running at the last sample" 0 "$running"
read -r arr adm lo hi okr <<<"$(rates $w0 $w1 20000 2000)"
check "A before the change (20 kpps): arriving $arr pps, admitted $adm pps, in $lo..$hi -15%/+5%" test "$okr" = 1
read -r arr adm lo hi okr <<<"$(rates $w2 $w3 10000 1000)"
check "A after the change (10 kpps): arriving $arr pps, admitted $adm pps, in $lo..$hi -15%/+5%" test "$okr" = 1
sent=$(kv sent "$T_TMP/gen") b=$(( $(sink 1) - b0 ))
check "B lost nothing while A's limit changed ($b of $((sent - sent / 2)))" \
	test "$b" -ge $(( (sent - sent / 2) * 999 / 1000 ))

# --- stats, removal --------------------------------------------------------------
# admitted is rx - policed in vrctl: compare it with what reached s0
# (every admitted frame of A is forwarded there; the ring may lose a few).
adm=$(vrstat "$A" admitted) pol=$(vrstat "$A" policed) got=$(sink 0)
check "stats: admitted ($adm) == frames the sink on s0 counted ($got) within 0.1%, policed $pol > 0" \
	eval "within $got $adm 0.1 && [ $pol -gt 0 ]"
vrctl stats "$A" >"$T_TMP/o" 2>&1
check "stats (text): admitted and policed lines" grep -qE '^ +policed +[1-9][0-9]* pkts' "$T_TMP/o"
check "set-router $A --rate-pps none" vrctl set-router "$A" --rate-pps none
check_eq "show -j: $A has no limit" "None None" \
	"$(vrctl -j show "$A" | jget '"%s %s" % (j["limit"]["rate_pps"], j["limit"]["burst"])')"
p0=$(vrstat "$A" policed) a0=$(sink 0)
gen 40000 1 1 >"$T_TMP/gen" 2>&1 || fatal "trafficgen without limit"
sleep 0.2
sent=$(kv sent "$T_TMP/gen")
check "limit removed: nothing policed, all but 0.5% delivered ($(( $(sink 0) - a0 )) of $sent)" \
	test "$(vrstat "$A" policed)" = "$p0" -a $(( $(sink 0) - a0 )) -ge $((sent * 995 / 1000))
# --- a bit rate, end to end ---------------------------------------------------
# 10 Mbit/s, burst 30000 bytes; A alone offered twice that for 1 s:
# delivered bytes (frames of A's length) within 5% of burst + rate * t.
check "set-router $A --rate-bps 10000000 --burst-bytes 30000" \
	vrctl set-router "$A" --rate-bps 10000000 --burst-bytes 30000
flen=$(vrctl -j stats "$A" | jget 'j["routers"][0]["rx"]["bytes"] // j["routers"][0]["rx"]["packets"]')
a0=$(sink 0)
gen $((2 * 10000000 / 8 / flen)) 1 1 >"$T_TMP/gen" 2>&1 || fatal "trafficgen for the bit rate"
sleep 0.2
a=$(( $(sink 0) - a0 )) sent=$(kv sent "$T_TMP/gen") el=$(kv elapsed_ns "$T_TMP/gen")
expect=$("$PY" -c 'import sys; s, el, l = map(int, sys.argv[1:]); print(min(s, round((30000 + 10000000 / 8 * el / 1e9) / l)))' "$sent" "$el" "$flen")
check "bit rate limit: $a frames of $flen bytes delivered, within 5% of $expect (of $sent offered)" \
	within "$a" "$expect" 5
check "set-router $A --rate-bps none" vrctl set-router "$A" --rate-bps none
check "set-router $A --rate-pps 5 (a limit for del-router to clear)" vrctl set-router "$A" --rate-pps 5
ID_A=$(vrctl -j show "$A" | jget 'j["id"]')
check "del-router $A" vrctl del-router "$A"
check_eq "vr_limits entry of the deleted VR is zero" 0 \
	"$(bpftool -j map lookup pinned "$PIN_DIR/vr_limits" key $ID_A 0 0 0 | jget 'j.get("formatted", j)["value"]["flags"]')"
echo "# 60-admission: $((SECONDS - t0)) s"
t_end
