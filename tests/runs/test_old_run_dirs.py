"""Run directories written by an older arcloop still open: report, export, resume.

The fixtures in ``fixtures/result-v1`` were written by arcloop at commit e52a204, before stored
task results had a schema version (``fixtures/make_result_v1.py`` says how). Each test works on
a copy, so the fixture itself is never upgraded in place.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from arcloop.cli import main
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


@pytest.mark.parametrize("name", RUNS)
def test_the_report_of_an_old_run_shows_what_it_showed(tmp_path: Path, name: str) -> None:
    run_dir = _copy(tmp_path, name)
    (run_dir / "report.html").unlink()
    _arcloop("report", str(run_dir))
    new = read_report((run_dir / "report.html").read_text(encoding="utf-8"))
    old = read_report((FIXTURES / name / "report.html").read_text(encoding="utf-8"))
    assert new.run == old.run  # the task table
    assert new.details == old.details  # every task's grids, vote, programs and iterations


@pytest.mark.parametrize("name", RUNS)
def test_an_old_run_exports_as_it_did(tmp_path: Path, name: str) -> None:
    run_dir = _copy(tmp_path, name)
    out = tmp_path / "exported"
    _arcloop("export", str(run_dir), "--out", str(out))
    expected = FIXTURES / "exported" / name
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in expected.iterdir())
    for path in expected.iterdir():
        assert json.loads((out / path.name).read_text()) == json.loads(path.read_text())


def test_resuming_a_finished_old_run_keeps_every_task_and_buys_nothing(tmp_path: Path) -> None:
    run_dir = _copy(tmp_path, "scored")
    before = json.loads((run_dir / "summary.json").read_text())
    (run_dir / "results.jsonl").unlink()
    summary = json.loads(_arcloop("run", "--run-dir", str(run_dir), "--json", "-q"))
    assert summary["tasks_done"] == 3 and summary["requests"] == 0
    for key in ("score_per_task", "score_per_output", "cost_usd", "calls", "prompt_tokens"):
        assert summary[key] == before[key]
    assert (run_dir / "results.jsonl").read_text() == (
        FIXTURES / "scored" / "results.jsonl"
    ).read_text()
    assert (run_dir / "submission.json").read_text() == (
        FIXTURES / "scored" / "submission.json"
    ).read_text()
