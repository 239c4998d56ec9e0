"""The digitnet command as a whole: help, version, and the README's promises."""

import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from digitnet import __version__
from digitnet.cli import cli

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = ["data", "draw", "evaluate", "inspect", "predict", "read", "serve", "train"]


def test_help_lists_every_command_with_one_line():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    listed = re.findall(r"^  (\w+)\s{2,}\S", result.stdout.split("Commands:")[1], re.M)
    assert listed == COMMANDS


def test_every_command_has_help():
    for path in (
        ["data", "download"],
        ["data", "export"],
        ["data", "show"],
        ["evaluate"],
        ["inspect", "weights"],
        ["inspect", "image"],
        ["predict"],
        ["train"],
    ):
        result = CliRunner().invoke(cli, [*path, "--help"])
        assert result.exit_code == 0 and "Usage: " in result.stdout, path


def test_version():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and result.stdout == f"digitnet, version {__version__}\n"


def test_unknown_command_is_a_usage_error():
    result = CliRunner().invoke(cli, ["frobnicate"])
    assert result.exit_code == 2 and "No such command 'frobnicate'" in result.stderr


def test_runs_as_a_module():
    out = subprocess.run(
        [sys.executable, "-m", "digitnet", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == f"digitnet, version {__version__}"


def quick_start() -> list[str]:
    text = (ROOT / "README.md").read_text()
    block = text.split("## Quick start", 1)[1].split("```", 2)[1]
    return [line for line in block.splitlines()[1:] if line.strip()]


def test_readme_quick_start_is_two_commands_and_ci_runs_the_second():
    commands = quick_start()
    assert len(commands) == 2
    assert "pip install ." in commands[0] and "digitnet predict" in commands[0]
    assert "'.[test]'" in commands[1] and "pytest" in commands[1]
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert commands[1] in ci
    assert any(line.startswith("python -m pytest -m slow") for line in ci[ci.index(commands[1]) :])


def test_command_summaries_match_the_commands_own_help():
    from digitnet.cli import COMMANDS

    ctx = cli.make_context("digitnet", ["--version"], resilient_parsing=True)
    for name, (_, _, summary) in COMMANDS.items():
        command = cli.get_command(ctx, name)
        assert command.help.split("\n\n")[0].replace("\n", " ").strip() == summary, name


def test_output_in_a_missing_folder_is_refused_before_any_work(tmp_path, tiny_mnist, model_path):
    missing = tmp_path / "nowhere"
    train = CliRunner().invoke(
        cli, ["train", "--data", str(tiny_mnist), "--limit", "100", "-o", str(missing / "m.npz")]
    )
    assert train.exit_code == 2 and f"no such folder {missing}" in train.stderr
    assert "epoch" not in train.stderr  # refused before training
    picture = CliRunner().invoke(
        cli, ["inspect", "weights", "-m", str(model_path), "--image", str(missing / "w.png")]
    )
    assert picture.exit_code == 2 and "no such folder" in picture.stderr


def test_os_errors_are_one_line(tmp_path, tiny_mnist):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = CliRunner().invoke(
        cli, ["data", "export", "--data", str(tiny_mnist), "--out", str(blocker / "sub")]
    )
    assert result.exit_code == 1
    assert result.stderr.startswith(f"digitnet: {blocker / 'sub'}: ")
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.output


def test_draw_without_a_posix_terminal_says_so_in_one_line(monkeypatch):
    """On Windows there is no termios: one line naming what works there, no traceback."""
    monkeypatch.setitem(sys.modules, "termios", None)  # import termios raises ImportError
    result = CliRunner().invoke(cli, ["draw"])
    assert result.exit_code == 1
    assert result.stderr == (
        "digitnet: digitnet draw needs a POSIX terminal (Linux, macOS, WSL); "
        "'digitnet serve' draws in a web page anywhere\n"
    )


def test_the_version_is_written_once():
    import importlib.metadata

    text = (ROOT / "pyproject.toml").read_text()
    project = text.split("[project]")[1].split("\n[")[0]
    assert 'dynamic = ["version"]' in project and "\nversion =" not in project
    assert 'version = { attr = "digitnet.version.__version__" }' in text
    assert importlib.metadata.version("digitnet") == __version__
