"""``LocalExecutor``: a run's tasks solved in this process.

It runs ``solve_task`` with one sandbox for the run and the task's model clients from the run's
``LLMGateway`` (``clients.client_factory``). When an expert is the offline search, the search
runs in a pool of processes (``PooledSearch``), so it uses every core.

Not here: choosing an executor (``executor``), or solving on other machines (``ray``).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
from concurrent.futures import CancelledError, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from arcloop._process import die_with_parent
from arcloop.arc.task import Task
from arcloop.llm.gateway import LLMGateway
from arcloop.runs.clients import client_factory
from arcloop.runs.config import RunConfig
from arcloop.sandbox.types import Sandbox
from arcloop.solver.ensemble import solve_task
from arcloop.solver.results import TaskResult

_POLL_S = 0.1
"""How often a thread waiting on a search checks that the run still wants it."""


class PooledSearch:
    """The offline search run in a pool of processes, so that it uses every core.

    The search is pure Python and numpy: in threads it would hold the GIL and run on one core.
    Called from ``asyncio.to_thread`` (as the search expert does), it blocks only its thread,
    and only until ``close``: a run that stops does not wait for searches in flight.
    Workers die with the process that started the pool, even on SIGKILL.
    """

    def __init__(self, workers: int) -> None:
        # forkserver: this process has threads (the sandbox's loop), which fork must not copy.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["arcloop._forkserver_preload"])
        self._pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=die_with_parent
        )
        self._closed = threading.Event()

    def __call__(self, task: Task, *, time_limit_s: float = 1.0, max_programs: int = 2) -> Any:
        from arcloop.search import search

        future = self._pool.submit(
            search, task, time_limit_s=time_limit_s, max_programs=max_programs
        )
        while not self._closed.is_set():
            try:
                return future.result(timeout=_POLL_S)
            except FutureTimeout:
                continue
        future.cancel()
        raise CancelledError("the run stopped while this search was in flight")

    def close(self) -> None:
        """Stop every search now: pending ones are cancelled, running ones killed."""
        self._closed.set()
        workers = list(getattr(self._pool, "_processes", {}).values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        for worker in workers:
            with contextlib.suppress(OSError, ValueError):
                worker.kill()


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
