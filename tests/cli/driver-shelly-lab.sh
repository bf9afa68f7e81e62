#!/bin/bash
# The Shelly Gen2 driver (app/core/drivers/iot-driver-shelly.c) against the
# simulated Shelly in the lab (tests/lab/shelly-sim.py on 198.18.0.10),
# driven by tests/cli/driver-tool in the host namespace: identify, set a
# password (auth off -> on), verify it (no password refused, the new one
# accepted; no PASS before), check for an update, update (the device goes
# away, comes back with the new version, in GetDeviceInfo and in its mDNS
# TXT), factory reset (auth off again), and failures without false success:
# a wrong password, the update server offline, a device that does not come
# back, a device unplugged mid-update. No password is in the device's log.
set -u
. "$(dirname "$0")/../lib.sh"
lab_test_begin
# shellcheck disable=SC2154 # $work: made by lab_test_begin
ok "lab comes up"

tool=${IOTSETUP_BUILDDIR:-$SRCDIR/_build}/tests/cli/driver-tool
ip=$(lab_device_ip shelly)
printf 'Corr3ct-Horse-Battery\n' >"$work/new.pw"
printf 'not-the-password\n' >"$work/wrong.pw"

# drive OP [ARGS...]: one operation; its JSON line in $work/out, stderr in $work/err.
drive() {
  local op=$1; shift
  lab_host_exec "$tool" "$@" "$ip" "$op" >"$work/out" 2>"$work/err"
}
# field NAME: a member of the last JSON line, as Python prints it.
field() { "$PYTHON3" -c 'import json,sys; print(json.load(open(sys.argv[1])).get(sys.argv[2]))' "$work/out" "$1"; }
show() { diag "$(cat "$work/out")" "$(tail -n 3 "$work/err")"; }

drive identify
if [ "$(field ok)" = True ] && [ "$(field id)" = shellyplusplugs-d4d4da7c1e2f ] &&
  [ "$(field ver)" = 1.4.4 ] && [ "$(field auth_en)" = False ] && [ "$(field model)" = SNPL-00112EU ]; then
  ok "identify: id, model SNPL-00112EU, firmware 1.4.4, auth off"
else
  not_ok "identify"; show
fi

drive verify --new-password-file "$work/new.pw"
if [ "$(field ok)" = True ] && [ "$(field pass)" = False ] && [ "$(field no_password_refused)" = False ]; then
  ok "verify before a password is set: not a PASS (calls without a password are accepted)"
else
  not_ok "verify before a password is set"; show
fi

lab_shelly_calls_clear shelly
drive set-password --new-password-file "$work/new.pw"
if [ "$(field ok)" = True ] && lab_shelly_state shelly | grep -q '"auth_en": true'; then
  ok "set-password: the device has auth on"
else
  not_ok "set-password"; show
fi
calls=$(lab_shelly_calls shelly)
# SetAuth is sent, then a digest call proves the new password.
if printf '%s\n' "$calls" | grep -q '"method": "Shelly.SetAuth", "auth": "none", "status": 200, "note": "ha1 set"' &&
  printf '%s\n' "$calls" | grep -q '"method": "Shelly.GetStatus", "auth": "ok", "status": 200'; then
  ok "set-password: SetAuth (ha1 set), then a Digest SHA-256 call with the new password"
else
  not_ok "set-password calls"; diag "$calls"
fi
ha1=$(printf 'admin:shellyplusplugs-d4d4da7c1e2f:Corr3ct-Horse-Battery' | sha256sum | cut -d' ' -f1)
if ! grep -rqF -e 'Corr3ct-Horse-Battery' -e "$ha1" "$LAB_DIR/dev/shelly/" 2>/dev/null; then
  ok "neither the password nor its ha1 is in the device's log or state"
else
  not_ok "a secret leaked into $LAB_DIR/dev/shelly"
fi

drive verify --new-password-file "$work/new.pw"
if [ "$(field ok)" = True ] && [ "$(field pass)" = True ]; then
  ok "verify: no password refused (401), the new password accepted: PASS"
else
  not_ok "verify after set-password"; show
fi
out=$(lab_host_exec curl -s -o /dev/null -w '%{http_code}' --noproxy '*' --max-time 5 \
  -d '{"id":1,"method":"Shelly.GetConfig"}' "http://$ip/rpc")
check "curl without credentials gets 401 ($out)" [ "$out" = 401 ]

drive set-password --password-file "$work/wrong.pw" --new-password-file "$work/wrong.pw"
if [ "$(field ok)" = False ] && [ "$(field domain)" = iot-driver-error-quark ] && [ "$(field code)" = 0 ]; then
  ok "set-password with a wrong current password: refused (AUTH), nothing changed"
else
  not_ok "set-password with a wrong password"; show
fi

drive check-update --password-file "$work/new.pw"
if [ "$(field ok)" = True ] && [ "$(field current)" = 1.4.4 ] && [ "$(field available)" = 1.5.0 ]; then
  ok "check-update: 1.5.0 available for 1.4.4"
else
  not_ok "check-update"; show
fi

t0=$(now_ms)
drive update --password-file "$work/new.pw" --reboot-timeout 20000 --poll 300
if [ "$(field ok)" = True ] && [ "$(field ver)" = 1.5.0 ] && grep -q 'driver-tool: down' "$work/err" &&
  grep -q 'driver-tool: back' "$work/err"; then
  ok "update: the device went away and came back with 1.5.0 ($(($(now_ms) - t0)) ms)"
else
  not_ok "update"; show
fi
txt_has_new() { lab_host_exec avahi-browse -rpt _shelly._tcp 2>/dev/null | grep -q '"ver=1.5.0"'; }
if wait_ms 15000 txt_has_new; then
  ok "after the update the host sees TXT ver=1.5.0 over mDNS"
else
  not_ok "TXT ver=1.5.0 not seen"; lab_host_exec avahi-browse -rpt _shelly._tcp | sed 's/^/# /'
fi
drive check-update --password-file "$work/new.pw"
check "check-update after the update: nothing newer" [ "$(field ok)" = True ] && [ "$(field available)" = None ]

drive reset --password-file "$work/new.pw" --reboot-timeout 20000 --poll 300
if [ "$(field ok)" = True ] && [ "$(field auth_en)" = False ] &&
  lab_shelly_state shelly | grep -q '"ap": {"enable": true, "is_open": true}'; then
  ok "factory reset: back with auth off and the open setup AP on"
else
  not_ok "factory reset"; show
fi

# Failures must not look like success.
lab_shelly_restart shelly --update offline
drive check-update
if [ "$(field ok)" = False ] && [ "$(field code)" = 1 ]; then
  ok "check-update with the update server offline: a device error, not 'up to date'"
else
  not_ok "check-update offline"; show
fi

lab_shelly_restart shelly --reboot-seconds 60
t0=$(now_ms)
drive update --reboot-timeout 2500 --poll 300
took=$(($(now_ms) - t0))
if [ "$(field ok)" = False ] && [ "$(field code)" = 3 ] && [ "$took" -lt 8000 ]; then
  ok "a device that does not come back: GONE after the 2.5 s limit ($took ms), no success"
else
  not_ok "device that does not come back ($took ms)"; show
fi

lab_shelly_restart shelly --reboot-seconds 3
lab_host_exec "$tool" --reboot-timeout 4000 --poll 300 "$ip" update >"$work/out" 2>"$work/err" &
pid=$!
check "the update is sent before the unplug" wait_ms 20000 grep -q 'driver-tool: sent' "$work/err"
lab_unplug shelly
wait "$pid"
rc=$?
if [ "$rc" -ne 0 ] && [ "$(field ok)" = False ] && [ "$(field code)" = 3 ]; then
  ok "the device unplugged mid-update: a clear error (GONE), exit $rc"
else
  not_ok "unplugged mid-update (exit $rc)"; show
fi
tap_done
