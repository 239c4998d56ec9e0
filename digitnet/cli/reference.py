"""The command-line reference, docs/cli.md: every command's --help at 80 columns.

    python -m digitnet.cli.reference > docs/cli.md

tests/test_cli_reference.py fails when the file and the commands' help differ.
"""

from __future__ import annotations

import click

WIDTH = 78  # what Click's help fills in an 80-column terminal


def _commands(group: click.Group, ctx: click.Context):
    """(context, command) for the group and every command under it, in order."""
    yield ctx, group
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        sub = command.make_context(name, [], parent=ctx, resilient_parsing=True)
        if isinstance(command, click.Group):
            yield from _commands(command, sub)
        else:
            yield sub, command


def reference() -> str:
    """The reference as Markdown: a section a command, its help as the terminal shows it."""
    from digitnet.cli import cli

    # as the command line makes them, so that -h and the other settings are the same
    top = cli.make_context("digitnet", [], resilient_parsing=True, terminal_width=WIDTH)
    parts = [
        "# Command-line reference\n",
        "Every command's `--help`, as an 80-column terminal shows it. Made by\n"
        "`python -m digitnet.cli.reference > docs/cli.md`; a test keeps it current.\n",
    ]
    for ctx, command in _commands(cli, top):
        parts.append(f"## {ctx.command_path}\n\n```\n{command.get_help(ctx)}\n```\n")
    return "\n".join(parts)


if __name__ == "__main__":
    print(reference(), end="")
