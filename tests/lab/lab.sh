#!/bin/bash
#
# lab.sh - command line for the iotsetup mDNS lab (see lab-lib.sh).
#
#   lab.sh demo [CMD...]   bring the standard home network up, run CMD in the
#                          host namespace in this terminal (default: the shell
#                          command in $IOTSETUP_BIN), tear down when it exits;
#                          exits with CMD's status
#   lab.sh shell           the same with an interactive $SHELL; bash gets the
#                          lab functions (lab_withdraw shelly, lab_add ...)
#   lab.sh selftest        check the lab itself; prints TAP
#   lab.sh bench           time lab_up / lab_up 50 / lab_down, RSS per daemon
#
# Env: LAB_EXTRA=N adds N generic devices to demo/shell; LAB_PREFIX,
# LAB_TIMEOUT as in lab-lib.sh. Needs root.

set -u
LAB_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lab-lib.sh
. "$LAB_HERE/lab-lib.sh"

usage() {
    sed -n '3,15s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
    exit 2
}

# What a person running demo/shell wants to know, on stderr.
print_summary() {
    local n
    printf 'lab: up in %s (state %s)\n' "$LAB_HOST_NS" "$LAB_DIR" >&2
    printf 'lab: DBUS_SYSTEM_BUS_ADDRESS=%s\n' "$LAB_BUS" >&2
    for n in $(lab_devices); do
        [[ $n == plug-* ]] && continue
        printf 'lab:   %-9s %-15s %-28s %s\n' "$n" "$(lab_device_ip "$n")" \
            "$(lab_device_ip6 "$n")" "$(lab_device_host "$n").local" >&2
    done
    (( ${LAB_EXTRA:-0} )) && printf 'lab:   plus plug-001..plug-%03d from 198.18.0.100\n' "$LAB_EXTRA" >&2
}

# run_in_host CMD...: run CMD in the host namespace on this terminal and
# return its status. CMD runs as a background child (so that a TERM or HUP
# sent to lab.sh alone can be passed on at once; a foreground child would
# make bash defer the trap until CMD ends) but it keeps the terminal: stdin
# is passed explicitly, and without job control it stays in the terminal's
# foreground process group. env --default-signal undoes bash's "ignore
# SIGINT/SIGQUIT" for background children, so Ctrl-C reaches CMD as usual;
# lab.sh itself ignores it and tears down once CMD has exited.
run_in_host() {
    local child rc again
    trap '' INT QUIT
    trap 'kill -TERM "$child" 2>/dev/null' TERM HUP
    DBUS_SYSTEM_BUS_ADDRESS=$LAB_BUS ip netns exec "$LAB_HOST_NS" \
        env --default-signal=INT,QUIT "$@" <&0 &
    child=$!
    while :; do
        wait "$child"; rc=$?
        (( rc > 128 )) || break                   # CMD's own exit status
        kill -0 "$child" 2>/dev/null && continue  # a trap interrupted wait
        # CMD has ended: ask again for its real status (bash keeps it).
        wait "$child" 2>/dev/null; again=$?
        (( again != 127 )) && rc=$again
        break
    done
    return "$rc"
}

cmd_demo() {
    local rc
    if (( $# == 0 )); then
        if [[ -z ${IOTSETUP_BIN:-} ]]; then
            _lab_err "demo: give a command or set IOTSETUP_BIN"; exit 2
        fi
        set -- /bin/sh -c "$IOTSETUP_BIN"
    fi
    lab_up "${LAB_EXTRA:-0}" || exit 1
    print_summary
    run_in_host "$@"
    rc=$?
    lab_down
    exit "$rc"
}

cmd_shell() {
    local sh=${SHELL:-/bin/bash} rc rcfile
    lab_up "${LAB_EXTRA:-0}" || exit 1
    print_summary
    if [[ ${sh##*/} == bash ]]; then
        # The lab's state is in files, so the inner shell can use the lab
        # functions too; lab_down stays with this (outer) process.
        rcfile=$LAB_DIR/bashrc
        cat >"$rcfile" <<EOF
[[ -f ~/.bashrc ]] && . ~/.bashrc
. '$LAB_HERE/lab-lib.sh'
PS1="(lab \$LAB_PREFIX) \$PS1"
EOF
        run_in_host "$sh" --rcfile "$rcfile" -i
    else
        run_in_host "$sh" -i
    fi
    rc=$?
    lab_down
    exit "$rc"
}

# ---------------------------------------------------------------------------
# selftest (TAP)

T_N=0 T_FAIL=0
ok() {   # ok CONDITION-STATUS DESCRIPTION
    T_N=$(( T_N + 1 ))
    if [[ $1 == 0 ]]; then
        printf 'ok %d - %s\n' "$T_N" "$2"
    else
        printf 'not ok %d - %s\n' "$T_N" "$2"; T_FAIL=$(( T_FAIL + 1 ))
    fi
}
diag() { printf '# %s\n' "$@"; }

# One "avahi-browse -arpt" in the host namespace, as the brief asks: the
# view a fresh client gets. -k keeps service types raw.
snapshot() { lab_host_exec avahi-browse -arptk >"$SNAP" 2>/dev/null; }

# resolved NAME: every service of device NAME is in $SNAP, resolved, with
# the device's IPv4 and its IPv6 link-local address (on any line).
resolved() {
    local name=$1 type port a4 a6
    a4=$(lab_device_ip "$name") a6=$(lab_device_ip6 "$name")
    [[ $a6 == fe80:* ]] || return 1
    while read -r type port; do
        awk -F';' -v t="$type" -v p="$port" -v a4="$a4" -v a6="$a6" '
            $1 == "=" && $5 == t && $9 == p && $8 == a4 { f4 = 1 }
            $1 == "=" && $5 == t && $9 == p && $8 == a6 { f6 = 1 }
            END { exit !(f4 && f6) }' "$SNAP" || return 1
    done < <(lab_device_services "$name")
}

# absent NAME: no line of $SNAP mentions the device's addresses or host.
absent() {
    local a4 a6 h
    a4=$(lab_device_ip "$1") a6=$(lab_device_ip6 "$1") h=$(lab_device_host "$1")
    ! awk -F';' -v a4="$a4" -v a6="$a6" -v h="$h.local" '
        $8 == a4 || $8 == a6 || $7 == h { f = 1 } END { exit !f }' "$SNAP"
}

# has_line REGEX: some resolved line matches (grep -E).
has_line() { grep -Eq "$1" "$SNAP"; }

ms_since() { printf '%d' $(( ($(_lab_now_us) - $1) / 1000 )); }

cmd_selftest() {
    local t0 st n rc prefix dir pids ns left
    SNAP=$(mktemp /tmp/lab-selftest.XXXXXX)
    printf '1..41\n'


    t0=$(_lab_now_us)
    lab_up; st=$?
    ok "$st" "lab_up brings the standard home network up ($(ms_since "$t0") ms)"
    if (( st )); then
        diag "cannot continue without a lab"; rm -f "$SNAP"; exit 1
    fi
    prefix=$LAB_PREFIX dir=$LAB_DIR
    cp "$LAB_DIR/pids" "$SNAP.pids"; cp "$LAB_DIR/netns" "$SNAP.netns"

    _lab_avahi_running "$LAB_BUS"
    ok $? "host avahi-daemon answers GetState = 2 on the private bus"

    snapshot
    for n in shelly homekit matter esphome camera printer; do
        resolved "$n"
        ok $? "$n ($(lab_device_host "$n").local) resolved with $(lab_device_ip "$n") and $(lab_device_ip6 "$n")"
    done
    has_line '^=;lab0;IPv[46];shellyplusplugs-d4d4da7c1e2f;_shelly\._tcp;.*"gen=2"'
    ok $? "shelly publishes _shelly._tcp with gen=2"
    has_line '^=;lab0;IPv[46];[0-9A-F]{16};_matterc\._udp;.*"VP=65521\+32769"'
    ok $? "matter publishes _matterc._udp with a 16-hex instance and VP=65521+32769"
    has_line '^=;lab0;IPv[46];HP\\032OfficeJet.*;_ipp\._tcp;.*"rp=ipp/print"' &&
        has_line '^=;lab0;IPv[46];HP\\032OfficeJet.*;_ipp\._tcp;.*"adminurl=https?://'
    ok $? "printer (real ippeveprinter) publishes _ipp._tcp with rp and adminurl"
    lab_host_exec ipptool -q -T 5 "ipp://$(lab_device_ip printer):8631/ipp/print" get-printer-attributes.test
    ok $? "printer answers Get-Printer-Attributes over IPP from the host namespace"

    # The Shelly simulator (shelly-sim.py) behind the shelly's address.
    local url=http://$(lab_device_ip shelly)/rpc out pwfile=$SNAP.pw
    out=$(lab_host_exec curl -s --noproxy '*' --max-time 5 "$url/Shelly.GetDeviceInfo")
    [[ $out == *'"id":"shellyplusplugs-d4d4da7c1e2f"'* && $out == *'"gen":2'* && $out == *'"auth_en":false'* ]]
    ok $? "shelly answers Shelly.GetDeviceInfo over HTTP from the host namespace (auth off)"
    printf 'lab selftest pw' >"$pwfile"
    lab_shelly_restart shelly --password-file "$pwfile" &&
        out=$(lab_host_exec curl -s -i --noproxy '*' --max-time 5 -d '{"id":1,"method":"Shelly.GetStatus"}' "$url")
    [[ $out == 'HTTP/1.1 401'* && $out == *'WWW-Authenticate: Digest qop="auth", realm="shellyplusplugs-d4d4da7c1e2f", nonce="'*'algorithm=SHA-256'* ]]
    ok $? "with auth on, shelly answers 401 with a SHA-256 Digest challenge to an unauthenticated call"
    out=$(lab_host_exec curl -s --noproxy '*' --max-time 5 --digest -u 'admin:lab selftest pw' \
        -d '{"id":2,"method":"Shelly.GetStatus"}' "$url")
    [[ $out == *'"result":{"sys":'* ]] && lab_shelly_calls shelly | grep -q '"method": "Shelly.GetStatus", "auth": "ok"' &&
        ! lab_shelly_calls shelly | grep -q 'selftest pw'
    ok $? "shelly accepts Digest SHA-256 with the right password (curl --digest), logs it, not the password"
    rm -f "$pwfile"

    lab_withdraw shelly; st=$?
    t0=$(_lab_now_us)
    (( st == 0 )) && { lab_wait_gone shelly; st=$?; }
    snapshot
    (( st == 0 )) && { absent shelly; st=$?; }
    ok "$st" "withdrawn shelly disappears from the host's view ($(ms_since "$t0") ms)"

    t0=$(_lab_now_us)
    lab_add kitchen shelly; st=$?
    snapshot
    (( st == 0 )) && { resolved kitchen; st=$?; }
    ok "$st" "added kitchen ($(lab_device_host kitchen 2>/dev/null).local, $(lab_device_ip kitchen 2>/dev/null)) appears ($(ms_since "$t0") ms)"

    lab_host_avahi_stop
    ! _lab_avahi_running "$LAB_BUS" && lab_host_exec dbus-send --system --print-reply \
        --dest=org.freedesktop.DBus / org.freedesktop.DBus.GetId >/dev/null
    ok $? "host avahi-daemon stopped, the bus stays up"
    t0=$(_lab_now_us)
    lab_host_avahi_start
    ok $? "host avahi-daemon restarted, GetState = 2 ($(ms_since "$t0") ms)"
    t0=$(_lab_now_us)
    mapfile -t names < <(lab_devices)
    lab_wait_visible "${names[@]}"; st=$?
    snapshot
    for n in "${names[@]}"; do (( st == 0 )) && { resolved "$n" || st=1; }; done
    (( st == 0 )) && { absent shelly; st=$?; }
    ok "$st" "after the restart all ${#names[@]} devices are back, shelly stays gone ($(ms_since "$t0") ms)"

    lab_add_hostile hostile; st=$?
    snapshot
    (( st == 0 )) && { resolved hostile; st=$?; }
    ok "$st" "hostile device is resolved (names with escapes are delivered)"
    has_line '^=;[^;]*;[^;]*;\\027\\0912J\\027\\09131mPWNED.*;_http\._tcp;.*;80;.*"name=\\027\[2J\\027\]0;owned\\007Kitchen"'
    ok $? "ESC/BEL in names and TXT reach the host (avahi-browse prints \\027, \\007)"
    has_line '"bad=\\255\\254"' && has_line '"nul=a\\000b"'
    ok $? "invalid UTF-8 and NUL in TXT values reach the host unchanged"
    ! has_line ';808[2346];'
    ok $? "instance names with invalid UTF-8 or NUL are dropped by the host avahi-daemon"

    t0=$(_lab_now_us)
    lab_add_ghost ghost; st=$?
    if (( st == 0 )); then
        local inst esc
        inst=$(lab_device_instance ghost); _lab_browse_escape esc "$inst"
        lab_host_exec avahi-browse -rptk _http._tcp >"$SNAP" 2>&1
        grep -Fqx "+;lab0;IPv4;$esc;_http._tcp;local" "$SNAP" &&
            grep -Fqx "+;lab0;IPv6;$esc;_http._tcp;local" "$SNAP" &&
            [[ $(grep -Fc "Failed to resolve service '$inst' of type '_http._tcp' in domain 'local': Timeout reached" "$SNAP") == 2 ]] &&
            ! grep -q "^=;[^;]*;[^;]*;$esc;" "$SNAP"
        st=$?
    fi
    ok "$st" "ghost is browsed over IPv4 and IPv6 but never resolves: Timeout reached ($(ms_since "$t0") ms)"
    t0=$(_lab_now_us)
    lab_withdraw ghost; st=$?
    (( st == 0 )) && { lab_wait_gone ghost; st=$?; }
    ok "$st" "withdrawn ghost disappears from the host's view ($(ms_since "$t0") ms)"

    # Real device software: mosquitto, sshd, a telnet prompt, Homebridge.
    local ip4 out
    t0=$(_lab_now_us)
    lab_add_mqtt mqtt-open anonymous; st=$?
    ok "$st" "mosquitto (anonymous allowed) answers and is resolved ($(ms_since "$t0") ms)"
    ip4=$(lab_device_ip mqtt-open)
    lab_host_exec mosquitto_pub -h "$ip4" -t lab/selftest -m hi >/dev/null 2>&1
    ok $? "mosquitto_pub without a user name is accepted by mqtt-open ($ip4)"
    t0=$(_lab_now_us)
    lab_add_mqtt mqtt-auth password; st=$?
    ok "$st" "mosquitto (password file) answers and is resolved ($(ms_since "$t0") ms)"
    ip4=$(lab_device_ip mqtt-auth)
    out=$(lab_host_exec mosquitto_pub -h "$ip4" -t lab/selftest -m hi 2>&1)
    [[ $out == *"not authorised"* ]]
    ok $? "mosquitto_pub without a user name is refused by mqtt-auth: ${out//$'\n'/ }"
    lab_host_exec mosquitto_pub -h "$ip4" -u lab -P "$(lab_device_file mqtt-auth mqtt_password)" \
        -t lab/selftest -m hi >/dev/null 2>&1
    ok $? "mosquitto_pub with the run's user and password is accepted by mqtt-auth"
    t0=$(_lab_now_us)
    lab_add_ssh pi default; st=$?
    ok "$st" "sshd (pi/raspberry) answers and is resolved as $(lab_device_host pi 2>/dev/null).local ($(ms_since "$t0") ms)"
    out=$(lab_host_exec timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/22"; head -c 8 <&3' sh "$(lab_device_ip pi)")
    [[ $out == SSH-2.0- ]]
    ok $? "sshd greets with an SSH-2.0 banner"
    t0=$(_lab_now_us)
    lab_add_telnet dvr; st=$?
    out=$(lab_host_exec timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/23"; head -c 26 <&3 | tr -d "\000-\037\177-\377"' sh "$(lab_device_ip dvr)")
    [[ $st == 0 && $out == *"login: "* ]]
    ok $? "dvr answers on port 23 with IAC negotiation and a login prompt ($(ms_since "$t0") ms)"
    local v
    for v in 4.42.0 4.76.0; do
        if [[ ! -x $LAB_LIB_DIR/npm/ui-$v/node_modules/.bin/homebridge ]]; then
            printf 'ok %d - # SKIP Homebridge UI %s not installed (build-aux/dev.sh deps)\n' $(( T_N += 1 )) "$v"
            printf 'ok %d - # SKIP\n' $(( T_N += 1 ))
            continue
        fi
        t0=$(_lab_now_us)
        lab_add_homebridge "hb-${v//./}" "$v"; st=$?
        ip4=$(lab_device_ip "hb-${v//./}")
        out=$(lab_host_exec curl -s -m 5 "http://$ip4:8581/api/auth/settings")
        # 4.42.0 predates the setup wizard (no setupWizardComplete at all);
        # 4.76.0 says false until someone creates the first user.
        if [[ $v == 4.42.0 ]]; then
            [[ $st == 0 && $out == *'"packageVersion":"4.42.0"'* && $out != *setupWizardComplete* ]]
        else
            [[ $st == 0 && $out == *'"packageVersion":"4.76.0"'* && $out == *'"setupWizardComplete":false'* ]]
        fi
        ok $? "Homebridge + UI $v answers, _hap._tcp resolved, /api/auth/settings as expected ($(ms_since "$t0") ms)"
        out=$(lab_host_exec curl -s -m 5 -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
            -d '{"username":"admin","password":"admin"}' "http://$ip4:8581/api/auth/login")
        if [[ $v == 4.42.0 ]]; then [[ $out == 201 ]]; else [[ $out == 403 ]]; fi
        ok $? "UI $v: POST /api/auth/login admin/admin answers $out"
    done

    t0=$(_lab_now_us)
    lab_down
    st=0; left=
    while read -r ns; do
        [[ -e /run/netns/$ns ]] && { st=1; left+=" $ns"; }
    done <"$SNAP.netns"
    ok "$st" "lab_down removes every namespace of the run ($(ms_since "$t0") ms)${left:+, left:$left}"
    st=0; left=
    while read -r pid stt _; do
        if [[ $(_lab_starttime "$pid" 2>/dev/null) == "$stt" ]]; then st=1; left+=" $pid"; fi
    done <"$SNAP.pids"
    ok "$st" "no process of the run is left${left:+ (left:$left)}"
    [[ ! -e $dir ]] && ! ip netns list | grep -q "^$prefix-"
    ok $? "state dir $dir is gone, ip netns list shows nothing named $prefix-*"

    rm -f "$SNAP" "$SNAP.pids" "$SNAP.netns"
    (( T_FAIL == 0 ))
    exit
}

# ---------------------------------------------------------------------------
# bench

cmd_bench() {
    local t0 up down n
    for n in 0 50; do
        t0=$(_lab_now_us)
        lab_up "$n" || exit 1
        up=$(ms_since "$t0")
        ps -o rss=,comm= -p "$(awk '{print $1}' "$LAB_DIR/pids" | paste -sd,)" |
            awk -v n="$n" '{ s += $1; c[$2] += $1; k[$2]++ }
                END { for (p in c) printf "  N=%d %-14s x%-3d %6.1f MiB each\n", n, p, k[p], c[p] / k[p] / 1024
                      printf "  N=%d total RSS %.1f MiB\n", n, s / 1024 }'
        t0=$(_lab_now_us)
        lab_down
        down=$(ms_since "$t0")
        printf 'lab_up %d: %d ms, lab_down: %d ms\n' "$n" "$up" "$down"
    done
}

case ${1:-} in
    demo) shift; cmd_demo "$@" ;;
    shell) cmd_shell ;;
    selftest) cmd_selftest ;;
    bench) cmd_bench ;;
    *) usage ;;
esac
