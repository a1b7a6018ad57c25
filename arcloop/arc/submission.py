"""Kaggle ``submission.json``: build it, validate it, score it.

The format, for every task of the dataset and every test input in order::

    {"<task id>": [{"attempt_1": grid, "attempt_2": grid}, ...], ...}

A submission built here is valid by construction: every task present, one entry per test
input, both attempts present and each a real grid. A test input nobody predicted gets
``PLACEHOLDER`` (a 1x1 grid), never ``[]``, which Kaggle rejects.

Scoring follows the ARC Prize: a test output is solved when ``attempt_1`` or ``attempt_2``
equals it exactly. Two scores are reported, both iterating the *dataset's* tasks, so a task
missing from the submission counts as wrong instead of vanishing from the denominator:

- per task: mean over tasks of the fraction of the task's test outputs solved;
- per output: solved test outputs / all test outputs.

>>> from arcloop.arc.task import Pair, Task
>>> t = Task("t1", (Pair(((1,),), ((2,),)),), test_inputs=(((1,),), ((3,),)),
...          test_outputs=(((2,),), ((4,),)))
>>> sub = build_submission([t], {"t1": [[((2,),)], []]})
>>> sub["t1"][1]
{'attempt_1': ((0,),), 'attempt_2': ((0,),)}
>>> s = score_submission([t], sub)
>>> (s.score_per_task, s.score_per_output, s.solved_outputs)
(0.5, 0.5, 1)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from arcloop.arc.grid import PLACEHOLDER, Grid, grid_problem
from arcloop.arc.task import Task
from arcloop.errors import DatasetError, SubmissionError

Submission = dict[str, list[dict[str, Grid]]]
ATTEMPT_KEYS = ("attempt_1", "attempt_2")


def build_submission(
    tasks: Iterable[Task], attempts: Mapping[str, Sequence[Sequence[Grid]]]
) -> Submission:
    """Build a valid submission for ``tasks`` from per-task attempts.

    Args:
        tasks: every task of the dataset, in order (all of them appear in the result).
        attempts: task id -> one list per test input of up to two grids, best first. Tasks
            absent here, test inputs beyond the list, and missing attempts get ``PLACEHOLDER``.

    Raises:
        SubmissionError: an attempt is not a valid grid, or a task has more attempt lists
            than test inputs (a programming error upstream, not something to paper over).
    """
    out: Submission = {}
    for task in tasks:
        per_input = attempts.get(task.id, ())
        if len(per_input) > len(task.test_inputs):
            raise SubmissionError(
                f"task {task.id}: {len(per_input)} attempt lists"
                f" for {len(task.test_inputs)} test inputs"
            )
        entries = []
        for i in range(len(task.test_inputs)):
            guesses = list(per_input[i]) if i < len(per_input) else []
            for g in guesses:
                problem = grid_problem(g)
                if problem is not None:
                    raise SubmissionError(f"task {task.id} test {i}: attempt {problem}")
            guesses = [*guesses[:2], *[PLACEHOLDER] * (2 - len(guesses[:2]))]
            entries.append(dict(zip(ATTEMPT_KEYS, guesses, strict=True)))
        out[task.id] = entries
    return out


def submission_problems(submission: Any, tasks: Iterable[Task]) -> list[str]:
    """Every reason ``submission`` would be rejected for ``tasks`` (empty when valid)."""
    if not isinstance(submission, Mapping):
        return [f"a submission is an object of task id -> entries, not {type(submission).__name__}"]
    problems: list[str] = []
    task_list = list(tasks)
    known = {t.id for t in task_list}
    for tid in sorted(set(submission) - known):
        problems.append(f"task {tid}: not in the dataset")
    for task in task_list:
        if task.id not in submission:
            problems.append(f"task {task.id}: missing")
            continue
        entries = submission[task.id]
        if not isinstance(entries, list):
            problems.append(f"task {task.id}: entries must be a list, not {type(entries).__name__}")
            continue
        if len(entries) != len(task.test_inputs):
            problems.append(
                f"task {task.id}: {len(entries)} entries for {len(task.test_inputs)} test inputs"
            )
        for i, entry in enumerate(entries):
            if not isinstance(entry, Mapping):
                problems.append(f"task {task.id} test {i}: entry is not an object")
                continue
            for key in ATTEMPT_KEYS:
                if key not in entry:
                    problems.append(f"task {task.id} test {i}: {key} missing")
                    continue
                problem = grid_problem(entry[key])
                if problem is not None:
                    problems.append(f"task {task.id} test {i}: {key} {problem}")
    return problems


def validate_submission(submission: Any, tasks: Iterable[Task]) -> None:
    """Raise ``SubmissionError`` naming the first problems when ``submission`` is invalid."""
    problems = submission_problems(submission, tasks)
    if problems:
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise SubmissionError("invalid submission: " + "; ".join(problems[:3]) + more)


@dataclass(frozen=True)
class Score:
    """Both ARC scores of a submission, and the counts behind them."""

    tasks: int
    outputs: int
    solved_outputs: int
    score_per_task: float
    score_per_output: float
    missing_tasks: int
    per_task: dict[str, tuple[bool, ...]] = field(repr=False)
    """task id -> solved flag per test output."""
    foreign_tasks: tuple[str, ...] = ()
    """Task ids of the submission that are not in the dataset (sorted; not scored)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "score_per_task": self.score_per_task,
            "score_per_output": self.score_per_output,
            "tasks": self.tasks,
            "outputs": self.outputs,
            "solved_outputs": self.solved_outputs,
            "missing_tasks": self.missing_tasks,
            "foreign_tasks": list(self.foreign_tasks),
        }


def _same_grid(attempt: Any, expected: Grid) -> bool:
    if not isinstance(attempt, list | tuple) or len(attempt) != len(expected):
        return False
    return all(
        isinstance(row, list | tuple) and tuple(row) == exp
        for row, exp in zip(attempt, expected, strict=True)
    )


def solved_flags(task: Task, entries: Any) -> tuple[bool, ...]:
    """Per test output of ``task``: did either attempt in ``entries`` match it exactly?

    Malformed or missing entries count as wrong, never as an error: scoring must not be
    stopped by one bad task.

    Raises:
        DatasetError: ``task`` has no known test outputs.
    """
    if task.test_outputs is None:
        raise DatasetError(f"task {task.id}: has no test outputs, so it cannot be scored")
    flags = []
    for i, expected in enumerate(task.test_outputs):
        entry = entries[i] if isinstance(entries, list) and i < len(entries) else None
        ok = isinstance(entry, Mapping) and any(
            _same_grid(entry.get(key), expected) for key in ATTEMPT_KEYS
        )
        flags.append(ok)
    return tuple(flags)


def score_submission(tasks: Iterable[Task], submission: Mapping[str, Any]) -> Score:
    """Score ``submission`` against every task in ``tasks`` (see the module docstring).

    Raises:
        DatasetError: a task has no known test outputs.
    """
    per_task: dict[str, tuple[bool, ...]] = {}
    missing = 0
    tasks = tuple(tasks)
    for task in tasks:
        if task.id not in submission:
            missing += 1
        per_task[task.id] = solved_flags(task, submission.get(task.id))
    n_tasks = len(per_task)
    outputs = sum(len(f) for f in per_task.values())
    solved = sum(sum(f) for f in per_task.values())
    return Score(
        tasks=n_tasks,
        outputs=outputs,
        solved_outputs=solved,
        score_per_task=sum(sum(f) / len(f) for f in per_task.values()) / n_tasks
        if n_tasks
        else 0.0,
        score_per_output=solved / outputs if outputs else 0.0,
        missing_tasks=missing,
        per_task=per_task,
        foreign_tasks=tuple(sorted(set(submission) - {t.id for t in tasks})),
    )
