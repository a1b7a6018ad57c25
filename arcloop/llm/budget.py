"""Budgets and retry policy: how much time, how many timeouts and how many dollars a caller has.

- ``CostLedger`` is the run's dollar account, shared by every caller; a cap is checked
  before each call (calls already in flight may overshoot it by their own cost).
- ``CallerBudget`` belongs to one caller (e.g. one task): a total time measured from its
  creation, a maximum number of timeouts, and its own dollar cap.
- ``RetryPolicy`` says how often and how long to retry.

Clocks and random generators are injected; nothing here sleeps.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from arcloop.errors import (
    CostBudgetExceededError,
    TimeBudgetExceededError,
    TimeoutBudgetExceededError,
)
from arcloop.llm.gate import Clock


class CostLedger:
    """Dollars spent by one run, with an optional cap."""

    def __init__(self, *, max_cost_usd: float | None = None, spent_usd: float = 0.0) -> None:
        """Create a ledger.

        Args:
            max_cost_usd: the cap; ``None`` for no cap.
            spent_usd: dollars already spent (e.g. by the run before it was resumed).
        """
        self.max_cost_usd = max_cost_usd
        self.spent_usd = spent_usd

    def check(self) -> None:
        """Raise ``CostBudgetExceededError`` if the cap is reached."""
        if self.max_cost_usd is not None and self.spent_usd >= self.max_cost_usd:
            raise CostBudgetExceededError(
                f"run cost cap reached: ${self.spent_usd:.4f} of ${self.max_cost_usd:.4f}"
            )

    def add(self, cost_usd: float) -> None:
        """Record dollars spent."""
        self.spent_usd += cost_usd


class CallerBudget:
    """One caller's time, timeout and dollar budget (share it between a task's experts)."""

    def __init__(
        self,
        *,
        max_total_time: float | None = None,
        max_total_timeouts: int | None = None,
        max_cost_usd: float | None = None,
        clock: Clock = time.monotonic,
    ) -> None:
        """Start a budget; its time runs from now.

        Args:
            max_total_time: seconds this caller may spend in model calls, waits included.
            max_total_timeouts: timeouts after which the caller gives up.
            max_cost_usd: dollars this caller may spend.
            clock: monotonic clock in seconds.
        """
        self.max_total_time = max_total_time
        self.max_total_timeouts = max_total_timeouts
        self.max_cost_usd = max_cost_usd
        self._clock = clock
        self.started = clock()
        self.timeouts = 0
        self.spent_usd = 0.0

    def remaining_time(self) -> float | None:
        """Seconds left, or ``None`` when there is no time budget."""
        if self.max_total_time is None:
            return None
        return self.max_total_time - (self._clock() - self.started)

    def check(self) -> None:
        """Raise the matching ``BudgetExceededError`` if any budget is spent."""
        if self.max_cost_usd is not None and self.spent_usd >= self.max_cost_usd:
            raise CostBudgetExceededError(
                f"task cost cap reached: ${self.spent_usd:.4f} of ${self.max_cost_usd:.4f}"
            )
        if self.max_total_timeouts is not None and self.timeouts >= self.max_total_timeouts:
            raise TimeoutBudgetExceededError(
                f"gave up after {self.timeouts} timeouts (max_total_timeouts)"
            )
        remaining = self.remaining_time()
        if remaining is not None and remaining <= 0:
            raise TimeBudgetExceededError(
                f"time budget of {self.max_total_time:g} s is spent (max_total_time)"
            )


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How calls are retried.

    Attributes:
        max_attempts: requests counted per call (rate-limited ones are not counted).
        backoff_base: first transient backoff in seconds; it doubles per attempt.
        backoff_max: longest transient backoff.
        rate_limit_pause: pause after a 429 that gave no Retry-After; doubles per repeat.
        rate_limit_pause_max: longest such pause, and the cap on any Retry-After honoured.
        max_rate_limited: 429s one call accepts before giving up (a bound when the caller
            has no time budget).
        deadline_grace: seconds the hard asyncio deadline allows past the request timeout.
    """

    max_attempts: int = 4
    backoff_base: float = 1.0
    backoff_max: float = 60.0
    rate_limit_pause: float = 2.0
    rate_limit_pause_max: float = 300.0
    max_rate_limited: int = 100
    deadline_grace: float = 1.0

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Seconds to wait after counted attempt ``attempt`` (1-based) failed transiently.

        Exponential with jitter: a uniform draw between half and all of
        ``min(backoff_max, backoff_base * 2 ** (attempt - 1))``.
        """
        ceiling = min(self.backoff_max, self.backoff_base * 2.0 ** (attempt - 1))
        return ceiling * rng.uniform(0.5, 1.0)

    def rate_limit_wait(self, retry_after: float | None, repeat: int) -> float:
        """Seconds to pause the model after the ``repeat``-th (1-based) rate-limited answer."""
        if retry_after is not None:
            return min(retry_after, self.rate_limit_pause_max)
        return min(self.rate_limit_pause_max, self.rate_limit_pause * 2.0 ** (repeat - 1))
