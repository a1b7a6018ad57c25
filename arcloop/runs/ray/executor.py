"""``RayExecutor``: one run's tasks solved across a Ray cluster, recorded on the driver.

``arcloop run --executor ray [--ray-address ADDR]`` builds it (through the entry point that
``arcloop.runs.executor.choose_executor`` finds). The runner does not change: it keeps
``concurrency`` tasks in flight, asks ``solve(task)`` for each, and writes the journal's run,
task and candidate rows, ``submission.json``, ``results.jsonl`` and ``summary.json`` itself,
on the driver. What runs where:

- ``RayWorker`` actors (``worker``), one per node with a CPU by default, each with its
  own sandbox and model clients, solve tasks; ``solve`` sends each task to the worker with
  the fewest tasks in flight, without its test outputs (they never leave the driver);
- one ``GateActor`` per model (``gate``) is the model's gate for every worker: the same
  token bucket, in-flight cap and shared pause as a local run, counted cluster-wide;
- one ``JournalActor`` (``journal``), pinned to the driver's node, owns a second
  connection to the run's ``journal.sqlite``: every call on any worker is looked up there
  (replay) and recorded there the moment it ends, and it tracks the run's spending, which
  each worker's run budget follows. Workers call providers themselves; only journal rows
  travel to the driver (see ``journal`` for why).

The driver's gateway stays the runner's view of the run: its journal names the file, its
retry policy and run budget go to the workers, its ledger is kept at the run-wide spending
(so the runner's budget stop works), and its ``stats()`` adds the workers' counters (polled
every ``stats_interval_s`` and after every task) and the gates' in-flight and waiting counts,
so progress and the summary show the cluster's traffic.

A worker that dies (its node lost, its process killed) is dropped: its gate slots are freed
and its tasks start again on the other workers, replaying what they had journaled; the run
fails only when no worker is left. Nothing about Ray is imported unless this executor is
used. Left out: replacing dead workers, autoscaling, and sharing gates across runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import uuid
from dataclasses import dataclass, field, replace
from typing import Any

import ray
from ray.exceptions import RayActorError, RayTaskError
from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

from arcloop._sqlite import database_file
from arcloop.arc.task import Task
from arcloop.errors import ArcloopError, ConfigError
from arcloop.llm.gateway import LLMGateway
from arcloop.llm.journal import Journal
from arcloop.llm.stats import GatewayStats, combine_stats
from arcloop.runs.config import RunConfig, expert_models
from arcloop.runs.ray.cluster import (
    NAMESPACE,
    ClusterLease,
    cluster_address,
    driver_node_id,
    join_cluster,
    leave_cluster,
    worker_nodes,
)
from arcloop.runs.ray.gate import GateActor, GateState
from arcloop.runs.ray.journal import JournalActor
from arcloop.runs.ray.worker import RayWorker, Solved, WorkerInfo
from arcloop.solver.results import TaskResult

logger = logging.getLogger(__name__)

_GATE_CONCURRENCY = 10_000  # callers one gate actor keeps waiting at once


@dataclass
class _Worker:
    actor: Any
    info: WorkerInfo
    load: int = 0
    stats: GatewayStats = field(default_factory=GatewayStats)


def _progress(s: GatewayStats) -> int:
    return s.calls + s.requests + s.failed_calls + s.rate_limited


def _unwrap(error: RayTaskError) -> BaseException:
    """The arcloop error a remote call raised, so the runner and CLI see it as in a local run."""
    cause = error.cause
    return cause if isinstance(cause, ArcloopError) else error


def journal_path(gateway: LLMGateway) -> str:
    """The file of the driver gateway's journal.

    Raises:
        ConfigError: the gateway keeps no journal file (a Ray run needs one).
    """
    journal = gateway.journal
    if not isinstance(journal, Journal):
        raise ConfigError("the ray executor needs the run's journal file")
    path = database_file(journal.connection)
    if path is None:
        raise ConfigError("the ray executor needs a journal on disk, not in memory")
    return str(path)


class RayExecutor:
    """Solves a run's tasks on Ray workers (an ``Executor``; see the module docstring)."""

    def __init__(
        self,
        config: RunConfig,
        gateway: LLMGateway,
        *,
        workers: int | None = None,
        stats_interval_s: float = 0.5,
        start_timeout_s: float = 600.0,
    ) -> None:
        """Configure; nothing starts before ``async with``.

        Args:
            config: the run's config (``[run] ray_address`` names the cluster).
            gateway: the runner's gateway (journal, retry policy, run budget, stats).
            workers: worker processes; None places one on every node with a CPU. More
                workers than nodes are spread over the nodes.
            stats_interval_s: how often the workers' counters are polled for progress.
            start_timeout_s: how long the workers may take to start (a cluster without
                free CPUs would otherwise wait forever).
        """
        if workers is not None and workers < 1:
            raise ConfigError("workers must be at least 1")
        self._config = config
        self._gateway = gateway
        self._workers_wanted = workers if workers is not None else config.run.ray_workers
        self._interval = stats_interval_s
        self._start_timeout = start_timeout_s
        self._run = uuid.uuid4().hex[:12]
        self._lease: ClusterLease | None = None
        self._journal: Any = None
        self._gates: dict[str, Any] = {}
        self._gate_states: dict[str, GateState] = {}
        self._workers: list[_Worker] = []
        self._lost: list[_Worker] = []
        self._spawned: list[Any] = []
        self._poller: asyncio.Task[None] | None = None
        self.placements: dict[str, str] = {}
        """Which worker solved each task (task id -> worker name)."""

    @property
    def workers(self) -> list[WorkerInfo]:
        """The started workers: name, node, host, pid, sandbox mode."""
        return [w.info for w in self._workers]

    # ---- lifecycle ---------------------------------------------------------------------

    async def __aenter__(self) -> RayExecutor:
        path = journal_path(self._gateway)
        local_cpus = max(os.cpu_count() or 1, self._workers_wanted or 1)
        address = cluster_address(self._config.run.ray_address)
        self._lease = join_cluster(address, num_cpus=local_cpus)
        try:
            await self._start(path)
        except BaseException:
            await self._close()
            raise
        self._gateway.add_stats_source(self.stats)
        self._poller = asyncio.create_task(self._poll_forever())
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
            self._poller = None
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._poll(), timeout=10)
        await self._close()

    def _name(self, kind: str) -> str:
        return f"{self._run}/{kind}"

    def _actor(self, cls: type, kind: str, **options: Any) -> Any:
        """A Ray actor class for ``cls``, named after this run; killed by ``_close``."""
        return ray.remote(cls).options(name=self._name(kind), namespace=NAMESPACE, **options)

    async def _start(self, path: str) -> None:
        driver = NodeAffinitySchedulingStrategy(node_id=driver_node_id(), soft=False)
        self._journal = self._actor(
            JournalActor, "journal", num_cpus=0, scheduling_strategy=driver
        ).remote(path)
        self._spawned.append(self._journal)
        for model in expert_models(self._config):
            spec = self._gateway.spec(model)
            gate = self._actor(
                GateActor,
                f"gate/{model}",
                num_cpus=0,
                max_concurrency=_GATE_CONCURRENCY,
                scheduling_strategy=driver,
            ).remote(rate=spec.rate, burst=spec.burst, max_in_flight=spec.max_in_flight)
            self._gates[model] = gate
            self._spawned.append(gate)
        await self._start_workers()

    async def _start_workers(self) -> None:
        nodes = worker_nodes()
        if not nodes:
            raise ConfigError("the Ray cluster has no alive node with a CPU for workers")
        count = self._workers_wanted or len(nodes)
        actors: list[Any] = []
        for i in range(count):
            placement: Any = "SPREAD"
            if self._workers_wanted is None:  # one per node
                placement = NodeAffinitySchedulingStrategy(node_id=nodes[i], soft=False)
            actor = self._actor(
                RayWorker, f"worker-{i}", num_cpus=1, scheduling_strategy=placement
            ).remote(
                self._config.to_toml(),
                name=self._name(f"worker-{i}"),
                journal=self._journal,
                gates=self._gates,
                retry=self._gateway.retry,
                max_run_cost_usd=self._gateway.ledger.max_cost_usd,
            )
            actors.append(actor)
            self._spawned.append(actor)
        try:
            infos = await asyncio.wait_for(
                asyncio.gather(*(a.start.remote() for a in actors)), self._start_timeout
            )
        except RayTaskError as e:
            raise _unwrap(e) from None
        except TimeoutError:
            raise ConfigError(
                f"{count} Ray workers did not start within {self._start_timeout:g} s"
                " (does the cluster have a free CPU for each?)"
            ) from None
        self._workers = [_Worker(a, info) for a, info in zip(actors, infos, strict=True)]
        for info in infos:
            logger.info("worker %s on %s (pid %d)", info.name, info.hostname, info.pid)
            if info.sandbox_missing:
                logger.warning(
                    "SANDBOX DEGRADED on %s: %s missing; programs there run in a fresh"
                    " interpreter per evaluation",
                    info.hostname,
                    " and ".join(info.sandbox_missing),
                )

    async def _close(self) -> None:
        """Stop the workers' sandboxes, close the journal, kill every actor, leave Ray."""
        workers = [w.actor for w in (*self._workers, *self._lost)]
        with contextlib.suppress(Exception):
            stops = asyncio.gather(*(a.stop.remote() for a in workers), return_exceptions=True)
            await asyncio.wait_for(stops, 30)
        if self._journal is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._journal.close.remote(), 30)
        for actor in self._spawned:
            with contextlib.suppress(Exception):
                ray.kill(actor)
        self._spawned.clear()
        self._journal = None
        self._gates.clear()
        if self._lease is not None:
            lease, self._lease = self._lease, None
            leave_cluster(lease)

    # ---- solving -----------------------------------------------------------------------

    async def solve(self, task: Task) -> TaskResult:
        """Solve ``task`` on the least busy worker; if that worker dies, on another one.

        A task whose worker died starts again elsewhere: the calls it had journaled are
        replayed, only those that were in flight are bought again.

        Raises:
            ArcloopError: what the solver raised on the worker (e.g. ``AuthenticationError``).
            ray.exceptions.RayActorError: every worker died.
        """
        while True:
            if not self._workers:
                raise RuntimeError("the executor has no live worker")
            worker = min(self._workers, key=lambda w: w.load)
            try:
                solved = await self._solve_on(worker, task)
            except RayActorError:
                if not self._lose(worker):
                    raise
                continue
            self._keep(worker, solved.stats)
            self.placements[task.id] = worker.info.name
            spent: float = await self._journal.spent.remote()
            self._follow_spending(spent)
            return solved.result

    async def _solve_on(self, worker: _Worker, task: Task) -> Solved:
        worker.load += 1
        ref = worker.actor.solve.remote(task.without_solutions())  # solutions stay here
        try:
            solved: Solved = await ref
        except asyncio.CancelledError:
            ray.cancel(ref)
            raise
        except RayTaskError as e:
            raise _unwrap(e) from None
        finally:
            worker.load -= 1
        return solved

    def _lose(self, worker: _Worker) -> bool:
        """Drop a dead worker and free its gate slots; True if other workers are left."""
        if worker in self._workers:
            logger.warning("worker %s on %s died", worker.info.name, worker.info.hostname)
            self._workers.remove(worker)
            self._lost.append(worker)
            for gate in self._gates.values():
                gate.forget.remote(worker.info.name)
        return bool(self._workers)

    # ---- live counters -----------------------------------------------------------------

    def stats(self) -> GatewayStats:
        """The workers' counters, with in-flight and waiting counts from the gates."""
        counters = combine_stats(w.stats for w in (*self._workers, *self._lost))
        states = self._gate_states.values()
        return replace(
            counters,
            in_flight=sum(s.in_flight for s in states),
            waiting_on_rate_limit=sum(s.waiting for s in states if s.paused),
        )

    def _keep(self, worker: _Worker, stats: GatewayStats) -> None:
        if _progress(stats) >= _progress(worker.stats):
            worker.stats = stats

    def _follow_spending(self, spent: float) -> None:
        ledger = self._gateway.ledger
        ledger.spent_usd = max(ledger.spent_usd, spent)

    async def _poll(self) -> None:
        workers = list(self._workers)
        snapshots = await asyncio.gather(
            *(w.actor.stats.remote() for w in workers), return_exceptions=True
        )
        for worker, stats in zip(workers, snapshots, strict=True):
            if isinstance(stats, GatewayStats):
                self._keep(worker, stats)
        models = list(self._gates)
        states = await asyncio.gather(*(self._gates[m].state.remote() for m in models))
        self._gate_states = dict(zip(models, states, strict=True))
        if self._journal is not None:
            self._follow_spending(await self._journal.spent.remote())

    async def _poll_forever(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            try:
                await self._poll()
            except Exception:  # counters are for display; a failed poll must not stop the run
                logger.debug("polling the workers' counters failed", exc_info=True)
