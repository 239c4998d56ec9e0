"""docs/cli.md is every command's help as it is now: regenerate it when a help text changes."""

from __future__ import annotations

from pathlib import Path

from digitnet.cli.reference import reference

DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def test_the_cli_reference_is_current():
    assert DOC.read_text() == reference(), (
        "the commands' help changed: python -m digitnet.cli.reference > docs/cli.md"
    )


def test_the_reference_has_every_command():
    text = reference()
    for command in ("predict", "read", "serve", "draw", "train", "evaluate"):
        assert f"## digitnet {command}\n" in text
    for sub in ("data download", "data export", "data show", "inspect weights", "inspect image"):
        assert f"## digitnet {sub}\n" in text
    assert max(len(line) for line in text.splitlines() if not line.startswith("#")) <= 80
