"""Turn a solver ``TaskResult`` into the rows and JSON the run directory stores.

The JSON shape of ``task_results.result`` is documented in ``arcloop.runs.journal``; it is the
contract the report reads, kept apart from the solver's own dataclasses so either can change.
"""

from __future__ import annotations

from typing import Any

from arcloop.arc.grid import Grid, to_lists
from arcloop.arc.submission import build_submission, solved_flags
from arcloop.arc.task import Task
from arcloop.runs.journal import CandidateRow, TaskRow
from arcloop.sandbox.types import Outcome
from arcloop.solver.results import ExpertResult, Iteration, TaskResult


def _grid_json(grid: Grid | None) -> list[list[int]] | None:
    return None if grid is None else to_lists(grid)


def _outputs(outcomes: tuple[Outcome, ...]) -> list[list[list[int]] | None]:
    return [_grid_json(o.grid) for o in outcomes]


def attempt_grids(result: TaskResult) -> list[list[Grid]]:
    """The attempts per test input, best first, with missing ones left out."""
    return [[g for g in (a.attempt_1, a.attempt_2) if g is not None] for a in result.attempts]


def _iteration_json(it: Iteration) -> dict[str, Any]:
    return {
        "iteration": it.number,
        "call_id": it.call_id,
        "program_name": it.program_name,
        "code": it.code or None,
        "error": it.extraction_error,
        "feedback": it.feedback or None,
        "train_score": it.train_score,
        "passed": it.passed_all_train,
        "train_outputs": _outputs(it.train_outcomes),
        "test_outputs": _outputs(it.test_outcomes),
        "prompt_tokens": it.usage.prompt_tokens,
        "completion_tokens": it.usage.completion_tokens,
        "cost_usd": it.usage.cost_usd,
        "latency_s": it.usage.latency_s,
        "replayed": it.replayed,
    }


def _expert_json(e: ExpertResult) -> dict[str, Any]:
    return {
        "expert": e.index,
        "model": e.model,
        "prompt": e.prompt,
        "seed": e.seed,
        "stop_reason": e.stop,
        "error": e.error,
        "best_iteration": e.chosen,
        "iterations": [_iteration_json(it) for it in e.iterations],
    }


def _vote_json(result: TaskResult) -> list[dict[str, Any]]:
    chosen = {e.index: e.chosen for e in result.experts}
    return [
        {
            "rank": rank,
            "size": g.size,
            "passed": g.passing,
            "mean_score": g.best_score,
            "members": [[idx, chosen.get(idx)] for idx in g.experts],
            "outputs": [_grid_json(o) for o in g.outputs],
        }
        for rank, g in enumerate(result.groups)
    ]


def _candidate_rows(result: TaskResult) -> list[CandidateRow]:
    return [
        CandidateRow(
            expert=e.index,
            iteration=it.number,
            model=e.model,
            prompt=it.prompt or None,
            call_id=it.call_id,
            code=it.code or None,
            error=it.extraction_error,
            train_outputs=_outputs(it.train_outcomes),
            test_outputs=_outputs(it.test_outcomes),
            feedback=it.feedback or None,
            train_score=it.train_score,
            passed=it.passed_all_train,
            cost_usd=it.usage.cost_usd,
            prompt_tokens=it.usage.prompt_tokens,
            completion_tokens=it.usage.completion_tokens,
            latency_s=it.usage.latency_s,
            replayed=it.replayed,
        )
        for e in result.experts
        for it in e.iterations
    ]


def task_row(task: Task, result: TaskResult, *, seconds: float, started_utc: str) -> TaskRow:
    """Everything the journal keeps about one finished task.

    ``task`` is the task *with* its test outputs when known: they are used here, after solving,
    to say which attempts are correct.
    """
    grids = attempt_grids(result)
    correct: list[bool] | None = None
    score: float | None = None
    if task.has_solutions:
        entries = build_submission([task], {task.id: grids})[task.id]
        flags = solved_flags(task, entries)
        correct = list(flags)
        score = sum(flags) / len(flags)
    attempts_json = [[to_lists(g) for g in per_input] for per_input in grids]
    result_json = {
        "task_id": task.id,
        "task": task.to_json(),
        "attempts": attempts_json,
        "correct": correct,
        "cost_usd": result.usage.cost_usd,
        "prompt_tokens": result.usage.prompt_tokens,
        "completion_tokens": result.usage.completion_tokens,
        "calls": result.calls,
        "replayed_calls": result.replayed_calls,
        "seconds": round(seconds, 3),
        "started_utc": started_utc,
        "experts": [_expert_json(e) for e in result.experts],
        "vote": _vote_json(result),
    }
    return TaskRow(
        task_id=task.id,
        attempts=attempts_json,
        correct=correct,
        score=score,
        cost_usd=result.usage.cost_usd,
        prompt_tokens=result.usage.prompt_tokens,
        completion_tokens=result.usage.completion_tokens,
        calls=result.calls,
        replayed_calls=result.replayed_calls,
        seconds=round(seconds, 3),
        result=result_json,
        candidates=_candidate_rows(result),
    )
