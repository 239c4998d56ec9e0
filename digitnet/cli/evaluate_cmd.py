"""``digitnet evaluate``: a model's accuracy on the 10,000 MNIST test images."""

from __future__ import annotations

import click

from digitnet.cli.common import data_dir, data_option, echo_json, format_option, model_option


@click.command()
@data_option
@model_option
@format_option("text", "json")
def evaluate(data, model, fmt) -> None:
    """Measure a model on MNIST's 10,000 test images.

    Prints the accuracy, the accuracy for each digit and the confusion matrix (rows:
    the true digit, columns: the network's answer). --format json prints one object
    with accuracy (a fraction 0..1), n, correct, per_digit, confusion and the model.
    """
    from digitnet import mnist, shipped
    from digitnet.evaluate import evaluate as run

    net = shipped.load(model)
    images, labels = mnist.load(data_dir(data), "test")
    result = run(net, mnist.as_activations(images), labels)
    name = model or "default"
    if fmt == "json":
        echo_json({"model": name, "architecture": net.describe(), **result.to_dict()})
        return
    click.echo(f"model     {name} ({net.describe()})")
    click.echo(f"accuracy  {result.accuracy:.2%}  ({result.correct:,} of {result.n:,})")
    click.echo("")
    click.echo("digit  accuracy  images")
    totals = result.confusion.sum(axis=1)
    for d, acc in enumerate(result.per_digit):
        shown = f"{acc:8.2%}" if acc is not None else "       -"
        click.echo(f"{d:>5}  {shown}  {totals[d]:>6}")
    click.echo("")
    click.echo("confusion (rows: true digit, columns: answer)")
    click.echo("      " + "".join(f"{d:>6}" for d in range(10)))
    for d, row in enumerate(result.confusion.tolist()):
        click.echo(f"{d:>6}" + "".join(f"{v:>6}" for v in row))
