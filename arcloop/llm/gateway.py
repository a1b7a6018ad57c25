"""The per-run gateway to models: gates, retries, budgets, cost ledger, journal and live stats.

One ``LLMGateway`` exists per run and per event loop. It hands out ``GatewayClient`` objects
(arcloop's ``ModelClient``) bound to one model and one caller budget::

    gateway = LLMGateway(registry=Registry(), journal=Journal.open(path), max_run_cost_usd=50)
    gateway.preflight(["gemini/gemini-3-pro-preview"])      # price and key known, or refuse
    budget = gateway.budget(max_total_time=3600, max_total_timeouts=3, max_cost_usd=2.0)
    model = gateway.client("gemini/gemini-3-pro-preview", budget=budget)
    completion = await model.complete(messages, sample_key="task=1a2b/expert=0/iteration=0")

One call: answered from the journal when the same sample is recorded; otherwise budgets are
checked, the model's gate is passed, the request is sent with a timeout of
``min(request_timeout, remaining time)`` under a hard asyncio deadline, and the outcome is
classified. Rate-limited answers pause the model's gate for every caller and are retried
without counting an attempt; transient failures back off exponentially with jitter and count;
fatal ones are raised at once; an authentication failure is remembered, so every later call to
that model fails at once without a request. Every call that sent a request is journaled when
it ends, answered or not.

Left out: streaming, tool calls, multimodal messages, and anything cluster-wide (a gate
factory can supply shared gates, the journal may be any ``CallStore``, and
``add_stats_source`` counts calls made elsewhere in ``stats``).
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from arcloop.errors import (
    AuthenticationError,
    BudgetExceededError,
    FatalProviderError,
    ProviderError,
    RateLimitedError,
    RequestTimeoutError,
    TimeBudgetExceededError,
)
from arcloop.llm.budget import CallerBudget, CostLedger, RetryPolicy
from arcloop.llm.classify import KEY_ENV_BY_PROVIDER, classify, key_env_var
from arcloop.llm.gate import Clock, Gate, LocalGate, Sleep
from arcloop.llm.journal import CallRecord, CallStore, cache_key
from arcloop.llm.registry import ModelSpec, Registry
from arcloop.llm.transport import ProviderReply, ProviderRequest, Transport, litellm_transport
from arcloop.llm.types import Completion, Message, Usage

logger = logging.getLogger(__name__)

GateFactory = Callable[[str, ModelSpec], Gate]
"""Builds the gate of one model (name, spec); the default builds a ``LocalGate``."""

LOCAL_SERVER_KEY = "sk-local"
"""Key sent to an ``api_base`` server when no key variable is set (local servers ignore it)."""


@dataclass(frozen=True, slots=True)
class GatewayStats:
    """A snapshot of a run's model traffic, for progress displays and the run summary.

    Attributes:
        calls: calls answered (replayed ones included).
        replayed_calls: calls answered from the journal.
        failed_calls: calls that ended in an error after sending a request.
        requests: requests sent (rate-limited ones included).
        usage: what the calls answered by a provider in this process consumed.
        in_flight: requests outstanding now.
        waiting_on_rate_limit: callers waiting for a model paused by its provider.
        rate_limited: rate-limited answers received.
        errors: classified errors seen (retried ones included), by class name.
    """

    calls: int = 0
    replayed_calls: int = 0
    failed_calls: int = 0
    requests: int = 0
    usage: Usage = field(default_factory=Usage)
    in_flight: int = 0
    waiting_on_rate_limit: int = 0
    rate_limited: int = 0
    errors: Mapping[str, int] = field(default_factory=dict)


_COUNTED = tuple(k for k in GatewayStats.__dataclass_fields__ if k not in ("usage", "errors"))


def combine_stats(snapshots: Iterable[GatewayStats]) -> GatewayStats:
    """Add snapshots field by field (``errors`` merged by class name).

    >>> combine_stats([GatewayStats(calls=2, errors={"X": 1}), GatewayStats(calls=1)]).calls
    3
    """
    totals: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    usage = Usage()
    for s in snapshots:
        totals.update({k: getattr(s, k) for k in _COUNTED})
        errors.update(s.errors)
        usage += s.usage
    counted = {k: totals[k] for k in _COUNTED}
    return GatewayStats(
        **counted, usage=replace(usage, cost_usd=round(usage.cost_usd, 10)), errors=dict(errors)
    )


class LLMGateway:
    """All model calls of one run: registry, journal, gates, run budget and counters."""

    def __init__(
        self,
        *,
        registry: Registry,
        journal: CallStore | None = None,
        max_run_cost_usd: float | None = None,
        retry: RetryPolicy | None = None,
        transport: Transport = litellm_transport,
        gate_factory: GateFactory | None = None,
        clock: Clock = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        """Create the gateway of one run.

        Args:
            registry: resolves model strings to specs.
            journal: where calls are recorded and replayed from; ``None`` keeps no record.
            max_run_cost_usd: the run's dollar cap; spending already in the journal counts.
            retry: retry policy.
            transport: sends one request (LiteLLM by default).
            gate_factory: builds a model's gate (a ``LocalGate`` by default).
            clock: monotonic seconds (budgets, latency, gates).
            wall_clock: seconds since the epoch (Retry-After dates).
            sleep: sleeps between retries (and in default gates).
            rng: jitter source.
            environ: where API keys are read (``os.environ`` by default).
        """
        self.registry = registry
        self.journal = journal
        self.retry = retry or RetryPolicy()
        self.ledger = CostLedger(
            max_cost_usd=max_run_cost_usd,
            spent_usd=journal.total_cost() if journal is not None else 0.0,
        )
        self._transport = transport
        self._gate_factory = gate_factory or self._local_gate
        self._clock = clock
        self._wall_clock = wall_clock
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._environ = environ if environ is not None else os.environ
        self._gates: dict[str, Gate] = {}
        self._specs: dict[str, ModelSpec] = {}
        self._auth_failures: dict[str, AuthenticationError] = {}
        self._counts: Counter[str] = Counter()
        self._errors: Counter[str] = Counter()
        self._usage = Usage()
        self._warmed = False
        self._stats_sources: list[Callable[[], GatewayStats]] = []

    def _local_gate(self, name: str, spec: ModelSpec) -> Gate:
        return LocalGate(
            rate=spec.rate,
            burst=spec.burst,
            max_in_flight=spec.max_in_flight,
            clock=self._clock,
            sleep=self._sleep,
        )

    def spec(self, model: str) -> ModelSpec:
        """Return the spec of ``model``, priced (resolved once per run)."""
        if model not in self._specs:
            self._specs[model] = self.registry.require(model)
        return self._specs[model]

    def gate(self, model: str) -> Gate:
        """Return the gate of ``model``, created on first use."""
        if model not in self._gates:
            self._gates[model] = self._gate_factory(model, self.spec(model))
        return self._gates[model]

    def _api_key(self, model: str, spec: ModelSpec) -> str | None:
        var = key_env_var(model, override=spec.api_key_env)
        key = self._environ.get(var)
        if key:
            return key
        if spec.api_base is not None:
            return LOCAL_SERVER_KEY
        provider = model.split("/", 1)[0]
        if spec.api_key_env is not None or provider in KEY_ENV_BY_PROVIDER:
            raise AuthenticationError(f"{model}: no API key; set {var}", model=model)
        return None

    def preflight(self, models: Iterable[str]) -> None:
        """Check, without any request, that each model has a price and a key.

        Raises:
            PriceMissingError: a model's price is unknown.
            AuthenticationError: a model's key variable is not set.
        """
        for model in models:
            self._api_key(model, self.spec(model))

    def budget(
        self,
        *,
        max_total_time: float | None = None,
        max_total_timeouts: int | None = None,
        max_cost_usd: float | None = None,
    ) -> CallerBudget:
        """Start a caller budget on this gateway's clock (see ``CallerBudget``)."""
        return CallerBudget(
            max_total_time=max_total_time,
            max_total_timeouts=max_total_timeouts,
            max_cost_usd=max_cost_usd,
            clock=self._clock,
        )

    def client(
        self,
        model: str,
        *,
        budget: CallerBudget | None = None,
        props: Mapping[str, Any] | None = None,
    ) -> GatewayClient:
        """Return a ``ModelClient`` for ``model`` that charges ``budget`` (none: unlimited).

        Args:
            model: the model string.
            budget: the caller's budget; ``None`` for an unlimited one.
            props: settings merged over the model's ``props`` for this client's calls; a key
                set to ``None`` is removed. They are part of the journal's cache key. A
                temperature the model does not take (``ModelSpec.temperature_rule``) is dropped.

        Raises:
            PriceMissingError: the model's price is unknown.
        """
        spec = self.spec(model)
        return GatewayClient(self, model, budget or self.budget(), props=spec.caller_props(props))

    def add_stats_source(self, source: Callable[[], GatewayStats]) -> None:
        """Add the snapshots ``source`` returns to ``stats()``: calls made elsewhere on this
        gateway's behalf (e.g. by workers on other machines sharing its journal)."""
        self._stats_sources.append(source)

    def stats(self) -> GatewayStats:
        """A snapshot of the counters (with those of any added stats source)."""
        gates = list(self._gates.values())
        own = GatewayStats(
            calls=self._counts["calls"],
            replayed_calls=self._counts["replayed"],
            failed_calls=self._counts["failed"],
            requests=self._counts["requests"],
            usage=replace(self._usage, cost_usd=round(self._usage.cost_usd, 10)),
            in_flight=sum(g.in_flight for g in gates),
            waiting_on_rate_limit=sum(g.waiting for g in gates if g.paused),
            rate_limited=self._counts["rate_limited"],
            errors=dict(self._errors),
        )
        if not self._stats_sources:
            return own
        return combine_stats([own, *(source() for source in self._stats_sources)])

    async def complete(
        self,
        model: str,
        messages: list[Message],
        *,
        sample_key: str,
        budget: CallerBudget,
        props: Mapping[str, Any] | None = None,
    ) -> Completion:
        """Answer ``messages`` with ``model`` (see the module docstring for what happens).

        ``props`` are merged over the model's settings (``None`` values remove a key).

        Raises:
            ProviderError: the call failed (a subclass says which way).
            BudgetExceededError: a budget forbids the call or ran out while retrying.
            PriceMissingError: the model's price is unknown.
        """
        spec = self.spec(model)
        settings: dict[str, Any] = {**spec.props, **(props or {})}
        settings = {k: v for k, v in settings.items() if v is not None}
        if self.journal is not None:
            recorded = self.journal.lookup(
                cache_key(model=model, settings=settings, messages=messages, sample_key=sample_key)
            )
            if recorded is not None:
                self._counts.update(calls=1, replayed=1)
                return Completion(
                    text=recorded.response,
                    model=model,
                    usage=replace(recorded.usage, cost_usd=0.0),  # a replay is free
                    attempts=recorded.attempts,
                    replayed=True,
                    call_id=recorded.call_id,
                )
        if model in self._auth_failures:
            raise self._auth_failure(model)
        try:
            api_key = self._api_key(model, spec)
        except AuthenticationError as e:
            self._auth_failures[model] = e
            raise
        await self.warm()
        call = _Call(self, model, spec, messages, sample_key, budget, settings, api_key)
        return await call.run()

    async def warm(self) -> None:
        """Prepare the transport (LiteLLM's slow import) once; calls do it when needed."""
        if not self._warmed:
            warm = getattr(self._transport, "warm", None)
            if warm is not None:
                await warm()
            self._warmed = True

    def _auth_failure(self, model: str) -> AuthenticationError:
        """A fresh copy of the remembered authentication failure of ``model``."""
        first = self._auth_failures[model]
        return AuthenticationError(str(first), model=model, status_code=first.status_code)

    def _record(self, record: CallRecord) -> int | None:
        return self.journal.record(record) if self.journal is not None else None


@dataclass(slots=True)
class _Call:
    """The state of one call across its attempts."""

    gateway: LLMGateway
    model: str
    spec: ModelSpec
    messages: list[Message]
    sample_key: str
    budget: CallerBudget
    settings: dict[str, Any]
    api_key: str | None
    attempts: int = 0
    rate_limited: int = 0
    started: float = 0.0

    async def run(self) -> Completion:
        gw = self.gateway
        self.started = gw._clock()
        try:
            reply = await self._attempts()
        except (ProviderError, BudgetExceededError) as e:
            if self.attempts or self.rate_limited:
                gw._counts.update(failed=1)
                self._journal(None, Usage(latency_s=gw._clock() - self.started), error=e)
            if isinstance(e, AuthenticationError):
                gw._auth_failures[self.model] = e
            raise
        assert self.spec.price is not None
        tokens = reply.usage
        cost = self.spec.price.cost(
            prompt_tokens=tokens.prompt_tokens,
            cached_tokens=tokens.cached_tokens,
            completion_tokens=tokens.completion_tokens,
        )
        usage = replace(tokens, cost_usd=cost, latency_s=gw._clock() - self.started)
        gw.ledger.add(cost)
        self.budget.spent_usd += cost
        gw._usage += usage
        gw._counts.update(calls=1)
        call_id = self._journal(reply.text, usage)
        return Completion(
            text=reply.text,
            model=self.model,
            usage=usage,
            attempts=self.attempts,
            replayed=False,
            call_id=call_id,
        )

    def _journal(
        self, response: str | None, usage: Usage, *, error: Exception | None = None
    ) -> int | None:
        status = getattr(error, "status_code", None)
        return self.gateway._record(
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
        self.gateway.ledger.check()
        self.budget.check()
        remaining = self.budget.remaining_time()
        timeout = self.spec.request_timeout
        return timeout if remaining is None else min(timeout, remaining)

    async def _attempts(self) -> ProviderReply:
        gw = self.gateway
        gate = gw.gate(self.model)
        policy = gw.retry
        while True:
            self._check_budgets()
            try:
                async with asyncio.timeout(self.budget.remaining_time()):
                    await gate.acquire()
            except TimeoutError:
                raise TimeBudgetExceededError(
                    f"{self.model}: time budget spent waiting for the model's gate"
                ) from None
            try:
                if self.model in gw._auth_failures:  # another caller's key was refused
                    raise gw._auth_failure(self.model)
                timeout = self._check_budgets()
                self.attempts += 1
                gw._counts.update(requests=1)
                request = ProviderRequest(
                    model=self.model,
                    messages=self.messages,
                    settings=self.settings,
                    api_base=self.spec.api_base,
                    api_key=self.api_key,
                    timeout=timeout,
                )
                try:
                    async with asyncio.timeout(timeout + policy.deadline_grace):
                        return await gw._transport(request)
                except TimeoutError:
                    error: ProviderError = RequestTimeoutError(
                        f"{self.model}: no answer within {timeout:.1f} s (hard deadline)",
                        model=self.model,
                    )
                except Exception as exc:
                    error = classify(
                        exc,
                        model=self.model,
                        now_wall=gw._wall_clock(),
                        key_env=key_env_var(self.model, override=self.spec.api_key_env),
                    )
            finally:
                gate.release()
            gw._errors.update([type(error).__name__])
            await self._after_failure(error, gate)

    async def _after_failure(self, error: ProviderError, gate: Gate) -> None:
        """Wait as ``error`` requires before the next attempt, or raise it."""
        gw = self.gateway
        policy = gw.retry
        if isinstance(error, RateLimitedError):
            self.attempts -= 1
            self.rate_limited += 1
            gw._counts.update(rate_limited=1)
            if self.rate_limited > policy.max_rate_limited:
                raise error
            wait = policy.rate_limit_wait(error.retry_after, self.rate_limited)
            logger.info("%s rate-limited; pausing the model %.2f s", self.model, wait)
            gate.pause(wait)
            return
        if isinstance(error, (AuthenticationError, FatalProviderError)):
            raise error
        if isinstance(error, RequestTimeoutError):
            self.budget.timeouts += 1
        if self.attempts >= policy.max_attempts:
            raise error
        self.budget.check()
        delay = policy.backoff(self.attempts, gw._rng)
        remaining = self.budget.remaining_time()
        if remaining is not None and delay >= remaining:
            raise error
        logger.info("%s: %s; retrying in %.2f s", self.model, type(error).__name__, delay)
        await gw._sleep(delay)


class GatewayClient:
    """A ``ModelClient`` bound to one model and one caller budget of a gateway."""

    def __init__(
        self,
        gateway: LLMGateway,
        model: str,
        budget: CallerBudget,
        *,
        props: Mapping[str, Any] | None = None,
    ) -> None:
        """Bind; use ``LLMGateway.client`` rather than calling this."""
        self._gateway = gateway
        self._model = model
        self._props = dict(props or {})
        self.budget = budget

    @property
    def name(self) -> str:
        """The model string."""
        return self._model

    @property
    def spec(self) -> ModelSpec:
        """The model's resolved spec."""
        return self._gateway.spec(self._model)

    async def complete(self, messages: list[Message], *, sample_key: str) -> Completion:
        """Answer ``messages`` (see ``arcloop.llm.types.ModelClient.complete``)."""
        return await self._gateway.complete(
            self._model, messages, sample_key=sample_key, budget=self.budget, props=self._props
        )
