"""The per-model gate: how many requests may start, how fast, and when to hold back.

A gate combines three limits that every caller of one model shares:

- a token bucket: on average ``rate`` requests per second, at most ``burst`` at once;
- an in-flight cap: at most ``max_in_flight`` requests outstanding;
- a shared pause: when the provider answers 429/503/529, every caller waits until its
  Retry-After has passed, and the bucket starts empty after the pause (no burst into a
  provider that just asked us to slow down).

``Gate`` is the small interface the call path uses (``acquire``/``release``/``pause``), so a
cluster-wide gate (e.g. a Ray actor) can replace ``LocalGate`` without touching the caller.
``LocalGate`` lives in one asyncio event loop: create one per model per run, never at module
level (an asyncio primitive bound to a finished loop deadlocks the next run).

Clock and sleep are injected so pacing is tested without sleeping.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

Clock = Callable[[], float]
"""Monotonic seconds."""

Sleep = Callable[[float], Awaitable[None]]
"""Sleeps for the given number of seconds."""

_EPSILON = 1e-9


class Gate(Protocol):
    """What the call path needs from a gate."""

    async def acquire(self) -> None:
        """Wait for an in-flight slot, the end of any pause and a token, then take them."""
        ...

    def release(self) -> None:
        """Give back the in-flight slot taken by ``acquire``."""
        ...

    def pause(self, seconds: float) -> None:
        """Hold every caller back for ``seconds`` from now (a later end wins)."""
        ...

    @property
    def in_flight(self) -> int:
        """Requests acquired and not yet released."""
        ...

    @property
    def waiting(self) -> int:
        """Callers blocked in ``acquire``."""
        ...

    @property
    def paused(self) -> bool:
        """Whether a pause is in force now."""
        ...


class LocalGate:
    """A token bucket, an in-flight cap and a shared pause for one model in one event loop."""

    def __init__(
        self,
        *,
        rate: float,
        burst: int,
        max_in_flight: int,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        """Create a gate; it starts with a full bucket.

        Args:
            rate: tokens added per second (> 0).
            burst: bucket size (>= 1).
            max_in_flight: in-flight cap (>= 1).
            clock: monotonic clock in seconds.
            sleep: coroutine that sleeps; a fake one advances a fake clock.
        """
        if rate <= 0 or burst < 1 or max_in_flight < 1:
            raise ValueError("rate must be > 0, burst and max_in_flight >= 1")
        self.rate = rate
        self.burst = burst
        self.max_in_flight = max_in_flight
        self._clock = clock
        self._sleep = sleep
        self._tokens = float(burst)
        self._updated = clock()
        self._pause_until = float("-inf")
        self._slots = asyncio.Semaphore(max_in_flight)
        self._pacing = asyncio.Lock()
        self._in_flight = 0
        self._waiting = 0

    @property
    def in_flight(self) -> int:
        """Requests acquired and not yet released."""
        return self._in_flight

    @property
    def waiting(self) -> int:
        """Callers blocked in ``acquire``."""
        return self._waiting

    @property
    def paused(self) -> bool:
        """Whether a pause is in force now."""
        return self._clock() < self._pause_until

    @property
    def pause_until(self) -> float:
        """Clock time at which the current pause ends (``-inf`` if never paused)."""
        return self._pause_until

    def pause(self, seconds: float) -> None:
        """Hold every caller back for ``seconds`` from now; the bucket refills after the pause."""
        until = self._clock() + max(0.0, seconds)
        if until > self._pause_until:
            self._pause_until = until
            self._tokens = 0.0
            self._updated = until

    async def acquire(self) -> None:
        """Wait for an in-flight slot, the end of any pause and a token, then take them.

        Cancelling a waiting caller leaves the gate consistent (nothing is taken).
        """
        self._waiting += 1
        try:
            await self._slots.acquire()
            try:
                await self._take_token()
            except BaseException:
                self._slots.release()
                raise
        finally:
            self._waiting -= 1
        self._in_flight += 1

    async def _take_token(self) -> None:
        # One caller at a time paces; the others queue on the lock in arrival order.
        async with self._pacing:
            capped = True
            while True:
                now = self._clock()
                if now < self._pause_until:
                    await self._sleep(self._pause_until - now)
                    capped = True
                    continue
                if now > self._updated:
                    self._tokens += (now - self._updated) * self.rate
                    if capped:
                        self._tokens = min(float(self.burst), self._tokens)
                    self._updated = now
                if self._tokens >= 1.0 - _EPSILON:  # float sums of rate * dt fall just short
                    self._tokens = max(0.0, self._tokens - 1.0)
                    return
                await self._sleep((1.0 - self._tokens) / self.rate)
                # Time spent waiting for a token is demand, not idleness: a late wake-up keeps
                # its overshoot for the next caller, so timer lateness does not lower the rate.
                capped = False

    def release(self) -> None:
        """Give back the in-flight slot taken by ``acquire``."""
        self._in_flight -= 1
        self._slots.release()
