"""What the gateway does with failures: pauses, backoff, attempts, budgets, refused keys.

The transport is a plain function playing a script of answers and classified errors (the
``Transport`` seam), on virtual time: no server, no LiteLLM, no sleeping. What LiteLLM turns
each upstream failure into is tested against the fake provider in ``test_gateway_faults``.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from arcloop.errors import (
    AuthenticationError,
    ContextWindowError,
    FatalProviderError,
    ProviderError,
    RateLimitedError,
    RequestTimeoutError,
    TimeBudgetExceededError,
    TimeoutBudgetExceededError,
    TransientProviderError,
)
from arcloop.llm import LLMGateway, Message, RetryPolicy
from tests.llm.conftest import FakeClock, Script, build_gateway, scripted

MESSAGES: list[Message] = [{"role": "user", "content": "hello"}]
MODEL = "openai/fake"
NOWHERE = "http://127.0.0.1:9/v1"  # never contacted: the transport is the script


def _gateway(clock: FakeClock, script: Script, **options: Any) -> LLMGateway:
    transport = scripted(script)
    return build_gateway(clock, api_base=NOWHERE, transport=transport, **options)


def _limited(retry_after: float | None = None, status: int = 429) -> RateLimitedError:
    return RateLimitedError("limited", model=MODEL, status_code=status, retry_after=retry_after)


def _transient(status: int = 500) -> TransientProviderError:
    return TransientProviderError("upstream", model=MODEL, status_code=status)


@pytest.mark.parametrize(
    ("error", "pause"),
    [
        (_limited(7.0), 7.0),
        (_limited(), 2.0),
        (_limited(3.0, 503), 3.0),
        (_limited(None, 529), 2.0),
    ],
    ids=["retry-after", "bare", "503", "529"],
)
def test_rate_limited_waits_the_pause_and_does_not_count_an_attempt(
    error: RateLimitedError, pause: float, clock: FakeClock
) -> None:
    script = Script(error)
    gateway = _gateway(clock, script)
    completion = asyncio.run(gateway.client("openai/fake").complete(MESSAGES, sample_key="a"))
    assert completion.text == "ok"
    assert completion.attempts == 1
    assert len(script.requests) == 2
    assert clock.sleeps[0] == pytest.approx(pause, abs=0.01)
    stats = gateway.stats()
    assert stats.rate_limited == 1 and stats.requests == 2
    assert stats.errors == {"RateLimitedError": 1}


def test_repeated_rate_limits_without_retry_after_double_the_pause(clock: FakeClock) -> None:
    script = Script(_limited(), _limited(), _limited())
    gateway = _gateway(clock, script, retry=RetryPolicy(rate_limit_pause=2.0))
    asyncio.run(gateway.client("openai/fake").complete(MESSAGES, sample_key="a"))
    pauses = [round(s, 2) for s in clock.sleeps if s >= 0.01]  # the gate also waits for tokens
    assert pauses == [2.0, 4.0, 8.0]


def test_a_rate_limit_pauses_every_caller_of_the_model(clock: FakeClock) -> None:
    script = Script(_limited(30.0))
    gateway = _gateway(clock, script, models={"openai/fake": {"max_in_flight": 1}})
    start = clock()

    async def both() -> list[float]:
        client = gateway.client("openai/fake")
        done: list[float] = []

        async def one(key: str) -> None:
            await client.complete(MESSAGES, sample_key=key)
            done.append(clock())

        await asyncio.gather(one("a"), one("b"))
        return done

    done = asyncio.run(both())
    # the first caller's 429 held the second one back too
    assert min(done) - start >= 30.0
    assert len(script.requests) == 3


def test_transient_failures_back_off_with_jitter_and_count(clock: FakeClock) -> None:
    script = Script(_transient(500), _transient(502))
    gateway = _gateway(clock, script, retry=RetryPolicy(max_attempts=3, backoff_base=4.0))
    completion = asyncio.run(gateway.client("openai/fake").complete(MESSAGES, sample_key="a"))
    assert completion.attempts == 3
    assert len(script.requests) == 3
    first, second = clock.sleeps
    assert 2.0 <= first <= 4.0 and 4.0 <= second <= 8.0
    assert gateway.stats().errors == {"TransientProviderError": 2}


def test_transient_failures_give_up_after_max_attempts(clock: FakeClock) -> None:
    script = Script(*[_transient()] * 5)
    gateway = _gateway(clock, script, retry=RetryPolicy(max_attempts=2))
    with pytest.raises(TransientProviderError) as raised:
        asyncio.run(gateway.client("openai/fake").complete(MESSAGES, sample_key="a"))
    assert raised.value.status_code == 500
    assert len(script.requests) == 2
    assert gateway.stats().failed_calls == 1


def test_timeouts_count_against_the_timeout_budget(clock: FakeClock) -> None:
    timeout = RequestTimeoutError("no answer", model="openai/fake")
    script = Script(timeout, timeout, timeout)
    gateway = _gateway(clock, script)
    client = gateway.client("openai/fake", budget=gateway.budget(max_total_timeouts=2))
    with pytest.raises(TimeoutBudgetExceededError):
        asyncio.run(client.complete(MESSAGES, sample_key="a"))
    assert len(script.requests) == 2
    assert client.budget.timeouts == 2
    assert gateway.stats().errors == {"RequestTimeoutError": 2}
    with pytest.raises(TimeoutBudgetExceededError):  # the caller has given up for good
        asyncio.run(client.complete(MESSAGES, sample_key="b"))
    assert len(script.requests) == 2


def test_the_hard_deadline_cancels_a_transport_that_ignores_its_timeout() -> None:
    async def stuck(request: object) -> object:
        await asyncio.sleep(60)
        raise AssertionError("unreachable")

    gateway = build_gateway(
        FakeClock(),
        api_base=NOWHERE,
        models={"openai/fake": {"request_timeout": 0.1}},
        retry=RetryPolicy(max_attempts=1, deadline_grace=0.05),
        transport=stuck,
    )
    with pytest.raises(RequestTimeoutError):
        asyncio.run(gateway.client("openai/fake").complete(MESSAGES, sample_key="a"))


@pytest.mark.parametrize(
    "error",
    [
        FatalProviderError("bad request", model="openai/fake", status_code=400),
        ContextWindowError("too long", model="openai/fake", status_code=400),
    ],
    ids=["fatal", "context-too-long"],
)
def test_fatal_failures_are_not_retried(error: ProviderError, clock: FakeClock) -> None:
    script = Script(error)
    gateway = _gateway(clock, script)
    with pytest.raises(type(error)):
        asyncio.run(gateway.client("openai/fake").complete(MESSAGES, sample_key="a"))
    assert len(script.requests) == 1 and clock.sleeps == []
    assert gateway.stats().failed_calls == 1


def test_a_refused_key_stops_every_caller_promptly(clock: FakeClock) -> None:
    refused = AuthenticationError("refused; set OPENAI_API_KEY", model="openai/fake")
    script = Script(then=refused)
    gateway = _gateway(clock, script, models={"openai/fake": {"max_in_flight": 2}})

    async def many() -> list[BaseException | object]:
        client = gateway.client("openai/fake")
        calls = [client.complete(MESSAGES, sample_key=str(i)) for i in range(50)]
        return await asyncio.gather(*calls, return_exceptions=True)

    results = asyncio.run(many())
    assert all(isinstance(r, AuthenticationError) for r in results)
    assert "OPENAI_API_KEY" in str(results[0])
    assert len(script.requests) <= 2  # only the requests already in flight, not one per caller


def test_rate_limits_are_bounded_by_the_time_budget(clock: FakeClock) -> None:
    script = Script(then=_limited(10.0))
    gateway = _gateway(clock, script)
    client = gateway.client("openai/fake", budget=gateway.budget(max_total_time=25))
    with pytest.raises(TimeBudgetExceededError):
        asyncio.run(client.complete(MESSAGES, sample_key="a"))
    assert len(script.requests) == 3  # at t=0, 10 and 20; the pause to t=30 outlives the budget
