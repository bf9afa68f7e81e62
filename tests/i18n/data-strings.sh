#!/bin/bash
# data/data-strings.h (the data files' texts for the catalogs) must match the
# data files: regenerate it with build-aux/conf-strings and compare. A stale
# file would leave new guidance text untranslated without any other test
# noticing.
set -u
. "$(dirname "$0")/../lib.sh"
tool="${IOTSETUP_BUILDDIR:-$SRCDIR/_build}/build-aux/conf-strings"
files=()
for f in ${IOTSETUP_DATA_TEXT_FILES:-}; do files+=("$SRCDIR/$f"); done
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
check "the list of data files is known" [ ${#files[@]} -gt 2 ]
if "$tool" "$SRCDIR" "${files[@]}" >"$tmp"; then ok "conf-strings reads every data file"; else not_ok "conf-strings reads every data file"; fi
if diff -u "$SRCDIR/data/data-strings.h" "$tmp" >&2; then
  ok "data/data-strings.h is current"
else
  not_ok "data/data-strings.h is current (run: make update-data-strings)"
fi
check "it holds the guideline titles" grep -qF 'N_("No default passwords")' "$SRCDIR/data/data-strings.h"
check "it holds profile guidance" grep -qF 'data/profiles/shelly-gen2.conf' "$SRCDIR/data/data-strings.h"
tap_done
