"""What ``arcloop run`` shows: progress while it goes, and a summary table when it ends.

A live panel on a terminal (tasks, solved, spend against budget, calls in flight and waiting
on a rate limit, ETA), a line per finished task otherwise (logs and pipes), nothing when quiet.
Views take their console, so tests render into a string.

Not here: the counters themselves (``arcloop.runs.progress.RunState``).
"""

from __future__ import annotations

import time
from typing import Any

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from arcloop.runs.progress import ProgressView, QuietView, RunState
from arcloop.runs.record import TaskRecord
from arcloop.runs.summary import RunSummary


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    s = int(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


class PlainView(QuietView):
    """A line per finished task (for logs and pipes)."""

    def __init__(self, state: RunState, console: Console) -> None:
        self.state = state
        self.console = console

    def task_finished(self, task: TaskRecord) -> None:
        s = self.state
        score = "?" if task.score is None else f"{task.score:.2f}"
        solved = f" solved {s.solved:g}/{s.scored}" if s.scored else ""
        self.console.print(
            f"[{s.done}/{s.total}] {task.task_id} score {score} ${task.usage.cost_usd:.4f}"
            f" {task.calls} calls {task.seconds:.1f}s |{solved}"
            f" spent ${s.stats().usage.cost_usd:.4f}",
            highlight=False,
            markup=False,
            soft_wrap=True,  # one line per task, for grep, at any width
        )

    def task_failed(self, task_id: str, cause: str) -> None:
        self.console.print(
            f"[{self.state.done}/{self.state.total}] {task_id} provider error: {cause}"
            " (kept for a resume)",
            soft_wrap=True,
            highlight=False,
            markup=False,
        )


class LiveView(QuietView):
    """A live panel: tasks, solved, spend against budget, calls in flight and waiting, ETA."""

    def __init__(self, state: RunState, console: Console) -> None:
        self.state = state
        self.console = console
        self._recent: list[str] = []
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
            Text(f"spent ${st.usage.cost_usd:.4f}{budget}"),
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
            Text(line, style="dim" if "provider error" not in line else "red")
            for line in self._recent[-5:]
        ]
        outages = [
            Text(
                f"{down.endpoint} unreachable since"
                f" {time.strftime('%H:%M:%S', time.localtime(down.since_wall))}, retrying",
                style="bold red",
            )
            for down in s.down()
        ]
        return Group(table, *outages, *lines)

    def __enter__(self) -> LiveView:
        self._live.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._live.__exit__(*exc)

    def task_finished(self, task: TaskRecord) -> None:
        score = "?" if task.score is None else f"{task.score:.2f}"
        self._recent.append(
            f"  {task.task_id} score {score} ${task.usage.cost_usd:.4f} {task.seconds:.1f}s"
        )
        self._live.refresh()

    def task_failed(self, task_id: str, cause: str) -> None:
        self._recent.append(f"  {task_id} provider error: {cause}")
        self._live.refresh()


def make_view(state: RunState, console: Console, *, quiet: bool) -> ProgressView:
    """The view that fits: nothing when quiet, live on a terminal, lines otherwise."""
    if quiet:
        return QuietView()
    if console.is_terminal:
        return LiveView(state, console)
    return PlainView(state, console)


def _money(value: float) -> str:
    return f"${value:,.4f}"


def _cached(share: float | None) -> str:
    return "none cached" if not share else f"{share:.0%} cached"


def summary_table(summary: RunSummary) -> Table:
    """The end-of-run table: scores, cost, tokens, calls, waits, errors."""
    t = Table(title=f"arcloop run: {summary.status}", show_header=False)
    t.add_column(style="bold")
    t.add_column()
    t.add_row("dataset", f"{summary.dataset} (sha256 {summary.dataset_hash[:16]})")
    t.add_row("tasks", f"{summary.tasks_done}/{summary.tasks} done")
    if summary.score_per_task is not None:
        t.add_row("score per task", f"{summary.score_per_task:.4f}")
        t.add_row(
            "score per output",
            f"{summary.score_per_output:.4f} ({summary.solved_outputs}/{summary.outputs})",
        )
    solved = (summary.score_per_task or 0.0) * summary.tasks
    per_task = summary.cost_usd / summary.tasks_done if summary.tasks_done else 0.0
    per_solved = _money(summary.cost_usd / solved) if solved else "-"
    t.add_row(
        "cost",
        f"{_money(summary.cost_usd)} total, {_money(per_task)} per task, {per_solved} per solved",
    )
    t.add_row(
        "tokens",
        f"{summary.prompt_tokens:,} in ({_cached(summary.cached_share)}),"
        f" {summary.completion_tokens:,} out",
    )
    if len(summary.models) > 1:
        for model, line in summary.models.items():
            t.add_row(
                "",
                f"{model}: {line.calls:,} calls, {line.prompt_tokens:,} in"
                f" ({_cached(line.cached_share)}), {line.completion_tokens:,} out,"
                f" {_money(line.cost_usd)}",
            )
    t.add_row("calls", f"{summary.calls:,} ({summary.replayed_calls:,} replayed from the journal)")
    t.add_row("rate limited", str(summary.rate_limited))
    errors = ", ".join(f"{k} {v}" for k, v in summary.errors.items()) or "none"
    t.add_row("errors", errors)
    t.add_row(
        "time",
        f"{summary.elapsed_s:.1f} s" + (f" over {summary.legs} legs" if summary.legs > 1 else ""),
    )
    for failure in summary.provider_failures[:5]:
        t.add_row("provider error", f"{failure.task_id}: {failure.cause}")
    if summary.provider_failures:
        t.add_row("", f"{len(summary.provider_failures)} task(s) kept for a resume")
    if summary.stopped_by_budget:
        t.add_row("stopped", "the dollar budget was reached; resume with a larger --budget-usd")
    if summary.status == "stopped_by_deadline":
        t.add_row("stopped", "the deadline was reached; unfinished tasks keep their placeholders")
    t.add_row("run dir", summary.run_dir)
    return t
