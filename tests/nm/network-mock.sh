#!/bin/bash
# shellcheck disable=SC1111 # the typographic quotes in strings are what the program prints
# `iotsetup network` against the project's NetworkManager mock on a private
# system bus: wired, Wi-Fi homes of every security kind (open, WEP, WPA,
# TKIP-only are guideline-5 findings), the visible access points coming and
# going, a hostile SSID, and no NetworkManager at all (exit 2, and a message
# that says the rest of the assistant still works). Assertions read the
# JSON (schema iotsetup.network/1) and, for people, the text output.
set -u
. "$(dirname "$0")/../lib.sh"
. "$SRCDIR/tests/nm/nm-lib.sh"
# shellcheck disable=SC2119 # no cleanup function of its own
nm_test_begin
ok "private system bus comes up"

# network: runs `iotsetup network --json` into $work/out.json,
# its stderr into $work/err, its exit code into $rc.
network() { iot network --json >"$work/out.json" 2>"$work/err"; rc=$?; }

# --- no NetworkManager -------------------------------------------------------
network
check "no NetworkManager on the bus: exit 2 (rc=$rc)" [ "$rc" -eq 2 ]
check "the message says NetworkManager is not available" grep -q "NetworkManager is not available" "$work/err"
check "the message says the rest of the assistant still works" grep -q "rest of the assistant still works" "$work/err"
check "JSON: running false, not connected, no setup hotspots" json_check "$work/out.json" \
  'doc["schema"] == "iotsetup.network/1" and doc["networkmanager"]["running"] is False and doc["connected"] is False and doc["connection"] is None and doc["setup_hotspots"] == []'

t0=$(now_ms)
DBUS_SYSTEM_BUS_ADDRESS=unix:path=$work/no-such-bus iot network >/dev/null 2>"$work/err"
rc=$?
check "no system bus at all: exit 2 at once (rc=$rc, $(($(now_ms) - t0)) ms)" [ "$rc" -eq 2 ]
check "no system bus: the message names the bus" grep -q "D-Bus system bus" "$work/err"

# --- NetworkManager without a connection --------------------------------------
check "the NetworkManager mock comes up" nm_mock_start
network
check "NetworkManager, no connection: exit 1 (rc=$rc)" [ "$rc" -eq 1 ]
check "JSON: running, version, not connected" json_check "$work/out.json" \
  'doc["networkmanager"]["running"] and doc["networkmanager"]["version"] == "1.42.4-mock" and not doc["connected"] and doc["findings"] == []'
iot network >"$work/out.txt" 2>&1
check "text: not connected" grep -q "not connected to a network" "$work/out.txt"

# --- wired ---------------------------------------------------------------------
nm_call AddWiredConnection eth0 "Wired connection 1" 198.51.100.23 24 2001:db8::23 true
network
check "wired: exit 0 (rc=$rc)" [ "$rc" -eq 0 ]
check "wired: type, interface, addresses, primary, no findings" json_check "$work/out.json" \
  'c = doc["connection"]; c["type"] == "wired" and c["interface"] == "eth0" and c["id"] == "Wired connection 1" and c["primary"] and c["ipv4"] == ["198.51.100.23/24"] and c["ipv6"] == ["2001:db8::23/64"] and c["wifi"] is None and doc["findings"] == []'
iot network >"$work/out.txt" 2>&1
check "text: Wired, with its address" grep -q "198.51.100.23/24" "$work/out.txt"
nm_mock_stop
nm_mock_start

# --- Wi-Fi homes -------------------------------------------------------------------
# wifi_home SSID FREQ FLAGS WPA RSN: a fresh mock whose primary connection is
# a Wi-Fi network with these access point flags.
wifi_home() {
  nm_mock_stop
  nm_mock_start || return 1
  nm_call AddWifiConnection wlan0 "$1" "$1" 02:11:22:33:44:55 "$2" 72 "$3" "$4" "$5" 198.51.100.24 24 true
}

# expect_wifi DESC SECURITY FINDING TKIP [SSID] ...
expect_wifi() {
  local desc=$1 sec=$2 finding=$3 tkip=$4 ssid=${5:-Home}
  network
  check "$desc: exit 0 (rc=$rc)" [ "$rc" -eq 0 ]
  check "$desc: Wi-Fi, SSID, security $sec, tkip_only $tkip" json_check "$work/out.json" \
    "w = doc['connection']['wifi']; doc['connection']['type'] == 'wifi' and w['ssid'] == '$ssid' and w['security'] == '$sec' and w['tkip_only'] is $tkip and w['active'] is True and w['signal'] == 72"
  if [ -z "$finding" ]; then
    check "$desc: no findings" json_check "$work/out.json" 'doc["findings"] == []'
  else
    check "$desc: finding $finding, guideline 5, ETSI 5.5, with advice" json_check "$work/out.json" \
      "[f['id'] for f in doc['findings']] == ['$finding'] and all(f['guideline'] == 5 and f['etsi'] == '5.5' and f['result'] == 'fail' and 'router' in f['advice'] and '$ssid' in f['message'] for f in doc['findings'])"
  fi
}

# Flag values (NM80211ApSecurityFlags): PAIR_TKIP 0x4, PAIR_CCMP 0x8,
# GROUP_TKIP 0x40, GROUP_CCMP 0x80, PSK 0x100, 802.1X 0x200, SAE 0x400,
# OWE 0x800. Flags: PRIVACY 0x1.
wifi_home Home 2437 1 0 0x188 && expect_wifi "WPA2 home" wpa2-psk "" False
check "WPA2 home: 2.4 GHz band, frequency, IPv4" json_check "$work/out.json" \
  'w = doc["connection"]["wifi"]; w["band"] == "2.4" and w["frequency"] == 2437 and doc["connection"]["ipv4"] == ["198.51.100.24/24"] and doc["connection"]["interface"] == "wlan0"'
iot network >"$work/out.txt" 2>&1
check "text: Wi-Fi “Home” · WPA2" grep -q "Wi-Fi “Home” · WPA2" "$work/out.txt"

wifi_home Home 5180 0 0 0 && expect_wifi "open home" open wifi-open False
check "open home: 5 GHz band" json_check "$work/out.json" 'doc["connection"]["wifi"]["band"] == "5"'
iot network >"$work/out.txt" 2>&1
check "text: the open network is a FAIL under guideline 5 with advice" \
  bash -c "grep -q 'FAIL' '$work/out.txt' && grep -q 'Guideline 5' '$work/out.txt' && grep -q 'is open' '$work/out.txt' && grep -q 'WPA2 or WPA3' '$work/out.txt'"

wifi_home Home 2412 1 0 0 && expect_wifi "WEP home" wep wifi-wep False
wifi_home Home 5955 1 0 0x488 && expect_wifi "WPA3 home" wpa3-sae "" False
check "WPA3 home: 6 GHz band" json_check "$work/out.json" 'doc["connection"]["wifi"]["band"] == "6"'
wifi_home Home 2437 1 0 0x588 && expect_wifi "WPA2/WPA3 transition home" wpa2-wpa3 "" False
wifi_home Home 2437 1 0x144 0 && expect_wifi "WPA1/TKIP home" wpa1 wifi-wpa1 True
wifi_home Home 2437 1 0 0x144 && expect_wifi "WPA2 TKIP-only home" wpa2-psk wifi-tkip True
wifi_home Home 2437 1 0x14c 0x18c && expect_wifi "WPA/WPA2 mixed home with CCMP" wpa2-psk "" False
wifi_home Home 5180 1 0 0x288 && expect_wifi "enterprise (802.1X)" enterprise "" False
wifi_home Home 2437 1 0 0x888 && expect_wifi "OWE (Enhanced Open)" owe "" False

# --- the visible access points come and go ------------------------------------------
wifi_home Home 2437 1 0 0x188
dev=/org/freedesktop/NetworkManager/Devices/wlan0
nm_call AddAccessPointFlags "$dev" setup "Shelly-Plug-S-1A2B" 02:aa:bb:cc:dd:01 2412 60 0 0 0
nm_call AddAccessPointFlags "$dev" neighbour "Neighbour" 02:aa:bb:cc:dd:02 5180 30 1 0 0x188
network
check "access points: the home, a setup hotspot and a neighbour are listed" json_check "$work/out.json" \
  'aps = {a["ssid"]: a for a in doc["access_points"]}; sorted(aps) == ["Home", "Neighbour", "Shelly-Plug-S-1A2B"] and aps["Home"]["active"] and not aps["Neighbour"]["active"] and aps["Shelly-Plug-S-1A2B"]["security"] == "open" and aps["Neighbour"]["band"] == "5" and aps["Shelly-Plug-S-1A2B"]["signal"] == 60'
check "access points: an open hotspot nearby is not a finding about the home network" \
  json_check "$work/out.json" 'doc["findings"] == []'
nm_call RemoveAccessPoint "$dev" /org/freedesktop/NetworkManager/AccessPoint/setup
network
check "access points: a removed one is gone" json_check "$work/out.json" \
  'sorted(a["ssid"] for a in doc["access_points"]) == ["Home", "Neighbour"]'
iot network >"$work/out.txt" 2>&1
check "text: visible networks listed, the connected one marked" grep -q '^  \* Home' "$work/out.txt"

# --- devices waiting for setup: setup hotspots matched against the profiles ---------
nm_call AddAccessPointFlags "$dev" shelly "shellyplus1pm-A8032AB12345" 02:aa:bb:cc:dd:03 2412 80 0 0 0
nm_call AddAccessPointFlags "$dev" printer "DIRECT-7A-HP OfficeJet 8010" 02:aa:bb:cc:dd:04 2437 55 1 0 0x188
nm_call AddAccessPointFlags "$dev" tasmota "tasmota-1A2B3C-4567" 02:aa:bb:cc:dd:05 2462 40 0 0 0
network
check "setup hotspots: Shelly, HP printer and Tasmota, strongest first; not the home or neighbour" \
  json_check "$work/out.json" \
  '[h["ssid"] for h in doc["setup_hotspots"]] == ["shellyplus1pm-A8032AB12345", "DIRECT-7A-HP OfficeJet 8010", "tasmota-1A2B3C-4567"]'
check "setup hotspots: profile, family, signal, security and open" json_check "$work/out.json" \
  'h = {x["profile"]: x for x in doc["setup_hotspots"]}; h["shelly-gen2"]["open"] is True and h["shelly-gen2"]["signal"] == 80 and h["shelly-gen2"]["security"] == "open" and h["generic-ipp"]["open"] is False and h["generic-ipp"]["security"] == "wpa2-psk" and h["generic-ipp"]["family"] == "Printer" and h["tasmota"]["open"] is True and all(x["family"] for x in doc["setup_hotspots"])'
check "setup hotspots: an open one is a guideline-6 finding (ETSI 5.6), a WPA2 one is not" \
  json_check "$work/out.json" \
  'h = {x["profile"]: x for x in doc["setup_hotspots"]}; f = h["shelly-gen2"]["finding"]; f["id"] == "setup-hotspot-open" and f["guideline"] == 6 and f["etsi"] == "5.6" and "shellyplus1pm" in f["message"] and h["generic-ipp"]["finding"] is None and doc["findings"] == []'
iot network >"$work/out.txt" 2>&1
check "text: devices waiting for setup, the open hotspot said so" \
  bash -c "grep -q 'Devices waiting for setup' '$work/out.txt' && grep -q 'shellyplus1pm-A8032AB12345.*80%.*open, no password' '$work/out.txt' && grep -q 'Guideline 6' '$work/out.txt'"
nm_call RemoveAccessPoint "$dev" /org/freedesktop/NetworkManager/AccessPoint/shelly
network
check "setup hotspots: a vanished hotspot is gone" json_check "$work/out.json" \
  '[h["ssid"] for h in doc["setup_hotspots"]] == ["DIRECT-7A-HP OfficeJet 8010", "tasmota-1A2B3C-4567"]'

# --- a hostile SSID ------------------------------------------------------------------
nm_mock_stop
nm_mock_start
nm_call AddWifiConnection wlan0 $'Evil\e]0;pwned\a\u202e' $'Evil\e]0;pwned\a\u202e' 02:11:22:33:44:66 2437 50 0 0 0 198.51.100.25 24 true
network
check "hostile SSID: sanitized in JSON (escape shown as ␛, no control or bidi characters)" \
  json_check "$work/out.json" 'w = doc["connection"]["wifi"]["ssid"]; "\u241b" in w and not any(ord(c) < 0x20 or c == "\u202e" for c in w) and all(not any(ord(c) < 0x20 or c == "\u202e" for c in f["message"]) for f in doc["findings"])'
iot network >"$work/out.txt" 2>&1
check "hostile SSID: no raw escape in the text output" bash -c "! grep -q \$'\\x1b' '$work/out.txt'"

tap_done
