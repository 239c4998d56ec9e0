"""Numbers that describe a network: its layers, their sizes and their weight statistics."""

from __future__ import annotations

import numpy as np

from digitnet.nn.network import Network

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


def report(info: dict, model: str | None) -> list[str]:
    """``inspect weights``' report of summarise()'s ``info``, a line each: the layers, the
    weight statistics and how the model was trained."""
    lines = [f"model  {model or 'default'}  ({info['architecture']})", ""]
    lines.append("layer  inputs  outputs  activation  weights  biases")
    for layer in info["layers"]:
        lines.append(
            f"{layer['layer']:>5}  {layer['inputs']:>6}  {layer['outputs']:>7}  "
            f"{layer['activation']:<10}  {layer['weights']:>7,}  {layer['biases']:>6,}"
        )
    lines += [f"total  {info['total_parameters']:,} weights and biases", ""]
    lines.append("layer  values        min        max       mean        std")
    for layer in info["layers"]:
        for kind, label in (("weight", "weights"), ("bias", "biases")):
            s = layer[f"{kind}_stats"]
            lines.append(
                f"{layer['layer']:>5}  {label:<7} {s['min']:>10.4f} {s['max']:>10.4f} "
                f"{s['mean']:>10.4f} {s['std']:>10.4f}"
            )
    meta = info["metadata"]
    if not meta:
        return lines
    lines.append("")
    if (acc := meta.get("test_accuracy")) is not None:
        lines.append(f"test accuracy  {acc:.2%} on {_count(meta.get('test_images'))} MNIST images")
    training = meta.get("training", {})
    for key in ("command", "date", "epochs", "seed", "train_images", "validation_accuracy"):
        value = training.get(key)
        if value is not None:
            shown = f"{value:.2%}" if key == "validation_accuracy" else value
            lines.append(f"{key.replace('_', ' '):<14} {shown}")
    return lines


def _count(n) -> str:
    """A count with thousands separators, or '?' when the model file does not say."""
    return f"{n:,}" if isinstance(n, int) else "?"


def activations_report(name: str, net: Network, x: np.ndarray, layers, depth: str) -> list[str]:
    """``inspect image``'s report, a line each: the input as the network sees it, each
    layer's activations as bars (a wide layer's MOST_ACTIVE), and the answer; drawn at the
    colour ``depth`` (see digitnet.show.terminal)."""
    from digitnet.show.terminal import bar, render

    plain = depth == "none"
    answer = int(layers[-1].argmax())
    lines = [f"{name} as the network sees it (28x28):", *render(x.reshape(28, 28), depth)]
    for i, a in enumerate(layers[1:], start=1):
        last = i == len(layers) - 1
        shown, note = range(len(a)), ""
        if len(a) > MOST_ACTIVE:  # a wide layer: its most active neurons, in order
            shown, note = shown_neurons(a).tolist(), f", the {MOST_ACTIVE} most active shown"
        title = "output" if last else f"hidden layer {i}"
        lines += ["", f"{title} ({net.layers[i - 1].activation}, {len(a)} neurons{note}):"]
        top = float(a.max()) or 1.0
        for n in shown:
            v = a[n]
            # hidden ReLU activations are unbounded: their bars are scaled to the layer's largest
            length = v if last or net.layers[i - 1].activation != "relu" else v / top
            mark = "  <- answer" if last and n == answer else ""
            lines.append(f"{n:>4} {bar(float(length), plain=plain)} {v:7.3f}{mark}")
    return [*lines, "", f"answer: {answer} (activation {layers[-1][answer]:.3f})"]
