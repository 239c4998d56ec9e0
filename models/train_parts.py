"""Trains models/parts.npz, the part reader: the network that reads, with the model chosen,
the digits `digitnet read` cuts out of touching ones.

    DIGITNET_DATA=../shared/data/mnist python models/train_parts.py [--numbers 16000]

A digit cut out of touching ones is not a clean MNIST digit: it keeps crumbs of its
neighbour's strokes and loses a little of its own where the strokes crossed. `large` reads
5.3% of such parts wrong (cut at the true partings of test-digit numbers) against 0.9% of
whole digits. The part reader learns from what the cuts make, from MNIST *training* digits:

- parts: on touching numbers drawn by digitnet/synth/numbers.py, every mark of several
  digits cut at its true partings with the ink shared out as read shares it
  (ink_sharing.right_of), and cut again with each parting moved by up to JITTER of the height
  and the ink shared out in one of SHARINGS' ways; each part labelled with its digit;
- the 60,000 whole training digits, so that it still reads a digit left whole.

It is a digitnet model file (784-600-600-10, as `large`), trained by digitnet's own
trainer. The same command gives the same file. Its accuracy on held-out parts and on the
MNIST test digits is printed and recorded in its metadata.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from digitnet.data import mnist
from digitnet.image import preprocess
from digitnet.nn import evaluate
from digitnet.reading import ink_sharing, reader, segment
from digitnet.reading.parts import Parts
from digitnet.saved import modelfile, shipped
from digitnet.saved.metadata import job_metadata
from digitnet.synth.numbers import FAMILIES
from digitnet.synth.partings import SHARINGS, partings, shared_out
from digitnet.training.train import TrainConfig, train

OUT = Path(__file__).resolve().parents[1] / "models" / "parts.npz"
HELD_OUT = 0.05  # the share of the parts kept out of training, to measure the reader on
CONFIG = TrainConfig(hidden=[600, 600], epochs=20, augment=0.5, batch_size=128, seed=1)
JITTER = 0.06  # a second cut of each mark moves each parting by up to this (of the height) ...


def part_examples(
    images: np.ndarray, labels: np.ndarray, numbers: int, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """The parts of ``numbers`` touching numbers drawn from ``images``, framed as read frames
    them (parts.Parts), and their digits: each mark of several digits cut twice (at its
    true partings as read cuts; then moved and shared out at random), a mark of one digit
    whole."""
    rng = np.random.default_rng(seed)
    net = shipped.load("default")  # only to make parts with: its answers are not used
    x, y = [], []
    for _ in range(numbers):
        number = FAMILIES["touching"](rng, images, labels)
        found = segment.find(preprocess.gray_pixels(number.data))
        if found is None:
            continue
        parts = Parts(found, net, None)
        for mark, height in reader.digit_marks(found):
            inside, true = partings(number, found, mark)
            if not len(inside):  # no digit's middle in it: a crumb
                continue
            if len(inside) == 1:
                wanted = [(mark, None)]
            else:
                mask = parts.mask(mark)
                width = mask.shape[1]
                moved = [
                    min(width - 2, max(2, c + round(rng.uniform(-JITTER, JITTER) * height)))
                    for c in true[1:-1]
                ]
                reach = SHARINGS[int(rng.integers(len(SHARINGS)))]
                owns = shared_out(mask, true, height, ink_sharing.SIDE_REACH)
                owns += shared_out(mask, [0, *sorted(moved), width], height, reach)
                wanted = [(mark, own) for own in owns]
                inside = np.concatenate([inside, inside])
            for i, digit in zip(parts.add_all(wanted), inside, strict=True):
                if i is not None:
                    x.append(parts.inputs[i])
                    y.append(int(labels[number.digits[digit]]))
    return np.array(x, np.float32), np.array(y)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--numbers", type=int, default=16_000, help="touching numbers to cut")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    started = time.perf_counter()
    images, labels = mnist.load(mnist.default_data_dir(), "train")
    x, y = part_examples(images, labels, args.numbers)
    k = int(len(x) * (1 - HELD_OUT))
    (x, y), (held_x, held_y) = (x[:k], y[:k]), (x[k:], y[k:])
    print(f"{len(x) + len(held_x):,} parts, {time.perf_counter() - started:.0f} s")
    whole = mnist.as_inputs(images).astype(np.float32)
    order = np.random.default_rng(1).permutation(len(x) + len(whole))
    net = train(CONFIG, np.concatenate([x, whole])[order], np.concatenate([y, labels])[order])
    held_out = evaluate.evaluate(net, held_x, held_y).accuracy
    test_images, test_labels = mnist.load(mnist.default_data_dir(), "test")
    test = evaluate.evaluate(net, mnist.as_inputs(test_images), test_labels)
    net.metadata = job_metadata(
        "digitnet read: reads, with the model chosen, the digits cut out of touching ones",
        held_out,
        len(held_x),
        CONFIG,
        f"python models/train_parts.py --numbers {args.numbers}",
        "MNIST training images: parts of touching numbers cut as digitnet read cuts them, "
        "and the whole digits",
        len(x) + len(whole),
        test_accuracy=test.accuracy,
        test_images=test.n,
    )
    modelfile.save(net, args.out)
    print(
        f"held-out parts {held_out:.2%} of {len(held_x):,}; MNIST test digits "
        f"{test.accuracy:.2%}; wrote {args.out}, {time.perf_counter() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
