#!/bin/bash
# shellcheck disable=SC1111 # the typographic quotes in strings are what the program prints
# The join-and-return flow in the TUI, in tmux, against the project's
# NetworkManager mock on a private bus: Enter on a hotspot under "Waiting
# for setup" opens the join step; joining an open hotspot shows the device's
# setup page as a QR code (decoded with zbarimg) and "h" goes back; a wrong
# password, a timeout, the hotspot vanishing and Esc while joining each end
# with a message on screen and the machine back on its network; a failed
# way back is tried once more; the auto-return timer and quitting (q, and
# SIGTERM) while joined go back first. Assertions read the method calls the
# mock recorded and the network line in the title.
set -u
. "$(dirname "$0")/../lib.sh"
. "$SRCDIR/tests/nm/nm-lib.sh"

nm_tui_begin tmux zbarimg

dev=/org/freedesktop/NetworkManager/Devices/wlan0
nm_obj=/org/freedesktop/NetworkManager
ap=/org/freedesktop/NetworkManager/AccessPoint
shelly="shellyplus1pm-A8032AB12345"
printer="DIRECT-7A-HP OfficeJet 8010"
home_back='ActivateConnection.*Settings/0.*Devices/wlan0.*AccessPoint/wlan0_home'

mgr() {
  gdbus call --system --dest org.freedesktop.NetworkManager --object-path "$nm_obj" \
    --method "org.freedesktop.DBus.Mock.$1" "${@:2}"
}
# The manager methods called, in order, one word each.
call_order() {
  mgr GetCalls | grep -o "'AddAndActivateConnection'\|'DeactivateConnection'\|'ActivateConnection'" |
    tr -d "'" | tr '\n' ' '
}
# How often Home was activated on its device and access point (one call a line).
n_activate_home() { mgr GetCalls | sed 's/), (/)\n(/g' | grep -c "$home_back"; }

# A fresh mock: the WPA2 network Home, a Shelly's open setup hotspot (the
# strongest, so first), an HP printer's WPA2 one and an unknown camera's
# open one (no setup page in its profile: the gateway is used).
home() {
  nm_mock_stop
  nm_mock_start || return 1
  nm_call AddWifiConnection wlan0 Home Home 02:11:22:33:44:55 2437 72 1 0 0x188 198.51.100.24 24 true
  nm_call AddAccessPointFlags "$dev" shelly "$shelly" 02:aa:bb:cc:dd:03 2412 80 0 0 0
  nm_call AddAccessPointFlags "$dev" printer "$printer" 02:aa:bb:cc:dd:04 2437 55 1 0 0x188
  nm_call AddAccessPointFlags "$dev" camera "Camera-Setup" 02:aa:bb:cc:dd:05 2437 40 0 0 0
}

# start NAME [ARGS]: the assistant in tmux window NAME, in its own network namespace.
start() {
  local name=$1; shift
  tm -f /dev/null new-session -d -s "$name" -x 100 -y 40 \
    "env -u NO_COLOR -u LANGUAGE -u LC_ALL TERM=screen-256color LANG=C.UTF-8 DBUS_SYSTEM_BUS_ADDRESS='$DBUS_SYSTEM_BUS_ADDRESS' unshare -n '$IOTSETUP_BIN' $*; echo EXIT=\$?; sleep 3600"
  tm set-option -t "$name" remain-on-exit on >/dev/null
  S=$name
}
screen() { tm capture-pane -p -J -t "$S"; }
on_screen() { screen | grep -qF -- "$1"; }
in_title() { screen | head -n 1 | grep -qF -- "$1"; }
keys() { tm send-keys -t "$S" "$@"; }
show() { while IFS= read -r l; do diag "$l"; done < <(screen | grep -v '^$' | head -n "${1:-12}"); }

# qr_decodes WANT: the code on screen decodes to exactly WANT.
qr_decodes() {
  local base="$work/qr.$TAP_N"
  tm capture-pane -p -e -N -t "$S" >"$base.screen"
  screen >"$base.text"
  local first last
  first=$(grep -n '[▀▄█]' "$base.text" | head -n 1 | cut -d: -f1)
  last=$(grep -n '[▀▄█]' "$base.text" | tail -n 1 | cut -d: -f1)
  [ -n "$first" ] || { diag "no code on screen"; return 1; }
  "$PYTHON3" "$SRCDIR/tests/qr/screen-to-pbm.py" --theme light --rows "$((first - 1)):$((last - 1))" \
    <"$base.screen" >"$base.pbm" 2>"$base.info" || return 1
  zbarimg "${zbar_opts[@]}" "$base.pbm" >"$base.out" 2>/dev/null
  diag "$(cat "$base.info"), decoded: $(head -c 200 "$base.out" | tr '\n' '|')"
  printf '%s\n' "$1" | cmp -s - "$base.out"
}

# join_step N SSID: from the device list (no devices here, so the cursor is
# on a hotspot), the Nth hotspot (strongest first), Enter; the join step
# must name SSID.
join_step() {
  local i
  keys Home
  for ((i = 1; i < $1; i++)); do keys Down; done
  keys Enter
  wait_ms 3000 on_screen "To open the setup page of “$2”"
}
back_home() { wait_ms 5000 in_title "Wi-Fi “Home” · WPA2"; }
# The hotspot was joined, left and Home activated again, in that order, once.
went_back() {
  local order
  order=$(call_order)
  [ "$order" = 'AddAndActivateConnection DeactivateConnection ActivateConnection ' ] &&
    [ "$(n_activate_home)" -eq 1 ] || { diag "calls: $order"; return 1; }
}

mkdir -p "$work/config/iotsetup"
printf 'network: { join_timeout = 2.0; auto_return = 600.0; };\n' >"$work/config/iotsetup/iotsetup.conf"

# 1. An open hotspot: joined, the setup page's code, and back with "h".
home
start tui
check "the title shows the home network" back_home
check "the setup hotspots are listed under Waiting for setup" wait_ms 5000 on_screen "Waiting for setup"
check "the cursor is on the first hotspot: Enter joins it" \
  wait_ms 2000 on_screen "Press Enter to join this hotspot"
keys Enter
check "the join step explains what happens" wait_ms 3000 on_screen "this computer leaves its network"
check "an open hotspot asks for no password" bash -c "! tmux -S '$work/tmux.sock' capture-pane -p -t tui | grep -q 'has a password'"
show 8
mgr ClearCalls >/dev/null
keys Enter
check "joined: the setup page is shown" wait_ms 5000 on_screen "Joined “$shelly”"
check "joined: the network line shows the hotspot" wait_ms 3000 in_title "Wi-Fi “shellyplus1pm-A8032"
check "joined: the address from the profile is printed" on_screen "http://192.168.33.1/"
check "joined: the time on the hotspot is shown" on_screen "On the device's hotspot for 0:0"
sleep 0.3
check "joined: the code decodes to exactly http://192.168.33.1/" qr_decodes "http://192.168.33.1/"
show 40
mgr GetMethodCalls AddAndActivateConnection >"$work/aaac"
check "AddAndActivateConnection: the hotspot's SSID, the Wi-Fi device and its access point" \
  bash -c "grep -q 'iotsetup: $shelly' '$work/aaac' && grep -q \"objectpath '$dev'\" '$work/aaac' && grep -q \"objectpath '$ap/shelly'\" '$work/aaac' && ! grep -q 'psk' '$work/aaac'"
keys h
check "h: back on the home network (title)" back_home
check "h: the screen says so" wait_ms 3000 on_screen "Back on the network this computer was on before."
check "h: the calls, in order: add-and-activate, deactivate, activate Home" \
  went_back
check "h: Home activated on its device and access point" [ "$(n_activate_home)" -eq 1 ]
keys Escape
check "Esc: the device list again" wait_ms 3000 on_screen "Devices on your network"

# 2. The gateway when the profile knows no page: a generic "-Setup" hotspot.
mgr ClearCalls >/dev/null
check "Down, Down, Enter: the join step for Camera-Setup" join_step 3 "Camera-Setup"
keys Enter
check "camera: joined" wait_ms 5000 on_screen "Joined “Camera-Setup”"
sleep 0.3
check "camera: the code decodes to the gateway's page, http://192.168.4.1/" qr_decodes "http://192.168.4.1/"
keys Escape
check "Esc while joined: back to the list" wait_ms 3000 on_screen "Devices on your network"
check "Esc while joined: back on Home" back_home
check "Esc while joined: the way back was asked for" went_back

# 3. A secured hotspot with a wrong password.
nm_call SetJoinMode wrong-key
mgr ClearCalls >/dev/null
check "Down, Enter: the join step for the printer's hotspot" join_step 2 "$printer"
check "secured: the password is asked for" wait_ms 3000 on_screen "The hotspot has a password"
keys Enter
check "secured: Enter without a password asks for one first" wait_ms 2000 on_screen "Type the hotspot's password first."
keys -l 'wr0ng;key'
check "secured: the password is masked (one mark a character)" wait_ms 2000 on_screen "> •••••••••"
check "secured: the password is not on screen" bash -c "! tmux -S '$work/tmux.sock' capture-pane -p -t tui | grep -qF 'wr0ng'"
keys BSpace
check "secured: Backspace removes a character" wait_ms 2000 bash -c "tmux -S '$work/tmux.sock' capture-pane -p -t tui | grep -q '> ••••••••\$'"
keys y Enter
check "wrong password: the message says so" wait_ms 5000 on_screen "did not accept the password"
check "wrong password: and that this computer is back" on_screen "This computer is back on the network"
check "wrong password: the title shows Home" back_home
mgr GetMethodCalls AddAndActivateConnection >"$work/aaac"
check "wrong password: WPA-PSK with the typed password was asked for" \
  bash -c "grep -q \"'key-mgmt': <'wpa-psk'>, 'psk': <'wr0ng;key'>\" '$work/aaac' && grep -q \"objectpath '$ap/printer'\" '$work/aaac'"
check "wrong password: Home activated again" [ "$(n_activate_home)" -eq 1 ]
show 10
keys Escape
wait_ms 3000 on_screen "Devices on your network"

# 4. No answer in time (join_timeout = 2 s in this run's configuration).
nm_call SetJoinMode hang
mgr ClearCalls >/dev/null
join_step 1 "$shelly"
keys Enter
check "timeout: Joining … shown while waiting" wait_ms 2000 on_screen "Joining “$shelly”"
t0=$(now_ms)
check "timeout: the message says so" wait_ms 6000 on_screen "did not answer in time (2 s)"
diag "timeout after $(($(now_ms) - t0)) ms"
check "timeout: back on Home (title)" back_home
check "timeout: the activation abandoned, then Home activated" went_back
keys Escape
wait_ms 3000 on_screen "Devices on your network"

# 5. Esc while joining cancels and goes back.
mgr ClearCalls >/dev/null
join_step 1 "$shelly"
keys Enter
wait_ms 2000 on_screen "Joining “$shelly”"
keys Escape
check "Esc while joining: cancelled, and says this computer is back" \
  wait_ms 5000 bash -c "tmux -S '$work/tmux.sock' capture-pane -p -J -t tui | grep -q 'cancelled. This computer is back'"
check "Esc while joining: Home activated again" [ "$(n_activate_home)" -eq 1 ]
keys Escape
wait_ms 3000 on_screen "Devices on your network"

# 6. The hotspot vanishes while joining.
mgr ClearCalls >/dev/null
join_step 1 "$shelly"
keys Enter
wait_ms 2000 on_screen "Joining “$shelly”"
nm_call RemoveAccessPoint "$dev" "$ap/shelly"
check "vanished: the message says so" wait_ms 5000 on_screen "went out of range"
check "vanished: back on Home (title)" back_home
check "vanished: Home activated again" [ "$(n_activate_home)" -eq 1 ]
keys Escape
check "vanished: the hotspot is no longer listed" \
  wait_ms 3000 bash -c "! tmux -S '$work/tmux.sock' capture-pane -p -t tui | grep -q '$shelly'"
nm_call AddAccessPointFlags "$dev" shelly "$shelly" 02:aa:bb:cc:dd:03 2412 80 0 0 0
wait_ms 3000 on_screen "$shelly"

# 7. The way back fails once: tried again, and the screen says so.
nm_call SetJoinMode ok
nm_call SetActivateFails 1
mgr ClearCalls >/dev/null
join_step 1 "$shelly"
keys Enter
check "retry: joined" wait_ms 5000 on_screen "Joined “$shelly”"
keys h
check "retry: back, on the second try (said on screen)" wait_ms 6000 on_screen "on the second try"
check "retry: Home activated twice" [ "$(n_activate_home)" -eq 2 ]
check "retry: the title shows Home" back_home

# 8. Quitting while joined goes back first.
keys Escape
wait_ms 3000 on_screen "Devices on your network"
mgr ClearCalls >/dev/null
join_step 1 "$shelly"
keys Enter
check "quit: joined" wait_ms 5000 on_screen "Joined “$shelly”"
keys q
check "quit: the assistant exits with 0" wait_ms 8000 on_screen "EXIT=0"
check "quit: it went back first (deactivate, then activate Home)" \
  went_back

# 9. SIGTERM while joined goes back first.
# (Sessions are left as they are until the cleanup: killing the last one
# would end the tmux server, and a new session could land on the dying one.)
start term
check "SIGTERM run: the hotspots are listed" wait_ms 8000 on_screen "Waiting for setup"
mgr ClearCalls >/dev/null
keys Enter Enter
check "SIGTERM: joined" wait_ms 5000 on_screen "Joined “$shelly”"
pane=$(tm display-message -p -t term '#{pane_pid}')
pid=$(ps -o pid= --ppid "$pane" | tr -d ' ' | head -n 1)
[ -n "$pid" ] && kill -TERM "$pid"
check "SIGTERM: the assistant exits with 0" wait_ms 8000 on_screen "EXIT=0"
check "SIGTERM: it went back first" \
  went_back

# 10. The auto-return timer: a kiosk left alone does not stay on the hotspot.
printf 'network: { join_timeout = 5.0; auto_return = 2.0; };\n' >"$work/auto.conf"
start auto --config "$work/auto.conf"
check "auto-return run: the hotspots are listed" wait_ms 8000 on_screen "Waiting for setup"
mgr ClearCalls >/dev/null
keys Enter Enter
check "auto-return: joined" wait_ms 5000 on_screen "Joined “$shelly”"
check "auto-return: back on its own, and says why" wait_ms 6000 on_screen "The time on the device's hotspot is up."
check "auto-return: back on Home (title)" back_home
check "auto-return: deactivate, then activate Home" went_back
keys q
check "auto-return: q quits" wait_ms 3000 on_screen "EXIT=0"

tap_done
