"""The ``benchmarking`` export, scored as the ARC Prize harness scores it (``tests.runs.harness``).

A run against a fake provider on 127.0.0.1 with two experts on two models of different prices:
``fake-a`` always answers a mirror program, ``fake-b`` a transpose. Task ``mirror2`` (two test
inputs) is solved by expert 0 at once while expert 1 tries twice; ``transpose`` the other way
round; the fake refuses every request about ``broken`` (400), so a provider failed it.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from arcloop.cli import main
from arcloop.runs.benchmarking import largest_remainder
from tests.fakeprovider import FakeProvider, Fault, Usage
from tests.runs.harness import Grid, HarnessRejects, score_folder

MIRROR = "```python\nimport numpy as np\n\ndef transform(grid):\n    return np.fliplr(grid)\n```"
TRANSPOSE = (
    "```python\nimport numpy as np\n\ndef transform(grid):\n    return np.transpose(grid)\n```"
)
MARKER = [9, 8, 9, 8, 9, 8, 9, 8, 9]  # only in the task the fake refuses
USAGE = Usage(prompt_tokens=1001, cached_tokens=100, completion_tokens=333, reasoning_tokens=77)


def _grid(seed: int, rows: int, cols: int) -> Grid:
    return [[(seed * 7 + r * 3 + c * 5) % 10 for c in range(cols)] for r in range(rows)]


def _mirror(g: Grid) -> Grid:
    return [row[::-1] for row in g]


def _transpose(g: Grid) -> Grid:
    return [list(r) for r in zip(*g, strict=True)]


def _tasks(folder: Path) -> dict[str, dict[str, Any]]:
    folder.mkdir()
    tasks: dict[str, dict[str, Any]] = {
        "mirror2": {
            "train": [
                {"input": g, "output": _mirror(g)} for g in map(_grid, (1, 2, 3), [3] * 3, [4] * 3)
            ],
            "test": [{"input": g, "output": _mirror(g)} for g in (_grid(4, 3, 4), _grid(5, 2, 5))],
        },
        "transpose": {
            "train": [
                {"input": g, "output": _transpose(g)} for g in (_grid(6, 3, 3), _grid(7, 3, 3))
            ],
            "test": [{"input": _grid(8, 3, 3), "output": _transpose(_grid(8, 3, 3))}],
        },
        "broken": {
            "train": [{"input": [MARKER], "output": [MARKER]}],
            "test": [{"input": [MARKER[:3]], "output": [MARKER[:3]]}],
        },
    }
    for name, task in tasks.items():
        (folder / f"{name}.json").write_text(json.dumps(task))
    return tasks


def _reply(body: Any) -> str:
    return MIRROR if body["model"] == "fake-a" else TRANSPOSE


def _refuse_broken(index: int, body: Any) -> Fault | None:
    return Fault.bad_request() if " ".join(map(str, MARKER)) in json.dumps(body) else None


def _config(path: Path, fake: FakeProvider) -> Path:
    path.write_text(
        f"""
[run]
concurrency = 3

[models."openai/fake-a"]
api_base = "{fake.openai_base}"
request_timeout = 5
price = {{ input = 1.0, cached_input = 0.5, output = 4.0 }}

[models."openai/fake-b"]
api_base = "{fake.openai_base}"
request_timeout = 5
price = {{ input = 2.0, cached_input = 2.0, output = 8.0 }}

[[experts]]
model = "openai/fake-a"
iterations = 2

[[experts]]
model = "openai/fake-b"
iterations = 2
"""
    )
    return path


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One run and its export, shared by the tests below (they only read them)."""
    tmp = tmp_path_factory.mktemp("harness")
    tasks = _tasks(tmp / "tasks")
    run_dir, out = tmp / "run", tmp / "out"
    with FakeProvider(reply=_reply, usage=USAGE) as fake:
        fake.fault_fn = _refuse_broken
        config = _config(tmp / "c.toml", fake)
        ran = CliRunner().invoke(
            main,
            ["run", "-c", str(config), "-d", str(tmp / "tasks"), "--run-dir", str(run_dir), "-q"],
        )
    assert ran.exit_code == 0, ran.output
    done = CliRunner().invoke(main, ["export", str(run_dir), "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert (
        done.stdout == f"wrote 3 task files to {out} (1 with no answer: a provider failed them)\n"
    )
    solutions = {name: [p["output"] for p in t["test"]] for name, t in tasks.items()}
    return {
        "run_dir": run_dir,
        "out": out,
        "solutions": solutions,
        "summary": json.loads((run_dir / "summary.json").read_text()),
        "files": {p.stem: json.loads(p.read_text()) for p in out.glob("*.json")},
    }


def test_the_harness_scores_the_export_as_arcloop_scored_the_run(exported: dict[str, Any]) -> None:
    scored = score_folder(exported["out"], exported["solutions"])
    summary = exported["summary"]
    assert sorted(scored.tasks) == ["broken", "mirror2", "transpose"]
    assert scored.score / len(scored.tasks) == pytest.approx(summary["score_per_task"]) == 2 / 3
    assert scored.cost == pytest.approx(summary["cost_usd"], rel=1e-9)
    assert scored.attempts == 2 * 4  # two slots per test input, the failed task's included


def test_token_counts_add_up_exactly_to_the_runs(exported: dict[str, Any]) -> None:
    attempts = [
        a for entries in exported["files"].values() for e in entries for a in e.values() if a
    ]
    usage = [a["metadata"]["usage"] for a in attempts]
    summary = exported["summary"]
    assert sum(u["prompt_tokens"] for u in usage) == summary["prompt_tokens"] == 6 * 1001
    assert sum(u["completion_tokens"] for u in usage) == summary["completion_tokens"] == 6 * 333
    assert all(u["total_tokens"] == u["prompt_tokens"] + u["completion_tokens"] for u in usage)
    reasoning = sum(u["completion_tokens_details"]["reasoning_tokens"] for u in usage)
    assert reasoning == 6 * 77
    # 3 calls of 1001 prompt tokens over mirror2's 4 attempts: no quarter is a whole number
    mirror2 = [
        a["metadata"]["usage"]["prompt_tokens"]
        for e in exported["files"]["mirror2"]
        for a in e.values()
    ]
    assert sorted(mirror2) == [750, 751, 751, 751]


def test_cost_is_split_by_each_models_price(exported: dict[str, Any]) -> None:
    costs = [a["metadata"]["cost"] for e in exported["files"]["mirror2"] for a in e.values()]
    # expert 0 (fake-a): one call; expert 1 (fake-b): two calls; 1001 prompt (100 cached), 333 out
    prompt = ((1001 - 100) * 1.0 + 100 * 0.5 + 2 * 1001 * 2.0) / 1e6
    completion = (333 * 4.0 + 2 * 333 * 8.0) / 1e6
    assert sum(c["prompt_cost"] for c in costs) == pytest.approx(prompt, rel=1e-9)
    assert sum(c["completion_cost"] for c in costs) == pytest.approx(completion, rel=1e-9)
    for c in costs:
        assert c["total_cost"] == pytest.approx(c["prompt_cost"] + c["completion_cost"])
        assert c["reasoning_cost"] is None  # billed inside the completion


def _spans(run_dir: Path, task_id: str, expert: int) -> tuple[datetime, datetime]:
    """When the calls of one expert on one task started and ended, from the journal."""
    with sqlite3.connect(run_dir / "journal.sqlite") as conn:
        rows = conn.execute(
            "SELECT c.datetime_utc, c.duration_ms FROM candidates k JOIN calls c"
            " ON c.id = k.call_id WHERE k.task_id = ? AND k.expert = ?",
            (task_id, expert),
        ).fetchall()
    ends = [datetime.fromisoformat(r[0]) for r in rows]
    starts = [e - timedelta(milliseconds=r[1]) for e, r in zip(ends, rows, strict=True)]
    return min(starts), max(ends)


def test_each_attempt_spans_the_calls_that_produced_it(exported: dict[str, Any]) -> None:
    run_dir = exported["run_dir"]
    for task_id, first, second in (("mirror2", 0, 1), ("transpose", 1, 0)):
        for entry in exported["files"][task_id]:
            for key, expert in (("attempt_1", first), ("attempt_2", second)):
                meta = entry[key]["metadata"]
                span = (
                    datetime.fromisoformat(meta["start_timestamp"]),
                    datetime.fromisoformat(meta["end_timestamp"]),
                )
                assert span == _spans(run_dir, task_id, expert), (task_id, key)
                assert meta["model"] == f"openai/fake-{'ab'[expert]}"
                assert meta["provider"] == "openai"


def test_answers_and_correct_flags_follow_the_vote(exported: dict[str, Any]) -> None:
    solutions = exported["solutions"]
    mirror2 = exported["files"]["mirror2"]
    for i, entry in enumerate(mirror2):
        assert entry["attempt_1"]["answer"] == solutions["mirror2"][i]
        assert entry["attempt_1"]["correct"] is True
        assert entry["attempt_2"]["correct"] is False
        assert entry["attempt_1"]["metadata"]["pair_index"] == i


def test_a_task_a_provider_failed_has_no_answer(exported: dict[str, Any]) -> None:
    assert exported["files"]["broken"] == [{"attempt_1": None, "attempt_2": None}]
    scored = score_folder(exported["out"], exported["solutions"]).tasks["broken"]
    assert (scored.score, scored.cost, scored.attempts) == (0.0, 0.0, 2)


def test_the_harness_check_refuses_what_the_harness_refuses(tmp_path: Path) -> None:
    (tmp_path / ".arcloop-export.json").write_text("{}")  # the scorer reads hidden files too
    with pytest.raises(HarnessRejects, match="no task"):
        score_folder(tmp_path, {})
    (tmp_path / ".arcloop-export.json").unlink()
    (tmp_path / "t.json").write_text(json.dumps([{"attempt_1": {"answer": [[1]]}}]))
    with pytest.raises(HarnessRejects, match="metadata"):
        score_folder(tmp_path, {"t": [[[1]]]})


def test_largest_remainder_keeps_the_total() -> None:
    for total in (0, 1, 7, 30_030, 30_036):
        for weights in ([1.0], [1.0, 1.0, 1.0], [1.0, 0.0, 1.0, 1.0], [3.0, 1.0, 1.0]):
            parts = largest_remainder(total, weights)
            assert sum(parts) == total
            assert all(p == 0 for p, w in zip(parts, weights, strict=True) if w == 0)
