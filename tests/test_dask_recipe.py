"""The Dask recipe in docs/python.md, run as written on a local cluster of two worker processes, and
checked answer by answer against `digitnet predict --format csv` on the same files."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import drawn_digit

from digitnet.cli import cli

DOC = Path(__file__).resolve().parents[1] / "docs" / "python.md"
SAMPLES = Path(__file__).resolve().parents[1] / "digitnet" / "samples"


def recipe() -> str:
    """The code block of docs/python.md that starts with '# the Dask recipe'."""
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)
    (code,) = [b for b in blocks if b.startswith("# the Dask recipe")]
    return code


@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip(
        "dask.distributed", reason="dask is not installed: pip install '.[dask]'"
    )
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def pictures(folder: Path) -> list[str]:
    """Every sample, drawn 7s of several sizes, and a file that is no picture."""
    paths = [str(p) for p in sorted(SAMPLES.iterdir()) if p.suffix in (".png", ".jpg")]
    for size in range(60, 300, 12):
        drawn_digit(size).save(folder / f"seven-{size}.png")
        paths.append(str(folder / f"seven-{size}.png"))
    (folder / "junk.png").write_bytes(b"not a picture")
    return paths + [str(folder / "junk.png")]


def test_the_recipe_gives_predicts_answers_on_two_workers(client, tmp_path):
    namespace: dict = {}
    exec(recipe(), namespace)
    paths = pictures(tmp_path)
    out = tmp_path / "answers"
    from dask.distributed import get_task_stream

    with get_task_stream(client) as stream:
        namespace["predict_on_dask"](paths, str(out), per_task=7)
    ran_on = {t["worker"] for t in stream.data}
    parts = sorted(out.glob("part-*.csv"), key=lambda p: int(re.findall(r"\d+", p.name)[-1]))
    assert len(parts) == -(-len(paths) // 7)
    rows = []
    for part in parts:
        lines = list(csv.reader(io.StringIO(part.read_text())))
        assert lines[0] == ["path", "digit", "confidence", "error"]
        rows += lines[1:]
    result = CliRunner().invoke(cli, ["predict", *paths, "--format", "csv"])
    expected = list(csv.reader(io.StringIO(result.stdout)))
    assert expected[0] == ["path", "digit", "confidence", "error"]
    assert rows == expected[1:]
    refused = {Path(r[0]).name: r[3] for r in rows if r[3]}
    assert refused == {
        "number-photo.jpg": "several digits in 2 lines: use 'digitnet read' for numbers",
        "date.png": "several digits side by side (10): use 'digitnet read' for numbers",
        "form.png": "text or a line, not a digit",
        "junk.png": "not an image (or a format Pillow cannot read)",
    }
    assert len(ran_on) == 2  # both worker processes took a share
