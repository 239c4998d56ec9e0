"""The rows that machine-readable output prints: one per answer, reading or model.

The CLI's ``--format json`` and ``digitnet serve``'s API print the same rows, from here.
"""

from __future__ import annotations

_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def shown(name: str, controls: bool = True) -> str:
    """A file name as output shows it: bytes that are not UTF-8 (kept by Python as lone
    surrogates) as \\xNN, and with ``controls`` a newline, a tab or an escape as \\n, \\t,
    \\x1b, so one answer stays one line and a name cannot drive the terminal."""
    if name.isprintable():
        return name
    out = []
    for ch in name:
        if "\udc80" <= ch <= "\udcff":  # os.fsdecode's stand-in for an undecodable byte
            out.append(f"\\x{ord(ch) - 0xDC00:02x}")
        elif controls and not ch.isprintable() and ch != " ":
            code = ord(ch)
            out.append(_ESCAPES.get(ch) or (f"\\x{code:02x}" if code < 256 else f"\\u{code:04x}"))
        else:
            out.append(ch)
    return "".join(out)


def answer_row(ans, top: int = 1, below: bool = False) -> dict:
    """``predict --format json``'s object for one Answer; ``below`` means under --threshold
    (its digit is null)."""
    path = shown(ans.path, controls=False)
    if ans.error is not None:
        return {"path": path, "digit": None, "error": ans.error}
    row = {
        "path": path,
        "digit": None if below else ans.digit,
        "confidence": round(ans.confidence, 6),
        "activations": [round(float(v), 6) for v in ans.outputs],
    }
    if top > 1:
        row["top"] = [{"digit": d, "activation": round(v, 6)} for d, v in ans.top(top)]
    return row


def reading_row(result, digits_only: bool = False, threshold: float | None = None) -> dict:
    """``read --format json``'s object for one reader Result."""
    path = shown(result.path, controls=False)
    if result.error is not None:
        return {"path": path, "number": None, "error": result.error}
    return {"path": path, **result.reading.to_dict(digits_only, threshold)}


def model_row(name: str | None, net, values: bool = False) -> dict:
    """``inspect weights --format json``'s object; ``values`` adds every weight and bias
    (weight_values[neuron][input], bias_values[neuron])."""
    from digitnet.show.summary import summarise

    info = summarise(net)
    if values:
        for entry, layer in zip(info["layers"], net.layers, strict=True):
            entry["weight_values"] = layer.weights.astype(float).tolist()
            entry["bias_values"] = layer.biases.astype(float).tolist()
    return {"model": name or "default", **info}


def activations_row(path: str, x, layers) -> dict:
    """``inspect image --format json``'s object: the answer, the 784 inputs and every
    layer's activations after the input."""
    answer = int(layers[-1].argmax())
    return {
        "path": path,
        "digit": answer,
        "confidence": round(float(layers[-1][answer]), 6),
        "input": [round(float(v), 6) for v in x],
        "layers": [[round(float(v), 6) for v in a] for a in layers[1:]],
    }
