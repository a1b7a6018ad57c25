"""Score a program on the train pairs and tell the model exactly where it went wrong.

For each train pair the program's ``Outcome`` is compared with the expected output:

- right: ``Example 1: solved.`` (accuracy 1.0);
- the wrong shape: predicted and expected shapes, and the predicted grid (accuracy 0.0);
- the right shape but wrong cells: a diff grid where a right cell shows its value and a wrong cell
  shows ``predicted/expected`` (accuracy = fraction of right cells);
- a failure: its kind, message and trimmed traceback (accuracy 0.0); a traceback repeated on
  a later pair is not written again.

The soft score of a program is the mean accuracy over the train pairs, in 0..1.

>>> ev = evaluate([Outcome(grid=((1, 2), (3, 4)))], [((1, 2), (3, 5))])
>>> print(ev.text())
Example 1: 3 of 4 cells right (accuracy 0.75). Wrong cells are shown as predicted/expected:
1 2
3 4/5
Score: 0.75 (mean accuracy over 1 example; 0 of 1 solved).

Not here: running the program (the sandbox) or how feedback is placed in a prompt (the prompts).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from arcloop.arc.grid import Grid, shape
from arcloop.prompts.task_text import grid_to_text, shape_text
from arcloop.sandbox.types import Failure, Outcome

MAX_TRACEBACK_LINES = 12
MAX_TRACEBACK_CHARS = 1500

_ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{6,}\b")

PairStatus = Literal["solved", "wrong_cells", "wrong_shape", "failed"]


@dataclass(frozen=True, slots=True)
class PairFeedback:
    """How a program did on one train pair.

    Attributes:
        number: the pair's number, from 1, in the task's own order.
        status: solved, wrong_cells, wrong_shape or failed.
        accuracy: fraction of right cells, 0..1 (0 for a wrong shape or a failure).
        text: the feedback paragraph for the model.
    """

    number: int
    status: PairStatus
    accuracy: float
    text: str

    @property
    def solved(self) -> bool:
        return self.status == "solved"


@dataclass(frozen=True, slots=True)
class Evaluation:
    """A program's feedback on every train pair, and its soft score.

    Attributes:
        pairs: one ``PairFeedback`` per train pair, in the task's order.
        score: mean accuracy over the pairs, 0..1.
    """

    pairs: tuple[PairFeedback, ...]
    score: float

    @property
    def passed(self) -> bool:
        """True when every train pair is solved."""
        return all(p.solved for p in self.pairs)

    def text(self) -> str:
        """The whole feedback: one paragraph per pair, then the score line."""
        n = len(self.pairs)
        solved = sum(p.solved for p in self.pairs)
        noun = "example" if n == 1 else "examples"
        summary = (
            f"Score: {self.score:.2f} (mean accuracy over {n} {noun}; {solved} of {n} solved)."
        )
        return "\n".join([*(p.text for p in self.pairs), summary])


def stable_text(text: str) -> str:
    """``text`` with memory addresses (``0x7f3a...``) masked.

    Feedback goes into the next prompt, and a journaled answer is replayed only when the prompt
    is identical, so feedback must not change from one run of the same program to the next.

    >>> stable_text("<Foo object at 0x7f3a2c1b9d30>")
    '<Foo object at 0x...>'
    """
    return _ADDRESS.sub("0x...", text)


def trim_traceback(text: str) -> str:
    """The last ``MAX_TRACEBACK_LINES`` lines of a traceback, at most ``MAX_TRACEBACK_CHARS``."""
    lines = text.strip("\n").splitlines()
    if len(lines) > MAX_TRACEBACK_LINES:
        lines = ["...", *lines[-MAX_TRACEBACK_LINES:]]
    trimmed = "\n".join(lines)
    if len(trimmed) > MAX_TRACEBACK_CHARS:
        trimmed = "..." + trimmed[-MAX_TRACEBACK_CHARS:]
    return trimmed


def diff_grid(predicted: Grid, expected: Grid) -> str:
    """Cells joined by spaces; a wrong cell is ``predicted/expected``. Shapes must be equal.

    >>> print(diff_grid(((1, 2),), ((1, 3),)))
    1 2/3
    """
    return "\n".join(
        " ".join(str(p) if p == e else f"{p}/{e}" for p, e in zip(prow, erow, strict=True))
        for prow, erow in zip(predicted, expected, strict=True)
    )


def failure_text(number: int, failure: Failure) -> str:
    """The paragraph for a program that produced no grid on train pair ``number``."""
    head = f"Example {number}: the program failed ({failure.kind}): {stable_text(failure.message)}"
    if not failure.traceback.strip():
        return head
    return f"{head}\nTraceback (trimmed):\n{stable_text(trim_traceback(failure.traceback))}"


def pair_feedback(number: int, outcome: Outcome, expected: Grid) -> PairFeedback:
    """Compare one outcome with the expected output of train pair ``number``."""
    if outcome.grid is None:
        assert outcome.failure is not None
        return PairFeedback(number, "failed", 0.0, failure_text(number, outcome.failure))
    predicted = outcome.grid
    if predicted == expected:
        return PairFeedback(number, "solved", 1.0, f"Example {number}: solved.")
    if shape(predicted) != shape(expected):
        text = (
            f"Example {number}: wrong output shape: predicted {shape_text(predicted)}, "
            f"expected {shape_text(expected)} (rows x columns). The predicted grid was:\n"
            f"{grid_to_text(predicted)}"
        )
        return PairFeedback(number, "wrong_shape", 0.0, text)
    cells = sum(len(row) for row in expected)
    right = sum(
        p == e
        for prow, erow in zip(predicted, expected, strict=True)
        for p, e in zip(prow, erow, strict=True)
    )
    accuracy = right / cells
    text = (
        f"Example {number}: {right} of {cells} cells right (accuracy {accuracy:.2f}). "
        f"Wrong cells are shown as predicted/expected:\n{diff_grid(predicted, expected)}"
    )
    return PairFeedback(number, "wrong_cells", accuracy, text)


def evaluate(outcomes: Sequence[Outcome], expected: Sequence[Grid]) -> Evaluation:
    """Feedback and soft score for a program's outcomes on the train pairs.

    Args:
        outcomes: the program's outcome on each train input, in the task's order.
        expected: the train outputs, in the same order.

    Raises:
        ValueError: the two sequences differ in length.
    """
    if len(outcomes) != len(expected):
        raise ValueError(f"{len(outcomes)} outcomes for {len(expected)} train pairs")
    pairs: list[PairFeedback] = []
    first_seen: dict[Failure, int] = {}
    for i, (outcome, grid) in enumerate(zip(outcomes, expected, strict=True), start=1):
        failure = outcome.failure
        if failure is not None and failure.traceback.strip() and failure in first_seen:
            # the same crash on several pairs: show its traceback once
            message = stable_text(failure.message)
            head = f"Example {i}: the program failed ({failure.kind}): {message}"
            text = f"{head} (same traceback as example {first_seen[failure]})"
            pairs.append(PairFeedback(i, "failed", 0.0, text))
            continue
        if failure is not None:
            first_seen.setdefault(failure, i)
        pairs.append(pair_feedback(i, outcome, grid))
    score = sum(p.accuracy for p in pairs) / len(pairs) if pairs else 0.0
    return Evaluation(tuple(pairs), score)


def extraction_feedback(reason: str) -> str:
    """The feedback for a reply from which no program could be taken."""
    return f"No program was run: {reason}\nScore: 0.00"
