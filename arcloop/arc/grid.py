"""Grids: the one data type of ARC, validated strictly.

A ``Grid`` is an immutable tuple of rows, each a tuple of ints 0-9; every row has the same
length and each side is 1..30. Immutability makes grids hashable, so the vote can group
identical outputs with a dict. JSON writes tuples as lists, so a grid serialises as the
list of lists ARC files use.

>>> as_grid([[0, 1], [2, 3]])
((0, 1), (2, 3))
>>> as_grid([[0, 1], [2]], where="train[0].input")
Traceback (most recent call last):
...
arcloop.errors.TaskValidationError: train[0].input row 1: has 1 cells, row 0 has 2 (ragged grid)

Not here: numpy. The arc layer is pure Python; ``as_grid`` accepts anything list-like whose
cells are ints (a numpy array's ``tolist()`` included).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeAlias

from arcloop.errors import TaskValidationError

Grid: TypeAlias = tuple[tuple[int, ...], ...]

MAX_SIDE = 30
COLORS = range(10)

# The official ARC palette, index = colour.
PALETTE: tuple[str, ...] = (
    "#000000",
    "#0074D9",
    "#FF4136",
    "#2ECC40",
    "#FFDC00",
    "#AAAAAA",
    "#F012BE",
    "#FF851B",
    "#7FDBFF",
    "#870C25",
)


def grid_problem(obj: Any) -> str | None:
    """Return why ``obj`` is not a valid grid, or None when it is one.

    The reason names the first offending row (``row 4: ...``) so callers can prefix it with
    their own location.
    """
    if not isinstance(obj, list | tuple):
        return f"is a {type(obj).__name__}, not a list of rows"
    if not 1 <= len(obj) <= MAX_SIDE:
        return f"has {len(obj)} rows; a grid has 1..{MAX_SIDE}"
    width = -1
    for r, row in enumerate(obj):
        if not isinstance(row, list | tuple):
            return f"row {r}: is a {type(row).__name__}, not a list of cells"
        if r == 0:
            width = len(row)
            if not 1 <= width <= MAX_SIDE:
                return f"row 0: has {width} cells; a row has 1..{MAX_SIDE}"
        elif len(row) != width:
            return f"row {r}: has {len(row)} cells, row 0 has {width} (ragged grid)"
        for c, cell in enumerate(row):
            # bool is an int subclass; True is not a colour.
            if type(cell) is not int or not 0 <= cell <= 9:
                return f"row {r} col {c}: {cell!r} is not an int 0-9"
    return None


def is_grid(obj: Any) -> bool:
    """True when ``obj`` is a valid grid (list or tuple form)."""
    return grid_problem(obj) is None


def as_grid(obj: Any, *, where: str = "grid") -> Grid:
    """Validate ``obj`` and return it as an immutable ``Grid``.

    Args:
        obj: a list (or tuple) of rows of ints 0-9.
        where: the location used in the error message, e.g. ``"f.json: task 1a2b train[2].output"``.

    Raises:
        TaskValidationError: naming ``where`` and the offending row.
    """
    problem = grid_problem(obj)
    if problem is not None:
        raise TaskValidationError(f"{where} {problem}")
    return tuple(tuple(row) for row in obj)


def shape(grid: Sequence[Sequence[int]]) -> tuple[int, int]:
    """(rows, columns) of a grid."""
    return (len(grid), len(grid[0]) if grid else 0)


def to_lists(grid: Grid) -> list[list[int]]:
    """The grid as a list of lists (for JSON writers that want lists)."""
    return [list(row) for row in grid]


PLACEHOLDER: Grid = ((0,),)
"""The grid written for a test input nobody predicted: a valid 1x1 grid, never ``[]``."""
