"""The page's reaction time: from the end of a stroke to the answer drawn, in a real browser.

Starts `digitnet serve`, opens its page in headless Chromium (Selenium), draws digits
with the mouse, 0 to 9 in turn, and reads the page's own measurements (performance.now() at the
pointerup, and again in the animation frame after the answer is drawn). Prints the median
and the spread, and where the time of the last request of each stroke went.

Target: at most 50 ms, median, on this machine.

    python benchmarks/serve_reaction.py [--digits 40] [--model default]
"""

from __future__ import annotations

import argparse
import math
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "serve"))
from serve_helpers import chromium, stroke  # noqa: E402  (the tests' browser driver)


def _ring(cx, cy, rx, ry, start=0.0, turn=1.0, n=16):
    return [
        (
            cx + rx * math.sin(start + 2 * math.pi * turn * t / n),
            cy - ry * math.cos(start + 2 * math.pi * turn * t / n),
        )
        for t in range(n + 1)
    ]


# Each digit as people draw it on the pad: strokes of points, x and y in 0..1.
DIGITS = {
    0: [_ring(0.5, 0.5, 0.2, 0.3)],
    1: [[(0.52, 0.18), (0.5, 0.5), (0.48, 0.82)]],
    2: [_ring(0.5, 0.35, 0.18, 0.15, -1.4, 0.45, 8) + [(0.3, 0.8), (0.72, 0.8)]],
    3: [_ring(0.48, 0.33, 0.17, 0.14, -1.4, 0.65, 8) + _ring(0.48, 0.64, 0.19, 0.17, 0.3, 0.55, 8)],
    4: [[(0.45, 0.18), (0.3, 0.6), (0.72, 0.6)], [(0.6, 0.3), (0.6, 0.85)]],
    5: [[(0.68, 0.2), (0.38, 0.2), (0.35, 0.47)] + _ring(0.5, 0.62, 0.17, 0.17, -0.9, 0.6, 8)],
    6: [[(0.62, 0.18), (0.4, 0.45)] + _ring(0.5, 0.65, 0.16, 0.17, -1.6, 1.0, 12)],
    7: [[(0.28, 0.2), (0.72, 0.2), (0.5, 0.55), (0.42, 0.85)]],
    8: [_ring(0.5, 0.33, 0.14, 0.14, 3.14, 1.0, 12) + _ring(0.5, 0.66, 0.17, 0.17, 0, 1.0, 12)],
    9: [_ring(0.5, 0.35, 0.16, 0.15, 1.6, 1.0, 12) + [(0.65, 0.4), (0.6, 0.85)]],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--digits", type=int, default=40, help="digits drawn, 0 to 9 in turn")
    parser.add_argument("--model", default="default")
    args = parser.parse_args()
    digitnet = shutil.which("digitnet") or sys.exit("digitnet is not installed on PATH")
    server = subprocess.Popen(
        [digitnet, "serve", "--port", "0", "--quiet", "--model", args.model],
        stderr=subprocess.PIPE,
        text=True,
    )
    url = next(line.split()[2] for line in server.stderr if "serving" in line)
    driver = chromium()
    try:
        driver.get(url)
        deadline = time.monotonic() + 20
        while driver.execute_script("return document.body.dataset.ready") != "1":
            if time.monotonic() > deadline:
                sys.exit("the page did not start")
            time.sleep(0.05)
        parts, read = [], []
        for k in range(args.digits):
            digit = k % 10
            driver.find_element("id", "clear").click()
            for points in DIGITS[digit]:
                before = len(driver.execute_script("return window.digitnet.reactions"))
                stroke(driver, points)
                while len(driver.execute_script("return window.digitnet.reactions")) == before:
                    time.sleep(0.01)
                parts.append(driver.execute_script("return window.digitnet.last"))
            read.append(driver.find_element("id", "answer-digit").text == str(digit))
        times = driver.execute_script("return window.digitnet.reactions")
    finally:
        driver.quit()
        server.terminate()
        server.wait(10)
    times.sort()
    print(
        f"model {args.model}: {args.digits} digits drawn ({sum(read)} read as drawn), "
        f"{len(times)} strokes; from a stroke's end to the answer drawn (ms):"
    )
    print(
        f"median {statistics.median(times):.1f}  p90 {times[int(0.9 * len(times))]:.1f}  "
        f"min {times[0]:.1f}  max {times[-1]:.1f}   target: median at most 50"
    )
    for key in ("encode", "server", "work", "draw"):
        print(f"  last request, {key:<6} median {statistics.median(p[key] for p in parts):5.1f} ms")


if __name__ == "__main__":
    main()
