"""The call journal: every model call, answered or failed, as one row of SQLite.

The ``calls`` table uses plain column names so the file can be read with ``sqlite3``,
sqlite-utils or Datasette::

    sqlite3 runs/x/journal.sqlite \
      "select model, sum(cost_usd), count(*) from calls group by model"

``logged_calls`` and ``logged_call`` read the rows back (the list without the prompts and
responses, which can be large; one call with them). A row is written (and committed) the
moment its call ends, so a ``kill -9`` loses only calls
that were in flight. A call whose model, settings, messages and sample key hash to the
``cache_key`` of a recorded answer is answered from that row: that is how a resumed run pays
nothing twice.

The journal shares its file with the runs layer, which keeps its own tables under another
migration namespace; this module owns namespace ``"llm"`` only. It deliberately leaves out
any notion of tasks or runs: the sample key is an opaque string.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol

from arcloop._sqlite import Migration, apply_migrations, connect, has_table, transaction
from arcloop.errors import JournalError
from arcloop.llm.types import Message, Usage

MIGRATIONS: Sequence[Migration] = (
    (
        "001_calls",
        """
        CREATE TABLE calls (
            id INTEGER PRIMARY KEY,
            datetime_utc TEXT NOT NULL,
            model TEXT NOT NULL,
            settings TEXT NOT NULL,
            messages TEXT NOT NULL,
            sample_key TEXT NOT NULL,
            cache_key TEXT NOT NULL,
            response TEXT,
            prompt_tokens INTEGER NOT NULL DEFAULT 0,
            cached_tokens INTEGER NOT NULL DEFAULT 0,
            completion_tokens INTEGER NOT NULL DEFAULT 0,
            reasoning_tokens INTEGER NOT NULL DEFAULT 0,
            cost_usd REAL NOT NULL DEFAULT 0,
            duration_ms INTEGER NOT NULL DEFAULT 0,
            attempts INTEGER NOT NULL DEFAULT 0,
            rate_limited INTEGER NOT NULL DEFAULT 0,
            error_class TEXT,
            error_message TEXT,
            status_code INTEGER
        );
        CREATE INDEX calls_cache_key ON calls (cache_key);
        CREATE INDEX calls_model ON calls (model)
        """,
    ),
)


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no whitespace: equal values give equal strings."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def cache_key(
    *, model: str, settings: Mapping[str, Any], messages: Sequence[Message], sample_key: str
) -> str:
    """Hash of what makes two calls the same sample.

    >>> len(cache_key(model="m", settings={}, messages=[], sample_key="k"))
    64
    """
    payload = canonical_json(
        {"model": model, "settings": settings, "messages": list(messages), "sample_key": sample_key}
    )
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class CallRecord:
    """One finished call, as written to the journal (``response`` is ``None`` on failure).

    ``usage.latency_s`` is stored in milliseconds (``duration_ms``), as LLM logs usually are.
    """

    model: str
    settings: Mapping[str, Any]
    messages: Sequence[Message]
    sample_key: str
    response: str | None
    usage: Usage = field(default_factory=Usage)
    attempts: int = 0
    rate_limited: int = 0
    error_class: str | None = None
    error_message: str | None = None
    status_code: int | None = None


@dataclass(frozen=True, slots=True)
class RecordedAnswer:
    """A recorded answer that can replay a call: its text, and the usage it was recorded with
    (latency to the millisecond)."""

    call_id: int
    response: str
    usage: Usage
    attempts: int


CallStatus = Literal["ok", "error"]
"""A journaled call answered (``ok``) or failed after its retries (``error``)."""


@dataclass(frozen=True, slots=True)
class LoggedCall:
    """One row of the ``calls`` table as read back, without its prompt and response.

    Attributes:
        id: the row id (``call_id`` elsewhere in the journal).
        datetime_utc: when the call ended (ISO 8601, UTC).
        model, sample_key, usage, attempts, rate_limited, error_class, error_message,
            status_code: as in ``CallRecord``.
        status: ``ok`` when it was answered, ``error`` when it failed.
    """

    id: int
    datetime_utc: str
    model: str
    sample_key: str
    usage: Usage
    attempts: int
    rate_limited: int
    error_class: str | None
    error_message: str | None
    status_code: int | None
    status: CallStatus


_LISTED = (
    "id, datetime_utc, model, sample_key, prompt_tokens, cached_tokens, completion_tokens,"
    " reasoning_tokens, cost_usd, duration_ms, attempts, rate_limited, error_class,"
    " error_message, status_code, response IS NOT NULL AS answered"
)


def _row_usage(row: sqlite3.Row) -> Usage:
    """The usage columns of a ``calls`` row (latency stored in milliseconds)."""
    return Usage(
        prompt_tokens=row["prompt_tokens"],
        cached_tokens=row["cached_tokens"],
        completion_tokens=row["completion_tokens"],
        reasoning_tokens=row["reasoning_tokens"],
        cost_usd=row["cost_usd"],
        latency_s=row["duration_ms"] / 1000,
    )


def _logged(row: sqlite3.Row) -> LoggedCall:
    return LoggedCall(
        id=row["id"],
        datetime_utc=row["datetime_utc"],
        model=row["model"],
        sample_key=row["sample_key"],
        usage=_row_usage(row),
        attempts=row["attempts"],
        rate_limited=row["rate_limited"],
        error_class=row["error_class"],
        error_message=row["error_message"],
        status_code=row["status_code"],
        status="ok" if row["answered"] and row["error_class"] is None else "error",
    )


def calls_cost(conn: sqlite3.Connection) -> float:
    """Sum of ``cost_usd`` over every journaled call (0.0 without a ``calls`` table)."""
    if not has_table(conn, "calls"):
        return 0.0
    return float(conn.execute("SELECT COALESCE(SUM(cost_usd), 0) FROM calls").fetchone()[0])


def logged_calls(conn: sqlite3.Connection) -> list[LoggedCall]:
    """Every journaled call in the order they ended, without prompts and responses ([] when
    the journal has no ``calls`` table)."""
    if not has_table(conn, "calls"):
        return []
    return [_logged(r) for r in conn.execute(f"SELECT {_LISTED} FROM calls ORDER BY id")]


def logged_call(conn: sqlite3.Connection, call_id: int) -> tuple[LoggedCall, CallRecord] | None:
    """One journaled call with its prompt and response, or None when there is no such call.

    Raises:
        JournalError: its stored settings or messages are not what ``Journal.record`` writes.
    """
    if not has_table(conn, "calls"):
        return None
    row = conn.execute(
        f"SELECT {_LISTED}, settings, messages, response FROM calls WHERE id = ?", (call_id,)
    ).fetchone()
    if row is None:
        return None
    logged = _logged(row)
    try:
        settings = json.loads(row["settings"])
        messages = json.loads(row["messages"])
    except ValueError as e:
        raise JournalError(f"call {call_id}: stored settings or messages are not JSON") from e
    if not isinstance(settings, dict) or not _is_messages(messages):
        raise JournalError(f"call {call_id}: stored settings or messages have the wrong shape")
    record = CallRecord(
        model=logged.model,
        settings=settings,
        messages=messages,
        sample_key=logged.sample_key,
        response=row["response"],
        usage=logged.usage,
        attempts=logged.attempts,
        rate_limited=logged.rate_limited,
        error_class=logged.error_class,
        error_message=logged.error_message,
        status_code=logged.status_code,
    )
    return logged, record


def _is_messages(value: Any) -> bool:
    return isinstance(value, list) and all(
        isinstance(m, dict)
        and m.get("role") in ("system", "user", "assistant")
        and isinstance(m.get("content"), str)
        for m in value
    )


class CallStore(Protocol):
    """What the gateway needs from a journal: ``Journal``, or a proxy to one elsewhere
    (e.g. on another machine of a cluster)."""

    def lookup(self, key: str) -> RecordedAnswer | None:
        """Return the earliest recorded answer with this cache key, if any."""
        ...

    def record(self, call: CallRecord) -> int:
        """Write one finished call (committed at once) and return its row id."""
        ...

    def total_cost(self) -> float:
        """Sum of ``cost_usd`` over every recorded call."""
        ...


class Journal:
    """The ``calls`` table of one journal file; safe to share across threads."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        """Wrap an open connection (see ``arcloop._sqlite.connect``) and migrate it."""
        self._conn = conn
        self._lock = threading.Lock()
        with self._lock:
            apply_migrations(conn, "llm", MIGRATIONS)

    @classmethod
    def open(cls, path: str | Path) -> Journal:
        """Open (creating if needed) the journal file at ``path``."""
        return cls(connect(path))

    @property
    def connection(self) -> sqlite3.Connection:
        """The underlying connection."""
        return self._conn

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()

    def lookup(self, key: str) -> RecordedAnswer | None:
        """Return the earliest recorded answer with this cache key, if any."""
        with self._lock:
            row = self._conn.execute(
                "SELECT id, response, prompt_tokens, cached_tokens, completion_tokens,"
                " reasoning_tokens, cost_usd, duration_ms, attempts FROM calls"
                " WHERE cache_key = ? AND response IS NOT NULL AND error_class IS NULL"
                " ORDER BY id LIMIT 1",
                (key,),
            ).fetchone()
        if row is None:
            return None
        return RecordedAnswer(
            call_id=row["id"],
            response=row["response"],
            usage=_row_usage(row),
            attempts=row["attempts"],
        )

    def record(self, call: CallRecord) -> int:
        """Write one finished call (committed at once) and return its row id."""
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        key = cache_key(
            model=call.model,
            settings=call.settings,
            messages=call.messages,
            sample_key=call.sample_key,
        )
        with self._lock, transaction(self._conn):
            cursor = self._conn.execute(
                "INSERT INTO calls (datetime_utc, model, settings, messages, sample_key,"
                " cache_key, response, prompt_tokens, cached_tokens, completion_tokens,"
                " reasoning_tokens, cost_usd, duration_ms, attempts, rate_limited, error_class,"
                " error_message, status_code)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    now,
                    call.model,
                    canonical_json(call.settings),
                    canonical_json(list(call.messages)),
                    call.sample_key,
                    key,
                    call.response,
                    call.usage.prompt_tokens,
                    call.usage.cached_tokens,
                    call.usage.completion_tokens,
                    call.usage.reasoning_tokens,
                    call.usage.cost_usd,
                    round(call.usage.latency_s * 1000),
                    call.attempts,
                    call.rate_limited,
                    call.error_class,
                    call.error_message,
                    call.status_code,
                ),
            )
        row_id = cursor.lastrowid
        assert row_id is not None
        return row_id

    def total_cost(self) -> float:
        """Sum of ``cost_usd`` over every recorded call."""
        with self._lock:
            return calls_cost(self._conn)
