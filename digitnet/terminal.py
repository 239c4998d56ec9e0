"""Drawing grids of values in a terminal: Unicode half blocks in 24-bit colour, or plain text.

One character cell shows two pixels: the upper half block takes the top pixel's colour as
its foreground, the bottom pixel's as its background, so a 28x28 image fits in 28x14 cells.
"""

from __future__ import annotations

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


COLOR_MODES = ("auto", "always", "never")  # what --color takes (see use_color)


HALF_BLOCK = "\u2580"  # the upper half block: a colour pixel above, another below


def use_color(mode: str, isatty: bool, encoding: str | None = None) -> bool:
    """--color auto|always|never; auto means a terminal, and NO_COLOR not set (no-color.org),
    and an output ``encoding`` (standard output's) that has the half block; always refuses
    (DigitnetError) an encoding without it."""
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
    if mode == "always":
        return True
    if mode == "never":
        return False
    return isatty and shown and not os.environ.get("NO_COLOR")


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


def legend(color: bool, palette: str = DEFAULT_PALETTE) -> str:
    """One line saying what the colours (or, without colour, the characters) of a signed
    drawing mean."""
    if not color:
        return f"'{PLAIN_POSITIVE[-1]}' positive, '{PLAIN_NEGATIVE[-1]}' negative, blank 0"
    positive, negative = (
        "\x1b[38;2;{};{};{}m\u2588\u2588{}".format(*c, RESET) for c in PALETTES[palette]
    )
    return f"{positive} positive  {negative} negative  black 0"  # fits 40 columns


def render(grid: np.ndarray, color: bool, palette: str | None = None) -> list[str]:
    """Lines of text drawing a 2-d grid of values (two rows of the grid per line): shades of
    grey for values in [0, 1], or signed values in ``palette``'s two colours."""
    if grid.shape[0] % 2:
        grid = np.vstack([grid, np.full((1, grid.shape[1]), np.nan)])
    top, bottom = grid[0::2], grid[1::2]
    if not color:
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
        cells = []
        for f, b, missing in zip(fr, br, np.isnan(brow), strict=True):
            back = "\x1b[49m" if missing else f"\x1b[48;2;{b[0]};{b[1]};{b[2]}m"
            cells.append(f"\x1b[38;2;{f[0]};{f[1]};{f[2]}m{back}{HALF_BLOCK}")
        lines.append("".join(cells) + RESET)
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
    color: bool,
    palette: str | None = None,
    per_row: int | None = None,
) -> list[str]:
    """Titled 28x28 drawings (grey, or signed in ``palette``: see render) laid out
    ``per_row`` to a row (by default as many as the terminal's width holds: $COLUMNS, the
    terminal, else 80), a blank line after each row."""
    if per_row is None:
        import shutil

        per_row = max(1, (shutil.get_terminal_size().columns + TILE_GAP) // (28 + TILE_GAP))
    blocks = [[t.ljust(28)] + render(g, color, palette) for t, g in zip(titles, grids, strict=True)]
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
