"""Resizing primitives and learners: outputs built from counts, colour lists and copies."""

from __future__ import annotations

import numpy as np
import pytest

from arcloop.arc.grid import as_grid
from arcloop.search import search
from arcloop.search.catalogue import step, task_steps
from arcloop.search.learn_select import (
    learn_count_fills,
    learn_overlay_orders,
)
from arcloop.search.lib_geometry import (
    bounce_tile,
    colour_kron,
    crop_block,
    crop_inside_frame,
    downscale_fg,
    flip_tile,
    kron_by_colour,
    overlay_corners,
    pad_edges,
    shear,
    shrink_content,
    upscale_by_colours,
)
from arcloop.search.lib_objects import (
    cells_in_order,
    colour_bars,
    colour_list,
    count_diagonal,
    count_fill,
    fill_places,
    gather_around,
)
from arcloop.search.lib_paint import smear
from arcloop.search.lib_parts import overlay_blocks, paint_pattern
from tests.search.helpers import make_task, run_source
from tests.search.test_emit import check_same


def test_colour_kron_places_copies_at_one_colour() -> None:
    g = np.array([[2, 1], [0, 2]])
    out = colour_kron(g, 2)
    assert out.shape == (4, 4)
    assert np.array_equal(out[:2, :2], g) and np.array_equal(out[2:, 2:], g)
    assert not out[:2, 2:].any() and not out[2:, :2].any()
    # -1: the most common colour (2 here)
    assert np.array_equal(colour_kron(g, -1), out)


def test_kron_by_colour_lays_at_each_cell_where_its_colour_lies() -> None:
    g = np.array([[2, 1], [0, 2]])
    out = kron_by_colour(g)
    assert out[:2, :2].tolist() == [[2, 0], [0, 2]]  # the 2 at (0, 0): where the 2s are
    assert out[:2, 2:].tolist() == [[0, 1], [0, 0]]  # the 1: where the 1 is
    assert not out[2:, :2].any()  # the 0 cell stays empty
    # one colour: the same as a copy of the grid at every non-zero cell
    one = np.array([[3, 0], [3, 3]])
    assert np.array_equal(kron_by_colour(one), np.kron(one != 0, one))
    check_same((step(kron_by_colour),), [g, one])


def test_upscale_by_colours_uses_the_colour_count() -> None:
    g = np.array([[1, 0], [0, 3]])
    assert upscale_by_colours(g).shape == (4, 4)
    assert upscale_by_colours(np.array([[1, 2], [3, 0]])).shape == (6, 6)


def test_colour_list_by_count_and_by_position() -> None:
    g = np.array([[1, 1, 1, 2], [1, 1, 3, 2], [0, 0, 0, 2]])
    assert colour_list(g, "count", 0).ravel().tolist() == [1, 2, 3]
    assert colour_list(g, "count", 1).shape == (2, 1)
    stripes = np.array([[4, 4, 2, 8], [4, 2, 2, 8]])
    assert colour_list(stripes, "position", 0).tolist() == [[4, 2, 8]]
    assert colour_list(stripes.T, "position", 0).tolist() == [[4], [2], [8]]


def test_fill_places_orders() -> None:
    assert fill_places(2, 3, "snake") == [(0, 0), (0, 1), (0, 2), (1, 2), (1, 1), (1, 0)]
    assert fill_places(3, 3, "checker")[:3] == [(0, 0), (0, 2), (1, 1)]
    assert fill_places(2, 2, "cols") == [(0, 0), (1, 0), (0, 1), (1, 1)]


def test_count_fill_counts_objects_of_a_size() -> None:
    g = np.array([[1, 1, 0, 1], [0, 0, 0, 0], [2, 2, 0, 1], [0, 0, 0, 1]])
    # colour 1 objects of two or more cells: two of them
    assert count_fill(g, 1, 2, 1, 4, "rows").tolist() == [[1, 1, 0, 0]]
    # every object: four
    assert count_fill(g, 0, 1, 2, 2, "rows").tolist() == [[1, 1], [1, 1]]


def _dots(n: int, size: int = 6) -> tuple[tuple[int, ...], ...]:
    """A grid with ``n`` single red cells on a diagonal spacing (never touching)."""
    g = np.zeros((size, size), dtype=int)
    for i in range(n):
        g[(2 * i) % size, (2 * i) // size * 2 + 1] = 2
    return tuple(tuple(int(v) for v in row) for row in g)


def _snake(n: int) -> tuple[tuple[int, ...], ...]:
    out = np.zeros((2, 3), dtype=int)
    for y, x in fill_places(2, 3, "snake")[:n]:
        out[y, x] = 4
    return tuple(tuple(int(v) for v in row) for row in out)


def test_learned_count_fill_generalises_to_an_unseen_count() -> None:
    pairs = [(_dots(n), _snake(n)) for n in (1, 2, 4)]
    inputs = [np.array(a) for a, _ in pairs]
    wanted = [np.array(b) for _, b in pairs]
    found = learn_count_fills(inputs, wanted, apply_to=[np.array(_dots(5))])
    assert found and found[0]["order"] == "snake"
    task = make_task(pairs, [_dots(5)])
    programs = search(task, time_limit_s=30.0)
    assert programs[0].fits
    assert run_source(programs[0].source, _dots(5)) == _snake(5)


def test_count_fill_learner_needs_two_counts() -> None:
    pairs = [(_dots(2), _snake(2)), (_dots(2), _snake(2))]
    inputs = [np.array(a) for a, _ in pairs]
    wanted = [np.array(b) for _, b in pairs]
    assert learn_count_fills(inputs, wanted, apply_to=[np.array(_dots(3))]) == []


def test_crop_inside_frame_finds_the_outlined_rectangle() -> None:
    g = np.array(
        [
            [1, 3, 0, 0, 0, 1],
            [0, 5, 5, 5, 5, 0],
            [3, 5, 1, 2, 5, 0],
            [0, 5, 5, 5, 5, 1],
            [1, 0, 3, 0, 0, 0],
        ]
    )
    assert crop_inside_frame(g).tolist() == [[1, 2]]


def test_paint_pattern_kron_and_scale() -> None:
    # halves: a key with two colours on the left, a one-colour pattern on the right
    g = np.array([[2, 0, 0, 8], [0, 3, 8, 8]])
    out = paint_pattern(g, "kron")
    assert out.shape == (4, 4)
    assert out[:2, :2].tolist() == [[0, 2], [2, 2]] and out[2:, 2:].tolist() == [[0, 3], [3, 3]]
    assert not out[:2, 2:].any()
    # separator lines of 5: a 1 x 2 key, a 1 x 4 pattern, two empty pieces
    g = np.array([[2, 4, 5, 0, 0, 0, 0], [5, 5, 5, 5, 5, 5, 5], [0, 0, 5, 3, 0, 3, 3]])
    assert paint_pattern(g, "scale").tolist() == [[2, 0, 4, 4]]


def test_overlay_blocks_order_is_learned() -> None:
    inputs = [
        np.array([[1, 1, 2, 0], [0, 1, 2, 2], [3, 0, 0, 4], [3, 3, 4, 4]]),
        np.array([[1, 0, 0, 2], [1, 1, 2, 2], [0, 3, 4, 0], [3, 3, 0, 0]]),
    ]
    order = (3, 2, 0, 1)  # block 1 on top, then 0, then 2, block 3 at the bottom
    wanted = [overlay_blocks(a, 2, 2, order) for a in inputs]
    found = learn_overlay_orders(inputs, wanted, apply_to=[inputs[0]])
    assert found and found[0]["rows"] == 2 and found[0]["cols"] == 2
    for a, b in zip(inputs, wanted, strict=True):
        assert np.array_equal(overlay_blocks(a, 2, 2, found[0]["order"]), b)
    assert overlay_blocks(inputs[0], 2, 2, order).tolist() == [[2, 1], [2, 2]]


def test_colour_bars_by_count_and_by_largest_objects() -> None:
    g = np.array([[2, 2, 1], [2, 3, 1], [1, 1, 1]])
    assert colour_bars(g, "count").tolist() == [
        [1, 2, 3],
        [1, 2, 0],
        [1, 2, 0],
        [1, 0, 0],
        [1, 0, 0],
    ]
    objects = np.array([[0, 4, 0, 6, 6], [0, 4, 0, 0, 0], [3, 0, 0, 0, 0], [0, 0, 0, 0, 0]])
    # the two largest objects (two cells each), left to right; the single 3 is left out
    assert colour_bars(objects, "largest").tolist() == [[4, 6], [4, 6]]


def test_downscale_fg_keeps_the_one_colour_of_each_block() -> None:
    g = np.array([[0, 0, 0, 3], [0, 2, 0, 0], [0, 0, 0, 0], [0, 0, 5, 5]])
    assert downscale_fg(g, 2, 2).tolist() == [[2, 3], [0, 5]]
    with pytest.raises(ValueError):
        downscale_fg(np.array([[1, 2], [0, 0]]), 2, 2)


def test_smear_trails_cells_away_from_the_corner() -> None:
    g = np.array([[6, 1], [3, 0]])
    out = smear(g, 2, 2, "tl")
    assert out.tolist() == [[6, 1, 0, 0], [3, 6, 1, 0], [0, 3, 6, 1], [0, 0, 3, 6]]
    assert smear(g, 2, 2, "br")[2:, 2:].tolist() == g.tolist()


def test_cells_in_order_reads_columns_and_writes_in_order() -> None:
    g = np.array([[0, 4, 0, 0], [3, 0, 0, 9], [0, 0, 8, 0]])
    assert cells_in_order(g, 2, 2, "snake").tolist() == [[3, 4], [9, 8]]
    assert cells_in_order(g, 2, 3, "rows").tolist() == [[3, 4, 8], [9, 0, 0]]


def test_pad_edges_repeats_the_edges() -> None:
    g = np.array([[1, 2], [3, 8]])
    assert pad_edges(g).tolist() == [
        [0, 1, 2, 0],
        [1, 1, 2, 2],
        [3, 3, 8, 8],
        [0, 3, 8, 0],
    ]


def test_bounce_tile_shares_the_edge_line() -> None:
    g = np.array([[1], [2], [3]])
    assert bounce_tile(g, 0, 4).ravel().tolist() == [1, 2, 3, 2, 1, 2, 3, 2, 1]
    assert bounce_tile(g.T, 1, 2).tolist() == [[1, 2, 3, 2, 1]]


def test_overlay_corners_and_gather_around() -> None:
    g = np.array([[1, 0, 0, 0, 2], [0, 0, 0, 0, 0], [0, 0, 0, 0, 3]])
    assert overlay_corners(g, 2, 2).tolist() == [[1, 2], [0, 3]]
    anchors = np.array([[4, 0, 0, 0], [0, 5, 0, 0], [0, 0, 0, 5], [0, 0, 0, 7]])
    assert gather_around(anchors, 5).tolist() == [[4, 0, 0], [0, 5, 0], [0, 7, 0]]


def test_count_diagonal_is_as_wide_as_the_object_count() -> None:
    g = np.array([[1, 0, 2], [0, 0, 0], [3, 3, 0]])
    assert count_diagonal(g, False).tolist() == [[1, 0, 0], [0, 1, 0], [0, 0, 1]]


def test_flip_tile_mirrors_every_other_copy() -> None:
    g = np.array([[1, 2], [3, 4]])
    out = flip_tile(g, 3, 2, True)
    assert out.shape == (6, 4)
    assert out[:2].tolist() == [[4, 3, 3, 4], [2, 1, 1, 2]]
    assert out[2:4].tolist() == [[2, 1, 1, 2], [4, 3, 3, 4]]
    assert np.array_equal(flip_tile(g, 1, 2, False), np.hstack([g, g[:, ::-1]]))


def test_paint_pattern_shrinks_a_large_pattern_onto_a_key() -> None:
    g = np.zeros((8, 8), dtype=int)
    g[0:2, 0:2] = 5
    g[2:4, 2:4] = 5
    g[6:8, 6:8] = [[1, 2], [3, 4]]
    # the pattern (colour 5, 4 x 4) shrinks to a 2 x 2 diagonal that keeps the key's 1 and 4
    assert paint_pattern(g, "shrink").tolist() == [[1, 0], [0, 4]]


def test_catalogue_leaves_out_enlargements_past_30_cells() -> None:
    small = np.array([[1, 0], [0, 2]])
    big = np.zeros((12, 12), dtype=int)
    big[0, 0], big[5, 5] = 1, 2
    names_small = {s.label for s in task_steps([(small, np.tile(small, (3, 3)))], [small])}
    names_big = {s.label for s in task_steps([(big, big[:6, :6])], [big])}
    assert "colour_kron(colour=-1)" in names_small
    assert "flip_tile(rows=3, cols=3, first=True)" in names_small
    assert not any(n.startswith(("colour_kron", "flip_tile")) for n in names_big)
    assert "smear(ky=2, kx=2, corner='tl')" in names_big
    assert "smear(ky=3, kx=3, corner='tl')" not in names_big


def test_shear_skews_rows_or_columns_by_one_cell_each() -> None:
    g = np.array([[1, 2], [3, 4], [5, 6]])
    assert shear(g, 0, True).tolist() == [[0, 0, 1, 2], [0, 3, 4, 0], [5, 6, 0, 0]]
    assert shear(g, 0, False).tolist() == [[1, 2, 0, 0], [0, 3, 4, 0], [0, 0, 5, 6]]
    assert shear(g, 1, False).tolist() == [[1, 0], [3, 2], [5, 4], [0, 6]]


def test_shear_is_offered_only_when_the_outputs_have_the_skewed_shape() -> None:
    g = np.array([[1, 2], [3, 4], [5, 6]])
    offered = {s.label for s in task_steps([(g, shear(g, 0, True))], [g])}
    assert "shear(axis=0, first_most=True)" in offered
    assert not any(s.startswith("shear") for s in {s.label for s in task_steps([(g, g)], [g])})


def test_shear_emits_equivalent_source() -> None:
    g = np.array([[1, 2], [3, 4], [5, 6]])
    wide = np.ones((2, 29), dtype=g.dtype)  # too wide to skew its rows
    for axis in (0, 1):
        for first_most in (False, True):
            check_same((step(shear, axis=axis, first_most=first_most),), [g, wide])


def test_shrink_content_undoes_a_blow_up_of_the_drawing() -> None:
    g = np.zeros((7, 8), dtype=np.int64)
    g[1:5, 2:8] = np.kron(np.array([[1, 0, 2], [3, 3, 0]]), np.ones((2, 2), dtype=np.int64))
    assert shrink_content(g).tolist() == [[1, 0, 2], [3, 3, 0]]
    with pytest.raises(ValueError):
        shrink_content(np.array([[0, 1, 2], [0, 1, 2]]))  # blown up one way only
    check_same((step(shrink_content),), [g])


def test_shrink_content_is_offered_only_when_every_input_is_drawn_large() -> None:
    big = np.kron(np.array([[0, 5], [5, 5]]), np.ones((3, 3), dtype=np.int64))
    small = np.array([[0, 5], [5, 5]])
    small_kron = np.kron(small != 0, small)
    assert "shrink_content" in {s.label for s in task_steps([(big, small_kron)], [big])}
    assert "shrink_content" not in {s.label for s in task_steps([(small, small_kron)], [big])}


def test_search_finds_a_drawing_shrunk_then_laid_at_its_own_cells() -> None:
    pictures = [
        np.array([[5, 0, 5], [0, 5, 0], [5, 0, 5]]),
        np.array([[5, 5, 0], [0, 0, 5], [5, 5, 0]]),
        np.array([[0, 5, 0], [5, 5, 5], [0, 5, 0]]),
    ]
    pairs = []
    for k, p in enumerate(pictures):
        canvas = np.zeros((12, 13), dtype=np.int64)
        canvas[k : k + 9, 1 : 1 + 9] = np.kron(p, np.ones((3, 3), dtype=np.int64))
        pairs.append((as_grid(canvas.tolist()), as_grid(np.kron(p != 0, p).tolist())))
    test = np.zeros((11, 11), dtype=np.int64)
    test[2:11, 0:9] = np.kron(
        np.array([[5, 5, 5], [5, 0, 0], [5, 0, 0]]), np.ones((3, 3), dtype=np.int64)
    )
    programs = search(make_task(pairs, [as_grid(test.tolist())]), time_limit_s=30, max_programs=1)
    assert programs and programs[0].fits
    assert programs[0].name == "shrink_content | self_kron(invert=False)"


def test_crop_block_cuts_the_plain_rectangle_out_of_noise() -> None:
    noise = np.array(
        [
            [1, 2, 3, 4, 5, 6, 7],
            [8, 9, 4, 4, 4, 4, 1],
            [2, 3, 4, 6, 4, 4, 5],
            [7, 8, 4, 4, 4, 4, 9],
            [3, 5, 6, 7, 8, 9, 1],
        ]
    )
    assert crop_block(noise).tolist() == [[4, 4, 4, 4], [4, 6, 4, 4], [4, 4, 4, 4]]
    ring = np.full((5, 5), 4)
    ring[1:4, 1:4] = [[1, 2, 3], [5, 6, 7], [8, 9, 1]]
    with pytest.raises(ValueError):  # a ring of 4s with too little 4 inside
        crop_block(ring)
    offered = {s.label for s in task_steps([(noise, crop_block(noise))], [noise])}
    assert "crop_block" in offered
    assert "crop_block" not in {s.label for s in task_steps([(noise, noise)], [noise])}
    check_same((step(crop_block),), [noise])
