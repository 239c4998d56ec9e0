"""Optimisers that turn gradients into steps, and the learning-rate schedules they follow."""

from __future__ import annotations

import math

import numpy as np

NAMES = ("adam", "sgd")
SCHEDULES = ("cosine", "constant")
# Learning rates that train the lesson's network well in 30 epochs: Adam scales its own
# steps, so it needs a rate 100x smaller than plain SGD's.
DEFAULT_LR = {"adam": 0.001, "sgd": 0.1}


class SGD:
    """Stochastic gradient descent with (heavy-ball) momentum."""

    def __init__(self, params: list[np.ndarray], momentum: float = 0.9):
        self.params, self.momentum = params, momentum
        self.velocity = [np.zeros_like(p) for p in params]

    def step(self, grads: list[np.ndarray], lr: float) -> None:
        for p, g, v in zip(self.params, grads, self.velocity, strict=True):
            v *= self.momentum
            v -= lr * g
            p += v


class Adam:
    """Adam (Kingma & Ba): steps scaled by running estimates of each gradient's size."""

    def __init__(self, params: list[np.ndarray], beta1=0.9, beta2=0.999, eps=1e-8):
        self.params, self.beta1, self.beta2, self.eps = params, beta1, beta2, eps
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.t = 0

    def step(self, grads: list[np.ndarray], lr: float) -> None:
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        lr_t = lr * math.sqrt(1 - b2**self.t) / (1 - b1**self.t)  # bias correction
        for p, g, m, v in zip(self.params, grads, self.m, self.v, strict=True):
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * (g * g)
            p -= lr_t * m / (np.sqrt(v) + self.eps)


def make(name: str, params: list[np.ndarray], momentum: float = 0.9) -> SGD | Adam:
    return Adam(params) if name == "adam" else SGD(params, momentum)


def learning_rate(schedule: str, base: float, step: int, total: int) -> float:
    """The rate at ``step`` of ``total``: constant, or a cosine from ``base`` down to zero."""
    if schedule == "constant" or total <= 1:
        return base
    return 0.5 * base * (1 + math.cos(math.pi * step / total))
