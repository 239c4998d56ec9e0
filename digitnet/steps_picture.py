"""A picture of how a picture was read (``digitnet inspect image FILE --steps OUT.png``).

Four panels side by side: the picture with the digit's box; the ink found, each shape
coloured by what it was taken for; the ink over the paper (the paper's light removed); and
the 28x28 input the network sees, or the reason the picture was refused.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from digitnet.framing import SIDE
from digitnet.preprocess import Steps

PANEL = 240  # each panel's side, pixels
CAPTION = 34  # room under each panel for its caption
BACKGROUND = (24, 24, 24)
TEXT = (230, 230, 230)
BOX = (255, 200, 40)
ROLE_COLOURS = {  # what each shape of the ink was taken for
    "digit": (80, 220, 100),
    "frame": (235, 70, 60),
    "edge": (235, 70, 60),
    "speck": (150, 150, 150),
    "other digit": (70, 150, 255),
    "other": (150, 150, 150),
}
LEGEND = "green: the digit  red: frame or edge  blue: another digit  grey: speck"


def _fit(img: Image.Image, resample=Image.Resampling.LANCZOS) -> tuple[Image.Image, float]:
    """img scaled to fit a panel, and the scale used."""
    scale = PANEL / max(img.size)
    size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
    return img.convert("RGB").resize(size, resample), scale


def _roles_rgb(steps: Steps) -> np.ndarray:
    labels = steps.shapes.labels
    palette = np.zeros((steps.shapes.count + 1, 3), np.uint8)
    for i, role in enumerate(steps.choice.role):
        palette[i + 1] = ROLE_COLOURS[role]
    return palette[labels]


def draw(steps: Steps, answer: str | None = None) -> Image.Image:
    """The steps as one RGB picture; ``answer`` (e.g. '3 (0.98)') is written on the last."""
    font = ImageFont.load_default()
    out = Image.new("RGB", (4 * (PANEL + 10) + 10, PANEL + CAPTION + 36), BACKGROUND)
    d = ImageDraw.Draw(out)
    panels: list[tuple[Image.Image | None, str]] = []
    picture, scale = _fit(Image.fromarray(steps.gray))
    if steps.box is not None:
        x0, y0, x1, y1 = (v * scale for v in steps.box)
        ImageDraw.Draw(picture).rectangle([x0, y0, x1 - 1, y1 - 1], outline=BOX, width=2)
    h, w = steps.gray.shape
    panels.append((picture, f"the picture, {w}x{h}"))
    if steps.ink is None:
        note = "taken as MNIST-framed" if steps.refusal is None else "no ink"
        panels += [(None, note), (None, "")]
    else:
        shapes, _ = _fit(Image.fromarray(_roles_rgb(steps)), Image.Resampling.NEAREST)
        ink = steps.ink
        where = "dark ink on light paper" if ink.dark else "light ink on dark paper"
        count = steps.shapes.count
        plural = "" if count == 1 else "s"
        panels.append((shapes, f"the ink: {count} shape{plural}\n{where}"))
        strength, _ = _fit(Image.fromarray((ink.strength * 255).astype(np.uint8)))
        panels.append((strength, f"ink over the paper (1:{ink.scale})"))
    if steps.inputs is not None:
        seen = Image.fromarray((steps.inputs.reshape(SIDE, SIDE) * 255).astype(np.uint8))
        seen, _ = _fit(seen, Image.Resampling.NEAREST)
        panels.append((seen, "what the network sees" + (f": {answer}" if answer else "")))
    else:
        panels.append((None, "refused"))
    for i, (img, caption) in enumerate(panels):
        x = 10 + i * (PANEL + 10)
        d.rectangle([x - 1, 9, x + PANEL, 10 + PANEL], outline=(70, 70, 70))
        if img is not None:
            out.paste(img, (x + (PANEL - img.width) // 2, 10 + (PANEL - img.height) // 2))
        d.multiline_text((x, PANEL + 16), caption, fill=TEXT, font=font)
    bottom = steps.refusal and f"refused: {steps.refusal}" or LEGEND
    d.text((10, PANEL + CAPTION + 16), bottom, fill=BOX if steps.refusal else TEXT, font=font)
    return out
