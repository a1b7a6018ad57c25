"""The run summary at the top of the report: a few figures, each a value and a line of context.

Numbers come from ``summary.json`` (a ``RunSummary``) when the run wrote one; otherwise (a run
in progress, or one that stopped before its summary) they are computed from the finished tasks
in the journal, and the figure says so. Scores are shares in 0..1, as
``arcloop.arc.submission.Score`` gives them.

Not here: HTML (``page``) or charts (``charts``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from arcloop.llm.types import Usage
from arcloop.report.content import TaskLine
from arcloop.report.fmt import count, duration, money, percent
from arcloop.runs.source import RunSource
from arcloop.runs.summary import RunSummary


@dataclass(frozen=True, slots=True)
class Figure:
    """One summary card: a label, a value and a line of context (all plain text)."""

    label: str
    value: str
    note: str = ""


def error_counts(summary: RunSummary | None) -> dict[str, int]:
    """The run's errors by class, largest first (empty when none were recorded)."""
    errors = {k: v for k, v in (summary.errors if summary else {}).items() if v}
    return dict(sorted(errors.items(), key=lambda kv: (-kv[1], kv[0])))


def run_figures(source: RunSource, lines: Sequence[TaskLine]) -> list[Figure]:
    """The summary cards, in the order the page shows them."""
    s = source.summary
    done = len(lines)
    total_tasks = s.tasks if s else done
    scored = [t for t in lines if t.score is not None]
    solved = sum(t.status == "solved" for t in lines)
    partial = sum(t.status == "partial" for t in lines)
    figures = []

    per_task = s.score_per_task if s else None
    if per_task is None and scored:
        per_task = sum(t.score or 0.0 for t in scored) / max(total_tasks, 1)
    if per_task is None:
        figures.append(Figure("Score per task", "—", "no test outputs known"))
    else:
        note = f"{solved} of {total_tasks} tasks solved"
        if partial:
            note += f", {partial} in part"
        figures.append(Figure("Score per task", percent(per_task), note))

    per_output = s.score_per_output if s else None
    if s is not None and s.solved_outputs is not None:
        outputs, right = s.outputs, s.solved_outputs
    else:
        outputs = sum(t.tests for t in scored)
        right = sum(round((t.score or 0.0) * t.tests) for t in scored)
    if per_output is None and outputs:
        per_output = right / outputs
    figures.append(
        Figure(
            "Score per test output",
            "—" if per_output is None else percent(per_output),
            f"{right:g} of {outputs:g} outputs right" if outputs else "no test outputs known",
        )
    )

    usage = Usage.total(t.usage for t in lines)
    cost = s.cost_usd if s else usage.cost_usd
    note = f"{money(cost / done)} per task" if done else "no task finished"
    if solved:
        note += f" · {money(cost / solved)} per solved task"
    figures.append(Figure("Cost", money(cost), note))

    prompt = s.prompt_tokens if s else usage.prompt_tokens
    cached = s.cached_tokens if s else usage.cached_tokens
    completion = s.completion_tokens if s else usage.completion_tokens
    note = f"{count(prompt)} in ({percent(cached / prompt) if prompt else '0%'} cached)"
    note += f" · {count(completion)} out"
    figures.append(Figure("Tokens", count(prompt + completion), note))

    calls = s.calls if s else sum(t.calls for t in lines)
    replayed = s.replayed_calls if s else sum(t.replayed_calls for t in lines)
    note = f"{count(replayed)} replayed from the journal"
    if s is not None and s.rate_limited:
        note += f" · {count(s.rate_limited)} rate-limited"
    figures.append(Figure("Model calls", count(calls), note))

    if s is None:
        figures.append(Figure("Time", duration(sum(t.seconds for t in lines)), "summed over tasks"))
    else:
        note = f"{duration(s.elapsed_s / done)} per task" if done else ""
        figures.append(Figure("Time", duration(s.elapsed_s), note))

    status = source.run.status if source.run is not None else "unknown"
    note = f"run {status}"
    if (s is not None and s.stopped_by_budget) or (
        source.run is not None and source.run.stopped_by_budget
    ):
        note += " · stopped by budget"
    figures.append(Figure("Tasks finished", f"{done} / {total_tasks}", note))

    errors = error_counts(s)
    figures.append(
        Figure(
            "Errors",
            count(sum(errors.values())),
            ", ".join(f"{k} {v}" for k, v in list(errors.items())[:3]) or "none recorded",
        )
    )
    return figures
