"""Numbers as people write them on forms and pages: signs and decimal points, dates and
times, a digit written lighter than the rest, a page's edge beside the number."""

from __future__ import annotations

import numpy as np

from digitnet.synth.layout import Number, digit_run, fill, lay_out, picture
from digitnet.synth.paper import half_plane, jpeg_bytes, on_paper, uneven_light

SIGNED = ["-#", "-##", "-###", "-#.#", "-##.##", "#.##", "##.#", "-#,###", "###.#", "-0.##"]
# dates and times as people write them: {d} day, {m} month, {y} year, {H} hour, {M} minute
DATES = ["{d}/{m}", "{d}/{m}/{y2}", "{m}/{d}/{y}", "{y}-{m}-{d}", "{d}.{m}.{y}", "{H}:{M}"]


def written(rng, images, labels, text: str) -> Number:
    """``text`` written by hand: each digit one of that digit's MNIST images ('#' any), the
    rest separators, evenly spaced, on paper."""
    h = int(rng.integers(50, 110))
    gap = lambda: int(h * rng.uniform(0.12, 0.3))  # noqa: E731
    layer, used, boxes = lay_out(rng, images, text, h, gap, labels=labels)
    return Number(picture(layer, rng), fill(text, labels, used), used, boxes)


def signed(rng, images, labels) -> Number:
    """Negative and decimal numbers: -12  3.14  -0.57  -1,250."""
    text = SIGNED[int(rng.integers(len(SIGNED)))]
    return written(rng, images, labels, text.replace("0", str(int(rng.integers(10)))))


def dates(rng, images, labels) -> Number:
    """Real dates and times: 12/05  12/05/26  2026-12-02  02.12.2026  12:30 (a day up to 28,
    a month up to 12, a year from 1950 to 2049, an hour up to 23)."""
    year = int(rng.integers(1950, 2050))
    values = {
        "d": f"{int(rng.integers(1, 29)):0{int(rng.integers(1, 3))}d}",
        "m": f"{int(rng.integers(1, 13)):0{int(rng.integers(1, 3))}d}",
        "y": str(year),
        "y2": f"{year % 100:02d}",
        "H": str(int(rng.integers(0, 24))),
        "M": f"{int(rng.integers(0, 60)):02d}",
    }
    return written(rng, images, labels, DATES[int(rng.integers(len(DATES)))].format(**values))


def light_digit(rng, images, labels) -> Number:
    """Separated digits, one of them written with a lighter pen: a third to two thirds of the
    others' ink."""
    h = int(rng.integers(40, 110))
    text = digit_run(rng, 2)
    layer, used, boxes = lay_out(rng, images, text, h, lambda: int(h * rng.uniform(0.25, 0.5)))
    left, top, right, bottom = boxes[int(rng.integers(len(boxes)))]
    layer[top:bottom, left:right] *= rng.uniform(1 / 3, 2 / 3)
    return Number(picture(layer, rng), fill(text, labels, used), used, boxes)


def page_edge(rng, images, labels) -> Number:
    """A phone photo of a number near the page's edge: the desk beyond it darker than the paper,
    along one side, a digit's height or more away."""
    h = int(rng.integers(40, 100))
    text = digit_run(rng)
    layer, used, boxes = lay_out(rng, images, text, h, lambda: int(h * rng.uniform(0.2, 0.45)))
    pad = int(h * rng.uniform(1.5, 3))
    big = np.pad(layer, pad)
    boxes = [(a + pad, b + pad, c + pad, d + pad) for a, b, c, d in boxes]
    paper = uneven_light(rng, *big.shape)
    edge = half_plane(rng, *big.shape, cover=(0.05, pad / max(big.shape) * 0.8))
    paper[edge] *= rng.uniform(0.15, 0.5)
    data = jpeg_bytes(on_paper(paper, np.clip(big, 0, 1), 0.1), rng)
    return Number(data, fill(text, labels, used), used, boxes)
