"""Where tasks are solved: the ``Executor`` protocol, and the choice of one by name.

An ``Executor`` is entered once per run and asked to ``solve`` one task at a time (the runner
keeps ``concurrency`` of them in flight). It must hand back the solver's ``TaskResult``;
everything that is written (journal rows, submission, summary) is written by the runner, in
this process, whatever the executor.

``choose_executor`` picks the executor a config names (``[run] executor``): ``"local"`` is
``arcloop.runs.local.LocalExecutor``; any other name is looked up among the installed entry
points of group ``arcloop.executors`` (arcloop declares ``ray`` there, in ``pyproject.toml``).
So the Ray executor depends on this module and never the reverse: nothing here imports it.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import entry_points
from types import TracebackType
from typing import Protocol

from arcloop.arc.task import Task
from arcloop.errors import ConfigError
from arcloop.llm.gateway import LLMGateway
from arcloop.runs.config import RunConfig
from arcloop.runs.local import LocalExecutor
from arcloop.solver.results import TaskResult

ENTRY_POINTS = "arcloop.executors"
"""The entry-point group where executors other than ``local`` are found by name."""


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


def choose_executor(config: RunConfig) -> ExecutorFactory:
    """The executor the config asks for (``[run] executor``).

    Raises:
        ConfigError: no executor of that name is installed, or it cannot be loaded (for
            ``ray``: Ray is not installed).
    """
    name = config.run.executor
    if name == "local":
        return LocalExecutor
    found = entry_points(group=ENTRY_POINTS, name=name)
    if not found:  # entry points come from the installed metadata, not from the source tree
        raise ConfigError(
            f"executor {name!r} is not installed (no {ENTRY_POINTS} entry point of that name;"
            " after upgrading from a source checkout, reinstall it: pip install -e .)"
        )
    try:
        factory: ExecutorFactory = next(iter(found)).load()
    except ImportError as e:
        raise ConfigError(
            f"executor {name!r} is not available ({e});"
            f" install it with: pip install 'arcloop[{name}]'"
        ) from e
    return factory
