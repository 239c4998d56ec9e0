"""The training loop: mini-batch gradient descent on MNIST, in NumPy.

Everything random (initial weights, the order of the images, augmentation) comes from one
generator seeded by ``TrainConfig.seed``, so the same seed and data give the same network.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from digitnet.nn import losses, optim
from digitnet.nn.backprop import gradients
from digitnet.nn.evaluate import evaluate
from digitnet.nn.network import INPUTS, OUTPUTS, Network
from digitnet.nn.normalised import NormalisedNetwork
from digitnet.training import styles, threads
from digitnet.training.augment import Augmentation

# Images whose weighted inputs give a batch-normalised network its fixed mean and std when
# folded: enough that each neuron's figures settle (docs/decisions.md, "Batch normalisation").
STATS_IMAGES = 10_000


@dataclass
class TrainConfig:
    hidden: list[int] = field(default_factory=lambda: [16, 16])
    activation: str = "relu"
    output: str = "softmax"
    loss: str = "crossentropy"
    optimizer: str = "adam"
    learning_rate: float | None = None  # None: the optimiser's own (optim.DEFAULT_LR)
    momentum: float = 0.9
    schedule: str = "cosine"
    batch_size: int = 64
    epochs: int = 30
    l2: float = 0.0
    augment: float = 0.0  # strength: 1 = up to 10 degrees, 10% scale, 2 px shift and warp
    styles: float = 0.0  # share of the digits added again in styles MNIST lacks (styles.py)
    seed: int = 1
    teacher: str | None = None  # model (name or .npz path) whose answers are learned too
    # (knowledge distillation); train() loads it from here, so the record names what was used
    distill: float = 0.5  # weight of the teacher's answers against the labels
    temperature: float = 2.0  # softens the teacher's answers, so its second choices count
    batch_norm: bool = False  # standardise hidden layers over each batch, folded in at the end

    def __post_init__(self) -> None:
        if self.learning_rate is None and self.optimizer in optim.DEFAULT_LR:
            self.learning_rate = optim.DEFAULT_LR[self.optimizer]

    def check(self) -> None:
        """Refuse settings that cannot train, with a reason (the CLI shows it as usage error)."""
        for what, value, allowed in (
            ("optimizer", self.optimizer, optim.NAMES),
            ("schedule", self.schedule, optim.SCHEDULES),
            ("loss", self.loss, losses.NAMES),
        ):
            if value not in allowed:
                raise ValueError(f"unknown {what} {value!r}; one of {', '.join(allowed)}")
        losses.check(self.loss, self.output)
        if self.epochs < 1 or self.batch_size < 1 or any(h < 1 for h in self.hidden):
            raise ValueError("epochs, batch size and layer sizes must be positive")
        if self.augment < 0:
            raise ValueError("augmentation strength must be 0 or more")
        if not 0 <= self.styles <= 1:
            raise ValueError("the share of restyled digits must be from 0 to 1")


@dataclass
class EpochReport:
    epoch: int
    epochs: int
    loss: float
    accuracy: float  # on the training batches, as they were seen
    val_accuracy: float | None = None
    network: Network | None = None  # the network as this epoch left it (training goes on)


Progress = Callable[[int, int, int, float, float], None]  # epoch, batch, batches, loss, acc


class Learner:
    """One network learning: its parameters, its optimiser, and how a batch moves them.
    With ``config.batch_norm`` it learns as a NormalisedNetwork and is folded when asked for."""

    def __init__(self, config: TrainConfig, rng: np.random.Generator):
        self.config = config
        self.net = Network.create(
            [INPUTS, *config.hidden, OUTPUTS], config.activation, config.output, rng=rng
        )
        self.normalised = NormalisedNetwork(self.net) if config.batch_norm else None
        if self.normalised is not None:
            params = self.normalised.params
        else:
            params = [p for layer in self.net.layers for p in (layer.weights, layer.biases)]
        self.opt = optim.make(config.optimizer, params, config.momentum)

    def step(self, x: np.ndarray, target: np.ndarray, lr: float) -> tuple[float, np.ndarray]:
        """One step down the gradient of a batch; its cost and output before the step."""
        if self.normalised is None:
            g = gradients(self.net, x, target, self.config.loss, self.config.l2)
            cost, grads, output = g.cost, _flat(g), g.output
        else:
            cost, grads, output = self.normalised.gradients(
                x, target, self.config.loss, self.config.l2
            )
        self.opt.step(grads, lr)
        return cost, output

    def network(self, stats: np.ndarray | None) -> Network:
        """The plain network as it stands (folded with ``stats``, the images drawn by
        ``stats_images``, when it learns batch-normalised)."""
        return self.net if self.normalised is None else self.normalised.fold(stats)


def stats_images(x: np.ndarray, augment: Augmentation | None, rng: np.random.Generator):
    """The training images whose weighted inputs fold a batch-normalised network, as
    training sees them (augmented when it is)."""
    stats = x[rng.choice(len(x), min(len(x), STATS_IMAGES), replace=False)]
    return augment(stats, rng) if augment is not None else stats


def augmentation(k: float) -> Augmentation | None:
    """The augmentation of ``--augment k``, or None when k is 0."""
    return Augmentation(rotation=10 * k, scale=0.1 * k, shift=2 * k, warp=1.5 * k) if k else None


def epoch_batches(x, y, batch_size: int, augment: Augmentation | None, rng: np.random.Generator):
    """One epoch: the images in a fresh order, in batches, each batch augmented on its own;
    yields (images, targets). Each batch is gathered alone: shuffling the whole set first
    copied all of it every epoch."""
    order = rng.permutation(len(x))
    for start in range(0, len(x), batch_size):
        batch = order[start : start + batch_size]
        xb = x[batch]
        yield (xb if augment is None else augment(xb, rng)), y[batch]


def train(
    config: TrainConfig,
    x: np.ndarray,
    labels: np.ndarray,
    validation: tuple[np.ndarray, np.ndarray] | None = None,
    on_batch: Progress | None = None,
    on_epoch: Callable[[EpochReport], None] | None = None,
) -> Network:
    """Train a new network on activations x (N x 784) with digit labels; return it. With a
    ``config.teacher`` model, each image's target mixes its label with the teacher's
    softened output (Hinton et al., "Distilling the knowledge in a neural network"): a small
    network learns more from "a 4, or maybe a 9" than from "a 4".
    """
    config.check()
    teacher = None
    if config.teacher:
        from digitnet.saved import shipped

        teacher = shipped.load(config.teacher)
    rng = np.random.default_rng(config.seed)
    learner = Learner(config, rng)
    if config.styles:  # drawn after the weights: a seed's first network stays the same
        x, labels = styles.with_restyled(x, labels, config.styles, rng)
    augment = augmentation(config.augment)
    # a batch-normalised network's folding images, drawn once before the first batch
    stats = stats_images(x, augment, rng) if config.batch_norm else None
    y = losses.one_hot(labels, learner.net.dtype)
    n, bs = len(x), config.batch_size
    batches = -(-n // bs)
    total = config.epochs * batches
    with threads.for_network(learner.net.sizes):  # one thread for a small network
        for epoch in range(1, config.epochs + 1):
            seen_loss, correct = 0.0, 0
            for b, (xb, yb) in enumerate(epoch_batches(x, y, bs, augment, rng)):
                target = yb if teacher is None else soft_targets(teacher, xb, yb, config)
                lr = optim.learning_rate(
                    config.schedule, config.learning_rate, (epoch - 1) * batches + b, total
                )
                cost, output = learner.step(xb, target, lr)
                seen_loss += cost * len(xb)
                correct += int((output.argmax(axis=1) == yb.argmax(axis=1)).sum())
                if on_batch is not None:
                    done = min((b + 1) * bs, n)
                    on_batch(epoch, b + 1, batches, seen_loss / done, correct / done)
            if on_epoch is not None:
                now = learner.network(stats)
                val = None
                if validation is not None and len(validation[0]):
                    val = evaluate(now, *validation).accuracy
                on_epoch(EpochReport(epoch, config.epochs, seen_loss / n, correct / n, val, now))
        return learner.network(stats)  # on the same threads as the epochs' ones


def _flat(g) -> list[np.ndarray]:
    """A Gradients' arrays in the order of the network's parameters: W1, b1, W2, b2, ..."""
    return [d for pair in zip(g.weights, g.biases, strict=True) for d in pair]


def soft_targets(teacher: Network, x: np.ndarray, y: np.ndarray, config: TrainConfig):
    """(1 - distill) * labels + distill * the teacher's output, softened by the temperature."""
    return blend(teacher.forward(x), y, config)


def blend(answers: np.ndarray, y: np.ndarray, config: TrainConfig) -> np.ndarray:
    """soft_targets for a teacher's ``answers`` already computed (one forward pass serves
    several learners in benchmarks/students.py)."""
    p = np.maximum(answers, 1e-30) ** (1 / config.temperature)
    p /= p.sum(axis=1, keepdims=True)
    return ((1 - config.distill) * y + config.distill * p).astype(y.dtype)
