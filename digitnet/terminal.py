"""Drawing grids of values in a terminal: Unicode half blocks in 24-bit colour, or plain text.

One character cell shows two pixels: the upper half block takes the top pixel's colour as
its foreground, the bottom pixel's as its background, so a 28x28 image fits in 28x14 cells.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import numpy as np

RESET = "\x1b[0m"
PLAIN_RAMP = " .:-=+*#%@"  # darkest to brightest
PLAIN_POSITIVE = " .+#"  # signed values without colour: the sign in the character
PLAIN_NEGATIVE = " .-="

Colormap = Callable[[np.ndarray], np.ndarray]  # values -> (..., 3) uint8 RGB


def use_color(mode: str, isatty: bool) -> bool:
    """--color auto|always|never; auto means a terminal, and NO_COLOR not set (no-color.org)."""
    if mode == "always":
        return True
    if mode == "never":
        return False
    return isatty and not os.environ.get("NO_COLOR")


def gray_rgb(values: np.ndarray) -> np.ndarray:
    """Activations in [0, 1] as shades of gray: 0 black, 1 white (the lesson's input layer)."""
    v = (np.clip(values, 0, 1) * 255 + 0.5).astype(np.uint8)
    return np.stack([v, v, v], axis=-1)


def signed_rgb(values: np.ndarray, scale: float | None = None) -> np.ndarray:
    """Weights as the lesson draws them: green positive, red negative, brighter when larger.

    ``scale`` is the magnitude drawn at full brightness (default: the largest |value|).
    """
    scale = scale or float(np.abs(values).max()) or 1.0
    m = np.clip(np.abs(values) / scale, 0, 1)
    level = (m * 255 + 0.5).astype(np.uint8)
    rgb = np.zeros((*values.shape, 3), dtype=np.uint8)
    rgb[..., 1] = np.where(values > 0, level, 0)
    rgb[..., 0] = np.where(values < 0, level, 0)
    return rgb


def render(grid: np.ndarray, color: bool, colormap: Colormap = gray_rgb) -> list[str]:
    """Lines of text drawing a 2-d grid of values (two rows of the grid per line)."""
    if grid.shape[0] % 2:
        grid = np.vstack([grid, np.full((1, grid.shape[1]), np.nan)])
    top, bottom = grid[0::2], grid[1::2]
    if not color:
        pair = np.nanmean(np.stack([top, bottom]), axis=0)
        if colormap is not signed_rgb:
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
    fg, bg = colormap(np.nan_to_num(top)), colormap(np.nan_to_num(bottom))
    lines = []
    for fr, br, brow in zip(fg, bg, bottom, strict=True):
        cells = []
        for f, b, missing in zip(fr, br, np.isnan(brow), strict=True):
            back = "\x1b[49m" if missing else f"\x1b[48;2;{b[0]};{b[1]};{b[2]}m"
            cells.append(f"\x1b[38;2;{f[0]};{f[1]};{f[2]}m{back}\u2580")
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
    colormap: Colormap = gray_rgb,
    per_row: int | None = None,
) -> list[str]:
    """Titled 28x28 drawings laid out ``per_row`` to a row (by default as many as the
    terminal's width holds: $COLUMNS, the terminal, else 80), a blank line after each row."""
    if per_row is None:
        import shutil

        per_row = max(1, (shutil.get_terminal_size().columns + TILE_GAP) // (28 + TILE_GAP))
    blocks = [
        [t.ljust(28)] + render(g, color, colormap) for t, g in zip(titles, grids, strict=True)
    ]
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
