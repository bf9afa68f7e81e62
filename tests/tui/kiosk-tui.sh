#!/bin/bash
# The kiosk (iotsetup --kiosk) in tmux inside the lab, as a customer and a
# member of staff use it: the escape keys change nothing; a wrong staff PIN
# is refused and the right one (hashed by --hash-pin) leaves; an idle
# session counts down and returns to the welcome in the shop's language
# with nothing of the session on screen; Finish writes a receipt into the
# spool with the device's guideline lines and no secret; the staff
# assessment of a lab device shows the PSTI duties and a verdict; SIGTERM
# still ends it cleanly.
set -u
. "$(dirname "$0")/../lib.sh"

# shellcheck disable=SC2154 # $work: made by lab_test_begin
tm() { tmux -S "$work/tmux.sock" "$@"; }
tm_cleanup() { tm_stop; }
lab_test_begin tm_cleanup
ok "lab comes up"

screen() { tm capture-pane -p -t iot; }
on_screen() { screen | grep -qF -- "$1"; }
not_on_screen() { ! on_screen "$1"; }
iot_pid() { pgrep -x -P "$(tm display -p -t iot '#{pane_pid}')" iotsetup; }
iot_running() { iot_pid >/dev/null; }

PIN=73915
if catalog_tree "$work/locale"; then ok "a catalog tree"; else not_ok "a catalog tree"; fi
hash=$(printf '%s\n' "$PIN" | "$IOTSETUP_BIN" --hash-pin)
check "--hash-pin prints a yescrypt hash" grep -qE '^\$y\$[./0-9A-Za-z$]+$' <<<"$hash"
check "the hash does not contain the PIN" test "${hash/$PIN/}" = "$hash"
check "--hash-pin takes no PIN from argv" test "$(echo | "$IOTSETUP_BIN" --hash-pin 2>/dev/null)" = ""

mkdir -p "$work/spool"
cat >"$work/kiosk.conf" <<CONF
kiosk: {
  shop_name = "Lab Corner Shop";
  greeting = "Set up your new device securely.";
  language = "de";
  idle_timeout = 8.0;
  countdown = 4.0;
  pin_hash = "$hash";
  receipt_dir = "$work/spool";
  guidance_url = "https://guide.example/{lang}/";
};
CONF

start_kiosk() {
  tm_stop
  tm -f /dev/null new-session -d -s iot -x 100 -y 32 \
    "env -u LANGUAGE -u LC_ALL -u LC_MESSAGES TERM=screen-256color LANG=C.UTF-8 IOTSETUP_LOCALEDIR='$work/locale' XDG_STATE_HOME='$work/state' ip netns exec '$LAB_HOST_NS' env DBUS_SYSTEM_BUS_ADDRESS='$LAB_BUS' '$IOTSETUP_BIN' --kiosk --config '$work/kiosk.conf'; echo EXIT=\$?; sleep 3600"
  tm set-option -t iot remain-on-exit on >/dev/null
}
# The screen once it stopped changing (discovery settles in the title).
stable_screen() {
  local a b
  a=$(screen)
  for _ in $(seq 1 40); do
    sleep 0.25
    b=$(screen)
    [ "$a" = "$b" ] && { printf '%s' "$b"; return 0; }
    a=$b
  done
  printf '%s' "$b"
}
# pick_english: on the welcome, choose English (the first language).
pick_english() { tm send-keys -t iot Home Enter; wait_ms 5000 on_screen "Devices on your network"; }
# open_device HOST: in the device list, opens the device with that host name.
open_device() {
  tm send-keys -t iot Home
  for _ in $(seq 1 12); do
    tm send-keys -t iot Enter
    if wait_ms 1000 on_screen "Device details" && on_screen "$1"; then return 0; fi
    tm send-keys -t iot Escape
    wait_ms 1000 on_screen "Devices on your network"
    tm send-keys -t iot Down
  done
  return 1
}

start_kiosk
check "welcome: the shop's name and greeting" wait_ms 10000 on_screen "Lab Corner Shop"
check "welcome: in the shop's language (German)" on_screen "Wählen Sie die Sprache des Assistenten"
check "welcome: the greeting" on_screen "Set up your new device securely."
sleep 3 # discovery settles: the title's device count stops changing
before=$(stable_screen)
pid=$(iot_pid)
for key in C-c C-z 'C-\' q Escape M-x C-d C-s; do
  tm send-keys -t iot "$key"
  sleep 0.5
  after=$(stable_screen)
  if [ "$(iot_pid)" = "$pid" ] && [ "$after" = "$before" ]; then
    ok "$key: still running, screen unchanged"
  else
    not_ok "$key: still running, screen unchanged"
    diag "$(diff <(echo "$before") <(echo "$after") | head -10)"
  fi
done
tm send-keys -t iot C-q # undo a flow-control stop, had C-s done one

# A wrong PIN is refused.
tm send-keys -t iot F10
check "F10 asks for the staff PIN" wait_ms 3000 on_screen "PIN"
tm send-keys -t iot -l 0000
check "the PIN is masked" wait_ms 2000 on_screen "****"
check "the PIN's digits are not shown" not_on_screen "0000"
tm send-keys -t iot Enter
check "a wrong PIN is refused" wait_ms 5000 on_screen "PIN"
sleep 0.5
check "after a wrong PIN it is still running" iot_running
check "after a wrong PIN no staff menu" not_on_screen "3  "
tm send-keys -t iot Escape

# A customer session, left idle: countdown, then the welcome again.
check "the prompt closes on Esc" wait_ms 3000 on_screen "Lab Corner Shop"
pick_english
esp=$(lab_device_host esphome)
check "the customer opens the ESPHome device" open_device "$esp"
check "countdown shows before the session ends" wait_ms 12000 on_screen "This session ends in"
check "idle: back to the welcome" wait_ms 8000 on_screen "Lab Corner Shop"
check "idle: in the shop's language again" on_screen "Wählen Sie die Sprache des Assistenten"
check "idle: nothing of the session on screen" not_on_screen "$esp"
check "idle: the countdown is gone" not_on_screen "This session ends in"
check "idle: no receipt for an abandoned session" test -z "$(ls "$work/spool")"

# Finish: a receipt in the spool, in the customer's language, no secret.
pick_english
check "the customer opens the ESPHome device again" open_device "$esp"
tm send-keys -t iot Escape
tm send-keys -t iot F9
check "finish: back to the welcome" wait_ms 10000 on_screen "Wählen Sie die Sprache des Assistenten"
receipt=$(ls "$work/spool"/receipt-*.txt 2>/dev/null | head -1)
check "finish: a receipt in the spool" test -n "$receipt"
if [ -n "$receipt" ]; then
  check "receipt: the shop" grep -qF "Lab Corner Shop" "$receipt"
  check "receipt: the device" grep -qiE '^== .*living.room.sensor.* ==$' "$receipt"
  check "receipt: guideline lines" grep -qE '^ +1\. No default passwords: ' "$receipt"
  check "receipt: all 13 guidelines" grep -qE '^ +13\. ' "$receipt"
  check "receipt: what is left to do" grep -qF "Still to do at home:" "$receipt"
  check "receipt: where to report vulnerabilities" grep -qF "Report security problems to:" "$receipt"
  check "receipt: the support period" grep -qF "Security updates until:" "$receipt"
  check "receipt: localized guidance link and QR code" grep -qF "https://guide.example/en/" "$receipt"
  check "receipt: no staff PIN or hash" bash -c "! grep -qF -e '$PIN' -e '\$y\$' '$receipt'"
  check "receipt: no hidden temporary file left" test -z "$(ls -A "$work/spool" | grep '^\.')"
fi

# Staff: the right PIN, the assessment of the lab's printer, export, leave.
# (In English: the welcome's language applies to staff screens too.)
tm send-keys -t iot Home Enter
wait_ms 5000 on_screen "Devices on your network"
tm send-keys -t iot F10
wait_ms 3000 on_screen "PIN"
tm send-keys -t iot -l "$PIN"
tm send-keys -t iot Enter
check "the right PIN opens the staff menu" wait_ms 5000 on_screen "3  "
tm send-keys -t iot 1
check "staff: the device list" wait_ms 5000 on_screen "Devices on your network"
printer="Devices on your network"
tm send-keys -t iot Home
found=
for _ in $(seq 1 12); do
  tm send-keys -t iot Enter
  if wait_ms 5000 on_screen "Verdict" && on_screen "HP OfficeJet"; then found=1; break; fi
  tm send-keys -t iot Escape
  wait_ms 1000 on_screen "$printer"
  tm send-keys -t iot Down
done
check "staff assessment of the printer: a verdict" test -n "$found"
check "staff assessment: the PSTI duties first" on_screen "(UK PSTI)"
check "staff assessment: duty 1" on_screen "1. No default passwords:"
check "staff assessment: the 13 guidelines" on_screen "13. "
tm send-keys -t iot x
check "staff assessment: exported into the spool" wait_ms 3000 bash -c "ls '$work/spool'/assessment-*.txt >/dev/null 2>&1"
a=$(ls "$work/spool"/assessment-*.txt 2>/dev/null | head -1)
check "the export holds the verdict and the report" bash -c "grep -q 'UK legal minimum' '$a' && grep -q 'Security check' '$a'"
tm send-keys -t iot F10
check "F10 in staff mode: the menu" wait_ms 3000 on_screen "3  "
tm send-keys -t iot 3
check "the right PIN leaves: exit status 0" wait_ms 5000 on_screen "EXIT=0"
check "the terminal left the alternate screen" [ "$(tm display -p -t iot '#{alternate_on}')" = 0 ]

# SIGTERM (systemd stopping the unit) ends it cleanly; SIGINT does not.
start_kiosk
wait_ms 10000 on_screen "Lab Corner Shop"
pid=$(iot_pid)
kill -s INT "$pid" 2>/dev/null
kill -s TSTP "$pid" 2>/dev/null
sleep 0.5
check "SIGINT and SIGTSTP are ignored" bash -c "[ \"\$(awk '{print \$3}' /proc/$pid/stat)\" != T ] && kill -0 $pid"
kill -s TERM "$pid"
check "SIGTERM ends it with status 0" wait_ms 10000 on_screen "EXIT=0"

tap_done
