"""Everything a run checks before it creates anything, and the plan it would carry out.

``check`` runs before the run directory is made: the dataset loads and every ``--tasks`` id is
in it, the solver templates load, each model has a price and (when it needs one) a key, and
the run directory is new, empty or a run of arcloop's. A start that fails here leaves nothing
behind. ``plan`` is what ``--dry-run`` prints: the experts, their iterations and prices, the
limits, and the most calls and dollars the run could take.

Not here: a request to the provider to see that a key works (``arcloop.runs.endpoints``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from arcloop.arc.dataset import Dataset, load_dataset
from arcloop.llm.gateway import api_key
from arcloop.llm.registry import Registry
from arcloop.prompts import load_solver_template, solver_prompt
from arcloop.runs import rundir
from arcloop.runs.config import RunConfig, expert_models

CHARS_PER_TOKEN = 3.0
"""A cautious count of characters per token, for estimates (real tokenizers give 3-4)."""
DEFAULT_COMPLETION_TOKENS = 16_000
"""The completion size assumed for a model whose ``props`` set no ``max_tokens``."""


@dataclass(frozen=True)
class Preflight:
    """What the checks found: the run's tasks, and notices for the user (e.g. a local model
    priced at 0)."""

    dataset: Dataset
    notices: list[str] = field(default_factory=list)


def load_run_dataset(config: RunConfig) -> Dataset:
    """The dataset of the run, narrowed to its ``tasks`` and ``limit``."""
    data = load_dataset(config.run.dataset, solutions=config.run.solutions)
    return data.select(config.run.tasks, limit=config.run.limit)


def check(
    config: RunConfig, run_dir: Path | None, *, environ: Mapping[str, str] | None = None
) -> Preflight:
    """Check that the run can start, without creating or sending anything.

    Raises:
        DatasetError, TaskValidationError: the data or a task id.
        ConfigError: a solver template.
        PriceMissingError: a model's price is unknown.
        AuthenticationError: a model's key is not set (naming the variable).
        RunDirectoryError, JournalError: the run directory cannot be used.
    """
    env = os.environ if environ is None else environ
    dataset = load_run_dataset(config)
    config.solver.check()
    registry = Registry(overrides=[config.models])
    notices = []
    for model in expert_models(config):
        spec = registry.require(model)
        api_key(model, spec, env)
        if registry.free_local(model):
            notices.append(
                f"{model}: no price declared; its api_base {spec.api_base} is local, so it"
                " is priced at 0"
            )
    if run_dir is not None:
        rundir.inspect(run_dir)
    return Preflight(dataset=dataset, notices=notices)


@dataclass(frozen=True)
class ExpertPlan:
    """One ``[[experts]]`` entry as it will run."""

    model: str
    count: int
    iterations: int
    prompt: str
    input_price: float | None
    output_price: float | None


@dataclass(frozen=True)
class Plan:
    """What a run would do (``arcloop run --dry-run``).

    Attributes:
        tasks: tasks to solve.
        experts: the experts, entry by entry.
        max_calls: model calls if every expert used every iteration on every task.
        max_cost_usd: an upper estimate of their cost (prompts estimated from the tasks'
            rendered prompts and earlier programs at full length); the budgets cap it.
        budget_usd, task_budget_usd: the dollar caps (None: none).
        concurrency: tasks in flight at once.
    """

    tasks: int
    experts: list[ExpertPlan]
    max_calls: int
    max_cost_usd: float
    budget_usd: float | None
    task_budget_usd: float | None
    concurrency: int

    def lines(self) -> list[str]:
        """The plan as lines of text."""
        out = [f"tasks            {self.tasks}", "experts"]
        for e in self.experts:
            price = (
                "free (no model call)"
                if e.model == "local/search"
                else f"${e.input_price:g} in / ${e.output_price:g} out per 1M tokens"
            )
            out.append(
                f"  {e.count} x {e.model}: {e.iterations} iterations, prompt {e.prompt}; {price}"
            )
        out += [
            f"concurrency      {self.concurrency} tasks in flight",
            f"max model calls  {self.max_calls}",
            f"max cost         ${self.max_cost_usd:,.2f} (upper estimate)",
            f"budget           {_dollars(self.budget_usd)} per run,"
            f" {_dollars(self.task_budget_usd)} per task",
        ]
        return out


def _dollars(value: float | None) -> str:
    return "none" if value is None else f"${value:,.2f}"


def plan(config: RunConfig, dataset: Dataset) -> Plan:
    """The resolved plan of a run on ``dataset`` (see ``Plan``)."""
    registry = Registry(overrides=[config.models])
    experts: list[ExpertPlan] = []
    calls = 0
    cost = 0.0
    for entry in config.solver.experts:
        prompt = "" if entry.is_search else config.solver.prompt_for(entry)
        if entry.is_search:
            experts.append(ExpertPlan(entry.model, entry.count, entry.iterations, "-", 0, 0))
            continue
        spec = registry.require(entry.model)
        assert spec.price is not None
        experts.append(
            ExpertPlan(
                entry.model,
                entry.count,
                entry.iterations,
                prompt,
                spec.price.input,
                spec.price.output,
            )
        )
        completion = int(spec.props.get("max_tokens") or DEFAULT_COMPLETION_TOKENS)
        template = load_solver_template(prompt)
        for task in dataset.tasks:
            base = len(
                solver_prompt(
                    template,
                    train=task.train,
                    test_inputs=task.test_inputs,
                    fmt=config.solver.grid_format,
                )
            )
            for i in range(entry.iterations):
                shown = min(i, entry.max_solutions)
                prompt_tokens = (base + shown * (base + completion * CHARS_PER_TOKEN)) / (
                    CHARS_PER_TOKEN
                )
                per_call = (prompt_tokens * spec.price.input + completion * spec.price.output) / 1e6
                cost += per_call * entry.count
        calls += entry.iterations * entry.count * len(dataset.tasks)
    return Plan(
        tasks=len(dataset.tasks),
        experts=experts,
        max_calls=calls,
        max_cost_usd=cost,
        budget_usd=config.run.budget_usd,
        task_budget_usd=config.run.task_budget_usd,
        concurrency=config.run.concurrency,
    )
