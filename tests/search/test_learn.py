"""Learned tables: consistent on train, refused when the test would need guessing."""

from __future__ import annotations

import numpy as np
import pytest

from arcloop.search.learn import (
    learn_colour_map,
    learn_crop_selectors,
    learn_local_rule,
    learn_neighbour_rule,
    learn_object_rule,
    learn_pair_map,
    learn_ray_rule,
    neighbourhood_codes,
)
from arcloop.search.lib_objects import crop_selected
from arcloop.search.lib_rules import apply_ray_rule, local_key, seen_along


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
    made = [a([[0, 1, 0]])]
    wanted = [a([[2, 1, 2]])]
    assert learn_local_rule(made, wanted, shape="cross", apply_to=[a([[0, 1, 0]])]) == {
        (0, -1, -1, -1, 1): 2,
        (0, -1, -1, 1, -1): 2,
    }
    # A 0 cell (0 is a colour that changes) with a neighbourhood never seen: refused.
    assert learn_local_rule(made, wanted, shape="cross", apply_to=[a([[0, 0, 1]])]) is None
    # Unseen neighbourhoods around colours that never change are fine.
    assert learn_local_rule(made, wanted, shape="cross", apply_to=[a([[1, 1, 0]])]) is not None


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
    made = [a([[0, 2, 0], [0, 0, 0], [5, 5, 5], [0, 0, 0]])]
    wanted = [a([[0, 2, 0], [0, 2, 0], [5, 5, 5], [0, 0, 0]])]
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
    made = [a([[0, 0, 0], [0, 0, 0], [5, 0, 5], [5, 8, 5]])]
    wanted = [a([[0, 8, 0], [0, 8, 0], [5, 8, 5], [5, 8, 5]])]
    table = learn_ray_rule(made, wanted, apply_to=[], symmetric=True)
    assert table == {(0, "s", 0, 8): 8, (0, "s", 5, 5): 8}
    assert apply_ray_rule(a([[8, 0, 0]]), table).tolist() == [[8, 8, 8]]
