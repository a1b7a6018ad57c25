"""Steps skipped before they run: they must fail, or make nothing new, on the state."""

from __future__ import annotations

from typing import Any

import numpy as np

from arcloop.search import lib_geometry as geo
from arcloop.search import lib_objects as obj
from arcloop.search import lib_paint as paint
from arcloop.search.catalogue import Step, step
from arcloop.search.prune import StateFacts


def a(rows: list[list[int]]) -> np.ndarray:
    return np.array(rows)


def runs(st: Step, grids: list[np.ndarray]) -> bool:
    try:
        for g in grids:
            st(g)
    except ValueError:
        return False
    return True


GRIDS = [a([[1, 0, 1], [0, 0, 0], [2, 2, 0]]), a([[1, 0, 0], [0, 0, 3], [0, 0, 3]])]


def test_a_colour_step_is_futile_exactly_when_its_colour_is_missing() -> None:
    facts = StateFacts(GRIDS)
    # 2 is missing from the second grid: cropping to it must fail there
    assert facts.futile(step(geo.crop_to_colour, colour=2))
    assert not runs(step(geo.crop_to_colour, colour=2), GRIDS)
    assert not facts.futile(step(geo.crop_to_colour, colour=1))
    assert facts.futile(step(paint.slide_colour, colour=3, direction="up"))
    # erasing a colour that some grid holds still does something
    assert not facts.futile(step(paint.erase_colour, colour=2))
    assert facts.futile(step(paint.erase_colour, colour=7))
    assert not facts.futile(step(paint.keep_colour, colour=7))
    assert not facts.futile(step(geo.flip_lr))


def test_a_selector_is_futile_without_two_objects_to_choose_from() -> None:
    one = [a([[0, 5, 5], [0, 5, 0]])]
    kwargs: dict[str, Any] = {"diagonal": False, "multicolour": False, "selector": "max_size"}
    crop = step(obj.crop_object, **kwargs)
    assert StateFacts(one).futile(crop)
    assert not runs(crop, one)
    assert not StateFacts(GRIDS).futile(crop)


def test_a_failed_selection_makes_the_other_actions_on_it_futile() -> None:
    tie = [a([[1, 0, 2], [0, 0, 0], [3, 0, 0]])]  # three objects of one cell: no largest
    kwargs: dict[str, Any] = {"diagonal": False, "multicolour": False, "selector": "max_size"}
    crop, alone = step(obj.crop_object, **kwargs), step(obj.crop_object_alone, **kwargs)
    facts = StateFacts(tie)
    assert not facts.futile(crop)
    assert not runs(crop, tie)
    facts.failed(crop)
    assert facts.futile(alone)
    assert not runs(alone, tie)
    other = step(obj.crop_object, diagonal=False, multicolour=False, selector="min_top")
    assert not facts.futile(other)
