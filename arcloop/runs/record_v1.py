"""Version 1 of the stored task result, and its upgrade to version 2.

Version 1 has no ``version`` key. arcloop wrote it up to commit e52a204 (0.1.0), in this
shape (its docstring in ``runs/journal.py`` left out ``program_name`` and ``started_utc``)::

    {"task_id": str, "task": {"train": [{"input", "output"}], "test": [{"input", "output"?}]},
     "attempts": [[grid, ...]], "correct": [bool] | null,
     "cost_usd": float, "prompt_tokens": int, "completion_tokens": int, "calls": int,
     "replayed_calls": int, "seconds": float, "started_utc": str,
     "experts": [{"expert", "model", "prompt", "seed", "stop_reason", "error",
                  "best_iteration",
                  "iterations": [{"iteration", "call_id", "program_name", "code", "error",
                                  "feedback", "train_score", "passed", "train_outputs",
                                  "test_outputs", "prompt_tokens", "completion_tokens",
                                  "cost_usd", "latency_s", "replayed"}]}],
     "vote": [{"rank" (from 0), "size", "passed", "mean_score" (the best score),
               "members", "outputs"}]}

What version 2 changes: one name per concept (``stop_reason`` -> ``stop``, ``best_iteration``
-> ``chosen``, an iteration's ``error`` -> ``extraction_error``, ``mean_score`` ->
``best_score``), ranks from 1, a ``usage`` in place of loose token and cost fields (with the
cached and reasoning tokens version 1 left out, taken from the journaled calls), and the
task's ``score`` and ``finished_utc`` (version 1 kept them in table columns only).

Not here: validating the result (``record.parse_record`` does, after upgrading).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

CallTokens = Mapping[int, tuple[int, int]]
"""Cached and reasoning tokens of each journaled call, by call id."""


def _usage(it: Mapping[str, Any], calls: CallTokens) -> dict[str, Any]:
    call_id = it.get("call_id")
    cached, reasoning = calls.get(call_id, (0, 0)) if isinstance(call_id, int) else (0, 0)
    return {
        "prompt_tokens": it["prompt_tokens"],
        "cached_tokens": cached,
        "completion_tokens": it["completion_tokens"],
        "reasoning_tokens": reasoning,
        "cost_usd": it["cost_usd"],
        "latency_s": it["latency_s"],
    }


def _iteration(it: Mapping[str, Any], calls: CallTokens) -> dict[str, Any]:
    return {
        "iteration": it["iteration"],
        "call_id": it["call_id"],
        "program_name": it.get("program_name"),
        "code": it["code"],
        "extraction_error": it["error"],
        "feedback": it["feedback"],
        "train_score": it["train_score"],
        "passed": it["passed"],
        "train_outputs": it["train_outputs"],
        "test_outputs": it["test_outputs"],
        "usage": _usage(it, calls),
        "replayed": it["replayed"],
    }


def _expert(e: Mapping[str, Any], calls: CallTokens) -> dict[str, Any]:
    return {
        "expert": e["expert"],
        "model": e["model"],
        "prompt": e["prompt"],
        "seed": e["seed"],
        "stop": e["stop_reason"],
        "error": e["error"],
        "chosen": e["best_iteration"],
        "iterations": [_iteration(it, calls) for it in e["iterations"]],
    }


def upgrade(data: Mapping[str, Any], *, finished_utc: str, calls: CallTokens) -> dict[str, Any]:
    """A version 1 result in version 2's shape (not yet validated).

    Args:
        data: the stored version 1 result.
        finished_utc: the ``task_results.finished_utc`` column of its row.
        calls: cached and reasoning tokens of the journal's calls, by id.

    Raises:
        KeyError, TypeError: ``data`` is not a version 1 result.
    """
    experts = [_expert(e, calls) for e in data["experts"]]
    iterations = [it for e in experts for it in e["iterations"]]
    correct = data["correct"]
    task = data["task"]
    return {
        "version": 2,
        "task_id": data["task_id"],
        "task": {
            "train": [{"input": p["input"], "output": p["output"]} for p in task["train"]],
            "test": [{"input": p["input"], "output": p.get("output")} for p in task["test"]],
        },
        "attempts": data["attempts"],
        "correct": correct,
        "score": sum(correct) / len(correct) if correct else None,
        "usage": {
            "prompt_tokens": data["prompt_tokens"],
            "cached_tokens": sum(it["usage"]["cached_tokens"] for it in iterations),
            "completion_tokens": data["completion_tokens"],
            "reasoning_tokens": sum(it["usage"]["reasoning_tokens"] for it in iterations),
            "cost_usd": data["cost_usd"],
            "latency_s": sum(it["usage"]["latency_s"] for it in iterations),
        },
        "calls": data["calls"],
        "replayed_calls": data["replayed_calls"],
        "seconds": data["seconds"],
        "started_utc": data.get("started_utc", finished_utc),
        "finished_utc": finished_utc,
        "experts": experts,
        "vote": [
            {
                "rank": g["rank"] + 1,
                "size": g["size"],
                "passed": g["passed"],
                "best_score": g["mean_score"],
                "members": g["members"],
                "outputs": g["outputs"],
            }
            for g in data["vote"]
        ],
    }
