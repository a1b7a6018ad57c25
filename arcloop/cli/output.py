"""What every command shares about output: one clean line per expected error, and a console.

``handle_errors`` turns an ``ArcloopError`` into ``arcloop: error: <message>`` on stderr and the
error's exit code; ``ARCLOOP_DEBUG=1`` lets the traceback through instead. ``text_table``
lines up columns of plain text. Not here: what any
command prints (its own module).
"""

from __future__ import annotations

import os
import sys
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
    header: Sequence[str], rows: Iterable[Sequence[str]], *, right: Iterable[int] = ()
) -> str:
    """Columns of text aligned with two spaces, one line per row, never wrapped (long lists
    stay one line per item, for ``grep`` and ``less -S``); the columns in ``right`` (numbers)
    are aligned right.

    >>> print(text_table(["run", "score"], [["a", "0.5"], ["long-name", "1"]], right=[1]))
    run        score
    a            0.5
    long-name      1
    """
    lines = [list(header), *(list(r) for r in rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    flush_right = set(right)
    return "\n".join(
        "  ".join(
            cell.rjust(w) if i in flush_right else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(line, widths, strict=True))
        ).rstrip()
        for line in lines
    )
