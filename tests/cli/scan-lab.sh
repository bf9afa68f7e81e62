#!/bin/bash
# `iotsetup scan` in the lab: its JSON must list every device that
# avahi-browse -arpt sees in the same lab, with the same addresses (IPv4 and
# IPv6 link-local with interface), services and TXT; hostile names and TXT
# come out sanitized; exit codes 0 / 1 / 2 as documented.
set -u
. "$(dirname "$0")/../lib.sh"
lab_test_begin
# shellcheck disable=SC2154 # $work: made by lab_test_begin
export XDG_STATE_HOME="$work/state"
ok "lab comes up with $(lab_devices | wc -l) devices"
lab_add_hostile hostile || not_ok "hostile device added"

scan() { lab_host_exec "$IOTSETUP_BIN" scan "$@"; }

t0=$(now_ms)
scan --json --all-types --timeout 20 >"$work/scan.json" 2>"$work/scan.err"
rc=$?
elapsed=$(($(now_ms) - t0))
check "scan --json exits 0 with devices (rc=$rc)" [ "$rc" -eq 0 ]
check "scan stops on Avahi's all-for-now, not the 20 s timeout (${elapsed} ms)" [ "$elapsed" -lt 15000 ]
check "JSON says the scan is complete" grep -q '"complete" : true' "$work/scan.json"
lab_host_exec avahi-browse -arptk >"$work/browse.txt" 2>/dev/null

# Field-by-field comparison with avahi-browse (its own TAP lines, renumbered).
while IFS= read -r line; do
  case "$line" in
    "ok "*) ok "${line#ok * - }" ;;
    "not ok "*) not_ok "${line#not ok * - }" ;;
  esac
done < <("$PYTHON3" "$SRCDIR/tests/cli/compare-browse.py" "$work/browse.txt" "$work/scan.json")

# Every family of the standard lab is identified.
for kind in shelly homekit matter-setup esphome camera printer; do
  check "a device of kind $kind is listed" grep -q "\"kind\" : \"$kind\"" "$work/scan.json"
done

# Hostile text: nothing but printable, valid UTF-8 in the JSON.
"$PYTHON3" - "$work/scan.json" <<'PY' && ok "hostile names and TXT are sanitized in JSON" || not_ok "hostile names and TXT are sanitized in JSON"
import json, sys, unicodedata
raw = open(sys.argv[1], "rb").read()
raw.decode("utf-8")  # valid UTF-8, or an exception
doc = json.loads(raw)
def strings(x):
    if isinstance(x, dict):
        for k, v in x.items():
            yield k; yield from strings(v)
    elif isinstance(x, list):
        for v in x: yield from strings(v)
    elif isinstance(x, str):
        yield x
bad = [s for s in strings(doc) for c in s
       if ord(c) < 0x20 or 0x7f <= ord(c) < 0xa0 or 0x202a <= ord(c) <= 0x202e or 0x2066 <= ord(c) <= 0x2069]
assert not bad, bad[:3]
hostile = [d for d in doc["devices"] if "\u241b" in d["name"] or any("\u241b" in s["name"] for s in d["services"])]
assert hostile, "the hostile device's escape characters are shown as visible symbols"
PY

# Human-readable output lists the same devices.
scan --timeout 20 >"$work/scan.txt" 2>/dev/null
check "text output names the Shelly host" grep -q "$(lab_device_host shelly).local" "$work/scan.txt"
check "text output has no escape character" bash -c "! grep -q $'\x1b' '$work/scan.txt'"

# Output that cannot be written (a full disk) is exit 2, not "found".
scan --json --timeout 20 >/dev/full 2>"$work/full.err"
rc=$?
check "exit 2 when the JSON cannot be written (rc=$rc)" [ "$rc" -eq 2 ]
check "says standard output failed" grep -q 'Cannot write to standard output' "$work/full.err"

# Second run: the inventory remembers them, so nothing is new.
scan --json --timeout 20 >"$work/scan2.json" 2>/dev/null
check "devices seen before are no longer new" bash -c "! grep -q '\"new\" : true' '$work/scan2.json'"
check "first run marked devices new" grep -q '"new" : true' "$work/scan.json"

# Exit 1: a type nobody announces.
printf 'discovery: { service_types = [ "_nobody-here._tcp" ]; };\n' >"$work/none.conf"
lab_host_exec "$IOTSETUP_BIN" --config "$work/none.conf" scan --timeout 10 >/dev/null 2>&1
check "exit 1 when no device is found" [ $? -eq 1 ]

# Exit 2: configuration error, naming file and line.
printf 'discovery: {\n  scan_timout = 3;\n};\n' >"$work/bad.conf"
lab_host_exec "$IOTSETUP_BIN" --config "$work/bad.conf" scan >/dev/null 2>"$work/bad.err"
rc=$?
check "exit 2 on a configuration error" [ "$rc" -eq 2 ]
check "the error names file, line and key" grep -q "bad.conf:2: discovery.scan_timout" "$work/bad.err"

# A ghost: its PTR is answered (browsers list it) but no SRV/TXT ever comes,
# so every resolve fails. The scan must still finish, listing it as failed.
if lab_add_ghost ghost; then
  ok "ghost device added ($(lab_device_instance ghost))"
  printf 'discovery: { resolve_timeout = 2.0; };\n' >"$work/ghost.conf"
  t0=$(now_ms)
  lab_host_exec "$IOTSETUP_BIN" --config "$work/ghost.conf" scan --json --timeout 20 \
    >"$work/ghost.json" 2>"$work/ghost.err"
  rc=$?
  elapsed=$(($(now_ms) - t0))
  check "scan with a ghost exits 0 (rc=$rc)" [ "$rc" -eq 0 ]
  check "scan with a ghost ends after the resolve timeout, not the 20 s timeout (${elapsed} ms)" \
    [ "$elapsed" -lt 15000 ]
  "$PYTHON3" - "$work/ghost.json" "$(lab_device_instance ghost)" <<'PY' && ok "ghost listed unreachable, no host, service failed" || not_ok "ghost listed unreachable, no host, service failed"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["complete"] is True, "complete is %r" % doc["complete"]
ghosts = [d for d in doc["devices"] if d["id"] == "name:" + sys.argv[2]]
assert len(ghosts) == 1, [d["id"] for d in doc["devices"]]
g = ghosts[0]
assert g["id"].startswith("name:"), g["id"]
assert g["reachable"] is False, g
assert g["host"] is None, g
assert g["services"] and all(s["state"] == "failed" for s in g["services"]), g["services"]
assert all(d["reachable"] for d in doc["devices"] if d is not g), \
    [d["id"] for d in doc["devices"] if not d["reachable"]]
PY
  check "JSON with a ghost says the scan is complete" grep -q '"complete" : true' "$work/ghost.json"
else
  not_ok "ghost device added"
fi

# Exit 2: no Avahi daemon, with a message saying how to start it.
lab_host_avahi_stop
scan --json --timeout 5 >/dev/null 2>"$work/noavahi.err"
rc=$?
check "exit 2 without an Avahi daemon" [ "$rc" -eq 2 ]
check "the message says how to start it" grep -q "avahi-daemon" "$work/noavahi.err"
lab_host_avahi_start

tap_done
