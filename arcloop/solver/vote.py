"""The ensemble's vote: group experts by identical test outputs, rank the groups, pick attempts.

Rules, in order:

1. Each expert offers the test outputs of its chosen iteration (a grid or None per test input);
   an expert with no chosen iteration or no grid at all takes no part.
2. Experts whose program passed every train pair form the **passing groups**, one per distinct
   output tuple. A failing expert whose outputs equal a passing group's joins that group.
3. The other failing experts form **failing groups** the same way.
4. Passing groups rank first, by size; failing groups follow, by size, then by the best train
   score among their members. Remaining ties are broken by the outputs themselves (compared as
   canonical JSON), so the order of experts given to the vote never matters.
5. Inside a group, members are ordered passing first, then by train score, then by index.
   The **ranking** takes one representative per group (its first member) in group order, then
   every other member, group by group: diversity first.
6. For each test input, ``attempt_1`` and ``attempt_2`` are the first two distinct grids met when
   walking the ranking (None if fewer exist).
7. With ``backfill`` (arcloop's extension; off in the ``poetiq-*`` presets, which reproduce the
   published algorithm), a test input still short of two grids takes them from the experts'
   other iterations, best first (passing, then train score, then expert and iteration number).
   It only fills what would otherwise be a placeholder, so it never displaces a vote; it is
   what gives a single expert (or the offline search) a second attempt.

Worked example (one test input; grids named A, B, C)::

    expert  passed  score  output
      0      yes    1.00     A
      1      no     0.90     B
      2      yes    1.00     A
      3      no     0.50     A      <- joins the passing group A
      4      no     0.90     C
      5      no     0.70     C

    groups:   A (0, 2, 3; passing)   C (4, 5; best 0.90)   B (1; best 0.90)
    ranking:  0, 4, 1, 2, 3, 5
    attempts: attempt_1 = A, attempt_2 = C

With no passing expert and outputs ``A, B, B, C`` with scores ``0.9, 0.3, 0.4, 0.8``, the groups
are ``B`` (size 2), then ``A`` (0.9), then ``C`` (0.8): the attempts are B and A.

Not here: the experts (``expert``, ``search_expert``) or the orchestration (``ensemble``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from arcloop.arc.grid import Grid, is_grid
from arcloop.solver.results import Attempts, ExpertResult, Iteration, VoteGroup

Outputs = tuple[Grid | None, ...]


@dataclass(frozen=True, slots=True)
class Vote:
    """The vote's outcome.

    Attributes:
        groups: the groups, best first.
        ranking: expert indices in vote order.
        attempts: the two attempts per test input.
    """

    groups: tuple[VoteGroup, ...]
    ranking: tuple[int, ...]
    attempts: tuple[Attempts, ...]


def _canonical(outputs: Outputs) -> str:
    return json.dumps(outputs, separators=(",", ":"))


def _member_order(result: ExpertResult) -> tuple[bool, float, int]:
    return (not result.passed, -result.train_score, result.index)


def _group(outputs: Outputs, members: list[ExpertResult]) -> VoteGroup:
    members = sorted(members, key=_member_order)
    return VoteGroup(
        outputs=outputs,
        experts=tuple(m.index for m in members),
        passed=any(m.passed for m in members),
        best_score=max(m.train_score for m in members),
    )


def _offers(result: ExpertResult, n_tests: int) -> Outputs | None:
    """The expert's outputs padded to ``n_tests``, or None when it offers no valid grid."""
    outputs = tuple(
        g if g is not None and is_grid(g) else None for g in result.test_outputs[:n_tests]
    )
    outputs = outputs + (None,) * (n_tests - len(outputs))
    return outputs if any(g is not None for g in outputs) else None


def _runners_up(results: Sequence[ExpertResult]) -> list[Iteration]:
    """Every expert's iterations other than the chosen one, best first."""
    others = [(r.index, it) for r in results for it in r.iterations if it.number != r.chosen]
    others.sort(key=lambda e: (not e[1].passed, -e[1].train_score, e[0], e[1].number))
    return [it for _, it in others]


def vote(results: Sequence[ExpertResult], *, n_tests: int, backfill: bool = False) -> Vote:
    """Group, rank and pick the attempts (see the module docstring for the rules).

    Args:
        results: every expert's result, in any order.
        n_tests: the task's number of test inputs.
        backfill: fill missing attempts from the experts' other iterations (rule 7).
    """
    passing: dict[Outputs, list[ExpertResult]] = {}
    failing: dict[Outputs, list[ExpertResult]] = {}
    offered = [(r, _offers(r, n_tests)) for r in results]
    for result, outputs in offered:
        if outputs is not None and result.passed:
            passing.setdefault(outputs, []).append(result)
    for result, outputs in offered:
        if outputs is None or result.passed:
            continue
        target = passing if outputs in passing else failing
        target.setdefault(outputs, []).append(result)

    passing_groups = sorted(
        (_group(o, m) for o, m in passing.items()),
        key=lambda g: (-g.size, _canonical(g.outputs)),
    )
    failing_groups = sorted(
        (_group(o, m) for o, m in failing.items()),
        key=lambda g: (-g.size, -g.best_score, _canonical(g.outputs)),
    )
    groups = (*passing_groups, *failing_groups)
    ranking = tuple(g.experts[0] for g in groups) + tuple(
        index for g in groups for index in g.experts[1:]
    )

    by_index = {g_index: g for g in groups for g_index in g.experts}
    attempts = []
    for t in range(n_tests):
        picked: list[Grid] = []
        for index in ranking:
            grid = by_index[index].outputs[t]
            if grid is not None and grid not in picked:
                picked.append(grid)
                if len(picked) == 2:
                    break
        if backfill and len(picked) < 2:
            for it in _runners_up(results):
                grids = it.test_grids
                grid = grids[t] if t < len(grids) else None
                if grid is not None and is_grid(grid) and grid not in picked:
                    picked.append(grid)
                    if len(picked) == 2:
                        break
        picked_or_none: list[Grid | None] = [*picked, None, None]
        attempts.append(Attempts(picked_or_none[0], picked_or_none[1]))
    return Vote(groups=groups, ranking=ranking, attempts=tuple(attempts))
