"""The array type the search works on, and conversion from and to ``Grid``.

Inside the search a grid is a 2-D numpy array of ``int`` (numpy's default integer); the ``arc``
layer's ``Grid`` (tuple of tuples) is used only at the edges.
"""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
import numpy.typing as npt

from arcloop.arc.grid import Grid

Array: TypeAlias = npt.NDArray[np.int_]


def to_array(grid: Grid) -> Array:
    """A ``Grid`` as a fresh 2-D integer array."""
    return np.array(grid, dtype=np.int_)


def to_grid(a: Array) -> Grid:
    """An array back as a ``Grid`` (tuple of tuples of Python ints)."""
    return tuple(tuple(int(v) for v in row) for row in a.tolist())


_MAX = np.maximum.reduce  # without ``ndarray.max``'s wrappers: this runs on every step's output


def is_valid(a: object) -> bool:
    """True when ``a`` is a 2-D integer array of 1..30 x 1..30 cells with values 0-9."""
    if not isinstance(a, np.ndarray) or a.ndim != 2:
        return False
    h, w = a.shape
    if not (1 <= h <= 30 and 1 <= w <= 30):
        return False
    if a.dtype == np.int64:  # one pass: negative values read as unsigned are huge
        return int(_MAX(a.view(np.uint64), axis=None)) <= 9
    return bool(a.min() >= 0 and a.max() <= 9)
