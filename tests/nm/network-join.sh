#!/bin/bash
# shellcheck disable=SC1111 # the typographic quotes in strings are what the program prints
# `iotsetup network --join NAME`: joining a setup hotspot through
# NetworkManager (the project's mock on a private bus) with a temporary
# connection, and coming back to the previous connection, after success and
# after every failure: wrong password, no answer in time, the hotspot
# vanishing. Assertions read the method calls the mock recorded
# (GetMethodCalls) and the network the machine ends up on.
set -u
. "$(dirname "$0")/../lib.sh"
. "$SRCDIR/tests/nm/nm-lib.sh"
# shellcheck disable=SC2119 # no cleanup function of its own
nm_test_begin
ok "private system bus comes up"

dev=/org/freedesktop/NetworkManager/Devices/wlan0
nm_obj=/org/freedesktop/NetworkManager
# calls METHOD: the calls of METHOD on the manager the mock recorded, as GVariant text.
calls() {
  gdbus call --system --dest org.freedesktop.NetworkManager --object-path "$nm_obj" \
    --method org.freedesktop.DBus.Mock.GetMethodCalls "$1"
}
n_calls() { calls "$1" | grep -o "objectpath '$2'" | wc -l; }
connections() {
  gdbus call --system --dest org.freedesktop.NetworkManager \
    --object-path /org/freedesktop/NetworkManager/Settings \
    --method org.freedesktop.NetworkManager.Settings.ListConnections
}
on_home() {
  iot network --json >"$work/after.json" 2>/dev/null
  json_check "$work/after.json" 'doc["connection"] is not None and doc["connection"]["id"] == "Home" and doc["connection"]["wifi"]["ssid"] == "Home"'
}
# home: a fresh mock on the WPA2 network Home, with a Shelly's open setup
# hotspot and an HP printer's WPA2 one in range.
home() {
  nm_mock_stop
  nm_mock_start || return 1
  nm_call AddWifiConnection wlan0 Home Home 02:11:22:33:44:55 2437 72 1 0 0x188 198.51.100.24 24 true
  nm_call AddAccessPointFlags "$dev" shelly "shellyplus1pm-A8032AB12345" 02:aa:bb:cc:dd:03 2412 80 0 0 0
  nm_call AddAccessPointFlags "$dev" printer "DIRECT-7A-HP OfficeJet 8010" 02:aa:bb:cc:dd:04 2437 55 1 0 0x188
}
join() { iot network --join "$@" >"$work/out" 2>"$work/err"; rc=$?; }
home_back='ActivateConnection.*Settings/0.*Devices/wlan0.*AccessPoint/wlan0_home'

# 1. An open hotspot: joined without a password, then back home.
home
join "shellyplus1pm-A8032AB12345"
check "open hotspot: exit 0 (rc=$rc)" [ "$rc" -eq 0 ]
check "open hotspot: says joined and back" bash -c "grep -q 'Joined the hotspot “shellyplus1pm-A8032AB12345”' '$work/out' && grep -q 'Back on the network' '$work/out'"
calls AddAndActivateConnection >"$work/aaac"
check "AddAndActivateConnection: the hotspot's SSID, the device and the access point" \
  bash -c "grep -q \"'802-11-wireless'\" '$work/aaac' && grep -q \"objectpath '$dev'\" '$work/aaac' && grep -q \"objectpath '/org/freedesktop/NetworkManager/AccessPoint/shelly'\" '$work/aaac' && grep -q 'iotsetup: shellyplus1pm-A8032AB12345' '$work/aaac' && grep -q \"'autoconnect': <false>\" '$work/aaac'"
check "open hotspot: no security setting, no password sent" bash -c "! grep -q '802-11-wireless-security\|psk' '$work/aaac'"
check "the hotspot is left (DeactivateConnection)" [ "$(n_calls DeactivateConnection /org/freedesktop/NetworkManager/ActiveConnection/2)" -eq 1 ]
check "the previous connection is activated again, on its device and access point" \
  bash -c "gdbus call --system --dest org.freedesktop.NetworkManager --object-path $nm_obj --method org.freedesktop.DBus.Mock.GetCalls | grep -q \"$home_back\""
check "the order: add-and-activate, deactivate, activate" \
  bash -c "gdbus call --system --dest org.freedesktop.NetworkManager --object-path $nm_obj --method org.freedesktop.DBus.Mock.GetCalls | grep -o \"'AddAndActivateConnection'\|'DeactivateConnection'\|'ActivateConnection'\" | tr '\n' ' ' | grep -q \"^'AddAndActivateConnection' 'DeactivateConnection' 'ActivateConnection' $\""
check "the temporary connection is deleted" bash -c "! gdbus call --system --dest org.freedesktop.NetworkManager --object-path /org/freedesktop/NetworkManager/Settings --method org.freedesktop.NetworkManager.Settings.ListConnections | grep -q Settings/1"
check "back on Home" on_home

# 2. A hotspot with a password (from standard input): WPA-PSK with it.
home
printf 'hp-setup;pw\n' | iot network --join "DIRECT-7A-HP OfficeJet 8010" --password-stdin >"$work/out" 2>"$work/err"
rc=$?
check "keyed hotspot: exit 0 (rc=$rc)" [ "$rc" -eq 0 ]
calls AddAndActivateConnection >"$work/aaac"
check "keyed hotspot: key-mgmt wpa-psk and the password" \
  bash -c "grep -q \"'802-11-wireless-security': {'key-mgmt': <'wpa-psk'>, 'psk': <'hp-setup;pw'>}\" '$work/aaac'"
check "keyed hotspot: back on Home" on_home

# 3. A wrong password: the hotspot refuses (no secrets), back home.
home
nm_call SetJoinMode wrong-key
printf 'wrong\n' | iot network --join "DIRECT-7A-HP OfficeJet 8010" --password-stdin >"$work/out" 2>"$work/err"
rc=$?
check "wrong password: exit 2 (rc=$rc)" [ "$rc" -eq 2 ]
check "wrong password: said so, and that this computer is back" \
  bash -c "grep -q 'did not accept the password' '$work/err' && grep -q 'back on the network it was on before' '$work/err'"
check "wrong password: the previous connection activated again" \
  bash -c "gdbus call --system --dest org.freedesktop.NetworkManager --object-path $nm_obj --method org.freedesktop.DBus.Mock.GetCalls | grep -q \"$home_back\""
check "wrong password: back on Home" on_home
check "wrong password: the temporary connection is deleted" bash -c "! gdbus call --system --dest org.freedesktop.NetworkManager --object-path /org/freedesktop/NetworkManager/Settings --method org.freedesktop.NetworkManager.Settings.ListConnections | grep -q Settings/1"

# 4. No answer in time.
home
nm_call SetJoinMode hang
t0=$(now_ms)
join "shellyplus1pm-A8032AB12345" --join-timeout 1
check "timeout: exit 2 after about a second (rc=$rc, $(($(now_ms) - t0)) ms)" [ "$rc" -eq 2 ]
check "timeout: said so" grep -q "did not answer in time (1 s)" "$work/err"
check "timeout: the activation is abandoned and Home activated again" \
  bash -c "[ \"\$(gdbus call --system --dest org.freedesktop.NetworkManager --object-path $nm_obj --method org.freedesktop.DBus.Mock.GetMethodCalls DeactivateConnection | grep -c ActiveConnection/2)\" -ge 1 ] && gdbus call --system --dest org.freedesktop.NetworkManager --object-path $nm_obj --method org.freedesktop.DBus.Mock.GetCalls | grep -q \"$home_back\""
check "timeout: back on Home" on_home

# 5. The hotspot vanishes while joining.
home
nm_call SetJoinMode hang
iot network --join "shellyplus1pm-A8032AB12345" >"$work/out" 2>"$work/err" &
pid=$!
wait_ms 5000 bash -c "gdbus call --system --dest org.freedesktop.NetworkManager --object-path $nm_obj --method org.freedesktop.DBus.Mock.GetMethodCalls AddAndActivateConnection | grep -q shelly"
sleep 0.3
nm_call RemoveAccessPoint "$dev" /org/freedesktop/NetworkManager/AccessPoint/shelly
wait "$pid"
rc=$?
check "hotspot vanished: exit 2 (rc=$rc)" [ "$rc" -eq 2 ]
check "hotspot vanished: said so" grep -q "went out of range" "$work/err"
check "hotspot vanished: back on Home" on_home

# 6. A name not in range changes nothing.
home
join "Nope"
check "not in range: exit 2, nothing asked of NetworkManager" \
  bash -c "[ $rc -eq 2 ] && ! gdbus call --system --dest org.freedesktop.NetworkManager --object-path $nm_obj --method org.freedesktop.DBus.Mock.GetCalls | grep -q 'AddAndActivateConnection\|DeactivateConnection'"

tap_done
