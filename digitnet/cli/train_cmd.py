"""``digitnet train``: train a network on MNIST and save it as a model file."""

from __future__ import annotations

import sys

import click

from digitnet import functions, losses, optim
from digitnet.cli.common import (
    FiniteFloat,
    command_line,
    data_dir,
    data_option,
    writable_file,
)


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


@click.command()
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
    type=FiniteFloat(min=0, min_open=True),
    default=None,
    help="Learning rate. [default: 0.001 for adam, 0.1 for sgd]",
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
def train(
    data,
    out,
    hidden,
    activation,
    output,
    loss,
    optimizer,
    lr,
    momentum,
    schedule,
    batch_size,
    epochs,
    l2,
    augment,
    teacher,
    distill,
    temperature,
    validation,
    limit,
    seed,
    quiet,
    force,
    save_best,
) -> None:
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
    import numpy as np

    from digitnet import mnist, modelfile, shipped
    from digitnet.cli.progress import EpochBar
    from digitnet.metadata import model_metadata, training_record
    from digitnet.train import TrainConfig, diverged, examples, measure, snapshot
    from digitnet.train import train as run

    config = TrainConfig(
        hidden=hidden,
        activation=activation,
        output=output,
        loss=loss,
        optimizer=optimizer,
        learning_rate=lr if lr is not None else (0.001 if optimizer == "adam" else 0.1),
        momentum=momentum,
        schedule=schedule,
        batch_size=batch_size,
        epochs=epochs,
        l2=l2,
        augment=augment,
        seed=seed,
        teacher=teacher,
        distill=distill,
        temperature=temperature,
    )
    try:  # every option is checked before any data is loaded
        config.check()
    except ValueError as e:
        raise click.UsageError(str(e)) from None
    if teacher:  # a bad teacher fails before the data is loaded (train() loads it to use)
        shipped.load(teacher)
    folder = data_dir(data)
    try:
        data_set = examples(folder, limit, validation)
    except ValueError as e:  # --validation larger than the training set
        message = str(e).removeprefix("--validation ")
        raise click.BadParameter(message, param_hint="--validation") from None
    if data_set.note:
        click.echo(f"digitnet: {data_set.note}", err=True)
    split, validation = len(data_set.x), len(data_set.validation[0])
    if save_best and validation == 0:
        raise click.UsageError("--save-best needs held-out images to judge by (--validation)")
    bar = EpochBar(not quiet and sys.stderr.isatty(), config.epochs, config.batch_size)
    val_acc: list[float] = []
    losses_seen: list[float] = []

    best: list = []  # the best epoch so far: (held-out accuracy, epoch, network)

    def how(**extra) -> dict:
        """How the network was trained, for its file's metadata."""
        return training_record(
            config,
            command_line(),
            data="MNIST training images",
            train_images=split,
            validation_images=validation,
            **extra,
        )

    def on_epoch(r):
        bar.clear()
        losses_seen.append(r.loss)
        if save_best and r.val_accuracy is not None and (not best or r.val_accuracy > best[0]):
            best[:] = [r.val_accuracy, r.epoch, snapshot(r.network)]
            best[2].metadata = model_metadata(
                how(best_epoch=r.epoch, validation_accuracy=r.val_accuracy)
            )
            modelfile.save(best[2], out)
        if r.val_accuracy is not None:
            val_acc.append(r.val_accuracy)
        if not quiet:
            val = f"  validation {r.val_accuracy:6.2%}" if r.val_accuracy is not None else ""
            click.echo(
                f"epoch {r.epoch:>3}/{r.epochs}  loss {r.loss:.4f}  "
                f"accuracy {r.accuracy:6.2%}{val}",
                err=True,
            )

    try:
        with np.errstate(all="ignore"):  # a diverging run is judged below, not in warnings
            net = run(
                config,
                data_set.x,
                data_set.labels,
                data_set.validation,
                on_batch=bar,
                on_epoch=on_epoch,
            )
    except KeyboardInterrupt:
        bar.clear()
        if best:
            click.echo(
                f"digitnet: interrupted; {out} holds epoch {best[1]}, the best so far "
                f"(held out {best[0]:.2%})",
                err=True,
            )
        else:
            click.echo(f"digitnet: interrupted; {out} not written", err=True)
        sys.exit(130)
    except ValueError as e:  # the options were checked: this is a failure, not a usage error
        click.echo(f"digitnet: training failed, nothing written: {e}", err=True)
        sys.exit(1)
    kept = {}
    if save_best and best:  # OUT ends as the best epoch's network, not the last one's
        net, losses_seen, val_acc = best[2], [], [best[0]]
        kept = {"best_epoch": best[1]}
    if (why := diverged(net, losses_seen, val_acc)) and not force:
        click.echo(
            f"digitnet: training diverged ({why}); {out} not written. Try a smaller --lr "
            f"(it was {config.learning_rate:g}), --optimizer adam, or --force to save it",
            err=True,
        )
        sys.exit(1)
    test_acc = None
    try:
        test_acc = measure(net, folder, full=limit is None)
    except mnist.DataError as e:
        click.echo(f"digitnet: not measured on the test set: {e}", err=True)
    training = how(validation_accuracy=val_acc[-1] if val_acc else None, **kept)
    net.metadata = model_metadata(training, test_acc)
    modelfile.save(net, out)
    measured = f", test accuracy {test_acc.accuracy:.2%}" if test_acc else ""
    click.echo(f"saved {out}: {net.describe()}, {net.parameter_count:,} parameters{measured}")
