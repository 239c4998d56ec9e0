"""``digitnet inspect``: look inside the network, in numbers, in the terminal and as pictures."""

from __future__ import annotations

import click

from digitnet.cli.common import DigitnetGroup, echo_json, format_option, model_option


@click.group(cls=DigitnetGroup)
def inspect() -> None:
    """Look inside a network: its weights, or how an image lights it up."""


@inspect.command()
@model_option
@format_option("text", "json")
def weights(model, fmt) -> None:
    """Layers, parameter counts, weight statistics and how the model was trained.

    --format json prints one object with layers (each with inputs, outputs,
    activation, weights, biases and statistics), total_parameters and metadata.
    """
    from digitnet import shipped
    from digitnet.summary import summarise

    info = summarise(shipped.load(model))
    if fmt == "json":
        echo_json({"model": model or "default", **info})
        return
    click.echo(f"model  {model or 'default'}  ({info['architecture']})")
    click.echo("")
    click.echo("layer  inputs  outputs  activation  weights  biases")
    for layer in info["layers"]:
        click.echo(
            f"{layer['layer']:>5}  {layer['inputs']:>6}  {layer['outputs']:>7}  "
            f"{layer['activation']:<10}  {layer['weights']:>7,}  {layer['biases']:>6,}"
        )
    click.echo(f"total  {info['total_parameters']:,} weights and biases")
    click.echo("")
    click.echo("layer  values        min        max       mean        std")
    for layer in info["layers"]:
        for kind, label in (("weight", "weights"), ("bias", "biases")):
            s = layer[f"{kind}_stats"]
            click.echo(
                f"{layer['layer']:>5}  {label:<7} {s['min']:>10.4f} {s['max']:>10.4f} "
                f"{s['mean']:>10.4f} {s['std']:>10.4f}"
            )
    meta = info["metadata"]
    if meta:
        click.echo("")
        if (acc := meta.get("test_accuracy")) is not None:
            click.echo(
                f"test accuracy  {acc:.2%} on {meta.get('test_images') or '?':,} MNIST images"
            )
        training = meta.get("training", {})
        for key in ("command", "date", "epochs", "seed", "train_images", "validation_accuracy"):
            value = training.get(key)
            if value is not None:
                shown = f"{value:.2%}" if key == "validation_accuracy" else value
                click.echo(f"{key.replace('_', ' '):<14} {shown}")
