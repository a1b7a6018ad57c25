"""What the report shows, as plain data: the task table's lines and each task's details.

``task_line`` condenses a finished task into one row of the task table (status, usage,
iterations, how many experts agreed). ``task_details`` gathers everything the page draws when
the task is opened: grids (as compact strings, see ``grid_code``), the attempts beside the
expected outputs, the vote, the programs behind the first two vote groups (syntax-highlighted)
and every iteration of every expert. Both read the typed ``TaskRecord`` and keep its names
(``chosen``, ``stop``, ``passed``, ``best_score``, ``usage``), so the page says what the
journal says.

Not here: reading files (``source``), HTML, or charts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from arcloop.llm.types import Usage
from arcloop.report.highlight import highlight
from arcloop.runs.record import ExpertRecord, GridJson, IterationRecord, TaskRecord, VoteRecord

Status = Literal["solved", "partial", "failed", "unscored", "provider_error"]

Details = dict[str, Any]
"""A task's details, JSON-ready, as the page's script reads them."""

IterationDetails = dict[str, Any]
"""One iteration inside ``Details``."""


def grid_code(grid: Any) -> str | None:
    """A grid as one compact string: rows of digits joined by ``|``; None when not a grid.

    >>> grid_code([[0, 1], [2, 3]])
    '01|23'
    >>> grid_code([[0, 10]]) is None
    True
    """
    if not isinstance(grid, list) or not grid or not isinstance(grid[0], list):
        return None
    width = len(grid[0])
    rows = []
    for row in grid:
        # each cell must print as exactly one ASCII digit: this rejects 10, -1, True, 1.0, ...
        text = "".join(map(str, row)) if isinstance(row, list) and len(row) == width else ""
        if not width or len(text) != width or not (text.isascii() and text.isdigit()):
            return None
        rows.append(text)
    return "|".join(rows)


def _grids(grids: Sequence[GridJson | None]) -> list[str | None]:
    return [None if g is None else grid_code(g) for g in grids]


@dataclass(frozen=True, slots=True)
class TaskLine:
    """One row of the task table.

    Attributes:
        order: the task's place in finishing order, from 1.
        task_id: the task.
        status: solved (every test output right), partial, failed, unscored (no outputs
            known), or provider_error (a provider failed it; kept for a resume).
        score: the task's score in 0..1 (None when unscored).
        tests: how many test inputs the task has.
        usage, calls, replayed_calls, seconds: its spending.
        iterations: candidate programs made, all experts together.
        experts: experts that worked on the task.
        agreeing: experts in the winning vote group (0 when nobody offered an output).
        passing: experts whose chosen program passed every train pair.
        cause: why a provider failed the task (None for a finished task).
    """

    order: int
    task_id: str
    status: Status
    score: float | None
    tests: int
    usage: Usage
    calls: int
    replayed_calls: int
    seconds: float
    iterations: int
    experts: int
    agreeing: int
    passing: int
    cause: str | None = None


def _status(correct: Sequence[bool] | None) -> Status:
    if correct is None or not correct:
        return "unscored"
    if all(correct):
        return "solved"
    return "partial" if any(correct) else "failed"


def task_line(order: int, task: TaskRecord, *, cause: str | None = None) -> TaskLine:
    """The task table's row for one finished task, or one a provider failed (``cause``)."""
    chosen = [e.chosen_iteration for e in task.experts]
    return TaskLine(
        order=order,
        task_id=task.task_id,
        status="provider_error" if cause is not None else _status(task.correct),
        score=task.score if task.correct is not None else None,
        tests=len(task.task.test) or len(task.attempts),
        usage=task.usage,
        calls=task.calls,
        replayed_calls=task.replayed_calls,
        seconds=task.seconds,
        iterations=sum(len(e.iterations) for e in task.experts),
        experts=len(task.experts),
        agreeing=task.vote[0].size if task.vote else 0,
        passing=sum(it is not None and it.passed for it in chosen),
        cause=cause,
    )


def _same_outputs(outputs: list[str | None], expected: list[str | None]) -> bool | None:
    if not expected or any(g is None for g in expected):
        return None
    return len(outputs) == len(expected) and all(
        o == x for o, x in zip(outputs, expected, strict=True)
    )


def wanted_call_ids(task: TaskRecord) -> list[int]:
    """The calls whose responses the report quotes: each expert's chosen iteration, the
    programs behind the first two vote groups, and every reply no program could be taken from
    (quoting every call would bloat the file)."""
    wanted: list[IterationRecord | None] = [e.chosen_iteration for e in task.experts]
    wanted += [
        it for e in task.experts for it in e.iterations if it.extraction_error or not it.code
    ]
    wanted += [task.iteration(*g.members[0]) for g in task.vote[:2] if g.members]
    return sorted({it.call_id for it in wanted if it is not None and it.call_id is not None})


def _iteration(it: IterationRecord, responses: Mapping[int, str]) -> IterationDetails:
    return {
        "iteration": it.iteration,
        "program_name": it.program_name,
        "train_score": it.train_score,
        "passed": it.passed,
        "extraction_error": it.extraction_error,
        "feedback": it.feedback,
        "code": highlight(it.code) if it.code else None,
        "usage": asdict(it.usage),
        "replayed": it.replayed,
        "call_id": it.call_id,
        "response": responses.get(it.call_id) if it.call_id is not None else None,
        "train": _grids(it.train_outputs),
        "test": _grids(it.test_outputs),
    }


def _expert(e: ExpertRecord, responses: Mapping[int, str]) -> Details:
    return {
        "expert": e.expert,
        "model": e.model,
        "prompt": e.prompt,
        "seed": e.seed,
        "stop": e.stop,
        "error": e.error,
        "chosen": e.chosen,
        "usage": asdict(Usage.total(it.usage for it in e.iterations)),
        "iterations": [_iteration(it, responses) for it in e.iterations],
    }


def expected_outputs(task: TaskRecord) -> list[str | None]:
    """The task's expected test outputs as ``grid_code`` (None where unknown)."""
    return [None if p.output is None else grid_code(p.output) for p in task.task.test]


def test_details(task: TaskRecord) -> list[Details]:
    """Per test input: the input, the expected output, the attempts and whether they are right."""
    expected = expected_outputs(task)
    return [
        {
            "input": grid_code(p.input),
            "expected": expected[i],
            "attempts": _grids(task.attempts[i]) if i < len(task.attempts) else [],
            "correct": task.correct[i] if task.correct is not None else None,
        }
        for i, p in enumerate(task.task.test)
    ]


def _vote_group(task: TaskRecord, g: VoteRecord) -> Details:
    outputs = _grids(g.outputs)
    return {
        "rank": g.rank,
        "size": g.size,
        "passed": g.passed,
        "best_score": g.best_score,
        "members": g.members,
        "outputs": outputs,
        "correct": _same_outputs(outputs, expected_outputs(task)),
    }


def leading_programs(task: TaskRecord) -> list[Details]:
    """The programs behind the first two vote groups (their first member's), highlighted:
    what gave ``attempt_1`` and ``attempt_2``."""
    experts = {e.expert: e for e in task.experts}
    programs = []
    for g in task.vote[:2]:
        first = task.iteration(*g.members[0]) if g.members else None
        if first is None or not first.code:
            continue
        expert, iteration = g.members[0]
        found = experts.get(expert)
        programs.append(
            {
                "rank": g.rank,
                "expert": expert,
                "iteration": iteration,
                "model": found.model if found else "",
                "correct": _vote_group(task, g)["correct"],
                "code": highlight(first.code),
            }
        )
    return programs


def task_details(task: TaskRecord, responses: Mapping[int, str]) -> Details:
    """Everything the page draws when a task is opened (JSON-ready; grids as ``grid_code``).

    Args:
        task: the finished task.
        responses: model responses by call id (see ``wanted_call_ids``); may be empty.
    """
    return {
        "id": task.task_id,
        "train": [
            {"input": grid_code(p.input), "output": grid_code(p.output)} for p in task.task.train
        ],
        "test": test_details(task),
        "vote": [_vote_group(task, g) for g in task.vote],
        "programs": leading_programs(task),
        "experts": [_expert(e, responses) for e in task.experts],
    }


def _unchosen(
    details: Details,
    keep: Callable[[IterationDetails], bool],
    lean: Callable[[IterationDetails], IterationDetails],
) -> Details:
    """``details`` with ``lean`` applied to every iteration that is not its expert's chosen one
    and that ``keep`` does not spare."""
    experts = []
    for x in details["experts"]:
        iterations = [
            it if it["iteration"] == x["chosen"] or keep(it) else lean(it) for it in x["iterations"]
        ]
        experts.append({**x, "iterations": iterations})
    return {**details, "experts": experts}


def without_iteration_grids(details: Details) -> Details:
    """``details`` with the output grids of every iteration but each expert's chosen one left
    out (and marked ``grids_left_out``): what a report drops first to stay small, since the
    feedback text still says where those programs went wrong."""
    return _unchosen(
        details,
        lambda it: not (it["train"] or it["test"]),
        lambda it: {**it, "train": [], "test": [], "grids_left_out": True},
    )


def without_unchosen_colouring(details: Details) -> Details:
    """``details`` with the programs of unchosen iterations as plain text (one segment) rather
    than coloured tokens: the second thing a report drops to stay small; the text is intact."""
    return _unchosen(
        details,
        lambda it: not it.get("code"),
        lambda it: {
            **it,
            "code": ["".join(seg if isinstance(seg, str) else seg[1] for seg in it["code"])],
        },
    )


def without_unchosen_programs(details: Details) -> Details:
    """``details`` with the programs of unchosen iterations left out (marked
    ``code_left_out``): the last thing a report drops to stay small. The journal's
    ``candidates`` table keeps every program."""
    return _unchosen(
        details,
        lambda it: not it.get("code"),
        lambda it: {**it, "code": None, "code_left_out": True},
    )
