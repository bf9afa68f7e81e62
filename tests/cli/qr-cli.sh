#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `iotsetup qr` without a terminal: SVG and PNG exports decode (zbarimg) to
# exactly the text given, output to a pipe is plain ASCII with no escape
# sequences, and every refusal (too long, not UTF-8, empty, bad options)
# exits 2 with a message. Needs no network and no root.
set -u
. "$(dirname "$0")/../lib.sh"

if ! command -v zbarimg >/dev/null; then
  echo "1..0 # SKIP zbarimg is not installed (package zbar-tools)"
  exit 0
fi
work=$(mktemp -d)
export XDG_CONFIG_HOME="$work/config"
trap 'rm -rf "$work"' EXIT INT TERM
zbar_opts=(--raw -q)
zbarimg --help 2>&1 | grep -q -- --nodbus && zbar_opts+=(--nodbus)
qr() { env -u NO_COLOR -u LANGUAGE LC_ALL=C.UTF-8 "$IOTSETUP_BIN" qr "$@"; }

# decodes IMAGE TEXT: zbarimg reads exactly TEXT (and one code) from IMAGE.
decodes() {
  zbarimg "${zbar_opts[@]}" "$1" >"$work/out" 2>/dev/null
  printf '%s\n' "$2" >"$work/want"
  diag "$(basename "$1"): decoded: $(tr '\n' '|' <"$work/out")"
  cmp -s "$work/want" "$work/out"
}

# svg_to_pbm SVG PBM: paints the SVG's rects (all this SVG has) into a PBM,
# 4 pixels per unit, white where nothing is painted black.
svg_to_pbm() {
  "$PYTHON3" - "$1" "$2" <<'EOF'
import re, sys
svg = open(sys.argv[1]).read()
w, h = map(int, re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).groups())
px = [[0] * w for _ in range(h)]
for x, y, rw, rh, fill in re.findall(
        r'<rect x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)" fill="#(\w+)"/>', svg):
    for yy in range(int(y), int(y) + int(rh)):
        for xx in range(int(x), int(x) + int(rw)):
            px[yy][xx] = 1 if fill == "000000" else 0
s = 4
with open(sys.argv[2], "w") as f:
    f.write(f"P1\n{w * s} {h * s}\n")
    for row in px:
        f.write(("".join(str(v) * s for v in row) + "\n") * s)
EOF
}

url='https://192.0.2.10:8443/admin/?lang=de&tab=Passwort'
check "--svg FILE: exit 0" qr --svg "$work/code.svg" "$url"
check "--svg: a standalone SVG document" grep -q '^<svg xmlns="http://www.w3.org/2000/svg"' "$work/code.svg"
svg_to_pbm "$work/code.svg" "$work/svg.pbm"
check "--svg: decodes exactly" decodes "$work/svg.pbm" "$url"

check "--png FILE: exit 0" qr --png "$work/code.png" "$url"
check "--png: decodes exactly" decodes "$work/code.png" "$url"
ja='プリンターの管理ページ'
qr --png - "$ja" >"$work/stdout.png"
check "--png -: written to standard output, decodes exactly" decodes "$work/stdout.png" "$ja"
# width in the IHDR chunk: (symbol + 2 x 4 quiet modules) x scale
png_width() { "$PYTHON3" -c 'import struct,sys; print(struct.unpack(">I", open(sys.argv[1],"rb").read()[16:20])[0])' "$1"; }
qr --png "$work/s3.png" --scale 3 hello
check "--scale 3: 21 + 8 modules, 3 pixels each" [ "$(png_width "$work/s3.png")" = 87 ]
check "--scale 0 is refused with exit 2" eval 'qr --png "$work/x.png" --scale 0 hello 2>/dev/null; [ $? = 2 ]'

# To a pipe: plain ASCII, no escape sequences, any size.
qr "$url" >"$work/pipe.txt"
check "to a pipe: exit 0, ## rendering" grep -q '##' "$work/pipe.txt"
check "to a pipe: no escape sequences" eval '! grep -q $'"'"'\e'"'"' "$work/pipe.txt"'
check "to a pipe: every line 2 x (symbol + 8) wide" \
  eval '[ "$(awk "{ print length(\$0) }" "$work/pipe.txt" | sort -u | wc -l)" = 1 ]'

# Bounds and refusals.
head -c 2048 /dev/zero | tr '\0' a >"$work/max.txt"
check "2048 bytes (and a newline) from standard input: exit 0" \
  eval '{ cat "$work/max.txt"; echo; } | qr - >/dev/null'
head -c 2049 /dev/zero | tr '\0' a >"$work/over.txt"
qr - <"$work/over.txt" >/dev/null 2>"$work/err"
check "2049 bytes: exit 2" [ $? = 2 ]
check "2049 bytes: says the limit" grep -q 'too long for a QR code: the limit is 2048 bytes' "$work/err"
head -c 100000 /dev/zero | tr '\0' a | qr >/dev/null 2>&1
check "100 kB on standard input: exit 2" [ $? = 2 ]
printf 'caf\xe9' | qr - >/dev/null 2>"$work/err"
check "not UTF-8: exit 2" [ $? = 2 ]
check "not UTF-8: says so" grep -q 'not valid UTF-8' "$work/err"
printf 'a\0b' | qr - >/dev/null 2>&1
check "a NUL byte: exit 2" [ $? = 2 ]
printf '' | qr - >/dev/null 2>"$work/err"
check "empty text: exit 2" [ $? = 2 ]
check "empty text: says so" grep -q 'no text' "$work/err"
qr one two >/dev/null 2>&1
check "two texts: exit 2" [ $? = 2 ]
qr --bogus x >/dev/null 2>&1
check "unknown option: exit 2" [ $? = 2 ]
qr --png /nonexistent/dir/x.png hello 2>"$work/err"
check "unwritable file: exit 2" [ $? = 2 ]
# A full disk: a code bigger than stdio's buffer fails in the writes, a
# small one in the final flush; both must fail (found by clang-tidy,
# cert-err33-c: the write's result was not looked at).
printf 'hello' >"$work/short.txt"
for input in max short; do
  for form in --ascii ''; do
    qr $form - <"$work/$input.txt" >/dev/full 2>"$work/err"
    rc=$?
    check "to a full disk ($input text${form:+, $form}): exit 2" [ $rc = 2 ]
    check "to a full disk ($input text${form:+, $form}): says so" \
      grep -q 'Cannot write to standard output' "$work/err"
  done
done
check "the command list in --help names qr" eval 'env -u LANGUAGE LC_ALL=C "$IOTSETUP_BIN" --help | grep -q "^  qr TEXT"'

tap_done
