"""Batch normalisation while training: its gradients, and the plain network it folds into."""

import numpy as np
import pytest
from test_backprop import numerical

from digitnet.nn import losses
from digitnet.nn.network import Network
from digitnet.nn.normalised import NormalisedNetwork

CASES = [
    ("relu", "softmax", "crossentropy"),
    ("sigmoid", "sigmoid", "crossentropy"),
    ("sigmoid", "softmax", "quadratic"),
]


def normalised(hidden: str, output: str, seed: int = 0) -> NormalisedNetwork:
    """A small normalised network whose gammas and betas are not the initial 1 and 0."""
    rng = np.random.default_rng(seed)
    net = NormalisedNetwork(Network.create([784, 5, 4, 10], hidden, output, rng, np.float64))
    for gamma, beta in zip(net.gammas, net.betas, strict=True):
        gamma += rng.uniform(-0.5, 0.5, gamma.shape)
        beta += rng.uniform(0.05, 0.3, beta.shape)  # keeps ReLU kinks out of the differences
    return net


@pytest.mark.parametrize("hidden,output,loss", CASES)
@pytest.mark.parametrize("l2", [0.0, 0.01])
def test_gradients_match_numerical_ones(hidden, output, loss, l2):
    net = normalised(hidden, output)
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 1, (6, 784))
    y = losses.one_hot(np.array([1, 7, 3, 2, 2, 9]), np.float64)
    _, grads, _ = net.gradients(x, y, loss, l2)
    names = ["W1", "gamma1", "beta1", "W2", "gamma2", "beta2", "W3", "b3"]
    for name, param, grad in zip(names, net.params, grads, strict=True):
        every = list(np.ndindex(param.shape))
        entries = [every[k] for k in rng.choice(len(every), min(40, len(every)), replace=False)]
        want = numerical(lambda: net.gradients(x, y, loss, l2)[0], param, entries)
        got = np.array([grad[e] for e in entries])
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-9, err_msg=name)


@pytest.mark.parametrize("hidden,output", [("relu", "softmax"), ("sigmoid", "sigmoid")])
def test_the_folded_network_answers_as_the_batch_did(hidden, output):
    """Folded with a batch's own mean and std, the plain network gives that batch exactly
    the outputs training computed for it."""
    net = normalised(hidden, output, seed=2)
    x = np.random.default_rng(3).uniform(0, 1, (50, 784))
    _, _, during = net.gradients(x, losses.one_hot(np.zeros(50, int), np.float64))
    plain = net.fold(x)
    np.testing.assert_allclose(plain.forward(x), during, rtol=1e-9, atol=1e-12)
    assert plain.sizes == [784, 5, 4, 10]
    assert [layer.activation for layer in plain.layers] == [hidden, hidden, output]


def test_folding_standardises_each_hidden_neuron_over_the_images():
    net = normalised("relu", "softmax", seed=4)
    x = np.random.default_rng(5).uniform(0, 1, (200, 784))
    first = net.fold(x).layers[0]
    z = x @ first.weights.T + first.biases  # gamma (z - mean) / std + beta, per neuron
    np.testing.assert_allclose(z.mean(axis=0), net.betas[0], atol=1e-9)
    np.testing.assert_allclose(z.std(axis=0), np.abs(net.gammas[0]), rtol=1e-4)
