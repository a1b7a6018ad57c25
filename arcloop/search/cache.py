"""A process-wide cache for object labelling and selection, the search's most repeated work.

Not here: any other caching; the primitives stay plain functions (they are emitted as text).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy import ndimage

from arcloop.search import lib_geometry, lib_moves, lib_objects, lib_paint, lib_parts
from arcloop.search.grids import Array

_CACHE_SIZE = 512
"""Grids (with their arguments) remembered per cached primitive."""


class _DoesNotApply:
    """What the cache keeps for a call that raised ``ValueError`` (the primitive does not
    apply), so that a repeated call raises again without redoing the work."""

    def __init__(self, message: str) -> None:
        self.message = message


def _memoise(
    original: Callable[..., Any], compute: Callable[..., Any] | None = None
) -> Callable[..., Any]:
    """``original(g, *args)`` cached on the grid's content and the other arguments, computed
    by ``compute`` when given (a faster function with the same results).

    Arrays it returns (alone, or in a list or tuple) come back read-only, so that no caller
    can spoil the cache, and lists come back as fresh lists; ``ValueError`` is remembered and
    raised again, any other error is not cached. Keyword arguments (a catalogue step's) are
    put in the order of ``original``'s parameters, so a call by keyword and one by position
    share an entry.
    """
    params = list(inspect.signature(original).parameters)[1:]

    @functools.lru_cache(maxsize=_CACHE_SIZE)
    def cached(shape: tuple[int, ...], data: bytes, *args: Any) -> Any:
        g = np.frombuffer(data, dtype=np.int_).reshape(shape)
        try:
            result = (compute or original)(g, *args)
        except ValueError as exc:
            return _DoesNotApply(str(exc))
        for m in result if isinstance(result, list | tuple) else [result]:
            if isinstance(m, np.ndarray):
                m.flags.writeable = False
        return result

    @functools.wraps(original)
    def wrapper(g: Array, *args: Any, **kwargs: Any) -> Any:
        if kwargs:
            args = (*args, *(kwargs.pop(p) for p in params[len(args) :] if p in kwargs))
            if kwargs or len(args) != len(params):
                raise TypeError(f"{original.__name__}: unexpected arguments {kwargs}")
        if type(g) is not np.ndarray or g.dtype != np.int_:
            g = np.ascontiguousarray(g, dtype=np.int_)
        result = cached(g.shape, g.tobytes(), *args)  # (C order, contiguous or not)
        if isinstance(result, _DoesNotApply):
            raise ValueError(result.message)
        return list(result) if isinstance(result, list) else result

    return wrapper


def _memoise_sizes(original: Callable[[int, int], Any]) -> Callable[[int, int], Any]:
    """``original(h, w)`` cached on the size, its arrays (in a list of tuples) read-only."""

    @functools.lru_cache(maxsize=_CACHE_SIZE)
    def cached(h: int, w: int) -> Any:
        result = original(h, w)
        for item in result:
            for m in item:
                m.flags.writeable = False
        return result

    @functools.wraps(original)
    def wrapper(h: int, w: int) -> Any:
        return list(cached(h, w))

    return wrapper


_NEIGHBOURS = {
    False: ndimage.generate_binary_structure(2, 1),  # the four sides
    True: ndimage.generate_binary_structure(2, 2),  # and the four corners
}


def label_objects(g: Array, diagonal: bool, multicolour: bool, bg: int) -> list[Array]:
    """``find_objects`` by scipy's connected-component labelling: the same masks in the same
    order (reading order of each object's first cell), two to four times faster. The search
    calls this one; emitted programs keep the numpy-only original."""
    fg = g != bg
    if multicolour:
        labels, count = ndimage.label(fg, _NEIGHBOURS[diagonal])
    else:
        # each colour on its own, numbering on from the colours before: the colours' masks
        # stacked in one tall image, an empty row between two, labelled in one call (it
        # numbers in reading order, so colour by colour), then laid back on one another
        colours = np.unique(g[fg])
        if colours.size == 0:
            return []
        h, w = g.shape
        layers = np.zeros((colours.size, h + 1, w), dtype=bool)
        layers[:, :h] = g == colours[:, None, None]
        stacked, count = ndimage.label(layers.reshape(-1, w), _NEIGHBOURS[diagonal])
        labels = stacked.reshape(colours.size, h + 1, w)[:, :h].sum(axis=0)
    if count == 0:
        return []
    ids, first = np.unique(labels.ravel(), return_index=True)
    if ids[0] == 0:  # the background
        ids, first = ids[1:], first[1:]
    order = ids[np.argsort(first)]
    masks = list(labels[None] == order[:, None, None])
    if len(_BOXES) > _MAX_BOXES:
        _BOXES.clear()
    boxes = ndimage.find_objects(labels)
    for mask, label in zip(masks, order.tolist(), strict=True):
        rows, cols = boxes[label - 1]
        _BOXES[id(mask)] = (mask, (rows.start, cols.start, rows.stop, cols.stop))
    return masks


_BOXES: dict[int, tuple[Array, tuple[int, int, int, int]]] = {}
"""The bounding box of every mask ``label_objects`` made, by the mask's id (the entry holds the
mask, so the id cannot pass to another array while it is here)."""

_MAX_BOXES = 50_000
"""Boxes remembered before the table starts afresh (about 50 MB of masks at most)."""


def known_bbox(mask: Array) -> tuple[int, int, int, int]:
    """``bbox``, looked up for an object's mask (the object primitives ask for the same
    boxes again and again), computed for any other mask."""
    known = _BOXES.get(id(mask))
    if known is not None and known[0] is mask:
        return known[1]
    return lib_geometry.bbox(mask)


def memoise_objects() -> None:
    """Cache ``find_objects`` and ``select_object`` in this process, and the boxes of objects;
    and the other helpers that many steps ask the same of one grid (``MEMOISED``).

    Dozens of selectors label the same grid, and four actions (crop, crop alone, keep, erase)
    select the same object. The primitives look these two up in their module at call time, so
    replacing the module attributes by cached wrappers speeds every caller up without changing
    their text (the emitter copies the originals, reached through ``__wrapped__``). Masks come
    back read-only.
    """
    if hasattr(lib_objects.find_objects, "__wrapped__"):
        return
    find_objects = _memoise(lib_objects.find_objects, compute=label_objects)
    select_object = _memoise(lib_objects.select_object)
    for module in (lib_objects, lib_moves):  # every module that calls them by these names
        setattr(module, "find_objects", find_objects)  # noqa: B010 (a typed module attribute)
    setattr(lib_objects, "select_object", select_object)  # noqa: B010
    for module in (lib_objects, lib_moves):
        setattr(module, "bbox", known_bbox)  # noqa: B010
    for module, name in MEMOISED:
        setattr(module, name, _memoise(getattr(module, name)))
    setattr(lib_paint, "mirror_maps", _memoise_sizes(lib_paint.mirror_maps))  # noqa: B010


MEMOISED = (
    (lib_parts, "separator_colours"),  # every split and lattice step asks it first
    (lib_parts, "parts"),  # 40 part steps cut each grid in four ways
    (lib_paint, "symmetry_fill"),  # the fill and the patch repair the same grid
    (lib_paint, "periodic_fill"),
    (lib_paint, "rays_of"),  # 18 ray steps per colour shoot in 8 directions
    (lib_paint, "line_colours"),  # 6 joining steps along 4 kinds of line
)
"""Grid helpers cached by content, each called only from its own module (and, for the two
fills, as a catalogue step: those are wrapped before the catalogue is built)."""
