"""When a task may stop spending: the waves experts are launched in, and the settle rules.

Experts are launched in waves (``[solver] waves``): a wave starts when every expert of the one
before it has stopped, unless the vote is settled by then. After each expert stops, the
experts that stopped so far are voted on (``arcloop.solver.vote``), and ``is_settled`` applies
``[solver] settle``:

- ``agreeing = N``: a passing group holds N experts whose own programs pass every train pair,
  with a grid for every test input (a failing expert that happens to join the group does not
  count);
- ``margin = M``: the leading group is a passing one and has M more votes than the next group
  (or than nothing, when it is alone).

Worked example with ``agreeing = 2`` (outputs named A, B)::

    expert  passed  output
      0      yes      A
      1      yes      B       not settled: two passing groups of one
      2      yes      A       settled: A holds experts 0 and 2

Not here: launching and stopping the experts (``ensemble``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from arcloop.solver.config import SettleRule
from arcloop.solver.results import ExpertResult
from arcloop.solver.vote import vote

T = TypeVar("T")


def plan_waves(experts: Sequence[T], sizes: Sequence[int]) -> list[list[T]]:
    """Split ``experts`` into waves of the given sizes; the last size repeats as needed.

    >>> plan_waves(list(range(8)), [2, 2, 4])
    [[0, 1], [2, 3], [4, 5, 6, 7]]
    >>> plan_waves(list(range(5)), [2])
    [[0, 1], [2, 3], [4]]
    >>> plan_waves(list(range(3)), [])
    [[0, 1, 2]]
    """
    if not experts:
        return []
    if not sizes:
        return [list(experts)]
    waves: list[list[T]] = []
    start = 0
    while start < len(experts):
        size = sizes[min(len(waves), len(sizes) - 1)]
        waves.append(list(experts[start : start + size]))
        start += size
    return waves


def is_settled(results: Sequence[ExpertResult], rule: SettleRule, *, n_tests: int) -> bool:
    """True when the results of the experts that stopped so far settle the vote under ``rule``
    (see the module docstring)."""
    groups = vote(results, n_tests=n_tests).groups
    if not groups or not groups[0].passed:
        return False
    passed = {r.index for r in results if r.passed}
    if rule.agreeing is not None:
        for group in groups:
            complete = all(g is not None for g in group.outputs)
            if complete and sum(i in passed for i in group.experts) >= rule.agreeing:
                return True
    if rule.margin is not None:
        runner_up = groups[1].size if len(groups) > 1 else 0
        if groups[0].size - runner_up >= rule.margin:
            return True
    return False
