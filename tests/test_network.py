import numpy as np
import pytest

from digitnet.nn import functions as act
from digitnet.nn.network import Network


@pytest.mark.parametrize("hidden", ["relu", "sigmoid"])
def test_forward_is_the_lesson_formula_for_every_image(hidden):
    rng = np.random.default_rng(0)
    net = Network.create([784, 16, 16, 10], hidden, "softmax", rng=rng, dtype=np.float64)
    x = rng.uniform(0, 1, (5, 784))
    out = net.forward(x)
    assert out.shape == (5, 10)
    for row, image in zip(out, x, strict=True):  # one image at a time, a' = f(W a + b)
        a = image
        for layer in net.layers:
            a = act.FORWARD[layer.activation](layer.weights @ a + layer.biases)
        np.testing.assert_allclose(row, a, rtol=1e-12)


def test_the_lesson_network_has_13002_parameters():
    net = Network.create([784, 16, 16, 10])
    assert net.parameter_count == 784 * 16 + 16 + 16 * 16 + 16 + 16 * 10 + 10 == 13_002
    assert net.sizes == [784, 16, 16, 10]
    assert net.describe() == "784-16-16-10 relu/softmax"


def test_activations_returns_every_layer_and_predict_the_brightest_neuron():
    rng = np.random.default_rng(1)
    net = Network.create([784, 16, 16, 10], rng=rng)
    x = rng.uniform(0, 1, (4, 784)).astype(np.float32)
    layers = net.activations(x)
    assert [a.shape for a in layers] == [(4, 784), (4, 16), (4, 16), (4, 10)]
    np.testing.assert_array_equal(layers[-1], net.forward(x))
    np.testing.assert_array_equal(net.predict(x), layers[-1].argmax(axis=1))


def test_initialisation_depends_on_the_seed_only():
    a = Network.create([784, 16, 10], rng=np.random.default_rng(5))
    b = Network.create([784, 16, 10], rng=np.random.default_rng(5))
    c = Network.create([784, 16, 10], rng=np.random.default_rng(6))
    np.testing.assert_array_equal(a.layers[0].weights, b.layers[0].weights)
    assert not np.array_equal(a.layers[0].weights, c.layers[0].weights)
    assert a.layers[0].weights.dtype == np.float32
