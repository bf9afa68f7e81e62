#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# discovery.sh - how fast and how light is iotsetup's device discovery?
#
# Runs in the network-namespace lab (tests/lab/lab-lib.sh), never in the
# machine's own network namespace. Two labs, one after the other:
#
#   small  the standard home network: 6 devices (shelly, homekit, matter,
#          esphome, camera, printer; 10 services, each on IPv4 and IPv6)
#   large  the standard 6 + BENCH_EXTRA (default 44) fleet plugs = 50
#
# In each, after one unrecorded warm-up, BENCH_REPS (default 5) rounds of
#   - the TUI (iotsetup --config EMPTY-FILE: default service types) on a
#     100x30 pty: launch -> first device shown, launch -> all resolved, from
#     its IOTSETUP_TRACE milestones; peak RSS (VmHWM) just before 'q';
#   - avahi-browse -arpt: launch -> first resolved '=' line, launch -> exit;
#   - iotsetup scan --json --all-types: launch -> exit.
# The last TUI run of the large lab stays up BENCH_IDLE (default 30) seconds
# after discovery completed: CPU (utime+stime), on-CPU ns and wake-ups.
# "Launch" is CLOCK_MONOTONIC taken in the forked child just before execve.
#
# Output: a table, the targets with MET/MISSED, and "BENCH name=value unit"
# lines. Exit 0 whether or not the targets are met; 1 if the lab could not
# come up; 3 if a figure could not be measured; 2 on bad usage/environment.
#
# Usage (root):  tests/bench/discovery.sh
# Tunables (env): BENCH_REPS=5 BENCH_EXTRA=44 BENCH_IDLE=30 BENCH_GAP=2.2
#   BENCH_SETTLE=8 (pauses so that every run finds Avahi "cold"; see the
#   driver's comment on ALL_FOR_NOW)
#   IOTSETUP_BIN=_build/iotsetup  BENCH_KEEP=1 (keep per-run files and print
#   where they are)  LAB_PREFIX / LAB_TIMEOUT (see lab-lib.sh)
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRCDIR=$(cd "$HERE/../.." && pwd)
IOTSETUP_BIN=${IOTSETUP_BIN:-$SRCDIR/_build/iotsetup}
export IOTSETUP_DATADIR=${IOTSETUP_DATADIR:-$SRCDIR/data} # the device profiles
PYTHON3=/usr/bin/python3
DRIVER=$HERE/discovery-driver.py
REPS=${BENCH_REPS:-5}
EXTRA=${BENCH_EXTRA:-44}
IDLE=${BENCH_IDLE:-30}
GAP=${BENCH_GAP:-2.2}        # s between runs: Avahi's lingering queriers expire
SETTLE=${BENCH_SETTLE:-8}    # s after lab_up, for the same reason
STD_DEVICES=6

die() { printf 'discovery.sh: %s\n' "$*" >&2; exit "${2:-2}"; }
say() { printf '== %s\n' "$*" >&2; }

(( EUID == 0 )) || die "needs root (network namespaces)"
[[ -x $IOTSETUP_BIN ]] || die "no binary at $IOTSETUP_BIN (build first)"
for c in ip avahi-daemon avahi-browse dbus-daemon "$PYTHON3"; do
  command -v "$c" >/dev/null || die "missing $c"
done
[[ $REPS =~ ^[1-9][0-9]*$ && $EXTRA =~ ^[0-9]+$ && $IDLE =~ ^[0-9]+$ ]] ||
  die "BENCH_REPS, BENCH_EXTRA and BENCH_IDLE must be whole numbers"
[[ $GAP =~ ^[0-9]+(\.[0-9]+)?$ && $SETTLE =~ ^[0-9]+(\.[0-9]+)?$ ]] ||
  die "BENCH_GAP and BENCH_SETTLE must be numbers of seconds"

# shellcheck source=../lab/lab-lib.sh
. "$SRCDIR/tests/lab/lab-lib.sh"

work=$(mktemp -d /tmp/iotsetup-bench.XXXX) || die "mktemp failed"
chmod 755 "$work"
driver_pid='' driver_pidfile=''

# stop_driver: only what this script started. The driver (by the PID it
# wrote, checked to still be the driver) unwinds on TERM and stops and reaps
# its children; they also have PR_SET_PDEATHSIG(SIGKILL). Then our job.
stop_driver() {
  local pid deadline
  if [[ -n $driver_pidfile && -s $driver_pidfile ]]; then
    pid=$(<"$driver_pidfile")
    if [[ $pid =~ ^[0-9]+$ ]] && grep -qF discovery-driver.py "/proc/$pid/cmdline" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null
      deadline=$(( $(_lab_now_us) + 5000000 ))
      while [[ -e /proc/$pid ]] && (( $(_lab_now_us) < deadline )); do sleep 0.05; done
      [[ -e /proc/$pid ]] && kill -KILL "$pid" 2>/dev/null
    fi
  fi
  if [[ -n $driver_pid ]]; then
    kill -TERM "$driver_pid" 2>/dev/null
    wait "$driver_pid" 2>/dev/null
  fi
  driver_pid=
}

cleanup() {
  stop_driver
  lab_down
  if [[ -n ${BENCH_KEEP:-} ]]; then
    printf 'discovery.sh: per-run files kept in %s\n' "$work" >&2
  else
    rm -rf -- "$work"
  fi
}
on_signal() { cleanup; trap - "$1"; kill "-$1" $$; }
install_traps() {
  # lab_up replaces the traps with lab_down; ours also stop the driver.
  trap cleanup EXIT
  trap 'on_signal INT' INT
  trap 'on_signal TERM' TERM
}
install_traps

# run_lab LABEL EXTRA EXPECTED IDLE: one lab, one driver run, JSON in $work.
run_lab() {
  local label=$1 extra=$2 expect=$3 idle=$4 t0 n
  t0=$(_lab_now_us)
  say "lab '$label': lab_up $extra (expect $expect devices)"
  # One retry: a lab that fails to come up is not what we measure.
  if ! lab_up "$extra"; then
    install_traps
    say "lab '$label': lab_up failed; trying once more"
    if ! lab_up "$extra"; then install_traps; return 1; fi
  fi
  install_traps
  n=$(lab_devices | wc -l)
  local d services=0
  for d in $(lab_devices); do services=$(( services + $(lab_device_services "$d" | wc -l) )); done
  say "lab '$label' up in $(( ($(_lab_now_us) - t0) / 1000 )) ms with $n devices, $services services"
  (( n == expect )) || say "warning: lab_devices lists $n devices, expected $expect"
  mkdir -p "$work/$label"
  # The driver runs inside the lab's host namespace (lab_host_exec sets the
  # lab's bus) and launches every measured program itself. It runs in the
  # background so that a signal to this script is handled at once; --budget
  # bounds it as a whole (every single wait in it has its own deadline).
  local budget=$(( (REPS + 1) * 3 * 28 + idle + ${SETTLE%.*} + 60 ))
  driver_pidfile=$work/$label.pid
  lab_host_exec "$PYTHON3" "$DRIVER" measure --bin "$IOTSETUP_BIN" \
    --work "$work/$label" --label "$label" --expect "$expect" --reps "$REPS" --idle "$idle" \
    --services "$services" --gap "$GAP" --settle "$SETTLE" \
    --budget "$budget" --netns "$LAB_HOST_NS" --pidfile "$driver_pidfile" >"$work/$label.json" &
  driver_pid=$!
  wait "$driver_pid"
  local rc=$?
  driver_pid=
  say "lab '$label': driver exit $rc after $(( ($(_lab_now_us) - t0) / 1000 )) ms; lab_down"
  t0=$(_lab_now_us)
  lab_down
  install_traps
  say "lab '$label' down in $(( ($(_lab_now_us) - t0) / 1000 )) ms"
  (( rc == 0 )) && [[ -s $work/$label.json ]]
}

start=$(_lab_now_us)
# The small lab gets no idle period; the large one does.
run_lab small 0 "$STD_DEVICES" 0 || die "could not measure with the standard lab" 1
run_lab large "$EXTRA" $(( STD_DEVICES + EXTRA )) "$IDLE" ||
  die "could not measure with $(( STD_DEVICES + EXTRA )) devices" 1

"$PYTHON3" "$DRIVER" report "$work/small.json" "$work/large.json"
rc=$?
printf '\nBENCH total_runtime=%.1f s\n' "$(( $(_lab_now_us) - start ))e-6"
(( rc == 0 )) || die "some figures could not be measured (see Problems above)" 3
exit 0
