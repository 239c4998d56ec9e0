"""``digitnet train``: train a network on MNIST and save it as a model file."""

from __future__ import annotations

import sys

import click

from digitnet.cli.common import (
    Command,
    FiniteFloat,
    check_outputs,
    command_line,
    data_dir,
    data_option,
    exit_statuses,
    writable_file,
)
from digitnet.nn import functions, losses, optim


def _sizes(ctx, param, value: str) -> list[int]:
    try:
        sizes = [int(v) for v in value.split(",")] if value.strip() else []
    except ValueError:
        raise click.BadParameter(
            "give layer sizes as numbers separated by commas, e.g. 16,16"
        ) from None
    if not sizes or any(s < 1 for s in sizes):
        raise click.BadParameter("give one or more positive layer sizes, e.g. 16,16")
    return sizes


@click.command(
    cls=Command,
    epilog=exit_statuses(
        "trained, and saved to --out",
        "the data could not be read, training diverged, or the model could not be saved",
        interrupted="interrupted (Ctrl-C); the best epoch so far is kept with --save-best",
    ),
)
@data_option
@click.option(
    "--out",
    "-o",
    required=True,
    callback=writable_file,
    type=click.Path(dir_okay=False, writable=True),
    help="Where to save the trained model (.npz); written atomically.",
)
@click.option(
    "--hidden",
    default="16,16",
    show_default=True,
    callback=_sizes,
    help="Hidden layer sizes, comma-separated.",
)
@click.option(
    "--activation",
    type=click.Choice(functions.HIDDEN),
    default="relu",
    show_default=True,
    help="f of the hidden layers.",
)
@click.option(
    "--output",
    type=click.Choice(functions.OUTPUT),
    default="softmax",
    show_default=True,
    help="f of the output layer.",
)
@click.option(
    "--loss",
    type=click.Choice(losses.NAMES),
    default="crossentropy",
    show_default=True,
    help="Cost function; quadratic is the lesson's.",
)
@click.option(
    "--optimizer",
    type=click.Choice(optim.NAMES),
    default="adam",
    show_default=True,
    help="Adam, or SGD with momentum.",
)
@click.option(
    "--lr",
    "learning_rate",
    type=FiniteFloat(min=0, min_open=True),
    default=None,
    help="Learning rate. [default: "
    + ", ".join(f"{v:g} for {k}" for k, v in optim.DEFAULT_LR.items())
    + "]",
)
@click.option(
    "--momentum",
    type=FiniteFloat(0, 1, max_open=True),
    default=0.9,
    show_default=True,
    help="Momentum for sgd.",
)
@click.option(
    "--schedule",
    type=click.Choice(optim.SCHEDULES),
    default="cosine",
    show_default=True,
    help="Learning rate over time: cosine decays it to zero.",
)
@click.option("--batch-size", type=click.IntRange(min=1), default=64, show_default=True)
@click.option("--epochs", type=click.IntRange(min=1), default=30, show_default=True)
@click.option(
    "--l2", type=FiniteFloat(min=0), default=0.0, show_default=True, help="L2 weight penalty."
)
@click.option(
    "--augment",
    type=FiniteFloat(min=0),
    default=0.0,
    show_default=True,
    help="Augmentation strength: 1 = random rotations up to 10 degrees, 10% scaling, "
    "2 px shifts and a 1.5 px warp; 0 = off.",
)
@click.option(
    "--styles",
    type=FiniteFloat(0, 1),
    default=0.0,
    show_default=True,
    help="Share of the digits added again, written in styles MNIST lacks (a flag on a 1, "
    "a closed 4, a slashed 0, ...) with a pen from 1 px to a brush; 0 = off.",
)
@click.option(
    "--teacher",
    metavar="NAME|PATH",
    default=None,
    help="Learn from this model's answers as well as from the labels (distillation).",
)
@click.option(
    "--distill",
    type=FiniteFloat(0, 1),
    default=0.5,
    show_default=True,
    help="With --teacher: the weight of its answers against the labels.",
)
@click.option(
    "--temperature",
    type=FiniteFloat(min=0, min_open=True),
    default=2.0,
    show_default=True,
    help="With --teacher: how much its answers are softened.",
)
@click.option(
    "--batch-norm",
    is_flag=True,
    help="Standardise each hidden layer's inputs over every batch while training (batch "
    "normalisation), folded into its weights and biases at the end: the saved network "
    "has the same shape. Helps small networks, sigmoid ones most.",
)
@click.option(
    "--validation",
    type=click.IntRange(min=0),
    default=5000,
    show_default=True,
    help="Training images held out (the last ones) to watch for overfitting.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=None,
    help="Learn from only the first N training images (quick trials); the --validation "
    "images are still held out from the end of the set, fewer if N leaves fewer.",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),  # NumPy's generators take no negative seed
    default=1,
    show_default=True,
    help="Seed for weights, order and augmentation: the same seed gives the same file.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no per-epoch lines.")
@click.option("--force", is_flag=True, help="Save the network even when training diverged.")
@click.option(
    "--save-best",
    is_flag=True,
    help="Write OUT after every epoch that beats the held-out accuracy so far, so an "
    "interrupted run leaves its best network; OUT ends as the best epoch's network.",
)
def train(data, out, validation, limit, quiet, force, save_best, **settings) -> None:
    """Train a network on MNIST's training images and save it to --out.

    The last --validation training images are held out and scored after every epoch;
    the test images are never used for training, only measured once at the end (when
    the folder has them), and that accuracy is recorded in the model file.

    \b
    Examples:
      digitnet train -o mine.npz                            the lesson's shape, ReLU
      digitnet train --activation sigmoid --output sigmoid -o lesson.npz
      digitnet train --hidden 800 --augment 1 --epochs 60 -o big.npz

    A progress bar shows on stderr when it is a terminal. Ctrl-C stops without
    writing anything. A run that diverges (its loss or weights no longer finite, its
    held-out accuracy no better than guessing) is not saved, and exits 1, unless
    --force. The same seed, data and options give a byte-identical file
    (the date recorded in it is today's, or $SOURCE_DATE_EPOCH's).
    """
    from digitnet.saved import modelfile
    from digitnet.training.train import TrainConfig

    config = TrainConfig(**settings)  # the options are TrainConfig's fields, by name
    try:  # every option is checked before any data is loaded
        config.check()
    except ValueError as e:
        raise click.UsageError(str(e)) from None
    check_outputs({"--out": out}, [("--teacher", config.teacher)])
    if save_best and validation == 0:
        raise click.UsageError("--save-best needs held-out images to judge by (--validation)")
    run = _fit(config, data_dir(data), out, validation, limit, quiet, save_best)
    if run.diverged and not force:
        click.echo(
            f"digitnet: training diverged ({run.diverged}); {out} not written. Try "
            f"{_advice(config, run.diverged)}, or --force to save it",
            err=True,
        )
        sys.exit(1)
    net = run.network
    modelfile.save(net, out)
    measured = f", test accuracy {run.test.accuracy:.2%}" if run.test else ""
    click.echo(f"saved {out}: {net.describe()}, {net.parameter_count:,} parameters{measured}")


def _advice(config, why: str) -> str:
    """What to change when a run came to nothing: it learned too little, or blew up."""
    from digitnet.training.fitting import GUESSING

    rate = f"--lr (it was {config.learning_rate:g})"
    if GUESSING in why:  # the numbers stayed finite: it did not get far enough
        return f"more --epochs, a larger {rate}" + ("" if config.batch_norm else ", --batch-norm")
    return f"a smaller {rate}" + (", --optimizer adam" if config.optimizer != "adam" else "")


def _fit(config, folder, out: str, validation: int, limit, quiet: bool, save_best: bool):
    """fitting.fit with a progress bar and a line an epoch on stderr; Ctrl-C, a bad split
    and a failed run end the command with their message and status."""
    from digitnet.cli.progress import EpochBar
    from digitnet.training import fitting

    bar = EpochBar(not quiet and sys.stderr.isatty(), config.epochs, config.batch_size)

    def on_epoch(r):
        bar.clear()
        if not quiet:
            val = f"  validation {r.val_accuracy:6.2%}" if r.val_accuracy is not None else ""
            click.echo(
                f"epoch {r.epoch:>3}/{r.epochs}  loss {r.loss:.4f}  "
                f"accuracy {r.accuracy:6.2%}{val}",
                err=True,
            )

    try:
        return fitting.fit(
            config,
            folder,
            limit=limit,
            validation=validation,
            save_best=out if save_best else None,
            command=command_line(),
            on_batch=bar,
            on_epoch=on_epoch,
            note=lambda message: click.echo(f"digitnet: {message}", err=True),
        )
    except fitting.SplitError as e:  # --validation larger than the training set
        raise click.BadParameter(str(e), param_hint="--validation") from None
    except fitting.Interrupted as e:
        bar.clear()
        if e.best:
            click.echo(
                f"digitnet: interrupted; {out} holds epoch {e.best[0]}, the best so far "
                f"(held out {e.best[1]:.2%})",
                err=True,
            )
        else:
            click.echo(f"digitnet: interrupted; {out} not written", err=True)
        sys.exit(130)
    except ValueError as e:  # the options were checked: this is a failure, not a usage error
        click.echo(f"digitnet: training failed, nothing written: {e}", err=True)
        sys.exit(1)
