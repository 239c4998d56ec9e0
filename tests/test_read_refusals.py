"""digitnet read says "no number found" as clearly as it reads one: lines, dots, specks,
scribbles and empty frames are refused with their reason, over many generated pictures
(benchmarks/number_families.NOT_NUMBERS; benchmarks/read.py measures the same on more)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from number_families import NOT_NUMBERS  # noqa: E402

from digitnet import preprocess, shipped  # noqa: E402
from digitnet.cli import cli  # noqa: E402
from digitnet.errors import ImageError  # noqa: E402
from digitnet.predict import decode  # noqa: E402
from digitnet.reader import read_pixels  # noqa: E402

COUNT = 20  # pictures of each kind
REASONS = {  # what a refusal of each kind starts with
    "line": ("no number found (a line)",),
    "dot": ("no number found (a dot", "no number found (a speck"),
    "specks": ("no number found (specks)", "no number found (a speck"),
    "scribble": ("no number found (a scribble)",),
    "empty frame": ("no number found (only a frame)",),
}


def _pictures(kind: str, count: int = COUNT, seed: int = 0) -> list[bytes]:
    rng = np.random.default_rng(seed + list(NOT_NUMBERS).index(kind))
    return [NOT_NUMBERS[kind](rng, None) for _ in range(count)]


def _refusal(data: bytes, net) -> str | None:
    try:
        read_pixels(preprocess.gray_pixels(data), net)
    except ImageError as e:
        return str(e)
    return None


@pytest.fixture(scope="module")
def net():
    return shipped.load("default")


@pytest.mark.parametrize("kind", list(REASONS))
def test_read_refuses_pictures_that_hold_no_number_with_the_reason(kind, net):
    reasons = [_refusal(data, net) for data in _pictures(kind)]
    refused = [r for r in reasons if r is not None]
    assert len(refused) >= 0.95 * COUNT, reasons
    assert sum(r.startswith(REASONS[kind]) for r in refused) >= 0.9 * COUNT, refused


def test_predict_refuses_scribbles(net):
    refused = 0
    for data in _pictures("scribble"):
        try:
            decode(data, preprocess.MAX_PIXELS)
        except ImageError as e:
            refused += "a scribble" in str(e)
    assert refused >= 0.95 * COUNT


def test_read_refuses_in_every_format_and_reads_the_other_files(tmp_path, samples):
    line = tmp_path / "line.png"
    line.write_bytes(_pictures("line", 1)[0])
    number = samples / "number-photo.jpg"
    runner = CliRunner()
    text = runner.invoke(cli, ["read", str(line), str(number)])
    assert text.exit_code == 1
    assert f"digitnet: {line}: no number found (a line)" in text.stderr
    assert text.stdout.splitlines()[0].startswith(f"{number}\t")
    rows = runner.invoke(cli, ["read", "--format", "json", str(line), str(number)])
    first = json.loads(rows.stdout.splitlines()[0])
    assert first == {"path": str(line), "number": None, "error": "no number found (a line)"}
    table = runner.invoke(cli, ["read", "--format", "csv", str(line), str(number)])
    assert table.stdout.splitlines()[1] == f"{line},,,,no number found (a line)"


@pytest.mark.parametrize("family, least", [("stacked", 0.65), ("two lines", 0.95)])
def test_predict_refuses_digits_in_lines_saying_so(real_mnist, family, least):
    """Short numbers one above another ("12" over "345"): predict once answered a third of
    them with one confident digit. Refused now, and said to be lines of digits, whether
    the lines' digits stand apart or one digit over another joins into one shape."""
    from number_families import generate

    from digitnet import mnist

    images, labels = mnist.load(real_mnist, "test")
    said = []
    for number in generate(family, 40, images, labels):
        try:
            decode(number.data, preprocess.MAX_PIXELS)
            said.append(None)
        except ImageError as e:
            said.append(str(e))
    in_lines = sum(s is not None and "several digits in 2 lines: use 'digitnet read'" in s
                   for s in said)  # fmt: skip
    assert in_lines >= least * len(said), said
    assert said.count(None) <= 0.35 * len(said)  # the rest read as one digit (78% over 200)
