#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Static analysis of the program's sources (app/, wizards/): cppcheck with
# the warning, performance and portability checks, and clang-tidy with the
# checks chosen in .clang-tidy (every finding an error). Both must report
# nothing. Needs a configured build directory for config.h
# (IOTSETUP_BUILDDIR, default _build). Run by `build-aux/dev.sh harden`;
# prints TAP.
set -u
. "$(dirname "$0")/../lib.sh"

builddir=${IOTSETUP_BUILDDIR:-$SRCDIR/_build}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
cd "$SRCDIR" || exit 1
mapfile -t sources < <(find app wizards -name '*.c' | sort)
if [ ! -f "$builddir/config.h" ]; then
  echo "1..0 # SKIP no configured build in $builddir (config.h)"
  exit 0
fi

# cppcheck: GLib's macros from its own gtk.cfg and ours
# (tests/harden/cppcheck-glib.cfg); system headers are not analysed.
if command -v cppcheck >/dev/null; then
  cppcheck --enable=warning,performance,portability --error-exitcode=1 --std=c11 \
    --library=gtk --library=posix --library="$SRCDIR/tests/harden/cppcheck-glib.cfg" \
    --inline-suppr --quiet -j "$(nproc)" -I. -I"$builddir" -DHAVE_CONFIG_H \
    "${sources[@]}" >"$work/cppcheck.out" 2>&1
  rc=$?
  if [ "$rc" -eq 0 ] && ! grep -Eq ': (error|warning|performance|portability):' "$work/cppcheck.out"
  then
    ok "cppcheck --enable=warning,performance,portability: ${#sources[@]} files, no finding"
  else
    not_ok "cppcheck: findings (exit $rc)"
    sed 's/^/# /' "$work/cppcheck.out" | head -n 80
  fi
else
  ok "cppcheck # SKIP cppcheck is not installed"
fi

# clang-tidy: the flags `make` compiles with, as a compilation database.
if command -v clang-tidy >/dev/null; then
  PKGS="glib-2.0 gio-2.0 gio-unix-2.0 avahi-client avahi-glib libnm ncursesw libqrencode
    libconfig libcurl json-glib-1.0"
  # shellcheck disable=SC2046,SC2086 # word splitting of the flag lists is wanted
  "$PYTHON3" - "$SRCDIR" "$builddir" "$work/compile_commands.json" "${sources[@]}" \
    $(pkg-config --cflags $PKGS) <<'EOF'
import json, sys
src, build, out, *rest = sys.argv[1:]
files = [a for a in rest if a.endswith(".c")]
flags = [a for a in rest if not a.endswith(".c")]
defines = ['-DHAVE_CONFIG_H', '-DLOCALEDIR="/usr/local/share/locale"',
           '-DSYSCONFDIR="/usr/local/etc"', '-DPKGDATADIR="/usr/local/share/iotsetup"',
           '-DG_LOG_DOMAIN="iotsetup"', '-DGLIB_VERSION_MIN_REQUIRED=GLIB_VERSION_2_66']
json.dump([{"directory": src, "file": f,
            "arguments": ["cc", "-std=gnu11", "-I" + src, "-I" + build] + defines + flags
                         + ["-c", f]} for f in files], open(out, "w"), indent=1)
EOF
  printf '%s\n' "${sources[@]}" |
    xargs -P "$(nproc)" -n 4 clang-tidy -quiet -p "$work" >"$work/tidy.out" 2>"$work/tidy.err"
  rc=$?
  if [ "$rc" -eq 0 ] && ! grep -q ': \(error\|warning\):' "$work/tidy.out"; then
    ok "clang-tidy (checks in .clang-tidy): ${#sources[@]} files, no finding"
  else
    not_ok "clang-tidy: findings (exit $rc)"
    grep -A3 ': \(error\|warning\):' "$work/tidy.out" | sed 's/^/# /' | head -n 120
    sed 's/^/# /' "$work/tidy.err" | grep -v 'warnings generated' | head -n 20
  fi
else
  ok "clang-tidy # SKIP clang-tidy is not installed"
fi
tap_done
