"""What ``digitnet serve`` answers, apart from HTTP: each endpoint as a function of the
picture and the query, giving a :class:`Reply`.

The JSON rows are the CLI's own (digitnet.show.records): ``POST /api/predict`` answers exactly
what ``digitnet predict - --format json`` prints for the same bytes.
"""

from __future__ import annotations

import io
import json
import threading
from typing import NamedTuple

from digitnet.errors import DigitnetError, ImageError
from digitnet.limits import MAX_PIXELS
from digitnet.saved import shipped
from digitnet.show.records import answer_row, model_row, reading_row
from digitnet.show.summary import shown_neurons, strongest_connections
from digitnet.show.terminal import DEFAULT_PALETTE, PALETTES

JSON = "application/json"
PNG = "image/png"
CONNECTIONS = 40  # lines drawn between two layers of the page's network, as in the PNG diagram
WEIGHT_TILES = 64  # first-layer neurons the page draws: the lesson's 16, or a wide layer's first
TILE_SCALE = 4  # pixels per weight in the page's weight tiles: 16 tiles fit a laptop's screen


class Reply(NamedTuple):
    status: int
    content_type: str
    body: bytes


class Picture(NamedTuple):
    """An uploaded picture: the name it reports (its file name, or '-' for a bare body)
    and its bytes."""

    name: str
    data: bytes


class RequestError(DigitnetError):
    """A request the server cannot answer, with the HTTP status that says why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def json_reply(obj, status: int = 200) -> Reply:
    """``obj`` as a JSON reply with ``status``."""
    return Reply(status, JSON, (json.dumps(obj) + "\n").encode())


def error_reply(status: int, message: str) -> Reply:
    """A JSON error: ``{"error": message}`` with ``status``."""
    return json_reply({"error": message}, status)


def _number(query: dict[str, str], name: str, kind, low, high, default):
    """A query parameter as a number in [low, high], or a 400 saying what it takes."""
    if name not in query:
        return default
    try:
        value = kind(query[name])
    except ValueError:
        value = None
    if value is None or not low <= value <= high or value != value:  # NaN
        raise RequestError(400, f"{name} must be a number from {low} to {high}")
    return value


def _flag(query: dict[str, str], name: str) -> bool:
    value = query.get(name, "0").lower()
    if value not in ("0", "1", "true", "false", ""):
        raise RequestError(400, f"{name} takes 1 or 0")
    return value in ("1", "true", "")


class Api:
    """The server's models (loaded once, shared by its threads) and its endpoints."""

    def __init__(self, model: str | None = None, max_pixels: int = MAX_PIXELS) -> None:
        self.max_pixels = max_pixels
        self.default = model or shipped.DEFAULT
        # the models a request may name: the shipped ones and the one the server was given;
        # never a path from the request, which could read any file on the machine
        self.choices = list(dict.fromkeys([self.default, *shipped.names()]))
        self._nets = {self.default: shipped.load(self.default)}  # a bad --model fails now
        self._lock = threading.Lock()
        self._weights: dict[tuple[str, str], bytes] = {}

    def net(self, query: dict[str, str]):
        name = query.get("model") or self.default
        if name not in self.choices:
            raise RequestError(400, f"no such model {name!r}: use one of {', '.join(self.choices)}")
        with self._lock:
            if name not in self._nets:
                self._nets[name] = shipped.load(name)
            return name, self._nets[name]

    def config(self) -> Reply:
        """What the page needs to know: the models, the palettes and the pen."""
        from digitnet.image.framing import SIDE
        from digitnet.show.drawing import BRUSH, ZOOM

        return json_reply(
            {
                "models": self.choices,
                "model": self.default,
                "descriptions": {k: shipped.DESCRIPTIONS.get(k, k) for k in self.choices},
                "palettes": PALETTES,  # name: (positive, negative) RGB
                "palette": DEFAULT_PALETTE,
                "side": SIDE,
                "zoom": ZOOM,
                "brush": BRUSH,
            }
        )

    def predict(self, picture: Picture, query: dict[str, str]) -> Reply:
        """``predict --format json`` for one picture (--top and --threshold as ``top`` and
        ``threshold``); a picture with no answer is 422, with predict's error row."""
        from digitnet.predicting.classify import answer_of

        top = _number(query, "top", int, 1, 10, 1)
        threshold = _number(query, "threshold", float, 0.0, 1.0, None)
        _, net = self.net(query)
        ans = answer_of(net, picture.data, self.max_pixels, picture.name)
        below = ans.error is None and threshold is not None and ans.confidence < threshold
        return json_reply(answer_row(ans, top, below), 422 if ans.error else 200)

    def read(self, picture: Picture, query: dict[str, str]) -> Reply:
        """``read --format json`` for one picture (``digits-only``, ``single-line``,
        ``threshold`` as the options); a picture with no number is 422."""
        from digitnet.reading.reader import result_of

        threshold = _number(query, "threshold", float, 0.0, 1.0, None)
        digits_only = _flag(query, "digits-only")
        _, net = self.net(query)
        result = result_of(net, picture.data, self.max_pixels, picture.name)
        if result.reading is not None and _flag(query, "single-line"):
            result = result._replace(reading=result.reading.single_line())
        row = reading_row(result, digits_only, threshold)
        return json_reply(row, 422 if result.error else 200)

    def model(self, query: dict[str, str]) -> Reply:
        """``inspect weights --format json`` (``values=1``: with every weight)."""
        name, net = self.net(query)
        return json_reply(model_row(name, net, _flag(query, "values")))

    def network(self, picture: Picture, query: dict[str, str]) -> Reply:
        """How the picture lights up the network, for the page: the 28x28 input as predict
        makes it, every layer's activations, the neurons worth drawing and the strongest
        connections between them."""
        from digitnet.predicting.classify import inputs_of

        name, net = self.net(query)
        try:
            x = inputs_of(picture.data, self.max_pixels)
        except ImageError as e:
            return error_reply(422, str(e))
        acts = [a[0] for a in net.activations(x.reshape(1, -1).astype("float64"))]
        shown = [range(len(acts[0]))] + [shown_neurons(a) for a in acts[1:]]
        answer = int(acts[-1].argmax())
        return json_reply(
            {
                "model": name,
                "digit": answer,
                "confidence": round(float(acts[-1][answer]), 6),
                "input": [round(float(v), 4) for v in acts[0]],
                "layers": [[round(float(v), 4) for v in a] for a in acts[1:]],
                "functions": [layer.activation for layer in net.layers],
                "shown": [[int(n) for n in s] for s in shown[1:]],
                "connections": [
                    [[k, j, round(v, 4)] for k, j, v in pairs]
                    for pairs in strongest_connections(net, acts, shown, CONNECTIONS)
                ],
            }
        )

    def steps(self, picture: Picture, query: dict[str, str]) -> Reply:
        """The --steps picture: of ``inspect image`` (kind=digit), drawn for a refused
        picture too, to show why; or of ``read`` (kind=number)."""
        from digitnet.image import preprocess
        from digitnet.predicting import one_digit
        from digitnet.show import steps_picture

        kind = query.get("kind", "digit")
        if kind not in ("digit", "number"):
            raise RequestError(400, "kind takes digit or number")
        _, net = self.net(query)
        try:
            if kind == "number":
                from digitnet.reading.reader import read_pixels

                gray = preprocess.gray_pixels(picture.data, self.max_pixels)
                digits_only = _flag(query, "digits-only")
                out = steps_picture.draw_reading(gray, read_pixels(gray, net), digits_only)
            else:
                steps = one_digit.image_steps(preprocess.open_image(picture.data, self.max_pixels))
                outputs = None
                if steps.refusal is None:
                    outputs = net.forward(steps.inputs.reshape(1, -1).astype("float64"))[0]
                out = steps_picture.draw(steps, outputs)
        except ImageError as e:
            return error_reply(422, str(e))
        return Reply(200, PNG, _png(out))

    def weights(self, query: dict[str, str]) -> Reply:
        """The first layer's weights as tiles, as ``inspect weights --image`` draws them."""
        from digitnet.show import pictures

        name, net = self.net(query)
        palette = query.get("palette", DEFAULT_PALETTE)
        if palette not in PALETTES:
            raise RequestError(400, f"palette takes {' or '.join(PALETTES)}")
        key = (name, palette)
        if key not in self._weights:
            neurons = list(range(min(WEIGHT_TILES, net.layers[0].outputs)))
            img = pictures.weight_tiles(net, neurons, TILE_SCALE, palette=palette)
            self._weights[key] = _png(img)
        return Reply(200, PNG, self._weights[key])


def _png(img) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()
