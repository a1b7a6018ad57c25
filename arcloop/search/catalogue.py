"""The catalogue: which primitive steps, with which parameters, the search tries on a task.

A ``Step`` is one primitive function with literal keyword arguments. ``task_steps`` lists the
steps for one task, in the order the search tries them (that order is the tie-break of the
ranking, so simpler and more common steps come first). Parameters come from the train pairs
and the inputs only: colours that occur in them, and the size ratios between train inputs and
outputs.

Not here: learned tables (``learn.py``), running steps (``engine.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from arcloop.search import lib_geometry as geo
from arcloop.search import lib_moves as mv
from arcloop.search import lib_objects as obj
from arcloop.search import lib_paint as paint
from arcloop.search import lib_parts as prt
from arcloop.search import lib_pieces as pcs
from arcloop.search.grids import Array
from arcloop.search.lib_objects import FILL_ORDERS

Primitive = Callable[..., Array]


@dataclass(frozen=True, slots=True)
class Step:
    """One primitive with its keyword arguments.

    Attributes:
        fn: a top-level function of a ``lib_*`` module.
        kwargs: its keyword arguments as (name, literal) pairs.
        chain: whether the search may also apply it after another step (depth 2 and 3).
        reads_input: ``fn`` takes the task's input grid as its second argument.
        family: the primitive family the benchmark's ablation removes it with (by default
            the ``lib_*`` module's name without ``lib_``).
    """

    fn: Primitive
    kwargs: tuple[tuple[str, Any], ...] = ()
    chain: bool = True
    reads_input: bool = False
    family: str = ""
    _kwargs: dict[str, Any] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        # the keyword arguments as a dict once: a step is called hundreds of times
        object.__setattr__(self, "_kwargs", dict(self.kwargs))

    def __call__(self, g: Array, original: Array | None = None) -> Array:
        if self.reads_input:
            return self.fn(g, original, **self._kwargs)
        return self.fn(g, **self._kwargs)

    @property
    def kind(self) -> str:
        """The step's family: ``family`` when given, else its module's."""
        return self.family or self.fn.__module__.rsplit(".", 1)[-1].removeprefix("lib_")

    @property
    def label(self) -> str:
        """Readable form, e.g. ``crop_object(diagonal=True, selector='max_size')``."""
        if not self.kwargs:
            return self.fn.__name__
        args = ", ".join(f"{k}={v!r}" for k, v in self.kwargs)
        return f"{self.fn.__name__}({args})"


def step(fn: Primitive, chain: bool = True, **kwargs: Any) -> Step:
    """A ``Step`` from keyword arguments (kept in the order given)."""
    return Step(fn, tuple(kwargs.items()), chain)


Ratios = set[tuple[int, int]]


def _ratios(train: Sequence[tuple[Array, Array]]) -> tuple[Ratios, Ratios]:
    """Integer (rows, cols) factors by which outputs are larger / smaller than inputs."""
    up: set[tuple[int, int]] = {(2, 2), (3, 3)}
    down: set[tuple[int, int]] = {(2, 2), (3, 3)}
    for a, b in train:
        (ih, iw), (oh, ow) = a.shape, b.shape
        if oh % ih == 0 and ow % iw == 0 and (oh, ow) != (ih, iw):
            up.add((oh // ih, ow // iw))
        if ih % oh == 0 and iw % ow == 0 and (oh, ow) != (ih, iw):
            down.add((ih // oh, iw // ow))
    return up, down


def task_steps(train: Sequence[tuple[Array, Array]], test_inputs: Sequence[Array]) -> list[Step]:
    """Every step the search tries on this task, simplest first."""
    in_colours = sorted({int(c) for a, _ in train for c in np.unique(a)} - {0})
    out_colours = sorted({int(c) for _, b in train for c in np.unique(b)} - {0})
    up, down = _ratios(train)
    # the largest input, so that steps whose output would pass 30 x 30 on it are left out
    inputs = [*(a for a, _ in train), *test_inputs]
    rows, cols = max(a.shape[0] for a in inputs), max(a.shape[1] for a in inputs)
    fits = {(ky, kx) for ky, kx in up if rows * ky <= 30 and cols * kx <= 30}
    steps: list[Step] = [
        step(geo.rotate_cw),
        step(geo.rotate_180),
        step(geo.rotate_ccw),
        step(geo.flip_lr),
        step(geo.flip_ud),
        step(geo.transpose),
        step(geo.anti_transpose),
        step(geo.crop_to_content, bg=0),
        step(geo.crop_to_content, bg=-1),
    ]
    steps += [step(geo.crop_to_colour, colour=c) for c in in_colours]
    steps += [step(geo.crop_inside_colour, colour=c) for c in in_colours]
    steps += [step(geo.crop_inside_frame)]
    steps += [step(geo.upscale, ky=ky, kx=kx) for ky, kx in sorted(up)]
    steps += [step(geo.downscale, ky=ky, kx=kx) for ky, kx in sorted(down)]
    steps += [step(geo.downscale_vote, ky=ky, kx=kx) for ky, kx in sorted(down)]
    steps += [step(geo.downscale_fg, ky=ky, kx=kx) for ky, kx in sorted(down)]
    steps += [step(geo.tile, rows=r, cols=c) for r, c in sorted(up | {(1, 2), (2, 1)})]
    mirrors = ("lr", "rl", "ud", "du", "quad", "quad_rev")
    steps += [step(geo.mirror_tile, pattern=p) for p in mirrors]
    steps += [
        step(geo.flip_tile, chain=False, rows=r, cols=c, first=f)
        for r, c in sorted(fits)
        if r * c > 4
        for f in (False, True)
    ]
    steps += [
        step(geo.rotation_tile),
        step(geo.self_kron, invert=False),
        step(geo.self_kron, invert=True),
        step(geo.upscale_by_colours, chain=False),
    ]
    if rows * rows <= 30 and cols * cols <= 30:
        steps += [step(geo.colour_kron, chain=False, colour=c) for c in [-1, *in_colours]]
        steps += [step(geo.kron_by_colour, chain=False)]
    steps += [step(geo.half, part=p) for p in ("top", "bottom", "left", "right")]
    steps += [step(geo.pad_edges, chain=False)]
    steps += [
        step(geo.bounce_tile, chain=False, axis=a, k=k)
        for a, n in ((0, rows), (1, cols))
        for k in (2, 3, 4)
        if k * (n - 1) + 1 <= 30
    ]
    steps += [step(obj.gather_around, chain=False, colour=c) for c in in_colours]
    if all(b.size < a.size for a, b in train):  # pieces join into a smaller grid
        steps += [step(pcs.overlay_pieces, chain=False, by=b) for b in ("object", "colour")]
        steps += [step(pcs.assemble_pieces, chain=False)]
    steps += [
        step(geo.drop_repeats),
        step(geo.drop_repeated_half),
        step(geo.drop_uniform_lines, bg=0),
        step(geo.strip_border),
    ]
    steps += [step(geo.most_common_colour_cell, bg=0), step(geo.least_common_colour_cell, bg=0)]
    out_shapes = {b.shape for _, b in train}
    for axis in (0, 1):  # each output its input skewed along rows (0) or columns (1)
        if all(b.shape == _sheared(a.shape, axis) for a, b in train):
            steps += [step(geo.shear, axis=axis, first_most=f) for f in (False, True)]
    losses = {(a.shape[0] - b.shape[0], a.shape[1] - b.shape[1]) for a, b in train}
    if losses <= {(0, 1), (1, 0), (1, 1)}:  # each output: its input less a border line or two
        steps += [step(mv.roll_by_markers, chain=False)]
    if len(out_shapes) == 1:
        ((h, w),) = out_shapes
        steps += [step(mv.tile_to, h=h, w=w), step(mv.scale_to, h=h, w=w)]
        steps += [step(obj.cells_in_order, chain=False, h=h, w=w, order=o) for o in FILL_ORDERS]
        steps += [step(geo.overlay_corners, chain=False, h=h, w=w)]
    steps += _object_steps()
    directions = ("down", "up", "left", "right")
    steps += [step(mv.fall_objects, chain=False, direction=d) for d in directions]
    steps += [step(mv.move_to_contact, chain=False, colour=c) for c in in_colours]
    steps += [
        step(mv.objects_to_contact, chain=False, diagonal=d, trail=t)
        for d, t in ((False, False), (True, False), (False, True))
    ]
    completes = _only_adds(train)
    if not completes and all(a.shape == b.shape for a, b in train):  # pieces move or vanish
        steps += [
            step(mv.attract_to_lines, chain=False),
            step(mv.attract_to_lines, chain=False, diagonal=True, pile=True),
            step(obj.stamp_template, chain=False),
        ]
    if _moves_only(train):  # every colour keeps its number of cells: pieces only move
        steps += [step(mv.step_to_lines, chain=False), step(obj.reverse_paths, chain=False)]
        steps += [step(obj.turn_objects, chain=False, how=h) for h in ("cw", "ccw")]
        steps += [step(mv.move_by_size, chain=False, direction=d) for d in directions]
    steps += _part_steps()
    steps += _paint_steps(in_colours, out_colours, fits, completes=completes)
    if all(np.count_nonzero(a) == 2 for a in inputs):  # only then can an L-shaped join apply
        steps += [
            step(paint.connect_elbow, chain=False, colour=c, axis=a)
            for c in in_colours
            for a in "hv"
        ]
    return steps


def _sheared(shape: tuple[int, ...], axis: int) -> tuple[int, int]:
    """The shape of a grid of ``shape`` after ``shear`` along ``axis``.

    >>> _sheared((2, 3), 0), _sheared((2, 3), 1)
    ((2, 4), (4, 3))
    """
    h, w = shape[0], shape[1]
    return (h, w + h - 1) if axis == 0 else (h + w - 1, w)


def _object_steps() -> list[Step]:
    # Properties of the object itself first; positions (weaker evidence) last.
    selectors = [f"{s}_{p}" for p in ("size", "area", "density") for s in ("max", "min")]
    selectors += [
        "unique_shape",
        "unique_colour",
        "common_shape",
        "max_colour_rarity",
        "max_symmetry",
        "min_symmetry",
    ]
    selectors += [f"{s}_{p}" for p in ("top", "left", "bottom", "right") for s in ("max", "min")]
    out: list[Step] = []
    for multicolour in (False, True):
        sels = selectors + (["max_colours", "min_colours"] if multicolour else [])
        for diagonal in (False, True):
            for sel in sels:
                kw: dict[str, Any] = {
                    "diagonal": diagonal,
                    "multicolour": multicolour,
                    "selector": sel,
                }
                out.append(step(obj.crop_object, **kw))
                if not multicolour:
                    out.append(step(obj.crop_object_alone, **kw))
                if sel in (
                    "max_size",
                    "min_size",
                    "unique_shape",
                    "unique_colour",
                    "max_colour_rarity",
                ):
                    out.append(step(obj.keep_object, chain=False, **kw))
                    out.append(step(obj.erase_object, chain=False, **kw))
    for diagonal in (False, True):
        out += [step(obj.erase_small_objects, diagonal=diagonal, max_size=k) for k in (1, 2)]
        out += [
            step(obj.recolour_by_size, diagonal=diagonal),
            step(obj.recolour_by_size_rank, diagonal=diagonal),
            step(obj.count_objects_row, diagonal=diagonal),
            step(obj.count_diagonal, chain=False, diagonal=diagonal),
        ]
    out += [step(obj.count_cells_row), step(obj.colours_by_size)]
    out += [
        step(obj.colour_list, chain=False, order=o, skip=k)
        for o in ("count", "position")
        for k in (0, 1)
    ]
    out += [step(obj.colour_bars, chain=False, which=w) for w in ("count", "largest")]
    return out


def _part_steps() -> list[Step]:
    out: list[Step] = []
    for axis in (0, 1):
        for n in (2, 3):
            out += [
                step(prt.combine_parts, axis=axis, n=n, op=op)
                for op in ("and", "or", "xor", "nor", "first_only", "last_only")
            ]
            out += [step(prt.overlay_parts, axis=axis, n=n, reverse=r) for r in (False, True)]
            out += [step(prt.part, axis=axis, n=n, index=i) for i in (0, -1)]
    out += [
        step(prt.select_cell, selector=s)
        for s in ("most_filled", "least_filled", "most_colours", "least_colours", "odd_one")
    ]
    out += [
        step(prt.summarise_cells),
        step(prt.summarise_gaps),
        step(prt.remove_separators),
        step(prt.overlay_cells, reverse=False),
        step(prt.overlay_cells, reverse=True),
    ]
    out += [step(prt.broadcast_cells, chain=False, mark=m) for m in (False, True)]
    out += [step(prt.copy_to_marked_cells, chain=False)]
    out += [step(prt.paint_pattern, chain=False, mode=m) for m in ("kron", "scale", "shrink")]
    return out


def _only_adds(train: Sequence[tuple[Array, Array]]) -> bool:
    """Whether every train output keeps its input and only paints over the input's most
    common colour (the background): the evidence a completion step needs.

    >>> _only_adds([(np.array([[1, 0], [0, 0]]), np.array([[1, 0], [0, 1]]))])
    True
    >>> _only_adds([(np.array([[1, 0], [0, 0]]), np.array([[0, 0], [1, 0]]))])
    False
    """
    for a, b in train:
        if a.shape != b.shape:
            return False
        kept = a != np.bincount(a.ravel(), minlength=10).argmax()
        if not np.array_equal(a[kept], b[kept]):
            return False
    return True


def _moves_only(train: Sequence[tuple[Array, Array]]) -> bool:
    """Whether every train output has its input's shape and the same number of cells of each
    colour, and differs from it: the evidence that pieces move (and nothing is painted).

    >>> _moves_only([(np.array([[1, 0, 0]]), np.array([[0, 0, 1]]))])
    True
    >>> _moves_only([(np.array([[1, 0, 0]]), np.array([[1, 1, 0]]))])
    False
    """
    for a, b in train:
        if a.shape != b.shape or np.array_equal(a, b):
            return False
        if not np.array_equal(
            np.bincount(a.ravel(), minlength=10), np.bincount(b.ravel(), minlength=10)
        ):
            return False
    return True


def _paint_steps(
    in_colours: list[int], out_colours: list[int], fits: Ratios, *, completes: bool
) -> list[Step]:
    out: list[Step] = [
        step(paint.nonzero_mask),
        step(paint.paint_nonzero, which="most"),
        step(paint.paint_nonzero, which="least"),
    ]
    out += [step(paint.keep_colour, colour=c) for c in in_colours]
    out += [step(paint.erase_colour, colour=c) for c in in_colours]
    out += [step(paint.fill_enclosed, colour=c) for c in out_colours]
    out += [step(paint.hollow), step(paint.interior), step(paint.keep_squares)]
    mirrors = ["lr", "ud", "both", "diagonal", "turns"]
    if completes:
        mirrors.append("half")  # the half turn alone only then, as complete_symmetry below
    out += [step(paint.overlay_mirror, how=h) for h in mirrors]
    out += [step(paint.paint_frame, colour=c) for c in out_colours]
    out += [step(paint.outline, colour=c, diagonal=d) for c in out_colours for d in (False, True)]
    out += [step(paint.gravity, direction=d) for d in ("down", "up", "left", "right")]
    out += [
        step(paint.slide_colour, colour=c, direction=d)
        for c in in_colours
        for d in ("down", "up", "left", "right")
    ]
    out += [step(paint.connect_pairs, directions=d) for d in ("h", "v", "hv", "vh", "da", "hvda")]
    out += [
        step(paint.smear, chain=False, ky=ky, kx=kx, corner=c)
        for ky, kx in sorted(fits)
        for c in ("tl", "tr", "bl", "br")
    ]
    out += [step(paint.fill_colour_boxes)]
    rays = ("udlr", "ud", "lr", "u", "d", "l", "r", "1234", "udlr1234")
    out += [
        step(paint.extend_rays, chain=False, colour=c, directions=d, stop=s)
        for c in [-1, *in_colours]
        for d in rays
        for s in (True, False)
    ]
    out += [step(paint.symmetry_fill, chain=False, mask_colour=c) for c in [0, *in_colours]]
    out += [step(paint.symmetry_patch, chain=False, mask_colour=c) for c in [0, *in_colours]]
    out += [step(paint.periodic_fill, chain=False, mask_colour=c) for c in [0, *in_colours]]
    out += [step(paint.periodic_patch, chain=False, mask_colour=c) for c in [0, *in_colours]]
    out += [step(paint.diagonal_fill, chain=False, mask_colour=c) for c in [0, *in_colours]]
    if completes:
        # about a centre the cells vote for, every mirror and turn, the turns only, or the two
        # mirrors (and the half turn); about the box of one colour, the two mirrors. Offered
        # only when the outputs only add to the inputs: each of these steps costs a depth-2
        # expansion of its state on every task, which pushed programs out of the budget. The
        # band of lines holding the picture, repeated across the grid, completes it too; so do
        # lone seeds grown into their nearest corner.
        voted = ("all", "turns", "both")
        out += [step(paint.complete_symmetry, chain=False, colour=-1, how=h) for h in voted]
        out += [
            step(paint.complete_symmetry, chain=False, colour=c, how="both") for c in in_colours
        ]
        out += [
            step(geo.repeat_band, chain=False, axis=a, minimal=m)
            for a in (0, 1)
            for m in (False, True)
        ]
        out += [step(paint.grow_to_corner, chain=False)]
    out += [step(geo.add_border, colour=c) for c in out_colours]
    out += [
        step(obj.bounding_boxes, diagonal=d, colour=c) for c in out_colours for d in (False, True)
    ]
    return out
