"""digitnet serve's page in a real browser: Debian's headless Chromium, driven by Selenium.

Skipped where Chromium, its driver or Selenium is missing; .ci/run installs them. Each test
saves a screenshot of what it checked, in $DIGITNET_SCREENSHOTS or a temporary folder.
"""

from __future__ import annotations

import base64
import math
import os
from pathlib import Path

import pytest
from serve_helpers import CHROMIUM, DRIVER, chromium, request, stroke

SAMPLES = Path(__file__).resolve().parents[2] / "digitnet" / "samples"
WAIT = 20  # seconds for the page to answer: a loaded CI machine is slow


@pytest.fixture(scope="module")
def browser():
    pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    if not (os.path.exists(CHROMIUM) and os.path.exists(DRIVER)):
        pytest.skip(
            "Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)"
        )
    driver = chromium()
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = os.environ.get("DIGITNET_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def page(browser, server):
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server.url)
    WebDriverWait(browser, WAIT).until(lambda d: body(d, "ready") == "1")
    return browser


def body(driver, key: str) -> str | None:
    return driver.find_element("tag name", "body").get_attribute(f"data-{key}")


def screenshot(driver, shots: Path, name: str) -> Path:
    from PIL import Image

    path = shots / name
    driver.save_screenshot(str(path))
    img = Image.open(path)
    assert img.width >= 1000 and img.getextrema() != ((0, 0), (0, 0), (0, 0))
    return path


SEVEN = [(0.25, 0.2), (0.75, 0.2), (0.65, 0.4), (0.5, 0.65), (0.42, 0.85)]
ONE = [(0.52, 0.15), (0.5, 0.5), (0.48, 0.85)]
ZERO = [
    (0.5 + 0.2 * math.sin(t / 12 * 2 * math.pi), 0.5 - 0.3 * math.cos(t / 12 * 2 * math.pi))
    for t in range(13)
]


def answered(driver, previous: str | None = None) -> str:
    """The digit the page shows once its answers have caught up with the drawing."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, WAIT).until(
        lambda d: (
            d.execute_script("return !window.digitnet.inFlight && !window.digitnet.again")
            and d.find_element("id", "answer-digit").get_attribute("data-digit")
            not in ("", previous)
        )
    )
    return driver.find_element("id", "answer-digit").text


def canvas_png(driver) -> bytes:
    url = driver.execute_script("return document.getElementById('pad').toDataURL('image/png')")
    return base64.b64decode(url.split(",", 1)[1])


@pytest.mark.parametrize(
    "points, digit, kind",
    [(SEVEN, "7", "mouse"), (ONE, "1", "touch"), (ZERO, "0", "pen")],
)
def test_drawing_shows_the_digit_that_predict_gives_the_drawing(
    page, server, shots, points, digit, kind
):
    stroke(page, points, kind)
    shown = answered(page)
    assert shown == digit
    # the page's answer is predict's for the very picture drawn
    api = request(server, "POST", "/api/predict", canvas_png(page)).json()
    assert str(api["digit"]) == shown
    note = page.find_element("id", "answer-note").text
    assert note == f"brightest output {api['confidence']:.2f} (default)"
    assert page.find_element("id", "announce").text == f"The network reads {digit}"
    screenshot(page, shots, f"drawn-{digit}-{kind}.png")


def test_the_network_view_is_predicts_input(page, server):
    stroke(page, SEVEN)
    answered(page)
    api = request(server, "POST", "/api/network", canvas_png(page)).json()
    # the input panel: the 28x28 input drawn at 6 px a pixel from 12, top-aligned in the middle
    drawn = page.execute_script(
        """const c = document.getElementById('net'), ctx = c.getContext('2d');
        const top = (c.height - 28 * 6) / 2, out = [];
        for (let i = 0; i < 784; i++) {
          const x = 12 + (i % 28) * 6 + 3, y = top + Math.floor(i / 28) * 6 + 3;
          out.push(ctx.getImageData(x, y, 1, 1).data[0]);
        }
        return out;"""
    )
    expected = [round(min(1, max(0, v)) * 255) for v in api["input"]]
    assert max(abs(a - b) for a, b in zip(drawn, expected, strict=True)) <= 1
    assert sum(v > 0 for v in expected) > 50


def test_undo_and_clear(page):
    from selenium.webdriver.support.ui import WebDriverWait

    from digitnet.reading.signs import A_SIGN

    stroke(page, ONE)
    assert answered(page) == "1"
    stroke(page, [(0.2, 0.5), (0.8, 0.5)])  # a cross over the 1: a sign, no digit
    WebDriverWait(page, WAIT).until(lambda d: d.find_element("id", "answer-note").text == A_SIGN)
    assert page.find_element("id", "answer-digit").text == "?"
    page.find_element("id", "undo").click()
    assert answered(page, None) == "1"
    page.find_element("id", "clear").click()
    WebDriverWait(page, WAIT).until(
        lambda d: d.find_element("id", "answer-note").text == "draw a digit"
    )
    assert page.find_element("id", "answer-digit").text == "?"


def test_a_digit_drawn_with_the_keyboard(page, shots):
    from selenium.webdriver.common.keys import Keys

    pad = page.find_element("id", "pad")
    pad.click()  # focus; a click draws a dot, cleared next
    page.find_element("id", "clear").click()
    pad.send_keys(Keys.ARROW_UP * 8, " ", Keys.ARROW_DOWN * 16, " ")
    assert answered(page) == "1"
    assert page.find_element("id", "pen-state").text == "Pen up: arrows move"
    screenshot(page, shots, "keyboard-1.png")


def drop(driver, path: Path) -> None:
    """Drop a file on the page's drop zone, as dragging it from a file manager does."""
    data = base64.b64encode(path.read_bytes()).decode()
    driver.execute_script(
        """const [name, b64] = arguments;
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const transfer = new DataTransfer();
        transfer.items.add(new File([bytes], name, { type: 'image/jpeg' }));
        const zone = document.getElementById('drop');
        zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true }));
        zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true }));""",
        path.name,
        data,
    )


def photo_answer(driver, previous: str = "") -> str:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, WAIT).until(lambda d: body(d, "photo") not in ("", None, previous))
    WebDriverWait(driver, WAIT).until(
        lambda d: d.execute_script(
            "const i = document.getElementById('photo-steps');"
            "return i.hidden || (i.complete && i.naturalWidth > 0)"
        )
    )
    return body(driver, "photo")


def test_dropping_the_number_photo_reads_its_number(page, server, shots):
    photo = SAMPLES / "number-photo.jpg"
    drop(page, photo)
    assert photo_answer(page) == "12,480\n07-31"
    api = request(server, "POST", "/api/read", photo.read_bytes()).json()
    assert api["number"] == "12,480\n07-31"
    text = page.find_element("id", "photo-answer").text
    assert text.startswith("number-photo.jpg: the number 12,480")
    steps = page.find_element("id", "photo-steps")
    width = page.execute_script("return arguments[0].naturalWidth", steps)
    assert width > 600 and steps.is_displayed()
    page.execute_script("arguments[0].scrollIntoView()", steps)
    screenshot(page, shots, "dropped-number-photo.png")


def test_choosing_a_photo_of_one_digit(page, shots):
    page.find_element("id", "file").send_keys(str(SAMPLES / "photo-4.jpg"))
    assert photo_answer(page) == "4"
    assert "photo-4.jpg: the digit 4" in page.find_element("id", "photo-answer").text


def test_switching_models_changes_every_panel(page, server, shots, real_mnist, tmp_path):
    from PIL import Image
    from selenium.webdriver.support.ui import Select, WebDriverWait

    from digitnet.data import mnist

    images, _ = mnist.load(real_mnist, "test")
    seven = tmp_path / "mnist-01226-7.png"  # a 7 that default reads as a 2, large as a 7
    Image.fromarray(images[1226]).save(seven)
    stroke(page, SEVEN)
    answered(page)
    page.find_element("id", "file").send_keys(str(seven))
    assert photo_answer(page) == "2"  # default's mistake on this 7
    Select(page.find_element("id", "model")).select_by_value("large")
    WebDriverWait(page, WAIT).until(
        lambda d: d.find_element("id", "answer-note").text.endswith("(large)")
    )
    assert photo_answer(page, "2") == "7"  # large reads it right
    assert "model=large" in page.find_element("id", "weights-img").get_attribute("src")
    WebDriverWait(page, WAIT).until(
        lambda d: (
            d.execute_script("return document.getElementById('weights-img').naturalWidth")
            == _weights_width("large")
        )
    )
    about = page.find_element("id", "model-about").text
    assert about == "a larger fully-connected network, for the best answer"
    page.execute_script("window.scrollTo(0, 0)")
    screenshot(page, shots, "model-large.png")


def _weights_width(model: str) -> int:
    from digitnet.saved import shipped
    from digitnet.serve.api import TILE_SCALE, WEIGHT_TILES
    from digitnet.show import pictures

    net = shipped.load(model)
    return pictures.picture_size(net, 1, min(WEIGHT_TILES, net.layers[0].outputs), TILE_SCALE)[0]


def test_the_palette_switch_recolours_the_weights(page):
    from selenium.webdriver.support.ui import Select

    Select(page.find_element("id", "palette")).select_by_value("blue-orange")
    src = page.find_element("id", "weights-img").get_attribute("src")
    assert "palette=blue-orange" in src
    colour = page.execute_script(
        "return getComputedStyle(document.documentElement).getPropertyValue('--pos')"
    )
    assert colour.strip() == "rgba(60,150,255,1)"
