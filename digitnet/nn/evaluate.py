"""Measuring a network: accuracy, accuracy per digit, the confusion matrix and the mistakes.

On MNIST the inputs are ready (:func:`evaluate`); on the user's own pictures each is read as
``predict`` reads it, and a picture refused (no digit found, not an image) counts as a
mistake with its reason (:func:`evaluate_pictures`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from digitnet.nn.network import Network


class Mistake(NamedTuple):
    """A picture answered wrong or refused."""

    index: int  # its place among the pictures evaluated (MNIST: in the test set)
    path: str | None  # its file; None for MNIST
    label: int
    digit: int | None  # the network's answer; None when the picture was refused
    confidence: float | None
    error: str | None = None

    @property
    def name(self) -> str:
        """The file, or ``#index`` for an MNIST test image."""
        return self.path if self.path is not None else f"#{self.index}"

    def to_dict(self) -> dict:
        return {
            "index": self.index,
            "file": self.path,
            "label": self.label,
            "digit": self.digit,
            "confidence": None if self.confidence is None else round(self.confidence, 6),
            "error": self.error,
        }


@dataclass
class Evaluation:
    confusion: np.ndarray  # 10 x 10 counts: row = true digit, column = the network's answer
    refused: np.ndarray = field(default_factory=lambda: np.zeros(10, dtype=np.int64))
    mistakes: list[Mistake] = field(default_factory=list)  # in input order

    @property
    def n(self) -> int:
        return int(self.confusion.sum() + self.refused.sum())

    @property
    def correct(self) -> int:
        return int(np.trace(self.confusion))

    @property
    def accuracy(self) -> float:
        return self.correct / self.n if self.n else 0.0

    @property
    def totals(self) -> np.ndarray:
        """Pictures of each digit, refused ones included."""
        return self.confusion.sum(axis=1) + self.refused

    @property
    def per_digit(self) -> list[float | None]:
        """Accuracy on the images of each digit (None for a digit with no images)."""
        return [
            float(self.confusion[d, d] / t) if t else None
            for d, t in enumerate(self.totals.tolist())
        ]

    def to_dict(self, mistakes: bool = False) -> dict:
        out = {
            "accuracy": self.accuracy,
            "n": self.n,
            "correct": self.correct,
            "refused": int(self.refused.sum()),
            "per_digit": {str(d): a for d, a in enumerate(self.per_digit)},
            "confusion": self.confusion.tolist(),
        }
        if mistakes:
            out["mistakes"] = [m.to_dict() for m in self.mistakes]
        return out


def tally(
    labels: np.ndarray,
    outputs: np.ndarray,
    paths: Sequence[str | None],
    errors: Sequence[str | None],
) -> Evaluation:
    """Count answers (rows of ``outputs``, for the pictures without an error) against labels."""
    answered = np.array([e is None for e in errors], dtype=bool)
    predicted = outputs.argmax(axis=1)
    confusion = np.zeros((10, 10), dtype=np.int64)
    np.add.at(confusion, (labels[answered].astype(np.intp), predicted), 1)
    refused = np.bincount(labels[~answered].astype(np.intp), minlength=10).astype(np.int64)
    row = np.cumsum(answered) - 1  # each answered picture's row of outputs
    wrong = ~answered
    wrong[answered] = predicted != labels[answered]
    mistakes = [
        Mistake(i, paths[i], int(labels[i]), None, None, errors[i])
        if not answered[i]
        else Mistake(
            i, paths[i], int(labels[i]), int(predicted[row[i]]), float(outputs[row[i]].max())
        )
        for i in np.flatnonzero(wrong).tolist()
    ]
    return Evaluation(confusion, refused, mistakes)


def evaluate(net: Network, x: np.ndarray, labels: np.ndarray, batch: int = 10_000) -> Evaluation:
    """Classify x (N x 784) in batches and count answers against the true labels."""
    outputs = (
        np.concatenate([net.forward(x[i : i + batch]) for i in range(0, len(x), batch)])
        if len(x)
        else np.zeros((0, 10))
    )
    return tally(np.asarray(labels), outputs, [None] * len(x), [None] * len(x))


def caption(m: Mistake) -> str:
    """``7 as 2 (0.93)``, or ``7 refused``: a mistake in a few characters."""
    if m.digit is None:
        return f"{m.label} refused"
    return f"{m.label} as {m.digit} ({m.confidence:.2f})"
