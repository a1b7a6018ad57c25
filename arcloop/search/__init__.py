"""The offline expert ``local/search``: a program search over grid primitives.

``search(task)`` returns ranked ``Program``s, each a self-contained Python ``transform``
(numpy only) built from the primitives in the ``lib_*`` modules, the same kind of artefact a
language-model expert writes. It is deterministic, costs nothing and never reads test outputs.

Not here: running programs in the sandbox, voting, the CLI (the solver and runs layers wire the
search in as an expert).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from arcloop.arc.task import Task
from arcloop.search.catalogue import Step
from arcloop.search.combine import Layer
from arcloop.search.emit import emit_source
from arcloop.search.engine import DEFAULT_BUDGET, FAMILIES, run_search

__all__ = ["FAMILIES", "Program", "search"]


@dataclass(frozen=True, slots=True)
class Program:
    """A program the search found.

    Attributes:
        name: readable composition, e.g. ``"crop_object(...) | recolour(mapping={1: 2})"``.
        source: self-contained Python defining ``transform(grid)``.
        train_correct: train pairs this program reproduces exactly.
        train_total: train pairs in the task.
        score: mean share of correct cells over the train pairs (0 where the shape is wrong).
        depth: steps in the program, learned tables included (0: the identity).
    """

    name: str
    source: str
    train_correct: int
    train_total: int
    score: float
    depth: int

    @property
    def fits(self) -> bool:
        """True when the program reproduces every train pair."""
        return self.train_correct == self.train_total


def search(
    task: Task,
    *,
    time_limit_s: float = 1.0,
    max_programs: int = 2,
    budget: int = DEFAULT_BUDGET,
    clock: Callable[[], float] = time.thread_time,
    off: frozenset[str] = frozenset(),
) -> list[Program]:
    """Search programs for a task, best first.

    Programs fitting every train pair come first, simplest first; then, to fill the list, the
    closest partial fits (``train_correct < train_total``). The list holds at most
    ``max_programs`` programs, with pairwise different test outputs; it is empty when no
    candidate got a single train cell right (e.g. no output of the right shape).

    The result is deterministic: work is counted in step applications (``budget``);
    ``time_limit_s`` is a safety stop only. The task's test outputs are never read.

    Args:
        task: the task.
        time_limit_s: safety stop, in CPU seconds of the calling thread (waiting for the GIL
            or for a core does not count, so load does not change the result).
        max_programs: how many programs to return at most.
        budget: step applications allowed (each on every train and test input).
        clock: seconds for the time limit (``time.thread_time``; injectable for tests).
        off: primitive families to leave out (``FAMILIES``), for the benchmark's ablation.
    """
    found = run_search(
        task, time_limit_s=time_limit_s, want=max_programs, budget=budget, clock=clock, off=off
    )
    programs = []
    for f in found:
        layers = f.combination.layers if f.combination is not None else ()
        fill = f.combination.fill if f.combination is not None else 0
        name = _name(f.steps, layers, fill)
        programs.append(
            Program(
                name=name,
                source=emit_source(f.steps, title=name, layers=layers, fill=fill),
                train_correct=f.train_correct,
                train_total=len(task.train),
                score=round(f.score, 4),
                depth=len(f.steps) + sum(len(layer.steps) for layer in layers),
            )
        )
    return programs


def _name(steps: tuple[Step, ...], layers: tuple[Layer, ...], fill: int) -> str:
    """``"a | b"`` for a chain; ``"layers(a | b over 0; c over input; else 0)"`` for layers."""
    if not layers:
        return " | ".join(s.label for s in steps) or "identity"
    shown = [
        f"{_name(layer.steps, (), 0)} over "
        + ("input" if layer.transparent < 0 else str(layer.transparent))
        for layer in layers
    ]
    return f"layers({'; '.join(shown)}; else {fill})"
