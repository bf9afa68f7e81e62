#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The apply-and-verify step of the password wizard, in tmux inside the lab
# (keys in, screen out): the simulated Shelly with auth off: p, generate,
# the step says what will happen, Enter sets and verifies it (G1 PASS on
# screen), Enter hands it over; the password read from the hand-over screen
# then works on the device with digest and a request without credentials
# gets 401 (curl from the host namespace); the QR code decodes to it. A
# Shelly that stops answering right after SetAuth: a clear message, its
# state unknown, the reset steps, no PASS. The password is in no file of
# the run or the lab, nor in the process's environment or arguments. Each
# step's time is printed as a diag line. Needs root; skips otherwise.
set -u
. "$(dirname "$0")/../lib.sh"
# shellcheck source-path=SCRIPTDIR source=tui-lib.sh
. "$SRCDIR/tests/tui/tui-lib.sh"
tui_lab_begin

caps=$secrets

# decodes TEXT: the hand-over screen's QR code (below the password, above
# the status line) decodes to exactly TEXT.
decodes() {
  local first last
  qr_capture "$caps" s
  first=$(grep -n -m1 -E "$PASSWORD_LINE" "$caps/s.text" | cut -d: -f1)
  last=$(grep -n -m1 "Scan the code into" "$caps/s.text" | cut -d: -f1)
  [ -n "$first" ] && [ -n "$last" ] || return 1
  [ "$(qr_decode "$caps" s "$first" "$last" dark)" = "$1" ]
}

status() { local u=$1; shift; lab_host_exec curl -s -o /dev/null -w '%{http_code}' -m 5 "$@" "$u"; }

shelly=$(lab_device_host shelly)
rpc="http://$(lab_device_ip shelly)/rpc/Shelly.GetStatus"
tui_start
t0=$(now_ms)
check "the Shelly shows up" wait_ms 15000 on_screen "Shelly"
diag "found on screen: $(($(now_ms) - t0)) ms"
check "the Shelly's details open" open_device "$shelly"
tm send-keys -t iot p
wait_ms 3000 on_screen "Make a strong password for me"
t0=$(now_ms)
tm send-keys -t iot Enter
check "after choosing: the step says what will happen" \
  eval 'wait_ms 3000 on_screen "Setting the password on" && on_screen "the old password is refused"'
diag "choose -> apply screen: $(($(now_ms) - t0)) ms"
t0=$(now_ms)
tm send-keys -t iot Enter
check "Enter sets and verifies it: Guideline 1: PASS" wait_ms 20000 on_screen "Guideline 1: PASS"
diag "set and verified on screen: $(($(now_ms) - t0)) ms"
check "it says what happened and the password's state" \
  eval 'on_screen "it refuses the old" && on_screen "Its password now: It has the new password."'
t0=$(now_ms)
tm send-keys -t iot Enter
check "Enter hands it over, with no 'not set' warning" \
  eval 'wait_ms 3000 on_screen "The new password for" && ! on_screen "It has not been set"'
diag "hand-over on screen: $(($(now_ms) - t0)) ms"
pw=$(shown_password)
check "the password is on the hand-over screen" [ -n "$pw" ]
check "its QR code decodes to exactly the password" wait_ms 3000 decodes "$pw"
check "independently: no credentials now get 401" [ "$(status "$rpc")" = 401 ]
check "independently: digest with the password from the screen gets 200" \
  [ "$(status "$rpc" --digest -u "admin:$pw")" = 200 ]
check "the password is in no file of the run or lab, environment or argument" eval '! leaked "$pw" "$LAB_DIR"'

# A Shelly that answers SetAuth, then nothing.
tm send-keys -t iot Escape
wait_ms 3000 on_screen "Host name: $shelly.local"
tm send-keys -t iot Escape
lab_add attic shelly >/dev/null
lab_shelly_restart attic --vanish-after-setauth
attic=$(lab_device_host attic)
check "the second Shelly's details open" eval 'wait_ms 15000 on_screen "Devices on your network" && open_device "$attic"'
tm send-keys -t iot p
wait_ms 3000 on_screen "Make a strong password for me"
tm send-keys -t iot Enter
wait_ms 3000 on_screen "Setting the password on"
t0=$(now_ms)
tm send-keys -t iot Enter
check "vanished: a clear message" wait_ms 30000 on_screen "stopped answering while its password"
diag "vanish reported after $(($(now_ms) - t0)) ms"
check "vanished: no PASS, its state unknown, the reset steps" \
  eval '! on_screen "PASS" && on_screen "Guideline 1: WARN" && on_screen "Unknown" && on_screen "reset it:"'
tm send-keys -t iot Enter
check "vanished: the hand-over says it is not set" wait_ms 3000 on_screen "It has not been set"
pw2=$(shown_password)
tm send-keys -t iot q
check "q quits with status 0" wait_ms 5000 on_screen "EXIT=0"
check "after quitting: neither password in any file of the run or the lab" \
  eval '! grep -rqF -- "$pw" "$work" "$LAB_DIR" && { [ -z "$pw2" ] || ! grep -rqF -- "$pw2" "$work" "$LAB_DIR"; }'
check "nothing on stderr" eval '! [ -s "$work/stderr.log" ]'

tap_done
