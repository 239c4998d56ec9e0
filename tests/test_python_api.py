"""The Python API: digitnet.predict, predict_many, read and load_model, on every kind of
picture, against what the command line answers for the same file."""

from __future__ import annotations

import importlib
import inspect
import io
import json
import pkgutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

import digitnet
from digitnet.cli import cli
from digitnet.errors import ModelFileError, PictureError

SAMPLES = Path(__file__).resolve().parents[1] / "digitnet" / "samples"
DIGITS = sorted(SAMPLES.glob("mnist-*.png")) + [SAMPLES / "three.png", SAMPLES / "photo-4.jpg"]


def cli_outputs(path: Path, model: str = "default") -> list[float]:
    out = CliRunner().invoke(cli, ["predict", str(path), "-m", model, "--format", "json"])
    return json.loads(out.stdout)["activations"]


def gray(path: Path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("L"))


KINDS = {
    "str path": lambda p: str(p),
    "Path": lambda p: p,
    "bytes": lambda p: p.read_bytes(),
    "file object": lambda p: io.BytesIO(p.read_bytes()),
    "PIL image": lambda p: Image.open(p),
    "PIL RGB": lambda p: Image.open(p).convert("RGB"),
    "uint8 array": gray,
    "float array 0..1": lambda p: gray(p) / 255.0,
    "RGB array": lambda p: np.asarray(Image.open(p).convert("RGB")),
    "RGBA array": lambda p: np.asarray(Image.open(p).convert("RGBA")),
}


@pytest.mark.parametrize("kind", KINDS)
def test_predict_takes_every_kind_of_picture_and_answers_as_the_cli(kind):
    for path in DIGITS:
        answer = digitnet.predict(KINDS[kind](path))
        expected = cli_outputs(path)
        assert [round(float(v), 6) for v in answer.outputs] == expected, path.name
        assert answer.digit == int(np.argmax(expected))
        assert answer.confidence == pytest.approx(max(expected), abs=1e-6)


@pytest.mark.parametrize("kind", KINDS)
def test_read_takes_every_kind_of_picture(kind):
    photo = SAMPLES / "number-photo.jpg"
    cli_number = json.loads(
        CliRunner().invoke(cli, ["read", str(photo), "--format", "json"]).stdout
    )["number"]
    assert digitnet.read(KINDS[kind](photo)).number() == cli_number == "12,480\n07-31"


def test_predict_many_keeps_order_and_names_what_has_no_name(tmp_path):
    pictures = [DIGITS[0], DIGITS[1].read_bytes(), gray(DIGITS[2]), Image.open(DIGITS[3])]
    answers = list(digitnet.predict_many(pictures, "large"))
    assert [a.path for a in answers] == [str(DIGITS[0]), "<bytes 1>", "<array 2>", str(DIGITS[3])]
    assert [a.digit for a in answers] == [int(p.stem[-1]) for p in DIGITS[:4]]


def test_predict_many_in_processes_equals_one_process():
    """The same answers; the outputs to the last bits of a float32 only: batches form as
    the workers' pictures arrive, and a matrix product's rounding depends on its shape."""
    paths = [str(p) for p in DIGITS] * 5
    one = list(digitnet.predict_many(paths))
    two = list(digitnet.predict_many(paths, jobs=2))
    assert [a.digit for a in one] == [a.digit for a in two] and len(one) == len(paths)
    np.testing.assert_allclose([a.outputs for a in one], [a.outputs for a in two], atol=1e-6)


def test_errors_carry_the_picture_and_the_reason(tmp_path):
    missing = tmp_path / "nothing.png"
    with pytest.raises(PictureError) as e:
        digitnet.predict(missing)
    assert (e.value.path, e.value.reason) == (str(missing), "no such file")
    assert str(e.value) == f"{missing}: no such file"
    with pytest.raises(PictureError) as e:
        digitnet.predict(b"not a picture")
    assert e.value.path == "<bytes>"
    assert e.value.reason == "not an image (or a format Pillow cannot read)"
    with pytest.raises(PictureError) as e:
        digitnet.predict(np.zeros((3, 4, 5)))
    assert e.value.reason.startswith("an array of shape (3, 4, 5) is no picture")
    with pytest.raises(PictureError) as e:
        digitnet.read(np.full((100, 100), 255, np.uint8))
    assert e.value.path == "<array>" and "blank" in e.value.reason


def test_predict_many_keeps_or_raises_errors():
    pictures = [DIGITS[0], b"junk", DIGITS[1]]
    kept = list(digitnet.predict_many(pictures, errors="keep"))
    assert [a.error is None for a in kept] == [True, False, True]
    assert kept[1].digit is None and kept[1].path == "<bytes 1>"
    seen = []
    with pytest.raises(PictureError, match="<bytes 1>: not an image"):
        for answer in digitnet.predict_many(pictures):
            seen.append(answer.digit)
    assert seen == [7]


def test_load_model_by_name_path_and_object(tmp_path, model_path):
    lesson = digitnet.load_model("lesson")
    assert lesson.sizes == [784, 16, 16, 10]
    assert digitnet.load_model(lesson) is lesson
    assert digitnet.load_model(model_path).sizes == [784, 16, 16, 10]
    assert digitnet.predict(DIGITS[0], lesson).outputs.tolist() == pytest.approx(
        digitnet.predict(DIGITS[0], "lesson").outputs.tolist()
    )
    with pytest.raises(ModelFileError, match="nosuch: no such model"):
        digitnet.load_model("nosuch")


def test_the_types_are_importable_from_the_package():
    from digitnet.nn.network import Network
    from digitnet.predicting.classify import Answer
    from digitnet.reading.reader import Reading

    assert (digitnet.Answer, digitnet.Network, digitnet.Reading) == (Answer, Network, Reading)
    with pytest.raises(AttributeError):
        digitnet.nothing_here  # noqa: B018


def test_every_public_name_has_a_docstring():
    missing = []
    for info in pkgutil.walk_packages(digitnet.__path__, "digitnet."):
        if info.name.endswith("__main__") or info.name.startswith("digitnet.models"):
            continue
        module = importlib.import_module(info.name)
        if not module.__doc__:
            missing.append(info.name)
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                continue
            if (inspect.isfunction(obj) or inspect.isclass(obj)) and not obj.__doc__:
                missing.append(f"{info.name}.{name}")
    assert missing == []


def test_the_api_has_type_hints():
    for name in ("predict", "predict_many", "read", "load_model"):
        sig = inspect.signature(getattr(digitnet, name))
        assert sig.return_annotation is not inspect.Signature.empty, name
        assert all(p.annotation is not inspect.Parameter.empty for p in sig.parameters.values())


@pytest.mark.parametrize("kind", KINDS)
def test_preprocess_takes_every_kind_of_picture_too(kind):
    from digitnet.predicting import one_digit

    path = SAMPLES / "three.png"
    assert np.array_equal(one_digit.inputs(KINDS[kind](path)), one_digit.inputs(path))
