"""``digitnet read``: the number written in each picture, digit by digit."""

from __future__ import annotations

import os
import sys

import click

from digitnet.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_UNSURE,
    Command,
    FiniteFloat,
    check_outputs,
    exit_statuses,
    format_option,
    jobs_option,
    max_pixels_option,
    model_option,
    png_option,
    save_png,
    shown,
)
from digitnet.cli.inputs import input_names, input_options

READ_HELP = """Print the number written in each picture FILE, digit by digit.

The digits are found as shapes of the ink (touching digits split where the
network reads the parts best), each framed as 'digitnet predict' frames a
digit, and read left to right; several lines are read top to bottom, one
output line each (docs/how-it-reads.md tells how).

The number is printed as written: a sign, a decimal point or comma, a slash,
a dash, a colon and a space between digits are kept (-12  3.14  12/05
2026-12-02  12:30); --digits-only drops them (a meter reading, a code).
Ink that holds no number (a line, a dot, a scribble, printed words, a letter
or a sign, a frame, blank paper) is refused with its reason, and the picture
fails.

\b
Output (--format):
  text  the number, a line each; with several files, FILE<TAB>NUMBER a
        picture each, its lines joined by ' | '
  tsv   a header, then path, line, number, confidence, error per line read
  csv   the same as CSV
  json  JSON Lines, one object per file: path, number (lines joined by
        a newline), lines, confidence (the product of the digits'),
        digits (each with digit, confidence, box [left, top, right,
        bottom] in the picture's pixels, top: the three brightest
        outputs, line); for a file with no number, path, number null
        and error

Problems with a file go to stderr as 'digitnet: FILE: reason'; the other
files are still read.

\b
Examples:
  digitnet read meter.jpg
  digitnet read form.png --digits-only --format json
  digitnet read photo.jpg --steps steps.png
  find scans -name '*.png' | digitnet read -T - --jobs 2
"""


@click.command(
    cls=Command,
    help=READ_HELP,
    epilog=exit_statuses(
        "a number was read in every picture",
        "at least one picture could not be read (or held no number)",
        "every picture was read, but some digits were '?' (below --threshold)",
    ),
)
@input_options
@model_option
@format_option("text", "tsv", "csv", "json")
@click.option(
    "--threshold",
    "-t",
    type=FiniteFloat(0, 1),
    default=None,
    help="Put '?' for each digit whose brightest activation is below this (exit status 3).",
)
@click.option(
    "--digits-only",
    is_flag=True,
    help="Print the digits alone: no signs, points, slashes, dashes, colons or spaces.",
)
@click.option(
    "--keep-separators",
    "-s",
    is_flag=True,
    hidden=True,
    help="Kept for old scripts: separators are printed as written unless --digits-only.",
)
@click.option(
    "--single-line",
    is_flag=True,
    help="Read every line of a picture into one number (default: one output line a line).",
)
@png_option(
    "how the number was read (each digit's box and answer, and what the network saw)",
    "--steps",
    "steps_out",
    note=" One FILE only.",
)
@jobs_option
@max_pixels_option
def read(
    files,
    with_name,
    files_from,
    null,
    recursive,
    hidden,
    model,
    fmt,
    threshold,
    digits_only,
    keep_separators,
    single_line,
    steps_out,
    jobs,
    max_pixels,
) -> None:
    """Print the number written in each picture FILE (READ_HELP)."""
    from digitnet.reading.reader import readings
    from digitnet.saved import shipped

    del keep_separators  # what it asked for is the default now

    names, show_name, jobs = input_names(
        files, files_from, null, recursive, hidden, with_name, jobs
    )
    _check_steps(steps_out, files, files_from, recursive, model)
    results = readings(shipped.load(model), names, max_pixels, jobs)
    if single_line:
        results = (r._replace(reading=r.reading.single_line()) if r.reading else r for r in results)
    if steps_out:
        results = _drawn(results, max_pixels, steps_out, digits_only)
    write = _writer(fmt, show_name, digits_only, threshold)
    sys.exit(_write_results(results, write, fmt != "text", threshold))


def _drawn(results, max_pixels: int, out: str, digits_only: bool):
    """The results, each drawn as the --steps picture on its way."""
    for result in results:
        _draw_steps(result, max_pixels, out, digits_only)
        yield result


def _write_results(results, write, rows_for_errors: bool, threshold: float | None) -> int:
    """Write every picture's number as soon as it is read (a pipeline sees it at once); a
    failure goes to stderr (and keeps its row in machine-readable output). The exit status."""
    failed = unsure = False
    for result in results:
        if result.error is not None:
            failed = True
            if rows_for_errors:
                write(result)
            click.echo(f"digitnet: {shown(result.path)}: {result.error}", err=True)
            continue
        unsure |= threshold is not None and any(
            d.confidence < threshold for d in result.reading.digits
        )
        write(result)
        sys.stdout.flush()
    return EXIT_FAILED if failed else EXIT_UNSURE if unsure else EXIT_OK


def _check_steps(steps_out, files, files_from, recursive: bool, model) -> None:
    """--steps draws one picture, read twice: one regular FILE, not an input or the model."""
    if steps_out and (len(files) != 1 or files_from is not None or recursive):
        raise click.UsageError("--steps draws one picture: give one FILE")
    if steps_out and not _regular_or_missing(files[0]):
        raise click.UsageError("--steps reads FILE twice: give a file, not a pipe or '-'")
    check_outputs(
        {"--steps": steps_out}, [("FILE", files[0] if files else None), ("--model", model)]
    )


def _writer(fmt: str, show_name: bool, digits_only: bool, threshold: float | None):
    """A function that prints one Result in the chosen format."""
    if fmt == "json":
        import json

        from digitnet.show.records import reading_row

        def write_json(result) -> None:
            click.echo(json.dumps(reading_row(result, digits_only, threshold)))

        return write_json
    if fmt in ("csv", "tsv"):
        import csv

        from digitnet.reading.reader import Reading

        w = csv.writer(sys.stdout, dialect="excel" if fmt == "csv" else "excel-tab")
        w.writerow(["path", "line", "number", "confidence", "error"])

        def write_table(result) -> None:
            if result.error is not None:
                w.writerow([shown(result.path, False), "", "", "", result.error])
                return
            reading = result.reading
            for n, (text, line) in enumerate(
                zip(reading.text(digits_only, threshold), reading.lines, strict=True), start=1
            ):
                confidence = Reading([line]).confidence
                w.writerow([shown(result.path, False), n, text, f"{confidence:.6f}", ""])

        return write_table

    def write_text(result) -> None:
        lines = result.reading.text(digits_only, threshold)
        if show_name:  # one row a picture, so the rows of two pictures cannot be mixed up
            click.echo(f"{shown(result.path)}\t{LINES_JOINED.join(lines)}")
            return
        for text in lines:
            click.echo(text)

    return write_text


LINES_JOINED = " | "  # between a picture's lines on its one row (no number holds it)


def _regular_or_missing(path: str) -> bool:
    """A name that can be read twice (a missing file is reported as the others are)."""
    return path != "-" and (os.path.isfile(path) or not os.path.exists(path))


def _draw_steps(result, max_pixels: int, out: str, digits_only: bool) -> None:
    from digitnet.errors import ImageError
    from digitnet.image import preprocess
    from digitnet.show import steps_picture

    try:
        gray = preprocess.gray_pixels(result.path, max_pixels)
    except ImageError:
        return  # the error is reported with the result
    save_png(steps_picture.draw_reading(gray, result.reading, digits_only), out)
