"""Same-shape primitives: symmetry completed about a found centre, L-shaped joins, a lattice's
pattern laid into every cell, objects drawn to their anchor, and their emitted source."""

from __future__ import annotations

import numpy as np
import pytest

from arcloop.search.catalogue import step, task_steps
from arcloop.search.lib_geometry import repeat_band
from arcloop.search.lib_moves import (
    attract_to_lines,
    move_by_size,
    objects_to_contact,
    step_to_lines,
)
from arcloop.search.lib_objects import (
    complete_templates,
    reverse_paths,
    stamp_template,
    turn_objects,
)
from arcloop.search.lib_paint import (
    bounce_rays,
    complete_by_analogy,
    complete_symmetry,
    connect_elbow,
    fill_clear_lines,
    grow_to_corner,
    mend_lines,
    overlay_mirror,
    repeat_runs,
    symmetry_centre,
)
from arcloop.search.lib_parts import broadcast_cells, copy_to_marked_cells
from tests.search.test_emit import check_same


def a(rows: list[list[int]]) -> np.ndarray:
    return np.array(rows, dtype=np.int_)


# A plus of 3s around a 4 with one arm missing, off the grid's centre.
PLUS = a(
    [
        [0, 0, 0, 0, 0, 0],
        [0, 0, 3, 0, 0, 0],
        [0, 3, 4, 0, 0, 0],
        [0, 0, 3, 0, 0, 0],
        [0, 0, 0, 0, 0, 0],
    ]
)


def test_symmetry_centre_is_voted_by_the_cells_that_agree() -> None:
    # doubled coordinates: the 4 at row 2, column 2
    assert symmetry_centre(PLUS, ("quarter", "half", "three")) == (4, 4)


def test_complete_symmetry_fills_the_missing_arm_about_the_found_centre() -> None:
    done = complete_symmetry(PLUS, -1, "turns")
    assert done[2].tolist() == [0, 3, 4, 3, 0, 0]
    assert np.count_nonzero(done) == 5


def test_complete_symmetry_mirrors_about_the_box_of_a_colour() -> None:
    g = a([[1, 1, 0, 0, 0], [0, 1, 0, 0, 0], [0, 0, 2, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]])
    done = complete_symmetry(g, 2, "both")
    assert done.tolist() == [
        [1, 1, 0, 1, 1],
        [0, 1, 0, 1, 0],
        [0, 0, 2, 0, 0],
        [0, 1, 0, 1, 0],
        [1, 1, 0, 1, 1],
    ]


def test_complete_symmetry_refuses_an_image_on_another_colour() -> None:
    g = a([[1, 0, 5], [0, 2, 0], [0, 0, 0]])
    try:
        complete_symmetry(g, 2, "both")
    except ValueError:
        return
    raise AssertionError("an image of 1 lands on 5")


def test_complete_symmetry_emits_equivalent_source() -> None:
    grids = [PLUS, a([[1, 1, 0, 0, 0], [0, 1, 0, 0, 0], [0, 0, 2, 0, 0], [0, 0, 0, 0, 0]])]
    for colour in (-1, 2):
        for how in ("all", "turns", "both"):
            check_same((step(complete_symmetry, colour=colour, how=how),), grids)


def test_complete_symmetry_with_two_mirrors_about_the_voted_centre() -> None:
    # two arms of an L about the 4 agree with the two mirrors; the other corner is missing
    g = a([[3, 0, 3, 0], [0, 4, 0, 0], [3, 0, 0, 0], [0, 0, 0, 0]])
    assert complete_symmetry(g, -1, "both").tolist() == [
        [3, 0, 3, 0],
        [0, 4, 0, 0],
        [3, 0, 3, 0],
        [0, 0, 0, 0],
    ]


def test_completions_are_offered_only_when_the_outputs_only_add_to_the_inputs() -> None:
    grown = [(a([[1, 0, 0], [0, 0, 0]]), a([[1, 0, 1], [0, 0, 0]]))]
    moved = [(a([[1, 0, 0], [0, 0, 0]]), a([[0, 0, 1], [0, 0, 0]]))]
    # the background is the most common colour, here 7: painting over it only adds
    grown_on_7 = [(a([[1, 7, 7], [7, 7, 7]]), a([[1, 7, 1], [7, 7, 7]]))]
    for train, offered in ((grown, True), (moved, False), (grown_on_7, True)):
        steps = task_steps(train, [])
        assert any(s.fn is complete_symmetry for s in steps) is offered
        assert (step(overlay_mirror, how="half") in steps) is offered


def test_overlay_mirror_half_turn_fills_from_the_grid_turned_about_its_centre() -> None:
    g = a([[1, 2, 0], [0, 5, 0], [0, 0, 0]])
    assert overlay_mirror(g, "half").tolist() == [[1, 2, 0], [0, 5, 0], [0, 2, 1]]
    check_same((step(overlay_mirror, how="half"),), [g, PLUS])


def test_connect_elbow_goes_along_the_row_then_down_the_column() -> None:
    g = a([[0, 2, 0, 0], [0, 0, 0, 0], [0, 0, 0, 3]])
    assert connect_elbow(g, 2, "h").tolist() == [[0, 2, 2, 2], [0, 0, 0, 2], [0, 0, 0, 3]]
    assert connect_elbow(g, 2, "v").tolist() == [[0, 2, 0, 0], [0, 2, 0, 0], [0, 2, 2, 3]]


def test_connect_elbow_emits_equivalent_source() -> None:
    grids = [a([[0, 2, 0, 0], [0, 0, 0, 0], [0, 0, 0, 3]]), a([[0, 0, 0], [3, 0, 0], [0, 0, 2]])]
    for axis in "hv":
        check_same((step(connect_elbow, colour=2, axis=axis),), grids)


LATTICE = a(
    [
        [1, 0, 5, 0, 0],
        [0, 0, 5, 0, 2],
        [5, 5, 5, 5, 5],
        [0, 0, 5, 0, 0],
        [0, 0, 5, 0, 0],
    ]
)


def test_broadcast_cells_lays_every_cell_pattern_into_every_cell() -> None:
    done = broadcast_cells(LATTICE, False)
    assert done[:2].tolist() == [[1, 0, 5, 1, 0], [0, 2, 5, 0, 2]]
    assert done[3:].tolist() == [[1, 0, 5, 1, 0], [0, 2, 5, 0, 2]]


def test_broadcast_cells_marks_what_it_adds_with_the_separator_colour() -> None:
    done = broadcast_cells(LATTICE, True)
    assert done[:2].tolist() == [[1, 0, 5, 5, 0], [0, 5, 5, 0, 2]]


def test_broadcast_cells_emits_equivalent_source() -> None:
    for mark in (False, True):
        check_same((step(broadcast_cells, mark=mark),), [LATTICE, LATTICE.T])


# A 2 x 3 lattice: one cell shows a pattern, two hold a dot (a mark), the rest are empty.
MARKED_LATTICE = a(
    [
        [3, 3, 5, 0, 0, 5, 0, 0],
        [0, 3, 5, 0, 4, 5, 0, 0],
        [5, 5, 5, 5, 5, 5, 5, 5],
        [0, 0, 5, 0, 0, 5, 0, 0],
        [0, 0, 5, 0, 0, 5, 0, 1],
    ]
)


def test_copy_to_marked_cells_pastes_the_pattern_where_marked() -> None:
    assert copy_to_marked_cells(MARKED_LATTICE).tolist() == [
        [3, 3, 5, 3, 3, 5, 0, 0],
        [0, 3, 5, 0, 3, 5, 0, 0],
        [5, 5, 5, 5, 5, 5, 5, 5],
        [0, 0, 5, 0, 0, 5, 3, 3],
        [0, 0, 5, 0, 0, 5, 0, 3],
    ]


def test_copy_to_marked_cells_refuses_a_lattice_without_marks() -> None:
    with pytest.raises(ValueError):
        copy_to_marked_cells(a([[3, 3, 5, 0, 0], [0, 3, 5, 0, 0]]))


def test_copy_to_marked_cells_emits_equivalent_source() -> None:
    check_same((step(copy_to_marked_cells),), [MARKED_LATTICE, MARKED_LATTICE.T, LATTICE])


SATELLITES = a(
    [
        [5, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0],
        [0, 0, 0, 2, 0, 5],
        [0, 0, 0, 0, 0, 0],
        [0, 0, 0, 5, 0, 0],
    ]
)


def test_objects_to_contact_draws_each_object_to_the_anchor_in_line_with_it() -> None:
    # the 5s form several objects, the 2 one: each 5 slides to it (the first one diagonally)
    assert objects_to_contact(SATELLITES, True, False).tolist() == [
        [0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0],
        [0, 0, 5, 0, 0, 0],
        [0, 0, 0, 2, 5, 0],
        [0, 0, 0, 5, 0, 0],
        [0, 0, 0, 0, 0, 0],
    ]


def test_objects_to_contact_emits_equivalent_source() -> None:
    for trail in (False, True):
        for diagonal in (False, True):
            only = step(objects_to_contact, diagonal=diagonal, trail=trail)
            check_same((only,), [SATELLITES, SATELLITES.T])


def test_objects_to_contact_with_a_trail_paints_the_way_instead() -> None:
    assert objects_to_contact(SATELLITES, True, True).tolist() == [
        [5, 0, 0, 0, 0, 0],
        [0, 5, 0, 0, 0, 0],
        [0, 0, 5, 0, 0, 0],
        [0, 0, 0, 2, 5, 5],
        [0, 0, 0, 5, 0, 0],
        [0, 0, 0, 5, 0, 0],
    ]


def test_complete_symmetry_about_a_colour_wants_that_colour_in_one_piece() -> None:
    g = a([[2, 0, 0, 0, 2], [0, 1, 0, 0, 0], [0, 0, 0, 0, 0]])
    try:
        complete_symmetry(g, 2, "both")
    except ValueError:
        return
    raise AssertionError("the 2s are two pieces: no centre")


# A band of three columns (0-2) that repeats every 2 columns inside it, in a 7-wide grid.
BAND = a([[0, 0, 0, 0, 0, 0, 0], [1, 2, 1, 0, 0, 0, 0], [3, 3, 3, 0, 0, 0, 0]])


def test_repeat_band_continues_the_band_in_steps_of_its_width() -> None:
    assert repeat_band(BAND, 1, False).tolist() == [
        [0, 0, 0, 0, 0, 0, 0],
        [1, 2, 1, 1, 2, 1, 1],
        [3, 3, 3, 3, 3, 3, 3],
    ]


def test_repeat_band_with_minimal_continues_the_period_the_band_shows() -> None:
    assert repeat_band(BAND, 1, True)[1].tolist() == [1, 2, 1, 2, 1, 2, 1]
    # rows: the band is rows 1-2 and holds no repeat of its own
    try:
        repeat_band(BAND, 0, True)
    except ValueError:
        return
    raise AssertionError("two different rows show no period")


def test_repeat_band_emits_equivalent_source() -> None:
    for axis in (0, 1):
        for minimal in (False, True):
            check_same((step(repeat_band, axis=axis, minimal=minimal),), [BAND, PLUS])


# A row of 2s and a column of 3s; a 2 and a 3 above and beside them, a lone 4.
LINES_AND_PIECES = a(
    [
        [0, 2, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 3],
        [0, 0, 0, 0, 4, 3],
        [0, 0, 0, 0, 0, 3],
        [0, 0, 3, 0, 0, 3],
        [2, 2, 2, 2, 0, 0],
    ]
)


def test_attract_to_lines_pulls_each_piece_to_the_line_of_its_colour() -> None:
    # the 2 drops onto the row of 2s, the 3 slides to the column of 3s, the 4 has no line
    assert attract_to_lines(LINES_AND_PIECES).tolist() == [
        [0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 3],
        [0, 0, 0, 0, 0, 3],
        [0, 0, 0, 0, 0, 3],
        [0, 2, 0, 0, 3, 3],
        [2, 2, 2, 2, 0, 0],
    ]


def test_attract_to_lines_refuses_a_grid_without_lines() -> None:
    with pytest.raises(ValueError):
        attract_to_lines(a([[1, 0, 1], [0, 0, 0], [0, 2, 0]]))


def test_attract_to_lines_emits_equivalent_source() -> None:
    only = step(attract_to_lines)
    check_same((only,), [LINES_AND_PIECES, LINES_AND_PIECES.T, a([[1, 0], [0, 1]])])


# A column of 2s; a piece of two 2s touching at a corner, and a lone 2 further out on its row.
PILING = a([[2, 0, 0, 0, 0, 0], [2, 0, 0, 2, 0, 2], [2, 0, 2, 0, 0, 0]])


def test_attract_to_lines_piles_pieces_joined_at_corners() -> None:
    # the corner-joined piece moves as one, nearest first; the lone 2 stops against it
    assert attract_to_lines(PILING, diagonal=True, pile=True).tolist() == [
        [2, 0, 0, 0, 0, 0],
        [2, 0, 2, 2, 0, 0],
        [2, 2, 0, 0, 0, 0],
    ]
    # without piling the lone 2 passes through to the line
    assert attract_to_lines(PILING, diagonal=True).tolist() == [
        [2, 0, 0, 0, 0, 0],
        [2, 2, 2, 0, 0, 0],
        [2, 2, 0, 0, 0, 0],
    ]


def test_attract_to_lines_piling_emits_equivalent_source() -> None:
    piling = step(attract_to_lines, diagonal=True, pile=True)
    check_same((piling,), [PILING, PILING.T, LINES_AND_PIECES, a([[1, 0], [0, 1]])])


# Walls of 2 (top) and 3 (right, its end cell touching a 3 beside it); a 2 and a corner-joined
# pair of 3s out in the open, a 4 with no wall.
WALLS = a(
    [
        [2, 2, 2, 2, 0],
        [0, 0, 0, 0, 3],
        [0, 3, 0, 0, 3],
        [3, 0, 0, 3, 3],
        [0, 4, 2, 0, 0],
    ]
)


def test_step_to_lines_moves_each_piece_one_cell_towards_its_wall() -> None:
    assert step_to_lines(WALLS).tolist() == [
        [2, 2, 2, 2, 0],
        [0, 0, 0, 0, 3],
        [0, 0, 3, 0, 3],
        [0, 3, 2, 3, 3],
        [0, 4, 0, 0, 0],
    ]


def test_step_to_lines_refuses_a_grid_without_walls() -> None:
    with pytest.raises(ValueError):
        step_to_lines(a([[1, 0, 1], [0, 0, 0], [0, 2, 0]]))


def test_step_to_lines_emits_equivalent_source() -> None:
    check_same((step(step_to_lines),), [WALLS, WALLS.T, PILING, a([[1, 0], [0, 1]])])


# A floor of 8s; a piece of three 4s and a lone 6 on it.
FLOOR = a(
    [
        [0, 0, 0, 0],
        [0, 0, 0, 0],
        [0, 0, 0, 0],
        [0, 0, 0, 0],
        [4, 0, 0, 0],
        [4, 4, 0, 6],
        [8, 8, 8, 8],
    ]
)


def test_move_by_size_lifts_each_piece_by_its_cell_count() -> None:
    assert move_by_size(FLOOR, "up").tolist() == [
        [0, 0, 0, 0],
        [4, 0, 0, 0],
        [4, 4, 0, 0],
        [0, 0, 0, 0],
        [0, 0, 0, 6],
        [0, 0, 0, 0],
        [8, 8, 8, 8],
    ]


def test_move_by_size_refuses_a_piece_leaving_the_grid() -> None:
    with pytest.raises(ValueError):
        move_by_size(FLOOR, "down")


def test_move_by_size_emits_equivalent_source() -> None:
    for direction in ("up", "down", "left", "right"):
        check_same((step(move_by_size, direction=direction),), [FLOOR, FLOOR.T, WALLS])


# A 2-and-4 template, a grey silhouette of its shape and a grey one of another shape.
TEMPLATE_AND_SILHOUETTES = a(
    [
        [2, 4, 0, 0, 0],
        [4, 0, 0, 5, 5],
        [0, 0, 0, 5, 0],
        [5, 0, 0, 0, 0],
        [5, 5, 0, 0, 0],
    ]
)


def test_stamp_template_paints_each_silhouette_like_the_template_of_its_shape() -> None:
    assert stamp_template(TEMPLATE_AND_SILHOUETTES).tolist() == [
        [2, 4, 0, 0, 0],
        [4, 0, 0, 2, 4],
        [0, 0, 0, 4, 0],
        [5, 0, 0, 0, 0],
        [5, 5, 0, 0, 0],
    ]


def test_stamp_template_emits_equivalent_source() -> None:
    only = step(stamp_template)
    check_same((only,), [TEMPLATE_AND_SILHOUETTES, TEMPLATE_AND_SILHOUETTES.T, LINES_AND_PIECES])


# A winding path of beads 1 2 3 4 5, and a 2 x 2 block (not a path).
PATH_AND_BLOCK = a(
    [
        [1, 2, 0, 0, 0, 0],
        [0, 3, 0, 0, 6, 6],
        [0, 4, 5, 0, 6, 6],
    ]
)


def test_reverse_paths_reads_each_path_backwards() -> None:
    assert reverse_paths(PATH_AND_BLOCK).tolist() == [
        [5, 4, 0, 0, 0, 0],
        [0, 3, 0, 0, 6, 6],
        [0, 2, 1, 0, 6, 6],
    ]


def test_reverse_paths_refuses_a_grid_without_paths() -> None:
    with pytest.raises(ValueError):
        reverse_paths(a([[6, 6], [6, 6]]))
    with pytest.raises(ValueError):  # a straight line has no turn to follow
        reverse_paths(a([[1, 2, 3, 4]]))


def test_reverse_paths_emits_equivalent_source() -> None:
    check_same((step(reverse_paths),), [PATH_AND_BLOCK, PATH_AND_BLOCK.T, FLOOR])


# A bar of three 5s across, and an L of 2s in a 2 x 2 box (centred between cells: it can turn).
BARS = a(
    [
        [0, 0, 0, 0, 0],
        [5, 5, 5, 0, 0],
        [0, 0, 0, 2, 0],
        [0, 0, 0, 2, 2],
    ]
)


def test_turn_objects_turns_each_object_about_its_centre() -> None:
    assert turn_objects(BARS, "cw").tolist() == [
        [0, 5, 0, 0, 0],
        [0, 5, 0, 0, 0],
        [0, 5, 0, 2, 2],
        [0, 0, 0, 2, 0],
    ]


def test_turn_objects_refuses_a_box_with_no_centre_cell() -> None:
    with pytest.raises(ValueError):
        turn_objects(a([[0, 0, 0], [4, 4, 0], [0, 0, 0]]), "ccw")


def test_turn_objects_emits_equivalent_source() -> None:
    for how in ("cw", "ccw"):
        check_same((step(turn_objects, how=how),), [BARS, BARS.T, PATH_AND_BLOCK])


# A 4 in the lower left quarter and a 9 in the upper right one.
SEEDS = a(
    [
        [0, 0, 0, 0, 9],
        [0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0],
        [0, 4, 0, 0, 0],
        [0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0],
    ]
)


def test_grow_to_corner_fills_the_box_to_the_nearest_corner() -> None:
    assert grow_to_corner(SEEDS).tolist() == [
        [0, 0, 0, 0, 9],
        [0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0],
        [4, 4, 0, 0, 0],
        [4, 4, 0, 0, 0],
        [4, 4, 0, 0, 0],
    ]


def test_grow_to_corner_refuses_a_seed_in_the_middle() -> None:
    with pytest.raises(ValueError):
        grow_to_corner(a([[0, 0, 0], [0, 5, 0], [0, 0, 0]]))


def test_grow_to_corner_emits_equivalent_source() -> None:
    check_same((step(grow_to_corner),), [SEEDS, SEEDS.T, BARS])


# A 2-and-1 template; a lone 2 (its piece as it is), a 2 on its side (a piece turned) and a
# 2 x 2 block of 2s (a piece at twice the scale).
FIGURE_AND_PIECES = a(
    [
        [1, 2, 1, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 2, 0, 0],
        [0, 0, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 2, 2, 0, 0, 0],
        [0, 0, 0, 2, 2, 0, 0, 0],
    ]
)


def test_complete_templates_draws_the_figure_around_each_piece() -> None:
    assert complete_templates(FIGURE_AND_PIECES, turns=False).tolist() == [
        [1, 2, 1, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 1, 2, 1, 0],
        [0, 0, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 0, 0],
        [0, 1, 1, 2, 2, 1, 1, 0],
        [0, 1, 1, 2, 2, 1, 1, 0],
    ]


def test_complete_templates_turns_a_figure_to_fit_its_piece() -> None:
    # a 2 above a 3 fits the 1-2-3 row only turned into a column
    g = a([[1, 2, 3, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 2, 0], [0, 0, 3, 0]])
    assert complete_templates(g, turns=True)[:, 2].tolist() == [3, 0, 1, 2, 3]
    with pytest.raises(ValueError):
        complete_templates(g, turns=False)


def test_complete_templates_leaves_a_piece_that_two_turns_complete_differently() -> None:
    # turned, the lone 2 and the block could be the middle of a row or of a column
    with pytest.raises(ValueError):
        complete_templates(FIGURE_AND_PIECES, turns=True)


def test_complete_templates_needs_a_many_coloured_template() -> None:
    with pytest.raises(ValueError):
        complete_templates(a([[2, 0, 0], [0, 0, 2]]), turns=False)


def test_complete_templates_emits_equivalent_source() -> None:
    for turns in (False, True):
        only = step(complete_templates, turns=turns)
        check_same((only,), [FIGURE_AND_PIECES, FIGURE_AND_PIECES.T, TEMPLATE_AND_SILHOUETTES])


def test_bounce_rays_zigzags_from_a_corner_between_the_grid_sides() -> None:
    g = a([[0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0], [4, 0, 0]])
    assert bounce_rays(g, colour=-1).tolist() == [
        [0, 4, 0],
        [4, 0, 0],
        [0, 4, 0],
        [0, 0, 4],
        [0, 4, 0],
        [4, 0, 0],
    ]


def test_bounce_rays_goes_on_along_a_line_and_turns_at_a_block() -> None:
    # the 8s point up-right; the ray meets the 2s and turns back across columns, then again
    # at the grid's left side, and ends at the top edge (where only a turn back across rows
    # would free it)
    g = a(
        [
            [0, 0, 0, 0, 0],
            [0, 0, 0, 0, 0],
            [0, 0, 0, 2, 2],
            [0, 0, 0, 2, 2],
            [0, 8, 0, 0, 0],
            [8, 0, 0, 0, 0],
        ]
    )
    assert bounce_rays(g, colour=3).tolist() == [
        [0, 3, 0, 0, 0],
        [3, 0, 0, 0, 0],
        [0, 3, 0, 2, 2],
        [0, 0, 3, 2, 2],
        [0, 8, 0, 0, 0],
        [8, 0, 0, 0, 0],
    ]


def test_bounce_rays_emits_equivalent_source() -> None:
    g = a([[0, 0, 0], [0, 0, 0], [0, 0, 0], [5, 0, 0]])
    check_same((step(bounce_rays, colour=3),), [g, g.T, TEMPLATE_AND_SILHOUETTES])


# A full row of 1s and 2s; a row begun in 3s and 4s, one begun in 5s only (no 2 stands for
# anything there), and a column-wise full line nowhere.
ROWS_BEGUN = a(
    [
        [1, 1, 2, 1, 2, 2],
        [0, 0, 0, 0, 0, 0],
        [3, 3, 4, 0, 0, 0],
        [5, 5, 0, 0, 0, 0],
    ]
)


def test_complete_by_analogy_goes_on_with_the_full_rows_pattern_in_each_rows_colours() -> None:
    assert complete_by_analogy(ROWS_BEGUN, axis=0).tolist() == [
        [1, 1, 2, 1, 2, 2],
        [0, 0, 0, 0, 0, 0],
        [3, 3, 4, 3, 4, 4],
        [5, 5, 0, 0, 0, 0],
    ]
    assert np.array_equal(
        complete_by_analogy(ROWS_BEGUN.T, axis=1), complete_by_analogy(ROWS_BEGUN, axis=0).T
    )
    with pytest.raises(ValueError):
        complete_by_analogy(ROWS_BEGUN, axis=1)


def test_complete_by_analogy_emits_equivalent_source() -> None:
    check_same((step(complete_by_analogy, axis=0),), [ROWS_BEGUN, ROWS_BEGUN.T])


# A run of 8-3-2 alone on its row and on its column (crossing at the 2), a lone 5 on another
# row and two runs on the last row.
CROSSED_RUNS = a(
    [
        [0, 0, 0, 0, 0, 0, 0],
        [0, 0, 8, 0, 0, 0, 5],
        [0, 0, 3, 0, 0, 0, 0],
        [8, 3, 2, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 0],
        [1, 1, 0, 0, 4, 4, 0],
    ]
)


def test_repeat_runs_repeats_each_lone_run_along_its_row_and_column() -> None:
    assert repeat_runs(CROSSED_RUNS, lines="both").tolist() == [
        [0, 0, 2, 0, 0, 0, 0],
        [0, 0, 8, 0, 0, 0, 5],
        [0, 0, 3, 0, 0, 0, 0],
        [8, 3, 2, 8, 3, 2, 8],
        [0, 0, 8, 0, 0, 0, 0],
        [1, 1, 3, 0, 4, 4, 0],
    ]
    assert repeat_runs(CROSSED_RUNS, lines="rows")[:, 2].tolist() == [0, 8, 3, 2, 0, 0]


def test_repeat_runs_emits_equivalent_source() -> None:
    for lines in ("rows", "cols", "both"):
        check_same((step(repeat_runs, lines=lines),), [CROSSED_RUNS, CROSSED_RUNS.T])


# A dashed box of 1s: its top row and its sides mostly 1s; its bottom row two 1s in five.
DASHED_BOX = a(
    [
        [0, 0, 0, 0, 0, 0],
        [1, 1, 0, 1, 1, 0],
        [1, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 1, 0],
        [1, 0, 0, 0, 1, 0],
        [1, 0, 1, 0, 0, 0],
    ]
)


def test_mend_lines_closes_the_gaps_of_mostly_drawn_lines_only() -> None:
    assert mend_lines(DASHED_BOX, colour=2).tolist() == [
        [0, 0, 0, 0, 0, 0],
        [1, 1, 2, 1, 1, 0],
        [1, 0, 0, 0, 2, 0],
        [2, 0, 0, 0, 1, 0],
        [1, 0, 0, 0, 1, 0],
        [1, 0, 1, 0, 2, 0],
    ]
    assert mend_lines(DASHED_BOX, colour=-1)[3, 0] == 1


def test_mend_lines_emits_equivalent_source() -> None:
    check_same((step(mend_lines, colour=2),), [DASHED_BOX, DASHED_BOX.T])


# A frame of 8s and 2s with a notch of 8 in its top and a stub of 2 on its right side.
FRAME_WITH_STUBS = a(
    [
        [8, 8, 8, 8, 8],
        [8, 0, 8, 0, 2],
        [8, 0, 0, 0, 2],
        [8, 0, 0, 2, 2],
        [8, 8, 8, 8, 2],
    ]
)


def test_fill_clear_lines_marks_only_lines_clear_from_wall_to_wall() -> None:
    assert fill_clear_lines(FRAME_WITH_STUBS, colour=3).tolist() == [
        [8, 8, 8, 8, 8],
        [8, 3, 8, 0, 2],
        [8, 3, 3, 3, 2],
        [8, 3, 0, 2, 2],
        [8, 8, 8, 8, 2],
    ]


def test_fill_clear_lines_emits_equivalent_source() -> None:
    check_same((step(fill_clear_lines, colour=3),), [FRAME_WITH_STUBS, FRAME_WITH_STUBS.T])
