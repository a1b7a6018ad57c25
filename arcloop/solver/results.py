"""What solving a task produced: every iteration of every expert, the vote, the attempts.

All results are frozen dataclasses. ``TaskResult.to_dict()`` gives plain JSON-ready data (grids
as lists of lists) and ``TaskResult.from_dict`` reads it back, so the runs layer can persist a
result and a report can load it without knowing the field list.

Not here: computing any of it (``expert``, ``search_expert``, ``vote``, ``ensemble``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from pydantic import TypeAdapter

from arcloop.arc.grid import Grid
from arcloop.llm.types import Usage
from arcloop.sandbox.types import Outcome

StopReason = Literal["solved", "iterations", "budget", "provider_error", "no_programs", "settled"]
"""Why an expert stopped: a program passed every train pair; it used all its iterations; a
budget of the LLM layer ran out; the provider failed fatally (or after all retries); the search
found no program; the ensemble's vote was settled (``[solver] settle``) while it ran."""


@dataclass(frozen=True, slots=True)
class Iteration:
    """One candidate program of one expert: where it came from and how it did.

    Attributes:
        number: the iteration, from 1.
        call_id: the journaled model call that produced it (None for the search, or when the
            LLM layer does not report one).
        prompt: the solver template used ("" for the search).
        program_name: the search's name for the program (None for a model's program).
        shown_order: the train pairs' numbers (from 1) in the order the prompt showed them.
        shown_solutions: the iteration numbers of the earlier programs shown in the prompt,
            in the order shown.
        code: the program; on an extraction error, the broken block or "".
        extraction_error: why no program could be taken from the reply, else None.
        train_outcomes: the program's outcome on each train input (empty if not run).
        test_outcomes: its outcome on each test input (empty if not run).
        feedback: the feedback text shown to later iterations.
        train_score: mean accuracy over the train pairs, 0..1.
        passed: True when every train pair is solved.
        usage: what the model call consumed (nothing for the search; no cost when replayed).
        replayed: True when the answer came from the journal.
    """

    number: int
    call_id: int | None
    prompt: str
    program_name: str | None
    shown_order: tuple[int, ...]
    shown_solutions: tuple[int, ...]
    code: str
    extraction_error: str | None
    train_outcomes: tuple[Outcome, ...]
    test_outcomes: tuple[Outcome, ...]
    feedback: str
    train_score: float
    passed: bool
    usage: Usage = field(default_factory=Usage)
    replayed: bool = False

    @property
    def test_grids(self) -> tuple[Grid | None, ...]:
        """The predicted grid per test input (None where the program failed or did not run)."""
        return tuple(o.grid for o in self.test_outcomes)


@dataclass(frozen=True, slots=True)
class ExpertResult:
    """Everything one expert did on one task.

    Attributes:
        index: the expert's number in the ensemble.
        seed: its seed.
        model: its model string (``"local/search"`` for the search).
        prompt: its solver template ("" for the search).
        iterations: every iteration, in order.
        chosen: the number of the iteration whose outputs the expert offers to the vote
            (None when it has none).
        stop: why it stopped.
        error: ``"ClassName: message"`` of the error that stopped it, else None.
        calls: model calls that returned an answer.
    """

    index: int
    seed: int
    model: str
    prompt: str
    iterations: tuple[Iteration, ...]
    chosen: int | None
    stop: StopReason
    error: str | None = None
    calls: int = 0

    @property
    def result(self) -> Iteration | None:
        """The chosen iteration."""
        if self.chosen is None:
            return None
        return self.iterations[self.chosen - 1]

    @property
    def test_outputs(self) -> tuple[Grid | None, ...]:
        """The chosen iteration's grid per test input (empty when nothing was chosen)."""
        chosen = self.result
        return chosen.test_grids if chosen is not None else ()

    @property
    def passed(self) -> bool:
        chosen = self.result
        return chosen is not None and chosen.passed

    @property
    def train_score(self) -> float:
        chosen = self.result
        return chosen.train_score if chosen is not None else 0.0

    @property
    def usage(self) -> Usage:
        """What all its iterations consumed."""
        return Usage.total(it.usage for it in self.iterations)


@dataclass(frozen=True, slots=True)
class VoteGroup:
    """Experts whose chosen programs gave identical test outputs.

    Attributes:
        outputs: the shared outputs, one per test input (None where the programs failed).
        experts: the members' indices, best first (passing, then by train score, then index).
        passed: True when at least one member's program passed every train pair.
        best_score: the best train score among the members.
    """

    outputs: tuple[Grid | None, ...]
    experts: tuple[int, ...]
    passed: bool
    best_score: float

    @property
    def size(self) -> int:
        return len(self.experts)


@dataclass(frozen=True, slots=True)
class Attempts:
    """The two attempts for one test input; None where no expert offered a grid."""

    attempt_1: Grid | None
    attempt_2: Grid | None


@dataclass(frozen=True, slots=True)
class TaskResult:
    """The outcome of solving one task.

    Attributes:
        task_id: the task.
        attempts: the two attempts per test input, in order.
        experts: every expert's result, by index.
        groups: the vote's groups, best first.
        ranking: expert indices in vote order (one representative per group first).
        usage: what every iteration of every expert consumed.
        calls: model calls that returned an answer.
        replayed_calls: how many of them were answered from the journal.
    """

    task_id: str
    attempts: tuple[Attempts, ...]
    experts: tuple[ExpertResult, ...]
    groups: tuple[VoteGroup, ...]
    ranking: tuple[int, ...]
    usage: Usage
    calls: int
    replayed_calls: int

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (grids as lists of lists)."""
        data: dict[str, Any] = _adapter().dump_python(self, mode="json")
        return data

    @classmethod
    def from_dict(cls, data: Any) -> TaskResult:
        """Read back what ``to_dict`` wrote."""
        return _adapter().validate_python(data)


@cache
def _adapter() -> TypeAdapter[TaskResult]:
    return TypeAdapter(TaskResult)
