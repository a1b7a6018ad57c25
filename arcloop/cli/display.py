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


def task_view(task: Task, *, with_solutions: bool = True) -> RenderableType:
    """Train pairs (input -> output) then test inputs (and outputs when known and wanted)."""
    table = Table(title=f"task {task.id}", show_header=False, show_lines=True, expand=False)
    table.add_column()
    table.add_column()
    for i, pair in enumerate(task.train):
        table.add_row(_titled(f"train[{i}] input", pair.input), _titled("output", pair.output))
    for i, grid in enumerate(task.test_inputs):
        right: RenderableType = Text("")
        if with_solutions and task.test_outputs is not None:
            right = _titled("expected output", task.test_outputs[i])
        table.add_row(_titled(f"test[{i}] input", grid), right)
    return table
