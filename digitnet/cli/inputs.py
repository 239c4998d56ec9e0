"""The inputs of the commands that read many pictures (predict, read): file names as
arguments, from a list (-T, NUL-separated with -0), folders walked with -r, standard input
as '-', and whether to print each file's name."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import click


def names_from(stream, null: bool):
    """File names from a list: one a line, or NUL-separated (``find -print0``), each given
    as soon as it has arrived (a pipe is read for what it holds, not to a full buffer, so
    answers follow a slow producer)."""
    sep = "\0" if null else "\n"
    buf = ""
    for chunk in _chunks(stream):
        buf += chunk
        *names, buf = buf.split(sep)
        yield from (n.rstrip("\r") if not null else n for n in names if n)
    if buf.strip("\r\n"):
        yield buf.rstrip("\r\n")


def _chunks(stream):
    """What a text stream holds, as it arrives: os.read on its file descriptor returns what
    a pipe has, where stream.read(n) would wait for n characters or the end."""
    import codecs
    import io
    import os

    try:
        fd = stream.fileno()
    except (AttributeError, OSError, io.UnsupportedOperation):  # not a file: read it whole
        while chunk := stream.read(65536):
            yield chunk
        return
    decoder = codecs.getincrementaldecoder(getattr(stream, "encoding", None) or "utf-8")(
        errors="surrogateescape"
    )
    while data := os.read(fd, 65536):
        yield decoder.decode(data)
    yield decoder.decode(b"", final=True)


def _is_regular_file(stream) -> bool:
    import os
    import stat

    try:
        return stat.S_ISREG(os.fstat(stream.fileno()).st_mode)
    except (AttributeError, OSError, ValueError):  # a stream with no file behind it
        return False


def input_options(f):
    """FILES..., --with-filename/--no-filename, --files-from, --null, --recursive, --hidden."""
    options = [
        click.argument("files", nargs=-1, type=click.Path()),
        click.option(
            "--with-filename",
            "-H",
            "with_name",
            flag_value=True,
            default=None,
            help="Print the file name with each answer (the default for several files).",
        ),
        click.option(
            "--no-filename",
            "with_name",
            flag_value=False,
            help="Never print file names (the default for one file).",
        ),
        click.option(
            "--files-from",
            "-T",
            "files_from",
            type=click.File("r"),
            default=None,
            metavar="LIST",
            help="Read file names from LIST, one a line ('-': standard input).",
        ),
        click.option(
            "--null", "-0", is_flag=True, help="Names in --files-from end with NUL, not newline."
        ),
        click.option("--recursive", "-r", is_flag=True, help="Read the images inside directories."),
        click.option(
            "--hidden", is_flag=True, help="With -r, also read hidden files and folders (.name)."
        ),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def input_names(
    files: tuple[str, ...],
    files_from,
    null: bool,
    recursive: bool,
    hidden: bool,
    with_name: bool | None,
    jobs: int | None,
) -> tuple[Iterable[str], bool, int]:
    """The files to read, in order, whether to print their names and how many processes
    to read them with (--jobs, else by their number: see classify.jobs_for); usage errors
    for inputs that cannot work."""
    from digitnet.files import expand
    from digitnet.predicting.classify import jobs_for

    if not files and files_from is None:
        raise click.UsageError("no images given: name image files, '-' or --files-from LIST")
    if files.count("-") > 1:
        raise click.UsageError("'-' (standard input) can be read only once")
    if (jobs or 1) > 1 and "-" in files:
        raise click.UsageError("'-' (an image on standard input) cannot be used with --jobs")
    names: Iterable[str] = list(files)
    if files_from is not None:
        names = expand(itertools.chain(names, names_from(files_from, null)), recursive, hidden)
        show_name = True if with_name is None else with_name
        if not _is_regular_file(files_from):  # a pipe is read as it comes: length unknown
            return names, show_name, jobs_for(None, jobs)
        listed = list(names)  # a list in a file is there whole: its length picks --jobs
        return listed, show_name, jobs_for(len(listed), jobs)
    show_name = len(files) > 1 or recursive if with_name is None else with_name
    listed = list(expand(names, recursive, hidden))
    serial = "-" in files  # standard input is read by this process
    return listed, show_name, 1 if serial else jobs_for(len(listed), jobs)
