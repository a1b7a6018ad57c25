"""One expert's loop against a scripted model and an in-process sandbox."""

from __future__ import annotations

import asyncio
import random

import pytest

from arcloop.errors import (
    AuthenticationError,
    CostBudgetExceededError,
    FatalProviderError,
    TimeBudgetExceededError,
    TimeoutBudgetExceededError,
    TransientProviderError,
)
from arcloop.prompts import load_solver_template
from arcloop.solver.config import ExpertConfig, ExpertSpec
from arcloop.solver.expert import choose_iteration, run_llm_expert, select_earlier
from arcloop.solver.results import ExpertResult, Iteration
from tests.solver.fakes import (
    CRASH,
    FLIP,
    IDENTITY,
    ROT180,
    InProcessSandbox,
    ScriptedModel,
    constant,
    flip_task,
    reply_with,
)


def run(model: ScriptedModel, **settings: object) -> ExpertResult:
    config = ExpertConfig(model="fake/model", **settings)  # type: ignore[arg-type]
    spec = ExpertSpec(index=2, seed=7, config=config, task_id="flip", prompt="solver-1")
    return asyncio.run(
        run_llm_expert(
            spec,
            flip_task(),
            client=model,
            sandbox=InProcessSandbox(),
            template=load_solver_template("solver-1"),
        )
    )


def test_right_on_iteration_3_stops_at_3() -> None:
    model = ScriptedModel([reply_with(IDENTITY), reply_with(CRASH), reply_with(FLIP), "unused"])
    result = run(model, iterations=10)
    assert len(model.calls) == 3
    assert result.stop == "solved"
    assert [it.number for it in result.iterations] == [1, 2, 3]
    assert result.chosen == 3
    assert result.passed
    assert result.test_outputs == (((0, 3, 2), (0, 0, 4)),)
    assert result.calls == 3
    assert result.usage.cost_usd == pytest.approx(0.03)
    assert [it.call_id for it in result.iterations] == [1, 2, 3]


def test_feedback_of_iteration_k_appears_in_prompt_k_plus_1() -> None:
    model = ScriptedModel(
        [reply_with(IDENTITY), "no code here", reply_with(CRASH), reply_with(ROT180)]
    )
    result = run(model, iterations=4)
    assert result.stop == "iterations"
    assert "Earlier program" not in model.calls[0].prompt
    for k in range(1, 4):
        feedback = result.iterations[k - 1].feedback
        assert feedback
        assert feedback in model.calls[k].prompt
    assert "ZeroDivisionError: division by zero" in model.calls[3].prompt
    assert "No program was run: The reply contains no Python code block." in model.calls[2].prompt
    # iteration 1's identity program: pair 1 has 2 of 6 cells right
    assert "Example 1: 2 of 6 cells right (accuracy 0.33)" in result.iterations[0].feedback


def test_sample_keys_are_fixed_by_task_expert_and_iteration() -> None:
    model = ScriptedModel([reply_with(IDENTITY)] * 3)
    run(model, iterations=3)
    assert [c.sample_key for c in model.calls] == [
        f"task=flip/expert=2/seed=7/iteration={k}" for k in (1, 2, 3)
    ]


def test_the_same_config_gives_the_same_prompts() -> None:
    first = ScriptedModel([reply_with(IDENTITY), reply_with(CRASH), reply_with(ROT180)])
    second = ScriptedModel([reply_with(IDENTITY), reply_with(CRASH), reply_with(ROT180)])
    run(first, iterations=3)
    run(second, iterations=3)
    assert [c.prompt for c in first.calls] == [c.prompt for c in second.calls]


def test_shuffled_examples_keep_their_numbers() -> None:
    model = ScriptedModel([reply_with(IDENTITY)] * 6)
    result = run(model, iterations=6, shuffle_examples=True)
    orders = {it.shown_order for it in result.iterations}
    assert len(orders) > 1
    for it, call in zip(result.iterations, model.calls, strict=True):
        positions = [call.prompt.index(f"Example {n}\nInput") for n in it.shown_order]
        assert positions == sorted(positions)
    unshuffled = run(
        ScriptedModel([reply_with(IDENTITY)] * 3), iterations=3, shuffle_examples=False
    )
    assert {it.shown_order for it in unshuffled.iterations} == {(1, 2, 3)}


def test_earlier_programs_shown_best_last_and_capped() -> None:
    replies = [reply_with(constant(9)), reply_with(IDENTITY), reply_with(CRASH), reply_with(ROT180)]
    model = ScriptedModel([*replies, reply_with(IDENTITY)])
    result = run(model, iterations=5, max_solutions=2, improving_order=True)
    scores = {it.number: it.train_score for it in result.iterations}
    last = result.iterations[4]
    assert len(last.shown_solutions) == 2
    shown_scores = [scores[n] for n in last.shown_solutions]
    assert shown_scores == sorted(shown_scores)
    best_two = sorted(scores, key=lambda n: (scores[n], n), reverse=True)
    assert set(last.shown_solutions) == set([n for n in best_two if n < 5][:2])
    # the prompt shows them in that order, numbered 1 and 2
    prompt = model.calls[4].prompt
    first_code = result.iterations[last.shown_solutions[0] - 1].code
    second_code = result.iterations[last.shown_solutions[1] - 1].code
    assert prompt.index(first_code) < prompt.index(second_code)


def test_decreasing_order_and_no_earlier_programs() -> None:
    model = ScriptedModel([reply_with(constant(9)), reply_with(IDENTITY), reply_with(ROT180)])
    result = run(model, iterations=3, improving_order=False)
    scores = [result.iterations[n - 1].train_score for n in result.iterations[2].shown_solutions]
    assert scores == sorted(scores, reverse=True)
    none = run(ScriptedModel([reply_with(IDENTITY)] * 2), iterations=2, max_solutions=0)
    assert none.iterations[1].shown_solutions == ()


def test_selection_probability_is_seeded() -> None:
    its = [_iteration(n, n / 10) for n in range(1, 9)]
    config = ExpertConfig(model="m", selection_probability=0.5, max_solutions=8)
    a = select_earlier(its, config, random.Random("k"))
    b = select_earlier(its, config, random.Random("k"))
    assert [i.number for i in a] == [i.number for i in b]
    assert 0 < len(a) < 8
    assert (
        select_earlier(
            its, config.model_copy(update={"selection_probability": 0.0}), random.Random("k")
        )
        == []
    )


def _iteration(number: int, score: float, *, with_outputs: bool = True) -> Iteration:
    from arcloop.sandbox.types import Outcome

    return Iteration(
        number=number,
        call_id=None,
        prompt="",
        program_name=None,
        shown_order=(),
        shown_solutions=(),
        code="",
        extraction_error=None,
        train_outcomes=(),
        test_outcomes=(Outcome(grid=((1,),)),) if with_outputs else (),
        feedback="",
        train_score=score,
        passed=False,
    )


def test_return_best_or_last() -> None:
    its = [_iteration(1, 0.2), _iteration(2, 0.9), _iteration(3, 0.5)]
    assert choose_iteration(its, return_best=True) == 2
    assert choose_iteration(its, return_best=False) == 3
    assert choose_iteration([], return_best=True) is None
    tied = [_iteration(1, 0.0), _iteration(2, 0.0, with_outputs=False)]
    assert choose_iteration(tied, return_best=True) == 1


def test_return_best_through_the_loop() -> None:
    replies = [reply_with(ROT180), reply_with(IDENTITY), reply_with(constant(9))]
    best = run(ScriptedModel(list(replies)), iterations=3, return_best=True)
    last = run(ScriptedModel(list(replies)), iterations=3, return_best=False)
    assert best.chosen == max(best.iterations, key=lambda i: i.train_score).number
    assert last.chosen == 3


@pytest.mark.parametrize(
    ("error", "stop"),
    [
        (CostBudgetExceededError("cap $1 reached"), "budget"),
        (TimeoutBudgetExceededError("15 timeouts"), "budget"),
        (TimeBudgetExceededError("600 s spent"), "budget"),
        (TransientProviderError("502 after 5 attempts", status_code=502), "provider_error"),
        (FatalProviderError("400 bad request", status_code=400), "provider_error"),
    ],
)
def test_budgets_and_fatal_errors_end_the_expert_with_what_it_has(
    error: Exception, stop: str
) -> None:
    model = ScriptedModel([reply_with(IDENTITY), reply_with(ROT180), error, "unused"])
    result = run(model, iterations=10)
    assert len(model.calls) == 3
    assert result.stop == stop
    assert result.error is not None and result.error.startswith(type(error).__name__)
    assert len(result.iterations) == 2
    assert result.chosen is not None
    assert result.test_outputs


def test_a_budget_before_the_first_call_gives_an_empty_result() -> None:
    result = run(ScriptedModel([CostBudgetExceededError("no money")]))
    assert result.stop == "budget"
    assert result.iterations == ()
    assert result.chosen is None
    assert result.test_outputs == ()


def test_authentication_error_propagates() -> None:
    with pytest.raises(AuthenticationError):
        run(ScriptedModel([reply_with(IDENTITY), AuthenticationError("401", status_code=401)]))
