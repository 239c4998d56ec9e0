"""Activation functions f, and how a gradient flows back through each.

Every backward rule is written in terms of the layer's *output* a = f(z), so backprop
only has to keep the activations the forward pass already computed.
"""

from __future__ import annotations

import numpy as np


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function 1 / (1 + e^-z), the lesson's squishification.

    exp is only ever taken of -|z| <= 0, so it cannot overflow or warn for any input.
    """
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e)).astype(z.dtype, copy=False)


def relu(z: np.ndarray) -> np.ndarray:
    """max(0, z): what modern networks use."""
    return np.maximum(z, 0)


def softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise e^z / sum(e^z); the largest z is subtracted first so exp never overflows."""
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def identity(z: np.ndarray) -> np.ndarray:
    """f(z) = z: a layer with no activation function."""
    return z


def sigmoid_backward(a: np.ndarray, grad: np.ndarray) -> np.ndarray:
    """The gradient through a sigmoid, from its output a: sigma' = a (1 - a)."""
    return grad * a * (1 - a)


def relu_backward(a: np.ndarray, grad: np.ndarray) -> np.ndarray:
    """The gradient through a ReLU: passed where the neuron was active."""
    return grad * (a > 0)


def softmax_backward(a: np.ndarray, grad: np.ndarray) -> np.ndarray:
    """The gradient through a softmax, from its output a."""
    # Jacobian-vector product of softmax: a * (g - <g, a>), row by row.
    return a * (grad - (grad * a).sum(axis=-1, keepdims=True))


def identity_backward(a: np.ndarray, grad: np.ndarray) -> np.ndarray:
    """The gradient through the identity: unchanged."""
    return grad


FORWARD = {"sigmoid": sigmoid, "relu": relu, "softmax": softmax, "identity": identity}
BACKWARD = {
    "sigmoid": sigmoid_backward,
    "relu": relu_backward,
    "softmax": softmax_backward,
    "identity": identity_backward,
}
NAMES = tuple(FORWARD)
HIDDEN = ("relu", "sigmoid")  # what a trained network's hidden layers may use
OUTPUT = ("softmax", "sigmoid")  # and its output layer
