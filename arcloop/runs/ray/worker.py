"""One worker of a Ray run: solves tasks on its node with its own sandbox and model clients.

``RayWorker`` is a plain class that Ray runs as an async actor (``ray.remote``), one process
per worker, usually one per node. It owns:

- a ``ProcessSandbox`` built from the run's ``[sandbox]`` table *on its node* (pool sizes
  left to their defaults follow the node's cores, not the driver's);
- an ``LLMGateway`` whose gates are the run's ``GateActor``s (``RayGate``), whose journal is
  the driver's (``RemoteJournal``) and whose ledger follows the run-wide spending, with the
  driver's retry policy and run budget. Keys are read from the worker's own environment
  (``preflight`` at start names a missing variable on the node where it is missing).

``solve`` runs the solver exactly as ``LocalExecutor`` does (``client_factory`` and
``solve_task``) and returns the result with the worker's counters. ``evaluate`` runs one
program in the worker's sandbox (benchmarks, diagnostics).

Left out: anything written to disk (results travel back to the driver), and what to do when
a worker dies (the driver's ``RayExecutor`` decides).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from arcloop.arc.grid import Grid
from arcloop.arc.task import Task
from arcloop.errors import AuthenticationError, ConfigError
from arcloop.llm.budget import RetryPolicy
from arcloop.llm.gateway import LLMGateway
from arcloop.llm.registry import ModelSpec, Registry
from arcloop.llm.stats import GatewayStats
from arcloop.runs.clients import client_factory
from arcloop.runs.config import RunConfig, expert_models, resolve
from arcloop.runs.ray.gate import RayGate
from arcloop.runs.ray.journal import RemoteJournal
from arcloop.sandbox import ProcessSandbox
from arcloop.sandbox.types import Outcome
from arcloop.solver.ensemble import solve_task
from arcloop.solver.results import TaskResult


@dataclass(frozen=True, slots=True)
class WorkerInfo:
    """Where a worker runs and how its sandbox protects its node."""

    name: str
    node_id: str
    hostname: str
    pid: int
    sandbox_mode: str
    sandbox_missing: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Solved:
    """A task's result, with the worker's counters right after it."""

    result: TaskResult
    stats: GatewayStats


class RayWorker:
    """Solves tasks on one node (run it as a Ray async actor)."""

    def __init__(
        self,
        config_toml: str,
        *,
        name: str,
        journal: Any,
        gates: Mapping[str, Any],
        retry: RetryPolicy,
        max_run_cost_usd: float | None,
    ) -> None:
        """Prepare a worker; ``start`` starts its sandbox.

        Args:
            config_toml: the run's resolved config (``RunConfig.to_toml``), resolved again
                here so per-node defaults follow this node.
            name: the worker's name (its gate tickets carry it).
            journal: handle of the run's ``JournalActor``, or None to keep no journal.
            gates: handle of the ``GateActor`` of each model the experts call.
            retry: the driver gateway's retry policy.
            max_run_cost_usd: the run's dollar cap.
        """
        self._config: RunConfig = resolve(stored=config_toml)
        self._name = name
        self._gates = dict(gates)
        remote = RemoteJournal(journal) if journal is not None else None
        self._gateway = LLMGateway(
            registry=Registry(overrides=[self._config.models]),
            journal=remote,
            max_run_cost_usd=max_run_cost_usd,
            retry=retry,
            gate_factory=self._gate,
        )
        if remote is not None:
            remote.follow(self._gateway.ledger)
        self._sandbox = ProcessSandbox(self._config.sandbox)

    def _gate(self, model: str, spec: ModelSpec) -> RayGate:
        if model not in self._gates:
            raise ConfigError(f"{model}: no cluster-wide gate was created for this model")
        return RayGate(self._gates[model], holder=self._name)

    async def start(self) -> WorkerInfo:
        """Start the sandbox, check keys and prices, warm the transport; say where this runs.

        Raises:
            AuthenticationError: a model's key variable is not set on this node.
            PriceMissingError: a model has no known price.
        """
        import ray

        models = expert_models(self._config)
        try:
            self._gateway.preflight(models)
        except AuthenticationError as e:  # name the node whose environment lacks the key
            raise AuthenticationError(
                f"on {socket.gethostname()}: {e}", model=e.model, status_code=e.status_code
            ) from None
        await self._sandbox.__aenter__()
        if models:
            await self._gateway.warm()
        report = self._sandbox.protections()
        return WorkerInfo(
            name=self._name,
            node_id=ray.get_runtime_context().get_node_id(),
            hostname=socket.gethostname(),
            pid=os.getpid(),
            sandbox_mode=report.mode,
            sandbox_missing=report.missing,
        )

    async def solve(self, task: Task) -> Solved:
        """Solve one task as ``LocalExecutor`` would, on this node."""
        result = await solve_task(
            task,
            self._config.solver,
            client_for=client_factory(self._config, self._gateway, task.id),
            sandbox=self._sandbox,
        )
        return Solved(result, self._gateway.stats())

    async def evaluate(self, code: str, inputs: Sequence[Grid]) -> list[Outcome]:
        """Run ``code``'s ``transform`` on ``inputs`` in this worker's sandbox."""
        return await self._sandbox.run(code, inputs)

    async def stats(self) -> GatewayStats:
        """This worker's model traffic so far."""
        return self._gateway.stats()

    async def stop(self) -> None:
        """Close the sandbox (kills its processes)."""
        await self._sandbox.aclose()
