"""The stored result of one finished task: one typed, versioned schema.

``TaskRecord`` is what the runner writes to ``task_results.result`` in ``journal.sqlite`` (as
JSON), and what the report, the export and ``results.jsonl`` read back, through the same
classes. Its shape, version 3 (grids are lists of rows of colours 0-9)::

    {"version": 3, "task_id": str,
     "task": {"train": [{"input": grid, "output": grid}],
              "test": [{"input": grid, "output": grid | null}]},   # null: output unknown
     "attempts": [[grid, ...] per test input],        # up to two, best first
     "correct": [bool per test input] | null,         # null when the outputs are unknown
     "score": float | null,                           # share of test outputs solved
     "usage": usage, "calls": int, "replayed_calls": int, "seconds": float,
     "started_utc": str, "finished_utc": str,
     "experts": [{"expert": int, "model": str, "prompt": str, "seed": int,
                  "stop": "solved" | "iterations" | "budget" | "provider_error" | "no_programs"
                          | "settled",
                  "error": str | null,
                  "chosen": int | null,               # the iteration offered to the vote
                  "iterations": [{"iteration": int, "call_id": int | null,
                                  "program_name": str | null, "code": str | null,
                                  "extraction_error": str | null, "feedback": str | null,
                                  "train_score": float | null, "passed": bool,
                                  "train_outputs": [grid | null], "test_outputs": [grid | null],
                                  "usage": usage, "replayed": bool}]}],
     "vote": [{"rank": int,                           # from 1
               "size": int, "passed": bool,
               "best_score": float,                   # the best member's train score
               "members": [[expert, iteration], ...], "outputs": [grid | null per test input]}]}

    usage = {"prompt_tokens": int, "cached_tokens": int, "completion_tokens": int,
             "reasoning_tokens": int, "cost_usd": float, "latency_s": float}

Version 3 adds the stop reason ``"settled"`` (the ensemble's vote settled while the expert
ran) to version 2, which it reads unchanged (``upgrade_v2``).

``parse_record`` reads a stored row: a row of an older version is upgraded first
(``arcloop.runs.record_v1``, then ``upgrade_v2``), and a row that does not match the schema,
or comes from a newer arcloop, is a ``JournalError`` that names the run directory and the task.

Not here: building a record from the solver's result (``results``) or SQL (``journal``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from arcloop.errors import JournalError
from arcloop.llm.types import Usage
from arcloop.solver.results import StopReason

RESULT_VERSION = 3
"""The version ``TaskRecord`` writes. Version 1 (no ``version`` key) was written up to
arcloop 0.1.0 at commit e52a204; ``record_v1`` upgrades it. Version 2 was written until the
vote could settle early (issue 17); ``upgrade_v2`` upgrades it."""

GridJson = list[list[int]]
"""A grid as stored: rows of colours."""


class _Stored(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class PairRecord(_Stored):
    """One train or test pair of the task (a test pair's output may be unknown)."""

    input: GridJson
    output: GridJson | None = None


class TaskGrids(_Stored):
    """The task as it was solved: its train pairs, and its test pairs with known outputs."""

    train: list[PairRecord]
    test: list[PairRecord]


class IterationRecord(_Stored):
    """One candidate program of one expert (a row of the ``candidates`` table, too)."""

    iteration: int
    call_id: int | None
    program_name: str | None
    code: str | None
    extraction_error: str | None
    feedback: str | None
    train_score: float | None
    passed: bool
    train_outputs: list[GridJson | None]
    test_outputs: list[GridJson | None]
    usage: Usage
    replayed: bool


class ExpertRecord(_Stored):
    """Everything one expert did on the task."""

    expert: int
    model: str
    prompt: str
    seed: int
    stop: StopReason
    error: str | None
    chosen: int | None
    iterations: list[IterationRecord]

    @property
    def chosen_iteration(self) -> IterationRecord | None:
        """The iteration the expert offered to the vote."""
        return next((it for it in self.iterations if it.iteration == self.chosen), None)


class VoteRecord(_Stored):
    """One vote group: experts whose chosen programs gave the same test outputs."""

    rank: int
    size: int
    passed: bool
    best_score: float
    members: list[tuple[int, int]]
    outputs: list[GridJson | None]


class TaskRecord(_Stored):
    """One finished task, as stored (see the module docstring for the shape)."""

    version: Literal[3] = 3
    task_id: str
    task: TaskGrids
    attempts: list[list[GridJson]]
    correct: list[bool] | None
    score: float | None
    usage: Usage
    calls: int
    replayed_calls: int
    seconds: float
    started_utc: str
    finished_utc: str
    experts: list[ExpertRecord]
    vote: list[VoteRecord]

    def to_json(self) -> str:
        """The record as compact JSON text (what ``task_results.result`` holds)."""
        return self.model_dump_json()

    def results_line(self) -> dict[str, Any]:
        """The task's line in ``results.jsonl``."""
        u = self.usage
        return {
            "id": self.task_id,
            "attempts": self.attempts,
            "correct": self.correct,
            "score": self.score,
            "cost_usd": u.cost_usd,
            "prompt_tokens": u.prompt_tokens,
            "cached_tokens": u.cached_tokens,
            "completion_tokens": u.completion_tokens,
            "reasoning_tokens": u.reasoning_tokens,
            "calls": self.calls,
            "replayed_calls": self.replayed_calls,
            "seconds": self.seconds,
        }

    def expert(self, index: int) -> ExpertRecord | None:
        """The expert with this number, if it worked on the task."""
        return next((e for e in self.experts if e.expert == index), None)

    def iteration(self, expert: int, iteration: int) -> IterationRecord | None:
        """One iteration of one expert, if it exists."""
        found = self.expert(expert)
        if found is None:
            return None
        return next((it for it in found.iterations if it.iteration == iteration), None)


Upgrade = Callable[[dict[str, Any]], dict[str, Any]]
"""Turns a stored record of one version into the next version's shape."""


def upgrade_v2(data: dict[str, Any]) -> dict[str, Any]:
    """A version 2 record as version 3: the same keys (version 3 only allows one more stop
    reason)."""
    return {**data, "version": 3}


def parse_record(
    text: str, *, where: str, upgrades: Mapping[int, Upgrade] | None = None
) -> TaskRecord:
    """Read a stored ``task_results.result``, upgrading an older version first.

    Args:
        text: the stored JSON text.
        where: the run directory (or journal) it comes from, for error messages.
        upgrades: from version N to N + 1, for each older version this row may have.

    Raises:
        JournalError: the text is not JSON, comes from a newer arcloop, or does not match
            the schema; the message names ``where`` and the task.
    """
    try:
        return TaskRecord.model_validate_json(text)  # the current version: one parse
    except ValidationError as e:
        invalid = e
    try:
        data = json.loads(text)
    except ValueError as e:
        raise JournalError(f"{where}: a stored task result is not JSON: {e}") from e
    if not isinstance(data, dict):
        raise JournalError(f"{where}: a stored task result is not a JSON object")
    task = f"task {data.get('task_id')!r}"
    version = data.get("version", 1)
    if not isinstance(version, int) or version > RESULT_VERSION:
        raise JournalError(
            f"{where}: {task}: stored result version {version!r} is newer than this arcloop"
            f" reads ({RESULT_VERSION}); upgrade arcloop"
        )
    if version < RESULT_VERSION:
        steps = upgrades or {}
        while version < RESULT_VERSION:
            if version not in steps:
                raise JournalError(f"{where}: {task}: cannot upgrade a version {version} result")
            try:
                data = steps[version](data)
            except (KeyError, TypeError, ValueError, AttributeError, IndexError) as e:
                raise JournalError(
                    f"{where}: {task}: stored result version {version} is malformed ({e!r})"
                ) from e
            version += 1
        try:
            return TaskRecord.model_validate_json(json.dumps(data))
        except ValidationError as e:
            invalid = e
    raise JournalError(
        f"{where}: {task}: stored result does not match schema version {RESULT_VERSION}:"
        f" {mismatch(invalid)}"
    ) from invalid


def mismatch(error: ValidationError) -> str:
    """The first place a stored value breaks the schema, and how (for one-line errors)."""
    first = error.errors()[0]
    place = ".".join(str(p) for p in first["loc"]) or "(top)"
    more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"{place}: {first['msg']}{more}"
