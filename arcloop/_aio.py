"""Small asyncio helpers shared by the layers."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Sequence
from typing import Any, TypeVar

T = TypeVar("T")


async def gather_or_fail(coroutines: Sequence[Coroutine[Any, Any, T]]) -> list[T]:
    """Await all; on the first exception cancel the rest and raise it (never a group).

    When several fail at once, the first in ``coroutines`` order is raised, unless an
    ``AuthenticationError`` or a ``ProviderOutageError`` is among them: they stop a run, so
    they win.
    """
    from arcloop.errors import AuthenticationError, ProviderOutageError

    tasks = [asyncio.ensure_future(c) for c in coroutines]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    finally:
        for t in tasks:
            if not t.done():
                t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    errors = [e for t in tasks if not t.cancelled() and (e := t.exception()) is not None]
    if errors:
        auth = [e for e in errors if isinstance(e, AuthenticationError | ProviderOutageError)]
        raise (auth or errors)[0]
    return [t.result() for t in tasks]
