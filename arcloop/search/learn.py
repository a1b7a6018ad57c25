"""Finishing steps learned from the train pairs: a colour map, a local neighbourhood rule.

Given what a candidate makes of each train input and the train outputs, these return the table
that turns the one into the other, or None when no consistent table exists. They read train
pairs only; the tables become literal arguments of ``recolour`` / ``apply_local_rule`` in the
emitted program.

Not here: applying the tables (``lib_paint``), deciding when to try them (``engine``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from arcloop.search.grids import Array
from arcloop.search.lib_paint import local_key


def learn_colour_map(made: Sequence[Array], wanted: Sequence[Array]) -> dict[int, int] | None:
    """The colour table that turns every ``made`` grid into its ``wanted`` grid, if any.

    Only colours that change are listed. None when shapes differ, when one colour would need
    two different replacements, or when nothing changes.

    >>> import numpy as np
    >>> learn_colour_map([np.array([[1, 0]])], [np.array([[2, 0]])])
    {1: 2}
    """
    table: dict[int, int] = {}
    for a, b in zip(made, wanted, strict=True):
        if a.shape != b.shape:
            return None
        codes = np.unique(a.ravel() * 10 + b.ravel())
        for code in codes.tolist():
            old, new = divmod(int(code), 10)
            if table.setdefault(old, new) != new:
                return None
    changes = {old: new for old, new in sorted(table.items()) if old != new}
    return changes or None


def learn_local_rule(
    made: Sequence[Array], wanted: Sequence[Array], *, shape: str, apply_to: Sequence[Array]
) -> dict[tuple[int, ...], int] | None:
    """The neighbourhood table that turns every ``made`` grid into its ``wanted`` grid, if any.

    Only neighbourhoods whose centre changes are listed (the rule leaves other cells alone).
    None when shapes differ, when one neighbourhood must become two different colours, when
    nothing changes, or when a grid in ``apply_to`` (the test inputs) has a neighbourhood the
    train pairs never showed: the rule would be guessing there.
    """
    table: dict[tuple[int, ...], int] = {}
    for a, b in zip(made, wanted, strict=True):
        if a.shape != b.shape:
            return None
        h, w = a.shape
        for y in range(h):
            for x in range(w):
                key = local_key(a, y, x, shape)
                if table.setdefault(key, int(b[y, x])) != int(b[y, x]):
                    return None
    for g in apply_to:
        h, w = g.shape
        if any(local_key(g, y, x, shape) not in table for y in range(h) for x in range(w)):
            return None
    changes = {k: v for k, v in sorted(table.items()) if v != k[0]}
    return changes or None
