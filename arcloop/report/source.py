"""Read what a report shows from a run directory, without changing anything in it.

A run directory holds ``journal.sqlite`` (the run's identity and every finished task, see
``arcloop.runs.journal``), ``summary.json``, ``config.toml`` and, when the LLM layer ran, a
``calls`` table in the journal whose responses the report can quote. Only the journal is
required: a report of a run still in progress (or one that crashed before writing its summary)
shows what the journal holds, and missing numbers are computed from the finished tasks. What is
there is read through the runs layer's typed schemas (``TaskRecord``, ``RunSummary``), older
versions upgraded in memory; a file that does not match them is an error naming the run.

Not here: deciding what to show (``arcloop.report.content``) or any HTML.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from arcloop._sqlite import connect
from arcloop.errors import JournalError
from arcloop.runs.journal import RunRecord, finished_tasks, load_run
from arcloop.runs.legs import ProviderFailure, provider_failures
from arcloop.runs.record import TaskRecord
from arcloop.runs.rundir import CONFIG, JOURNAL
from arcloop.runs.summary import RunSummary, read_summary

log = logging.getLogger(__name__)

MAX_RESPONSE_CHARS = 60_000
"""A quoted model response longer than this is cut (the report says so)."""


@dataclass(frozen=True, slots=True)
class RunSource:
    """Everything the report reads from one run directory.

    Attributes:
        name: the run directory's name.
        run: the run's identity from the journal (None when the journal has no run yet).
        summary: ``summary.json`` (None when the run has not written one yet).
        config_toml: the resolved config as run ("" when absent).
        tasks: the finished tasks, in the order they finished.
        failures: the tasks a provider failed, kept for a resume, with their causes.
        started_utc: when the run was first started (ISO 8601), when the journal says.
        updated_utc: when the run (or its last leg) last changed state, when the journal says.
    """

    name: str
    run: RunRecord | None
    summary: RunSummary | None
    config_toml: str
    tasks: tuple[TaskRecord, ...]
    failures: tuple[ProviderFailure, ...] = ()
    started_utc: str | None = None
    updated_utc: str | None = None


def _open_journal(run_dir: Path) -> sqlite3.Connection:
    path = run_dir / JOURNAL
    if not path.is_file():  # connect() would create an empty journal: never do that here
        raise JournalError(f"{run_dir}: no {JOURNAL}; is this a run directory?")
    return connect(path)


def _has_failures_table(conn: sqlite3.Connection) -> bool:
    """Journals of arcloop before the legs migration have no ``provider_failures``."""
    found = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'provider_failures'"
    ).fetchone()
    return found is not None


def read_run(run_dir: Path) -> RunSource:
    """Read a run directory for the report.

    Raises:
        JournalError: the directory has no journal, the journal cannot be read, or a stored
            task or the summary does not match its schema.
    """
    run_dir = Path(run_dir)
    conn = _open_journal(run_dir)
    try:
        run = load_run(conn)
        tasks = tuple(finished_tasks(conn))
        failures = tuple(provider_failures(conn)) if _has_failures_table(conn) else ()
        times = None
        if run is not None:
            times = conn.execute(
                "SELECT created_utc, updated_utc FROM runs WHERE id = ?", (run.id,)
            ).fetchone()
    except sqlite3.DatabaseError as e:
        raise JournalError(f"{run_dir / JOURNAL}: cannot read the run tables: {e}") from e
    finally:
        conn.close()
    config_path = run_dir / CONFIG
    config_toml = config_path.read_text(encoding="utf-8") if config_path.is_file() else ""
    if not config_toml and run is not None:
        config_toml = run.config_toml
    return RunSource(
        name=run_dir.resolve().name,
        run=run,
        summary=read_summary(run_dir),
        config_toml=config_toml,
        tasks=tasks,
        failures=failures,
        started_utc=times["created_utc"] if times is not None else None,
        updated_utc=times["updated_utc"] if times is not None else None,
    )


def read_responses(run_dir: Path, call_ids: Iterable[int]) -> dict[int, str]:
    """The response text of the given journaled calls; {} when the journal has no calls table.

    A response longer than ``MAX_RESPONSE_CHARS`` is cut and says so at its end.
    """
    wanted = sorted(set(call_ids))
    if not wanted:
        return {}
    conn = _open_journal(Path(run_dir))
    try:
        has_calls = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'calls'"
        ).fetchone()
        if has_calls is None:
            return {}
        out: dict[int, str] = {}
        chunk = 500  # stay far below SQLite's limit on bound parameters
        for i in range(0, len(wanted), chunk):
            ids = wanted[i : i + chunk]
            marks = ",".join("?" * len(ids))
            for row in conn.execute(
                f"SELECT id, response FROM calls WHERE id IN ({marks}) AND response IS NOT NULL",
                ids,
            ):
                text = str(row["response"])
                if len(text) > MAX_RESPONSE_CHARS:
                    cut = len(text) - MAX_RESPONSE_CHARS
                    text = text[:MAX_RESPONSE_CHARS] + f"\n[... {cut:,} more characters not shown]"
                out[int(row["id"])] = text
        return out
    except sqlite3.DatabaseError as e:
        log.warning("%s: calls table unreadable, responses left out: %s", run_dir, e)
        return {}
    finally:
        conn.close()
