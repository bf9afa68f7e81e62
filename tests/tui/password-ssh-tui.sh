#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The password wizard's SSH guided path, in tmux inside the lab, against a
# real sshd (lab_add_ssh pi default: the account pi with "raspberry"): p,
# generate, the apply step shows the numbered steps (ssh pi@HOST, passwd)
# and the new password, which a key hides. The test plays the person at
# the Pi's own terminal with chpasswd in the device's private /etc:
# - nothing changed yet: Enter checks, Guideline 1 FAIL (the old password
#   still works), no PASS, and Esc offers the steps again;
# - a mistyped passwd (another password set): Esc while the check runs
#   (the sshd stopped, so it surely runs) goes back to the steps at once,
#   and the abandoned check shows nothing; the full check says the new
#   password was not accepted (perhaps mistyped), no PASS;
# - the right password: PASS, the evidence names the SSH verification; the
#   hand-over has no "not set" warning.
# Afterwards the password is in no file of the run or the lab, nor in the
# process's environment or arguments: only on the screen. Each step's time
# is a diag line. Needs root; skips otherwise.
set -u
. "$(dirname "$0")/../lib.sh"
# shellcheck source-path=SCRIPTDIR source=tui-lib.sh
. "$SRCDIR/tests/tui/tui-lib.sh"
tui_lab_begin

# The person's passwd, on the Pi: the new password from stdin, never argv.
pi_passwd() {
  printf 'pi:%s\n' "$1" | lab_device_exec pi /bin/sh -c 'mount --bind "$1/etc" /etc && exec chpasswd' \
    sh "$LAB_DIR/dev/pi"
}
# The generated password as the apply step draws it: the line under its heading.
apply_password() {
  screen | grep -A1 -m1 "The new password for" | tail -n1 | tr -d ' '
}

lab_add_ssh pi default >/dev/null
host=$(lab_device_host pi)
tui_start
check "the Pi shows up" wait_ms 15000 on_screen "$host"
check "the Pi's details open" open_device "$host"
tm send-keys -t iot p
wait_ms 3000 on_screen "Make a strong password for me"
t0=$(now_ms)
tm send-keys -t iot Enter
check "the apply step shows the SSH steps" \
  eval 'wait_ms 3000 on_screen "over SSH" && all_on_screen "1. Log in to it from a terminal: ssh pi@$host.local" "(the default is “raspberry”)" "3. Run passwd."'
diag "choose -> SSH steps: $(($(now_ms) - t0)) ms"
pw=$(apply_password)
check "the new password is on the steps' screen" eval '[ ${#pw} -ge 20 ] && [[ $pw =~ ^[acdefhjkmnprtwxy34679-]+$ ]]'
tm send-keys -t iot Tab
check "Tab hides it" eval 'wait_ms 2000 on_screen "The password is hidden" && ! on_screen "$pw"'
tm send-keys -t iot Tab
check "Tab shows it again" wait_ms 2000 on_screen "$pw"

# 1. The person has not run passwd yet.
t0=$(now_ms)
tm send-keys -t iot Enter
check "unchanged: FAIL, the old password still works" \
  eval 'wait_ms 15000 on_screen "Guideline 1: FAIL" && on_screen "old password still works"'
diag "unchanged -> FAIL: $(($(now_ms) - t0)) ms"
check "unchanged: no PASS, the password not on the result screen" eval '! on_screen "PASS" && ! on_screen "$pw"'
check "unchanged: the check can be run again" on_screen "Press Esc to see the steps again"
tm send-keys -t iot Escape
check "Esc: the steps again, with the password" eval 'wait_ms 3000 on_screen "3. Run passwd." && on_screen "$pw"'

# 2. A mistyped passwd: another password is set.
pi_passwd "typo-$pw"
# Esc while checking, with the Pi's sshd stopped (SIGSTOP: it accepts the
# connection and never greets), so the check is surely still running.
sshd_pid=$(awk '$3 == "dev:pi:sshd" { print $1 }' "$LAB_DIR/pids")
kill -STOP "$sshd_pid"
tm send-keys -t iot Enter
check "Enter: the check runs" wait_ms 3000 on_screen "Checking the password"
sleep 0.5
tm send-keys -t iot Escape
check "Esc while checking: back to the steps at once, no result" \
  eval 'wait_ms 1000 on_screen "3. Run passwd." && ! on_screen "Guideline 1:" && ! on_screen "Checking the password"'
sleep 5 # the cancelled check's login times out in the background; nothing may show up
check "the cancelled check reports nothing" eval 'on_screen "3. Run passwd." && ! on_screen "Guideline 1:"'
kill -CONT "$sshd_pid"
t0=$(now_ms)
tm send-keys -t iot Enter
check "mistyped: the new password was not accepted, perhaps mistyped" \
  eval 'wait_ms 15000 on_screen "Guideline 1: WARN" && on_screen "perhaps it was mistyped"'
diag "mistyped -> WARN: $(($(now_ms) - t0)) ms"
check "mistyped: no PASS" eval '! on_screen "PASS"'

# 3. passwd done right.
tm send-keys -t iot Escape
wait_ms 3000 on_screen "3. Run passwd."
pi_passwd "$pw"
t0=$(now_ms)
tm send-keys -t iot Enter
check "set: Guideline 1: PASS" wait_ms 15000 on_screen "Guideline 1: PASS"
diag "passwd done -> PASS: $(($(now_ms) - t0)) ms"
check "the evidence names the SSH verification" \
  eval 'on_screen "Verified over SSH (pi@$(lab_device_ip pi))" && on_screen "Its password now: It has the new password."'
check "the password is not on the result screen" eval '! on_screen "$pw"'
tm send-keys -t iot Enter
check "the hand-over, with no 'not set' warning" \
  eval 'wait_ms 3000 on_screen "The new password for" && ! on_screen "It has not been set"'
check "the password is in no file of the run or lab, environment or argument" eval '! leaked "$pw" "$LAB_DIR"'
tm send-keys -t iot q
check "q quits with status 0" wait_ms 5000 on_screen "EXIT=0"
check "after quitting: the password in no file of the run or the lab" \
  eval '! grep -rqF -- "$pw" "$work" "$LAB_DIR"'
check "nothing on stderr" eval '! [ -s "$work/stderr.log" ]'

tap_done
