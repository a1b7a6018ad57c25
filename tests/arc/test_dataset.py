from __future__ import annotations

import json
from pathlib import Path

import pytest

from arcloop.arc.dataset import BUNDLED, load_dataset
from arcloop.errors import DatasetError, TaskValidationError

TASK = {
    "train": [{"input": [[1, 0]], "output": [[0, 1]]}],
    "test": [{"input": [[2, 0]], "output": [[0, 2]]}],
}


@pytest.mark.parametrize(
    ("name", "tasks", "outputs"),
    [
        ("arc-agi-1/training", 400, 416),
        ("arc-agi-1/evaluation", 400, 419),
        ("arc-agi-2/training", 1000, 1076),
        ("arc-agi-2/evaluation", 120, 167),
    ],
)
def test_bundled_datasets_have_their_published_sizes(name: str, tasks: int, outputs: int) -> None:
    d = load_dataset(name)
    assert (len(d.tasks), d.test_output_count, d.has_solutions) == (tasks, outputs, True)
    assert len(d.hash) == 64


def test_bundled_hashes_differ_and_are_stable() -> None:
    hashes = {load_dataset(n).hash for n in BUNDLED}
    assert len(hashes) == len(BUNDLED)
    d = load_dataset("arc-agi-2/evaluation")
    assert d.hash == d.select().hash == d.select(limit=3).hash


def test_hash_changes_when_a_single_cell_of_the_challenge_changes(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps(TASK))
    before = load_dataset(tmp_path)
    changed = json.loads(json.dumps(TASK))
    changed["test"][0]["input"] = [[3, 0]]
    (tmp_path / "a.json").write_text(json.dumps(changed))
    assert load_dataset(tmp_path).hash != before.hash


def test_test_outputs_change_the_solutions_hash_not_the_hash(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps(TASK))
    before = load_dataset(tmp_path)
    changed = json.loads(json.dumps(TASK))
    changed["test"][0]["output"] = [[0, 3]]
    (tmp_path / "a.json").write_text(json.dumps(changed))
    after = load_dataset(tmp_path)
    assert after.hash == before.hash
    assert after.solutions_hash != before.solutions_hash
    assert after.hash_with_outputs != before.hash_with_outputs  # the hash earlier runs stored
    del changed["test"][0]["output"]
    (tmp_path / "a.json").write_text(json.dumps(changed))
    unsolved = load_dataset(tmp_path)
    assert (unsolved.hash, unsolved.solutions_hash) == (before.hash, None)


def test_single_task_file_and_folder(tmp_path: Path) -> None:
    (tmp_path / "b2.json").write_text(json.dumps(TASK))
    (tmp_path / "a1.json").write_text(json.dumps(TASK))
    (tmp_path / "notes.txt").write_text("ignored")
    one = load_dataset(tmp_path / "b2.json")
    assert [t.id for t in one.tasks] == ["b2"]
    folder = load_dataset(tmp_path)
    assert [t.id for t in folder.tasks] == ["a1", "b2"]
    assert folder.name == str(tmp_path)


def _kaggle(tmp_path: Path) -> Path:
    challenges = {
        "t1": {"train": TASK["train"], "test": [{"input": [[2, 0]]}]},
        "t2": {"train": TASK["train"], "test": [{"input": [[3, 0]]}, {"input": [[4, 0]]}]},
    }
    path = tmp_path / "arc-agi_test_challenges.json"
    path.write_text(json.dumps(challenges))
    return path


def test_kaggle_challenges_without_solutions(tmp_path: Path) -> None:
    d = load_dataset(_kaggle(tmp_path))
    assert [t.id for t in d.tasks] == ["t1", "t2"]
    assert not d.has_solutions


def test_kaggle_solutions_beside_are_paired(tmp_path: Path) -> None:
    path = _kaggle(tmp_path)
    sol = {"t1": [[[0, 2]]], "t2": [[[0, 3]], [[0, 4]]]}
    (tmp_path / "arc-agi_test_solutions.json").write_text(json.dumps(sol))
    d = load_dataset(path)
    assert d.has_solutions
    assert d.task("t2").test_outputs == (((0, 3),), ((0, 4),))


def test_kaggle_solutions_given_explicitly_must_cover_every_task(tmp_path: Path) -> None:
    path = _kaggle(tmp_path)
    sol = tmp_path / "answers.json"
    sol.write_text(json.dumps({"t1": [[[0, 2]]]}))
    with pytest.raises(DatasetError, match="no solutions for task ids: t2"):
        load_dataset(path, solutions=sol)
    sol.write_text(json.dumps({"t1": [[[0, 2]]], "t2": [[[0, 3]]]}))
    with pytest.raises(TaskValidationError, match="task t2: 1 solutions for 2 test inputs"):
        load_dataset(path, solutions=sol)


def test_malformed_json_names_file_and_position(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"train": [}')
    with pytest.raises(DatasetError) as err:
        load_dataset(bad)
    assert str(err.value).startswith(f"{bad}: not valid JSON: ")
    assert "line 1 column 12" in str(err.value)


def test_unknown_name_lists_the_bundled_ones() -> None:
    with pytest.raises(DatasetError, match="bundled: arc-agi-1/training, arc-agi-1/evaluation"):
        load_dataset("arc-agi-3/evaluation")


def test_select_keeps_order_and_rejects_unknown_ids() -> None:
    d = load_dataset("arc-agi-2/evaluation")
    ids = [d.tasks[5].id, d.tasks[2].id]
    assert [t.id for t in d.select(ids).tasks] == ids
    assert len(d.select(limit=7).tasks) == 7
    with pytest.raises(DatasetError, match="no task with id 'nope'"):
        d.select(["nope"])
