#!/bin/bash
# `iotsetup check DEVICE --json` and the HTTP probing checks, against the
# simulated Shelly Gen2 and the real IPP Everywhere printer (ippeveprinter)
# in the lab, and the real Homebridge UI 4.42.0 (admin/admin) and 4.76.0
# (unclaimed) when the lab has them: G1 (http-default-login) and G5
# (http-transport) give the expected result with the expected evidence; the
# probes reach only the device picked, with a bounded number of requests
# (the simulator's call log counts them), and no password appears in the
# output.
set -u
. "$(dirname "$0")/../lib.sh"
lab_test_begin
# shellcheck disable=SC2154 # $work: made by lab_test_begin
export XDG_STATE_HOME="$work/state"
ok "lab comes up with $(lab_devices | wc -l) devices"

# check_of NAME [SUFFIX]: runs the check of device NAME into $work/NAME$SUFFIX.json.
check_of() {
  lab_host_exec "$IOTSETUP_BIN" check "$(lab_device_ip "$1")" --json --timeout 20 \
    >"$work/$1${2:-}.json" 2>"$work/$1${2:-}.err"
}
# result FILE CHECK_ID: "status evidence" of that check's result, or "none".
result() {
  "$PYTHON3" -c 'import json,sys
doc = json.load(open(sys.argv[1]))
rs = [r for g in doc["guidelines"] for r in g["results"] if r["check"] == sys.argv[2]]
print("%s %s" % (rs[0]["status"], rs[0]["evidence"]) if rs else "none")' "$1" "$2" 2>/dev/null
}
expect() { # expect FILE CHECK_ID STATUS EVIDENCE-REGEX
  local r; r=$(result "$work/$1.json" "$2")
  if [[ $r =~ ^$3( |$)$4 ]]; then ok "$1: $2 $r"
  else not_ok "$1: $2 expected $3 /$4/, got: $r"; diag "$(head -c 600 "$work/$1.err")"; fi
}
# calls NAME: the number of requests the simulator of NAME logged.
calls() { lab_shelly_calls "$1" | wc -l; }

# The standard Shelly: auth off, as out of the box. A second Shelly is the
# bystander that must never be probed.
lab_add kitchen shelly
check "a second (bystander) Shelly comes up" [ "$(lab_device_family kitchen)" = shelly ]
lab_shelly_calls_clear shelly
lab_shelly_calls_clear kitchen
ip=$(lab_device_ip shelly)
check_of shelly -off
expect shelly-off http-default-login fail \
  "The device's web interface and API need no password \\(auth_en false\\).*http://$ip:80/rpc"
expect shelly-off http-transport warn "Its web interface is offered only over plain HTTP.*http://$ip:80/"
n_off=$(calls shelly)
check "shelly, auth off: $n_off requests (identify + transport; at most 3)" [ "$n_off" -ge 1 ] && [ "$n_off" -le 3 ]

# Auth on with a unique password: a call without it is refused (401).
head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$work/shelly.pw"
lab_shelly_restart shelly --password-file "$work/shelly.pw"
lab_shelly_calls_clear shelly
check_of shelly -on
expect shelly-on http-default-login pass \
  "A password is set: a call without one was refused \\(HTTP 401\\) at http://$ip:80/rpc"
expect shelly-on http-transport warn "Its login uses HTTP Digest over plain HTTP at http://$ip:80/"
n_on=$(calls shelly)
# identify, the unauthenticated call, at most IOT_HTTP_MAX_LOGINS (5)
# logins, and the transport check's page: never more than 8.
check "shelly, auth on: $n_on requests, within the bound of 8" [ "$n_on" -ge 2 ] && [ "$n_on" -le 8 ]
n_bad=$(lab_shelly_calls shelly | grep -c '"auth": *"bad"')
n_unauth=$(lab_shelly_calls shelly | grep -c '"status": *401')
check "shelly, auth on: $n_unauth refused without a password, $n_bad with a wrong one (no published default to try)" \
  [ "$n_unauth" -ge 1 ] && [ "$n_bad" = 0 ]
check "the bystander Shelly got no request ($(calls kitchen))" [ "$(calls kitchen)" = 0 ]
check "the Shelly's password appears nowhere in the output" \
  bash -c '! grep -qF -- "$(cat "$1")" "$2" "$3"' sh "$work/shelly.pw" "$work/shelly-on.json" "$work/shelly-on.err"

# The printer: ippeveprinter without -A, its adminurl opens without login.
check_of printer
admin=$("$PYTHON3" -c 'import json,sys
doc = json.load(open(sys.argv[1]))
print([r for g in doc["guidelines"] for r in g["results"] if r["check"] == "http-default-login"][0]["evidence"])' \
  "$work/printer.json" 2>/dev/null)
expect printer http-default-login fail "Its admin page opens without any password: https://[^ ]*:8631/(, reached at http://$(lab_device_ip printer):8631/)? \\(HTTP 200\\)"
diag "printer G1: $admin"
# The lab's ippeveprinter announces an https adminurl and _ipps._tcp but has
# no TLS credentials: its port answers plain HTTP only.
expect printer http-transport warn "Its web interface is offered only over plain HTTP, without encryption: http://$(lab_device_ip printer):8631/"

# The same printer with a login page over TLS (ippeveprinter -A -K: HTTP
# Basic, a certificate it signs itself): encrypted but not authenticated is
# a finding with the certificate's problem, and the page's login no longer
# lets anyone in without a password.
head -c 18 /dev/urandom | base64 | tr -d '/+=\n' >"$work/printer.pw"
check "the printer restarts with a login over self-signed TLS" lab_printer_auth printer admin "$work/printer.pw" tls
t0=$(now_ms)
check_of printer -tls
diag "check of the TLS printer: $(($(now_ms) - t0)) ms (PAM delays each refused login)"
expect printer-tls http-transport warn "Encrypted, but the certificate does not verify \\(self-signed certificate.*\\) at https://$(lab_device_ip printer):8631/"
r=$(result "$work/printer-tls.json" http-default-login)
check "printer over TLS: its admin page asks for a login now, not FAIL ($r)" eval '[[ $r != fail* && $r != none ]]'

# Homebridge (real, from the lab's npm installs), when the lab offers it.
if ! declare -F lab_add_homebridge >/dev/null; then
  ok "# SKIP Homebridge: this lab has no lab_add_homebridge"
elif [[ ! -x $LAB_LIB_DIR/npm/ui-4.42.0/node_modules/.bin/homebridge || ! -x $LAB_LIB_DIR/npm/ui-4.76.0/node_modules/.bin/homebridge ]]; then
  ok "# SKIP Homebridge UI not installed (build-aux/dev.sh deps)"
else
  if lab_add_homebridge hb-old 4.42.0 && lab_add_homebridge hb-new 4.76.0; then
    ok "Homebridge UI 4.42.0 and 4.76.0 come up"
    check_of hb-old
    ip=$(lab_device_ip hb-old)
    expect hb-old http-default-login fail \
      "A documented default login \\(user name “admin”\\) was accepted by the web page's login at http://$ip:8581/api/auth/login"
    expect hb-old http-transport fail "Its login sends the password in clear over plain HTTP at http://$ip:8581/"
    check_of hb-new
    ip=$(lab_device_ip hb-new)
    expect hb-new http-default-login fail \
      "Unclaimed: anyone on the network can create the admin account \\(setupWizardComplete false at http://$ip:8581/api/auth/settings\\)"
    "$PYTHON3" -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))["worst"] != "fail")' "$work/hb-new.json"
    check "hb-new: worst result is fail" [ $? = 0 ]
  else
    not_ok "Homebridge UI 4.42.0 and 4.76.0 come up"
  fi
fi

tap_done
