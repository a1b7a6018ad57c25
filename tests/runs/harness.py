"""What the ARC Prize benchmarking harness (arcprize/arc-agi-benchmarking) would make of an
export folder: its schema checks and its scorer's arithmetic, written here from reading them.

Read, in that repository: ``src/arc_agi_benchmarking/schemas.py`` (``Attempt``,
``AttemptMetadata``, ``Usage``, ``CompletionTokensDetails``, ``Cost``, ``Choice``,
``TestPairAttempts``, ``BenchmarkedTaskResults``), ``src/arc_agi_benchmarking/scoring/
scoring.py`` (``ARCScorer``), ``main.py`` (how the harness's own runner saves a failed
attempt) and ``utils/submission_exists.py`` (which attempts its next run fills in). What they
do, and this module checks:

- the scorer reads every ``*.json`` of the folder (``Path.glob``, so hidden files too) but
  ``results.json``; the file's stem is the task id, looked up among the tasks with solutions;
- a file is a list, one item per test input; an item is an object whose keys starting with
  ``attempt_`` are its attempts in sorted key order (other keys are ignored);
- an attempt is ``null`` (no answer: counted as an attempt, never correct, no cost; the
  harness's runner saves one where every retry failed, and its next run fills it in) or an
  object with a required ``answer`` (a grid, or ``[]``: counted, never correct, its cost
  counted, and the scorer then reads ``metadata.choices[-1]``), ``metadata`` and an optional
  ``correct``;
- ``metadata`` requires ``model`` and ``provider`` (strings), ``start_timestamp`` and
  ``end_timestamp`` (datetimes), ``choices`` (``{index, message: {role, content}}``),
  ``kwargs`` (an object), ``usage`` (``prompt_tokens``, ``completion_tokens``,
  ``total_tokens`` and ``completion_tokens_details`` with ``reasoning_tokens``,
  ``accepted_prediction_tokens``, ``rejected_prediction_tokens``, all integers) and ``cost``
  (``prompt_cost``, ``completion_cost``, ``total_cost`` numbers, ``reasoning_cost`` a number
  or null); ``task_id``, ``pair_index`` (default 0) and ``test_id`` may be null;
- the test input an item scores against is the first attempt's ``pair_index`` that is in
  range, else the item's position;
- per task: score = solved test inputs / test inputs; cost, completion tokens, total tokens
  and duration (``end - start`` in seconds) are summed over the non-null attempts; the run's
  score is the sum of the tasks' scores over the number of files.

Pydantic's lax mode also accepts integral floats and numeric strings where it wants
integers; this check is stricter: it wants the JSON types the schema names.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

Grid = list[list[int]]


class HarnessRejects(AssertionError):
    """The harness would refuse the file (a validation error, or its scorer would crash)."""


@dataclass
class TaskScore:
    """What the harness's scorer computes for one task file."""

    score: float
    cost: float
    attempts: int
    output_tokens: int
    total_tokens: int
    duration: float
    empty_answers: int


@dataclass
class Scored:
    """What the harness's scorer computes for a folder."""

    tasks: dict[str, TaskScore] = field(default_factory=dict)

    @property
    def score(self) -> float:
        """The sum of the tasks' scores (the harness prints it over the number of tasks)."""
        return sum(t.score for t in self.tasks.values())

    @property
    def cost(self) -> float:
        return sum(t.cost for t in self.tasks.values())

    @property
    def attempts(self) -> int:
        return sum(t.attempts for t in self.tasks.values())

    @property
    def output_tokens(self) -> int:
        return sum(t.output_tokens for t in self.tasks.values())

    @property
    def total_tokens(self) -> int:
        return sum(t.total_tokens for t in self.tasks.values())

    @property
    def duration(self) -> float:
        return sum(t.duration for t in self.tasks.values())


def _need(ok: bool, where: str, what: str) -> None:
    if not ok:
        raise HarnessRejects(f"{where}: {what}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _object(value: Any, where: str, keys: tuple[str, ...]) -> dict[str, Any]:
    """``value`` as an object holding every key in ``keys``."""
    _need(isinstance(value, dict), where, "is not an object")
    for key in keys:
        _need(key in value, where, f"has no {key!r}")
    assert isinstance(value, dict)
    return value


def _timestamp(value: Any, where: str) -> datetime:
    _need(isinstance(value, str), where, "is not a datetime string")
    try:
        return datetime.fromisoformat(value)
    except ValueError as e:
        raise HarnessRejects(f"{where}: {e}") from e


def _check_metadata(meta: Any, where: str) -> dict[str, Any]:
    meta = _object(
        meta,
        where,
        (
            "model",
            "provider",
            "start_timestamp",
            "end_timestamp",
            "choices",
            "kwargs",
            "usage",
            "cost",
        ),
    )
    for key in ("model", "provider"):
        _need(isinstance(meta[key], str), f"{where}.{key}", "is not a string")
    _need(isinstance(meta["choices"], list), f"{where}.choices", "is not a list")
    for i, choice in enumerate(meta["choices"]):
        choice = _object(choice, f"{where}.choices[{i}]", ("index", "message"))
        _need(_is_int(choice["index"]), f"{where}.choices[{i}].index", "is not an integer")
        message = _object(choice["message"], f"{where}.choices[{i}].message", ("role", "content"))
        for key in ("role", "content"):
            _need(isinstance(message[key], str), f"{where}.choices[{i}].message.{key}", "not str")
    _need(isinstance(meta["kwargs"], dict), f"{where}.kwargs", "is not an object")
    usage = _object(
        meta["usage"],
        f"{where}.usage",
        ("prompt_tokens", "completion_tokens", "total_tokens", "completion_tokens_details"),
    )
    for key in ("prompt_tokens", "completion_tokens", "total_tokens"):
        _need(_is_int(usage[key]), f"{where}.usage.{key}", "is not an integer")
    details = _object(
        usage["completion_tokens_details"],
        f"{where}.usage.completion_tokens_details",
        ("reasoning_tokens", "accepted_prediction_tokens", "rejected_prediction_tokens"),
    )
    for key in ("reasoning_tokens", "accepted_prediction_tokens", "rejected_prediction_tokens"):
        _need(_is_int(details[key]), f"{where}.usage.completion_tokens_details.{key}", "not int")
    cost = _object(meta["cost"], f"{where}.cost", ("prompt_cost", "completion_cost", "total_cost"))
    for key in ("prompt_cost", "completion_cost", "total_cost"):
        _need(_is_number(cost[key]), f"{where}.cost.{key}", "is not a number")
    reasoning = cost.get("reasoning_cost")
    _need(reasoning is None or _is_number(reasoning), f"{where}.cost.reasoning_cost", "bad")
    for key in ("task_id", "test_id"):
        _need(meta.get(key) is None or isinstance(meta[key], str), f"{where}.{key}", "not str")
    pair_index = meta.get("pair_index", 0)
    _need(pair_index is None or _is_int(pair_index), f"{where}.pair_index", "not an integer")
    return meta


def _check_answer(answer: Any, where: str) -> Grid:
    _need(isinstance(answer, list), where, "is not a list of rows")
    for row in answer:
        _need(isinstance(row, list) and all(_is_int(c) for c in row), where, "row not integers")
    assert isinstance(answer, list)
    return answer


def _attempts(item: Any, where: str) -> list[dict[str, Any] | None]:
    _need(isinstance(item, dict), where, "is not an object of attempts")
    assert isinstance(item, dict)
    out: list[dict[str, Any] | None] = []
    for key in sorted(k for k in item if k.startswith("attempt_")):
        attempt = item[key]
        if attempt is None:
            out.append(None)
            continue
        at = f"{where}.{key}"
        _need(isinstance(attempt, dict), at, "is not an object")
        _need("answer" in attempt and "metadata" in attempt, at, "needs answer and metadata")
        _check_answer(attempt["answer"], f"{at}.answer")
        _check_metadata(attempt["metadata"], f"{at}.metadata")
        correct = attempt.get("correct")
        _need(correct is None or isinstance(correct, bool), f"{at}.correct", "is not a bool")
        if attempt["answer"] == []:  # the scorer reads the last choice to warn about it
            _need(bool(attempt["metadata"]["choices"]), at, "empty answer without choices")
        out.append(attempt)
    return out


def score_task(items: Any, expected: list[Grid], where: str) -> TaskScore:
    """Check one task file's content and score it against the test outputs ``expected``."""
    _need(isinstance(items, list), where, "is not a list of test inputs")
    solved: set[int] = set()
    result = TaskScore(0.0, 0.0, 0, 0, 0, 0.0, 0)
    for position, item in enumerate(items):
        attempts = _attempts(item, f"{where}[{position}]")
        pair = position
        for attempt in attempts:
            if attempt is not None:
                index = attempt["metadata"].get("pair_index", 0)
                if index is not None and 0 <= index < len(expected):
                    pair = index
                    break
        if not 0 <= pair < len(expected):
            continue
        result.attempts += len(attempts)
        for attempt in attempts:
            if attempt is None:
                continue
            meta = attempt["metadata"]
            result.cost += meta["cost"]["total_cost"]
            result.output_tokens += meta["usage"]["completion_tokens"]
            result.total_tokens += meta["usage"]["total_tokens"]
            start = _timestamp(meta["start_timestamp"], f"{where}: start_timestamp")
            end = _timestamp(meta["end_timestamp"], f"{where}: end_timestamp")
            try:
                result.duration += (end - start).total_seconds()
            except TypeError as e:  # one aware and one naive datetime
                raise HarnessRejects(f"{where}: {e}") from e
            if attempt["answer"] == []:
                result.empty_answers += 1
            elif attempt["answer"] == expected[pair]:
                solved.add(pair)
    result.score = len(solved) / len(expected) if expected else 0.0
    return result


def score_folder(folder: Path, solutions: dict[str, list[Grid]]) -> Scored:
    """Score every task file of ``folder`` as the harness's scorer would.

    Args:
        folder: the export folder.
        solutions: test outputs by task id (the harness's task folder).

    Raises:
        HarnessRejects: a file the harness would refuse, or on which its scorer would crash
            (a ``*.json`` whose stem is no task of ``solutions`` is one).
    """
    scored = Scored()
    for path in sorted(folder.glob("*.json")):
        if path.name == "results.json":
            continue
        task_id = path.stem
        _need(task_id in solutions, path.name, "is no task with solutions (KeyError)")
        items = json.loads(path.read_text(encoding="utf-8"))
        scored.tasks[task_id] = score_task(items, solutions[task_id], path.name)
    return scored
