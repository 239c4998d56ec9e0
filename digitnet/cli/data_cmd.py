"""``digitnet data``: get MNIST, export its digits as PNG files, show some in the terminal."""

from __future__ import annotations

import sys

import click

from digitnet.cli.common import (
    EXIT_FAILED,
    DigitnetGroup,
    color_option,
    data_dir,
    data_option,
    exit_statuses,
)
from digitnet.data.mnist import SPLITS


@click.group(cls=DigitnetGroup)
def data() -> None:
    """Get MNIST, and export or show its digits."""


def _urls(ctx, param, values: tuple[str, ...]) -> tuple[str, ...]:
    """Mirrors are URLs that urllib can fetch: checked before anything is downloaded."""
    from urllib.parse import urlsplit

    from digitnet.data.download import MIRROR_SCHEMES

    for url in values:
        if urlsplit(url).scheme not in MIRROR_SCHEMES:
            schemes = ", ".join(f"{s}://" for s in MIRROR_SCHEMES)
            raise click.BadParameter(f"{url!r} is not a URL starting {schemes}")
    return values


# What else works when no mirror can be reached: said once, after the files' reasons.
NO_DOWNLOAD = (
    "without a mirror, use a copy of MNIST you have: --data DIR or DIGITNET_DATA=DIR "
    "for train and evaluate, or 'data download --mirror file:///DIR/' to check it and "
    "copy it here"
)


@data.command(
    epilog=exit_statuses(
        "the four files are there and checked",
        "a file could not be fetched or failed its check (each named, with why)",
    )
)
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False),
    default=None,
    metavar="DIR",
    help="Where to put the files. [default: $DIGITNET_DATA, else "
    "$XDG_CACHE_HOME/digitnet/mnist, i.e. ~/.cache/digitnet/mnist]",
)
@click.option(
    "--mirror",
    "mirrors",
    multiple=True,
    callback=_urls,
    metavar="URL",
    help="A mirror to try (repeatable, tried in order); also $DIGITNET_MNIST_MIRRORS "
    "(space-separated). [default: three public mirrors]",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def download(folder, mirrors, quiet) -> None:
    """Download the four MNIST files (about 11 MB) into a cache folder.

    Each file is checked by the MD5 of its decompressed content (the official
    checksums), so any faithful copy passes, re-compressed or not. Files already
    there and valid are skipped; a failed or corrupt download leaves no partial
    file behind. The folder is then used by train and evaluate when --data is not
    given.
    """
    from digitnet.cli.progress import ByteBar
    from digitnet.data import download as dl
    from digitnet.errors import DataError

    target = data_dir(folder)
    bar = ByteBar(enabled=not quiet and sys.stderr.isatty())

    def report(name, status):
        bar.clear()
        click.echo(f"{name}: {status}", err=True)

    try:
        dl.download(target, list(mirrors) or None, progress=bar, report=report)
    except DataError as e:
        for line in str(e).splitlines():
            click.echo(f"digitnet: {line}", err=True)
        click.echo(f"digitnet: {NO_DOWNLOAD}", err=True)
        sys.exit(EXIT_FAILED)
    click.echo(str(target))


def _pick(
    labels, start: int, count: int, digits: tuple[int, ...], per_digit: int | None, split: str
):
    """Indices from ``start`` on: the first ``count``, or the first ``per_digit`` of each digit."""
    import numpy as np

    if start >= len(labels):
        raise click.BadParameter(
            f"the {split} set has {len(labels):,} images (0 to {len(labels) - 1:,})",
            param_hint="--start",
        )
    idx = np.arange(start, len(labels))
    if digits:
        idx = idx[np.isin(labels[idx], digits)]
    if per_digit is None:
        return idx[:count]
    chosen = [idx[labels[idx] == d][:per_digit] for d in (digits or range(10))]
    return np.sort(np.concatenate(chosen))


_split = click.option(
    "--split",
    type=click.Choice(sorted(SPLITS)),
    default="test",
    show_default=True,
    help="MNIST's test or training images.",
)
_start = click.option(
    "--start",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Index of the first image to consider.",
)
_digit = click.option(
    "--digit",
    "digits",
    type=click.IntRange(0, 9),
    multiple=True,
    help="Only images of this digit (repeatable).",
)
_per_digit = click.option(
    "--per-digit",
    type=click.IntRange(min=1),
    default=None,
    help="Take this many of each digit instead of --count in a row.",
)


def _count(default: int, most: int | None, what: str):
    return click.option(
        "--count",
        "-n",
        type=click.IntRange(1, most),
        default=default,
        show_default=True,
        help=f"How many {what}.",
    )


@data.command(
    epilog=exit_statuses(
        "written", "MNIST or the folder could not be read or written (nothing half written)"
    )
)
@data_option
@_split
@_count(default=100, most=None, what="images")
@_start
@_digit
@_per_digit
@click.option(
    "--out",
    "-o",
    required=True,
    type=click.Path(file_okay=False),
    metavar="DIR",
    help="Folder for the PNG files and labels.csv (created if needed).",
)
def export(data, split, count, start, digits, per_digit, out) -> None:
    """Write MNIST digits as 28x28 PNG files, plus labels.csv (file,label).

    Files are named by index and label, e.g. 00042-4.png, so 'digitnet predict'
    can be checked against them.

    \b
    Examples:
      digitnet data export --count 10 --out digits
      digitnet data export --per-digit 1 --out one-of-each
      digitnet data export --split train --digit 3 --count 50 --out threes
    """
    from pathlib import Path

    from digitnet.data import mnist
    from digitnet.data.export import export_pngs

    images, labels = mnist.load(data_dir(data), split, full=False)
    chosen = _pick(labels, start, count, digits, per_digit, split)
    folder = Path(out)
    export_pngs(folder, images, labels, chosen.tolist())
    click.echo(f"wrote {len(chosen)} images and labels.csv to {folder}", err=True)


@data.command(epilog=exit_statuses("drawn", "MNIST could not be read"))
@data_option
@_split
@_count(default=8, most=100, what="digits")
@_start
@_digit
@color_option
def show(data, split, count, start, digits, color) -> None:
    """Draw a few MNIST digits in the terminal, with their labels."""
    from digitnet.data import mnist
    from digitnet.show.terminal import output_depth, tiles

    images, labels = mnist.load(data_dir(data), split, full=False)
    chosen = _pick(labels, start, count, digits, None, split)
    depth = output_depth(color, sys.stdout.isatty())
    chosen = chosen.tolist()
    titles = [f"#{i} label {labels[i]}" for i in chosen]
    for line in tiles(titles, [images[i] / 255 for i in chosen], depth):
        click.echo(line, color=depth != "none")  # colour was decided: keep it in a pipe too
