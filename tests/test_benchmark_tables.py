"""docs/benchmarks.md holds the benchmarks' own output, written by benchmarks/tables.py from
the command each block names: nothing there is pasted by hand, and each command still runs."""

from __future__ import annotations

import importlib.util
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("tables", ROOT / "benchmarks" / "tables.py")
tables = importlib.util.module_from_spec(_spec)  # a script in benchmarks/, not a package
_spec.loader.exec_module(tables)

DOC = (ROOT / "docs" / "benchmarks.md").read_text()


def test_every_output_block_is_written_by_its_command():
    fenced_text = DOC.count("```text\n")
    assert fenced_text == len(tables.blocks(DOC)) > 10
    assert "(not yet run" not in DOC


def test_no_figures_are_pasted_outside_the_blocks():
    """Outside the generated blocks, a time, a size or a share in the index (its targets
    aside) would be a result pasted by hand."""
    outside = tables.BLOCK.sub("", DOC)
    rows = [line.split("|")[1:-2] for line in outside.splitlines() if line.startswith("|")]
    assert len(rows) > 10
    figures = re.compile(r"\d+(\.\d+)? ?(ms|s|MB|images/s)\b|\d+(\.\d+)?%")
    assert [row for row in rows if figures.search(" ".join(row))] == []


@pytest.mark.parametrize("command", tables.blocks(DOC))
def test_each_block_names_a_benchmark_and_options_it_has(command):
    words = shlex.split(command)
    assert words[0] == "python"
    script = ROOT / words[1]
    assert script.parent.name == "benchmarks" and script.is_file()
    helped = subprocess.run(
        [sys.executable, str(script), "--help"], capture_output=True, text=True, timeout=60
    )
    assert helped.returncode == 0, helped.stderr
    for word in words[2:]:
        if word.startswith("--"):
            assert word in helped.stdout, f"{command}: {word} is not an option of {script.name}"


def test_fill_replaces_each_block_with_its_commands_output_and_nothing_else():
    doc = (
        "# B\n\nintro\n\n"
        "<!-- output of: python benchmarks/a.py --n 2 -->\n```text\nold a\n```\n"
        "<!-- end of output -->\n\nbetween\n\n"
        "<!-- output of: python benchmarks/b.py -->\n```text\nold b\nmore\n```\n"
        "<!-- end of output -->\ntail\n"
    )
    ran = []

    def run(command):
        ran.append(command)
        return f"printed by {tables.script_of(command)}\n"

    out = tables.fill(doc, run)
    assert ran == ["python benchmarks/a.py --n 2", "python benchmarks/b.py"]
    assert "old a" not in out and "old b" not in out
    assert out.count("printed by a.py") == 1 and out.count("printed by b.py") == 1
    assert out.replace("printed by a.py", "old a").replace("printed by b.py", "old b\nmore") == doc
    assert tables.fill(out, run) == out  # the same output: the same document

    ran.clear()
    only_b = tables.fill(doc, run, only={"b.py"})
    assert ran == ["python benchmarks/b.py"]
    assert "old a" in only_b and "old b" not in only_b
