"""Budgets and retry policy: how much time, how many timeouts and how many dollars a caller has.

- ``CostLedger`` is the run's dollar account, shared by every caller; a cap is checked
  before each call (calls already in flight may overshoot it by their own cost).
- ``CallerBudget`` belongs to one caller (e.g. one task): a total time measured from its
  creation, a maximum number of timeouts, and its own dollar cap.
- ``RunDeadline`` is the moment a run must end by (``--deadline``), shared by every caller: no
  call starts when the time left is shorter than the longest answer of its model so far, and
  a call that starts may take only the time left.
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


class RunDeadline:
    """The moment (on ``clock``) a run must end by, and how long each model's answers took.

    >>> now = [0.0]
    >>> deadline = RunDeadline(at=100.0, clock=lambda: now[0])
    >>> deadline.observe("m", 30.0); now[0] = 75.0
    >>> deadline.remaining()
    25.0
    >>> deadline.check("m")
    Traceback (most recent call last):
    ...
    arcloop.errors.TimeBudgetExceededError: run deadline: 25 s left, and an answer of m took 30 s
    >>> deadline.check("other")  # no answer of this model yet: it may start, for 25 s at most
    """

    def __init__(self, *, at: float, clock: Clock = time.monotonic) -> None:
        self.at = at
        self._clock = clock
        self.longest: dict[str, float] = {}

    def remaining(self) -> float:
        """Seconds until the deadline (negative once it is past)."""
        return self.at - self._clock()

    def observe(self, model: str, seconds: float) -> None:
        """Record how long one answer of ``model`` took."""
        self.longest[model] = max(seconds, self.longest.get(model, 0.0))

    def check(self, model: str) -> None:
        """Raise ``TimeBudgetExceededError`` when a call to ``model`` cannot finish in time."""
        left = self.remaining()
        if left <= 0:
            raise TimeBudgetExceededError("run deadline reached")
        longest = self.longest.get(model, 0.0)
        if longest >= left:
            raise TimeBudgetExceededError(
                f"run deadline: {left:.0f} s left, and an answer of {model} took {longest:.0f} s"
            )


class CallerBudget:
    """One caller's time, timeout and dollar budget (share it between a task's experts)."""

    def __init__(
        self,
        *,
        max_total_time: float | None = None,
        max_total_timeouts: int | None = None,
        max_cost_usd: float | None = None,
        clock: Clock = time.monotonic,
        deadline: RunDeadline | None = None,
    ) -> None:
        """Start a budget; its time runs from now.

        Args:
            max_total_time: seconds this caller may spend in model calls, waits included.
            max_total_timeouts: timeouts after which the caller gives up.
            max_cost_usd: dollars this caller may spend.
            clock: monotonic clock in seconds.
            deadline: the run's deadline, which also bounds this caller's time.
        """
        self.max_total_time = max_total_time
        self.max_total_timeouts = max_total_timeouts
        self.max_cost_usd = max_cost_usd
        self._clock = clock
        self.deadline = deadline
        self.started = clock()
        self.timeouts = 0
        self.spent_usd = 0.0

    def remaining_time(self) -> float | None:
        """Seconds left (to the run's deadline, too), or ``None`` when there is no limit."""
        own = None
        if self.max_total_time is not None:
            own = self.max_total_time - (self._clock() - self.started)
        if self.deadline is None:
            return own
        left = self.deadline.remaining()
        return left if own is None else min(own, left)

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
        if self.deadline is not None and self.deadline.remaining() <= 0:
            raise TimeBudgetExceededError("run deadline reached")
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
