"""Trains models/judge.npz, the network that tells `digitnet read` whether a part of a
written number is one digit, or a piece of one, or two touching.

    DIGITNET_DATA=../shared/data/mnist python models/train_judge.py [--count 60000]

Reading by recognition asks the digit network which cut reads best, but an MNIST network
is sure of itself on anything: two touching digits, "14", come out as an 8 with 0.9. The
judge is trained on what such cuts produce, made from MNIST *training* digits, each framed
exactly as the reader frames a part (digitnet.image.framing.fit):

- label 0, one digit: a digit alone, at a random height;
- label 1, not one digit: two digits touching or overlapping a little; a piece of a digit
  or of a pair, cut at a random column; a digit with a sliver of its neighbour beside it;
- and the parts `digitnet read` itself tries (lattice_examples, with a first judge trained on
  the examples above): on numbers drawn from MNIST training digits by
  digitnet/synth/numbers.py, every part its cuts make, one digit when
  its edges are within ONE_EDGES of a true digit's, not one when an edge is NOT_ONE_EDGES or
  more off. A correctly cut digit keeps crumbs of its neighbour and loses a little of its own
  ink, unlike a clean MNIST digit: taught only clean ones, the judge doubted such parts, and
  read took three touching digits for two.

It is a digitnet model file (784 inputs, 10 outputs, of which only the first two are
trained: 0 one digit, 1 not one digit), trained by digitnet itself. The same command gives
the same file. Its held-out accuracy is printed and recorded in its metadata.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from digitnet.data import mnist
from digitnet.errors import ImageError
from digitnet.image import preprocess
from digitnet.image.framing import fit
from digitnet.reading import reader, segment
from digitnet.reading.cuts import cuts_of, refine
from digitnet.reading.ink_sharing import right_of as _right_of
from digitnet.reading.parts import Parts
from digitnet.saved import modelfile, shipped
from digitnet.saved.metadata import job_metadata
from digitnet.synth.not_digits import touching_gap
from digitnet.synth.numbers import FAMILIES
from digitnet.synth.paper import ink
from digitnet.training.train import TrainConfig, train

OUT = Path(__file__).resolve().parents[1] / "models" / "judge.npz"
ONE, NOT_ONE = 0, 1
INK = 0.2  # what counts as a digit's ink when it is cut as the reader cuts (of 0..1)
HELD_OUT = 0.05  # the share of the examples kept out of training, to measure the judge on
CONFIG = TrainConfig(hidden=[64], epochs=10, seed=1)
LATTICE = {"touching": 1200, "close": 300}  # numbers drawn for lattice_examples, per family
ONE_EDGES = 0.04  # a part whose edges are this near a true digit's (of its height) is one, ...
NOT_ONE_EDGES = 0.15  # ... one with an edge this far off is not; between: unsure, left out


def _pair(rng, images, h: int) -> np.ndarray:
    """Two digits side by side, touching (overlapping up to 6% of the height) or, a fifth
    of the time, a little apart."""
    a, b = (ink(images[i], h) for i in rng.integers(len(images), size=2))
    if rng.random() < 0.8:
        gap = touching_gap(a, b, int(rng.integers(0, int(0.06 * h) + 1)))
    else:
        gap = int(rng.integers(0, int(0.1 * h) + 1))
    left = a.shape[1] + gap
    out = np.zeros((h, max(a.shape[1], left + b.shape[1])), np.float32)
    out[:, : a.shape[1]] = a
    region = out[:, max(0, left) : left + b.shape[1]]
    np.maximum(region, b[:, max(0, -left) :][:, : region.shape[1]], out=region)
    return out


def examples(images: np.ndarray, count: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``count`` single digits and as many parts that are not one digit, framed as the
    reader frames them, shuffled."""
    rng = np.random.default_rng(seed)
    x, y = [], []

    def add(a: np.ndarray, label: int) -> None:
        try:
            x.append(fit(a).ravel())
            y.append(label)
        except ImageError:  # a piece with no ink left
            pass

    for _ in range(count):
        h = int(rng.integers(30, 100))
        digit = ink(images[rng.integers(len(images))], h)
        add(digit, ONE)
        kind = rng.random()
        if kind < 0.4:
            add(_pair(rng, images, h), NOT_ONE)
        elif kind < 0.75:
            whole = _pair(rng, images, h) if rng.random() < 0.3 else digit
            c = int(whole.shape[1] * rng.uniform(0.2, 0.8))
            left = rng.random() < 0.5
            if rng.random() < 0.5:  # cut straight
                add(whole[:, :c] if left else whole[:, c:], NOT_ONE)
            else:  # cut as the reader cuts, strokes shared out through the ink near the cut
                mask = whole > INK
                right = _right_of(mask, [0, c, whole.shape[1]], h)[1]
                add(whole * (mask & (~right if left else right)), NOT_ONE)
        else:
            other = ink(images[rng.integers(len(images))], h)
            s = max(1, int(other.shape[1] * rng.uniform(0.1, 0.3)))
            sliver = other[:, :s] if rng.random() < 0.5 else other[:, -s:]
            gap = np.zeros((h, int(rng.integers(0, 4))), np.float32)
            parts = [digit, gap, sliver] if rng.random() < 0.5 else [sliver, gap, digit]
            add(np.hstack(parts), NOT_ONE)
    order = rng.permutation(len(x))
    return np.array(x, np.float32)[order], np.array(y)[order]


def lattice_examples(
    images: np.ndarray,
    labels: np.ndarray,
    judge,
    counts: dict[str, int] = LATTICE,
    seed: int = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """Every part digitnet read tries on numbers drawn from ``images`` (every digit mark
    whole, and the parts of its lattice and of its moved cuts, each mark that may be several
    digits cut), labelled by how near its edges are to a true digit's. The default model and
    ``judge`` choose the cuts to move."""
    rng = np.random.default_rng(seed)
    net = shipped.load("default")
    x, y = [], []
    for name, count in counts.items():
        for _ in range(count):
            number = FAMILIES[name](rng, images, labels)
            found = segment.find(preprocess.gray_pixels(number.data))
            if found is None:
                continue
            parts, cuts = Parts(found, net, judge), []
            for mark, height in reader.digit_marks(found):
                made = cuts_of(parts, mark, height, parts.add(mark))
                if made is not None:
                    cuts.append(made)
            parts.judge_new()
            if cuts:
                refine(parts, cuts)
            true = np.array(number.boxes)
            h = float(np.median(true[:, 3] - true[:, 1]))
            for inputs, box in zip(parts.inputs, parts.where, strict=True):
                left, _, right, _ = found.in_picture(box)
                off = np.maximum(abs(true[:, 0] - left), abs(true[:, 2] - right)).min() / h
                if off <= ONE_EDGES or off >= NOT_ONE_EDGES:
                    x.append(inputs)
                    y.append(ONE if off <= ONE_EDGES else NOT_ONE)
    return np.array(x, np.float32), np.array(y)


def _split(x: np.ndarray, y: np.ndarray, seed: int):
    """Shuffled, then (training x, y), (held-out x, y)."""
    order = np.random.default_rng(seed).permutation(len(x))
    x, y = x[order], y[order]
    k = int(len(x) * (1 - HELD_OUT))
    return (x[:k], y[:k]), (x[k:], y[k:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=60_000, help="single digits (and as many not)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    started = time.perf_counter()
    images, labels = mnist.load(mnist.default_data_dir(), "train")
    (x, y), (held_x, held_y) = _split(*examples(images, args.count), seed=2)
    # first a judge of the made examples alone, to choose which cuts read tries
    first = train(CONFIG, x, y)
    (lx, ly), (held_lx, held_ly) = _split(*lattice_examples(images, labels, first), seed=3)
    print(
        f"{len(x) + len(held_x):,} examples ({(y == NOT_ONE).mean():.0%} not one digit) and "
        f"{len(lx) + len(held_lx):,} parts read tries ({(ly == NOT_ONE).mean():.0%} not one), "
        f"{time.perf_counter() - started:.0f} s"
    )
    order = np.random.default_rng(4).permutation(len(x) + len(lx))
    net = train(CONFIG, np.concatenate([x, lx])[order], np.concatenate([y, ly])[order])
    held_out = float((net.forward(held_x)[:, :2].argmax(axis=1) == held_y).mean())
    held_parts = float((net.forward(held_lx)[:, :2].argmax(axis=1) == held_ly).mean())
    net.metadata = job_metadata(
        "digitnet read: is a part of a number one digit (output 0) or not (output 1)",
        held_out,
        len(held_x),
        CONFIG,
        f"python models/train_judge.py --count {args.count}",
        "MNIST training images: single digits, touching pairs, pieces and slivers; "
        f"parts digitnet read tries on numbers ({held_parts:.2%} of {len(held_lx):,} held out)",
        len(x) + len(lx),
    )
    modelfile.save(net, args.out)
    print(
        f"held-out accuracy {held_out:.2%} on {len(held_x):,} examples, {held_parts:.2%} on "
        f"{len(held_lx):,} parts; wrote {args.out}, {time.perf_counter() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
