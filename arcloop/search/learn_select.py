"""Whole-input steps learned from the train pairs, for outputs of another size: selectors that
pick the object, part or colour with the most or least of a measure, and outputs looked up,
counted, stacked or drawn one pixel per cell from a learned table.

Like ``learn.py`` these read train pairs only, and keep a table only when every test input
shows what the train pairs showed; the results become literal arguments of primitives in
``lib_objects`` and ``lib_parts``.

Not here: finishing rules learned on a candidate's output (``learn.py``), deciding when to
try them (``finish.py``, ``engine.py``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from arcloop.search import lib_objects, lib_parts
from arcloop.search.grids import Array
from arcloop.search.lib_geometry import bbox
from arcloop.search.lib_parts import PART_MEASURES, cell_grid, cell_key, grid_parts, part_measure
from arcloop.search.lib_rules import grid_feature

MAX_SELECTORS = 4
"""Most learned crop selectors returned for one task."""


def learn_crop_selectors(
    inputs: Sequence[Array], wanted: Sequence[Array], *, apply_to: Sequence[Array]
) -> list[dict[str, Any]]:
    """Arguments of ``crop_selected`` that crop every input to its wanted output.

    For each way of cutting a grid into objects (4- or 8-connected, one colour or several)
    and each crop (the object's box as it is, or the object alone), the wanted output must be
    the crop of some object in every pair; a selector is kept when, in every pair, the object
    with the most (or least) of one measure is unique and is such an object, and it picks a
    single object in every ``apply_to`` grid too. When no selector crops exactly, one whose
    crops have the outputs' shapes and non-zero cells (but other colours) will do: a later
    step may recolour them. Measures are tried most general first;
    at most ``MAX_SELECTORS`` selectors are returned.
    """
    pairs = list(zip(inputs, wanted, strict=True))
    if any(b.shape[0] > a.shape[0] or b.shape[1] > a.shape[1] for a, b in pairs):
        return []

    def exact(a: Array, b: Array, objects: list[Array], alone: bool) -> set[int]:
        return _crop_targets(a, b, objects, alone, exact=True)

    def recoloured(a: Array, b: Array, objects: list[Array], alone: bool) -> set[int]:
        return _crop_targets(a, b, objects, alone, exact=False)

    return _selectors(inputs, wanted, apply_to, exact) or _selectors(
        inputs, wanted, apply_to, recoloured
    )


def learn_colour_selectors(
    inputs: Sequence[Array], wanted: Sequence[Array], *, apply_to: Sequence[Array]
) -> list[dict[str, Any]]:
    """Arguments of ``selected_colour`` that give every 1 x 1 wanted output: the object a
    learned selector picks (as in ``learn_crop_selectors``) has the output's colour."""
    if any(b.shape != (1, 1) for b in wanted):
        return []

    def targets(a: Array, b: Array, objects: list[Array], alone: bool) -> set[int]:
        if alone:
            return set()
        colours = [int(np.bincount(a[m], minlength=10).argmax()) for m in objects]
        return {i for i, c in enumerate(colours) if c == int(b[0, 0])}

    found = _selectors(inputs, wanted, apply_to, targets)
    for kwargs in found:
        del kwargs["alone"]
    return found


def _selectors(
    inputs: Sequence[Array],
    wanted: Sequence[Array],
    apply_to: Sequence[Array],
    targets_of: Callable[[Array, Array, list[Array], bool], set[int]],
) -> list[dict[str, Any]]:
    """Selectors (cut, measure, most or least, ``alone``) whose pick is in ``targets_of``
    in every train pair and unique in every ``apply_to`` grid."""
    found: list[dict[str, Any]] = []
    for diagonal in (False, True):
        for multicolour in (False, True):
            cut = [lib_objects.find_objects(a, diagonal, multicolour, 0) for a in inputs]
            test_cut = [lib_objects.find_objects(g, diagonal, multicolour, 0) for g in apply_to]
            if any(len(objects) < 2 for objects in cut + test_cut):
                continue
            values: dict[str, list[Array]] = {}
            for alone in (False, True):
                targets = [
                    targets_of(a, b, objects, alone)
                    for a, b, objects in zip(inputs, wanted, cut, strict=True)
                ]
                if not all(targets):
                    continue
                for measure in lib_objects.MEASURES:
                    if measure not in values:
                        values[measure] = [
                            lib_objects.object_measures(g, objects, measure)
                            for g, objects in zip([*inputs, *apply_to], cut + test_cut, strict=True)
                        ]
                    for most in (True, False):
                        picks = [_unique_extreme(v, most) for v in values[measure]]
                        if (
                            all(p in t for p, t in zip(picks, targets, strict=False))
                            and min(picks) >= 0
                        ):
                            kwargs = {"diagonal": diagonal, "multicolour": multicolour}
                            found.append(
                                kwargs | {"measure": measure, "most": most, "alone": alone}
                            )
                            if len(found) >= MAX_SELECTORS:
                                return found
    return found


def _crop_targets(
    a: Array, b: Array, objects: list[Array], alone: bool, *, exact: bool = True
) -> set[int]:
    """Indices of the objects whose crop (``alone`` or with the rest of the box) is ``b``
    (or, not ``exact``, is ``b`` but for its colours: ``_recolours``)."""
    hits = set()
    for i, mask in enumerate(objects):
        top, left, bottom, right = bbox(mask)
        if (bottom - top, right - left) != b.shape:
            continue
        box = (np.where(mask, a, 0) if alone else a)[top:bottom, left:right]
        if np.array_equal(box, b) if exact else _recolours(box, b):
            hits.add(i)
    return hits


def _recolours(box: Array, b: Array) -> bool:
    """Whether a colour map that keeps 0 and only 0 turns ``box`` into ``b``."""
    if not np.array_equal(box != 0, b != 0):
        return False
    codes = np.unique(box.ravel() * 10 + b.ravel())
    return len(np.unique(codes // 10)) == len(codes)


def _unique_extreme(values: Array, most: bool) -> int:
    """The index of the one largest (smallest) value; -1 on a tie."""
    best = values.max() if most else values.min()
    hits = np.flatnonzero(values == best)
    return int(hits[0]) if len(hits) == 1 else -1


GRID_FEATURES = ("colours", "count", "shape", "mask", "mirror_lr", "mirror_ud", "n_colours")
"""Whole-grid features a learned output lookup may key on, most general first."""


def learn_output_lookups(
    inputs: Sequence[Array], wanted: Sequence[Array], *, apply_to: Sequence[Array]
) -> list[tuple[str, tuple[tuple[object, tuple[tuple[int, ...], ...]], ...]]]:
    """(feature, table) pairs for ``lookup_output``: every train output is the one its
    input's feature (``grid_feature``) maps to.

    Kept only when the table holds at least two outputs, some feature value occurs in two
    train pairs (else the table would only memorise them), and every ``apply_to`` grid's
    feature is in the table (a lookup never guesses).
    """
    found: list[tuple[str, tuple[tuple[object, tuple[tuple[int, ...], ...]], ...]]] = []
    for feature in GRID_FEATURES:
        try:
            keys = [grid_feature(a, feature) for a in inputs]
            test_keys = [grid_feature(g, feature) for g in apply_to]
        except ValueError:
            continue
        table: dict[object, tuple[tuple[int, ...], ...]] = {}
        for key, b in zip(keys, wanted, strict=True):
            out = tuple(tuple(int(v) for v in row) for row in b)
            if table.setdefault(key, out) != out:
                break
        else:
            if 2 <= len(table) < len(keys) and all(k in table for k in test_keys):
                found.append((feature, tuple(sorted(table.items(), key=repr))))
    return found


def learn_count_fills(
    inputs: Sequence[Array], wanted: Sequence[Array], *, apply_to: Sequence[Array]
) -> list[dict[str, Any]]:
    """Arguments of ``count_fill``: every train output is one shape, zeros and one colour,
    its coloured cells the first n places of a fixed order, n the number of some objects of
    its input (of one colour or any, of at least one or two cells).

    Kept only when the train pairs show at least two counts and every ``apply_to`` grid's
    count fits the output. The order is a rule, not a table, so a test count need not have
    been seen (the colour of the cells is left to the colour-map finish).
    """
    shapes = {b.shape for b in wanted}
    if len(shapes) != 1:
        return []
    ((h, w),) = shapes
    painted = {int(v) for b in wanted for v in np.unique(b) if v != 0}
    counts = [int(np.count_nonzero(b)) for b in wanted]
    if len(painted) != 1 or len(set(counts)) < 2:
        return []
    found: list[dict[str, Any]] = []
    orders = []
    for order in lib_objects.FILL_ORDERS:
        places = lib_objects.fill_places(h, w, order)
        if all(
            n <= len(places) and {(int(y), int(x)) for y, x in np.argwhere(b)} == set(places[:n])
            for b, n in zip(wanted, counts, strict=True)
        ):
            orders.append(order)
    if not orders:
        return []
    kinds = []
    for g in [*inputs, *apply_to]:
        objects = lib_objects.find_objects(g, False, False, 0)
        kinds.append([(int(g[m][0]), int(m.sum())) for m in objects])
    colours = sorted({c for objects in kinds for c, _ in objects})
    for colour in [0, *colours]:
        for min_size in (1, 2):
            ns = [
                sum(1 for c, size in objects if size >= min_size and colour in (0, c))
                for objects in kinds
            ]
            if ns[: len(inputs)] != counts:
                continue
            for order in orders:
                if max(ns) <= len(lib_objects.fill_places(h, w, order)):
                    found.append(
                        {"colour": colour, "min_size": min_size, "h": h, "w": w, "order": order}
                    )
            if found:
                return found[:MAX_SELECTORS]
    return found


BLOCK_LAYOUTS = ((1, 2), (2, 1), (1, 3), (3, 1), (2, 2))
"""(rows, cols) of equal blocks that ``overlay_blocks`` may lay on one another."""


def learn_overlay_orders(
    inputs: Sequence[Array], wanted: Sequence[Array], *, apply_to: Sequence[Array]
) -> list[dict[str, Any]]:
    """Arguments of ``overlay_blocks``: every train output is its input's equal blocks laid on
    one another in one order (the first order in ``itertools.permutations`` order that fits
    is kept, one per layout the ``apply_to`` grids can be cut into)."""
    found: list[dict[str, Any]] = []
    for rows, cols in BLOCK_LAYOUTS:
        if any(g.shape[0] % rows or g.shape[1] % cols for g in [*inputs, *apply_to]) or any(
            (a.shape[0] // rows, a.shape[1] // cols) != b.shape
            for a, b in zip(inputs, wanted, strict=True)
        ):
            continue
        for order in itertools.permutations(range(rows * cols)):
            if all(
                np.array_equal(lib_parts.overlay_blocks(a, rows, cols, order), b)
                for a, b in zip(inputs, wanted, strict=True)
            ):
                found.append({"rows": rows, "cols": cols, "order": order})
                break
    return found


CELL_FEATURES = ("count", "colours", "mask")
"""Cell features a learned cell table may key on, most general first."""


def learn_cell_tables(
    inputs: Sequence[Array], wanted: Sequence[Array], *, apply_to: Sequence[Array]
) -> list[dict[str, Any]]:
    """Arguments of ``cell_table``: every train output has one pixel per cell of its input
    (the cells of a separator lattice, or blocks of the size the in/out ratio gives), the
    colour a table gives the cell's feature (``cell_key``).

    Kept only when the table holds at least two colours and every cell of the ``apply_to``
    grids has a feature the train cells showed.
    """
    sizes = [(0, 0)]
    ratios = {
        (a.shape[0] // b.shape[0], a.shape[1] // b.shape[1])
        for a, b in zip(inputs, wanted, strict=True)
    }
    if len(ratios) == 1:
        ((ky, kx),) = ratios
        if ky * kx > 1 and all(
            a.shape == (b.shape[0] * ky, b.shape[1] * kx)
            for a, b in zip(inputs, wanted, strict=True)
        ):
            sizes.append((ky, kx))
    found: list[dict[str, Any]] = []
    for ky, kx in sizes:
        try:
            grids = [cell_grid(a, ky, kx) for a in inputs]
            test_grids = [cell_grid(g, ky, kx) for g in apply_to]
        except ValueError:
            continue
        if any((len(c), len(c[0])) != b.shape for c, b in zip(grids, wanted, strict=True)):
            continue
        for feature in CELL_FEATURES:
            table: dict[object, int] = {}
            consistent = True
            for c, b in zip(grids, wanted, strict=True):
                for r, row in enumerate(c):
                    for x, cell in enumerate(row):
                        key = cell_key(cell, feature)
                        consistent &= table.setdefault(key, int(b[r, x])) == int(b[r, x])
            seen = all(
                cell_key(cell, feature) in table for c in test_grids for row in c for cell in row
            )
            if consistent and seen and len(set(table.values())) >= 2:
                pairs = tuple(sorted(table.items(), key=repr))
                found.append({"ky": ky, "kx": kx, "feature": feature, "table": pairs})
                break
    return found


def learn_part_selectors(
    inputs: Sequence[Array], wanted: Sequence[Array], *, apply_to: Sequence[Array]
) -> list[dict[str, Any]]:
    """Arguments of ``part_selected`` that give every wanted output: the output is one of
    its input's parts (halves or thirds, between separators, or lattice cells), and in
    every pair the part with the most (or least) of one measure is unique and is that part,
    as it is unique on every ``apply_to`` grid. At most ``MAX_SELECTORS`` are returned."""
    found: list[dict[str, Any]] = []
    for axis, n in ((0, 2), (0, 3), (1, 2), (1, 3), (2, 0)):
        try:
            cut = [grid_parts(a, axis, n) for a in inputs]
            test_cut = [grid_parts(g, axis, n) for g in apply_to]
        except (ValueError, IndexError):
            continue
        if any(len(pieces) < 2 for pieces in cut + test_cut):
            continue
        targets = [
            {i for i, p in enumerate(pieces) if np.array_equal(p, b)}
            for pieces, b in zip(cut, wanted, strict=True)
        ]
        if not all(targets):
            continue
        for measure in PART_MEASURES:
            values = [np.array(part_measure(pieces, measure)) for pieces in cut + test_cut]
            for most in (True, False):
                picks = [_unique_extreme(v, most) for v in values]
                if all(p in t for p, t in zip(picks, targets, strict=False)) and min(picks) >= 0:
                    found.append({"axis": axis, "n": n, "measure": measure, "most": most})
                    if len(found) >= MAX_SELECTORS:
                        return found
    return found
