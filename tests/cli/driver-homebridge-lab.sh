#!/bin/bash
# The Homebridge driver (app/core/drivers/iot-driver-homebridge.c) against
# real Homebridge 1.11.4 with its web page homebridge-config-ui-x 4.76.0 in
# the lab (lab_add_homebridge), driven by tests/cli/driver-tool in the host
# namespace: claim the unclaimed page, identify (version from the API),
# check for updates (no route out: "no update" is unknown, never up to
# date), and the accessory reset: Homebridge's own log shows the reset and
# the restart, config.json has a new bridge username, the driver returns
# only after the page went away and came back, and the bridge announces
# _hap._tcp with that new id and sf=1 (not paired). Before the reset, the
# log is read to show that claiming, identifying and checking sent no reset.
set -u
. "$(dirname "$0")/../lib.sh"
lab_test_begin
# shellcheck disable=SC2154 # $work: made by lab_test_begin
ok "lab comes up"

tool=${IOTSETUP_BUILDDIR:-$SRCDIR/_build}/tests/cli/driver-tool
if lab_add_homebridge hb 4.76.0; then
  ok "Homebridge 1.11.4 with UI 4.76.0 is up"
else
  not_ok "Homebridge comes up"; tap_done; exit 1
fi
ip=$(lab_device_ip hb)
dir=$LAB_DIR/dev/hb
printf 'Corr3ct-Horse-Battery\n' >"$work/new.pw"

drive() {
  local op=$1; shift
  lab_host_exec "$tool" --driver homebridge-ui --port 8581 "$@" "$ip" "$op" >"$work/out" 2>"$work/err"
}
field() { "$PYTHON3" -c 'import json,sys; print(json.load(open(sys.argv[1])).get(sys.argv[2]))' "$work/out" "$1"; }
show() { diag "$(cat "$work/out")" "$(tail -n 3 "$work/err")"; }
username() { "$PYTHON3" -c 'import json,sys; print(json.load(open(sys.argv[1]))["bridge"]["username"])' "$dir/storage/config.json"; }
# hap FIELD: the bridge's announcement as the host resolves it now.
hap() {
  lab_host_exec avahi-browse -rpt _hap._tcp 2>/dev/null | grep "^=;lab0;IPv4;.*;$ip;" | head -1 |
    grep -o "\"$1=[^\"]*\"" | tr -d '"' | cut -d= -f2
}

drive set-password --new-password-file "$work/new.pw"
check "claim: the first user is created with the new password" [ "$(field ok)" = True ]

drive identify --password-file "$work/new.pw"
if [ "$(field ok)" = True ] && [ "$(field ver)" = 1.11.4 ] && [ "$(field auth_en)" = True ]; then
  ok "identify after the claim: Homebridge 1.11.4, an account"
else
  not_ok "identify"; show
fi

t0=$(now_ms)
drive check-update --password-file "$work/new.pw"
t=$(($(now_ms) - t0))
if [ "$(field ok)" = True ] && [ "$(field current)" = 1.11.4 ] && [ "$(field available)" = None ] &&
  [ "$(field unknown)" = True ]; then
  ok "check-update offline: 1.11.4, nothing offered, unknown (not 'up to date') ($t ms)"
else
  not_ok "check-update offline is unknown"; show
fi
drive check-update
check "check-update without a password: refused, no answer taken as one" [ "$(field ok)" = False ]

old=$(username)
old_id=$(hap id)
check "before the reset: the bridge announces id $old_id = config.json's $old, sf=$(hap sf)" \
  eval '[ -n "$old_id" ] && [ "$old_id" = "$old" ]'
if ! grep -qa "bridge reset\|restart request" "$dir/homebridge.log"; then
  ok "claim, identify and check sent no reset and no restart (Homebridge's log)"
else
  not_ok "a reset arrived before it was asked for"; grep -a "reset\|restart" "$dir/homebridge.log" | sed 's/^/# /'
fi

t0=$(now_ms)
drive reset --password-file "$work/new.pw" --reboot-timeout 60000 --poll 250
t=$(($(now_ms) - t0))
if [ "$(field ok)" = True ] && grep -q "down after" "$work/err" && grep -q "back after" "$work/err"; then
  ok "reset: the page went away and came back ($t ms)"
else
  not_ok "reset"; show
fi
new=$(username)
if [ "$new" != "$old" ] && grep -qa "Homebridge bridge reset: new username $new" "$dir/homebridge.log" &&
  grep -qa "Homebridge restart request received" "$dir/homebridge.log"; then
  ok "Homebridge's log: reset to username $new, restart requested"
else
  not_ok "Homebridge's log shows the reset"; grep -a "reset\|restart" "$dir/homebridge.log" | sed 's/^/# /'
fi
t0=$(now_ms)
if wait_ms 30000 eval '[ "$(hap id)" = "$new" ]'; then
  ok "the bridge announces the new id $new ($(($(now_ms) - t0)) ms after the driver returned)"
else
  not_ok "the bridge announces the new id"; diag "now: $(hap id)"
fi
check "and sf=1: not paired" [ "$(hap sf)" = 1 ]
drive identify --password-file "$work/new.pw"
check "the web page's account survived the reset" [ "$(field ok)" = True ]
check "no password in Homebridge's log" eval '! grep -qF Corr3ct-Horse-Battery "$dir/homebridge.log"'
tap_done
