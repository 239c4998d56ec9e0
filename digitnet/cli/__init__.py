"""The ``digitnet`` command: a thin layer of Click commands over the digitnet library.

Command modules import only Click at the top, so ``digitnet predict`` starts fast; the
numeric work is imported inside each command.
"""

from __future__ import annotations

import click

from digitnet import __version__
from digitnet.cli.common import DigitnetGroup
from digitnet.cli.data_cmd import data
from digitnet.cli.evaluate_cmd import evaluate
from digitnet.cli.inspect_cmd import inspect
from digitnet.cli.predict_cmd import predict
from digitnet.cli.train_cmd import train


@click.group(cls=DigitnetGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="digitnet")
def cli() -> None:
    """Recognise handwritten digits with the network from 3Blue1Brown's lesson
    "But what is a neural network?": 784 input neurons (28x28 pixels), two hidden
    layers of 16, and 10 output neurons; the brightest output neuron is the answer.

    \b
    Examples:
      digitnet predict three.png            print the digit
      digitnet predict *.png --format json  one JSON object per image
      digitnet inspect weights              what the network holds
      digitnet data download                get MNIST to train and evaluate
      digitnet train -o mine.npz            train your own network

    Exit status: 0 success, 1 failure (message on stderr), 2 usage error.
    """


cli.add_command(predict)
cli.add_command(train)
cli.add_command(evaluate)
cli.add_command(inspect)
cli.add_command(data)


def main() -> None:
    cli(prog_name="digitnet")
