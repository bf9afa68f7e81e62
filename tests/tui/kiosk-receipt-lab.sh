#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# When the kiosk's receipt cannot be made, the customer is told so on
# screen (and asked to get staff), staff see it in their menu, and nothing
# half-written is left. The real binary in tmux inside the lab, ending a
# session with Finish (F9) each time: a receipt command that exits non-zero,
# one that does not exist, one that takes longer than receipt_timeout; a
# spool directory on a read-only mount, and one on a full filesystem (a
# small tmpfs in the kiosk's own mount namespace). A command that reads the
# receipt and succeeds ends the session without a word, as before. Needs
# root for the lab; skips otherwise.
set -u
. "$(dirname "$0")/../lib.sh"
# shellcheck source-path=SCRIPTDIR source=tui-lib.sh
. "$SRCDIR/tests/tui/tui-lib.sh"
tui_lab_begin

PIN=52917
hash=$(printf '%s\n' "$PIN" | "$IOTSETUP_BIN" --hash-pin)
mkdir -p "$XDG_CONFIG_HOME/iotsetup" "$work/spool" "$work/mnt"
REAL_BIN=$IOTSETUP_BIN
catalog_tree "$work/locale" || not_ok "a catalog tree"

# kiosk_with SPOOL COMMAND [MOUNT]: starts the kiosk with this receipt
# spool and command (a libconfig list, "[ ]" for none). MOUNT: "ro" binds
# the spool read-only, "full" puts it on a 64 KiB tmpfs filled up; both
# only in the kiosk's own mount namespace (unshare -m), gone with it.
kiosk_with() {
  cat >"$XDG_CONFIG_HOME/iotsetup/iotsetup.conf" <<CONF
kiosk: {
  enabled = true;
  shop_name = "Lab Corner Shop";
  language = "en";
  idle_timeout = 60.0;
  pin_hash = "$hash";
  receipt_dir = "$1";
  receipt_command = $2;
  receipt_timeout = 2.0;
};
CONF
  local wrap="$work/kiosk-wrap.sh"
  case ${3:-} in
    ro) printf '#!/bin/sh\nmount --bind "%s" "%s" && mount -o remount,bind,ro "%s" && exec "%s" "$@"\n' \
          "$1" "$1" "$1" "$REAL_BIN" >"$wrap" ;;
    full) printf '#!/bin/sh\nmount -t tmpfs -o size=64k tmpfs "%s" && { dd if=/dev/zero of="%s/fill" bs=4k 2>/dev/null; exec "%s" "$@"; }\n' \
            "$1" "$1" "$REAL_BIN" >"$wrap" ;;
    *) printf '#!/bin/sh\nexec "%s" "$@"\n' "$REAL_BIN" >"$wrap" ;;
  esac
  chmod +x "$wrap"
  # unshare without --fork execs: the kiosk stays the pane shell's child.
  printf '#!/bin/sh\nexec unshare -m "%s" "$@"\n' "$wrap" >"$work/kiosk-ns.sh"
  chmod +x "$work/kiosk-ns.sh"
  IOTSETUP_BIN="$work/kiosk-ns.sh" tui_start IOTSETUP_LOCALEDIR="$work/locale"
  wait_ms 20000 on_screen "Welcome to Lab Corner Shop"
}
# finish: English, the device list, F9. Keys typed while a slow (sanitized)
# build is still starting may be dropped: the language is chosen again.
finish() {
  local _
  for _ in 1 2 3; do
    tm send-keys -t iot Home Enter
    wait_ms 5000 on_screen "Devices on your network" && break
  done
  on_screen "Devices on your network" || return 1
  tm send-keys -t iot F9
}
told() { wait_ms 10000 on_screen "Your receipt could not be made. Please ask a member of staff" && on_screen "$1"; }
# The spool as the kiosk sees it (its own mount namespace).
kiosk_spool() { ls -A "/proc/$(iot_pid)/root$1"; }

# A command that reads the receipt and succeeds: no message, the welcome.
kiosk_with "$work/spool" '[ "/bin/cat" ]'
check "a good command: the session ends without a word" \
  eval 'finish && wait_ms 10000 on_screen "Welcome to Lab Corner Shop" && ! on_screen "could not be made"'
check "… and the spool has the receipt" eval 'ls "$work/spool"/receipt-*.txt >/dev/null'

kiosk_with "$work/spool" '[ "/bin/false" ]'
finish
check "a command that fails: the customer is told" told "The receipt command failed."
tm capture-pane -p -t iot >"$work/told.txt"
check "… in the customer's language (German)" eval '
  tm send-keys -t iot a && wait_ms 5000 on_screen "Welcome to Lab Corner Shop" &&
  tm send-keys -t iot Home Down Enter && wait_ms 5000 on_screen "Geräte in Ihrem Netzwerk" &&
  tm send-keys -t iot F9 && wait_ms 10000 on_screen "Ihr Beleg konnte nicht erstellt werden"'
check "any key: the welcome" eval 'tm send-keys -t iot a && wait_ms 5000 on_screen "Welcome to Lab Corner Shop"'
tm send-keys -t iot Home Enter
wait_ms 5000 on_screen "Devices on your network"
tm send-keys -t iot F10
wait_ms 3000 on_screen "PIN:"
tm send-keys -t iot -l "$PIN"
tm send-keys -t iot Enter
check "staff see it in their menu" eval 'wait_ms 5000 on_screen "3  Leave the kiosk" &&
  on_screen "The last receipt could not be made:"'
tm send-keys -t iot 3
check "the right PIN leaves: exit status 0" wait_ms 5000 on_screen "EXIT=0"

kiosk_with "$work/spool" '[ "/nonexistent/lp" ]'
finish
check "a missing command: the customer is told" told "/nonexistent/lp"

kiosk_with "$work/spool" '[ "/bin/sleep", "30" ]'
finish
check "a command that takes too long: the customer is told" told "The receipt command took too long."
tm send-keys -t iot Enter
check "Enter: the welcome" wait_ms 5000 on_screen "Welcome to Lab Corner Shop"
check "the kiosk keeps running" iot_running

rm -f "$work/spool"/*
kiosk_with "$work/spool" '[ ]' ro
finish
check "a read-only spool: the customer is told" told "Read-only file system"
check "… and nothing is in it" test -z "$(kiosk_spool "$work/spool")"

kiosk_with "$work/mnt" '[ ]' full
check "the spool's filesystem is full" eval 'kiosk_spool "$work/mnt" | grep -qx fill'
finish
check "a full spool: the customer is told" told "No space left on device"
check "… and nothing half-written is left (no temporary, no receipt)" \
  test "$(kiosk_spool "$work/mnt")" = fill
check "the kiosk keeps running" iot_running
if [ -n "${KIOSK_WALKTHROUGH_DIR:-}" ]; then cp "$work/told.txt" "$KIOSK_WALKTHROUGH_DIR/receipt-failed.txt"; fi
tap_done
