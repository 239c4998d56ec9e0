"""digitnet serve's API against a real server: each endpoint gives what the CLI prints."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image
from serve_helpers import multipart, request

from digitnet.cli import cli

HERE = Path(__file__).resolve().parent
SAMPLES = HERE.parents[1] / "digitnet" / "samples"
PICTURES = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".png", ".jpg"))


def cli_json(*args: str, stdin: bytes | None = None) -> tuple[int, list[dict]]:
    result = CliRunner().invoke(cli, [*args, "--format", "json"], input=stdin)
    return result.exit_code, [json.loads(line) for line in result.stdout.splitlines()]


def odd_pictures() -> dict[str, bytes]:
    """Pictures the CLI refuses or cannot decode, as bytes."""
    from helpers import png_bytes

    blank = Image.new("L", (200, 200), 255)
    line = Image.new("L", (300, 120), 255)
    line.paste(0, (20, 58, 280, 64))
    return {
        "blank": png_bytes(blank),
        "line": png_bytes(line),
        "text": b"this is not a picture\n",
        "truncated": (SAMPLES / "three.png").read_bytes()[:300],
    }


@pytest.mark.parametrize("path", PICTURES, ids=lambda p: p.name)
def test_predict_body_is_what_predict_prints_for_stdin(server, path):
    data = path.read_bytes()
    code, rows = cli_json("predict", "-", stdin=data)
    r = request(server, "POST", "/api/predict", data)
    assert r.json() == rows[0]
    assert r.status == (200 if code == 0 else 422)
    assert r.headers["content-type"] == "application/json"


@pytest.mark.parametrize("name", ["blank", "line", "text", "truncated"])
def test_predict_refusals_and_bad_images_are_the_cli_error_rows(server, name):
    data = odd_pictures()[name]
    code, rows = cli_json("predict", "-", stdin=data)
    r = request(server, "POST", "/api/predict", data)
    assert code == 1 and rows[0]["error"]
    assert (r.status, r.json()) == (422, rows[0])


def test_predict_form_file_reports_its_name_and_options(server, monkeypatch):
    monkeypatch.chdir(SAMPLES)
    for name in ("three.png", "photo-4.jpg", "mnist-00008-5.png"):
        body, headers = multipart(name, (SAMPLES / name).read_bytes())
        query = "?top=3&threshold=0.99&model=large"
        r = request(server, "POST", f"/api/predict{query}", body, headers)
        _, rows = cli_json("predict", name, "--top", "3", "-t", "0.99", "-m", "large")
        assert r.json() == rows[0]
        assert r.json()["path"] == name


def test_read_is_what_read_prints(server):
    data = (SAMPLES / "number-photo.jpg").read_bytes()
    large_digits = ("?digits-only=1&model=large", ["--digits-only", "-m", "large"])
    for query, options in [("", []), large_digits]:
        _, rows = cli_json("read", "-", *options, stdin=data)
        r = request(server, "POST", f"/api/read{query}", data)
        assert r.status == 200
        assert r.json() == rows[0]
    assert "," not in r.json()["number"]  # the digits-only option reached the reader
    _, rows = cli_json("read", "-", "--single-line", stdin=data)
    assert request(server, "POST", "/api/read?single-line=1", data).json() == rows[0]


def test_read_with_no_number_is_422_with_reads_error_row(server):
    data = odd_pictures()["blank"]
    _, rows = cli_json("read", "-", stdin=data)
    r = request(server, "POST", "/api/read", data)
    assert (r.status, r.json()) == (422, rows[0])
    assert rows[0]["number"] is None and rows[0]["error"]


@pytest.mark.parametrize("model", ["default", "lesson", "large"])
def test_model_is_what_inspect_weights_prints(server, model):
    _, rows = cli_json("inspect", "weights", "-m", model)
    r = request(server, "GET", f"/api/model?model={model}")
    assert (r.status, r.json()) == (200, rows[0])


def test_model_values_and_the_default(server):
    _, rows = cli_json("inspect", "weights", "--values")
    r = request(server, "GET", "/api/model?values=1")
    assert r.json() == rows[0]
    assert len(r.json()["layers"][0]["weight_values"]) == 16


@pytest.mark.parametrize(
    "query, words",
    [
        ("model=nope", "no such model 'nope': use one of default, lesson, large"),
        ("model=/etc/passwd", "no such model '/etc/passwd'"),
        ("model=../models/large.npz", "no such model"),
    ],
)
def test_a_bad_model_is_400_and_no_path_is_opened(server, query, words):
    for method, path in [("GET", "/api/model"), ("POST", "/api/predict")]:
        data = (SAMPLES / "three.png").read_bytes() if method == "POST" else None
        r = request(server, method, f"{path}?{query}", data)
        assert r.status == 400
        assert words in r.json()["error"]


@pytest.mark.parametrize(
    "query, words",
    [
        ("top=0", "top must be a number from 1 to 10"),
        ("top=x", "top must be a number from 1 to 10"),
        ("threshold=nan", "threshold must be a number from 0.0 to 1.0"),
        ("threshold=2", "threshold must be a number from 0.0 to 1.0"),
    ],
)
def test_bad_options_are_400(server, query, words):
    r = request(server, "POST", f"/api/predict?{query}", (SAMPLES / "three.png").read_bytes())
    assert (r.status, r.json()["error"]) == (400, words)


def test_network_is_predicts_input_and_answer(server):
    from digitnet.predicting import classify as predict
    from digitnet.saved import shipped

    net = shipped.load("default")
    for path in PICTURES:
        data = path.read_bytes()
        r = request(server, "POST", "/api/network", data)
        answer = predict.answer_of(net, data, predict.preprocess.MAX_PIXELS)
        if answer.error:
            assert (r.status, r.json()["error"]) == (422, answer.error)
            continue
        got = r.json()
        assert got["digit"] == answer.digit
        assert got["confidence"] == round(answer.confidence, 6)
        x = predict.inputs_of(data, predict.preprocess.MAX_PIXELS)
        assert np.abs(np.array(got["input"]) - x).max() <= 5e-5
        assert [len(a) for a in got["layers"]] == [16, 16, 10]
        assert got["shown"] == [list(range(16)), list(range(16)), list(range(10))]
        assert [len(c) for c in got["connections"]] == [40, 40, 40]
        assert got["functions"] == [layer.activation for layer in net.layers]


def test_network_of_a_wide_model_shows_its_most_active_neurons(server):
    got = request(server, "POST", "/api/network?model=large", (SAMPLES / "three.png").read_bytes())
    layer = np.array(got.json()["layers"][0])
    shown = got.json()["shown"][0]
    assert len(layer) == 600 and len(shown) == 20
    assert min(layer[shown]) >= np.sort(layer)[-20]


def test_steps_pictures_are_the_clis(server, tmp_path):
    import io

    for name, kind, args in [
        ("photo-4.jpg", "digit", ["inspect", "image"]),
        ("number-photo.jpg", "number", ["read"]),
    ]:
        out = tmp_path / f"{kind}.png"
        CliRunner().invoke(cli, [*args, str(SAMPLES / name), "--steps", str(out)])
        r = request(server, "POST", f"/api/steps?kind={kind}", (SAMPLES / name).read_bytes())
        assert (r.status, r.headers["content-type"]) == (200, "image/png")
        served = np.asarray(Image.open(io.BytesIO(r.body)))
        assert np.array_equal(served, np.asarray(Image.open(out)))


def test_steps_of_a_refused_picture_shows_why_and_no_number_is_422(server):
    import io

    blank = odd_pictures()["line"]
    r = request(server, "POST", "/api/steps?kind=digit", blank)
    assert r.status == 200 and Image.open(io.BytesIO(r.body)).width > 500
    r = request(server, "POST", "/api/steps?kind=number", blank)
    assert r.status == 422 and r.json()["error"].startswith("no number found")
    r = request(server, "POST", "/api/steps?kind=word", blank)
    assert (r.status, r.json()["error"]) == (400, "kind takes digit or number")


def test_weights_picture_per_model_and_palette(server):
    import io

    from digitnet.saved import shipped
    from digitnet.serve.api import TILE_SCALE, WEIGHT_TILES
    from digitnet.show import pictures

    seen = set()
    for model, palette in [("default", "green-red"), ("default", "blue-orange"), ("large", "")]:
        query = f"model={model}" + (f"&palette={palette}" if palette else "")
        r = request(server, "GET", f"/api/weights.png?{query}")
        img = Image.open(io.BytesIO(r.body))
        net = shipped.load(model)
        tiles = min(WEIGHT_TILES, net.layers[0].outputs)
        assert img.size == pictures.picture_size(net, 1, tiles, TILE_SCALE)
        seen.add(r.body)
    assert len(seen) == 3
    r = request(server, "GET", "/api/weights.png?palette=pink")
    assert (r.status, r.json()["error"]) == (400, "palette takes green-red or blue-orange")


def test_config_names_models_palettes_and_the_pen(server):
    from digitnet.saved import shipped
    from digitnet.show import drawing
    from digitnet.show.terminal import PALETTES

    got = request(server, "GET", "/api/config").json()
    assert got["models"] == shipped.names()
    assert got["brush"] == drawing.BRUSH and got["zoom"] == drawing.ZOOM
    assert {k: [list(c) for c in v] for k, v in PALETTES.items()} == got["palettes"]


def test_the_page_and_its_files_are_served_with_safe_headers(server):
    static = HERE.parents[1] / "digitnet" / "serve" / "static"
    page = request(server, "GET", "/")
    assert page.status == 200 and page.body == (static / "index.html").read_bytes()
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    for name, kind in [("app.js", "text/javascript"), ("style.css", "text/css")]:
        r = request(server, "GET", f"/static/{name}")
        assert r.body == (static / name).read_bytes()
        assert r.headers["content-type"].startswith(kind)
    head = request(server, "HEAD", "/static/app.js")
    assert head.status == 200 and head.body == b""
    assert int(head.headers["content-length"]) == (static / "app.js").stat().st_size


@pytest.mark.parametrize(
    "path",
    [
        "/../../etc/passwd",
        "/static/../server.py",
        "/static/../../pyproject.toml",
        "/static/%2e%2e/api.py",
        "/static/..%2f..%2f..%2fpyproject.toml",
        "/static/%2e%2e%2f%2e%2e%2fcli%2f__init__.py",
        "//etc/passwd",
        "/static//etc/passwd",
        "/static/app.js/../../api.py",
        "/static/..\\..\\api.py",
        "/static/",
        "/static/app.js%00.png",
        "/etc/passwd",
        "/api/../static/app.js",
    ],
)
def test_no_path_reads_a_file_outside_the_page(server, path):
    r = request(server, "GET", path)
    assert r.status == 404
    assert r.json()["error"].startswith("no such page: /")
    assert set(r.json()) == {"error"}  # nothing of any file


def test_wrong_methods_and_unknown_routes(server):
    r = request(server, "GET", "/api/predict")
    assert (r.status, r.headers["allow"]) == (405, "POST")
    assert r.json()["error"] == "/api/predict takes POST"
    r = request(server, "POST", "/api/model", b"x")
    assert (r.status, r.headers["allow"]) == (405, "GET, HEAD")
    r = request(server, "DELETE", "/")
    assert r.status == 405
    assert request(server, "GET", "/api/nothing").status == 404


def test_an_empty_or_bodiless_upload_says_what_to_send(server):
    r = request(server, "POST", "/api/predict", b"")
    assert (r.status, r.json()["error"]) == (
        400,
        "no picture: send its bytes as the body, or as a form file",
    )
    body, headers = multipart("x.png", b"")
    r = request(server, "POST", "/api/predict", body, headers)
    assert (r.status, r.json()["error"]) == (
        400,
        "the form holds no file: send the picture as a form file",
    )
