#!/bin/bash
# shellcheck disable=SC1111 # the typographic quotes in strings are what the program prints
# Smoke test against a REAL NetworkManager, confined to the lab: it runs in
# the lab's host namespace (ip netns exec, so it sees only that namespace's
# links, with /sys remounted read-only so it does not wait for udev), on the
# lab's private system bus, with private /run and state directories and its
# own configuration (keyfile plugin, no polkit, no automatic connections,
# only the interface nm0 managed). nm0 is a veth whose peer is in the lab's
# switch namespace, with a static address from a documentation range and no
# gateway. `iotsetup network --json` must report that wired connection as
# nmcli does; when NetworkManager stops, exit 2.
set -u
. "$(dirname "$0")/../lib.sh"
if ! command -v NetworkManager >/dev/null || ! command -v nm-online >/dev/null; then
  echo "1..0 # SKIP needs NetworkManager (apt network-manager)"
  exit 0
fi
lab_test_begin
ok "lab comes up"

# shellcheck disable=SC2154 # $work: made by lab_test_begin
nm=$work/nm
mkdir -p "$nm/run" "$nm/lib" "$nm/conf.d" "$nm/connections"

# The bus lets root own NetworkManager's name, as Debian's policy does.
cat >"$LAB_DIR/host/bus.d/nm.conf" <<'EOF'
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <policy user="root">
    <allow own="org.freedesktop.NetworkManager"/>
    <allow send_destination="org.freedesktop.NetworkManager"/>
  </policy>
  <policy context="default">
    <allow send_destination="org.freedesktop.NetworkManager"/>
    <allow receive_sender="org.freedesktop.NetworkManager"/>
  </policy>
</busconfig>
EOF
lab_bus_reload

cat >"$nm/NetworkManager.conf" <<EOF
[main]
plugins=keyfile
auth-polkit=false
no-auto-default=*
dns=none
rc-manager=unmanaged
systemd-resolved=false
dhcp=internal
[keyfile]
path=$nm/connections
unmanaged-devices=except:interface-name:nm0
[connectivity]
enabled=false
[logging]
level=INFO
EOF
cat >"$nm/connections/lab-wired.nmconnection" <<EOF
[connection]
id=Lab wired
uuid=$(cat /proc/sys/kernel/random/uuid)
type=ethernet
interface-name=nm0
autoconnect=true

[ipv4]
method=manual
address1=198.51.100.1/24

[ipv6]
method=link-local
addr-gen-mode=eui64
EOF
chmod 600 "$nm/connections/lab-wired.nmconnection"

# The link: nm0 in the host namespace, its peer up in the switch namespace
# (not on the bridge: nothing else is on this segment).
ip netns exec "$LAB_HOST_NS" sysctl -qw net.ipv6.conf.default.accept_dad=0
ip link add name nm0 netns "$LAB_HOST_NS" type veth peer name nmpeer netns "$LAB_SW_NS"
ip -n "$LAB_SW_NS" link set nmpeer up

# ip netns exec gives NetworkManager a mount namespace of its own: private
# /run and /var/lib/NetworkManager, /sys read-only.
_lab_spawn host:nm "$nm/nm.log" env "DBUS_SYSTEM_BUS_ADDRESS=$LAB_BUS" \
  ip netns exec "$LAB_HOST_NS" sh -c '
    mount --bind "$1/run" /run && mount --bind "$1/lib" /var/lib/NetworkManager &&
    mount -o remount,ro /sys &&
    exec NetworkManager --debug --config="$1/NetworkManager.conf" \
      --config-dir="$1/conf.d" --system-config-dir="$1/conf.d" \
      --state-file="$1/lib/NetworkManager.state" \
      --intern-config="$1/lib/NetworkManager-intern.conf" \
      --pid-file="$1/run/NetworkManager.pid"' sh "$nm"

if lab_host_exec nm-online -s -q -t 20; then
  ok "NetworkManager in the lab finished starting (nm-online -s)"
else
  not_ok "NetworkManager in the lab finished starting (nm-online -s)"
  tail -n 20 "$nm/nm.log" | while IFS= read -r l; do diag "$l"; done
fi
activated() { lab_host_exec nmcli -t -f NAME,DEVICE,STATE con show --active 2>/dev/null | grep -q '^Lab wired:nm0:activated$'; }
check "nmcli shows “Lab wired” activated on nm0" wait_ms 20000 activated
# No NetworkManager process in this (the root) network namespace.
nm_outside() {
  local pid root
  root=$(readlink /proc/self/ns/net)
  for pid in $(pgrep -x NetworkManager); do
    [ "$(readlink "/proc/$pid/ns/net")" = "$root" ] && return 0
  done
  return 1
}
check "NetworkManager runs only inside the lab (none in the root network namespace)" bash -c "$(declare -f nm_outside); ! nm_outside"
check "nothing written to the machine's own /run/NetworkManager" bash -c '! [ -e /run/NetworkManager/NetworkManager.pid ]'

lab_host_exec "$IOTSETUP_BIN" network --json >"$work/net.json" 2>"$work/net.err"
rc=$?
check "iotsetup network --json exits 0 (connected) (rc=$rc)" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || while IFS= read -r l; do diag "$l"; done <"$work/net.err"
version=$(lab_host_exec nmcli -t -f VERSION general 2>/dev/null || NetworkManager --version)
"$PYTHON3" - "$work/net.json" "$version" <<'PY' && ok "JSON reports the real wired connection: Lab wired, nm0, 198.51.100.1/24, real version" || not_ok "JSON reports the real wired connection"
import json, sys
doc = json.load(open(sys.argv[1]))
nm = doc["networkmanager"]
assert nm["running"] is True and nm["version"] == sys.argv[2].strip(), (nm, sys.argv[2])
assert doc["connected"] is True, doc
c = doc["connection"]
assert c["id"] == "Lab wired" and c["type"] == "wired" and c["nm_type"] == "802-3-ethernet", c
assert c["interface"] == "nm0", c
assert c["ipv4"] == ["198.51.100.1/24"], c
assert all(a.startswith("fe80:") for a in c["ipv6"]), c
assert c["wifi"] is None and doc["findings"] == [] and doc["access_points"] == [], doc
PY
diag "$("$PYTHON3" -c 'import json, sys; d = json.load(open(sys.argv[1])); print(json.dumps({k: d[k] for k in ("networkmanager", "connection")}))' "$work/net.json")"
lab_host_exec "$IOTSETUP_BIN" network >"$work/net.txt" 2>&1
check "text output: Wired, Lab wired (nm0)" bash -c "grep -q 'Network: Wired' '$work/net.txt' && grep -q 'Lab wired (nm0)' '$work/net.txt'"

# NetworkManager stops: exit 2 and the message.
_lab_stop_pids host:nm TERM
lab_host_exec "$IOTSETUP_BIN" network >/dev/null 2>"$work/gone.err"
rc=$?
check "after NetworkManager stops: exit 2 (rc=$rc)" [ "$rc" -eq 2 ]
check "after NetworkManager stops: the message says so" grep -q "NetworkManager is not available" "$work/gone.err"

tap_done
