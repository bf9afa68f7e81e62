#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Records real answers of homebridge-config-ui-x 4.42.0 and 4.76.0 as seeds
# for the homebridge fuzz target (tests/fuzz/corpus/homebridge/lab-*): the
# requests the driver sends, in its order, from the lab's host namespace to
# the lab's own Homebridge devices (nothing else is contacted). Each seed is
# the target's status byte, then the body as received; the signature of an
# access token is blanked (same length), so no working credential is kept.
# Needs root and the lab's npm modules (build-aux/dev.sh deps).
#
#   tests/fuzz/capture-homebridge.sh
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/tests/fuzz/corpus/homebridge
PYTHON3=${PYTHON3:-/usr/bin/python3}
. "$top/tests/lab/lab-lib.sh"

work=$(mktemp -d)
chmod 700 "$work"
trap 'lab_down; rm -rf "$work"' EXIT INT TERM
lab_up >/dev/null

# save NAME STATUS FILE: one seed; the status byte is the target's index.
save() {
  "$PYTHON3" - "$out/lab-$1" "$2" "$3" <<'EOF'
import re, sys
statuses = [200, 201, 400, 401, 403, 404, 500, 302]
path, status, body = sys.argv[1], int(sys.argv[2]), open(sys.argv[3], "rb").read()
body = re.sub(rb'("access_token"\s*:\s*"[^".]*\.[^".]*\.)([^"]*)',
              lambda m: m.group(1) + b"A" * len(m.group(2)), body)
with open(path, "wb") as f:
    f.write(bytes([statuses.index(status) if status in statuses else 6]) + body)
print(f"{path}: {status}, {len(body)} bytes")
EOF
}

# call NAME METHOD URL [JSON-FILE] [TOKEN-FILE]: one request, saved.
call() {
  local name=$1 method=$2 url=$3 data=${4:-} token=${5:-} args=()
  [ -n "$data" ] && args+=(-H 'Content-Type: application/json' --data-binary "@$data")
  [ -n "$token" ] && args+=(-H "@$token")
  local status
  status=$(lab_host_exec curl -s -m 20 -X "$method" -o "$work/body" -w '%{http_code}' "${args[@]}" "$url")
  save "$name" "$status" "$work/body"
}

# json FILE KEY VALUE ...: a JSON object of strings and true.
json() {
  local f=$1; shift
  "$PYTHON3" -c 'import json,sys; a=sys.argv[2:]; d={a[i]:(True if a[i+1]=="true" else a[i+1]) for i in range(0,len(a),2)}; json.dump(d,open(sys.argv[1],"w"))' "$f" "$@"
}

# bearer TOKEN-FILE: the header for the token of the last login.
bearer() {
  "$PYTHON3" -c 'import json,sys; print("Authorization: Bearer " + json.load(open(sys.argv[1]))["access_token"])' \
    "$work/body" >"$1"
}

mkdir -p "$out"
json "$work/admin" username admin password admin
json "$work/first" username admin password 'ki7m-3yd4-wq9x' name Administrator admin true
json "$work/new" username admin password 'ki7m-3yd4-wq9x'
json "$work/change" currentPassword 'ki7m-3yd4-wq9x' newPassword 'r4nd-0mpa-55wd'
json "$work/wrong" currentPassword 'not-the-one' newPassword 'r4nd-0mpa-55wd'

lab_add_homebridge hbnew 4.76.0 >/dev/null
u=http://$(lab_device_ip hbnew):8581
call 4.76.0-settings-unclaimed GET "$u/api/auth/settings"
call 4.76.0-login-no-user POST "$u/api/auth/login" "$work/admin"
call 4.76.0-version-no-token GET "$u/api/status/homebridge-version"
call 4.76.0-create-first-user POST "$u/api/setup-wizard/create-first-user" "$work/first"
call 4.76.0-create-first-user-again POST "$u/api/setup-wizard/create-first-user" "$work/first"
call 4.76.0-settings-claimed GET "$u/api/auth/settings"
call 4.76.0-login POST "$u/api/auth/login" "$work/new"
bearer "$work/token"
call 4.76.0-version-offline GET "$u/api/status/homebridge-version" "" "$work/token"
call 4.76.0-change-password-wrong POST "$u/api/users/change-password" "$work/wrong" "$work/token"
call 4.76.0-change-password POST "$u/api/users/change-password" "$work/change" "$work/token"
call 4.76.0-login-old-password POST "$u/api/auth/login" "$work/new"
call 4.76.0-reset-accessory PUT "$u/api/server/reset-homebridge-accessory" "" "$work/token"
call 4.76.0-not-found GET "$u/api/no-such-thing"

lab_add_homebridge hbold 4.42.0 >/dev/null
u=http://$(lab_device_ip hbold):8581
call 4.42.0-settings GET "$u/api/auth/settings"
call 4.42.0-login-default POST "$u/api/auth/login" "$work/admin"
bearer "$work/token"
call 4.42.0-version-offline GET "$u/api/status/homebridge-version" "" "$work/token"
json "$work/change42" currentPassword admin newPassword 'r4nd-0mpa-55wd'
call 4.42.0-change-password POST "$u/api/users/change-password" "$work/change42" "$work/token"
call 4.42.0-login-refused POST "$u/api/auth/login" "$work/admin"
call 4.42.0-reset-accessory PUT "$u/api/server/reset-homebridge-accessory" "" "$work/token"
