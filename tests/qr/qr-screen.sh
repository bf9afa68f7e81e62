#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# QR codes as a person's phone sees them: `iotsetup qr` runs in a real
# terminal (tmux, its own socket), the pane is captured with its colours,
# turned back into an image (tests/qr/screen-to-pbm.py) as it would look on a
# light and on a dark terminal theme, and decoded with zbarimg. Every code
# must decode to exactly the text given and keep a 4-module quiet zone of its
# own; a window too small gets a message, never a broken code.
set -u
. "$(dirname "$0")/../lib.sh"

for tool in tmux zbarimg; do
  if ! command -v "$tool" >/dev/null; then
    echo "1..0 # SKIP $tool is not installed (packages tmux, zbar-tools)"
    exit 0
  fi
done

work=$(mktemp -d)
export XDG_CONFIG_HOME="$work/config" # no personal ui.color in tests
sock="$work/tmux.sock"
tm() { tmux -S "$sock" "$@"; }
cleanup() {
  tm_stop
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# zbar 0.23.9x also announces what it read on the system bus unless told not to.
zbar_opts=(--raw -q)
zbarimg --help 2>&1 | grep -q -- --nodbus && zbar_opts+=(--nodbus)

# run_qr NAME COLSxROWS SOURCE ENV [QR-OPTION...]: runs `iotsetup qr` with the
# text in $work/NAME.txt, as an argument (SOURCE=arg) or piped on standard
# input with a newline after it (SOURCE=stdin), in a fresh COLSxROWS pane
# with the environment ENV ("VAR=value ..."). Waits for it to exit, then
# leaves the screen with colours in NAME.screen, as plain joined text in
# NAME.text, and the exit status in NAME.rc.
run_qr() {
  local name=$1 size=$2 source=$3 envs=$4
  shift 4
  local run="env -u NO_COLOR -u LANGUAGE -u LC_ALL -u LC_CTYPE -u LC_MESSAGES $envs '$IOTSETUP_BIN' qr $*"
  local text="\"\$(cat '$work/$name.txt')\""
  if [ "$source" = stdin ]; then run="printf '%s\\n' $text | $run -"; else run="$run $text"; fi
  printf '%s\n' '#!/bin/bash' "$run" "echo \$? >'$work/$name.rc'" 'exec sleep 3600' >"$work/$name.sh"
  tm -f /dev/null new-session -d -s "$name" -x "${size%x*}" -y "${size#*x}" "bash '$work/$name.sh'"
  if ! wait_ms 10000 test -s "$work/$name.rc"; then
    echo timeout >"$work/$name.rc"
  fi
  tm capture-pane -p -e -N -t "$name" >"$work/$name.screen"
  tm capture-pane -p -J -t "$name" >"$work/$name.text"
  tm kill-session -t "$name"
}

# decodes NAME THEME [--two-chars]: the screen of NAME, seen on THEME, holds
# one QR code with a quiet zone of at least 4 modules that decodes to exactly
# the text of NAME.
decodes() {
  local name=$1 theme=$2
  shift 2
  local base="$work/$name.$theme"
  "$PYTHON3" "$SRCDIR/tests/qr/screen-to-pbm.py" --theme "$theme" "$@" \
    <"$work/$name.screen" >"$base.pbm" 2>"$base.info" || return 1
  zbarimg "${zbar_opts[@]}" "$base.pbm" >"$base.out" 2>/dev/null
  printf '%s\n' "$(cat "$work/$name.txt")" >"$base.want" # zbarimg ends each result with \n
  local info quiet
  info=$(cat "$base.info")
  quiet=${info##*quiet=}
  diag "$name on a $theme theme: $info, decoded: $(head -c 300 "$base.out" | tr '\n' '|')"
  cmp -s "$base.want" "$base.out" && [ "$quiet" -ge 4 ]
}

exited_ok() { [ "$(cat "$work/$1.rc")" = 0 ]; }
symbol_size() { sed -n 's/^size=\([0-9]*\)x.*/\1/p' "$work/$1.light.info"; }
has_blocks() { grep -q '[▀▄█]' "$work/$1.text"; }
has_hashes() { grep -q '##' "$work/$1.text"; }

# 1. A short admin URL on an 80x24 terminal, half blocks in black on white.
printf '%s' 'http://192.0.2.10/' >"$work/short.txt"
run_qr short 80x24 arg "LANG=C.UTF-8"
check "short URL: exit 0" exited_ok short
check "short URL: drawn in half blocks" has_blocks short
check "short URL: decodes exactly on a light theme" decodes short light
check "short URL: decodes exactly on a dark theme" decodes short dark

# 2. A long URL needs a bigger version (more modules) than the short one.
printf '%s' 'https://192.0.2.10:8443/cgi-bin/admin/settings.cgi?section=security&tab=password&lang=en-GB&return=%2Fstatus%2Foverview&session=0f1e2d3c4b5a69788796a5b4c3d2e1f0' >"$work/long.txt"
run_qr long 120x50 arg "LANG=C.UTF-8"
check "long URL: exit 0" exited_ok long
check "long URL: decodes exactly on a light theme" decodes long light
check "long URL: decodes exactly on a dark theme" decodes long dark
long_size=$(symbol_size long) short_size=$(symbol_size short)
diag "symbol sizes: short URL ${short_size} modules, long URL ${long_size} modules"
check "long URL: a bigger symbol than the short one" [ "${long_size:-0}" -gt "${short_size:-0}" ]

# 3. A Wi-Fi join string with escaped ; : and " in it.
printf '%s' 'WIFI:T:WPA;S:my\;net;P:pa\:ss\"word;;' >"$work/wifi.txt"
run_qr wifi 80x30 arg "LANG=C.UTF-8"
check "Wi-Fi string: exit 0" exited_ok wifi
check "Wi-Fi string: decodes exactly on a light theme" decodes wifi light
check "Wi-Fi string: decodes exactly on a dark theme" decodes wifi dark

# 4. Text that is not ASCII: the bytes are UTF-8 in 8-bit mode.
printf '%s' 'プリンターの管理ページ' >"$work/japanese.txt"
run_qr japanese 80x30 arg "LANG=C.UTF-8"
check "Japanese text: decodes exactly on a light theme" decodes japanese light
check "Japanese text: decodes exactly on a dark theme" decodes japanese dark
printf '%s' 'Налаштування пристрою: їжак, ґанок, є' >"$work/ukrainian.txt"
run_qr ukrainian 80x30 arg "LANG=C.UTF-8"
check "Ukrainian text: decodes exactly on a light theme" decodes ukrainian light
check "Ukrainian text: decodes exactly on a dark theme" decodes ukrainian dark

# 5. From standard input: the newline echo adds is not part of the text.
printf '%s' 'http://192.0.2.10:8080/setup?id=42' >"$work/stdin.txt"
run_qr stdin 80x24 stdin "LANG=C.UTF-8"
check "standard input: exit 0" exited_ok stdin
check "standard input: decodes exactly, without the newline" decodes stdin light

# 6. No UTF-8 (LANG=C): two characters per module, "##" on black, spaces on
# white, so it is still the right way round on a dark theme.
printf '%s' 'http://192.0.2.10/' >"$work/c-locale.txt"
run_qr c-locale 120x50 arg "LANG=C"
check "LANG=C: exit 0" exited_ok c-locale
check "LANG=C: no half blocks, ## instead" eval '! has_blocks c-locale && has_hashes c-locale'
check "LANG=C: the ## rendering decodes exactly on a light theme" decodes c-locale light --two-chars
check "LANG=C: the ## rendering decodes exactly on a dark theme" decodes c-locale dark --two-chars

# 7. --ascii forces the same in a UTF-8 locale.
printf '%s' 'https://192.0.2.10/admin' >"$work/ascii.txt"
run_qr ascii 120x50 arg "LANG=C.UTF-8" --ascii
check "--ascii: no half blocks" eval '! has_blocks ascii && has_hashes ascii'
check "--ascii: decodes exactly on a dark theme" decodes ascii dark --two-chars

# 8. No colour (NO_COLOR): plain "##" and spaces, which assume dark text on
# a light background, as documented.
printf '%s' 'http://192.0.2.10/' >"$work/no-color.txt"
run_qr no-color 120x50 arg "LANG=C.UTF-8 NO_COLOR=1"
check "NO_COLOR: plain ## rendering, no escape sequences" \
  eval 'has_hashes no-color && ! grep -q $'"'"'\e\['"'"' "$work/no-color.screen"'
check "NO_COLOR: decodes exactly on a light theme" decodes no-color light --two-chars

# 9. A window too small: a message saying so, exit 2, and no partial code.
printf '%s' 'http://192.0.2.10/' >"$work/small.txt"
run_qr small 20x8 arg "LANG=C.UTF-8"
diag "20x8 window shows: $(tr -s ' \n' ' ' <"$work/small.text")"
check "20x8 window: exit 2" [ "$(cat "$work/small.rc")" = 2 ]
check "20x8 window: says it is too small and what it needs" \
  grep -q 'it needs 33x18 characters and has 20x8' "$work/small.text"
check "20x8 window: no code drawn" eval '! has_blocks small && ! has_hashes small'

tap_done
