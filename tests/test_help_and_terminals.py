"""Help that fits the terminal, exit statuses listed, "did you mean", and no escape codes on
a terminal that cannot show them (TERM=dumb), each command run in a real pseudo-terminal."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

# pseudo-terminals: POSIX only (digitnet draw says so elsewhere)
termios = pytest.importorskip("termios", reason="needs a POSIX terminal")
import pty

from click.testing import CliRunner

from digitnet.cli import cli

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = [
    [],
    ["data", "download"],
    ["data", "export"],
    ["data", "show"],
    ["draw"],
    ["evaluate"],
    ["inspect", "weights"],
    ["inspect", "image"],
    ["predict"],
    ["read"],
    ["serve"],
    ["train"],
]


def help_text(args: list[str], columns: int) -> str:
    # as Click sizes help for a terminal that wide (it leaves the last columns free)
    result = CliRunner().invoke(
        cli, [*args, "--help"], env={"TERM": "dumb"}, terminal_width=columns - 2
    )
    assert result.exit_code == 0
    return result.output


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a) or "digitnet")
def test_help_fits_80_columns_and_wraps_at_words_when_narrower(args):
    text = help_text(args, 80)
    assert "\x1b" not in text
    assert max(len(line) for line in text.splitlines()) <= 80
    for columns in (60, 50):
        for line in help_text(args, columns).splitlines():
            if len(line) > columns:  # only a single word longer than the room (a URL)
                assert len(line.split()) == 1 or len(line.strip().split()[-1]) > columns // 2


@pytest.mark.parametrize("args", COMMANDS[1:], ids=lambda a: " ".join(a))
def test_every_command_lists_its_exit_statuses(args):
    text = help_text(args, 80)
    block = text.split("Exit status:")[1]
    codes = re.findall(r"^\s+(\d+)\s{2,}", block, re.M)
    expected = {"0", "1", "2", "141", "143"}
    expected |= {"3"} if args[0] in ("predict", "read") else set()
    expected |= set() if args == ["serve"] else {"130"}
    assert set(codes) == expected


def test_the_narrow_help_keeps_each_status_under_its_column():
    lines = help_text(["predict"], 60).split("Exit status:")[1].splitlines()
    wrapped = [line for line in lines if line.startswith(" " * 9) and line.strip()]
    assert wrapped  # some descriptions were wrapped, under the description column
    assert all(not line[4:9].strip() for line in wrapped)


@pytest.mark.parametrize(
    "typed, suggestion",
    [
        (["predcit"], "Did you mean predict?"),
        (["evalute"], "Did you mean evaluate?"),
        (["inspect", "wieghts"], "Did you mean weights?"),
        (["data", "downlaod"], "Did you mean download?"),
    ],
)
def test_a_mistyped_command_gets_did_you_mean(typed, suggestion):
    result = CliRunner().invoke(cli, typed)
    assert result.exit_code == 2
    assert suggestion in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_nothing_near_gets_no_guess():
    result = CliRunner().invoke(cli, ["zzz"])
    assert result.exit_code == 2
    assert "Did you mean" not in result.stderr


def in_a_terminal(args: list[str], term: str, extra_env: dict | None = None) -> bytes:
    """What a command writes to a real terminal (a pseudo-terminal of 80x24)."""
    master, slave = pty.openpty()
    env = {**os.environ, "TERM": term, "COLUMNS": "80", "LINES": "24", **(extra_env or {})}
    env.pop("NO_COLOR", None)
    env.pop("COLORTERM", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "digitnet", *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=ROOT,
    )
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    proc.wait(60)
    os.close(master)
    return out


DRAWING = [
    ["inspect", "weights", "--draw"],
    ["inspect", "image", "digitnet/samples/three.png"],
]


@pytest.mark.parametrize("args", DRAWING, ids=lambda a: " ".join(a[:2]))
def test_no_escape_codes_on_a_dumb_terminal_and_colour_on_a_capable_one(args):
    dumb = in_a_terminal(args, "dumb")
    assert b"\x1b" not in dumb and len(dumb) > 500
    assert max(len(line) for line in dumb.decode().splitlines()) <= 80
    capable = in_a_terminal(args, "xterm-256color")
    assert b"\x1b[38;5;" in capable and b"\x1b[38;2;" not in capable


def test_draw_says_why_on_a_dumb_terminal():
    out = in_a_terminal(["draw"], "dumb").decode()
    assert "\x1b" not in out
    assert "TERM=dumb" in out


def test_training_on_a_dumb_terminal_shows_its_progress_without_escapes(tmp_path):
    from helpers import write_mnist

    data = write_mnist(tmp_path / "mnist")
    args = ["train", "--data", str(data), "-o", str(tmp_path / "m.npz"), "--epochs", "2"]
    args += ["--limit", "500", "--validation", "100"]
    dumb = in_a_terminal(args, "dumb").decode()
    assert "\x1b" not in dumb and "[" in dumb and "\r" in dumb  # the bar, redrawn in place
    capable = in_a_terminal(args, "xterm").decode()
    assert "\x1b[K" in capable
