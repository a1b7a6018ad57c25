"""Tasks: train pairs, test inputs and (when known) test outputs.

A ``Task`` holds its test outputs apart from its test inputs so that code which must never see
the answers (solvers, the search, prompts) can be handed ``task.without_solutions()`` and
provably has none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from arcloop.arc.grid import Grid, as_grid
from arcloop.errors import TaskValidationError


@dataclass(frozen=True, slots=True)
class Pair:
    """One train example: an input grid and the output it must become."""

    input: Grid
    output: Grid


@dataclass(frozen=True, slots=True)
class Task:
    """One ARC task.

    Attributes:
        id: the task id, e.g. ``"0934a4d8"``.
        train: the demonstration pairs (at least one).
        test_inputs: the inputs to predict (at least one).
        test_outputs: the expected outputs, in the order of ``test_inputs``; None when unknown.
    """

    id: str
    train: tuple[Pair, ...]
    test_inputs: tuple[Grid, ...]
    test_outputs: tuple[Grid, ...] | None = None

    def __post_init__(self) -> None:
        if not self.train:
            raise TaskValidationError(f"task {self.id}: has no train pairs")
        if not self.test_inputs:
            raise TaskValidationError(f"task {self.id}: has no test inputs")
        if self.test_outputs is not None and len(self.test_outputs) != len(self.test_inputs):
            raise TaskValidationError(
                f"task {self.id}: {len(self.test_outputs)} test outputs for "
                f"{len(self.test_inputs)} test inputs"
            )

    @property
    def has_solutions(self) -> bool:
        return self.test_outputs is not None

    def without_solutions(self) -> Task:
        """The same task with its test outputs removed."""
        return replace(self, test_outputs=None)

    def to_json(self, *, with_solutions: bool = True) -> dict[str, Any]:
        """The task in ARC's JSON form (``{"train": [...], "test": [...]}``)."""
        test: list[dict[str, Any]] = []
        for i, grid in enumerate(self.test_inputs):
            entry: dict[str, Any] = {"input": grid}
            if with_solutions and self.test_outputs is not None:
                entry["output"] = self.test_outputs[i]
            test.append(entry)
        return {
            "train": [{"input": p.input, "output": p.output} for p in self.train],
            "test": test,
        }


MAX_TRAIN_PAIRS = 32
"""Most train pairs a task may have (published ARC tasks have up to 10)."""
MAX_TEST_INPUTS = 16
"""Most test inputs a task may have (published ARC tasks have up to 4)."""


def task_from_json(
    task_id: str,
    data: Any,
    *,
    source: str,
    solutions: Any = None,
) -> Task:
    """Validate ARC task JSON and build a ``Task``.

    Args:
        task_id: the task's id.
        data: the parsed JSON object ``{"train": [...], "test": [...]}``.
        source: the file it came from, named in every error.
        solutions: test outputs given apart (Kaggle ``*_solutions.json``), or None to take
            them from ``data["test"][i]["output"]`` when every test entry has one.

    Raises:
        TaskValidationError: naming source, task id and location, e.g.
            ``t.json: task 1a2b: train[2].output row 4: has 3 cells, row 0 has 4 (ragged grid)``.
    """
    where = f"{source}: task {task_id}:"

    def fail(msg: str) -> TaskValidationError:
        return TaskValidationError(f"{where} {msg}")

    if not isinstance(data, Mapping):
        raise fail(f"is a {type(data).__name__}, not an object with 'train' and 'test'")
    for key in ("train", "test"):
        if key not in data:
            raise fail(f"has no '{key}' list")
        if not isinstance(data[key], list):
            raise fail(f"'{key}' is a {type(data[key]).__name__}, not a list")
    if not data["train"]:
        raise fail("has no train pairs")
    if not data["test"]:
        raise fail("has no test inputs")
    for key, most in (("train", MAX_TRAIN_PAIRS), ("test", MAX_TEST_INPUTS)):
        if len(data[key]) > most:
            raise fail(f"has {len(data[key])} {key} entries; at most {most}")

    def grid(obj: Any, loc: str) -> Grid:
        return as_grid(obj, where=f"{where} {loc}")

    def entry(obj: Any, loc: str) -> Mapping[str, Any]:
        if not isinstance(obj, Mapping):
            raise fail(f"{loc} is a {type(obj).__name__}, not an object")
        if "input" not in obj:
            raise fail(f"{loc} has no 'input'")
        return obj

    train = []
    for i, raw in enumerate(data["train"]):
        e = entry(raw, f"train[{i}]")
        if "output" not in e:
            raise fail(f"train[{i}] has no 'output'")
        train.append(
            Pair(grid(e["input"], f"train[{i}].input"), grid(e["output"], f"train[{i}].output"))
        )

    tests = [entry(raw, f"test[{i}]") for i, raw in enumerate(data["test"])]
    test_inputs = tuple(grid(e["input"], f"test[{i}].input") for i, e in enumerate(tests))

    outputs: tuple[Grid, ...] | None = None
    if solutions is not None:
        if not isinstance(solutions, list):
            raise fail(f"solutions are a {type(solutions).__name__}, not a list of grids")
        if len(solutions) != len(test_inputs):
            raise fail(f"{len(solutions)} solutions for {len(test_inputs)} test inputs")
        outputs = tuple(grid(g, f"solution[{i}]") for i, g in enumerate(solutions))
        for i, e in enumerate(tests):  # a challenges file that carries outputs must agree
            if "output" in e and grid(e["output"], f"test[{i}].output") != outputs[i]:
                raise fail(f"test[{i}].output differs from solution[{i}] of the solutions file")
    elif all("output" in e for e in tests):
        outputs = tuple(grid(e["output"], f"test[{i}].output") for i, e in enumerate(tests))

    return Task(id=task_id, train=tuple(train), test_inputs=test_inputs, test_outputs=outputs)
