"""Read a run directory back, without changing anything in it: ``read_run(run_dir)``.

A run directory holds ``journal.sqlite`` (the run's identity and every finished task, see
``arcloop.runs.journal``), ``summary.json`` and ``config.toml``. Only the journal is required:
a run still in progress (or one that crashed before writing its summary) is read as its journal
holds it. Everything is read through the runs layer's typed schemas (``TaskRecord``,
``RunSummary``), older versions upgraded in memory; a file that does not match them is a
``JournalError`` naming the run.

The report, the comparison of runs and the list of runs read runs this way.

Not here: what any of them shows, or the ``calls`` table (``arcloop.llm.journal``).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from arcloop._sqlite import connect, has_table
from arcloop.errors import JournalError, RunDirectoryError
from arcloop.runs.journal import RunRecord, finished_tasks, load_run
from arcloop.runs.legs import ProviderFailure, provider_failures
from arcloop.runs.record import TaskRecord
from arcloop.runs.rundir import CONFIG, JOURNAL
from arcloop.runs.summary import RunSummary, read_summary


@dataclass(frozen=True, slots=True)
class RunSource:
    """Everything stored about one run directory.

    Attributes:
        name: the run directory's name.
        path: the run directory, as given.
        run: the run's identity from the journal (None when the journal has no run yet).
        summary: ``summary.json`` (None when the run has not written one yet).
        config_toml: the resolved config as run ("" when absent).
        tasks: the finished tasks, in the order they finished.
        failures: the tasks a provider failed, kept for a resume, with their causes (journals
            older than the ``provider_failures`` table have none).
        started_utc: when the run was first started (ISO 8601), when the journal says.
        updated_utc: when the run (or its last leg) last changed state, when the journal says.
    """

    name: str
    path: Path
    run: RunRecord | None
    summary: RunSummary | None
    config_toml: str
    tasks: tuple[TaskRecord, ...]
    failures: tuple[ProviderFailure, ...] = ()
    started_utc: str | None = None
    updated_utc: str | None = None


def is_run_dir(path: Path) -> bool:
    """True when ``path`` is a directory holding a run journal."""
    return (Path(path) / JOURNAL).is_file()


def open_journal(run_dir: Path) -> sqlite3.Connection:
    """Open the journal of an existing run directory (never creating one).

    Raises:
        RunDirectoryError: ``run_dir`` holds no journal.
        JournalError: the journal cannot be opened.
    """
    path = Path(run_dir) / JOURNAL
    if not path.is_file():  # connect() would create an empty journal: never do that here
        raise RunDirectoryError(f"{run_dir}: no {JOURNAL}; is this a run directory?")
    return connect(path)


def read_run(run_dir: Path) -> RunSource:
    """Read a run directory.

    Raises:
        RunDirectoryError: the directory has no journal.
        JournalError: the journal cannot be read, or a stored task or the summary does not
            match its schema.
    """
    run_dir = Path(run_dir)
    conn = open_journal(run_dir)
    try:
        run = load_run(conn)
        tasks = tuple(finished_tasks(conn))
        failures = tuple(provider_failures(conn)) if has_table(conn, "provider_failures") else ()
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
        path=run_dir,
        run=run,
        summary=read_summary(run_dir),
        config_toml=config_toml,
        tasks=tasks,
        failures=failures,
        started_utc=times["created_utc"] if times is not None else None,
        updated_utc=times["updated_utc"] if times is not None else None,
    )
