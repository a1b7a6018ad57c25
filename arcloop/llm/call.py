"""One model call across its attempts: gate, deadline, classification, retry, journal.

``Call.run`` is what ``LLMGateway.complete`` does once the journal has no answer to replay:
pass the model's gate, send the request with a timeout of ``min(request_timeout, remaining
time)`` under a hard asyncio deadline, and classify what went wrong. A rate-limited answer
pauses the model's gate for every caller and is retried without counting an attempt; a
transient failure backs off exponentially with jitter and counts; a fatal one is raised at
once; a refused key is remembered (``RefusedKeys``), so every later call to that model fails at
once without a request. The call is journaled when it ends, answered or not.

Not here: choosing the model's settings and key, or replaying (``gateway``); what an
exception means (``classify``); sending (``transport``).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from arcloop.errors import (
    AuthenticationError,
    BudgetExceededError,
    FatalProviderError,
    ProviderError,
    RateLimitedError,
    RequestTimeoutError,
    TimeBudgetExceededError,
    UnreachableError,
)
from arcloop.llm.budget import CallerBudget, CostLedger, RetryPolicy
from arcloop.llm.classify import classify, key_env_var
from arcloop.llm.gate import Clock, Gate, Sleep
from arcloop.llm.journal import CallRecord
from arcloop.llm.outage import Outages, endpoint_of
from arcloop.llm.registry import ModelSpec
from arcloop.llm.stats import Traffic
from arcloop.llm.transport import ProviderReply, ProviderRequest, Transport
from arcloop.llm.types import Completion, Message, Usage

logger = logging.getLogger(__name__)


class RefusedKeys:
    """The models whose key a provider refused in this run: they are not asked again."""

    def __init__(self) -> None:
        self._refused: dict[str, AuthenticationError] = {}

    def remember(self, error: AuthenticationError, model: str) -> None:
        """Remember that ``model``'s key was refused with ``error``."""
        self._refused[model] = error

    def check(self, model: str) -> None:
        """Raise a fresh copy of the refusal of ``model``'s key, if there was one."""
        first = self._refused.get(model)
        if first is not None:
            raise AuthenticationError(str(first), model=model, status_code=first.status_code)


@dataclass(frozen=True, slots=True)
class CallContext:
    """What a call takes from its gateway (shared by all the gateway's calls)."""

    transport: Transport
    retry: RetryPolicy
    ledger: CostLedger
    traffic: Traffic
    refused: RefusedKeys
    record: Callable[[CallRecord], int | None]
    clock: Clock
    wall_clock: Callable[[], float]
    sleep: Sleep
    rng: random.Random
    outages: Outages


@dataclass(slots=True)
class Call:
    """The state of one call across its attempts."""

    context: CallContext
    model: str
    spec: ModelSpec
    gate: Gate
    messages: list[Message]
    sample_key: str
    budget: CallerBudget
    settings: dict[str, Any]
    api_key: str | None
    attempts: int = 0
    rate_limited: int = 0
    unreachable: int = 0
    started: float = 0.0

    async def run(self) -> Completion:
        """Make the call (see the module docstring).

        Raises:
            ProviderError: the call failed (a subclass says which way).
            BudgetExceededError: a budget forbids the call or ran out while retrying.
        """
        ctx = self.context
        self.started = ctx.clock()
        try:
            reply = await self._attempts()
        except (ProviderError, BudgetExceededError) as e:
            if self.attempts or self.rate_limited:
                ctx.traffic.failed()
                self._journal(None, Usage(latency_s=ctx.clock() - self.started), error=e)
            if isinstance(e, AuthenticationError):
                ctx.refused.remember(e, self.model)
            raise
        assert self.spec.price is not None
        ctx.outages.answered(self._endpoint)
        tokens = reply.usage
        cost = self.spec.price.cost(
            prompt_tokens=tokens.prompt_tokens,
            cached_tokens=tokens.cached_tokens,
            completion_tokens=tokens.completion_tokens,
        )
        usage = replace(tokens, cost_usd=cost, latency_s=ctx.clock() - self.started)
        if self.budget.deadline is not None:
            self.budget.deadline.observe(self.model, usage.latency_s)
        ctx.ledger.add(cost)
        self.budget.spent_usd += cost
        ctx.traffic.answered(usage)
        call_id = self._journal(reply.text, usage)
        return Completion(
            text=reply.text,
            model=self.model,
            usage=usage,
            attempts=self.attempts,
            replayed=False,
            call_id=call_id,
        )

    @property
    def _endpoint(self) -> str:
        return endpoint_of(self.model, self.spec.api_base)

    def _journal(
        self, response: str | None, usage: Usage, *, error: Exception | None = None
    ) -> int | None:
        status = getattr(error, "status_code", None)
        return self.context.record(
            CallRecord(
                model=self.model,
                settings=self.settings,
                messages=self.messages,
                sample_key=self.sample_key,
                response=response,
                usage=usage,
                attempts=self.attempts,
                rate_limited=self.rate_limited,
                error_class=None if error is None else type(error).__name__,
                error_message=None if error is None else str(error),
                status_code=status if isinstance(status, int) else None,
            )
        )

    def _check_budgets(self) -> float:
        """Raise if a budget is spent; return the seconds this request may take."""
        self.context.ledger.check()
        self.budget.check()
        if self.budget.deadline is not None:
            self.budget.deadline.check(self.model)
        remaining = self.budget.remaining_time()
        timeout = self.spec.request_timeout
        return timeout if remaining is None else min(timeout, remaining)

    async def _attempts(self) -> ProviderReply:
        ctx = self.context
        while True:
            self._check_budgets()
            try:
                async with asyncio.timeout(self.budget.remaining_time()):
                    await self.gate.acquire()
            except TimeoutError:
                raise TimeBudgetExceededError(
                    f"{self.model}: time budget spent waiting for the model's gate"
                ) from None
            try:
                ctx.refused.check(self.model)  # another caller's key may have been refused
                timeout = self._check_budgets()
                self.attempts += 1
                ctx.traffic.request()
                request = ProviderRequest(
                    model=self.model,
                    messages=self.messages,
                    settings=self.settings,
                    api_base=self.spec.api_base,
                    api_key=self.api_key,
                    timeout=timeout,
                )
                try:
                    async with asyncio.timeout(timeout + ctx.retry.deadline_grace):
                        return await ctx.transport(request)
                except TimeoutError:
                    error: ProviderError = RequestTimeoutError(
                        f"{self.model}: no answer within {timeout:.1f} s (hard deadline)",
                        model=self.model,
                    )
                except Exception as exc:
                    error = classify(
                        exc,
                        model=self.model,
                        now_wall=ctx.wall_clock(),
                        key_env=key_env_var(self.model, override=self.spec.api_key_env),
                    )
            finally:
                self.gate.release()
            ctx.traffic.error(type(error).__name__)
            await self._after_failure(error)

    async def _after_failure(self, error: ProviderError) -> None:
        """Wait as ``error`` requires before the next attempt, or raise it."""
        ctx = self.context
        policy = ctx.retry
        if isinstance(error, RateLimitedError):
            self.attempts -= 1
            self.rate_limited += 1
            ctx.traffic.rate_limited()
            if self.rate_limited > policy.max_rate_limited:
                raise error
            wait = policy.rate_limit_wait(error.retry_after, self.rate_limited)
            logger.info("%s rate-limited; pausing the model %.2f s", self.model, wait)
            self.gate.pause(wait)
            return
        if isinstance(error, (AuthenticationError, FatalProviderError)):
            raise error
        if isinstance(error, UnreachableError):  # wait for the endpoint; not an attempt
            self.attempts -= 1
            self.unreachable += 1
            self.budget.check()
            wait = ctx.outages.unreachable(self._endpoint, error, self.unreachable)
            remaining = self.budget.remaining_time()
            if remaining is not None and wait >= remaining:
                raise error
            logger.info("%s unreachable; trying again in %.1f s", self._endpoint, wait)
            await ctx.sleep(wait)
            return
        if isinstance(error, RequestTimeoutError):
            self.budget.timeouts += 1
        if self.attempts >= policy.max_attempts:
            raise error
        self.budget.check()
        delay = policy.backoff(self.attempts, ctx.rng)
        remaining = self.budget.remaining_time()
        if remaining is not None and delay >= remaining:
            raise error
        logger.info("%s: %s; retrying in %.2f s", self.model, type(error).__name__, delay)
        await ctx.sleep(delay)
