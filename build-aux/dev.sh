#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# One entry point for people and CI on a fresh Debian 12 / Raspberry Pi OS:
#   build-aux/dev.sh run     install what is missing, build, start the assistant
#                            (or offer the demo home network when there is no
#                            Avahi daemon to find devices with)
#   build-aux/dev.sh check   install what is missing, build, run every test
#   build-aux/dev.sh deps    only install what is missing (and generate the test locales)
#   build-aux/dev.sh demo    build and run the assistant in the demo network
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build="$top/_build"

# What building needs, what running needs, and what the test suite adds.
BUILD_DEPS=(build-essential autoconf automake autopoint gettext pkg-config
  libglib2.0-dev libavahi-client-dev libavahi-glib-dev libnm-dev libncurses-dev
  libqrencode-dev libconfig-dev libcurl4-openssl-dev libjson-glib-dev)
RUN_DEPS=(avahi-daemon avahi-utils dbus iproute2)
# network-manager: a real NetworkManager for the lab test (only ever started
# inside a lab namespace; installing it starts nothing where there is no init,
# and on a normal system it is usually there already). libglib2.0-bin: gdbus.
TEST_DEPS=(tmux cups-ipp-utils python3 python3-zeroconf python3-dbusmock zbar-tools
  procps time locales network-manager libglib2.0-bin util-linux)
# The locales the translated screens are tested in (tests/tui/tui-i18n.sh).
TEST_LOCALES=(de_DE ja_JP uk_UA)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_missing() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing: ${missing[*]}"
  as_root apt-get update -qq
  # No daemon may be started by the install (a container or CI has no init,
  # and a real system starts avahi-daemon itself).
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}"
}

# Generates each of TEST_LOCALES in UTF-8 unless the system has it already.
generate_locales() {
  local l
  for l in "${TEST_LOCALES[@]}"; do
    locale -a 2>/dev/null | grep -qix "${l}\.utf-\{0,1\}8" && continue
    echo "Generating the locale $l.UTF-8"
    as_root localedef -i "$l" -f UTF-8 "$l.UTF-8"
  done
}

build() {
  cd "$top"
  [ -x configure ] || ./autogen.sh >/dev/null
  mkdir -p "$build"
  cd "$build"
  [ -f Makefile ] || "$top/configure" --enable-werror >/dev/null
  make -j"$(nproc)" >/dev/null
}

have_avahi() {
  dbus-send --system --print-reply --reply-timeout=2000 --dest=org.freedesktop.Avahi / \
    org.freedesktop.Avahi.Server.GetState >/dev/null 2>&1
}

# An uninstalled catalog tree (<lang>/LC_MESSAGES/iotsetup.mo), so an
# uninstalled assistant speaks the user's language.
locale_tree() {
  make -C "$build/locale" install localedir="$build/locale-tree" >/dev/null
  echo "$build/locale-tree"
}

demo() {
  local cmd=(env IOTSETUP_LOCALEDIR="$(locale_tree)" IOTSETUP_DATADIR="$top/data"
    "$top/tests/lab/lab.sh" demo "$build/iotsetup")
  if [ "$(id -u)" -eq 0 ]; then exec "${cmd[@]}"; else exec sudo "${cmd[@]}"; fi
}

case "${1:-}" in
  deps)
    install_missing "${BUILD_DEPS[@]}" "${RUN_DEPS[@]}" "${TEST_DEPS[@]}"
    generate_locales
    ;;
  run)
    install_missing "${BUILD_DEPS[@]}" "${RUN_DEPS[@]}"
    build
    if have_avahi; then
      IOTSETUP_LOCALEDIR="$(locale_tree)" IOTSETUP_DATADIR="$top/data" exec "$build/iotsetup" "${@:2}"
    fi
    echo "No Avahi daemon is running here, so iotsetup cannot find devices on this network."
    echo "(On a normal system: sudo systemctl enable --now avahi-daemon)"
    read -r -p "Start the demo home network (simulated devices in private network namespaces) instead? [Y/n] " answer || answer=n
    case "$answer" in n* | N*) exit 0 ;; esac
    demo
    ;;
  demo)
    install_missing "${BUILD_DEPS[@]}" "${RUN_DEPS[@]}" cups-ipp-utils
    build
    demo
    ;;
  check)
    install_missing "${BUILD_DEPS[@]}" "${RUN_DEPS[@]}" "${TEST_DEPS[@]}"
    generate_locales
    build
    cd "$build"
    status=0
    make -j"$(nproc)" check || status=$?
    # The release tarball must build and pass its own (non-lab) tests.
    distcheck=1
    IOTSETUP_SKIP_LAB=1 make -j"$(nproc)" distcheck >distcheck.log 2>&1 || { distcheck=0; status=1; }
    echo "distcheck: $([ $distcheck = 1 ] && echo passed || echo "FAILED, see $build/distcheck.log")"
    # Totals over every test point, from automake's test-suite.log, plus
    # distcheck; a build that never got to the tests counts as one failure.
    [ -f test-suite.log ] || echo "# ERROR: 1" >test-suite.log
    awk -v dc="$distcheck" '/^# (PASS|FAIL|ERROR|XPASS|SKIP|XFAIL):/ { n[$2] += $3 }
         END { printf "%d passed, %d failed, %d skipped\n", n["PASS:"] + n["XFAIL:"] + dc,
               n["FAIL:"] + n["ERROR:"] + n["XPASS:"] + (1 - dc), n["SKIP:"] }' test-suite.log
    exit "$status"
    ;;
  *)
    sed -n '3,9p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
