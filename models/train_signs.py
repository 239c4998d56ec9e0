"""Trains models/signs.npz, the network that tells `digitnet predict` and `read` a digit from a
mark that is no digit at all (a letter, a sign, a tick or a heart drawn by hand).

    DIGITNET_DATA=../shared/data/mnist python models/train_signs.py [--pictures 4000]

An MNIST network reads any mark as some digit, often surely: a heart is a 4 at 0.99. This
network sees what `predict` sees, the 784 inputs of the chosen mark, framed as MNIST's, of

- label 0, a digit: MNIST *training* digits as they are, restyled (training/styles.py),
  drawn as people's pictures (synth/digits.py) and printed in the machine's fonts, and two
  touching ones framed as one mark (`read` judges each mark whole, before cutting it);
- label 1, no digit: letters of synth.signs.LETTERS printed in those fonts, signs of
  TRAINING_SIGNS printed in DejaVu Sans, shapes of TRAINING_SHAPES drawn by hand.

The signs and shapes of MEASURED_SIGNS and MEASURED_SHAPES, and Pillow's own font, are kept
out, so benchmarks/realworld.py measures marks it never saw. It is a digitnet model file
(784 inputs, 10 outputs, of which only the first two are trained).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from digitnet.data import mnist
from digitnet.errors import ImageError
from digitnet.image import preprocess
from digitnet.predicting import one_digit
from digitnet.synth import signs
from digitnet.synth.digits import FAMILIES
from digitnet.synth.not_digits import NOT_DIGITS
from digitnet.training.styles import with_restyled
from digitnet.training.train import TrainConfig
from digitnet.training.two_way import trained

OUT = Path(__file__).resolve().parents[1] / "models" / "signs.npz"
DIGIT, SIGN = 0, 1
WHOLE = 2  # a digit label, for touching digits framed as one mark (framed's ``whole``)
HELD_OUT = 0.05  # the share of the examples kept out of training, to measure it on
CONFIG = TrainConfig(hidden=[128], epochs=20, seed=1)
AS_THEY_ARE = 4  # MNIST digits as they are, for each picture of a kind drawn
DRAWN_DIGITS = 2  # digits drawn as people's pictures, likewise: the pictures cost most


def framed(data: bytes, whole: bool = False) -> np.ndarray | None:
    """The 784 inputs predict gives a picture's chosen mark, or None when it refuses it;
    ``whole``: the chosen ink framed as one mark, touching digits too, as read frames a mark
    before it cuts it."""
    try:
        if whole:
            return one_digit.steps_of(preprocess.gray_pixels(data), several=None).inputs
        return one_digit.inputs(data, signs=False)
    except ImageError:
        return None


def pictures(rng, images, count: int):
    """(bytes, label) pairs: ``count`` pictures of each kind of digit and of no digit."""
    faces, sign_faces = signs.fonts(), signs.sign_fonts()
    families = list(FAMILIES.values())
    for _ in range(count):
        for _ in range(DRAWN_DIGITS):
            digit = images[rng.integers(len(images))]
            yield families[rng.integers(len(families))](rng, digit), DIGIT
        yield NOT_DIGITS["touching digits"](rng, images), WHOLE
        face = faces[rng.integers(len(faces))]
        yield signs.printed(rng, str(rng.integers(10)), face), DIGIT
        yield signs.printed(rng, signs.LETTERS[rng.integers(len(signs.LETTERS))], face), SIGN
        sign = signs.TRAINING_SIGNS[rng.integers(len(signs.TRAINING_SIGNS))]
        yield signs.printed(rng, sign, sign_faces[rng.integers(len(sign_faces))]), SIGN
        shape = signs.TRAINING_SHAPES[rng.integers(len(signs.TRAINING_SHAPES))]
        yield signs.drawn(rng, shape), SIGN


def examples(images, labels, count: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Digits and marks that are none, as predict frames them (see the module's docstring)."""
    rng = np.random.default_rng(seed)
    x, y = [], []
    for data, label in pictures(rng, images, count):
        if (inputs := framed(data, whole=label == WHOLE)) is not None:
            x.append(inputs)
            y.append(DIGIT if label == WHOLE else label)
    pick = rng.choice(len(images), AS_THEY_ARE * count, replace=False)
    plain = mnist.as_inputs(images[pick])
    restyled, _ = with_restyled(plain, labels[pick], 0.25, rng)
    x = np.concatenate([np.array(x, np.float32), restyled.astype(np.float32)])
    y = np.concatenate([np.array(y), np.full(len(restyled), DIGIT)])
    order = rng.permutation(len(x))
    return x[order], y[order]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pictures", type=int, default=4000, help="pictures of each kind")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    images, labels = mnist.load(mnist.default_data_dir(), "train")
    x, y = examples(images, labels, args.pictures)
    record = {
        "kinds": ("digits", "no digit"),
        "purpose": "digitnet predict and read: is a mark a digit (output 0) or no digit (output 1)",
        "command": f"python models/train_signs.py --pictures {args.pictures}",
        "data": "MNIST training digits as they are, restyled, and drawn as people's pictures; "
        "digits, letters and signs printed in the machine's fonts; shapes drawn by hand",
    }
    trained(CONFIG, x, y, HELD_OUT, record, args.out)


if __name__ == "__main__":
    main()
