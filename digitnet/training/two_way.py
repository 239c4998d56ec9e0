"""A two-way network of ``read``'s and ``predict``'s (the text and sign networks): a digitnet
model file of 10 outputs of which the first two are trained, learned from examples made by
a script in models/, measured on the share held out, and saved with its record."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from digitnet.nn.network import Network
from digitnet.saved import modelfile
from digitnet.saved.metadata import job_metadata
from digitnet.training.train import TrainConfig, train


def trained(
    config: TrainConfig, x: np.ndarray, y: np.ndarray, held_out: float, record: dict, out: Path
) -> Network:
    """The network learned from all but the last ``held_out`` share of (x, y), its accuracy
    on those measured, saved to ``out`` with ``record`` (job_metadata's purpose, command and
    data, and "kinds": what outputs 0 and 1 are, to print); prints what it learned from and
    what it wrote."""
    started = time.perf_counter()
    first, second = record["kinds"]
    print(f"{len(x):,} examples: {first} and {second} ({(y == 1).mean():.0%})", flush=True)
    k = int(len(x) * (1 - held_out))
    net = train(config, x[:k], y[:k])
    accuracy = float((net.forward(x[k:])[:, :2].argmax(axis=1) == y[k:]).mean())
    net.metadata = job_metadata(
        record["purpose"], accuracy, len(x) - k, config, record["command"], record["data"], k
    )
    modelfile.save(net, out)
    print(
        f"held-out accuracy {accuracy:.2%} on {len(x) - k:,}; wrote {out}, "
        f"{time.perf_counter() - started:.0f} s training"
    )
    return net
