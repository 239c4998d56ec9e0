"""Measuring a network: accuracy, accuracy per digit, and the confusion matrix."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from digitnet.network import Network


@dataclass
class Evaluation:
    confusion: np.ndarray  # 10 x 10 counts: row = true digit, column = the network's answer

    @property
    def n(self) -> int:
        return int(self.confusion.sum())

    @property
    def correct(self) -> int:
        return int(np.trace(self.confusion))

    @property
    def accuracy(self) -> float:
        return self.correct / self.n if self.n else 0.0

    @property
    def per_digit(self) -> list[float | None]:
        """Accuracy on the images of each digit (None for a digit with no images)."""
        totals = self.confusion.sum(axis=1)
        return [
            float(self.confusion[d, d] / t) if t else None for d, t in enumerate(totals.tolist())
        ]

    def to_dict(self) -> dict:
        return {
            "accuracy": self.accuracy,
            "n": self.n,
            "correct": self.correct,
            "per_digit": {str(d): a for d, a in enumerate(self.per_digit)},
            "confusion": self.confusion.tolist(),
        }


def evaluate(net: Network, x: np.ndarray, labels: np.ndarray, batch: int = 10_000) -> Evaluation:
    """Classify x (N x 784) in batches and count answers against the true labels."""
    predicted = (
        np.concatenate([net.predict(x[i : i + batch]) for i in range(0, len(x), batch)])
        if len(x)
        else np.zeros(0, dtype=int)
    )
    confusion = np.zeros((10, 10), dtype=np.int64)
    np.add.at(confusion, (labels.astype(np.intp), predicted), 1)
    return Evaluation(confusion)
