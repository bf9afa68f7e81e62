#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The password wizard's guided path for a printer, in tmux inside the lab,
# against the real ippeveprinter: p, generate, the apply step shows the
# profile's steps, the new password and a QR code of the printer's
# settings page (adminurl) that zbarimg decodes to the address printed
# under it; the bar offers the show/hide key. The test plays the person on
# the settings page with lab_printer_auth:
# - nothing set yet: Enter checks, Guideline 1 FAIL (the page still opens
#   without a password), and Esc offers the steps again;
# - the admin password set on a page with TLS (ippeveprinter -A -K): PASS,
#   the evidence names the https settings page;
# - a second run, the password set on a page without TLS (Basic over plain
#   http): MANUAL, and the screen says the new password was not sent.
# On the driver path (the Shelly) the apply step's bar has no show/hide
# key. Afterwards the passwords are in no file of the run or the lab, nor
# in the process's environment or arguments. Needs root; skips otherwise.
set -u
. "$(dirname "$0")/../lib.sh"
# shellcheck source-path=SCRIPTDIR source=tui-lib.sh
. "$SRCDIR/tests/tui/tui-lib.sh"
# The person's passwords for lab_printer_auth go in $secrets (lib.sh):
# outside the searched trees.
tui_lab_begin

# The generated password as the apply step draws it: the line under its heading.
apply_password() {
  screen | grep -A1 -m1 "The new password for" | tail -n1 | tr -d ' '
}
# to_steps HOST: the printer's details, p, generate: the guided steps.
to_steps() {
  open_device "$1" || return 1
  tm send-keys -t iot p
  wait_ms 3000 on_screen "Make a strong password for me" || return 1
  tm send-keys -t iot Enter
  wait_ms 3000 on_screen "$steps_line"
}
steps_line="Set it on the device's settings page"
# in_text TEXT: TEXT is on the screen, maybe wrapped over lines.
in_text() { screen | sed 's/^ *//' | tr '\n' ' ' | tr -s ' ' | grep -qF -- "$1"; }

host=$(lab_device_host printer)
ip=$(lab_device_ip printer)
tui_start
# The driver path (the Shelly): no show/hide key on the apply step.
shelly=$(lab_device_host shelly)
check "the Shelly shows up" wait_ms 15000 on_screen "$shelly"
open_device "$shelly"
tm send-keys -t iot p
wait_ms 3000 on_screen "Make a strong password for me"
tm send-keys -t iot Enter
check "the Shelly's apply step: the driver's intro, no show/hide key in the bar" \
  eval 'wait_ms 3000 on_screen "The assistant will now set the new password" && ! on_screen "Show or hide"'
tm send-keys -t iot Escape
wait_ms 3000 on_screen "Make a strong password for me"
tm send-keys -t iot Escape
wait_ms 3000 on_screen "Host name: $shelly.local"
tm send-keys -t iot Escape
wait_ms 3000 on_screen "Devices on your network"
check "the printer shows up" wait_ms 15000 on_screen "HP OfficeJet Pro 9010"
t0=$(now_ms)
check "the printer's guided steps open" to_steps "$host"
diag "details -> guided steps: $(($(now_ms) - t0)) ms"
check "the steps: the profile's, the settings page's address, the show/hide key in the bar" \
  all_on_screen "1. Open the printer's web admin page and set an admin password" \
  "https://$ip:8631/" "Show or hide"
pw=$(apply_password)
check "the new password is on the steps' screen" eval '[ ${#pw} -ge 12 ] && [[ $pw =~ ^[A-Za-z0-9]+$ ]]'
caps="$secrets/caps" # the screen holds the password: not in the searched tree
mkdir -p "$caps"
qr_capture "$caps" steps
first=$(($(grep -n -m1 -F "The new password for" "$caps/steps.text" | cut -d: -f1) + 1))
last=$(grep -n -m1 -F "https://$ip:8631/" "$caps/steps.text" | cut -d: -f1)
check "the QR code is the settings page's address" \
  eval '[ "$(qr_decode "$caps" steps "$first" "$last" dark)" = "https://$ip:8631/" ]'
tm send-keys -t iot F3
check "F3 hides the password" eval 'wait_ms 2000 on_screen "The password is hidden" && ! on_screen "$pw"'
tm send-keys -t iot F3
check "F3 shows it again" wait_ms 2000 on_screen "$pw"

# 1. Nothing set on the page yet.
t0=$(now_ms)
tm send-keys -t iot Enter
check "nothing set: FAIL, the page still opens without one" \
  eval 'wait_ms 15000 on_screen "Guideline 1: FAIL" && on_screen "still opens without one"'
diag "nothing set -> FAIL: $(($(now_ms) - t0)) ms"
check "nothing set: no PASS, the password not on the result screen, no show/hide key" \
  eval '! on_screen "PASS" && ! on_screen "$pw" && ! on_screen "Show or hide"'
tm send-keys -t iot Escape
check "Esc: the steps again, with the password" \
  eval 'wait_ms 3000 on_screen "$steps_line" && on_screen "$pw"'

# 2. The person sets it on the page, which has TLS.
printf '%s\n' "$pw" >"$secrets/tls"
lab_printer_auth printer admin "$secrets/tls" tls
t0=$(now_ms)
tm send-keys -t iot Enter
check "set over TLS: Guideline 1: PASS" wait_ms 15000 on_screen "Guideline 1: PASS"
diag "set (TLS) -> PASS: $(($(now_ms) - t0)) ms"
check "the evidence names the https settings page" \
  eval 'on_screen "Verified on the settings page (https://$ip:8631/)" && on_screen "Its password now: It has the new password."'
check "the password is not on the result screen" eval '! on_screen "$pw"'
check "the password is in no file of the run or lab, environment or argument" eval '! leaked "$pw" "$LAB_DIR"'
tm send-keys -t iot q
check "q quits with status 0" wait_ms 5000 on_screen "EXIT=0"

# 3. Another run: the page has no TLS, so Basic would carry it in clear.
tui_start
check "again: the printer's guided steps open" \
  eval 'wait_ms 15000 on_screen "HP OfficeJet Pro 9010" && to_steps "$host"'
pw2=$(apply_password)
check "again: a new password on the steps' screen" eval '[ ${#pw2} -ge 12 ] && [ "$pw2" != "$pw" ]'
printf '%s\n' "$pw2" >"$secrets/plain"
lab_printer_auth printer admin "$secrets/plain"
t0=$(now_ms)
tm send-keys -t iot Enter
check "set without TLS: Guideline 1: MANUAL, the new password not sent" \
  eval 'wait_ms 15000 on_screen "Guideline 1: MANUAL" && in_text "did not send your new password to check it, because this page would carry it unencrypted."'
diag "set (plain http) -> MANUAL: $(($(now_ms) - t0)) ms"
check "without TLS: no PASS, the password not on the result screen" eval '! on_screen "PASS" && ! on_screen "$pw2"'

tm send-keys -t iot q
check "q quits with status 0" wait_ms 5000 on_screen "EXIT=0"
check "after quitting: the passwords in no file of the run or the lab" \
  eval '! grep -rqF -- "$pw" "$work" "$LAB_DIR" && ! grep -rqF -- "$pw2" "$work" "$LAB_DIR"'
check "nothing on stderr" eval '! [ -s "$work/stderr.log" ]'

tap_done
