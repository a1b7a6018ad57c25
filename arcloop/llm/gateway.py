"""The per-run gateway to models: gates, retries, budgets, cost ledger, journal and live stats.

One ``LLMGateway`` exists per run and per event loop. It hands out ``GatewayClient`` objects
(arcloop's ``ModelClient``) bound to one model and one caller budget::

    gateway = LLMGateway(registry=Registry(), journal=Journal.open(path), max_run_cost_usd=50)
    gateway.preflight(["gemini/gemini-3-pro-preview"])      # price and key known, or refuse
    budget = gateway.budget(max_total_time=3600, max_total_timeouts=3, max_cost_usd=2.0)
    model = gateway.client("gemini/gemini-3-pro-preview", budget=budget)
    completion = await model.complete(messages, sample_key="task=1a2b/expert=0/iteration=0")

One call: answered from the journal when the same sample is recorded; otherwise its settings
and key are resolved here and ``arcloop.llm.call.Call`` makes it (gate, deadline, retries,
journal row). The gateway's counters are a ``Traffic`` (``arcloop.llm.stats``), read as
``GatewayStats`` snapshots.

Left out: streaming, tool calls, multimodal messages, and anything cluster-wide (a gate
factory can supply shared gates, the journal may be any ``CallStore``, and
``add_stats_source`` counts calls made elsewhere in ``stats``).
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

from arcloop.errors import AuthenticationError
from arcloop.llm.budget import CallerBudget, CostLedger, RetryPolicy, RunDeadline
from arcloop.llm.call import Call, CallContext, RefusedKeys
from arcloop.llm.classify import KEY_ENV_BY_PROVIDER, key_env_var
from arcloop.llm.gate import Clock, Gate, LocalGate, Sleep
from arcloop.llm.journal import CallRecord, CallStore, cache_key
from arcloop.llm.outage import Down, Outages
from arcloop.llm.registry import ModelSpec, Registry
from arcloop.llm.stats import GatewayStats, Traffic, combine_stats
from arcloop.llm.transport import Transport, litellm_transport
from arcloop.llm.types import Completion, Message

GateFactory = Callable[[str, ModelSpec], Gate]
"""Builds the gate of one model (name, spec); the default builds a ``LocalGate``."""

LOCAL_SERVER_KEY = "sk-local"


def api_key(model: str, spec: ModelSpec, environ: Mapping[str, str]) -> str | None:
    """The key a call to ``model`` sends: its provider's variable (``GEMINI_API_KEY``...),
    a placeholder for a server of one's own (``api_base`` set), or None for a provider that
    takes none.

    Raises:
        AuthenticationError: the model needs a key and its variable is not set (naming it).
    """
    var = key_env_var(model, override=spec.api_key_env)
    key = environ.get(var)
    if key:
        return key
    if spec.api_base is not None:
        return LOCAL_SERVER_KEY
    provider = model.split("/", 1)[0]
    if spec.api_key_env is not None or provider in KEY_ENV_BY_PROVIDER:
        raise AuthenticationError(f"{model}: no API key; set {var}", model=model)
    return None


"""Key sent to an ``api_base`` server when no key variable is set (local servers ignore it)."""


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
        outages: Outages | None = None,
        deadline: RunDeadline | None = None,
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
            outages: how long an unreachable endpoint is waited for (``Outages`` defaults on
                this gateway's clocks when None).
            deadline: the run's deadline (on ``clock``); every caller budget honours it.
        """
        self.deadline = deadline
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
        self._sleep = sleep
        self._environ = environ if environ is not None else os.environ
        self._gates: dict[str, Gate] = {}
        self._specs: dict[str, ModelSpec] = {}
        self._traffic = Traffic()
        self._refused = RefusedKeys()
        self._context = CallContext(
            transport=transport,
            retry=self.retry,
            ledger=self.ledger,
            traffic=self._traffic,
            refused=self._refused,
            record=self._record,
            clock=clock,
            wall_clock=wall_clock,
            sleep=sleep,
            rng=rng or random.Random(),
            outages=outages or Outages(clock=clock, wall_clock=wall_clock),
        )
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

    def down(self) -> list[Down]:
        """The endpoints that do not answer now (for a live view)."""
        return self._context.outages.snapshot()

    @property
    def environ(self) -> Mapping[str, str]:
        """Where the gateway reads API keys."""
        return self._environ

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
        return api_key(model, spec, self._environ)

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
            deadline=self.deadline,
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
        own = self._traffic.snapshot(self._gates.values())
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
                self._traffic.replayed()
                return Completion(
                    text=recorded.response,
                    model=model,
                    usage=replace(recorded.usage, cost_usd=0.0),  # a replay is free
                    attempts=recorded.attempts,
                    replayed=True,
                    call_id=recorded.call_id,
                )
        self._refused.check(model)
        try:
            api_key = self._api_key(model, spec)
        except AuthenticationError as e:
            self._refused.remember(e, model)
            raise
        await self.warm()
        call = Call(
            context=self._context,
            model=model,
            spec=spec,
            gate=self.gate(model),
            messages=messages,
            sample_key=sample_key,
            budget=budget,
            settings=settings,
            api_key=api_key,
        )
        return await call.run()

    async def warm(self) -> None:
        """Prepare the transport (LiteLLM's slow import) once; calls do it when needed."""
        if not self._warmed:
            warm = getattr(self._transport, "warm", None)
            if warm is not None:
                await warm()
            self._warmed = True

    def _record(self, record: CallRecord) -> int | None:
        return self.journal.record(record) if self.journal is not None else None


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
