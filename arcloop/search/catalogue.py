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
    if all(_jigsaw(a, b) for a, b in train):  # each output: its input's drawing packed tight
        steps += [step(pcs.interlock_pieces, chain=False)]
    steps += [
        step(geo.drop_repeats),
        step(geo.drop_repeated_half),
        step(geo.drop_uniform_lines, bg=0),
        step(geo.strip_border),
    ]
    steps += [step(geo.most_common_colour_cell, bg=0), step(geo.least_common_colour_cell, bg=0)]
    if all(_drawn_large(a) for a, _ in train):  # a picture blown up on every train input
        steps += [step(geo.shrink_content)]
    if all(_noisy(a) and b.size < a.size for a, b in train):  # a block hidden in noise
        steps += [step(geo.crop_block)]
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
    if _striped(train):  # each output: solid rows or solid columns, restored from noise
        steps += [step(paint.clean_stripes, chain=False)]
    filler = _zero_filler(train)
    if filler is not None:  # empty cells, and only they, become one colour: holes are filled
        steps += [
            step(paint.fill_empty_squares, chain=False, size=k, colour=filler) for k in (2, 3, 4)
        ]
        steps += [
            step(paint.fill_empty_lines, chain=False, colour=filler),
            step(paint.fill_largest_empty_box, chain=False, colour=filler),
        ]
    if all(a.shape == b.shape for a, b in train) and all(np.unique(g).size == 2 for g in inputs):
        # every grid two colours: figure and ground swap, one colour perhaps dropped
        steps += [step(paint.swap_colours, erase=c) for c in [-1, *in_colours]]
    for axis in (0, 1):  # each output's lines ordered by how full they are
        if all(_sorted_counts(a, b, axis) for a, b in train):
            steps += [step(paint.sort_lines, axis=axis)]
    if all(a.shape == b.shape and prt.separator_colours(a) for a, b in train):
        steps += [step(prt.fill_fullest_cells, chain=False)]  # a lattice: the fullest cell
        steps += [
            step(prt.expand_cell, chain=False, selector=s) for s in ("least_filled", "most_filled")
        ]
        steps += [step(prt.move_marked_cell, chain=False, colour=c) for c in in_colours]
    if all(_cuts_to_zero(a, b) for a, b in train):  # holes in stripes become cuts
        steps += [step(paint.cut_across_bands, chain=False)]
    if all(a.shape == b.shape and _ringed(a) for a, b in train):  # nested frames
        steps += [step(geo.reverse_rings)]
    for axis in (0, 1):  # each output: its input's middle row (column) alone
        if all(a.shape == b.shape and _middle_only(a, b, axis) for a, b in train):
            steps += [step(geo.keep_middle_line, axis=axis)]
    moving, still = _moving_colours(train)
    if moving:  # pieces move while keeping their cells: step towards a target, line up
        steps += [step(mv.step_toward, chain=False, colour=c) for c in sorted(moving)]
        steps += [
            step(mv.align_objects, chain=False, colour=c, axis=ax)
            for c in sorted(still)
            for ax in (0, 1)
        ]
    offset = _shift_offset(train)
    if offset is not None:  # each output: its picture moved by one fixed step
        steps += [step(mv.shift_picture, dy=offset[0], dx=offset[1])]
    if all(np.count_nonzero(a) == 2 for a in inputs):  # only then can an L-shaped join apply
        steps += [
            step(paint.connect_elbow, chain=False, colour=c, axis=a)
            for c in in_colours
            for a in "hv"
        ]
    return steps


def _jigsaw(a: Array, b: Array) -> bool:
    """Whether output ``b`` holds exactly the cells drawn on input ``a`` (other than its
    most common colour), with no gap: the signature of ``interlock_pieces``.

    >>> _jigsaw(np.array([[3, 0, 0], [0, 0, 7]]), np.array([[3, 7]]))
    True
    """
    bg = geo.background(a)
    return b.size == np.count_nonzero(a != bg) and not np.any(b == bg)


def _noisy(g: Array) -> bool:
    """Whether ``g`` looks like noise: no colour covers half of it, and it holds six colours
    or more (the signature of ``crop_block``'s tasks).

    >>> _noisy(np.arange(12).reshape(3, 4) % 7), _noisy(np.zeros((2, 2), dtype=int))
    (True, False)
    """
    counts = np.bincount(g.ravel(), minlength=10)
    return bool(int(counts.max()) * 2 < g.size and np.count_nonzero(counts) >= 6)


def _drawn_large(g: Array) -> bool:
    """Whether ``shrink_content`` applies to ``g`` (its drawing is blown up by a factor).

    >>> _drawn_large(np.array([[0, 3, 3], [0, 3, 3]])), _drawn_large(np.array([[1, 2]]))
    (True, False)
    """
    try:
        geo.shrink_content(g)
    except ValueError:
        return False
    return True


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


def _striped(train: Sequence[tuple[Array, Array]]) -> bool:
    """Whether every train output, of its input's shape, is solid rows or solid columns of
    more than one colour, and differs from its input: the evidence ``clean_stripes`` needs.

    >>> _striped([(np.array([[1, 2], [3, 3]]), np.array([[1, 1], [3, 3]]))])
    True
    """
    for a, b in train:
        if a.shape != b.shape or np.array_equal(a, b) or np.all(b == b[0, 0]):
            return False
        if not (np.all(b == b[:, :1]) or np.all(b == b[:1, :])):
            return False
    return True


def _sorted_counts(a: Array, b: Array, axis: int) -> bool:
    """Whether the output ``b``'s rows (``axis=0``) or columns hold as many non-zero cells as
    its input ``a``'s, in some order, from fewest to most, and ``a``'s are not in that order.

    >>> _sorted_counts(np.array([[1, 1], [0, 0]]), np.array([[0, 0], [1, 1]]), 0)
    True
    """
    if a.shape != b.shape:
        return False
    before = np.count_nonzero(a, axis=1 - axis)
    after = np.count_nonzero(b, axis=1 - axis)
    ordered = np.sort(before)
    return bool(np.array_equal(after, ordered) and not np.array_equal(before, ordered))


def _cuts_to_zero(a: Array, b: Array) -> bool:
    """Whether the output ``b`` only empties (sets to 0) cells of its input ``a``, some of
    them, and ``a`` has empty cells: the evidence ``cut_across_bands`` needs.

    >>> _cuts_to_zero(np.array([[4, 0], [4, 4]]), np.array([[0, 0], [4, 4]]))
    True
    """
    if a.shape != b.shape or not np.any(a == 0):
        return False
    changed = a != b
    return bool(changed.any() and np.all(b[changed] == 0))


def _ringed(g: Array) -> bool:
    """Whether a grid is concentric rings of one colour each, at least two of them.

    >>> _ringed(np.array([[2, 2, 2], [2, 7, 2], [2, 2, 2]])), _ringed(np.array([[1, 2]]))
    (True, False)
    """
    h, w = g.shape
    if min(h, w) < 3:
        return False
    ys, xs = np.indices((h, w))
    depth = np.minimum(np.minimum(ys, xs), np.minimum(h - 1 - ys, w - 1 - xs))
    firsts = g[depth, depth]  # each cell's ring, read at the ring's top-left corner
    return bool(np.array_equal(g, firsts))


def _middle_only(a: Array, b: Array, axis: int) -> bool:
    """Whether ``b`` is ``a`` with everything but its middle row (``axis=0``) or column
    emptied, and differs from ``a``.

    >>> _middle_only(np.array([[1, 2, 3]]), np.array([[0, 2, 0]]), 1)
    True
    """
    n = a.shape[axis]
    if n % 2 == 0 or n < 3 or np.array_equal(a, b):
        return False
    kept = np.zeros_like(a)
    if axis == 1:
        kept[:, n // 2] = a[:, n // 2]
    else:
        kept[n // 2] = a[n // 2]
    return bool(np.array_equal(kept, b))


def _moving_colours(train: Sequence[tuple[Array, Array]]) -> tuple[set[int], set[int]]:
    """The non-zero colours whose cells move in some train pair, and those that stay put in
    every pair, when every output holds as many cells of each colour as its input (pieces
    that move but neither appear nor vanish); else two empty sets.

    >>> _moving_colours([(np.array([[3, 0, 4]]), np.array([[0, 3, 4]]))])
    ({3}, {4})
    """
    moving: set[int] = set()
    present: set[int] = set()
    for a, b in train:
        if not _same_counts(a, b):
            return set(), set()
        colours = set(np.unique(a).tolist()) - {0}
        present |= colours
        moving |= {c for c in colours if not np.array_equal(a == c, b == c)}
    if not moving:
        return set(), set()
    return moving, present - moving


def _shift_offset(train: Sequence[tuple[Array, Array]]) -> tuple[int, int] | None:
    """The one (rows, columns) step by which every train output's non-zero cells are its
    input's, moved (their colours may change); None when the pairs show no such step.

    >>> _shift_offset([(np.array([[8, 0], [0, 0]]), np.array([[0, 0], [2, 0]]))])
    (1, 0)
    """
    offsets = set()
    for a, b in train:
        if a.shape != b.shape or not a.any() or not b.any():
            return None
        ya, xa = np.nonzero(a)
        yb, xb = np.nonzero(b)
        if ya.size != yb.size:
            return None
        dy, dx = int(yb.min() - ya.min()), int(xb.min() - xa.min())
        if not (np.array_equal(ya + dy, yb) and np.array_equal(xa + dx, xb)):
            return None
        offsets.add((dy, dx))
    if len(offsets) != 1 or (0, 0) in offsets:
        return None
    return offsets.pop()


def _zero_filler(train: Sequence[tuple[Array, Array]]) -> int | None:
    """The one colour that every train output paints over empty (0) cells of its input, when
    no other cell changes (and some do): the evidence ``fill_empty_squares`` needs.

    >>> _zero_filler([(np.array([[0, 5], [0, 0]]), np.array([[2, 5], [2, 0]]))])
    2
    >>> _zero_filler([(np.array([[0, 5]]), np.array([[2, 3]]))]) is None
    True
    """
    colours: set[int] = set()
    for a, b in train:
        if a.shape != b.shape:
            return None
        changed = a != b
        if np.any(a[changed] != 0):
            return None
        colours.update(np.unique(b[changed]).tolist())
    if len(colours) != 1:
        return None
    return colours.pop()


def _moves_only(train: Sequence[tuple[Array, Array]]) -> bool:
    """Whether every train output has its input's shape and the same number of cells of each
    colour, and differs from it: the evidence that pieces move (and nothing is painted).

    >>> _moves_only([(np.array([[1, 0, 0]]), np.array([[0, 0, 1]]))])
    True
    >>> _moves_only([(np.array([[1, 0, 0]]), np.array([[1, 1, 0]]))])
    False
    """
    return all(_same_counts(a, b) and not np.array_equal(a, b) for a, b in train)


def _same_counts(a: Array, b: Array) -> bool:
    """Whether output ``b`` has input ``a``'s shape and as many cells of each colour.

    >>> _same_counts(np.array([[1, 0]]), np.array([[0, 1]]))
    True
    >>> _same_counts(np.array([[1]]), np.array([[2]]))
    False
    """
    return a.shape == b.shape and np.array_equal(
        np.bincount(a.ravel(), minlength=10), np.bincount(b.ravel(), minlength=10)
    )


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
        # a figure and pieces of it elsewhere: draw the figure around each piece
        out += [step(obj.complete_templates, chain=False, turns=t) for t in (False, True)]
        # a diagonal line goes on, bouncing off walls: in its colour or in a new one
        new = [c for c in out_colours if c not in in_colours]
        out += [step(paint.bounce_rays, chain=False, colour=c) for c in [-1, *new]]
        # a broken outline drawn whole: in its colour or a new one
        out += [step(paint.mend_lines, chain=False, colour=c) for c in [-1, *new]]
        # the lines crossing from wall to wall unobstructed, marked in a new colour
        out += [step(paint.fill_clear_lines, chain=False, colour=c) for c in new]
        # rows (columns) begun in other colours go on like a complete one
        out += [step(paint.complete_by_analogy, chain=False, axis=a) for a in (0, 1)]
        # a short sequence of colours repeats along its row, column or both
        out += [step(paint.repeat_runs, chain=False, lines=k) for k in ("rows", "cols", "both")]
    out += [step(geo.add_border, colour=c) for c in out_colours]
    out += [
        step(obj.bounding_boxes, diagonal=d, colour=c) for c in out_colours for d in (False, True)
    ]
    return out
