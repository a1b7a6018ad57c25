"""What every command shares about output: one clean line per expected error, and a console.

``handle_errors`` turns an ``ArcloopError`` into ``arcloop: error: <message>`` on stderr and the
error's exit code; ``ARCLOOP_DEBUG=1`` lets the traceback through instead. ``text_table``
lines up columns of plain text. Not here: what any
command prints (its own module).
"""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from collections.abc import Callable, Iterable, Sequence
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console

from arcloop.errors import ArcloopError

F = TypeVar("F", bound=Callable[..., Any])


def debug() -> bool:
    """True when ``ARCLOOP_DEBUG`` asks for tracebacks."""
    return os.environ.get("ARCLOOP_DEBUG", "") not in ("", "0")


def handle_errors(fn: F) -> F:
    """Turn an ``ArcloopError`` into one clean line on stderr and its exit code."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ArcloopError as e:
            if debug():
                raise
            click.echo(f"arcloop: error: {e}", err=True)
            sys.exit(e.exit_code)

    return wrapper  # type: ignore[return-value]


def config_files(help: str) -> Callable[[F], F]:
    """The ``--config/-c FILE`` option (repeatable) that a command reads TOML from."""
    return click.option(
        "--config", "-c", "configs", multiple=True, type=click.Path(path_type=Path), help=help
    )


def console() -> Console:
    """A console on stdout that does not colour numbers and paths on its own."""
    return Console(highlight=False)


def text_table(
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    right: Iterable[int] = (),
    width: int | None = None,
) -> str:
    """Columns of text aligned with two spaces, one line per row, never wrapped (long lists
    stay one line per item, for ``grep`` and ``less -S``); the columns in ``right`` (numbers)
    are aligned right.

    >>> print(text_table(["run", "score"], [["a", "0.5"], ["long-name", "1"]], right=[1]))
    run        score
    a            0.5
    long-name      1

    When a line would be wider than ``width``, each row becomes a record instead: its first two
    cells on one line, then every other non-empty cell named by its header, wrapped and
    indented.

    >>> print(text_table(["run", "state", "data"], [["a", "done", "arc-agi-1/training"]], width=27))
    a  done
        data arc-agi-1/training
    """
    lines = [list(header), *(list(r) for r in rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    if width is not None and sum(widths) + 2 * (len(widths) - 1) > width:
        return "\n".join(_record(header, line, width) for line in lines[1:])
    flush_right = set(right)
    return "\n".join(
        "  ".join(
            cell.rjust(w) if i in flush_right else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(line, widths, strict=True))
        ).rstrip()
        for line in lines
    )


def _record(header: Sequence[str], row: Sequence[str], width: int) -> str:
    head = "  ".join(row[:2])
    keep = "\u00a0"  # a field's name and value stay on one line: textwrap does not break here
    fields = [f"{h} {cell}".replace(" ", keep) for h, cell in zip(header[2:], row[2:], strict=True)]
    rest = ", ".join(f for f, cell in zip(fields, row[2:], strict=True) if cell)
    if not rest:
        return head
    return head + "\n" + wrap(rest, width, first="    ").replace(keep, " ")


def wrap(text: str, width: int, *, first: str = "", rest: str = "    ") -> str:
    """``text`` wrapped at ``width`` columns, its first line led by ``first`` and the others
    indented by ``rest``; words are never split at a hyphen (names like ``arc-agi-1``).

    >>> print(wrap("[on ] seccomp allow-list: 104 calls", 20, rest="      "))
    [on ] seccomp
          allow-list:
          104 calls
    """
    return textwrap.fill(
        text, width=width, initial_indent=first, subsequent_indent=rest, break_on_hyphens=False
    )


def terminal_width() -> int | None:
    """The width to fit output to: ``COLUMNS`` when set, else the terminal's; None when
    stdout is a pipe or a file (one line per item then, for ``grep``, as ``ls`` does)."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        return shutil.get_terminal_size((80, 24)).columns
    return None
