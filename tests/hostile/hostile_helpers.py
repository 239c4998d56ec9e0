"""Hostile and unlucky input: every case is built at test time (no binaries committed) and
run as a user runs digitnet, in a process of its own, so exit statuses, standard error and
the files left behind are the real ones."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[2] / "digitnet" / "samples"
THREE = SAMPLES / "three.png"  # a digit every model reads as 3


class Run:
    """What a digitnet process did: its exit status, output and error lines."""

    def __init__(self, done: subprocess.CompletedProcess) -> None:
        self.status = done.returncode
        self.out = done.stdout.decode("utf-8", "backslashreplace")
        self.err = done.stderr.decode("utf-8", "backslashreplace")

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()

    def one_error(self, *words: str) -> str:
        """The one line on standard error, checked: 'digitnet...', no traceback, holding
        each of ``words``."""
        assert "Traceback" not in self.err, self.err
        assert len(self.err_lines) == 1, self.err
        line = self.err_lines[0]
        assert line.startswith("digitnet"), line
        for word in words:
            assert word in line, line
        return line


def digitnet(*args, stdin: bytes | None = None, env: dict | None = None, timeout=60, cwd=None):
    """Run ``python -m digitnet ARGS`` to the end (a hang fails the test at ``timeout``)."""
    environ = {**os.environ, "OPENBLAS_NUM_THREADS": "1", **(env or {})}
    done = subprocess.run(
        [sys.executable, "-m", "digitnet", *map(str, args)],
        input=stdin if stdin is not None else b"",
        capture_output=True,
        env=environ,
        timeout=timeout,
        cwd=cwd,
    )
    return Run(done)


def digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def answered(run: Run, paths: list[Path]) -> None:
    """Each of ``paths`` got the answer 3 in predict's text output (FILE<TAB>DIGIT)."""
    got = dict(line.split("\t") for line in run.out.splitlines())
    for p in paths:
        assert got.get(str(p)) == "3", run.out
