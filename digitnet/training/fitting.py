"""A whole training run, as ``digitnet train`` does it, for Python users too.

``fit`` loads MNIST's training images, holds out the last ones, trains (digitnet.training.train),
keeps the best epoch when asked (writing it as it goes, so Ctrl-C loses nothing), judges
whether the run diverged, measures the network once on the test images and records how it
was made in its metadata (digitnet.saved.metadata). It prints nothing: progress and notes go to
the callbacks it is given.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

from digitnet.data import mnist
from digitnet.nn.evaluate import Evaluation, evaluate
from digitnet.nn.network import Layer, Network
from digitnet.saved import modelfile, shipped
from digitnet.saved.metadata import model_metadata, training_record
from digitnet.training import train as trainer


class Examples(NamedTuple):
    """The images a run learns from and the ones it holds out, as inputs."""

    x: np.ndarray
    labels: np.ndarray
    validation: tuple[np.ndarray, np.ndarray]
    note: str | None = None  # what the held-out share had to give way to, if anything


class SplitError(ValueError):
    """The held-out share asked for leaves nothing to learn from."""


class Interrupted(Exception):
    """Ctrl-C stopped a run. ``best`` is (epoch, held-out accuracy) of the network that
    ``save_best`` holds, or None when nothing was written."""

    def __init__(self, best: tuple[int, float] | None):
        super().__init__("interrupted")
        self.best = best


@dataclass
class Fitted:
    """A finished run: the network with its metadata, and whether it can be trusted."""

    network: Network
    test: Evaluation | None  # MNIST test accuracy, when the folder has the test images
    diverged: str | None  # why the network is no good (see ``diverged``), or None
    best_epoch: int | None = None  # with save_best: the epoch whose network this is


def examples(data_dir, limit: int | None = None, validation: int = 5000) -> Examples:
    """MNIST's training images from ``data_dir``: the first ``limit`` (all, by default) to
    learn from and the last ``validation`` held out. A ``limit`` that leaves fewer than
    ``validation`` holds out what it leaves (and says so in ``note``); without a limit,
    ``validation`` must leave some images to learn from (SplitError)."""
    images, labels = mnist.load(data_dir, "train", full=limit is None)
    total, note = len(images), None
    if limit is None:
        if validation >= total:
            raise SplitError(f"the held-out share must be less than the {total} training images")
        split = total - validation
    else:  # learn from the first N; hold out the end of the set, as much as N leaves
        split = min(limit, total)
        if total - split < validation:
            validation = total - split
            note = f"--limit {limit} leaves {validation} of the {total} training images to hold out"
    x = mnist.as_inputs(np.concatenate([images[:split], images[total - validation :]]))
    y = np.concatenate([labels[:split], labels[total - validation :]])
    return Examples(x[:split], y[:split], (x[split:], y[split:]), note)


def measure(net: Network, data_dir, full: bool = True) -> Evaluation:
    """The network's accuracy on MNIST's test images."""
    images, labels = mnist.load(data_dir, "test", full=full)
    return evaluate(net, mnist.as_inputs(images), labels)


CHANCE = 0.2  # held-out accuracy at or under this (10 classes: 10% is guessing) is no learning
GUESSING = "no better than guessing"  # what diverged() says of such a run


def diverged(net: Network, losses: list[float], val_acc: list[float]) -> str | None:
    """Why a trained network is no good (its last epoch's loss or its weights not finite,
    its held-out accuracy at chance), or None when it learned."""
    if losses and not np.isfinite(losses[-1]):
        return f"the loss became {losses[-1]}"
    params = (p for layer in net.layers for p in (layer.weights, layer.biases))
    if not all(np.isfinite(p).all() for p in params):
        return "the weights are no longer finite"
    if val_acc and val_acc[-1] <= CHANCE:
        return f"held-out accuracy {val_acc[-1]:.1%}, {GUESSING}"
    return None


def snapshot(net: Network) -> Network:
    """A copy of a network's weights and biases, which further training leaves alone."""
    layers = [Layer(y.weights.copy(), y.biases.copy(), y.activation) for y in net.layers]
    return Network(layers, dict(net.metadata))


def _call(config, data_dir, **options) -> str:
    """The call to fit() as Python would write it, with the options that were given."""
    defaults = {"limit": None, "validation": 5000, "save_best": None}
    given = [
        f"{k}={(str(v) if isinstance(v, Path) else v)!r}"
        for k, v in options.items()
        if v != defaults[k]
    ]
    return (
        f"digitnet.training.fitting.fit({', '.join([repr(config), repr(str(data_dir)), *given])})"
    )


def fit(
    config: trainer.TrainConfig,
    data_dir,
    *,
    limit: int | None = None,
    validation: int = 5000,
    save_best: str | Path | None = None,
    command: str | None = None,
    on_batch: trainer.Progress | None = None,
    on_epoch: Callable[[trainer.EpochReport], None] | None = None,
    note: Callable[[str], None] = lambda message: None,
) -> Fitted:
    """Train ``config`` on the MNIST folder ``data_dir``; see the module's docstring.

    ``save_best``: a path written after every epoch that beats the held-out accuracy so
    far; the result is then the best epoch's network, not the last one's. ``command`` is
    recorded as what made the network (by default, this call as Python would write it).
    Raises ValueError for settings that cannot train, SplitError for a ``validation`` that
    leaves nothing to learn from, digitnet.data.mnist's DataError for missing data and
    Interrupted on Ctrl-C. A run that diverged is returned, not raised: ``Fitted.diverged``
    says why, and saving it is the caller's choice.
    """
    config.check()
    if command is None:
        command = _call(config, data_dir, limit=limit, validation=validation, save_best=save_best)
    data = _data(config, data_dir, limit, validation, save_best is not None, note)
    held_out = len(data.validation[0])

    record = functools.partial(  # the training record, with what each use adds
        training_record,
        config,
        command,
        data="MNIST training images",
        train_images=len(data.x),
        validation_images=held_out,
    )

    watch = _Watch(record, save_best, on_epoch)
    try:
        with np.errstate(all="ignore"):  # a diverging run is judged below, not in warnings
            net = trainer.train(
                config, data.x, data.labels, data.validation, on_batch=on_batch, on_epoch=watch
            )
    except KeyboardInterrupt:
        raise Interrupted((watch.best[1], watch.best[0]) if watch.best else None) from None
    net, losses, val_acc, best_epoch = watch.result(net)
    why = diverged(net, losses, val_acc)
    test = None
    try:
        with np.errstate(all="ignore"):
            test = measure(net, data_dir, full=limit is None)
    except mnist.DataError as e:
        note(f"not measured on the test set: {e}")
    extra = {"best_epoch": best_epoch} if best_epoch is not None else {}
    training = record(validation_accuracy=val_acc[-1] if val_acc else None, **extra)
    net.metadata = model_metadata(training, test)
    return Fitted(net, test, why, best_epoch)


def _data(config, data_dir, limit, validation: int, judged: bool, note):
    """The examples to train on, once a teacher (if any) loads; SplitError when ``judged``
    (save_best) has no held-out images to judge by."""
    if config.teacher:  # a bad teacher fails before the data is loaded (train() uses it)
        shipped.load(config.teacher)
    data = examples(data_dir, limit, validation)
    if data.note:
        note(data.note)
    if judged and len(data.validation[0]) == 0:
        raise SplitError("save_best needs held-out images to judge by (validation)")
    return data


class _Watch:
    """Called after every epoch: keeps the losses and held-out accuracies, and with a
    ``save_best`` path writes every epoch that beats the best so far."""

    def __init__(self, record, save_best, on_epoch) -> None:
        self.record, self.save_best, self.on_epoch = record, save_best, on_epoch
        self.losses: list[float] = []
        self.val_acc: list[float] = []
        self.best: list = []  # the best epoch so far: [held-out accuracy, epoch, network]

    def __call__(self, r: trainer.EpochReport) -> None:
        self.losses.append(r.loss)
        if r.val_accuracy is not None:
            self.val_acc.append(r.val_accuracy)
            if self.save_best is not None and (not self.best or r.val_accuracy > self.best[0]):
                net = snapshot(r.network)
                net.metadata = model_metadata(
                    self.record(best_epoch=r.epoch, validation_accuracy=r.val_accuracy)
                )
                modelfile.save(net, self.save_best)
                self.best[:] = [r.val_accuracy, r.epoch, net]
        if self.on_epoch is not None:
            self.on_epoch(r)

    def result(self, last):
        """(network, losses, held-out accuracies, best epoch): the best epoch's network
        when one was kept, else the last one's."""
        if self.best:
            return self.best[2], [], [self.best[0]], self.best[1]
        return last, self.losses, self.val_acc, None
