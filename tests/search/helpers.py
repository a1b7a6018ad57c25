"""Shared helpers for the search tests: real ARC tasks and running emitted source."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np

from arcloop.arc.dataset import load_dataset
from arcloop.arc.grid import Grid
from arcloop.arc.task import Pair, Task


@functools.cache
def _arc1(name: str) -> dict[str, Task]:
    return load_dataset(name).by_id


def arc1_task(task_id: str) -> Task:
    """A task of ARC-AGI-1 (training or evaluation) by id."""
    for name in ("arc-agi-1/training", "arc-agi-1/evaluation"):
        found = _arc1(name).get(task_id)
        if found is not None:
            return found
    raise KeyError(task_id)


def run_source(source: str, grid: Grid) -> Grid | None:
    """Exec a program's source and run its ``transform``; None when it raises."""
    namespace: dict[str, Any] = {}
    exec(compile(source, "<program>", "exec"), namespace)
    try:
        out = np.asarray(namespace["transform"]([list(row) for row in grid]))
    except Exception:
        return None
    return tuple(tuple(int(v) for v in row) for row in out.tolist())


def make_task(
    pairs: Sequence[tuple[Grid, Grid]], tests: Sequence[Grid], task_id: str = "t"
) -> Task:
    """A task from literal grids."""
    return Task(id=task_id, train=tuple(Pair(a, b) for a, b in pairs), test_inputs=tuple(tests))
