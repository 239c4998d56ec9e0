"""Numbers that describe a network: its layers, their sizes and their weight statistics."""

from __future__ import annotations

import numpy as np

from digitnet.network import Network


def stats(values: np.ndarray) -> dict[str, float]:
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
