"""digitnet inspect: the numbers behind the pictures, and the pictures themselves."""

import json

import numpy as np
import pytest
from click.testing import CliRunner
from helpers import drawn_digit
from PIL import Image

from digitnet.cli import cli
from digitnet.predicting import one_digit
from digitnet.saved import modelfile
from digitnet.show import pictures, terminal


def invoke(*args, color=False):
    return CliRunner().invoke(cli, ["inspect", *args], color=color)


@pytest.fixture
def net(model_path):
    return modelfile.load(model_path)


def test_weights_json_counts_and_statistics(model_path, net):
    result = invoke("weights", "--model", str(model_path), "--format", "json")
    assert result.exit_code == 0
    info = json.loads(result.stdout)
    assert info["total_parameters"] == 13_002
    assert [(la["inputs"], la["outputs"]) for la in info["layers"]] == [
        (784, 16),
        (16, 16),
        (16, 10),
    ]
    for la, layer in zip(info["layers"], net.layers, strict=True):
        assert la["weights"] == layer.weights.size and la["biases"] == layer.biases.size
        assert la["activation"] == layer.activation
        w = layer.weights.astype(np.float64)
        assert la["weight_stats"]["mean"] == pytest.approx(w.mean())
        assert la["weight_stats"]["std"] == pytest.approx(w.std())
        assert la["weight_stats"]["min"] == pytest.approx(w.min())
        assert la["bias_stats"]["max"] == pytest.approx(float(layer.biases.max()))


def test_weights_text_table(model_path):
    result = invoke("weights", "--model", str(model_path))
    assert result.exit_code == 0
    assert "total  13,002 weights and biases" in result.stdout
    assert "    1     784       16  relu         12,544      16" in result.stdout


def test_weights_png_is_green_for_positive_and_red_for_negative(model_path, net, tmp_path):
    out = tmp_path / "w.png"
    result = invoke("weights", "--model", str(model_path), "--image", str(out))
    assert result.exit_code == 0
    img = Image.open(out)
    assert img.format == "PNG"
    scale, pad = 6, 6
    cols, rows = pictures.tile_grid_shape(16)
    assert img.size == (
        cols * (28 * scale + pad) + pad,
        rows * (28 * scale + pictures.LABEL_HEIGHT + pad) + pad + pictures.LEGEND_HEIGHT,
    )
    w = net.layers[0].weights[0]  # neuron 0 is the top-left tile
    rgb = np.asarray(img.convert("RGB"))
    strongest = int(np.abs(w).argmax())
    for k in (int(w.argmax()), int(w.argmin())):
        y, x = divmod(k, 28)
        r, g, b = rgb[pad + y * scale + scale // 2, pad + x * scale + scale // 2]
        full = 255 if k == strongest else round(abs(w[k]) / abs(w[strongest]) * 255)
        if w[k] > 0:
            assert (r, g, b) == (0, full, 0)  # positive: green, as bright as it is large
        else:
            assert (r, g, b) == (full, 0, 0)  # negative: red


def test_single_neuron_scale_and_deeper_layer(model_path, net, tmp_path):
    one = tmp_path / "one.png"
    assert (
        invoke(
            "weights", "-m", str(model_path), "--neuron", "3", "--scale", "2", "--image", str(one)
        ).exit_code
        == 0
    )
    legend = pictures.LEGEND_HEIGHT  # and the picture is never narrower than its legend
    assert Image.open(one).size == (
        pictures.LEGEND_WIDTH,
        2 * 28 + pictures.LABEL_HEIGHT + 12 + legend,
    )
    deep = tmp_path / "deep.png"
    assert (
        invoke("weights", "-m", str(model_path), "--layer", "2", "--image", str(deep)).exit_code
        == 0
    )
    img = Image.open(deep)
    assert img.size == (max(16 * 12 + 40, pictures.LEGEND_WIDTH), 16 * 12 + 40 + legend)
    w = net.layers[1].weights
    j, k = np.unravel_index(int(np.abs(w).argmax()), w.shape)
    r, g, _ = np.asarray(img.convert("RGB"))[40 + j * 12 + 6, 40 + k * 12 + 6]
    assert (g == 255 and r == 0) if w[j, k] > 0 else (r == 255 and g == 0)


def test_bad_layer_and_neuron_are_usage_errors(model_path):
    assert invoke("weights", "-m", str(model_path), "--layer", "4", "--draw").exit_code == 2
    result = invoke("weights", "-m", str(model_path), "--neuron", "16", "--draw")
    assert result.exit_code == 2 and "0 to 15" in result.stderr


def test_layer_neuron_and_scale_without_a_drawing_are_usage_errors(model_path):
    """They were silently ignored without --draw or --image."""
    result = invoke("weights", "-m", str(model_path), "--neuron", "3")
    assert result.exit_code == 2
    assert "--neuron choose what to draw: add --draw or --image" in result.stderr


def test_a_neuron_of_a_deeper_layer_says_what_neuron_means(model_path):
    result = invoke("weights", "-m", str(model_path), "--layer", "2", "--neuron", "3", "--draw")
    assert result.exit_code == 2
    assert "draws one neuron of the first layer; layer 2 is drawn whole" in result.stderr
    assert "layer 1 (0 to 15)" not in result.stderr


def test_weight_pictures_over_the_pixel_limit_are_refused_before_drawing(model_path, tmp_path):
    out = tmp_path / "w.png"
    result = invoke("weights", "-m", str(model_path), "--scale", "64", "--image", str(out))
    w, h = pictures.picture_size(modelfile.load(model_path), 1, None, 64)
    assert result.exit_code == 2 and not out.exists()
    assert f"would be {w}x{h} = {w * h:,} pixels, over the limit of 50,000,000" in result.stderr
    assert (
        invoke("weights", "-m", str(model_path), "--scale", "8", "--image", str(out)).exit_code == 0
    )
    assert Image.open(out).size == pictures.picture_size(modelfile.load(model_path), 1, None, 8)


def test_draw_in_the_terminal_plain_and_coloured(model_path, net, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("COLORTERM", "truecolor")
    plain = invoke("weights", "-m", str(model_path), "--draw", "--neuron", "0", "--color", "never")
    lines = plain.stdout.splitlines()
    assert lines[0].startswith("#0 b=")
    w = net.layers[0].weights[0].reshape(28, 28)
    pair = (w[0::2] + w[1::2]) / 2
    r, c = np.unravel_index(int(np.abs(pair).argmax()), pair.shape)
    assert lines[1 + r][c] == ("#" if pair[r, c] > 0 else "=")
    coloured = invoke("weights", "-m", str(model_path), "--draw", "--color", "always", color=True)
    assert "\x1b[38;2;" in coloured.stdout and "\u2580" in coloured.stdout


@pytest.mark.parametrize(
    "mode, isatty, env, depth",
    [
        ("auto", True, {"TERM": "xterm-256color", "NO_COLOR": "1"}, "none"),
        ("auto", True, {"TERM": "dumb", "COLORTERM": "truecolor"}, "none"),
        ("auto", True, {}, "none"),
        ("auto", False, {"TERM": "xterm-256color", "COLORTERM": "truecolor"}, "none"),
        ("auto", True, {"TERM": "xterm-256color", "COLORTERM": "truecolor"}, "24bit"),
        ("auto", True, {"TERM": "xterm-256color"}, "256"),
        ("auto", True, {"TERM": "xterm"}, "16"),
        ("always", False, {"TERM": "xterm", "NO_COLOR": "1"}, "16"),
        ("always", False, {"TERM": "dumb"}, "24bit"),
        ("never", True, {"TERM": "xterm-256color", "COLORTERM": "truecolor"}, "none"),
    ],
)
def test_colour_depth_follows_the_terminal_and_the_option(mode, isatty, env, depth):
    assert terminal.output_depth(mode, isatty, "utf-8", env) == depth


def test_signed_colours():
    rgb = terminal.signed_rgb(np.array([2.0, -1.0, 0.0]))
    assert rgb.tolist() == [[0, 255, 0], [128, 0, 0], [0, 0, 0]]


def test_inspect_image_text(model_path, net, tmp_path):
    path = tmp_path / "seven.png"
    drawn_digit().save(path)
    result = invoke("image", str(path), "-m", str(model_path), "--color", "never")
    assert result.exit_code == 0
    x = one_digit.inputs(str(path))
    out = net.forward(x[None])[0]
    assert f"answer: {out.argmax()} (activation {out.max():.3f})" in result.stdout
    assert "hidden layer 1 (relu, 16 neurons):" in result.stdout
    assert "output (softmax, 10 neurons):" in result.stdout
    assert f"{out.argmax():>4} " in result.stdout and "<- answer" in result.stdout


def test_inspect_image_json_and_network_png(model_path, net, tmp_path):
    path = tmp_path / "seven.png"
    drawn_digit().save(path)
    png = tmp_path / "net.png"
    result = invoke("image", str(path), "-m", str(model_path), "-f", "json", "--image", str(png))
    assert result.exit_code == 0
    obj = json.loads(result.stdout)
    acts = net.activations(one_digit.inputs(str(path))[None])
    assert [len(a) for a in obj["layers"]] == [16, 16, 10]
    np.testing.assert_allclose(obj["layers"][1], acts[2][0], atol=1e-6)
    assert obj["digit"] == int(acts[-1][0].argmax())
    img = Image.open(png)
    assert img.format == "PNG" and img.size == pictures.DIAGRAM_SIZE


def test_inspect_image_errors(model_path, tmp_path):
    Image.new("L", (50, 50), 255).save(tmp_path / "blank.png")
    result = invoke("image", str(tmp_path / "blank.png"), "-m", str(model_path))
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"digitnet: {tmp_path / 'blank.png'}: no ink found: the image looks blank\n"
    )


def test_wide_layers_show_their_most_active_neurons(tmp_path):
    from digitnet.nn.network import Network

    wide = Network.create([784, 50, 10], rng=np.random.default_rng(2))
    modelfile.save(wide, tmp_path / "wide.npz")
    drawn_digit().save(tmp_path / "seven.png")
    result = invoke(
        "image", str(tmp_path / "seven.png"), "-m", str(tmp_path / "wide.npz"), "--color", "never"
    )
    assert "hidden layer 1 (relu, 50 neurons, the 20 most active shown):" in result.stdout
    hidden = wide.activations(one_digit.inputs(str(tmp_path / "seven.png"))[None])[1][0]
    block = result.stdout.split("hidden layer 1")[1].split("output")[0].strip().splitlines()[1:]
    shown = [int(line.split()[0]) for line in block]
    assert shown == sorted(np.argsort(-hidden, kind="stable")[:20].tolist())


def test_inspect_image_steps_picture(model_path, net, tmp_path):
    from digitnet.show import steps_picture

    path, out = tmp_path / "seven.png", tmp_path / "steps.png"
    drawn_digit(size=300).save(path)
    result = invoke("image", str(path), "-m", str(model_path), "--steps", str(out))
    assert result.exit_code == 0
    assert f"wrote {out} (1010x310)" in result.stderr
    img = np.asarray(Image.open(out).convert("RGB"))
    assert img.shape == (310, 1010, 3)
    # the second panel shows the digit's shape in green, nothing in red
    shapes = img[10 : 10 + steps_picture.PANEL, 260 : 260 + steps_picture.PANEL]
    green = (shapes == steps_picture.ROLE_COLOURS["digit"]).all(axis=-1).sum()
    red = (shapes == steps_picture.ROLE_COLOURS["frame"]).all(axis=-1).sum()
    assert green > 500 and red == 0
    # the last panel is the 28x28 input, zoomed: its brightest pixels are the input's ink
    seen = img[10 : 10 + steps_picture.PANEL, 10 + 3 * 250 : 10 + 3 * 250 + steps_picture.PANEL]
    assert seen.max() == 255


def test_inspect_image_steps_are_drawn_for_a_refused_picture_too(model_path, tmp_path):
    from PIL import ImageDraw

    path, out = tmp_path / "box.png", tmp_path / "steps.png"
    img = Image.new("L", (300, 300), 255)
    ImageDraw.Draw(img).rectangle([5, 5, 294, 294], outline=0, width=4)  # a frame, no digit
    img.save(path)
    result = invoke("image", str(path), "-m", str(model_path), "--steps", str(out))
    assert result.exit_code == 1
    assert result.stderr.endswith(f"digitnet: {path}: no digit found (only a frame)\n")
    assert Image.open(out).size == (1010, 310)


@pytest.mark.parametrize("width", [150, 600])
def test_the_network_picture_draws_wide_layers_by_their_most_active_neurons(tmp_path, width):
    """A hidden layer of 150 or more neurons made the picture's circles negative-sized."""
    from digitnet.nn.network import Network

    wide = Network.create([784, width, 10], rng=np.random.default_rng(3))
    modelfile.save(wide, tmp_path / "wide.npz")
    drawn_digit().save(tmp_path / "seven.png")
    out = tmp_path / "net.png"
    result = invoke(
        "image", str(tmp_path / "seven.png"), "-m", str(tmp_path / "wide.npz"), "--image", str(out)
    )
    assert result.exit_code == 0, result.stderr
    img = np.asarray(Image.open(out).convert("RGB"))
    assert img.shape == (pictures.DIAGRAM_SIZE[1], pictures.DIAGRAM_SIZE[0], 3)
    # the hidden column holds 20 neurons: 20 grey outlines cross the column's vertical line
    column = img[:, :, :].astype(int)
    x = 20 + 28 * 10 + 140  # the hidden layer's column (one hidden layer: the first column)
    outline_rows = np.flatnonzero((column[:, x] == (120, 120, 120)).all(axis=1))
    circles = 1 + np.count_nonzero(np.diff(outline_rows) > 1)
    assert circles == 2 * 20  # each circle's outline crosses the column twice


def test_weights_of_a_model_with_accuracy_but_no_image_count(tmp_path):
    """Valid by the format (test_images is not required); it made a traceback."""
    from digitnet.nn.network import Network

    net = Network.create([784, 16, 16, 10], rng=np.random.default_rng(4))
    net.metadata = {"test_accuracy": 0.9713}
    modelfile.save(net, tmp_path / "m.npz")
    result = invoke("weights", "-m", str(tmp_path / "m.npz"))
    assert result.exit_code == 0, result.stderr
    assert "test accuracy  97.13% on ? MNIST images" in result.stdout


@pytest.mark.parametrize(
    "args", [["image", "digitnet/samples/three.png"], ["weights", "--draw", "--neuron", "0"]]
)
def test_color_always_is_kept_in_a_pipe(args, monkeypatch):
    """click.echo strips escape codes when stdout is not a terminal: --color always lost them."""
    import subprocess
    import sys
    from pathlib import Path

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("COLORTERM", "truecolor")
    root = Path(__file__).resolve().parents[1]
    cmd = [sys.executable, "-m", "digitnet", "inspect", *args, "--color", "always"]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=root)
    assert out.returncode == 0, out.stderr
    assert "\x1b[38;2;" in out.stdout
    never = subprocess.run(cmd[:-1] + ["never"], capture_output=True, text=True, cwd=root)
    assert "\x1b[" not in never.stdout


@pytest.mark.parametrize("columns, per_row", [(80, 2), (60, 2), (40, 1), (200, 6)])
def test_terminal_drawings_fit_the_terminals_width(model_path, monkeypatch, columns, per_row):
    """Four tiles a row (118 columns) wrapped into garbage in an 80-column terminal."""
    monkeypatch.setenv("COLUMNS", str(columns))
    result = invoke("weights", "-m", str(model_path), "--draw", "--color", "never")
    drawing = result.stdout.split("\n\nmodel")[0].splitlines()
    assert max(len(line) for line in drawing) <= columns
    titles = [line for line in drawing if line.startswith("#")]
    assert len(titles[0].split("#")) - 1 == per_row  # the first row's tile titles


def test_a_drawing_asked_for_comes_alone_and_the_report_when_asked(model_path, tmp_path):
    drawn = invoke("weights", "-m", str(model_path), "--draw", "--neuron", "0", "--color", "never")
    assert drawn.exit_code == 0 and drawn.stdout.startswith("#0 b=")
    assert "total  13,002 weights and biases" not in drawn.stdout
    pictured = invoke("weights", "-m", str(model_path), "--image", str(tmp_path / "w.png"))
    assert pictured.exit_code == 0 and pictured.stdout == ""
    both = invoke(
        "weights", "-m", str(model_path), "--draw", "--format", "text", "--color", "never"
    )
    assert both.stdout.startswith("#0 b=") and "total  13,002 weights and biases" in both.stdout
    report = invoke("weights", "-m", str(model_path))
    assert "total  13,002 weights and biases" in report.stdout


def test_weights_json_gives_the_values_when_asked(model_path, net):
    """--format json gave counts ("weights": 12544) and no way to get the values."""
    result = invoke("weights", "-m", str(model_path), "-f", "json", "--values")
    assert result.exit_code == 0, result.stderr
    layers = json.loads(result.stdout)["layers"]
    for entry, layer in zip(layers, net.layers, strict=True):
        np.testing.assert_array_equal(np.array(entry["weight_values"]), layer.weights)
        np.testing.assert_array_equal(np.array(entry["bias_values"]), layer.biases)
    plain = invoke("weights", "-m", str(model_path), "--values")
    assert plain.exit_code == 2 and "--values adds the numbers to --format json" in plain.stderr


def _legend_bar(img: Image.Image) -> np.ndarray:
    """The legend's colour bar: the row 8 px into the legend strip, inside its padding."""
    rgb = np.asarray(img.convert("RGB"))
    row = rgb[img.height - pictures.LEGEND_HEIGHT + 8]
    return row[pictures.TILE_PAD : img.width - pictures.TILE_PAD]


@pytest.mark.parametrize("palette", sorted(terminal.PALETTES))
@pytest.mark.parametrize("layer", [1, 2])
def test_weight_pictures_end_with_a_legend_in_their_palette(
    model_path, net, tmp_path, layer, palette
):
    out = tmp_path / "w.png"
    args = ["weights", "-m", str(model_path), "--image", str(out), "--layer", str(layer)]
    result = invoke(*args, "--palette", palette)
    assert result.exit_code == 0, result.output
    img = Image.open(out)
    assert img.size == pictures.picture_size(net, layer, None, 6 if layer == 1 else 12)
    bar = _legend_bar(img)
    positive, negative = terminal.PALETTES[palette]
    assert tuple(bar[0]) == negative and tuple(bar[-1]) == positive  # -max ... +max
    assert max(bar[len(bar) // 2].tolist()) <= 3  # 0 is black
    if layer == 2:  # the heat map's strongest weight has the bar's end colour
        w = net.layers[1].weights
        y, x = np.unravel_index(np.abs(w).argmax(), w.shape)
        m, s = pictures.MATRIX_MARGIN, 12
        end = positive if w[y, x] > 0 else negative
        assert tuple(np.asarray(img.convert("RGB"))[m + y * s + s // 2, m + x * s + s // 2]) == end


def test_text_in_pictures_has_glyphs(net, monkeypatch, tmp_path):
    """Every character drawn is in the font (the arrow 'inputs \u2192' drew a box)."""
    from PIL import ImageDraw, ImageFont

    font = ImageFont.load_default()
    missing = bytes(font.getmask("\U000f0000"))
    drawn: list[str] = []
    original = ImageDraw.ImageDraw.text
    monkeypatch.setattr(
        ImageDraw.ImageDraw,
        "text",
        lambda self, xy, text, *a, **k: drawn.append(text) or original(self, xy, text, *a, **k),
    )
    pictures.weight_matrix(net, 2)
    pictures.weight_tiles(net, [0, 1])
    pictures.network_diagram(net, np.linspace(0, 1, 784))
    assert any("inputs" in t for t in drawn)
    bad = {c for t in drawn for c in t if not c.isspace() and bytes(font.getmask(c)) == missing}
    assert not bad


def test_weights_draw_says_what_the_colours_mean(model_path, monkeypatch):
    monkeypatch.setenv("COLORTERM", "truecolor")
    plain = invoke("weights", "-m", str(model_path), "--draw", "--color", "never")
    assert plain.stdout.splitlines()[-2:] == [
        "'#' positive, '=' negative, blank 0",
        "each tile to its own largest |w|",
    ]
    options = ["--draw", "--layer", "2", "--color", "always", "--palette", "blue-orange"]
    coloured = invoke("weights", "-m", str(model_path), *options)
    legend, scale = coloured.stdout.splitlines()[-2:]
    assert "\x1b[38;2;60;150;255m" in legend and "\x1b[38;2;240;150;20m" in legend
    largest = float(np.abs(modelfile.load(model_path).layers[1].weights).max())
    assert scale == f"largest |w| {largest:.2f}"


@pytest.mark.parametrize(
    "term, colorterm, fore",
    [
        ("xterm-256color", "", "\x1b[38;5;"),
        ("xterm", "", "\x1b[9"),
        ("xterm", "24bit", "\x1b[38;2;"),
    ],
)
def test_every_drawing_command_draws_in_the_terminals_colours(
    term, colorterm, fore, tiny_mnist, monkeypatch
):
    monkeypatch.setenv("TERM", term)
    monkeypatch.setenv("COLORTERM", colorterm)
    monkeypatch.delenv("NO_COLOR", raising=False)
    for args in (
        ["inspect", "weights", "--draw", "--color", "always"],
        ["inspect", "image", "digitnet/samples/three.png", "--color", "always"],
        ["data", "show", "--data", str(tiny_mnist), "-n", "2", "--color", "always"],
    ):
        out = CliRunner().invoke(cli, args, color=True).stdout
        assert fore in out or fore.replace("38", "48") in out, args
        others = {"\x1b[38;5;", "\x1b[38;2;", "\x1b[48;5;", "\x1b[48;2;"} - {
            fore,
            fore.replace("38", "48"),
        }
        assert not any(o in out for o in others), args


def test_palette_is_a_choice(model_path):
    result = invoke("weights", "-m", str(model_path), "--draw", "--palette", "rainbow")
    assert result.exit_code == 2
    assert "'rainbow' is not one of 'green-red', 'blue-orange'" in result.output
