"""Makes the pictures README shows `digitnet read` on, from MNIST test digits:

- digitnet/samples/form.png: a number in a form's comb field (a printed box for each digit),
  a pen line drawn under the field;
- digitnet/samples/date.png: a date written with slashes, "12/05/2026".

    DIGITNET_DATA=../shared/data/mnist python models/read_samples.py
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from digitnet.data import mnist
from digitnet.synth.layout import lay_out, picture
from digitnet.synth.numbers import comb

SAMPLES = Path(__file__).resolve().parents[1] / "digitnet" / "samples"
FORM_SEED = 9  # a comb field each model reads right
DATE_SEED = 4
DATE = "12/05/2026"
HEIGHT = 70


def form(images, labels) -> None:
    number = comb(np.random.default_rng(FORM_SEED), images, labels)
    img = Image.open(io.BytesIO(number.data)).convert("L")
    dark = np.flatnonzero((np.asarray(img) < 128).any(axis=1))
    cols = np.flatnonzero((np.asarray(img) < 128).any(axis=0))
    y = int(dark[-1] + 0.25 * (dark[-1] - dark[0]))
    ends = [(int(cols[0]) - 10, y), (int(cols[-1]) + 20, y + 4)]
    ImageDraw.Draw(img).line(ends, fill=30, width=5)
    img.save(SAMPLES / "form.png")
    print(f"wrote {SAMPLES / 'form.png'}: {number.text}")


def date(images, labels) -> None:
    rng = np.random.default_rng(DATE_SEED)
    gap = lambda: int(HEIGHT * rng.uniform(0.15, 0.3))  # noqa: E731
    layer, _, _ = lay_out(rng, images, DATE, HEIGHT, gap, labels=labels)
    (SAMPLES / "date.png").write_bytes(picture(layer, rng))
    print(f"wrote {SAMPLES / 'date.png'}: {DATE}")


if __name__ == "__main__":
    images, labels = mnist.load(mnist.default_data_dir(), "test")
    form(images, labels)
    date(images, labels)
