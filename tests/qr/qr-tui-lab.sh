#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The QR screen of the real assistant, in tmux inside the lab: from a
# device's details, "c" shows its settings page as a QR code; the captured
# screen, rebuilt as an image on a light and a dark theme, decodes with
# zbarimg to exactly the address built from the device's own IPv4 address
# (the printer's adminurl, the Shelly's http service). Esc goes back; a
# window too small says so instead of drawing; LANG=C and a terminal without
# colour get two cells a module. Needs root for the lab; skips otherwise.
set -u
. "$(dirname "$0")/../lib.sh"
# shellcheck source-path=SCRIPTDIR source=../tui/tui-lib.sh
. "$SRCDIR/tests/tui/tui-lib.sh"
tui_lab_begin

# decodes NAME URL THEME [OPTION...]: the QR screen, captured now, seen on
# THEME, decodes to exactly URL with a quiet zone of 4 modules or more. The
# code's rows lie between the line above it and the address below it.
decodes() {
  local name=$1 url=$2 theme=$3 first last got info quiet
  shift 3
  qr_capture "$work" "$name"
  first=$(grep -n -m1 "Scan the code" "$work/$name.text" | cut -d: -f1)
  last=$(awk -v f="${first:-0}" -v u="$url" 'NR > f && index($0, u) { print NR; exit }' "$work/$name.text")
  [ -n "$first" ] && [ -n "$last" ] || return 1
  got=$(qr_decode "$work" "$name" "$first" "$last" "$theme" "$@") || return 1
  info=$(cat "$work/$name.$theme.info")
  quiet=${info##*quiet=}
  diag "$name on a $theme theme: $info, decoded: $got"
  [ "$got" = "$url" ] && [ "$quiet" -ge 4 ]
}

printer=$(lab_device_host printer) shelly=$(lab_device_host shelly)
printer_url="https://$(lab_device_ip printer):8631/" # its adminurl, on its IPv4 address
shelly_url="http://$(lab_device_ip shelly)/"

tui_start -s 100x40
check "the printer shows up" wait_ms 15000 on_screen "Printer"
check "the printer's details open" open_device "$printer"
check "details name the settings page and the key" \
  on_screen "Settings page: $printer_url (press c for a QR code)"
check "the function bar offers the QR code" on_screen "c QR code"
tm send-keys -t iot c
check "c opens the QR screen" wait_ms 3000 on_screen "Settings page QR code"
check "the address is printed under the code" on_screen "$printer_url"
check "printer: half blocks on screen" eval 'screen | grep -q "[▀▄█]"'
check "printer: decodes exactly on a light theme" wait_ms 3000 decodes printer "$printer_url" light
check "printer: decodes exactly on a dark theme" decodes printer "$printer_url" dark

# Too small: a message with the size needed, no code; back to normal after.
tm resize-window -t iot -x 40 -y 15
check "40x15: says the window is too small" wait_ms 3000 on_screen "The window is too small"
check "40x15: no code drawn" eval '! screen | grep -q "[▀▄█]"'
diag "40x15 shows: $(screen | tr -s ' \n' ' ')"
# 20x8: the smallest size we promise to survive; the program stays up.
tm resize-window -t iot -x 20 -y 8
check "20x8: says it is too small, no code drawn, still running" wait_ms 3000 eval 'on_screen small && ! screen | grep -q "[▀▄█]" && ! on_screen "EXIT="'
diag "20x8 shows: $(screen | tr -s ' \n' ' ')"
tm resize-window -t iot -x 100 -y 40
check "100x40 again: the code is back and decodes" wait_ms 3000 decodes printer-again "$printer_url" dark

tm send-keys -t iot Escape
check "Esc goes back to the details" wait_ms 3000 on_screen "Host name: $printer.local"
tm send-keys -t iot Escape
wait_ms 3000 on_screen "Devices on your network"
check "the Shelly's details open" open_device "$shelly"
tm send-keys -t iot c
check "Shelly: QR screen" wait_ms 3000 on_screen "Settings page QR code"
check "Shelly: decodes exactly on a dark theme" wait_ms 3000 decodes shelly "$shelly_url" dark
tm send-keys -t iot q
check "q quits from the QR screen with status 0" wait_ms 3000 on_screen "EXIT=0"

# The details screen shows the address too, so each QR screen is awaited by
# its title, and decoding is retried until the whole code has been drawn
# (a slower build, such as the sanitizer one, draws while the test looks).

# LANG=C: two cells a module in black and white colour pairs.
tui_start -s 100x40 LANG=C LC_ALL=C
wait_ms 15000 on_screen "Printer" && open_device "$printer" && tm send-keys -t iot c
check "LANG=C: QR screen" wait_ms 3000 on_screen "Settings page QR code"
check "LANG=C: decodes exactly on a light theme" \
  wait_ms 3000 decodes c-light "$printer_url" light --two-chars
check "LANG=C: no half blocks" eval '! screen | grep -q "[▀▄█]"'
check "LANG=C: decodes exactly on a dark theme" decodes c-dark "$printer_url" dark --two-chars
tm send-keys -t iot q

# No colour (ui.color = false): two cells a module, light ones in reverse
# video, which reads right on the usual light-on-dark terminal.
mkdir -p "$XDG_CONFIG_HOME/iotsetup"
printf 'ui = { color = false; };\n' >"$XDG_CONFIG_HOME/iotsetup/iotsetup.conf"
tui_start -s 100x40
wait_ms 15000 on_screen "Printer" && open_device "$printer" && tm send-keys -t iot c
check "no colour: QR screen" wait_ms 3000 on_screen "Settings page QR code"
check "no colour: decodes exactly on a dark theme" \
  wait_ms 3000 decodes mono "$printer_url" dark --two-chars --ink-theme dark
tm send-keys -t iot q
rm -f "$XDG_CONFIG_HOME/iotsetup/iotsetup.conf"

tap_done
