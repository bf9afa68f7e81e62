# shellcheck shell=bash
#
# lab-lib.sh - an mDNS "home network" in Linux network namespaces, for
# testing iotsetup against real Avahi daemons and real device software.
#
# Source it from bash. It is clean under `set -euo pipefail`, never calls
# `exit`, and keeps all state in files under $LAB_DIR (so a child bash that
# sources it, e.g. `lab.sh shell`, can use the functions too):
#
#     . tests/lab/lab-lib.sh
#     lab_up            # standard home network; installs lab_down as a trap
#     lab_host_exec avahi-browse -arpt
#
# Everything runs inside namespaces this run creates; nothing is put into
# the root network namespace and nothing there talks to a lab address.
# Needs root, iproute2, avahi-daemon, avahi-utils, dbus, cups-ipp-utils.
# See /work/shared/LAB-NOTES.md section 1 for why things are done this way.
#
# FUNCTIONS (all return 0 on success, non-zero with a "lab: ..." message on
# stderr on failure; none of them exits the calling shell)
#
#   lab_up [N_EXTRA]
#       Bring up the standard home network: namespaces $LAB_HOST_NS (the
#       assistant's side: private D-Bus system bus + avahi-daemon on lab0,
#       198.18.0.1) and $LAB_SW_NS (bridge br0), and one namespace per
#       device: shelly, homekit, matter, esphome, camera, printer (the real
#       ippeveprinter). N_EXTRA (default 0, max 150) adds generic devices
#       plug-001 .. plug-NNN (_http._tcp) for benchmarks; they all live in
#       one "fleet" namespace and are published by one avahi-daemon, but each
#       has its own IPv4 and IPv6 link-local address (198.18.0.100 + i).
#       Returns when the host avahi-daemon is RUNNING (GetState = 2) and every
#       device's services are resolved by the host with IPv4 and IPv6.
#       Installs `lab_down` as trap on EXIT, INT and TERM (replacing any
#       trap the caller had on those). The daemons are disowned: a bare
#       `wait` in the caller does not wait for them.
#       Exports LAB_PREFIX, LAB_DIR, LAB_HOST_NS, LAB_SW_NS, LAB_BUS.
#       Tunables (env): LAB_PREFIX (default iotl<PID>), LAB_TIMEOUT (seconds
#       per wait, default 20), LAB_EXTRA_MODE=ns (extras get a namespace
#       and daemon each, on isolated bridge ports: slower, for comparison).
#       If the calling shell is SIGKILLed, nothing can clean up: the run's
#       namespaces are listed in $LAB_DIR/netns, its PIDs in $LAB_DIR/pids.
#
#   lab_down
#       Tear down everything this run created: kill the recorded PIDs (TERM,
#       then KILL after 3 s), delete the recorded namespaces, remove LAB_DIR.
#       Idempotent; safe to call when lab_up failed half-way or never ran.
#
#   lab_host_exec CMD [ARG...]
#       Run CMD in the host namespace with DBUS_SYSTEM_BUS_ADDRESS=$LAB_BUS;
#       the rest of the environment (TERM, LANG, HOME...) is kept. Foreground,
#       so an interactive program gets the terminal. Returns CMD's status.
#
#   lab_device_exec NAME CMD [ARG...]
#       Run CMD in device NAME's namespace (e.g. to start a fake HTTP API
#       on the device's address). Fleet devices share the fleet namespace.
#
#   lab_devices
#       Print the names of the devices currently in the lab, one per line.
#   lab_device_ip NAME / lab_device_ip6 NAME / lab_device_host NAME /
#   lab_device_ns NAME / lab_device_family NAME
#       Print the device's IPv4 address, IPv6 link-local address (without
#       %scope), mDNS host name (without .local), namespace, family.
#   lab_device_services NAME
#       Print "TYPE PORT" for each service the device publishes.
#   lab_device_instance NAME
#       Print a ghost's instance name (e.g. "Ghost Plug 1f"); fails for
#       other devices.
#
#   lab_set_txt NAME TYPE KEY VALUE
#       The device re-announces its TYPE service with TXT KEY=VALUE (e.g. a
#       HomeKit accessory paired, sf=0, or reset, sf=1): the key's record in
#       its service file is rewritten and its daemon reloads (SIGHUP).
#
#   lab_withdraw NAME [TYPE]
#       The device says goodbye: without TYPE its mDNS daemon(s) get SIGTERM
#       (Avahi sends goodbye packets, so running browsers see REMOVE after
#       about 1 s); with TYPE only that service's file is removed (SIGHUP).
#       Returns once the goodbye has been sent (the daemon has exited, or
#       reloaded). The namespace and addresses stay until lab_down.
#
#   lab_unplug NAME
#       The device vanishes without goodbye: SIGKILL its daemon(s) and take
#       its link down. Browsers keep the stale entry (PTR TTL 4500 s).
#
#   lab_wait_visible NAME... / lab_wait_gone NAME...
#       Wait (LAB_TIMEOUT) until the host resolves every service of each NAME
#       with its IPv4 and its IPv6 link-local address (a streaming
#       avahi-browse, polled every 50 ms) / until no resolved service of the
#       host's view uses their addresses (avahi-browse -arpt snapshots, ~1 s
#       each). On timeout they print what is missing and what was seen.
#       A ghost (lab_add_ghost) counts as visible when its instance is
#       browsed ("+") over IPv4 and IPv6, and as gone when it is browsed
#       over neither. While a ghost is in the lab, a resolving snapshot
#       waits for its resolve to fail (Avahi's 5 s); snapshots are capped
#       at 8 s because avahi-browse -t never exits when a service is removed
#       while being resolved. Waiting for ghosts only uses no resolving (~1 s).
#
#   lab_add NAME FAMILY
#       Add a device at runtime in its own namespace on the bridge; FAMILY is
#       one of shelly homekit matter esphome camera printer generic. NAME is
#       [a-z0-9-]{1,16}; it names the namespace (and is the host name of a
#       generic device). Other host names, MACs and instance names are
#       derived from the address (198.18.0.30 and up), so several devices of
#       one family do not clash. Returns when the host resolves all its
#       services.
#
#   lab_add_hostile [NAME]
#       Add device NAME (default "hostile") whose instance names, host name
#       and TXT records carry terminal escapes, C1 controls, invalid UTF-8,
#       NUL, bidi overrides and very long values; it speaks raw mDNS
#       (hostile-responder.py, like a malicious device). Returns when the
#       host has resolved the services that get through: names with ESC,
#       BEL, C1 (as UTF-8), bidi and separators do; names with invalid UTF-8
#       or NUL are dropped silently by the host's avahi-daemon; TXT values
#       arrive byte for byte. Details in tests/lab/README.md.
#
#   lab_add_ghost [NAME]
#       Add device NAME (default "ghost") that announces one _http._tcp
#       instance, "Ghost Plug XX" (XX = last octet of its address, hex), and
#       answers PTR questions for it, but never sends SRV, TXT, A or AAAA
#       (hostile-responder.py --ghost). Browsers list it ("+" lines); every
#       resolve fails: avahi-browse -rpt prints "Failed to resolve service
#       'Ghost Plug XX' ... Timeout reached" after Avahi's 5 s. It has an
#       address (for the responder's sockets) but no host name:
#       lab_device_host prints an empty line, lab_device_services
#       "_http._tcp 0" (no SRV, so no port). Returns when the host browses
#       it over IPv4 and IPv6 (~0.1 s). lab_withdraw sends a goodbye for
#       the PTR; lab_unplug leaves it in the host's cache (TTL 4500 s).
#
#   lab_add_extreme [NAME]
#       Add device NAME (default "extreme") at the size limits
#       (hostile-responder.py --extreme): three instance names of exactly
#       63 bytes (ASCII, CJK, one starting with an escape sequence) and one
#       service whose TXT record holds 300 keys. Returns once resolved.
#
#   lab_add_flapper [NAME] [MS]
#       Add device NAME (default "flapper") whose one _http._tcp service,
#       "Flapping Plug", is announced and withdrawn every MS milliseconds
#       (default 100) for as long as the lab runs. Returns once it flaps.
#
#   lab_shelly_restart NAME [SIM-OPTION...]
#       Restart the Shelly simulator (tests/lab/shelly-sim.py) of shelly
#       device NAME with extra options, e.g. --password-file FILE (auth on,
#       the password read from a file the test owns), --update
#       available|none|offline, --new-version V, --reboot-seconds S, --ver V.
#       Every shelly-family device runs the simulator on port 80 (IPv4 and
#       IPv6) from the start, auth off. Returns once it listens.
#   lab_shelly_calls NAME / lab_shelly_calls_clear NAME
#       Print / empty its call log: JSON lines {"t", "http", "method",
#       "auth" (none|ok|bad|ignored), "status", "note"} and {"t", "event"
#       (up|down), ...}. No password or ha1 is ever in it.
#   lab_shelly_state NAME
#       Print its state as JSON: id, ver, fw_id, auth_en, ap {enable,
#       is_open}, device_name, cfg_rev.
#
#   lab_add_mqtt NAME anonymous|password / lab_add_ssh NAME default|changed /
#   lab_add_telnet NAME / lab_add_homebridge NAME 4.42.0|4.76.0
#       Devices running real software, each in its own namespace (from .30):
#       mosquitto (_mqtt._tcp 1883), sshd with a throwaway pi account in a
#       private /etc (_ssh._tcp 22, host raspberrypi-XX), a telnet login
#       prompt (port 23, telnet-listener.py, + _http._tcp "DVR-4CH XX"),
#       Homebridge 1.11.4 with its web UI (_hap._tcp 51826, IPv4 only; UI on
#       8581). Each returns when the service answers from the host namespace
#       and the host resolves it. Details at each function.
#   lab_printer_auth NAME USER PASSWORD-FILE
#       Restart printer NAME's ippeveprinter with -A (HTTP Basic via PAM)
#       and a private /etc holding USER with the password in the file: the
#       settings page then asks for a login (what setting an admin password
#       does on a real printer) With tls, also -K: the same port
#       answers https too, with a self-signed certificate it makes itself.
#   lab_device_file NAME FILE / lab_device_telnet_log NAME
#       Print a file of the device's state dir (mqtt_password, ssh_password)
#       / the peers that connected to its telnet port ("connect ADDR").
#
#   lab_host_avahi_stop / lab_host_avahi_start
#       Kill (SIGTERM) / restart the host's avahi-daemon; the bus stays up.
#       start returns when GetState = 2.
#
#   lab_bus_reload
#       Make the host bus re-read its configuration, e.g. after dropping a
#       policy file into $LAB_DIR/host/bus.d/ (for a NetworkManager mock).
#
#   _lab_now_us
#       Print microseconds since the epoch without forking (for timings;
#       used by tests/cli, tests/tui and tests/bench, so kept stable).
#
# Addresses: host 198.18.0.1; shelly .10, homekit .11, matter .12,
# esphome .13, camera .14, printer .15; lab_add / lab_add_hostile /
# lab_add_ghost from .30;
# fleet plugs from .100. No default route anywhere.

# ---------------------------------------------------------------------------
# small helpers

LAB_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

_lab_err() { printf 'lab: %s\n' "$*" >&2; }

# Microseconds since the epoch, without forking.
_lab_now_us() { local t=${EPOCHREALTIME/[.,]/}; printf '%s' "$t"; }

# _lab_wait DESC SECONDS CMD...: poll CMD every 50 ms until it succeeds;
# fail loudly after SECONDS. Polling keeps the happy path fast and the
# sad path bounded (no bare long sleeps).
_lab_wait() {
    local desc=$1 secs=$2; shift 2
    local deadline=$(( $(_lab_now_us) + secs * 1000000 ))
    while ! "$@"; do
        if (( $(_lab_now_us) > deadline )); then
            _lab_err "timed out after ${secs}s waiting for $desc"
            return 1
        fi
        sleep 0.05
    done
}

_lab_need_root() {
    if (( EUID != 0 )); then _lab_err "must run as root (network namespaces)"; return 1; fi
}

# Start a long-running process in the background and record its PID with
# its start time. lab_down signals a PID only while its start time still
# matches, so a reused PID is never hit. (An environment marker would not
# do: avahi-daemon's setproctitle overwrites /proc/PID/environ.)
# Usage: _lab_spawn LABEL LOGFILE CMD...
_lab_spawn() {
    local label=$1 log=$2; shift 2
    "$@" </dev/null >"$log" 2>&1 &
    _LAB_LAST_PID=$!
    # Not a job of the caller: a bare `wait` in a test must not hang on the
    # lab's daemons, and bash must not print "Killed" notices for them.
    # (bash still reaps them.)
    disown "$_LAB_LAST_PID"
    printf '%s %s %s\n' "$_LAB_LAST_PID" "$(_lab_starttime "$_LAB_LAST_PID")" "$label" >>"$LAB_DIR/pids"
}

# Field 22 of /proc/PID/stat (start time in clock ticks); the comm field
# may contain spaces, so cut after its closing parenthesis.
_lab_starttime() {
    local stat f
    # Not $(<file): under errexit bash exits when that file is missing,
    # even in a || context. A plain read fails softly.
    read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
    read -ra f <<<"${stat##*) }"
    printf '%s' "${f[19]}"
}

# _lab_is_ours PID STARTTIME: alive (not a zombie) and the same process.
_lab_is_ours() {
    local now stat
    now=$(_lab_starttime "$1") || return 1
    [[ $now == "$2" ]] || return 1
    read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
    stat=${stat##*) }
    [[ ${stat:0:1} != Z ]]
}

# Terminate recorded processes whose label matches the extended regex $1.
# Waits until they are gone (so goodbyes have been sent); KILL after 3 s.
_lab_stop_pids() {
    local re=$1 sig=${2:-TERM} pid st label pids=() sts=() i
    [[ -f $LAB_DIR/pids ]] || return 0
    while read -r pid st label; do
        [[ $label =~ ^($re)$ ]] || continue
        _lab_is_ours "$pid" "$st" && { pids+=("$pid"); sts+=("$st"); }
    done <"$LAB_DIR/pids"
    (( ${#pids[@]} )) || return 0
    kill "-$sig" "${pids[@]}" 2>/dev/null || true
    local deadline=$(( $(_lab_now_us) + 3000000 )) alive
    while :; do
        alive=()
        for i in "${!pids[@]}"; do
            _lab_is_ours "${pids[i]}" "${sts[i]}" && alive+=("${pids[i]}")
        done
        (( ${#alive[@]} )) || break
        if (( $(_lab_now_us) > deadline )); then
            if [[ $sig == KILL ]]; then _lab_err "PIDs ${alive[*]} survive SIGKILL"; return 1; fi
            _lab_err "PIDs ${alive[*]} ignored SIG$sig, sending KILL"
            kill -KILL "${alive[@]}" 2>/dev/null || true
            deadline=$(( $(_lab_now_us) + 3000000 ))
            sig=KILL
        fi
        sleep 0.02
    done
    return 0
}

# Record and create a namespace.
_lab_ns_add() {
    printf '%s\n' "$1" >>"$LAB_DIR/netns"
    ip netns add "$1"
}

# ---------------------------------------------------------------------------
# configuration files

# _lab_bus_conf DIR: a private D-Bus *system* bus listening on DIR/bus.
# Debian's system.conf default policy plus Avahi's. The explicit
# receive_type allows are needed: without them even the reply to
# avahi-daemon's Hello is rejected and the daemon hangs at start-up.
_lab_bus_conf() {
    local dir=$1
    mkdir -p "$dir/bus.d"
    cat >"$dir/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$dir/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus"
           send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus"
           send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus"
           send_interface="org.freedesktop.DBus.Properties"/>
    <deny send_destination="org.freedesktop.DBus"
          send_interface="org.freedesktop.DBus"
          send_member="UpdateActivationEnvironment"/>
    <deny send_destination="org.freedesktop.DBus"
          send_interface="org.freedesktop.DBus.Debug.Stats"/>
    <deny send_destination="org.freedesktop.DBus"
          send_interface="org.freedesktop.systemd1.Activator"/>
  </policy>
  <policy context="default">
    <allow send_destination="org.freedesktop.DBus"
           send_interface="org.freedesktop.systemd1.Activator"/>
  </policy>
  <!-- Avahi, as in /usr/share/dbus-1/system.d/avahi-dbus.conf -->
  <policy user="root">
    <allow own="org.freedesktop.Avahi"/>
    <allow send_destination="org.freedesktop.Avahi"/>
    <allow receive_sender="org.freedesktop.Avahi"/>
  </policy>
  <policy context="default">
    <allow send_destination="org.freedesktop.Avahi"/>
    <allow receive_sender="org.freedesktop.Avahi"/>
    <deny send_destination="org.freedesktop.Avahi"
          send_interface="org.freedesktop.Avahi.Server" send_member="SetHostName"/>
  </policy>
  <!-- Tests may drop more policy here (e.g. for a NetworkManager mock). -->
  <includedir>$dir/bus.d</includedir>
  <limit name="max_completed_connections">256</limit>
</busconfig>
EOF
}

# _lab_avahi_conf DIR HOSTNAME DBUS(yes|no) [PUBLISH_ADDRESSES(yes|no)]
# One avahi-daemon per namespace, only on lab0, nothing but what we ask.
# publish-aaaa-on-ipv4=no: otherwise a service found over IPv4 resolves to
# the A or the AAAA record, whichever answer comes first, and the host's
# IPv4 lines sometimes carry fe80:: addresses. Without it the IPv4 lines
# carry 198.18.0.x and the IPv6 lines fe80::, every time.
_lab_avahi_conf() {
    local dir=$1 host=$2 dbus=$3 pubaddr=${4:-yes}
    mkdir -p "$dir/run" "$dir/services"
    : >"$dir/hosts"
    cat >"$dir/avahi-daemon.conf" <<EOF
[server]
host-name=$host
use-ipv4=yes
use-ipv6=yes
allow-interfaces=lab0
enable-dbus=$dbus
ratelimit-interval-usec=1000000
ratelimit-burst=1000
[wide-area]
enable-wide-area=no
[publish]
publish-addresses=$pubaddr
publish-hinfo=no
publish-workstation=no
publish-domain=no
publish-aaaa-on-ipv4=no
[reflector]
enable-reflector=no
[rlimits]
EOF
}

# _lab_service FILE NAME TYPE PORT [HOSTNAME_FQDN] [TXT...]
# A static Avahi service file. TXT items are "key=value" (XML-escaped
# here); an item starting with "hex:" is written as binary-hex.
_lab_service() {
    local file=$1 name=$2 type=$3 port=$4 host=${5:-}; shift 5
    local t x
    {
        printf '<?xml version="1.0" standalone="no"?>\n'
        printf '<!DOCTYPE service-group SYSTEM "avahi-service.dtd">\n'
        _lab_xml x "$name"
        printf '<service-group>\n  <name>%s</name>\n  <service>\n' "$x"
        printf '    <type>%s</type>\n    <port>%s</port>\n' "$type" "$port"
        [[ -n $host ]] && printf '    <host-name>%s</host-name>\n' "$host"
        for t in "$@"; do
            if [[ $t == hex:* ]]; then
                printf '    <txt-record value-format="binary-hex">%s</txt-record>\n' "${t#hex:}"
            else
                _lab_xml x "$t"
                printf '    <txt-record>%s</txt-record>\n' "$x"
            fi
        done
        printf '  </service>\n</service-group>\n'
    } >"$file"
}

# _lab_xml VAR STRING: VAR = STRING escaped for XML text (no fork).
_lab_xml() {
    local s=${2//&/&amp;}
    s=${s//</&lt;}; s=${s//>/&gt;}
    printf -v "$1" '%s' "$s"
}

# ---------------------------------------------------------------------------
# processes inside namespaces

# _lab_avahi_start DIR NS LABEL [BUS]
# avahi-daemon's pid file and socket paths are compiled in (/run/avahi-daemon),
# so each daemon gets its own /run, services dir and hosts file by bind
# mounts. `ip netns exec` gives the process a private mount namespace, so
# the mounts are seen by this daemon only. --no-rlimits: Debian's defaults
# stall extra daemons.
_lab_avahi_start() {
    local dir=$1 ns=$2 label=$3 bus=${4:-}
    local envs=()
    [[ -n $bus ]] && envs=(env "DBUS_SYSTEM_BUS_ADDRESS=$bus")
    # shellcheck disable=SC2016 # $1 is expanded by the inner sh
    _lab_spawn "$label" "$dir/avahi.log" "${envs[@]}" ip netns exec "$ns" /bin/sh -c '
        mount --bind "$1/run" /run &&
        mount --bind "$1/services" /etc/avahi/services &&
        mount --bind "$1/hosts" /etc/avahi/hosts &&
        exec avahi-daemon -f "$1/avahi-daemon.conf" --no-chroot --no-drop-root --no-rlimits
    ' sh "$dir"
    printf '%s\n' "$_LAB_LAST_PID" >"$dir/avahi.pid"
}

# _lab_bus_start DIR NS LABEL: a private system bus (a unix socket in DIR,
# so it is reachable by path; the namespace only matters for tidiness).
_lab_bus_start() {
    local dir=$1 ns=$2 label=$3
    _lab_bus_conf "$dir"
    _lab_spawn "$label" "$dir/bus.log" ip netns exec "$ns" \
        dbus-daemon --config-file="$dir/bus.conf" --nofork --nopidfile
    printf '%s\n' "$_LAB_LAST_PID" >"$dir/bus.pid"
    _lab_wait "D-Bus in $ns" "$LAB_TIMEOUT" _lab_bus_ready "unix:path=$dir/bus"
}

_lab_bus_ready() {
    DBUS_SYSTEM_BUS_ADDRESS=$1 dbus-send --system --print-reply \
        --dest=org.freedesktop.DBus / org.freedesktop.DBus.GetId >/dev/null 2>&1
}

# True when the avahi-daemon on bus $1 reports AVAHI_SERVER_RUNNING (2).
_lab_avahi_running() {
    local out
    out=$(DBUS_SYSTEM_BUS_ADDRESS=$1 dbus-send --system --print-reply \
        --dest=org.freedesktop.Avahi / org.freedesktop.Avahi.Server.GetState 2>/dev/null) &&
        [[ $out == *"int32 2" ]]
}

# ---------------------------------------------------------------------------
# the network

# _lab_link NS IPV4 MAC [isolated]: a veth pair straight into NS (lab0)
# and the switch namespace (pN), so nothing ever shows up in the root
# namespace and names cannot clash. DAD is off before the link goes up, so
# the fe80:: address (EUI-64 from MAC, hence predictable) is usable at once.
_lab_link() {
    local ns=$1 ip4=$2 mac=$3 iso=${4:-}
    local port
    port=p$(( $(wc -l <"$LAB_DIR/netns") ))
    ip link add name lab0 address "$mac" netns "$ns" type veth peer name "$port" netns "$LAB_SW_NS" || return 1
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.lab0.accept_dad=0 \
        net.ipv6.conf.lab0.router_solicitations=0 || return 1
    ip -n "$ns" addr add "$ip4/24" dev lab0 || return 1
    ip -n "$ns" link set lab0 up || return 1
    ip -n "$ns" link set lo up || return 1
    ip -n "$LAB_SW_NS" link set "$port" master br0 || return 1
    # Isolated ports only talk to non-isolated ones (the host): devices do
    # not hear each other, which keeps CPU linear in the number of devices.
    [[ -n $iso ]] && { ip -n "$LAB_SW_NS" link set "$port" type bridge_slave isolated on || return 1; }
    ip -n "$LAB_SW_NS" link set "$port" up
}

# _lab_ll_from_mac VAR MAC: VAR = the EUI-64 link-local address the
# kernel derives from MAC (no fork).
_lab_ll_from_mac() {
    local IFS=: m
    read -ra m <<<"$2"
    printf -v "$1" 'fe80::%x:%x:%x:%x' \
        $(( ((0x${m[0]} ^ 2) << 8) | 0x${m[1]} )) $(( (0x${m[2]} << 8) | 0xff )) \
        $(( (0xfe << 8) | 0x${m[3]} )) $(( (0x${m[4]} << 8) | 0x${m[5]} ))
}

_lab_next_ip() {
    # Runtime-added devices take .30-.99, in order.
    local n
    n=$(cat "$LAB_DIR/next_ip")
    if (( n > 99 )); then _lab_err "out of addresses for added devices"; return 1; fi
    printf '%s\n' $(( n + 1 )) >"$LAB_DIR/next_ip"
    printf '198.18.0.%s\n' "$n"
}

# ---------------------------------------------------------------------------
# device families. _lab_family_F DIR NAME IP4 -> writes DIR/host, DIR/mac,
# service files and DIR/expect ("TYPE PORT" lines). Standard devices use the
# fixed identities documented in tests/lab/README.md; added ones derive
# theirs from the address's last octet, so they never clash.

_lab_octet() { printf '%02x' "${1##*.}"; }

_lab_family_shelly() {
    local dir=$1 name=$2 ip=$3 mac host
    mac=${_LAB_STD_MAC:-d4:d4:da:7c:1e:$(_lab_octet "$ip")}
    host=shellyplusplugs-${mac//:/}
    printf '%s\n' "$mac" >"$dir/mac"; printf '%s\n' "$host" >"$dir/host"
    local txt=(gen=2 app=PlusPlugS ver=1.4.4 "fw_id=20241011-114455/1.4.4-g6d2a586")
    _lab_service "$dir/services/http.service" "$host" _http._tcp 80 "" "${txt[@]}"
    _lab_service "$dir/services/shelly.service" "$host" _shelly._tcp 80 "" "${txt[@]}"
    printf '_http._tcp 80\n_shelly._tcp 80\n' >"$dir/expect"
}

_lab_family_homekit() {
    local dir=$1 name=$2 ip=$3 mac suffix
    mac=${_LAB_STD_MAC:-ec:4d:3e:1a:2b:$(_lab_octet "$ip")}
    suffix=${_LAB_STD_SUFFIX:-$(printf '%04X' "$(( 0x1a00 + ${ip##*.} ))")}
    printf '%s\n' "$mac" >"$dir/mac"; printf 'Eve-Energy-%s\n' "$suffix" >"$dir/host"
    local hapid
    hapid=$(printf 'AA:BB:CC:DD:EE:%02X' "${ip##*.}")
    [[ -n ${_LAB_STD_MAC:-} ]] && hapid=AA:BB:CC:DD:EE:01
    _lab_service "$dir/services/hap.service" "Eve Energy $suffix" _hap._tcp 5001 "" \
        "c#=1" ff=0 "id=$hapid" "md=Eve Energy" "s#=1" sf=1 ci=7 pv=1.1 sh=ZmRHxw==
    printf '_hap._tcp 5001\n' >"$dir/expect"
}

_lab_family_matter() {
    local dir=$1 name=$2 ip=$3 mac inst
    mac=${_LAB_STD_MAC:-3c:61:05:4e:8a:$(_lab_octet "$ip")}
    # The instance name is a random 64-bit id; the host name is the MAC.
    inst=${_LAB_STD_SUFFIX:-$(printf '8F3A1C2B7D9E40%02X' "${ip##*.}")}
    local host=${mac//:/}; host=${host^^}
    printf '%s\n' "$mac" >"$dir/mac"; printf '%s\n' "$host" >"$dir/host"
    _lab_service "$dir/services/matterc.service" "$inst" _matterc._udp 5540 "" \
        D=3840 VP=65521+32769 CM=1 DT=266 "DN=Smart Plug" SII=5000 SAI=300 PH=33 PI=
    printf '_matterc._udp 5540\n' >"$dir/expect"
}

_lab_family_esphome() {
    local dir=$1 name=$2 ip=$3 mac host
    mac=${_LAB_STD_MAC:-a0:b1:c2:d3:e4:$(_lab_octet "$ip")}
    host=${_LAB_STD_SUFFIX:-esphome-$(_lab_octet "$ip")}
    printf '%s\n' "$mac" >"$dir/mac"; printf '%s\n' "$host" >"$dir/host"
    _lab_service "$dir/services/esphome.service" "$host" _esphomelib._tcp 6053 "" \
        version=2024.6.1 "mac=${mac//:/}" platform=ESP32 board=esp32dev network=wifi \
        "friendly_name=${_LAB_STD_FRIENDLY:-ESPHome $name}" api_encryption_supported=Noise_NNpsk0_25519_ChaChaPoly_SHA256
    printf '_esphomelib._tcp 6053\n' >"$dir/expect"
}

_lab_family_camera() {
    local dir=$1 name=$2 ip=$3 mac host inst
    mac=${_LAB_STD_MAC:-ac:cc:8e:7a:3f:$(_lab_octet "$ip")}
    local hex=${mac//:/}; hex=${hex^^}
    host=axis-${hex,,}
    inst="AXIS M1065-LW - $hex"
    printf '%s\n' "$mac" >"$dir/mac"; printf '%s\n' "$host" >"$dir/host"
    _lab_service "$dir/services/http.service" "$inst" _http._tcp 80 "" path=/
    _lab_service "$dir/services/rtsp.service" "$inst" _rtsp._tcp 554 "" path=/axis-media/media.amp
    printf '_http._tcp 80\n_rtsp._tcp 554\n' >"$dir/expect"
}

_lab_family_generic() {
    local dir=$1 name=$2 ip=$3 mac
    mac=02:1a:b0:00:00:$(_lab_octet "$ip")
    printf '%s\n' "$mac" >"$dir/mac"; printf '%s\n' "$name" >"$dir/host"
    _lab_service "$dir/services/http.service" "$name" _http._tcp 80 "" path=/
    printf '_http._tcp 80\n' >"$dir/expect"
}

# The printer is the real ippeveprinter; it registers its services through
# avahi-client over D-Bus, so its namespace has its own bus and daemon.
_lab_family_printer() {
    local dir=$1 name=$2 ip=$3 mac
    mac=${_LAB_STD_MAC:-9c:7b:ef:3f:19:$(_lab_octet "$ip")}
    local hex=${mac//:/}; hex=${hex^^}
    printf '%s\n' "$mac" >"$dir/mac"; printf 'HP%s\n' "$hex" >"$dir/host"
    printf 'HP OfficeJet Pro 9010 [%s]\n' "${hex:6}" >"$dir/printer_name"
    printf '_ipp._tcp 8631\n_ipps._tcp 8631\n_http._tcp 8631\n' >"$dir/expect"
}

# ---------------------------------------------------------------------------
# devices

_lab_dev_dir() { printf '%s/dev/%s' "$LAB_DIR" "$1"; }

_lab_dev_check() {
    if [[ -z ${LAB_DIR:-} || ! -d $LAB_DIR/dev/$1 ]]; then
        _lab_err "no such device: $1"; return 1
    fi
}

# _lab_dev_init NAME FAMILY IP4: a new device's directory with its family,
# ns and ip4 files; fails if the device exists. Sets the caller's locals dir
# and ns.
_lab_dev_init() {
    dir=$(_lab_dev_dir "$1")
    if [[ -e $dir ]]; then _lab_err "device $1 exists"; return 1; fi
    ns=$LAB_PREFIX-$1
    mkdir -p "$dir"
    printf '%s\n' "$2" >"$dir/family"; printf '%s\n' "$ns" >"$dir/ns"
    printf '%s\n' "$3" >"$dir/ip4"
}

# _lab_device_create NAME FAMILY IP4 [isolated]: its namespace, link,
# daemon(s). Does not wait for publication; a printer still needs
# _lab_printer_finish.
_lab_device_create() {
    local name=$1 fam=$2 ip=$3 iso=${4:-} dir ns
    if ! declare -F "_lab_family_$fam" >/dev/null; then
        _lab_err "unknown family '$fam' (shelly homekit matter esphome camera printer generic)"; return 1
    fi
    _lab_dev_init "$name" "$fam" "$ip" || return 1
    mkdir -p "$dir/services"
    "_lab_family_$fam" "$dir" "$name" "$ip" || return 1
    local ll; _lab_ll_from_mac ll "$(cat "$dir/mac")"
    printf '%s\n' "$ll" >"$dir/ip6"
    _lab_ns_add "$ns" || return 1
    _lab_link "$ns" "$ip" "$(cat "$dir/mac")" "$iso" || return 1
    _lab_avahi_conf "$dir" "$(cat "$dir/host")" "$([[ $fam == printer ]] && echo yes || echo no)"
    if [[ $fam == printer ]]; then
        _lab_printer_start "$dir" "$ns" "$name" || return 1
    else
        _lab_avahi_start "$dir" "$ns" "dev:$name:avahi"
    fi
    if [[ $fam == shelly ]]; then _lab_shelly_start "$name"; fi
}

_lab_printer_start() {
    local dir=$1 ns=$2 name=$3
    _lab_bus_start "$dir" "$ns" "dev:$name:dbus" || return 1
    _lab_avahi_start "$dir" "$ns" "dev:$name:avahi" "unix:path=$dir/bus"
}

# Second half, split off so that lab_up can bring the other devices up
# while the printer's avahi-daemon probes its name: ippeveprinter wants a
# RUNNING daemon when it registers.
_lab_printer_finish() {
    local name=$1 dir bus
    dir=$(_lab_dev_dir "$name"); bus=unix:path=$dir/bus
    _lab_wait "avahi-daemon of $name" "$LAB_TIMEOUT" _lab_avahi_running "$bus" || return 1
    mkdir -p "$dir/spool" "$dir/home"
    # HOME: ippeveprinter keeps its TLS credentials under ~/.cups.
    _lab_spawn "dev:$name:ippeveprinter" "$dir/ippeveprinter.log" \
        env "DBUS_SYSTEM_BUS_ADDRESS=$bus" "HOME=$dir/home" \
        ip netns exec "$(cat "$dir/ns")" ippeveprinter -p 8631 -M HP -m "OfficeJet Pro 9010" \
        -l "Study" -d "$dir/spool" "$(cat "$dir/printer_name")"
}

# The standard home network; identities are fixed so tests can assert on
# them. _LAB_STD_* override the per-address derivation.
_lab_standard_devices() {
    # The printer first: its avahi-daemon probes while the others start.
    _LAB_STD_MAC=9c:7b:ef:3f:19:a2 _lab_device_create printer printer 198.18.0.15 || return 1
    _LAB_STD_MAC=d4:d4:da:7c:1e:2f _lab_device_create shelly shelly 198.18.0.10 || return 1
    _LAB_STD_MAC=ec:4d:3e:1a:2b:01 _LAB_STD_SUFFIX=1A2B \
        _lab_device_create homekit homekit 198.18.0.11 || return 1
    _LAB_STD_MAC=3c:61:05:4e:8a:91 _LAB_STD_SUFFIX=8F3A1C2B7D9E4051 \
        _lab_device_create matter matter 198.18.0.12 || return 1
    _LAB_STD_MAC=a0:b1:c2:d3:e4:f5 _LAB_STD_SUFFIX=living-room-sensor \
        _LAB_STD_FRIENDLY="Living Room Sensor" _lab_device_create esphome esphome 198.18.0.13 || return 1
    _LAB_STD_MAC=ac:cc:8e:7a:3f:19 _lab_device_create camera camera 198.18.0.14 || return 1
}

# The fleet: N generic plugs in one namespace. One avahi-daemon publishes
# them all through its hosts file and service files with <host-name>; each
# plug still has its own IPv4 and fe80:: address on lab0. One daemon is
# much cheaper than N (probing and announcing are batched, and the host's
# daemon is not hit by N independent start-ups).
_lab_fleet_create() {
    local n=$1 i dir ns name ip mac ll batch
    (( n > 0 )) || return 0
    if (( n > 150 )); then _lab_err "at most 150 extra devices"; return 1; fi
    dir=$LAB_DIR/fleet; ns=$LAB_PREFIX-fleet
    _lab_avahi_conf "$dir" "$LAB_PREFIX-fleet" no no
    _lab_ns_add "$ns" || return 1
    _lab_link "$ns" 198.18.0.100 02:1a:b0:00:00:64 || return 1
    batch=$dir/addr.batch; : >"$batch"
    local dirs=()
    for (( i = 1; i <= n; i++ )); do dirs+=("$(printf '%s/dev/plug-%03d' "$LAB_DIR" "$i")"); done
    mkdir -p "${dirs[@]}"
    # No forks in this loop: it runs up to 150 times.
    for (( i = 1; i <= n; i++ )); do
        printf -v name 'plug-%03d' "$i"
        ip=198.18.0.$(( 99 + i ))
        printf -v mac '02:1a:b0:00:01:%02x' "$i"
        _lab_ll_from_mac ll "$mac"
        (( i > 1 )) && printf 'addr add %s/24 dev lab0\n' "$ip" >>"$batch"
        printf 'addr add %s/64 dev lab0 nodad\n' "$ll" >>"$batch"
        printf '%s %s.local\n%s %s.local\n' "$ip" "$name" "$ll" "$name" >>"$dir/hosts"
        _lab_service "$dir/services/$name.service" "$name" _http._tcp 80 "$name.local" path=/
        local d=$LAB_DIR/dev/$name
        printf 'generic\n' >"$d/family"; printf '%s\n' "$ns" >"$d/ns"
        printf '%s\n' "$ip" >"$d/ip4"; printf '%s\n' "$ll" >"$d/ip6"
        printf '%s\n' "$name" >"$d/host"; printf '_http._tcp 80\n' >"$d/expect"
        printf 'fleet\n' >"$d/fleet"
    done
    ip -n "$ns" -batch "$batch" || return 1
    _lab_avahi_start "$dir" "$ns" "fleet:avahi"
}

# ---------------------------------------------------------------------------
# what the host sees

# The host's view is watched by one avahi-browse -arpk (no -t) in the host
# namespace, which streams "+", "=" (resolved) and "-" lines into a file;
# waits poll that file every 50 ms. A one-shot "avahi-browse -arpt" would
# cost ~1 s per poll because it waits for "all for now". -k: raw types.
# The watcher lives only for one wait: it would die anyway when the host
# avahi-daemon restarts.
_lab_watch_start() {
    : >"$LAB_DIR/watch"
    _lab_spawn host:watch "$LAB_DIR/watch" env "DBUS_SYSTEM_BUS_ADDRESS=$LAB_BUS" \
        ip netns exec "$LAB_HOST_NS" avahi-browse -arpk
}

_lab_watch_stop() { _lab_stop_pids host:watch TERM; }

# _lab_expectations NAME...: "name type port ipv4 ipv6 [ghost]" per
# service; a ghost's sixth field is its instance name as avahi-browse -p
# prints it (no spaces: a space is \032).
_lab_expectations() {
    local n d type port g
    for n in "$@"; do
        d=$LAB_DIR/dev/$n
        g=; [[ -f $d/ghost ]] && g=$(cat "$d/ghost")
        while read -r type port; do
            # A stack that publishes only A records (Homebridge's): "-".
            printf '%s %s %s %s %s %s\n' "$n" "$type" "$port" "$(cat "$d/ip4")" \
                "$([[ -f $d/ipv4only ]] && echo - || cat "$d/ip6")" "$g"
        done <"$d/expect"
    done >"$LAB_DIR/expect"
}

# _lab_missing MODE: print the names from $LAB_DIR/expect that are not
# (yet) resolved with both addresses (MODE=visible), or that still have
# any resolved service on one of their addresses (MODE=gone). A ghost
# never resolves: it is visible when its instance is browsed ("+") over
# IPv4 and IPv6, and gone when it is browsed over neither.
_lab_missing() {
    awk -v mode="$1" '
        FNR == NR { n++; en[n] = $1; et[n] = $2; ep[n] = $3; e4[n] = $4; e6[n] = $5; eg[n] = $6; next }
        $1 == "+" { seen[$3 ";" $4 ";" $5] = 1 }
        $1 == "=" { cur[$2 ";" $3 ";" $4 ";" $5 ";" $6] = $5 ";" $9 ";" $8; seen[$3 ";" $4 ";" $5] = 1 }
        $1 == "-" { delete cur[$2 ";" $3 ";" $4 ";" $5 ";" $6]; delete seen[$3 ";" $4 ";" $5] }
        END {
            for (k in cur) { have[cur[k]] = 1; split(cur[k], a, ";"); addr[a[3]] = 1 }
            for (i = 1; i <= n; i++) {
                if (eg[i] != "") {
                    s4 = ("IPv4;" eg[i] ";" et[i]) in seen
                    s6 = ("IPv6;" eg[i] ";" et[i]) in seen
                    if ((mode == "visible" && !(s4 && s6)) || (mode == "gone" && (s4 || s6)))
                        miss[en[i]] = 1
                    continue
                }
                if (mode == "visible" &&
                    !(((et[i] ";" ep[i] ";" e4[i]) in have) &&
                      (e6[i] == "-" || (et[i] ";" ep[i] ";" e6[i]) in have)))
                    miss[en[i]] = 1
                if (mode == "gone" && ((e4[i] in addr) || (e6[i] in addr)))
                    miss[en[i]] = 1
            }
            for (m in miss) print m
        }' "$LAB_DIR/expect" FS=';' "$LAB_DIR/watch"
}

_lab_none_missing() { [[ -z $(_lab_missing "$1") ]]; }

# For "gone", a fresh stream proves nothing (an empty file looks like
# "gone"), so take whole snapshots: avahi-browse -t waits for "all for
# now" (~1 s) and for its resolves (a ghost's fails after Avahi's 5 s). A
# goodbye takes ~1 s to act anyway. Bounded: avahi-browse -t never exits
# when a service goes away while it is being resolved (remove_service()
# frees the resolver without counting it as done), and a withdrawn
# ghost's resolve is pending for 5 s. What it printed by then is enough.
# $1 = -r resolves (needed to see addresses); without it (only ghosts are
# waited for) a snapshot is ~1 s.
_lab_snapshot_none_missing() {
    lab_host_exec timeout 8 avahi-browse -apt${1:+r}k >"$LAB_DIR/watch" 2>&1
    _lab_none_missing gone
}

_lab_wait_view() {
    local mode=$1 what=$2 rc=0 n; shift 2
    for n in "$@"; do _lab_dev_check "$n" || return 1; done
    _lab_expectations "$@"
    if [[ $mode == visible ]]; then
        _lab_watch_start
        _lab_wait "$what" "$LAB_TIMEOUT" _lab_none_missing visible || rc=1
    else
        local r=
        for n in "$@"; do [[ -f $LAB_DIR/dev/$n/ghost ]] || r=-r; done
        _lab_wait "$what" "$LAB_TIMEOUT" _lab_snapshot_none_missing "$r" || rc=1
    fi
    if (( rc )); then
        _lab_err "not as expected ($mode): $(_lab_missing "$mode" | sort | tr '\n' ' ')"
        _lab_err "the host's avahi-browse saw:"
        grep -E '^[=+]' "$LAB_DIR/watch" | sed 's/^/lab:   /' | head -n 40 >&2
    fi
    [[ $mode == visible ]] && _lab_watch_stop
    return "$rc"
}

lab_wait_visible() { _lab_wait_view visible "the host to resolve $*" "$@"; }
lab_wait_gone() { _lab_wait_view gone "$* to disappear from the host's view" "$@"; }

# ---------------------------------------------------------------------------
# public API

lab_up() {
    local extra=${1:-0}
    _lab_need_root || return 1
    if [[ -n ${LAB_DIR:-} && -d $LAB_DIR ]]; then
        _lab_err "a lab is already up in this shell ($LAB_DIR)"; return 1
    fi
    if [[ ! $extra =~ ^[0-9]+$ ]]; then _lab_err "N_EXTRA must be a number"; return 1; fi
    export LAB_PREFIX=${LAB_PREFIX:-iotl$$}
    export LAB_TIMEOUT=${LAB_TIMEOUT:-20}
    if [[ -e /run/netns/$LAB_PREFIX-host || -e /run/netns/$LAB_PREFIX-sw ]]; then
        _lab_err "namespaces named $LAB_PREFIX-* exist already; set LAB_PREFIX"; return 1
    fi
    LAB_DIR=$(mktemp -d "/tmp/$LAB_PREFIX.XXXX") || return 1
    export LAB_DIR
    chmod 755 "$LAB_DIR"   # so a non-root client can reach the bus socket
    export LAB_HOST_NS=$LAB_PREFIX-host LAB_SW_NS=$LAB_PREFIX-sw
    export LAB_BUS=unix:path=$LAB_DIR/host/bus
    : >"$LAB_DIR/pids"; : >"$LAB_DIR/netns"
    printf '30\n' >"$LAB_DIR/next_ip"
    trap 'lab_down' EXIT
    trap 'lab_down; trap - INT; kill -INT $$' INT
    trap 'lab_down; trap - TERM; kill -TERM $$' TERM
    if ! _lab_up_inner "$extra"; then
        _lab_err "lab_up failed; logs were in $LAB_DIR, tearing down"
        _lab_dump_logs
        lab_down
        return 1
    fi
}

_lab_up_inner() {
    local extra=$1 n names=()
    # The switch: a bridge that floods multicast (no IGMP/MLD snooping).
    _lab_ns_add "$LAB_SW_NS" || return 1
    ip -n "$LAB_SW_NS" link add br0 type bridge mcast_snooping 0 || return 1
    ip netns exec "$LAB_SW_NS" sysctl -qw net.ipv6.conf.br0.disable_ipv6=1 || return 1
    ip -n "$LAB_SW_NS" link set br0 up || return 1
    # The host: bus first (avahi-daemon needs it), then the daemon. The
    # daemon probes its host name (~1 s) while the devices come up.
    _lab_ns_add "$LAB_HOST_NS" || return 1
    _lab_link "$LAB_HOST_NS" 198.18.0.1 02:00:5e:10:00:01 || return 1
    mkdir -p "$LAB_DIR/host"
    _lab_bus_start "$LAB_DIR/host" "$LAB_HOST_NS" host:dbus || return 1
    _lab_avahi_conf "$LAB_DIR/host" lab-laptop yes
    _lab_avahi_start "$LAB_DIR/host" "$LAB_HOST_NS" host:avahi "$LAB_BUS"
    _lab_standard_devices || return 1
    if [[ ${LAB_EXTRA_MODE:-fleet} == ns ]]; then
        # For comparison: one namespace and daemon per extra device.
        for (( n = 1; n <= extra; n++ )); do
            _lab_device_create "$(printf 'plug-%03d' "$n")" generic "198.18.0.$(( 99 + n ))" isolated || return 1
        done
    else
        _lab_fleet_create "$extra" || return 1
    fi
    _lab_printer_finish printer || return 1
    _lab_wait "host avahi-daemon RUNNING" "$LAB_TIMEOUT" _lab_avahi_running "$LAB_BUS" || return 1
    mapfile -t names < <(lab_devices)
    lab_wait_visible "${names[@]}"
}

_lab_dump_logs() {
    local f
    for f in "$LAB_DIR"/host/*.log "$LAB_DIR"/dev/*/*.log "$LAB_DIR"/fleet/*.log; do
        [[ -s $f ]] || continue
        printf -- '--- %s (last lines)\n' "${f#"$LAB_DIR"/}" >&2
        tail -n 5 "$f" >&2
    done
}

lab_down() {
    [[ -n ${LAB_DIR:-} && -d $LAB_DIR ]] || return 0
    local ns
    _lab_stop_pids '.*' TERM || true
    if [[ -f $LAB_DIR/netns ]]; then
        # Reverse order: devices, host, then the switch.
        while read -r ns; do
            [[ -n $ns ]] && { ip netns del "$ns" 2>/dev/null || true; }
        done < <(tac "$LAB_DIR/netns")
    fi
    rm -rf -- "$LAB_DIR"
    unset LAB_DIR
    trap - EXIT INT TERM
    return 0
}

lab_host_exec() {
    if [[ -z ${LAB_HOST_NS:-} || -z ${LAB_DIR:-} ]]; then _lab_err "no lab is up"; return 1; fi
    DBUS_SYSTEM_BUS_ADDRESS=$LAB_BUS ip netns exec "$LAB_HOST_NS" "$@"
}

lab_device_exec() {
    local name=$1; shift
    _lab_dev_check "$name" || return 1
    ip netns exec "$(cat "$LAB_DIR/dev/$name/ns")" "$@"
}

lab_devices() {
    [[ -n ${LAB_DIR:-} && -d $LAB_DIR/dev ]] || return 0
    local d
    for d in "$LAB_DIR"/dev/*/; do
        d=${d%/}; [[ -e $d/withdrawn ]] || printf '%s\n' "${d##*/}"
    done
}

lab_device_ip() { _lab_dev_check "$1" && cat "$LAB_DIR/dev/$1/ip4"; }
lab_device_ip6() { _lab_dev_check "$1" && cat "$LAB_DIR/dev/$1/ip6"; }
lab_device_host() { _lab_dev_check "$1" && cat "$LAB_DIR/dev/$1/host"; }
lab_device_ns() { _lab_dev_check "$1" && cat "$LAB_DIR/dev/$1/ns"; }
lab_device_family() { _lab_dev_check "$1" && cat "$LAB_DIR/dev/$1/family"; }
lab_device_services() { _lab_dev_check "$1" && cat "$LAB_DIR/dev/$1/expect"; }
lab_device_instance() {
    _lab_dev_check "$1" || return 1
    if [[ ! -f $LAB_DIR/dev/$1/instance ]]; then _lab_err "$1 is not a ghost"; return 1; fi
    cat "$LAB_DIR/dev/$1/instance"
}

lab_set_txt() {
    local name=${1:-} type=${2:-} key=${3:-} value=${4:-} dir f found=
    _lab_dev_check "$name" || return 1
    if [[ -z $type || ! $key =~ ^[A-Za-z0-9#_-]+$ || ! $value =~ ^[A-Za-z0-9._-]*$ ]]; then
        _lab_err "usage: lab_set_txt NAME TYPE KEY VALUE"; return 1
    fi
    dir=$(_lab_dev_dir "$name")
    for f in "$dir"/services/*.service; do
        grep -q "<type>$type</type>" "$f" 2>/dev/null || continue
        sed -i "s|<txt-record>$key=[^<]*</txt-record>|<txt-record>$key=$value</txt-record>|" "$f"
        found=1
    done
    if [[ -z $found ]]; then _lab_err "$name has no $type service"; return 1; fi
    _lab_hup "$dir/avahi.pid"
}

lab_withdraw() {
    local name=${1:-} type=${2:-} dir f
    _lab_dev_check "$name" || return 1
    dir=$(_lab_dev_dir "$name")
    if [[ -e $dir/fleet ]]; then
        # One daemon serves the whole fleet: drop this plug's files.
        rm -f "$LAB_DIR/fleet/services/$name.service"
        grep -v " $name\.local\$" "$LAB_DIR/fleet/hosts" >"$LAB_DIR/fleet/hosts.new" || true
        mv "$LAB_DIR/fleet/hosts.new" "$LAB_DIR/fleet/hosts"
        _lab_hup "$LAB_DIR/fleet/avahi.pid" || return 1
        touch "$dir/withdrawn"
        return 0
    fi
    if [[ -n $type ]]; then
        for f in "$dir"/services/*.service; do
            grep -q "<type>$type</type>" "$f" 2>/dev/null && rm -f "$f"
        done
        grep -v "^$type " "$dir/expect" >"$dir/expect.new" || true
        mv "$dir/expect.new" "$dir/expect"
        _lab_hup "$dir/avahi.pid" || return 1
        return 0
    fi
    # ippeveprinter first (its services go), then its daemon (host name).
    _lab_stop_pids "dev:$name:ippeveprinter|dev:$name:avahi|dev:$name:responder" TERM
    touch "$dir/withdrawn"
}

lab_unplug() {
    local name=${1:-} dir
    _lab_dev_check "$name" || return 1
    dir=$(_lab_dev_dir "$name")
    if [[ -e $dir/fleet ]]; then _lab_err "fleet devices cannot be unplugged singly"; return 1; fi
    _lab_stop_pids "dev:$name:.*" KILL
    ip -n "$(cat "$dir/ns")" link set lab0 down
    touch "$dir/withdrawn"
}

lab_add() {
    local name=${1:-} fam=${2:-} ip
    if [[ -z $name || -z $fam ]]; then _lab_err "usage: lab_add NAME FAMILY"; return 1; fi
    if [[ ! $name =~ ^[a-z0-9][a-z0-9-]{0,15}$ ]]; then
        _lab_err "device name must be [a-z0-9-], at most 16 characters"; return 1
    fi
    ip=$(_lab_next_ip) || return 1
    _lab_device_create "$name" "$fam" "$ip" || return 1
    if [[ $fam == printer ]]; then _lab_printer_finish "$name" || return 1; fi
    lab_wait_visible "$name"
}

lab_host_avahi_stop() {
    _lab_stop_pids host:avahi TERM
}

# True when the process recorded in pid file $1 is still running.
_lab_pid_alive() {
    local pid p st label
    pid=$(cat "$1") || return 1
    while read -r p st label; do
        if [[ $p == "$pid" ]] && _lab_is_ours "$pid" "$st"; then return 0; fi
    done <"$LAB_DIR/pids"
    return 1
}

lab_host_avahi_start() {
    if _lab_pid_alive "$LAB_DIR/host/avahi.pid"; then
        _lab_err "host avahi-daemon is still running"; return 1
    fi
    _lab_avahi_start "$LAB_DIR/host" "$LAB_HOST_NS" host:avahi "$LAB_BUS"
    _lab_wait "host avahi-daemon RUNNING" "$LAB_TIMEOUT" _lab_avahi_running "$LAB_BUS"
}

lab_bus_reload() {
    _lab_hup "$LAB_DIR/host/bus.pid"
}

# SIGHUP the recorded process in pid file $1 (reload), if it is still ours.
_lab_hup() {
    if ! _lab_pid_alive "$1"; then _lab_err "process of $1 is not running"; return 1; fi
    kill -HUP "$(cat "$1")"
}

# ---------------------------------------------------------------------------
# the simulated Shelly Gen2 device (shelly-sim.py) of every shelly-family
# device: JSON-RPC on port 80 (IPv4 and IPv6) in the device's namespace. It
# keeps the device's avahi service files in step with its state (TXT ver
# after an update; withdrawn while it reboots) and SIGHUPs its daemon.

# _lab_shelly_start NAME [SIM-OPTION...]: start the simulator; returns once
# it listens (it writes its state file after binding).
_lab_shelly_start() {
    local name=$1 dir host mac; shift
    dir=$(_lab_dev_dir "$name")
    host=$(cat "$dir/host"); mac=$(cat "$dir/mac"); mac=${mac//:/}
    rm -f "$dir/state.json"
    _lab_spawn "dev:$name:sim" "$dir/sim.log" ip netns exec "$(cat "$dir/ns")" \
        /usr/bin/python3 "$LAB_LIB_DIR/shelly-sim.py" --listen :: --port 80 --id "$host" \
        --mac "${mac^^}" --hostname "$host" --log "$dir/calls.jsonl" --state-file "$dir/state.json" \
        --mdns-dir "$dir/services" --avahi-pidfile "$dir/avahi.pid" "$@"
    _lab_wait "the Shelly simulator of $name" "$LAB_TIMEOUT" test -s "$dir/state.json"
}

_lab_shelly_check() {
    _lab_dev_check "$1" || return 1
    if [[ $(cat "$LAB_DIR/dev/$1/family") != shelly ]]; then _lab_err "$1 is not a shelly"; return 1; fi
}

lab_shelly_restart() {
    local name=${1:-}; shift || true
    _lab_shelly_check "$name" || return 1
    _lab_stop_pids "dev:$name:sim" TERM || return 1
    _lab_shelly_start "$name" "$@"
}

lab_shelly_calls() {
    _lab_shelly_check "${1:-}" || return 1
    cat "$LAB_DIR/dev/$1/calls.jsonl" 2>/dev/null || true
}

lab_shelly_calls_clear() {
    _lab_shelly_check "${1:-}" || return 1
    : >"$LAB_DIR/dev/$1/calls.jsonl"
}

lab_shelly_state() {
    _lab_shelly_check "${1:-}" || return 1
    cat "$LAB_DIR/dev/$1/state.json"
}

# _lab_raw_device_setup NAME FAMILY MAC5 HOST_PREFIX: the common part of a
# device that speaks raw mDNS (hostile-responder.py): checks NAME, takes the
# next address, writes DIR/family, ns and ip4 (_lab_dev_init), mac
# (02:MAC5:00:00:00:XX, XX the last octet in hex), host (HOST_PREFIX
# followed by XX; empty when HOST_PREFIX is empty) and ip6, then creates the
# namespace and its link. Sets the caller's locals ip, dir, ns and ll (the
# IPv6 link-local address).
_lab_raw_device_setup() {
    local _name=$1 _fam=$2 _mac5=$3 _host=$4
    if [[ ! $_name =~ ^[a-z0-9][a-z0-9-]{0,15}$ ]]; then
        _lab_err "device name must be [a-z0-9-], at most 16 characters"; return 1
    fi
    ip=$(_lab_next_ip) || return 1
    _lab_dev_init "$_name" "$_fam" "$ip" || return 1
    printf '02:%s:00:00:00:%s\n' "$_mac5" "$(_lab_octet "$ip")" >"$dir/mac"
    if [[ -n $_host ]]; then
        printf '%s%s\n' "$_host" "$(_lab_octet "$ip")" >"$dir/host"
    else
        : >"$dir/host"
    fi
    _lab_ll_from_mac ll "$(cat "$dir/mac")"; printf '%s\n' "$ll" >"$dir/ip6"
    _lab_ns_add "$ns" || return 1
    _lab_link "$ns" "$ip" "$(cat "$dir/mac")" || return 1
}

lab_add_hostile() {
    local name=${1:-hostile} ip dir ns ll
    _lab_raw_device_setup "$name" hostile 66 hostile-plug- || return 1
    printf "%s\n" "_http._tcp 80" "_http._tcp 8080" "_http._tcp 8081" "_http._tcp 8085" \
        "_http._tcp 8087" "_http._tcp 8088" "_hap._tcp 5001" >"$dir/expect"
    _lab_spawn "dev:$name:responder" "$dir/responder.log" \
        ip netns exec "$ns" /usr/bin/python3 "$LAB_LIB_DIR/hostile-responder.py" \
        --ifname lab0 --ipv4 "$ip" --ipv6 "$ll" --host "$(cat "$dir/host")"
    lab_wait_visible "$name"
}

# _lab_browse_escape VAR STRING: VAR = STRING as avahi-browse -p prints a
# name: letters, digits, - and _ as they are, \. and \\, everything else
# \DDD (decimal). ASCII only (no fork).
_lab_browse_escape() {
    local s=$2 out='' c i
    for (( i = 0; i < ${#s}; i++ )); do
        c=${s:i:1}
        case $c in
            [A-Za-z0-9_-]) out+=$c ;;
            .) out+='\.' ;;
            \\) out+="\\\\" ;;
            *) printf -v c '\\%03d' "'$c"; out+=$c ;;
        esac
    done
    printf -v "$1" '%s' "$out"
}

lab_add_ghost() {
    local name=${1:-ghost} ip dir ns ll inst esc
    # No host name (empty DIR/host): nothing is published but the PTR.
    _lab_raw_device_setup "$name" ghost 67 '' || return 1
    inst="Ghost Plug $(_lab_octet "$ip")"
    printf '%s\n' "$inst" >"$dir/instance"
    _lab_browse_escape esc "$inst"; printf '%s\n' "$esc" >"$dir/ghost"
    printf '_http._tcp 0\n' >"$dir/expect"
    _lab_spawn "dev:$name:responder" "$dir/responder.log" \
        ip netns exec "$ns" /usr/bin/python3 "$LAB_LIB_DIR/hostile-responder.py" \
        --ghost --ifname lab0 --ipv4 "$ip" --ipv6 "$ll" --instance "$inst" --type _http._tcp
    lab_wait_visible "$name"
}

lab_add_extreme() {
    local name=${1:-extreme} ip dir ns ll
    _lab_raw_device_setup "$name" extreme 68 extreme-plug- || return 1
    printf "%s\n" "_http._tcp 8090" "_http._tcp 8091" "_http._tcp 8092" "_http._tcp 8093" \
        >"$dir/expect"
    _lab_spawn "dev:$name:responder" "$dir/responder.log" \
        ip netns exec "$ns" /usr/bin/python3 "$LAB_LIB_DIR/hostile-responder.py" \
        --extreme --ifname lab0 --ipv4 "$ip" --ipv6 "$ll" --host "$(cat "$dir/host")"
    lab_wait_visible "$name"
}

lab_add_flapper() {
    local name=${1:-flapper} ms=${2:-100} ip dir ns ll i
    _lab_raw_device_setup "$name" flapper 69 flapper-plug- || return 1
    : >"$dir/expect" # never settles: nothing to wait for
    _lab_spawn "dev:$name:responder" "$dir/responder.log" \
        ip netns exec "$ns" /usr/bin/python3 "$LAB_LIB_DIR/hostile-responder.py" \
        --flap "$ms" --instance "Flapping Plug" --ifname lab0 --ipv4 "$ip" --ipv6 "$ll" \
        --host "$(cat "$dir/host")"
    for (( i = 0; i < 50; i++ )); do
        grep -q "flapping up" "$dir/responder.log" 2>/dev/null && return 0
        sleep 0.1
    done
    _lab_err "$name: the flapping responder did not start"; return 1
}

# ---------------------------------------------------------------------------
# devices running real software (mosquitto, sshd, Homebridge) and a telnet
# login prompt. Each lives in its own namespace with an avahi-daemon that
# publishes its static service files (Homebridge publishes its own
# _hap._tcp); each add returns once the service answers from the host
# namespace and the host resolves the device's services.

# _lab_soft_device_setup NAME FAMILY MAC5 HOST: like _lab_raw_device_setup,
# plus an avahi-daemon configuration (the caller writes service files and
# DIR/expect, then calls _lab_avahi_start). Sets the caller's ip, dir, ns, ll.
_lab_soft_device_setup() {
    _lab_raw_device_setup "$1" "$2" "$3" "$4" || return 1
    mkdir -p "$dir/services"
    _lab_avahi_conf "$dir" "$(cat "$dir/host")" no
}

# _lab_tcp_answers IP PORT: a TCP connect from the host namespace succeeds.
_lab_tcp_answers() {
    # shellcheck disable=SC2016 # expanded by the inner bash
    lab_host_exec timeout 1 bash -c 'exec 3<>"/dev/tcp/$1/$2"' sh "$1" "$2" 2>/dev/null
}

# lab_add_mqtt NAME anonymous|password
#   A real mosquitto broker on IP:1883, advertised as _mqtt._tcp
#   ("Mosquitto MQTT server on HOST", as Avahi service files for it usually
#   say). "anonymous": allow_anonymous true. "password": a password file
#   with the user "lab" and a random password (in DIR/mqtt_password, for
#   tests; never a default), anonymous clients refused (CONNACK 5).
lab_add_mqtt() {
    local name=${1:-} mode=${2:-} ip dir ns ll host
    if [[ $mode != anonymous && $mode != password ]]; then
        _lab_err "usage: lab_add_mqtt NAME anonymous|password"; return 1
    fi
    _lab_soft_device_setup "$name" mqtt 6d mqtt- || return 1
    host=$(cat "$dir/host")
    {
        printf 'per_listener_settings false\npersistence false\nlog_dest stderr\n'
        printf 'listener 1883 %s\n' "$ip"
        if [[ $mode == anonymous ]]; then
            printf 'allow_anonymous true\n'
        else
            printf 'allow_anonymous false\npassword_file %s/passwd\n' "$dir"
        fi
    } >"$dir/mosquitto.conf"
    if [[ $mode == password ]]; then
        head -c 18 /dev/urandom | base64 | tr '+/' 'xy' >"$dir/mqtt_password"
        mosquitto_passwd -b -c "$dir/passwd" lab "$(cat "$dir/mqtt_password")" >/dev/null || return 1
        # mosquitto drops to its own user and refuses files it does not own.
        chown mosquitto: "$dir/passwd"; chmod 600 "$dir/passwd"
    fi
    _lab_service "$dir/services/mqtt.service" "Mosquitto MQTT server on $host" _mqtt._tcp 1883 ""
    printf '_mqtt._tcp 1883\n' >"$dir/expect"
    _lab_avahi_start "$dir" "$ns" "dev:$name:avahi"
    _lab_spawn "dev:$name:mosquitto" "$dir/mosquitto.log" \
        ip netns exec "$ns" mosquitto -c "$dir/mosquitto.conf"
    _lab_wait "mosquitto of $name" "$LAB_TIMEOUT" _lab_tcp_answers "$ip" 1883 || return 1
    lab_wait_visible "$name"
}

# lab_add_ssh NAME default|changed
#   A real sshd on IP:22, advertised as _ssh._tcp under its host name
#   raspberrypi-XX (Raspberry Pi OS names it raspberrypi). It sees a private
#   copy of /etc (bind-mounted over /etc in its own mount namespace; the
#   real /etc is never written) with a throwaway account pi, password
#   "raspberry" ("default") or a random one ("changed", in
#   DIR/ssh_password). Host keys are made in DIR for this run.
lab_add_ssh() {
    local name=${1:-} mode=${2:-} ip dir ns ll host pw
    if [[ $mode != default && $mode != changed ]]; then
        _lab_err "usage: lab_add_ssh NAME default|changed"; return 1
    fi
    _lab_soft_device_setup "$name" ssh 70 raspberrypi- || return 1
    host=$(cat "$dir/host")
    cp -a /etc "$dir/etc" || return 1
    mkdir -p "$dir/ssh-run" "$dir/home/pi"
    pw=raspberry
    [[ $mode == changed ]] && pw=$(head -c 18 /dev/urandom | base64 | tr '+/' 'xy')
    printf '%s\n' "$pw" >"$dir/ssh_password"
    local uid=4242
    printf 'pi:x:%s:%s:lab pi:%s/home/pi:/bin/sh\n' "$uid" "$uid" "$dir" >>"$dir/etc/passwd"
    printf 'pi:x:%s:\n' "$uid" >>"$dir/etc/group"
    printf 'pi:%s:19000:0:99999:7:::\n' "$(openssl passwd -6 -stdin <<<"$pw")" >>"$dir/etc/shadow"
    chown "$uid:$uid" "$dir/home/pi"
    ssh-keygen -q -t ed25519 -N '' -f "$dir/ssh_host_ed25519_key" || return 1
    cat >"$dir/sshd_config" <<EOS
HostKey $dir/ssh_host_ed25519_key
PasswordAuthentication yes
KbdInteractiveAuthentication no
UsePAM no
PermitRootLogin no
AllowUsers pi
EOS
    cat >"$dir/services/ssh.service" <<EOS
<?xml version="1.0" standalone="no"?>
<!DOCTYPE service-group SYSTEM "avahi-service.dtd">
<service-group>
  <name replace-wildcards="yes">%h</name>
  <service><type>_ssh._tcp</type><port>22</port></service>
</service-group>
EOS
    printf '_ssh._tcp 22\n' >"$dir/expect"
    _lab_avahi_start "$dir" "$ns" "dev:$name:avahi"
    # shellcheck disable=SC2016 # $1, $2 are expanded by the inner sh
    _lab_spawn "dev:$name:sshd" "$dir/sshd.log" ip netns exec "$ns" /bin/sh -c '
        mount --bind "$1/etc" /etc && mount --bind "$1/ssh-run" /run &&
        mkdir -p /run/sshd &&
        exec /usr/sbin/sshd -D -e -f "$1/sshd_config" -o ListenAddress="$2" -o PidFile=none
    ' sh "$dir" "$ip"
    _lab_wait "sshd of $name" "$LAB_TIMEOUT" _lab_tcp_answers "$ip" 22 || return 1
    lab_wait_visible "$name"
}

# lab_printer_auth NAME USER PASSWORD-FILE
#   What a person does on a printer's settings page when they set an admin
#   password: restarts printer NAME's ippeveprinter with -A (HTTP Basic
#   through PAM; Debian has no "cups" PAM service, so "other": pam_unix)
#   seeing a private copy of /etc (bind-mounted in its own mount namespace;
#   the real /etc is never written) with the account USER whose password
#   is the first line of PASSWORD-FILE (read from the file, never on a
#   command line). Call it again to change the password. Returns once the
#   page asks for a login (401) from the host namespace.
#   With a fourth argument "tls": -K DIR too. ippeveprinter (CUPS 2.4,
#   GnuTLS) then makes a self-signed certificate and key for its host name
#   in DIR (DIR/HOSTNAME.local.crt, .key; no certtool needed) and the same
#   port answers both https and plain http, as on many real printers.
lab_printer_auth() {
    local name=${1:-} user=${2:-} pwfile=${3:-} tls=${4:-} dir ip
    local -a opt=()
    if [[ -z $user || ! -r $pwfile || ( -n $tls && $tls != tls ) ]]; then
        _lab_err "usage: lab_printer_auth NAME USER PASSWORD-FILE [tls]"; return 1
    fi
    _lab_dev_check "$name" || return 1
    dir=$(_lab_dev_dir "$name"); ip=$(cat "$dir/ip4")
    [[ $(cat "$dir/family") == printer ]] || { _lab_err "$name is not a printer"; return 1; }
    rm -rf "$dir/etc"; cp -a /etc "$dir/etc" || return 1
    printf '%s:x:4343:4343:lab printer admin:/nonexistent:/bin/false\n' "$user" >>"$dir/etc/passwd"
    printf '%s:%s:19000:0:99999:7:::\n' "$user" "$(head -n1 "$pwfile" | openssl passwd -6 -stdin)" \
        >>"$dir/etc/shadow"
    if [[ -n $tls ]]; then mkdir -p "$dir/keys" && opt=(-K "$dir/keys"); fi
    _lab_stop_pids "dev:$name:ippeveprinter" TERM
    # shellcheck disable=SC2016 # $1 is expanded by the inner sh
    _lab_spawn "dev:$name:ippeveprinter" "$dir/ippeveprinter.log" \
        env "DBUS_SYSTEM_BUS_ADDRESS=unix:path=$dir/bus" "HOME=$dir/home" \
        ip netns exec "$(cat "$dir/ns")" /bin/sh -c 'mount --bind "$1/etc" /etc && shift && exec "$@"' \
        sh "$dir" ippeveprinter -A "${opt[@]}" -p 8631 -M HP -m "OfficeJet Pro 9010" -l "Study" -d "$dir/spool" \
        "$(cat "$dir/printer_name")"
    _lab_wait "ippeveprinter of $name asking for a login" "$LAB_TIMEOUT" _lab_http_401 http "$ip" 8631 || return 1
    # ippeveprinter makes its certificate and key on the first TLS
    # connection: on a loaded machine that takes seconds, so the first
    # handshake is made here, not by the check under test.
    [[ -z $tls ]] || _lab_wait "ippeveprinter of $name answering https" "$LAB_TIMEOUT" _lab_http_401 https "$ip" 8631
}

# _lab_http_401 SCHEME IP PORT: the page at SCHEME://IP:PORT/ answers 401
# (https: any certificate).
_lab_http_401() {
    [[ $(lab_host_exec curl -sk -o /dev/null -m 10 -w '%{http_code}' "$1://$2:$3/" 2>/dev/null) == 401 ]]
}

# lab_add_telnet NAME
#   A "DVR" with a telnet login prompt on IP:23 (telnet-listener.py; it
#   logs every connection's peer address in DIR/telnet.log) and its web
#   page advertised as _http._tcp "DVR-4CH XX" (port 80; nothing answers
#   there).
lab_add_telnet() {
    local name=${1:-dvr} ip dir ns ll
    _lab_soft_device_setup "$name" dvr 64 dvr- || return 1
    _lab_service "$dir/services/http.service" "DVR-4CH $(_lab_octet "$ip")" _http._tcp 80 "" path=/
    printf '_http._tcp 80\n' >"$dir/expect"
    : >"$dir/telnet.log"
    _lab_avahi_start "$dir" "$ns" "dev:$name:avahi"
    _lab_spawn "dev:$name:telnet" "$dir/telnet.err" ip netns exec "$ns" /usr/bin/python3 \
        "$LAB_LIB_DIR/telnet-listener.py" --address "$ip" --log "$dir/telnet.log"
    _lab_wait "telnet of $name" "$LAB_TIMEOUT" _lab_tcp_answers "$ip" 23 || return 1
    lab_wait_visible "$name"
}

# lab_add_hostile_http [NAME]
#   A web device that misbehaves on every port (tests/lab/hostile-http.py):
#   8001 hangs, 8002 trickles a byte a second, 8003 sends 100 MB, 8004
#   redirects off the local network, 8005 is HTTPS with a self-signed
#   certificate, 8006 sends malformed JSON, 8007 JSON nested 100000 deep,
#   8008 a 64 KiB header line, 8009 JSON with terminal escapes. Advertised as
#   one _http._tcp service "Hostile Web XX" on port 8009 (the others are
#   reached by port). Every request it gets is logged: lab_hostile_http_log.
lab_add_hostile_http() {
    local name=${1:-hostileweb} ip dir ns ll
    _lab_soft_device_setup "$name" hostileweb 6a hostile-web- || return 1
    _lab_service "$dir/services/http.service" "Hostile Web $(_lab_octet "$ip")" _http._tcp 8009 "" path=/
    printf '_http._tcp 8009\n' >"$dir/expect"
    : >"$dir/http.log"
    mkdir -p "$dir/cert"
    _lab_avahi_start "$dir" "$ns" "dev:$name:avahi"
    _lab_spawn "dev:$name:http" "$dir/http.err" ip netns exec "$ns" /usr/bin/python3 \
        "$LAB_LIB_DIR/hostile-http.py" --bind "$ip" --log "$dir/http.log" --certdir "$dir/cert"
    _lab_wait "hostile web server of $name" "$LAB_TIMEOUT" _lab_tcp_answers "$ip" 8009 || return 1
    lab_wait_visible "$name"
}
lab_hostile_http_log() { _lab_dev_check "$1" && cat "$LAB_DIR/dev/$1/http.log"; }

# lab_device_telnet_log NAME: the connections NAME's telnet listener saw.
lab_device_telnet_log() { _lab_dev_check "$1" && cat "$LAB_DIR/dev/$1/telnet.log"; }
lab_device_file() { _lab_dev_check "$1" && cat "$LAB_DIR/dev/$1/$2"; }

# lab_add_homebridge NAME 4.42.0|4.76.0
#   Real Homebridge 1.11.4 with its web UI (homebridge-config-ui-x VERSION,
#   from tests/lab/npm/ui-VERSION/node_modules, installed by
#   `build-aux/dev.sh deps`), as LAB-NOTES section 3 describes: the UI on
#   IP:8581, the bridge bound to lab0 and announcing _hap._tcp (port 51826)
#   with its own mDNS stack, under the host name homebridge-XX (a UTS
#   namespace of its own). 4.42.0 creates the user admin/admin; 4.76.0 has
#   no user (setupWizardComplete false). No route leaves the lab. Takes 2-3
#   s and about 200 MB; returns when GET /api/auth/settings answers and the
#   host resolves _hap._tcp. A supervising shell starts Homebridge again
#   whenever it exits (PUT /api/server/restart ends it), as a service
#   manager would; its log says "lab: homebridge exited".
lab_add_homebridge() {
    local name=${1:-} ver=${2:-} ip dir ns ll host mods
    mods=$LAB_LIB_DIR/npm/ui-$ver/node_modules
    if [[ $ver != 4.42.0 && $ver != 4.76.0 ]]; then
        _lab_err "usage: lab_add_homebridge NAME 4.42.0|4.76.0"; return 1
    fi
    if [[ ! -x $mods/.bin/homebridge ]]; then
        _lab_err "$mods is not installed: run build-aux/dev.sh deps"; return 1
    fi
    _lab_raw_device_setup "$name" homebridge 68 homebridge- || return 1
    host=$(cat "$dir/host")
    local octet; octet=$(_lab_octet "$ip")
    mkdir -p "$dir/storage"
    cat >"$dir/storage/config.json" <<EOS
{
  "bridge": {
    "name": "Homebridge ${octet^^}",
    "username": "0E:4B:00:00:00:${octet^^}",
    "port": 51826,
    "pin": "031-45-154",
    "bind": ["lab0"]
  },
  "accessories": [],
  "platforms": [ { "platform": "config", "name": "Config", "port": 8581 } ]
}
EOS
    printf '_hap._tcp 51826\n' >"$dir/expect"
    # bonjour-hap publishes the bridge's IPv4 address only.
    : >"$dir/ipv4only"
    # Its mDNS stack does not pin the interface for every socket.
    ip -n "$ns" route add 224.0.0.0/4 dev lab0 || return 1
    # Restarted whenever it exits, as its service manager does on a real
    # install: the web page restarts Homebridge by ending it (after an
    # accessory reset, for one). TERM (lab_down) ends the loop and KILLs
    # Homebridge, which ignores TERM for seconds.
    # shellcheck disable=SC2016 # $1.. are expanded by the inner sh
    _lab_spawn "dev:$name:homebridge" "$dir/homebridge.log" \
        env "HOME=$dir/storage" UIX_STORAGE_PATH="$dir/storage" \
        ip netns exec "$ns" unshare --uts /bin/sh -c '
            hostname "$1" || exit 1
            trap "kill -KILL \$c 2>/dev/null; exit 0" TERM INT
            while :; do
                "$2/.bin/homebridge" -I -U "$3" -P "$2" --strict-plugin-resolution & c=$!
                wait $c
                echo "lab: homebridge exited, starting it again"
                sleep 0.5
            done
        ' sh "$host" "$mods" "$dir/storage"
    _lab_wait "the Homebridge UI of $name" "$LAB_TIMEOUT" _lab_homebridge_ui_answers "$ip" || return 1
    lab_wait_visible "$name"
}

_lab_homebridge_ui_answers() {
    lab_host_exec curl -sf -m 1 -o /dev/null "http://$1:8581/api/auth/settings"
}
