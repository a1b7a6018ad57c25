"""Run directories written by an older arcloop still open: report, export, resume.

The fixtures in ``fixtures/result-v1`` were written by arcloop at commit e52a204, before stored
task results had a schema version (``fixtures/make_result_v1.py`` says how). Each test works on
a copy, so the fixture itself is never upgraded in place.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from arcloop.cli import main
from arcloop.runs.record import RESULT_VERSION
from tests.report.parse import read_report

FIXTURES = Path(__file__).parent / "fixtures" / "result-v1"
RUNS = ("scored", "unscored")


def _copy(tmp_path: Path, name: str) -> Path:
    run_dir = tmp_path / name  # same name: the report shows the directory's name
    shutil.copytree(FIXTURES / name, run_dir)
    return run_dir


def _arcloop(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.stderr
    return result.stdout


def _usage(old: dict[str, Any], cached: int, reasoning: int) -> dict[str, Any]:
    return {
        "prompt_tokens": old.pop("prompt_tokens"),
        "cached_tokens": cached,
        "completion_tokens": old.pop("completion_tokens"),
        "reasoning_tokens": reasoning,
        "cost_usd": old.pop("cost"),
        "latency_s": old.pop("latency"),
    }


def _with_todays_names(details: dict[str, Any], calls: dict[int, tuple[int, int]]) -> None:
    """The old report's task details, renamed in place as the schema's version 2 names them.

    The cached and reasoning tokens the old report did not show come from the journal.
    """
    for group in details["vote"]:
        group["best_score"] = group.pop("score")
    for expert in details["experts"]:
        expert["chosen"] = expert.pop("best")
        spent = [calls.get(it["call_id"], (0, 0)) for it in expert["iterations"]]
        expert["usage"] = _usage(expert, sum(c for c, _ in spent), sum(r for _, r in spent))
        for it, (cached, reasoning) in zip(expert["iterations"], spent, strict=True):
            it["program_name"] = it.pop("name")
            it["train_score"] = it.pop("score")
            it["extraction_error"] = it.pop("error")
            it["usage"] = _usage(it, cached, reasoning)


@pytest.mark.parametrize("name", RUNS)
def test_the_report_of_an_old_run_shows_what_it_showed(tmp_path: Path, name: str) -> None:
    run_dir = _copy(tmp_path, name)
    (run_dir / "report.html").unlink()
    _arcloop("report", str(run_dir))
    journal = (run_dir / "journal.sqlite").read_bytes()
    assert journal == (FIXTURES / name / "journal.sqlite").read_bytes()  # upgraded in memory only
    new = read_report((run_dir / "report.html").read_text(encoding="utf-8"))
    old = read_report((FIXTURES / name / "report.html").read_text(encoding="utf-8"))
    assert new.run == old.run  # the task table
    with sqlite3.connect(FIXTURES / name / "journal.sqlite") as conn:
        rows = conn.execute("select id, cached_tokens, reasoning_tokens from calls").fetchall()
    for details in old.details:
        _with_todays_names(details, {r[0]: (r[1], r[2]) for r in rows})
    assert new.details == old.details  # every task's grids, vote, programs and iterations


def _reasoning_tokens(name: str) -> dict[str, int]:
    """Each task's reasoning tokens, from its candidates' journaled calls."""
    with sqlite3.connect(FIXTURES / name / "journal.sqlite") as conn:
        rows = conn.execute(
            "select task_id, coalesce(sum(calls.reasoning_tokens), 0) from candidates"
            " left join calls on calls.id = candidates.call_id group by task_id"
        ).fetchall()
    return dict(rows)


@pytest.mark.parametrize("name", RUNS)
def test_an_old_run_exports_the_same_answers_with_its_exact_usage(
    tmp_path: Path, name: str
) -> None:
    run_dir = _copy(tmp_path, name)
    out = tmp_path / "exported"
    _arcloop("export", str(run_dir), "--out", str(out))
    expected = FIXTURES / "exported" / name  # what the arcloop of the fixture exported
    written = sorted(p.name for p in out.iterdir() if p.name != ".arcloop-export.manifest")
    assert written == sorted(p.name for p in expected.iterdir())
    summary = json.loads((FIXTURES / name / "summary.json").read_text())
    usage: list[dict[str, Any]] = []
    for path in expected.iterdir():
        old, new = json.loads(path.read_text()), json.loads((out / path.name).read_text())
        assert [[a["answer"] for a in e.values()] for e in new] == [
            [a["answer"] for a in e.values()] for e in old
        ]
        usage += [a["metadata"]["usage"] for e in new for a in e.values()]
    # the old export rounded each attempt's share, and knew no reasoning tokens
    assert sum(u["prompt_tokens"] for u in usage) == summary["prompt_tokens"]
    assert sum(u["completion_tokens"] for u in usage) == summary["completion_tokens"]
    reasoning = sum(u["completion_tokens_details"]["reasoning_tokens"] for u in usage)
    assert reasoning == sum(_reasoning_tokens(name).values())


def test_resuming_a_finished_old_run_keeps_every_task_and_buys_nothing(tmp_path: Path) -> None:
    run_dir = _copy(tmp_path, "scored")
    before = json.loads((run_dir / "summary.json").read_text())
    (run_dir / "results.jsonl").unlink()
    summary = json.loads(_arcloop("run", "--run-dir", str(run_dir), "--json", "-q"))
    assert summary["tasks_done"] == 3 and summary["requests"] == 0
    for key in ("score_per_task", "score_per_output", "cost_usd", "calls", "prompt_tokens"):
        assert summary[key] == before[key]
    lines = [json.loads(x) for x in (run_dir / "results.jsonl").read_text().splitlines()]
    old = [json.loads(x) for x in (FIXTURES / "scored" / "results.jsonl").read_text().splitlines()]
    reasoning = _reasoning_tokens("scored")
    assert [line.pop("reasoning_tokens") for line in lines] == [reasoning[x["id"]] for x in old]
    assert all(line.pop("cached_tokens") > 0 for line in lines)  # new keys; the rest as it was
    assert lines == old
    assert (run_dir / "submission.json").read_text() == (
        FIXTURES / "scored" / "submission.json"
    ).read_text()


def test_resuming_an_old_run_stores_every_result_in_the_current_version_and_reports_the_same(
    tmp_path: Path,
) -> None:
    resumed = _copy(tmp_path, "scored")
    _arcloop("run", "--run-dir", str(resumed), "-q")
    with sqlite3.connect(resumed / "journal.sqlite") as conn:
        results = [json.loads(r) for (r,) in conn.execute("select result from task_results")]
        columns = conn.execute(
            "select sum(cached_tokens), sum(reasoning_tokens) from candidates"
        ).fetchone()
        calls = conn.execute("select sum(cached_tokens), sum(reasoning_tokens) from calls")
        assert columns == calls.fetchone()  # every call here belongs to a candidate
    assert [r["version"] for r in results] == [RESULT_VERSION] * 3
    assert [[g["rank"] for g in r["vote"]] for r in results] == [[1, 2], [1], [1, 2]]
    untouched = _copy(tmp_path / "copy", "scored")
    for run_dir in (resumed, untouched):
        _arcloop("report", str(run_dir))
    migrated = read_report((resumed / "report.html").read_text(encoding="utf-8"))
    in_memory = read_report((untouched / "report.html").read_text(encoding="utf-8"))
    assert migrated.details == in_memory.details
