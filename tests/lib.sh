# shellcheck shell=bash
# TAP helpers shared by the shell tests: numbered results, a plan printed at
# the end, skipping when the lab cannot run here, and polling with a deadline
# (never a bare sleep).

TAP_N=0
TAP_FAILED=0
SRCDIR=${IOTSETUP_SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
IOTSETUP_BIN=${IOTSETUP_BIN:-$SRCDIR/_build/iotsetup}
# Uninstalled runs read the device profiles from the source tree.
export IOTSETUP_DATADIR=${IOTSETUP_DATADIR:-$SRCDIR/data}
PYTHON3=/usr/bin/python3

ok() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $*"; }
not_ok() { TAP_N=$((TAP_N + 1)); TAP_FAILED=$((TAP_FAILED + 1)); echo "not ok $TAP_N - $*"; }
# check DESCRIPTION COMMAND...: ok when COMMAND succeeds.
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
diag() { printf '# %s\n' "$@"; }
# (The test's wall time goes to its log, for finding the slow ones.)
tap_done() { echo "# took $SECONDS s"; echo "1..$TAP_N"; [ "$TAP_FAILED" -eq 0 ]; }

# Lab tests need root and network namespaces; elsewhere they skip.
require_lab() {
  if [ "$(id -u)" -ne 0 ] || ! command -v ip >/dev/null || ! command -v avahi-daemon >/dev/null; then
    echo "1..0 # SKIP needs root, iproute2 and avahi-daemon for the network-namespace lab"
    exit 0
  fi
  if [ -n "${IOTSETUP_SKIP_LAB:-}" ]; then
    echo "1..0 # SKIP IOTSETUP_SKIP_LAB is set"
    exit 0
  fi
}

now_ms() { local t=${EPOCHREALTIME/[.,]/}; echo $((t / 1000)); }

# wait_ms MILLISECONDS COMMAND...: polls COMMAND every 50 ms until it
# succeeds; fails after MILLISECONDS.
wait_ms() {
  local deadline=$(($(now_ms) + $1)); shift
  until "$@"; do
    [ "$(now_ms)" -gt "$deadline" ] && return 1
    sleep 0.05
  done
}

# lab_test_begin [EXTRA_CLEANUP]: the start of a lab test. Skips (exit 0)
# where the lab cannot run (require_lab), sources lab-lib.sh, makes the
# scratch directory $work, points XDG_CONFIG_HOME into it (no personal
# configuration in tests) and brings the standard lab up. It also makes
# $secrets, a scratch directory outside $work for what holds a password
# (inputs, screen captures), since tests search $work for leaked passwords.
# On exit the function EXTRA_CLEANUP (if given) runs, then lab_down, then
# both directories are removed; INT and TERM end the test (with that
# cleanup). If the lab does not come up: "not ok - lab comes up", the plan,
# exit 1. The caller reports the "lab comes up" success itself.
lab_test_begin() {
  LAB_TEST_CLEANUP=${1:-}
  require_lab
  # shellcheck source-path=SCRIPTDIR source=lab/lab-lib.sh
  . "$SRCDIR/tests/lab/lab-lib.sh"
  work=$(mktemp -d)
  secrets=$(mktemp -d)
  export XDG_CONFIG_HOME="$work/config"
  lab_test_traps
  if ! lab_up; then not_ok "lab comes up"; tap_done; exit 1; fi
  lab_test_traps # lab_up installs its own trap; ours also removes $work
}

lab_test_traps() {
  trap lab_test_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

lab_test_cleanup() {
  if [ -n "${LAB_TEST_CLEANUP:-}" ] && declare -F "$LAB_TEST_CLEANUP" >/dev/null; then "$LAB_TEST_CLEANUP"; fi
  lab_down
  rm -rf "$work" "$secrets"
}

# catalog_tree DIR: the compiled catalogs laid out as an install would
# (DIR/<lang>/LC_MESSAGES/iotsetup.mo), for IOTSETUP_LOCALEDIR. gettext's
# Makefile keeps them (<lang>.gmo) next to the .po files in the source tree;
# a build tree's own copies come first. Only DIR is written, so a read-only
# source tree (make distcheck) does. Fails when no catalog was found.
catalog_tree() {
  local dir=$1 d gmo lang n=0
  for d in ${IOTSETUP_BUILDDIR:+"$IOTSETUP_BUILDDIR/locale"} "$SRCDIR/locale"; do
    for gmo in "$d"/*.gmo; do
      [ -f "$gmo" ] || continue
      lang=$(basename "$gmo" .gmo)
      [ -f "$dir/$lang/LC_MESSAGES/iotsetup.mo" ] && continue
      mkdir -p "$dir/$lang/LC_MESSAGES" && cp "$gmo" "$dir/$lang/LC_MESSAGES/iotsetup.mo" || return 1
      n=$((n + 1))
    done
  done
  [ "$n" -gt 0 ]
}

# have_locale NAME: the system has the UTF-8 locale NAME (de_DE.UTF-8), which
# locale -a may spell de_DE.utf8.
have_locale() {
  local base=${1%%.*}
  locale -a 2>/dev/null | grep -qix "${base}\.utf-\{0,1\}8"
}

# tm_stop: stops the tmux server behind the test's `tm` function and waits
# until it has exited, so that a new session on the same socket never
# reaches a server that is still shutting down.
tm_stop() {
  local pid
  pid=$(tm display -p '#{pid}' 2>/dev/null) || return 0
  tm kill-server 2>/dev/null
  wait_ms 3000 test ! -e "/proc/$pid"
}
