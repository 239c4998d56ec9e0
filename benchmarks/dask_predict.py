"""The Dask recipe in docs/python.md on one machine, beside `digitnet predict --jobs 2`, in one run.

Writes --count MNIST test digits as 28x28 PNGs, then, in turn (--repeat times), reads them
all with the recipe on a local cluster of two worker processes (the cluster started once,
as a user's would be) and with `digitnet predict -T LIST --jobs 2 --format csv`, and prints
images per second for each. Both give the same answers (tests/test_dask_recipe.py).

    python benchmarks/dask_predict.py [--count 10000] [--repeat 3] [--per-task 2000]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from predict_throughput import write_mnist_pngs

DOC = Path(__file__).resolve().parents[1] / "docs" / "python.md"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--per-task", type=int, default=2000)
    args = parser.parse_args()
    digitnet = shutil.which("digitnet") or sys.exit("digitnet is not installed on PATH")
    from dask.distributed import Client, LocalCluster

    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)
    recipe: dict = {}
    exec(next(b for b in blocks if b.startswith("# the Dask recipe")), recipe)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp, "pngs")
        folder.mkdir()
        paths = [str(p) for p in write_mnist_pngs(folder, args.count)]
        listing = Path(tmp, "list.txt")
        listing.write_text("".join(p + "\n" for p in paths))
        cluster = LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
        recipe["predict_on_dask"](paths[:100], f"{tmp}/warm", per_task=50)  # workers warm
        times: dict[str, list[float]] = {"dask recipe, 2 workers": [], "predict --jobs 2": []}
        for k in range(args.repeat):
            started = time.perf_counter()
            recipe["predict_on_dask"](paths, f"{tmp}/out{k}", per_task=args.per_task)
            times["dask recipe, 2 workers"].append(time.perf_counter() - started)
            started = time.perf_counter()
            subprocess.run(
                [digitnet, "predict", "-T", str(listing), "--jobs", "2", "--format", "csv"],
                stdout=subprocess.DEVNULL,
                check=True,
            )
            times["predict --jobs 2"].append(time.perf_counter() - started)
        client.close()
        cluster.close()
    print(f"{args.count:,} 28x28 PNGs, {args.repeat} runs each, in turn (best run):")
    rates = {name: args.count / min(t) for name, t in times.items()}
    for name, rate in rates.items():
        print(f"  {name:<24} {rate:8,.0f} images/s")
    dask_rate, cli_rate = rates.values()
    print(f"  the recipe reads {dask_rate / cli_rate:.2f}x predict's images per second")


if __name__ == "__main__":
    main()
