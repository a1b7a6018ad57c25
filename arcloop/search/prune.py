"""Steps that cannot make anything of a state, known before running them.

At every depth the search tries a long list of steps on each state it extends. Some steps
need something that a state may lack, and then fail or change nothing:

- a step on the cells of one colour (crop to it, crop inside it, slide it) fails on a grid
  without that colour; erasing a colour that no grid holds gives the state back unchanged;
- an object selector (crop to, keep or erase the selected object) fails on a grid with fewer
  than two objects or more than thirty (``select_object``); when one action on a selection
  fails (a tie), every other action on the same selection fails too.

``StateFacts.futile`` answers from each grid's colours and object count (the object
labelling is cached, and a selector would label the grids anyway), so the search need not
run such steps. It still charges them to the budget as if it had (``Search.charge``): the
budget then buys the same programs as before, and only the time is saved. (Not charging
them lets the budget buy more real work, which found 90c28cc7 but cost about a fifth more
CPU per training task.)

Not here: predicting any other failure (a tie between objects, a frame too small); those
still take a try.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from arcloop.search import lib_geometry as geo
from arcloop.search import lib_objects as obj
from arcloop.search import lib_paint as paint
from arcloop.search.catalogue import Step
from arcloop.search.grids import Array

NEEDS_COLOUR_EVERYWHERE = frozenset(
    {geo.crop_to_colour, geo.crop_inside_colour, paint.slide_colour}
)
"""Steps that fail on any grid without their ``colour``."""

NEEDS_COLOUR_SOMEWHERE = frozenset({paint.erase_colour})
"""Steps that give the state back unchanged when no grid holds their ``colour``."""

SELECTORS = frozenset({obj.crop_object, obj.crop_object_alone, obj.keep_object, obj.erase_object})
"""Steps that select one object of 2 to 30 (``select_object``), else fail."""


class StateFacts:
    """What ``futile`` reads of one state's grids, each computed once, when first asked."""

    def __init__(self, grids: Sequence[Array]) -> None:
        self.grids = grids
        self._colours: list[set[int]] | None = None
        self._selectable: dict[tuple[bool, bool], bool] = {}
        self._no_choice: set[tuple[object, ...]] = set()

    def colours(self) -> list[set[int]]:
        """The colours of each grid."""
        if self._colours is None:
            self._colours = [set(np.flatnonzero(np.bincount(g.ravel()))) for g in self.grids]
        return self._colours

    def selectable(self, diagonal: bool, multicolour: bool) -> bool:
        """Whether every grid has 2 to 30 objects (of this kind) to select one from."""
        key = (diagonal, multicolour)
        if key not in self._selectable:
            self._selectable[key] = all(
                2 <= len(obj.find_objects(g, diagonal, multicolour, 0)) <= 30 for g in self.grids
            )
        return self._selectable[key]

    def failed(self, st: Step) -> None:
        """Note that ``st`` failed on these grids: if it selects an object, the selection
        did, and every other action on the same selection will fail too."""
        if st.fn in SELECTORS:
            self._no_choice.add(_selection(st))

    def futile(self, st: Step) -> bool:
        """True when ``st`` must fail on these grids, or can make nothing new of them."""
        if st.fn in SELECTORS:
            kw = dict(st.kwargs)
            if _selection(st) in self._no_choice:
                return True
            return not self.selectable(bool(kw["diagonal"]), bool(kw["multicolour"]))
        if st.fn in NEEDS_COLOUR_EVERYWHERE:
            colour = dict(st.kwargs)["colour"]
            return any(colour not in c for c in self.colours())
        if st.fn in NEEDS_COLOUR_SOMEWHERE:
            colour = dict(st.kwargs)["colour"]
            return all(colour not in c for c in self.colours())
        return False


def _selection(st: Step) -> tuple[object, ...]:
    """The arguments of ``select_object`` in a selector step."""
    kw = dict(st.kwargs)
    return (kw["diagonal"], kw["multicolour"], kw["selector"])
