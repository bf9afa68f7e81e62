#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `iotsetup set-password --from-stdin --verify-only` on the guided path,
# against real software in the lab: the real ippeveprinter's settings page
# (its adminurl) and a real sshd (lab_add_ssh pi default).
# Printer: before anything is set the page opens without a password -> G1
# FAIL, never PASS; the person sets an admin password (lab_printer_auth:
# ippeveprinter -A, HTTP Basic through PAM, the account in the printer's
# private /etc) -> the page asks for a login, no password is refused, the
# new password accepted -> PASS; the page with another password (a typo)
# -> not verified, no PASS. Pi: unchanged -> FAIL (the old password still
# works); after chpasswd in the Pi's private /etc -> PASS. --verify-only
# on a device with a driver, and without --from-stdin, is refused. The
# passwords are in no file of the run or the lab, nor in the process's
# environment or arguments. Needs root for the lab; skips otherwise.
set -u
. "$(dirname "$0")/../lib.sh"
lab_test_begin
# shellcheck disable=SC2154 # $work: made by lab_test_begin
ok "lab comes up"

# Inputs hold the passwords: outside the searched tree.
secrets=$(mktemp -d)
trap 'rm -rf "$secrets"; lab_test_cleanup' EXIT INT TERM

cli() { lab_host_exec env XDG_STATE_HOME="$work/state" "$IOTSETUP_BIN" set-password -t 3 "$@"; }
field() { "$PYTHON3" -c 'import json,sys; print(json.load(open(sys.argv[1])).get(sys.argv[2]))' "$work/out" "$1"; }
leaked() { grep -rqF -- "$1" "$work" "$LAB_DIR" 2>/dev/null; }
# verify DEVICE SECRET-FILE: the guided verification, JSON in $work/out;
# sets rc, and env_clean=0 if the password was in its environment or argv.
verify() {
  local pid f
  cli --from-stdin --verify-only --json "$1" <"$2" >"$work/out" 2>"$work/err" &
  pid=$!
  sleep 0.3
  env_clean=1
  for f in environ cmdline; do
    [ -r "/proc/$pid/$f" ] && tr '\0' '\n' <"/proc/$pid/$f" | grep -qF -- "$(head -n1 "$2")" && env_clean=0
  done
  wait "$pid"; rc=$?
}
newpw() { head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 16; }

printer=$(lab_device_host printer)
pw=$(newpw)
printf '%s\n' "$pw" >"$secrets/printer"
printf 'other%s\n' "$pw" >"$secrets/printer-typo"

t0=$(now_ms)
verify "$printer.local" "$secrets/printer"
diag "printer, nothing set: $(($(now_ms) - t0)) ms (the scan ends at all-for-now)"
check "printer, nothing set: exit 4, status fail, outcome not-verified" \
  eval '[ "$rc" = 4 ] && [ "$(field status)" = fail ] && [ "$(field outcome)" = not-verified ]'
check "printer, nothing set: the page still opens without one" grep -q "still opens without one" "$work/out"

lab_printer_auth printer admin "$secrets/printer-typo"
verify "$printer.local" "$secrets/printer"
check "printer, another password on the page: exit 4, not verified, no PASS" \
  eval '[ "$rc" = 4 ] && [ "$(field outcome)" = not-verified ] && [ "$(field status)" != pass ]'
check "printer, another password: the new one was not accepted" grep -q "new password was not accepted" "$work/out"

t0=$(now_ms)
lab_printer_auth printer admin "$secrets/printer"
diag "ippeveprinter restarted with -A: $(($(now_ms) - t0)) ms"
t0=$(now_ms)
verify "$printer.local" "$secrets/printer"
diag "printer, password set: $(($(now_ms) - t0)) ms" "printer G1: $(field evidence)"
check "printer, password set: exit 0, PASS, verified" \
  eval '[ "$rc" = 0 ] && [ "$(field status)" = pass ] && [ "$(field outcome)" = verified ]'
check "printer: the evidence names the verification on the settings page" \
  grep -q "Verified on the settings page (https://$(lab_device_ip printer):8631/)" "$work/out"
check "printer: the password was not in its environment or arguments" [ "$env_clean" = 1 ]
check "printer: independently, Basic with the password gets 200, none 401" \
  eval '[ "$(lab_host_exec curl -s -o /dev/null -m 5 -w "%{http_code}" -u "admin:$pw" "http://$(lab_device_ip printer):8631/")" = 200 ] &&
        [ "$(lab_host_exec curl -s -o /dev/null -m 5 -w "%{http_code}" "http://$(lab_device_ip printer):8631/")" = 401 ]'

# The Pi.
lab_add_ssh pi default >/dev/null
pi=$(lab_device_host pi)
sshpw="$(newpw)-$(newpw)"
printf '%s\n' "$sshpw" >"$secrets/pi"
verify "$pi.local" "$secrets/pi"
check "Pi, passwd not run: exit 4, FAIL, the old password still works" \
  eval '[ "$rc" = 4 ] && [ "$(field status)" = fail ] && grep -q "old password still works" "$work/out"'
printf 'pi:%s\n' "$sshpw" | lab_device_exec pi /bin/sh -c 'mount --bind "$1/etc" /etc && exec chpasswd' \
  sh "$LAB_DIR/dev/pi"
t0=$(now_ms)
verify "$pi.local" "$secrets/pi"
diag "Pi, passwd done: $(($(now_ms) - t0)) ms, verify $(field verify_ms) ms" "Pi G1: $(field evidence)"
check "Pi, passwd done: exit 0, PASS, the evidence names SSH" \
  eval '[ "$rc" = 0 ] && [ "$(field status)" = pass ] && grep -q "Verified over SSH (pi@$(lab_device_ip pi))" "$work/out"'
check "Pi: the password was not in its environment or arguments" [ "$env_clean" = 1 ]

cli --from-stdin --verify-only "$(lab_device_host shelly).local" <"$secrets/pi" >"$work/out" 2>"$work/err"
check "--verify-only on a device with a driver: refused (exit 2)" [ "$?" = 2 ]
cli --generate --verify-only "$pi.local" </dev/null >"$work/out" 2>"$work/err"
check "--verify-only without --from-stdin: refused (exit 2)" [ "$?" = 2 ]

check "no password in the output, the run's files or the lab's files" \
  eval '! leaked "$pw" && ! leaked "$sshpw"'

tap_done
