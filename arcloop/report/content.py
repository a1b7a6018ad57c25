"""What the report shows, as plain data: the task table's lines and each task's details.

``task_line`` condenses a finished task into one row of the task table (status, cost, iterations,
how many experts agreed). ``task_details`` gathers everything the page draws when the task is
opened: grids (as compact strings, see ``grid_code``), the attempts beside the expected outputs,
the vote, the programs behind the first two vote groups (syntax-highlighted) and every
iteration of every expert.

The stored result is read leniently (``fields``): a missing or odd field shows as nothing.

Not here: reading files (``source``), HTML, or charts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from arcloop.report.fields import (
    as_dict,
    as_float,
    as_int,
    as_list,
    as_str,
    member,
    opt_float,
)
from arcloop.report.highlight import highlight
from arcloop.runs.journal import StoredTask

Status = Literal["solved", "partial", "failed", "unscored"]


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


def _grids(obj: Any) -> list[str | None]:
    return [grid_code(g) for g in obj] if isinstance(obj, list) else []


@dataclass(frozen=True, slots=True)
class TaskLine:
    """One row of the task table.

    Attributes:
        order: the task's place in finishing order, from 1.
        task_id: the task.
        status: solved (every test output right), partial, failed, or unscored (no outputs known).
        score: the task's score in 0..1 (None when unscored).
        tests: how many test inputs the task has.
        cost_usd, prompt_tokens, completion_tokens, calls, replayed_calls, seconds: its spending.
        iterations: candidate programs made, all experts together.
        experts: experts that worked on the task.
        agreeing: experts in the winning vote group (0 when nobody offered an output).
        passing: experts whose chosen program passed every train pair.
    """

    order: int
    task_id: str
    status: Status
    score: float | None
    tests: int
    cost_usd: float
    prompt_tokens: int
    completion_tokens: int
    calls: int
    replayed_calls: int
    seconds: float
    iterations: int
    experts: int
    agreeing: int
    passing: int


def _status(correct: Sequence[bool] | None) -> Status:
    if correct is None or not correct:
        return "unscored"
    if all(correct):
        return "solved"
    return "partial" if any(correct) else "failed"


def task_line(order: int, task: StoredTask) -> TaskLine:
    """The task table's row for one finished task."""
    result = as_dict(task.result)
    experts = [as_dict(e) for e in as_list(result.get("experts"))]
    vote = [as_dict(g) for g in as_list(result.get("vote"))]
    tests = len(as_list(as_dict(result.get("task")).get("test"))) or len(task.attempts)
    passing = 0
    for e in experts:
        best = e.get("best_iteration")
        passing += any(
            as_dict(it).get("iteration") == best and as_dict(it).get("passed") is True
            for it in as_list(e.get("iterations"))
        )
    return TaskLine(
        order=order,
        task_id=task.task_id,
        status=_status(task.correct),
        score=task.score if task.correct is not None else None,
        tests=tests,
        cost_usd=task.cost_usd,
        prompt_tokens=task.prompt_tokens,
        completion_tokens=task.completion_tokens,
        calls=task.calls,
        replayed_calls=task.replayed_calls,
        seconds=task.seconds,
        iterations=sum(len(as_list(e.get("iterations"))) for e in experts),
        experts=len(experts),
        agreeing=as_int(vote[0].get("size")) if vote else 0,
        passing=passing,
    )


def _iteration_index(experts: list[dict[str, Any]]) -> dict[tuple[int, int], dict[str, Any]]:
    index: dict[tuple[int, int], dict[str, Any]] = {}
    for e in experts:
        for it in as_list(e.get("iterations")):
            it = as_dict(it)
            index[(as_int(e.get("expert")), as_int(it.get("iteration")))] = it
    return index


def _same_outputs(outputs: list[str | None], expected: list[str | None]) -> bool | None:
    if not expected or any(g is None for g in expected):
        return None
    return len(outputs) == len(expected) and all(
        o == x for o, x in zip(outputs, expected, strict=True)
    )


def _members(group: dict[str, Any]) -> list[tuple[int, int]]:
    return [m for m in map(member, as_list(group.get("members"))) if m is not None]


def wanted_call_ids(task: StoredTask) -> list[int]:
    """The calls whose responses the report quotes: each expert's chosen iteration, the
    programs behind the first two vote groups, and every reply no program could be taken from
    (quoting every call would bloat the file)."""
    result = as_dict(task.result)
    experts = [as_dict(e) for e in as_list(result.get("experts"))]
    index = _iteration_index(experts)
    keys = {(as_int(e.get("expert")), as_int(e.get("best_iteration"))) for e in experts}
    keys.update(key for key, it in index.items() if it.get("error") or not it.get("code"))
    for group in as_list(result.get("vote"))[:2]:
        first = next(iter(_members(as_dict(group))), None)
        if first is not None:
            keys.add(first)
    ids = []
    for key in keys:
        call_id = index.get(key, {}).get("call_id")
        if isinstance(call_id, int):
            ids.append(call_id)
    return ids


def _iteration(it: dict[str, Any], responses: Mapping[int, str]) -> dict[str, Any]:
    code = as_str(it.get("code"))
    call_id = it.get("call_id")
    return {
        "iteration": as_int(it.get("iteration")),
        "name": as_str(it.get("program_name")),
        "score": opt_float(it.get("train_score")),
        "passed": it.get("passed") is True,
        "error": as_str(it.get("error")),
        "feedback": as_str(it.get("feedback")),
        "code": highlight(code) if code else None,
        "prompt_tokens": as_int(it.get("prompt_tokens")),
        "completion_tokens": as_int(it.get("completion_tokens")),
        "cost": as_float(it.get("cost_usd")),
        "latency": as_float(it.get("latency_s")),
        "replayed": it.get("replayed") is True,
        "call_id": call_id if isinstance(call_id, int) else None,
        "response": responses.get(call_id) if isinstance(call_id, int) else None,
        "train": _grids(it.get("train_outputs")),
        "test": _grids(it.get("test_outputs")),
    }


def _expert(e: dict[str, Any], responses: Mapping[int, str]) -> dict[str, Any]:
    iterations = [_iteration(as_dict(it), responses) for it in as_list(e.get("iterations"))]
    best = e.get("best_iteration")
    return {
        "expert": as_int(e.get("expert")),
        "model": as_str(e.get("model")) or "",
        "prompt": as_str(e.get("prompt")) or "",
        "seed": e.get("seed") if isinstance(e.get("seed"), int) else None,
        "stop": as_str(e.get("stop_reason")) or "",
        "error": as_str(e.get("error")),
        "best": best if isinstance(best, int) else None,
        "cost": sum(it["cost"] for it in iterations),
        "prompt_tokens": sum(it["prompt_tokens"] for it in iterations),
        "completion_tokens": sum(it["completion_tokens"] for it in iterations),
        "latency": sum(it["latency"] for it in iterations),
        "iterations": iterations,
    }


def task_details(task: StoredTask, responses: Mapping[int, str]) -> dict[str, Any]:
    """Everything the page draws when a task is opened (JSON-ready; grids as ``grid_code``).

    Args:
        task: the finished task.
        responses: model responses by call id (see ``wanted_call_ids``); may be empty.
    """
    result = as_dict(task.result)
    grids = as_dict(result.get("task"))
    train = [
        {"input": grid_code(as_dict(p).get("input")), "output": grid_code(as_dict(p).get("output"))}
        for p in as_list(grids.get("train"))
    ]
    test_pairs = [as_dict(p) for p in as_list(grids.get("test"))]
    expected = [grid_code(p.get("output")) for p in test_pairs]
    attempts = as_list(result.get("attempts")) or task.attempts
    correct = task.correct
    test = [
        {
            "input": grid_code(p.get("input")),
            "expected": expected[i],
            "attempts": _grids(attempts[i]) if i < len(attempts) else [],
            "correct": correct[i] if correct is not None and i < len(correct) else None,
        }
        for i, p in enumerate(test_pairs)
    ]
    experts_raw = [as_dict(e) for e in as_list(result.get("experts"))]
    index = _iteration_index(experts_raw)
    models = {as_int(e.get("expert")): as_str(e.get("model")) or "" for e in experts_raw}
    vote = []
    programs = []
    for rank, g in enumerate((as_dict(g) for g in as_list(result.get("vote"))), start=1):
        outputs = _grids(g.get("outputs"))
        members = _members(g)
        group = {
            "rank": rank,  # the position in the vote, from 1 (stored ranks may count from 0)
            "size": as_int(g.get("size")) or len(members),
            "passed": g.get("passed") is True,
            "score": opt_float(g.get("mean_score")),
            "members": members,
            "outputs": outputs,
            "correct": _same_outputs(outputs, expected),
        }
        vote.append(group)
        if rank <= 2 and members:
            expert, iteration = members[0]
            code = as_str(index.get((expert, iteration), {}).get("code"))
            if code:
                programs.append(
                    {
                        "rank": group["rank"],
                        "expert": expert,
                        "iteration": iteration,
                        "model": models.get(expert, ""),
                        "correct": group["correct"],
                        "code": highlight(code),
                    }
                )
    return {
        "id": task.task_id,
        "train": train,
        "test": test,
        "vote": vote,
        "programs": programs,
        "experts": [_expert(e, responses) for e in experts_raw],
    }


Iteration = dict[str, Any]


def _unchosen(
    details: dict[str, Any],
    keep: Callable[[Iteration], bool],
    lean: Callable[[Iteration], Iteration],
) -> dict[str, Any]:
    """``details`` with ``lean`` applied to every iteration that is not its expert's chosen one
    and that ``keep`` does not spare."""
    experts = []
    for x in details["experts"]:
        iterations = [
            it if it["iteration"] == x["best"] or keep(it) else lean(it) for it in x["iterations"]
        ]
        experts.append({**x, "iterations": iterations})
    return {**details, "experts": experts}


def without_iteration_grids(details: dict[str, Any]) -> dict[str, Any]:
    """``details`` with the output grids of every iteration but each expert's chosen one left
    out (and marked ``grids_left_out``): what a report drops first to stay small, since the
    feedback text still says where those programs went wrong."""
    return _unchosen(
        details,
        lambda it: not (it["train"] or it["test"]),
        lambda it: {**it, "train": [], "test": [], "grids_left_out": True},
    )


def without_unchosen_colouring(details: dict[str, Any]) -> dict[str, Any]:
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


def without_unchosen_programs(details: dict[str, Any]) -> dict[str, Any]:
    """``details`` with the programs of unchosen iterations left out (marked
    ``code_left_out``): the last thing a report drops to stay small. The journal's
    ``candidates`` table keeps every program."""
    return _unchosen(
        details,
        lambda it: not it.get("code"),
        lambda it: {**it, "code": None, "code_left_out": True},
    )
