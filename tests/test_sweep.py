"""Every command and option given bad values: one line on stderr, exit 1 or 2, no traceback.

BAD lists, for each option and argument of every command, values a user might give by
mistake. A new option must be added here: test_every_option_is_swept fails until it is.
Each case runs through CliRunner, and the file cases and each option's first value once
more as a real process (a traceback printed by Python itself, or a message that only looks
right under CliRunner, shows up there; a number that does not parse fails in Click alike).
"""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from helpers import drawn_digit, write_mnist

from digitnet.cli import cli

MISSING, DIR, EMPTY, GARBAGE, NO_FOLDER = "{missing}", "{dir}", "{empty}", "{garbage}", "{nofolder}"
A_FILE = [MISSING, DIR, EMPTY, GARBAGE]  # an input file: not there, a folder, 0 bytes, junk
OUT_FILE = [DIR, NO_FOLDER]  # a file to write: a folder, or in a folder that is not there
A_FOLDER = [MISSING, GARBAGE]  # a folder to read: not there, or a file
WORD = ["nonsense"]  # for a choice
COUNT = ["abc", "1.5", "0"]  # a whole number from 1
INDEX = ["abc", "-1"]  # a whole number from 0
FRACTION = ["abc", "nan", "-0.5", "1.5"]  # a number in [0, 1]
POSITIVE = ["abc", "nan", "inf", "-1"]  # a number > 0 (or >= 0)
COLOR = WORD

BAD: dict[tuple[str, str], list[str]] = {
    ("data download", "folder"): [GARBAGE],
    ("data download", "mirrors"): ["notaurl", "ftp://example.org/mnist"],
    ("data export", "data"): A_FOLDER + [DIR],
    ("data export", "split"): WORD,
    ("data export", "count"): COUNT,
    ("data export", "start"): INDEX + ["99999999"],
    ("data export", "digits"): ["abc", "10", "-1"],
    ("data export", "per_digit"): COUNT,
    ("data export", "out"): [GARBAGE],
    ("data show", "data"): A_FOLDER + [DIR],
    ("data show", "split"): WORD,
    ("data show", "count"): COUNT + ["101"],
    ("data show", "start"): INDEX + ["99999999"],
    ("data show", "digits"): ["abc", "10"],
    ("data show", "color"): COLOR,
    ("draw", "model"): A_FILE + ["nosuchmodel"],
    ("evaluate", "data"): A_FOLDER + [DIR],
    ("evaluate", "images"): A_FOLDER + [DIR],
    ("evaluate", "model"): A_FILE + ["nosuchmodel"],
    ("evaluate", "fmt"): WORD,
    ("evaluate", "mistakes_out"): OUT_FILE,
    ("evaluate", "jobs"): COUNT,
    ("evaluate", "max_pixels"): COUNT,
    ("inspect image", "file"): A_FILE,
    ("inspect image", "model"): A_FILE + ["nosuchmodel"],
    ("inspect image", "fmt"): WORD,
    ("inspect image", "image_out"): OUT_FILE,
    ("inspect image", "steps_out"): OUT_FILE,
    ("inspect image", "max_pixels"): COUNT + ["100"],
    ("inspect image", "color"): COLOR,
    ("inspect image", "palette"): WORD,
    ("inspect weights", "model"): A_FILE + ["nosuchmodel"],
    ("inspect weights", "fmt"): WORD,
    ("inspect weights", "image_out"): OUT_FILE,
    ("inspect weights", "layer"): COUNT + ["4"],
    ("inspect weights", "neuron"): INDEX + ["16"],
    ("inspect weights", "scale"): COUNT + ["65"],
    ("inspect weights", "color"): COLOR,
    ("inspect weights", "palette"): WORD,
    ("predict", "files"): A_FILE,
    ("predict", "model"): A_FILE + ["nosuchmodel"],
    ("predict", "fmt"): WORD,
    ("predict", "top"): COUNT + ["11"],
    ("predict", "threshold"): FRACTION,
    ("predict", "files_from"): [MISSING, DIR],
    ("predict", "jobs"): COUNT,
    ("predict", "batch_size"): COUNT,
    ("predict", "max_pixels"): COUNT + ["100"],
    ("read", "files"): A_FILE,
    ("read", "model"): A_FILE + ["nosuchmodel"],
    ("read", "fmt"): WORD,
    ("read", "threshold"): FRACTION,
    ("read", "files_from"): [MISSING, DIR],
    ("read", "steps_out"): OUT_FILE,
    ("read", "jobs"): COUNT,
    ("read", "max_pixels"): COUNT + ["100"],
    ("serve", "model"): A_FILE + ["nosuchmodel"],
    ("serve", "host"): ["", "999.1.1.1"],
    ("serve", "port"): ["abc", "-1", "65536"],
    ("serve", "max_in_flight"): COUNT + ["257"],
    ("serve", "max_bytes"): COUNT,
    ("serve", "timeout"): POSITIVE + ["0"],
    ("serve", "workers"): COUNT + ["65"],
    ("serve", "max_pixels"): COUNT,
    ("train", "data"): A_FOLDER + [DIR],
    ("train", "out"): OUT_FILE,
    ("train", "hidden"): ["abc", "0", "16,,16", "", "-4"],
    ("train", "activation"): WORD,
    ("train", "output"): WORD,
    ("train", "loss"): WORD,
    ("train", "optimizer"): WORD,
    ("train", "learning_rate"): POSITIVE + ["0"],
    ("train", "momentum"): FRACTION + ["1"],
    ("train", "schedule"): WORD,
    ("train", "batch_size"): COUNT,
    ("train", "epochs"): COUNT,
    ("train", "l2"): POSITIVE,
    ("train", "augment"): POSITIVE,
    ("train", "styles"): FRACTION,
    ("train", "teacher"): A_FILE + ["nosuchmodel"],
    ("train", "distill"): FRACTION,
    ("train", "temperature"): POSITIVE + ["0"],
    ("train", "validation"): INDEX,
    ("train", "limit"): COUNT,
    ("train", "seed"): ["abc", "-1"],
}

# A valid call of each command, to which one bad option is added. The MNIST it reads is a
# small copy made by the tests, named by $DIGITNET_DATA; "{image}" is a drawn digit.
BASE = {
    "data download": ["--dir", "{tmp}/download", "--quiet"],
    "data export": ["--out", "{tmp}/export", "--count", "2"],
    "data show": ["--count", "1"],
    "draw": [],
    "evaluate": ["-m", "{model}"],
    "inspect image": ["{image}", "-m", "{model}"],
    "inspect weights": ["-m", "{model}"],
    "predict": ["{image}", "-m", "{model}"],
    "read": ["{image}", "-m", "{model}"],
    "serve": ["--port", "0", "--workers", "1", "-m", "{model}"],
    "train": ["-o", "{tmp}/m.npz", "--epochs", "1", "--limit", "100", "--validation", "20", "-q"],
}
# Options whose bad values only show once the work that needs them is asked for.
NEEDS = {
    ("inspect weights", "layer"): ["--draw"],
    ("inspect weights", "neuron"): ["--draw"],
    ("inspect weights", "scale"): ["--image", "{tmp}/w.png"],
    ("inspect weights", "palette"): ["--draw"],
    ("evaluate", "jobs"): ["--images", "{tmp}"],
    ("train", "distill"): ["--teacher", "{model}"],
    ("train", "temperature"): ["--teacher", "{model}"],
    ("train", "momentum"): ["--optimizer", "sgd"],
}


def _commands():
    """(name, command) for every command that runs, e.g. ('inspect weights', ...)."""
    found = []

    def walk(group, prefix):
        ctx = click.Context(group)
        for name in group.list_commands(ctx):
            cmd = group.get_command(ctx, name)
            full = f"{prefix} {name}".strip()
            walk(cmd, full) if isinstance(cmd, click.Group) else found.append((full, cmd))

    walk(cli, "")
    return found


def _valued_params(cmd):
    """The parameters that take a value (flags take none)."""
    return [p for p in cmd.params if not getattr(p, "is_flag", False) and p.name != "help"]


def test_every_option_is_swept():
    """A new option without bad values in BAD fails here: add it."""
    every = {(name, p.name) for name, cmd in _commands() for p in _valued_params(cmd)}
    assert every - set(BAD) == set()
    assert set(BAD) - every == set()  # and no stale entries
    assert {name for name, _ in _commands()} == set(BASE)


def _cases():
    commands = dict(_commands())
    for (name, param), values in BAD.items():
        p = next(p for p in commands[name].params if p.name == param)
        for value in values:
            yield pytest.param(name, p, value, id=f"{name}-{param}-{value or 'empty'}")


CASES = list(_cases())


def _process_cases() -> list[tuple]:
    """The cases run again as processes: every file or folder given, and each option's first
    bad value (the rest are words and numbers Click turns away as it does in CliRunner)."""
    files, seen, out = {*A_FILE, *OUT_FILE, *A_FOLDER}, set(), []
    for case in CASES:
        name, param, value = case.values
        if value in files or (name, param.name) not in seen:
            out.append(case.values)
        seen.add((name, param.name))
    return out


@pytest.fixture(scope="module")
def place(tmp_path_factory, model_path):
    """The files the cases name: a small MNIST, a model, a picture and bad inputs."""
    tmp = tmp_path_factory.mktemp("sweep")
    write_mnist(tmp / "mnist")
    drawn_digit().save(tmp / "seven.png")
    (tmp / "empty.png").write_bytes(b"")
    (tmp / "garbage.png").write_bytes(b"\x89PNG\r\n\x1a\n this is not a picture \x00\xff")
    (tmp / "folder").mkdir()
    return {
        "tmp": str(tmp),
        "model": str(model_path),
        "image": str(tmp / "seven.png"),
        MISSING: str(tmp / "no-such-file.png"),
        DIR: str(tmp / "folder"),
        EMPTY: str(tmp / "empty.png"),
        GARBAGE: str(tmp / "garbage.png"),
        NO_FOLDER: str(tmp / "no-such-folder" / "out.png"),
    }


def _argv(place, name: str, param, value: str) -> list[str]:
    value = place.get(value, value)
    base = [a.format(**place) for a in BASE[name] + NEEDS.get((name, param.name), [])]
    if isinstance(param, click.Argument):  # the bad value stands in for the good file
        base = [value if a == place["image"] else a for a in base]
        return [*name.split(), *base]
    return [*name.split(), *base, param.opts[0], value]


def _check(argv, code, stderr, value):
    shown = " ".join(argv)
    assert code in (1, 2), f"{shown}: exit {code}"
    assert "Traceback" not in stderr, f"{shown}:\n{stderr}"
    assert stderr.endswith("\n") and stderr.count("\n") == 1, f"{shown}: not one line:\n{stderr}"
    assert stderr.startswith("digitnet"), f"{shown}: {stderr}"
    return stderr


def _names_the_problem(stderr: str, param, value: str) -> bool:
    """The line names the option, or the value (a file by its name)."""
    names = [*param.opts, f"'{param.name}'", param.name.upper()]
    return any(n in stderr for n in names) or (value and os.path.basename(value) in stderr)


@pytest.fixture(autouse=True)
def _small_mnist(place, monkeypatch):
    monkeypatch.setenv("DIGITNET_DATA", f"{place['tmp']}/mnist")
    for var in ("DIGITNET_MODEL", "DIGITNET_PALETTE", "DIGITNET_MNIST_MIRRORS", "NO_COLOR"):
        monkeypatch.delenv(var, raising=False)


@pytest.mark.parametrize("name, param, value", CASES)
def test_bad_value_in_cli_runner(place, name, param, value):
    argv = _argv(place, name, param, value)
    result = CliRunner().invoke(cli, argv, prog_name="digitnet")
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{' '.join(argv)}: {result.exception!r}"
    )
    stderr = _check(argv, result.exit_code, result.stderr, value)
    assert _names_the_problem(stderr, param, place.get(value, value)), f"{argv}: {stderr}"


@pytest.mark.slow  # a process per command: the in-process sweep above covers every case
def test_bad_values_as_processes(place):
    """The file cases and each option's first value again as real `python -m digitnet`
    processes, two at a time."""
    env = {**os.environ, "DIGITNET_DATA": f"{place['tmp']}/mnist", "COLUMNS": "80"}
    for var in ("DIGITNET_MODEL", "DIGITNET_PALETTE", "DIGITNET_MNIST_MIRRORS"):
        env.pop(var, None)
    cases = _process_cases()

    def run(case):
        name, param, value = case
        argv = _argv(place, name, param, value)
        done = subprocess.run(
            [sys.executable, "-m", "digitnet", *argv],
            capture_output=True,
            text=True,
            env=env,
            stdin=subprocess.DEVNULL,
            timeout=120,
        )
        return argv, done

    failures = []
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for (_, param, value), (argv, done) in zip(cases, pool.map(run, cases), strict=True):
            try:
                stderr = _check(argv, done.returncode, done.stderr, value)
                assert _names_the_problem(stderr, param, place.get(value, value)), stderr
            except AssertionError as e:
                failures.append(str(e))
    assert not failures, "\n".join(failures)


def test_cases_are_where_the_files_say(place):
    """The placeholders stand for what they say: the sweep tests what it claims."""
    assert not Path(place[MISSING]).exists() and Path(place[DIR]).is_dir()
    assert Path(place[EMPTY]).stat().st_size == 0 and Path(place[GARBAGE]).is_file()
    assert not Path(place[NO_FOLDER]).parent.exists()
