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

from arcloop.search import lib_objects
from arcloop.search.grids import Array
from arcloop.search.lib_objects import object_feature
from arcloop.search.lib_paint import local_key


def learn_colour_map(
    made: Sequence[Array], wanted: Sequence[Array], *, apply_to: Sequence[Array]
) -> dict[int, int] | None:
    """The colour table that turns every ``made`` grid into its ``wanted`` grid, if any.

    Only colours that change are listed. None when shapes differ, when one colour would need
    two different replacements, when nothing changes, or when a grid in ``apply_to`` (what the
    candidate made of the test inputs) has a colour the train pairs never showed.

    >>> import numpy as np
    >>> learn_colour_map([np.array([[1, 0]])], [np.array([[2, 0]])], apply_to=[])
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
    for g in apply_to:
        if any(int(c) not in table for c in np.unique(g)):
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


def learn_object_rule(
    made: Sequence[Array],
    wanted: Sequence[Array],
    *,
    diagonal: bool,
    multicolour: bool,
    feature: str,
    apply_to: Sequence[Array],
) -> dict[object, int] | None:
    """The table from an object feature to the colour the whole object becomes, if any.

    Every cell outside the objects must stay as it is; each object must either stay as it is
    or become one colour, the same for every object with that feature. Only features whose
    objects change are listed. None when no such table exists, nothing changes, or a grid in
    ``apply_to`` has an object whose feature the train pairs never showed.
    """
    table: dict[object, int] = {}
    for a, b in zip(made, wanted, strict=True):
        if a.shape != b.shape:
            return None
        objects = lib_objects.find_objects(a, diagonal, multicolour, 0)
        covered = np.zeros(a.shape, dtype=bool)
        for mask in objects:
            covered |= mask
            key = object_feature(a, mask, feature)
            after = b[mask]
            if np.array_equal(after, a[mask]):
                colour = -1
            elif np.all(after == after[0]):
                colour = int(after[0])
            else:
                return None
            if table.setdefault(key, colour) != colour:
                return None
        if not np.array_equal(a[~covered], b[~covered]):
            return None
    for g in apply_to:
        for mask in lib_objects.find_objects(g, diagonal, multicolour, 0):
            if object_feature(g, mask, feature) not in table:
                return None
    changes = {k: v for k, v in table.items() if v >= 0}
    return dict(sorted(changes.items(), key=repr)) or None
