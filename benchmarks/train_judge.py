"""Trains models/judge.npz, the network that tells `digitnet read` whether a part of a
written number is one digit, or a piece of one, or two touching.

    DIGITNET_DATA=../shared/data/mnist python benchmarks/train_judge.py [--count 60000]

Reading by recognition asks the digit network which cut reads best, but an MNIST network
is sure of itself on anything: two touching digits, "14", come out as an 8 with 0.9. The
judge is trained on what such cuts produce, made from MNIST *training* digits, each framed
exactly as the reader frames a part (digitnet.framing.fit):

- label 0, one digit: a digit alone, at a random height;
- label 1, not one digit: two digits touching or overlapping a little; a piece of a digit
  or of a pair, cut at a random column; a digit with a sliver of its neighbour beside it.

It is a digitnet model file (784 inputs, 10 outputs, of which only the first two are
trained: 0 one digit, 1 not one digit), trained by digitnet itself. The same command gives
the same file. Its held-out accuracy is printed and recorded in its metadata.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from families import ink, touching_gap

from digitnet import mnist, modelfile
from digitnet.errors import ImageError
from digitnet.framing import fit
from digitnet.metadata import training_record
from digitnet.reader import _right_of
from digitnet.train import TrainConfig, train

OUT = Path(__file__).resolve().parents[1] / "models" / "judge.npz"
ONE, NOT_ONE = 0, 1
INK = 0.2  # what counts as a digit's ink when it is cut as the reader cuts (of 0..1)
HELD_OUT = 0.05  # the share of the examples kept out of training, to measure the judge on
CONFIG = TrainConfig(hidden=[64], epochs=10, seed=1)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=60_000, help="single digits (and as many not)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    started = time.perf_counter()
    images, _ = mnist.load(mnist.default_data_dir(), "train")
    x, y = examples(images, args.count)
    split = int(len(x) * (1 - HELD_OUT))
    print(
        f"{len(x):,} examples ({(y == NOT_ONE).mean():.0%} not one digit), "
        f"{time.perf_counter() - started:.0f} s"
    )
    net = train(CONFIG, x[:split], y[:split])
    held_out = float((net.forward(x[split:]).argmax(axis=1) == y[split:]).mean())
    net.metadata = {
        "purpose": "digitnet read: is a part of a number one digit (output 0) or not (output 1)",
        "held_out_accuracy": held_out,
        "held_out_examples": len(x) - split,
        "training": training_record(
            CONFIG,
            f"python benchmarks/train_judge.py --count {args.count}",
            data="MNIST training images: single digits, touching pairs, pieces and slivers",
            train_images=split,
        ),
    }
    modelfile.save(net, args.out)
    print(
        f"held-out accuracy {held_out:.2%} on {len(x) - split:,}; wrote {args.out}, "
        f"{time.perf_counter() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
