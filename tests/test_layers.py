"""The package's stages import only from the stages below: import-linter's layers contract
(pyproject.toml, [tool.importlinter]) holds, and a planted upward import breaks it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")


def lint(where: Path) -> subprocess.CompletedProcess:
    if not os.path.exists(LINT):
        pytest.skip("import-linter is not installed (it is in the test extra)")
    env = {**os.environ, "PYTHONPATH": str(where)}
    return subprocess.run(
        [LINT, "--no-cache"], cwd=where, env=env, capture_output=True, text=True, timeout=120
    )


def contracts() -> list[dict]:
    tomllib = pytest.importorskip("tomllib", reason="Python 3.11's tomllib reads the contract")
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]


def test_the_stages_contracts_are_kept():
    run = lint(ROOT)
    assert run.returncode == 0, run.stdout
    assert f"Contracts: {len(contracts())} kept, 0 broken." in run.stdout


WHOLE_STAGES = {"digitnet.cli", "digitnet.serve"}  # the top two: thin layers, one stage each


def test_every_module_has_its_stage():
    """A new module or package must be given its place in a contract, or it would escape it."""
    import re

    stages, *inside = contracts()
    named_stages = set(re.findall(r"digitnet\.[a-z_]+", " ".join(stages["layers"])))
    named_inside = set(
        re.findall(r"digitnet\.[a-z_.]+", " ".join(layer for c in inside for layer in c["layers"]))
    )
    missing = []
    for path in (ROOT / "digitnet").rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] in ("__init__", "__main__") and len(parts) == 2:
            continue
        stage = ".".join(parts[:2])
        if stage not in named_stages:
            missing.append(stage)
        elif (
            len(parts) == 3
            and stage not in WHOLE_STAGES
            and parts[2] != "__init__"
            and ".".join(parts) not in named_inside
        ):
            missing.append(".".join(parts))
    assert sorted(set(missing)) == []


@pytest.mark.parametrize(
    "module, planted, forbidden",
    [
        ("nn/network.py", "from digitnet.predicting import classify", "digitnet.predicting"),
        ("image/preprocess.py", "from digitnet.reading import reader", "digitnet.reading"),
        ("reading/reader.py", "from digitnet.predicting import classify", "digitnet.predicting"),
        ("errors.py", "from digitnet.nn import network", "digitnet.nn"),
        ("image/ink.py", "from digitnet.image import preprocess", "digitnet.image.preprocess"),
        ("reading/segment.py", "from digitnet.reading import cuts", "digitnet.reading.cuts"),
    ],
)
def test_a_planted_upward_import_breaks_it(tmp_path, module, planted, forbidden):
    shutil.copytree(ROOT / "digitnet", tmp_path / "digitnet")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "digitnet" / module
    target.write_text(target.read_text() + f"\n\ndef _planted():\n    {planted}\n")
    run = lint(tmp_path)
    assert run.returncode == 1
    name = "digitnet." + module.removesuffix(".py").replace("/", ".")
    assert f"{name} -> {forbidden}" in run.stdout, run.stdout


MAX_MODULE_LINES = 400  # issue 25: a module a reader can hold in mind
MAX_FUNCTION_LINES = 60  # ... and a function, its docstring and signature included


def test_no_module_or_function_is_too_long_to_read():
    import ast

    long = []
    for path in sorted((ROOT / "digitnet").rglob("*.py")):
        text = path.read_text()
        if len(text.splitlines()) > MAX_MODULE_LINES:
            long.append(f"{path.relative_to(ROOT)}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: {lines}")
    assert long == []
