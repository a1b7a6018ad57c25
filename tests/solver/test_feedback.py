"""Structured feedback on exact strings, and the soft score."""

from __future__ import annotations

import pytest

from arcloop.sandbox.types import Failure, Outcome
from arcloop.solver.feedback import (
    MAX_TRACEBACK_LINES,
    evaluate,
    extraction_feedback,
    trim_traceback,
)

EXPECTED = ((1, 2), (3, 4))


def test_every_kind_of_pair_on_exact_text() -> None:
    outcomes = [
        Outcome(grid=EXPECTED),
        Outcome(grid=((1, 2), (3, 5))),
        Outcome(grid=((1, 2, 0),)),
        Outcome(
            failure=Failure(
                "exception",
                "ZeroDivisionError: division by zero",
                '  File "<program>", line 2, in transform\nZeroDivisionError: division by zero',
            )
        ),
        Outcome(failure=Failure("timeout", "the program ran longer than 5 s")),
        Outcome(
            failure=Failure(
                "exception",
                "ZeroDivisionError: division by zero",
                '  File "<program>", line 2, in transform\nZeroDivisionError: division by zero',
            )
        ),
    ]
    evaluation = evaluate(outcomes, [EXPECTED] * 6)
    assert evaluation.text() == (
        "Example 1: solved.\n"
        "Example 2: 3 of 4 cells right (accuracy 0.75). Wrong cells are shown as "
        "predicted/expected:\n"
        "1 2\n"
        "3 5/4\n"
        "Example 3: wrong output shape: predicted 1x3, expected 2x2 (rows x columns). "
        "The predicted grid was:\n"
        "1 2 0\n"
        "Example 4: the program failed (exception): ZeroDivisionError: division by zero\n"
        "Traceback (trimmed):\n"
        '  File "<program>", line 2, in transform\n'
        "ZeroDivisionError: division by zero\n"
        "Example 5: the program failed (timeout): the program ran longer than 5 s\n"
        "Example 6: the program failed (exception): ZeroDivisionError: division by zero "
        "(same traceback as example 4)\n"
        "Score: 0.29 (mean accuracy over 6 examples; 1 of 6 solved)."
    )
    assert [p.status for p in evaluation.pairs] == [
        "solved",
        "wrong_cells",
        "wrong_shape",
        "failed",
        "failed",
        "failed",
    ]
    assert [p.accuracy for p in evaluation.pairs] == [1.0, 0.75, 0.0, 0.0, 0.0, 0.0]
    assert evaluation.score == pytest.approx(1.75 / 6)
    assert not evaluation.passed


def test_all_solved_scores_one() -> None:
    evaluation = evaluate([Outcome(grid=EXPECTED)] * 2, [EXPECTED] * 2)
    assert evaluation.passed
    assert evaluation.score == 1.0
    assert evaluation.text() == (
        "Example 1: solved.\nExample 2: solved.\n"
        "Score: 1.00 (mean accuracy over 2 examples; 2 of 2 solved)."
    )


def test_soft_score_is_the_mean_cell_accuracy() -> None:
    grid_a = ((0, 0, 0, 0),)
    evaluation = evaluate(
        [Outcome(grid=((0, 0, 0, 1),)), Outcome(grid=((5, 5), (5, 5)))],
        [grid_a, ((5, 5), (5, 6))],
    )
    assert evaluation.score == pytest.approx((0.75 + 0.75) / 2)
    assert 0.0 <= evaluation.score <= 1.0


def test_long_tracebacks_are_trimmed_to_their_end() -> None:
    lines = [f"line {i}" for i in range(40)]
    trimmed = trim_traceback("\n".join(lines))
    assert trimmed.splitlines() == ["...", *lines[-MAX_TRACEBACK_LINES:]]
    assert trim_traceback("x" * 5000).startswith("...")
    assert len(trim_traceback("x" * 5000)) <= 1503


def test_lengths_must_agree() -> None:
    with pytest.raises(ValueError, match="1 outcomes for 2 train pairs"):
        evaluate([Outcome(grid=EXPECTED)], [EXPECTED, EXPECTED])


def test_extraction_feedback() -> None:
    assert extraction_feedback("No code.") == "No program was run: No code.\nScore: 0.00"


def test_feedback_masks_memory_addresses_so_replay_sees_the_same_prompt() -> None:
    failure = Failure(
        "exception",
        "TypeError: bad <Foo object at 0x7f3a2c1b9d30>",
        "  line 2, in transform\nTypeError: bad <Foo object at 0x7f3a2c1b9d30>",
    )
    text = evaluate([Outcome(failure=failure)], [EXPECTED]).text()
    assert "0x7f3a" not in text
    assert text.count("<Foo object at 0x...>") == 2
