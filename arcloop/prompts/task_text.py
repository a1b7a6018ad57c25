"""A task as prompt text: grids in a configurable notation, train examples and test inputs.

Three notations (``GridFormat``):

- ``"spaced"`` (default): one row per line, cells as digits separated by one space;
- ``"compact"``: one row per line, digits side by side;
- ``"json"``: one row per line, each a JSON list, the whole grid a JSON list of lists.

>>> grid_to_text(((0, 1), (2, 3)))
'0 1\\n2 3'
>>> grid_to_text(((0, 1), (2, 3)), fmt="compact")
'01\\n23'
>>> print(grid_to_text(((0, 1), (2, 3)), fmt="json"))
[[0, 1],
 [2, 3]]

Not here: the diff grids of feedback (``arcloop.solver.feedback``), which always use spaced cells
because a wrong cell is written ``predicted/expected``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from arcloop.arc.grid import Grid, shape
from arcloop.arc.task import Pair

GridFormat = Literal["spaced", "compact", "json"]

_NOTATION: dict[str, str] = {
    "spaced": "one row per line, each cell a digit 0-9, cells separated by a single space",
    "compact": "one row per line, each cell a digit 0-9, with no separator between cells",
    "json": "a JSON list of rows, one row per line, each row a list of digits 0-9",
}


def grid_to_text(grid: Grid, *, fmt: GridFormat = "spaced") -> str:
    """Write ``grid`` in the notation ``fmt`` (no trailing newline)."""
    if fmt == "spaced":
        return "\n".join(" ".join(str(c) for c in row) for row in grid)
    if fmt == "compact":
        return "\n".join("".join(str(c) for c in row) for row in grid)
    rows = ["[" + ", ".join(str(c) for c in row) + "]" for row in grid]
    return "[" + ",\n ".join(rows) + "]"


def describe_notation(fmt: GridFormat) -> str:
    """One sentence fragment saying how grids are written, for the prompt."""
    return _NOTATION[fmt]


def shape_text(grid: Grid) -> str:
    """``"3x4"`` for 3 rows and 4 columns."""
    rows, cols = shape(grid)
    return f"{rows}x{cols}"


def render_examples(
    pairs: Sequence[Pair], *, numbers: Sequence[int] | None = None, fmt: GridFormat = "spaced"
) -> str:
    """The train pairs, each input then output with its shape.

    Args:
        pairs: the pairs, in the order to show them.
        numbers: the number to label each pair with (default 1, 2, ...). When the pairs are
            shuffled, labelling each with its number in the task keeps "Example 2" meaning the
            same pair in every prompt and in the feedback.
        fmt: the grid notation.
    """
    labels = list(numbers) if numbers is not None else list(range(1, len(pairs) + 1))
    if len(labels) != len(pairs):
        raise ValueError(f"{len(labels)} numbers for {len(pairs)} pairs")
    blocks = []
    for i, pair in zip(labels, pairs, strict=True):
        blocks.append(
            f"Example {i}\n"
            f"Input ({shape_text(pair.input)}):\n{grid_to_text(pair.input, fmt=fmt)}\n"
            f"Output ({shape_text(pair.output)}):\n{grid_to_text(pair.output, fmt=fmt)}"
        )
    return "\n\n".join(blocks)


def render_test_inputs(grids: Sequence[Grid], *, fmt: GridFormat = "spaced") -> str:
    """The test inputs, numbered from 1, each with its shape."""
    return "\n\n".join(
        f"Test input {i} ({shape_text(g)}):\n{grid_to_text(g, fmt=fmt)}"
        for i, g in enumerate(grids, start=1)
    )
