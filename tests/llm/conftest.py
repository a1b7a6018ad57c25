"""Fixtures of the LLM layer's tests: a fake provider, a fake clock, a gateway wired to both."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from arcloop.llm import Journal, LLMGateway, Registry, RetryPolicy, parse_models_table
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


@pytest.fixture
def make_gateway(fake: FakeProvider, clock: FakeClock, tmp_path: Path) -> MakeGateway:
    """Build a gateway whose model ``openai/fake`` (and any ``models``) points at the fake."""

    def build(
        *,
        models: dict[str, dict[str, Any]] | None = None,
        journal: Journal | None = None,
        retry: RetryPolicy | None = None,
        **options: Any,
    ) -> LLMGateway:
        table: dict[str, dict[str, Any]] = {
            "openai/fake": {
                "api_base": fake.openai_base,
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

    return build
