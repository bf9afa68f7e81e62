#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The CLI under valgrind's memcheck, on the normal (uninstrumented) build:
# --help and --version, `iotsetup qr` in every output form and refusal,
# configuration errors, the fuzz corpora replayed, and `iotsetup scan` in
# the lab (with its hostile device and a ghost), where the lab can run.
# Any memory error, or a leak of kind "definite", fails the command
# (--error-exitcode=99); GLib's own suppressions and tests/harden/
# valgrind.supp (third-party libraries only, each explained) are used.
# Run by `build-aux/dev.sh harden`; prints TAP.
set -u
. "$(dirname "$0")/../lib.sh"

if ! command -v valgrind >/dev/null; then
  echo "1..0 # SKIP valgrind is not installed"
  exit 0
fi
builddir=${IOTSETUP_BUILDDIR:-$(dirname "$IOTSETUP_BIN")}
vg=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
  --show-leak-kinds=definite --num-callers=30 --suppressions="$SRCDIR/tests/harden/valgrind.supp")
glib_supp=/usr/share/glib-2.0/valgrind/glib.supp
[ -f "$glib_supp" ] && vg+=(--suppressions="$glib_supp")
# GLib hands memory to valgrind as it is freed and clears it, so
# "still reachable" caches do not hide real leaks.
export G_SLICE=always-malloc G_DEBUG=gc-friendly
export LC_ALL=C.UTF-8
unset LANGUAGE NO_COLOR

work=$(mktemp -d)
export XDG_CONFIG_HOME="$work/config" XDG_STATE_HOME="$work/state"
cleanup_work() { rm -rf "$work"; }
trap cleanup_work EXIT INT TERM

# vg_check DESCRIPTION EXPECTED-STATUS COMMAND...: runs COMMAND (its first
# word the program) under valgrind, with standard input from $VG_STDIN
# (default /dev/null) and the prefix $VG_RUN (the lab's namespace); ok when
# it exits with EXPECTED-STATUS and valgrind found nothing. The report goes
# into the test log; the output stays in $work/out.N.
n_vg=0
vg_check() {
  local what=$1 want=$2 rc log
  shift 2
  n_vg=$((n_vg + 1))
  log="$work/vg.$n_vg"
  ${VG_RUN:-} "${vg[@]}" --log-file="$log" "$@" >"$work/out.$n_vg" 2>"$work/err.$n_vg" \
    <"${VG_STDIN:-/dev/null}"
  rc=$?
  if [ "$rc" -eq "$want" ] && [ ! -s "$log" ]; then
    ok "valgrind: $what"
  else
    not_ok "valgrind: $what (exit $rc, expected $want)"
    sed 's/^/# /' "$log" | head -n 60
    tail -n 5 "$work/err.$n_vg" | sed 's/^/# stderr: /'
  fi
}

bin=$IOTSETUP_BIN
vg_check "--help" 0 "$bin" --help
vg_check "--version" 0 "$bin" --version
vg_check "unknown command" 2 "$bin" frobnicate
vg_check "unknown option" 2 "$bin" --frobnicate

url='https://192.0.2.10:8443/admin/?lang=de&tab=Passwort'
vg_check "qr TEXT to a pipe" 0 "$bin" qr "$url"
vg_check "qr --ascii" 0 "$bin" qr --ascii "$url"
vg_check "qr --svg FILE" 0 "$bin" qr --svg "$work/code.svg" "$url"
vg_check "qr --png FILE --scale 3" 0 "$bin" qr --png "$work/code.png" --scale 3 'プリンター'
head -c 2048 /dev/zero | tr '\0' a >"$work/max.txt"
VG_STDIN="$work/max.txt" vg_check "qr - (2048 bytes from standard input)" 0 "$bin" qr -
head -c 5000 /dev/zero | tr '\0' a >"$work/over.txt"
VG_STDIN="$work/over.txt" vg_check "qr: text too long" 2 "$bin" qr -
vg_check "qr: not UTF-8" 2 "$bin" qr $'caf\xe9'
vg_check "qr: empty text" 2 "$bin" qr ''
vg_check "qr: unwritable file" 2 "$bin" qr --png /nonexistent/dir/x.png hello
vg_check "qr: --scale 0" 2 "$bin" qr --png "$work/x.png" --scale 0 hello

printf 'discovery: {\n  scan_timout = 3;\n};\n' >"$work/unknown.conf"
printf 'ui: { color = ; };\n' >"$work/syntax.conf"
printf 'ui = "x";\n"dangling string"\n' >"$work/string.conf"
printf 'discovery: { service_types = [ "\\x1b[2J\xff_evil._tcp" ]; scan_timeout = 1e9; };\n' \
  >"$work/value.conf"
printf 'ui: { color = false; };\n' >"$work/good.conf"
vg_check "config: unknown key" 2 "$bin" --config "$work/unknown.conf" qr x
vg_check "config: syntax error" 2 "$bin" --config "$work/syntax.conf" qr x
vg_check "config: syntax error after a string" 2 "$bin" --config "$work/string.conf" qr x
vg_check "config: bad service type" 2 "$bin" --config "$work/value.conf" qr x
vg_check "config: no such file" 2 "$bin" --config "$work/missing.conf" qr x
vg_check "config: a good file" 0 "$bin" --config "$work/good.conf" qr x

for target in txt config qr device-url scan-json shelly; do
  vg_check "fuzz corpus $target replayed" 0 "$builddir/tests/fuzz/replay-$target" \
    "$SRCDIR/tests/fuzz/corpus/$target"
done

# The lab: a real Avahi daemon and devices in network namespaces, never the
# machine's own network. Skipped (one SKIP point) where it cannot run.
if [ "$(id -u)" -ne 0 ] || [ -n "${IOTSETUP_SKIP_LAB:-}" ] ||
  ! command -v avahi-daemon >/dev/null; then
  ok "valgrind: scan in the lab # SKIP needs root and avahi-daemon"
  tap_done
  exit
fi
. "$SRCDIR/tests/lab/lab-lib.sh"
trap 'lab_down; cleanup_work' EXIT INT TERM
if ! lab_up; then
  not_ok "lab comes up"
  tap_done
  exit 1
fi
trap 'lab_down; cleanup_work' EXIT INT TERM # lab_up installs its own trap
lab_add_hostile hostile || not_ok "hostile device added"
lab_add_ghost ghost || not_ok "ghost device added"
printf 'discovery: { resolve_timeout = 3.0; };\n' >"$work/lab.conf"
# Under valgrind everything is some 20 times slower: generous timeouts.
VG_RUN=lab_host_exec vg_check "scan --json --all-types in the lab (hostile device, ghost)" 0 \
  "$bin" --config "$work/lab.conf" scan --json --all-types --timeout 60
check "valgrind: the scan found the lab's printer" grep -q '"kind" : "printer"' "$work/out.$n_vg"
VG_RUN=lab_host_exec vg_check "scan (text) in the lab" 0 \
  "$bin" --config "$work/lab.conf" scan --timeout 60
lab_host_avahi_stop
VG_RUN=lab_host_exec vg_check "scan without an Avahi daemon" 2 \
  "$bin" --config "$work/lab.conf" scan --json --timeout 10
lab_host_avahi_start
tap_done
