"""Stroke width: grow thin strokes in preprocessing, or train on thicker and thinner ones?

Two 784-16-16-10 networks are trained the way the shipped `default` is (ReLU, Adam,
augmentation 0.5, distillation from `large`), for fewer epochs, the same seed: one as is,
one also seeing every third training digit thickened and every third thinned (grey
dilation or erosion by a 2x2 square). Each is measured on the MNIST test set and on the
families of digitnet/synth/digits.py whose strokes differ from MNIST's, with the
preprocessing's growing of thin strokes on and off.

    python benchmarks/stroke_width.py [--epochs 15] [--count 200]

MNIST comes from $DIGITNET_DATA (or 'digitnet data download').
"""

from __future__ import annotations

import argparse
import os
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from digitnet.data import mnist
from digitnet.errors import ImageError
from digitnet.image import framing
from digitnet.predicting import one_digit
from digitnet.synth.digits import FAMILIES
from digitnet.training.augment import Augmentation
from digitnet.training.train import TrainConfig, train

MEASURED = ["plain", "thin pen on a page", "fat brush", "bold on 64x64", "chalk on a board"]


def vary_strokes(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Every third image thickened, every third thinned, by a 2x2 grey dilation/erosion."""
    n = len(x)
    img = x.reshape(n, 28, 28)
    shifted = [img, np.roll(img, 1, 1), np.roll(img, 1, 2), np.roll(np.roll(img, 1, 1), 1, 2)]
    kind = rng.integers(0, 3, n)[:, None, None]
    out = np.where(kind == 1, np.maximum.reduce(shifted), img)
    out = np.where(kind == 2, np.minimum.reduce(shifted), out)
    return out.reshape(n, 784)


def train_one(strokes: bool, epochs: int):
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    images, labels = mnist.load(mnist.default_data_dir(), "train")
    x, y = mnist.as_inputs(images[:55_000]), labels[:55_000]
    config = TrainConfig(augment=0.5, learning_rate=0.003, epochs=epochs, seed=1, teacher="large")
    if strokes:
        plain_call = Augmentation.__call__

        def call(self, xb, rng):
            return vary_strokes(plain_call(self, xb, rng), rng)

        Augmentation.__call__ = call
    return train(config, x, y)


def accuracy(net, family: str, count: int, images, labels) -> float:
    rng = np.random.default_rng(1000 + list(FAMILIES).index(family))
    idx = rng.choice(len(images), count, replace=False)
    inputs = np.zeros((count, 784), np.float32)
    for j, i in enumerate(idx):
        try:
            inputs[j] = one_digit.inputs(FAMILIES[family](rng, images[i]))
        except ImageError:
            inputs[j] = 0  # counted wrong: the network answers something on a blank input
    return float((net.forward(inputs).argmax(1) == labels[idx]).mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--count", type=int, default=200)
    args = parser.parse_args()
    with ProcessPoolExecutor(2) as pool:
        plain, varied = pool.map(train_one, [False, True], [args.epochs] * 2)
    images, labels = mnist.load(mnist.default_data_dir(), "test")
    x = mnist.as_inputs(images)
    print(f"784-16-16-10, {args.epochs} epochs; accuracy on MNIST test and on families")
    print(f"{'':<40}{'trained as is':>16}{'with stroke widths':>20}")
    print(f"{'MNIST test (28x28)':<40}", end="")
    for net in (plain, varied):
        print(f"{float((net.forward(x).argmax(1) == labels).mean()):>18.2%}", end="")
    print()
    grow = framing.THIN_STROKE
    for family in MEASURED:
        for thin_stroke, how in ((grow, "thin strokes grown"), (0.0, "as they are")):
            framing.THIN_STROKE = thin_stroke
            print(f"{family + ', ' + how:<40}", end="")
            for net in (plain, varied):
                print(f"{accuracy(net, family, args.count, images, labels):>18.2%}", end="")
            print(flush=True)
    framing.THIN_STROKE = grow


if __name__ == "__main__":
    main()
