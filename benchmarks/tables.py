"""Writes the benchmark figures into docs/benchmarks.md: each block there is a script's own
output, written by running the command its marker names, never pasted by hand.

    python benchmarks/tables.py [--only SCRIPT ...] [--list] [--doc docs/benchmarks.md]

A block is a marker line, a fenced block and an end line:

    <!-- output of: python benchmarks/read.py --count 200 -->
    ```text
    ... what the command printed ...
    ```
    <!-- end of output -->

Commands run from the repository's root, one after another (the machine's two cores each
benchmark's own); MNIST is found through DIGITNET_DATA, as the scripts find it.
"""

from __future__ import annotations

import argparse
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
BLOCK = re.compile(
    r"(?P<marker><!-- output of: (?P<command>[^\n]*?) -->\n)```text\n.*?```\n"
    r"(?P<end><!-- end of output -->)",
    re.S,
)


def blocks(text: str) -> list[str]:
    """The commands whose output the document holds, in its order."""
    return [m.group("command") for m in BLOCK.finditer(text)]


def script_of(command: str) -> str:
    """The benchmark script a command runs (``read.py`` for ``python benchmarks/read.py``)."""
    words = shlex.split(command)
    return next(Path(w).name for w in words if w.endswith(".py"))


def fill(text: str, run, only: set[str] | None = None) -> str:
    """``text`` with each block's output replaced by ``run(command)`` (those of ``only``'s
    scripts alone, when given)."""

    def replace(m: re.Match) -> str:
        command = m.group("command")
        if only and script_of(command) not in only:
            return m.group(0)
        output = run(command).rstrip("\n")
        return f"{m.group('marker')}```text\n{output}\n```\n{m.group('end')}"

    return BLOCK.sub(replace, text)


class Failed(Exception):
    """A command that did not finish well: its block keeps what it held."""


def run_command(command: str) -> str:
    """What ``command`` prints, run from the repository's root."""
    start = time.perf_counter()
    print(f"$ {command}", file=sys.stderr, flush=True)
    done = subprocess.run(shlex.split(command), cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise Failed(f"{command}: exit status {done.returncode}\n{done.stderr}")
    print(f"  {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    return done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", metavar="SCRIPT", help="these scripts' blocks only")
    parser.add_argument("--list", action="store_true", help="print the commands only")
    parser.add_argument("--doc", type=Path, default=DOC, help="the document to write")
    args = parser.parse_args()
    text = args.doc.read_text()
    if args.list:
        print("\n".join(blocks(text)))
        return
    wanted = {Path(s).name for s in args.only} if args.only else None
    scripts = dict.fromkeys(script_of(c) for c in blocks(text))  # in the document's order
    failed = []
    for script in scripts:
        if wanted and script not in wanted:
            continue
        try:  # written after each script: a late failure keeps the earlier figures
            text = fill(text, run_command, {script})
            args.doc.write_text(text)
        except Failed as e:
            print(e, file=sys.stderr)
            failed.append(script)
    if failed:
        sys.exit(f"not written: {', '.join(failed)}")


if __name__ == "__main__":
    main()
