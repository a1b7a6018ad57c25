"""A model gate shared by every machine of a Ray run: one actor per model, proxies on workers.

``GateActor`` is the state: it holds an ordinary ``LocalGate`` (token bucket, in-flight cap,
shared pause) in the event loop of one Ray async actor, so the semantics are exactly the local
ones, only counted cluster-wide. ``RayGate`` implements the LLM layer's ``Gate`` protocol on a
worker by calling that actor; the worker's ``LLMGateway`` gets it through ``gate_factory``.

Every acquisition carries a ticket (``"<holder>:<n>"``). A caller cancelled while waiting (a
time budget, a cancelled task) tells the actor to ``abandon`` its ticket: whether the request
was still queued, already granted, or not yet arrived, the gate ends up as if it had never
been asked, so a cancellation never leaks an in-flight slot. ``forget`` releases every ticket
of a holder (a worker that died).

``GateActor`` is a plain class (Ray makes it an actor with ``ray.remote``), so its ticket logic
is tested without Ray. Left out: sharing one gate between several runs on the same cluster
(each run creates its own actors, named after the run).
"""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass
from typing import Any

from arcloop.llm.gate import Clock, LocalGate


@dataclass(frozen=True, slots=True)
class GateState:
    """A snapshot of a cluster-wide gate (for progress and the summary)."""

    in_flight: int
    waiting: int
    paused: bool


class GateActor:
    """The cluster-wide gate of one model (run it as a Ray async actor)."""

    def __init__(self, *, rate: float, burst: int, max_in_flight: int) -> None:
        """Create the gate; it starts with a full bucket (see ``LocalGate``)."""
        self._gate = LocalGate(rate=rate, burst=burst, max_in_flight=max_in_flight)
        self._pending: dict[str, asyncio.Future[None]] = {}
        self._held: set[str] = set()
        self._abandoned: set[str] = set()

    async def acquire(self, ticket: str) -> bool:
        """Wait for a slot, the end of any pause and a token; False if the ticket was abandoned."""
        if ticket in self._abandoned:
            self._abandoned.discard(ticket)
            return False
        waiter = asyncio.ensure_future(self._gate.acquire())
        self._pending[ticket] = waiter
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.cancelled() and ticket in self._abandoned:
                self._abandoned.discard(ticket)
                return False
            raise
        finally:
            self._pending.pop(ticket, None)
        if ticket in self._abandoned:  # abandoned after the grant, before this resumed
            self._abandoned.discard(ticket)
            self._gate.release()
            return False
        self._held.add(ticket)
        return True

    async def release(self, ticket: str) -> None:
        """Give back the slot of a granted ticket (unknown tickets are ignored)."""
        if ticket in self._held:
            self._held.discard(ticket)
            self._gate.release()

    async def abandon(self, ticket: str) -> None:
        """Undo ``acquire(ticket)``, wherever it is: queued, granted, or not yet arrived."""
        waiter = self._pending.get(ticket)
        self._abandoned.add(ticket)
        if waiter is not None:
            waiter.cancel()  # a done waiter is released by acquire when it resumes
            return
        if ticket in self._held:
            self._abandoned.discard(ticket)
            await self.release(ticket)

    async def forget(self, holder: str) -> int:
        """Abandon every ticket of ``holder`` (e.g. a dead worker); return how many."""
        prefix = holder + ":"
        tickets = [t for t in (*self._pending, *self._held) if t.startswith(prefix)]
        for ticket in tickets:
            await self.abandon(ticket)
        return len(tickets)

    async def pause(self, seconds: float) -> None:
        """Hold every caller on every machine back for ``seconds`` from now."""
        self._gate.pause(seconds)

    async def state(self) -> GateState:
        """In flight, waiting, paused: as seen by the gate itself."""
        return GateState(self._gate.in_flight, self._gate.waiting, self._gate.paused)


class RayGate:
    """A worker's view of a ``GateActor``: implements ``arcloop.llm.gate.Gate``.

    ``in_flight`` and ``waiting`` count this worker's callers only; ``paused`` knows of pauses
    this worker asked for (the cluster-wide truth is ``GateActor.state``).
    """

    def __init__(self, actor: Any, *, holder: str, clock: Clock = time.monotonic) -> None:
        """Wrap the handle of a ``GateActor``; ``holder`` names this worker in its tickets."""
        self._actor = actor
        self._holder = holder
        self._clock = clock
        self._numbers = itertools.count()
        self._held: list[str] = []
        self._waiting = 0
        self._pause_until = float("-inf")

    @property
    def in_flight(self) -> int:
        """This worker's requests acquired and not yet released."""
        return len(self._held)

    @property
    def waiting(self) -> int:
        """This worker's callers blocked in ``acquire``."""
        return self._waiting

    @property
    def paused(self) -> bool:
        """Whether a pause this worker asked for is in force."""
        return self._clock() < self._pause_until

    async def acquire(self) -> None:
        """Wait for the cluster-wide gate; a cancelled wait abandons its ticket."""
        ticket = f"{self._holder}:{next(self._numbers)}"
        self._waiting += 1
        try:
            granted = await self._actor.acquire.remote(ticket)
        except BaseException:
            self._actor.abandon.remote(ticket)
            raise
        finally:
            self._waiting -= 1
        if not granted:  # only an abandoned ticket is refused, and only we abandon it
            raise RuntimeError(f"gate ticket {ticket} was refused")
        self._held.append(ticket)

    def release(self) -> None:
        """Give back one slot taken by ``acquire`` (slots are interchangeable)."""
        self._actor.release.remote(self._held.pop())

    def pause(self, seconds: float) -> None:
        """Pause the model for every caller on every machine."""
        self._pause_until = max(self._pause_until, self._clock() + max(0.0, seconds))
        self._actor.pause.remote(seconds)
