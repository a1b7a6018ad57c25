"""Spending less for the same answer: waves, an early settle, cache-friendly prompts, and the
free search first."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import pytest

from arcloop.arc.task import Task
from arcloop.errors import ConfigError
from arcloop.llm.types import Completion, Message, Usage
from arcloop.solver import SolverConfig, TaskResult, solve_task
from arcloop.solver.config import SettleRule
from arcloop.solver.settle import is_settled
from tests.solver.fakes import (
    FLIP,
    IDENTITY,
    InProcessSandbox,
    ScriptedModel,
    flip_task,
    reply_with,
)
from tests.solver.test_ensemble import FLIP_BUT_TEST, FakeSearch, Found
from tests.solver.test_vote import A, B, expert


def run(
    config: SolverConfig,
    client_for: object,
    *,
    search: FakeSearch | None = None,
    task: Task | None = None,
) -> TaskResult:
    return asyncio.run(
        solve_task(
            task or flip_task(),
            config,
            client_for=client_for,  # type: ignore[arg-type]
            sandbox=InProcessSandbox(),
            search=search,
        )
    )


def experts(count: int, **solver: object) -> SolverConfig:
    return SolverConfig.model_validate(
        {"experts": [{"model": "fake/a", "count": count, "iterations": 3}], **solver}
    )


# -- waves and the settle rules ----------------------------------------------------------------


def test_two_agreeing_experts_settle_the_vote_and_later_waves_never_start() -> None:
    models = {i: ScriptedModel([reply_with(FLIP)]) for i in range(8)}
    config = experts(8, waves=[2, 2, 4], settle={"agreeing": 2})
    result = run(config, lambda spec: models[spec.index])
    assert [e.index for e in result.experts] == [0, 1]
    assert result.calls == 2
    assert all(not models[i].calls for i in range(2, 8))
    assert result.attempts[0].attempt_1 == ((0, 3, 2), (0, 0, 4))


def test_without_settle_every_expert_runs_as_before() -> None:
    models = {i: ScriptedModel([reply_with(FLIP)]) for i in range(4)}
    result = run(experts(4, waves=[2]), lambda spec: models[spec.index])
    assert [e.index for e in result.experts] == [0, 1, 2, 3]
    assert result.calls == 4


def test_a_disagreement_launches_the_next_wave() -> None:
    models = {
        0: ScriptedModel([reply_with(FLIP)]),
        1: ScriptedModel([reply_with(FLIP_BUT_TEST)]),
        2: ScriptedModel([reply_with(IDENTITY)] * 3),
        3: ScriptedModel([reply_with(FLIP)]),
        4: ScriptedModel([reply_with(FLIP)]),
    }
    config = experts(5, waves=[2, 2], settle={"agreeing": 2})
    result = run(config, lambda spec: models[spec.index])
    # wave 1 disagrees; in wave 2 expert 3 agrees with expert 0: settled, expert 4 never runs
    assert [e.index for e in result.experts] == [0, 1, 2, 3]
    assert not models[4].calls
    assert set(result.groups[0].experts) == {0, 3}


def test_a_margin_settles_when_the_leader_is_far_enough_ahead() -> None:
    rule = SettleRule(margin=2)
    flip, again = expert(0, (A,), passed=True), expert(2, (A,), passed=True)
    other = expert(1, (B,), passed=True)
    assert not is_settled([flip], rule, n_tests=1)
    assert is_settled([flip, again], rule, n_tests=1)
    assert not is_settled([flip, again, other], rule, n_tests=1)


def test_failing_experts_that_agree_do_not_settle_the_vote() -> None:
    failing = [expert(i, (A,), score=0.9) for i in range(3)]
    assert not is_settled(failing, SettleRule(agreeing=2, margin=1), n_tests=1)


def test_settle_and_waves_are_validated_with_the_key_named() -> None:
    with pytest.raises(ConfigError, match=r"^settle: .*needs a rule"):
        SolverConfig.from_document({"experts": [{"model": "m"}], "solver": {"settle": {}}})
    with pytest.raises(ConfigError, match=r"^settle.agreeing: "):
        SolverConfig.from_document(
            {"experts": [{"model": "m"}], "solver": {"settle": {"agreeing": 0}}}
        )
    with pytest.raises(ConfigError, match=r"^waves.1: "):
        SolverConfig.from_document({"experts": [{"model": "m"}], "solver": {"waves": [2, 0]}})
    with pytest.raises(ConfigError, match=r"^in_flight: "):
        SolverConfig.from_document({"experts": [{"model": "m"}], "solver": {"in_flight": "later"}})


@dataclass
class SlowModel:
    """Answers after ``delay`` seconds of (event-loop) waiting; records starts and ends."""

    reply: str
    delay: float
    model: str = "fake/slow"
    started: list[str] = field(default_factory=list)
    finished: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.model

    async def complete(self, messages: list[Message], *, sample_key: str) -> Completion:
        self.started.append(sample_key)
        await asyncio.sleep(self.delay)
        self.finished.append(sample_key)
        return Completion(text=self.reply, model=self.model, usage=Usage(cost_usd=0.5))


@pytest.mark.parametrize(("in_flight", "slow_calls_answered"), [("cancel", 0), ("finish", 1)])
def test_a_call_in_flight_is_cancelled_or_finished_when_the_vote_settles(
    in_flight: str, slow_calls_answered: int
) -> None:
    fast = {i: SlowModel(reply_with(FLIP), delay=0.0) for i in range(2)}
    slow = SlowModel(reply_with(IDENTITY), delay=0.5)
    config = experts(3, settle={"agreeing": 2}, in_flight=in_flight)
    result = run(config, lambda spec: fast[spec.index] if spec.index < 2 else slow)
    assert len(slow.started) == 1  # it never starts a second call
    assert len(slow.finished) == slow_calls_answered
    third = result.experts[2]
    assert third.stop == "settled"
    assert len(third.iterations) == slow_calls_answered
    assert result.calls == 2 + slow_calls_answered


# -- the free search first ----------------------------------------------------------------------


def test_the_search_runs_before_any_paid_call_and_joins_the_vote() -> None:
    search = FakeSearch([Found("mirror", FLIP, 3)])
    order: list[str] = []

    class Model(ScriptedModel):
        async def complete(self, messages: list[Message], *, sample_key: str) -> Completion:
            order.append("model" if search.seen else "model before search")
            return await super().complete(messages, sample_key=sample_key)

    models = {0: Model([reply_with(FLIP)]), 1: Model([reply_with(FLIP)])}
    config = SolverConfig.model_validate(
        {
            "experts": [
                {"model": "fake/a", "count": 2, "iterations": 2},
                {"model": "local/search"},
            ],
            "settle": {"agreeing": 2},
            "waves": [1],
        }
    )
    result = run(config, lambda spec: models[spec.index], search=search)
    assert order == ["model"]  # one paid call, made after the search had run
    # the search (expert 2) and the first paid expert agree: settled after one paid call
    assert [e.index for e in result.experts] == [0, 2]
    assert set(result.groups[0].experts) == {0, 2}


def test_a_search_that_fits_every_pair_skips_the_paid_experts_when_asked() -> None:
    config = SolverConfig.model_validate(
        {
            "experts": [{"model": "local/search"}, {"model": "fake/a", "count": 8}],
            "skip_paid_when_search_fits": True,
        }
    )
    asked: list[int] = []
    search = FakeSearch([Found("m", FLIP)])
    result = run(config, lambda spec: asked.append(spec.index), search=search)
    assert asked == []
    assert result.calls == 0
    assert result.attempts[0].attempt_1 == ((0, 3, 2), (0, 0, 4))


def test_a_search_that_does_not_fit_leaves_the_paid_experts_to_work() -> None:
    models = {1: ScriptedModel([reply_with(FLIP)])}
    config = SolverConfig.model_validate(
        {
            "experts": [{"model": "local/search"}, {"model": "fake/a"}],
            "skip_paid_when_search_fits": True,
        }
    )
    result = run(
        config, lambda spec: models[spec.index], search=FakeSearch([Found("id", IDENTITY)])
    )
    assert result.calls == 1
    assert result.experts[1].passed


# -- cache-friendly prompts ---------------------------------------------------------------------


def _joined(messages: Sequence[Message]) -> str:
    return "\n\n".join(m["content"] for m in messages)


def test_cache_friendly_prompts_extend_the_previous_prompt() -> None:
    wrong = [reply_with(IDENTITY)] * 5
    model = ScriptedModel(list(wrong))
    config = experts(1, cache_friendly_prompts=True)
    config = config.model_copy(
        update={"experts": (config.experts[0].model_copy(update={"iterations": 5}),)}
    )
    result = run(config, lambda spec: model)
    assert result.calls == 5
    prompts = [c.messages for c in model.calls]
    for before, after in itertools.pairwise(prompts):
        assert after[: len(before) - 1] == before[:-1]  # every message but the closing one
        assert len(after) == len(before) + 1 or len(before) == 1
    # the examples keep one order through the expert's iterations
    orders = {it.shown_order for it in result.experts[0].iterations}
    assert len(orders) == 1


def test_cache_friendly_prompts_say_what_the_single_message_prompt_says() -> None:
    plain = ScriptedModel([reply_with(IDENTITY)] * 3)
    friendly = ScriptedModel([reply_with(IDENTITY)] * 3)
    base = {"model": "fake/a", "iterations": 3, "shuffle_examples": False}
    run(SolverConfig.model_validate({"experts": [base]}), lambda spec: plain)
    run(
        SolverConfig.model_validate({"experts": [base], "cache_friendly_prompts": True}),
        lambda spec: friendly,
    )
    # with one earlier program (iteration 2) both show the same one: the same text
    assert _joined(friendly.calls[1].messages) == plain.calls[1].messages[0]["content"]
    assert len(plain.calls[1].messages) == 1


def test_experts_with_cache_friendly_prompts_still_see_different_orders() -> None:
    task = Task(
        id="many",
        train=flip_task().train * 2,
        test_inputs=flip_task().test_inputs,
    )
    models = {i: ScriptedModel([reply_with(FLIP)]) for i in range(4)}
    config = experts(4, cache_friendly_prompts=True)
    result = run(config, lambda spec: models[spec.index], task=task)
    assert len({e.iterations[0].shown_order for e in result.experts}) > 1
