"""Emitting a found program as self-contained, readable Python source.

The source holds the text of every primitive the program uses (and of the primitives those
call), copied with ``inspect.getsource`` from the ``lib_*`` modules, and a generated
``transform`` that applies the steps in order with their parameters written as literals. It
imports numpy only and reads nothing from arcloop, so the sandbox runs exactly what the search
evaluated in-process.

Not here: choosing steps, checking the source runs (tests do, for every primitive).
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

from arcloop.search import (
    lib_frames,
    lib_geometry,
    lib_moves,
    lib_objects,
    lib_paint,
    lib_parts,
    lib_pieces,
    lib_rules,
)
from arcloop.search.catalogue import Step
from arcloop.search.combine import Layer

_MODULES: tuple[ModuleType, ...] = (
    lib_geometry,
    lib_objects,
    lib_moves,
    lib_parts,
    lib_pieces,
    lib_paint,
    lib_rules,
    lib_frames,
)

_HEADER = '''"""{title}

Found by arcloop's offline search (local/search).
"""

from __future__ import annotations

import numpy as np

Array = np.ndarray  # a grid: a 2-D array of colours 0-9
'''


@functools.cache
def _library() -> dict[str, Callable[..., Any]]:
    """Every primitive and helper, by name."""
    found: dict[str, Callable[..., Any]] = {}
    for module in _MODULES:
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__:
                found[name] = inspect.unwrap(fn)
    return found


@functools.cache
def _sources() -> dict[str, str]:
    """Every primitive's text, read once: a later edit or upgrade of the files on disk must not
    reach a process that already evaluated the primitives it loaded (``inspect`` reads the
    file again on each call, so a lazy read could emit a mismatched text)."""
    return {name: inspect.getsource(fn) for name, fn in _library().items()}


def _source(name: str) -> str:
    return _sources()[name]


_sources()


@functools.cache
def _calls(name: str) -> frozenset[str]:
    """Library functions that the named function's body calls."""
    library = _library()
    words = set(re.findall(r"\b([a-z_][a-z0-9_]*)\(", _source(name)))
    return frozenset(w for w in words if w in library and w != name)


def _closure(names: Sequence[str]) -> list[str]:
    """The named functions and everything they call, callees first, in a stable order."""
    ordered: list[str] = []

    def visit(n: str) -> None:
        if n in ordered:
            return
        for callee in sorted(_calls(n)):
            visit(callee)
        ordered.append(n)

    for n in names:
        visit(n)
    return ordered


def _calls_of(target: str, source: str, steps: Sequence[Step]) -> list[str]:
    """Lines applying ``steps`` in order to the variable ``target``, which starts as ``source``."""
    lines = [f"    {target} = {source}"]
    for s in steps:
        args = "".join(f", {k}={v!r}" for k, v in s.kwargs)
        first = f"{target}, original" if s.reads_input else target
        lines.append(f"    {target} = {s.fn.__name__}({first}{args})")
    return lines


def emit_source(
    steps: Sequence[Step],
    *,
    title: str,
    layers: Sequence[Layer] = (),
    fill: int = 0,
) -> str:
    """Python source defining ``transform(grid)`` that applies ``steps`` in order.

    A combined program (``layers`` given, ``steps`` empty) computes each layer's piece from
    the input and lays them together with ``combine_layers``.

    Args:
        steps: the program's steps (may be empty: the identity).
        title: the first line of the module docstring (the program's name).
        layers: the layers of a combined program, top first.
        fill: a combined program's colour where no layer shows.
    """
    used = [s.fn.__name__ for s in steps]
    used += [s.fn.__name__ for layer in layers for s in layer.steps]
    names = _closure(used + (["combine_layers"] if layers else []))
    parts = [_HEADER.format(title=title.replace('"""', "'''"))]
    parts += [_source(n) for n in names]
    body = ["def transform(grid):", "    original = np.array(grid, dtype=int)"]
    if layers:
        for i, layer in enumerate(layers, start=1):
            body += _calls_of(f"piece_{i}", "original", layer.steps)
        pieces = ", ".join(f"piece_{i}" for i in range(1, len(layers) + 1))
        clear = [layer.transparent for layer in layers]
        body.append(f"    g = combine_layers(original, [{pieces}], {clear!r}, {fill!r})")
    else:
        body += _calls_of("g", "original", steps)
    body.append("    return g")
    parts.append("\n".join(body) + "\n")
    return "\n\n\n".join(p.rstrip("\n") for p in parts) + "\n"
