"""Drawing grids of values in a terminal: Unicode half blocks in the colours the terminal
shows (24-bit, 256 or 16: see color_depth), or plain characters.

One character cell shows two pixels: the upper half block takes the top pixel's colour as
its foreground, the bottom pixel's as its background, so a 28x28 image fits in 28x14 cells.
"""

from __future__ import annotations

import functools
import os

import numpy as np

RESET = "\x1b[0m"
PLAIN_RAMP = " .:-=+*#%@"  # darkest to brightest
PLAIN_POSITIVE = " .+#"  # signed values without colour: the sign in the character
PLAIN_NEGATIVE = " .-="

# Signed values (weights, contributions) in two colours, brighter when larger: the lesson's
# green and red, or blue and orange, which readers with red-green colour blindness (about
# 1 in 12 men) tell apart (Okabe & Ito's palette).
PALETTES: dict[str, tuple[tuple[int, int, int], tuple[int, int, int]]] = {
    "green-red": ((0, 255, 0), (255, 0, 0)),  # (positive, negative)
    "blue-orange": ((60, 150, 255), (240, 150, 20)),
}
DEFAULT_PALETTE = "green-red"


COLOR_MODES = ("auto", "always", "never")  # what --color takes (see output_depth)
COLOR_DEPTHS = ("24bit", "256", "16", "none")


HALF_BLOCK = "\u2580"  # the upper half block: a colour pixel above, another below


def output_depth(
    mode: str, isatty: bool, encoding: str | None = None, env: dict[str, str] | None = None
) -> str:
    """The colour depth to draw in (see COLOR_DEPTHS) for --color auto|always|never: auto
    is what the terminal shows (color_depth), on a terminal whose encoding (standard
    output's) has the half block; always draws colour even in a pipe or with $NO_COLOR (in
    24-bit where $TERM says nothing), and refuses (DigitnetError) an encoding without it."""
    import sys

    encoding = encoding or getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        HALF_BLOCK.encode(encoding)
        shown = True
    except (UnicodeEncodeError, LookupError):
        shown = False
    if mode == "always" and not shown:
        from digitnet.errors import DigitnetError

        raise DigitnetError(
            f"--color always draws half blocks, which the output's encoding ({encoding}) "
            "cannot show: use a UTF-8 locale (LANG=C.UTF-8) or --color never"
        )
    if mode == "never" or (mode == "auto" and not (isatty and shown)):
        return "none"
    env = dict(os.environ if env is None else env)
    if mode == "always":
        env.pop("NO_COLOR", None)
        depth = color_depth(env)
        return "24bit" if depth == "none" else depth
    return color_depth(env)


def color_depth(env: dict[str, str] | None = None) -> str:
    """What the terminal shows: 24-bit colour ($COLORTERM truecolor or 24bit), 256 colours
    ($TERM ...-256color), 16, or none ($NO_COLOR set, or $TERM dumb)."""
    env = os.environ if env is None else env
    term = env.get("TERM", "")
    if env.get("NO_COLOR") or term in ("", "dumb"):
        return "none"
    if env.get("COLORTERM", "").lower() in ("truecolor", "24bit"):
        return "24bit"
    if "256color" in term:
        return "256"
    return "16"


@functools.lru_cache(maxsize=4096)
def rgb_code(rgb: tuple[int, int, int], depth: str, background: bool) -> str:
    """The escape sequence for a colour at a depth, as foreground or background; 256 and
    16 colours take the nearest the terminal has."""
    r, g, b = rgb
    if depth == "24bit":
        return f"\x1b[{48 if background else 38};2;{r};{g};{b}m"
    if depth == "256":
        if r == g == b:  # the grey ramp, 24 steps
            code = 232 + min(23, r * 24 // 256)
        else:
            code = 16 + 36 * (r * 6 // 256) + 6 * (g * 6 // 256) + b * 6 // 256
        return f"\x1b[{48 if background else 38};5;{code}m"
    # 16 colours: black, dark grey, grey, white by brightness; hues as the basic colours
    level = (r + g + b) / 3
    if abs(r - g) < 40 and abs(g - b) < 40:
        code = 0 if level < 48 else 8 if level < 112 else 7 if level < 192 else 15
    else:
        code = (1 if r > 127 else 0) + (2 if g > 127 else 0) + (4 if b > 127 else 0)
        code += 8 if max(r, g, b) > 200 else 0
    base = (40 if background else 30) if code < 8 else (100 if background else 90)
    return f"\x1b[{base + code % 8}m"


@functools.cache
def _codes(depth: str, background: bool) -> tuple[str, ...]:
    """The escape sequence for each grey level 0..255 (a frame is 1,600 cells: looked up,
    not worked out, it is drawn in about a millisecond)."""
    return tuple(rgb_code((v, v, v), depth, background) for v in range(256))


def _levels(values: np.ndarray) -> np.ndarray:
    return (np.clip(values, 0, 1) * 255 + 0.5).astype(np.intp)


def cells(values: np.ndarray, depth: str, width: int = 1) -> str:
    """A row of values (0..1) as ``width`` coloured spaces each, or shade characters."""
    if depth == "none":
        shades = (np.clip(values, 0, 1) * (len(PLAIN_RAMP) - 1) + 0.5).astype(np.intp)
        return "".join(PLAIN_RAMP[k] * width for k in shades.tolist())
    back = _codes(depth, True)
    gap = " " * width
    return "".join(back[k] + gap for k in _levels(values).tolist()) + RESET


def half_blocks(grid: np.ndarray, depth: str) -> list[str]:
    """A grid of values two rows a line: the upper half block in the top value's colour on
    the bottom value's."""
    if depth == "none":
        pairs = zip(grid[0::2], grid[1::2], strict=True)
        return [cells((top + bottom) / 2, depth) for top, bottom in pairs]
    fore, back = _codes(depth, False), _codes(depth, True)
    lines = []
    for top, bottom in zip(_levels(grid[0::2]).tolist(), _levels(grid[1::2]).tolist(), strict=True):
        row = (fore[t] + back[b] + HALF_BLOCK for t, b in zip(top, bottom, strict=True))
        lines.append("".join(row) + RESET)
    return lines


def gray_rgb(values: np.ndarray) -> np.ndarray:
    """Activations in [0, 1] as shades of gray: 0 black, 1 white (the lesson's input layer)."""
    v = (np.clip(values, 0, 1) * 255 + 0.5).astype(np.uint8)
    return np.stack([v, v, v], axis=-1)


def signed_rgb(
    values: np.ndarray, scale: float | None = None, palette: str = DEFAULT_PALETTE
) -> np.ndarray:
    """Weights as the lesson draws them: one colour positive, the other negative (see
    PALETTES), black at 0 and brighter when larger.

    ``scale`` is the magnitude drawn at full brightness (default: the largest |value|).
    """
    scale = scale or float(np.abs(values).max()) or 1.0
    m = np.clip(np.abs(values) / scale, 0, 1)[..., None]
    positive, negative = (np.array(c, dtype=float) for c in PALETTES[palette])
    sign = np.sign(values)[..., None]
    colour = np.where(sign > 0, positive, np.where(sign < 0, negative, 0.0))
    return (m * colour + 0.5).astype(np.uint8)


def legend(depth: str, palette: str = DEFAULT_PALETTE) -> str:
    """One line saying what the colours (or, without colour, the characters) of a signed
    drawing mean."""
    if depth == "none":
        return f"'{PLAIN_POSITIVE[-1]}' positive, '{PLAIN_NEGATIVE[-1]}' negative, blank 0"
    positive, negative = (
        f"{rgb_code(c, depth, False)}\u2588\u2588{RESET}" for c in PALETTES[palette]
    )
    return f"{positive} positive  {negative} negative  black 0"  # fits 40 columns


def render(grid: np.ndarray, depth: str, palette: str | None = None) -> list[str]:
    """Lines of text drawing a 2-d grid of values (two rows of the grid per line): shades of
    grey for values in [0, 1], or signed values in ``palette``'s two colours."""
    if grid.shape[0] % 2:
        grid = np.vstack([grid, np.full((1, grid.shape[1]), np.nan)])
    top, bottom = grid[0::2], grid[1::2]
    if depth == "none":
        pair = np.nanmean(np.stack([top, bottom]), axis=0)
        if palette is None:
            idx = np.clip(pair * (len(PLAIN_RAMP) - 1) + 0.5, 0, len(PLAIN_RAMP) - 1)
            return ["".join(PLAIN_RAMP[int(i)] for i in row) for row in idx]
        span = float(np.nanmax(np.abs(pair))) or 1.0
        idx = np.clip(np.abs(pair) / span * (len(PLAIN_POSITIVE) - 1) + 0.5, 0, 3).astype(int)
        return [
            "".join(
                (PLAIN_POSITIVE if v > 0 else PLAIN_NEGATIVE)[i]
                for v, i in zip(vr, ir, strict=True)
            )
            for vr, ir in zip(pair, idx, strict=True)
        ]
    if palette is None:
        fg, bg = gray_rgb(np.nan_to_num(top)), gray_rgb(np.nan_to_num(bottom))
    else:  # one scale for both halves, so a cell's two pixels compare
        scale = float(np.nanmax(np.abs(grid))) or 1.0
        fg = signed_rgb(np.nan_to_num(top), scale, palette)
        bg = signed_rgb(np.nan_to_num(bottom), scale, palette)
    lines = []
    for fr, br, brow in zip(fg, bg, bottom, strict=True):
        out = []
        for f, b, missing in zip(fr.tolist(), br.tolist(), np.isnan(brow), strict=True):
            back = "\x1b[49m" if missing else rgb_code(tuple(b), depth, True)
            out.append(f"{rgb_code(tuple(f), depth, False)}{back}{HALF_BLOCK}")
        lines.append("".join(out) + RESET)
    return lines


TILE_GAP = 2  # columns between drawings side by side


def side_by_side(blocks: list[list[str]], widths: list[int], gap: int = 2) -> list[str]:
    """Join drawings left to right; ``widths`` are their visible widths (escapes excluded)."""
    height = max(len(b) for b in blocks)
    lines = []
    for i in range(height):
        parts = [b[i] if i < len(b) else " " * w for b, w in zip(blocks, widths, strict=True)]
        lines.append((" " * gap).join(parts))
    return lines


def tiles(
    titles: list[str],
    grids: list[np.ndarray],
    depth: str,
    palette: str | None = None,
    per_row: int | None = None,
) -> list[str]:
    """Titled 28x28 drawings (grey, or signed in ``palette``: see render) laid out
    ``per_row`` to a row (by default as many as the terminal's width holds: $COLUMNS, the
    terminal, else 80), a blank line after each row."""
    if per_row is None:
        import shutil

        per_row = max(1, (shutil.get_terminal_size().columns + TILE_GAP) // (28 + TILE_GAP))
    blocks = [[t.ljust(28)] + render(g, depth, palette) for t, g in zip(titles, grids, strict=True)]
    lines: list[str] = []
    for i in range(0, len(blocks), per_row):
        row = blocks[i : i + per_row]
        lines += side_by_side(row, [28] * len(row), TILE_GAP) + [""]
    return lines


def bar(value: float, width: int = 20, plain: bool = False) -> str:
    """A horizontal bar for a value in [0, 1]: eighth blocks, or '#' characters when plain."""
    if plain:
        return ("#" * int(round(np.clip(value, 0, 1) * width))).ljust(width)
    eighths = int(round(np.clip(value, 0, 1) * width * 8))
    full, part = divmod(eighths, 8)
    return (
        "\u2588" * full + (" \u258f\u258e\u258d\u258c\u258b\u258a\u2589"[part] if part else "")
    ).ljust(width)
