"""Finishing steps: the learned tables that may end a candidate program.

Given what a candidate makes of each train input (``made``), the train outputs it should
have made (``wanted``) and what it makes of the test inputs, these return the steps whose
literal tables (learned in ``learn.py``) turn the one into the other: a colour map, a
(candidate colour, input colour) map, object rules, rules over background regions, rules
over the place of a cell inside its object, neighbourhood rules, and colours borrowed from
elsewhere in the grid (the nearest other colour, or what an object sees in one direction).
Every step they return belongs to the ``learned`` family, so the ablation can remove them
all at once.

Not here: learning the tables (``learn.py``), deciding which candidates get finished
(``engine.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from arcloop.search import lib_moves, lib_objects, lib_parts
from arcloop.search import lib_paint as paint
from arcloop.search import lib_rules as rules
from arcloop.search.catalogue import Primitive, Step
from arcloop.search.grids import Array
from arcloop.search.learn import (
    learn_colour_map,
    learn_colour_shifts,
    learn_emit_rule,
    learn_local_rule,
    learn_neighbour_rule,
    learn_object_rule,
    learn_pair_map,
    learn_place_rule,
    learn_ray_rule,
    object_outcomes,
)
from arcloop.search.learn_select import (
    learn_cell_tables,
    learn_colour_selectors,
    learn_count_fills,
    learn_crop_selectors,
    learn_output_lookups,
    learn_overlay_orders,
    learn_part_selectors,
)

LEARNED = "learned"
"""The family of every learned finishing step."""

SELECT = "select"
"""The family of learned object selectors (``crop_selected``)."""

OBJECT_FEATURES = (
    "colour",
    "size",
    "height",
    "width",
    "border",
    "holes",
    "touches",
    "shape",
    "rank",
    "colour_touches",
)
"""Object features a learned object rule may key on, most general first (then those that
compare an object with the others)."""

REGION_FEATURES = (
    "border",
    "filled",
    "square",
    "rank",
    "size",
    "height",
    "width",
    "odd",
    "touches",
    "shape",
    "where",
)
"""Features a learned rule over background regions (``find_regions``) may key on, most
general first; ``touch_<c>`` for each colour of the grids comes after them."""

LOCAL_SHAPES = (
    "cross_set",
    "square_set",
    "split_set",
    "counts",
    "cross",
    "square",
    "lines",
    "rays",
    "boxes",
    *(f"{axis}%{k}" for k in (2, 3) for axis in ("x", "-x", "y", "-y")),
)
"""Neighbourhoods a learned local rule may key on, most general first (then the first colour
seen along each side, the colours whose bounding boxes hold the cell, and a cell's phase in
its row or column)."""


def _learned(fn: Primitive, reads_input: bool = False, **kwargs: object) -> Step:
    return Step(fn, tuple(kwargs.items()), reads_input=reads_input, family=LEARNED)


def table_finish(
    made: Sequence[Array],
    wanted: Sequence[Array],
    test: Sequence[Array],
    *,
    inputs: Sequence[Array] | None,
    test_inputs: Sequence[Array] | None,
) -> Step | None:
    """A colour map after the candidate, else (given the inputs) a (made, input) colour map.

    Args:
        made: the candidate's train grids.
        wanted: the train outputs.
        test: the candidate's test grids (every colour they hold must be in the table).
        inputs: the task's train inputs, for the (made, input) map; None to skip it.
        test_inputs: the task's test inputs, likewise.
    """
    mapping = learn_colour_map(made, wanted, apply_to=test)
    if mapping is not None:
        return _learned(paint.recolour, mapping=mapping)
    if inputs is None or test_inputs is None:
        return None
    pairs = learn_pair_map(made, inputs, wanted, apply_to=list(zip(test, test_inputs, strict=True)))
    if pairs is None:
        return None
    return _learned(paint.recolour_with_input, reads_input=True, table=pairs)


def rule_finishes(
    made: Sequence[Array],
    wanted: Sequence[Array],
    test: Sequence[Array],
    *,
    objects: bool,
    ranked: bool = False,
) -> list[Step]:
    """Learned object rules (when ``objects``), then neighbourhood rules, that fit ``made`` to
    ``wanted``. Object rules cost the most: the engine asks for them on fewer states.
    ``ranked``: the grids' colours are ranks by frequency (the colour view)."""
    finishes: list[Step] = []
    for diagonal in (False, True) if objects else ():
        for multicolour in (False, True):
            finishes += _object_rules(made, wanted, test, diagonal, multicolour, OBJECT_FEATURES)
    if objects:
        finishes += region_finishes(made, wanted, test)
        finishes += place_finishes(made, wanted, test)
    finishes += borrowed_colours(made, wanted, test)
    for shape in LOCAL_SHAPES:
        rule = learn_local_rule(made, wanted, shape=shape, apply_to=test)
        if rule is not None:
            finishes.append(_learned(rules.apply_local_rule, shape=shape, table=rule))
    implications = learn_neighbour_rule(made, wanted, apply_to=test)
    if implications is None:
        implications = learn_neighbour_rule(made, wanted, apply_to=test, directed=True)
    if implications is not None:
        finishes.append(_learned(rules.apply_neighbour_rule, table=implications))
    # the same along both axes if the train pairs allow it (they may show only one), else
    # one rule per axis
    sightings = learn_ray_rule(made, wanted, apply_to=test, symmetric=True)
    if sightings is None:
        sightings = learn_ray_rule(made, wanted, apply_to=test)
    if sightings is not None:
        finishes.append(_learned(rules.apply_ray_rule, table=sightings))
    # rays shot by cells by the shape around them, in any colour if the train pairs allow it
    emits = learn_emit_rule(made, wanted, apply_to=test, ranked=ranked)
    if emits is not None:
        finishes.append(_learned(rules.apply_emit_rule, table=emits))
    return finishes


def _object_rules(
    made: Sequence[Array],
    wanted: Sequence[Array],
    test: Sequence[Array],
    diagonal: bool,
    multicolour: bool,
    features: Sequence[str],
    *,
    regions: bool = False,
) -> list[Step]:
    """Learned object rules (or background region rules: the first feature that fits only)."""
    outcomes = object_outcomes(
        made, wanted, diagonal=diagonal, multicolour=multicolour, regions=regions
    )
    finishes: list[Step] = []
    for feature in features if outcomes is not None else ():
        table = learn_object_rule(
            made,
            wanted,
            diagonal=diagonal,
            multicolour=multicolour,
            feature=feature,
            apply_to=test,
            outcomes=outcomes,
            regions=regions,
        )
        if table is None:
            continue
        if regions:  # the first region feature that fits is enough
            finishes.append(
                _learned(
                    lib_objects.recolour_regions, diagonal=diagonal, feature=feature, table=table
                )
            )
            break
        finishes.append(
            _learned(
                lib_objects.recolour_objects,
                diagonal=diagonal,
                multicolour=multicolour,
                feature=feature,
                table=table,
            )
        )
    return finishes


PLACES = ("parity", "half")
"""Places of a cell in its object that a learned place rule may key on (``place_codes``)."""


def place_finishes(
    made: Sequence[Array], wanted: Sequence[Array], test: Sequence[Array]
) -> list[Step]:
    """The first learned place rule (by place, then any colour before each colour, then 4-
    before 8-connected objects) that repaints cells of the objects of ``made`` by where they
    lie in them, fitting ``made`` to ``wanted``."""
    if any(np.any((a != b) & (a == 0)) for a, b in zip(made, wanted, strict=True)):
        return []  # a place rule paints objects only: a background cell changed
    for place in PLACES:
        for coloured in (False, True):
            for diagonal in (False, True):
                table = learn_place_rule(
                    made, wanted, diagonal=diagonal, place=place, coloured=coloured, apply_to=test
                )
                if table is not None:
                    step = _learned(
                        lib_objects.apply_place_rule,
                        diagonal=diagonal,
                        place=place,
                        coloured=coloured,
                        table=table,
                    )
                    return [step]
    return []


def region_finishes(
    made: Sequence[Array], wanted: Sequence[Array], test: Sequence[Array]
) -> list[Step]:
    """Learned rules that paint each background region of ``made`` (the empty space between
    and inside shapes) by one of its features, fitting ``made`` to ``wanted``."""
    finishes: list[Step] = []
    colours = sorted({int(c) for a in made for c in np.unique(a)} - {0})
    features = [*REGION_FEATURES, *(f"touch_{c}" for c in colours)]
    for diagonal in (False, True):
        finishes += _object_rules(made, wanted, test, diagonal, False, features, regions=True)
    return finishes


def borrowed_colours(
    made: Sequence[Array], wanted: Sequence[Array], test: Sequence[Array]
) -> list[Step]:
    """Steps that paint the cells of the colours that change with a colour found elsewhere
    in the grid: the nearest other colour (``paint_from_nearest``), or the colour an object
    sees in one direction (``paint_from_sight``). Nothing is learned but which colours
    change, so these apply to test colours the train pairs never showed."""
    if any(a.shape != b.shape for a, b in zip(made, wanted, strict=True)):
        return []
    changed = [a[a != b] for a, b in zip(made, wanted, strict=True)]
    colours = tuple(sorted({int(c) for c in np.concatenate(changed)}))
    if not colours or 0 in colours:
        return []
    candidates = [_learned(lib_objects.paint_from_nearest, colours=colours)]
    candidates += [
        _learned(lib_objects.paint_from_sight, colours=colours, direction=d)
        for d in ("up", "down", "left", "right")
    ]
    for st in candidates:
        try:
            if all(np.array_equal(st(a), b) for a, b in zip(made, wanted, strict=True)):
                for g in test:
                    st(g)
                return [st]
        except ValueError:
            continue
    return []


def crop_selections(
    inputs: Sequence[Array], wanted: Sequence[Array], test_inputs: Sequence[Array]
) -> list[Step]:
    """Learned ``crop_selected`` steps that crop every input to its output, and learned
    ``selected_colour`` steps that give a 1 x 1 output, and learned ``part_selected`` steps
    that pick a part of every input (``learn.py``)."""
    return (
        [
            Step(lib_objects.crop_selected, tuple(kwargs.items()), family=SELECT)
            for kwargs in learn_crop_selectors(inputs, wanted, apply_to=test_inputs)
        ]
        + [
            Step(lib_objects.selected_colour, tuple(kwargs.items()), chain=False, family=SELECT)
            for kwargs in learn_colour_selectors(inputs, wanted, apply_to=test_inputs)
        ]
        + [
            Step(lib_parts.part_selected, tuple(kwargs.items()), family=SELECT)
            for kwargs in learn_part_selectors(inputs, wanted, apply_to=test_inputs)
        ]
    )


def lookups(
    inputs: Sequence[Array], wanted: Sequence[Array], test_inputs: Sequence[Array]
) -> list[Step]:
    """Learned whole-input steps: the output looked up from a feature of the input
    (``lookup_output``), one pixel per cell from a table of its feature (``cell_table``), one
    cell per counted object in a fixed order (``count_fill``), equal blocks laid on one another
    in a learned order (``overlay_blocks``), each colour moved by its learned offset
    (``shift_colours``)."""
    steps = [
        Step(
            rules.lookup_output,
            (("feature", feature), ("table", table)),
            chain=False,
            family=LEARNED,
        )
        for feature, table in learn_output_lookups(inputs, wanted, apply_to=test_inputs)
    ]
    steps += [
        Step(lib_parts.cell_table, tuple(kwargs.items()), chain=False, family=LEARNED)
        for kwargs in learn_cell_tables(inputs, wanted, apply_to=test_inputs)
    ]
    steps += [
        Step(lib_objects.count_fill, tuple(kwargs.items()), chain=False, family=LEARNED)
        for kwargs in learn_count_fills(inputs, wanted, apply_to=test_inputs)
    ]
    steps += [
        Step(lib_parts.overlay_blocks, tuple(kwargs.items()), chain=False, family=LEARNED)
        for kwargs in learn_overlay_orders(inputs, wanted, apply_to=test_inputs)
    ]
    shifts = learn_colour_shifts(inputs, wanted, apply_to=test_inputs)
    if shifts is not None:
        steps.append(
            Step(lib_moves.shift_colours, (("table", shifts),), chain=False, family=LEARNED)
        )
    return steps
