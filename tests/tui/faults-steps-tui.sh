#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Faults in the middle of a wizard step of the real assistant, in tmux
# inside the lab, against the simulated Shelly:
# - the terminal resized to 20x8 and back on the password hand-over (its
#   QR code decodes again to the same password) and during the update's
#   wait (the wait goes on and ends with the new version);
# - the host's avahi-daemon killed and restarted in the device details and
#   during the update's wait: the status line says so, the step keeps its
#   state, and afterwards the device is there and the step goes on;
# - a device vanishing (SIGKILL, link down) while the guideline card's
#   checks run, and while the factory reset is being verified: the step
#   ends with a clear message, never a PASS, and nothing hangs.
# Needs root for the lab; skips otherwise.
set -u
. "$(dirname "$0")/../lib.sh"
# shellcheck source-path=SCRIPTDIR source=tui-lib.sh
. "$SRCDIR/tests/tui/tui-lib.sh"
tui_lab_begin

# Screen captures hold the password: they stay out of the searched tree.
caps=$secrets
mkdir -p "$XDG_CONFIG_HOME/iotsetup"
# The password stays shown; a device that does not come back is given up
# on after 15 s.
printf 'ui = { password_reveal_seconds = 600; };\nnetwork = { restart_timeout = 15.0; };\n' \
  >"$XDG_CONFIG_HOME/iotsetup/iotsetup.conf"

faults=0 recovered=0
fault() { faults=$((faults + 1)); }
# recovered DESCRIPTION COMMAND...: a TAP point that counts a recovery.
recovered() { if "${@:2}"; then recovered=$((recovered + 1)); ok "$1"; else not_ok "$1"; show; fi; }

shelly=$(lab_device_host shelly)
# handover_decodes NAME: the hand-over's QR code decodes to exactly $pw.
handover_decodes() {
  local first last
  qr_capture "$caps" "$1"
  first=$(grep -n -m1 -E "$PASSWORD_LINE" "$caps/$1.text" | cut -d: -f1)
  last=$(grep -n -m1 "Scan the code into" "$caps/$1.text" | cut -d: -f1)
  [ -n "$first" ] && [ -n "$last" ] && [ "$(qr_decode "$caps" "$1" "$first" "$last" dark)" = "$pw" ]
}
# small_ok: at 20x8 the program runs and draws within the window (a
# "too small" message or a layout of its own), and no QR code: none fits.
fits() { screen | "$PYTHON3" -c 'import sys, unicodedata as u; w = int(sys.argv[1]); sys.exit(any(sum(2 if u.east_asian_width(c) in "WF" else 1 for c in l.rstrip("\n")) > w for l in sys.stdin))' "$1"; }
small_ok() { iot_running && fits 20 && [ "$(screen | wc -l)" -le 8 ] && ! screen | grep -q "[▀▄█]"; }

# 1. Resized on the hand-over, with its QR code.
lab_shelly_restart shelly --reboot-seconds 8
tui_start
wait_ms 15000 on_screen "Shelly"
if setup_to_handover "$shelly"; then ok "the hand-over shows the new password"; else not_ok "hand-over reached"; show; fi
check "its QR code decodes to the password" wait_ms 3000 handover_decodes before
tm resize-window -t iot -x 20 -y 8
fault
check "20x8 on the hand-over: drawn within 20x8, no code, still running" wait_ms 3000 small_ok
tm resize-window -t iot -x 100 -y 45
recovered "100x45 again: the same password, and its code decodes again" \
  wait_ms 3000 eval '[ "$(shown_password)" = "$pw" ] && handover_decodes after'

# 2. Resized during the update's wait (the device restarts for 8 s).
tm send-keys -t iot Enter
start_update
check "the update's wait runs" wait_ms 15000 on_screen "waiting for it to come back"
tm resize-window -t iot -x 20 -y 8
fault
check "20x8 during the wait: drawn within 20x8, still running" wait_ms 3000 small_ok
diag "20x8 shows: $(screen | tr -s ' \n' ' ')"
sleep 2
tm resize-window -t iot -x 100 -y 45
check "100x45 again: the update step is redrawn whole" wait_ms 3000 all_on_screen "Updates for" "Guideline 3"
recovered "… and the wait went on to its end: back with version 1.5.0" \
  wait_ms 30000 on_screen "back with version 1.5.0"

# 3. avahi-daemon killed and restarted during the update's wait.
lab_shelly_restart shelly --reboot-seconds 8
tui_start
wait_ms 15000 on_screen "Shelly"
setup_to_handover "$shelly" && tm send-keys -t iot Enter
start_update
check "the update's wait runs (again)" wait_ms 15000 on_screen "waiting for it to come back"
lab_host_avahi_stop
fault
check "avahi-daemon gone mid-update: the screen says so" wait_ms 5000 on_screen "Avahi daemon stopped"
check "… and the update step stays" all_on_screen "Updates for" "of at most"
lab_host_avahi_start
check "avahi-daemon back: the message goes" wait_ms 10000 not_on_screen "Avahi daemon stopped"
recovered "… the update ends: back with version 1.5.0" wait_ms 30000 on_screen "back with version 1.5.0"
tm send-keys -t iot n
recovered "… and the wizard goes on with the device (personal data)" \
  wait_ms 10000 eval 'on_screen "Your personal data on" && not_on_screen "left the network"'

# 4. avahi-daemon killed and restarted in the device details; then the
# step goes on (the guideline card runs its checks).
tui_start
wait_ms 15000 on_screen "Shelly"
open_device "$shelly"
lab_host_avahi_stop
fault
check "avahi-daemon gone in the details: the screen says so" wait_ms 5000 on_screen "Avahi daemon stopped"
check "… and the details stay" on_screen "Host name: $shelly.local"
lab_host_avahi_start
check "avahi-daemon back: the message goes" wait_ms 10000 not_on_screen "Avahi daemon stopped"
recovered "… the device is found again: its details are still there" \
  wait_ms 5000 eval 'on_screen "Host name: $shelly.local" && not_on_screen "left the network"'
tm send-keys -t iot v
recovered "… and its guideline card runs to the end" \
  wait_ms 20000 eval 'screen | grep -qE "^ +1 +(PASS|FAIL|WARN) +No default passwords"'

# 5. A device vanishing while the guideline card's checks run.
check "a second plug joins" lab_add gone1 shelly
host1=$(lab_device_host gone1)
tui_start
wait_ms 15000 on_screen "$host1" || wait_ms 5000 true
open_device "$host1"
# Frozen first, so that the checks are surely under way when it vanishes.
kill -STOP "$(awk '$3 == "dev:gone1:sim" { p = $1 } END { print p }' "$LAB_DIR/pids")"
tm send-keys -t iot v
wait_ms 3000 eval 'screen | grep -qiE "checking|running"'
sleep 1
lab_unplug gone1
fault
t0=$(now_ms)
if wait_ms 30000 eval 'screen | grep -qE "^ +1 +[A-Z/]+ +No default passwords" || on_screen "left the network"'; then
  recovered=$((recovered + 1))
  ok "vanished while the card's checks ran: the card ends within $(($(now_ms) - t0)) ms"
else
  not_ok "vanished while the card's checks ran: the card never ended"; show
fi
check "… guideline 1 is not PASS" eval '! screen | grep -qE "^ +1 +PASS "'
check "… and the assistant answers keys" eval 'tm send-keys -t iot Escape; wait_ms 3000 on_screen "Devices on your network" || wait_ms 3000 on_screen "Device details"'
diag "card after the vanishing: $(screen | grep -E '^ +1 ' | head -1)"

# 6. A device vanishing while its factory reset is verified.
check "a third plug joins" lab_add gone2 shelly
host2=$(lab_device_host gone2)
short=$(printf '%s' "$host2" | tr -cd 'a-z0-9' | tail -c 4)
tui_start
wait_ms 15000 on_screen "$host2" || wait_ms 5000 true
setup_to_handover "$host2" && tm send-keys -t iot Enter
wait_ms 10000 update_offered && tm send-keys -t iot n
wait_ms 5000 on_screen "Your personal data on" && tm send-keys -t iot d
wait_ms 3000 on_screen "To confirm, type $short" && tm send-keys -t iot -l "$short" && tm send-keys -t iot Enter
wait_ms 10000 eval 'lab_shelly_calls gone2 | grep -q "Shelly.FactoryReset"'
lab_unplug gone2
fault
t0=$(now_ms)
if wait_ms 40000 eval 'on_screen "did not come back" || on_screen "could not be confirmed" || on_screen "FAIL" || on_screen "WARN"' &&
  ! on_screen "PASS: Reset"; then
  recovered=$((recovered + 1))
  ok "vanished while the reset was verified: a clear message after $(($(now_ms) - t0)) ms, no PASS"
else
  not_ok "vanished while the reset was verified"; show
fi
tm send-keys -t iot n
check "… the summary follows, without G11 PASS" \
  wait_ms 5000 eval 'on_screen "Summary for" && ! screen | grep -E "^ +11\. " | grep -q PASS'
tm send-keys -t iot q
check "q quits with status 0 after all these faults" wait_ms 5000 on_screen "EXIT=0"
check "nothing on stderr" eval '! [ -s "$work/stderr.log" ]'
[ -s "$work/stderr.log" ] && diag "$(head -c 600 "$work/stderr.log")"
diag "faults injected: $faults, recovered: $recovered"
tap_done
