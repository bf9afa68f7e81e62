#!/bin/bash
# Hostile web devices in the lab (tests/lab/hostile-http.py): a device that
# hangs, trickles a byte a second, sends 100 MB, redirects off the local
# network, speaks TLS where HTTP is expected, sends malformed JSON, JSON
# nested 100000 deep, a 64 KiB header line, or JSON full of terminal
# escapes. The Shelly driver (through tests/cli/driver-tool, one main loop
# as in the assistant) ends each case with a clear error, in bounded time
# and memory, sends each request once, never follows the redirect, and
# never prints a control character.
set -u
. "$(dirname "$0")/../lib.sh"
lab_test_begin
ok "lab comes up"
tool=${IOTSETUP_BUILDDIR:-$SRCDIR/_build}/tests/cli/driver-tool
check "hostile web device added" lab_add_hostile_http web
ip=$(lab_device_ip web)

# case PORT EXPECTED-ERROR-CODE WHAT: identify against PORT; the error is
# IOT_HTTP_ERROR/IOT_DRIVER_ERROR code EXPECTED (a number), within 15 s and
# 64 MB.
case_port() {
  local port=$1 code=$2 what=$3 t0 t1 ms rss
  t0=$(now_ms)
  # shellcheck disable=SC2154 # $work: made by lab_test_begin
  lab_host_exec /usr/bin/time -f "%M" -o "$work/rss.$port" "$tool" --driver shelly-gen2 \
    --port "$port" "$ip" identify >"$work/out.$port" 2>"$work/err.$port"
  t1=$(now_ms)
  ms=$((t1 - t0))
  rss=$(tail -n 1 "$work/rss.$port")
  if "$PYTHON3" - "$work/out.$port" "$code" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if d["ok"] is False and d["code"] == int(sys.argv[2]) else 1)
PY
  then ok "$what: $(sed -n 's/.*"error":"\([^"]*\)".*/\1/p' "$work/out.$port") ($ms ms, $((rss / 1024)) MB)"
  else not_ok "$what: expected error code $code"; diag "$(cat "$work/out.$port" "$work/err.$port")"
  fi
  check "$what: over within 15 s" [ "$ms" -lt 15000 ]
  check "$what: under 64 MB" [ "$rss" -lt 65536 ]
}
# IOT_HTTP_ERROR codes: 2 timed out, 3 too slow, 4 too large, 8 bad
# response, 9 bad JSON, 10 too deep; IOT_DRIVER_ERROR 2 bad reply.
case_port 8001 2 "a device that never answers"
case_port 8002 3 "a device that trickles a byte a second"
case_port 8003 4 "a device that sends 100 MB"
case_port 8004 2 "a redirect off the local network"
case_port 8005 8 "TLS where HTTP was asked for"
case_port 8006 9 "malformed JSON"
case_port 8007 10 "JSON nested 100000 deep"
case_port 8008 4 "a 64 KiB header line"
case_port 8009 2 "JSON strings with terminal escapes"

check "the redirect is named as leaving the local network" \
  grep -q "outside the local network" "$work/out.8004"
check "no output holds a control character" \
  "$PYTHON3" -c 'import sys; sys.exit(any(b < 0x20 and b != 0x0a or b == 0x7f for f in sys.argv[1:] for b in open(f, "rb").read()))' "$work"/out.*
lab_hostile_http_log web >"$work/requests"
check "each port got exactly one request (no retries, the redirect not followed)" \
  "$PYTHON3" - "$work/requests" <<'PY'
import collections, json, sys
n = collections.Counter(r["port"] for r in map(json.loads, open(sys.argv[1])) if r["request"])
sys.exit(0 if all(n[p] == 1 for p in range(8001, 8010) if p != 8005) else 1)
PY
tap_done
