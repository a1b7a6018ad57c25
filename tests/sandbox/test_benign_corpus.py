"""Benign programs run in the sandbox exactly as in plain Python: the seccomp allow-list, the
filesystem view and the limits take nothing away that real programs use.

The corpus (``tests/sandbox/corpus``) holds 220 programs the offline search emitted and the
written ones; each runs on real task inputs (or three generic grids), in the sandbox and in a
plain interpreter, and every result must agree: the same grid, or the same exception.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from arcloop.arc.dataset import find_task
from arcloop.arc.grid import Grid
from arcloop.sandbox import Outcome, ProcessSandbox
from tests.sandbox.corpus import search_programs, written_programs

ROOT = Path(__file__).resolve().parents[2]
GENERIC: list[Grid] = [
    ((0, 1, 1, 0, 2, 2, 0), (1, 1, 0, 0, 2, 0, 0), (0, 0, 0, 3, 3, 3, 0), (4, 0, 0, 3, 0, 3, 0),
     (4, 4, 0, 3, 3, 3, 0), (0, 0, 0, 0, 0, 0, 5)),
    tuple(tuple((r * 7 + c * 3) % 10 for c in range(12)) for r in range(12)),
    ((0, 0, 0), (0, 0, 0), (0, 0, 0)),
]  # fmt: skip


def _corpus() -> list[tuple[str, str, list[Grid]]]:
    jobs = []
    for entry in search_programs():
        task = find_task(entry["task"])
        inputs = [p.input for p in task.train] + list(task.test_inputs)
        jobs.append((f"search:{entry['task']}", entry["source"], inputs))
    for name, source in written_programs().items():
        jobs.append((f"written:{name}", source, GENERIC))
    return jobs


def _reference(jobs: list[tuple[str, str, list[Grid]]]) -> list[list[dict[str, Any]]]:
    payload = json.dumps([[code, [list(map(list, g)) for g in inputs]] for _, code, inputs in jobs])
    done = subprocess.run(
        [sys.executable, "-m", "tests.sandbox.corpus.reference"],
        input=payload,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=True,
    )
    result: list[list[dict[str, Any]]] = json.loads(done.stdout)
    return result


def _expected(records: list[dict[str, Any]], n: int) -> list[tuple[str, Any]]:
    """What each input should give: ("grid", rows) or (failure kind, exception name)."""
    out: list[tuple[str, Any]] = [("none", None)] * n
    for record in records:
        if "syntax" in record:
            return [("syntax", None)] * n
        value = (
            ("grid", record["grid"])
            if "grid" in record
            else (record["fail"], record.get("message", "").split(":")[0])
        )
        out[record["i"]] = value
    return out


def _seen(outcome: Outcome) -> tuple[str, Any]:
    if outcome.grid is not None:
        return ("grid", [list(row) for row in outcome.grid])
    assert outcome.failure is not None
    return (outcome.failure.kind, outcome.failure.message.split(":")[0])


@pytest.mark.slow
def test_benign_corpus_runs_as_in_plain_python(roomy_sandbox: ProcessSandbox) -> None:
    sandbox = roomy_sandbox
    jobs = _corpus()
    assert len(jobs) >= 250
    reference = _reference(jobs)

    async def run_all() -> list[list[Outcome]]:
        return await asyncio.gather(*(sandbox.run(code, inputs) for _, code, inputs in jobs))

    outcomes = asyncio.run(run_all())
    differences = [
        f"{name}: sandbox {[_seen(o) for o in got]} != plain {_expected(ref, len(got))}"
        for (name, _, _), got, ref in zip(jobs, outcomes, reference, strict=True)
        if [_seen(o) for o in got] != _expected(ref, len(got))
    ]
    assert differences == [], "\n".join(differences[:10])
    solved = sum(all(o.ok for o in got) for got in outcomes)
    assert solved >= 230  # most corpus programs return a grid for every input
