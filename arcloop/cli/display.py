"""Terminal rendering of ARC grids and tasks with rich, in the official ARC palette.

Used by ``arcloop show``; the library never prints.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from arcloop.arc.grid import PALETTE, Grid, shape
from arcloop.arc.task import Task


def grid_text(grid: Grid) -> Text:
    """A grid as coloured cells, two characters wide each (digits kept for colour-blind reading)."""
    text = Text()
    for r, row in enumerate(grid):
        if r:
            text.append("\n")
        for cell in row:
            fg = "#FFFFFF" if cell in (0, 1, 9) else "#000000"
            text.append(f"{cell} ", style=f"{fg} on {PALETTE[cell]}")
    return text


def _titled(title: str, grid: Grid) -> RenderableType:
    rows, cols = shape(grid)
    return Group(Text(f"{title} {rows}x{cols}", style="bold"), grid_text(grid))


def _width(title: str, grid: Grid) -> int:
    """Columns a titled grid needs: two per cell, or the title's length."""
    rows, cols = shape(grid)
    return max(2 * cols, len(f"{title} {rows}x{cols}"))


SIDE_BY_SIDE_CHROME = 7
"""Columns the table's borders and padding take around two grids side by side."""


def task_view(task: Task, *, with_solutions: bool = True, width: int = 80) -> RenderableType:
    """Train pairs (input -> output) then test inputs (and outputs when known and wanted).

    Each input and its output sit side by side when both fit in ``width`` columns; otherwise
    every grid gets a row of its own, so that no row of cells wraps (a 30x30 grid takes 60).
    """
    shown: list[tuple[tuple[str, Grid], tuple[str, Grid] | None]] = [
        ((f"train[{i}] input", pair.input), ("output", pair.output))
        for i, pair in enumerate(task.train)
    ]
    for i, grid in enumerate(task.test_inputs):
        expected = None
        if with_solutions and task.test_outputs is not None:
            expected = ("expected output", task.test_outputs[i])
        shown.append(((f"test[{i}] input", grid), expected))
    left = max(_width(*a) for a, _ in shown)
    right = max((_width(*b) for _, b in shown if b is not None), default=0)
    side_by_side = left + right + SIDE_BY_SIDE_CHROME <= width
    table = Table(title=f"task {task.id}", show_header=False, show_lines=True, expand=False)
    table.add_column()
    if side_by_side:
        table.add_column()
    for a, b in shown:
        if side_by_side:
            table.add_row(_titled(*a), _titled(*b) if b is not None else Text(""))
        else:
            table.add_row(_titled(*a))
            if b is not None:
                table.add_row(_titled(*b))
    return table
