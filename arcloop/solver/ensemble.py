"""Solve one task: run every expert concurrently, then vote.

``solve_task`` is the library entry point. It takes the model and the sandbox as arguments
(``client_for`` builds the model client of each expert, bound to its model, settings and
budgets), so it works without the CLI and tests give it fakes.

If an expert raises (``AuthenticationError``, a ``SandboxError``, a config error from
``client_for``, or a bug), the other experts are cancelled and that exception propagates
unchanged (an ``AuthenticationError`` first when several experts fail at once).

Not here: persistence, progress and run-wide budgets (the runs layer).
"""

from __future__ import annotations

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

    async def run(spec: ExpertSpec) -> ExpertResult:
        if spec.config.is_search:
            return await searcher.solve(spec, task, sandbox=sandbox)
        return await run_llm_expert(
            spec,
            task,
            client=client_for(spec),
            sandbox=sandbox,
            template=templates[spec.prompt],
            grid_format=config.grid_format,
        )

    results = await gather_or_fail([run(s) for s in specs])
    outcome = vote(results, n_tests=len(task.test_inputs), backfill=config.backfill_attempts)
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
        "task %s: %d experts, %d calls, $%.4f, %d groups",
        task.id,
        len(results),
        result.calls,
        result.usage.cost_usd,
        len(result.groups),
    )
    return result
