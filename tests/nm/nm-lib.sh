# shellcheck shell=bash
# NetworkManager tests' helpers: a private D-Bus system bus (never the
# machine's), the project's NetworkManager mock on it (python-dbusmock with
# tests/nm/nm_template.py), and the assistant run in a network namespace of
# its own (unshare -n) with DBUS_SYSTEM_BUS_ADDRESS pointing at that bus.
# Source after tests/lib.sh. Everything started is recorded in $work/pids
# with its start time, and stopped by nm_cleanup only while that PID is still
# the same process (a PID can be reused once its process is gone).
#
#   nm_test_begin [EXTRA_CLEANUP]   skip unless root + dbus-daemon + dbusmock;
#                                   make $work, start the bus, trap cleanup
#   nm_mock_start / nm_mock_stop    the mock NetworkManager on the bus
#   nm_call METHOD ARGS...          a mock method (gdbus call syntax for ARGS)
#   iot ARGS...                     the assistant in its own network namespace

NM_MOCK_PID=

nm_test_begin() {
  NM_TEST_CLEANUP=${1:-}
  if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null || ! command -v dbus-daemon >/dev/null ||
    ! command -v gdbus >/dev/null || ! "$PYTHON3" -c 'import dbusmock' 2>/dev/null; then
    echo "1..0 # SKIP needs root (unshare -n), dbus-daemon, gdbus and python3-dbusmock"
    exit 0
  fi
  work=$(mktemp -d)
  chmod 755 "$work"
  export XDG_CONFIG_HOME="$work/config" XDG_STATE_HOME="$work/state"
  : >"$work/pids"
  trap nm_cleanup EXIT INT TERM
  nm_bus_start || { not_ok "private system bus comes up"; tap_done; exit 1; }
}

nm_cleanup() {
  if [ -n "${NM_TEST_CLEANUP:-}" ]; then "$NM_TEST_CLEANUP"; fi
  local pid st
  if [ -f "$work/pids" ]; then
    while read -r pid st; do _nm_stop "$pid" "$st"; done <"$work/pids"
  fi
  rm -rf "$work"
}

# Start time (field 22 of /proc/PID/stat) of a process, to recognise it later.
_nm_starttime() {
  local stat f
  read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
  read -ra f <<<"${stat##*) }"
  printf '%s' "${f[19]}"
}

# _nm_record PID: remember a process this test started, with its start time.
_nm_record() { printf '%s %s\n' "$1" "$(_nm_starttime "$1")" >>"$work/pids"; }

# _nm_ours PID STARTTIME: still the process we started (PIDs get reused),
# and not a zombie.
_nm_ours() {
  local stat
  [ "$(_nm_starttime "$1" 2>/dev/null)" = "$2" ] || return 1
  read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
  stat=${stat##*) }
  [ "${stat:0:1}" != Z ]
}

_nm_gone() { ! _nm_ours "$1" "$2"; }

# _nm_stop PID STARTTIME: TERM, then KILL after 3 s; only if still ours.
_nm_stop() {
  _nm_ours "$1" "$2" || return 0
  kill "$1" 2>/dev/null
  wait_ms 3000 _nm_gone "$1" "$2" || { _nm_ours "$1" "$2" && kill -KILL "$1" 2>/dev/null; }
}

# A bus of type system, listening only on a socket in $work, that lets
# anyone own names and call anyone (like a session bus): the mock must own
# org.freedesktop.NetworkManager.
nm_bus_start() {
  export NM_BUS_DIR=$work/bus
  mkdir -p "$NM_BUS_DIR"
  cat >"$NM_BUS_DIR/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$NM_BUS_DIR/socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
EOF
  dbus-daemon --config-file="$NM_BUS_DIR/bus.conf" --nofork --nopidfile </dev/null \
    >"$NM_BUS_DIR/log" 2>&1 &
  _nm_record $!
  export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$NM_BUS_DIR/socket
  wait_ms 5000 _nm_bus_up
}

_nm_bus_up() {
  gdbus call --system --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
    --method org.freedesktop.DBus.GetId >/dev/null 2>&1
}

nm_on_bus() {
  gdbus call --system --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
    --method org.freedesktop.DBus.NameHasOwner org.freedesktop.NetworkManager 2>/dev/null |
    grep -q true
}

nm_mock_start() {
  "$PYTHON3" -m dbusmock --system --template "$SRCDIR/tests/nm/nm_template.py" </dev/null \
    >>"$work/mock.log" 2>&1 &
  NM_MOCK_PID=$!
  NM_MOCK_START=$(_nm_starttime "$NM_MOCK_PID")
  _nm_record "$NM_MOCK_PID"
  wait_ms 10000 nm_on_bus
}

nm_mock_stop() {
  [ -n "$NM_MOCK_PID" ] || return 0
  _nm_stop "$NM_MOCK_PID" "$NM_MOCK_START"
  wait "$NM_MOCK_PID" 2>/dev/null
  # Forget it, so that cleanup never signals whoever gets its PID next.
  grep -v "^$NM_MOCK_PID " "$work/pids" >"$work/pids.new"
  mv "$work/pids.new" "$work/pids"
  NM_MOCK_PID=
  wait_ms 5000 eval '! nm_on_bus'
}

nm_call() {
  local method=$1; shift
  gdbus call --system --dest org.freedesktop.NetworkManager --object-path /org/freedesktop \
    --method "org.freedesktop.DBus.Mock.$method" -- "$@" >>"$work/calls.log" 2>&1
}

# The assistant, in a network namespace of its own: nothing it does can
# reach a real network, and the bus is reached through its socket file.
iot() { unshare -n "$IOTSETUP_BIN" "$@"; }

# json_check FILE PYTHON: true when the last expression of PYTHON (statements
# separated by ";" may come first) holds, with doc = the JSON in FILE.
json_check() {
  "$PYTHON3" -c 'import ast, json, sys
doc = json.load(open(sys.argv[1]))
tree = ast.parse(sys.argv[2])
last = tree.body.pop()
env = {"doc": doc}
exec(compile(tree, "check", "exec"), env)
ok = eval(compile(ast.Expression(last.value), "check", "eval"), env)
if not ok: print("# doc:", json.dumps(doc)[:600])
sys.exit(0 if ok else 1)' "$1" "$2"
}

# nm_tui_begin TOOL...: nm_test_begin for a test that drives the assistant
# in tmux (`tm`, on the test's own socket); skips without each TOOL.
tm() { tmux -S "$work/tmux.sock" "$@"; }
nm_tui_begin() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "1..0 # SKIP needs $tool"; exit 0; }
  done
  nm_test_begin nm_tui_cleanup
  ok "private system bus comes up"
  zbar_opts=(--raw -q)
  if zbarimg --help 2>&1 | grep -q -- --nodbus; then zbar_opts+=(--nodbus); fi
}
nm_tui_cleanup() { tm kill-server 2>/dev/null; }
