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


def test_the_stages_contract_is_kept():
    run = lint(ROOT)
    assert run.returncode == 0, run.stdout
    assert "Contracts: 1 kept, 0 broken." in run.stdout


def test_every_module_has_its_stage():
    """A new module must be given its place in the contract, or it would escape it."""
    import re

    tomllib = pytest.importorskip("tomllib", reason="Python 3.11's tomllib reads the contract")
    layers = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    named = set(re.findall(r"digitnet\.[a-z_]+", " ".join(layers["contracts"][0]["layers"])))
    modules = {
        f"digitnet.{p.stem if p.parent.name == 'digitnet' else p.parent.name}"
        for p in (ROOT / "digitnet").rglob("*.py")
        if p.stem not in ("__init__", "__main__") or p.parent.name != "digitnet"
    }
    modules -= {"digitnet.models", "digitnet.samples"}
    assert modules - named == set()


@pytest.mark.parametrize(
    "module, planted, forbidden",
    [
        ("network.py", "from digitnet import classify", "digitnet.classify"),
        ("preprocess.py", "from digitnet import reader", "digitnet.reader"),
        ("reader.py", "from digitnet.classify import answers", "digitnet.classify"),
    ],
)
def test_a_planted_upward_import_breaks_it(tmp_path, module, planted, forbidden):
    shutil.copytree(ROOT / "digitnet", tmp_path / "digitnet")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "digitnet" / module
    target.write_text(target.read_text() + f"\n\ndef _planted():\n    {planted}\n")
    run = lint(tmp_path)
    assert run.returncode == 1
    name = "digitnet." + module.removesuffix(".py")
    assert f"{name} is not allowed to import {forbidden}" in run.stdout


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
