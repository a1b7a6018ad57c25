"""The run's call journal, reached from every machine of a Ray run.

The journal is a file in the driver's run directory, so it is served by ``JournalActor``, an
actor pinned to the driver's node that opens a second connection to the same WAL-mode SQLite
file (the runner keeps its own connection and writes the run, task and candidate tables).
Workers see it through ``RemoteJournal``, the LLM layer's ``CallStore``: ``lookup`` and
``record`` are synchronous round trips (measured ~0.9 ms and ~1.2 ms between processes of one
node), like the local journal's synchronous commit, so an answer is journaled before anything
uses it and a ``kill -9`` of any process loses at most the calls in flight. The wait blocks the
worker's event loop for that long (Ray logs once per worker that a blocking get runs in an
async actor: this is that deliberate wait); against model calls of seconds it is noise.
(The alternative, sending every model call to the driver, would put all provider traffic
through one process; here workers call providers themselves and only journal rows travel.)

The actor also keeps the run's spending (what was in the journal when it opened, plus every
recorded cost) and returns it with each reply, so every worker's ``CostLedger`` follows the
run-wide total: a worker checks the run budget against every worker's spending, not only its
own, as of its last journal round trip.

Left out: batching rows, and a local replica of the journal on workers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ray

from arcloop.llm.budget import CostLedger
from arcloop.llm.journal import CallRecord, Journal, RecordedAnswer


@dataclass(frozen=True, slots=True)
class Lookup:
    """The reply to a lookup: the recorded answer, if any, and the run's spending so far."""

    answer: RecordedAnswer | None
    spent_usd: float


@dataclass(frozen=True, slots=True)
class Recorded:
    """The reply to a record: the new row's id and the run's spending so far."""

    call_id: int
    spent_usd: float


class JournalActor:
    """Owns a connection to the run's journal file (run it as a Ray actor on the driver node)."""

    def __init__(self, path: str) -> None:
        """Open the journal file at ``path`` (it must exist: the runner created it)."""
        self._journal = Journal.open(path)
        self._spent = self._journal.total_cost()

    def lookup(self, key: str) -> Lookup:
        """The earliest recorded answer with this cache key, if any."""
        return Lookup(self._journal.lookup(key), self._spent)

    def record(self, call: CallRecord) -> Recorded:
        """Write one finished call (committed at once)."""
        call_id = self._journal.record(call)
        self._spent += call.usage.cost_usd
        return Recorded(call_id, self._spent)

    def spent(self) -> float:
        """Dollars in the journal: before this run leg, plus everything recorded since."""
        return self._spent

    def close(self) -> None:
        """Close the connection."""
        self._journal.close()


class RemoteJournal:
    """A worker's ``CallStore``: every operation is a round trip to the ``JournalActor``."""

    def __init__(self, actor: Any) -> None:
        """Wrap the handle of a ``JournalActor``."""
        self._actor = actor
        self._ledger: CostLedger | None = None

    def follow(self, ledger: CostLedger) -> None:
        """Keep ``ledger`` at least at the run-wide spending reported by each reply."""
        self._ledger = ledger

    def _spent(self, spent_usd: float) -> None:
        if self._ledger is not None and spent_usd > self._ledger.spent_usd:
            self._ledger.spent_usd = spent_usd

    def lookup(self, key: str) -> RecordedAnswer | None:
        """The earliest recorded answer with this cache key, if any."""
        reply: Lookup = ray.get(self._actor.lookup.remote(key))
        self._spent(reply.spent_usd)
        return reply.answer

    def record(self, call: CallRecord) -> int:
        """Write one finished call on the driver's node and return its row id."""
        reply: Recorded = ray.get(self._actor.record.remote(call))
        self._spent(reply.spent_usd)
        return reply.call_id

    def total_cost(self) -> float:
        """The run's spending as the journal knows it."""
        spent: float = ray.get(self._actor.spent.remote())
        return spent
