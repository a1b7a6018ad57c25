"""The legs of a run, and the tasks a provider failed: two tables of ``journal.sqlite``.

A run is made in legs: the first ``arcloop run``, then each resume. Each leg is a row of
``legs`` (its settings, how it ended, its seconds), so a run's time is the sum of its legs'.

A task whose experts ended on a provider error (not a budget, not a refused key) is not
finished: its attempt is kept in ``provider_failures`` (the cause, its seconds, the task record
for the report) and the task is tried again by the next leg, replaying every answer already
journaled. When it finishes, its row goes, in the same transaction as its result::

    legs(id, run_id, started_utc, ended_utc, status, seconds, tasks_finished, config_toml)
    provider_failures(task_id, run_id, leg_id, failed_utc, cause, seconds, result)

Not here: the finished tasks (``journal``), the schema of the stored task (``record``).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from arcloop._sqlite import transaction
from arcloop.runs.record import TaskRecord, parse_record, upgrade_v2


def start_leg(conn: sqlite3.Connection, run_id: int, *, config_toml: str) -> int:
    """Record that a leg of the run starts now; its id."""
    with transaction(conn):
        cursor = conn.execute(
            "INSERT INTO legs (run_id, config_toml) VALUES (?, ?)", (run_id, config_toml)
        )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def end_leg(
    conn: sqlite3.Connection, leg_id: int, *, status: str, seconds: float, tasks_finished: int
) -> None:
    """Record how a leg ended."""
    with transaction(conn):
        conn.execute(
            "UPDATE legs SET status = ?, seconds = ?, tasks_finished = ?,"
            " ended_utc = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?",
            (status, seconds, tasks_finished, leg_id),
        )


def earlier_seconds(conn: sqlite3.Connection, leg_id: int) -> float:
    """The seconds of the run's legs before ``leg_id`` (a run's time is all its legs')."""
    row = conn.execute("SELECT coalesce(sum(seconds), 0) FROM legs WHERE id < ?", (leg_id,))
    return float(row.fetchone()[0])


def leg_count(conn: sqlite3.Connection) -> int:
    """How many legs the run has had (this one included)."""
    return int(conn.execute("SELECT count(*) FROM legs").fetchone()[0])


@dataclass(frozen=True, slots=True)
class ProviderFailure:
    """A task a provider failed, as its last attempt left it."""

    task_id: str
    cause: str
    seconds: float
    record: TaskRecord


def provider_cause(record: TaskRecord) -> str | None:
    """Why a provider failed the task, or None when no expert ended on a provider error.

    >>> provider_cause(TaskRecord.model_construct(experts=[]))
    """
    causes = [e.error or "provider error" for e in record.experts if e.stop == "provider_error"]
    return causes[0] if causes else None


def record_failure(
    conn: sqlite3.Connection, run_id: int, leg_id: int, failure: ProviderFailure
) -> None:
    """Keep a failed attempt (replacing an earlier one of the same task)."""
    with transaction(conn):
        conn.execute(
            "INSERT OR REPLACE INTO provider_failures (task_id, run_id, leg_id, cause, seconds,"
            " result) VALUES (?, ?, ?, ?, ?, ?)",
            (
                failure.task_id,
                run_id,
                leg_id,
                failure.cause,
                failure.seconds,
                failure.record.to_json(),
            ),
        )


def provider_failures(conn: sqlite3.Connection) -> list[ProviderFailure]:
    """Every task a provider failed and no later leg finished, oldest first."""
    rows = conn.execute(
        "SELECT task_id, cause, seconds, result FROM provider_failures ORDER BY failed_utc"
    )
    return [
        ProviderFailure(
            r[0],
            r[1],
            r[2],
            parse_record(r[3], where=f"provider failure {r[0]}", upgrades={2: upgrade_v2}),
        )
        for r in rows
    ]


def failed_seconds(conn: sqlite3.Connection, task_id: str) -> float:
    """Seconds earlier attempts of ``task_id`` took before a provider failed them."""
    row = conn.execute("SELECT seconds FROM provider_failures WHERE task_id = ?", (task_id,))
    found = row.fetchone()
    return float(found[0]) if found else 0.0
