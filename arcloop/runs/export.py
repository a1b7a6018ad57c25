"""Export a run to other tools' formats.

``benchmarking``: the layout of the ARC Prize benchmarking harness — one ``<task id>.json``
per task holding, per test input, ``attempt_1`` and ``attempt_2`` objects with ``answer``,
``correct`` and ``metadata`` (model, provider, timestamps, ``usage`` and ``cost``). That
harness sums cost over every attempt, so a task's tokens and dollars are spread evenly over its
attempts: the totals it computes equal arcloop's.

Not here: reading the harness's files back (arcloop's own journal is the record).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from arcloop._io import write_json_atomic
from arcloop._sqlite import connect
from arcloop.arc.grid import PLACEHOLDER
from arcloop.errors import ConfigError, JournalError
from arcloop.runs.journal import finished_tasks, load_run
from arcloop.runs.record import TaskRecord

FORMATS = ("benchmarking",)


def _provider(model: str) -> str:
    return model.split("/", 1)[0] if "/" in model else model


def _winning_models(task: TaskRecord) -> list[str]:
    experts = {e.expert: e.model for e in task.experts}
    if task.vote:
        models = sorted({experts[m] for m, _ in task.vote[0].members if m in experts})
        if models:
            return models
    return sorted(set(experts.values())) or ["none"]


def _attempt_metadata(task: TaskRecord, *, pair_index: int, share: int) -> dict[str, Any]:
    models = _winning_models(task)
    u = task.usage
    prompt = u.prompt_tokens / share
    completion = u.completion_tokens / share
    cost = u.cost_usd / share
    return {
        "model": "+".join(models),
        "provider": "+".join(sorted({_provider(m) for m in models})),
        "start_timestamp": task.started_utc,
        "end_timestamp": task.finished_utc,
        "choices": [],
        "kwargs": {},
        "usage": {
            "prompt_tokens": round(prompt),
            "completion_tokens": round(completion),
            "total_tokens": round(prompt + completion),
            "completion_tokens_details": {
                "reasoning_tokens": round(u.reasoning_tokens / share),
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        },
        "cost": {
            "prompt_cost": 0.0,
            "completion_cost": cost,
            "reasoning_cost": None,
            "total_cost": cost,
        },
        "task_id": task.task_id,
        "pair_index": pair_index,
        "test_id": None,
    }


def benchmarking_entries(task: TaskRecord) -> list[dict[str, Any]]:
    """One task in the benchmarking harness's shape (a list, one entry per test input)."""
    share = max(1, 2 * len(task.attempts))
    entries = []
    for i, grids in enumerate(task.attempts):
        expected = task.task.test[i].output if i < len(task.task.test) else None
        entry = {}
        for k in range(2):
            answer = grids[k] if k < len(grids) else [list(r) for r in PLACEHOLDER]
            known = task.correct is not None and k < len(grids) and expected is not None
            entry[f"attempt_{k + 1}"] = {
                "answer": answer,
                "correct": expected == answer if known else None,
                "metadata": _attempt_metadata(task, pair_index=i, share=share),
            }
        entries.append(entry)
    return entries


def export_run(run_dir: str | Path, *, fmt: str, out: str | Path) -> int:
    """Write the finished tasks of the run in ``run_dir`` to ``out`` in format ``fmt``.

    Returns:
        The number of task files written.

    Raises:
        ConfigError: unknown format, or ``run_dir`` holds no run.
    """
    if fmt not in FORMATS:
        raise ConfigError(f"unknown export format {fmt!r} (known: {', '.join(FORMATS)})")
    journal = Path(run_dir) / "journal.sqlite"
    if not journal.is_file():
        raise ConfigError(f"{run_dir}: no run here (no journal.sqlite)")
    conn = connect(journal)
    try:
        if load_run(conn) is None:
            raise ConfigError(f"{run_dir}: the journal holds no run")
        out_dir = Path(out)
        out_dir.mkdir(parents=True, exist_ok=True)
        count = 0
        for task in finished_tasks(conn):
            write_json_atomic(out_dir / f"{task.task_id}.json", benchmarking_entries(task))
            count += 1
        return count
    except sqlite3.DatabaseError as e:
        raise JournalError(f"{journal}: {e}") from e
    finally:
        conn.close()
