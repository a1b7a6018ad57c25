"""Finishing steps learned from the train pairs: a colour map, a local neighbourhood rule.

Given what a candidate makes of each train input and the train outputs, these return the table
that turns the one into the other, or None when no consistent table exists. They read train
pairs only; the tables become literal arguments of ``recolour`` / ``apply_local_rule`` in the
emitted program.

Not here: applying the tables (``lib_paint``, ``lib_rules``), deciding when to try them
(``engine``), learned whole-input steps for outputs of another size (``learn_select``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from arcloop.search import lib_moves, lib_objects
from arcloop.search.grids import Array
from arcloop.search.lib_objects import object_features
from arcloop.search.lib_paint import rays_along
from arcloop.search.lib_rules import (
    apply_emit_rule,
    apply_neighbour_rule,
    apply_ray_rule,
    emit_directions,
    local_key,
    neighbour_masks,
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

MIN_CHANGES_PER_ENTRY = 2
"""Fewest changed train cells a learned rule table must explain per entry (``explains``).

A table with as many entries as the cells it changes is as long as the list of those changes:
every entry was taught by one cell and nothing confirms it, so the table restates the train
pairs instead of a rule (on ARC-AGI-2 training, 8 implications for the 8 or 9 cells that
change, each seen once, fit the train pairs and were wrong on test four times out of four).
At two changed cells per entry the train pairs confirm each entry once more, on average,
beyond the cell that taught it. The rules that solve training tasks explain 2 (1f642eb9) to
40 changed cells per entry."""


def explains(table: dict[Any, int], made: Sequence[Array], wanted: Sequence[Array]) -> bool:
    """True when the ``made`` -> ``wanted`` changes are at least ``MIN_CHANGES_PER_ENTRY``
    times as many as the entries of ``table`` (a description-length test: a rule must be
    shorter than the list of changes it explains).

    >>> import numpy as np
    >>> explains({(0, "side", 2): 4}, [np.array([[0, 2, 0]])], [np.array([[4, 2, 4]])])
    True
    >>> explains({(0, "e", 2): 4, (0, "w", 2): 5}, [np.array([[0, 2, 0]])], [np.array([[4, 2, 5]])])
    False
    """
    changed = sum(int(np.count_nonzero(a != b)) for a, b in zip(made, wanted, strict=True))
    return changed >= MIN_CHANGES_PER_ENTRY * len(table)


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
    nothing changes, when the table would not explain ``MIN_CHANGES_PER_ENTRY`` changed cells
    per neighbourhood (``explains``), or when a grid in ``apply_to`` (the test inputs) has a
    neighbourhood the train pairs never showed, unless the cell's colour occurs in the train
    pairs and never changes there (such cells are safe to leave; anywhere else the rule would
    be guessing).
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
    if np.count_nonzero(before != after) < MIN_CHANGES_PER_ENTRY * len(changed):
        return None  # as long as the list of changes it explains (``explains``)
    # Cells of a colour seen in train that never changed there can be left alone safely.
    steady = np.setdiff1d(np.unique(before), np.unique(before[first[changed]]))
    for g in apply_to:
        test_codes = neighbourhood_codes(g, shape)[~np.isin(g.ravel(), steady)]
        if not np.all(np.isin(test_codes, known)):
            return None
    # Spell each changing neighbourhood out as ``local_key`` does, from a cell that has it.
    starts = np.cumsum([0] + [a.size for a in made])  # where each grid's cells begin
    table = {}
    for k in changed.tolist():
        cell = int(first[k])
        i = int(np.searchsorted(starts, cell, side="right")) - 1
        y, x = divmod(cell - int(starts[i]), made[i].shape[1])
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
    ``apply_to`` has an object whose feature the train pairs never showed and the pairs show
    no colour for the others (``_with_others``; never for regions). ``outcomes``:
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
    unseen = any(
        key not in table
        for g in apply_to
        for key in object_features(g, _parts(g, diagonal, multicolour, regions), feature)
    )
    if unseen:
        table = {} if regions else _with_others(table)
        if not table:
            return None
    changes = {k: v for k, v in table.items() if v >= 0}
    return dict(sorted(changes.items(), key=repr)) or None


OTHERS = "*"
"""The key of a learned object table that stands for every feature value it does not list."""

MIN_KEYS_FOR_OTHERS = 3
"""Fewest distinct feature values that must share a colour before it becomes the colour of
feature values the train pairs never showed (``_with_others``)."""


def _with_others(table: dict[object, int]) -> dict[object, int]:
    """``table`` with the colour of its unlisted feature values (``OTHERS``), or {} when the
    train pairs do not show one.

    Every object must change (a -1 entry, an object that stays, leaves the unseen ones in
    doubt), and one colour must take at least ``MIN_KEYS_FOR_OTHERS`` feature values and at
    least twice as many as all other colours together: the rule then reads "these values
    become these colours, every other value becomes that one" (objects of size 6 turn red,
    of any other size blue). Its entries are dropped from the table.

    >>> _with_others({1: 2, 2: 2, 3: 2, 4: 5})
    {4: 5, '*': 2}
    >>> _with_others({1: 2, 2: 2, 3: 5, 4: 5})
    {}
    """
    counts: dict[int, int] = {}
    for colour in table.values():
        counts[colour] = counts.get(colour, 0) + 1
    if -1 in counts or not counts:
        return {}
    common = max(counts, key=lambda c: counts[c])
    n = counts[common]
    if n < MIN_KEYS_FOR_OTHERS or n < 2 * (len(table) - n):
        return {}
    return {**{k: v for k, v in table.items() if v != common}, OTHERS: common}


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
    when there are more than ``MAX_IMPLICATIONS`` or fewer than ``MIN_CHANGES_PER_ENTRY``
    changed cells per implication (such tables memorise the pairs, ``explains``), when an
    ``apply_to`` grid has a colour the train grids lack or a cell told two colours, or when
    nothing changes.

    With ``directed``, a neighbour counts in one direction only (``"n"``: the cell above, ...,
    ``"se"``: the one down to the right), so that the cells around a pixel may each become a
    different colour; implications whose cells others already decide are dropped, and so are
    those that decide a single train cell (``_fewest_implications``).

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
    holds only implications every one of whose cells becomes the same colour).

    Implications that decide a single train cell are left out: one cell always agrees with
    itself, so among the many directed implications (eight directions times every neighbour
    colour) some one covers any lone changed cell whatever the rule is; kept, they let the
    table memorise the odd cells of the train pairs (four of the six fitting-but-wrong
    programs on ARC-AGI-2 training). The table then fails to reproduce the pairs and is
    refused."""
    offsets = dict(zip(_DIRECTIONS, _SIDES + _CORNERS, strict=True))
    padded = [np.pad(a, 1, constant_values=-1) for a in made]
    hits = {}
    for key in table:
        colour, where, neighbour = key
        if where in offsets:  # the cells ``apply_neighbour_rule(a, {key: 10})`` paints
            dy, dx = offsets[where]
            masks = [
                (a == colour)
                & (p[1 + dy : 1 + dy + a.shape[0], 1 + dx : 1 + dx + a.shape[1]] == neighbour)
                for a, p in zip(made, padded, strict=True)
            ]
        else:
            masks = [apply_neighbour_rule(a, {key: 10}) == 10 for a in made]
        hits[key] = np.concatenate([m.ravel() for m in masks])
    hits = {key: hit for key, hit in hits.items() if hit.sum() >= MIN_CHANGES_PER_ENTRY}
    covered = np.zeros(sum(a.size for a in made), dtype=bool)
    kept = {}
    for key in sorted(hits, key=lambda k: (-int(hits[k].sum()), k)):
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
    """``table`` when it is small, explains enough changes (``explains``), reproduces every
    train pair through ``apply`` and decides every ``apply_to`` grid without a colour the train
    pairs never showed; else None."""
    if not table or len(table) > MAX_IMPLICATIONS or not explains(table, made, wanted):
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
    pairs show along one axis holds along the other too. None under the same conditions as
    ``learn_neighbour_rule``: the kept implications must reproduce every train pair, be at
    most ``MAX_IMPLICATIONS``, explain enough changed cells (``explains``), and meet no unseen
    colour or conflict on the ``apply_to`` grids.
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


def learn_emit_rule(
    made: Sequence[Array],
    wanted: Sequence[Array],
    *,
    apply_to: Sequence[Array],
    ranked: bool = False,
) -> dict[tuple[int, int, str], int] | None:
    """The rays, shot from cells by the shape of their neighbourhood, that turn every ``made``
    grid into its ``wanted`` one (``apply_emit_rule``): a corner of a square shooting outwards
    along its diagonal, the tip of a bar shooting onwards, each in its own colour or in one
    colour for all.

    An entry (colour, neighbour mask, direction) -> ray colour is a candidate when every train
    cell so placed whose ray has room (a 0 cell next in that direction) has that whole ray, up
    to the first non-zero cell or the edge, painted in one colour, and there are at least
    ``MIN_CHANGES_PER_ENTRY`` such cells; the colour is the cell's own (-1) when it always is,
    else the one colour every such ray has. The key's colour is -1 (any colour) when such a
    table fits, else the cell's own. Candidates are kept greedily, most painted cells first,
    while they paint a cell the kept ones do not. None when the ``made`` cells are not all
    kept in ``wanted`` (the rule only adds), and under the
    conditions of ``learn_neighbour_rule`` (``_checked_implications``), except that a rule for
    any colour may meet a test colour the train pairs lack. With ``ranked`` (colours numbered
    by frequency, ``views.COLOURS``), None too when a ray's fixed colour is a rank some grid
    lacks: the colour the view maps it back to would depend on which colours that grid holds.

    >>> import numpy as np
    >>> a = np.array([[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 2, 0], [0, 0, 0, 2]])
    >>> b = np.array([[2, 0, 0, 0], [0, 2, 0, 0], [0, 0, 2, 0], [0, 0, 0, 2]])
    >>> c = np.array([[0, 0, 0], [0, 3, 0], [0, 0, 3]])
    >>> learn_emit_rule([a, c], [b, np.array([[3, 0, 0], [0, 3, 0], [0, 0, 3]])], apply_to=[])
    {(-1, 128, 'nw'): -1}
    """
    if any(
        a.shape != b.shape or np.any((a != 0) & (a != b)) for a, b in zip(made, wanted, strict=True)
    ):
        return None
    seen: dict[tuple[int, int, str], set[tuple[int, int]]] = {}
    painted: dict[tuple[int, int, str], set[tuple[int, int, int]]] = {}
    for n, (a, b) in enumerate(zip(made, wanted, strict=True)):
        h, w = a.shape
        masks = neighbour_masks(a)
        codes = a * 256 + masks
        padded = np.pad(b, 1)
        for bit, (name, (dy, dx)) in enumerate(emit_directions().items()):
            room = (a != 0) & ((masks >> bit) & 1 == 0)
            first = padded[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w]
            for code in _present(codes[room & (first == 0)]):  # a ray left unpainted
                seen.setdefault((code // 256, code % 256, name), set()).add((code // 256, 10))
            for y, x in zip(*np.nonzero(room & (first != 0)), strict=True):
                ys, xs = [], []
                ry, rx = y + dy, x + dx
                while 0 <= ry < h and 0 <= rx < w and a[ry, rx] == 0:
                    ys.append(ry)
                    xs.append(rx)
                    ry, rx = ry + dy, rx + dx
                ray = np.unique(b[ys, xs])
                value = int(ray[0]) if len(ray) == 1 else 10
                key = (int(a[y, x]), int(masks[y, x]), name)
                seen.setdefault(key, set()).add((key[0], value))
                painted.setdefault(key, set()).update(zip([n] * len(ys), ys, xs, strict=True))
    for by_colour in (False, True):
        table = _emissions(seen, painted, by_colour)
        if ranked and any(
            v >= len(np.unique(g)) for v in table.values() for g in [*made, *apply_to]
        ):
            continue
        # a rule for any colour meets a test colour it never saw as well as a seen one
        checked = _checked_implications(
            table, made, wanted, apply_to if by_colour else [], apply_emit_rule
        )
        if checked is not None:
            return checked
    return None


def _emissions(
    seen: dict[tuple[int, int, str], set[tuple[int, int]]],
    painted: dict[tuple[int, int, str], set[tuple[int, int, int]]],
    by_colour: bool,
) -> dict[tuple[int, int, str], int]:
    """The emission table ``learn_emit_rule`` keeps from what each (colour, mask, direction)
    was seen to shoot (``seen``: (shooting colour, ray colour or 10 for none) pairs) and the
    cells its rays painted; keyed by any colour (-1) unless ``by_colour``."""
    if not by_colour:
        merged: dict[tuple[int, int, str], set[tuple[int, int]]] = {}
        cells: dict[tuple[int, int, str], set[tuple[int, int, int]]] = {}
        for (_, mask, name), sightings in seen.items():
            merged.setdefault((-1, mask, name), set()).update(sightings)
        for (_, mask, name), where in painted.items():
            cells.setdefault((-1, mask, name), set()).update(where)
        seen, painted = merged, cells
    candidates = {}
    for key, sightings in seen.items():
        rays = {value for _, value in sightings}
        if 10 in rays or len(painted.get(key, ())) < MIN_CHANGES_PER_ENTRY:
            continue
        if all(colour == value for colour, value in sightings):
            candidates[key] = -1
        elif len(rays) == 1:
            candidates[key] = rays.pop()
    covered: set[tuple[int, int, int]] = set()
    table: dict[tuple[int, int, str], int] = {}
    for key in sorted(candidates, key=lambda k: (-len(painted[k]), k)):
        if painted[key] - covered:
            table[key] = candidates[key]
            covered |= painted[key]
    return dict(sorted(table.items()))


def learn_colour_shifts(
    inputs: Sequence[Array], wanted: Sequence[Array], *, apply_to: Sequence[Array]
) -> tuple[tuple[int, int, int], ...] | None:
    """The table of ``shift_colours``: for each colour, the one (rows, columns) offset that
    carries all its input cells onto its output cells in every train pair, as (colour, rows,
    columns) in colour order.

    None when shapes or backgrounds (most common colours) differ, when a colour's cells do
    not all move together by one offset the same in every pair, when nothing moves, when
    only one pair shows the moves, or when an ``apply_to`` grid holds a colour the train
    pairs never showed.

    >>> a = [np.array([[0, 2, 0], [0, 0, 0]]), np.array([[0, 0, 2], [0, 0, 0]])]
    >>> b = [np.array([[0, 0, 0], [0, 2, 0]]), np.array([[0, 0, 0], [0, 0, 2]])]
    >>> learn_colour_shifts(a, b, apply_to=[])
    ((2, 1, 0),)
    """
    if len(inputs) < 2:
        return None
    table: dict[int, tuple[int, int]] = {}
    for a, b in zip(inputs, wanted, strict=True):
        if a.shape != b.shape:
            return None
        counts = np.bincount(a.ravel(), minlength=10)
        bg = int(counts.argmax())
        if int(np.bincount(b.ravel(), minlength=10).argmax()) != bg:
            return None
        for c in range(10):
            if c == bg or not counts[c]:
                continue
            ys, xs = np.nonzero(a == c)
            ty, tx = np.nonzero(b == c)
            if len(ty) != len(ys):
                return None
            # both in reading order: a rigid shift keeps the order
            dy, dx = ty - ys, tx - xs
            if np.any(dy != dy[0]) or np.any(dx != dx[0]):
                return None
            if table.setdefault(c, (int(dy[0]), int(dx[0]))) != (int(dy[0]), int(dx[0])):
                return None
    if all(offset == (0, 0) for offset in table.values()):
        return None
    for g in apply_to:
        counts = np.bincount(g.ravel(), minlength=10)
        bg = int(counts.argmax())
        if any(counts[c] and c != bg and c not in table for c in range(10)):
            return None
    rows = tuple((c, dy, dx) for c, (dy, dx) in sorted(table.items()))
    try:
        if not all(
            np.array_equal(lib_moves.shift_colours(a, rows), b)
            for a, b in zip(inputs, wanted, strict=True)
        ):
            return None
    except ValueError:
        return None
    return rows


def learn_place_rule(
    made: Sequence[Array],
    wanted: Sequence[Array],
    *,
    diagonal: bool,
    place: str,
    coloured: bool,
    apply_to: Sequence[Array],
) -> dict[int, int] | None:
    """The table from a cell's place in its object (``place_codes``, with its colour when
    ``coloured``) to its new colour, if one turns every ``made`` grid into its ``wanted`` grid.

    The pattern: objects repainted by position inside them (every other cell of each line,
    the lower half of each bar). Only cells of objects may change, and only places that change
    are listed. None when a background cell changes, when nothing changes, when one place
    would both change and stay or take two colours, when the table would not explain
    ``MIN_CHANGES_PER_ENTRY`` changed cells per entry, or when a grid in ``apply_to`` has a
    place (and colour) the train pairs never showed.
    """
    keys: list[Array] = []
    after: list[Array] = []
    for a, b in zip(made, wanted, strict=True):
        if a.shape != b.shape or np.any((a != b) & (a == 0)):
            return None
        codes = lib_objects.place_codes(a, diagonal, place)
        inside = codes >= 0
        keys.append(codes[inside] + (16 * a[inside] if coloured else 0))
        after.append(np.where(b[inside] == a[inside], -1, b[inside]))
    every, outcome = np.concatenate(keys), np.concatenate(after)
    if every.size == 0 or np.all(outcome < 0):
        return None
    known, inverse = np.unique(every, return_inverse=True)
    result = np.full(len(known), -2)
    result[inverse] = outcome
    if np.any(result[inverse] != outcome):
        return None
    table = {int(k): int(v) for k, v in zip(known, result, strict=True) if v >= 0}
    if not explains(table, made, wanted):
        return None
    for g in apply_to:
        codes = lib_objects.place_codes(g, diagonal, place)
        inside = codes >= 0
        test_keys = codes[inside] + (16 * g[inside] if coloured else 0)
        if not np.all(np.isin(test_keys, known)):
            return None
    return table
