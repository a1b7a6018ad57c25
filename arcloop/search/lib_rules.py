"""Rules learned from the train pairs, applied cell by cell: what a cell becomes depends on
what it sees around it.

``apply_local_rule`` looks a cell's whole neighbourhood (in one of several shapes) up in a
table; ``apply_neighbour_rule`` lets each neighbour's colour imply a new colour on its own, so
a rule learned from a red cell's corners and from a blue cell's sides also decides a cell that
has both. The tables are learned in ``learn.py`` and written into the program as literals.

Like every ``lib_*`` module, these functions are emitted verbatim into programs: numpy only,
no module-level names but other primitives, ``ValueError`` when they do not apply.

Not here: learning the tables (``learn.py``).
"""

from __future__ import annotations

import numpy as np

from arcloop.search.grids import Array


def local_key(g: Array, y: int, x: int, shape: str) -> tuple[int, ...]:
    """What a local rule sees of a cell: its colour first, then its surroundings.

    ``shape``: ``"cross"`` (the colours of the 4 neighbours in order up, down, left, right;
    -1 off the grid), ``"square"`` (the 8 neighbours, row by row), ``"cross_set"`` /
    ``"square_set"`` (only which colours occur among those neighbours, sorted), ``"split_set"``
    (the colours among the 4 side neighbours, then a 10, then among the 4 corner ones; off the
    grid counts as 0),
    ``"counts"`` (how many side, then corner, neighbours are non-zero), ``"lines"`` (which
    non-zero colours occur in the cell's row, then a -1, then in its column), ``"rays"`` (the
    first non-zero colour seen looking up, down, left and right; 0 when none), ``"boxes"``
    (the colours whose cells' bounding box holds the cell, ascending), ``"x%k"`` /
    ``"y%k"`` (the column's / row's index mod k; ``"-x%k"``, ``"-y%k"`` count from the right /
    bottom edge).
    """
    h, w = g.shape
    centre = int(g[y, x])
    if shape == "rays":
        return (
            centre,
            *(first_seen(g, y, x, dy, dx) for dy, dx in ((-1, 0), (1, 0), (0, -1), (0, 1))),
        )
    if shape == "boxes":
        inside = []
        for c in np.unique(g[g != 0]).tolist():
            ys, xs = np.nonzero(g == c)
            if ys.min() <= y <= ys.max() and xs.min() <= x <= xs.max():
                inside.append(c)
        return (centre, *inside)
    if "%" in shape:  # e.g. "x%3": the column's index mod 3; "-x%3" counts from the right
        axis, k = shape.split("%")
        index = x if axis.endswith("x") else y
        size = w if axis.endswith("x") else h
        return (centre, (size - 1 - index if axis.startswith("-") else index) % int(k))
    if shape == "lines":
        row = sorted({int(v) for v in g[y] if v != 0})
        col = sorted({int(v) for v in g[:, x] if v != 0})
        return (centre, *row, -1, *col)
    sides = [(-1, 0), (1, 0), (0, -1), (0, 1)]
    corners = [(-1, -1), (-1, 1), (1, -1), (1, 1)]

    def colours(offsets: list[tuple[int, int]]) -> list[int]:
        return [
            int(g[y + dy, x + dx]) if 0 <= y + dy < h and 0 <= x + dx < w else -1
            for dy, dx in offsets
        ]

    if shape == "split_set":  # the edge of the grid counts as background here
        side_set = {max(c, 0) for c in colours(sides)}
        corner_set = {max(c, 0) for c in colours(corners)}
        return (centre, *sorted(side_set), 10, *sorted(corner_set))
    if shape == "counts":
        return (centre, sum(c > 0 for c in colours(sides)), sum(c > 0 for c in colours(corners)))
    if shape.startswith("cross"):
        offsets = sides
    else:
        offsets = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1) if dy or dx]
    around = colours(offsets)
    if shape.endswith("_set"):
        around = sorted(set(around))
    return (centre, *around)


def first_seen(g: Array, y: int, x: int, dy: int, dx: int) -> int:
    """The first non-zero colour met going from (y, x) by steps (dy, dx); 0 when none."""
    h, w = g.shape
    y, x = y + dy, x + dx
    while 0 <= y < h and 0 <= x < w:
        if g[y, x] != 0:
            return int(g[y, x])
        y, x = y + dy, x + dx
    return 0


def apply_local_rule(g: Array, shape: str, table: dict[tuple[int, ...], int]) -> Array:
    """Recolour each cell by its neighbourhood, looked up in a learned table (else unchanged)."""
    out = g.copy()
    h, w = g.shape
    for y in range(h):
        for x in range(w):
            key = local_key(g, y, x, shape)
            if key in table:
                out[y, x] = table[key]
    return out


def apply_neighbour_rule(g: Array, table: dict[tuple[int, str, int], int]) -> Array:
    """Recolour cells by single neighbours: ``table[(colour, where, neighbour)] = new`` paints
    a cell of ``colour`` with a ``neighbour``-coloured cell at its side (``where="side"``) or
    corner (``"corner"``), or in one direction (``"n"``: above it, ``"s"``, ``"w"``, ``"e"``,
    ``"nw"``, ``"ne"``, ``"sw"``, ``"se"``), in ``new``. Other cells stay; a cell told two
    colours raises.
    """
    h, w = g.shape
    padded = np.pad(g, 1, constant_values=-1)
    offsets = {
        "side": [(-1, 0), (1, 0), (0, -1), (0, 1)],
        "corner": [(-1, -1), (-1, 1), (1, -1), (1, 1)],
        "n": [(-1, 0)],
        "s": [(1, 0)],
        "w": [(0, -1)],
        "e": [(0, 1)],
        "nw": [(-1, -1)],
        "ne": [(-1, 1)],
        "sw": [(1, -1)],
        "se": [(1, 1)],
    }
    new = np.full((h, w), -1)
    for (colour, where, neighbour), value in table.items():
        hit = np.zeros((h, w), dtype=bool)
        for dy, dx in offsets[where]:
            hit |= padded[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w] == neighbour
        hit &= g == colour
        if np.any(hit & (new >= 0) & (new != value)):
            raise ValueError("a cell is told two colours")
        new[hit] = value
    out: Array = np.where(new >= 0, new, g)
    return out


def seen_along(g: Array) -> dict[str, Array]:
    """For every cell, the first non-zero colour seen looking ``"up"``, ``"down"``, ``"left"``
    and ``"right"`` (0 when none), as one grid per direction."""
    out = {}
    for name, turns in (("up", 0), ("right", 1), ("down", 2), ("left", 3)):
        work = np.rot90(g, turns)  # the direction now points up
        h, w = work.shape
        # the row of the last non-zero cell above each cell (-1: none), column by column
        rows = np.maximum.accumulate(np.where(work != 0, np.arange(h)[:, None], -1), axis=0)
        above = np.vstack([np.full((1, w), -1), rows[:-1]])
        found = work[np.maximum(above, 0), np.arange(w)[None, :]]
        seen = np.where(above >= 0, found, np.zeros_like(work))
        out[name] = np.rot90(seen, -turns)
    return out


def apply_ray_rule(g: Array, table: dict[tuple[int, str, int, int], int]) -> Array:
    """Recolour cells by what they see along a line: ``table[(colour, axis, a, b)] = new``
    paints a cell of ``colour`` that sees ``a`` first looking up and ``b`` looking down
    (``axis="v"``), or ``a`` looking left and ``b`` looking right (``"h"``), or either of these
    either way round (``"s"``), in ``new`` (0: nothing seen). Other cells stay; a cell told two
    colours raises.
    """
    seen = seen_along(g)
    new = np.full(g.shape, -1)
    for (colour, axis, a, b), value in table.items():
        pairs = [(seen["up"], seen["down"]), (seen["left"], seen["right"])]
        if axis == "v":
            pairs = pairs[:1]
        elif axis == "h":
            pairs = pairs[1:]
        else:
            pairs += [(two, one) for one, two in pairs]
        hit = np.zeros(g.shape, dtype=bool)
        for first, second in pairs:
            hit |= (first == a) & (second == b)
        hit &= g == colour
        if np.any(hit & (new >= 0) & (new != value)):
            raise ValueError("a cell is told two colours")
        new[hit] = value
    out: Array = np.where(new >= 0, new, g)
    return out


def grid_feature(g: Array, feature: str) -> object:
    """A literal describing a whole grid, the key of a learned output lookup.

    ``feature``: ``"colours"`` (its non-zero colours, sorted), ``"n_colours"`` (how many
    there are), ``"count"`` (how many
    8-connected groups of non-zero cells it holds), ``"mask"`` (rows of ``#`` and ``.``
    where it is non-zero, the whole grid), ``"shape"`` (the same, cropped to the non-zero
    cells), ``"mirror_lr"`` / ``"mirror_ud"`` (whether it equals its mirror image left to
    right / upside down).
    """
    if feature == "mirror_lr":
        return bool(np.array_equal(g, g[:, ::-1]))
    if feature == "mirror_ud":
        return bool(np.array_equal(g, g[::-1]))
    if feature == "colours":
        return tuple(int(c) for c in np.unique(g) if c != 0)
    if feature == "n_colours":
        return int(np.count_nonzero(np.unique(g)))
    mask = g != 0
    if feature == "count":
        h, w = g.shape
        labels = np.where(mask, np.arange(h * w).reshape(h, w), h * w)
        while True:
            padded = np.pad(labels, 1, constant_values=h * w)
            new = labels.copy()
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    nb = padded[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w]
                    np.minimum(new, nb, out=new, where=mask)
            if np.array_equal(new, labels):
                return len(np.unique(labels[mask]))
            labels = new
    if feature == "shape":
        if not mask.any():
            raise ValueError("empty grid")
        rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
        mask = mask[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    elif feature != "mask":
        raise ValueError(feature)
    return tuple("".join("#" if v else "." for v in row) for row in mask)


def lookup_output(
    g: Array, feature: str, table: tuple[tuple[object, tuple[tuple[int, ...], ...]], ...]
) -> Array:
    """The output a learned table of (feature, output) pairs gives the grid's feature
    (``grid_feature``); an unseen feature raises."""
    key = grid_feature(g, feature)
    outputs = dict(table)
    if key not in outputs:
        raise ValueError("feature not in the table")
    return np.array(outputs[key], dtype=g.dtype)


def emit_directions() -> dict[str, tuple[int, int]]:
    """The eight directions a cell may shoot a ray in (``apply_emit_rule``), with their
    (row, column) steps, in the order of the bits of ``neighbour_masks``."""
    return {
        "n": (-1, 0),
        "s": (1, 0),
        "w": (0, -1),
        "e": (0, 1),
        "nw": (-1, -1),
        "ne": (-1, 1),
        "sw": (1, -1),
        "se": (1, 1),
    }


def neighbour_masks(g: Array) -> Array:
    """For every cell, which of its eight neighbours are non-zero, as bits in the order of
    ``emit_directions`` (``n`` is 1, ``s`` 2, ..., ``se`` 128); outside the grid counts as 0.

    >>> neighbour_masks(np.array([[1, 1], [0, 0]])).tolist()
    [[8, 4], [33, 17]]
    """
    h, w = g.shape
    padded = np.pad(g != 0, 1)
    mask = np.zeros((h, w), dtype=int)
    for bit, (dy, dx) in enumerate(emit_directions().values()):
        mask |= padded[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w].astype(int) << bit
    return mask


def apply_emit_rule(g: Array, table: dict[tuple[int, int, str], int]) -> Array:
    """Shoot rays from cells by their colour and the shape of their neighbourhood:
    ``table[(colour, mask, direction)] = new`` sends a ray of ``new`` from every cell of
    ``colour`` (-1: any non-zero colour) whose non-zero neighbours are ``mask``
    (``neighbour_masks``) in ``direction`` (a key of ``emit_directions``), over 0 cells up to
    the first non-zero cell or the edge; ``new`` -1 is the shooting cell's own colour. Where
    rays cross, the first in reading order of their cells, then of the table, wins.
    """
    h, w = g.shape
    masks = neighbour_masks(g)
    directions = emit_directions().items()
    out = g.copy()
    for y, x in zip(*np.nonzero(g), strict=True):
        colour, mask = int(g[y, x]), int(masks[y, x])
        for name, (dy, dx) in directions:
            new = table.get((colour, mask, name), table.get((-1, mask, name)))
            if new is None:
                continue
            paint = colour if new < 0 else new
            ry, rx = y + dy, x + dx
            while 0 <= ry < h and 0 <= rx < w and g[ry, rx] == 0:
                if out[ry, rx] == 0:
                    out[ry, rx] = paint
                ry, rx = ry + dy, rx + dx
    return out
