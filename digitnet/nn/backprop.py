"""Backpropagation: the gradient of the cost with respect to every weight and bias."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from digitnet.nn import functions as act
from digitnet.nn import losses
from digitnet.nn.network import Network


class Gradients(NamedTuple):
    cost: float
    weights: list[np.ndarray]  # dC/dW, one per layer
    biases: list[np.ndarray]  # dC/db, one per layer
    output: np.ndarray  # the output activations the forward pass gave


def gradients(
    net: Network, x: np.ndarray, y: np.ndarray, loss: str = "crossentropy", l2: float = 0.0
) -> Gradients:
    """Cost and its gradients for a batch x (N x 784) with one-hot targets y (N x 10).

    The cost is the batch mean plus ``l2 / 2 * sum(W**2)`` over all weights.
    """
    a = net.activations(x)
    out = net.layers[-1].activation
    cost = losses.value(loss, out, a[-1], y)
    delta = losses.output_delta(loss, out, a[-1], y)  # dC/dz of the last layer
    grad_w: list[np.ndarray] = [None] * len(net.layers)  # type: ignore[list-item]
    grad_b: list[np.ndarray] = [None] * len(net.layers)  # type: ignore[list-item]
    for i in reversed(range(len(net.layers))):
        layer = net.layers[i]
        grad_w[i] = delta.T @ a[i]
        grad_b[i] = delta.sum(axis=0)
        if l2:
            grad_w[i] += l2 * layer.weights
            cost += 0.5 * l2 * float((layer.weights**2).sum())
        if i:  # push the error back through W, then through the previous layer's f
            delta = act.BACKWARD[net.layers[i - 1].activation](a[i], delta @ layer.weights)
    return Gradients(cost, grad_w, grad_b, a[-1])
