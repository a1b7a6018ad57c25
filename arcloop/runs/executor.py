"""Where tasks are solved: in this process (default), or on a Ray cluster.

An ``Executor`` is entered once per run and asked to ``solve`` one task at a time (the runner
keeps ``concurrency`` of them in flight). It must hand back the solver's ``TaskResult``;
everything that is written (journal rows, submission, summary) is written by the runner, in
this process, whatever the executor.

``LocalExecutor`` runs ``solve_task`` here, with one sandbox for the run and model clients
from the run's ``LLMGateway``; each task's experts share the task's dollar cap.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Protocol

from arcloop.arc.task import Task
from arcloop.errors import ConfigError, CostBudgetExceededError
from arcloop.llm.gateway import LLMGateway
from arcloop.llm.types import Completion, Message, ModelClient
from arcloop.runs.config import RunConfig
from arcloop.sandbox.types import Sandbox
from arcloop.solver.config import ExpertSpec
from arcloop.solver.ensemble import solve_task
from arcloop.solver.results import TaskResult


class Executor(Protocol):
    """Solves tasks for one run (an async context manager)."""

    async def __aenter__(self) -> Executor: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def solve(self, task: Task) -> TaskResult:
        """Solve one task (its test outputs may be present; the solver removes them)."""
        ...


ExecutorFactory = Callable[[RunConfig, LLMGateway], Executor]


@dataclass
class TaskAccount:
    """One task's dollar cap, shared by its experts."""

    task_id: str
    max_cost_usd: float | None
    spent_usd: float = 0.0

    def check(self) -> None:
        if self.max_cost_usd is not None and self.spent_usd >= self.max_cost_usd:
            raise CostBudgetExceededError(
                f"task {self.task_id}: cost cap reached: ${self.spent_usd:.4f}"
                f" of ${self.max_cost_usd:.4f}"
            )


class TaskCappedClient:
    """A model client that also charges its task's ``TaskAccount``."""

    def __init__(self, client: ModelClient, account: TaskAccount) -> None:
        self._client = client
        self._account = account

    @property
    def name(self) -> str:
        return self._client.name

    async def complete(self, messages: list[Message], *, sample_key: str) -> Completion:
        self._account.check()
        completion = await self._client.complete(messages, sample_key=sample_key)
        self._account.spent_usd += completion.cost_usd
        return completion


def client_factory(
    config: RunConfig, gateway: LLMGateway, task_id: str
) -> Callable[[ExpertSpec], ModelClient]:
    """The ``client_for`` of one task: each expert's model, settings, budgets, task cap."""
    account = TaskAccount(task_id, config.run.task_budget_usd)

    def client_for(spec: ExpertSpec) -> ModelClient:
        budget = gateway.budget(
            max_total_time=spec.config.max_total_time or None,
            max_total_timeouts=spec.config.max_total_timeouts or None,
        )
        # The expert's temperature is sent only when its entry sets one, so a model's own
        # setting (e.g. a local server's props) stands otherwise; the registry drops it for
        # models that take none or only a fixed one.
        props = (
            {"temperature": spec.config.temperature}
            if "temperature" in spec.config.model_fields_set
            else None
        )
        client = gateway.client(spec.model, budget=budget, props=props)
        return TaskCappedClient(client, account)

    return client_for


class PooledSearch:
    """The offline search run in a pool of processes, so that it uses every core.

    The search is pure Python and numpy: in threads it would hold the GIL and run on one core.
    Called from ``asyncio.to_thread`` (as the search expert does), it blocks only its thread.
    """

    def __init__(self, workers: int) -> None:
        # forkserver: this process has threads (the sandbox's loop), which fork must not copy.
        self._pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("forkserver")
        )

    def __call__(self, task: Task, *, time_limit_s: float = 1.0, max_programs: int = 2) -> Any:
        from arcloop.search import search

        future = self._pool.submit(
            search, task, time_limit_s=time_limit_s, max_programs=max_programs
        )
        return future.result()

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def _uses_search(config: RunConfig) -> bool:
    return any(e.is_search for e in config.solver.experts)


class LocalExecutor:
    """Solves tasks in this process: one sandbox for the run, the run's gateway for models,
    and (when an expert is the offline search) a process pool for the search."""

    def __init__(self, config: RunConfig, gateway: LLMGateway) -> None:
        self._config = config
        self._gateway = gateway
        self._sandbox: Any = None
        self._search: PooledSearch | None = None

    async def __aenter__(self) -> LocalExecutor:
        from arcloop.sandbox import ProcessSandbox

        self._sandbox = ProcessSandbox(self._config.sandbox)
        await self._sandbox.__aenter__()
        if _uses_search(self._config):
            self._search = PooledSearch(max(1, os.cpu_count() or 1))
        return self

    async def __aexit__(self, *exc: Any) -> None:
        if self._search is not None:
            self._search.close()
            self._search = None
        if self._sandbox is not None:
            await self._sandbox.__aexit__(*exc)
            self._sandbox = None

    @property
    def sandbox(self) -> Sandbox:
        if self._sandbox is None:
            raise RuntimeError("the executor is not entered")
        box: Sandbox = self._sandbox
        return box

    async def solve(self, task: Task) -> TaskResult:
        return await solve_task(
            task,
            self._config.solver,
            client_for=client_factory(self._config, self._gateway, task.id),
            sandbox=self.sandbox,
            search=self._search,
        )


def default_executor_factory(config: RunConfig) -> ExecutorFactory:
    """The executor the config asks for (``[run] executor``)."""
    if config.run.executor == "ray":
        try:
            module = importlib.import_module("arcloop.runs.ray_executor")
        except ImportError as e:
            raise ConfigError(
                f"executor 'ray' is not available ({e});"
                " install it with: pip install 'arcloop[ray]'"
            ) from e
        factory: ExecutorFactory = module.RayExecutor
        return factory
    return LocalExecutor
