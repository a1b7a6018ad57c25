"""Read what a report quotes beyond the run's stored records: model responses.

The run itself (its journal, summary and config, through the typed schemas) is read by
``arcloop.runs.source.read_run``; this module adds the text of the journaled calls a report
quotes, cut to a readable length.

Not here: deciding what to show (``arcloop.report.content``) or any HTML.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from arcloop._sqlite import has_table
from arcloop.runs.source import open_journal

log = logging.getLogger(__name__)

MAX_RESPONSE_CHARS = 60_000
"""A quoted model response longer than this is cut (the report says so)."""


def read_responses(run_dir: Path, call_ids: Iterable[int]) -> dict[int, str]:
    """The response text of the given journaled calls; {} when the journal has no calls table.

    A response longer than ``MAX_RESPONSE_CHARS`` is cut and says so at its end.
    """
    wanted = sorted(set(call_ids))
    if not wanted:
        return {}
    conn = open_journal(Path(run_dir))
    try:
        if not has_table(conn, "calls"):
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
