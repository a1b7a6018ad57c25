"""The vote: grouping, ranking, diversity first, attempts; unchanged under permutation."""

from __future__ import annotations

import itertools
import random

from arcloop.arc.grid import Grid
from arcloop.sandbox.types import Failure, Outcome
from arcloop.solver.results import ExpertResult, Iteration
from arcloop.solver.vote import vote

A: Grid = ((1,),)
B: Grid = ((2,),)
C: Grid = ((3,),)
D: Grid = ((4, 4),)


def expert(
    index: int, outputs: tuple[Grid | None, ...], *, passed: bool = False, score: float = 0.5
) -> ExpertResult:
    outcomes = tuple(
        Outcome(grid=g) if g is not None else Outcome(failure=Failure("exception", "boom"))
        for g in outputs
    )
    iteration = Iteration(
        number=1,
        call_id=None,
        prompt="solver-1",
        program_name=None,
        shown_order=(),
        shown_solutions=(),
        code="",
        extraction_error=None,
        train_outcomes=(),
        test_outcomes=outcomes,
        feedback="",
        train_score=1.0 if passed else score,
        passed=passed,
    )
    return ExpertResult(
        index=index,
        seed=index,
        model="m",
        prompt="solver-1",
        iterations=(iteration,),
        chosen=1,
        stop="solved" if passed else "iterations",
    )


def nothing(index: int) -> ExpertResult:
    return ExpertResult(
        index=index, seed=index, model="m", prompt="", iterations=(), chosen=None, stop="budget"
    )


WORKED = [
    expert(0, (A,), passed=True),
    expert(1, (B,), score=0.9),
    expert(2, (A,), passed=True),
    expert(3, (A,), score=0.5),
    expert(4, (C,), score=0.9),
    expert(5, (C,), score=0.7),
]


def test_the_worked_example_of_the_docstring() -> None:
    result = vote(WORKED, n_tests=1)
    assert [(g.outputs, g.experts, g.passed) for g in result.groups] == [
        ((A,), (0, 2, 3), True),
        ((C,), (4, 5), False),
        ((B,), (1,), False),
    ]
    assert result.ranking == (0, 4, 1, 2, 3, 5)
    assert (result.attempts[0].attempt_1, result.attempts[0].attempt_2) == (A, C)


def test_failing_groups_rank_by_size_then_best_score() -> None:
    results = [
        expert(0, (A,), score=0.9),
        expert(1, (B,), score=0.3),
        expert(2, (B,), score=0.4),
        expert(3, (C,), score=0.8),
    ]
    result = vote(results, n_tests=1)
    assert [g.outputs for g in result.groups] == [(B,), (A,), (C,)]
    assert [g.best_score for g in result.groups] == [0.4, 0.9, 0.8]
    assert (result.attempts[0].attempt_1, result.attempts[0].attempt_2) == (B, A)


def test_the_majority_passing_output_wins_over_a_larger_failing_group() -> None:
    results = [
        expert(0, (A,), passed=True),
        expert(1, (B,), passed=True),
        expert(2, (B,), passed=True),
        *(expert(i, (C,), score=0.99) for i in range(3, 8)),
    ]
    result = vote(results, n_tests=1)
    assert (result.attempts[0].attempt_1, result.attempts[0].attempt_2) == (B, A)


def test_attempts_are_distinct_per_test_input_and_skip_failures() -> None:
    results = [
        expert(0, (A, B), passed=True),
        expert(1, (A, None), passed=True),
        expert(2, (C, B), score=0.1),
    ]
    result = vote(results, n_tests=2)
    first, second = result.attempts
    assert (first.attempt_1, first.attempt_2) == (A, C)
    assert (second.attempt_1, second.attempt_2) == (B, None)


def test_experts_without_grids_take_no_part() -> None:
    results = [nothing(0), expert(1, (None,), score=0.9), expert(2, (D,), score=0.1)]
    result = vote(results, n_tests=1)
    assert [g.experts for g in result.groups] == [(2,)]
    assert result.ranking == (2,)
    assert (result.attempts[0].attempt_1, result.attempts[0].attempt_2) == (D, None)
    empty = vote([nothing(0)], n_tests=2)
    assert empty.groups == ()
    assert [(a.attempt_1, a.attempt_2) for a in empty.attempts] == [(None, None)] * 2


def test_vote_is_unchanged_under_permutation_of_expert_order() -> None:
    rng = random.Random(0)
    grids = [A, B, C, D]
    for _ in range(30):
        results = [
            expert(
                i,
                (rng.choice(grids), rng.choice([*grids, None])),
                passed=rng.random() < 0.3,
                score=rng.choice([0.1, 0.5, 0.9]),
            )
            for i in range(6)
        ]
        reference = vote(results, n_tests=2)
        for perm in itertools.islice(itertools.permutations(results), 0, None, 37):
            assert vote(list(perm), n_tests=2) == reference
