"""What a model file says about its network: the metadata schema, defined once.

A model file's ``metadata`` is one JSON object. Every key digitnet writes is listed here
with its meaning; docs/model-file.md names the same keys, and
tests/test_metadata.py checks that the two agree and that a trained model and the shipped
ones write nothing unlisted. Readers use ``.get``: a file made another way may leave out
any key but ``format`` and ``format_version``.
"""

from __future__ import annotations

import os
from dataclasses import asdict
from datetime import datetime, timezone

FORMAT = "digitnet-model"
FORMAT_VERSION = 1

# Top-level keys. ``format``, ``format_version`` and ``architecture`` are written by
# digitnet.saved.modelfile for every file; the rest describe how the network was made.
FIELDS = {
    "format": 'always "digitnet-model"',
    "format_version": "1: this schema",
    "architecture": "sizes (neurons per layer), activations (per layer), parameters (count)",
    "training": "how the network was trained (TRAINING_FIELDS)",
    "test_accuracy": "a fraction: measured once on the MNIST test images, after training",
    "test_images": "how many test images test_accuracy was measured on",
    "purpose": "for a network made for one job of digitnet read (models/judge.npz, "
    "models/parts.npz): what it does",
    "held_out_accuracy": "for such a network: its accuracy on examples kept out of training",
    "held_out_examples": "how many examples held_out_accuracy was measured on",
}

# Keys of ``training``.
TRAINING_FIELDS = {
    "command": "the exact command that made the file",
    "epochs": "passes over the training images",
    "seed": "the random seed: the same seed, data and command give the same file",
    "date": "the day of the run (or $SOURCE_DATE_EPOCH's), ISO 8601",
    "digitnet_version": "the digitnet that trained it",
    "config": "every training option (digitnet.training.train.TrainConfig)",
    "data": "what it learned from",
    "train_images": "how many images it learned from",
    "validation_images": "how many training images were held out to watch for overfitting",
    "validation_accuracy": "its accuracy on them after the last epoch kept",
    "best_epoch": "with --save-best: the epoch whose network the file holds",
}


# The type each top-level key must have where it is given (None is always allowed): a file
# made by hand with test_accuracy "high" must be refused on loading, not crash inspect.
TYPES = {
    "training": dict,
    "test_accuracy": float,  # a fraction 0..1
    "test_images": int,
    "purpose": str,
    "held_out_accuracy": float,
    "held_out_examples": int,
}


def check_types(meta: dict) -> str | None:
    """What is wrong with the types of a model file's metadata, or None."""
    for key, kind in TYPES.items():
        value = meta.get(key)
        if value is None:
            continue
        if kind is float:
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            ok = ok and 0 <= value <= 1
        else:
            ok = isinstance(value, kind) and not isinstance(value, bool)
        if not ok:
            want = {float: "a fraction 0..1", int: "a whole number", str: "a string"}.get(
                kind, "an object"
            )
            return f"{key} is {json_type(value)}, expected {want}"
    return None


def json_type(value) -> str:
    """A value's JSON type, as the schema names it (string, number, ...)."""
    import json

    return json.dumps(value)[:40]


def training_record(config, command: str, **extra) -> dict:
    """``training``: how a network was trained (``config`` a TrainConfig). The date is
    $SOURCE_DATE_EPOCH's when set (reproducible builds), else today's (UTC)."""
    from digitnet.version import __version__

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else datetime.now(timezone.utc)
    record = {
        "command": command,
        "epochs": config.epochs,
        "seed": config.seed,
        "date": when.date().isoformat(),
        "digitnet_version": __version__,
        "config": asdict(config),
        **extra,
    }
    return record


def model_metadata(training: dict, test=None) -> dict:
    """A trained digit classifier's metadata: how it was trained and, when measured, its
    MNIST test accuracy (``test``: a digitnet.nn.evaluate.Evaluation)."""
    return {
        "training": training,
        "test_accuracy": test.accuracy if test is not None else None,
        "test_images": test.n if test is not None else None,
    }


def file_metadata(metadata: dict, architecture: dict) -> dict:
    """What a model file holds: the format's own keys, then the network's metadata."""
    meta = {"format": FORMAT, "format_version": FORMAT_VERSION, **metadata}
    return {**meta, "architecture": architecture}


def job_metadata(
    purpose: str,
    held_out: float,
    held_examples: int,
    config,
    command: str,
    data: str,
    train_images: int,
    **measured,
) -> dict:
    """The metadata of a network made for one job of digitnet read (the judge, the part
    reader; ``config`` a TrainConfig): ``measured`` adds its accuracy on other examples
    (test_accuracy, test_images)."""
    return {
        "purpose": purpose,
        "held_out_accuracy": held_out,
        "held_out_examples": held_examples,
        **measured,
        "training": training_record(config, command, data=data, train_images=train_images),
    }
