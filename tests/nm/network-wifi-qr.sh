#!/bin/bash
# shellcheck disable=SC1111 # the typographic quotes in strings are what the program prints
# `iotsetup network --wifi-qr` against the project's NetworkManager mock on a
# private system bus: the code on a real terminal (tmux), turned back into an
# image (tests/qr/screen-to-pbm.py) and decoded with zbarimg, must be exactly
# the WIFI: text for an SSID and a password with ; , : \ and " in them
# (escaped); the mock must have been asked for the secret (GetSecrets on
# 802-11-wireless-security); the code is never written to a pipe; an open
# network needs no secret; a refused GetSecrets is explained (permission).
set -u
. "$(dirname "$0")/../lib.sh"
. "$SRCDIR/tests/nm/nm-lib.sh"

nm_tui_begin tmux zbarimg

# mock_call OBJECT METHOD ARGS...: a Mock-interface method on OBJECT; prints the answer.
mock_call() {
  local obj=$1 method=$2
  shift 2
  gdbus call --system --dest org.freedesktop.NetworkManager --object-path "$obj" \
    --method "org.freedesktop.DBus.Mock.$method" -- "$@"
}
# gv TEXT: TEXT as a GVariant string literal, so gdbus passes it unchanged.
gv() {
  "$PYTHON3" -c 'import sys; t = sys.argv[1]; print("\x27" + t.replace("\\", "\\\\").replace("\x27", "\\\x27") + "\x27")' "$1"
}
# wifi_home SSID KEY_MGMT KEY HIDDEN: a fresh mock on that Wi-Fi network.
wifi_home() {
  nm_mock_stop
  nm_mock_start || return 1
  local ac
  ac=$(mock_call /org/freedesktop AddWifiConnection wlan0 "$(gv "$1")" "$(gv "$1")" 02:11:22:33:44:55 2437 72 \
    1 0 0x188 198.51.100.24 24 true) || return 1
  ac=${ac#*\'}
  ac=${ac%%\'*}
  mock_call /org/freedesktop SetWifiSecurity "$ac" "$(gv "$2")" "$(gv "$3")" "$4" >/dev/null
}
# get_secrets_calls: the settings GetSecrets was asked for, one a line.
get_secrets_calls() {
  mock_call /org/freedesktop/NetworkManager/Settings/0 GetMethodCalls GetSecrets |
    grep -o "'802-11-wireless-security'\|'[a-z0-9-]*'" || true
}

# run_qr NAME: `iotsetup network --wifi-qr` in a fresh 100x60 pane; the screen
# with colours in NAME.screen, as text in NAME.text, the exit status in NAME.rc.
run_qr() {
  local name=$1
  printf '%s\n' '#!/bin/bash' \
    "env -u NO_COLOR -u LANGUAGE -u LC_ALL TERM=screen-256color LANG=C.UTF-8 DBUS_SYSTEM_BUS_ADDRESS='$DBUS_SYSTEM_BUS_ADDRESS' unshare -n '$IOTSETUP_BIN' network --wifi-qr" \
    "echo \$? >'$work/$name.rc'" 'exec sleep 3600' >"$work/$name.sh"
  tm -f /dev/null new-session -d -s "$name" -x 100 -y 60 "bash '$work/$name.sh'"
  wait_ms 10000 test -s "$work/$name.rc" || echo timeout >"$work/$name.rc"
  tm capture-pane -p -e -N -t "$name" >"$work/$name.screen"
  tm capture-pane -p -J -t "$name" >"$work/$name.text"
  tm kill-session -t "$name"
}

# decodes NAME THEME WANT: the code on NAME's screen (below its first line),
# seen on THEME, decodes to exactly WANT.
decodes() {
  local name=$1 theme=$2 want=$3 base="$work/$1.$2" last
  last=$(grep -n '[▀▄█]' "$work/$name.text" | tail -n 1 | cut -d: -f1)
  "$PYTHON3" "$SRCDIR/tests/qr/screen-to-pbm.py" --theme "$theme" --rows "1:$((last))" \
    <"$work/$name.screen" >"$base.pbm" 2>"$base.info" || return 1
  zbarimg "${zbar_opts[@]}" "$base.pbm" >"$base.out" 2>/dev/null
  printf '%s\n' "$want" >"$base.want"
  diag "$name on a $theme theme: $(cat "$base.info"), decoded: $(head -c 200 "$base.out" | tr '\n' '|')"
  cmp -s "$base.want" "$base.out"
}

# 1. WPA2 with every character the WIFI: scheme escapes, in the name and the key.
ssid='My;Net,"A":\B'
key='p;a,s:s\w"rd'
wifi_home "$ssid" wpa-psk "$key" false
check "before: nothing asked GetSecrets" [ -z "$(get_secrets_calls)" ]
run_qr wpa
check "WPA2: exit 0 ($(cat "$work/wpa.rc"))" [ "$(cat "$work/wpa.rc")" = 0 ]
check "WPA2: the screen names the network" grep -qF "join the Wi-Fi network “$ssid”" "$work/wpa.text"
check "WPA2: the password is not shown as text" bash -c "! grep -qF 'p;a,s' '$work/wpa.text'"
want='WIFI:T:WPA;S:My\;Net\,\"A\"\:\\B;P:p\;a\,s\:s\\w\"rd;;'
check "WPA2: the code decodes to exactly $want (light theme)" decodes wpa light "$want"
check "WPA2: and on a dark theme" decodes wpa dark "$want"
check "the mock recorded one GetSecrets call, for 802-11-wireless-security" \
  [ "$(get_secrets_calls | grep -c "'802-11-wireless-security'")" -eq 1 ]

# 1b. The same in the TUI: "w" on the device list, Esc back.
tm -f /dev/null new-session -d -s tui -x 100 -y 60 \
  "env -u NO_COLOR -u LANGUAGE -u LC_ALL TERM=screen-256color LANG=C.UTF-8 DBUS_SYSTEM_BUS_ADDRESS='$DBUS_SYSTEM_BUS_ADDRESS' unshare -n '$IOTSETUP_BIN'; sleep 3600"
tui_on() { tm capture-pane -p -t tui | grep -qF -- "$1"; }
check "TUI: on the Wi-Fi network" wait_ms 5000 tui_on "Wi-Fi “$ssid”"
check "TUI: the code was not asked for before the key" [ "$(get_secrets_calls | grep -c "'802-11-wireless-security'")" -eq 1 ]
tm send-keys -t tui w
check "TUI: w shows the join code" wait_ms 5000 tui_on "to join the Wi-Fi network"
sleep 0.3
tm capture-pane -p -e -N -t tui >"$work/tui.screen"
tm capture-pane -p -J -t tui >"$work/tui.text"
first=$(grep -n '[▀▄█]' "$work/tui.text" | head -n 1 | cut -d: -f1)
last=$(grep -n '[▀▄█]' "$work/tui.text" | tail -n 1 | cut -d: -f1)
tui_decodes() {
  local base="$work/tui.light"
  "$PYTHON3" "$SRCDIR/tests/qr/screen-to-pbm.py" --theme light --rows "$((first - 1)):$((last - 1))" \
    <"$work/tui.screen" >"$base.pbm" 2>"$base.info" || return 1
  zbarimg "${zbar_opts[@]}" "$base.pbm" >"$base.out" 2>/dev/null
  diag "TUI: $(cat "$base.info"), decoded: $(head -c 200 "$base.out" | tr '\n' '|')"
  printf '%s\n' "$want" | cmp -s - "$base.out"
}
check "TUI: the code decodes to exactly $want" tui_decodes
check "TUI: the password is not shown as text" bash -c "! grep -qF 'p;a,s' '$work/tui.text'"
check "TUI: GetSecrets asked once more, on the key" [ "$(get_secrets_calls | grep -c "'802-11-wireless-security'")" -eq 2 ]
tm send-keys -t tui Escape
check "TUI: Esc goes back to the device list" wait_ms 3000 tui_on "Devices on your network"
check "TUI: the code is gone" bash -c "! tmux -S '$work/tmux.sock' capture-pane -p -t tui | grep -q '[▀▄█]'"
tm kill-session -t tui

# 2. Never into a pipe or a file.
DBUS_SYSTEM_BUS_ADDRESS=$DBUS_SYSTEM_BUS_ADDRESS iot network --wifi-qr >"$work/pipe.out" 2>"$work/pipe.err"
rc=$?
check "into a file: refused, exit 2 (rc=$rc), nothing written" bash -c "[ $rc -eq 2 ] && [ ! -s '$work/pipe.out' ]"
check "into a file: the message says why" grep -q "only shown on a terminal" "$work/pipe.err"

# 3. WPA3 on a hidden network.
wifi_home Attic sae 'k3y,with:colons' true
run_qr sae
check "WPA3, hidden: decodes to WIFI:T:SAE;…;H:true;;" decodes sae light 'WIFI:T:SAE;S:Attic;P:k3y\,with\:colons;H:true;;'

# 4. An open network: no secret to ask for.
wifi_home Cafe "" "" false
run_qr open
check "open: decodes to WIFI:T:nopass;S:Cafe;;" decodes open light 'WIFI:T:nopass;S:Cafe;;'
check "open: GetSecrets was not called" [ -z "$(get_secrets_calls)" ]

# 5. NetworkManager refuses the secret.
wifi_home Home wpa-psk secret123 false
mock_call /org/freedesktop SetSecretsDenied true >/dev/null
run_qr denied
check "permission denied: exit 2 ($(cat "$work/denied.rc"))" [ "$(cat "$work/denied.rc")" = 2 ]
check "permission denied: the message says so" grep -q "permission denied" "$work/denied.text"
check "permission denied: no code on screen" bash -c "! grep -q '[▀▄█]' '$work/denied.text'"

tap_done
