"""Every failure the issue names, against the fake provider, through LiteLLM and the gateway."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from email.utils import formatdate

import pytest

from arcloop.errors import (
    AuthenticationError,
    ContextWindowError,
    FatalProviderError,
    RequestTimeoutError,
    TimeBudgetExceededError,
    TimeoutBudgetExceededError,
    TransientProviderError,
)
from arcloop.llm import Message, RetryPolicy
from tests.fakeprovider import FakeProvider, Fault
from tests.llm.conftest import FakeClock, MakeGateway

MESSAGES: list[Message] = [{"role": "user", "content": "hello"}]
WALL = 1_700_000_000.0


def test_a_plain_call_returns_text_usage_and_cost(
    fake: FakeProvider, make_gateway: MakeGateway
) -> None:
    gateway = make_gateway()
    completion = asyncio.run(gateway.client("openai/fake").complete(MESSAGES, sample_key="a"))
    assert completion.text == "ok"
    usage = completion.usage
    assert (usage.prompt_tokens, usage.cached_tokens) == (100, 20)
    assert (usage.completion_tokens, usage.reasoning_tokens) == (50, 10)
    assert usage.cost_usd == pytest.approx((80 * 1.25 + 20 * 0.125 + 50 * 10.0) / 1e6)
    assert completion.attempts == 1 and not completion.replayed
    assert fake.count == 1
    assert fake.requests[0].body["messages"] == MESSAGES
    stats = gateway.stats()
    assert stats.calls == 1 and stats.requests == 1
    assert stats.usage == replace(usage, cost_usd=round(usage.cost_usd, 10))


@pytest.mark.parametrize(
    ("fault", "pause"),
    [
        (Fault.rate_limited(retry_after="7"), 7.0),
        (Fault.rate_limited(retry_after=formatdate(WALL + 12, usegmt=True)), 12.0),
        (Fault.rate_limited(), 2.0),
        (Fault.rate_limited(status=503, retry_after="3"), 3.0),
        (Fault.rate_limited(status=529), 2.0),
    ],
    ids=["429-seconds", "429-http-date", "429-bare", "503", "529"],
)
def test_rate_limited_waits_the_pause_and_does_not_count_an_attempt(
    fault: Fault, pause: float, fake: FakeProvider, make_gateway: MakeGateway, clock: FakeClock
) -> None:
    gateway = make_gateway()
    fake.script(fault)
    completion = asyncio.run(gateway.client("openai/fake").complete(MESSAGES, sample_key="a"))
    assert completion.text == "ok"
    assert completion.attempts == 1
    assert fake.count == 2
    assert clock.sleeps[0] == pytest.approx(pause, abs=0.01)
    stats = gateway.stats()
    assert stats.rate_limited == 1 and stats.requests == 2
    assert stats.errors == {"RateLimitedError": 1}


def test_a_rate_limit_pauses_every_caller_of_the_model(
    fake: FakeProvider, make_gateway: MakeGateway, clock: FakeClock
) -> None:
    gateway = make_gateway(models={"openai/fake": {"max_in_flight": 1}})
    fake.script(Fault.rate_limited(retry_after="30"))
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
    assert fake.count == 3


@pytest.mark.parametrize(
    "fault",
    [Fault.status_code(500), Fault.status_code(502), Fault.not_json(), Fault.status_code(409)],
    ids=["500", "502", "non-json", "409"],
)
def test_transient_failures_back_off_with_jitter_and_count(
    fault: Fault, fake: FakeProvider, make_gateway: MakeGateway, clock: FakeClock
) -> None:
    gateway = make_gateway(retry=RetryPolicy(max_attempts=3, backoff_base=4.0))
    fake.script(fault, fault)
    completion = asyncio.run(gateway.client("openai/fake").complete(MESSAGES, sample_key="a"))
    assert completion.attempts == 3
    assert fake.count == 3
    first, second = clock.sleeps
    assert 2.0 <= first <= 4.0 and 4.0 <= second <= 8.0
    assert gateway.stats().errors == {"TransientProviderError": 2}


def test_transient_failures_give_up_after_max_attempts(
    fake: FakeProvider, make_gateway: MakeGateway
) -> None:
    gateway = make_gateway(retry=RetryPolicy(max_attempts=2))
    fake.script(*[Fault.status_code(500)] * 5)
    with pytest.raises(TransientProviderError) as excinfo:
        asyncio.run(gateway.client("openai/fake").complete(MESSAGES, sample_key="a"))
    assert excinfo.value.status_code == 500
    assert fake.count == 2
    assert gateway.stats().failed_calls == 1


def test_connection_refused_is_transient(make_gateway: MakeGateway) -> None:
    closed = FakeProvider().start()
    port_url = closed.openai_base
    closed.stop()
    gateway = make_gateway(
        models={"openai/gone": {"api_base": port_url, "price": {"input": 0, "output": 0}}},
        retry=RetryPolicy(max_attempts=2),
    )
    with pytest.raises(TransientProviderError):
        asyncio.run(gateway.client("openai/gone").complete(MESSAGES, sample_key="a"))
    assert gateway.stats().requests == 2


def test_a_hanging_server_times_out_and_counts_against_the_timeout_budget(
    fake: FakeProvider, make_gateway: MakeGateway
) -> None:
    gateway = make_gateway(models={"openai/fake": {"request_timeout": 0.3}})
    fake.script(Fault.hang(10), Fault.hang(10))
    client = gateway.client("openai/fake", budget=gateway.budget(max_total_timeouts=2))
    with pytest.raises(TimeoutBudgetExceededError):
        asyncio.run(client.complete(MESSAGES, sample_key="a"))
    assert fake.count == 2
    assert client.budget.timeouts == 2
    assert gateway.stats().errors == {"RequestTimeoutError": 2}
    with pytest.raises(TimeoutBudgetExceededError):  # the caller has given up for good
        asyncio.run(client.complete(MESSAGES, sample_key="b"))
    assert fake.count == 2


def test_the_hard_deadline_cancels_a_transport_that_ignores_its_timeout(
    make_gateway: MakeGateway,
) -> None:
    async def stuck(request: object) -> object:
        await asyncio.sleep(60)
        raise AssertionError("unreachable")

    gateway = make_gateway(
        models={"openai/fake": {"request_timeout": 0.1}},
        retry=RetryPolicy(max_attempts=1, deadline_grace=0.05),
        transport=stuck,
    )
    with pytest.raises(RequestTimeoutError):
        asyncio.run(gateway.client("openai/fake").complete(MESSAGES, sample_key="a"))


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault.bad_request(), FatalProviderError),
        (Fault.status_code(404), FatalProviderError),
        (Fault.status_code(422), FatalProviderError),
        (Fault.context_too_long(), ContextWindowError),
    ],
    ids=["400", "404", "422", "context-too-long"],
)
def test_fatal_failures_are_not_retried(
    fault: Fault, error: type[Exception], fake: FakeProvider, make_gateway: MakeGateway
) -> None:
    gateway = make_gateway()
    fake.script(fault)
    with pytest.raises(error):
        asyncio.run(gateway.client("openai/fake").complete(MESSAGES, sample_key="a"))
    assert fake.count == 1


@pytest.mark.parametrize("status", [401, 403])
def test_auth_failure_stops_every_caller_promptly_and_names_the_key(
    status: int, fake: FakeProvider, make_gateway: MakeGateway
) -> None:
    gateway = make_gateway(models={"openai/fake": {"max_in_flight": 2}})
    fake.fault_fn = lambda index, body: Fault.auth(status)

    async def many() -> list[BaseException | object]:
        client = gateway.client("openai/fake")
        calls = [client.complete(MESSAGES, sample_key=str(i)) for i in range(50)]
        return await asyncio.gather(*calls, return_exceptions=True)

    results = asyncio.run(many())
    assert all(isinstance(r, AuthenticationError) for r in results)
    assert "OPENAI_API_KEY" in str(results[0])
    assert fake.count <= 2  # only the requests already in flight, not one per caller


def test_a_missing_key_is_refused_before_any_request(make_gateway: MakeGateway) -> None:
    gateway = make_gateway()
    with pytest.raises(AuthenticationError, match="GEMINI_API_KEY"):
        gateway.preflight(["gemini/gemini-3-pro-preview"])
    with pytest.raises(AuthenticationError, match="XAI_API_KEY"):
        asyncio.run(gateway.client("xai/grok-4").complete(MESSAGES, sample_key="a"))


def test_rate_limits_are_bounded_by_the_time_budget(
    fake: FakeProvider, make_gateway: MakeGateway
) -> None:
    gateway = make_gateway()
    fake.fault_fn = lambda index, body: Fault.rate_limited(retry_after="10")
    client = gateway.client("openai/fake", budget=gateway.budget(max_total_time=25))
    with pytest.raises(TimeBudgetExceededError):
        asyncio.run(client.complete(MESSAGES, sample_key="a"))
    assert fake.count == 3  # at t=0, 10 and 20; the pause to t=30 outlives the budget
