"""Objects repainted by place, empty squares and lines filled, noisy stripes cleaned, the
picture shifted, pieces stepped towards a target or lined up, figure and ground swapped,
lattice cells rewritten, rings reversed, the middle line kept: the primitives, the learned
place rule, the gates that offer them, and their emitted source."""

from __future__ import annotations

import numpy as np
import pytest

from arcloop.search.catalogue import Step, step, task_steps
from arcloop.search.finish import place_finishes
from arcloop.search.learn import learn_place_rule
from arcloop.search.lib_geometry import keep_middle_line, reverse_rings
from arcloop.search.lib_moves import align_objects, shift_picture, step_toward
from arcloop.search.lib_objects import apply_place_rule, place_codes, recolour_regions
from arcloop.search.lib_paint import (
    clean_stripes,
    cut_across_bands,
    fill_empty_lines,
    fill_empty_squares,
    fill_largest_empty_box,
    sort_lines,
    swap_colours,
)
from arcloop.search.lib_parts import expand_cell, fill_fullest_cells, move_marked_cell
from tests.search.test_emit import check_same


def a(rows: list[list[int]]) -> np.ndarray:
    return np.array(rows, dtype=np.int_)


# Two bars three rows high; the output opens every other cell of each bar's middle row.
BARS = a([[4, 4, 4, 4, 0], [4, 4, 4, 4, 0], [4, 4, 4, 4, 0], [0, 0, 0, 0, 0], [0, 7, 7, 7, 0]])
OPENED = a([[4, 4, 4, 4, 0], [4, 0, 4, 0, 0], [4, 4, 4, 4, 0], [0, 0, 0, 0, 0], [0, 7, 7, 7, 0]])


def test_place_codes_by_parity_and_by_half() -> None:
    assert place_codes(BARS, False, "parity")[:2].tolist() == [[0, 1, 0, 1, -1], [2, 3, 2, 3, -1]]
    bar = a([[0, 5], [0, 5], [0, 5], [0, 5]])
    assert place_codes(bar, False, "half").tolist() == [[-1, 1], [-1, 1], [-1, 7], [-1, 7]]


def test_apply_place_rule_opens_every_other_cell_of_the_middle_row() -> None:
    assert apply_place_rule(BARS, False, "parity", False, {3: 0}).tolist() == OPENED.tolist()


def test_apply_place_rule_keyed_by_colour_leaves_other_colours() -> None:
    out = apply_place_rule(BARS, False, "parity", True, {16 * 4 + 3: 0})
    assert out.tolist() == OPENED.tolist()
    assert apply_place_rule(BARS, False, "parity", True, {16 * 7 + 3: 0}).tolist() == BARS.tolist()


def test_learn_place_rule_from_one_pair() -> None:
    table = learn_place_rule(
        [BARS], [OPENED], diagonal=False, place="parity", coloured=False, apply_to=[BARS]
    )
    assert table == {3: 0}


def test_learn_place_rule_refuses_a_changed_background_cell() -> None:
    wanted = OPENED.copy()
    wanted[3, 0] = 2
    table = learn_place_rule(
        [BARS], [wanted], diagonal=False, place="parity", coloured=False, apply_to=[]
    )
    assert table is None
    assert place_finishes([BARS], [wanted], []) == []


def test_learn_place_rule_lower_half_of_each_bar() -> None:
    made = a([[2, 0, 0], [2, 0, 2], [2, 0, 2], [2, 0, 2]])
    wanted = a([[2, 0, 0], [2, 0, 2], [8, 0, 2], [8, 0, 8]])
    table = learn_place_rule(
        [made], [wanted], diagonal=False, place="half", coloured=False, apply_to=[]
    )
    assert table == {7: 8}


def test_fill_empty_squares_fills_squares_not_gaps() -> None:
    g = a([[5, 0, 0, 5], [5, 0, 0, 0], [0, 5, 0, 5]])
    assert fill_empty_squares(g, 2, 1).tolist() == [[5, 1, 1, 5], [5, 1, 1, 0], [0, 5, 0, 5]]


def test_clean_stripes_by_columns() -> None:
    g = a([[1, 2, 3], [1, 5, 3], [4, 2, 3]])
    assert clean_stripes(g).tolist() == [[1, 2, 3], [1, 2, 3], [1, 2, 3]]


def _offered(train: list[tuple[np.ndarray, np.ndarray]], fn: object) -> list[Step]:
    return [s for s in task_steps(train, []) if s.fn is fn]


def test_gates_offer_the_fill_and_the_cleaning_only_on_their_evidence() -> None:
    g = a([[5, 0, 0, 5], [5, 0, 0, 0], [0, 5, 0, 5]])
    filled = fill_empty_squares(g, 2, 1)
    assert len(_offered([(g, filled)], fill_empty_squares)) == 3
    assert _offered([(g, g[::-1].copy())], fill_empty_squares) == []
    noisy = a([[1, 2, 3], [1, 5, 3], [4, 2, 3]])
    assert len(_offered([(noisy, clean_stripes(noisy))], clean_stripes)) == 1
    assert _offered([(g, filled)], clean_stripes) == []


def test_new_primitives_emit_equivalent_source() -> None:
    grids = [BARS, a([[5, 0, 0, 5], [5, 0, 0, 0], [0, 5, 0, 5]])]
    check_same(
        (step(apply_place_rule, diagonal=True, place="half", coloured=False, table={7: 8, 1: 3}),),
        grids,
    )
    check_same((step(fill_empty_squares, size=2, colour=1),), grids)
    check_same((step(fill_empty_lines, colour=2),), grids)
    check_same((step(shift_picture, dy=1, dx=0),), [a([[0, 3], [0, 0]])])
    pieces = [a([[2, 2, 0, 0], [0, 0, 0, 1], [0, 4, 0, 1]]), a([[3, 0, 0], [0, 0, 4]])]
    check_same((step(step_toward, colour=3),), pieces[1:])
    check_same((step(align_objects, colour=1, axis=0),), pieces[:1])
    check_same((step(swap_colours, erase=5),), [a([[5, 6, 6], [6, 5, 6]])])
    check_same((step(sort_lines, axis=1),), [a([[0, 3, 3], [0, 0, 0], [4, 0, 0]])])
    check_same((step(clean_stripes),), [BARS, a([[1, 2, 3], [1, 5, 3], [4, 2, 3]])])


def test_fill_empty_lines_paints_empty_rows_and_columns() -> None:
    g = a([[1, 0, 1, 1], [0, 0, 0, 0], [1, 0, 0, 1]])
    assert fill_empty_lines(g, 2).tolist() == [[1, 2, 1, 1], [2, 2, 2, 2], [1, 2, 0, 1]]


def test_shift_picture_moves_everything_and_refuses_to_leave_the_grid() -> None:
    g = a([[0, 3, 4], [0, 0, 0]])
    assert shift_picture(g, 1, -1).tolist() == [[0, 0, 0], [3, 4, 0]]
    with pytest.raises(ValueError):
        shift_picture(g, -1, 0)


def test_shift_is_offered_only_for_one_offset_shared_by_every_pair() -> None:
    one = (a([[8, 0, 0], [0, 0, 0]]), a([[0, 0, 0], [0, 2, 0]]))
    two = (a([[0, 5, 0], [0, 0, 0]]), a([[0, 0, 0], [0, 0, 5]]))
    assert [s.kwargs for s in _offered([one, two], shift_picture)] == [(("dy", 1), ("dx", 1))]
    other = (a([[0, 5, 0], [0, 0, 0]]), a([[0, 0, 0], [0, 5, 0]]))
    assert _offered([one, other], shift_picture) == []


def test_step_toward_takes_one_diagonal_step() -> None:
    g = a([[3, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 4]])
    assert step_toward(g, 3).tolist() == [[0, 0, 0, 0], [0, 3, 0, 0], [0, 0, 0, 4]]
    with pytest.raises(ValueError):
        step_toward(a([[3, 4]]), 3)  # the step would cover the target


def test_align_objects_lines_pieces_up_with_the_reference() -> None:
    g = a([[2, 2, 0, 0, 0], [0, 0, 0, 1, 0], [0, 0, 0, 1, 0], [0, 0, 4, 0, 0], [0, 4, 0, 0, 0]])
    want = [[0, 0, 0, 0, 0], [2, 2, 4, 1, 0], [0, 4, 0, 1, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]]
    assert align_objects(g, 1, 0).tolist() == want
    assert align_objects(g.T, 1, 1).tolist() == np.array(want).T.tolist()


def test_moves_are_offered_only_when_pieces_keep_their_cells() -> None:
    moved = (a([[3, 0, 0], [0, 0, 4]]), a([[0, 0, 0], [0, 3, 4]]))
    assert [s.kwargs for s in _offered([moved], step_toward)] == [(("colour", 3),)]
    assert len(_offered([moved], align_objects)) == 2
    grown = (a([[3, 0, 0], [0, 0, 4]]), a([[3, 3, 0], [0, 0, 4]]))
    assert _offered([grown], step_toward) == _offered([grown], align_objects) == []


def test_swap_colours_drops_one_colour_and_is_offered_for_two_colour_grids() -> None:
    g = a([[5, 6, 6], [6, 5, 6]])
    assert swap_colours(g, 5).tolist() == [[6, 0, 0], [0, 6, 0]]
    assert swap_colours(g, -1).tolist() == [[6, 5, 5], [5, 6, 5]]
    with pytest.raises(ValueError):
        swap_colours(a([[1, 2, 3]]), -1)
    assert len(_offered([(g, swap_colours(g, 5))], swap_colours)) == 3
    assert _offered([(a([[1, 2, 3]]), a([[3, 2, 1]]))], swap_colours) == []


def test_sort_lines_stacks_bars_by_length_and_is_offered_on_sorted_outputs() -> None:
    g = a([[0, 3, 3], [0, 0, 0], [4, 0, 0]])
    assert sort_lines(g, 0).tolist() == [[0, 0, 0], [4, 0, 0], [0, 3, 3]]
    assert sort_lines(g.T, 1).tolist() == np.array([[0, 0, 0], [4, 0, 0], [0, 3, 3]]).T.tolist()
    assert [s.kwargs for s in _offered([(g, sort_lines(g, 0))], sort_lines)] == [(("axis", 0),)]
    assert _offered([(g, g[::-1].copy())], sort_lines) == []


def test_regions_by_where_they_sit_in_a_lattice() -> None:
    lattice = a(
        [[0, 5, 0, 5, 0], [5, 5, 5, 5, 5], [0, 5, 0, 5, 0], [5, 5, 5, 5, 5], [0, 5, 0, 5, 0]]
    )
    out = recolour_regions(lattice, False, "where", {"tl": 1, "middle": 2, "br": 3})
    assert out[::2, ::2].tolist() == [[1, 0, 0], [0, 2, 0], [0, 0, 3]]
    check_same(
        (step(recolour_regions, diagonal=False, feature="where", table={"tl": 1}),), [lattice]
    )


def test_fill_fullest_cells_fills_every_tied_cell_and_wipes_the_rest() -> None:
    g = a([[1, 0, 5, 2, 2, 5, 0, 0], [0, 1, 5, 0, 0, 5, 3, 0]])
    want = [[1, 1, 5, 2, 2, 5, 0, 0], [1, 1, 5, 2, 2, 5, 0, 0]]
    assert fill_fullest_cells(g).tolist() == want
    assert len(_offered([(g, fill_fullest_cells(g))], fill_fullest_cells)) == 1
    check_same((step(fill_fullest_cells),), [g])


def test_fill_largest_empty_box_wants_two_by_two_and_no_tie() -> None:
    g = a([[1, 1, 0, 0, 0, 0], [0, 0, 0, 1, 1, 1], [0, 0, 0, 1, 0, 0]])
    want = [[1, 1, 0, 0, 0, 0], [6, 6, 6, 1, 1, 1], [6, 6, 6, 1, 0, 0]]
    assert fill_largest_empty_box(g, 6).tolist() == want  # the row of five is one cell high
    with pytest.raises(ValueError):
        fill_largest_empty_box(a([[0, 0, 1, 0, 0], [0, 0, 1, 0, 0]]), 6)
    check_same((step(fill_largest_empty_box, colour=6),), [g])


def test_cut_across_bands_runs_the_short_way_through_each_band() -> None:
    g = a([[3, 3, 1, 1, 1, 1], [3, 0, 1, 1, 1, 1], [3, 3, 1, 1, 0, 1], [3, 3, 1, 1, 1, 1]])
    g = np.vstack([g, g[3:]])  # five rows: both bands are narrower across than down
    want = [[3, 3, 1, 1, 1, 1], [0, 0, 1, 1, 1, 1], [3, 3, 0, 0, 0, 0], [3, 3, 1, 1, 1, 1]]
    assert cut_across_bands(g).tolist() == [*want, want[3]]
    assert len(_offered([(g, cut_across_bands(g))], cut_across_bands)) == 1
    check_same((step(cut_across_bands),), [g])


def test_expand_cell_blows_the_least_filled_cell_up_onto_the_lattice() -> None:
    g = a([[1, 0, 5, 2, 3], [0, 2, 5, 4, 1], [5, 5, 5, 5, 5], [6, 7, 5, 8, 9], [1, 2, 5, 3, 4]])
    want = [[1, 1, 5, 0, 0], [1, 1, 5, 0, 0], [5, 5, 5, 5, 5], [0, 0, 5, 2, 2], [0, 0, 5, 2, 2]]
    assert expand_cell(g, "least_filled").tolist() == want
    assert len(_offered([(g, expand_cell(g, "least_filled"))], expand_cell)) == 2
    check_same((step(expand_cell, selector="least_filled"),), [g])


def test_move_marked_cell_sends_the_cell_where_its_marker_points() -> None:
    g = a([[0, 1, 5, 1, 0], [2, 4, 5, 0, 3], [5, 5, 5, 5, 5], [0, 0, 5, 0, 0], [1, 0, 5, 0, 0]])
    want = [[0, 0, 5, 0, 0], [0, 0, 5, 0, 0], [5, 5, 5, 5, 5], [0, 0, 5, 0, 1], [0, 0, 5, 2, 4]]
    assert move_marked_cell(g, 4).tolist() == want
    with pytest.raises(ValueError):
        move_marked_cell(g, 1)  # two cells hold a 1
    check_same((step(move_marked_cell, colour=4),), [g])


def test_reverse_rings_and_keep_middle_line_on_their_evidence_only() -> None:
    rings = a([[4, 4, 4, 4], [4, 2, 2, 4], [4, 2, 2, 4], [4, 4, 4, 4]])
    assert reverse_rings(rings).tolist() == np.where(rings == 4, 2, 4).tolist()
    assert len(_offered([(rings, reverse_rings(rings))], reverse_rings)) == 1
    assert _offered([(a([[1, 2, 3]]), a([[3, 2, 1]]))], reverse_rings) == []
    g = a([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    assert keep_middle_line(g, 0).tolist() == [[0, 0, 0], [4, 5, 6], [0, 0, 0]]
    offered = _offered([(g, keep_middle_line(g, 1))], keep_middle_line)
    assert [s.kwargs for s in offered] == [(("axis", 1),)]
    check_same((step(reverse_rings),), [rings])
    check_same((step(keep_middle_line, axis=0),), [g])
