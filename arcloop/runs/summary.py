"""``summary.json``: what a run (or its last leg) came to, in one typed, versioned schema.

The runner writes a ``RunSummary`` at the end of every leg (``summarize``); the CLI prints it
and the report reads it back with ``read_summary``, through the same class. Version 2 adds a
``version`` key to version 1 (arcloop up to commit e52a204, no ``version``), whose keys it
keeps as they were, flat, for the scripts that read them; version 3 adds the tasks a provider
failed (with their causes), the number of legs and what this leg finished, and counts
``elapsed_s`` over every leg; version 4 adds the cached prompt tokens, and the calls, tokens and
cost of each model (``models``, by model string)::

    {"version": 4, "dataset": str, "dataset_hash": str, "tasks": int, "tasks_done": int,
     "score_per_task": float | null, "score_per_output": float | null,
     "solved_outputs": int | null, "outputs": int, "cost_usd": float, "calls": int,
     "replayed_calls": int, "requests": int, "prompt_tokens": int, "cached_tokens": int,
     "completion_tokens": int, "rate_limited": int,
     "errors": {error class: count}, "elapsed_s": float, "stopped_by_budget": bool,
     "provider_failed_tasks": int, "status": str, "run_dir": str,
     "provider_failures": [{"task_id": str, "cause": str}], "legs": int,
     "leg_tasks_finished": int,
     "models": {model: {"calls": int, "prompt_tokens": int, "cached_tokens": int,
                        "completion_tokens": int, "cost_usd": float}}}

Not here: the per-task results (``record``), printing the summary (the CLI).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from arcloop._io import write_json_atomic
from arcloop.arc.dataset import Dataset
from arcloop.arc.submission import Score
from arcloop.errors import JournalError
from arcloop.llm.stats import GatewayStats
from arcloop.runs.record import TaskRecord, mismatch

SUMMARY = "summary.json"
SUMMARY_VERSION = 4


class FailureLine(BaseModel):
    """A task a provider failed, and why (it is retried by the next leg)."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    task_id: str
    cause: str


class ModelLine(BaseModel):
    """What one model's answered calls of the run consumed (replays counted at $0)."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    calls: int
    prompt_tokens: int
    cached_tokens: int
    completion_tokens: int
    cost_usd: float

    @property
    def cached_share(self) -> float | None:
        """The share of prompt tokens read from the provider's cache (None with none)."""
        return self.cached_tokens / self.prompt_tokens if self.prompt_tokens else None


class RunSummary(BaseModel):
    """What ``summary.json`` holds; ``status`` says how this leg of the run ended."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    version: Literal[4] = 4
    dataset: str
    dataset_hash: str
    tasks: int
    tasks_done: int
    score_per_task: float | None
    score_per_output: float | None
    solved_outputs: int | None
    outputs: int
    cost_usd: float
    calls: int
    replayed_calls: int
    requests: int
    prompt_tokens: int
    completion_tokens: int
    rate_limited: int
    errors: dict[str, int]
    elapsed_s: float
    stopped_by_budget: bool
    provider_failed_tasks: int
    status: str
    run_dir: str
    provider_failures: list[FailureLine] = []
    legs: int = 1
    leg_tasks_finished: int = 0
    cached_tokens: int = 0
    models: dict[str, ModelLine] = {}

    @property
    def cached_share(self) -> float | None:
        """The share of prompt tokens read from the provider's cache (None with none)."""
        return self.cached_tokens / self.prompt_tokens if self.prompt_tokens else None

    def to_json(self) -> dict[str, Any]:
        """The summary as ``summary.json`` holds it."""
        return self.model_dump(mode="json")


def summarize(
    conn: sqlite3.Connection,
    *,
    dataset: Dataset,
    tasks: Iterable[TaskRecord],
    score: Score | None,
    stats: GatewayStats,
    elapsed_s: float,
    stopped_by_budget: bool,
    status: str,
    run_dir: Path,
    failures: Sequence[tuple[str, str]] = (),
    legs: int = 1,
    leg_tasks_finished: int = 0,
) -> RunSummary:
    """The summary of a run from its journal (calls, finished ``tasks``, the tasks a provider
    failed as ``(task id, cause)``) and live counters; ``elapsed_s`` is over every leg."""
    done = [t for t in tasks if t.task_id in dataset.by_id]
    failed = [FailureLine(task_id=t, cause=c) for t, c in failures if t in dataset.by_id]
    calls = conn.execute(
        "SELECT count(response), coalesce(sum(cost_usd), 0), coalesce(sum(prompt_tokens), 0),"
        " coalesce(sum(completion_tokens), 0), coalesce(sum(rate_limited), 0),"
        " coalesce(sum(cached_tokens), 0) FROM calls"
    ).fetchone()
    models = {
        r[0]: ModelLine(
            calls=int(r[1]),
            prompt_tokens=int(r[2]),
            cached_tokens=int(r[3]),
            completion_tokens=int(r[4]),
            cost_usd=round(float(r[5]), 10),
        )
        for r in conn.execute(
            "SELECT model, count(response), coalesce(sum(prompt_tokens), 0),"
            " coalesce(sum(cached_tokens), 0), coalesce(sum(completion_tokens), 0),"
            " coalesce(sum(cost_usd), 0) FROM calls WHERE response IS NOT NULL"
            " GROUP BY model ORDER BY model"
        )
    }
    errors = {
        r[0]: r[1]
        for r in conn.execute(
            "SELECT error_class, count(*) FROM calls WHERE error_class IS NOT NULL"
            " GROUP BY error_class ORDER BY error_class"
        )
    }
    return RunSummary(
        dataset=dataset.name,
        dataset_hash=dataset.hash,
        tasks=len(dataset.tasks),
        tasks_done=len({t.task_id for t in done}),
        score_per_task=score.score_per_task if score else None,
        score_per_output=score.score_per_output if score else None,
        solved_outputs=score.solved_outputs if score else None,
        outputs=dataset.test_output_count,
        cost_usd=round(float(calls[1]), 10),
        calls=int(calls[0]),
        replayed_calls=stats.replayed_calls,
        requests=stats.requests,
        prompt_tokens=int(calls[2]),
        completion_tokens=int(calls[3]),
        rate_limited=max(int(calls[4]), stats.rate_limited),
        errors=errors,
        elapsed_s=round(elapsed_s, 3),
        stopped_by_budget=stopped_by_budget,
        provider_failed_tasks=len(failed),
        status=status,
        run_dir=str(run_dir),
        provider_failures=failed,
        legs=legs,
        leg_tasks_finished=leg_tasks_finished,
        cached_tokens=int(calls[5]),
        models=models,
    )


def write_summary(run_dir: Path, summary: RunSummary) -> None:
    """Replace ``run_dir/summary.json`` atomically."""
    write_json_atomic(run_dir / SUMMARY, summary.to_json(), indent=2)


def read_summary(run_dir: Path) -> RunSummary | None:
    """``run_dir/summary.json``, or None when the run has not written one (yet).

    Raises:
        JournalError: the file is unreadable, from a newer arcloop, or does not match the
            schema; the message names the run directory.
    """
    path = Path(run_dir) / SUMMARY
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise JournalError(f"{run_dir}: {SUMMARY} is unreadable: {e}") from e
    if isinstance(data, dict):
        version = data.setdefault("version", 1)
        if isinstance(version, int) and version > SUMMARY_VERSION:
            raise JournalError(
                f"{run_dir}: {SUMMARY} is version {version}, newer than this arcloop reads"
                f" ({SUMMARY_VERSION}); upgrade arcloop"
            )
        if version in (1, 2, 3):  # 2 only added the key; 3 and 4 add keys with defaults
            data["version"] = SUMMARY_VERSION
    try:
        return RunSummary.model_validate_json(json.dumps(data))
    except ValidationError as e:
        raise JournalError(
            f"{run_dir}: {SUMMARY} does not match schema version {SUMMARY_VERSION}: {mismatch(e)}"
        ) from e
