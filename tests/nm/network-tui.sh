#!/bin/bash
# shellcheck disable=SC1111 # the typographic quotes in strings are what the program prints
# The assistant in tmux with NetworkManager coming and going on a private
# system bus: started without NetworkManager it says so and keeps working;
# NetworkManager appearing later puts the network in the title bar; when it
# stops and restarts (with an open network this time), the title follows,
# in the warning style, and the device list explains the finding. The
# assistant runs in a network namespace of its own (no Avahi on this bus,
# so discovery is off: that is fine here).
set -u
. "$(dirname "$0")/../lib.sh"
. "$SRCDIR/tests/nm/nm-lib.sh"

nm_tui_begin tmux

screen() { tm capture-pane -p -t iot; }
title() { screen | head -n 1; }
in_title() { title | grep -qF -- "$1"; }
not_in_title() { ! in_title "$1"; }
on_screen() { screen | grep -qF -- "$1"; }
# The title line with its colours: SGR sequences as tmux reproduces them.
title_sgr() { tm capture-pane -p -e -t iot | head -n 1; }

tm -f /dev/null new-session -d -s iot -x 100 -y 30 \
  "env TERM=screen-256color LANG=C.UTF-8 DBUS_SYSTEM_BUS_ADDRESS='$DBUS_SYSTEM_BUS_ADDRESS' unshare -n '$IOTSETUP_BIN'; echo EXIT=\$?; sleep 3600"
tm set-option -t iot remain-on-exit on >/dev/null

check "without NetworkManager: the title says No NetworkManager" wait_ms 5000 in_title "No NetworkManager"
check "without NetworkManager: the device list still shows" on_screen "Devices on your network"

nm_mock_start
nm_call AddWifiConnection wlan0 Home Home 02:11:22:33:44:55 2437 72 1 0 0x188 198.51.100.24 24 true
t0=$(now_ms)
if wait_ms 5000 in_title "Wi-Fi “Home” · WPA2"; then
  ok "NetworkManager appears: the title shows Wi-Fi “Home” · WPA2 ($(($(now_ms) - t0)) ms)"
else
  not_ok "NetworkManager appears: the title shows Wi-Fi “Home” · WPA2"; diag "$(title)"
fi
check "a WPA2 home: no warning in the list" bash -c "! tmux -S '$work/tmux.sock' capture-pane -p -t iot | grep -q 'is open'"
normal_sgr=$(title_sgr)

nm_mock_stop
check "NetworkManager stops: the title says No NetworkManager again" wait_ms 5000 in_title "No NetworkManager"
check "NetworkManager stops: the old network is not shown" not_in_title "Home"

nm_mock_start
nm_call AddWifiConnection wlan0 Cafe Cafe 02:11:22:33:44:77 2437 40 0 0 0 198.51.100.26 24 true
check "NetworkManager restarts: the open network is in the title" wait_ms 5000 in_title "Wi-Fi “Cafe” · Open"
check "the open network is explained above the device list" wait_ms 2000 on_screen "is open"
warn_sgr=$(title_sgr)
# Black on yellow (SGR 30 and 43) is the warning style of the title line.
check "the title shows the network in the warning style" bash -c "[[ '$warn_sgr' == *'43m'* || '$warn_sgr' == *'43;'* || '$warn_sgr' == *';43'* ]] && [[ '$normal_sgr' != *'43m'* ]]"
tm capture-pane -p -t iot >"$work/screen.txt"
while IFS= read -r l; do diag "$l"; done < <(head -n 8 "$work/screen.txt")

nm_call AddWiredConnection eth0 "Wired connection 1" 198.51.100.23 24 "" false
check "a second, non-primary connection does not replace the primary one" wait_ms 1000 in_title "Cafe"

# Devices waiting for setup: a Shelly's open setup hotspot comes into range and goes.
nm_call AddAccessPointFlags /org/freedesktop/NetworkManager/Devices/wlan0 shelly \
  "shellyplus1pm-A8032AB12345" 02:aa:bb:cc:dd:03 2412 80 0 0 0
hotspot_row() { screen | grep -q 'shellyplus1pm-A8032AB12345 .*Shelly.* 80% .*open, no password'; }
check "a setup hotspot appears under “Waiting for setup”" wait_ms 5000 on_screen "Waiting for setup"
check "its row: name, family, signal, and that it is open" hotspot_row
check "the open setup hotspot is explained (guideline 6)" on_screen "Guideline 6: anyone nearby"
tm capture-pane -p -t iot >"$work/screen.txt"
while IFS= read -r l; do diag "$l"; done < <(head -n 12 "$work/screen.txt")
nm_call RemoveAccessPoint /org/freedesktop/NetworkManager/Devices/wlan0 \
  /org/freedesktop/NetworkManager/AccessPoint/shelly
check "the hotspot vanishes: the section goes" wait_ms 5000 bash -c "! tmux -S '$work/tmux.sock' capture-pane -p -t iot | grep -q 'Waiting for setup'"

nm_mock_stop
nm_mock_start
nm_call AddWiredConnection eth0 "Wired connection 1" 198.51.100.23 24 "" true
check "wired: the title says Wired, without warning" wait_ms 5000 in_title "Wired"
check "wired: the finding is gone" wait_ms 2000 bash -c "! tmux -S '$work/tmux.sock' capture-pane -p -t iot | grep -q 'is open'"

tm send-keys -t iot q
check "q quits with status 0" wait_ms 3000 on_screen "EXIT=0"

tap_done
