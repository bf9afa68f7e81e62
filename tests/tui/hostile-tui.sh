#!/bin/bash
# The assistant in tmux on a hostile network: the hostile device (escape
# sequences, C1, invalid UTF-8, bidi, NUL), a device at the size limits
# (63-byte labels, a 300-key TXT record) and a service that is announced and
# withdrawn every 100 ms, all at once. It keeps answering keys (F1 opens the
# help within the bound below while the flapping goes on; the figures are
# printed, and tests/bench/key-latency.sh measures them against the 100 ms
# target), shows the hostile text sanitized, and no control sequence from a
# device reaches the terminal: checked on the raw pty stream (tmux
# pipe-pane), which must also be valid UTF-8 throughout.
set -u
. "$(dirname "$0")/../lib.sh"

# shellcheck source-path=SCRIPTDIR source=tui-lib.sh
. "$SRCDIR/tests/tui/tui-lib.sh"
tui_lab_begin

check "hostile device added" lab_add_hostile
check "device at the size limits added" lab_add_extreme
check "flapping device added (every 100 ms)" lab_add_flapper flapper 100

tui_start -s 100x30 -r "$work/pane.raw"
pid=
wait_ms 5000 eval 'pid=$(iot_pid)'
check "the assistant runs" [ -n "$pid" ]
check "the hostile device shows" wait_ms 10000 on_screen 'semi;colon.dot\back"quote'
check "the device at the size limits shows" wait_ms 10000 on_screen "Many Keys Plug"

# Let the flapping run a while, then time keypresses while it goes on.
sleep 3
cpu0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
if "$PYTHON3" "$SRCDIR/tests/tui/key-latency.py" "$(tui_socket)" iot F1 \
  "Keys (any key closes this help)" Escape 10 1000 >"$work/latency" 2>&1; then
  ok "every keypress answered within 1 s while a service flaps every 100 ms"
else
  not_ok "every keypress answered within 1 s while a service flaps every 100 ms"
fi
diag "$(tail -n 1 "$work/latency")"
cpu1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
diag "CPU used meanwhile: $(( (cpu1 - cpu0) * 1000 / $(getconf CLK_TCK) )) ms; RSS $(awk '/VmRSS/ {print $2, $3}' "/proc/$pid/status")"

# The detail view of the 300-key device opens and the screen stays whole.
# Its row, counted from the first device row (the line after the header).
row=$(screen | awk '/Many Keys Plug/ {print NR - 3; exit}')
tm send-keys -t iot Home
for (( i = 0; i < row; i++ )); do tm send-keys -t iot Down; done
tm send-keys -t iot Enter
check "the 300-key device's details open" wait_ms 3000 on_screen "k001"
# Past the 128 keys shown (the rest are dropped: the TXT bound), the other
# services follow, one of them named with an escape sequence.
for (( i = 0; i < 12; i++ )); do tm send-keys -t iot NPage; done
check "… paging reaches its escape-laden 63-byte name, shown with a visible escape symbol" \
  wait_ms 2000 on_screen "␛[41mRRR"
check "still running after paging through 300 keys" kill -0 "$pid"
tm send-keys -t iot Escape

check "q quits with status 0 after all this" sh -c 'sleep 0.3; tmux -S "$1" send-keys -t iot q' _ "$(tui_socket)"
check "… and the shell saw it" wait_ms 3000 on_screen "EXIT=0"

# The raw bytes the program wrote to its terminal: no device's control
# sequence, no bidi override, valid UTF-8 from start to end.
if "$PYTHON3" - "$work/pane.raw" >"$work/raw.out" 2>&1 <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
bad = {
    "ESC [31m PWNED (a device's colour)": b"\x1b[31mPWNED",
    "ESC [41m (the 63-byte label's colour)": b"\x1b[41mRRR",
    "ESC ]0; (set window title)": b"\x1b]0;",
    "ESC [5m evil-host": b"\x1b[5mevil",
    "ESC [8m hidden model": b"\x1b[8mhidden",
    "RLO U+202E": "\u202e".encode(),
    "LRI U+2066": "\u2066".encode(),
}
found = [k for k, v in bad.items() if v in data]
try:
    data.decode("utf-8")
except UnicodeDecodeError as e:
    found.append(f"invalid UTF-8 at byte {e.start}")
print(f"{len(data)} bytes checked")
print("\n".join(found))
sys.exit(1 if found else 0)
PY
then
  ok "the raw pty stream holds no device control sequence and is valid UTF-8"
else
  not_ok "the raw pty stream holds no device control sequence and is valid UTF-8"
fi
diag "$(tr '\n' ' ' <"$work/raw.out")"
tap_done
