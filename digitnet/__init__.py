"""digitnet: the handwritten-digit network from 3Blue1Brown's "But what is a neural network?".

784 input neurons (28x28 pixels), hidden layers, 10 output neurons; one layer to the next
is ``a' = f(W a + b)``.

>>> import digitnet
>>> digitnet.predict("three.png").digit  # doctest: +SKIP
3

A picture is a path, the file's bytes, a binary file object, a PIL image or a NumPy array
(rows x columns of gray, or x 3 RGB / x 4 RGBA). The package imports nothing heavy until a
function is called, so that the command line starts fast.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, Literal

from digitnet.limits import MAX_PIXELS
from digitnet.version import __version__

if TYPE_CHECKING:
    from digitnet.nn.network import Network
    from digitnet.predicting.classify import Answer
    from digitnet.reading.reader import Reading

__all__ = [
    "Answer",
    "Network",
    "Reading",
    "__version__",
    "load_model",
    "predict",
    "predict_many",
    "read",
]


def load_model(model: str | os.PathLike | Network = "default") -> Network:
    """A network: a shipped model's name (default, lesson, large), a .npz file's path, or
    a Network, returned as it is. Raises digitnet.errors.ModelFileError saying why not."""
    from digitnet.nn.network import Network
    from digitnet.saved import shipped

    if isinstance(model, Network):
        return model
    return shipped.load(os.fspath(model))


def predict(
    picture: Any, model: str | os.PathLike | Network = "default", *, max_pixels: int = MAX_PIXELS
) -> Answer:
    """The digit in one picture, as ``digitnet predict`` answers it: an Answer with
    ``digit``, ``confidence``, ``outputs`` (the 10 output activations) and ``top(k)``.
    Raises digitnet.errors.PictureError (``path``, ``reason``) when it has none."""
    ((name, source),) = _named([picture], numbered=False)
    from digitnet.errors import PictureError
    from digitnet.predicting.classify import answer_of

    answer = answer_of(load_model(model), source, max_pixels, name)
    if answer.error is not None:
        raise PictureError(answer.path, answer.error)
    return answer


def predict_many(
    pictures: Iterable[Any],
    model: str | os.PathLike | Network = "default",
    *,
    jobs: int = 1,
    errors: Literal["raise", "keep"] = "raise",
    max_pixels: int = MAX_PIXELS,
) -> Iterator[Answer]:
    """An Answer for each picture, in input order, a batch at a time (one matrix product
    per layer). ``jobs`` > 1 decodes files given by path in that many processes. With
    ``errors="raise"`` a picture with no answer raises PictureError; with ``"keep"`` its
    Answer carries ``error`` (why) and no digit, and the others go on, as the CLI does."""
    from digitnet.errors import PictureError
    from digitnet.predicting import classify as batches

    net = load_model(model)
    pictures = pictures if isinstance(pictures, list) else list(pictures)
    if all(isinstance(p, (str, os.PathLike)) for p in pictures):
        found = batches.answers(net, [os.fspath(p) for p in pictures], max_pixels, jobs)
    else:
        found = batches.answers_of_pictures(net, _named(pictures), max_pixels)
    for answer in found:
        if answer.error is not None and errors == "raise":
            raise PictureError(answer.path, answer.error)
        yield answer


def read(
    picture: Any, model: str | os.PathLike | Network = "default", *, max_pixels: int = MAX_PIXELS
) -> Reading:
    """The number written in a picture, digit by digit, as ``digitnet read`` reads it: a
    Reading (``number()``, ``text()``, ``digits``, ``confidence``, ``to_dict()``). Raises
    PictureError when it holds no number.

    >>> digitnet.read("meter.jpg").number()  # doctest: +SKIP
    '04512'
    """
    from digitnet.errors import PictureError
    from digitnet.reading import reader

    ((name, source),) = _named([picture], numbered=False)
    result = reader.result_of(load_model(model), source, max_pixels, name)
    if result.error is not None:
        raise PictureError(result.path, result.error)
    return result.reading


def _named(pictures: list, numbered: bool = True) -> list[tuple[str, Any]]:
    """Each picture with the name its answer reports: its path or file name, else what it
    is ('<array>'), with its place in the list when ``numbered`` ('<array 2>')."""
    out = []
    for i, p in enumerate(pictures):
        if isinstance(p, (str, os.PathLike)):
            out.append((os.fspath(p), os.fspath(p)))
            continue
        name = getattr(p, "filename", None) or getattr(p, "name", None)
        if not isinstance(name, str) or not name:
            kind = type(p).__name__.lower().replace("ndarray", "array")
            name = f"<{kind} {i}>" if numbered else f"<{kind}>"
        out.append((name, p))
    return out


def __getattr__(name: str):
    # the types the functions return, importable as digitnet.Answer and so on
    if name == "Answer":
        from digitnet.predicting.classify import Answer

        return Answer
    if name == "Reading":
        from digitnet.reading.reader import Reading

        return Reading
    if name == "Network":
        from digitnet.nn.network import Network

        return Network
    if name == "errors":  # digitnet.errors.PictureError, before any picture was read
        import importlib

        return importlib.import_module("digitnet.errors")
    raise AttributeError(f"module 'digitnet' has no attribute {name!r}")
