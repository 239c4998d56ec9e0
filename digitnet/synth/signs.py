"""Marks that are no digit but are read as one: printed letters and signs, and shapes drawn
by hand (a tick, a cross, an arrow, a heart). Each maker is ``(rng, ...) -> bytes``.

Letters and signs that are written like digits (o and 0, l and 1, S and 5, a circle, a
slashed circle) are left out: no shape tells them from a digit.
"""

from __future__ import annotations

import subprocess

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from digitnet.synth.paper import encode, gray_image, jpeg_bytes, on_paper, uneven_light

# letters no shape tells from a digit (o/0, l/I/i/j/1, S/s/5, Z/z/2, B/8, g/q/9, b/6, D/0,
# G/6, T/7, A/4 in some hands) are left out
LETTERS = "acdefhkmnprtuvwxyCEFHKLMNPRUVWXY"
# printed signs a form or a note holds, none written like a digit (no circle, dot, bar or
# slash); in DejaVu Sans, which draws them all (sign_fonts)
SIGNS = (
    "←→↑↓↔⇒⇐↺↻"
    "+×÷±≠≈≤≥∞∑√∫∂∇∈∩∪⊂∧∨¬∀∃≡"
    "#%&@?¿*§¶©®$€£¥¢†‡‰µΩΣΠΔΦΨλπαεξ"
    "■▲△▼▽◆◇★☆♠♣♥♦♪♫☀☁☂☎☺☹✓✔✗✘✚✦✱❤⚑⌘"
)
# every fourth sign is kept out of training, so a benchmark measures signs never seen
MEASURED_SIGNS = SIGNS[3::4]
TRAINING_SIGNS = "".join(c for c in SIGNS if c not in MEASURED_SIGNS)


def fonts(family: str = "") -> list[str]:
    """The machine's TrueType fonts (regular, bold, italic, condensed ...), of ``family``
    only when given; the math font's letters are symbols."""
    out = subprocess.run(["fc-list", "--format", "%{file}\n"], capture_output=True, text=True)
    found = sorted({f for f in out.stdout.split("\n") if f.endswith(".ttf")})
    found = [f for f in found if "Math" not in f and family in f]
    if not found:
        raise SystemExit("no TrueType fonts found by fc-list: apt-get install fonts-dejavu")
    return found


def sign_fonts() -> list[str]:
    """The DejaVu Sans faces: every sign of SIGNS is drawn in these (not in its extra-light,
    mono or serif faces)."""
    return [f for f in fonts("DejaVuSans") if "Mono" not in f and "ExtraLight" not in f]


def printed(rng, text: str, font_file: str | None) -> bytes:
    """``text`` printed in a font (None: Pillow's own) at a random size, a little turned, on
    paper or photographed."""
    size = int(rng.integers(24, 110))
    font = ImageFont.truetype(font_file, size) if font_file else ImageFont.load_default(size=size)
    left, top, right, bottom = font.getbbox(text)
    img = Image.new("L", (right - left + 2 * size, bottom - top + 2 * size), 255)
    ImageDraw.Draw(img).text((size - left, size - top), text, fill=0, font=font)
    img = img.rotate(rng.uniform(-6, 6), resample=Image.BILINEAR, fillcolor=255, expand=True)
    layer = 1 - np.asarray(img, np.float32) / 255
    if rng.random() < 0.3:
        return jpeg_bytes(on_paper(uneven_light(rng, *layer.shape), layer, 0.15), rng)
    paper = np.full(layer.shape, rng.uniform(0.9, 1.0), np.float32)
    return encode(gray_image(on_paper(paper, layer, rng.uniform(0.02, 0.3))))


# Shapes drawn by hand, as strokes of points in a unit square (y down); None: drawn below.
STROKES = {
    "tick": [[(0.1, 0.55), (0.4, 0.9), (0.95, 0.05)]],
    "cross": [[(0.1, 0.1), (0.9, 0.9)], [(0.9, 0.1), (0.1, 0.9)]],
    "arrow": [[(0.0, 0.5), (1.0, 0.5)], [(0.75, 0.25), (1.0, 0.5), (0.75, 0.75)]],
    "plus": [[(0.5, 0.05), (0.5, 0.95)], [(0.05, 0.5), (0.95, 0.5)]],
    "star": [[(0.5, 0.0), (0.7, 1.0), (0.0, 0.35), (1.0, 0.35), (0.3, 1.0), (0.5, 0.0)]],
    "asterisk": [
        [(0.5, 0.0), (0.5, 1.0)],
        [(0.07, 0.25), (0.93, 0.75)],
        [(0.93, 0.25), (0.07, 0.75)],
    ],
    "hash": [
        [(0.35, 0.0), (0.25, 1.0)],
        [(0.75, 0.0), (0.65, 1.0)],
        [(0.0, 0.33), (1.0, 0.33)],
        [(0.0, 0.67), (1.0, 0.67)],
    ],
    "triangle": [[(0.5, 0.0), (1.0, 0.95), (0.0, 0.95), (0.5, 0.0)]],
    "house": [[(0.0, 1.0), (0.0, 0.4), (0.5, 0.0), (1.0, 0.4), (1.0, 1.0), (0.0, 1.0)]],
    "arrow up": [[(0.5, 1.0), (0.5, 0.0)], [(0.2, 0.3), (0.5, 0.0), (0.8, 0.3)]],
    "zigzag": [[(0.0, 0.3), (0.25, 0.7), (0.5, 0.3), (0.75, 0.7), (1.0, 0.3)]],
    "cloud": [
        [(0.1, 0.8), (0.0, 0.6), (0.15, 0.4), (0.3, 0.45), (0.35, 0.2), (0.55, 0.1), (0.7, 0.3)],
        [(0.7, 0.3), (0.9, 0.3), (1.0, 0.55), (0.9, 0.8), (0.1, 0.8)],
    ],
    "wave": [[(0.0, 0.5), (0.2, 0.2), (0.4, 0.8), (0.6, 0.2), (0.8, 0.8), (1.0, 0.4)]],
    "heart": [
        [(0.5, 1.0), (0.05, 0.45), (0.1, 0.1), (0.3, 0.0), (0.5, 0.25), (0.7, 0.0), (0.9, 0.1)],
        [(0.9, 0.1), (0.95, 0.45), (0.5, 1.0)],
    ],
    "smiley": None,
    "spiral": None,
}
# kinds kept out of training, so a benchmark measures shapes never seen
MEASURED_SHAPES = ("heart", "smiley", "spiral")
TRAINING_SHAPES = tuple(k for k in STROKES if k not in MEASURED_SHAPES)


def _wobbly(points, side: float, rng) -> list[tuple[float, float]]:
    """A stroke through ``points`` (unit square) at ``side`` pixels, as a hand draws it."""
    p = np.array(points, np.float64) * side
    p += rng.normal(0, 0.03 * side, p.shape)  # each corner a little off
    out = []
    for a, b in zip(p[:-1], p[1:], strict=True):
        t = np.linspace(0, 1, 16, endpoint=False)[:, None]
        out += list(map(tuple, a + (b - a) * t + rng.normal(0, 0.004 * side, (16, 2))))
    return [*out, tuple(p[-1])]


def drawn(rng, kind: str) -> bytes:
    """A shape of STROKES drawn with a pen 2 to 8% of its size, on white paper or
    photographed."""
    side = float(rng.integers(80, 300))
    width = max(2, int(side * rng.uniform(0.02, 0.08)))
    pad = int(side * rng.uniform(0.2, 1.0)) + width
    aspect = rng.uniform(0.8, 1.25)
    img = Image.new("L", (int(side * aspect) + 2 * pad, int(side) + 2 * pad), 0)
    draw = ImageDraw.Draw(img)

    def at(points):
        return [(pad + x * aspect, pad + y) for x, y in _wobbly(points, side, rng)]

    if kind == "smiley":
        box = [pad, pad, pad + side * aspect, pad + side]
        draw.ellipse(box, outline=255, width=width)
        for x in (0.33, 0.67):
            (cx, cy), r = at([(x, 0.35)])[0], width * 0.8
            draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=255)
        draw.line(at([(0.25, 0.6), (0.5, 0.78), (0.75, 0.6)]), fill=255, width=width)
    elif kind == "spiral":
        t = np.linspace(0, rng.uniform(3, 5) * np.pi, 120)
        r = 0.5 * t / t[-1]
        draw.line(
            at(list(zip(0.5 + r * np.cos(t), 0.5 + r * np.sin(t), strict=True))),
            fill=255,
            width=width,
        )
    else:
        for stroke in STROKES[kind]:
            draw.line(at(stroke), fill=255, width=width, joint="curve")
    layer = np.asarray(img, np.float32) / 255
    if rng.random() < 0.3:
        return jpeg_bytes(on_paper(uneven_light(rng, *layer.shape), layer, 0.15), rng)
    return encode(gray_image(on_paper(np.ones(layer.shape, np.float32), layer, 0.05)))


def printed_letter(rng, pool) -> bytes:
    """One letter of LETTERS, printed in Pillow's own font (the sign network never saw it)."""
    return printed(rng, LETTERS[rng.integers(len(LETTERS))], None)


def printed_sign(rng, pool) -> bytes:
    """One sign of MEASURED_SIGNS (never seen in training) in a DejaVu font."""
    faces = sign_fonts()
    sign = MEASURED_SIGNS[rng.integers(len(MEASURED_SIGNS))]
    return printed(rng, sign, faces[rng.integers(len(faces))])


def drawn_shape(rng, pool) -> bytes:
    """One shape of MEASURED_SHAPES (never seen in training), drawn by hand."""
    return drawn(rng, MEASURED_SHAPES[rng.integers(len(MEASURED_SHAPES))])
