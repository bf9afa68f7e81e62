#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The setup wizard's update, personal-data and summary steps of the real
# assistant, in tmux inside the lab, against the simulated Shelly Gen2
# (tests/lab/shelly-sim.py), whose call log says what arrived:
# - Esc at the update's consent and at the reset's confirmation: no
#   Shelly.Update and no Shelly.FactoryReset call arrived;
# - the update: the device goes away and comes back with 1.5.0, the screen
#   says so, the summary shows guideline 3 PASS;
# - factory reset after typing the short name: back with auth off, G11 PASS;
# - the summary saves a report (no password in it) and the device list
#   marks the device done;
# - the update server offline: "unknown", never PASS;
# - the device vanishing mid-update: a clear message, no false PASS.
# Needs root for the lab; skips otherwise.
set -u
. "$(dirname "$0")/../lib.sh"
# shellcheck source-path=SCRIPTDIR source=tui-lib.sh
. "$SRCDIR/tests/tui/tui-lib.sh"
tui_lab_begin

mkdir -p "$XDG_CONFIG_HOME/iotsetup" "$work/home"
# A short wait for a device that restarts, so "never came back" is quick.
printf 'network = { restart_timeout = 12.0; };\n' >"$XDG_CONFIG_HOME/iotsetup/iotsetup.conf"

start_tui() { tui_start HOME="$work/home"; }

# to_update: from the device's details, Enter starts the setup wizard;
# the password steps are passed with Enter (generated password, set and
# verified on the device, hand-over).
to_update() {
  setup_to_handover "$shelly" || return 1
  tm send-keys -t iot Enter
  wait_ms 10000 on_screen "Updates for"
}
pw=
calls() { lab_shelly_calls shelly; }
called() { calls | grep -q "\"method\": \"$1\""; }

shelly=$(lab_device_host shelly)
short=$(printf '%s' "$shelly" | tr -cd 'a-z0-9' | tail -c 4)
start_tui
wait_ms 15000 on_screen "Shelly"

# 1. Esc at the consent: nothing sent.
lab_shelly_calls_clear shelly
if to_update && wait_ms 10000 on_screen "version 1.5.0 is available"; then
  ok "update step: 1.4.4 installed, 1.5.0 available (guideline 3 named)"
else
  not_ok "update step shows the available update"; show
fi
check "the screen names guideline 3" on_screen "Guideline 3"
tm send-keys -t iot Escape
sleep 1
if called Shelly.CheckForUpdate && ! called Shelly.Update; then
  ok "Esc at the update's consent: CheckForUpdate only, no Shelly.Update arrived"
else
  not_ok "Esc at the consent"; calls | sed 's/^/# /'
fi

# 2. The update, observed. The first run set a password on the Shelly that
# only that run knew: the simulator starts afresh (auth off).
lab_shelly_restart shelly
start_tui
wait_ms 15000 on_screen "Shelly"
to_update
t0=$(now_ms)
start_update
seen_wait=no
if wait_ms 15000 on_screen "waiting for it to come back"; then seen_wait=yes; fi
if wait_ms 30000 on_screen "back with version 1.5.0"; then
  ok "update: progress shown ($seen_wait), the device came back with 1.5.0 ($(($(now_ms) - t0)) ms)"
else
  not_ok "update not observed"; show
fi
check "the simulator recorded Shelly.Update" called Shelly.Update
check "the device's state is 1.5.0" eval 'lab_shelly_state shelly | grep -q "\"ver\": \"1.5.0\""'

# 3. Personal data: Esc at the confirmation sends nothing; then the reset.
tm send-keys -t iot n
if wait_ms 5000 on_screen "Your personal data on"; then
  ok "personal-data step: what the device holds"
else
  not_ok "personal-data step"; show
fi
check "the screen names guideline 11 and lists the Wi-Fi credentials" \
  eval 'on_screen "Guideline 11" && on_screen "Wi-Fi network"'
lab_shelly_calls_clear shelly
tm send-keys -t iot d
wait_ms 10000 on_screen "To confirm, type $short" || { diag "d did not ask for the name"; show; }
tm send-keys -t iot -l "$short"
tm send-keys -t iot Escape
sleep 1
if ! called Shelly.FactoryReset && on_screen "d: delete it now"; then
  ok "Esc at the reset's confirmation (name typed): no Shelly.FactoryReset arrived"
else
  not_ok "Esc at the confirmation"; calls | sed 's/^/# /'; show
fi
tm send-keys -t iot d
wait_ms 10000 on_screen "To confirm, type $short" || { diag "d did not ask for the name again"; show; }
tm send-keys -t iot -l "zz${short}"
tm send-keys -t iot Enter
sleep 1
check "a wrong name does not reset, and the name is still asked for" \
  eval '! called Shelly.FactoryReset && on_screen "To confirm, type $short"'
tm send-keys -t iot BSpace BSpace BSpace BSpace BSpace BSpace
tm send-keys -t iot -l "$short"
tm send-keys -t iot Enter
if wait_ms 30000 on_screen "PASS: Reset, and seen back in its setup state"; then
  ok "factory reset: seen back with auth off: G11 PASS with evidence"
else
  not_ok "factory reset"; show
fi
check "the simulator recorded Shelly.FactoryReset and is back with auth off" \
  eval 'called Shelly.FactoryReset && lab_shelly_state shelly | grep -q "\"auth_en\": false"'

# 4. The summary, the report, the done marker.
tm send-keys -t iot Enter
if wait_ms 5000 on_screen "Summary for"; then
  ok "summary shown"
else
  not_ok "summary"; show
fi
g3=$(screen | grep -E '^ +3\. ' | head -1)
g11=$(screen | grep -E '^ +11\. ' | head -1)
check "summary: guideline 3 PASS ($g3)" eval '[[ "$g3" == *PASS* ]]'
check "summary: guideline 11 PASS ($g11)" eval '[[ "$g11" == *PASS* ]]'
check "summary: what changed lists the update" on_screen "Firmware updated from 1.4.4 to 1.5.0"
tm send-keys -t iot s
wait_ms 5000 on_screen "Report saved to"
report=$(ls "$work"/home/iotsetup-*.txt 2>/dev/null | head -1)
if [ -n "$report" ] && grep -q "1.5.0" "$report" && grep -q "auth_en:false" "$report"; then
  ok "the report was saved with the observations"
else
  not_ok "report saved"; show
fi
if [ -n "$report" ] && [ ${#pw} -ge 20 ] && ! grep -qFf <(printf '%s\n' "$pw") "$report" &&
  ! grep -qi 'ha1' "$report"; then
  ok "the report holds no secret (not the password shown in this run, no ha1)"
else
  not_ok "the report holds a secret"
fi
tm send-keys -t iot Enter
if wait_ms 5000 on_screen "Devices on your network" && screen | grep -q "✓.*shelly"; then
  ok "the device list marks the Shelly done"
else
  not_ok "done marker"; show
fi

# 5. The update server offline: unknown, never PASS.
lab_shelly_restart shelly --update offline
start_tui
wait_ms 15000 on_screen "Shelly"
if to_update && wait_ms 10000 on_screen "Unknown whether an update is available"; then
  ok "offline update server: reported as unknown"
else
  not_ok "offline: unknown"; show
fi
tm send-keys -t iot n
wait_ms 5000 on_screen "Your personal data on"
tm send-keys -t iot n
wait_ms 5000 on_screen "Summary for"
g3=$(screen | grep -E '^ +3\. ' | head -1)
check "offline: guideline 3 is not PASS ($g3)" eval '[[ "$g3" != *PASS* && -n "$g3" ]]'

# 6. The device vanishes mid-update and never returns in time.
lab_shelly_restart shelly --reboot-seconds 120
start_tui
check "vanishing: the update is offered" \
  eval 'wait_ms 30000 on_screen "Shelly" && to_update && wait_ms 20000 update_offered'
start_update
wait_ms 10000 eval 'lab_shelly_calls shelly | grep -q "\"event\": \"down\""'
if wait_ms 30000 on_screen "The update could not be confirmed" && on_screen "did not come back"; then
  ok "vanished mid-update: a clear message, not counted as done"
else
  not_ok "vanished mid-update"; show
fi
check "no PASS on the screen after the vanished update" eval '! on_screen "back with version"'
check "the assistant is still running" eval '! on_screen "EXIT="'
tap_done
