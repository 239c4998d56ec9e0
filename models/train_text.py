"""Trains models/text.npz, the network that tells `digitnet read` a digit from a printed letter.

    DIGITNET_DATA=../shared/data/mnist python models/train_text.py [--pictures 6000]

An MNIST network reads any letter as some digit, often surely: the word "cat" reads 021.
This network sees what the reader sees: every digit of `digitnet read`'s reading (its 784
inputs, framed and cut as the reader frames and cuts) of

- label 0, a digit: numbers made from MNIST *training* digits by digitnet/synth/numbers.py,
  and numbers printed in the machine's fonts (so that print alone is not a letter);
- label 1, a letter: words printed in the same fonts, from LETTERS only.

LETTERS leaves out the letters that are written as digits are (o, l, I, S, Z, B, g, q, ...):
no network can tell an "o" from a 0 by its shape, and the reader tells words from numbers
by their other letters. The fonts are the TrueType files fc-list names (DejaVu and
Liberation on Debian); Pillow's own font is left out, for benchmarks/read.py's words. It is
a digitnet model file (784 inputs, 10 outputs, of which only the first two are trained).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from digitnet.data import mnist
from digitnet.errors import ImageError
from digitnet.image import preprocess
from digitnet.reading import reader
from digitnet.saved import shipped
from digitnet.synth.numbers import FAMILIES
from digitnet.synth.signs import LETTERS, fonts, printed
from digitnet.training.train import TrainConfig
from digitnet.training.two_way import trained

OUT = Path(__file__).resolve().parents[1] / "models" / "text.npz"
DIGIT, LETTER = 0, 1
HELD_OUT = 0.05  # the share of the examples kept out of training, to measure it on
CONFIG = TrainConfig(hidden=[128], epochs=20, seed=1)
# numbers drawn a family at a time, touching ones more often: their cut parts are the digits
# most like letters (a piece of a 0 is a c)
WEIGHTS = {"touching": 4, "close": 2}


def _word(rng) -> str:
    letters = rng.choice(list(LETTERS), int(rng.integers(1, 8)))
    return "".join(letters)


def read_inputs(net, data: bytes) -> list[np.ndarray]:
    """The 784 inputs of every digit ``digitnet read`` reads in a picture (none if refused)."""
    try:
        reading = reader.read_pixels(preprocess.gray_pixels(data), net, signs=None)
    except ImageError:
        return []
    return [d.inputs for d in reading.digits]


def examples(images, labels, pictures: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Digits and letters as the reader reads them, from ``pictures`` pictures of each kind."""
    rng = np.random.default_rng(seed)
    net, faces = shipped.load("default"), fonts()
    families = [name for name in FAMILIES for _ in range(WEIGHTS.get(name, 1))]
    x, y = [], []
    for _ in range(pictures):
        face = faces[rng.integers(len(faces))]
        for inputs in read_inputs(net, printed(rng, _word(rng), face)):
            x.append(inputs)
            y.append(LETTER)
        if rng.random() < 0.4:
            number = "".join(map(str, rng.integers(0, 10, int(rng.integers(1, 8)))))
            data = printed(rng, number, face)
        else:
            data = FAMILIES[families[rng.integers(len(families))]](rng, images, labels).data
        for inputs in read_inputs(net, data):
            x.append(inputs)
            y.append(DIGIT)
    order = rng.permutation(len(x))
    return np.array(x, np.float32)[order], np.array(y)[order]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pictures", type=int, default=6000, help="words (and as many numbers)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    images, labels = mnist.load(mnist.default_data_dir(), "train")
    x, y = examples(images, labels, args.pictures)
    record = {
        "kinds": ("digits", "letters"),
        "purpose": "digitnet read: is a part of a number a digit (output 0) or a printed "
        "letter (output 1)",
        "command": f"python models/train_text.py --pictures {args.pictures}",
        "data": "digits digitnet read reads in numbers made from MNIST training images and in "
        f"numbers printed in {len(fonts())} fonts; letters it reads in words printed in those "
        "fonts",
    }
    trained(CONFIG, x, y, HELD_OUT, record, args.out)


if __name__ == "__main__":
    main()
