#!/bin/bash
# The real assistant in tmux inside the lab, driven like a person would: keys
# in with send-keys, the screen read with capture-pane. Devices appear;
# one withdrawn with a goodbye disappears and one added appears (each within
# 2 s); the host's avahi-daemon killed and restarted loses nothing; hostile
# names show sanitized and never reach the terminal raw; resizing to 40x12
# and back works; quitting and signals restore the terminal.
set -u
. "$(dirname "$0")/../lib.sh"

# shellcheck source-path=SCRIPTDIR source=tui-lib.sh
. "$SRCDIR/tests/tui/tui-lib.sh"
tui_lab_begin

# start_tui: the assistant in a fresh pane of 100x30, its raw output kept.
start_tui() {
  rm -f "$work/pane.raw"
  tui_start -s 100x30 -r "$work/pane.raw" "$@"
}

names=()
for d in shelly homekit matter esphome camera printer; do
  names+=("$(lab_device_host "$d")")
done
# The list shows display names; take them from a scan.
XDG_STATE_HOME="$work/scan-state" lab_host_exec "$IOTSETUP_BIN" scan --json --timeout 10 >"$work/scan.json" 2>/dev/null
check "a scan lists the lab devices first" [ -s "$work/scan.json" ]
mapfile -t shown < <("$PYTHON3" -c 'import json,sys; [print(d["name"]) for d in json.load(open(sys.argv[1]))["devices"]]' "$work/scan.json")

start_tui
check "all ${#shown[@]} lab devices appear on screen" wait_ms 10000 all_on_screen "${shown[@]}"
check "the function bar shows the keys" on_screen "Quit"
check "new devices are marked NEW" on_screen "NEW"

# Withdraw the camera with a goodbye: gone from the screen within 2 s.
cam=$("$PYTHON3" -c 'import json,sys; [print(d["name"]) for d in json.load(open(sys.argv[1]))["devices"] if d["kind"]=="camera"]' "$work/scan.json")
lab_withdraw camera
t0=$(now_ms)
if wait_ms 2000 not_on_screen "$cam"; then ok "withdrawn device disappears within 2 s ($(($(now_ms) - t0)) ms)"; else not_ok "withdrawn device disappears within 2 s"; fi

# Add a new plug: on screen within 2 s of being published.
lab_add newplug shelly >/dev/null
newhost=$(lab_device_host newplug)
t0=$(now_ms)
if wait_ms 2000 on_screen "$newhost"; then ok "added device appears within 2 s ($(($(now_ms) - t0)) ms)"; else not_ok "added device appears within 2 s"; fi

# Kill the host's avahi-daemon: a clear message, and the list is kept.
lab_host_avahi_stop
check "avahi-daemon gone: the screen says so" wait_ms 5000 on_screen "Avahi daemon stopped"
check "avahi-daemon gone: the devices stay listed" on_screen "$newhost"
# While the daemon is away the ESPHome node vanishes without a goodbye: the
# restarted daemon never reports it again, so it must not stay listed.
esp=$("$PYTHON3" -c 'import json,sys; [print(d["name"]) for d in json.load(open(sys.argv[1]))["devices"] if d["kind"]=="esphome"]' "$work/scan.json")
lab_unplug esphome
lab_host_avahi_start
check "avahi-daemon back: the message goes" wait_ms 10000 not_on_screen "Avahi daemon stopped"
still=()
for n in "${shown[@]}"; do [ "$n" != "$cam" ] && [ "$n" != "$esp" ] && still+=("$n"); done
check "avahi-daemon back: every device is still there" wait_ms 5000 all_on_screen "${still[@]}" "$newhost"
check "after restart: the withdrawn camera is not back" not_on_screen "$cam"
check "after restart: the device that vanished meanwhile is dropped" wait_ms 5000 not_on_screen "$esp"

# Detail view of the Shelly: services, addresses, TXT; Esc goes back.
shelly=$(lab_device_host shelly)
tm send-keys -t iot Home
# Move the cursor to the Shelly row: the selected row is the one we open.
for _ in $(seq 1 12); do
  tm send-keys -t iot Enter
  if wait_ms 1000 on_screen "Device details" && on_screen "$shelly"; then break; fi
  tm send-keys -t iot Escape
  wait_ms 1000 on_screen "Devices on your network"
  tm send-keys -t iot Down
done
check "detail view shows the Shelly's host" on_screen "Host name: $shelly.local"
check "detail view shows its TXT gen=2" on_screen "gen=2"
check "detail view shows both addresses" all_on_screen "$(lab_device_ip shelly)" "fe80::"
tm send-keys -t iot Escape
check "Esc returns to the list" wait_ms 2000 on_screen "Devices on your network"

# Help screen from the same key table.
tm send-keys -t iot F1
check "F1 shows every key" wait_ms 2000 all_on_screen "Keys (any key closes this help)" "Redraw the screen"
tm send-keys -t iot Space
check "any key closes the help" wait_ms 2000 not_on_screen "Keys (any key closes this help)"

# Resize down to 40x12 and back.
tm resize-window -t iot -x 40 -y 12
# No line wider than the terminal, counted in display cells.
fits() { screen | "$PYTHON3" -c 'import sys, unicodedata as u; w = int(sys.argv[1]); sys.exit(any(sum(2 if u.east_asian_width(c) in "WF" else 1 for c in l.rstrip("\n")) > w for l in sys.stdin))' "$1"; }
narrow_ok() { fits 40 && on_screen "Quit" && [ "$(screen | wc -l)" -le 12 ]; }
check "at 40x12 the screen is redrawn within its width" wait_ms 3000 narrow_ok
tm resize-window -t iot -x 100 -y 30
check "back at 100x30 the address column returns" wait_ms 3000 on_screen "Address"
check "the program survived the resizes" iot_running

# Hostile device: sanitized on screen, never raw on the terminal.
if lab_add_hostile hostile >/dev/null; then
  check "hostile device shows with visible escape symbols" wait_ms 5000 on_screen "␛"
  check "no raw ESC [2J from a device reached the terminal" \
    "$PYTHON3" -c 'import sys; d=open(sys.argv[1],"rb").read(); sys.exit(1 if b"\x1b]0;" in d or "\u202e".encode() in d else 0)' "$work/pane.raw"
else
  not_ok "hostile device added"
fi

# q quits with status 0 and restores the terminal.
tm send-keys -t iot q
check "q quits with status 0" wait_ms 3000 on_screen "EXIT=0"
check "the terminal left the alternate screen" [ "$(tm display -p -t iot '#{alternate_on}')" = 0 ]

# Started with no Avahi daemon: it says how to start one and keeps running;
# when the daemon comes, the devices appear.
lab_host_avahi_stop
start_tui
check "no daemon: the screen says how to start it" wait_ms 5000 all_on_screen "Avahi daemon is not running" "systemctl start"
check "no daemon: the program keeps running" iot_running
lab_host_avahi_start
check "daemon started: devices appear without a restart" wait_ms 10000 on_screen "${still[0]}"
tm send-keys -t iot q
wait_ms 3000 on_screen "EXIT=0"

# Each of SIGTERM, SIGINT, SIGHUP ends it cleanly with the terminal restored.
# Leaving frees every Avahi browser and resolver over D-Bus, which can take
# seconds on a loaded machine (make -j2 check runs two labs at once): the
# deadline is generous, and a failure says what the screen showed.
for sig in TERM INT HUP; do
  start_tui
  wait_ms 10000 on_screen "Devices on your network" || diag "SIG$sig: the list never showed"
  pid=$(iot_pid)
  kill -s "$sig" "$pid" || diag "SIG$sig: no iotsetup process to signal (pid '$pid')"
  if wait_ms 10000 on_screen "EXIT=" && [ "$(tm display -p -t iot '#{alternate_on}')" = 0 ]; then
    ok "SIG$sig: exits and restores the terminal"
  else
    not_ok "SIG$sig: exits and restores the terminal"
    diag "SIG$sig: alternate screen $(tm display -p -t iot '#{alternate_on}'), screen:" \
      "$(screen | tr -s ' \n' ' ' | tail -c 400)"
  fi
done

tap_done
