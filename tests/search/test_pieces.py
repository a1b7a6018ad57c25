"""Pieces put together (overlaid centred, assembled by where their marks face), and grids
rolled by the markers on their border."""

from __future__ import annotations

import numpy as np
import pytest

from arcloop.search.catalogue import Step, step
from arcloop.search.emit import emit_source
from arcloop.search.grids import to_grid
from arcloop.search.lib_moves import roll_by_markers
from arcloop.search.lib_pieces import (
    assemble_pieces,
    cut_pieces,
    interlock_pieces,
    overlay_pieces,
)
from tests.search.helpers import run_source

# Two one-colour pieces (corners of a 3 x 3 box in 2, a 1 x 3 bar in 3) on a background of 5.
CORNERS_AND_BAR = np.array(
    [
        [2, 5, 2, 5, 5, 5],
        [5, 5, 5, 5, 5, 5],
        [2, 5, 2, 5, 5, 5],
        [5, 5, 5, 5, 5, 5],
        [5, 5, 5, 3, 3, 3],
    ]
)

# Two one-colour pieces (a 3 in an L, a 7 in a hook) that interlock into a 3 x 3 block.
JIGSAW = np.array(
    [
        [0, 0, 0, 0, 0, 0, 0],
        [0, 3, 3, 0, 0, 0, 0],
        [0, 3, 0, 0, 0, 0, 0],
        [0, 3, 0, 0, 0, 0, 7],
        [0, 0, 0, 0, 0, 7, 7],
        [0, 0, 0, 0, 0, 7, 7],
    ]
)

# Four L-shaped pieces, each with its corner cell facing one corner of the picture.
FOUR_CORNERS = np.array(
    [
        [0, 0, 0, 0, 0, 0, 0],
        [0, 4, 4, 0, 0, 0, 0],
        [0, 4, 0, 0, 1, 1, 0],
        [0, 0, 0, 0, 0, 1, 0],
        [3, 0, 0, 0, 0, 0, 0],
        [3, 3, 0, 0, 0, 2, 0],
        [0, 0, 0, 0, 2, 2, 0],
    ]
)


def test_pieces_are_cut_by_object_or_by_colour() -> None:
    assert [p.shape for p in cut_pieces(CORNERS_AND_BAR, "colour")] == [(3, 3), (1, 3)]
    assert len(cut_pieces(FOUR_CORNERS, "object")) == 4
    with pytest.raises(ValueError):
        cut_pieces(np.array([[0, 0], [0, 1]]), "object")


def test_overlay_pieces_centres_each_piece_on_the_largest() -> None:
    assert overlay_pieces(CORNERS_AND_BAR, "colour").tolist() == [
        [2, 5, 2],
        [3, 3, 3],
        [2, 5, 2],
    ]


def test_overlay_pieces_refuses_clashing_marks_and_off_centre_pieces() -> None:
    clash = np.array([[1, 0, 1, 0, 2, 0, 0], [0] * 7, [1, 0, 1, 0, 0, 0, 2]])
    with pytest.raises(ValueError):
        overlay_pieces(clash, "colour")
    off_centre = np.array([[1, 1, 0, 2, 0], [1, 1, 0, 0, 0], [0, 0, 0, 0, 0]])
    with pytest.raises(ValueError):
        overlay_pieces(off_centre, "object")


def test_assemble_pieces_puts_each_piece_where_its_marks_face() -> None:
    assert assemble_pieces(FOUR_CORNERS).tolist() == [
        [4, 4, 1, 1],
        [4, 0, 0, 1],
        [3, 0, 0, 2],
        [3, 3, 2, 2],
    ]


def test_assemble_pieces_uses_a_centre_slot_for_unmarked_pieces_in_three_by_three() -> None:
    # nine 1 x 1 pieces can't face anywhere but the centre: two in one slot raise
    g = np.zeros((5, 5), dtype=int)
    g[::2, ::2] = 7
    g[0, 0] = 3
    with pytest.raises(ValueError):
        assemble_pieces(g)


MARKED = np.array(
    [
        [7, 6, 2, 6, 6],
        [6, 1, 1, 3, 4],
        [2, 4, 5, 8, 9],
        [6, 1, 3, 3, 3],
        [6, 8, 8, 8, 1],
    ]
)


def test_roll_by_markers_drops_the_marker_lines_and_rolls_by_their_markers() -> None:
    # markers (colour 2): index 1 of the remaining columns, index 1 of the remaining rows
    assert roll_by_markers(MARKED).tolist() == [
        [1, 8, 8, 8],
        [4, 1, 1, 3],
        [9, 4, 5, 8],
        [3, 1, 3, 3],
    ]
    with pytest.raises(ValueError):
        roll_by_markers(np.arange(16).reshape(4, 4))


def test_interlock_pieces_fits_the_pieces_into_the_block_they_fill() -> None:
    assert interlock_pieces(JIGSAW).tolist() == [[3, 3, 7], [3, 7, 7], [3, 7, 7]]
    bar = JIGSAW.copy()
    bar[1:4, 1:3] = 0
    bar[0, 0:3] = 3  # a bar of three and the hook of five fill no rectangle
    with pytest.raises(ValueError):
        interlock_pieces(bar)


@pytest.mark.parametrize(
    ("piece", "grid"),
    [
        (step(overlay_pieces, by="colour"), CORNERS_AND_BAR),
        (step(overlay_pieces, by="object"), FOUR_CORNERS),
        (step(assemble_pieces), FOUR_CORNERS),
        (step(roll_by_markers), MARKED),
        (step(interlock_pieces), JIGSAW),
    ],
)
def test_the_new_steps_emit_equivalent_source(piece: Step, grid: np.ndarray) -> None:
    try:
        want = to_grid(np.asarray(piece(grid)))
    except ValueError:
        want = None
    assert run_source(emit_source((piece,), title="t"), to_grid(grid)) == want
