from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from arcloop.arc.dataset import load_dataset
from arcloop.arc.submission import build_submission
from arcloop.cli import main


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_datasets_lists_counts_and_hashes() -> None:
    code, out, _ = run("datasets", "--json")
    assert code == 0
    rows = {r["name"]: r for r in json.loads(out)}
    assert rows["arc-agi-2/evaluation"]["tasks"] == 120
    assert rows["arc-agi-2/evaluation"]["outputs"] == 167
    assert rows["arc-agi-1/training"]["hash"] == load_dataset("arc-agi-1/training").hash


def test_show_prints_the_task_grids() -> None:
    code, out, _ = run("show", "007bbfb7")
    assert code == 0
    assert "task 007bbfb7" in out and "train[0] input 3x3" in out and "output 9x9" in out


def test_score_json_of_the_true_solutions(tmp_path: Path) -> None:
    d = load_dataset("arc-agi-2/evaluation")
    sub = build_submission(d.tasks, {t.id: [[g] for g in t.test_outputs or ()] for t in d.tasks})
    path = tmp_path / "submission.json"
    path.write_text(json.dumps(sub))
    code, out, _ = run("score", str(path), "--dataset", "arc-agi-2/evaluation", "--json")
    assert code == 0
    assert json.loads(out) == {
        "dataset": "arc-agi-2/evaluation",
        "dataset_hash": d.hash,
        "solutions_hash": d.solutions_hash,
        "score_per_task": 1.0,
        "score_per_output": 1.0,
        "tasks": 120,
        "outputs": 167,
        "solved_outputs": 167,
        "missing_tasks": 0,
        "foreign_tasks": [],
    }


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"train": [', "not valid JSON"),
        (
            json.dumps(
                {"train": [{"input": [[1, 2], [3]], "output": [[1]]}], "test": [{"input": [[1]]}]}
            ),
            "task.json: task task: train[0].input row 1: has 1 cells, row 0 has 2 (ragged grid)",
        ),
    ],
)
def test_bad_task_files_give_one_line_and_exit_2(
    tmp_path: Path, content: str, expected: str
) -> None:
    bad = tmp_path / "task.json"
    bad.write_text(content)
    sub = tmp_path / "s.json"
    sub.write_text("{}")
    code, out, err = run("score", str(sub), "--dataset", str(bad))
    assert code == 2
    assert out == ""
    assert err.startswith("arcloop: error: ") and expected in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_debug_env_shows_the_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARCLOOP_DEBUG", "1")
    result = CliRunner().invoke(main, ["score", str(tmp_path / "nope.json"), "-d", "nope"])
    assert result.exception is not None and type(result.exception).__name__ == "DatasetError"


def test_strict_score_rejects_an_invalid_submission(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"00576224": [{"attempt_1": [], "attempt_2": [[1]]}]}))
    code, _, err = run("score", str(path), "-d", "arc-agi-2/training", "--strict")
    assert code == 2 and "invalid submission" in err
