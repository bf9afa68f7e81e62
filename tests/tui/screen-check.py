#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Checks on a captured screen (tmux capture-pane -p, on standard input) that
# hold in every language, measured in display cells as a terminal lays text
# out (East Asian wide and fullwidth characters take two):
#   fits COLS ROWS          no line wider than COLS cells, at most ROWS lines
#   aligned ROWS LABEL...   the column headers LABEL... (one line, left to
#                           right; "?" before a label: that column may be
#                           empty in a row) start at the cells where the
#                           columns of every row below them start
#   wrapped TEXT            TEXT is on screen wrapped over two or more lines,
#                           each break at a space or after "-", "/" or a wide
#                           character: never inside a word
# Exit status 0 when the check holds; 1 with the reason on standard error.
import sys
import unicodedata

ELLIPSIS = "\u2026"


def char_cells(c):
    if unicodedata.combining(c):
        return 0
    return 2 if unicodedata.east_asian_width(c) in "WF" else 1


def width(s):
    return sum(char_cells(c) for c in s)


def cells(line):
    """The line as one entry per cell; a wide character's second cell is ""."""
    out = []
    for c in line:
        n = char_cells(c)
        if n:
            out.append(c)
            out.extend([""] * (n - 1))
    return out


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)


def fits(lines, cols, rows):
    if len(lines) > rows:
        fail(f"{len(lines)} lines, more than {rows}")
    for n, line in enumerate(lines):
        if width(line) > cols:
            fail(f"line {n} is {width(line)} cells wide, more than {cols}: {line!r}")


def find_label(line, label, start):
    """Cell offset of LABEL (or of it cut short with an ellipsis, as a column
    too narrow shows it) in LINE at or after character START; with the
    character index after it and how many of its characters are shown."""
    for k in range(len(label), 0, -1):
        text = label if k == len(label) else label[:k] + ELLIPSIS
        i = line.find(text, start)
        if i >= 0:
            return width(line[:i]), i + len(text), k
    return None, None, 0


def aligned(lines, rows, labels):
    optional = [l.startswith("?") for l in labels]
    labels = [l[1:] if o else l for l, o in zip(labels, optional)]
    # The header line is the one that shows the most of the labels: a title
    # cut short can end in the first letter of one of them ("… N…").
    best, h, offsets = 0, None, []
    for i, line in enumerate(lines):
        found, start, shown = [], 0, 0
        for label in labels:
            cell, start, k = find_label(line, label, start)
            if cell is None:
                break
            found.append(cell)
            shown += k
        if len(found) == len(labels) and shown > best:
            best, h, offsets = shown, i, found
    if h is None:
        fail(f"no line has the headers {labels}")
    # The body ends above the status line and the function bar.
    body = [l for l in lines[h + 1 : rows - 2] if l.strip()]
    if not body:
        fail("no rows under the headers")
    for line in body:
        c = cells(line)
        at = lambda i: c[i] if 0 <= i < len(c) else " "
        for label, off, opt in zip(labels, offsets, optional):
            if off > 0 and at(off - 1) != " ":
                fail(f"column {label!r} (cell {off}) is not preceded by a space in {line!r}")
            if at(off) == "" or (at(off) == " " and not opt):
                fail(f"column {label!r} does not start at cell {off} in {line!r}")
    print(f"# {len(body)} rows aligned on {dict(zip(labels, offsets))}")


def wrapped_from(lines, i, text):
    pos, n = 0, 0
    while i < len(lines):
        t = lines[i].strip()
        if not t or not text.startswith(t, pos):
            return False
        pos, n, i = pos + len(t), n + 1, i + 1
        if pos == len(text):
            return n >= 2
        if text[pos] == " ":
            while pos < len(text) and text[pos] == " ":
                pos += 1
        elif not (text[pos - 1] in "-/" or char_cells(text[pos - 1]) == 2):
            return False  # cut inside a word
    return False


def wrapped(lines, text):
    for i in range(len(lines)):
        if wrapped_from(lines, i, text):
            return
    fail(f"not on screen wrapped at word boundaries: {text!r}")


def main():
    lines = sys.stdin.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    what, args = sys.argv[1], sys.argv[2:]
    if what == "fits":
        fits(lines, int(args[0]), int(args[1]))
    elif what == "aligned":
        aligned(lines, int(args[0]), args[1:])
    elif what == "wrapped":
        wrapped(lines, args[0])
    else:
        fail(f"unknown check {what}")


if __name__ == "__main__":
    main()
