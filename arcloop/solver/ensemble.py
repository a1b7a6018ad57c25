"""Solve one task: run the experts (the free ones first, the paid ones in waves), then vote.

Order of work:

1. The offline search experts (``local/search``) run first: they cost nothing, and their
   result votes like any expert's. With ``skip_paid_when_search_fits``, a search whose
   program fits every train pair ends the task there: no paid call is made.
2. The model experts run in waves (``[solver] waves``; one wave of all of them by default).
   Within a wave they run concurrently; a wave starts when the one before it has stopped.
3. With ``[solver] settle``, the vote over the experts that stopped so far is checked each time
   one stops (``arcloop.solver.settle``). Once it is settled no wave starts and no running
   expert starts a call; a call in flight is awaited or cancelled (``in_flight``).
   Experts of waves never launched are absent from the result.

Without ``settle`` and ``waves`` every model expert runs concurrently to its end, as in Poetiq's
solver.

``solve_task`` is the library entry point. It takes the model and the sandbox as arguments
(``client_for`` builds the model client of each expert, bound to its model, settings and
budgets), so it works without the CLI and tests give it fakes.

If an expert raises (``AuthenticationError``, a ``SandboxError``, a config error from
``client_for``, or a bug), the other experts are cancelled and that exception propagates
unchanged (an ``AuthenticationError`` first when several experts fail at once).

Not here: persistence, progress and run-wide budgets (the runs layer).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from arcloop._aio import gather_or_fail
from arcloop.arc.task import Task
from arcloop.llm.types import ModelClient, Usage
from arcloop.prompts import load_solver_template
from arcloop.sandbox.types import Sandbox
from arcloop.solver.config import ExpertSpec, SolverConfig, expand_experts
from arcloop.solver.expert import run_llm_expert
from arcloop.solver.results import ExpertResult, TaskResult
from arcloop.solver.search_expert import SearchExpert, SearchFunction
from arcloop.solver.settle import is_settled, plan_waves
from arcloop.solver.vote import vote

logger = logging.getLogger(__name__)

ClientFactory = Callable[[ExpertSpec], ModelClient]
"""Builds the model client of one expert (its model, settings such as temperature, budgets)."""


async def solve_task(
    task: Task,
    config: SolverConfig,
    *,
    client_for: ClientFactory,
    sandbox: Sandbox,
    search: SearchFunction | None = None,
) -> TaskResult:
    """Solve ``task`` with the ensemble of ``config`` and vote on the attempts.

    The task's test outputs are removed before anything sees it.

    Args:
        task: the task.
        config: the experts and prompt settings.
        client_for: builds each LLM expert's model client (called once per expert, not for
            ``local/search`` experts).
        sandbox: runs the programs.
        search: the search function for ``local/search`` experts (default
            ``arcloop.search.search``).

    Returns:
        The attempts per test input, every expert's iterations, the vote and the totals.

    Raises:
        ConfigError: a prompt template is unknown, unreadable or malformed (before any call).
        AuthenticationError: the provider refused the credentials.
        SandboxError: the sandbox itself failed.
    """
    task = task.without_solutions()
    config.check()
    specs = expand_experts(config, task.id)
    templates = {s.prompt: load_solver_template(s.prompt) for s in specs if not s.config.is_search}
    searcher = SearchExpert(search)

    n_tests = len(task.test_inputs)
    settled = asyncio.Event()
    done: list[ExpertResult] = []

    async def run(spec: ExpertSpec) -> ExpertResult:
        if spec.config.is_search:
            result = await searcher.solve(spec, task, sandbox=sandbox)
        else:
            result = await run_llm_expert(
                spec,
                task,
                client=client_for(spec),
                sandbox=sandbox,
                template=templates[spec.prompt],
                grid_format=config.grid_format,
                cache_friendly=config.cache_friendly_prompts,
                settled=settled if config.settle is not None else None,
                cancel_in_flight=config.in_flight == "cancel",
            )
        done.append(result)
        if config.settle is not None and is_settled(done, config.settle, n_tests=n_tests):
            settled.set()
        return result

    free = [s for s in specs if s.config.is_search]
    paid = [s for s in specs if not s.config.is_search]
    if free:
        await gather_or_fail([run(s) for s in free])
    if config.skip_paid_when_search_fits and any(r.passed for r in done):
        logger.info("task %s: the search fits every train pair; no paid call", task.id)
        paid = []
    for wave in plan_waves(paid, config.waves):
        if settled.is_set():
            break
        await gather_or_fail([run(s) for s in wave])
    results = sorted(done, key=lambda r: r.index)
    outcome = vote(results, n_tests=n_tests, backfill=config.backfill_attempts)
    iterations = [it for r in results for it in r.iterations]
    result = TaskResult(
        task_id=task.id,
        attempts=outcome.attempts,
        experts=tuple(results),
        groups=outcome.groups,
        ranking=outcome.ranking,
        usage=Usage.total(it.usage for it in iterations),
        calls=sum(r.calls for r in results),
        replayed_calls=sum(it.replayed for it in iterations),
    )
    logger.info(
        "task %s: %d experts%s, %d calls, $%.4f, %d groups",
        task.id,
        len(results),
        " (settled)" if settled.is_set() else "",
        result.calls,
        result.usage.cost_usd,
        len(result.groups),
    )
    return result
