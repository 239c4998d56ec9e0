"""``digitnet serve``: the web page and the JSON API."""

from __future__ import annotations

import sys

import click

from digitnet.cli.common import (
    Command,
    FiniteFloat,
    exit_statuses,
    max_pixels_option,
    model_option,
    one_blas_thread,
)
from digitnet.limits import MAX_IN_FLIGHT, MAX_JOBS, MAX_REQUEST_BYTES, REQUEST_TIMEOUT


def _host(value: str) -> str:
    if not value.strip():
        raise click.BadParameter(
            "give an address: 127.0.0.1 for this machine only, 0.0.0.0 for all"
        )
    return value


@click.command(
    cls=Command,
    epilog=exit_statuses(
        "stopped with Ctrl-C",
        "the model could not be loaded, or the address or port cannot be used",
        interrupted=None,
    ),
)
@model_option
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    callback=lambda ctx, param, value: _host(value),
    help="Address to listen on (0.0.0.0: every address of this machine).",
)
@click.option(
    "--port",
    "-p",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
@click.option("--open", "open_page", is_flag=True, help="Open the page in a web browser.")
@click.option(
    "--max-in-flight",
    type=click.IntRange(1, 256),
    default=MAX_IN_FLIGHT,
    show_default=True,
    help="Requests worked on at once; others wait briefly, then get 503.",
)
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=MAX_REQUEST_BYTES,
    show_default=True,
    help="Largest request body; larger ones get 413.",
)
@click.option(
    "--timeout",
    type=FiniteFloat(0.01, 3600),
    default=REQUEST_TIMEOUT,
    show_default=True,
    help="Seconds a request may take to arrive (then 408) or to be answered (then 504).",
)
@click.option(
    "--workers",
    "-w",
    type=click.IntRange(1, MAX_JOBS),
    default=None,
    help="Processes that answer requests, each with its own --max-in-flight. "
    "[default: one per core]",
)
@max_pixels_option
@click.option("--quiet", "-q", is_flag=True, help="No line per request on stderr.")
def serve(
    model, host, port, open_page, max_in_flight, max_bytes, timeout, workers, max_pixels, quiet
):
    """Serve the lesson's network as a web page, and a JSON API for programs.

    The page: draw a digit and watch the network light up while you draw (the 28x28
    input as 'predict' makes it, the hidden layers, the strongest connections and
    the ten output neurons), switch models, see the first layer's weights, and drop
    a photo to get its digit or number with the steps picture. It needs no internet.

    \b
    API (a picture as the request body, or as a multipart form file):
      POST /api/predict   what 'predict --format json' prints (?model, ?top, ?threshold)
      POST /api/read      what 'read --format json' prints (?digits-only, ...)
      GET  /api/model     what 'inspect weights --format json' prints (?values=1)
      POST /api/steps     the --steps picture, PNG (?kind=digit|number)
    A picture with no answer gets 422 and the CLI's error row; other failures a JSON
    {"error": ...} with their status (400, 404, 408, 413, 503, 504).

    It listens on 127.0.0.1, this machine only; another --host lets anyone who can
    reach it use it (there is no password and no TLS). Ctrl-C stops it.

    \b
    Examples:
      digitnet serve --open
      curl --data-binary @three.png http://127.0.0.1:8000/api/predict
      curl -F image=@photo.jpg 'http://127.0.0.1:8000/api/read?model=large'
    """
    import os

    one_blas_thread()
    from digitnet.errors import DigitnetError
    from digitnet.serve import LOCAL_HOSTS, Limits, make_server
    from digitnet.serve import serve as run_server

    limits = Limits(max_bytes=max_bytes, max_in_flight=max_in_flight, timeout=timeout)
    try:
        server = make_server(host, port, model, max_pixels, limits, quiet)
    except OSError as e:
        raise DigitnetError(f"cannot listen on {host} port {port}: {e.strerror or e}") from None
    if host not in LOCAL_HOSTS:
        click.echo(
            f"digitnet: warning: listening on {host}: anyone who can reach this machine can "
            "use the server (no password, no TLS)",
            err=True,
        )
    processes = workers or os.cpu_count() or 1
    try:  # from the moment the address is shown, Ctrl-C is a clean stop
        click.echo(f"digitnet: serving {server.url} (Ctrl-C stops)", err=True)
        if open_page:
            import webbrowser

            webbrowser.open(server.url)
        run_server(server, processes)
    except KeyboardInterrupt:
        click.echo("digitnet: stopped", err=True)
    sys.exit(0)
