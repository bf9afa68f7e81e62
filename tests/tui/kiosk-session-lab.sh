#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A kiosk customer sets a device up, and nothing of it outlives the
# session. The real binary in tmux inside the lab: from the Shelly's
# details a customer runs the setup wizard; a generated password is set on
# the device (the simulator) and shown on the hand-over screen. The escape
# keys change nothing there, nor while a password is being typed. Then the
# session ends, once by the idle timeout (with its countdown on screen) and
# once by Finish (F9, with a receipt): the password is in no capture of the
# new session (the welcome with its language picker, the device list, the
# device's details, the password wizard's first screen, the guideline card,
# each with tmux's scrollback), nor in the raw terminal output after the
# end (while the same search finds it in the output before), nor in the
# spool, nor in any file of the run. Needs root for the lab; skips otherwise.
set -u
. "$(dirname "$0")/../lib.sh"
# shellcheck source-path=SCRIPTDIR source=tui-lib.sh
. "$SRCDIR/tests/tui/tui-lib.sh"
tui_lab_begin

# Captures and the raw output hold the passwords: they stay out of the
# searched tree ($work).
caps=$secrets

PIN=61842
hash=$(printf '%s\n' "$PIN" | "$IOTSETUP_BIN" --hash-pin)
spool="$work/spool"
mkdir -p "$spool" "$XDG_CONFIG_HOME/iotsetup"
# The password stays on screen longer than a session lasts idle, so that it
# is the session's end that takes it away.
cat >"$XDG_CONFIG_HOME/iotsetup/iotsetup.conf" <<CONF
ui = { password_reveal_seconds = 300.0; };
kiosk: {
  enabled = true;
  shop_name = "Lab Corner Shop";
  language = "en";
  idle_timeout = 20.0;
  countdown = 8.0;
  pin_hash = "$hash";
  receipt_dir = "$spool";
  guidance_url = "https://guide.example/{lang}/";
};
CONF

# Everything the terminal was sent, byte for byte.
raw="$caps/pty.raw"
start_kiosk() {
  : >"$raw"
  tui_start
  tm pipe-pane -t iot -o "cat >>'$raw'"
}
# whole_screen: the pane with all of tmux's scrollback.
whole_screen() { tm capture-pane -p -J -S - -E - -t iot; }
# raw_has FROM TEXT: the raw output from byte FROM on, with the terminal's
# control sequences and all white space taken out (the hand-over screen
# draws a generated password a cell apart, its dashes dimmed), holds TEXT.
raw_has() {
  tail -c +"$(($1 + 1))" "$raw" | "$PYTHON3" -c '
import re, sys
data = sys.stdin.buffer.read().decode("utf-8", "replace")
data = re.sub(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78cDEHMNO]", "", data)
data = re.sub(r"[\x00-\x20\x7f]", "", data)
sys.exit(0 if sys.argv[1] in data else 1)' "$2"
}
raw_size() { stat -c %s "$raw"; }
# stable: waits until the screen stops changing.
stable() {
  local a b _
  a=$(screen)
  for _ in $(seq 1 20); do
    sleep 0.25
    b=$(screen)
    [ "$a" = "$b" ] && return 0
    a=$b
  done
}

shelly=$(lab_device_host shelly)

# set_up_password: from the welcome, English, the Shelly's details, Enter
# (its setup), a generated password set on the device, the hand-over.
set_up_password() {
  tm send-keys -t iot Home Enter
  wait_ms 5000 on_screen "Devices on your network" || return 1
  wait_ms 15000 on_screen "Shelly" || return 1
  open_device "$shelly" || return 1
  tm send-keys -t iot Enter
  wait_ms 3000 on_screen "Make a strong password for me" || return 1
  tm send-keys -t iot Home Enter
  wait_ms 3000 on_screen "Setting the password on" || return 1
  tm send-keys -t iot Enter
  wait_ms 20000 on_screen "Press Enter to see the password." || return 1
  tm send-keys -t iot Enter
  wait_ms 3000 on_screen "The new password for"
}

# new_session_clean PW TAG: walks the new session's screens, capturing each
# with its scrollback; PW is in none of them.
new_session_clean() {
  local pw=$1 tag=$2 bare=${1//-/} n=0 f
  capture() { n=$((n + 1)); whole_screen >"$caps/$tag-$n-$1.txt"; }
  capture welcome
  tm send-keys -t iot Home Enter
  wait_ms 5000 on_screen "Devices on your network" && stable
  capture devices
  open_device "$shelly" && stable
  capture details
  tm send-keys -t iot p
  wait_ms 3000 on_screen "Make a strong password for me" && stable
  capture password-choose
  tm send-keys -t iot Escape
  wait_ms 3000 on_screen "Host name: $shelly.local"
  tm send-keys -t iot v
  wait_ms 10000 on_screen "No default passwords" && stable
  capture guideline-card
  for f in "$caps/$tag"-*.txt; do
    if grep -qF -e "$pw" -e "$bare" "$f"; then
      diag "the password is on $(basename "$f")"
      return 1
    fi
  done
  [ "$n" = 5 ] && grep -qF "Welcome to Lab Corner Shop" "$caps/$tag-1-welcome.txt" &&
    grep -qF "Host name: $shelly.local" "$caps/$tag-3-details.txt" &&
    grep -qF "No default passwords" "$caps/$tag-5-guideline-card.txt"
}

# --- the session ends when idle --------------------------------------------------
start_kiosk
check "the kiosk welcomes" wait_ms 10000 on_screen "Welcome to Lab Corner Shop"
check "a customer sets a generated password on the Shelly" set_up_password
pw=$(shown_password)
check "it is on the hand-over screen" \
  eval '[[ "$pw" =~ ^[acdefhjkmnprtwxy34679]{4}(-[acdefhjkmnprtwxy34679]{4}){4}$ ]]'
check "the device took it (no warning)" not_on_screen "It has not been set on the device yet"
check "the customer's bar offers Finish, not Quit" eval 'on_screen "F9 Finish" && ! on_screen "q Quit"'
tm capture-pane -p -t iot >"$caps/handover.txt"
before=$(screen)
pid=$(iot_pid)
for key in C-c C-z 'C-\' q; do
  tm send-keys -t iot "$key"
  sleep 0.4
  if [ "$(iot_pid)" = "$pid" ] && [ "$(screen)" = "$before" ]; then
    ok "hand-over screen: $key changes nothing"
  else
    not_ok "hand-over screen: $key changes nothing"
  fi
done
check "the raw output so far holds the password (the search works)" raw_has 0 "$pw"
mark=$(raw_size)
check "idle: the countdown shows over the password" wait_ms 20000 on_screen "This session ends in"
check "idle: back to the welcome" wait_ms 12000 on_screen "Welcome to Lab Corner Shop"
check "idle: the password is off the screen" not_on_screen "${pw:0:4}"
check "idle: the same process (no restart did it)" [ "$(iot_pid)" = "$pid" ]
check "idle: the password is in no screen of the new session" new_session_clean "$pw" idle
check "idle: nor in the raw output after the end" eval '! raw_has "$mark" "$pw" && ! raw_has "$mark" "${pw//-/}"'
check "idle: no receipt for an abandoned session" test -z "$(ls -A "$spool")"
check "idle: the password is in no file of the run, nor the environment" eval '! leaked "$pw"'

# Escape keys while a password is being typed: nothing is typed, nothing leaves.
tm send-keys -t iot Escape
wait_ms 3000 on_screen "Host name: $shelly.local"
tm send-keys -t iot p
wait_ms 3000 on_screen "Type my own password"
tm send-keys -t iot End Enter
check "typing a password of one's own" wait_ms 3000 on_screen "Your password:"
tm send-keys -t iot -l 'ab'
wait_ms 2000 on_screen "›"
stable
before=$(screen)
for key in C-c C-z 'C-\' C-d; do
  tm send-keys -t iot "$key"
  sleep 0.4
  if [ "$(iot_pid)" = "$pid" ] && [ "$(screen)" = "$before" ]; then
    ok "password entry: $key changes nothing"
  else
    not_ok "password entry: $key changes nothing"
    diag "$(diff <(echo "$before") <(screen) | head -6)"
  fi
done

# --- the session ends on Finish ----------------------------------------------------
# The device keeps the first password: a fresh simulator for the second customer.
tm send-keys -t iot F10
wait_ms 3000 on_screen "PIN:"
tm send-keys -t iot -l "$PIN"
tm send-keys -t iot Enter
wait_ms 5000 on_screen "3  Leave the kiosk"
tm send-keys -t iot 2
check "staff end the session: the welcome" wait_ms 5000 on_screen "Welcome to Lab Corner Shop"
check "the Shelly starts afresh" lab_shelly_restart shelly
check "a second customer sets a password" set_up_password
pw2=$(shown_password)
check "a different password" eval '[ -n "$pw2" ] && [ "$pw2" != "$pw" ]'
mark=$(raw_size)
tm send-keys -t iot F9
check "finish: back to the welcome" wait_ms 20000 on_screen "Welcome to Lab Corner Shop"
receipt=$(ls "$spool"/receipt-*.txt 2>/dev/null | head -1)
check "finish: a receipt in the spool" test -n "$receipt"
check "receipt: the Shelly, with its guideline lines" \
  eval 'grep -qiE "^== .*shelly.* ==$" "$receipt" && grep -qE "^ +1\. No default passwords: " "$receipt"'
check "receipt: no password" eval '! grep -qF -e "$pw2" -e "${pw2//-/}" "$receipt"'
check "finish: the password is in no screen of the new session" new_session_clean "$pw2" finish
check "finish: nor in the raw output after the end" eval '! raw_has "$mark" "$pw2" && ! raw_has "$mark" "${pw2//-/}"'
check "finish: in no file of the run (spool included), nor the environment" eval '! leaked "$pw2"'
check "the kiosk is still running" [ "$(iot_pid)" = "$pid" ]

# The walk-through for people: the hand-over screen (password masked) and the receipt.
if [ -n "${KIOSK_WALKTHROUGH_DIR:-}" ]; then
  mkdir -p "$KIOSK_WALKTHROUGH_DIR"
  sed -E "s/$PASSWORD_LINE.*/   (the password, one character a cell apart)/" "$caps/handover.txt" \
    >"$KIOSK_WALKTHROUGH_DIR/handover.txt"
  cp "$caps"/idle-*.txt "$KIOSK_WALKTHROUGH_DIR/" && cp "$receipt" "$KIOSK_WALKTHROUGH_DIR/receipt.txt"
fi
tap_done
