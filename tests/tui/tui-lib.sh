# SPDX-License-Identifier: GPL-3.0-or-later
# Shared pieces of the tests that drive the real assistant in tmux inside
# the lab: one tmux server per start (so a server shutting down never meets
# the next), the screen as text, opening a device's details from the list,
# and reading a QR code off a captured screen with zbarimg. Source it after
# tests/lib.sh, then call tui_lab_begin. Sourced, not run.
# shellcheck shell=bash disable=SC2154 # $work, $LAB_*: made by lab_test_begin

tui_run=0
tm() { tmux -S "$work/tmux-$tui_run.sock" "$@"; }

# tui_lab_begin [EXTRA_CLEANUP]: skips (exit 0) without tmux or zbarimg,
# brings the lab up (one TAP point) and stops tmux on the way out.
tui_lab_begin() {
  local tool
  for tool in tmux zbarimg; do
    command -v "$tool" >/dev/null || { echo "1..0 # SKIP $tool is not installed"; exit 0; }
  done
  TUI_EXTRA_CLEANUP=${1:-}
  lab_test_begin tui_cleanup
  ok "lab comes up"
  zbar_opts=(--raw -q)
  if zbarimg --help 2>&1 | grep -q -- --nodbus; then zbar_opts+=(--nodbus); fi
}
tui_cleanup() {
  tm_stop
  if [ -n "${TUI_EXTRA_CLEANUP:-}" ] && declare -F "$TUI_EXTRA_CLEANUP" >/dev/null; then "$TUI_EXTRA_CLEANUP"; fi
}

screen() { tm capture-pane -p -t iot; }
on_screen() { screen | grep -qF -- "$1"; }
not_on_screen() { ! on_screen "$1"; }
all_on_screen() { local s p; s=$(screen); for p in "$@"; do grep -qF -- "$p" <<<"$s" || return 1; done; }
iot_pid() { pgrep -x -P "$(tm display -p -t iot '#{pane_pid}')" iotsetup; }
iot_running() { iot_pid >/dev/null; }

# tui_start [-s COLSxROWS] [-c] [-r RAW] [VAR=VALUE...]: the assistant in
# a fresh pane (100x45 unless -s) inside the lab's host namespace, with
# extra environment; stderr goes to $work/stderr.log, and the pane's shell
# prints EXIT=<status> afterwards. -c allows core files first, so that a
# test can see the program turn them off while it holds a secret. -r keeps
# everything the program writes to the terminal, byte for byte, in RAW.
tui_start() {
  local cols=100 rows=45 pre="" raw=""
  while [ $# -gt 0 ]; do
    case $1 in
      -s) cols=${2%x*} rows=${2#*x}; shift 2 ;;
      -c) pre="ulimit -c unlimited; "; shift ;;
      -r) raw=$2; shift 2 ;;
      *) break ;;
    esac
  done
  tm_stop
  tui_run=$((tui_run + 1))
  tm -f /dev/null new-session -d -s iot -x "$cols" -y "$rows" \
    "${pre}env TERM=screen-256color LANG=C.UTF-8 IOTSETUP_TRACE='$work/trace-$tui_run.log' $* XDG_STATE_HOME='$work/state' ip netns exec '$LAB_HOST_NS' env DBUS_SYSTEM_BUS_ADDRESS='$LAB_BUS' '$IOTSETUP_BIN' 2>>'$work/stderr.log'; echo EXIT=\$?; sleep 3600"
  if [ -n "$raw" ]; then
    tm set-option -t iot remain-on-exit on >/dev/null
    tm pipe-pane -t iot -o "cat >>'$raw'"
  fi
}
# tui_socket: the tmux socket of the current start, for tools of its own.
tui_socket() { echo "$work/tmux-$tui_run.sock"; }

# open_device HOST: from the list, opens the device whose details name HOST.
open_device() {
  local _
  tm send-keys -t iot Home
  for _ in $(seq 1 12); do
    tm send-keys -t iot Enter
    if wait_ms 1000 on_screen "Host name: $1.local"; then return 0; fi
    tm send-keys -t iot Escape
    wait_ms 1000 on_screen "Devices on your network"
    tm send-keys -t iot Down
  done
  return 1
}

# qr_capture DIR NAME: the screen now, with its colours (DIR/NAME.screen)
# and as text (DIR/NAME.text), for qr_decode.
qr_capture() {
  tm capture-pane -p -e -N -t iot >"$1/$2.screen"
  tm capture-pane -p -t iot >"$1/$2.text"
}

# qr_decode DIR NAME FIRST LAST THEME [OPTION...]: decodes the code drawn on
# the text lines FIRST+1 .. LAST-1 (as grep -n counts them) of the captured
# screen seen on THEME; prints what zbarimg read. DIR/NAME.info gets the
# code's geometry (with its quiet zone as quiet=N).
qr_decode() {
  local dir=$1 name=$2 first=$3 last=$4 theme=$5
  shift 5
  # grep -n counts from 1: the code is on rows first .. last-2 counted from 0.
  "$PYTHON3" "$SRCDIR/tests/qr/screen-to-pbm.py" --theme "$theme" --rows "$first:$((last - 2))" "$@" \
    <"$dir/$name.screen" >"$dir/$name.$theme.pbm" 2>"$dir/$name.$theme.info" || return 1
  zbarimg "${zbar_opts[@]}" "$dir/$name.$theme.pbm" 2>/dev/null
}

# show: the screen as diagnostics, except a password's hand-over screen,
# then the end of the assistant's trace (keys and what they did; no typed
# character is in it).
show() {
  if on_screen "The new password for"; then diag "(the password screen: not shown)"; else screen | sed 's/^/# /'; fi
  trace_end
}
trace_end() {
  diag "The trace's end (µs since boot; stall: the main loop ran nothing for that long):"
  tail -n 25 "$work/trace-$tui_run.log" 2>/dev/null | sed 's/^/#   /'
}

# setup_to_handover HOST: from the list, HOST's details, Enter (its whole
# setup), a generated password set and verified on the device (guideline 1
# PASS), then its hand-over; sets pw to the password shown there.
setup_to_handover() {
  open_device "$1" && tm send-keys -t iot Enter && wait_ms 10000 on_screen "Make a strong password for me" &&
    tm send-keys -t iot Enter && wait_ms 10000 on_screen "Setting the password on" &&
    tm send-keys -t iot Enter && wait_ms 20000 on_screen "Guideline 1: PASS" &&
    tm send-keys -t iot Enter && wait_ms 10000 on_screen "The new password for" &&
    pw=$(shown_password) && [ -n "$pw" ]
}

# update_offered: the update step offers a newer version (its consent; the
# words "is available" alone are in "Asking the device whether an update is
# available" too, where Enter does nothing).
update_offered() { screen | grep -qE 'version [^ ]+ is available'; }

# start_update: at the update step's consent, Enter, and the install runs.
# When it has not begun 10 s later, it fails with the end of the
# assistant's trace (keys, what they did, redraws, main-loop stalls).
start_update() {
  wait_ms 20000 update_offered || return 1
  tm send-keys -t iot Enter
  wait_ms 10000 on_screen "of at most" && return 0
  diag "Enter at the update's consent: no install 10 s later."
  trace_end
  return 1
}

# shown_password: the generated password as the hand-over screen draws it
# (one cell between characters), put back together.
PASSWORD_LINE='^ +([acdefhjkmnprtwxy34679-] ){20,}'
shown_password() { screen | grep -m1 -E "$PASSWORD_LINE" | tr -d ' '; }

# leaked TEXT [DIR...]: TEXT is in a file of the run's tree (state,
# configuration, stderr, tmux sockets) or of DIR, or in the running
# assistant's environment or arguments.
leaked() {
  local text=$1 pid
  shift
  grep -rqF -- "$text" "$work" "$@" 2>/dev/null && return 0
  pid=$(iot_pid) || return 1
  tr '\0' '\n' <"/proc/$pid/environ" | grep -qF -- "$text" && return 0
  tr '\0' '\n' <"/proc/$pid/cmdline" | grep -qF -- "$text"
}
