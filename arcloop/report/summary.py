"""The run summary at the top of the report: a few figures, each a value and a line of context.

Numbers come from ``summary.json`` when the run wrote one; otherwise (a run in progress, or one
that stopped before its summary) they are computed from the finished tasks in the journal, and
the figure says so. Scores are shares in 0..1, as ``arcloop.arc.submission.Score`` gives them.

Not here: HTML (``page``) or charts (``charts``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from arcloop.report.content import TaskLine
from arcloop.report.fmt import count, duration, money, percent
from arcloop.report.source import RunSource


@dataclass(frozen=True, slots=True)
class Figure:
    """One summary card: a label, a value and a line of context (all plain text)."""

    label: str
    value: str
    note: str = ""


def _number(summary: Mapping[str, Any], key: str) -> float | None:
    value = summary.get(key)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def error_counts(summary: Mapping[str, Any]) -> dict[str, int]:
    """``summary.json``'s errors by class, largest first (empty when none were recorded)."""
    errors = summary.get("errors")
    if not isinstance(errors, Mapping):
        return {}
    counts = {
        str(k): int(v)
        for k, v in errors.items()
        if isinstance(v, int | float) and not isinstance(v, bool) and v
    }
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def run_figures(source: RunSource, lines: Sequence[TaskLine]) -> list[Figure]:
    """The summary cards, in the order the page shows them."""
    s = source.summary
    done = len(lines)
    total = _number(s, "tasks")
    total_tasks = int(total) if total is not None else done
    scored = [t for t in lines if t.score is not None]
    solved = sum(t.status == "solved" for t in lines)
    partial = sum(t.status == "partial" for t in lines)
    figures = []

    per_task = _number(s, "score_per_task")
    if per_task is None and scored:
        per_task = sum(t.score or 0.0 for t in scored) / max(total_tasks, 1)
    if per_task is None:
        figures.append(Figure("Score per task", "—", "no test outputs known"))
    else:
        note = f"{solved} of {total_tasks} tasks solved"
        if partial:
            note += f", {partial} in part"
        figures.append(Figure("Score per task", percent(per_task), note))

    per_output = _number(s, "score_per_output")
    outputs = _number(s, "outputs")
    right = _number(s, "solved_outputs")
    if outputs is None or right is None:
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

    cost = _number(s, "cost_usd")
    cost = sum(t.cost_usd for t in lines) if cost is None else cost
    note = f"{money(cost / done)} per task" if done else "no task finished"
    if solved:
        note += f" · {money(cost / solved)} per solved task"
    figures.append(Figure("Cost", money(cost), note))

    prompt = _number(s, "prompt_tokens")
    completion = _number(s, "completion_tokens")
    prompt = sum(t.prompt_tokens for t in lines) if prompt is None else prompt
    completion = sum(t.completion_tokens for t in lines) if completion is None else completion
    note = f"{count(prompt)} in · {count(completion)} out"
    figures.append(Figure("Tokens", count(prompt + completion), note))

    calls = _number(s, "calls")
    replayed = _number(s, "replayed_calls")
    calls = sum(t.calls for t in lines) if calls is None else calls
    replayed = sum(t.replayed_calls for t in lines) if replayed is None else replayed
    note = f"{count(replayed)} replayed from the journal"
    limited = _number(s, "rate_limited")
    if limited:
        note += f" · {count(limited)} rate-limited"
    figures.append(Figure("Model calls", count(calls), note))

    elapsed = _number(s, "elapsed_s")
    if elapsed is None:
        figures.append(Figure("Time", duration(sum(t.seconds for t in lines)), "summed over tasks"))
    else:
        note = f"{duration(elapsed / done)} per task" if done else ""
        figures.append(Figure("Time", duration(elapsed), note))

    status = source.run.status if source.run is not None else "unknown"
    note = f"run {status}"
    if s.get("stopped_by_budget") is True or (
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
