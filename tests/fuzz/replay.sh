#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Replays every fuzz corpus (tests/fuzz/corpus/TARGET/: seeds, and the
# crashes fuzz.sh saved as regression inputs) through its target, built
# without libFuzzer by `make check` (tests/fuzz/replay-TARGET). Under
# --enable-sanitizers this is the corpus under ASan and UBSan. No network.
set -u
. "$(dirname "$0")/../lib.sh"

builddir=${IOTSETUP_BUILDDIR:-$(dirname "$IOTSETUP_BIN")}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

for target in txt config qr device-url scan-json shelly homebridge profile; do
  corpus="$SRCDIR/tests/fuzz/corpus/$target"
  n_files=$(find "$corpus" -maxdepth 1 -type f ! -name '.*' | wc -l)
  "$builddir/tests/fuzz/replay-$target" "$corpus" >"$work/out" 2>"$work/err"
  rc=$?
  ran=$(tail -n 1 "$work/out")
  if [ "$rc" -eq 0 ] && [ "$ran" = "$n_files" ] && [ "$n_files" -gt 0 ]; then
    ok "$target: all $n_files corpus inputs replay cleanly"
  else
    not_ok "$target: corpus replay (exit $rc, $ran of $n_files inputs)"
    # The input that failed is the last one named, then the report.
    tail -n 30 "$work/err" | sed 's/^/# /'
  fi
done
tap_done
