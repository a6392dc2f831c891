#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# What an unprivileged local user (uid 65534) can do to vrctl's exporter
# and trace files, and the exporter's TLS and basic authentication:
#   - 16 slow connections (one header byte every 3 s, reconnecting when
#     closed) do not make scrapes from the same address fail;
#   - --web-config (Prometheus' web configuration file): TLS scraped with
#     curl --cacert, no or a wrong password refused (401), a bad file
#     refused with one line, a flood of wrong passwords does not hold up
#     the right one, and a real Prometheus scraping through TLS and basic
#     authentication (up 1; 0 with a wrong password);
#   - trace --write does not write into a file another user made in a
#     sticky world-writable directory (nor open a FIFO there), and makes
#     its own 0600.
#
#   dut:e0 == peer:p0 [vrctl load e0]; everything on dut's 127.0.0.1
# plan: 23
. "$(dirname "$0")/../lib.sh"

NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
EXP=127.0.0.1:9469 EXP_TLS=127.0.0.1:9470 PROM_PORT=9090
vrctl() { nsx dut "$VRCTL" --pin-dir "$PIN_DIR" "$@"; }
# bad DESCRIPTION CMD...: exits 1 with exactly one line on stderr
bad() {
	local d=$1 rc; shift
	"$@" >"$T_TMP/bad.out" 2>"$T_TMP/bad.err"; rc=$?
	if [ "$rc" = 1 ] && [ "$(wc -l <"$T_TMP/bad.err")" = 1 ]; then
		ok "$d: exit 1, one error line ($(cat "$T_TMP/bad.err"))"
	else
		not_ok "$d (exit $rc, expected 1 and one line)"; sed 's/^/#   /' "$T_TMP/bad.err"
	fi
}
scrape() { nsx dut curl -s -m 2 -o /dev/null -w '%{http_code}' "$@"; }

for b in prometheus curl openssl htpasswd; do command -v $b >/dev/null || fatal "$b missing (make deps)"; done
ensure_bpffs
setup "namespace dut" ns_add dut
setup "namespace peer" ns_add peer
setup "veth dut:e0 <-> peer:p0" veth_add dut e0 peer p0
setup "vrctl load e0" vrctl load e0
PIDS=()
S=$(mktemp -d /tmp/vrt-sticky.XXXXXX)	# world-writable, sticky: as /tmp
trap 'kill "${PIDS[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$S"; cleanup' EXIT

# --- slow clients ------------------------------------------------------------------
nsx dut "$VRCTL" --pin-dir "$PIN_DIR" -v exporter --listen $EXP >"$T_TMP/exp.log" 2>&1 &
PIDS+=($!)
until_ok 3 nsx dut curl -sf "http://$EXP/metrics" -o /dev/null
# (its script on stdin: T_TMP is root's alone)
cat >"$T_TMP/slow.py" <<'EOF'
import socket, sys, time
host, port, n, secs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
req = b"GET /metrics HTTP/1.1\r\nHost: x\r\n"
conns, opened, closed = {}, 0, 0
end = time.monotonic() + secs
def connect(i):
    global opened
    try:
        conns[i] = [socket.create_connection((host, port), timeout=2), 0]
        conns[i][0].setblocking(False)
        opened += 1
    except OSError:
        pass
while time.monotonic() < end:
    for i in range(n):
        if i not in conns:
            connect(i)
            continue
        s, k = conns[i]
        try:
            s.send(req[k % len(req):k % len(req) + 1])	# one byte of the headers
            conns[i][1] += 1
            try:
                if s.recv(1) == b"":
                    raise OSError
            except BlockingIOError:
                pass
        except OSError:
            s.close()
            closed += 1
            del conns[i]
            connect(i)
    time.sleep(3)
print("%d %d" % (opened, closed))
EOF
nsx dut "${NOBODY[@]}" "$PY" - 127.0.0.1 9469 16 9 <"$T_TMP/slow.py" >"$T_TMP/slow.out" &
SLOW=$!
sleep 1
codes=""
for i in 1 2 3 4; do codes="$codes $(scrape "http://$EXP/metrics")"; sleep 1.5; done
check_eq "16 slow connections of uid 65534 from 127.0.0.1: 4 scrapes from 127.0.0.1 succeed" \
	" 200 200 200 200" "$codes"
wait $SLOW
read -r opened closed <"$T_TMP/slow.out"
echo "# slow client: $opened connections opened, $closed closed by the exporter"
check "the exporter closed slow connections (waiting 5 s at most, 4 per address)" \
	test "${closed:-0}" -ge 16

# --- TLS and basic authentication ---------------------------------------------------------
D=$T_TMP/tls
mkdir -p "$D"
setup "a CA and a certificate for 127.0.0.1" sh -c "cd $D &&
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout ca.key -out ca.crt -days 2 -subj '/CN=vrouter test CA' &&
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout server.key -out server.csr -subj /CN=127.0.0.1 &&
	printf 'subjectAltName=IP:127.0.0.1\n' >ext &&
	openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
		-out server.crt -days 2 -extfile ext"
HASH=$(htpasswd -nbBC 10 prom s3cret | cut -d: -f2)
cat >"$D/web.yml" <<EOF
# relative paths: from this file's directory
tls_server_config:
  cert_file: server.crt
  key_file: server.key
basic_auth_users:
  prom: $HASH
EOF
nsx dut "$VRCTL" --pin-dir "$PIN_DIR" -v exporter --listen $EXP_TLS --web-config "$D/web.yml" \
	>"$T_TMP/exp-tls.log" 2>&1 &
PIDS+=($!)
until_ok 3 nsx dut curl -s --cacert "$D/ca.crt" "https://$EXP_TLS/metrics" -o /dev/null
check "TLS and the right password (curl --cacert): vrouter_up 1" \
	sh -c "nsenter --net=/run/netns/$P-dut curl -sf --cacert $D/ca.crt -u prom:s3cret \
		https://$EXP_TLS/metrics | grep -qx 'vrouter_up 1'"
check_eq "a wrong password: 401" 401 "$(scrape --cacert "$D/ca.crt" -u prom:wrong "https://$EXP_TLS/metrics")"
check_eq "no password: 401, asking for basic authentication" "401 1" \
	"$(scrape --cacert "$D/ca.crt" "https://$EXP_TLS/metrics") $(nsx dut curl -s -D - -o /dev/null \
		--cacert "$D/ca.crt" "https://$EXP_TLS/metrics" | grep -c '^WWW-Authenticate: Basic')"
check_eq "an unknown user: 401" 401 "$(scrape --cacert "$D/ca.crt" -u root:s3cret "https://$EXP_TLS/metrics")"
# 200 wrong passwords, 32 at a time (a bcrypt each: 14 s of work
# unlimited), and the right one meanwhile, from another address (the
# guard shares out per address: one address is one client)
nsx dut curl -s --parallel --parallel-max 32 --cacert "$D/ca.crt" -u prom:wrong -o /dev/null \
	$(for i in $(seq 200); do echo "https://$EXP_TLS/metrics"; done) >/dev/null 2>&1 &
FLOOD=$!
sleep 0.3
res=$(nsx dut curl -s -m 5 --interface 127.0.0.2 --cacert "$D/ca.crt" -u prom:s3cret -o /dev/null \
	-w '%{http_code} %{time_total}' \
	"https://$EXP_TLS/metrics")
wait $FLOOD
check "200 wrong passwords, 32 at a time: the right one meanwhile within 1 s (bcrypts limited; $res s)" \
	awk -v c="${res% *}" -v t="${res#* }" 'BEGIN { exit !(c == 200 && t < 1) }'
check "plain HTTP to the TLS port: no answer" sh -c "! nsenter --net=/run/netns/$P-dut \
	curl -sf -m 2 -u prom:s3cret http://$EXP_TLS/metrics -o /dev/null"
check "a client without the CA refuses the certificate" sh -c "! nsenter --net=/run/netns/$P-dut \
	curl -sf -m 2 -u prom:s3cret https://$EXP_TLS/metrics -o /dev/null"
check "the exporter said https and basic authentication" \
	grep -q "on https://$EXP_TLS/metrics (basic authentication)" "$T_TMP/exp-tls.log"

# --- bad web configuration files: one line, no exporter ---------------------------------------------
w() { printf "$2" >"$D/$1.yml"; }
ex() { nsx dut "$VRCTL" --pin-dir "$PIN_DIR" exporter --listen 127.0.0.1:9471 --web-config "$@"; }
w nohash 'basic_auth_users:\n  prom: s3cret\n'
bad "a password that is not a bcrypt hash" ex "$D/nohash.yml"
w pair 'tls_server_config:\n  cert_file: server.crt\n  key_file: ca.key\n'
bad "a key that is not the certificate's" ex "$D/pair.yml"
w unsup 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_auth_type: RequireAndVerifyClientCert\n'
bad "a key of that format vrctl does not support" ex "$D/unsup.yml"
w nokey 'tls_server_config:\n  cert_file: server.crt\n'
bad "a certificate without its key" ex "$D/nokey.yml"
w typo 'basic_auth_user:\n  prom: x\n'
bad "an unknown key" ex "$D/typo.yml"
bad "no such file" ex "$D/none.yml"
cp "$D/web.yml" "$D/everyone.yml" && chmod 666 "$D/everyone.yml"
bad "a file everyone may write" ex "$D/everyone.yml"
check "none of them started an exporter" sh -c "! nsenter --net=/run/netns/$P-dut \
	curl -s -m 1 http://127.0.0.1:9471/metrics -o /dev/null"

# --- a real Prometheus through TLS and basic authentication --------------------------------
cat >"$T_TMP/prom.yml" <<EOF
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: vrouter
    scheme: https
    tls_config: { ca_file: $D/ca.crt }
    basic_auth: { username: prom, password: s3cret }
    static_configs: [ { targets: ['$EXP_TLS'] } ]
  - job_name: wrong
    scheme: https
    tls_config: { ca_file: $D/ca.crt }
    basic_auth: { username: prom, password: nope }
    static_configs: [ { targets: ['$EXP_TLS'] } ]
EOF
nsx dut prometheus --config.file="$T_TMP/prom.yml" --storage.tsdb.path="$T_TMP/prom-data" \
	--web.listen-address=127.0.0.1:$PROM_PORT >"$T_TMP/prom.log" 2>&1 &
PIDS+=($!)
up_of() {
	nsx dut curl -sf --get "http://127.0.0.1:$PROM_PORT/api/v1/query" --data-urlencode 'query=up' |
		"$PY" -c 'import json, sys
r = json.load(sys.stdin)["data"]["result"]
print(" ".join("%s=%s" % (x["metric"]["job"], x["value"][1]) for x in sorted(r, key=lambda x: x["metric"]["job"])))'
}
check_eq "Prometheus through TLS and basic authentication: up 1 (0 with a wrong password)" \
	"vrouter=1 wrong=0" "$(for i in $(seq 60); do v=$(up_of 2>/dev/null); [ "$v" = "vrouter=1 wrong=0" ] && break; sleep 0.25; done; echo "$v")"

# --- trace --write: files of others --------------------------------------------------------
chmod 1777 "$S"
nsx dut "${NOBODY[@]}" sh -c "umask 0; : >$S/t.pcap; mkfifo $S/f.pcap"
bad "trace --write into uid 65534's file in a sticky world-writable directory" \
	nsx dut timeout 5 "$VRCTL" --pin-dir "$PIN_DIR" trace --write "$S/t.pcap"
check_eq "... not written into, still uid 65534's" "0 65534 666" "$(stat -c '%s %u %a' "$S/t.pcap")"
bad "trace --write onto uid 65534's FIFO (no hang)" nsx dut timeout 5 "$VRCTL" --pin-dir "$PIN_DIR" trace --write "$S/f.pcap"
nsx dut timeout -s INT 1 "$VRCTL" --pin-dir "$PIN_DIR" trace --write "$S/new.pcap" >/dev/null 2>&1
check_eq "trace --write of a new name there: root's, 0600" "0 600" "$(stat -c '%u %a' "$S/new.pcap")"
t_end
