#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# One entry point for people and CI on a fresh Debian 12 / Raspberry Pi OS:
#   build-aux/dev.sh run     install what is missing, build, start the assistant
#                            (or offer the demo home network when there is no
#                            Avahi daemon to find devices with)
#   build-aux/dev.sh check   install what is missing, build, run every test,
#                            then the hardening steps (harden)
#   build-aux/dev.sh harden  only the hardening steps: sanitizer build and its
#                            tests, valgrind, static analysis, fuzzing
#   build-aux/dev.sh deps    only install what is missing (and generate the test locales)
#   build-aux/dev.sh demo    build and run the assistant in the demo network
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build="$top/_build"

# What building needs, what running needs, and what the test suite adds.
BUILD_DEPS=(build-essential autoconf automake autopoint gettext pkg-config
  libglib2.0-dev libavahi-client-dev libavahi-glib-dev libnm-dev libncurses-dev
  libqrencode-dev libconfig-dev libcurl4-openssl-dev libjson-glib-dev libzxcvbn-dev
  libssh-dev libcrypt-dev)
RUN_DEPS=(avahi-daemon avahi-utils dbus iproute2)
# network-manager: a real NetworkManager for the lab test (only ever started
# inside a lab namespace; installing it starts nothing where there is no init,
# and on a normal system it is usually there already). libglib2.0-bin: gdbus.
TEST_DEPS=(tmux cups-ipp-utils python3 python3-zeroconf python3-dbusmock zbar-tools
  procps time locales network-manager libglib2.0-bin util-linux
  mosquitto mosquitto-clients openssh-server curl tcpdump)
# The locales the translated screens are tested in (tests/tui/tui-i18n.sh).
TEST_LOCALES=(de_DE ja_JP uk_UA)
# The hardening steps: libFuzzer and the sanitizer runtimes come with clang.
HARDEN_DEPS=(clang libclang-rt-dev valgrind cppcheck clang-tidy)

# Tests run side by side: most of their time is waiting for devices and
# screens (make check uses about 0.4 of a CPU at -j2), so one and a half
# times the CPUs (at twice, a TUI test once waited in vain for a screen).
TEST_JOBS=${IOTSETUP_TEST_JOBS:-$(($(nproc) * 3 / 2))}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_missing() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing: ${missing[*]}"
  as_root apt-get update -qq
  # No daemon may be started by the install (a container or CI has no init,
  # and a real system starts avahi-daemon itself).
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}"
}

# Generates each of TEST_LOCALES in UTF-8 unless the system has it already.
generate_locales() {
  local l
  for l in "${TEST_LOCALES[@]}"; do
    locale -a 2>/dev/null | grep -qix "${l}\.utf-\{0,1\}8" && continue
    echo "Generating the locale $l.UTF-8"
    as_root localedef -i "$l" -f UTF-8 "$l.UTF-8"
  done
}

# Homebridge with each version of its web UI, for the lab (lab_add_homebridge),
# from the pinned lock files in tests/lab/npm/. --ignore-scripts: no install
# script runs (none may reach the network); the one native module the older
# UI needs (node-pty) is compiled here against the installed Node.js headers,
# offline. Skipped when already installed.
npm_lab_deps() {
  local d
  # Node.js may come from elsewhere with its own npm; Debian's otherwise.
  command -v npm >/dev/null || install_missing nodejs npm
  for d in "$top"/tests/lab/npm/ui-*/; do
    if [ ! -x "$d/node_modules/.bin/homebridge" ]; then
      echo "Installing Homebridge for the lab into $d"
      (cd "$d" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
    fi
    local pty="$d/node_modules/node-pty-prebuilt-multiarch"
    if [ -f "$pty/binding.gyp" ] && [ ! -f "$pty/build/Release/pty.node" ]; then
      (cd "$pty" && node "$(dirname "$(command -v npm)")/../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js" \
        rebuild --nodedir=/usr >/dev/null)
    fi
  done
}

build() {
  cd "$top"
  [ -x configure ] || ./autogen.sh >/dev/null
  mkdir -p "$build"
  cd "$build"
  [ -f Makefile ] || "$top/configure" --enable-werror >/dev/null
  make -j"$(nproc)" >/dev/null
}

have_avahi() {
  dbus-send --system --print-reply --reply-timeout=2000 --dest=org.freedesktop.Avahi / \
    org.freedesktop.Avahi.Server.GetState >/dev/null 2>&1
}

# An uninstalled catalog tree (<lang>/LC_MESSAGES/iotsetup.mo), so an
# uninstalled assistant speaks the user's language.
locale_tree() {
  make -C "$build/locale" install localedir="$build/locale-tree" >/dev/null
  echo "$build/locale-tree"
}

demo() {
  local cmd=(env IOTSETUP_LOCALEDIR="$(locale_tree)" IOTSETUP_DATADIR="$top/data"
    "$top/tests/lab/lab.sh" demo "$build/iotsetup")
  if [ "$(id -u)" -eq 0 ]; then exec "${cmd[@]}"; else exec sudo "${cmd[@]}"; fi
}

# --- hardening ------------------------------------------------------------------
# Each step adds to $build/harden.results one line per result,
# "PASS|FAIL|SKIP COUNT WHAT"; check adds them to its totals. A step that
# breaks before it can report counts as one failure, never as nothing.
asan_build="$top/_build-asan"
FUZZ_SECONDS=${IOTSETUP_FUZZ_SECONDS:-60}

# took WHAT START: "time: WHAT N s" since START (a $SECONDS value), so a
# slow stage shows in the CI log.
took() { printf 'time: %s %d s\n' "$1" $((SECONDS - $2)); }

record() {
  printf '%s %s %s\n' "$1" "$2" "$3" >>"$build/harden.results"
  printf 'harden: %-4s %4s  %s\n' "$1" "$2" "$3"
}

# record_tap WHAT LOG STATUS: the ok / not ok / SKIP lines of a TAP log.
record_tap() {
  local what=$1 log=$2 rc=$3 pass fail skip
  skip=$(grep -Ec '^ok .*# SKIP|^1\.\.0 # SKIP' "$log" || true)
  pass=$(($(grep -c '^ok ' "$log" || true) - $(grep -c '^ok .*# SKIP' "$log" || true)))
  fail=$(grep -c '^not ok ' "$log" || true)
  [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ] && fail=1 # died without saying why
  [ "$pass" -gt 0 ] && record PASS "$pass" "$what"
  if [ "$fail" -gt 0 ]; then
    record FAIL "$fail" "$what (see $log)"
    grep '^not ok' "$log" | sed 's/^/    /'
  fi
  [ "$skip" -gt 0 ] && record SKIP "$skip" "$what"
  [ "$fail" -eq 0 ]
}

# The whole test suite again on a build with AddressSanitizer (leaks
# included) and UndefinedBehaviorSanitizer: unit tests, corpus replay, and
# the CLI, QR and lab tests that run the binary (in tmux and in network
# namespaces too). Every report is fatal and goes to a file, so one from a
# process whose exit status no test looks at is still seen.
harden_sanitizers() {
  local logs="$asan_build/sanitizer-logs" ok=0 p syms missing=() asan
  # Every finding fatal; full stacks (GLib has no frame pointers); reports
  # into files. LSan: third-party leaks only, see tests/harden/lsan.supp.
  asan="halt_on_error=1:abort_on_error=1:detect_leaks=1:detect_stack_use_after_return=1"
  asan+=":strict_string_checks=1:malloc_context_size=30:fast_unwind_on_malloc=0"
  asan+=":log_path=$logs/asan"
  mkdir -p "$asan_build"
  if ! (cd "$asan_build" &&
    { [ -f Makefile ] ||
      "$top/configure" --enable-werror --enable-sanitizers >configure.log 2>&1; } &&
    make -j"$(nproc)" all >make.log 2>&1 && make -j"$(nproc)" check TESTS= >>make.log 2>&1); then
    record FAIL 1 "sanitizer build (see $asan_build/make.log)"
    return 1
  fi
  # The flags must reach every program: the tool and every check program.
  for p in "$asan_build"/iotsetup "$asan_build"/tests/{unit/test,fuzz/replay}-*; do
    case "$p" in *.o | *.log | *.trs | *.c) continue ;; esac
    [ -x "$p" ] || continue
    syms=$(nm "$p" 2>/dev/null || true)
    [[ $syms == *__asan_init* && $syms == *__ubsan_handle* ]] || missing+=("${p#"$asan_build"/}")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    record PASS 1 "sanitizer build: every program is built with ASan and UBSan"
  else
    record FAIL 1 "sanitizer build: not instrumented: ${missing[*]}"
  fi
  rm -rf "$logs" && mkdir -p "$logs"
  (cd "$asan_build" &&
    ASAN_OPTIONS="$asan" \
    UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1:log_path=$logs/ubsan" \
    LSAN_OPTIONS="suppressions=$top/tests/harden/lsan.supp:print_suppressions=0" \
    make -j"$TEST_JOBS" check >check.log 2>&1) || ok=1
  if [ -f "$asan_build/test-suite.log" ]; then
    awk -v what="sanitizer build: make check" '
      /^# (PASS|FAIL|ERROR|XPASS|SKIP|XFAIL):/ { n[$2] += $3 }
      END { printf "PASS %d %s\nFAIL %d %s\nSKIP %d %s\n", n["PASS:"] + n["XFAIL:"], what,
            n["FAIL:"] + n["ERROR:"] + n["XPASS:"], what, n["SKIP:"], what }' \
      "$asan_build/test-suite.log" | while read -r kind count what; do
      [ "$count" -gt 0 ] && record "$kind" "$count" "$what"
    done
    grep -E '^(FAIL|ERROR|XPASS):' "$asan_build/test-suite.log" | sed 's/^/    /' || true
  else
    record FAIL 1 "sanitizer build: make check never ran the tests (see $asan_build/check.log)"
  fi
  if [ -z "$(ls -A "$logs")" ]; then
    record PASS 1 "sanitizer build: no ASan, UBSan or LSan report from any process"
  else
    record FAIL 1 "sanitizer build: $(find "$logs" -type f | wc -l) sanitizer report(s) in $logs"
    head -n 40 "$logs"/* | sed 's/^/    /'
    ok=1
  fi
  return "$ok"
}

harden() {
  local status=0 rc
  : >"$build/harden.results"
  local t0=$SECONDS
  echo "harden: sanitizer build ($asan_build) and its tests"
  harden_sanitizers || status=1
  took "sanitizer build and its tests" "$t0"; t0=$SECONDS

  echo "harden: valgrind"
  (cd "$build" && IOTSETUP_BIN="$build/iotsetup" IOTSETUP_SRCDIR="$top" \
    IOTSETUP_BUILDDIR="$build" bash "$top/tests/harden/valgrind.sh" >valgrind.log 2>&1) &&
    rc=0 || rc=$?
  record_tap "valgrind: CLI, fuzz corpora, scan in the lab" "$build/valgrind.log" "$rc" || status=1
  took valgrind "$t0"; t0=$SECONDS

  echo "harden: static analysis"
  (IOTSETUP_SRCDIR="$top" IOTSETUP_BUILDDIR="$build" \
    bash "$top/tests/harden/static-analysis.sh" >"$build/static-analysis.log" 2>&1) &&
    rc=0 || rc=$?
  record_tap "static analysis: cppcheck, clang-tidy" "$build/static-analysis.log" "$rc" || status=1
  took "static analysis" "$t0"; t0=$SECONDS

  echo "harden: fuzzing, $FUZZ_SECONDS s per target"
  "$top/tests/fuzz/fuzz.sh" "$FUZZ_SECONDS" >"$build/fuzz.log" 2>&1 && rc=0 || rc=$?
  sed 's/^/    /' "$build/fuzz.log"
  local passed failed
  passed=$(grep -c '^fuzz .*: no crash$' "$build/fuzz.log" || true)
  failed=$(grep -c '^fuzz .* FAILED' "$build/fuzz.log" || true)
  [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1 # the build or the script broke
  [ "$passed" -gt 0 ] && record PASS "$passed" "fuzzing: targets without a crash"
  [ "$failed" -gt 0 ] && { record FAIL "$failed" "fuzzing (see $build/fuzz.log)"; status=1; }
  took fuzzing "$t0"
  return "$status"
}

# totals DISTCHECK FILE...: "N passed, N failed, N skipped" over automake
# test logs (their "# PASS: N" lines) and harden.results ("PASS N what"
# lines); DISTCHECK is 1 (passed), 0 (failed) or - (not run).
totals() {
  awk -v dc="$1" '
    FNR == 1 { harden = FILENAME ~ /harden\.results$/ }
    !harden && /^# (PASS|FAIL|ERROR|XPASS|SKIP|XFAIL):/ { n[$2] += $3 }
    harden { n[$1 ":"] += $2 }
    END { printf "%d passed, %d failed, %d skipped\n", n["PASS:"] + n["XFAIL:"] + (dc == "1"),
          n["FAIL:"] + n["ERROR:"] + n["XPASS:"] + (dc == "0"), n["SKIP:"] }' "${@:2}"
}

case "${1:-}" in
  deps)
    install_missing "${BUILD_DEPS[@]}" "${RUN_DEPS[@]}" "${TEST_DEPS[@]}" "${HARDEN_DEPS[@]}"
    generate_locales
    npm_lab_deps
    ;;
  run)
    install_missing "${BUILD_DEPS[@]}" "${RUN_DEPS[@]}"
    build
    if have_avahi; then
      IOTSETUP_LOCALEDIR="$(locale_tree)" IOTSETUP_DATADIR="$top/data" exec "$build/iotsetup" "${@:2}"
    fi
    echo "No Avahi daemon is running here, so iotsetup cannot find devices on this network."
    echo "(On a normal system: sudo systemctl enable --now avahi-daemon)"
    read -r -p "Start the demo home network (simulated devices in private network namespaces) instead? [Y/n] " answer || answer=n
    case "$answer" in n* | N*) exit 0 ;; esac
    demo
    ;;
  demo)
    install_missing "${BUILD_DEPS[@]}" "${RUN_DEPS[@]}" cups-ipp-utils
    build
    demo
    ;;
  check)
    install_missing "${BUILD_DEPS[@]}" "${RUN_DEPS[@]}" "${TEST_DEPS[@]}" "${HARDEN_DEPS[@]}"
    generate_locales
    npm_lab_deps
    status=0
    rm -f "$build/test-suite.log" "$build/harden.results"
    t0=$SECONDS
    build || status=1
    took build "$t0"; t0=$SECONDS
    cd "$build" 2>/dev/null || { mkdir -p "$build" && cd "$build"; }
    [ "$status" -eq 0 ] && { make -j"$TEST_JOBS" check || status=$?; }
    took "make check" "$t0"; t0=$SECONDS
    # The release tarball must build and pass its own (non-lab) tests.
    distcheck=1
    IOTSETUP_SKIP_LAB=1 make -j"$(nproc)" distcheck >distcheck.log 2>&1 || { distcheck=0; status=1; }
    echo "distcheck: $([ $distcheck = 1 ] && echo passed || echo "FAILED, see $build/distcheck.log")"
    took distcheck "$t0"
    harden || status=1
    # Totals over every test point, from automake's test-suite.log, plus
    # distcheck and the hardening steps; a build that never got to the
    # tests counts as one failure.
    [ -f test-suite.log ] || echo "# ERROR: 1" >test-suite.log
    totals "$distcheck" test-suite.log harden.results
    exit "$status"
    ;;
  harden)
    install_missing "${BUILD_DEPS[@]}" "${RUN_DEPS[@]}" "${TEST_DEPS[@]}" "${HARDEN_DEPS[@]}"
    status=0
    if ! (build && make -C "$build" -j"$(nproc)" check TESTS= >/dev/null); then
      echo "harden: the normal build failed"
      echo "0 passed, 1 failed, 0 skipped"
      exit 1
    fi
    harden || status=1
    totals - "$build/harden.results"
    exit "$status"
    ;;
  *)
    sed -n '3,12p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
