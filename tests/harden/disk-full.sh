#!/bin/bash
# Disk full while saving a report: `iotsetup check DEVICE --report FILE`
# into a directory on a full filesystem (a 64 KiB tmpfs, mounted in a
# private mount namespace inside the lab's host namespace) fails with a
# clear message and exit status 2, the report that was there before is left
# whole, a new one is not created, and no temporary file is left behind.
set -u
. "$(dirname "$0")/../lib.sh"
lab_test_begin
# shellcheck disable=SC2154 # $work: made by lab_test_begin
export XDG_STATE_HOME="$work/state"
host=$(lab_device_host printer)
full="$work/full"
mkdir -p "$full"

# Everything that needs the mount happens in one shell in its own mount
# namespace; the tmpfs goes away with it. It prints KEY=VALUE lines.
lab_host_exec unshare -m /bin/bash -s "$IOTSETUP_BIN" "$host" "$full" >"$work/out" 2>"$work/err" <<'SH'
bin=$1 host=$2 dir=$3
mount -t tmpfs -o size=64k tmpfs "$dir" || { echo "mount=failed"; exit 0; }
printf 'the earlier report\n' >"$dir/old.txt"
dd if=/dev/zero of="$dir/fill" bs=4k 2>/dev/null
echo "free=$(df -k --output=avail "$dir" | tail -n 1 | tr -d ' ')"
"$bin" check "$host" --timeout 20 --report "$dir/old.txt" --format text >/dev/null 2>"$dir.err1"
echo "rc_old=$?"
"$bin" check "$host" --timeout 20 --report "$dir/new.html" --format html >/dev/null 2>"$dir.err2"
echo "rc_new=$?"
echo "old=$(cat "$dir/old.txt")"
echo "files=$(cd "$dir" && ls -A | tr '\n' ' ')"
umount "$dir"
SH
val() { sed -n "s/^$1=//p" "$work/out"; }
if [ "$(val mount)" = failed ]; then
  not_ok "a small tmpfs can be mounted in a private mount namespace"
  tap_done
  exit 1
fi
diag "free space after filling: $(val free) KiB"
check "a full disk fails the report with exit status 2" [ "$(val rc_old)" = 2 ]
check "… and says why on stderr" grep -q "No space left on device" "$full.err1"
diag "stderr: $(head -c 300 "$full.err1")"
check "the earlier report is left whole" [ "$(val old)" = "the earlier report" ]
check "a new report on a full disk also fails (exit 2)" [ "$(val rc_new)" = 2 ]
check "no new or half-written file is left behind" [ "$(val files)" = "fill old.txt " ]
tap_done
