"""``digitnet predict``: the digit in each image, for people and for pipelines."""

from __future__ import annotations

import io
import sys

import click

from digitnet.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_UNSURE,
    Command,
    FiniteFloat,
    exit_statuses,
    format_option,
    jobs_option,
    max_pixels_option,
    model_option,
    one_blas_thread,
    shown,
)
from digitnet.cli.inputs import input_names, input_options


@click.command(
    cls=Command,
    epilog=exit_statuses(
        "every image was answered",
        "at least one image could not be read (or held no single digit)",
        "every image was read, but some answers were '?' (below --threshold)",
    ),
)
@input_options
@model_option
@format_option("text", "tsv", "csv", "json")
@click.option(
    "--top",
    "-k",
    "top",
    type=click.IntRange(1, 10),
    default=1,
    show_default=True,
    help="Show the K brightest output neurons with their activations.",
)
@click.option(
    "--threshold",
    "-t",
    type=FiniteFloat(0, 1),
    default=None,
    help="Answer '?' when the brightest activation is below this (exit status 3).",
)
@jobs_option
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=256,
    show_default=True,
    help="Images classified together (one matrix product per layer).",
)
@max_pixels_option
def predict(
    files,
    model,
    fmt,
    top,
    threshold,
    with_name,
    files_from,
    null,
    recursive,
    hidden,
    jobs,
    batch_size,
    max_pixels,
) -> None:
    """Print the digit in each image FILE: the network's brightest output neuron.

    Any image Pillow reads (PNG, JPEG, BMP, GIF, WebP, ...), any size, dark ink on
    light paper or light on dark: the digit is found among the ink's shapes (frames,
    boxes, desk edges, shadows, ruling and specks are left out) and framed the way
    MNIST's digits were made ('digitnet inspect image FILE --steps OUT.png' shows how).
    A picture that is not one digit (blank, a dot, a line, a word, a letter or a sign,
    several digits) is refused with the reason. '-' reads one image from standard input.

    \b
    Output (--format):
      text  the digit; with several files, FILE<TAB>DIGIT per line, in input order
      tsv   a header line, then path, digit, confidence (and the --top runners-up),
            error (empty, or why the file has no answer)
      csv   the same as CSV
      json  JSON Lines: one object per image with path, digit, confidence,
            activations (the 10 output values), and top with --top; for a file
            with no answer, path, digit null and error
    tsv, csv and json keep one row per input, in input order, failures included.
    Confidence is the brightest output activation (0..1). Problems with a file are
    reported on stderr as 'digitnet: FILE: reason' and the other files still answered.

    \b
    Examples:
      digitnet predict three.png
      digitnet predict scans/*.png --format json | jq .digit
      find . -name '*.png' | digitnet predict -T - --jobs 2
      convert photo.jpg png:- | digitnet predict -
    """
    one_blas_thread()
    from digitnet.predicting.classify import answer_batches
    from digitnet.saved import shipped

    names, show_name, jobs = input_names(
        files, files_from, null, recursive, hidden, with_name, jobs
    )
    net = shipped.load(model)
    batches = answer_batches(net, names, max_pixels, jobs, batch_size)
    sys.exit(_write_answers(batches, _writer(fmt, top, show_name), fmt != "text", threshold))


def _write_answers(batches, write, rows_for_errors: bool, threshold: float | None) -> int:
    """Write every batch's answers, flushed a batch at a time so a pipeline sees answers
    early; a failure goes to stderr (and keeps its row in machine-readable output). The
    exit status."""
    out = sys.stdout
    failed = unsure = False
    for batch in batches:
        buf = io.StringIO()
        for ans in batch:
            if ans.error is not None:
                failed = True
                if rows_for_errors:
                    write(buf, ans, False)
                out.write(buf.getvalue())
                out.flush()
                buf = io.StringIO()
                click.echo(f"digitnet: {shown(ans.path)}: {ans.error}", err=True)
                continue
            below = threshold is not None and ans.confidence < threshold
            unsure |= below
            write(buf, ans, below)
        out.write(buf.getvalue())
        out.flush()
    return EXIT_FAILED if failed else EXIT_UNSURE if unsure else EXIT_OK


def _writer(fmt: str, top: int, show_name: bool):
    """A function that writes one answer to a buffer in the chosen format."""
    if fmt == "json":
        import json

        from digitnet.show.records import answer_row

        def write_json(buf, ans, below):
            buf.write(json.dumps(answer_row(ans, top, below)) + "\n")

        return write_json

    if fmt in ("csv", "tsv"):
        import csv

        header = ["path", "digit", "confidence"]
        for i in range(2, top + 1):
            header += [f"digit_{i}", f"confidence_{i}"]
        header.append("error")
        state = {"header": True}
        dialect = "excel" if fmt == "csv" else "excel-tab"

        def write_table(buf, ans, below):
            w = csv.writer(buf, dialect=dialect, lineterminator="\n")
            if state.pop("header", False):
                w.writerow(header)
            if ans.error is not None:  # a row all the same: empty answer, the reason
                w.writerow([shown(ans.path, False)] + [""] * (len(header) - 2) + [ans.error])
                return
            best = ans.top(top)
            row = [shown(ans.path, False), "?" if below else best[0][0], f"{best[0][1]:.6f}"]
            for d, v in best[1:]:
                row += [d, f"{v:.6f}"]
            w.writerow(row + [""])

        return write_table

    def write_text(buf, ans, below):
        prefix = f"{shown(ans.path)}\t" if show_name else ""
        if top == 1:
            answer = "?" if below else str(ans.digit)
        else:
            answer = " ".join(f"{d}:{v:.3f}" for d, v in ans.top(top))
            answer = f"? {answer}" if below else answer
        buf.write(f"{prefix}{answer}\n")

    return write_text
