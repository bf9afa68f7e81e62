#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds every fuzz target with clang's libFuzzer, AddressSanitizer and
# UndefinedBehaviorSanitizer against the core, and fuzzes each one for a
# bounded time, starting from its seed corpus (tests/fuzz/corpus/TARGET/).
#
#   tests/fuzz/fuzz.sh [SECONDS]        SECONDS per target, default 60
#
# Environment: FUZZ_TARGETS (default: all eight), FUZZ_JOBS (targets fuzzed
# at once, default: the number of CPUs), FUZZ_BUILD (build directory,
# default _build-fuzz; it keeps the corpus each target grew, so runs build
# on each other), CC (default clang).
#
# Prints one line per target with its executions, then a summary. A crash,
# leak, timeout or out-of-memory input is copied into the target's corpus
# directory as a regression input (so `make check` replays it from then on)
# and the script exits 1. Needs no network.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-60}
targets=${FUZZ_TARGETS:-txt config qr device-url scan-json shelly homebridge profile}
jobs=${FUZZ_JOBS:-$(nproc)}
build=${FUZZ_BUILD:-$top/_build-fuzz}
cc=${CC:-clang}
case "$seconds" in '' | *[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;; esac

SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
PKGS="glib-2.0 gio-2.0 gio-unix-2.0 avahi-client avahi-glib json-glib-1.0 libconfig libqrencode libnm libcurl"
# The scan-json and profile targets match devices against the shipped profiles.
export IOTSETUP_DATADIR=${IOTSETUP_DATADIR:-$top/data}

# The core, instrumented for coverage (fuzzer-no-link) and the sanitizers,
# through the project's own configure and Makefile.
build_core() {
  cd "$top" || return 1
  [ -x configure ] || ./autogen.sh >/dev/null 2>&1 || return 1
  mkdir -p "$build" && cd "$build" || return 1
  if [ ! -f Makefile ]; then
    if ! "$top/configure" CC="$cc" CFLAGS="-g -O1 -fsanitize=fuzzer-no-link" \
      --enable-sanitizers >configure.log 2>&1; then
      echo "fuzz: configure failed, see $build/configure.log" >&2
      return 1
    fi
  fi
  make -j"$(nproc)" libiotcore.a >make.log 2>&1 ||
    { echo "fuzz: building the core failed, see $build/make.log" >&2; return 1; }
}

build_target() {
  local t=$1 src
  src="$top/tests/fuzz/fuzz-$t.c"
  # shellcheck disable=SC2046,SC2086 # word splitting of the flag lists is wanted
  "$cc" -std=gnu11 -g -O1 -fsanitize=fuzzer $SAN -I"$top" -I"$build" \
    $(pkg-config --cflags $PKGS) "$src" "$top/tests/fuzz/fuzz-common.c" \
    "$build/libiotcore.a" $(pkg-config --libs $PKGS) -o "$build/fuzz-$t" \
    >>"$build/make.log" 2>&1 ||
    { echo "fuzz: building fuzz-$t failed, see $build/make.log" >&2; return 1; }
}

# fuzz_one TARGET: fuzzes TARGET for $seconds; its log in $build/TARGET.log.
fuzz_one() {
  local t=$1 dict=()
  local grown="$build/corpus/$t" artifacts="$build/artifacts/$t"
  mkdir -p "$grown" "$artifacts"
  rm -f "$artifacts"/*
  [ -f "$top/tests/fuzz/$t.dict" ] && dict=(-dict="$top/tests/fuzz/$t.dict")
  [ "$t" = scan-json ] && dict=(-dict="$top/tests/fuzz/device-url.dict")
  # New inputs go to the first directory (the grown corpus, outside the
  # source tree); the seeds are only read.
  (cd "$build" && ASAN_OPTIONS=detect_leaks=1 \
    LSAN_OPTIONS=suppressions="$top/tests/harden/lsan.supp" \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "./fuzz-$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "${dict[@]}" \
    "$grown" "$top/tests/fuzz/corpus/$t") >"$build/$t.log" 2>&1
}

stat() { sed -n "s/^stat::$2: *//p" "$build/$1.log" | tail -n 1; }

build_core || exit 1
for t in $targets; do build_target "$t" || exit 1; done

echo "fuzzing ${targets// /, } for $seconds s each, $jobs at a time"
running=0
for t in $targets; do
  fuzz_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
done
wait

failed=0
total=0
for t in $targets; do
  runs=$(stat "$t" number_of_executed_units)
  rate=$(stat "$t" average_exec_per_sec)
  cov=$(grep -o 'cov: [0-9]*' "$build/$t.log" | tail -n 1)
  found=()
  for a in "$build/artifacts/$t"/*; do [ -f "$a" ] && found+=("$a"); done
  if [ ${#found[@]} -eq 0 ] && [ -n "$runs" ]; then
    printf 'fuzz %-10s %10s executions (%s/s, %s, corpus %s + %s seeds): no crash\n' "$t" \
      "$runs" "$rate" "${cov:-cov: ?}" "$(find "$build/corpus/$t" -type f | wc -l)" \
      "$(find "$top/tests/fuzz/corpus/$t" -type f | wc -l)"
    total=$((total + runs))
    continue
  fi
  failed=1
  printf 'fuzz %-10s FAILED after %s executions, see %s\n' "$t" "${runs:-?}" "$build/$t.log"
  grep -E '^(==[0-9]+==ERROR|SUMMARY|FUZZ ORACLE|.*runtime error)' "$build/$t.log" | head -n 5 |
    sed 's/^/    /'
  for a in "${found[@]}"; do
    cp "$a" "$top/tests/fuzz/corpus/$t/"
    echo "    saved regression input tests/fuzz/corpus/$t/$(basename "$a")"
  done
done
echo "fuzz: $total executions in all"
exit "$failed"
