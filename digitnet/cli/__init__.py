"""The ``digitnet`` command: a thin layer of Click commands over the digitnet library.

Command modules import only Click at the top, so ``digitnet predict`` starts fast; the
numeric work is imported inside each command.
"""

from __future__ import annotations

import sys

import click

from digitnet.cli.common import DigitnetGroup
from digitnet.version import __version__

# Each command's module is imported only when that command runs, so that
# `digitnet predict one.png` pays for nothing else (see benchmarks/predict_startup.py).
COMMANDS = {
    "data": ("digitnet.cli.data_cmd", "data", "Get MNIST, and export or show its digits."),
    "draw": (
        "digitnet.cli.draw_cmd",
        "draw",
        "Draw a digit with the mouse and watch the network light up, as in the lesson.",
    ),
    "evaluate": (
        "digitnet.cli.evaluate_cmd",
        "evaluate",
        "Measure a model on MNIST's 10,000 test images, or on your own labelled pictures.",
    ),
    "inspect": (
        "digitnet.cli.inspect_cmd",
        "inspect",
        "Look inside a network: its weights, or how an image lights it up.",
    ),
    "predict": (
        "digitnet.cli.predict_cmd",
        "predict",
        "Print the digit in each image FILE: the network's brightest output neuron.",
    ),
    "read": (
        "digitnet.cli.read_cmd",
        "read",
        "Print the number written in each picture FILE, digit by digit.",
    ),
    "serve": (
        "digitnet.cli.serve_cmd",
        "serve",
        "Serve the lesson's network as a web page, and a JSON API for programs.",
    ),
    "train": (
        "digitnet.cli.train_cmd",
        "train",
        "Train a network on MNIST's training images and save it to --out.",
    ),
}


class LazyGroup(DigitnetGroup):
    """Click's lazily loading group: list commands without importing them."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        import importlib

        module, attr, _ = COMMANDS[name]
        return getattr(importlib.import_module(module), attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # The one-line summaries come from COMMANDS, so --help imports no command either.
        with formatter.section("Commands"):
            formatter.write_dl([(name, COMMANDS[name][2]) for name in sorted(COMMANDS)])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="digitnet")
def cli() -> None:
    """Recognise handwritten digits with the network from 3Blue1Brown's lesson
    "But what is a neural network?": 784 input neurons (28x28 pixels), two hidden
    layers of 16, and 10 output neurons; the brightest output neuron is the answer.

    \b
    Examples:
      digitnet predict three.png            print the digit
      digitnet predict *.png --format json  one JSON object per image
      digitnet read meter.jpg               the number, digit by digit
      digitnet inspect weights              what the network holds
      digitnet data download                get MNIST to train and evaluate
      digitnet train -o mine.npz            train your own network
      digitnet serve --open                 the network in a web page

    Each command's help ('digitnet COMMAND -h') lists its exit statuses: 0 success,
    1 failure (the message on stderr), 2 usage error, 3 answers below --threshold
    (predict, read), 130 Ctrl-C, 141 the output's reader went away, 143 SIGTERM.
    """


def main() -> None:
    """The ``digitnet`` console script."""
    import signal

    # A kill (SIGTERM) unwinds like Ctrl-C, so temporary files and folders are cleaned up.
    signal.signal(signal.SIGTERM, _terminated)
    # A name the output's encoding cannot hold is written escaped, never a traceback.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    cli(prog_name="digitnet")


def _terminated(signum, frame) -> None:
    from digitnet.cli.common import EXIT_TERMINATED

    raise SystemExit(EXIT_TERMINATED)
