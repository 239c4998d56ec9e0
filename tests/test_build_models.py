"""models/build.py: one command rebuilds every shipped model, in order, from the recipe
recorded in each model file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_build_runs_each_recorded_recipe_teachers_first(tmp_path):
    run = subprocess.run(
        [sys.executable, "models/build.py", "--data", str(tmp_path), "--dry-run"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = run.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "large",
        "default",
        "lesson",
        "judge",
        "parts",
        "text",
        "signs",
    ]
    for line in lines[:3]:
        name = line.split(":")[0]
        assert f"--data {tmp_path} " in line and line.endswith(f"-o models/{name}.npz")
    teachers = [line.split(":")[0] for line in lines if "--teacher large" in line]
    assert teachers == ["default", "lesson"]  # they come after large, which they learn from
    assert lines[3].startswith("judge: python models/train_judge.py")
    assert lines[4].startswith("parts: python models/train_parts.py")
    assert lines[5].startswith("text: python models/train_text.py")
    assert lines[6].startswith("signs: python models/train_signs.py")


def test_only_some_models(tmp_path):
    run = subprocess.run(
        [sys.executable, "models/build.py", "--data", str(tmp_path), "--dry-run", "--only",
         "lesson", "large"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert [line.split(":")[0] for line in run.stdout.splitlines()] == ["large", "lesson"]
