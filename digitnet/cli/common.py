"""What every command shares: the error policy, and the --model, --data and --format options."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable

import click

from digitnet.show.records import shown  # noqa: F401 (the commands take it from here)

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a Unix tool killed by `| head` reports
EXIT_TERMINATED = 143  # 128 + SIGTERM


class HelpFormatter(click.HelpFormatter):
    """Click's help formatter, with the lines of unwrapped blocks (examples, exit statuses)
    wrapped at words too when the terminal is narrower than they are, each continued under
    its description's column."""

    def write_text(self, text: str) -> None:
        room = self.width - self.current_indent
        paragraphs = text.split("\n\n")
        for i, paragraph in enumerate(paragraphs):
            lines = paragraph.splitlines()
            if lines and lines[0].strip() == "\b":
                paragraphs[i] = "\n".join(
                    lines[:1] + [w for ln in lines[1:] for w in _fit(ln, room)]
                )
        super().write_text("\n\n".join(paragraphs))


def _fit(line: str, room: int) -> list[str]:
    """A line of an unwrapped block, wrapped at words to ``room`` columns if it is wider."""
    import re
    import textwrap

    if len(line) <= room:
        return [line]
    column = re.match(r"\s*\S+(?: \S+)*?\s{2,}", line)  # where the description starts
    lead = len(line) - len(line.lstrip())
    hang = column.end() if column and column.end() < room // 2 else lead + 4
    return textwrap.wrap(
        line, room, subsequent_indent=" " * hang, break_long_words=False, break_on_hyphens=False
    ) or [line]


class Context(click.Context):
    """Click's context, formatting help with HelpFormatter."""

    formatter_class = HelpFormatter


class Command(click.Command):
    """Every digitnet command: help formatted by HelpFormatter."""

    context_class = Context


EXIT_UNSURE = 3  # every picture was read, but some answers were below --threshold


def exit_statuses(
    ok: str,
    failed: str,
    unsure: str | None = None,
    interrupted: str | None = "interrupted (Ctrl-C)",
) -> str:
    """The exit-status block of a command's help: what 0, 1 and 3 mean for it, then the
    statuses every command shares."""
    lines = [f"0    {ok}", f"1    {failed}", "2    usage error: a bad option or argument"]
    if unsure:
        lines.append(f"{EXIT_UNSURE}    {unsure}")
    if interrupted:
        lines.append(f"{EXIT_INTERRUPTED}  {interrupted}")
    lines += [
        f"{EXIT_BROKEN_PIPE}  the reader of the output went away (| head)",
        f"{EXIT_TERMINATED}  stopped by SIGTERM",
    ]
    return "\b\nExit status:\n" + "\n".join(f"  {line}" for line in lines)


class DigitnetGroup(click.Group):
    """A group that turns user mistakes into one line ``digitnet: ...`` and an exit status."""

    context_class = Context
    command_class = Command

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # Kept so that train can record the exact command that made a model.
        ctx.meta.setdefault("digitnet.argv", list(args))
        return super().parse_args(ctx, args)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        """A mistyped command gets "did you mean" with the nearest names."""
        name = click.utils.make_str(args[0]) if args else None
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            import difflib

            near = difflib.get_close_matches(name, self.list_commands(ctx), n=2, cutoff=0.7)
            if near:
                ctx.fail(f"No such command '{name}'. Did you mean {' or '.join(near)}?")
        return super().resolve_command(ctx, args)

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as e:
            raise one_line(e) from None

    def invoke(self, ctx: click.Context):
        from digitnet.errors import DigitnetError

        try:
            return super().invoke(ctx)
        except click.UsageError as e:  # a subcommand's options, checked as it starts
            raise one_line(e) from None
        except DigitnetError as e:
            click.echo(f"digitnet: {e}", err=True)
            ctx.exit(EXIT_FAILED)
        except KeyboardInterrupt:
            click.echo("digitnet: interrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except MemoryError:  # a picture or a model too large for this machine
            from digitnet.errors import OUT_OF_MEMORY

            click.echo(f"digitnet: {OUT_OF_MEMORY}", err=True)
            ctx.exit(EXIT_FAILED)
        except BrokenPipeError:
            quiet_broken_pipe()
            ctx.exit(EXIT_BROKEN_PIPE)
        except OSError as e:  # a folder that is not there, a disk that is full, ...
            where = f"{e.filename}: " if e.filename else ""
            click.echo(f"digitnet: {where}{e.strerror or e}", err=True)
            ctx.exit(EXIT_FAILED)


def one_line(e: click.UsageError) -> click.UsageError:
    """Have a usage error print one line, naming the command and the problem, with where to
    look: ``digitnet predict: Invalid value for '--top' ... (see 'digitnet predict -h')``.
    Click's own four lines (usage, a hint, a blank, the error) are hard to read in a log."""
    if isinstance(e, click.exceptions.NoArgsIsHelpError):  # `digitnet` alone: the help itself
        return e
    where = e.ctx.command_path if e.ctx is not None else "digitnet"
    message = e.format_message().rstrip(".")

    def show(file=None) -> None:
        click.echo(f"{where}: {message} (see '{where} -h')", err=True)

    e.show = show  # what Click calls to report the error before exiting with status 2
    return e


def quiet_broken_pipe() -> None:
    """The reader went away (``| head``): stop writing, and let exit not complain either."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # not a real file descriptor (e.g. under CliRunner)
        pass


def one_blas_thread() -> None:
    """One BLAS thread for commands that multiply small batches (predict, serve): idle
    threads spin and take the CPU from decoding. Set before NumPy loads; a user's own
    setting is respected."""
    from digitnet.training.threads import THREAD_VARIABLES

    for var in THREAD_VARIABLES:
        os.environ.setdefault(var, "1")


def model_option(f):
    """--model NAME|PATH, also from $DIGITNET_MODEL."""
    return click.option(
        "--model",
        "-m",
        metavar="NAME|PATH",
        envvar="DIGITNET_MODEL",
        show_envvar=True,
        help="Shipped model (default, lesson, large) or a .npz file. [default: default]",
    )(f)


def data_option(f):
    """--data DIR: the MNIST folder, also from $DIGITNET_DATA."""
    return click.option(
        "--data",
        "-d",
        metavar="DIR",
        type=click.Path(file_okay=False),
        envvar="DIGITNET_DATA",
        show_envvar=True,
        help="Folder with the MNIST IDX files. [default: where 'digitnet data download' puts them]",
    )(f)


def format_option(*choices: str):
    """--format, one of ``choices``; the first is the default."""

    def deco(f):
        return click.option(
            "--format",
            "-f",
            "fmt",
            type=click.Choice(choices),
            default=choices[0],
            show_default=True,
            help="Output format.",
        )(f)

    return deco


class FiniteFloat(click.FloatRange):
    """A float in a range that is a number: Click's FloatRange lets 'nan' through (every
    comparison with NaN is false) and 'inf' where there is no upper bound."""

    def convert(self, value, param, ctx):
        import math

        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return number


def jobs_option(f):
    """--jobs N: processes that decode images."""
    from digitnet.limits import AUTO_JOBS_FROM, MAX_JOBS

    return click.option(
        "--jobs",
        "-j",
        type=click.IntRange(1, MAX_JOBS),
        default=None,
        help=f"Decode images in N parallel processes (a worker that dies costs the images it "
        f"held, each with an error). [default: one per core for "
        f"{AUTO_JOBS_FROM:,} images or more known at once (as arguments, with -r, or "
        "in a -T list file), else 1; a list on a pipe is read by one, so its answers stream]",
    )(f)


def max_pixels_option(f):
    """--max-pixels N: the largest picture read."""
    from digitnet.limits import MAX_ASPECT, MAX_PIXELS, MAX_STREAM_BYTES

    return click.option(
        "--max-pixels",
        type=click.IntRange(min=1),
        default=MAX_PIXELS,
        show_default=True,
        help=f"Refuse images larger than this (decompression bombs); images more than "
        f"{MAX_ASPECT} times as long as wide, and over {MAX_STREAM_BYTES >> 20} MB on standard "
        "input or a pipe, are refused too.",
    )(f)


def color_option(f):
    """--color auto|always|never."""
    from digitnet.show.terminal import COLOR_MODES

    return click.option(
        "--color",
        type=click.Choice(COLOR_MODES),
        default="auto",
        show_default=True,
        help="Colour half blocks; auto: on a terminal, in the colours $COLORTERM and $TERM "
        "say it shows (none for TERM=dumb or with NO_COLOR).",
    )(f)


def palette_option(f):
    """--palette: the colours of positive and negative weights."""
    from digitnet.show.terminal import DEFAULT_PALETTE, PALETTES

    return click.option(
        "--palette",
        type=click.Choice(list(PALETTES)),
        default=DEFAULT_PALETTE,
        show_default=True,
        envvar="DIGITNET_PALETTE",
        show_envvar=True,
        help="Colours for positive and negative weights; blue-orange reads well with "
        "red-green colour blindness.",
    )(f)


def png_option(what: str, flag: str = "--image", dest: str = "image_out", note: str = ""):
    """An option naming a PNG picture to write, checked to be writable before any work."""
    return click.option(
        flag,
        dest,
        type=click.Path(dir_okay=False),
        default=None,
        metavar="OUT.png",
        callback=writable_file,
        help=f"Draw {what} as a PNG picture.{note}",
    )


def writable_file(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Check an output file's folder before any work is done, not after."""
    if value is not None:
        folder = os.path.dirname(os.path.abspath(value))
        if not os.path.isdir(folder):
            raise click.BadParameter(f"{value}: no such folder {folder}")
        if not os.access(folder, os.W_OK):
            raise click.BadParameter(f"{value}: cannot write in {folder}")
    return value


def same_file(a: str, b: str) -> bool:
    """Whether two names are one file (a link, a relative name), existing or not yet."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one is not there yet: compare where they would be
        return os.path.realpath(a) == os.path.realpath(b)


def check_outputs(outputs: dict[str, str | None], inputs: Iterable[tuple[str, str | None]]) -> None:
    """A usage error when an output would overwrite an existing input or another output of
    the same command (``read in.png --steps in.png``), naming both; the labels are what
    the user typed (``--steps``, ``FILE``)."""
    given = [(flag, path) for flag, path in outputs.items() if path]
    if not given:
        return
    read = [(k, v) for k, v in inputs if v and v != "-" and os.path.exists(v)]
    for i, (flag, path) in enumerate(given):
        for other, there in [*given[:i], *read]:
            if same_file(path, there):
                raise click.UsageError(
                    f"{flag} {path} would overwrite {other} {there}: give another file"
                )


def save_png(img, path: str) -> None:
    """Save a picture atomically, so a failed write never leaves half a PNG."""
    from digitnet.atomic import atomic_path

    with atomic_path(path, suffix=".png") as tmp:
        img.save(tmp, format="PNG")
    click.echo(f"wrote {path} ({img.width}x{img.height})", err=True)


def command_line() -> str:
    """The command being run, as a shell would take it: ``digitnet train ...``."""
    import shlex

    argv = click.get_current_context().meta.get("digitnet.argv", sys.argv[1:])
    return shlex.join(["digitnet", *argv])


def data_dir(data: str | None):
    """The MNIST folder: --data, or where ``data download`` puts it."""
    from digitnet.data import mnist

    return data if data else mnist.default_data_dir()


def echo_json(obj) -> None:
    """Print one JSON object on a line."""
    import json

    click.echo(json.dumps(obj))
