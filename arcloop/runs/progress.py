"""Showing a run while it goes: a live panel on a terminal, a line per task otherwise.

The runner owns a ``RunState`` and tells a ``ProgressView`` when a task finishes; the live view
also redraws a few times a second from the state (calls in flight, rate-limit waits, spend).
Views take their console, so tests render into a string.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Protocol

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from arcloop.llm.gateway import GatewayStats


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
    stats: Callable[[], GatewayStats] = GatewayStats
    clock: Callable[[], float] = time.monotonic

    def eta_s(self) -> float | None:
        """Seconds left at the pace of the tasks finished in this leg of the run."""
        finished_now = self.done - self.done_at_start
        if finished_now <= 0:
            return None
        per_task = (self.clock() - self.started) / finished_now
        return per_task * (self.total - self.done)


@dataclass(frozen=True)
class TaskLine:
    """One finished task, for the per-task line."""

    task_id: str
    score: float | None
    cost_usd: float
    calls: int
    seconds: float


class ProgressView(Protocol):
    def __enter__(self) -> ProgressView: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def task_finished(self, line: TaskLine) -> None: ...


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    s = int(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


class QuietView:
    """Shows nothing."""

    def __enter__(self) -> QuietView:
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    def task_finished(self, line: TaskLine) -> None:
        return None


class PlainView(QuietView):
    """A line per finished task (for logs and pipes)."""

    def __init__(self, state: RunState, console: Console) -> None:
        self.state = state
        self.console = console

    def task_finished(self, line: TaskLine) -> None:
        s = self.state
        score = "?" if line.score is None else f"{line.score:.2f}"
        solved = f" solved {s.solved:g}/{s.scored}" if s.scored else ""
        self.console.print(
            f"[{s.done}/{s.total}] {line.task_id} score {score} ${line.cost_usd:.4f}"
            f" {line.calls} calls {line.seconds:.1f}s |{solved}"
            f" spent ${s.stats().cost_usd:.4f}",
            highlight=False,
            markup=False,
        )


class LiveView(QuietView):
    """A live panel: tasks, solved, spend against budget, calls in flight and waiting, ETA."""

    def __init__(self, state: RunState, console: Console) -> None:
        self.state = state
        self.console = console
        self._recent: list[TaskLine] = []
        self._live = Live(
            get_renderable=self.render, console=console, refresh_per_second=4, transient=False
        )

    def render(self) -> Group:
        s = self.state
        st = s.stats()
        budget = f" of ${s.budget_usd:.2f}" if s.budget_usd is not None else ""
        solved = f"{s.solved:g}/{s.scored}" if s.scored else "-"
        table = Table.grid(padding=(0, 2))
        table.add_row(
            Text(f"tasks {s.done}/{s.total}", style="bold"),
            Text(f"solved {solved}"),
            Text(f"spent ${st.cost_usd:.4f}{budget}"),
        )
        table.add_row(
            Text(f"calls {st.calls} ({st.replayed_calls} replayed)"),
            Text(f"in flight {st.in_flight}, waiting on rate limit {st.waiting_on_rate_limit}"),
            Text(f"errors {sum(st.errors.values())}"),
        )
        table.add_row(
            Text(f"elapsed {_duration(s.clock() - s.started)}"),
            Text(f"eta {_duration(s.eta_s())}"),
            Text(""),
        )
        lines = [
            Text(
                f"  {t.task_id} score {'?' if t.score is None else f'{t.score:.2f}'}"
                f" ${t.cost_usd:.4f} {t.seconds:.1f}s",
                style="dim",
            )
            for t in self._recent[-5:]
        ]
        return Group(table, *lines)

    def __enter__(self) -> LiveView:
        self._live.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._live.__exit__(*exc)

    def task_finished(self, line: TaskLine) -> None:
        self._recent.append(line)
        self._live.refresh()


def make_view(state: RunState, console: Console, *, quiet: bool) -> ProgressView:
    """The view that fits: nothing when quiet, live on a terminal, lines otherwise."""
    if quiet:
        return QuietView()
    if console.is_terminal:
        return LiveView(state, console)
    return PlainView(state, console)
