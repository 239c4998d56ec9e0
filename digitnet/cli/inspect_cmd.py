"""``digitnet inspect``: look inside the network, in numbers, in the terminal and as pictures."""

from __future__ import annotations

import click

from digitnet.cli.common import (
    DigitnetGroup,
    check_outputs,
    color_option,
    echo_json,
    exit_statuses,
    format_option,
    max_pixels_option,
    model_option,
    palette_option,
    png_option,
    save_png,
)


@click.group(cls=DigitnetGroup)
def inspect() -> None:
    """Look inside a network: its weights, or how an image lights it up."""


@inspect.command(
    epilog=exit_statuses("shown", "the model could not be loaded, or a picture not written")
)
@model_option
@format_option("text", "json")
@click.option("--draw", is_flag=True, help="Also draw the weights in the terminal.")
@png_option("the weights")
@click.option(
    "--layer",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Which layer to draw; layers after the first are drawn as a heat map.",
)
@click.option(
    "--neuron",
    type=click.IntRange(min=0),
    default=None,
    help="Draw only this neuron of the first layer.",
)
@click.option(
    "--scale",
    type=click.IntRange(1, 64),
    default=None,
    help="Pixels per weight in the PNG. [default: 6 for tiles, 12 for heat maps]",
)
@click.option(
    "--values",
    is_flag=True,
    help="With --format json: every weight and bias too (weight_values[neuron][input], "
    "bias_values[neuron]).",
)
@color_option
@palette_option
def weights(model, fmt, draw, image_out, layer, neuron, scale, values, color, palette) -> None:
    """Layers, parameter counts, weight statistics and how the model was trained.

    --format json prints one object with layers (each with inputs, outputs,
    activation, weights, biases and statistics), total_parameters and metadata.

    The weights can be drawn as the lesson draws them: each first-layer neuron's
    784 weights as a 28x28 tile, green for positive, red for negative (blue and
    orange with --palette blue-orange), black for 0, brighter for larger (each
    tile scaled to its own largest weight), labelled with the neuron's number and
    bias. --draw shows them in the terminal, --image saves a PNG with a legend of
    the colours; with either, the report above is printed only when --format is
    given. Deeper layers (--layer 2, ...) are drawn as a heat map: a row per
    neuron, a column per input, one scale for the whole layer.

    \b
    Examples:
      digitnet inspect weights
      digitnet inspect weights --image weights.png
      digitnet inspect weights --draw --neuron 3
      digitnet inspect weights --layer 2 --image layer2.png --model lesson
      digitnet inspect weights --draw --palette blue-orange
    """
    import sys

    from digitnet.saved import shipped

    ctx = click.get_current_context()
    if values and fmt != "json":
        raise click.UsageError("--values adds the numbers to --format json")
    check_outputs({"--image": image_out}, [("--model", model)])
    net = shipped.load(model)
    _check_drawing(ctx, net, draw or image_out, layer, neuron)
    neurons = None if neuron is None else [neuron]
    if image_out:
        save_png(_weights_picture(net, layer, neurons, scale, palette), image_out)
    if fmt == "json":
        from digitnet.show.records import model_row

        echo_json(model_row(model, net, values))
        return
    if draw:
        from digitnet.show.terminal import output_depth

        depth = output_depth(color, sys.stdout.isatty())
        for line in _draw_weights(net, layer, neurons, depth, palette):
            click.echo(line, color=depth != "none")
    asked = ctx.get_parameter_source("fmt") == click.core.ParameterSource.COMMANDLINE
    if (draw or image_out) and not asked:  # a drawing was asked for: just the drawing
        return
    if draw:
        click.echo("")
    from digitnet.show.summary import report, summarise

    for line in report(summarise(net), model):
        click.echo(line)


def _check_drawing(ctx: click.Context, net, drawing: bool, layer: int, neuron) -> None:
    """Usage errors of the options that choose what to draw."""
    chosen = [
        f"--{name}"
        for name in ("layer", "neuron", "scale")
        if ctx.get_parameter_source(name) == click.core.ParameterSource.COMMANDLINE
    ]
    if chosen and not drawing:
        raise click.UsageError(f"{', '.join(chosen)} choose what to draw: add --draw or --image")
    if layer > len(net.layers):
        raise click.BadParameter(f"the model has {len(net.layers)} layers", param_hint="--layer")
    if neuron is not None and layer != 1:
        raise click.BadParameter(
            f"draws one neuron of the first layer; layer {layer} is drawn whole, as a heat map",
            param_hint="--neuron",
        )
    if neuron is not None and neuron >= net.layers[0].outputs:
        raise click.BadParameter(
            f"pick one of the {net.layers[0].outputs} neurons of layer 1 (0 to "
            f"{net.layers[0].outputs - 1})",
            param_hint="--neuron",
        )


def _weights_picture(net, layer: int, neurons, scale: int | None, palette: str):
    """The --image picture: tiles for the first layer, a heat map for the others."""
    from digitnet.limits import MAX_PIXELS
    from digitnet.show import pictures

    scale = scale or (6 if layer == 1 else 12)
    w, h = pictures.picture_size(net, layer, None if neurons is None else len(neurons), scale)
    if w * h > MAX_PIXELS:
        raise click.BadParameter(
            f"the picture would be {w}x{h} = {w * h:,} pixels, over the limit of "
            f"{MAX_PIXELS:,}: choose a smaller --scale",
            param_hint="--scale",
        )
    if layer == 1:
        return pictures.weight_tiles(net, neurons, scale, palette=palette)
    return pictures.weight_matrix(net, layer, scale, palette)


def _draw_weights(net, layer: int, neurons, depth: str, palette: str) -> list[str]:
    """Terminal drawing of a layer: 28x28 tiles for the first, a heat map for the others,
    then a line saying what the colours mean."""
    from digitnet.show import terminal

    w = net.layers[layer - 1].weights
    if layer != 1:
        lines = [f"layer {layer}: {w.shape[0]} neurons x {w.shape[1]} inputs"]
        lines += terminal.render(w, depth, palette)
        scale = f"largest |w| {float(abs(w).max()):.2f}"
    else:
        neurons = range(w.shape[0]) if neurons is None else neurons
        b = net.layers[0].biases
        lines = terminal.tiles(
            [f"#{n} b={b[n]:+.2f}" for n in neurons],
            [w[n].reshape(28, 28) for n in neurons],
            depth,
            palette,
        )
        scale = "each tile to its own largest |w|"
    return [*lines, terminal.legend(depth, palette), scale]


@inspect.command(
    epilog=exit_statuses(
        "the picture was read", "it could not be read or holds no single digit (says why)"
    )
)
@click.argument("file", type=click.Path())
@model_option
@format_option("text", "json")
@png_option("the whole network lit up by FILE")
@png_option(
    "how FILE was read (the ink found, the shapes kept in green and left out, the digit's "
    "box and the 28x28 input; drawn also when FILE is refused, to show why)",
    "--steps",
    "steps_out",
)
@max_pixels_option
@color_option
@palette_option
def image(file, model, fmt, image_out, steps_out, max_pixels, color, palette) -> None:
    """Show how an image lights up the network, layer after layer.

    Draws FILE as the network sees it (after preprocessing: 28x28, light ink on
    black, centred by mass), then each layer's activations as labelled bars, and
    the brightest output neuron: the answer. '-' reads the image from standard
    input. --image saves the lesson's picture: a column of neurons per layer, each
    lit by its activation, the strongest connections between them, the answer
    highlighted. --steps saves how the digit was found in the picture. --format json
    prints the activations of every layer.

    \b
    Examples:
      digitnet inspect image three.png
      digitnet inspect image three.png --image network.png
      digitnet inspect image photo.jpg --steps steps.png
    """
    import sys

    from digitnet.errors import ImageError
    from digitnet.image import preprocess
    from digitnet.predicting import one_digit
    from digitnet.saved import shipped
    from digitnet.show.terminal import output_depth

    check_outputs(
        {"--image": image_out, "--steps": steps_out}, [("FILE", file), ("--model", model)]
    )
    net = shipped.load(model)
    try:
        source = preprocess.read_stream(sys.stdin.buffer) if file == "-" else file
        steps = one_digit.image_steps(preprocess.open_image(source, max_pixels))
    except ImageError as e:
        raise ImageError(f"{file}: {e}") from None
    if steps.refusal is None:
        x = steps.inputs
        layers = [a[0] for a in net.activations(x.reshape(1, -1).astype("float64"))]
    if steps_out:
        from digitnet.show import steps_picture

        save_png(steps_picture.draw(steps, None if steps.refusal else layers[-1]), steps_out)
    if steps.refusal is not None:
        raise ImageError(f"{file}: {steps.refusal}")
    if image_out:
        from digitnet.show import pictures

        save_png(pictures.network_diagram(net, x, palette=palette), image_out)
    if fmt == "json":
        from digitnet.show.records import activations_row

        echo_json(activations_row(file, x, layers))
        return
    from digitnet.show.summary import activations_report

    depth = output_depth(color, sys.stdout.isatty())
    for line in activations_report(file, net, x, layers, depth):
        click.echo(line, color=depth != "none")  # colour was decided: keep it in a pipe too
