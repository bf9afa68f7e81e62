#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# wizard-table.sh - the device x step x result table of the setup wizard,
# measured in the lab (never the machine's own namespace): runs the TUI
# tests that drive the real assistant through password -> updates ->
# personal data -> summary and prints, per device and step, what each
# reported (its TAP lines carry the guideline results, the evidence and
# the milliseconds). Devices: the simulated Shelly Gen2 (update available,
# none, offline, vanishing; reset) through tests/tui/update-data-tui.sh,
# real Homebridge 1.11.4 with UI 4.76.0 and 4.42.0 through
# tests/tui/update-data-hb-tui.sh (IOTSETUP_HB_UI selects the version).
#
# Output: each run's TAP lines grouped under "## device", then
# "BENCH name=value unit" lines for the timings. Exit 0 when every run
# passed, 1 otherwise.
#
# Usage (root):  tests/bench/wizard-table.sh
set -u
SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
export IOTSETUP_SRCDIR=$SRCDIR
export IOTSETUP_BUILDDIR=${IOTSETUP_BUILDDIR:-$SRCDIR/_build}
export IOTSETUP_BIN=${IOTSETUP_BIN:-$IOTSETUP_BUILDDIR/iotsetup}
rc=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT INT TERM

# run LABEL ENV... SCRIPT: one TAP run, its lines under "## LABEL".
run() {
  local label=$1 t0 t1
  shift
  echo "## $label"
  t0=$(date +%s%N)
  env "$@" >"$out" 2>&1 || rc=1
  t1=$(date +%s%N)
  grep -E '^(not )?ok |^# ' "$out" | grep -v "lab comes up"
  echo "BENCH ${label// /_}_total_ms=$(((t1 - t0) / 1000000)) ms"
  # Every "(N ms)" in an ok line, named by its first words.
  grep -E '^ok .*\(([0-9]+) ms\)' "$out" | sed -E 's/^ok [0-9]+ - ([^:(]*).*\(([0-9]+) ms\).*/\1 \2/' |
    while read -r line; do
      ms=${line##* }
      name=${line% *}
      name=$(printf '%s' "$name" | tr -cs 'A-Za-z0-9' '_' | cut -c1-40)
      echo "BENCH ${label// /_}.${name%_}=$ms ms"
    done
}

run "shelly-sim (update available, none, offline, vanishing; reset)" bash "$SRCDIR/tests/tui/update-data-tui.sh"
run "homebridge 4.76.0" IOTSETUP_HB_UI=4.76.0 bash "$SRCDIR/tests/tui/update-data-hb-tui.sh"
run "homebridge 4.42.0" IOTSETUP_HB_UI=4.42.0 bash "$SRCDIR/tests/tui/update-data-hb-tui.sh"
exit $rc
