"""Ordered SQLite migrations shared by the layers that keep tables in one journal file.

Each layer owns a namespace (``"llm"``, ``"runs"``) and an ordered list of named migrations;
applied ones are recorded in the ``_migrations`` table, so a journal written by an older
arcloop is upgraded in place and one from a newer arcloop is refused.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from arcloop.errors import JournalError

Migration = tuple[str, str | Callable[[sqlite3.Connection], None]]
"""(name, SQL script or function). Names are recorded; never rename or reorder one."""


def connect(path: str | Path) -> sqlite3.Connection:
    """Open a journal file for safe concurrent use by one writer and many readers."""
    try:
        conn = sqlite3.connect(path, timeout=30.0, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
    except sqlite3.DatabaseError as e:
        raise JournalError(f"{path}: cannot open journal: {e}") from e
    conn.row_factory = sqlite3.Row
    return conn


def database_file(conn: sqlite3.Connection) -> Path | None:
    """The file a connection has open, or None for an in-memory database."""
    for row in conn.execute("PRAGMA database_list"):
        if row[1] == "main" and row[2]:
            return Path(row[2])
    return None


def has_table(conn: sqlite3.Connection, name: str) -> bool:
    """True when the database has a table of this name."""
    found = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    ).fetchone()
    return found is not None


def apply_migrations(
    conn: sqlite3.Connection, namespace: str, migrations: Sequence[Migration]
) -> list[str]:
    """Apply the migrations of ``namespace`` not yet applied, in order; return their names.

    Raises:
        JournalError: the journal records a migration of this namespace that this arcloop
            does not know (it was written by a newer version).
    """
    conn.execute(
        "CREATE TABLE IF NOT EXISTS _migrations ("
        " namespace TEXT NOT NULL, name TEXT NOT NULL, applied_utc TEXT NOT NULL"
        " DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), PRIMARY KEY (namespace, name))"
    )
    done = {
        row[0]
        for row in conn.execute("SELECT name FROM _migrations WHERE namespace = ?", (namespace,))
    }
    known = {name for name, _ in migrations}
    unknown = sorted(done - known)
    if unknown:
        raise JournalError(
            f"journal has {namespace} migrations this arcloop does not know ({', '.join(unknown)});"
            " it was written by a newer version"
        )
    applied = []
    for name, step in migrations:
        if name in done:
            continue
        with transaction(conn):
            if isinstance(step, str):
                for statement in step.split(";"):
                    if statement.strip():
                        conn.execute(statement)
            else:
                step(conn)
            conn.execute(
                "INSERT INTO _migrations (namespace, name) VALUES (?, ?)", (namespace, name)
            )
        applied.append(name)
    return applied


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """One write transaction: committed when the block ends, rolled back when it raises.

    The rollback never hides the error that caused it: SQLite may already have ended the
    transaction itself (a full disk does), and then there is nothing to roll back. A
    failure of SQLite itself (a full disk, a read-only or corrupt file) becomes a
    ``JournalError`` naming the file.
    """
    try:
        conn.execute("BEGIN IMMEDIATE")
        yield
        conn.execute("COMMIT")
    except BaseException as error:
        if conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        if isinstance(error, sqlite3.OperationalError | sqlite3.DatabaseError):
            where = database_file(conn) or "journal"
            raise JournalError(f"{where}: cannot write the journal: {error}") from error
        raise
