"""Learned tables: consistent on train, refused when the test would need guessing."""

from __future__ import annotations

import numpy as np
import pytest

from arcloop.search.catalogue import step
from arcloop.search.finish import borrowed_colours
from arcloop.search.learn import (
    explains,
    learn_colour_map,
    learn_colour_shifts,
    learn_emit_rule,
    learn_local_rule,
    learn_neighbour_rule,
    learn_object_rule,
    learn_pair_map,
    learn_ray_rule,
    neighbourhood_codes,
)
from arcloop.search.learn_select import (
    learn_cell_tables,
    learn_colour_selectors,
    learn_crop_selectors,
    learn_output_lookups,
    learn_part_selectors,
)
from arcloop.search.lib_geometry import downscale_vote, drop_repeated_half
from arcloop.search.lib_moves import shift_colours
from arcloop.search.lib_objects import (
    colours_by_size,
    count_cells_row,
    crop_selected,
    find_regions,
    object_features,
    object_measures,
    paint_from_nearest,
    paint_from_sight,
    recolour_objects,
    recolour_regions,
    selected_colour,
)
from arcloop.search.lib_parts import cell_table, part_selected, summarise_gaps
from arcloop.search.lib_rules import (
    apply_emit_rule,
    apply_neighbour_rule,
    apply_ray_rule,
    local_key,
    lookup_output,
    neighbour_masks,
    seen_along,
)
from tests.search.test_emit import check_same


def a(rows: list[list[int]]) -> np.ndarray:
    return np.array(rows, dtype=np.int_)


def test_colour_map_learns_changes_only() -> None:
    made = [a([[1, 0], [3, 3]])]
    assert learn_colour_map(made, [a([[2, 0], [3, 3]])], apply_to=[]) == {1: 2}


def test_colour_map_refuses_conflicts_and_unseen_colours() -> None:
    assert learn_colour_map([a([[1, 1]])], [a([[2, 3]])], apply_to=[]) is None
    assert learn_colour_map([a([[1, 0]])], [a([[2, 0]])], apply_to=[a([[4]])]) is None
    assert learn_colour_map([a([[1, 0]])], [a([[1, 0]])], apply_to=[]) is None


def test_local_rule_needs_every_test_neighbourhood_seen() -> None:
    made = [a([[0, 1, 0]]), a([[0, 1, 0]])]
    wanted = [a([[2, 1, 2]]), a([[2, 1, 2]])]
    assert learn_local_rule(made, wanted, shape="cross", apply_to=[a([[0, 1, 0]])]) == {
        (0, -1, -1, -1, 1): 2,
        (0, -1, -1, 1, -1): 2,
    }
    # A 0 cell (0 is a colour that changes) with a neighbourhood never seen: refused.
    assert learn_local_rule(made, wanted, shape="cross", apply_to=[a([[0, 0, 1]])]) is None
    # Unseen neighbourhoods around colours that never change are fine.
    assert learn_local_rule(made, wanted, shape="cross", apply_to=[a([[1, 1, 0]])]) is not None


def test_object_rule_on_a_size_is_refused_when_each_pair_brings_its_own_new_colour() -> None:
    made = [a([[5, 5, 0, 5]]), a([[5, 5, 5, 0, 5]])]
    # each pair paints its big object a colour of its own: the colour goes with the pair
    wanted = [a([[4, 4, 0, 5]]), a([[6, 6, 6, 0, 5]])]
    test = [a([[5, 5, 0, 5]])]

    def by_size(wanted: list[np.ndarray]) -> dict[object, int] | None:
        return learn_object_rule(
            made, wanted, diagonal=False, multicolour=False, feature="size", apply_to=test
        )

    assert by_size(wanted) is None
    # when the pairs share the new colour, the same size table is learned
    assert by_size([a([[4, 4, 0, 5]]), a([[4, 4, 4, 0, 5]])]) == {2: 4, 3: 4}


def test_object_rule_by_size() -> None:
    made = [a([[1, 0, 1], [1, 0, 0]])]
    wanted = [a([[2, 0, 3], [2, 0, 0]])]
    table = learn_object_rule(
        made, wanted, diagonal=False, multicolour=False, feature="size", apply_to=[]
    )
    assert table == {1: 3, 2: 2}
    assert (
        learn_object_rule(
            made,
            wanted,
            diagonal=False,
            multicolour=False,
            feature="size",
            apply_to=[a([[1, 1, 1]])],
        )
        is None
    )


def test_pair_map_keys_on_made_and_input_colours() -> None:
    made = [a([[3, 3, 0]])]
    inputs = [a([[0, 2, 0]])]
    wanted = [a([[4, 2, 0]])]
    table = learn_pair_map(made, inputs, wanted, apply_to=[])
    assert table == {(3, 0): 4, (3, 2): 2}
    assert learn_pair_map(made, inputs, wanted, apply_to=[(a([[3]]), a([[5]]))]) is None


@pytest.mark.parametrize(
    "shape",
    [
        "cross",
        "square",
        "cross_set",
        "square_set",
        "split_set",
        "counts",
        "lines",
        "rays",
        "boxes",
        "x%2",
        "-x%3",
        "y%3",
        "-y%2",
    ],
)
def test_neighbourhood_codes_match_local_keys(shape: str) -> None:
    rng = np.random.default_rng(7)
    g = rng.integers(0, 4, size=(6, 7))
    codes = neighbourhood_codes(g, shape).tolist()
    keys = [local_key(g, y, x, shape) for y in range(6) for x in range(7)]
    for i in range(len(keys)):
        for j in range(len(keys)):
            assert (codes[i] == codes[j]) == (keys[i] == keys[j])


def test_colour_map_refuses_single_cell_answers() -> None:
    made = [a([[1]]), a([[2]])]
    assert learn_colour_map(made, [a([[3]]), a([[4]])], apply_to=[]) is None


def test_neighbour_rule_decides_cells_with_two_kinds_of_neighbour() -> None:
    # Train shows a red cell's corners turning 4 and a blue cell's sides turning 7, apart.
    made = [a([[0, 0, 0, 0, 0], [0, 2, 0, 0, 0], [0, 0, 0, 0, 1], [0, 0, 0, 0, 0]])]
    wanted = [a([[4, 0, 4, 0, 0], [0, 2, 0, 0, 7], [4, 0, 4, 7, 1], [0, 0, 0, 0, 7]])]
    table = learn_neighbour_rule(made, wanted, apply_to=[])
    assert table == {(0, "corner", 2): 4, (0, "side", 1): 7}
    # A test cell beside a blue side and a red corner is told two colours: refused.
    clash = a([[2, 0, 0], [0, 0, 1], [0, 0, 0]])
    assert learn_neighbour_rule(made, wanted, apply_to=[clash]) is None


def test_rules_as_long_as_the_changes_they_explain_are_refused() -> None:
    # Two cells change, each by an implication of its own: the table restates the pair.
    made = [a([[1, 0, 0, 2]])]
    wanted = [a([[1, 4, 6, 2]])]
    assert learn_neighbour_rule(made, wanted, apply_to=[]) is None
    assert learn_local_rule(made, wanted, shape="cross", apply_to=[]) is None
    assert not explains({(0, "side", 1): 4, (0, "side", 2): 6}, made, wanted)
    # A second pair confirms both implications: a rule.
    made.append(a([[2, 0, 0, 1]]))
    wanted.append(a([[2, 6, 4, 1]]))
    table = learn_neighbour_rule(made, wanted, apply_to=[])
    assert table == {(0, "side", 1): 4, (0, "side", 2): 6}
    assert explains(table, made, wanted)


def test_crop_selector_picks_the_object_with_most_of_a_colour() -> None:
    # each input holds two 2x2 objects; the output is always the one with more 3s
    inputs = [
        a([[1, 1, 0, 1, 3], [1, 3, 0, 3, 3]]),
        a([[1, 3, 0, 0, 0], [3, 3, 0, 1, 1], [0, 0, 0, 1, 1]]),
    ]
    wanted = [a([[1, 3], [3, 3]]), a([[1, 3], [3, 3]])]
    test = [a([[3, 3, 0, 1, 1], [3, 3, 0, 1, 3]])]
    found = learn_crop_selectors(inputs, wanted, apply_to=test)
    assert {
        "diagonal": False,
        "multicolour": True,
        "measure": "count_3",
        "most": True,
        "alone": False,
    } in found
    for kwargs in found:
        assert np.array_equal(crop_selected(test[0], **kwargs), a([[3, 3], [3, 3]]))


def test_crop_selector_refuses_a_tie_on_a_test_input() -> None:
    inputs = [a([[1, 1, 0, 2], [1, 1, 0, 0]]), a([[0, 4, 4], [0, 4, 4], [2, 0, 0]])]
    wanted = [a([[1, 1], [1, 1]]), a([[4, 4], [4, 4]])]
    tie = [a([[1, 1, 0, 2, 2], [1, 1, 0, 2, 2]])]
    assert learn_crop_selectors(inputs, wanted, apply_to=[]) != []
    assert all(k["measure"] != "size" for k in learn_crop_selectors(inputs, wanted, apply_to=tie))


def test_ray_rule_fills_between_what_a_cell_sees() -> None:
    # Cells between a 2 (above) and the 5 line (below) turn 2; others stay.
    made = [a([[0, 2, 0], [0, 0, 0], [0, 0, 0], [5, 5, 5], [0, 0, 0]])]
    wanted = [a([[0, 2, 0], [0, 2, 0], [0, 2, 0], [5, 5, 5], [0, 0, 0]])]
    table = learn_ray_rule(made, wanted, apply_to=[])
    assert table == {(0, "v", 2, 5): 2}
    assert apply_ray_rule(a([[2, 0], [0, 0], [5, 5]]), table).tolist() == [[2, 0], [2, 0], [5, 5]]
    assert learn_ray_rule(made, wanted, apply_to=[a([[7]])]) is None  # unseen colour


def test_seen_along_is_the_first_colour_each_way() -> None:
    seen = seen_along(a([[1, 0, 0, 2]]))
    assert seen["left"].tolist() == [[0, 1, 1, 1]]
    assert seen["right"].tolist() == [[2, 2, 2, 0]]
    assert seen["up"].tolist() == [[0, 0, 0, 0]]


def test_local_rule_by_phase_and_by_colour_box() -> None:
    made = [a([[4, 4, 4, 4, 4, 4, 4]])]
    wanted = [a([[6, 4, 4, 6, 4, 4, 6]])]
    assert learn_local_rule(made, wanted, shape="x%3", apply_to=[]) == {(4, 0): 6}
    assert learn_local_rule(made, wanted, shape="x%2", apply_to=[]) is None
    made = [a([[8, 1, 0, 1], [1, 1, 8, 1]])]
    wanted = [a([[8, 3, 0, 1], [3, 3, 8, 1]])]
    assert learn_local_rule(made, wanted, shape="boxes", apply_to=[]) == {(1, 1, 8): 3}


def test_object_rule_by_size_rank_among_the_objects() -> None:
    made = [a([[1, 1, 1, 0, 2, 0, 3, 3]])]
    wanted = [a([[1, 1, 1, 0, 5, 0, 5, 5]])]
    table = learn_object_rule(
        made, wanted, diagonal=False, multicolour=False, feature="rank", apply_to=[]
    )
    assert table == {"mid": 5, "min": 5}


def test_symmetric_ray_rule_carries_one_axis_over_to_the_other() -> None:
    # Train shows only a vertical ray out of the gap; the rule holds horizontally too.
    made = [a([[0, 0, 0], [0, 0, 0], [0, 0, 0], [5, 0, 5], [5, 8, 5]])]
    wanted = [a([[0, 8, 0], [0, 8, 0], [0, 8, 0], [5, 8, 5], [5, 8, 5]])]
    table = learn_ray_rule(made, wanted, apply_to=[], symmetric=True)
    assert table == {(0, "s", 0, 8): 8, (0, "s", 5, 5): 8}
    assert apply_ray_rule(a([[8, 0, 0]]), table).tolist() == [[8, 8, 8]]


def test_crop_selector_accepts_a_recoloured_crop() -> None:
    # the output is an object's box painted over (a later step recolours it)
    inputs = [
        a([[1, 1, 0, 2, 2], [1, 0, 0, 3, 0]]),
        a([[0, 4, 4, 0, 5], [0, 4, 3, 0, 5]]),
    ]
    wanted = [a([[6, 6], [6, 0]]), a([[6, 6], [6, 6]])]
    found = learn_crop_selectors(inputs, wanted, apply_to=[])
    assert found
    for kwargs in found:
        for g, b in zip(inputs, wanted, strict=True):
            assert np.array_equal(crop_selected(g, **kwargs) != 0, b != 0)
    # an exact crop, where there is one, is all it takes
    exact = [a([[2, 2], [3, 0]]), a([[4, 4], [4, 3]])]
    for kwargs in learn_crop_selectors(inputs, exact, apply_to=[]):
        for g, b in zip(inputs, exact, strict=True):
            assert np.array_equal(crop_selected(g, **kwargs), b)


def test_colour_selector_names_the_colour_of_the_selected_object() -> None:
    # the answer is the colour of the largest object
    inputs = [a([[1, 1, 0, 2], [1, 1, 0, 0]]), a([[3, 0, 4, 4], [0, 0, 4, 4]])]
    wanted = [a([[1]]), a([[4]])]
    test = [a([[5, 0, 6, 6], [0, 0, 6, 0]])]
    found = learn_colour_selectors(inputs, wanted, apply_to=test)
    assert found and "alone" not in found[0]
    assert np.array_equal(selected_colour(test[0], **found[0]), a([[6]]))
    assert learn_colour_selectors(inputs, [a([[1, 1]]), a([[4]])], apply_to=test) == []


def test_output_lookup_needs_a_repeated_key_and_a_seen_test_key() -> None:
    plus, bar = a([[0, 1, 0], [1, 1, 1]]), a([[2, 2, 2], [0, 0, 0]])
    inputs = [plus, bar, plus * 3]
    wanted = [a([[1]]), a([[2]]), a([[1]])]
    found = dict(learn_output_lookups(inputs, wanted, apply_to=[plus * 5]))
    assert "shape" in found and "colours" not in found
    assert np.array_equal(lookup_output(plus * 5, "shape", found["shape"]), a([[1]]))
    # every key once: the table would only memorise the pairs
    assert learn_output_lookups(inputs[:2], wanted[:2], apply_to=[]) == []
    # the test input's shape was never seen: no lookup guesses it
    assert all(f != "shape" for f, _ in learn_output_lookups(inputs, wanted, apply_to=[bar.T]))
    with pytest.raises(ValueError):
        lookup_output(bar.T, "shape", found["shape"])


def test_cell_table_counts_the_cells_of_a_lattice() -> None:
    # 2x2 cells split by 5s: a cell with two marks becomes 1, with one mark 0
    g = a([[7, 7, 5, 7, 0], [0, 0, 5, 0, 0], [5, 5, 5, 5, 5], [7, 0, 5, 0, 7], [7, 0, 5, 0, 0]])
    found = learn_cell_tables([g], [a([[1, 0], [1, 0]])], apply_to=[])
    assert found and found[0]["feature"] == "count" and found[0]["ky"] == 0
    assert np.array_equal(cell_table(g, 0, 0, "count", ((1, 0), (2, 1))), a([[1, 0], [1, 0]]))
    with pytest.raises(ValueError):
        cell_table(g, 0, 0, "count", ((2, 1),))


def test_downscale_vote_outvotes_noise_and_refuses_ties() -> None:
    g = a([[1, 1, 0, 0], [1, 2, 0, 3]])
    assert np.array_equal(downscale_vote(g, 2, 2), a([[1, 0]]))
    with pytest.raises(ValueError):
        downscale_vote(a([[1, 2], [2, 1]]), 2, 2)


def test_part_selector_picks_the_asymmetric_third() -> None:
    sym, odd = a([[1, 2], [2, 1]]), a([[3, 3], [4, 3]])
    inputs = [np.vstack([sym, odd, sym * 2]), np.vstack([odd * 2, sym, sym + 2])]
    wanted = [odd, odd * 2]
    test = [np.vstack([sym + 1, sym * 3, odd + 1])]
    found = learn_part_selectors(inputs, wanted, apply_to=test)
    assert {"axis": 0, "n": 3, "measure": "symmetry", "most": False} in found
    assert np.array_equal(part_selected(test[0], 0, 3, "symmetry", False), odd + 1)
    with pytest.raises(ValueError):
        part_selected(np.vstack([sym, sym, sym]), 0, 3, "symmetry", False)


def test_touch_measure_counts_cells_of_a_colour_beside_an_object() -> None:
    g = a([[1, 0, 0, 2], [0, 5, 0, 2], [0, 0, 0, 0]])
    objects = [g == 1, g == 2, g == 5]
    assert object_measures(g, objects, "touch_5").tolist() == [1, 0, 0]


def test_counting_and_halving_steps() -> None:
    assert np.array_equal(count_cells_row(a([[0, 3], [3, 3]])), a([[3, 3, 3]]))
    g = a([[1, 1, 0, 0], [0, 0, 0, 0], [2, 2, 2, 0], [0, 0, 0, 3]])
    assert colours_by_size(g).ravel().tolist() == [2, 1, 3]
    with pytest.raises(ValueError):
        colours_by_size(a([[1, 0, 2]]))
    assert np.array_equal(drop_repeated_half(a([[1, 2, 1, 2]])), a([[1, 2]]))
    assert np.array_equal(drop_repeated_half(a([[1, 2], [1, 2]])), a([[1, 2]]))
    with pytest.raises(ValueError):
        drop_repeated_half(a([[1, 2, 2, 1]]))


def test_summarise_gaps_votes_each_block_between_empty_lines() -> None:
    g = a([[1, 1, 0, 2], [1, 0, 0, 2], [0, 0, 0, 0], [3, 3, 0, 0], [0, 3, 0, 4]])
    assert np.array_equal(summarise_gaps(g), a([[1, 2], [3, 4]]))
    with pytest.raises(ValueError):
        summarise_gaps(a([[1, 2], [3, 4]]))


def test_region_rule_paints_closed_boxes_and_leaves_the_open_background() -> None:
    # Two pairs: the holes of closed frames fill with 3, the open background stays.
    made = [
        a([[5, 5, 5, 0, 0], [5, 0, 5, 0, 0], [5, 5, 5, 0, 0], [0, 0, 0, 0, 0]]),
        a([[0, 0, 0, 0, 0], [0, 5, 5, 5, 5], [0, 5, 0, 0, 5], [0, 5, 5, 5, 5]]),
    ]
    wanted = [
        a([[5, 5, 5, 0, 0], [5, 3, 5, 0, 0], [5, 5, 5, 0, 0], [0, 0, 0, 0, 0]]),
        a([[0, 0, 0, 0, 0], [0, 5, 5, 5, 5], [0, 5, 3, 3, 5], [0, 5, 5, 5, 5]]),
    ]
    test = [a([[0, 0, 0, 0], [5, 5, 5, 0], [5, 0, 5, 0], [5, 0, 5, 0], [5, 0, 5, 0], [5, 5, 5, 0]])]
    table = learn_object_rule(
        made,
        wanted,
        diagonal=False,
        multicolour=False,
        feature="border",
        apply_to=test,
        regions=True,
    )
    assert table == {False: 3}
    out = recolour_regions(test[0], False, "border", table)
    assert out[2:5, 1].tolist() == [3, 3, 3] and out[0].tolist() == [0, 0, 0, 0]
    # A region of a size the train pairs never showed is not guessed.
    assert (
        learn_object_rule(
            made,
            wanted,
            diagonal=False,
            multicolour=False,
            feature="size",
            apply_to=test,
            regions=True,
        )
        is None
    )


def test_region_features_filled_square_and_touching_a_colour() -> None:
    g = a([[1, 0, 0, 2], [1, 0, 0, 2], [1, 1, 1, 2], [0, 0, 1, 2]])
    regions = find_regions(g, False)
    assert len(regions) == 2
    assert object_features(g, regions, "square") == [True, False]
    assert object_features(g, regions, "filled") == [True, True]
    assert object_features(g, regions, "touch_2") == [True, False]
    assert object_features(g, regions, "touch_1") == [True, True]


def test_directed_neighbour_rule_paints_each_corner_its_own_colour() -> None:
    made = [
        a([[0, 0, 0], [0, 2, 0], [0, 0, 0]]),
        a([[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 2, 0]]),
        a([[0, 0, 0, 0], [0, 0, 2, 0], [0, 0, 0, 0]]),
    ]
    wanted = [
        a([[3, 0, 6], [0, 0, 0], [8, 0, 7]]),
        a([[0, 0, 0, 0], [0, 3, 0, 6], [0, 0, 0, 0]]),
        a([[0, 3, 0, 6], [0, 0, 0, 0], [0, 8, 0, 7]]),
    ]
    # The undirected rule cannot tell the corners apart.
    assert learn_neighbour_rule(made, wanted, apply_to=[]) is None
    test = [a([[2, 0, 0], [0, 0, 0], [0, 0, 0]])]
    table = learn_neighbour_rule(made, wanted, apply_to=test, directed=True)
    assert table is not None
    assert {k: v for k, v in table.items() if k[0] == 0} == {
        (0, "nw", 2): 7,
        (0, "ne", 2): 8,
        (0, "sw", 2): 6,
        (0, "se", 2): 3,
    }
    assert len(table) == 5  # one implication clears the 2; the redundant ones are dropped
    # Without the third pair the nw and ne corners are seen on one cell each: refused.
    assert learn_neighbour_rule(made[:2], wanted[:2], apply_to=test, directed=True) is None
    assert apply_neighbour_rule(test[0], table).tolist() == [[0, 0, 0], [0, 7, 0], [0, 0, 0]]


def test_paint_from_nearest_takes_the_closest_other_colour_and_refuses_ties() -> None:
    g = a([[2, 0, 0, 0], [0, 5, 0, 0], [0, 0, 0, 0], [0, 5, 0, 7]])
    out = paint_from_nearest(g, (5,))
    assert out[1, 1] == 2 and out[3, 1] == 7
    with pytest.raises(ValueError):
        paint_from_nearest(a([[2, 0, 0], [0, 0, 0], [0, 0, 5], [0, 0, 0], [7, 0, 0]]), (5,))


def test_paint_from_sight_gives_each_object_the_colour_above_it() -> None:
    g = a([[0, 4, 0, 6], [0, 0, 0, 0], [5, 5, 0, 5], [5, 5, 0, 5]])
    out = paint_from_sight(g, (5,), "up")
    assert out[2:].tolist() == [[4, 4, 0, 6], [4, 4, 0, 6]]
    with pytest.raises(ValueError):
        paint_from_sight(g, (5,), "down")  # nothing below them


def test_borrowed_colours_finish_handles_a_test_colour_unseen_in_train() -> None:
    made = [a([[1, 0, 3, 3]]), a([[2, 0, 0, 3]])]
    wanted = [a([[1, 0, 1, 1]]), a([[2, 0, 0, 2]])]
    (found,) = borrowed_colours(made, wanted, [a([[0, 3, 0, 8]])])
    assert found(a([[0, 3, 0, 8]])).tolist() == [[0, 8, 0, 8]]


def test_object_rule_gives_unseen_values_the_colour_most_values_take() -> None:
    # size 2 turns 2, sizes 1, 3 and 4 turn 1; the test shows a size-5 object
    made = [a([[5, 5, 0, 5, 0, 0], [0, 0, 0, 0, 0, 0], [5, 5, 5, 0, 5, 5], [0, 0, 0, 0, 5, 5]])]
    wanted = [a([[2, 2, 0, 1, 0, 0], [0, 0, 0, 0, 0, 0], [1, 1, 1, 0, 1, 1], [0, 0, 0, 0, 1, 1]])]
    test = [a([[5, 5, 5, 5, 5, 0, 5, 5]])]
    table = learn_object_rule(
        made, wanted, diagonal=False, multicolour=False, feature="size", apply_to=test
    )
    assert table == {"*": 1, 2: 2}
    painted = recolour_objects(
        test[0], diagonal=False, multicolour=False, feature="size", table=table
    )
    assert painted.tolist() == [[1, 1, 1, 1, 1, 0, 2, 2]]
    # without a colour that most sizes take, an unseen size still leaves no rule
    two_ways = [a([[2, 2, 0, 1, 0, 0], [0, 0, 0, 0, 0, 0], [2, 2, 2, 0, 1, 1], [0, 0, 0, 0, 1, 1]])]
    assert (
        learn_object_rule(
            made, two_ways, diagonal=False, multicolour=False, feature="size", apply_to=test
        )
        is None
    )


def test_output_lookup_by_whether_the_input_is_its_own_mirror_image() -> None:
    # 1 when the grid reads the same left to right, else 7
    inputs = [a([[2, 0, 2], [0, 2, 0]]), a([[2, 0, 0]]), a([[0, 2, 0], [2, 2, 2]]), a([[2, 2, 0]])]
    wanted = [a([[1]]), a([[7]]), a([[1]]), a([[7]])]
    test = a([[5, 0, 5]])
    found = dict(learn_output_lookups(inputs, wanted, apply_to=[test]))
    assert "mirror_lr" in found
    assert np.array_equal(lookup_output(test, "mirror_lr", found["mirror_lr"]), a([[1]]))
    lopsided = a([[5, 5, 0]])
    assert np.array_equal(lookup_output(lopsided, "mirror_lr", found["mirror_lr"]), a([[7]]))


def test_output_lookup_by_how_many_colours_the_input_holds() -> None:
    inputs = [a([[2, 2], [3, 3]]), a([[4, 4], [4, 4]]), a([[3, 4], [3, 4]]), a([[1, 1], [1, 1]])]
    wanted = [a([[0, 5]]), a([[5, 0]]), a([[0, 5]]), a([[5, 0]])]
    found = dict(learn_output_lookups(inputs, wanted, apply_to=[a([[6, 7], [7, 7]])]))
    assert np.array_equal(
        lookup_output(a([[6, 7], [7, 7]]), "n_colours", found["n_colours"]), a([[0, 5]])
    )
    assert np.array_equal(
        lookup_output(a([[0, 8], [8, 0]]), "n_colours", found["n_colours"]), a([[5, 0]])
    )


def test_emit_rule_shoots_rays_by_the_shape_around_a_cell() -> None:
    # The lone corner pixel of each shape shoots on, away from the shape, in its own colour;
    # the bottom of a bar shoots right in 4 whatever the bar's colour.
    made = [
        a([[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 2, 2], [0, 0, 2, 2]]),
        a([[0, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 3, 3], [0, 0, 0, 3, 3]]),
    ]
    wanted = [
        a([[2, 0, 0, 0], [0, 2, 0, 0], [0, 0, 2, 2], [0, 0, 2, 2]]),
        a([[3, 0, 0, 0, 0], [0, 3, 0, 0, 0], [0, 0, 3, 0, 0], [0, 0, 0, 3, 3], [0, 0, 0, 3, 3]]),
    ]
    table = learn_emit_rule(made, wanted, apply_to=[])
    assert table == {(-1, neighbour_masks(made[0])[2, 2], "nw"): -1}
    test = a([[0, 0, 0], [0, 6, 6], [0, 6, 6]])
    assert apply_emit_rule(test, table).tolist() == [[6, 0, 0], [0, 6, 6], [0, 6, 6]]
    bars = [a([[5, 0, 0], [5, 0, 0]]), a([[7, 0], [7, 0], [7, 0]])]
    ends = [a([[5, 0, 0], [5, 4, 4]]), a([[7, 0], [7, 0], [7, 4]])]
    table = learn_emit_rule(bars, ends, apply_to=[a([[9, 0]])])
    assert table == {(-1, 1, "e"): 4}
    assert apply_emit_rule(a([[9, 0], [9, 0]]), table).tolist() == [[9, 0], [9, 4]]
    # a fixed colour the colour view would map back by the palette of each grid is refused
    assert learn_emit_rule(bars, ends, apply_to=[], ranked=True) is None
    # a rule that takes a cell away is no emission
    assert learn_emit_rule([a([[1, 0]])], [a([[0, 1]])], apply_to=[]) is None


def test_neighbour_masks_mark_the_non_zero_neighbours() -> None:
    assert neighbour_masks(a([[1, 0], [0, 1]])).tolist() == [[128, 6], [9, 16]]


# On a background of 8, each 7 goes up two rows and each 2 left two columns.
SHIFT_PAIRS = [
    (
        a([[8, 8, 8, 8], [8, 8, 8, 8], [8, 7, 8, 2], [8, 8, 8, 8]]),
        a([[8, 7, 8, 8], [8, 8, 8, 8], [8, 2, 8, 8], [8, 8, 8, 8]]),
    ),
    (
        a([[8, 8, 8, 8], [8, 8, 8, 8], [8, 8, 8, 8], [8, 8, 7, 2]]),
        a([[8, 8, 8, 8], [8, 8, 7, 8], [8, 8, 8, 8], [8, 2, 8, 8]]),
    ),
]


def test_colour_shifts_learns_one_offset_per_colour() -> None:
    ins, outs = [p[0] for p in SHIFT_PAIRS], [p[1] for p in SHIFT_PAIRS]
    table = learn_colour_shifts(ins, outs, apply_to=[a([[8, 8, 8], [8, 8, 8], [8, 7, 8]])])
    assert table == ((2, 0, -2), (7, -2, 0))
    assert shift_colours(a([[8, 8, 8], [8, 8, 8], [8, 7, 8]]), table).tolist() == [
        [8, 7, 8],
        [8, 8, 8],
        [8, 8, 8],
    ]


def test_colour_shifts_refuses_unseen_colours_and_single_pairs() -> None:
    ins, outs = [p[0] for p in SHIFT_PAIRS], [p[1] for p in SHIFT_PAIRS]
    assert learn_colour_shifts(ins, outs, apply_to=[a([[8, 8], [8, 3]])]) is None
    assert learn_colour_shifts(ins[:1], outs[:1], apply_to=[]) is None


def test_shift_colours_refuses_a_cell_leaving_the_grid() -> None:
    with pytest.raises(ValueError):
        shift_colours(a([[8, 7], [8, 8]]), ((7, -2, 0),))


def test_shift_colours_emits_equivalent_source() -> None:
    shift = step(shift_colours, table=((2, 0, -2), (7, -2, 0)))
    check_same((shift,), [p[0] for p in SHIFT_PAIRS] + [a([[8, 7], [8, 8]])])


def test_region_rule_by_parity_paints_holes_of_sizes_the_pairs_never_showed() -> None:
    # Holes of odd sides fill with 7, of even sides with 2; the test's 3 x 3 hole was never
    # shown, but its parity was (the open background, at the edge, stays).
    made = [
        a(
            [
                [1, 1, 1, 0, 1, 1, 1, 1],
                [1, 0, 1, 0, 1, 0, 0, 1],
                [1, 1, 1, 0, 1, 0, 0, 1],
                [0, 0, 0, 0, 1, 1, 1, 1],
            ]
        ),
    ]
    wanted = [
        a(
            [
                [1, 1, 1, 0, 1, 1, 1, 1],
                [1, 7, 1, 0, 1, 2, 2, 1],
                [1, 1, 1, 0, 1, 2, 2, 1],
                [0, 0, 0, 0, 1, 1, 1, 1],
            ]
        ),
    ]
    test = [np.pad(np.pad(np.zeros((3, 3), dtype=int), 1, constant_values=1), (0, 1))]
    table = learn_object_rule(
        made, wanted, diagonal=False, multicolour=False, feature="odd", apply_to=test, regions=True
    )
    assert table == {(False, False, False): 2, (False, True, True): 7}
    assert recolour_regions(test[0], False, "odd", table)[1:4, 1].tolist() == [7, 7, 7]
