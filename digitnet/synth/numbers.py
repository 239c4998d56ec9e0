"""Pictures of numbers written digit by digit, generated from MNIST digits.

Each family is a function ``(rng, images, labels) -> Number``: it draws its digits from
``images`` (28x28 uint8 MNIST digits, light ink on black, with their ``labels``) and lays
them out as people write numbers.
The same rng state gives the same picture, so benchmarks/read.py and the tests are
deterministic. A Number knows what it shows: the text (with its separators, a line per
line), which MNIST digits it holds and where each digit's ink is.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from digitnet.synth import written
from digitnet.synth.layout import (
    Number,
    NumberFamily,
    digit_run,
    fill,
    lay_out,
    pen_line,
    picture,
)
from digitnet.synth.not_digits import touching_gap
from digitnet.synth.paper import (
    encode,
    ink,
    on_paper,
    rgb_image,
    uneven_light,
)


def separated(rng, images, labels) -> Number:
    """Digits well apart: a quarter to half a digit's height between them."""
    h = int(rng.integers(40, 120))
    text = digit_run(rng)
    layer, used, boxes = lay_out(rng, images, text, h, lambda: int(h * rng.uniform(0.25, 0.5)))
    return Number(picture(layer, rng), fill(text, labels, used), used, boxes)


def underlined(rng, images, labels) -> Number:
    """Separated digits with a pen line under them (or over them, one time in four), a
    tenth to half a digit's height away, from a little before the first digit to a little
    after the last."""
    h = int(rng.integers(40, 120))
    text = digit_run(rng)
    layer, used, boxes = lay_out(rng, images, text, h, lambda: int(h * rng.uniform(0.25, 0.5)))
    left, right = min(b[0] for b in boxes), max(b[2] for b in boxes)
    top, bottom = min(b[1] for b in boxes), max(b[3] for b in boxes)
    away = int(h * rng.uniform(0.1, 0.5))
    y = top - away if rng.uniform() < 0.25 else bottom + away
    reach = int(h * rng.uniform(0, 0.3))
    width = max(2, int(h * rng.uniform(0.05, 0.12)))
    slope = rng.uniform(-0.03, 0.03)
    x0, x1 = max(0, left - reach), min(layer.shape[1] - 1, right + reach)
    layer = pen_line(layer, (x0, y), (x1, y + slope * (x1 - x0)), width)
    return Number(picture(layer, rng), fill(text, labels, used), used, boxes)


def comb(rng, images, labels) -> Number:
    """A form's comb field: a printed box for each digit, side by side, each digit written
    inside its box (now and then touching it)."""
    h = int(rng.integers(40, 100))
    count = int(rng.integers(3, 9))
    cell_w, cell_h = int(h * rng.uniform(0.9, 1.2)), int(h * rng.uniform(1.2, 1.5))
    margin = h
    layer = np.zeros((cell_h + 2 * margin, count * cell_w + 2 * margin), np.float32)
    used, boxes = [], []
    for k in range(count):
        i = int(rng.integers(len(images)))
        a = ink(images[i], int(h * rng.uniform(0.75, 0.95)))
        x = margin + k * cell_w + max(0, (cell_w - a.shape[1]) // 2 + int(rng.integers(-3, 4)))
        y = margin + max(0, (cell_h - a.shape[0]) // 2 + int(rng.integers(-3, 4)))
        a = a[: layer.shape[0] - y, : layer.shape[1] - x]
        np.maximum(layer[y : y + a.shape[0], x : x + a.shape[1]], a,
                   out=layer[y : y + a.shape[0], x : x + a.shape[1]])  # fmt: skip
        used.append(i)
        boxes.append((x, y, x + a.shape[1], y + a.shape[0]))
    img = Image.fromarray((layer * 255).astype(np.uint8))
    pen = max(1, int(h * rng.uniform(0.02, 0.05)))
    draw = ImageDraw.Draw(img)
    right = margin + count * cell_w
    draw.rectangle([margin, margin, right, margin + cell_h], outline=255, width=pen)
    for k in range(1, count):
        x = margin + k * cell_w
        draw.line([(x, margin), (x, margin + cell_h)], fill=255, width=pen)
    layer = np.maximum(layer, np.asarray(img, np.float32) / 255)
    text = "".join(str(labels[i]) for i in used)
    return Number(picture(layer, rng), text, used, boxes)


def margin(rng, images, labels) -> Number:
    """Separated digits beside a page's margin line: a pen line down the page, two to five
    digits tall, a third to one digit's height left of the number (or right, one time in
    four)."""
    h = int(rng.integers(40, 120))
    text = digit_run(rng)
    layer, used, boxes = lay_out(rng, images, text, h, lambda: int(h * rng.uniform(0.25, 0.5)))
    tall = int(h * rng.uniform(2, 5))
    pad = (tall - layer.shape[0]) // 2 + h
    layer = np.pad(layer, ((pad, pad), (0, 0)))
    boxes = [(a, b + pad, c, d + pad) for a, b, c, d in boxes]
    left, right = min(b[0] for b in boxes), max(b[2] for b in boxes)
    away = int(h * rng.uniform(1 / 3, 1))
    x = right + away if rng.uniform() < 0.25 else left - away
    middle = layer.shape[0] // 2
    width = max(2, int(h * rng.uniform(0.03, 0.08)))
    layer = pen_line(layer, (x, middle - tall // 2), (x, middle + tall // 2), width)
    return Number(picture(layer, rng), fill(text, labels, used), used, boxes)


def close(rng, images, labels) -> Number:
    """Digits close together but not touching: 2 to 5 pixels apart (their ink boxes)."""
    h = int(rng.integers(40, 120))
    text = digit_run(rng)
    layer, used, boxes = lay_out(rng, images, text, h, lambda: int(rng.integers(2, 6)))
    return Number(picture(layer, rng), fill(text, labels, used), used, boxes)


def touching(rng, images, labels) -> Number:
    """Numbers of 2 to 6 digits in which neighbours touch or overlap a little (up to 4% of
    the height), each pair with even odds; at least one pair touches."""
    h = int(rng.integers(50, 120))
    n = int(rng.integers(2, 7))
    touch = rng.random(n - 1) < 0.5
    touch[int(rng.integers(n - 1))] = True
    picks = [int(rng.integers(len(images))) for _ in range(n)]
    inks = [ink(images[i], h) for i in picks]
    x, lefts = 0, []
    for k, a in enumerate(inks):
        lefts.append(x)
        if k + 1 < n:
            if touch[k]:
                x += a.shape[1] + touching_gap(
                    a, inks[k + 1], int(rng.integers(0, int(0.04 * h) + 1))
                )
            else:
                x += a.shape[1] + int(h * rng.uniform(0.15, 0.4))
    m = h
    w = lefts[-1] + inks[-1].shape[1] + 2 * m
    layer = np.zeros((h + 2 * m, w), np.float32)
    boxes = []
    for a, left in zip(inks, lefts, strict=True):
        region = layer[m : m + h, m + left : m + left + a.shape[1]]
        np.maximum(region, a, out=region)
        boxes.append((m + left, m, m + left + a.shape[1], m + h))
    text = "".join(str(labels[i]) for i in picks)
    return Number(picture(layer, rng), text, picks, boxes)


def uneven(rng, images, labels) -> Number:
    """A hand-written line: baseline wandering, sizes from 0.8 to 1.25, spacing uneven, and
    the whole line slanted up to 6 degrees."""
    h = int(rng.integers(50, 110))
    text = digit_run(rng, 2)
    layer, used, boxes = lay_out(
        rng, images, text, h, lambda: int(h * rng.uniform(0.1, 0.7)), jitter=0.07, sizes=(0.8, 1.25)
    )
    angle = float(rng.uniform(-6, 6))
    img = Image.fromarray((layer * 255).astype(np.uint8)).rotate(
        angle, Image.Resampling.BILINEAR, expand=True
    )
    turned = np.asarray(img, np.float32) / 255
    boxes = _rotated_boxes(boxes, layer.shape, turned.shape, angle)
    return Number(picture(turned, rng), fill(text, labels, used), used, boxes)


def _rotated_boxes(boxes, shape, new_shape, angle: float):
    """The boxes around each box's corners turned as Image.rotate(expand=True) turns them."""
    h, w = shape
    nh, nw = new_shape
    t = np.deg2rad(angle)
    c, s = np.cos(t), np.sin(t)
    out = []
    for left, top, right, bottom in boxes:
        xs = np.array([left, right, right, left]) - w / 2
        ys = np.array([top, top, bottom, bottom]) - h / 2
        # Pillow turns counter-clockwise: x' = x cos + y sin, y' = -x sin + y cos
        nx, ny = xs * c + ys * s + nw / 2, -xs * s + ys * c + nh / 2
        out.append((int(nx.min()), int(ny.min()), int(np.ceil(nx.max())), int(np.ceil(ny.max()))))
    return out


FORMATS = [
    "#,###",
    "##,###",
    "#,###,###",
    "##.#",
    "###.##",
    "#.##",
    "##-##",
    "###-####",
    "##-##-##",
    "### ###",
    "## ## ##",
    "#,###.##",
]


def separators(rng, images, labels) -> Number:
    """Numbers written with separators: 1,250  12.5  07-31  123 456."""
    h = int(rng.integers(50, 110))
    text = FORMATS[int(rng.integers(len(FORMATS)))]
    layer, used, boxes = lay_out(rng, images, text, h, lambda: int(h * rng.uniform(0.12, 0.3)))
    return Number(picture(layer, rng), fill(text, labels, used), used, boxes)


def photo(rng, images, labels) -> Number:
    """A phone photo of a written number: uneven light, grey ink, a warm tint, JPEG."""
    h = int(rng.integers(40, 100))
    text = digit_run(rng)
    layer, used, boxes = lay_out(rng, images, text, h, lambda: int(h * rng.uniform(0.1, 0.45)))
    pad = int(rng.integers(h, 3 * h))
    big = np.pad(layer, pad)
    boxes = [(a + pad, b + pad, c + pad, d + pad) for a, b, c, d in boxes]
    paper = uneven_light(rng, *big.shape)
    b = on_paper(paper, np.clip(big, 0, 1), rng.uniform(0.05, 0.3))
    data = encode(rgb_image(b, (1.0, 0.97, 0.9)), "JPEG", quality=int(rng.integers(60, 90)))
    return Number(data, fill(text, labels, used), used, boxes)


def two_lines(rng, images, labels) -> Number:
    """Two numbers, one line under the other, read top to bottom."""
    return _two_lines(rng, images, labels, (1, 6), (0.4, 0.8))


def stacked(rng, images, labels) -> Number:
    """Two short numbers close one above the other ("12" over "345"), a tenth to half a
    digit's height apart."""
    return _two_lines(rng, images, labels, (1, 3), (1.5, 1.9))


def _two_lines(rng, images, labels, count: tuple[int, int], shared: tuple[float, float]):
    """Two lines of ``count`` digits each; ``shared``: how much of their margins (a digit's
    height each) the lines share, so the gap between them is 2 - shared digit heights."""
    h = int(rng.integers(40, 100))
    lines = [
        lay_out(rng, images, digit_run(rng, *count), h, lambda: int(h * rng.uniform(0.2, 0.5)))
        for _ in range(2)
    ]
    (a, ua, ba), (b, ub, bb) = lines
    shift = int(h * rng.uniform(-0.3, 0.3))  # the second line's start against the first's
    overlap = int(h * rng.uniform(*shared))
    w = max(a.shape[1], b.shape[1] + abs(shift)) + abs(shift)
    top_b = a.shape[0] - overlap
    layer = np.zeros((top_b + b.shape[0], w), np.float32)
    xa, xb = max(0, -shift), max(0, shift)
    layer[: a.shape[0], xa : xa + a.shape[1]] = a
    region = layer[top_b:, xb : xb + b.shape[1]]
    np.maximum(region, b, out=region)
    boxes = [(x0 + xa, y0, x1 + xa, y1) for x0, y0, x1, y1 in ba]
    boxes += [(x0 + xb, y0 + top_b, x1 + xb, y1 + top_b) for x0, y0, x1, y1 in bb]
    text = "".join(str(labels[i]) for i in ua) + "\n" + "".join(str(labels[i]) for i in ub)
    return Number(picture(layer, rng), text, ua + ub, boxes)


FAMILIES: dict[str, NumberFamily] = {
    "separated": separated,
    "close": close,
    "touching": touching,
    "uneven": uneven,
    "separators": separators,
    "photo": photo,
    "two lines": two_lines,
    "stacked": stacked,
    "underlined": underlined,
    "comb": comb,
    "margin": margin,
    "signed": written.signed,
    "dates": written.dates,
    "light digit": written.light_digit,
    "page edge": written.page_edge,
}


def generate(name: str, count: int, images: np.ndarray, labels: np.ndarray) -> list[Number]:
    """``count`` numbers of family ``name``, the same every time."""
    rng = np.random.default_rng(7000 + list(FAMILIES).index(name))
    return [FAMILIES[name](rng, images, labels) for _ in range(count)]
