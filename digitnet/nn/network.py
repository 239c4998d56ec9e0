"""The network itself: layers of weights W, biases b and an activation f.

A batch of N images is an N x 784 array; each layer is one matrix product,
``A' = f(A W^T + b)``, which is the lesson's ``a' = f(W a + b)`` for every row at once.
"""

from __future__ import annotations

import numpy as np

from digitnet.nn import functions as act

INPUTS = 784  # 28 x 28 pixels
OUTPUTS = 10  # one neuron per digit


class Layer:
    """One step ``a' = f(W a + b)``. W has shape (outputs, inputs), b has shape (outputs,)."""

    # A plain class: importing dataclasses would cost a one-image run more than all of this.
    __slots__ = ("weights", "biases", "activation")

    def __init__(self, weights: np.ndarray, biases: np.ndarray, activation: str):
        self.weights, self.biases, self.activation = weights, biases, activation

    @property
    def inputs(self) -> int:
        return self.weights.shape[1]

    @property
    def outputs(self) -> int:
        return self.weights.shape[0]

    def forward(self, a: np.ndarray) -> np.ndarray:
        z = a @ self.weights.T
        z += self.biases  # in place: the same sums as ``a @ W.T + b``, one array fewer
        return act.FORWARD[self.activation](z)


class Network:
    """A stack of layers; ``net.forward(x)`` maps N x 784 activations to N x 10."""

    def __init__(self, layers: list[Layer], metadata: dict | None = None):
        self.layers = layers
        self.metadata = metadata if metadata is not None else {}

    @classmethod
    def create(
        cls,
        sizes: list[int],
        hidden: str = "relu",
        output: str = "softmax",
        rng: np.random.Generator | None = None,
        dtype: type = np.float32,
    ) -> Network:
        """A freshly initialised network, e.g. ``Network.create([784, 16, 16, 10])``.

        He initialisation for ReLU layers, Glorot (Xavier) for the others, so signals keep
        their size from layer to layer; biases start at zero.
        """
        rng = rng if rng is not None else np.random.default_rng()
        layers = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
            f = output if i == len(sizes) - 2 else hidden
            scale = np.sqrt(2 / n_in) if f == "relu" else np.sqrt(2 / (n_in + n_out))
            w = (rng.standard_normal((n_out, n_in)) * scale).astype(dtype)
            layers.append(Layer(w, np.zeros(n_out, dtype=dtype), f))
        return cls(layers)

    @property
    def sizes(self) -> list[int]:
        return [self.layers[0].inputs] + [layer.outputs for layer in self.layers]

    @property
    def parameter_count(self) -> int:
        return sum(layer.weights.size + layer.biases.size for layer in self.layers)

    @property
    def dtype(self) -> np.dtype:
        return self.layers[0].weights.dtype

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Output activations (N x 10) for input activations x (N x 784, values in [0, 1])."""
        a = np.asarray(x, dtype=self.dtype)
        for layer in self.layers:
            a = layer.forward(a)
        return a

    def activations(self, x: np.ndarray) -> list[np.ndarray]:
        """Every layer's activations, input first: [x, a1, a2, ..., output]."""
        out = [np.asarray(x, dtype=self.dtype)]
        for layer in self.layers:
            out.append(layer.forward(out[-1]))
        return out

    def predict(self, x: np.ndarray) -> np.ndarray:
        """The brightest output neuron for each row of x."""
        return self.forward(x).argmax(axis=1)

    def describe(self) -> str:
        """Short architecture string such as ``784-16-16-10 relu/softmax``."""
        fs = sorted({layer.activation for layer in self.layers[:-1]})
        return "-".join(map(str, self.sizes)) + f" {'/'.join(fs)}/{self.layers[-1].activation}"
