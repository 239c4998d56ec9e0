"""Several small networks trained side by side on the same batches, to compare recipes.

    DIGITNET_DATA=../shared/data/mnist python benchmarks/students.py --epochs 60 \\
        --student plain:seed=1 --student plain2:seed=2 --student bn:seed=1,batch_norm=1

One stream of batches (the same images, order, augmentation and restyled copies, drawn from
``--seed``) and the teacher's answers computed once a batch: each student costs only its own
arithmetic, so five of them train in about the time of two runs of `digitnet train`, and
two students differ only by what they are told to differ by. A student is NAME:KEY=VALUE,...
with TrainConfig's fields (seed, batch_norm, activation, distill, temperature,
learning_rate; its seed draws only its first weights). Prints MNIST test accuracy every
``--every`` epochs; ``--save DIR`` writes each student as a model file.
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from pathlib import Path

import numpy as np

from digitnet.data import mnist
from digitnet.nn import losses, optim
from digitnet.nn.evaluate import evaluate
from digitnet.saved import modelfile, shipped
from digitnet.training import styles
from digitnet.training.fitting import examples
from digitnet.training.train import (
    Learner,
    TrainConfig,
    augmentation,
    blend,
    epoch_batches,
    stats_images,
)


def student(spec: str, base: TrainConfig) -> tuple[str, TrainConfig]:
    """NAME:KEY=VALUE,... as a name and the base config with those fields changed (each
    value read as the kind of the base's own: 1 or 0 for a yes-or-no)."""
    name, _, settings = spec.partition(":")
    changes = {}
    for item in filter(None, settings.split(",")):
        key, _, value = item.partition("=")
        kind = type(getattr(base, key))
        changes[key] = value == "1" if kind is bool else kind(value)
    return name, dataclasses.replace(base, **changes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--student", action="append", required=True, help="NAME:KEY=VALUE,...")
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--augment", type=float, default=0.5)
    parser.add_argument("--styles", type=float, default=0.2)
    parser.add_argument("--validation", type=int, default=5000, help="training images held out")
    parser.add_argument("--teacher", default="large")
    parser.add_argument("--seed", type=int, default=1, help="draws the stream of batches")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--every", type=int, default=10, help="print every this many epochs")
    parser.add_argument("--save", type=Path, help="write each student here as NAME.npz")
    args = parser.parse_args()
    base = TrainConfig(
        hidden=[16, 16], learning_rate=0.003, epochs=args.epochs, batch_size=args.batch_size
    )
    named = [student(spec, base) for spec in args.student]
    learners = [Learner(c, np.random.default_rng(c.seed)) for _, c in named]
    data = examples(mnist.default_data_dir(), None, args.validation)
    rng = np.random.default_rng(args.seed)
    x, labels = data.x, data.labels
    if args.styles:
        x, labels = styles.with_restyled(x, labels, args.styles, rng)
    augment = augmentation(args.augment)
    stats = stats_images(x, augment, rng) if any(c.batch_norm for _, c in named) else None
    teacher = shipped.load(args.teacher)
    images, test_labels = mnist.load(mnist.default_data_dir(), "test")
    test = mnist.as_inputs(images)
    y = losses.one_hot(labels)
    n, bs = len(x), args.batch_size
    batches = -(-n // bs)
    total = args.epochs * batches
    print(
        f"{len(named)} students, {n} images a epoch ({len(data.x)} MNIST), teacher "
        f"{args.teacher}, augment {args.augment}, styles {args.styles}, seed {args.seed}"
    )
    start = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        for b, (xb, yb) in enumerate(epoch_batches(x, y, bs, augment, rng)):
            answers = teacher.forward(xb)
            for learner, (_, config) in zip(learners, named, strict=True):
                lr = optim.learning_rate(
                    config.schedule, config.learning_rate, (epoch - 1) * batches + b, total
                )
                learner.step(xb, blend(answers, yb, config), lr)
        if epoch % args.every == 0 or epoch == args.epochs:
            nets = [learner.network(stats) for learner in learners]
            cells = "  ".join(
                f"{name} {evaluate(net, test, test_labels).accuracy:.2%}"
                for (name, _), net in zip(named, nets, strict=True)
            )
            print(f"epoch {epoch:3}  {time.perf_counter() - start:5.0f} s  {cells}", flush=True)
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
        for (name, _), net in zip(named, nets, strict=True):
            modelfile.save(net, args.save / f"{name}.npz")


if __name__ == "__main__":
    main()
