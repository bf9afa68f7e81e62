#!/bin/bash
# `iotsetup check DEVICE --json` against real software in the lab: mosquitto
# with anonymous access (G1 FAIL, G5 FAIL) and with a password file (G1 PASS,
# G5 WARN), sshd with pi/raspberry (G1 FAIL) and with that password changed
# (G1 PASS), a telnet prompt (G6 FAIL) and a device without risky ports
# (G6 PASS). Probes go only to the device picked: a second telnet device is
# never contacted.
set -u
. "$(dirname "$0")/../lib.sh"
lab_test_begin
# shellcheck disable=SC2154 # $work: made by lab_test_begin
export XDG_STATE_HOME="$work/state"
ok "lab comes up with $(lab_devices | wc -l) devices"

adds_ok=0
lab_add_mqtt mqtt-open anonymous && lab_add_mqtt mqtt-auth password &&
  lab_add_ssh pi-default default && lab_add_ssh pi-changed changed &&
  lab_add_telnet dvr && lab_add_telnet bystander || adds_ok=1
check "mosquitto x2, sshd x2 and two telnet devices come up" [ "$adds_ok" = 0 ]

# check_of NAME: runs the check of device NAME into $work/NAME.json.
check_of() {
  lab_host_exec "$IOTSETUP_BIN" check "$(lab_device_ip "$1")" --json --timeout 20 \
    >"$work/$1.json" 2>"$work/$1.err"
}
# result NAME CHECK_ID: "status evidence" of that check's result.
result() {
  "$PYTHON3" -c 'import json,sys
doc = json.load(open(sys.argv[1]))
rs = [r for g in doc["guidelines"] for r in g["results"] if r["check"] == sys.argv[2]]
print("%s %s" % (rs[0]["status"], rs[0]["evidence"]) if rs else "none")' "$work/$1.json" "$2" 2>/dev/null
}
expect() { # expect NAME CHECK_ID STATUS EVIDENCE-REGEX
  local r; r=$(result "$1" "$2")
  if [[ $r =~ ^$3( |$)$4 ]]; then ok "$1: $2 $r"; else not_ok "$1: $2 expected $3 /$4/, got: $r"; diag "$(head -c 600 "$work/$1.err")"; fi
}

before=$(lab_device_telnet_log bystander | wc -l)
t0=$(now_ms)
for d in mqtt-open mqtt-auth pi-default pi-changed dvr; do check_of "$d"; done
diag "5 checks took $(($(now_ms) - t0)) ms"

ip=$(lab_device_ip mqtt-open)
expect mqtt-open mqtt-default-login fail "Anonymous MQTT login accepted at mqtt://$ip:1883"
expect mqtt-open mqtt-transport fail ".*mqtt://$ip:1883 accepts anonymous clients"
ip=$(lab_device_ip mqtt-auth)
expect mqtt-auth mqtt-default-login pass "Anonymous and [1-9][0-9]* default logins refused at mqtt://$ip:1883"
expect mqtt-auth mqtt-transport warn "mqtt://$ip:1883 asks for a login but has no encryption"
check "mqtt-auth: the broker's real password appears nowhere in the output" \
  bash -c '! grep -qF -- "$1" "$2"' sh "$(lab_device_file mqtt-auth mqtt_password)" "$work/mqtt-auth.json"
expect mqtt-open risky-ports pass "5 ports checked .* closed"
ip=$(lab_device_ip pi-default)
expect pi-default ssh-default-login fail "Default login accepted at ssh://$ip:22: user name “pi”, password “raspberry”"
ip=$(lab_device_ip pi-changed)
expect pi-changed ssh-default-login pass "[1-9][0-9]* default logins refused at ssh://$ip:22"
check "pi-changed: its real password appears nowhere in the output" \
  bash -c '! grep -qF -- "$1" "$2"' sh "$(lab_device_file pi-changed ssh_password)" "$work/pi-changed.json"
ip=$(lab_device_ip dvr)
expect dvr risky-ports fail "Open on $ip: 23 \\(telnet\\)"
check "dvr: the telnet listener saw the probe from the host (198.18.0.1)" \
  grep -q "connect 198.18.0.1" <(lab_device_telnet_log dvr)
expect dvr mqtt-default-login none ""
expect dvr ssh-default-login none ""
after=$(lab_device_telnet_log bystander | wc -l)
check "bystander: no probe reached a device that was not picked ($before -> $after connections)" \
  [ "$before" = "$after" ]
"$PYTHON3" -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d["worst"] != "fail")' "$work/dvr.json"
check "dvr: worst result is fail" [ $? = 0 ]

tap_done
