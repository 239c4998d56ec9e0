"""Where a digit ends and a letter or a sign begins, by the sign network's say
(digitnet.reading.signs.SIGN): what each threshold costs digits and what it catches.

    DIGITNET_DATA=../shared/data/mnist python benchmarks/signs.py [--count 100]

Digits: the 10,000 MNIST test digits as they are and restyled (a 1 with a flag, a closed 4,
... with the pens of training/styles.py), and ``--count`` test digits drawn as each
of benchmarks/realworld.py's families, framed as `predict` frames them. No digit: marks
made as models/train_signs.py makes them but with other seeds (letters in the machine's
fonts, signs of TRAINING_SIGNS, shapes of TRAINING_SHAPES), and marks it never saw
(letters in Pillow's own font, MEASURED_SIGNS, MEASURED_SHAPES). Prints, for each
threshold, the share of each kind the network calls no digit.
"""

from __future__ import annotations

import argparse
import contextlib
import time

import numpy as np

from digitnet.data import mnist
from digitnet.errors import ImageError
from digitnet.predicting import one_digit
from digitnet.reading import signs
from digitnet.reading.reading_networks import judged_sign, shipped_signs
from digitnet.synth import signs as made
from digitnet.synth.digits import FAMILIES
from digitnet.training.styles import restyled

THRESHOLDS = sorted({0.5, 0.8, 0.9, 0.99, signs.SIGN, signs.SURE_SIGN})  # the rules among them


def framed(pictures) -> np.ndarray:
    """The inputs predict gives each picture it answers (before the sign check)."""
    out = []
    for data in pictures:
        with contextlib.suppress(ImageError):  # refused for another reason
            out.append(one_digit.inputs(data, signs=False))
    return np.array(out, np.float64).reshape(-1, 784)


def row(name: str, x: np.ndarray, of: int) -> str:
    judged = judged_sign(shipped_signs(), x)
    shares = "  ".join(f"{(judged >= t).mean():>6.1%}" for t in THRESHOLDS)
    return f"{name:<26} {len(x):>5}/{of:<5} {shares}"


def marks(rng, count: int):
    """The kinds of mark that are no digit: name -> pictures."""
    faces, sign_faces = made.fonts(), made.sign_fonts()

    def pick(seq):
        return seq[rng.integers(len(seq))]

    return {
        "letter, machine fonts": [
            made.printed(rng, pick(made.LETTERS), pick(faces)) for _ in range(count)
        ],
        "sign, trained kinds": [
            made.printed(rng, pick(made.TRAINING_SIGNS), pick(sign_faces)) for _ in range(count)
        ],
        "shape, trained kinds": [made.drawn(rng, pick(made.TRAINING_SHAPES)) for _ in range(count)],
        "letter, Pillow's font *": [made.printed_letter(rng, None) for _ in range(count)],
        "sign, never seen *": [made.printed_sign(rng, None) for _ in range(count)],
        "shape, never seen *": [made.drawn_shape(rng, None) for _ in range(count)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100, help="pictures of each kind")
    args = parser.parse_args()
    started = time.perf_counter()
    images, labels = mnist.load(mnist.default_data_dir(), "test")
    print("share judged no digit, by threshold (the rules: SIGN, and SURE_SIGN at a number's ends)")
    print(f"{'kind':<26} {'framed':>11} " + "  ".join(f"{t:>6}" for t in THRESHOLDS))
    x = mnist.as_inputs(images).astype(np.float64)
    print(row("MNIST test as it is", x, len(images)))
    styled, _ = restyled(x, labels, 1.0, np.random.default_rng(6999))
    print(row("restyled (styles.py)", styled, len(styled)))
    for k, (name, family) in enumerate(FAMILIES.items()):
        rng = np.random.default_rng(7000 + k)
        pick = rng.choice(len(images), args.count, replace=False)
        print(row(name, framed(family(rng, images[i]) for i in pick), args.count), flush=True)
    for name, pictures in marks(np.random.default_rng(8000), args.count).items():
        print(row(name, framed(pictures), len(pictures)), flush=True)
    took = time.perf_counter() - started
    print(f"* never seen in training; SIGN {signs.SIGN}, SURE_SIGN {signs.SURE_SIGN}; {took:.0f} s")


if __name__ == "__main__":
    main()
