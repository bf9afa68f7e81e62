#!/bin/bash
# Device profiles in the lab: `iotsetup scan` names the profile of every
# standard device (and why it matched) in its JSON and text output; added
# devices with a Tasmota-like name or a plain web page get the Tasmota and
# the generic web profile; a broken or missing profile directory is an
# installation error (exit 2, naming the file, line and key).
set -u
. "$(dirname "$0")/../lib.sh"
lab_test_begin
# shellcheck disable=SC2154 # $work: made by lab_test_begin
export XDG_STATE_HOME="$work/state"
ok "lab comes up with $(lab_devices | wc -l) devices"
check "a device named like Tasmota is added" lab_add tasmota-1a2b3c generic
check "a plain web device is added" lab_add plug-7 generic
lab_add_hostile hostile || not_ok "hostile device added"

scan() { lab_host_exec "$IOTSETUP_BIN" scan "$@"; }

scan --json --all-types --timeout 20 >"$work/scan.json" 2>"$work/scan.err"
rc=$?
check "scan --json exits 0 (rc=$rc)" [ "$rc" -eq 0 ]

# device  expected profile  words the reason must contain
expect="shelly shelly-gen2 service _shelly._tcp and TXT gen=2
homekit homekit service _hap._tcp
matter matter-commissionable service _matterc._udp
esphome esphome service _esphomelib._tcp
camera generic-rtsp service _rtsp._tcp (generic profile)
printer ipp-everywhere TXT pdl=image/pwg-raster
tasmota-1a2b3c tasmota name matches “tasmota-*”
plug-7 generic-http service _http._tcp (generic profile)"
while read -r dev id why; do
  host=$(lab_device_host "$dev")
  "$PYTHON3" - "$work/scan.json" "$host" "$id" "$why" <<'PY' >"$work/check.out" 2>&1
import json, sys
doc, host, want_id, want_why = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3], sys.argv[4]
devs = [d for d in doc["devices"] if (d["host"] or "").lower() == host.lower() + ".local"]
assert len(devs) == 1, "%d devices with host %s" % (len(devs), host)
p = devs[0]["profile"]
assert p is not None, "no profile object"
assert set(p) == {"id", "vendor", "family", "generic", "why"}, sorted(p)
assert p["id"] == want_id, "profile %s, why: %s" % (p["id"], p["why"])
assert want_why in p["why"], "why: %r" % p["why"]
assert p["vendor"] and p["family"], p
assert p["generic"] == p["id"].startswith("generic"), p
print("%s: %s (%s)" % (host, p["family"], p["why"]))
PY
  if [ $? -eq 0 ]; then
    ok "$dev gets profile $id: $(cat "$work/check.out")"
  else
    diag "$(cat "$work/check.out")"
    not_ok "$dev gets profile $id"
  fi
done <<<"$expect"

# Every device has a profile; the catch-all and the hostile device's reason
# are clean text like everything else.
"$PYTHON3" - "$work/scan.json" <<'PY' && ok "every device has a profile with a clean reason" || not_ok "every device has a profile with a clean reason"
import json, sys
doc = json.load(open(sys.argv[1]))
for d in doc["devices"]:
    p = d["profile"]
    assert p and p["id"] and p["why"], d["id"]
    assert all(0x20 <= ord(c) and not 0x7f <= ord(c) < 0xa0 for c in p["why"]), p["why"]
PY

# Text output: one "Profile:" line per device, with the family and reason.
scan --timeout 20 >"$work/scan.txt" 2>/dev/null
check "text output names the Shelly's profile and why" \
  grep -q "Profile: Shelly Gen2 and later (Plus, Pro, Gen3, Gen4) (service _shelly._tcp and TXT gen=2)" "$work/scan.txt"
check "text output has a profile line for every device" \
  [ "$(grep -c '^  Profile: ' "$work/scan.txt")" -eq "$(grep -c '^[^ ]' "$work/scan.txt")" ]

# In German the reason is translated on screen, and stays English in JSON
# (where scripts read it). Needs the de_DE.UTF-8 locale.
if locale -a 2>/dev/null | grep -qix 'de_DE.utf-\{0,1\}8'; then
  mkdir -p "$work/locale/de/LC_MESSAGES"
  msgfmt -o "$work/locale/de/LC_MESSAGES/iotsetup.mo" "$SRCDIR/locale/de.po"
  de() (
    unset LANGUAGE LC_ALL LC_MESSAGES
    export LANG=de_DE.UTF-8 IOTSETUP_LOCALEDIR="$work/locale"
    lab_host_exec "$IOTSETUP_BIN" scan "$@"
  )
  de --timeout 20 >"$work/scan.de.txt" 2>/dev/null
  check "German text output translates the reason" \
    grep -q "^  Profil: Shelly Gen2 and later (Plus, Pro, Gen3, Gen4) (Dienst _shelly._tcp und TXT gen=2)" "$work/scan.de.txt"
  de --json --timeout 20 >"$work/scan.de.json" 2>/dev/null
  check "German JSON keeps the reason in English" \
    grep -q '"why" : "service _shelly._tcp and TXT gen=2"' "$work/scan.de.json"
else
  ok "German output # SKIP no de_DE.UTF-8 locale"
fi

# A broken profile: exit 2 before scanning, naming file, line and key.
mkdir -p "$work/data"
cp -r "$SRCDIR/data/profiles" "$work/data/profiles"
sed -i 's/^driver = "shelly-gen2";/driver = "telnet";/' "$work/data/profiles/shelly-gen2.conf"
line=$(grep -n '^driver = ' "$work/data/profiles/shelly-gen2.conf" | cut -d: -f1)
IOTSETUP_DATADIR="$work/data" lab_host_exec "$IOTSETUP_BIN" scan --json --timeout 5 \
  >"$work/bad.json" 2>"$work/bad.err"
rc=$?
check "exit 2 on a broken profile (rc=$rc)" [ "$rc" -eq 2 ]
check "the error names file, line and key" \
  grep -q "shelly-gen2.conf:$line: driver: must be one of" "$work/bad.err"
check "nothing is printed on stdout then" [ ! -s "$work/bad.json" ]
rm -rf "$work/data/profiles"
IOTSETUP_DATADIR="$work/data" lab_host_exec "$IOTSETUP_BIN" scan --timeout 5 >/dev/null 2>"$work/none.err"
rc=$?
check "exit 2 without profiles (rc=$rc)" [ "$rc" -eq 2 ]
check "the message says the profiles cannot be read" grep -q "cannot read the device profiles" "$work/none.err"

tap_done
