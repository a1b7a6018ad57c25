"""Fixtures of the LLM layer's tests: a fake clock, and a gateway wired to it and either to the
fake provider (through LiteLLM, for what the wire does) or to a scripted transport (a plain
function, for what the gateway does with answers and failures: retries, pauses, budgets)."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from arcloop.llm import Journal, LLMGateway, Registry, RetryPolicy, parse_models_table
from arcloop.llm.transport import ProviderReply, ProviderRequest, Transport
from tests.fakeprovider import FakeProvider


class FakeClock:
    """Virtual time: ``sleep`` advances it at once and records the delay."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(0.0, seconds)
        await asyncio.sleep(0)


@pytest.fixture
def fake() -> Iterator[FakeProvider]:
    with FakeProvider() as provider:
        yield provider


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


MakeGateway = Callable[..., LLMGateway]


def build_gateway(
    clock: FakeClock,
    *,
    api_base: str,
    models: dict[str, dict[str, Any]] | None = None,
    journal: Journal | None = None,
    retry: RetryPolicy | None = None,
    **options: Any,
) -> LLMGateway:
    """A gateway on virtual time whose model ``openai/fake`` (and any ``models``) has a price
    and calls ``api_base``; no API key is set."""
    table: dict[str, dict[str, Any]] = {
        "openai/fake": {
            "api_base": api_base,
            "rate": 1000,
            "burst": 100,
            "request_timeout": 5,
            "price": {"input": 1.25, "cached_input": 0.125, "output": 10.0},
        }
    }
    for name, entry in (models or {}).items():
        table[name] = {**table.get(name, {}), **entry}
    return LLMGateway(
        registry=Registry(overrides=[parse_models_table(table)]),
        journal=journal,
        retry=retry or RetryPolicy(max_attempts=3, deadline_grace=0.5),
        clock=clock,
        sleep=clock.sleep,
        wall_clock=lambda: 1_700_000_000.0,
        rng=random.Random(7),
        environ={},
        **options,
    )


@pytest.fixture
def make_gateway(fake: FakeProvider, clock: FakeClock) -> MakeGateway:
    """Build a gateway whose model ``openai/fake`` (and any ``models``) points at the fake."""

    def build(**options: Any) -> LLMGateway:
        return build_gateway(clock, api_base=fake.openai_base, **options)

    return build


Outcome = ProviderReply | BaseException
"""What a scripted transport does for one request: answer, or raise."""


class Script:
    """The outcomes a scripted transport plays, one per request, and the requests it got."""

    def __init__(self, *outcomes: Outcome, then: Outcome | None = None) -> None:
        self.outcomes = list(outcomes)
        self.then = ProviderReply("ok") if then is None else then
        self.requests: list[ProviderRequest] = []


def scripted(script: Script) -> Transport:
    """A transport that is a plain function playing ``script`` (no server, no LiteLLM)."""

    async def transport(request: ProviderRequest) -> ProviderReply:
        script.requests.append(request)
        outcome = script.outcomes.pop(0) if script.outcomes else script.then
        if isinstance(outcome, BaseException):
            raise outcome
        await asyncio.sleep(0)
        return outcome

    return transport
