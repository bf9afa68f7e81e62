#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# TAP test of the gettext catalogs in locale/: every language in LINGUAS has a
# .po that compiles with format checks, has nothing untranslated or fuzzy,
# and is in sync with the sources: every message of a freshly extracted
# template (xgettext with locale/Makevars' options over POTFILES.in) is in it,
# so a new _() string without translations fails here, not on a user's
# screen. Needs only the source tree and gettext's tools, not a build.
#
# Env: IOTSETUP_SRCDIR (default: two levels up from this script).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRCDIR=${IOTSETUP_SRCDIR:-$(cd "$here/../.." && pwd)}
podir=$SRCDIR/locale
REQUIRED=(de fr es pl ru uk zh_CN ja)

N=0
FAILED=0
ok() { N=$((N + 1)); echo "ok $N - $*"; }
not_ok() { N=$((N + 1)); FAILED=$((FAILED + 1)); echo "not ok $N - $*"; }
diag() { sed 's/^/# /'; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for tool in xgettext msgfmt msgattrib msgcmp msgcat; do
  if ! command -v "$tool" >/dev/null; then
    echo "Bail out! $tool not found (install the gettext package)"
    exit 1
  fi
done

# Languages: LINGUAS is whitespace-separated, '#' starts a comment.
mapfile -t langs < <(sed -e 's/#.*//' "$podir/LINGUAS" 2>/dev/null | tr -s '[:space:]' '\n' | grep -v '^$')

missing=()
for l in "${REQUIRED[@]}"; do
  printf '%s\n' "${langs[@]}" | grep -qx -- "$l" || missing+=("$l")
done
if [ ${#missing[@]} -eq 0 ]; then
  ok "LINGUAS lists all required languages (${REQUIRED[*]})"
else
  not_ok "LINGUAS lists all required languages (missing: ${missing[*]})"
fi

# A fresh template, extracted the way gettext's locale/Makefile does it.
read -r -a xgettext_options < <(sed -n 's/^[[:space:]]*XGETTEXT_OPTIONS[[:space:]]*=[[:space:]]*//p' "$podir/Makevars")
pot=$tmp/iotsetup.pot
if (cd "$SRCDIR" && xgettext --default-domain=iotsetup --directory="$SRCDIR" \
  --add-comments=TRANSLATORS: "${xgettext_options[@]}" \
  --files-from="$podir/POTFILES.in" --output="$pot") 2>"$tmp/xgettext.err" &&
  [ -s "$pot" ]; then
  ok "fresh template extracted from POTFILES.in ($(grep -c '^msgid ' "$pot") entries with the header)"
else
  diag <"$tmp/xgettext.err"
  not_ok "fresh template extracted from POTFILES.in"
  pot=
fi

# without_header: drops a PO file's header entry (its first paragraph) from stdin.
without_header() { sed '1,/^$/d'; }

# no_empty_msgstr PO: fails if any msgstr or msgstr[N] is empty; msgattrib
# --untranslated misses a plural entry with only some forms empty.
no_empty_msgstr() {
  msgcat --no-wrap "$1" | awk '
    pending { if ($0 !~ /^"/) { print prev; bad = 1 } pending = 0 }
    /^msgstr(\[[0-9]+\])? ""$/ { pending = 1; prev = NR ": " $0 }
    END { if (pending) { print prev; bad = 1 } exit bad }'
}

for l in "${langs[@]}"; do
  po=$podir/$l.po
  if [ ! -f "$po" ]; then
    not_ok "$l: locale/$l.po exists"
    for what in "compiles with msgfmt --check --check-format" "nothing untranslated" \
      "nothing fuzzy" "has every message of the fresh template"; do
      not_ok "$l: $what (no .po)"
    done
    continue
  fi
  ok "$l: locale/$l.po exists"

  if msgfmt --check --check-format -o /dev/null "$po" 2>"$tmp/err"; then
    ok "$l: compiles with msgfmt --check --check-format"
  else
    diag <"$tmp/err"
    not_ok "$l: compiles with msgfmt --check --check-format"
  fi

  msgattrib --untranslated --no-obsolete "$po" >"$tmp/untranslated" 2>&1
  no_empty_msgstr "$po" >"$tmp/empty"
  empty_ok=$?
  if [ ! -s "$tmp/untranslated" ] && [ "$empty_ok" -eq 0 ]; then
    ok "$l: nothing untranslated"
  else
    without_header <"$tmp/untranslated" | head -n 40 | diag
    sed 's/^/line /' "$tmp/empty" | diag
    not_ok "$l: nothing untranslated"
  fi

  msgattrib --only-fuzzy --no-obsolete "$po" >"$tmp/fuzzy" 2>&1
  if [ ! -s "$tmp/fuzzy" ]; then
    ok "$l: nothing fuzzy"
  else
    without_header <"$tmp/fuzzy" | head -n 40 | diag
    not_ok "$l: nothing fuzzy"
  fi

  if [ -z "$pot" ]; then
    not_ok "$l: has every message of the fresh template (no template)"
  elif msgcmp --use-untranslated --use-fuzzy "$po" "$pot" >"$tmp/err" 2>&1; then
    ok "$l: has every message of the fresh template"
  else
    diag <"$tmp/err"
    # Show each missing message as the template has it.
    grep -o '^[^ ]*\.pot:[0-9]*: this message is used but not defined' "$tmp/err" |
      sed 's/^.*\.pot:\([0-9]*\):.*/\1/' | while read -r line; do
        # the template entry (paragraph) that holds that line
        awk -v n="$line" '/^$/ { if (hit) exit; para = ""; next }
          { para = para $0 "\n" } NR == n { hit = 1 } END { if (hit) printf "%s", para }' "$pot"
      done | diag
    diag <<<"run: make -C _build/locale update-po, then translate the new messages"
    not_ok "$l: has every message of the fresh template"
  fi
done

echo "1..$N"
[ "$FAILED" -eq 0 ]
