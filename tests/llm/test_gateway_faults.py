"""What each upstream failure becomes, against the fake provider, through LiteLLM and the gateway.

One request per failure (retries are off): what the gateway then does with each class (pauses,
backoff, budgets) is tested with a scripted transport in ``test_gateway_retries``.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from email.utils import formatdate

import pytest

from arcloop.errors import (
    AuthenticationError,
    ContextWindowError,
    FatalProviderError,
    ProviderError,
    ProviderOutageError,
    RateLimitedError,
    RequestTimeoutError,
    TransientProviderError,
    UnreachableError,
)
from arcloop.llm import Message, RetryPolicy
from tests.fakeprovider import FakeProvider, Fault
from tests.llm.conftest import MakeGateway

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


ONCE = RetryPolicy(max_attempts=1, max_rate_limited=0)  # the first failure is raised


@pytest.mark.parametrize(
    ("fault", "error", "retry_after"),
    [
        (Fault.rate_limited(retry_after="7"), RateLimitedError, 7.0),
        (
            Fault.rate_limited(retry_after=formatdate(WALL + 12, usegmt=True)),
            RateLimitedError,
            12.0,
        ),
        (Fault.rate_limited(), RateLimitedError, None),
        (Fault.rate_limited(status=503, retry_after="3"), RateLimitedError, 3.0),
        (Fault.rate_limited(status=529), RateLimitedError, None),
        (Fault.status_code(500), TransientProviderError, None),
        (Fault.status_code(502), TransientProviderError, None),
        (Fault.not_json(), TransientProviderError, None),
        (Fault.status_code(409), TransientProviderError, None),
        (Fault.bad_request(), FatalProviderError, None),
        (Fault.status_code(404), FatalProviderError, None),
        (Fault.status_code(422), FatalProviderError, None),
        (Fault.context_too_long(), ContextWindowError, None),
        (Fault.auth(401), AuthenticationError, None),
        (Fault.auth(403), AuthenticationError, None),
    ],
    ids=[
        "429-seconds",
        "429-http-date",
        "429-bare",
        "503",
        "529",
        "500",
        "502",
        "non-json",
        "409",
        "400",
        "404",
        "422",
        "context-too-long",
        "401",
        "403",
    ],
)
def test_each_upstream_failure_becomes_its_error_class(
    fault: Fault,
    error: type[ProviderError],
    retry_after: float | None,
    fake: FakeProvider,
    make_gateway: MakeGateway,
) -> None:
    gateway = make_gateway(retry=ONCE)
    fake.script(fault)
    with pytest.raises(ProviderError) as raised:
        asyncio.run(gateway.client("openai/fake").complete(MESSAGES, sample_key="a"))
    assert type(raised.value) is error
    assert fake.count == 1
    if isinstance(raised.value, RateLimitedError):
        assert raised.value.retry_after == retry_after
    if isinstance(raised.value, AuthenticationError):
        assert "OPENAI_API_KEY" in str(raised.value)


def test_a_refused_connection_is_waited_for_then_named_as_an_outage(
    make_gateway: MakeGateway,
) -> None:
    closed = FakeProvider().start()
    port_url = closed.openai_base
    closed.stop()
    gateway = make_gateway(
        models={"openai/gone": {"api_base": port_url, "price": {"input": 0, "output": 0}}},
        retry=ONCE,
    )
    with pytest.raises(ProviderOutageError) as raised:
        asyncio.run(gateway.client("openai/gone").complete(MESSAGES, sample_key="a"))
    # unreachable is transient: tried again past the single attempt, until the limit for an
    # endpoint that never answered (virtual time), then one error naming the endpoint
    assert isinstance(raised.value.__cause__, UnreachableError)
    assert f"{port_url} unreachable for 60 s (it has not answered in this run)" in str(raised.value)
    assert gateway.stats().requests > 1


def test_a_hanging_server_times_out(fake: FakeProvider, make_gateway: MakeGateway) -> None:
    gateway = make_gateway(models={"openai/fake": {"request_timeout": 0.3}}, retry=ONCE)
    fake.script(Fault.hang(10))
    with pytest.raises(RequestTimeoutError):
        asyncio.run(gateway.client("openai/fake").complete(MESSAGES, sample_key="a"))
    assert fake.count == 1


def test_a_missing_key_is_refused_before_any_request(make_gateway: MakeGateway) -> None:
    gateway = make_gateway()
    with pytest.raises(AuthenticationError, match="GEMINI_API_KEY"):
        gateway.preflight(["gemini/gemini-3-pro-preview"])
    with pytest.raises(AuthenticationError, match="XAI_API_KEY"):
        asyncio.run(gateway.client("xai/grok-4").complete(MESSAGES, sample_key="a"))
