"""Numbers that describe a network: its layers, their sizes and their weight statistics."""

from __future__ import annotations

import numpy as np

from digitnet.network import Network

MOST_ACTIVE = 20  # a wider layer is shown by its most active neurons (text and pictures)


def shown_neurons(a: np.ndarray) -> np.ndarray:
    """The neurons of a layer worth showing, in order: all of them, or for a layer wider
    than MOST_ACTIVE its MOST_ACTIVE most active ones."""
    if len(a) <= MOST_ACTIVE:
        return np.arange(len(a))
    return np.sort(np.argsort(-a, kind="stable")[:MOST_ACTIVE])


def strongest_connections(
    net: Network, acts: list[np.ndarray], shown: list[np.ndarray], count: int
) -> list[list[tuple[int, int, float]]]:
    """For each pair of layers, the ``count`` strongest contributions w * a between the
    neurons shown (``shown[i]`` for layer i, the input first), strongest first, as
    (neuron in, neuron out, contribution): what the lesson's picture draws as lines."""
    out = []
    for i, layer in enumerate(net.layers):
        ins, outs = shown[i], shown[i + 1]
        contrib = layer.weights[np.ix_(outs, ins)] * acts[i][ins][None, :]
        strongest = np.argsort(-np.abs(contrib), axis=None, kind="stable")[:count]
        pairs = []
        for flat in strongest.tolist():
            j, k = divmod(flat, contrib.shape[1])
            pairs.append((int(ins[k]), int(outs[j]), float(contrib[j, k])))
        out.append(pairs)
    return out


def stats(values: np.ndarray) -> dict[str, float]:
    """min, max, mean and standard deviation, as plain floats."""
    v = values.astype(np.float64)
    return {
        "min": float(v.min()),
        "max": float(v.max()),
        "mean": float(v.mean()),
        "std": float(v.std()),
    }


def summarise(net: Network) -> dict:
    """Everything ``digitnet inspect weights`` reports, as plain JSON-ready data."""
    layers = [
        {
            "layer": i,
            "inputs": layer.inputs,
            "outputs": layer.outputs,
            "activation": layer.activation,
            "weights": int(layer.weights.size),
            "biases": int(layer.biases.size),
            "weight_stats": stats(layer.weights),
            "bias_stats": stats(layer.biases),
        }
        for i, layer in enumerate(net.layers, start=1)
    ]
    return {
        "architecture": net.describe(),
        "sizes": net.sizes,
        "layers": layers,
        "total_parameters": net.parameter_count,
        "dtype": str(net.dtype),
        "metadata": net.metadata,
    }
