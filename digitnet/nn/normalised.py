"""Batch normalisation while training (Ioffe & Szegedy, 2015), folded away afterwards.

While it learns, each hidden layer standardises its weighted inputs over the batch, then
scales and shifts them by parameters of its own: ``a' = f(gamma (z - mean) / std + beta)``
with ``z = W a``. Sixteen neurons a layer then keep working in f's useful range (a sigmoid
neither saturated nor linear) whatever the layers below them do. Once trained, the mean and
std are fixed figures of the training images, so the whole step is ``f(W' a + b')`` with
``W' = gamma W / std`` and ``b' = beta - gamma mean / std``: ``fold`` gives back the plain
network of the lesson, with the same shape and as many parameters.
"""

from __future__ import annotations

import numpy as np

from digitnet.nn import functions as act
from digitnet.nn import losses
from digitnet.nn.network import Layer, Network

EPS = 1e-5  # added to each variance before its square root, as in Ioffe & Szegedy


class NormalisedNetwork:
    """Weights ``W`` for every layer; ``gamma`` and ``beta`` for each hidden one (which
    stand in for its biases); ``W`` and ``b`` for the output layer."""

    def __init__(self, plain: Network):
        self.activations = [layer.activation for layer in plain.layers]
        self.weights = [layer.weights for layer in plain.layers]
        self.gammas = [np.ones_like(layer.biases) for layer in plain.layers[:-1]]
        self.betas = [np.zeros_like(layer.biases) for layer in plain.layers[:-1]]
        self.bias = plain.layers[-1].biases

    @property
    def params(self) -> list[np.ndarray]:
        """Every array training changes, in the order ``gradients`` returns theirs."""
        hidden = [p for w, gamma, beta, _ in self._hidden() for p in (w, gamma, beta)]
        return [*hidden, self.weights[-1], self.bias]

    def _hidden(self):
        """Each hidden layer's weights, gamma, beta and activation function."""
        parts = (self.weights[:-1], self.gammas, self.betas, self.activations[:-1])
        return zip(*parts, strict=True)

    def gradients(
        self, x: np.ndarray, y: np.ndarray, loss: str = "crossentropy", l2: float = 0.0
    ) -> tuple[float, list[np.ndarray], np.ndarray]:
        """Cost, its gradient for each of ``params``, and the output, for a batch x (N x 784)
        with targets y (N x 10), standardising by the batch's own mean and std. As in
        backprop.gradients, ``l2 / 2 * sum(W**2)`` over all weights is added to the cost."""
        a, kept = [x], []  # kept: each hidden layer's standardised z and 1 / std
        for w, gamma, beta, f in self._hidden():
            z = a[-1] @ w.T
            inv = 1 / np.sqrt(z.var(axis=0) + EPS)
            zhat = (z - z.mean(axis=0)) * inv
            kept.append((zhat, inv))
            a.append(act.FORWARD[f](gamma * zhat + beta))
        out = self.activations[-1]
        a.append(act.FORWARD[out](a[-1] @ self.weights[-1].T + self.bias))
        cost = losses.value(loss, out, a[-1], y)
        delta = losses.output_delta(loss, out, a[-1], y)
        grads = [delta.T @ a[-2], delta.sum(axis=0)]
        n = len(x)
        for i in reversed(range(len(self.gammas))):
            back = act.BACKWARD[self.activations[i]](a[i + 1], delta @ self.weights[i + 1])
            zhat, inv = kept[i]
            g_zhat = back * self.gammas[i]
            # through the batch's own mean and std: every z of a neuron moves them all
            delta = inv / n * (n * g_zhat - g_zhat.sum(axis=0) - zhat * (g_zhat * zhat).sum(axis=0))
            grads[:0] = [delta.T @ a[i], (back * zhat).sum(axis=0), back.sum(axis=0)]
        if l2:
            for k, w in zip(range(0, len(grads), 3), self.weights, strict=True):
                grads[k] = grads[k] + l2 * w
                cost += 0.5 * l2 * float((w**2).sum())
        return cost, grads, a[-1]

    def fold(self, x: np.ndarray) -> Network:
        """The plain network this one stands for: each hidden layer standardised by the mean
        and std its weighted inputs have over x (the training images, as training sees them)."""
        layers, a = [], np.asarray(x, self.weights[0].dtype)
        for w, gamma, beta, f in self._hidden():
            z = a @ w.T
            scale = gamma / np.sqrt(z.var(axis=0) + EPS)
            layer = Layer(w * scale[:, None], beta - scale * z.mean(axis=0), f)
            layers.append(layer)
            a = layer.forward(a)
        layers.append(Layer(self.weights[-1].copy(), self.bias.copy(), self.activations[-1]))
        return Network(layers)
