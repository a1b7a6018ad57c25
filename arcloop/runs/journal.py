"""The run's tables in ``journal.sqlite``: the run, its finished tasks, and every candidate.

The LLM layer keeps its ``calls`` table in the same file (namespace ``llm``); this module owns
namespace ``runs``. Column names are plain so the file reads well in ``sqlite3`` or Datasette::

    runs(id, created_utc, updated_utc, arcloop_version, dataset, dataset_hash, config_toml,
         status, stopped_by_budget)
    task_results(task_id, run_id, finished_utc, attempts, correct, score, cost_usd,
         prompt_tokens, completion_tokens, calls, replayed_calls, seconds, result)
    candidates(id, run_id, task_id, expert, iteration, model, prompt, call_id, code, error,
         train_outputs, test_outputs, feedback, train_score, passed, cost_usd, prompt_tokens,
         completion_tokens, latency_s, replayed)

JSON columns (``attempts``, ``correct``, ``result``, ``*_outputs``) hold JSON text; ``result``
is the whole task result as the report reads it, in this shape (grids are lists of lists)::

    {"task_id": str,
     "task": {"train": [{"input": grid, "output": grid}],
              "test": [{"input": grid, "output"?: grid}]},
     "attempts": [[grid, ...] per test input],        # up to two, best first
     "correct": [bool per test input] | null,         # null when the outputs are unknown
     "cost_usd": float, "prompt_tokens": int, "completion_tokens": int, "calls": int,
     "replayed_calls": int, "seconds": float,
     "experts": [{"expert": int, "model": str, "prompt": str, "seed": int,
                  "stop_reason": str,                 # solved | iterations | budget | error ...
                  "error": str | null, "best_iteration": int | null,
                  "iterations": [{"iteration": int, "call_id": int | null, "code": str | null,
                                  "error": str | null, "feedback": str | null,
                                  "train_score": float | null, "passed": bool,
                                  "train_outputs": [grid | null], "test_outputs": [grid | null],
                                  "prompt_tokens": int, "completion_tokens": int,
                                  "cost_usd": float, "latency_s": float, "replayed": bool}]}],
     "vote": [{"rank": int, "size": int, "passed": bool,
               "mean_score": float,                   # the best member's mean train score
               "members": [[expert, iteration], ...], "outputs": [grid | null per test input]}]}
 A task's rows are written in one transaction,
so a task is either finished with all its candidates or not finished at all.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from arcloop._sqlite import Migration, apply_migrations
from arcloop.errors import ConfigError

MIGRATIONS: list[Migration] = [
    (
        "0001_runs_tasks_candidates",
        """
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            created_utc TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
            updated_utc TEXT,
            arcloop_version TEXT NOT NULL,
            dataset TEXT NOT NULL,
            dataset_hash TEXT NOT NULL,
            config_toml TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'running',
            stopped_by_budget INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE task_results (
            task_id TEXT PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES runs(id),
            finished_utc TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
            attempts TEXT NOT NULL,
            correct TEXT,
            score REAL,
            cost_usd REAL NOT NULL,
            prompt_tokens INTEGER NOT NULL,
            completion_tokens INTEGER NOT NULL,
            calls INTEGER NOT NULL,
            replayed_calls INTEGER NOT NULL,
            seconds REAL NOT NULL,
            result TEXT NOT NULL
        );
        CREATE TABLE candidates (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES runs(id),
            task_id TEXT NOT NULL,
            expert INTEGER NOT NULL,
            iteration INTEGER NOT NULL,
            model TEXT NOT NULL,
            prompt TEXT,
            call_id INTEGER,
            code TEXT,
            error TEXT,
            train_outputs TEXT,
            test_outputs TEXT,
            feedback TEXT,
            train_score REAL,
            passed INTEGER NOT NULL,
            cost_usd REAL NOT NULL,
            prompt_tokens INTEGER NOT NULL,
            completion_tokens INTEGER NOT NULL,
            latency_s REAL NOT NULL,
            replayed INTEGER NOT NULL
        );
        CREATE INDEX candidates_task ON candidates(task_id, expert, iteration)
        """,
    ),
]


def migrate(conn: sqlite3.Connection) -> None:
    """Create or upgrade the run tables."""
    apply_migrations(conn, "runs", MIGRATIONS)


@dataclass(frozen=True, slots=True)
class RunRecord:
    """The stored identity of a run."""

    id: int
    dataset: str
    dataset_hash: str
    config_toml: str
    status: str
    stopped_by_budget: bool


def _run_row(row: sqlite3.Row) -> RunRecord:
    return RunRecord(
        id=row["id"],
        dataset=row["dataset"],
        dataset_hash=row["dataset_hash"],
        config_toml=row["config_toml"],
        status=row["status"],
        stopped_by_budget=bool(row["stopped_by_budget"]),
    )


def load_run(conn: sqlite3.Connection) -> RunRecord | None:
    """The run stored in this journal, or None for a new journal."""
    row = conn.execute("SELECT * FROM runs ORDER BY id LIMIT 1").fetchone()
    return None if row is None else _run_row(row)


def start_run(
    conn: sqlite3.Connection, *, version: str, dataset: str, dataset_hash: str, config_toml: str
) -> RunRecord:
    """Record a new run, or return the stored one after checking it is the same dataset.

    Raises:
        ConfigError: the journal belongs to a run on different data.
    """
    existing = load_run(conn)
    if existing is not None:
        if existing.dataset_hash != dataset_hash:
            raise ConfigError(
                f"this run was made on {existing.dataset} (sha256 {existing.dataset_hash[:16]});"
                f" the data now loaded has sha256 {dataset_hash[:16]}: start a new run directory"
            )
        conn.execute(
            "UPDATE runs SET status = 'running', updated_utc = strftime('%Y-%m-%dT%H:%M:%fZ','now')"
            " WHERE id = ?",
            (existing.id,),
        )
        return existing
    cur = conn.execute(
        "INSERT INTO runs (arcloop_version, dataset, dataset_hash, config_toml) VALUES (?,?,?,?)",
        (version, dataset, dataset_hash, config_toml),
    )
    row = conn.execute("SELECT * FROM runs WHERE id = ?", (cur.lastrowid,)).fetchone()
    return _run_row(row)


def finish_run(
    conn: sqlite3.Connection, run_id: int, *, status: str, stopped_by_budget: bool
) -> None:
    """Record how the run (or this leg of it) ended: finished, interrupted, stopped, failed."""
    conn.execute(
        "UPDATE runs SET status = ?, stopped_by_budget = ?,"
        " updated_utc = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?",
        (status, int(stopped_by_budget), run_id),
    )


@dataclass(frozen=True, slots=True)
class CandidateRow:
    """One candidate program, flattened for the ``candidates`` table."""

    expert: int
    iteration: int
    model: str
    prompt: str | None
    call_id: int | None
    code: str | None
    error: str | None
    train_outputs: Any
    test_outputs: Any
    feedback: str | None
    train_score: float | None
    passed: bool
    cost_usd: float
    prompt_tokens: int
    completion_tokens: int
    latency_s: float
    replayed: bool


@dataclass(frozen=True, slots=True)
class TaskRow:
    """One finished task, flattened for ``task_results`` (plus its candidates)."""

    task_id: str
    attempts: Any
    correct: list[bool] | None
    score: float | None
    cost_usd: float
    prompt_tokens: int
    completion_tokens: int
    calls: int
    replayed_calls: int
    seconds: float
    result: Any
    candidates: Sequence[CandidateRow]


def _dump(obj: Any) -> str | None:
    return None if obj is None else json.dumps(obj, separators=(",", ":"))


def record_task(conn: sqlite3.Connection, run_id: int, row: TaskRow) -> None:
    """Write a finished task and all its candidates in one transaction."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("DELETE FROM candidates WHERE task_id = ?", (row.task_id,))
        conn.executemany(
            "INSERT INTO candidates (run_id, task_id, expert, iteration, model, prompt, call_id,"
            " code, error, train_outputs, test_outputs, feedback, train_score, passed, cost_usd,"
            " prompt_tokens, completion_tokens, latency_s, replayed)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    run_id,
                    row.task_id,
                    c.expert,
                    c.iteration,
                    c.model,
                    c.prompt,
                    c.call_id,
                    c.code,
                    c.error,
                    _dump(c.train_outputs),
                    _dump(c.test_outputs),
                    c.feedback,
                    c.train_score,
                    int(c.passed),
                    c.cost_usd,
                    c.prompt_tokens,
                    c.completion_tokens,
                    c.latency_s,
                    int(c.replayed),
                )
                for c in row.candidates
            ],
        )
        conn.execute(
            "INSERT OR REPLACE INTO task_results (task_id, run_id, attempts, correct, score,"
            " cost_usd, prompt_tokens, completion_tokens, calls, replayed_calls, seconds, result)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                row.task_id,
                run_id,
                _dump(row.attempts),
                _dump(row.correct),
                row.score,
                row.cost_usd,
                row.prompt_tokens,
                row.completion_tokens,
                row.calls,
                row.replayed_calls,
                row.seconds,
                _dump(row.result),
            ),
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


@dataclass(frozen=True, slots=True)
class StoredTask:
    """A finished task as read back from the journal."""

    task_id: str
    attempts: list[list[Any]]
    correct: list[bool] | None
    score: float | None
    cost_usd: float
    prompt_tokens: int
    completion_tokens: int
    calls: int
    replayed_calls: int
    seconds: float
    finished_utc: str
    result: dict[str, Any]


def finished_tasks(conn: sqlite3.Connection) -> Iterator[StoredTask]:
    """Every finished task, in the order they finished."""
    for r in conn.execute("SELECT * FROM task_results ORDER BY finished_utc, rowid"):
        yield StoredTask(
            task_id=r["task_id"],
            attempts=json.loads(r["attempts"]),
            correct=None if r["correct"] is None else json.loads(r["correct"]),
            score=r["score"],
            cost_usd=r["cost_usd"],
            prompt_tokens=r["prompt_tokens"],
            completion_tokens=r["completion_tokens"],
            calls=r["calls"],
            replayed_calls=r["replayed_calls"],
            seconds=r["seconds"],
            finished_utc=r["finished_utc"],
            result=json.loads(r["result"]),
        )


RESULT_FIELDS = (
    "attempts",
    "correct",
    "score",
    "cost_usd",
    "prompt_tokens",
    "completion_tokens",
    "calls",
    "replayed_calls",
    "seconds",
)


def results_line(task: TaskRow | StoredTask) -> dict[str, Any]:
    """A finished task's line in ``results.jsonl``."""
    return {"id": task.task_id, **{key: getattr(task, key) for key in RESULT_FIELDS}}


def candidates_of(conn: sqlite3.Connection, task_id: str) -> list[dict[str, Any]]:
    """The candidates of one task, ordered by expert and iteration, JSON columns decoded."""
    rows = conn.execute(
        "SELECT * FROM candidates WHERE task_id = ? ORDER BY expert, iteration", (task_id,)
    )
    out = []
    for r in rows:
        d = dict(r)
        for key in ("train_outputs", "test_outputs"):
            d[key] = None if d[key] is None else json.loads(d[key])
        d["passed"] = bool(d["passed"])
        d["replayed"] = bool(d["replayed"])
        out.append(d)
    return out
