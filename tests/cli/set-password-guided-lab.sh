#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `iotsetup set-password --from-stdin --verify-only` on the guided path,
# against real software in the lab: the real ippeveprinter's settings page
# (its adminurl) and a real sshd (lab_add_ssh pi default).
# Printer: before anything is set the page opens without a password -> G1
# FAIL, never PASS. The person sets an admin password (lab_printer_auth:
# ippeveprinter -A, HTTP Basic through PAM, the account in the printer's
# private /etc). Over plain http (no TLS on the port) -> the page asks for
# a login and no password is refused, but the new password is NOT sent
# (Basic would carry it in clear): MANUAL, and a capture of the host's lab
# link (tcpdump, in the lab's host namespace) holds neither the password
# nor its Basic header, while it shows the plain requests. With TLS too
# (-K: the same port answers https, self-signed) -> another password on
# the page (a typo) is not verified, no PASS; the right one -> PASS, and
# the capture holds the https exchange but no password and no header in
# clear. Pi: unchanged -> FAIL (the old password still works); after
# chpasswd in the Pi's private /etc -> PASS. --verify-only on a device
# with a driver, and without --from-stdin, is refused. The passwords are
# in no file of the run or the lab, nor in the process's environment or
# arguments. Needs root for the lab; skips otherwise.
set -u
. "$(dirname "$0")/../lib.sh"
lab_test_begin capture_stop
# shellcheck disable=SC2154 # $work: made by lab_test_begin
ok "lab comes up"

# Inputs hold the passwords: they go in $secrets (lib.sh), outside the
# searched tree.
cap_pid=
# capture_start NAME / capture_stop: the host's lab link, port 8631, into
# $work/NAME.pcap (tcpdump in the lab's host namespace only).
capture_start() {
  cap_file="$work/$1.pcap"
  # ip netns exec execs tcpdump: $! is tcpdump itself, which ends on INT.
  ip netns exec "$LAB_HOST_NS" tcpdump -i lab0 --immediate-mode -U -n -s 0 -Z root -w "$cap_file" tcp port 8631 \
    2>"$work/$1.tcpdump" &
  cap_pid=$!
  for _ in $(seq 50); do grep -q "listening on" "$work/$1.tcpdump" && return; sleep 0.1; done
}
capture_stop() {
  if [ -n "$cap_pid" ]; then sleep 0.2; kill -INT "$cap_pid" 2>/dev/null; wait "$cap_pid" 2>/dev/null; cap_pid=; fi
}
# in_capture STRING: STRING is somewhere in the captured bytes.
in_capture() { grep -aqF -- "$1" "$cap_file"; }

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

# Plain http, Basic: the page asks, but the new password must not cross the LAN in clear.
basic=$(printf 'admin:%s' "$pw" | base64 -w0)
lab_printer_auth printer admin "$secrets/printer"
capture_start plain
verify "$printer.local" "$secrets/printer"
capture_stop
diag "printer G1 over plain http: $(field evidence)"
check "printer, Basic over plain http: exit 4, MANUAL, outcome manual" \
  eval '[ "$rc" = 4 ] && [ "$(field status)" = manual ] && [ "$(field outcome)" = manual ]'
check "printer, plain http: the evidence says the new password was not sent" \
  grep -q "did not send your new password to check it, because this page would carry it unencrypted" "$work/out"
check "printer, plain http: the capture shows the assistant's requests in clear" in_capture "GET / HTTP/1.1"
check "printer, plain http: no password and no Basic header with it on the wire" \
  eval '! in_capture "$pw" && ! in_capture "$basic" && ! in_capture "Authorization: Basic"'

# TLS on the same port (self-signed), Basic.
lab_printer_auth printer admin "$secrets/printer-typo" tls
verify "$printer.local" "$secrets/printer"
check "printer, TLS, another password on the page: exit 4, not verified, no PASS" \
  eval '[ "$rc" = 4 ] && [ "$(field outcome)" = not-verified ] && [ "$(field status)" != pass ]'
check "printer, TLS, another password: the new one was not accepted" grep -q "new password was not accepted" "$work/out"

t0=$(now_ms)
lab_printer_auth printer admin "$secrets/printer" tls
diag "ippeveprinter restarted with -A -K: $(($(now_ms) - t0)) ms"
capture_start tls
t0=$(now_ms)
verify "$printer.local" "$secrets/printer"
capture_stop
diag "printer, password set (TLS): $(($(now_ms) - t0)) ms" "printer G1: $(field evidence)"
check "printer, TLS, password set: exit 0, PASS, verified" \
  eval '[ "$rc" = 0 ] && [ "$(field status)" = pass ] && [ "$(field outcome)" = verified ]'
check "printer: the evidence names the verification on the https settings page" \
  grep -q "Verified on the settings page (https://$(lab_device_ip printer):8631/)" "$work/out"
check "printer: the password was not in its environment or arguments" [ "$env_clean" = 1 ]
check "printer, TLS: the capture holds the exchange (TLS records to 8631)" \
  eval '[ "$(tcpdump -r "$cap_file" -n "tcp dst port 8631 and tcp[((tcp[12] & 0xf0) >> 2)] = 0x17" 2>/dev/null | wc -l)" -gt 0 ]'
check "printer, TLS: no password, no Basic header, no request in clear on the wire" \
  eval '! in_capture "$pw" && ! in_capture "$basic" && ! in_capture "Authorization:" && ! in_capture "GET / HTTP"'
check "printer: independently, Basic with the password gets 200, none 401 (https, self-signed)" \
  eval '[ "$(lab_host_exec curl -sk -o /dev/null -m 5 -w "%{http_code}" -u "admin:$pw" "https://$(lab_device_ip printer):8631/")" = 200 ] &&
        [ "$(lab_host_exec curl -sk -o /dev/null -m 5 -w "%{http_code}" "https://$(lab_device_ip printer):8631/")" = 401 ]'

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
