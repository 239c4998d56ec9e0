"""Pictures of how a picture was read.

:func:`draw` (``digitnet inspect image FILE --steps OUT.png``): four panels side by side:
the picture with the digit's box; the ink found, each shape coloured by what it was taken
for; the ink over the paper (the paper's light removed); and the 28x28 input the network
sees, or the reason the picture was refused.

:func:`draw_reading` (``digitnet read FILE --steps OUT.png``): the picture with each digit's
box and answer, then each digit as the network saw it.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from digitnet.image.framing import SIDE
from digitnet.image.preprocess import Steps

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


def draw(steps: Steps, outputs: np.ndarray | None = None) -> Image.Image:
    """The steps as one RGB picture; with the network's ``outputs`` for them, its answer
    ('3 (0.98)') is written on the last."""
    answer = None if outputs is None else f"{int(outputs.argmax())} ({outputs.max():.2f})"
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


READING_WIDTH = 960  # the picture of a reading is drawn this wide at most
SEEN_SCALE = 3  # each digit as the network saw it: 28x28 at 3 pixels a pixel
DIGIT_BOX = (80, 220, 100)
SEPARATOR_BOX = (70, 150, 255)
LEFT_OUT_BOX = ROLE_COLOURS["frame"]
READING_LEGEND = (
    "green: a digit  blue: a separator  red: left out (lines, frames, edges, words, signs)"
)
PICTURE_TOP = 44  # the picture read, under the heading and the legend
LABEL_SIZE = 15  # pixels: each digit's answer over its box, readable on a photo


def _draw_line(d: ImageDraw.ImageDraw, line, scale: float, label_font) -> None:
    """One line's boxes, each digit's answer above it, or below it where it would run into
    the label before (digits cut apart may overlap)."""
    from digitnet.reading.reader import Digit

    label_end = -1.0  # where the last label above a box ends
    for m in line:
        x0, y0, x1, y1 = (v * scale for v in m.box)
        # a box drawn smaller than the picture still has its last pixel at or after its first
        corners = [x0, y0, max(x0, x1 - 1), max(y0, y1 - 1)]
        if isinstance(m, Digit):
            d.rectangle(corners, outline=DIGIT_BOX, width=2)
            label = f"{m.digit} {m.confidence:.2f}"
            if x0 > label_end:  # above the box, as usual
                d.text((x0, max(0, y0 - LABEL_SIZE - 3)), label, fill=BOX, font=label_font)
                # a space clear of the next label: touching digits' labels ran together
                label_end = x0 + d.textlength(label + " ", font=label_font)
            else:  # below it, clear of its neighbour's
                d.text((x0, y1 + 3), label, fill=BOX, font=label_font)
        elif m.char != " ":
            d.rectangle(corners, outline=SEPARATOR_BOX, width=1)


def draw_reading(gray: np.ndarray, reading, digits_only: bool = False) -> Image.Image:
    """How a number was read (``digitnet read FILE --steps OUT.png``): the picture with each
    digit's box and answer (separators in blue, what was left out in red), then each digit
    as the network saw it."""
    font = ImageFont.load_default()
    picture = Image.fromarray(gray).convert("RGB")
    scale = min(1.0, READING_WIDTH / picture.width, 600 / picture.height)
    if scale < 1:
        size = (max(1, round(picture.width * scale)), max(1, round(picture.height * scale)))
        picture = picture.resize(size, Image.Resampling.LANCZOS)
    d = ImageDraw.Draw(picture)
    label_font = ImageFont.load_default(size=LABEL_SIZE)
    for left, top, right, bottom in [] if reading is None else reading.left_out:
        d.rectangle([left * scale, top * scale, right * scale - 1, bottom * scale - 1],
                    outline=LEFT_OUT_BOX, width=2)  # fmt: skip
    for line in [] if reading is None else reading.lines:
        _draw_line(d, line, scale, label_font)
    digits = [] if reading is None else reading.digits
    side = SIDE * SEEN_SCALE
    per_row = max(1, (max(picture.width, 400) - 10) // (side + 10))
    rows = -(-len(digits) // per_row)
    width = max(picture.width + 20, 420)
    height = PICTURE_TOP + 6 + picture.height + 30 + rows * (side + 24) + 10
    out = Image.new("RGB", (width, height), BACKGROUND)
    o = ImageDraw.Draw(out)
    if reading is None:
        heading = "no number read"
    else:
        number = reading.number(digits_only).replace("\n", " / ")
        heading = f"read: {number}   (confidence {reading.confidence:.2f})"
    o.text((10, 12), heading, fill=TEXT, font=font)
    o.text((10, 26), READING_LEGEND, fill=TEXT, font=font)  # under the heading: never over it
    out.paste(picture, (10, PICTURE_TOP))
    top = PICTURE_TOP + picture.height + 14
    o.text((10, top), "each digit as the network saw it (28x28):", fill=TEXT, font=font)
    for k, digit in enumerate(digits):
        r, c = divmod(k, per_row)
        x, y = 10 + c * (side + 10), top + 20 + r * (side + 24)
        seen = Image.fromarray((digit.inputs.reshape(SIDE, SIDE) * 255).astype(np.uint8))
        out.paste(seen.resize((side, side), Image.Resampling.NEAREST).convert("RGB"), (x, y))
        o.text((x, y + side + 4), f"{digit.digit}  ({digit.confidence:.2f})", fill=BOX, font=font)
    return out
