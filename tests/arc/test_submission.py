from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from arcloop._io import write_json_atomic
from arcloop.arc.dataset import load_dataset
from arcloop.arc.grid import PLACEHOLDER, Grid
from arcloop.arc.submission import (
    build_submission,
    score_submission,
    submission_problems,
    validate_submission,
)
from arcloop.errors import SubmissionError

EVAL = load_dataset("arc-agi-1/evaluation")


def _truth(tasks: object = EVAL.tasks) -> dict[str, list[list[Grid]]]:
    return {t.id: [[g] for g in t.test_outputs or ()] for t in tasks}  # type: ignore[attr-defined]


def test_true_solutions_score_one_both_ways() -> None:
    sub = build_submission(EVAL.tasks, _truth())
    validate_submission(sub, EVAL.tasks)
    s = score_submission(EVAL.tasks, sub)
    assert (s.score_per_task, s.score_per_output) == (1.0, 1.0)
    assert (s.tasks, s.outputs, s.solved_outputs, s.missing_tasks) == (400, 419, 419, 0)


def test_missing_half_the_tasks_counts_them_wrong() -> None:
    truth = _truth()
    kept = {tid: truth[tid] for tid in list(truth)[:200]}
    raw = json.loads(json.dumps(build_submission(EVAL.tasks, kept)))
    half = {tid: raw[tid] for tid in kept}  # the other 200 are absent from the file
    s = score_submission(EVAL.tasks, half)
    assert s.missing_tasks == 200 and s.tasks == 400
    assert s.score_per_task == pytest.approx(0.5)
    assert 0.45 < s.score_per_output < 0.55


def test_second_attempt_counts_and_partial_tasks_score_fractions() -> None:
    task = next(t for t in EVAL.tasks if len(t.test_inputs) == 2)
    assert task.test_outputs is not None
    wrong = ((1,),)
    sub = build_submission([task], {task.id: [[wrong, task.test_outputs[0]], [wrong]]})
    s = score_submission([task], sub)
    assert s.per_task[task.id] == (True, False)
    assert (s.score_per_task, s.score_per_output) == (0.5, 0.5)


def test_built_submission_is_always_complete_and_valid() -> None:
    sub = build_submission(EVAL.tasks, {})
    assert list(sub) == [t.id for t in EVAL.tasks]
    for t in EVAL.tasks:
        assert len(sub[t.id]) == len(t.test_inputs)
        assert sub[t.id][0] == {"attempt_1": PLACEHOLDER, "attempt_2": PLACEHOLDER}
    validate_submission(sub, EVAL.tasks)


def test_build_rejects_an_invalid_attempt() -> None:
    t = EVAL.tasks[0]
    with pytest.raises(SubmissionError, match="attempt has 0 rows"):
        build_submission([t], {t.id: [[()]]})


def test_validator_rejects_empty_attempts_and_wrong_counts() -> None:
    tasks = EVAL.tasks[:3]
    sub = json.loads(json.dumps(build_submission(tasks, _truth(tasks))))
    sub[tasks[0].id][0]["attempt_1"] = []
    sub[tasks[1].id].append(sub[tasks[1].id][0])
    del sub[tasks[2].id][0]["attempt_2"]
    sub["extra"] = []
    problems = submission_problems(sub, tasks)
    assert problems == [
        "task extra: not in the dataset",
        f"task {tasks[0].id} test 0: attempt_1 has 0 rows; a grid has 1..30",
        f"task {tasks[1].id}: 2 entries for 1 test inputs",
        f"task {tasks[2].id} test 0: attempt_2 missing",
    ]
    with pytest.raises(SubmissionError, match=r"^invalid submission: .*\(and 1 more\)$"):
        validate_submission(sub, tasks)


def test_malformed_entries_score_as_wrong_not_as_errors() -> None:
    tasks = EVAL.tasks[:2]
    s = score_submission(tasks, {tasks[0].id: "junk", tasks[1].id: [{"attempt_1": None}]})
    assert s.solved_outputs == 0 and s.missing_tasks == 0


def test_atomic_write_leaves_old_file_when_serialisation_fails(tmp_path: Path) -> None:
    path = tmp_path / "submission.json"
    write_json_atomic(path, {"a": 1})
    with pytest.raises(TypeError):
        write_json_atomic(path, {"a": object()})
    assert json.loads(path.read_text()) == {"a": 1}
    assert os.listdir(tmp_path) == ["submission.json"]


def test_atomic_write_gives_files_the_usual_mode(tmp_path: Path) -> None:
    mask = os.umask(0)
    os.umask(mask)
    path = tmp_path / "summary.json"
    write_json_atomic(path, {})
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask
