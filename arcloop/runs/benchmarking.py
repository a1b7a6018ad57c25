"""One task in the format of the ARC Prize benchmarking harness (arcprize/arc-agi-benchmarking).

That harness keeps one ``<task id>.json`` per task: a list with one object per test input,
``{"attempt_1": attempt | null, "attempt_2": attempt | null}``, where an attempt is
``{"answer": grid, "correct": bool | null, "metadata": {...}}`` and the metadata holds the
model, the provider, ``start_timestamp`` and ``end_timestamp``, ``choices``, ``kwargs``,
``usage`` (``prompt_tokens``, ``completion_tokens``, ``total_tokens`` and
``completion_tokens_details``) and ``cost`` (``prompt_cost``, ``completion_cost``,
``reasoning_cost``, ``total_cost``), ``task_id``, ``pair_index`` and ``test_id``. Its scorer
adds up, over every attempt, ``total_cost``, ``completion_tokens``, ``total_tokens`` and
``end_timestamp - start_timestamp``; a ``null`` attempt is "no answer": it counts as an
attempt, scores nothing and costs nothing, and the harness's own runner writes one where a
provider failed (and fills it on its next run). So here:

- **answers** are arcloop's submission, slot for slot: each attempt's grid, or the 1x1
  placeholder arcloop submits where the vote gave fewer than two grids, so both scorers agree.
- **a task a provider failed** (every expert ended on a provider error) has ``null`` attempts.
- **usage** is what the task's calls consumed (each journaled call counted once, replays
  included at their recorded tokens and cost), spread over the attempts that hold a grid
  (over every slot when none does). Token counts are split by largest remainder, so they add
  up exactly to the task's; ``total_tokens`` is ``prompt_tokens + completion_tokens``;
  reasoning tokens (a part of the completion tokens) go in ``completion_tokens_details``.
- **cost** is split into ``prompt_cost`` and ``completion_cost`` by the model's price in the
  run's registry (``Price.cost``), scaled to what each call actually cost. Reasoning is billed
  inside the completion, so ``reasoning_cost`` is ``null`` and ``total_cost`` is the sum of
  the two others.
- **start and end** of an attempt are those of the calls that produced its grid: every call
  of every expert whose program gave that grid (the members of the vote groups holding it,
  or, for a grid filled in from other iterations, the experts of those iterations), from the
  first call's start to the last one's end (an expert offers its grid once its loop ends). A
  grid no call produced (the offline search) spans the task; a placeholder is an instant at
  the task's end.

Example: a task with one test input, one grid from expert 0 after three calls, and 1,001
prompt tokens, gives ``attempt_1`` those 1,001 tokens and the span of the three calls, and
``attempt_2`` the placeholder with no tokens and no time.

Not here: reading the journal or writing files (``export``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from arcloop.arc.grid import PLACEHOLDER, to_lists
from arcloop.llm.registry import Price
from arcloop.llm.types import Usage
from arcloop.runs.record import GridJson, TaskRecord


@dataclass(frozen=True, slots=True)
class CallSpan:
    """One journaled call as the export needs it: its model, when it ended, what it used.

    ``usage.latency_s`` is the call's duration, so it started that long before ``ended``.
    """

    model: str
    ended: datetime
    usage: Usage

    @property
    def started(self) -> datetime:
        """When the call started."""
        return self.ended - timedelta(seconds=self.usage.latency_s)


PriceOf = Callable[[str], Price | None]
"""A model's price in the run's registry (None when unknown)."""


def largest_remainder(total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` that add up to it exactly.

    Each part gets the floor of its exact share; the units left go to the largest fractional
    remainders (ties to the earlier part).

    >>> largest_remainder(10, [1, 1, 1])
    [4, 3, 3]
    >>> largest_remainder(7, [1, 0, 2])
    [2, 0, 5]
    >>> sum(largest_remainder(30_030, [1] * 4 + [0] * 3))
    30030
    """
    weight = float(sum(weights))
    if total == 0 or weight <= 0:
        return [0] * len(weights)
    exact = [total * w / weight for w in weights]
    parts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _utc(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def provider_failed(task: TaskRecord) -> bool:
    """True when every expert of a stored task ended on a provider error: it has no answer.

    (Such a task is no longer stored as finished: ``runs.legs`` keeps it pending. A run from
    an older arcloop still holds some.)"""
    return bool(task.experts) and all(e.stop == "provider_error" for e in task.experts)


@dataclass(frozen=True, slots=True)
class _Spent:
    """A task's usage, and the part of its cost the price table puts on the prompt."""

    usage: Usage
    prompt_cost: float


def _prompt_cost(model: str, usage: Usage, price_of: PriceOf) -> float:
    """The part of ``usage.cost_usd`` that paid for the prompt, by the model's price."""
    price = price_of(model)
    if price is None or usage.cost_usd == 0:
        return 0.0
    prompt = price.cost(
        prompt_tokens=usage.prompt_tokens, cached_tokens=usage.cached_tokens, completion_tokens=0
    )
    output = price.cost(prompt_tokens=0, cached_tokens=0, completion_tokens=usage.completion_tokens)
    if prompt + output <= 0:
        return 0.0
    return usage.cost_usd * prompt / (prompt + output)


def _spent(task: TaskRecord, calls: Mapping[int, CallSpan], price_of: PriceOf) -> _Spent:
    """What the task's calls used, each journaled call once; an iteration with no journaled
    call (the offline search, an old run) counts with its own usage."""
    seen: set[int] = set()
    usage = Usage()
    prompt_cost = 0.0
    for expert in task.experts:
        for it in expert.iterations:
            call_id = it.call_id
            call = calls.get(call_id) if call_id is not None else None
            if call_id is not None and call is not None:
                if call_id in seen:
                    continue
                seen.add(call_id)
                model, used = call.model, call.usage
            else:
                model, used = expert.model, it.usage
            usage = usage + used
            prompt_cost += _prompt_cost(model, used, price_of)
    return _Spent(usage, prompt_cost)


def _producers(task: TaskRecord, pair: int, grid: GridJson) -> list[tuple[int, int]]:
    """The (expert, iteration) pairs whose program gave ``grid`` for test input ``pair``."""
    voted = [
        member
        for group in task.vote
        if pair < len(group.outputs) and group.outputs[pair] == grid
        for member in group.members
    ]
    if voted:
        return voted
    return [  # filled in from other iterations (the vote's backfill)
        (e.expert, it.iteration)
        for e in task.experts
        for it in e.iterations
        if pair < len(it.test_outputs) and it.test_outputs[pair] == grid
    ]


def _span(
    task: TaskRecord, producers: Sequence[tuple[int, int]], calls: Mapping[int, CallSpan]
) -> tuple[datetime, datetime]:
    """When the calls of the experts behind an attempt started and ended (the task's span
    when they made none)."""
    experts = {expert for expert, _ in producers}
    used = [
        calls[it.call_id]
        for e in task.experts
        if e.expert in experts
        for it in e.iterations
        if it.call_id is not None and it.call_id in calls
    ]
    if not used:
        return _utc(task.started_utc), _utc(task.finished_utc)
    return min(c.started for c in used), max(c.ended for c in used)


def _models(task: TaskRecord, producers: Sequence[tuple[int, int]]) -> list[str]:
    experts = {e.expert: e.model for e in task.experts}
    models = sorted({experts[e] for e, _ in producers if e in experts})
    return models or sorted(set(experts.values())) or ["none"]


def _provider(model: str) -> str:
    return model.split("/", 1)[0] if "/" in model else model


@dataclass(frozen=True, slots=True)
class _Slot:
    pair: int
    answer: GridJson
    voted: bool  # False: the placeholder
    correct: bool | None


def _slots(task: TaskRecord) -> list[_Slot]:
    slots = []
    for pair, test in enumerate(task.task.test):
        grids = task.attempts[pair] if pair < len(task.attempts) else []
        for k in range(2):
            voted = k < len(grids)
            answer = grids[k] if voted else to_lists(PLACEHOLDER)
            correct = None if test.output is None else answer == test.output
            slots.append(_Slot(pair, answer, voted, correct))
    return slots


def task_entries(
    task: TaskRecord,
    *,
    calls: Mapping[int, CallSpan],
    price_of: PriceOf,
    failed: bool = False,
) -> list[dict[str, Any]]:
    """The task's file in the harness's format: one object per test input.

    Args:
        task: the stored task.
        calls: the journal's calls by id (those the task's iterations name are used).
        price_of: a model's price, to split cost into prompt and completion.
        failed: a provider failed the task (it is pending): it has no answer.
    """
    if failed or provider_failed(task):
        return [{"attempt_1": None, "attempt_2": None} for _ in task.task.test]
    slots = _slots(task)
    weights = [1.0 if s.voted else 0.0 for s in slots]
    if not any(weights):
        weights = [1.0] * len(slots)
    spent = _spent(task, calls, price_of)
    u = spent.usage
    prompt = largest_remainder(u.prompt_tokens, weights)
    completion = largest_remainder(u.completion_tokens, weights)
    reasoning = largest_remainder(u.reasoning_tokens, weights)
    share = [w / sum(weights) for w in weights]
    entries: list[dict[str, Any]] = [{} for _ in task.task.test]
    for i, slot in enumerate(slots):
        producers = _producers(task, slot.pair, slot.answer) if slot.voted else []
        if slot.voted:
            start, end = _span(task, producers, calls)
        else:
            start = end = _utc(task.finished_utc)
        models = _models(task, producers)
        prompt_cost = spent.prompt_cost * share[i]
        completion_cost = max(0.0, u.cost_usd * share[i] - prompt_cost)
        key = f"attempt_{len(entries[slot.pair]) + 1}"
        entries[slot.pair][key] = {
            "answer": slot.answer,
            "correct": slot.correct,
            "metadata": {
                "model": "+".join(models),
                "provider": "+".join(sorted({_provider(m) for m in models})),
                "start_timestamp": _iso(start),
                "end_timestamp": _iso(end),
                "choices": [],
                "kwargs": {},
                "usage": {
                    "prompt_tokens": prompt[i],
                    "completion_tokens": completion[i],
                    "total_tokens": prompt[i] + completion[i],
                    "completion_tokens_details": {
                        "reasoning_tokens": reasoning[i],
                        "accepted_prediction_tokens": 0,
                        "rejected_prediction_tokens": 0,
                    },
                },
                "cost": {
                    "prompt_cost": prompt_cost,
                    "completion_cost": completion_cost,
                    "reasoning_cost": None,
                    "total_cost": prompt_cost + completion_cost,
                },
                "task_id": task.task_id,
                "pair_index": slot.pair,
                "test_id": None,
            },
        }
    return entries
