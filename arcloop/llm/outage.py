"""Endpoints that stopped answering: waited for, not burned through call by call.

An endpoint is a model's ``api_base``, or its provider (``gemini``, ``openai``...). When a call
cannot reach it (``UnreachableError``), the call waits and tries again, with backoff, without
spending an attempt; every other call to it does the same. The endpoint is down from its first
failure until one call gets through. Past the outage limit the call raises
``ProviderOutageError`` and the run stops (exit code 3), naming the endpoint and the error:

* ``first_contact_limit_s`` (60 s) for an endpoint that has not answered in this run (a server
  that was never started, a wrong address);
* ``limit_s`` (600 s) once it has answered (a server that restarts, a network that drops).

``snapshot()`` is what a live view shows: "unreachable since 12:03, retrying".
Not here: classifying errors (``classify``), retrying other failures (``call``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from arcloop.errors import ProviderOutageError, UnreachableError

FIRST_CONTACT_LIMIT_S = 60.0
OUTAGE_LIMIT_S = 600.0
MAX_WAIT_S = 15.0
"""The longest wait between two tries of a down endpoint."""


def endpoint_of(model: str, api_base: str | None) -> str:
    """The name of the endpoint a model's calls go to.

    >>> endpoint_of("openai/my-model", "http://127.0.0.1:8000/v1")
    'http://127.0.0.1:8000/v1'
    >>> endpoint_of("gemini/gemini-3-pro-preview", None)
    'gemini'
    """
    return api_base or model.split("/", 1)[0]


@dataclass(frozen=True, slots=True)
class Down:
    """An endpoint that is down: since when (wall clock) and the last error."""

    endpoint: str
    since_wall: float
    error: str


class Outages:
    """The state of every endpoint of a run (shared by all its calls)."""

    def __init__(
        self,
        *,
        first_contact_limit_s: float = FIRST_CONTACT_LIMIT_S,
        limit_s: float = OUTAGE_LIMIT_S,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.first_contact_limit_s = first_contact_limit_s
        self.limit_s = limit_s
        self._clock = clock
        self._wall = wall_clock
        self._answered: set[str] = set()
        self._down: dict[str, tuple[float, Down]] = {}

    def answered(self, endpoint: str) -> None:
        """A call to ``endpoint`` got through: it is up."""
        self._answered.add(endpoint)
        self._down.pop(endpoint, None)

    def unreachable(self, endpoint: str, error: UnreachableError, tries: int) -> float:
        """Note a failed try; return the seconds to wait before the next one.

        Raises:
            ProviderOutageError: the endpoint has been down longer than its limit.
        """
        now = self._clock()
        if endpoint not in self._down:
            self._down[endpoint] = (now, Down(endpoint, self._wall(), str(error)))
        started, down = self._down[endpoint]
        self._down[endpoint] = (started, Down(endpoint, down.since_wall, str(error)))
        limit = self.limit_s if endpoint in self._answered else self.first_contact_limit_s
        if now - started >= limit:
            never = "" if endpoint in self._answered else " (it has not answered in this run)"
            raise ProviderOutageError(
                f"{endpoint} unreachable for {now - started:.0f} s{never}, past the limit of"
                f" {limit:.0f} s: {error}",
                model=error.model,
                status_code=error.status_code,
            ) from error
        wait = min(MAX_WAIT_S, 0.5 * 2.0 ** min(tries, 6))
        return min(wait, max(0.1, limit - (now - started)))

    def snapshot(self) -> list[Down]:
        """The endpoints down now."""
        return [down for _, down in self._down.values()]
