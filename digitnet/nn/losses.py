"""Cost functions: how wrong the output activations a are for the wanted ones y.

``crossentropy`` is the default: with a softmax output it is the log-likelihood of the right
digit, with a sigmoid output it is Nielsen's per-neuron cross-entropy. Both give the
output error ``delta = a - y``, free of f'(z), so learning does not stall on saturated
neurons. ``quadratic`` is the lesson's cost: the sum of squared differences.
"""

from __future__ import annotations

import numpy as np

from digitnet.nn import functions as act

NAMES = ("crossentropy", "quadratic")
_TINY = 1e-12


def one_hot(labels: np.ndarray, dtype: type = np.float32) -> np.ndarray:
    """Labels 0-9 as rows of ten, a 1 at each label: the outputs a network should give."""
    y = np.zeros((len(labels), 10), dtype=dtype)
    y[np.arange(len(labels)), labels] = 1
    return y


def check(loss: str, output: str) -> None:
    """Refuse pairings that have no meaning, such as cross-entropy on ReLU outputs."""
    if loss == "crossentropy" and output not in ("softmax", "sigmoid"):
        raise ValueError("cross-entropy needs a softmax or sigmoid output layer")


def value(loss: str, output: str, a: np.ndarray, y: np.ndarray) -> float:
    """The cost averaged over the batch."""
    if loss == "quadratic":
        return float(0.5 * ((a - y) ** 2).sum() / len(a))
    a = np.clip(a, _TINY, 1 - _TINY) if output == "sigmoid" else np.maximum(a, _TINY)
    if output == "softmax":
        return float(-(y * np.log(a)).sum() / len(a))
    return float(-(y * np.log(a) + (1 - y) * np.log(1 - a)).sum() / len(a))


def output_delta(loss: str, output: str, a: np.ndarray, y: np.ndarray) -> np.ndarray:
    """dC/dz for the output layer's weighted inputs z, averaged over the batch."""
    if loss == "crossentropy":
        return (a - y) / len(a)
    return act.BACKWARD[output](a, a - y) / len(a)
