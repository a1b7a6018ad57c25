"""The emitted source does exactly what the search evaluated in-process, for every primitive."""

from __future__ import annotations

import ast

import numpy as np
import pytest

from arcloop.search.catalogue import Step, task_steps
from arcloop.search.emit import _closure, _library, emit_source
from arcloop.search.grids import Array, to_array, to_grid
from arcloop.search.learn import (
    learn_local_rule,
    learn_object_rule,
)
from arcloop.search.learn_select import (
    CELL_FEATURES,
    GRID_FEATURES,
)
from arcloop.search.lib_objects import (
    MEASURES,
    count_fill,
    crop_selected,
    paint_from_nearest,
    paint_from_sight,
    recolour_objects,
    recolour_regions,
    selected_colour,
)
from arcloop.search.lib_paint import recolour, recolour_with_input
from arcloop.search.lib_parts import (
    PART_MEASURES,
    cell_grid,
    cell_key,
    cell_table,
    overlay_blocks,
    part_selected,
)
from arcloop.search.lib_rules import (
    apply_emit_rule,
    apply_local_rule,
    apply_neighbour_rule,
    apply_ray_rule,
    grid_feature,
    lookup_output,
)
from tests.search.helpers import arc1_task, run_source

# Tasks whose grids exercise separators, objects, masks, symmetry and repeats (and small
# grids, for the enlargements the catalogue only offers when they stay within 30 x 30).
TASKS = ["1190e5a7", "3631a71a", "0b148d64", "c3e719e8"]


LEARNED_STEP_NAMES = (
    "recolour",
    "recolour_objects",
    "recolour_regions",
    "paint_from_nearest",
    "paint_from_sight",
    "apply_local_rule",
    "apply_neighbour_rule",
    "apply_ray_rule",
    "apply_emit_rule",
    "recolour_with_input",
    "crop_selected",
    "selected_colour",
    "lookup_output",
    "cell_table",
    "part_selected",
    "count_fill",
    "overlay_blocks",
    "shift_colours",
    "apply_place_rule",
)
VIEW_AND_LAYER_NAMES = ("normalise_colours", "restore_colours", "combine_layers")
CONDITIONAL_STEP_NAMES = (
    "roll_by_markers",
    "connect_elbow",
    "complete_symmetry",
    "repeat_band",
    "attract_to_lines",
    "stamp_template",
    "complete_templates",
    "bounce_rays",
    "complete_by_analogy",
    "repeat_runs",
    "mend_lines",
    "fill_clear_lines",
    "shear",
    "fill_empty_squares",
    "fill_empty_lines",
    "fill_largest_empty_box",
    "clean_stripes",
    "shift_picture",
    "step_toward",
    "align_objects",
    "swap_colours",
    "sort_lines",
    "fill_fullest_cells",
    "cut_across_bands",
    "expand_cell",
    "move_marked_cell",
    "reverse_rings",
    "keep_middle_line",
    "shrink_content",
    "crop_block",
    "interlock_pieces",
    "step_to_lines",
    "move_by_size",
    "reverse_paths",
    "turn_objects",
    "grow_to_corner",
)
"""Steps the catalogue offers only when the train shapes or grids call for them (none of
``TASKS``; ``roll_by_markers`` and ``interlock_pieces`` are emit-tested in ``test_pieces.py``,
``connect_elbow``, ``complete_symmetry``, ``repeat_band``, ``attract_to_lines``,
``stamp_template``, ``complete_templates``, ``bounce_rays``, ``complete_by_analogy``,
``repeat_runs``, ``mend_lines`` and ``fill_clear_lines`` in ``test_same_shape.py``, ``shear``,
``shrink_content`` and ``crop_block`` in ``test_resize.py``, the fills, moves, swaps and sorts
after them in ``test_object_places.py``, ``step_to_lines``, ``move_by_size``,
``reverse_paths``, ``turn_objects`` and ``grow_to_corner`` in ``test_same_shape.py``)."""


def in_process(step: Step, grid: Array, original: Array) -> tuple[tuple[int, ...], ...] | None:
    try:
        return to_grid(np.asarray(step(grid, original)))
    except Exception:
        return None


def check_same(steps: tuple[Step, ...], grids: list[Array]) -> None:
    source = emit_source(steps, title="test")
    for g in grids:
        want: tuple[tuple[int, ...], ...] | None = to_grid(g)
        for s in steps:
            if want is None:
                break
            want = in_process(s, to_array(want), g)
        assert run_source(source, to_grid(g)) == want, steps[-1].label


@pytest.mark.parametrize("task_id", TASKS)
def test_every_catalogue_step_emits_equivalent_source(task_id: str) -> None:
    task = arc1_task(task_id)
    train = [(to_array(p.input), to_array(p.output)) for p in task.train]
    inputs = [a for a, _ in train][:2]
    for s in task_steps(train, []):
        check_same((s,), inputs)


def test_those_tasks_reach_every_library_function() -> None:
    used = set(LEARNED_STEP_NAMES) | set(VIEW_AND_LAYER_NAMES) | set(CONDITIONAL_STEP_NAMES)
    for task_id in TASKS:
        task = arc1_task(task_id)
        train = [(to_array(p.input), to_array(p.output)) for p in task.train]
        used |= {s.fn.__name__ for s in task_steps(train, [])}
    assert set(_closure(sorted(used))) == set(_library())


def test_learned_tables_emit_equivalent_source() -> None:
    made = [to_array(((1, 0, 1), (1, 0, 0), (0, 0, 5))), to_array(((5, 5, 0), (0, 0, 1)))]
    wanted = [to_array(((2, 0, 3), (2, 0, 0), (0, 0, 3))), to_array(((2, 2, 0), (0, 0, 3)))]
    table = learn_object_rule(
        made, wanted, diagonal=False, multicolour=False, feature="size", apply_to=[]
    )
    assert table is not None
    rule = learn_local_rule(made, wanted, shape="cross_set", apply_to=[])
    steps = [
        Step(
            recolour_objects,
            (("diagonal", False), ("multicolour", False), ("feature", "size"), ("table", table)),
        ),
        Step(recolour, (("mapping", {5: 1, 0: 0}),)),
    ]
    if rule is not None:
        steps.append(Step(apply_local_rule, (("shape", "cross_set"), ("table", rule))))
    steps.append(Step(apply_neighbour_rule, (("table", {(0, "side", 1): 7, (0, "corner", 5): 4}),)))
    steps.append(Step(apply_neighbour_rule, (("table", {(0, "ne", 1): 7, (1, "s", 0): 4}),)))
    steps.append(
        Step(
            apply_ray_rule, (("table", {(0, "v", 1, 0): 7, (0, "h", 0, 1): 4, (1, "s", 0, 5): 2}),)
        )
    )
    steps.append(Step(apply_emit_rule, (("table", {(-1, 0, "se"): -1, (1, 2, "n"): 4}),)))
    for shape, key in (("rays", (0, 1, 0, 0, 0)), ("boxes", (0, 1, 5)), ("-y%2", (0, 1))):
        steps.append(Step(apply_local_rule, (("shape", shape), ("table", {key: 7}))))
    for feature in ("rank", "colour_touches"):
        kwargs = (("diagonal", True), ("multicolour", False), ("feature", feature))
        steps.append(Step(recolour_objects, (*kwargs, ("table", {"max": 4, (5, (1,)): 6}))))
    others = (("diagonal", False), ("multicolour", False), ("feature", "size"))
    steps.append(Step(recolour_objects, (*others, ("table", {"*": 4, 1: 6}))))
    for region_feature, flag in (("filled", True), ("touch_5", True), ("square", False)):
        region_table: dict[object, int] = {flag: 4}
        region_kwargs = (("diagonal", False), ("feature", region_feature), ("table", region_table))
        steps.append(Step(recolour_regions, region_kwargs))
    steps.append(Step(paint_from_nearest, (("colours", (1,)),)))
    for direction in ("up", "down", "left", "right"):
        steps.append(Step(paint_from_sight, (("colours", (5,)), ("direction", direction))))
    stack = Step(recolour_with_input, (("table", {(1, 1): 4, (0, 5): 6}),), reads_input=True)
    for s in steps:
        check_same((s,), made)
        check_same((s, stack), made)


@pytest.mark.parametrize("measure", MEASURES)
def test_every_crop_selector_emits_equivalent_source(measure: str) -> None:
    task = arc1_task("0b148d64")
    grids = [to_array(p.input) for p in task.train]
    for diagonal in (False, True):
        for most in (False, True):
            kwargs = {"diagonal": diagonal, "multicolour": diagonal, "measure": measure}
            kwargs |= {"most": most, "alone": most}
            check_same((Step(crop_selected, tuple(kwargs.items())),), grids)


def test_selected_colour_emits_equivalent_source() -> None:
    grids = [to_array(p.input) for p in arc1_task("0b148d64").train]
    for measure in ("size", "rarity", "empty"):
        for most in (False, True):
            kwargs = {"diagonal": most, "multicolour": most, "measure": measure, "most": most}
            check_same((Step(selected_colour, tuple(kwargs.items())),), grids)


def test_learned_lookups_emit_equivalent_source() -> None:
    grids = [to_array(p.input) for p in arc1_task("1190e5a7").train]
    for feature in GRID_FEATURES:
        table = ((grid_feature(grids[0], feature), ((1, 2), (3, 4))),)
        check_same((Step(lookup_output, (("feature", feature), ("table", table))),), grids)
    for feature in CELL_FEATURES:
        for ky, kx in ((0, 0), (1, 1)):
            keys = {cell_key(c, feature) for row in cell_grid(grids[0], ky, kx) for c in row}
            colours = tuple((k, i % 10) for i, k in enumerate(sorted(keys, key=repr)))
            kwargs = (("ky", ky), ("kx", kx), ("feature", feature), ("table", colours))
            check_same((Step(cell_table, kwargs),), grids)


def test_count_fill_emits_equivalent_source() -> None:
    grids = [to_array(p.input) for p in arc1_task("0b148d64").train]
    for order in ("rows", "snake", "cols", "checker"):
        for colour, min_size in ((0, 1), (1, 2)):
            kwargs = (("colour", colour), ("min_size", min_size), ("h", 12), ("w", 12))
            check_same((Step(count_fill, (*kwargs, ("order", order))),), grids)


def test_overlay_blocks_emits_equivalent_source() -> None:
    grids = [to_array(p.input) for p in arc1_task("3631a71a").train[:2]]
    for rows, cols, order in ((2, 2, (3, 0, 2, 1)), (1, 2, (1, 0)), (3, 1, (0, 2, 1))):
        kwargs = (("rows", rows), ("cols", cols), ("order", order))
        check_same((Step(overlay_blocks, kwargs),), grids)


def test_part_selectors_emit_equivalent_source() -> None:
    grids = [to_array(p.input) for p in arc1_task("1190e5a7").train]
    grids += [to_array(p.input) for p in arc1_task("3631a71a").train[:1]]
    for measure in PART_MEASURES:
        for axis, n in ((0, 2), (1, 3), (2, 0)):
            kwargs = (("axis", axis), ("n", n), ("measure", measure), ("most", axis == 2))
            check_same((Step(part_selected, kwargs),), grids)


def test_source_is_self_contained_numpy_only() -> None:
    task = arc1_task("0b148d64")
    train = [(to_array(p.input), to_array(p.output)) for p in task.train]
    steps = task_steps(train, [])
    source = emit_source(tuple(steps[-3:]), title="several steps")
    tree = ast.parse(source)
    imports = [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
    imported = {alias.name for node in imports for alias in node.names}
    assert imported <= {"numpy", "annotations"}
    assert "arcloop." not in source
    assert "def transform(grid):" in source


def test_identity_program() -> None:
    assert run_source(emit_source((), title="identity"), ((1, 2),)) == ((1, 2),)
