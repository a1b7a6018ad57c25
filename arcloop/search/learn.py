"""Finishing steps learned from the train pairs: a colour map, a local neighbourhood rule.

Given what a candidate makes of each train input and the train outputs, these return the table
that turns the one into the other, or None when no consistent table exists. They read train
pairs only; the tables become literal arguments of ``recolour`` / ``apply_local_rule`` in the
emitted program.

Not here: applying the tables (``lib_paint``), deciding when to try them (``engine``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from arcloop.search import lib_objects, lib_parts
from arcloop.search.grids import Array
from arcloop.search.lib_geometry import bbox
from arcloop.search.lib_objects import object_features
from arcloop.search.lib_paint import rays_along
from arcloop.search.lib_parts import PART_MEASURES, cell_grid, cell_key, grid_parts, part_measure
from arcloop.search.lib_rules import (
    apply_neighbour_rule,
    apply_ray_rule,
    grid_feature,
    local_key,
    seen_along,
)


def _present(codes: Array) -> list[int]:
    """The distinct values of small non-negative integer codes, ascending (``np.unique``,
    several times faster on the search's small grids)."""
    found: list[int] = np.bincount(codes).nonzero()[0].tolist()
    return found


def learn_colour_map(
    made: Sequence[Array], wanted: Sequence[Array], *, apply_to: Sequence[Array]
) -> dict[int, int] | None:
    """The colour table that turns every ``made`` grid into its ``wanted`` grid, if any.

    Only colours that change are listed. None when shapes differ, when one colour would need
    two different replacements, when nothing changes, when a grid in ``apply_to`` (what the
    candidate made of the test inputs) has a colour the train pairs never showed, or when
    every made grid is a single cell (a table over one cell per pair memorises the answers).

    >>> import numpy as np
    >>> learn_colour_map([np.array([[1, 0]])], [np.array([[2, 0]])], apply_to=[])
    {1: 2}
    """
    if all(a.size == 1 for a in made):
        return None
    table: dict[int, int] = {}
    for a, b in zip(made, wanted, strict=True):
        if a.shape != b.shape:
            return None
        for code in _present(a.ravel() * 10 + b.ravel()):
            old, new = divmod(code, 10)
            if table.setdefault(old, new) != new:
                return None
    for g in apply_to:
        if any(c not in table for c in _present(g.ravel())):
            return None
    changes = {old: new for old, new in sorted(table.items()) if old != new}
    return changes or None


MAX_IMPLICATIONS = 8
"""Most implications a learned neighbour rule may hold."""

_SIDES = ((-1, 0), (1, 0), (0, -1), (0, 1))
_CORNERS = ((-1, -1), (-1, 1), (1, -1), (1, 1))


def neighbourhood_codes(g: Array, shape: str) -> Array:
    """One integer per cell (row-major) that is equal exactly where ``local_key`` is equal.

    A vectorised stand-in for calling ``local_key`` on every cell while learning.
    """
    h, w = g.shape
    centre = (g + 1).astype(np.int64)
    if shape == "rays":
        code = centre.copy()
        for dy, dx in _SIDES:  # looking up from a cell = what a downward ray brings to it
            code = code * 10 + rays_along(g, g != 0, True, -dy, -dx)
        rays: Array = code.ravel()
        return rays
    if shape == "boxes":
        bits = np.zeros((h, w), dtype=np.int64)
        for c in np.unique(g[g != 0]).tolist():
            ys, xs = np.nonzero(g == c)
            bits[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1] |= 1 << c
        boxes: Array = ((centre << 10) | bits).ravel()
        return boxes
    if "%" in shape:
        axis, k = shape.split("%")
        ys, xs = np.indices((h, w))
        index = xs if axis.endswith("x") else ys
        size = w if axis.endswith("x") else h
        phase = (size - 1 - index if axis.startswith("-") else index) % int(k)
        phased: Array = (centre * 10 + phase).ravel()
        return phased
    if shape == "lines":
        bits = np.where(g != 0, np.left_shift(1, g), 0).astype(np.int64)
        rows = np.bitwise_or.reduce(bits, axis=1)
        cols = np.bitwise_or.reduce(bits, axis=0)
        lines: Array = ((centre << 20) | (rows[:, None] << 10) | cols[None, :]).ravel()
        return lines
    p = np.pad(g, 1, constant_values=-1).astype(np.int64) + 1
    if shape in ("split_set", "counts"):
        p = np.pad(g, 1).astype(np.int64) + 1  # off the grid counts as 0 for these
        sides = [p[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w] for dy, dx in _SIDES]
        corners = [p[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w] for dy, dx in _CORNERS]
        if shape == "counts":
            n_sides = sum((a > 1).astype(np.int64) for a in sides)
            n_corners = sum((a > 1).astype(np.int64) for a in corners)
            counted: Array = (centre * 25 + n_sides * 5 + n_corners).ravel()
            return counted
        side_bits = np.bitwise_or.reduce([np.left_shift(1, a) for a in sides])
        corner_bits = np.bitwise_or.reduce([np.left_shift(1, a) for a in corners])
        split: Array = ((centre << 22) | (side_bits << 11) | corner_bits).ravel()
        return split
    if shape.startswith("cross"):
        offsets = [(-1, 0), (1, 0), (0, -1), (0, 1)]
    else:
        offsets = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1) if dy or dx]
    around = [p[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w] for dy, dx in offsets]
    if shape.endswith("_set"):
        bits = np.zeros((h, w), dtype=np.int64)
        for a in around:
            bits |= np.left_shift(1, a)
        sets: Array = ((centre << 11) | bits).ravel()
        return sets
    code = centre.copy()
    for a in around:
        code = code * 11 + a
    return code.ravel()


def learn_local_rule(
    made: Sequence[Array], wanted: Sequence[Array], *, shape: str, apply_to: Sequence[Array]
) -> dict[tuple[int, ...], int] | None:
    """The neighbourhood table that turns every ``made`` grid into its ``wanted`` grid, if any.

    Only neighbourhoods whose centre changes are listed (the rule leaves other cells alone).
    None when shapes differ, when one neighbourhood must become two different colours, when
    nothing changes, or when a grid in ``apply_to`` (the test inputs) has a neighbourhood the
    train pairs never showed, unless the cell's colour occurs in the train pairs and never
    changes there (such cells are safe to leave; anywhere else the rule would be guessing).
    """
    if any(a.shape != b.shape for a, b in zip(made, wanted, strict=True)):
        return None
    codes = np.concatenate([neighbourhood_codes(a, shape) for a in made])
    before = np.concatenate([a.ravel() for a in made])
    after = np.concatenate([b.ravel() for b in wanted])
    known, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
    result = np.full(len(known), -1)
    result[inverse] = after
    if np.any(result[inverse] != after):
        return None
    changed = np.flatnonzero(result != before[first])
    if len(changed) == 0:
        return None
    # Cells of a colour seen in train that never changed there can be left alone safely.
    steady = np.setdiff1d(np.unique(before), np.unique(before[first[changed]]))
    for g in apply_to:
        test_codes = neighbourhood_codes(g, shape)[~np.isin(g.ravel(), steady)]
        if not np.all(np.isin(test_codes, known)):
            return None
    # Spell each changing neighbourhood out as ``local_key`` does, from a cell that has it.
    where = [
        (i, y, x) for i, a in enumerate(made) for y in range(a.shape[0]) for x in range(a.shape[1])
    ]
    table = {}
    for k in changed.tolist():
        i, y, x = where[int(first[k])]
        table[local_key(made[i], y, x, shape)] = int(result[k])
    return dict(sorted(table.items()))


ObjectOutcomes = list[tuple[list[Array], list[int]]]
"""Per train pair: its objects' masks, and what each becomes (-1: it stays as it is)."""


def _parts(g: Array, diagonal: bool, multicolour: bool, regions: bool) -> list[Array]:
    """The objects of ``g``, or (``regions``) its background regions."""
    if regions:
        return lib_objects.find_regions(g, diagonal)
    return lib_objects.find_objects(g, diagonal, multicolour, 0)


def object_outcomes(
    made: Sequence[Array],
    wanted: Sequence[Array],
    *,
    diagonal: bool,
    multicolour: bool,
    regions: bool = False,
) -> ObjectOutcomes | None:
    """What each object of every ``made`` grid becomes in its ``wanted`` grid, when every object
    either stays as it is or becomes one colour and every cell outside the objects stays; else
    None. This part of learning an object rule does not depend on the feature, so it is done
    once for all features. ``regions``: the background regions (``find_regions``) stand for
    the objects."""
    outcomes: ObjectOutcomes = []
    for a, b in zip(made, wanted, strict=True):
        if a.shape != b.shape:
            return None
        objects = _parts(a, diagonal, multicolour, regions)
        covered = np.zeros(a.shape, dtype=bool)
        colours = []
        for mask in objects:
            covered |= mask
            after = b[mask]
            if np.array_equal(after, a[mask]):
                colours.append(-1)
            elif np.all(after == after[0]):
                colours.append(int(after[0]))
            else:
                return None
        if not np.array_equal(a[~covered], b[~covered]):
            return None
        outcomes.append((objects, colours))
    return outcomes


def learn_object_rule(
    made: Sequence[Array],
    wanted: Sequence[Array],
    *,
    diagonal: bool,
    multicolour: bool,
    feature: str,
    apply_to: Sequence[Array],
    outcomes: ObjectOutcomes | None = None,
    regions: bool = False,
) -> dict[object, int] | None:
    """The table from an object feature to the colour the whole object becomes, if any.

    Every cell outside the objects must stay as it is; each object must either stay as it is
    or become one colour, the same for every object with that feature. Only features whose
    objects change are listed. None when no such table exists, nothing changes, or a grid in
    ``apply_to`` has an object whose feature the train pairs never showed. ``outcomes``:
    ``object_outcomes`` of the same grids, when the caller has it already. ``regions``: learn
    over the background regions (``find_regions``) instead of the objects.
    """
    if outcomes is None:
        outcomes = object_outcomes(
            made, wanted, diagonal=diagonal, multicolour=multicolour, regions=regions
        )
        if outcomes is None:
            return None
    if "colour" not in feature and "touch" not in feature and _new_colours_by_pair(outcomes):
        return None
    table: dict[object, int] = {}
    for a, (objects, colours) in zip(made, outcomes, strict=True):
        for key, colour in zip(object_features(a, objects, feature), colours, strict=True):
            if table.setdefault(key, colour) != colour:
                return None
    for g in apply_to:
        objects = _parts(g, diagonal, multicolour, regions)
        if any(key not in table for key in object_features(g, objects, feature)):
            return None
    changes = {k: v for k, v in table.items() if v >= 0}
    return dict(sorted(changes.items(), key=repr)) or None


def _new_colours_by_pair(outcomes: ObjectOutcomes) -> bool:
    """True when at least two train pairs change objects and no two of them share a new
    colour: the new colour then goes with the pair, and a table keyed on a shape or a size
    would only tell the pairs apart (it could not give a test input its own colour)."""
    seen: set[int] = set()
    pairs = 0
    for _, colours in outcomes:
        new = {c for c in colours if c >= 0}
        if not new:
            continue
        if new & seen:
            return False
        seen |= new
        pairs += 1
    return pairs >= 2


def learn_pair_map(
    made: Sequence[Array],
    inputs: Sequence[Array],
    wanted: Sequence[Array],
    *,
    apply_to: Sequence[tuple[Array, Array]],
) -> dict[tuple[int, int], int] | None:
    """The table from (made colour, input colour) to output colour, if one exists.

    Only pairs whose colour changes are listed. None when shapes differ, a pair would need
    two colours, nothing changes, or a (made, input) grid pair in ``apply_to`` shows a colour
    pair the train pairs never did.
    """
    table: dict[tuple[int, int], int] = {}
    for a, x, b in zip(made, inputs, wanted, strict=True):
        if not a.shape == x.shape == b.shape:
            return None
        for code in _present((a.ravel() * 10 + x.ravel()) * 10 + b.ravel()):
            key = (code // 100, code // 10 % 10)
            if table.setdefault(key, code % 10) != code % 10:
                return None
    for a, x in apply_to:
        if a.shape != x.shape:
            return None
        for code in _present(a.ravel() * 10 + x.ravel()):
            if (code // 10, code % 10) not in table:
                return None
    changes = {k: v for k, v in sorted(table.items()) if v != k[0]}
    return changes or None


def learn_neighbour_rule(
    made: Sequence[Array],
    wanted: Sequence[Array],
    *,
    apply_to: Sequence[Array],
    directed: bool = False,
) -> dict[tuple[int, str, int], int] | None:
    """The single-neighbour implications that turn every ``made`` grid into its ``wanted`` one.

    An implication (colour, side or corner, neighbour colour) -> new colour is kept when every
    train cell of that colour with such a neighbour becomes ``new`` (and ``new`` differs from
    the colour). None when the kept implications do not reproduce every train pair exactly,
    when there are more than ``MAX_IMPLICATIONS`` (a table that large memorises the pairs),
    when an ``apply_to`` grid has a colour the train grids lack or a cell told two colours, or
    when nothing changes.

    With ``directed``, a neighbour counts in one direction only (``"n"``: the cell above, ...,
    ``"se"``: the one down to the right), so that the cells around a pixel may each become a
    different colour; implications whose cells others already decide are dropped.

    >>> import numpy as np
    >>> learn_neighbour_rule([np.array([[0, 2, 0]])], [np.array([[4, 2, 4]])], apply_to=[])
    {(0, 'side', 2): 4}
    """
    if any(a.shape != b.shape for a, b in zip(made, wanted, strict=True)):
        return None
    groups = [(d,) for d in _SIDES + _CORNERS] if directed else [_SIDES, _CORNERS]
    names = _DIRECTIONS if directed else ("side", "corner")
    n = len(groups)
    codes, after = [], []
    for a, b in zip(made, wanted, strict=True):
        h, w = a.shape
        padded = np.pad(a, 1, constant_values=-1)
        for where, offsets in enumerate(groups):
            for dy, dx in offsets:
                nb = padded[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w]
                inside = nb >= 0
                codes.append(((a * n + where) * 10 + nb)[inside])
                after.append(b[inside])
    keys, low, agree = _agreeing_codes(codes, after)
    table: dict[tuple[int, str, int], int] = {}
    for k in np.flatnonzero(agree & (low != keys // (10 * n))).tolist():
        colour, rest = divmod(int(keys[k]), 10 * n)
        where, neighbour = divmod(rest, 10)
        table[(colour, names[where], neighbour)] = int(low[k])
    if directed:
        table = _fewest_implications(table, made)
    return _checked_implications(table, made, wanted, apply_to, apply_neighbour_rule)


_DIRECTIONS = ("n", "s", "w", "e", "nw", "ne", "sw", "se")
"""Names of the single neighbours of a directed neighbour rule, in the order of
``_SIDES + _CORNERS``."""


def _fewest_implications(
    table: dict[tuple[int, str, int], int], made: Sequence[Array]
) -> dict[tuple[int, str, int], int]:
    """The implications of ``table`` that decide the most train cells, greedily, each kept
    only when it decides a cell the ones kept before it do not (they all agree: ``table``
    holds only implications every one of whose cells becomes the same colour)."""
    hits = {}
    for key in table:
        masks = [apply_neighbour_rule(a, {key: 10}) == 10 for a in made]
        hits[key] = np.concatenate([m.ravel() for m in masks])
    covered = np.zeros(sum(a.size for a in made), dtype=bool)
    kept = {}
    for key in sorted(table, key=lambda k: (-int(hits[k].sum()), k)):
        if np.any(hits[key] & ~covered):
            kept[key] = table[key]
            covered |= hits[key]
    return dict(sorted(kept.items()))


def _agreeing_codes(codes: list[Array], after: list[Array]) -> tuple[Array, Array, Array]:
    """The distinct codes, the colour each becomes, and whether all its cells agree on it.

    ``codes[i]`` and ``after[i]`` are aligned: a code per cell and what that cell became.
    """
    keys, inverse = np.unique(np.concatenate(codes), return_inverse=True)
    new = np.concatenate(after)
    low = np.full(len(keys), 10)
    high = np.full(len(keys), -1)
    np.minimum.at(low, inverse, new)
    np.maximum.at(high, inverse, new)
    return keys, low, low == high


def _checked_implications(
    table: dict[Any, int],
    made: Sequence[Array],
    wanted: Sequence[Array],
    apply_to: Sequence[Array],
    apply: Callable[[Array, dict[Any, int]], Array],
) -> dict[Any, int] | None:
    """``table`` when it is small, reproduces every train pair through ``apply`` and decides
    every ``apply_to`` grid without a colour the train pairs never showed; else None."""
    if not table or len(table) > MAX_IMPLICATIONS:
        return None
    known = np.unique(np.concatenate([a.ravel() for a in made]))
    if any(not np.all(np.isin(g, known)) for g in apply_to):
        return None  # a colour the train pairs never showed: the rule would be guessing
    try:
        for a, b in zip(made, wanted, strict=True):
            if not np.array_equal(apply(a, table), b):
                return None
        for g in apply_to:
            apply(g, table)
    except ValueError:
        return None
    return table


def learn_ray_rule(
    made: Sequence[Array],
    wanted: Sequence[Array],
    *,
    apply_to: Sequence[Array],
    symmetric: bool = False,
) -> dict[tuple[int, str, int, int], int] | None:
    """The line-of-sight implications that turn every ``made`` grid into its ``wanted`` one.

    An implication (colour, axis, first colour seen one way, the other way) -> new colour is
    kept when every train cell that sees so becomes ``new`` (``apply_ray_rule``); when
    ``symmetric``, the axis is ``"s"`` (either axis, either way round), so that what the train
    pairs show along one axis holds along the other too. None under
    the same conditions as ``learn_neighbour_rule``: the kept implications must reproduce
    every train pair, be at most ``MAX_IMPLICATIONS``, and meet no unseen colour or conflict
    on the ``apply_to`` grids.
    """
    if any(a.shape != b.shape for a, b in zip(made, wanted, strict=True)):
        return None
    codes, after = [], []
    for a, b in zip(made, wanted, strict=True):
        seen = seen_along(a)
        for axis, (one, two) in enumerate((("up", "down"), ("left", "right"))):
            first, second = seen[one], seen[two]
            if symmetric:
                axis = 2
                first, second = np.minimum(first, second), np.maximum(first, second)
            codes.append((((a * 3 + axis) * 10 + first) * 10 + second).ravel())
            after.append(b.ravel())
    keys, low, agree = _agreeing_codes(codes, after)
    table: dict[tuple[int, str, int, int], int] = {}
    for k in np.flatnonzero(agree & (low != keys // 300)).tolist():
        colour, rest = divmod(int(keys[k]), 300)
        axis, rest = divmod(rest, 100)
        table[(colour, "vhs"[axis], rest // 10, rest % 10)] = int(low[k])
    return _checked_implications(table, made, wanted, apply_to, apply_ray_rule)


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


GRID_FEATURES = ("colours", "count", "shape", "mask")
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
