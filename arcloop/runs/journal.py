"""The run's tables in ``journal.sqlite``: the run, its finished tasks, and every candidate.

The LLM layer keeps its ``calls`` table in the same file (namespace ``llm``); this module owns
namespace ``runs``. Column names are plain so the file reads well in ``sqlite3`` or Datasette::

    runs(id, created_utc, updated_utc, arcloop_version, dataset, dataset_hash, config_toml,
         status, stopped_by_budget)
    task_results(task_id, run_id, finished_utc, attempts, correct, score, cost_usd,
         prompt_tokens, completion_tokens, calls, replayed_calls, seconds, result,
         cached_tokens, reasoning_tokens)
    candidates(id, run_id, task_id, expert, iteration, model, prompt, call_id, code, error,
         train_outputs, test_outputs, feedback, train_score, passed, cost_usd, prompt_tokens,
         completion_tokens, latency_s, replayed, cached_tokens, reasoning_tokens)

``task_results.result`` holds the whole ``TaskRecord`` as JSON (``arcloop.runs.record``: the
one schema, versioned); the other columns repeat parts of it for SQL (``candidates.error`` is
an iteration's ``extraction_error``). JSON columns (``attempts``, ``correct``, ``result``,
``*_outputs``) hold JSON text. A task's rows are written in one transaction, so a task is
either finished with all its candidates or not finished at all.

Migrations: ``0001`` created the tables; ``0002`` adds the cached and reasoning token columns
(filled from the journaled calls) and rewrites every stored result of version 1 as version 2;
``0003`` adds ``legs`` and ``provider_failures`` (``arcloop.runs.legs``).
A journal that was never migrated (an older run opened by the report) is upgraded in memory
as it is read, never written.

Not here: the schema itself (``record``), or the ``calls`` table (``arcloop.llm.journal``).
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from arcloop._sqlite import Migration, apply_migrations, database_file, has_table, transaction
from arcloop.errors import ConfigError
from arcloop.runs import record_v1
from arcloop.runs.record import TaskRecord, parse_record, upgrade_v2


def _usage_columns_result_v2(conn: sqlite3.Connection) -> None:
    """Migration 0002: cached and reasoning token columns; every result as version 2."""
    for table in ("task_results", "candidates"):
        for column in ("cached_tokens", "reasoning_tokens"):
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} INTEGER NOT NULL DEFAULT 0")
    if has_table(conn, "calls"):
        conn.execute(
            "UPDATE candidates SET"
            " cached_tokens = coalesce((SELECT cached_tokens FROM calls"
            " WHERE calls.id = candidates.call_id), 0),"
            " reasoning_tokens = coalesce((SELECT reasoning_tokens FROM calls"
            " WHERE calls.id = candidates.call_id), 0)"
            " WHERE call_id IS NOT NULL"
        )
    for record in finished_tasks(conn):
        conn.execute(
            "UPDATE task_results SET result = ?, cached_tokens = ?, reasoning_tokens = ?"
            " WHERE task_id = ?",
            (
                record.to_json(),
                record.usage.cached_tokens,
                record.usage.reasoning_tokens,
                record.task_id,
            ),
        )


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
    ("0002_usage_columns_result_v2", _usage_columns_result_v2),
    (
        "0003_legs_provider_failures",
        """
        CREATE TABLE legs (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES runs(id),
            started_utc TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
            ended_utc TEXT,
            status TEXT NOT NULL DEFAULT 'running',
            seconds REAL NOT NULL DEFAULT 0,
            tasks_finished INTEGER NOT NULL DEFAULT 0,
            config_toml TEXT NOT NULL
        );
        CREATE TABLE provider_failures (
            task_id TEXT PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES runs(id),
            leg_id INTEGER REFERENCES legs(id),
            failed_utc TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
            cause TEXT NOT NULL,
            seconds REAL NOT NULL,
            result TEXT NOT NULL
        )
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
    conn: sqlite3.Connection,
    *,
    version: str,
    dataset: str,
    dataset_hash: str,
    config_toml: str,
    earlier_hash: Callable[[], str] | None = None,
) -> RunRecord:
    """Record a new run, or return the stored one after checking it is the same dataset.

    ``earlier_hash`` gives another name of the same data (the hash as an earlier arcloop
    computed it), asked for only when the stored hash differs; a run recorded with it resumes
    and keeps its stored hash.

    Raises:
        ConfigError: the journal belongs to a run on different data.
    """
    existing = load_run(conn)
    if existing is not None:
        same = existing.dataset_hash == dataset_hash or (
            earlier_hash is not None and existing.dataset_hash == earlier_hash()
        )
        if not same:
            raise ConfigError(
                f"this run was made on {existing.dataset} (sha256 {existing.dataset_hash[:16]});"
                f" the data now loaded has sha256 {dataset_hash[:16]}: start a new run directory"
            )
        # The journal holds the settings of the latest leg (a resume may change how it runs).
        conn.execute(
            "UPDATE runs SET status = 'running', config_toml = ?,"
            " updated_utc = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?",
            (config_toml, existing.id),
        )
        return replace(existing, config_toml=config_toml)
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
    with transaction(conn):
        conn.execute(
            "UPDATE runs SET status = ?, stopped_by_budget = ?,"
            " updated_utc = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?",
            (status, int(stopped_by_budget), run_id),
        )


def _dump(obj: Any) -> str | None:
    return None if obj is None else json.dumps(obj, separators=(",", ":"))


def _candidate_rows(run_id: int, record: TaskRecord) -> Iterator[tuple[Any, ...]]:
    for e in record.experts:
        for it in e.iterations:
            u = it.usage
            yield (
                run_id,
                record.task_id,
                e.expert,
                it.iteration,
                e.model,
                e.prompt or None,
                it.call_id,
                it.code,
                it.extraction_error,
                _dump(it.train_outputs),
                _dump(it.test_outputs),
                it.feedback,
                it.train_score,
                int(it.passed),
                u.cost_usd,
                u.prompt_tokens,
                u.cached_tokens,
                u.completion_tokens,
                u.reasoning_tokens,
                u.latency_s,
                int(it.replayed),
            )


def record_task(conn: sqlite3.Connection, run_id: int, record: TaskRecord) -> None:
    """Write a finished task and all its candidates in one transaction."""
    u = record.usage
    with transaction(conn):
        conn.execute("DELETE FROM candidates WHERE task_id = ?", (record.task_id,))
        conn.execute("DELETE FROM provider_failures WHERE task_id = ?", (record.task_id,))
        conn.executemany(
            "INSERT INTO candidates (run_id, task_id, expert, iteration, model, prompt, call_id,"
            " code, error, train_outputs, test_outputs, feedback, train_score, passed, cost_usd,"
            " prompt_tokens, cached_tokens, completion_tokens, reasoning_tokens, latency_s,"
            " replayed) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            _candidate_rows(run_id, record),
        )
        conn.execute(
            "INSERT OR REPLACE INTO task_results (task_id, run_id, finished_utc, attempts,"
            " correct, score, cost_usd, prompt_tokens, cached_tokens, completion_tokens,"
            " reasoning_tokens, calls, replayed_calls, seconds, result)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                record.task_id,
                run_id,
                record.finished_utc,
                _dump(record.attempts),
                _dump(record.correct),
                record.score,
                u.cost_usd,
                u.prompt_tokens,
                u.cached_tokens,
                u.completion_tokens,
                u.reasoning_tokens,
                record.calls,
                record.replayed_calls,
                record.seconds,
                record.to_json(),
            ),
        )


def _call_tokens(conn: sqlite3.Connection) -> dict[int, tuple[int, int]]:
    if not has_table(conn, "calls"):
        return {}
    rows = conn.execute("SELECT id, cached_tokens, reasoning_tokens FROM calls")
    return {r[0]: (r[1], r[2]) for r in rows}


def _run_dir(conn: sqlite3.Connection) -> str:
    """The run directory of a journal connection (for messages), or ``"journal"`` in memory."""
    path = database_file(conn)
    return "journal" if path is None else str(path.parent)


def finished_tasks(conn: sqlite3.Connection) -> Iterator[TaskRecord]:
    """Every finished task, in the order they finished, as the current ``TaskRecord``.

    Results stored by an older arcloop are upgraded as they are read (nothing is written).

    Raises:
        JournalError: a stored result is malformed, or from a newer arcloop; the message
            names the run directory and the task.
    """
    where = _run_dir(conn)
    call_tokens = functools.cache(lambda: _call_tokens(conn))  # read once, if a row needs it
    rows = conn.execute(
        "SELECT finished_utc, result FROM task_results ORDER BY finished_utc, rowid"
    )
    for finished_utc, text in rows.fetchall():  # all first: the migration rewrites the rows

        def v1(data: dict[str, Any], finished_utc: str = finished_utc) -> dict[str, Any]:
            return record_v1.upgrade(data, finished_utc=finished_utc, calls=call_tokens())

        yield parse_record(text, where=where, upgrades={1: v1, 2: upgrade_v2})


def finished_count(conn: sqlite3.Connection) -> int:
    """How many tasks have finished, without parsing their records (for a list of runs)."""
    return int(conn.execute("SELECT count(*) FROM task_results").fetchone()[0])


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
