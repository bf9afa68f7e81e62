#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The assistant in other languages, as a person sees it: the real binary in
# tmux inside the lab, under de_DE.UTF-8, ja_JP.UTF-8 and uk_UA.UTF-8, with
# a catalog tree made from the built catalogs. At 100x30 and at 40x12 the
# title, the column headers and the function bar are translated, no line is
# wider than the terminal in display cells (CJK takes two), and the headers
# start at the cells where the rows' columns start; in the detail view text
# wraps at word boundaries (German's long words too). Then the language
# picker switches a running assistant from English to German, Japanese and
# back, without a restart, a message already on screen included, and from
# the C locale. Expected texts come from the catalogs themselves.
# Needs root (the lab), tmux and the three locales (build-aux/dev.sh deps
# generates them); skips otherwise.
set -u
. "$(dirname "$0")/../lib.sh"
command -v tmux >/dev/null || { echo "1..0 # SKIP tmux is not installed"; exit 0; }
LOCALES=(de_DE.UTF-8 ja_JP.UTF-8 uk_UA.UTF-8)
for loc in "${LOCALES[@]}"; do
  have_locale "$loc" ||
    { echo "1..0 # SKIP the locale $loc is missing (build-aux/dev.sh deps generates it)"; exit 0; }
done
# This script's own tools (tmux, python) read and write UTF-8 whatever the
# caller's locale; the assistant gets only the locale each run names.
export LC_ALL=C.UTF-8 PYTHONUTF8=1

# A server (socket) per start, so one shutting down never meets the next.
run=0
# shellcheck disable=SC2154 # $work: made by lab_test_begin
tm() { tmux -S "$work/tmux-$run.sock" "$@"; }
tm_cleanup() { tm_stop; }
lab_test_begin tm_cleanup
ok "lab comes up"

if catalog_tree "$work/locale"; then
  ok "a catalog tree from the built catalogs"
else
  not_ok "a catalog tree from the built catalogs (no locale/*.gmo)"
  tap_done
  exit 1
fi

# t LANG MSGID [ARG...]: MSGID as LANG's catalog translates it, with its %s
# filled in from ARG... ("en": as written).
t() {
  "$PYTHON3" - "$work/locale" "$@" <<'EOF'
import gettext, sys
tree, lang, msgid, *args = sys.argv[1:]
text = gettext.translation("iotsetup", tree, [lang], fallback=lang == "en").gettext(msgid)
print(text % tuple(args) if args else text)
EOF
}
# first_chars N TEXT: the first N characters (not bytes) of TEXT.
first_chars() { "$PYTHON3" -c 'import sys; print(sys.argv[2][: int(sys.argv[1])])' "$1" "$2"; }

screen() { tm capture-pane -p -t iot; }
on_screen() { screen | grep -qF -- "$1"; }
not_on_screen() { ! on_screen "$1"; }
all_on_screen() { local s p; s=$(screen); for p in "$@"; do grep -qF -- "$p" <<<"$s" || return 1; done; }
title_has() { screen | head -n 1 | grep -qF -- "$1"; }
bar_has() { local b p; b=$(screen | tail -n 1); for p in "$@"; do grep -qF -- "$p" <<<"$b" || return 1; done; }
screen_check() { screen | "$PYTHON3" "$SRCDIR/tests/tui/screen-check.py" "$@"; }
iot_pid() { pgrep -x -P "$(tm display -p -t iot '#{pane_pid}')" iotsetup; }

# expect DESCRIPTION COMMAND...: check, showing the reason and the screen
# when it fails.
expect() {
  local d=$1
  shift
  if "$@" 2>"$work/why"; then
    ok "$d"
  else
    not_ok "$d"
    [ -s "$work/why" ] && diag "$(tail -n 1 "$work/why")"
    screen | sed 's/^/# | /'
  fi
}

# start_tui LOCALE [ENV...]: the assistant in a fresh 100x30 pane in the
# lab's host namespace, in LOCALE and nothing else (no LANGUAGE, LC_ALL),
# with a state directory of its own (every device is new); the pane's shell
# prints EXIT=<code> afterwards.
start_tui() {
  local loc=$1
  shift
  tm_stop
  run=$((run + 1))
  tm -f /dev/null new-session -d -s iot -x 100 -y 30 \
    "env -u LANGUAGE -u LC_ALL -u LC_MESSAGES -u LC_CTYPE TERM=screen-256color LANG=$loc $* IOTSETUP_LOCALEDIR='$work/locale' XDG_STATE_HOME='$work/state-$run' ip netns exec '$LAB_HOST_NS' env DBUS_SYSTEM_BUS_ADDRESS='$LAB_BUS' '$IOTSETUP_BIN'; echo EXIT=\$?; sleep 3600"
  tm set-option -t iot remain-on-exit on >/dev/null
}

# open_device LIST_TITLE HOST_LINE: from the list, opens the device whose
# details show HOST_LINE.
open_device() {
  tm send-keys -t iot Home
  for _ in $(seq 1 12); do
    tm send-keys -t iot Enter
    if wait_ms 1000 on_screen "$2"; then return 0; fi
    tm send-keys -t iot Escape
    wait_ms 1000 title_has "$1"
    tm send-keys -t iot Down
  done
  return 1
}

# scroll_until COMMAND...: scrolls the detail view from the top, a line at
# a time, until COMMAND holds.
scroll_until() {
  tm send-keys -t iot Home
  for _ in $(seq 1 20); do
    wait_ms 400 "$@" && return 0
    tm send-keys -t iot Down
  done
  return 1
}

# The lab's devices, by the names the list shows.
XDG_STATE_HOME="$work/scan-state" lab_host_exec "$IOTSETUP_BIN" scan --json --timeout 10 >"$work/scan.json" 2>/dev/null
check "a scan lists the lab devices first" [ -s "$work/scan.json" ]
mapfile -t shown < <("$PYTHON3" -c 'import json,sys; [print(d["name"]) for d in json.load(open(sys.argv[1]))["devices"]]' "$work/scan.json")
shelly=$(lab_device_host shelly)
shelly_url="http://$(lab_device_ip shelly)/"

for loc in "${LOCALES[@]}"; do
  lang=${loc%%_*}
  title=$(t "$lang" "Devices on your network")
  h_name=$(t "$lang" Name) h_kind=$(t "$lang" Kind) h_addr=$(t "$lang" Address)
  h_svc=$(t "$lang" Services)
  b_help=$(t "$lang" Help) b_open=$(t "$lang" Details) b_lang=$(t "$lang" Language)
  b_quit=$(t "$lang" Quit)
  check "$lang: the catalog translates the title" [ "$title" != "Devices on your network" ]

  start_tui "$loc"
  expect "$lang: the lab devices appear" wait_ms 15000 all_on_screen "${shown[@]}"
  expect "$lang 100x30: the title is translated" title_has "iotsetup · $title"
  expect "$lang 100x30: the column headers are translated" all_on_screen "$h_name" "$h_kind" "$h_addr" "$h_svc"
  expect "$lang 100x30: the function bar is translated" \
    bar_has "F1 $b_help" "$b_open" "F2 $b_lang" "q $b_quit"
  expect "$lang 100x30: no line is wider than 100 cells" screen_check fits 100 30
  expect "$lang 100x30: the headers start where the row columns start" \
    screen_check aligned 30 "$h_name" "$h_kind" "?$h_addr" "$h_svc"

  tm resize-window -t iot -x 40 -y 12
  narrow() { screen_check fits 40 12 && not_on_screen "$h_kind" && bar_has "F1 $b_help"; }
  expect "$lang 40x12: redrawn narrow, no line wider than 40 cells" wait_ms 3000 narrow
  expect "$lang 40x12: the title is translated" title_has "iotsetup · $(first_chars 3 "$title")"
  expect "$lang 40x12: the function bar is translated" bar_has "F1 $b_help"
  expect "$lang 40x12: the name column starts under its header" screen_check aligned 12 "$h_name"

  tm resize-window -t iot -x 100 -y 30
  wait_ms 3000 on_screen "$h_kind"
  expect "$lang: the Shelly's details open" open_device "$title" "$(t "$lang" "Host name: %s" "$shelly.local")"
  expect "$lang detail: the title is translated" title_has "iotsetup · $(t "$lang" "Device details")"
  expect "$lang detail 100x30: no line is wider than 100 cells" screen_check fits 100 30
  tm resize-window -t iot -x 40 -y 12
  expect "$lang detail 40x12: a sentence wraps at word boundaries" \
    wait_ms 3000 screen_check wrapped "$(t "$lang" "This computer has not seen this device before.")"
  expect "$lang detail 40x12: no line is wider than 40 cells" screen_check fits 40 12
  if [ "$lang" = de ]; then
    # "Einstellungsseite", an address and "QR-Code" on one logical line.
    expect "de detail 40x12: the settings page line wraps at word boundaries" \
      scroll_until screen_check wrapped "$(t de "Settings page: %s (press %s for a QR code)" "$shelly_url" c)"
  fi
  tm send-keys -t iot q
  expect "$lang: q quits with status 0" wait_ms 3000 on_screen "EXIT=0"
done

# The picker: a running assistant changes language, without a restart.
start_tui C.UTF-8
expect "English: the lab devices appear" wait_ms 15000 all_on_screen "${shown[@]}"
pid=$(iot_pid)
expect "English: the function bar offers the picker" bar_has "F2 Language"
tm send-keys -t iot F2
expect "F2 opens the picker" wait_ms 3000 title_has "iotsetup · Language"
expect "the picker lists every language in its own name" \
  all_on_screen English Deutsch Français Español Polski Русский Українська 简体中文 日本語
expect "the picker marks the language in use" on_screen "✓ English"
expect "the picker: no line is wider than 100 cells" screen_check fits 100 30

tm send-keys -t iot Down Enter
expect "Deutsch chosen: the list is in German at once" \
  wait_ms 3000 title_has "iotsetup · $(t de "Devices on your network")"
expect "Deutsch: headers and function bar in German" \
  all_on_screen "$(t de Kind)" "$(t de Services)" "F2 $(t de Language)" "q $(t de Quit)"
expect "Deutsch: the same process, not a restart" [ "$(iot_pid)" = "$pid" ]

tm send-keys -t iot L
expect "L opens the picker, now titled in German" wait_ms 3000 title_has "iotsetup · $(t de Language)"
expect "the picker marks Deutsch now" on_screen "✓ Deutsch"
tm send-keys -t iot End Enter
expect "日本語 chosen: the list is in Japanese at once" \
  wait_ms 3000 title_has "iotsetup · $(t ja "Devices on your network")"
expect "日本語: headers and function bar in Japanese" \
  all_on_screen "$(t ja Kind)" "$(t ja Services)" "F2 $(t ja Language)" "q $(t ja Quit)"
expect "日本語: no line is wider than 100 cells" screen_check fits 100 30
expect "日本語: the headers start where the row columns start" \
  screen_check aligned 30 "$(t ja Name)" "$(t ja Kind)" "?$(t ja Address)" "$(t ja Services)"
tm send-keys -t iot Enter
expect "日本語: the details are in Japanese too" wait_ms 3000 title_has "iotsetup · $(t ja "Device details")"
tm send-keys -t iot Escape
wait_ms 3000 title_has "$(t ja "Devices on your network")"

# A message already on screen follows the switch: discovery's, when the
# host's avahi-daemon goes away.
avahi_message() {
  local lang=$1 a b
  a=$(first_chars 12 "$(t "$lang" "The Avahi daemon stopped. Waiting for it to come back…")")
  b=$(first_chars 12 "$(t "$lang" "The Avahi daemon is not running, so devices cannot be found. Start it with: sudo systemctl start avahi-daemon")")
  on_screen "$a" || on_screen "$b"
}
lab_host_avahi_stop
expect "日本語: the Avahi message is in Japanese" wait_ms 5000 avahi_message ja
tm send-keys -t iot F2
wait_ms 3000 title_has "iotsetup · $(t ja Language)"
tm send-keys -t iot Home Enter
expect "English again: the list is in English at once" wait_ms 3000 title_has "iotsetup · Devices on your network"
expect "English again: the Avahi message is in English now" wait_ms 3000 avahi_message en
expect "English again: the same process, not a restart" [ "$(iot_pid)" = "$pid" ]
lab_host_avahi_start
tm send-keys -t iot q
expect "q quits with status 0 after the switches" wait_ms 3000 on_screen "EXIT=0"

# Started in the C locale (no UTF-8): gettext ignores LANGUAGE there, so a
# switch must move the messages locale; the names are shown romanized.
start_tui C
expect "C locale: the lab devices appear" wait_ms 15000 all_on_screen "${shown[@]}"
tm send-keys -t iot F2
expect "C locale: the picker shows the names romanized" \
  wait_ms 3000 all_on_screen "* English" Deutsch Francais Russkiy Nihongo
tm send-keys -t iot Down Enter
expect "C locale: Deutsch chosen, the list is in German" \
  wait_ms 3000 all_on_screen "$(t de Services)" "q $(t de Quit)"
expect "C locale: no line is wider than 100 cells" screen_check fits 100 30
tm send-keys -t iot q
expect "C locale: q quits with status 0" wait_ms 3000 on_screen "EXIT=0"

tap_done
