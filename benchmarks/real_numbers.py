"""Real photos and scans of numbers written by people, read by `digitnet read`.

    python benchmarks/real_numbers.py --folder DIR

The pictures come from public repositories that give no licence, so they are not committed:
MANIFEST names each one (repository, commit, path) and what it shows. Get them with git
(`git clone https://github.com/REPO && git -C NAME show COMMIT:PATH > DIR/FILE`), into DIR
under the FILE names below. Prints, for each model, what it read and whether it is exact
(as written, and digits only), and the pages with no number: refused or not.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from digitnet.errors import ImageError
from digitnet.image import preprocess
from digitnet.reading.reader import read_pixels
from digitnet.saved import shipped

MODELS = ("default", "large")
NIRAJ = ("niraj-dudani/mnist-multiple-digits", "8ea222df17a4264896134571e73107dff16087cd")
SHIVAM = ("ShivamShrirao/mnist_ann_from_scratch", "7fe179f103496d1941596f785c592062d2600d58")
# (file, repository, commit, path in it, what is written: None for no number)
MANIFEST = [
    ("niraj-wild-1.jpeg", *NIRAJ, "data/wild/1.jpeg", "7899777743"),
    ("niraj-wild-2.jpeg", *NIRAJ, "data/wild/2.jpeg", "8341032750"),
    ("niraj-wild-3.jpeg", *NIRAJ, "data/wild/3.jpeg", "3446785512"),
    ("niraj-wild-4.jpeg", *NIRAJ, "data/wild/4.jpeg", "8374787080"),
    ("shivam-num.png", *SHIVAM, "num.png", "12345\n6789"),
    ("shivam-num1.jpg", *SHIVAM, "num1.jpg", "05221859"),
    ("niraj-scanned-example.jpeg", *NIRAJ, "data/dummy/scanned-example.jpeg", None),
]


def said(path: Path, net) -> str:
    try:
        return read_pixels(preprocess.gray_pixels(str(path)), net).number()
    except ImageError as e:
        return f"refused: {e}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, required=True, help="the pictures of MANIFEST")
    args = parser.parse_args()
    missing = [f for f, *_ in MANIFEST if not (args.folder / f).is_file()]
    if missing:
        raise SystemExit(f"missing in {args.folder}: {', '.join(missing)} (see MANIFEST)")
    nets = {m: shipped.load(m) for m in MODELS}
    exact = dict.fromkeys(MODELS, 0)
    numbers = [m for m in MANIFEST if m[4] is not None]
    for file, repo, _, _, text in MANIFEST:
        row = f"{file:<28} {repr(text) if text else 'no number':<14}"
        for m, net in nets.items():
            got = said(args.folder / file, net)
            right = got.startswith("refused") if text is None else got == text
            exact[m] += right and text is not None
            row += f" | {m}: {got!r:<16} {'right' if right else 'wrong'}"
        print(row + f"   ({repo})")
    print(
        f"{len(numbers)} numbers read exactly as written: "
        + ", ".join(f"{m} {exact[m]}" for m in MODELS)
    )


if __name__ == "__main__":
    main()
