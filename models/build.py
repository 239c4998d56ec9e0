"""Rebuild every shipped model, in order, from the recipe each one records.

    python models/build.py --data DIR [--only NAME ...] [--dry-run]

Each model file records the command that made it (`digitnet inspect weights --model NAME`
shows it). This runs them again from the repository's root: `large` first (the other two
learn from it), then `default` and `lesson`, then `read`'s judge, part reader and text
network, which learn from parts cut and read with the digit networks, and the sign network,
which learns from marks framed as `predict` frames them. `--data` replaces the
MNIST folder each command names; one BLAS thread a run, as they were made, gives
byte-identical files (the date inside is the day of the run, or SOURCE_DATE_EPOCH's).
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ORDER = ("large", "default", "lesson", "judge", "parts", "text", "signs")  # teachers first


def recipe(name: str) -> list[str]:
    """The command recorded in models/NAME.npz, as a list of arguments."""
    sys.path.insert(0, str(ROOT))
    from digitnet.saved import modelfile

    meta = modelfile.load(ROOT / "models" / f"{name}.npz").metadata
    return shlex.split(meta["training"]["command"])


def with_data(command: list[str], data: str) -> list[str]:
    """The command with its MNIST folder replaced (train's --data, the build scripts' env)."""
    out = list(command)
    if "--data" in out:
        out[out.index("--data") + 1] = data
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="the MNIST folder")
    parser.add_argument("--only", nargs="+", choices=ORDER, help="these models only")
    parser.add_argument("--dry-run", action="store_true", help="print the commands only")
    args = parser.parse_args()
    env = {**os.environ, "DIGITNET_DATA": args.data, "OPENBLAS_NUM_THREADS": "1"}
    for name in ORDER:
        if args.only and name not in args.only:
            continue
        command = with_data(recipe(name), args.data)
        print(f"{name}: {shlex.join(command)}", flush=True)
        if not args.dry_run:
            subprocess.run(command, cwd=ROOT, env=env, check=True)


if __name__ == "__main__":
    main()
