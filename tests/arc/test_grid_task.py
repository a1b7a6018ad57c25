from __future__ import annotations

import pytest

from arcloop.arc.grid import as_grid, grid_problem
from arcloop.arc.task import task_from_json
from arcloop.errors import TaskValidationError


@pytest.mark.parametrize(
    ("obj", "reason"),
    [
        ([], "has 0 rows; a grid has 1..30"),
        ([[]], "row 0: has 0 cells; a row has 1..30"),
        ([[1, 2], [3]], "row 1: has 1 cells, row 0 has 2 (ragged grid)"),
        ([[1, 10]], "row 0 col 1: 10 is not an int 0-9"),
        ([[1, -1]], "row 0 col 1: -1 is not an int 0-9"),
        ([[1.0]], "row 0 col 0: 1.0 is not an int 0-9"),
        ([[True]], "row 0 col 0: True is not an int 0-9"),
        ([["1"]], "row 0 col 0: '1' is not an int 0-9"),
        ([[0] * 31], "row 0: has 31 cells; a row has 1..30"),
        ([[0]] * 31, "has 31 rows; a grid has 1..30"),
        ("12", "is a str, not a list of rows"),
        ([1, 2], "row 0: is a int, not a list of cells"),
        (None, "is a NoneType, not a list of rows"),
    ],
)
def test_grid_problems_are_named_precisely(obj: object, reason: str) -> None:
    assert grid_problem(obj) == reason
    with pytest.raises(TaskValidationError, match=r"^here "):
        as_grid(obj, where="here")


def test_valid_grids_round_trip_to_tuples() -> None:
    for rows, cols in [(1, 1), (30, 30), (3, 7)]:
        grid = [[(r * cols + c) % 10 for c in range(cols)] for r in range(rows)]
        assert as_grid(grid) == tuple(tuple(r) for r in grid)
        assert grid_problem(as_grid(grid)) is None


def _task(**over: object) -> dict[str, object]:
    data: dict[str, object] = {
        "train": [{"input": [[1]], "output": [[2]]}] * 3,
        "test": [{"input": [[1]], "output": [[2]]}],
    }
    data.update(over)
    return data


def test_task_errors_name_file_task_and_location() -> None:
    bad_train = [{"input": [[1]], "output": [[2]]}] * 2 + [
        {"input": [[1, 1]] * 4, "output": [[1, 1], [1, 1], [1, 1], [1, 1], [2]]}
    ]
    with pytest.raises(TaskValidationError) as err:
        task_from_json("abc", _task(train=bad_train), source="f.json")
    assert str(err.value) == (
        "f.json: task abc: train[2].output row 4: has 1 cells, row 0 has 2 (ragged grid)"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_task(train=[]), "f.json: task t: has no train pairs"),
        (_task(test=[]), "f.json: task t: has no test inputs"),
        ({"train": []}, "f.json: task t: has no 'test' list"),
        ([1], "f.json: task t: is a list, not an object with 'train' and 'test'"),
        (_task(train=[{"input": [[1]]}]), "f.json: task t: train[0] has no 'output'"),
        (_task(test=[{"output": [[1]]}]), "f.json: task t: test[0] has no 'input'"),
    ],
)
def test_task_structure_errors(data: object, message: str) -> None:
    with pytest.raises(TaskValidationError) as err:
        task_from_json("t", data, source="f.json")
    assert str(err.value) == message


def test_solutions_must_match_test_inputs_in_count() -> None:
    with pytest.raises(TaskValidationError, match="2 solutions for 1 test inputs"):
        task_from_json("t", _task(), source="f.json", solutions=[[[1]], [[2]]])


def test_outputs_are_kept_apart_and_can_be_removed() -> None:
    task = task_from_json("t", _task(), source="f.json")
    assert task.test_outputs == (((2,),),)
    blind = task.without_solutions()
    assert blind.test_outputs is None and blind.test_inputs == task.test_inputs
    assert "output" not in blind.to_json()["test"][0]
