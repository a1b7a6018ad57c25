"""Views: the task seen through a normalisation that a program applies first and undoes last.

A view maps every input grid by its ``forward`` steps and every train output by the same map
(so the search compares like with like), and a program found in the view ends with the
``inverse`` steps. Two kinds:

- ``colours``: colours renumbered by frequency in each input (``normalise_colours``), so a
  rule about "the most common colour" or a learned colour table holds across pairs that use
  different colours; the output is mapped back with the inverse of that input's renumbering.
- the seven non-trivial dihedral transforms (turns, mirrors, transposes), so a rule written
  for one direction (fall down, crop the top object) serves the other seven. The engine leaves
  them off (``engine.DIHEDRAL_VIEWS``) while the catalogue holds every orientation itself.

Both are bijections of each grid, so a program right in the view is right in the task.

Not here: searching inside a view (``engine.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from arcloop.search import lib_frames as frames
from arcloop.search import lib_geometry as geo
from arcloop.search.catalogue import Step
from arcloop.search.grids import Array

Target = Callable[[Array, Array], Array]
"""(input, output) -> the output as the view sees it."""


@dataclass(frozen=True, slots=True)
class View:
    """A normalisation of the task.

    Attributes:
        name: short name (``"identity"``, ``"colours"``, ``"rotate_cw"``, ...).
        forward: steps applied to each input before the search's steps.
        inverse: steps that end every program found in the view.
        target: maps a train pair's output into the view, given the pair's input.
    """

    name: str
    forward: tuple[Step, ...]
    inverse: tuple[Step, ...]
    target: Target

    def inputs(self, grids: Sequence[Array]) -> list[Array]:
        """The grids as the view sees them."""
        out = list(grids)
        for s in self.forward:
            out = [np.asarray(s(g)) for g in out]
        return out

    def back(self, made: Sequence[Array], originals: Sequence[Array]) -> list[Array]:
        """Grids made in the view, mapped back to the task (``originals``: the inputs)."""
        out = list(made)
        for s in self.inverse:
            out = [np.asarray(s(g, x)) for g, x in zip(out, originals, strict=True)]
        return out


def _same(x: Array, y: Array) -> Array:
    return y


def _colour_target(x: Array, y: Array) -> Array:
    lookup = np.empty(10, dtype=y.dtype)
    lookup[frames.colour_ranks(x)] = np.arange(10)
    out: Array = lookup[y]
    return out


IDENTITY = View("identity", (), (), _same)

_DIHEDRAL = (
    (geo.rotate_cw, geo.rotate_ccw),
    (geo.rotate_180, geo.rotate_180),
    (geo.rotate_ccw, geo.rotate_cw),
    (geo.flip_lr, geo.flip_lr),
    (geo.flip_ud, geo.flip_ud),
    (geo.transpose, geo.transpose),
    (geo.anti_transpose, geo.anti_transpose),
)


def _dihedral(fn: Callable[[Array], Array], inverse: Callable[[Array], Array]) -> View:
    forward = Step(fn, family="views")
    return View(fn.__name__, (forward,), (Step(inverse, family="views"),), lambda x, y: fn(y))


COLOURS = View(
    "colours",
    (Step(frames.normalise_colours, family="views"),),
    (Step(frames.restore_colours, reads_input=True, family="views"),),
    _colour_target,
)

DIHEDRAL = tuple(_dihedral(f, i) for f, i in _DIHEDRAL)
