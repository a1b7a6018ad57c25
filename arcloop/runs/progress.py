"""What a run tells whoever shows it: a ``RunState`` of counters, and a ``ProgressView`` that
hears of every finished task.

The runner owns the state and calls ``task_finished`` (or ``task_failed`` for a task a
provider failed); ``QuietView`` shows nothing (the default
of a library call). Not here: drawing anything (the CLI's ``arcloop.cli.progress``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Protocol

from arcloop.llm.outage import Down
from arcloop.llm.stats import GatewayStats
from arcloop.runs.record import TaskRecord


@dataclass
class RunState:
    """Counters of a run in progress, read by the views."""

    total: int
    done: int = 0
    solved: float = 0.0
    scored: int = 0
    budget_usd: float | None = None
    started: float = field(default_factory=time.monotonic)
    done_at_start: int = 0
    provider_failed: int = 0
    stats: Callable[[], GatewayStats] = GatewayStats
    down: Callable[[], list[Down]] = list
    clock: Callable[[], float] = time.monotonic

    def eta_s(self) -> float | None:
        """Seconds left at the pace of the tasks finished in this leg of the run."""
        finished_now = self.done - self.done_at_start
        if finished_now <= 0:
            return None
        per_task = (self.clock() - self.started) / finished_now
        return per_task * (self.total - self.done)


class ProgressView(Protocol):
    def __enter__(self) -> ProgressView: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def task_finished(self, task: TaskRecord) -> None:
        """Hear of a finished task, already in the journal."""
        ...

    def task_failed(self, task_id: str, cause: str) -> None:
        """Hear of a task a provider failed (kept for the next leg)."""
        ...


class QuietView:
    """Shows nothing."""

    def __enter__(self) -> QuietView:
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    def task_finished(self, task: TaskRecord) -> None:
        return None

    def task_failed(self, task_id: str, cause: str) -> None:
        return None
