"""The networks ``digitnet read`` asks beside the model it reads with: the judge (one
digit, or a piece or a pair?), the helper (a second opinion on cut parts) and the part
reader (trained on digits cut out of touching ones)."""

from __future__ import annotations

import functools
import os

import numpy as np

from digitnet.nn.network import Network
from digitnet.saved import modelfile, shipped

# The judge: an MNIST network reads two touching digits as one digit with confidence, and
# half a digit as another; the judge, trained on such parts, tells them from whole digits
# (docs/decisions.md, "The number reader's networks").
JUDGE_FILE = "judge.npz"


class Shipped:
    """read_pixels's default for each of these networks: the one that ships for the job,
    loaded when first needed (a number with no cut mark never loads the part reader)."""

    def __repr__(self) -> str:
        return "SHIPPED"


SHIPPED = Shipped()
JUDGE = SHIPPED  # the judge that ships in models/
# A second network's say joins each cut part's score (two networks reading a part the same
# way: likelier a well-cut digit); large helps every other network, default helps large.
HELPER = SHIPPED  # that second network
# The part reader: a digit cut out of touching ones keeps crumbs of its neighbour and loses
# some of its own strokes; a network trained on such parts reads them better. A cut part's
# answer is the two networks' together (together).
# The cuts are still chosen by the network's and the helper's say: a network taught to read
# badly cut parts reads every cut well, so it cannot tell good cuts from bad.
PARTS_FILE = "parts.npz"
PART_READER = SHIPPED  # the part reader that ships in models/
# The text network: an MNIST network reads a printed letter as some digit, surely; this one,
# trained on the letters and digits the reader reads (models/train_text.py), tells them apart.
TEXT_FILE = "text.npz"
TEXT = SHIPPED  # the text network that ships in models/
# The sign network: an MNIST network reads a letter, a printed sign or a heart drawn by hand
# as some digit, surely; this one, trained on digits and on marks that are none
# (models/train_signs.py), tells them apart, for predict and for read's lone marks.
SIGNS_FILE = "signs.npz"
SIGNS = SHIPPED  # the sign network that ships in models/


def second_network(net: Network) -> Network:
    """The helper for ``net`` (HELPER): the shipped large network, or the default for a
    network as big as large."""
    size = sum(layer.weights.size for layer in net.layers)
    large = shipped_network("large")
    big = size >= sum(w.weights.size for w in large.layers)
    return shipped_network("default") if big else large


@functools.cache
def shipped_network(name: str) -> Network:
    """A shipped model by its name, loaded once."""
    return shipped.load(name)


def together(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Two networks' outputs (rows of 10) as one: their geometric mean, summing to 1 (better
    than either alone or a weighted mean: docs/decisions.md, "The number reader's networks")."""
    both = np.sqrt(a * b)
    return both / np.maximum(both.sum(axis=1, keepdims=True), 1e-300)


@functools.cache
def shipped_part_reader() -> Network:
    """models/parts.npz: reads the digits cut out of touching ones (PART_READER)."""
    return model_file(PARTS_FILE)


@functools.cache
def shipped_text() -> Network:
    """models/text.npz: tells a digit (output 0) from a printed letter (output 1)."""
    return model_file(TEXT_FILE)


@functools.cache
def shipped_signs() -> Network:
    """models/signs.npz: tells a digit (output 0) from a mark that is none (output 1)."""
    return model_file(SIGNS_FILE)


@functools.cache
def shipped_judge() -> Network:
    """models/judge.npz: tells one digit (output 0) from a piece or a pair (output 1)."""
    return model_file(JUDGE_FILE)


def model_file(name: str) -> Network:
    """A model file of models/ that --model does not offer."""
    return modelfile.load(os.path.join(shipped.models_dir(), name))


def judged_one(judge: Network | None, x: np.ndarray) -> np.ndarray:
    """How likely each input (N x 784) is one whole digit, by the judge's first two outputs;
    all 1 without a judge."""
    if judge is None:
        return np.ones(len(x))
    return _share(judge.forward(x), 0)


def judged_letter(text: Network, x: np.ndarray) -> np.ndarray:
    """How likely each input (N x 784) is a printed letter, by the text network's first two
    outputs (0 a digit, 1 a letter)."""
    return _share(text.forward(x), 1)


def judged_sign(signs: Network, x: np.ndarray) -> np.ndarray:
    """How likely each input (N x 784) is no digit at all, by the sign network's first two
    outputs (0 a digit, 1 a letter, a sign or a drawn shape)."""
    return _share(signs.forward(x), 1)


def _share(out: np.ndarray, k: int) -> np.ndarray:
    """Output ``k``'s share of the first two: the two-way networks train only those."""
    return out[:, k] / np.maximum(out[:, 0] + out[:, 1], 1e-12)


def network(choice: Network | str | Shipped | None, shipped_one) -> Network | None:
    """The network a read_pixels argument names: a Network as it is, a shipped model's name
    or a .npz path loaded, SHIPPED the job's own (``shipped_one()``), None for none."""
    if choice is None or hasattr(choice, "forward"):  # a Network, or anything that reads
        return choice
    if isinstance(choice, Shipped):
        return shipped_one()
    return shipped.load(choice)
