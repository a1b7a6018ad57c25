"""Values that cross the sandbox's boundary: a program and grids in, ``Outcome`` s out.

A program is Python source that defines ``transform(grid)``. Failing programs are ordinary
data here, never exceptions: each input gets an ``Outcome`` holding a grid or a ``Failure``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from arcloop.arc.grid import Grid

FailureKind = Literal[
    "syntax",  # the program does not compile or defines no transform
    "exception",  # transform raised
    "timeout",  # the wall-clock or CPU limit was hit
    "memory",  # the address-space limit was hit (MemoryError or killed by it)
    "invalid_output",  # transform returned something that is not a valid grid
    "killed",  # the child died otherwise (signal, blocked syscall, crash)
]


@dataclass(frozen=True, slots=True)
class Failure:
    """Why a program produced no grid for one input.

    Attributes:
        kind: the class of failure.
        message: one line, e.g. ``"ZeroDivisionError: division by zero"`` or
            ``"not 2-D: got 3 dimensions"``.
        traceback: the trimmed traceback, with line numbers of the program only ("" if none).
    """

    kind: FailureKind
    message: str
    traceback: str = ""


@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of running a program on one input: a grid, or the failure."""

    grid: Grid | None = None
    failure: Failure | None = None

    def __post_init__(self) -> None:
        if (self.grid is None) == (self.failure is None):
            raise ValueError("an Outcome holds exactly one of grid and failure")

    @property
    def ok(self) -> bool:
        return self.grid is not None


class Sandbox(Protocol):
    """Runs untrusted programs, as the solver sees it."""

    async def run(self, code: str, inputs: Sequence[Grid]) -> list[Outcome]:
        """Run ``code``'s ``transform`` on every input (in one isolated child) and return one
        ``Outcome`` per input, in order. Never raises for anything the program does."""
        ...
