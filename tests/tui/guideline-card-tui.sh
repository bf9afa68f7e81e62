#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The guideline card of the real assistant, in tmux inside the lab: from the
# Shelly's details (auth off, as out of the box), v opens the card; the
# checks run with a progress line and end with the 13 guidelines, each with
# its result as a word; guideline 1 is FAIL with the auth_en evidence; a
# MANUAL question (guideline 4) answered with y becomes PASS "answered by
# the person"; back in the list the device carries a FAIL badge. Needs
# root for the lab; skips otherwise.
set -u
. "$(dirname "$0")/../lib.sh"
# shellcheck source-path=SCRIPTDIR source=tui-lib.sh
. "$SRCDIR/tests/tui/tui-lib.sh"
tui_lab_begin

line_matches() { screen | grep -qE -- "$1"; }

tui_start -s 110x40
shelly=$(lab_device_host shelly)
wait_ms 15000 on_screen "$shelly"
check "the Shelly's details open" open_device "$shelly"
check "the details show the guideline key in the bar" on_screen "Check guidelines"
tm send-keys -t iot v
check "the card shows guideline 1 FAIL when the checks are done" \
  wait_ms 20000 line_matches '^ +1 +FAIL +No default passwords \(ETSI 5\.1\)'
check "the card lists all 13 guidelines with a result word" \
  bash -c '[ "$(grep -cE "^ +[0-9]+ +(PASS|FAIL|WARN|MANUAL|N/A) " <<<"$1")" = 13 ]' sh "$(screen)"
check "guideline 1's evidence: auth_en false, with the device's URL" \
  on_screen "need no password (auth_en false)"
screen >"$work/card-before.txt"

# Guideline 4 (storing credentials) is a question only the person answers.
tm send-keys -t iot Down Down Down
check "guideline 4 is MANUAL and the card asks" \
  wait_ms 2000 line_matches '^ +4 +MANUAL '
check "the status line offers y / n / d" on_screen "Is this true for your device?"
tm send-keys -t iot y
check "answered yes: guideline 4 becomes PASS" wait_ms 2000 line_matches '^ +4 +PASS '
check "with the evidence that the person answered" on_screen "Answered by the person: yes."
tm send-keys -t iot d
check "answered don't know: guideline 4 becomes WARN" wait_ms 2000 line_matches '^ +4 +WARN '

# Back to the list: the Shelly has a FAIL badge; the card again keeps the answer.
tm send-keys -t iot Escape Escape
check "the device list shows the FAIL badge on the Shelly" \
  wait_ms 3000 line_matches "FAIL +$shelly"
open_device "$shelly" && tm send-keys -t iot v
tm send-keys -t iot Down Down Down
check "opened again, the answer is still there (WARN)" wait_ms 20000 line_matches '^ +4 +WARN '

# Leaving while the checks run cancels them; the assistant keeps working.
tm send-keys -t iot Escape v Escape
check "leaving a running card goes back to the details" wait_ms 3000 on_screen "Host name: $shelly.local"
tm send-keys -t iot q
check "the assistant quits cleanly" wait_ms 5000 on_screen "EXIT=0"
check "nothing on stderr" bash -c '! [ -s "$1" ]' sh "$work/stderr.log"
[ -s "$work/stderr.log" ] && diag "$(head -c 800 "$work/stderr.log")"
tap_done
