#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Turns a terminal screen captured with `tmux capture-pane -p -e -N` back into
# the image a phone camera would see, as a plain PBM on stdout, for zbarimg.
# Colours are taken from the captured SGR sequences; the terminal's default
# colours are those of a --theme: "light" (dark text on white) or "dark"
# (light text on black), so a code that only scans on one theme fails on the
# other. Cells: ▀ ▄ █ and space are two modules high (half blocks), or with
# --two-chars every two cells are one module ('#' is ink). Everything beyond
# what was printed, and a --border around the screen, is the theme's
# background: a code must bring its own quiet zone. --rows FIRST:LAST keeps
# only those screen rows (a TUI screen has a title and text around the code);
# module pairs start at the first cell that has a colour or reverse video of
# its own (the TUI centres the code). On stderr: the symbol's size in modules
# and how many rings of light modules surround it.
import argparse
import re
import sys

DARK, LIGHT = 1, 0
SGR = re.compile(r"\x1b\[([0-9;]*)m")


class Other:
    """A colour that is neither black nor white: fine around the code (a
    title bar), an error in it."""

    def __init__(self, what, index):
        self.name = f"{what} colour {index}"


def colour_of(index, what):
    if index in (0, 8):
        return DARK
    if index in (7, 15):
        return LIGHT
    return Other(what, index)


def parse_sgr(params, state):
    """Applies one SGR sequence to state = [fg, bg, reverse] (None = default)."""
    codes = [int(p) if p else 0 for p in params.split(";")] if params else [0]
    i = 0
    while i < len(codes):
        c = codes[i]
        if c == 0:
            state[:] = [None, None, False]
        elif c == 7:
            state[2] = True
        elif c == 27:
            state[2] = False
        elif 30 <= c <= 37:
            state[0] = colour_of(c - 30, "foreground")
        elif 90 <= c <= 97:
            state[0] = colour_of(c - 90 + 8, "foreground")
        elif c == 39:
            state[0] = None
        elif 40 <= c <= 47:
            state[1] = colour_of(c - 40, "background")
        elif 100 <= c <= 107:
            state[1] = colour_of(c - 100 + 8, "background")
        elif c == 49:
            state[1] = None
        elif c in (38, 48) and i + 2 < len(codes) and codes[i + 1] == 5:
            state[0 if c == 38 else 1] = colour_of(codes[i + 2], "256-colour")
            i += 2
        elif c in (1, 2, 3, 4, 5, 22, 23, 24, 25):
            pass  # bold, dim, italic, underline, blink: no change of colour
        else:
            sys.exit(f"screen-to-pbm: unexpected SGR {c}")
        i += 1


REVERSED = "reversed"  # the default colour of the other kind


def cells(screen, rows=None):
    """Rows of (char, fg, bg, own), fg/bg None for the default or REVERSED
    for the other default; own: the cell has a colour or reverse video."""
    state = [None, None, False]  # tmux carries attributes from line to line
    out = []
    for line in screen.split("\n"):
        row, pos = [], 0

        def add(text):
            fg, bg, rev = state
            own = fg is not None or bg is not None or rev
            if rev:
                fg, bg = (REVERSED if bg is None else bg), (REVERSED if fg is None else fg)
            row.extend((ch, fg, bg, own) for ch in text)

        for m in SGR.finditer(line):
            add(line[pos:m.start()])
            parse_sgr(m.group(1), state)
            pos = m.end()
        add(line[pos:])
        out.append(row)
    if rows:
        first, last = rows
        out = out[first:last + 1]
    return out


def modules(screen, theme, two_chars, rows=None):
    default_fg, default_bg = (DARK, LIGHT) if theme == "light" else (LIGHT, DARK)

    def resolve(c, default, other):
        if isinstance(c, Other):
            sys.exit(f"screen-to-pbm: unexpected {c.name} in the code")
        return default if c is None else other if c is REVERSED else c

    grid, own = [], []
    rows = cells(screen, rows)
    origin = min((x for r in rows for x, c in enumerate(r) if c[3]), default=0)
    for row in rows:
        if two_chars:
            line, mine = [], []
            for x in range(origin % 2, len(row) - 1, 2):
                ch, fg, bg, o = row[x]
                fg = resolve(fg, default_fg, default_bg)
                bg = resolve(bg, default_bg, default_fg)
                line.append(fg if ch == "#" else bg)
                mine.append(o)
            grid.append(line)
            own.append(mine)
            continue
        top, bottom = [], []
        for ch, fg, bg, _ in row:
            fg = resolve(fg, default_fg, default_bg)
            bg = resolve(bg, default_bg, default_fg)
            upper, lower = {"▀": (fg, bg), "▄": (bg, fg), "█": (fg, fg)}.get(ch, (bg, bg))
            top.append(upper)
            bottom.append(lower)
        grid += [top, bottom]
        own += [[c[3] for c in row]] * 2
    width = max((len(r) for r in grid), default=0)
    bg = LIGHT if theme == "light" else DARK
    return [r + [bg] * (width - len(r)) for r in grid], own, bg


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--theme", choices=("light", "dark"), default="light")
    ap.add_argument("--two-chars", action="store_true")
    ap.add_argument("--scale", type=int, default=4)
    ap.add_argument("--border", type=int, default=8)
    ap.add_argument("--rows", help="FIRST:LAST, screen rows counted from 0")
    ap.add_argument("--ink-theme", choices=("light", "dark"), default="light",
                    help="the theme on which the symbol is dark on light, to find it")
    a = ap.parse_args()
    rows = tuple(int(v) for v in a.rows.split(":")) if a.rows else None
    screen = sys.stdin.read()
    grid, own, bg = modules(screen, a.theme, a.two_chars, rows)
    h, w = len(grid), len(grid[0]) if grid else 0

    def at(x, y):
        return grid[y][x] if 0 <= y < h and 0 <= x < w else bg

    # The symbol is where the ink is on a theme that shows it dark on light,
    # inside the cells the program gave colours or reverse video of their own
    # (the code and its quiet zone) if it did.
    ink, _, _ = modules(screen, a.ink_theme, a.two_chars, rows)
    mine = [(x, y) for y, r in enumerate(own) for x, o in enumerate(r) if o]
    box = (min(x for x, _ in mine), max(x for x, _ in mine),
           min(y for _, y in mine), max(y for _, y in mine)) if mine else (0, w, 0, h)
    dark = [(x, y) for y, r in enumerate(ink) for x, v in enumerate(r)
            if v == DARK and box[0] <= x <= box[1] and box[2] <= y <= box[3]]
    if dark:
        x0, x1 = min(x for x, _ in dark), max(x for x, _ in dark)
        y0, y1 = min(y for _, y in dark), max(y for _, y in dark)
        rings = 0
        while rings < 8:
            k = rings + 1
            ring = [(x, y0 - k) for x in range(x0 - k, x1 + k + 1)]
            ring += [(x, y1 + k) for x in range(x0 - k, x1 + k + 1)]
            ring += [(x0 - k, y) for y in range(y0 - k, y1 + k + 1)]
            ring += [(x1 + k, y) for y in range(y0 - k, y1 + k + 1)]
            if any(at(x, y) != LIGHT for x, y in ring):
                break
            rings = k
        print(f"size={x1 - x0 + 1}x{y1 - y0 + 1} quiet={rings}", file=sys.stderr)
    else:
        print("size=0x0 quiet=0", file=sys.stderr)

    b, s = a.border, a.scale
    out = [f"P1\n{(w + 2 * b) * s} {(h + 2 * b) * s}\n"]
    for y in range(-b, h + b):
        line = "".join(str(at(x, y)) * s for x in range(-b, w + b)) + "\n"
        out.append(line * s)
    sys.stdout.write("".join(out))


main()
