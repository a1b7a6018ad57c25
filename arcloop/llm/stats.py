"""A gateway's live counters (``Traffic``) and the snapshots it gives of them (``GatewayStats``).

Calls update the ``Traffic`` of their gateway as they go; progress displays, the run summary
and a cluster's driver read ``GatewayStats`` snapshots, which add up field by field
(``combine_stats``) when several gateways work for one run.

Not here: making calls (``call``), or the gates whose in-flight and waiting counts a snapshot
includes (``gate``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from arcloop.llm.gate import Gate
from arcloop.llm.types import Usage


@dataclass(frozen=True, slots=True)
class GatewayStats:
    """A snapshot of a run's model traffic, for progress displays and the run summary.

    Attributes:
        calls: calls answered (replayed ones included).
        replayed_calls: calls answered from the journal.
        failed_calls: calls that ended in an error after sending a request.
        requests: requests sent (rate-limited ones included).
        usage: what the calls answered by a provider in this process consumed.
        in_flight: requests outstanding now.
        waiting_on_rate_limit: callers waiting for a model paused by its provider.
        rate_limited: rate-limited answers received.
        errors: classified errors seen (retried ones included), by class name.
    """

    calls: int = 0
    replayed_calls: int = 0
    failed_calls: int = 0
    requests: int = 0
    usage: Usage = field(default_factory=Usage)
    in_flight: int = 0
    waiting_on_rate_limit: int = 0
    rate_limited: int = 0
    errors: Mapping[str, int] = field(default_factory=dict)


_COUNTED = tuple(k for k in GatewayStats.__dataclass_fields__ if k not in ("usage", "errors"))


def _rounded(usage: Usage) -> Usage:
    return replace(usage, cost_usd=round(usage.cost_usd, 10))


def combine_stats(snapshots: Iterable[GatewayStats]) -> GatewayStats:
    """Add snapshots field by field (``errors`` merged by class name).

    >>> combine_stats([GatewayStats(calls=2, errors={"X": 1}), GatewayStats(calls=1)]).calls
    3
    """
    totals: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    usage = Usage()
    for s in snapshots:
        totals.update({k: getattr(s, k) for k in _COUNTED})
        errors.update(s.errors)
        usage += s.usage
    counted = {k: totals[k] for k in _COUNTED}
    return GatewayStats(**counted, usage=_rounded(usage), errors=dict(errors))


class Traffic:
    """The counters of one gateway, updated by its calls (one event loop; no locking)."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()
        self._errors: Counter[str] = Counter()
        self._usage = Usage()

    def replayed(self) -> None:
        """A call was answered from the journal."""
        self._counts.update(calls=1, replayed=1)

    def answered(self, usage: Usage) -> None:
        """A provider answered a call, which consumed ``usage``."""
        self._counts.update(calls=1)
        self._usage += usage

    def request(self) -> None:
        """A request was sent."""
        self._counts.update(requests=1)

    def rate_limited(self) -> None:
        """A request was answered with a rate limit."""
        self._counts.update(rate_limited=1)

    def error(self, name: str) -> None:
        """A request failed with the classified error ``name`` (retried or not)."""
        self._errors.update([name])

    def failed(self) -> None:
        """A call that sent a request ended in an error."""
        self._counts.update(failed=1)

    def snapshot(self, gates: Iterable[Gate]) -> GatewayStats:
        """The counters now, with the in-flight and waiting counts of ``gates``."""
        gates = list(gates)
        return GatewayStats(
            calls=self._counts["calls"],
            replayed_calls=self._counts["replayed"],
            failed_calls=self._counts["failed"],
            requests=self._counts["requests"],
            usage=_rounded(self._usage),
            in_flight=sum(g.in_flight for g in gates),
            waiting_on_rate_limit=sum(g.waiting for g in gates if g.paused),
            rate_limited=self._counts["rate_limited"],
            errors=dict(self._errors),
        )
