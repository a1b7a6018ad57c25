"""Turn the solver's ``TaskResult`` into the ``TaskRecord`` the run stores.

The names are the solver's (``chosen``, ``stop``, ``passed``, ``extraction_error``,
``best_score``, ``usage``), ranks count from 1, and grids become lists of rows. Whether the
attempts are correct is decided here, after solving, from the task's test outputs when known.

Not here: the schema (``record``) or writing it (``journal``).
"""

from __future__ import annotations

from arcloop.arc.grid import Grid, to_lists
from arcloop.arc.submission import build_submission, solved_flags
from arcloop.arc.task import Task
from arcloop.runs.record import (
    ExpertRecord,
    GridJson,
    IterationRecord,
    PairRecord,
    TaskGrids,
    TaskRecord,
    VoteRecord,
)
from arcloop.sandbox.types import Outcome
from arcloop.solver.results import ExpertResult, Iteration, TaskResult


def _grid_json(grid: Grid | None) -> GridJson | None:
    return None if grid is None else to_lists(grid)


def _outputs(outcomes: tuple[Outcome, ...]) -> list[GridJson | None]:
    return [_grid_json(o.grid) for o in outcomes]


def attempt_grids(result: TaskResult) -> list[list[Grid]]:
    """The attempts per test input, best first, with missing ones left out."""
    return [[g for g in (a.attempt_1, a.attempt_2) if g is not None] for a in result.attempts]


def _iteration(it: Iteration) -> IterationRecord:
    return IterationRecord(
        iteration=it.number,
        call_id=it.call_id,
        program_name=it.program_name,
        code=it.code or None,
        extraction_error=it.extraction_error,
        feedback=it.feedback or None,
        train_score=it.train_score,
        passed=it.passed,
        train_outputs=_outputs(it.train_outcomes),
        test_outputs=_outputs(it.test_outcomes),
        usage=it.usage,
        replayed=it.replayed,
    )


def _expert(e: ExpertResult) -> ExpertRecord:
    return ExpertRecord(
        expert=e.index,
        model=e.model,
        prompt=e.prompt,
        seed=e.seed,
        stop=e.stop,
        error=e.error,
        chosen=e.chosen,
        iterations=[_iteration(it) for it in e.iterations],
    )


def _task_grids(task: Task) -> TaskGrids:
    outputs = task.test_outputs or (None,) * len(task.test_inputs)
    return TaskGrids(
        train=[PairRecord(input=to_lists(p.input), output=to_lists(p.output)) for p in task.train],
        test=[
            PairRecord(input=to_lists(g), output=_grid_json(o))
            for g, o in zip(task.test_inputs, outputs, strict=True)
        ],
    )


def _member(chosen: dict[int, int | None], expert: int) -> tuple[int, int]:
    iteration = chosen.get(expert)
    if iteration is None:  # the vote groups experts by the outputs of their chosen iteration
        raise ValueError(f"expert {expert} is in a vote group but chose no iteration")
    return (expert, iteration)


def task_record(
    task: Task, result: TaskResult, *, seconds: float, started_utc: str, finished_utc: str
) -> TaskRecord:
    """Everything the run keeps about one finished task.

    ``task`` is the task *with* its test outputs when known: they are used here, after solving,
    to say which attempts are correct.
    """
    grids = attempt_grids(result)
    correct: list[bool] | None = None
    score: float | None = None
    if task.has_solutions:
        entries = build_submission([task], {task.id: grids})[task.id]
        correct = list(solved_flags(task, entries))
        score = sum(correct) / len(correct)
    chosen = {e.index: e.chosen for e in result.experts}
    return TaskRecord(
        task_id=task.id,
        task=_task_grids(task),
        attempts=[[to_lists(g) for g in per_input] for per_input in grids],
        correct=correct,
        score=score,
        usage=result.usage,
        calls=result.calls,
        replayed_calls=result.replayed_calls,
        seconds=round(seconds, 3),
        started_utc=started_utc,
        finished_utc=finished_utc,
        experts=[_expert(e) for e in result.experts],
        vote=[
            VoteRecord(
                rank=rank,
                size=g.size,
                passed=g.passed,
                best_score=g.best_score,
                members=[_member(chosen, i) for i in g.experts],
                outputs=[_grid_json(o) for o in g.outputs],
            )
            for rank, g in enumerate(result.groups, start=1)
        ],
    )
