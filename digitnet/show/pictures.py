"""PNG pictures of the network, as the lesson draws it.

- :func:`weight_tiles`: each first-layer neuron's 784 weights as a 28x28 tile, green for
  positive, red for negative (or a palette of terminal.PALETTES), brighter for larger,
  labelled with the neuron and its bias;
- :func:`weight_matrix`: a deeper layer's weight matrix as a heat map in the same colours;
  both end with a legend: a colour bar from the most negative value drawn to the most positive;
- :func:`network_diagram`: an image lighting up the layers one after another, the strongest
  connections drawn between them and the answer highlighted.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from digitnet.nn.network import Network
from digitnet.show.summary import shown_neurons, strongest_connections
from digitnet.show.terminal import DEFAULT_PALETTE, PALETTES, gray_rgb, signed_rgb

BACKGROUND = (0, 0, 0)
TEXT = (230, 230, 230)
ANSWER = (255, 200, 40)
LABEL_HEIGHT = 14
DIAGRAM_SIZE = (1000, 620)


def _font():
    return ImageFont.load_default()


def _zoom(rgb: np.ndarray, scale: int) -> Image.Image:
    return Image.fromarray(rgb).resize(
        (rgb.shape[1] * scale, rgb.shape[0] * scale), Image.Resampling.NEAREST
    )


def tile_grid_shape(n: int) -> tuple[int, int]:
    """Columns and rows for n tiles: as square as possible (16 neurons: 4 x 4)."""
    cols = math.ceil(math.sqrt(n))
    return cols, math.ceil(n / cols)


TILE_PAD = 6  # pixels between the tiles of weight_tiles
MATRIX_MARGIN = 40  # pixels around weight_matrix's heat map, for its labels
LEGEND_HEIGHT = 44  # pixels under a weights picture for its colour bar and its labels
LEGEND_WIDTH = 300  # the narrowest weights picture: its legend's labels need this much


def legend(width: int, scale: float | None, palette: str = DEFAULT_PALETTE) -> Image.Image:
    """A colour bar saying what the colours of a weights picture mean: from -scale (full
    negative colour) through 0 (black) to +scale; ``scale`` None means each tile has its own."""
    img = Image.new("RGB", (width, LEGEND_HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(img)
    bar_width = width - 2 * TILE_PAD
    ramp = signed_rgb(np.linspace(-1.0, 1.0, bar_width), 1.0, palette)
    img.paste(Image.fromarray(np.repeat(ramp[None], 12, axis=0)), (TILE_PAD, 4))
    font = _font()
    if scale is None:
        low, high = "-largest |w|", "+largest |w|"
        note = "each tile scaled to its own largest weight"
        draw.text((TILE_PAD, 30), note, fill=TEXT, font=font)
    else:
        low, high = f"{-scale:+.2f}", f"{scale:+.2f}"
    draw.text((TILE_PAD, 17), low, fill=TEXT, font=font)
    draw.text((TILE_PAD + bar_width // 2 - 3, 17), "0", fill=TEXT, font=font)
    draw.text((TILE_PAD + bar_width, 17), high, fill=TEXT, font=font, anchor="ra")
    return img


def _with_legend(img: Image.Image, scale: float | None, palette: str) -> Image.Image:
    out = Image.new("RGB", (max(img.width, LEGEND_WIDTH), img.height + LEGEND_HEIGHT), BACKGROUND)
    out.paste(img, (0, 0))
    out.paste(legend(out.width, scale, palette), (0, img.height))
    return out


def picture_size(net: Network, layer: int, neurons: int | None, scale: int) -> tuple[int, int]:
    """The (width, height) of the weights picture that weight_tiles (layer 1, ``neurons``
    of them, or all) or weight_matrix (deeper layers) would draw, without drawing it."""
    if layer == 1:
        cols, rows = tile_grid_shape(neurons or net.layers[0].outputs)
        side = 28 * scale
        width = cols * (side + TILE_PAD) + TILE_PAD
        height = rows * (side + LABEL_HEIGHT + TILE_PAD) + TILE_PAD
    else:
        w = net.layers[layer - 1]
        width, height = w.inputs * scale + MATRIX_MARGIN, w.outputs * scale + MATRIX_MARGIN
    return max(width, LEGEND_WIDTH), height + LEGEND_HEIGHT


def weight_tiles(
    net: Network,
    neurons: list[int] | None = None,
    scale: int = 6,
    pad: int = TILE_PAD,
    palette: str = DEFAULT_PALETTE,
) -> Image.Image:
    """First-layer weights, one tile per neuron (each tile scaled to its own largest |w|),
    and a legend; picture_size gives the picture's size."""
    layer = net.layers[0]
    neurons = list(range(layer.outputs)) if neurons is None else neurons
    cols, rows = tile_grid_shape(len(neurons))
    side = 28 * scale
    img = Image.new(
        "RGB", (cols * (side + pad) + pad, rows * (side + LABEL_HEIGHT + pad) + pad), BACKGROUND
    )
    draw = ImageDraw.Draw(img)
    for k, n in enumerate(neurons):
        r, c = divmod(k, cols)
        x, y = pad + c * (side + pad), pad + r * (side + LABEL_HEIGHT + pad)
        tile = signed_rgb(layer.weights[n].reshape(28, 28), palette=palette)
        img.paste(_zoom(tile, scale), (x, y))
        draw.text((x, y + side + 1), f"#{n}  b={layer.biases[n]:+.2f}", fill=TEXT, font=_font())
    return _with_legend(img, None, palette)


def weight_matrix(
    net: Network, layer_index: int, scale: int = 12, palette: str = DEFAULT_PALETTE
) -> Image.Image:
    """Layer ``layer_index`` (1-based) as a heat map: a row per neuron, a column per input,
    and a legend; picture_size gives the picture's size."""
    layer = net.layers[layer_index - 1]
    margin = MATRIX_MARGIN
    largest = float(np.abs(layer.weights).max()) or 1.0
    heat = _zoom(signed_rgb(layer.weights, largest, palette), scale)
    img = Image.new("RGB", (heat.width + margin, heat.height + margin), BACKGROUND)
    img.paste(heat, (margin, margin))
    draw = ImageDraw.Draw(img)
    draw.text(
        (margin, 4),
        f"layer {layer_index}: {layer.outputs} x {layer.inputs} weights",
        fill=TEXT,
        font=_font(),
    )
    # the default font has no arrow glyph (it drew a box): plain ASCII
    draw.text((margin, 20), "columns: inputs ->   rows: neurons", fill=TEXT, font=_font())
    for i in range(layer.outputs):
        draw.text((4, margin + i * scale + (scale - 10) // 2), f"{i}", fill=TEXT, font=_font())
    return _with_legend(img, largest, palette)


def network_diagram(
    net: Network, x: np.ndarray, connections: int = 40, palette: str = DEFAULT_PALETTE
) -> Image.Image:
    """The whole network lit up by one input x (784 activations); DIAGRAM_SIZE pixels.

    Each neuron is a circle filled with its activation (black 0, white 1; a ReLU layer
    relative to its most active neuron, as ReLU has no upper bound); for each pair of
    layers the ``connections`` strongest contributions w * a are drawn, in the palette's
    positive colour (green) when they push the next neuron up and its negative colour (red)
    when they push it down.
    """
    acts = [a[0] for a in net.activations(x.reshape(1, -1))]
    width, height = DIAGRAM_SIZE
    img = Image.new("RGB", DIAGRAM_SIZE, BACKGROUND)
    draw = ImageDraw.Draw(img, "RGBA")
    font = _font()
    scale = 10
    image_top = (height - 28 * scale) // 2
    img.paste(_zoom(gray_rgb(acts[0].reshape(28, 28)), scale), (20, image_top))
    columns = len(net.layers)
    xs = [
        20 + 28 * scale + 140 + i * (width - 28 * scale - 260) // max(columns - 1, 1)
        for i in range(columns)
    ]
    # which neurons each layer shows: every pixel of the input; a wide layer its most active
    shown = [np.arange(len(acts[0]))] + [shown_neurons(a) for a in acts[1:]]
    centres: list[list[tuple[float, float]]] = [
        [(20 + (i % 28 + 0.5) * scale, image_top + (i // 28 + 0.5) * scale) for i in range(784)]
    ]
    for col, idx, a in zip(xs, shown[1:], acts[1:], strict=True):
        n = len(idx)
        step = min(34, (height - 80) / n)
        top = (height - step * (n - 1)) / 2
        centres.append([(col, top + i * step) for i in range(n)])
        if n < len(a):
            draw.text((col - 24, top - 30), f"{n} of {len(a)}", fill=TEXT, font=font)
    # connections first, so neurons sit on top
    for i, pairs in enumerate(strongest_connections(net, acts, shown, connections)):
        peak = max((abs(v) for _, _, v in pairs), default=0.0) or 1.0
        place_in = {int(n): p for n, p in zip(shown[i], centres[i], strict=True)}
        place_out = {int(n): p for n, p in zip(shown[i + 1], centres[i + 1], strict=True)}
        for k, j, v in pairs:
            alpha = int(60 + 195 * abs(v) / peak)
            colour = (*PALETTES[palette][0 if v > 0 else 1], alpha)
            draw.line([place_in[k], place_out[j]], fill=colour, width=1)
    answer = int(acts[-1].argmax())
    for li, (a, idx, pts) in enumerate(zip(acts[1:], shown[1:], centres[1:], strict=True)):
        # ReLU activations have no upper bound: such a layer is lit relative to its brightest
        top = float(a.max()) if net.layers[li].activation == "relu" and a.max() > 0 else 1.0
        last = answer if li == len(acts) - 2 else None
        _neurons(draw, a, idx, pts, top, last, font)
    draw.text((20, 20), f"{net.describe()}   answer: {answer}", fill=TEXT, font=font)
    return img


def _neurons(draw, a: np.ndarray, idx, pts, top: float, answer: int | None, font) -> None:
    """One layer's shown neurons as circles lit by their activation; for the output layer
    (``answer`` given) each one's value beside it, the answer highlighted."""
    radius = min(13, (pts[1][1] - pts[0][1]) / 2 - 2 if len(pts) > 1 else 13)
    for (cx, cy), n in zip(pts, idx.tolist(), strict=True):
        v = a[n]
        shade = int(np.clip(v / top, 0, 1) * 255)
        outline = ANSWER if answer is not None and n == answer else (120, 120, 120)
        draw.ellipse(
            [cx - radius, cy - radius, cx + radius, cy + radius],
            fill=(shade, shade, shade),
            outline=outline,
            width=3 if outline == ANSWER else 1,
        )
        if answer is not None:
            fill = ANSWER if n == answer else TEXT
            draw.text((cx + radius + 8, cy - 6), f"{n}  {v:.2f}", fill=fill, font=font)


MISTAKE_SCALE = 3  # pixels per input pixel in the mistakes grid: 84 px tiles, 24 a row in 2,000 px
MISTAKES_PER_ROW = 20
MOST_MISTAKES_DRAWN = 400  # 20 rows of 20: a picture a viewer shows whole (about 1900x2500)
REFUSED = (230, 60, 60)


def mistakes_grid(
    tiles: list[np.ndarray], names: list[str], captions: list[str], heading: str
) -> Image.Image:
    """Pictures the network got wrong, each a 28x28 tile in [0, 1] (as the network saw it;
    a refused one as the picture itself, framed in red) with its name and a caption such as
    ``7 as 2 (0.93)`` under it. At most MOST_MISTAKES_DRAWN are drawn."""
    tiles, names, captions = (v[:MOST_MISTAKES_DRAWN] for v in (tiles, names, captions))
    side = 28 * MISTAKE_SCALE
    cell_w, cell_h = side + TILE_PAD, side + 2 * LABEL_HEIGHT + TILE_PAD
    cols = max(1, min(MISTAKES_PER_ROW, len(tiles)))
    rows = math.ceil(len(tiles) / cols)
    top = 2 * LABEL_HEIGHT
    img = Image.new(
        "RGB", (max(cols * cell_w + TILE_PAD, LEGEND_WIDTH), top + rows * cell_h + TILE_PAD)
    )
    draw = ImageDraw.Draw(img)
    font = _font()
    draw.text((TILE_PAD, 6), heading, fill=TEXT, font=font)
    for k, (tile, name, caption) in enumerate(zip(tiles, names, captions, strict=True)):
        r, c = divmod(k, cols)
        x, y = TILE_PAD + c * cell_w, top + r * cell_h
        img.paste(_zoom(gray_rgb(tile), MISTAKE_SCALE), (x, y))
        refused = "refused" in caption
        if refused:
            draw.rectangle([x, y, x + side - 1, y + side - 1], outline=REFUSED, width=2)
        if draw.textlength(name, font=font) > side:  # keep the end: the file's own name
            while len(name) > 1 and draw.textlength(".." + name, font=font) > side:
                name = name[1:]
            name = ".." + name
        draw.text((x, y + side + 1), name, fill=TEXT, font=font)
        draw.text(
            (x, y + side + LABEL_HEIGHT), caption, fill=REFUSED if refused else ANSWER, font=font
        )
    return img
