"""The models that ship with digitnet, and how ``--model`` picks one.

``--model`` takes a short name (``default``, ``lesson``, ``large``) or a path to a .npz
file; without it, $DIGITNET_MODEL, and then the default model.
"""

from __future__ import annotations

import os

from digitnet.errors import ModelFileError

MODEL_ENV = "DIGITNET_MODEL"
DEFAULT = "default"
DESCRIPTIONS = {
    "default": "784-16-16-10, ReLU: the lesson's shape, trained the modern way",
    "lesson": "784-16-16-10, sigmoid throughout: the lesson's own network",
    "large": "a larger fully-connected network, for the best answer",
}


def models_dir() -> str:
    """The folder of shipped models, wherever digitnet is installed.

    It is a plain folder of package data. Paths here are strings (os.path): importlib.resources
    or pathlib would cost a one-image run more start-up time than the rest of this module."""
    import importlib.util

    spec = importlib.util.find_spec("digitnet.models")  # package data: found, not run
    if spec is None or spec.origin is None:  # run from a source checkout: models/ beside it
        return os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "models")
    return os.path.dirname(spec.origin)


def names() -> list[str]:
    """The shipped models' names."""
    return list(DESCRIPTIONS)


def resolve(spec: str | None = None) -> str:
    """The model file that ``--model spec`` means."""
    spec = spec or os.environ.get(MODEL_ENV) or DEFAULT
    if spec in DESCRIPTIONS:
        return os.path.join(models_dir(), f"{spec}.npz")
    path = os.path.expanduser(spec)
    if not path.endswith(".npz") and not os.path.lexists(path):
        raise ModelFileError(
            f"{spec}: no such model; use one of {', '.join(DESCRIPTIONS)} or a path to a .npz file"
        )
    return path


def load(spec: str | None = None):
    """Load the network that ``--model spec`` names (see resolve)."""
    from digitnet.saved import modelfile

    return modelfile.load(resolve(spec))
