"""digitnet evaluate: on MNIST and on a folder of the user's own labelled pictures."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from click.testing import CliRunner
from helpers import drawn_digit
from PIL import Image

from digitnet.cli import cli
from digitnet.data import mnist
from digitnet.data.labelled import labelled_pictures
from digitnet.errors import ImageError
from digitnet.nn.evaluate import caption, evaluate
from digitnet.predicting import one_digit
from digitnet.saved import modelfile
from digitnet.show import pictures


def invoke(*args: str):
    return CliRunner().invoke(cli, ["evaluate", *args])


def _own_pictures(folder):
    """Eleven labelled pictures: nine drawn digits of different sizes and strokes, a blank
    page and a file that is not an image (both refused). Returns [(name, label)]."""
    folder.mkdir()
    made = []
    for k in range(9):
        name = f"d{k}.png"
        drawn_digit(60 + 30 * k, width=4 + k).save(folder / name)
        made.append((name, k % 10))
    Image.new("L", (40, 40), 255).save(folder / "blank.png")
    (folder / "junk.png").write_bytes(b"not a picture")
    return made + [("blank.png", 3), ("junk.png", 9)]


def _expected(net, folder, made):
    """What each picture should count as, worked out picture by picture."""
    rows = []
    for i, (name, label) in enumerate(made):
        try:
            out = net.forward(one_digit.inputs(str(folder / name))[None].astype("float64"))[0]
        except ImageError as e:
            rows.append((i, name, label, None, None, str(e)))
            continue
        rows.append((i, name, label, int(out.argmax()), float(out.max()), None))
    return rows


@pytest.fixture
def csv_folder(tmp_path):
    folder = tmp_path / "mine"
    made = _own_pictures(folder)
    lines = ["file,label"] + [f"{n},{label}" for n, label in made] + [""]
    (folder / "labels.csv").write_text("\n".join(lines))
    return folder, made


def test_evaluate_images_counts_answers_and_refusals(csv_folder, model_path):
    folder, made = csv_folder
    net = modelfile.load(model_path)
    rows = _expected(net, folder, made)
    result = invoke("--images", str(folder), "-m", str(model_path), "-f", "json", "--mistakes")
    assert result.exit_code == 0, result.output
    got = json.loads(result.stdout)
    answered = [r for r in rows if r[3] is not None]
    correct = sum(r[2] == r[3] for r in answered)
    assert (got["n"], got["correct"], got["refused"]) == (11, correct, 2)
    assert got["accuracy"] == correct / 11
    confusion = np.zeros((10, 10), int)
    for r in answered:
        confusion[r[2], r[3]] += 1
    assert got["confusion"] == confusion.tolist()
    want = [
        {
            "index": i,
            "file": str(folder / name),
            "label": label,
            "digit": digit,
            "confidence": None if conf is None else round(conf, 6),
            "error": error,
        }
        for i, name, label, digit, conf, error in rows
        if digit != label
    ]
    assert got["mistakes"] == want
    assert [m["error"] for m in want[-2:]] == [
        "no ink found: the image looks blank",
        "not an image (or a format Pillow cannot read)",
    ]


def test_subfolders_label_as_labels_csv_does(csv_folder, tmp_path, model_path):
    folder, made = csv_folder
    by_digit = tmp_path / "by-digit"
    for name, label in made:
        (by_digit / str(label)).mkdir(parents=True, exist_ok=True)
        shutil.copy(folder / name, by_digit / str(label) / name)
    (by_digit / "3" / ".hidden.png").write_bytes(b"skipped, as predict -r skips it")
    assert sorted(label for _, label in labelled_pictures(str(by_digit))) == sorted(
        label for _, label in made
    )
    flat = json.loads(invoke("--images", str(folder), "-m", str(model_path), "-f", "json").stdout)
    nested = json.loads(invoke("-i", str(by_digit), "-m", str(model_path), "-f", "json").stdout)
    for key in ("n", "correct", "refused", "confusion", "per_digit"):
        assert flat[key] == nested[key], key


def test_text_report_lists_the_mistakes(csv_folder, model_path):
    folder, made = csv_folder
    rows = _expected(modelfile.load(model_path), folder, made)
    result = invoke("--images", str(folder), "-m", str(model_path), "--mistakes")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "refused   2 (no digit found, or not an image)" in lines
    header = lines.index("confusion (rows: true digit, columns: answer)") + 1
    assert lines[header].endswith("  refused")
    assert lines[header + 1 + 3].endswith("        1")  # the blank page, labelled 3
    wrong = [r for r in rows if r[3] != r[2]]
    assert f"mistakes ({len(wrong)})" in lines
    listed = lines[lines.index(f"mistakes ({len(wrong)})") + 2 :]
    assert len(listed) == len(wrong)
    for line, (_, name, label, digit, conf, error) in zip(listed, wrong, strict=True):
        fields = line.split()
        assert fields[0] == str(folder / name) and fields[1] == str(label)
        if digit is None:
            assert line.split("  refused: ")[1] == error
        else:
            assert fields[2:] == [str(digit), f"{conf:.4f}"]


def test_mistakes_image_shows_each_as_the_network_saw_it(csv_folder, model_path, tmp_path):
    folder, made = csv_folder
    rows = _expected(modelfile.load(model_path), folder, made)
    wrong = [r for r in rows if r[3] != r[2]]
    out = tmp_path / "mistakes.png"
    args = ["--images", str(folder), "-m", str(model_path), "--mistakes-image", str(out)]
    assert invoke(*args).exit_code == 0
    rgb = np.asarray(Image.open(out).convert("RGB"))
    side, pad, top = 28 * pictures.MISTAKE_SCALE, pictures.TILE_PAD, 2 * pictures.LABEL_HEIGHT
    cell = side + pad
    for k, (_, name, _, digit, _, _) in enumerate(wrong):
        tile = rgb[top : top + side, pad + k * cell : pad + k * cell + side]
        if digit is None:  # refused: framed in red
            assert tuple(tile[0, side // 2]) == pictures.REFUSED
            continue
        seen = one_digit.inputs(str(folder / name)).reshape(28, 28)
        s = pictures.MISTAKE_SCALE
        shown = tile[s // 2 :: s, s // 2 :: s, 0] / 255
        assert np.abs(shown - seen).max() <= 1 / 255 + 1e-9


def test_mnist_mistakes_and_their_picture(tiny_mnist, model_path, monkeypatch, tmp_path):
    images, labels = mnist.load(tiny_mnist, "test", full=False)
    monkeypatch.setattr(mnist, "SPLITS", {**mnist.SPLITS, "test": ("t10k", len(labels))})
    net = modelfile.load(model_path)
    x = mnist.as_inputs(images)
    outputs = net.forward(x)
    wrong = np.flatnonzero(outputs.argmax(1) != labels)
    assert len(wrong) > 0
    out = tmp_path / "m.png"
    args = ["--data", str(tiny_mnist), "-m", str(model_path), "--mistakes", "-f", "json"]
    got = json.loads(invoke(*args, "--mistakes-image", str(out)).stdout)
    assert [m["index"] for m in got["mistakes"]] == wrong.tolist()
    assert [m["label"] for m in got["mistakes"]] == labels[wrong].tolist()
    assert [m["digit"] for m in got["mistakes"]] == outputs[wrong].argmax(1).tolist()
    assert [m["file"] for m in got["mistakes"]] == [None] * len(wrong)
    assert got["mistakes"][0]["confidence"] == pytest.approx(outputs[wrong[0]].max(), abs=1e-6)
    rgb = np.asarray(Image.open(out).convert("L"))
    s, pad, top = pictures.MISTAKE_SCALE, pictures.TILE_PAD, 2 * pictures.LABEL_HEIGHT
    first = rgb[top + s // 2 : top + 28 * s : s, pad + s // 2 : pad + 28 * s : s]
    assert np.array_equal(first, images[wrong[0]])
    text = invoke("--data", str(tiny_mnist), "-m", str(model_path), "--mistakes").stdout
    assert f"mistakes ({len(wrong)})" in text
    assert f"#{wrong[0]}" in text.split(f"mistakes ({len(wrong)})")[1].splitlines()[2]


def test_evaluation_counts_refusals_as_mistakes():
    from digitnet.nn.evaluate import tally

    outputs = np.eye(10)[[1, 5, 4]]
    e = tally(np.array([1, 2, 3, 4]), outputs, ["a", "b", "c", "d"], [None, None, "bad", None])
    assert (e.n, e.correct, e.accuracy) == (4, 2, 0.5)
    assert e.refused.tolist() == [0, 0, 0, 1, 0, 0, 0, 0, 0, 0]
    assert e.per_digit[:5] == [None, 1.0, 0.0, 0.0, 1.0]
    assert [(m.index, m.digit, m.error) for m in e.mistakes] == [(1, 5, None), (2, None, "bad")]
    assert [caption(m) for m in e.mistakes] == ["2 as 5 (1.00)", "3 refused"]
    on_mnist = evaluate(_Net(), np.eye(10)[[1, 5, 4]], np.array([1, 2, 4]))
    assert (on_mnist.n, on_mnist.correct, int(on_mnist.refused.sum())) == (3, 2, 0)
    assert [(m.index, m.path, m.name) for m in on_mnist.mistakes] == [(1, None, "#1")]


class _Net:
    """A stand-in network that answers the position of each row's largest input."""

    def forward(self, x):
        return x


@pytest.mark.parametrize(
    "content, message",
    [
        ("name,digit\na.png,1\n", "labels.csv: the first line must be the header 'file,label'"),
        (
            "file,label\na.png,1\nb.png,x\n",
            "labels.csv, line 3: expected 'file,label' with a label 0 to 9, got 'b.png,x'",
        ),
        ("file,label\n", "labels.csv: no pictures listed"),
    ],
)
def test_bad_labels_csv_is_one_line(tmp_path, model_path, content, message):
    (tmp_path / "labels.csv").write_text(content)
    result = invoke("--images", str(tmp_path), "-m", str(model_path))
    assert result.exit_code == 1
    assert result.stderr.startswith("digitnet: ") and result.stderr.count("\n") == 1
    assert message in result.stderr and "Traceback" not in result.output


def test_folder_without_labels(tmp_path, model_path):
    result = invoke("--images", str(tmp_path), "-m", str(model_path))
    assert result.exit_code == 1
    assert "no labels.csv (file,label) and no subfolders named 0 to 9" in result.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["--data", ".", "--images", "."], "--data (MNIST) and --images (your pictures)"),
        (["--jobs", "2"], "--jobs reads --images in parallel"),
    ],
)
def test_option_clashes_are_usage_errors(args, message, model_path):
    result = invoke(*args, "-m", str(model_path))
    assert result.exit_code == 2 and message in result.stderr
