"""Pictures people really make of one digit, generated from a 28x28 MNIST digit: FAMILIES,
each a ``paper.Family``.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from digitnet.synth.paper import (
    Family,
    centred,
    encode,
    gray_image,
    half_plane,
    ink,
    jpeg_bytes,
    on_paper,
    photographed,
    place,
    rgb_image,
    thicken,
)
from digitnet.training.styles import zhang_suen


def plain(rng, digit):
    """Dark ink on white, the digit 50-70% of the canvas: what works today."""
    side = int(rng.integers(200, 401))
    a = ink(digit, int(side * rng.uniform(0.5, 0.7)))
    return encode(
        gray_image(on_paper(np.ones((side, side), np.float32), centred((side, side), a, rng)))
    )


def tight_crop(rng, digit):
    """Cropped to the ink's box, no margin, any size."""
    a = ink(digit, int(rng.integers(20, 301)))
    return encode(gray_image(on_paper(np.ones_like(a), a)))


def fat_brush(rng, digit):
    """A paint program's big brush: pure black, strokes 2-3x MNIST's, 2-10% margin."""
    height = int(rng.integers(200, 501))
    a = ink(digit, height)
    a = thicken(a, int(height * rng.uniform(0.03, 0.07)))
    a = (a > 0.5).astype(np.float32)
    margin = rng.uniform(0.02, 0.10)
    h, w = int(a.shape[0] * (1 + 2 * margin)), int(a.shape[1] * (1 + 2 * margin)) + 1
    layer = place(np.zeros((h, w), np.float32), a, (h - a.shape[0]) // 2, (w - a.shape[1]) // 2)
    img = gray_image(on_paper(np.ones((h, w), np.float32), layer, 0.0))
    return encode(img.filter(ImageFilter.GaussianBlur(0.7)))  # anti-aliased edges


def thin_pen(rng, digit):
    """A ballpoint line 2-3 px wide on a 1000x1000 page."""
    height = int(rng.integers(120, 301))
    skeleton = zhang_suen(ink(digit, height) > 0.5).astype(np.float32)
    a = thicken(skeleton, 3) if rng.random() < 0.5 else skeleton
    a = np.asarray(gray_image(a).filter(ImageFilter.GaussianBlur(0.6)), np.float32) / 255
    a = np.clip(a * 2.5, 0, 1)
    page = np.full((1000, 1000), 0.97, np.float32)
    layer = centred((1000, 1000), a, rng, jitter=0.3)
    return encode(rgb_image(on_paper(page, layer, 0.12), (0.95, 0.97, 1.0)))


def corner_speck(rng, digit):
    """A digit near a corner of a big canvas, dust specks far from it."""
    side = int(rng.integers(600, 1001))
    a = ink(digit, int(rng.integers(80, 201)))
    h, w = a.shape
    top = int(rng.integers(10, 60)) if rng.random() < 0.5 else side - h - int(rng.integers(10, 60))
    left = int(rng.integers(10, 60)) if rng.random() < 0.5 else side - w - int(rng.integers(10, 60))
    canvas = np.ones((side, side), np.float32)
    layer = place(canvas, a, top, left)
    img = gray_image(on_paper(canvas, layer))
    d = ImageDraw.Draw(img)
    for _ in range(int(rng.integers(1, 4))):
        while True:
            x, y = rng.integers(0, side, 2)
            if abs(x - left - w / 2) > side / 3 or abs(y - top - h / 2) > side / 3:
                break
        r = rng.uniform(1.5, 4)
        d.ellipse([x - r, y - r, x + r, y + r], fill=int(rng.integers(0, 80)))
    return encode(img)


def _rectangle(img: Image.Image, box, width: int, fill: int) -> None:
    ImageDraw.Draw(img).rectangle(box, outline=fill, width=width)


def frame(rng, digit):
    """A scanned form: a frame along the border, the digit inside."""
    side = int(rng.integers(300, 601))
    a = ink(digit, int(side * rng.uniform(0.4, 0.6)))
    img = gray_image(on_paper(np.ones((side, side), np.float32), centred((side, side), a, rng)))
    off = int(rng.integers(0, 9))
    _rectangle(img, [off, off, side - 1 - off, side - 1 - off], int(rng.integers(2, 7)), 20)
    return encode(img)


def boxed(rng, digit):
    """A box drawn around the digit."""
    side = int(rng.integers(300, 601))
    a = ink(digit, int(side * rng.uniform(0.35, 0.5)))
    h, w = a.shape
    top, left = (side - h) // 2, (side - w) // 2
    img = gray_image(
        on_paper(np.ones((side, side), np.float32), place(np.ones((side, side)), a, top, left))
    )
    gap = int(h * rng.uniform(0.08, 0.25))
    box = [left - gap - (h - w) // 2, top - gap, left + w + gap + (h - w) // 2, top + h + gap]
    _rectangle(img, box, int(rng.integers(2, 6)), 30)
    return encode(img)


def desk_edge(rng, digit):
    """A phone photo of a page with the desk in view along one side."""
    b, layer = photographed(rng, digit)
    while True:  # the digit is on the page, not on the desk
        desk = half_plane(rng, *b.shape)
        if not (desk & (layer > 0)).any():
            break
    texture = rng.uniform(0.1, 0.3) + rng.normal(0, 0.03, b.shape)
    return jpeg_bytes(np.where(desk, texture, b), rng)


def hard_shadow(rng, digit):
    """A hard-edged shadow (a hand, the phone) over part of the page."""
    b, _ = photographed(rng, digit)
    shadow = half_plane(rng, *b.shape, cover=(0.15, 0.45))
    return jpeg_bytes(np.where(shadow, b * rng.uniform(0.45, 0.7), b), rng)


def soft_shadow(rng, digit):
    """Half the page in a soft shadow, its edge blurred over a tenth of the page."""
    b, _ = photographed(rng, digit)
    h, w = b.shape
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    t = ((xs / w - 0.5) * np.cos(angle) + (ys / h - 0.5) * np.sin(angle)) / 0.1
    dim = 1 - rng.uniform(0.35, 0.55) / (1 + np.exp(-t))
    return jpeg_bytes(b * dim, rng)


def own_28x28(rng, digit):
    """The user's own resize to 28x28: grey paper, the digit off-centre, not MNIST-framed."""
    side = int(rng.integers(200, 400))
    paper = np.full((side, side), rng.uniform(0.55, 0.85), np.float32)
    paper += rng.normal(0, 0.02, paper.shape).astype(np.float32)
    a = ink(digit, int(side * rng.uniform(0.55, 0.85)))
    b = on_paper(paper, centred((side, side), a, rng, jitter=0.12), rng.uniform(0.05, 0.2))
    return encode(gray_image(b).resize((28, 28), Image.Resampling.LANCZOS))


def bold_64(rng, digit):
    """A bold digit filling most of a 64x64 canvas (a downsampled scanned form)."""
    a = thicken(ink(digit, 240), int(rng.integers(9, 19)))
    h, w = a.shape
    side = int(max(h, w) / rng.uniform(0.8, 0.95))
    layer = centred((side, side), a, rng, jitter=0.02)
    img = gray_image(on_paper(np.ones((side, side), np.float32), layer))
    return encode(img.resize((64, 64), Image.Resampling.LANCZOS))


def phone_photo(rng, digit):
    """A phone photo: tinted uneven light, noise, the digit 20-50% of the frame, JPEG."""
    b, _ = photographed(rng, digit, size=(1000, 1601), frac=(0.2, 0.5))
    return jpeg_bytes(b, rng)


def _lined(rng, digit, grid: bool) -> bytes:
    side = int(rng.integers(400, 801))
    paper = np.full((side, side), 0.97, np.float32)
    rgb = np.stack([paper] * 3, axis=-1)
    step = int(side * rng.uniform(0.05, 0.09))
    colour = np.array([0.55, 0.7, 0.95]) if rng.random() < 0.6 else np.array([0.7, 0.7, 0.7])
    offset = int(rng.integers(0, step))
    rgb[offset::step, :] = colour
    if grid:
        rgb[:, offset::step] = colour
    else:
        rgb[:, int(side * 0.12)] = (0.95, 0.5, 0.5)  # the red margin line
    a = ink(digit, int(side * rng.uniform(0.2, 0.4)))
    layer = centred((side, side), a, rng, jitter=0.15)[..., None]
    pen = np.array([0.1, 0.1, 0.25])
    out = rgb * (1 - layer) + pen * layer
    img = Image.fromarray((np.clip(out, 0, 1) * 255 + 0.5).astype(np.uint8))
    return encode(img, "JPEG", quality=88) if rng.random() < 0.5 else encode(img)


def ruled_paper(rng, digit):
    """Written on ruled paper (blue or grey lines, a red margin)."""
    return _lined(rng, digit, grid=False)


def squared_paper(rng, digit):
    """Written on squared paper."""
    return _lined(rng, digit, grid=True)


def coloured_ink(rng, digit):
    """Blue, red or green ink on white."""
    side = int(rng.integers(200, 401))
    a = ink(digit, int(side * rng.uniform(0.5, 0.7)))
    layer = centred((side, side), a, rng)[..., None]
    pen = [(0.1, 0.2, 0.8), (0.85, 0.1, 0.1), (0.1, 0.6, 0.2), (0.5, 0.1, 0.6)][rng.integers(4)]
    out = 1 - layer + np.array(pen) * layer
    return encode(Image.fromarray((np.clip(out, 0, 1) * 255 + 0.5).astype(np.uint8)))


def chalk(rng, digit):
    """Chalk on a board: light, broken strokes on dark green or black, JPEG."""
    h, w = int(rng.integers(400, 801)), int(rng.integers(400, 801))
    board = rng.uniform(0.12, 0.3) + rng.normal(0, 0.03, (h, w)).astype(np.float32)
    a = thicken(ink(digit, int(min(h, w) * rng.uniform(0.3, 0.6))), 5)
    a = a * np.clip(rng.normal(0.8, 0.25, a.shape), 0, 1)  # chalk grain
    layer = centred((h, w), a, rng)
    b = board * (1 - layer) + rng.uniform(0.75, 0.95) * layer
    tint = (0.85, 1.0, 0.9) if rng.random() < 0.5 else (1.0, 1.0, 1.0)
    return jpeg_bytes(b, rng, tint)


def transparent(rng, digit):
    """Ink on a transparent background (RGBA, the paper fully clear)."""
    side = int(rng.integers(200, 401))
    a = ink(digit, int(side * rng.uniform(0.5, 0.7)))
    alpha = centred((side, side), a, rng)
    rgba = np.zeros((side, side, 4), np.uint8)
    rgba[..., :3] = rng.integers(0, 60)
    rgba[..., 3] = (alpha * 255 + 0.5).astype(np.uint8)
    return encode(Image.fromarray(rgba))


def dark_mode(rng, digit):
    """Light grey ink on a dark grey canvas (a drawing app in dark mode)."""
    side = int(rng.integers(200, 401))
    a = ink(digit, int(side * rng.uniform(0.5, 0.7)))
    layer = centred((side, side), a, rng)
    paper = np.full((side, side), rng.uniform(0.1, 0.22), np.float32)
    return encode(rgb_image(on_paper(paper, layer, rng.uniform(0.75, 0.95))))


def rotated(rng, digit):
    """Rotated by up to 20 degrees and slanted, as a quick photo or a slanted hand."""
    side = int(rng.integers(200, 401))
    a = ink(digit, int(side * rng.uniform(0.45, 0.6)))
    layer = centred((side, side), a, rng)
    img = Image.fromarray((layer * 255).astype(np.uint8))
    shear = rng.uniform(-0.25, 0.25)
    img = img.transform(
        img.size,
        Image.Transform.AFFINE,
        (1, shear, -shear * side / 2, 0, 1, 0),
        Image.Resampling.BILINEAR,
    )
    img = img.rotate(rng.uniform(-20, 20), Image.Resampling.BILINEAR)
    layer = np.asarray(img, np.float32) / 255
    return encode(gray_image(on_paper(np.ones_like(layer), layer)))


def low_resolution(rng, digit):
    """A tiny picture, 10 to 24 pixels a side (not 28), the digit filling most of it."""
    side = int(rng.integers(10, 25))
    big = 200
    a = ink(digit, int(big * rng.uniform(0.65, 0.9)))
    layer = centred((big, big), a, rng, jitter=0.03)
    img = gray_image(on_paper(np.ones((big, big), np.float32), layer))
    return encode(img.resize((side, side), Image.Resampling.BOX))


FAMILIES: dict[str, Family] = {
    "plain": plain,
    "tight crop": tight_crop,
    "fat brush": fat_brush,
    "thin pen on a page": thin_pen,
    "corner + specks": corner_speck,
    "frame at the border": frame,
    "box around": boxed,
    "desk edge (photo)": desk_edge,
    "hard shadow (photo)": hard_shadow,
    "soft shadow (photo)": soft_shadow,
    "own 28x28 resize": own_28x28,
    "bold on 64x64": bold_64,
    "phone photo (JPEG)": phone_photo,
    "ruled paper": ruled_paper,
    "squared paper": squared_paper,
    "coloured ink": coloured_ink,
    "chalk on a board": chalk,
    "transparent PNG": transparent,
    "dark mode": dark_mode,
    "rotated, slanted": rotated,
    "low resolution": low_resolution,
}
