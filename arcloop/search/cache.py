"""A process-wide cache for object labelling, the search's most repeated computation.

Not here: any other caching; the primitives stay plain functions (they are emitted as text).
"""

from __future__ import annotations

import functools

import numpy as np

from arcloop.search import lib_moves, lib_objects
from arcloop.search.grids import Array


def memoise_objects() -> None:
    """Cache ``find_objects`` in this process: dozens of selectors label the same grid.

    The object and move primitives look ``find_objects`` up in their module at call time, so
    replacing the module attribute by a cached wrapper speeds every one of them up without changing
    their text (the emitter copies the original, reached through ``__wrapped__``). The masks
    come back read-only, so no caller can spoil the cache.
    """
    original = lib_objects.find_objects
    if hasattr(original, "__wrapped__"):
        return

    @functools.lru_cache(maxsize=512)
    def cached(
        shape: tuple[int, ...], data: bytes, diagonal: bool, multicolour: bool, bg: int
    ) -> list[Array]:
        g = np.frombuffer(data, dtype=np.int_).reshape(shape)
        masks = original(g, diagonal, multicolour, bg)
        for m in masks:
            m.flags.writeable = False
        return masks

    @functools.wraps(original)
    def find_objects(g: Array, diagonal: bool, multicolour: bool, bg: int) -> list[Array]:
        g = np.ascontiguousarray(g, dtype=np.int_)
        return list(cached(g.shape, g.tobytes(), diagonal, multicolour, bg))

    for module in (lib_objects, lib_moves):  # every module that calls it by this name
        setattr(module, "find_objects", find_objects)  # noqa: B010 (a typed module attribute)
