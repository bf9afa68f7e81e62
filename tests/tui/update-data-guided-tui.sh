#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The setup wizard for devices the assistant has no driver for, in tmux
# inside the lab: a HomeKit accessory and a Matter device, each announced
# as in use (HomeKit sf=0, Matter CM=0) at first.
# - Updates: the profile's guided steps and a QR code of the maker's
#   update page (decoded with zbarimg); the person's answer ("no or not
#   sure") is recorded as theirs, never as PASS.
# - Personal data: what the device holds, then "remove it from the
#   controller app" steps (the assistant never pairs or unpairs). Enter
#   while the device still announces that it is paired: not verified. The
#   device re-announced in its setup state (sf=1 / CM=1), Enter: G11 PASS
#   with the TXT record as the evidence. Esc at the steps records nothing.
# - Summary: guideline 3 WARN, guideline 11 PASS, the reset under what
#   changed and no longer a to-do.
# Needs root for the lab; skips otherwise.
set -u
. "$(dirname "$0")/../lib.sh"
# shellcheck source-path=SCRIPTDIR source=tui-lib.sh
. "$SRCDIR/tests/tui/tui-lib.sh"
tui_lab_begin

# update_qr_is URL: the update step's QR code (between the question and
# the address under it) decodes to exactly URL.
update_qr_is() {
  local first last
  qr_capture "$work" upd
  first=$(grep -n -m1 -E "Are automatic updates on now|Your answer is recorded" "$work/upd.text" | cut -d: -f1)
  last=$(grep -n -m1 -F "$1" "$work/upd.text" | cut -d: -f1)
  [ -n "$first" ] && [ -n "$last" ] || return 1
  [ "$(qr_decode "$work" upd "$first" "$last" dark)" = "$1" ]
}
# summary_row N STATUS: guideline N has STATUS on the summary.
summary_row() { screen | grep -qE "^ +$1\\. .* $2 *\$"; }

check "HomeKit announced as paired (sf=0)" lab_set_txt homekit _hap._tcp sf 0
check "Matter announced out of commissioning mode (CM=0)" lab_set_txt matter _matterc._udp CM 0
tui_start
wait_ms 15000 on_screen "Smart Plug"

# run NAME TYPE KEY URL HOLDS: the whole wizard for one device.
run() {
  local name=$1 type=$2 key=$3 url=$4 holds=$5 host
  host=$(lab_device_host "$name")
  if open_device "$host" && wait_ms 5000 on_screen "$key=0"; then
    ok "$name: its details show $key=0"
  else
    not_ok "$name: details with $key=0"; show
  fi
  tm send-keys -t iot Enter
  check "$name: Enter goes straight to updates (no password to set)" \
    wait_ms 5000 all_on_screen "Updates for" "Guideline 3" "Are automatic updates on now? Enter: yes. n: no or not sure."
  check "$name: the QR code decodes to the maker's update page" wait_ms 3000 update_qr_is "$url"
  tm send-keys -t iot n
  check "$name: the answer is recorded as the person's" wait_ms 3000 on_screen "Your answer is recorded as yours."
  tm send-keys -t iot n
  check "$name: personal data: what it holds" \
    wait_ms 5000 all_on_screen "Your personal data on" "Guideline 11" "This device holds:" "$holds"
  tm send-keys -t iot d
  check "$name: d shows the steps in the controller app" \
    wait_ms 3000 all_on_screen "Do this now, then press Enter (Esc: not now):" "1. "
  tm send-keys -t iot Escape
  check "$name: Esc at the steps: back, nothing recorded" \
    wait_ms 3000 eval 'on_screen "d: delete it now" && ! on_screen "PASS:"'
  tm send-keys -t iot d
  wait_ms 3000 on_screen "Do this now, then press Enter"
  tm send-keys -t iot Enter
  check "$name: Enter while it still announces it is paired: not verified" \
    wait_ms 3000 eval 'on_screen "still announces that it is paired" && ! on_screen "PASS:"'
  diag "$name, not reset: $(screen | grep -m1 "paired" | sed 's/^ *//')"
  # The person removes it from the controller app and resets it: it comes
  # back in its setup state; d tries again.
  lab_set_txt "$name" "$type" "$key" 1
  tm send-keys -t iot d
  wait_ms 3000 on_screen "Do this now, then press Enter"
  local t0
  t0=$(now_ms)
  until tm send-keys -t iot Enter && wait_ms 1500 on_screen "PASS: Reset"; do
    [ $(($(now_ms) - t0)) -gt 15000 ] && break
    tm send-keys -t iot d
    wait_ms 2000 on_screen "Do this now, then press Enter"
  done
  if on_screen "PASS: Reset, and seen back in its setup state:" && on_screen "$key=1"; then
    ok "$name: re-announced with $key=1: G11 PASS with the TXT record as evidence"
  else
    not_ok "$name: G11 after the reset"; show
  fi
  tm send-keys -t iot Enter
  if wait_ms 5000 eval 'on_screen "Summary for" && summary_row 3 WARN && summary_row 11 PASS'; then
    ok "$name: summary: guideline 3 WARN (answered no), guideline 11 PASS"
  else
    not_ok "$name: summary: guideline 3 WARN (answered no), guideline 11 PASS"; show
  fi
  check "$name: the reset is a change, not a to-do any more" \
    eval 'on_screen "your data on it is gone" && ! on_screen "Delete your data from the device"'
  tm send-keys -t iot Enter
  wait_ms 3000 on_screen "Devices on your network"
}

run homekit _hap._tcp sf "https://www.apple.com/home-app/" "the keys that pair it with your home"
run matter _matterc._udp CM "https://csa-iot.org/all-solutions/matter/" "which apps and hubs control it"
check "the assistant is still running" eval '! on_screen "EXIT="'
check "nothing on stderr" eval '[ ! -s "$work/stderr.log" ]'
tap_done
