"""A whole evaluation: every task of a dataset, solved concurrently, recorded as it goes.

``execute_run`` is the library entry point behind ``arcloop run``. What it guarantees:

- the run directory holds a valid ``submission.json`` at every moment (written with
  placeholders first, then atomically after every finished task);
- a finished task is in the journal with all its candidates, in one transaction; every model
  call is in the journal the moment it returns, so a ``kill -9`` loses at most the calls that
  were in flight, and running the same directory again replays them at $0;
- the run's dollar budget stops new calls; running tasks finish with what they have, tasks not
  yet started are left for a resume, and the summary says the budget stopped it;
- with a deadline (``[run] deadline_s``, counted from the start of this leg) no call starts
  that its model's longest answer so far says cannot finish in time, and none may outlast it;
  running tasks finish with their best attempts, tasks not started are left for a resume
  (their placeholders keep the submission valid), and the status is ``stopped_by_deadline``;
- a refused credential (``AuthenticationError``) stops every task promptly.

Not here: parsing options (``arcloop.runs.config``), drawing progress (``progress``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from arcloop._aio import gather_or_fail
from arcloop._io import write_json_atomic, write_text_atomic
from arcloop._sqlite import connect
from arcloop._version import __version__
from arcloop.arc.dataset import Dataset
from arcloop.arc.grid import Grid
from arcloop.arc.submission import Score, build_submission, score_submission
from arcloop.arc.task import Task
from arcloop.errors import CostBudgetExceededError, JournalError, RunDirectoryError
from arcloop.llm.budget import RunDeadline
from arcloop.llm.gateway import LLMGateway
from arcloop.llm.journal import Journal
from arcloop.llm.outage import Outages
from arcloop.llm.registry import Registry
from arcloop.runs import preflight, rundir
from arcloop.runs.config import RunConfig
from arcloop.runs.executor import Executor, ExecutorFactory, choose_executor
from arcloop.runs.journal import finish_run, finished_tasks, migrate, record_task, start_run
from arcloop.runs.legs import (
    ProviderFailure,
    earlier_seconds,
    end_leg,
    failed_seconds,
    leg_count,
    provider_cause,
    provider_failures,
    record_failure,
    start_leg,
)
from arcloop.runs.progress import ProgressView, QuietView, RunState
from arcloop.runs.record import TaskRecord
from arcloop.runs.results import attempt_grids, task_record
from arcloop.runs.rundir import CONFIG, JOURNAL, RESULTS, SUBMISSION
from arcloop.runs.summary import SUMMARY, RunSummary, summarize, write_summary
from arcloop.solver.results import TaskResult

logger = logging.getLogger(__name__)


@dataclass
class _Outputs:
    """The files of the run directory, kept in step with the journal."""

    run_dir: Path
    dataset: Dataset
    attempts: dict[str, list[list[Grid]]] = field(default_factory=dict)

    def write_submission(self) -> None:
        sub = build_submission(self.dataset.tasks, self.attempts)
        with rundir.writing(self.run_dir, SUBMISSION):
            write_json_atomic(self.run_dir / SUBMISSION, sub)

    def score(self) -> Score | None:
        """Both ARC scores of the submission, when the dataset's test outputs are known."""
        if not self.dataset.has_solutions:
            return None
        return score_submission(
            self.dataset.tasks, build_submission(self.dataset.tasks, self.attempts)
        )

    def rewrite_results(self, stored: list[TaskRecord]) -> None:
        lines = "".join(json.dumps(t.results_line()) + "\n" for t in stored)
        with rundir.writing(self.run_dir, RESULTS):
            write_text_atomic(self.run_dir / RESULTS, lines)

    def append_result(self, record: TaskRecord) -> None:
        with (
            rundir.writing(self.run_dir, RESULTS),
            open(self.run_dir / RESULTS, "a", encoding="utf-8") as f,
        ):
            f.write(json.dumps(record.results_line()) + "\n")


def _utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _as_grids(attempts: list[list[list[list[int]]]]) -> list[list[Grid]]:
    return [[tuple(tuple(r) for r in g) for g in per_input] for per_input in attempts]


def _budget_left(gateway: LLMGateway) -> bool:
    if gateway.deadline is not None and gateway.deadline.remaining() <= 0:
        return False
    try:
        gateway.ledger.check()
    except CostBudgetExceededError:
        return False
    return True


async def execute_run(
    config: RunConfig,
    run_dir: Path,
    *,
    view: Callable[[RunState], ProgressView] = lambda state: QuietView(),
    gateway: LLMGateway | None = None,
    executor_factory: ExecutorFactory | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> RunSummary:
    """Run (or resume) the evaluation described by ``config`` in ``run_dir``.

    Args:
        config: the resolved configuration (``arcloop.runs.config.resolve``).
        run_dir: the run directory; created when missing, resumed when it holds a run.
        view: builds the progress view from the run's live state.
        gateway: the LLM gateway (built from the config and journal when None; tests pass
            one with a fake transport or clock).
        executor_factory: builds what solves tasks (default: by ``config.run.executor``,
            in this process or on Ray).
        clock: monotonic seconds, for elapsed time.

    Returns:
        The summary, also written to ``summary.json``.

    Raises:
        AuthenticationError: the provider refused the credentials; the run stopped.
        PriceMissingError: a model has no known price (before any work).
        ConfigError, DatasetError: invalid configuration or data (before any work).
    """
    started = clock()
    # Everything that can be checked is, before anything is created: a failed start leaves
    # no run directory behind (and a folder that is not new, empty or ours is never used).
    checked = preflight.check(
        config, run_dir, environ=gateway.environ if gateway is not None else None
    )
    dataset = checked.dataset
    created = not run_dir.exists()
    rundir.create(run_dir)
    conn = connect(run_dir / JOURNAL)
    try:
        journal = Journal(conn)
        migrate(conn)
        record = start_run(
            conn,
            version=__version__,
            dataset=dataset.name,
            dataset_hash=dataset.hash,
            config_toml=config.to_toml(),
            earlier_hash=lambda: dataset.hash_with_outputs,
        )
        leg = start_leg(conn, record.id, config_toml=config.to_toml())
        before = earlier_seconds(conn, leg)
        # Rewritten on every leg: a resume may change how it runs (executor, budget, ...).
        with rundir.writing(run_dir, CONFIG):
            write_text_atomic(run_dir / CONFIG, config.to_toml())
        if gateway is None:
            gateway = LLMGateway(
                registry=Registry(overrides=[config.models]),
                journal=journal,
                max_run_cost_usd=config.run.budget_usd,
                outages=Outages(
                    first_contact_limit_s=config.run.unreachable_limit_s,
                    limit_s=config.run.outage_limit_s,
                ),
            )

        if config.run.deadline_s is not None and gateway.deadline is None:
            gateway.deadline = RunDeadline(at=started + config.run.deadline_s, clock=clock)

        stored = [t for t in finished_tasks(conn) if t.task_id in dataset.by_id]
        outputs = _Outputs(run_dir, dataset, {t.task_id: _as_grids(t.attempts) for t in stored})
        outputs.write_submission()
        outputs.rewrite_results(stored)
        state = RunState(
            total=len(dataset.tasks),
            done=len(stored),
            done_at_start=len(stored),
            budget_usd=config.run.budget_usd,
            stats=gateway.stats,
            down=gateway.down,
            clock=clock,
            started=started,
        )
        for t in stored:
            if t.correct is not None:
                state.scored += 1
                state.solved += t.score or 0.0
        todo = [t for t in dataset.tasks if t.id not in outputs.attempts]
        status = "finished"
        stopped_by_budget = False
        with view(state) as shown:
            try:
                make_executor = executor_factory or choose_executor(config)
                stopped_by_budget = await _solve_all(
                    todo,
                    config=config,
                    executor=make_executor(config, gateway),
                    budget_left=lambda: _budget_left(gateway),
                    on_done=lambda task, result, seconds, started_utc: _finish_task(
                        conn,
                        (record.id, leg),
                        task,
                        result,
                        seconds,
                        started_utc,
                        outputs,
                        state,
                        shown,
                    ),
                )
            except (asyncio.CancelledError, KeyboardInterrupt):
                status = "interrupted"
                raise
            except BaseException:
                status = "failed"
                raise
            finally:
                deadline = gateway.deadline
                if stopped_by_budget and deadline is not None and deadline.remaining() <= 0:
                    status, stopped_by_budget = "stopped_by_deadline", False  # the clock did
                if stopped_by_budget:
                    status = "stopped_by_budget"
                seconds = clock() - started
                finished_now = state.done - state.done_at_start
                summary = summarize(
                    conn,
                    dataset=dataset,
                    tasks=finished_tasks(conn),
                    score=outputs.score(),
                    stats=gateway.stats(),
                    elapsed_s=before + seconds,
                    stopped_by_budget=stopped_by_budget,
                    status=status,
                    run_dir=run_dir,
                    failures=[(f.task_id, f.cause) for f in provider_failures(conn)],
                    legs=leg_count(conn),
                    leg_tasks_finished=finished_now,
                )
                try:
                    with rundir.writing(run_dir, SUMMARY):
                        write_summary(run_dir, summary)
                    finish_run(conn, record.id, status=status, stopped_by_budget=stopped_by_budget)
                    end_leg(conn, leg, status=status, seconds=seconds, tasks_finished=finished_now)
                except (RunDirectoryError, JournalError) as e:
                    if status == "finished":
                        raise
                    # Another error is on its way out: it is the one to report.
                    logger.warning("could not record how this leg ended: %s", e)
        return summary
    except BaseException:
        if created and _nothing_done(conn):
            conn.close()
            shutil.rmtree(run_dir, ignore_errors=True)
        raise
    finally:
        conn.close()


def _nothing_done(conn: Any) -> bool:
    """True when a run's journal records no call and no finished task (a failed start)."""
    try:
        calls = conn.execute("SELECT count(*) FROM calls").fetchone()[0]
        tasks = conn.execute("SELECT count(*) FROM task_results").fetchone()[0]
    except Exception:  # a journal too broken to say: keep it
        return False
    return bool(calls == 0 and tasks == 0)


def _finish_task(
    conn: Any,
    ids: tuple[int, int],
    task: Task,
    result: TaskResult,
    seconds: float,
    started_utc: str,
    outputs: _Outputs,
    state: RunState,
    shown: ProgressView,
) -> None:
    """Record a task that ended: finished, or failed by a provider (pending for the next leg,
    its earlier attempts' time counted when it finishes)."""
    run_id, leg = ids
    record = task_record(
        task,
        result,
        seconds=seconds + failed_seconds(conn, task.id),
        started_utc=started_utc,
        finished_utc=_utc_now(),
    )
    cause = provider_cause(record)
    if cause is not None:
        record_failure(conn, run_id, leg, ProviderFailure(task.id, cause, record.seconds, record))
        state.provider_failed += 1
        shown.task_failed(task.id, cause)
        return
    record_task(conn, run_id, record)
    outputs.attempts[task.id] = attempt_grids(result)
    outputs.write_submission()
    outputs.append_result(record)
    state.done += 1
    if record.correct is not None:
        state.scored += 1
        state.solved += record.score or 0.0
    shown.task_finished(record)


async def _solve_all(
    tasks: list[Task],
    *,
    config: RunConfig,
    executor: Executor,
    budget_left: Callable[[], bool],
    on_done: Callable[[Task, TaskResult, float, str], None],
) -> bool:
    """Solve ``tasks`` with at most ``concurrency`` in flight; True if the budget stopped it."""
    if not tasks:
        return False
    limit = asyncio.Semaphore(config.run.concurrency)
    stopped = False

    async def one(task: Task) -> None:
        nonlocal stopped
        async with limit:
            if not budget_left():
                stopped = True
                return
            t0 = time.monotonic()
            started_utc = _utc_now()
            result = await executor.solve(task)
            on_done(task, result, time.monotonic() - t0, started_utc)
            if not budget_left():
                stopped = True

    async with executor:
        await gather_or_fail([one(t) for t in tasks])
    return stopped
