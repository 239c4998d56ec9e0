"""``digitnet evaluate``: a model's accuracy on MNIST's test images or on your own pictures."""

from __future__ import annotations

import os

import click

from digitnet.cli.common import (
    Command,
    check_outputs,
    data_dir,
    data_option,
    echo_json,
    exit_statuses,
    format_option,
    jobs_option,
    max_pixels_option,
    model_option,
    png_option,
    save_png,
)


@click.command(
    cls=Command,
    epilog=exit_statuses(
        "measured",
        "the data, the pictures or the model could not be read, or nothing was measured",
    ),
)
@data_option
@click.option(
    "--images",
    "-i",
    metavar="DIR",
    type=click.Path(file_okay=False),
    default=None,
    help="Measure on your own pictures in DIR instead of MNIST: labelled by DIR/labels.csv "
    "(file,label) or by subfolders named 0 to 9.",
)
@model_option
@format_option("text", "json")
@click.option(
    "--mistakes",
    is_flag=True,
    help="List every picture answered wrong or refused: its file (or #index in MNIST's test "
    "set), label, answer and confidence.",
)
@png_option(
    "the mistakes as a grid, each as the network saw it, with label and answer,",
    "--mistakes-image",
    "mistakes_out",
)
@jobs_option
@max_pixels_option
def evaluate(data, images, model, fmt, mistakes, mistakes_out, jobs, max_pixels) -> None:
    """Measure a model on MNIST's 10,000 test images, or on your own labelled pictures.

    Prints the accuracy, the accuracy for each digit and the confusion matrix (rows:
    the true digit, columns: the network's answer). --format json prints one object
    with accuracy (a fraction 0..1), n, correct, refused, per_digit, confusion and
    the model (and mistakes, with --mistakes).

    With --images DIR each picture is read as 'digitnet predict' reads it; one it
    refuses (no digit found, not an image) counts as a mistake, in the column
    'refused'. DIR holds either labels.csv, a 'file,label' header and a row a
    picture (as 'digitnet data export' writes), or subfolders 0 to 9.

    \b
    Examples:
      digitnet evaluate
      digitnet evaluate --model lesson --mistakes-image mistakes.png
      digitnet evaluate --images my-digits --mistakes
    """
    from digitnet.nn.evaluate import evaluate as run
    from digitnet.predicting.classify import jobs_for
    from digitnet.predicting.evaluation import evaluate_pictures
    from digitnet.saved import shipped

    ctx = click.get_current_context()
    given = click.core.ParameterSource.COMMANDLINE
    if images is not None and ctx.get_parameter_source("data") == given:
        raise click.UsageError(
            "--data (MNIST) and --images (your pictures) measure different sets: give one"
        )
    if images is None and ctx.get_parameter_source("jobs") == given:
        raise click.UsageError("--jobs reads --images in parallel; MNIST is read at once")
    net = shipped.load(model)
    if images is not None:
        from digitnet.data.labelled import LABELS_FILE, labelled_pictures

        pictures = labelled_pictures(images)
        listed = [("--model", model), ("labels", os.path.join(images, LABELS_FILE))]
        listed += [("picture", path) for path, _ in pictures]
        check_outputs({"--mistakes-image": mistakes_out}, listed)
        result = evaluate_pictures(net, pictures, max_pixels, jobs_for(len(pictures), jobs))
        inputs = None
    else:
        from digitnet.data import mnist

        pixels, labels = mnist.load(data_dir(data), "test")
        inputs = mnist.as_inputs(pixels)
        result = run(net, inputs, labels)
    if mistakes_out:
        _draw_mistakes(result, inputs, max_pixels, mistakes_out)
    name = model or "default"
    if fmt == "json":
        echo_json({"model": name, "architecture": net.describe(), **result.to_dict(mistakes)})
        return
    _print_report(result, name, net.describe(), images)
    if mistakes:
        _print_mistakes(result)


def _print_report(result, name: str, architecture: str, images: str | None) -> None:
    click.echo(f"model     {name} ({architecture})")
    click.echo(f"pictures  {images if images is not None else 'MNIST test set'}")
    click.echo(f"accuracy  {result.accuracy:.2%}  ({result.correct:,} of {result.n:,})")
    refused = int(result.refused.sum())
    if refused:
        click.echo(f"refused   {refused:,} (no digit found, or not an image)")
    click.echo("")
    click.echo("digit  accuracy  images")
    for d, (acc, total) in enumerate(zip(result.per_digit, result.totals.tolist(), strict=True)):
        shown = f"{acc:8.2%}" if acc is not None else "       -"
        click.echo(f"{d:>5}  {shown}  {total:>6}")
    click.echo("")
    click.echo("confusion (rows: true digit, columns: answer)")
    click.echo("      " + "".join(f"{d:>6}" for d in range(10)) + ("  refused" if refused else ""))
    for d, row in enumerate(result.confusion.tolist()):
        tail = f"{int(result.refused[d]):>9}" if refused else ""
        click.echo(f"{d:>6}" + "".join(f"{v:>6}" for v in row) + tail)


def _print_mistakes(result) -> None:
    click.echo("")
    click.echo(f"mistakes ({len(result.mistakes):,})")
    if not result.mistakes:
        return
    width = max(len(m.name) for m in result.mistakes)
    click.echo(f"{'file':<{width}}  label  answer  confidence")
    for m in result.mistakes:
        if m.digit is None:
            said = f"     -  refused: {m.error}"
        else:
            said = f"{m.digit:>6}  {m.confidence:10.4f}"
        click.echo(f"{m.name:<{width}}  {m.label:>5}  {said}")


def _draw_mistakes(result, inputs, max_pixels: int, out: str) -> None:
    from digitnet.nn.evaluate import caption
    from digitnet.predicting.evaluation import seen_by_network
    from digitnet.show import pictures

    shown = result.mistakes[: pictures.MOST_MISTAKES_DRAWN]
    tiles = [
        inputs[m.index].reshape(28, 28) if inputs is not None else seen_by_network(m, max_pixels)
        for m in shown
    ]
    heading = f"{len(result.mistakes):,} mistakes in {result.n:,} pictures: label as answer"
    if len(shown) < len(result.mistakes):
        heading += f"; the first {len(shown)} drawn"
    names, captions = [m.name for m in shown], [caption(m) for m in shown]
    save_png(pictures.mistakes_grid(tiles, names, captions, heading), out)
