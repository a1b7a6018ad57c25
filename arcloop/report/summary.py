"""The run summary at the top of the report: a few figures, each a value and a line of context.

Numbers come from ``summary.json`` when the run wrote one; otherwise (a run in progress, or one
that stopped before its summary) they are computed from the finished tasks in the journal, and
the figure says so. Scores are shares in 0..1, as ``arcloop.arc.submission.Score`` gives them.

``model_stats`` adds up, per model, what its experts made and spent and how often they won the
vote: the table that says which model earned its cost in a mixed ensemble.

Not here: HTML (``page``) or charts (``charts``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from arcloop.report.content import TaskLine
from arcloop.report.fields import (
    as_dict,
    as_float,
    as_int,
    as_list,
    as_str,
    member,
    opt_float,
)
from arcloop.report.fmt import count, duration, money, percent
from arcloop.report.source import RunSource
from arcloop.runs.journal import StoredTask


@dataclass(frozen=True, slots=True)
class Figure:
    """One summary card: a label, a value and a line of context (all plain text)."""

    label: str
    value: str
    note: str = ""


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
    total = opt_float(s.get("tasks"))
    total_tasks = int(total) if total is not None else done
    scored = [t for t in lines if t.score is not None]
    solved = sum(t.status == "solved" for t in lines)
    partial = sum(t.status == "partial" for t in lines)
    figures = []

    per_task = opt_float(s.get("score_per_task"))
    if per_task is None and scored:
        per_task = sum(t.score or 0.0 for t in scored) / max(total_tasks, 1)
    if per_task is None:
        figures.append(Figure("Score per task", "—", "no test outputs known"))
    else:
        note = f"{solved} of {total_tasks} tasks solved"
        if partial:
            note += f", {partial} in part"
        figures.append(Figure("Score per task", percent(per_task), note))

    per_output = opt_float(s.get("score_per_output"))
    outputs = opt_float(s.get("outputs"))
    right = opt_float(s.get("solved_outputs"))
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

    cost = opt_float(s.get("cost_usd"))
    cost = sum(t.cost_usd for t in lines) if cost is None else cost
    note = f"{money(cost / done)} per task" if done else "no task finished"
    if solved:
        note += f" · {money(cost / solved)} per solved task"
    figures.append(Figure("Cost", money(cost), note))

    prompt = opt_float(s.get("prompt_tokens"))
    completion = opt_float(s.get("completion_tokens"))
    prompt = sum(t.prompt_tokens for t in lines) if prompt is None else prompt
    completion = sum(t.completion_tokens for t in lines) if completion is None else completion
    note = f"{count(prompt)} in · {count(completion)} out"
    figures.append(Figure("Tokens", count(prompt + completion), note))

    calls = opt_float(s.get("calls"))
    replayed = opt_float(s.get("replayed_calls"))
    calls = sum(t.calls for t in lines) if calls is None else calls
    replayed = sum(t.replayed_calls for t in lines) if replayed is None else replayed
    note = f"{count(replayed)} replayed from the journal"
    limited = opt_float(s.get("rate_limited"))
    if limited:
        note += f" · {count(limited)} rate-limited"
    figures.append(Figure("Model calls", count(calls), note))

    elapsed = opt_float(s.get("elapsed_s"))
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


@dataclass(frozen=True, slots=True)
class ModelStats:
    """What one model did across the run (an expert on a task counts once per task).

    Attributes:
        model: the model string (``local/search`` for the offline expert).
        experts: expert runs (experts x tasks) that used the model.
        iterations: candidate programs it made.
        prompt_tokens, completion_tokens, cost_usd: what it consumed.
        passed: expert runs whose chosen program passed every train pair.
        won: expert runs in the winning vote group.
        right: expert runs whose offered outputs were all right (known outputs only).
    """

    model: str
    experts: int = 0
    iterations: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    passed: int = 0
    won: int = 0
    right: int = 0


def model_stats(tasks: Sequence[StoredTask]) -> list[ModelStats]:
    """Per model, most expensive first (then by name)."""
    totals: dict[str, dict[str, Any]] = {}
    for task in tasks:
        result = as_dict(task.result)
        expected = [
            as_dict(t).get("output") for t in as_list(as_dict(result.get("task")).get("test"))
        ]
        known = bool(expected) and all(e is not None for e in expected)
        vote = [as_dict(g) for g in as_list(result.get("vote"))]
        won = {m[0] for m in map(member, as_list(vote[0].get("members")) if vote else []) if m}
        right = {
            m[0]
            for g in vote
            if known and g.get("outputs") == expected
            for m in map(member, as_list(g.get("members")))
            if m
        }
        for e in map(as_dict, as_list(result.get("experts"))):
            model = as_str(e.get("model")) or "?"
            its = [as_dict(it) for it in as_list(e.get("iterations"))]
            chosen = next((it for it in its if it.get("iteration") == e.get("best_iteration")), {})
            index = as_int(e.get("expert"))
            t = totals.setdefault(model, {"model": model})
            for key, value in (
                ("experts", 1),
                ("iterations", len(its)),
                ("prompt_tokens", sum(as_int(it.get("prompt_tokens")) for it in its)),
                ("completion_tokens", sum(as_int(it.get("completion_tokens")) for it in its)),
                ("cost_usd", sum(as_float(it.get("cost_usd")) for it in its)),
                ("passed", int(chosen.get("passed") is True)),
                ("won", int(index in won)),
                ("right", int(index in right)),
            ):
                t[key] = t.get(key, 0) + value
    return sorted((ModelStats(**t) for t in totals.values()), key=lambda m: (-m.cost_usd, m.model))
