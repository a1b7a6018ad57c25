"""The run directory belongs to the user: what arcloop may write into, and what a resume reads.

arcloop writes only into a directory that is new, empty, or a run of its own (a journal that
opens and holds the run tables). Everything else is refused before a file is touched:

    does not exist          a new run (its parents are created)
    an empty folder         a new run
    journal.sqlite, valid   that run, resumed; its settings are the journal's
    journal.sqlite, empty   refused: the run's record is gone, its files must not be reused
    run files, no journal   refused (a deleted journal would silently restart the run)
    anything else           refused: a file, a device, a folder of the user's

The journal is the source of truth for a run's settings; ``config.toml`` is a readable copy.
``check_config_copy`` compares the two when a run is resumed.

Not here: what the run writes (``runner``), the tables themselves (``journal``).
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import stat
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from arcloop.errors import JournalError, ResumeConflictError, RunDirectoryError
from arcloop.runs.config import RESUMABLE_CHANGES, diff_keys
from arcloop.runs.summary import SUMMARY

CONFIG = "config.toml"
JOURNAL = "journal.sqlite"
SUBMISSION = "submission.json"
RESULTS = "results.jsonl"
REPORT = "report.html"
RUN_FILES = (CONFIG, JOURNAL, SUBMISSION, RESULTS, SUMMARY, REPORT)
"""The files a run directory holds (the journal's ``-wal`` and ``-shm`` besides)."""
_TABLES = ("runs", "task_results", "candidates", "calls", "_migrations")


@dataclass(frozen=True, slots=True)
class StoredRun:
    """A run found in a run directory, as its journal records it.

    Attributes:
        config_toml: the resolved config the run was made with (the source of truth).
        dataset: the dataset's name; dataset_hash: its content hash.
    """

    config_toml: str
    dataset: str
    dataset_hash: str


def inspect(path: Path) -> StoredRun | None:
    """What ``path`` holds: None when a new run may start there, else the stored run.

    Raises:
        RunDirectoryError: ``path`` is not a folder, or holds something arcloop did not make.
        JournalError: the journal is empty, corrupt, or misses one of the run tables.
    """
    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        _check_creatable(path)
        return None
    except OSError as e:
        raise RunDirectoryError(f"{path}: cannot use as a run directory: {e.strerror}") from e
    if not stat.S_ISDIR(info.st_mode):
        raise RunDirectoryError(f"{path}: is {_kind(info.st_mode)}, not a run directory")
    names = {p.name for p in path.iterdir()}
    journal = path / JOURNAL
    if JOURNAL not in names:
        if not names:
            return None
        if names & set(RUN_FILES):
            raise RunDirectoryError(
                f"{path}: holds a run's files but no {JOURNAL} (was it deleted?); arcloop will"
                " not start the run over on top of them: restore the journal, or choose a"
                " new --run-dir"
            )
        raise RunDirectoryError(
            f"{path}: is not empty and holds no arcloop run; choose a new or empty --run-dir"
        )
    return _read_journal(journal)


def _kind(mode: int) -> str:
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    return "a file"


def _check_creatable(path: Path) -> None:
    """Refuse a path that cannot become a folder: under a file, or under a read-only one."""
    parent = path.absolute().parent
    while not parent.exists() and not parent.is_symlink():
        parent = parent.parent
    if not parent.is_dir():
        raise RunDirectoryError(f"{path}: cannot be created: {parent} is a file")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise RunDirectoryError(f"{path}: cannot be created: {parent} is not writable")


def create(path: Path) -> None:
    """Make the run directory (and its parents), with a clear error when it cannot be made."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        reason = "a file is in the way" if e.errno in (errno.EEXIST, errno.ENOTDIR) else e.strerror
        raise RunDirectoryError(f"{path}: cannot be created: {reason}") from e


@contextlib.contextmanager
def writing(run_dir: Path, name: str) -> Iterator[None]:
    """Turn a failure to write one of the run's files into one clear line naming it."""
    try:
        yield
    except OSError as e:
        reason = "the disk is full" if e.errno == errno.ENOSPC else e.strerror or str(e)
        raise RunDirectoryError(
            f"{run_dir}: cannot write {name}: {reason}; finished tasks are kept in the journal:"
            f" resume with arcloop run --run-dir {run_dir}"
        ) from e


def _read_journal(journal: Path) -> StoredRun | None:
    if journal.stat().st_size == 0:
        raise JournalError(
            f"{journal}: is empty (0 bytes): the record of this run is gone; arcloop will not"
            " start it over on top of its files: restore the journal, or choose a new --run-dir"
        )
    # Without a write-ahead log beside it the file is read as immutable, which creates no
    # -wal/-shm files: inspecting a folder leaves it exactly as it was.
    wal = journal.with_name(journal.name + "-wal").exists()
    uri = f"file:{quote(str(journal.absolute()))}?mode=ro" + ("" if wal else "&immutable=1")
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as e:
        raise JournalError(f"{journal}: cannot open: {e}") from e
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        missing = [t for t in _TABLES if t not in tables]
        if missing:
            raise JournalError(
                f"{journal}: is not a complete arcloop journal (no table {missing[0]!r})"
            )
        row = conn.execute(
            "SELECT config_toml, dataset, dataset_hash FROM runs ORDER BY id LIMIT 1"
        ).fetchone()
    except sqlite3.Error as e:
        raise JournalError(f"{journal}: cannot be read as an arcloop journal: {e}") from e
    finally:
        conn.close()
    if row is None:
        return None  # made by a start that failed before the run was recorded
    return StoredRun(config_toml=row[0], dataset=row[1], dataset_hash=row[2])


def check_config_copy(path: Path, stored: StoredRun) -> None:
    """Refuse a ``config.toml`` edited so that it contradicts the journal's settings.

    Only keys a resume may change anyway (``RESUMABLE_CHANGES``) may differ.

    Raises:
        ResumeConflictError: naming the keys that differ.
    """
    copy = path / CONFIG
    try:
        edited = tomllib.loads(copy.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise ResumeConflictError(
            f"{copy}: cannot be read ({e}); delete it to resume with the settings in the journal"
        ) from e
    changed = [
        k
        for k in diff_keys(tomllib.loads(stored.config_toml), edited)
        if k not in RESUMABLE_CHANGES
    ]
    if changed:
        raise ResumeConflictError(
            f"{copy}: was edited and now differs from the settings in the journal"
            f" ({', '.join(changed[:5])}); restore it, or delete it to resume with the"
            " journal's settings"
        )
