"""Makes digitnet/samples/form.png: a number written in a form's comb field (a printed box for
each digit), with a pen line drawn under the field, from MNIST test digits.

    DIGITNET_DATA=../shared/data/mnist python models/form_sample.py

README shows `digitnet read form.png --steps`: the digits read, the boxes and the line left out.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from digitnet.data import mnist
from digitnet.synth.numbers import comb

OUT = Path(__file__).resolve().parents[1] / "digitnet" / "samples" / "form.png"
SEED = 4


def main() -> None:
    images, labels = mnist.load(mnist.default_data_dir(), "test")
    number = comb(np.random.default_rng(SEED), images, labels)
    img = Image.open(io.BytesIO(number.data)).convert("L")
    dark = np.flatnonzero((np.asarray(img) < 128).any(axis=1))
    cols = np.flatnonzero((np.asarray(img) < 128).any(axis=0))
    y = int(dark[-1] + 0.25 * (dark[-1] - dark[0]))
    ImageDraw.Draw(img).line(
        [(int(cols[0]) - 10, y), (int(cols[-1]) + 20, y + 4)], fill=30, width=5
    )
    img.save(OUT)
    print(f"wrote {OUT}: {number.text}")


if __name__ == "__main__":
    main()
