"""One image, end to end, as a new process: digitnet predict vs importing NumPy and Pillow.

Target: at most 1.3x the time of `python -c "import numpy, PIL.Image"`.

    python benchmarks/predict_startup.py [--repeat 30] [--image FILE]
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from timing import alternate, median, run_command, summary

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--image", default=str(ROOT / "digitnet" / "samples" / "three.png"))
    args = parser.parse_args()
    digitnet = shutil.which("digitnet") or sys.exit("digitnet is not installed on PATH")
    jobs = {
        "python -c 'import numpy, PIL.Image'": lambda: run_command(
            [sys.executable, "-c", "import numpy, PIL.Image"]
        ),
        f"digitnet predict {Path(args.image).name}": lambda: run_command(
            [digitnet, "predict", args.image]
        ),
    }
    run_command([digitnet, "predict", args.image])  # warm the file cache
    times = alternate(jobs, args.repeat)
    for name, t in times.items():
        print(f"{name:<40} {summary(t)}")
    base, ours = (median(t) for t in times.values())
    print(f"ratio (median): {ours / base:.2f}x   target: at most 1.30x")


if __name__ == "__main__":
    main()
