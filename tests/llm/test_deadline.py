"""The run deadline: no call starts that its model's longest answer says cannot finish."""

from __future__ import annotations

import asyncio

import pytest

from arcloop.errors import TimeBudgetExceededError
from arcloop.llm import Message
from arcloop.llm.budget import RunDeadline
from arcloop.llm.transport import ProviderReply, ProviderRequest
from tests.llm.conftest import FakeClock, build_gateway

MESSAGES: list[Message] = [{"role": "user", "content": "Solve it."}]


def test_no_call_starts_that_cannot_finish_before_the_deadline(clock: FakeClock) -> None:
    sent: list[ProviderRequest] = []

    async def transport(request: ProviderRequest) -> ProviderReply:
        sent.append(request)
        clock.now += 40.0  # each answer takes 40 s
        return ProviderReply("ok")

    deadline = RunDeadline(at=clock.now + 100.0, clock=clock)
    gateway = build_gateway(
        clock,
        api_base="http://127.0.0.1:9/v1",
        models={"openai/fake": {"request_timeout": 600}},
        transport=transport,
        deadline=deadline,
    )
    client = gateway.client("openai/fake")

    async def calls() -> list[str]:
        answered = []
        for k in range(3):
            try:
                answered.append((await client.complete(MESSAGES, sample_key=str(k))).text)
            except TimeBudgetExceededError as e:
                answered.append(str(e))
        return answered

    answered = asyncio.run(calls())
    # at 0 s and at 40 s a call may start; at 80 s 20 s are left for a 40 s answer
    assert answered[:2] == ["ok", "ok"]
    assert answered[2] == "run deadline: 20 s left, and an answer of openai/fake took 40 s"
    assert len(sent) == 2
    # a call never gets more time than is left before the deadline
    assert [r.timeout for r in sent] == [100.0, 60.0]


def test_a_caller_budget_ends_at_the_deadline(clock: FakeClock) -> None:
    deadline = RunDeadline(at=clock.now + 10.0, clock=clock)
    budget = build_gateway(clock, api_base="http://127.0.0.1:9/v1", deadline=deadline).budget(
        max_total_time=3600
    )
    assert budget.remaining_time() == 10.0
    clock.now += 10.0
    with pytest.raises(TimeBudgetExceededError, match="run deadline reached"):
        budget.check()
