"""A process-wide cache for object labelling and selection, the search's most repeated work.

Not here: any other caching; the primitives stay plain functions (they are emitted as text).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from arcloop.search import lib_moves, lib_objects
from arcloop.search.grids import Array

_CACHE_SIZE = 512
"""Grids (with their arguments) remembered per cached primitive."""


class _DoesNotApply:
    """What the cache keeps for a call that raised ``ValueError`` (the primitive does not
    apply), so that a repeated call raises again without redoing the work."""

    def __init__(self, message: str) -> None:
        self.message = message


def _memoise(original: Callable[..., Any]) -> Callable[..., Any]:
    """``original(g, *args)`` cached on the grid's content and the other arguments.

    What it returns must be read-only masks (or lists of them), so that no caller can spoil
    the cache; ``ValueError`` is remembered and raised again, any other error is not cached.
    """

    @functools.lru_cache(maxsize=_CACHE_SIZE)
    def cached(shape: tuple[int, ...], data: bytes, *args: Any) -> Any:
        g = np.frombuffer(data, dtype=np.int_).reshape(shape)
        try:
            result = original(g, *args)
        except ValueError as exc:
            return _DoesNotApply(str(exc))
        for m in result if isinstance(result, list) else [result]:
            m.flags.writeable = False
        return result

    @functools.wraps(original)
    def wrapper(g: Array, *args: Any) -> Any:
        g = np.ascontiguousarray(g, dtype=np.int_)
        result = cached(g.shape, g.tobytes(), *args)
        if isinstance(result, _DoesNotApply):
            raise ValueError(result.message)
        return list(result) if isinstance(result, list) else result

    return wrapper


def memoise_objects() -> None:
    """Cache ``find_objects`` and ``select_object`` in this process.

    Dozens of selectors label the same grid, and four actions (crop, crop alone, keep, erase)
    select the same object. The primitives look these two up in their module at call time, so
    replacing the module attributes by cached wrappers speeds every caller up without changing
    their text (the emitter copies the originals, reached through ``__wrapped__``). Masks come
    back read-only.
    """
    if hasattr(lib_objects.find_objects, "__wrapped__"):
        return
    find_objects = _memoise(lib_objects.find_objects)
    select_object = _memoise(lib_objects.select_object)
    for module in (lib_objects, lib_moves):  # every module that calls them by these names
        setattr(module, "find_objects", find_objects)  # noqa: B010 (a typed module attribute)
    setattr(lib_objects, "select_object", select_object)  # noqa: B010
