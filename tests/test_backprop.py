"""Backpropagation checked against numerical gradients, for every layer and activation."""

import numpy as np
import pytest

from digitnet.nn import losses
from digitnet.nn.backprop import gradients
from digitnet.nn.network import Network

CASES = [
    ("relu", "softmax", "crossentropy"),
    ("sigmoid", "softmax", "crossentropy"),
    ("sigmoid", "sigmoid", "crossentropy"),
    ("relu", "sigmoid", "quadratic"),
    ("sigmoid", "sigmoid", "quadratic"),
    ("relu", "softmax", "quadratic"),
]


def numerical(cost, param: np.ndarray, entries, eps: float = 1e-6) -> np.ndarray:
    """Central differences of ``cost()`` with respect to the given entries of ``param``."""
    grad = []
    for idx in entries:
        old = param[idx]
        param[idx] = old + eps
        up = cost()
        param[idx] = old - eps
        down = cost()
        param[idx] = old
        grad.append((up - down) / (2 * eps))
    return np.array(grad)


@pytest.mark.parametrize("hidden,output,loss", CASES)
@pytest.mark.parametrize("l2", [0.0, 0.01])
def test_gradients_match_numerical_ones(hidden, output, loss, l2):
    rng = np.random.default_rng(0)
    net = Network.create([784, 5, 4, 10], hidden, output, rng=rng, dtype=np.float64)
    x = rng.uniform(0, 1, (3, 784))
    for layer in net.layers:  # biases away from zero keep ReLU kinks out of the differences
        layer.biases += rng.uniform(0.05, 0.2, layer.biases.shape)
    y = losses.one_hot(np.array([1, 7, 3]), np.float64)
    g = gradients(net, x, y, loss, l2)

    def cost():
        return gradients(net, x, y, loss, l2).cost

    for i, layer in enumerate(net.layers):
        # every weight of the small layers; 60 random ones of the 3,920 in the first
        all_w = list(np.ndindex(layer.weights.shape))
        pick = rng.choice(len(all_w), min(60, len(all_w)), replace=False)
        entries = [all_w[k] for k in pick]
        want = numerical(cost, layer.weights, entries)
        got = np.array([g.weights[i][e] for e in entries])
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-9, err_msg=f"W{i + 1}")
        want_b = numerical(cost, layer.biases, list(np.ndindex(layer.biases.shape)))
        np.testing.assert_allclose(g.biases[i], want_b, rtol=1e-5, atol=1e-9, err_msg=f"b{i + 1}")


def test_soft_targets_give_the_cross_entropy_gradient_too():
    rng = np.random.default_rng(3)
    net = Network.create([784, 6, 10], "relu", "softmax", rng=rng, dtype=np.float64)
    x = rng.uniform(0, 1, (2, 784))
    y = rng.dirichlet(np.ones(10), 2)  # targets that are distributions, as in distillation
    g = gradients(net, x, y)
    entries = list(np.ndindex(net.layers[1].weights.shape))
    want = numerical(lambda: gradients(net, x, y).cost, net.layers[1].weights, entries)
    np.testing.assert_allclose([g.weights[1][e] for e in entries], want, rtol=1e-5, atol=1e-9)


def test_l2_adds_to_cost_and_gradient():
    rng = np.random.default_rng(1)
    net = Network.create([784, 3, 10], "relu", "softmax", rng=rng, dtype=np.float64)
    x = rng.uniform(0, 1, (2, 784))
    y = losses.one_hot(np.array([0, 9]), np.float64)
    plain, decayed = gradients(net, x, y, l2=0), gradients(net, x, y, l2=0.5)
    squares = sum(float((layer.weights**2).sum()) for layer in net.layers)
    assert decayed.cost == pytest.approx(plain.cost + 0.25 * squares)
    np.testing.assert_allclose(decayed.weights[0] - plain.weights[0], 0.5 * net.layers[0].weights)
    np.testing.assert_allclose(decayed.biases[0], plain.biases[0])
