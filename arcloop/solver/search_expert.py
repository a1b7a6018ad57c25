"""The offline search as an expert: ``model = "local/search"`` in an ``[[experts]]`` entry.

The search (``arcloop.search.search``) is CPU-bound and runs in a worker thread. Each program it
returns becomes one iteration, run through the same sandbox and scored the same way as a model's
program (cost 0, no model call), so its result votes alongside LLM experts unchanged. Every
program returned is run (each costs milliseconds), and the expert offers the earliest of the
best-scoring ones: the search ranks its programs, so on a tie its own order wins. The others
stay available to the vote's backfill, which gives the search a second attempt. If the search itself
raises, the expert offers nothing (``stop = "no_programs"``, the error recorded and logged)
rather than cancelling the other experts.

Settings taken from the expert's entry: ``iterations`` is the most programs asked of the search;
``max_total_time`` (when above 0) is its time limit, else ``DEFAULT_SEARCH_TIME_S``;
``return_best`` is not used (the search's ranking decides).

Not here: the search itself (``arcloop.search``), which is injectable so tests and other searches
can stand in for it.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import Sequence
from typing import Protocol, cast

from arcloop.arc.task import Task
from arcloop.errors import ConfigError
from arcloop.sandbox.types import Sandbox
from arcloop.solver.config import ExpertSpec
from arcloop.solver.expert import scored_iteration
from arcloop.solver.results import ExpertResult, Iteration, StopReason

logger = logging.getLogger(__name__)

DEFAULT_SEARCH_TIME_S = 10.0
"""The search's safety stop per task, in CPU seconds of its thread: its work is counted in
units (deterministic), and the clock only stops a search the budget did not; 10 s leaves the
slowest tasks (~2 s) alone, however loaded the machine is."""


class SearchProgram(Protocol):
    """What the search returns for one candidate program."""

    @property
    def name(self) -> str: ...

    @property
    def source(self) -> str: ...


class SearchFunction(Protocol):
    """``arcloop.search.search``'s signature."""

    def __call__(
        self, task: Task, *, time_limit_s: float = ..., max_programs: int = ...
    ) -> Sequence[SearchProgram]: ...


def default_search() -> SearchFunction:
    """``arcloop.search.search``, imported on first use.

    Raises:
        ConfigError: the search module is not available in this installation.
    """
    module = importlib.import_module("arcloop.search")
    found = getattr(module, "search", None)
    if found is None:
        raise ConfigError('model "local/search" is not available: arcloop.search has no search()')
    return cast(SearchFunction, found)


def _earliest_best(iterations: Sequence[Iteration]) -> int | None:
    if not iterations:
        return None
    return max(iterations, key=lambda it: (it.train_score, -it.number)).number


class SearchExpert:
    """Runs the search for one expert and scores its programs like a model's.

    Args:
        search: the search function (default: ``arcloop.search.search``).
    """

    def __init__(self, search: SearchFunction | None = None) -> None:
        self._search = search

    async def solve(self, spec: ExpertSpec, task: Task, *, sandbox: Sandbox) -> ExpertResult:
        """Search ``task`` (given without its test outputs) and score every program found.

        Raises:
            ConfigError: no search function is available.
            SandboxError: the sandbox itself failed.
        """
        search = self._search if self._search is not None else default_search()
        config = spec.config
        limit = config.max_total_time if config.max_total_time > 0 else DEFAULT_SEARCH_TIME_S
        try:
            programs = await asyncio.to_thread(
                search, task, time_limit_s=limit, max_programs=config.iterations
            )
        except Exception as exc:
            # a bug in the search must not throw away the paid work of the other experts
            logger.exception("the search failed on task %s", task.id)
            return ExpertResult(
                index=spec.index,
                seed=spec.seed,
                model=config.model,
                prompt="",
                iterations=(),
                chosen=None,
                stop="no_programs",
                error=f"{type(exc).__name__}: {exc}",
            )
        iterations: list[Iteration] = []
        stop: StopReason = "iterations" if programs else "no_programs"
        for number, program in enumerate(programs[: config.iterations], start=1):
            iteration = await scored_iteration(
                number=number,
                code=program.source,
                extraction_error=None,
                task=task,
                sandbox=sandbox,
                program_name=program.name,
            )
            iterations.append(iteration)
            if iteration.passed:
                stop = "solved"
        logger.debug("%s on task %s: %d programs, %s", spec.name, task.id, len(iterations), stop)
        return ExpertResult(
            index=spec.index,
            seed=spec.seed,
            model=config.model,
            prompt="",
            iterations=tuple(iterations),
            chosen=_earliest_best(iterations),
            stop=stop,
        )
