"""The search on real ARC tasks: solved, deterministic, blind to test outputs, robust."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from arcloop.arc.task import Task
from arcloop.search import Program, search
from arcloop.search.catalogue import Step, step
from arcloop.search.engine import simplicity
from arcloop.search.lib_paint import connect_pairs, fill_enclosed, recolour
from arcloop.search.lib_rules import apply_ray_rule
from arcloop.search.state import Frame, Search
from arcloop.search.views import IDENTITY
from tests.search.helpers import arc1_task, make_task, run_source

# Tasks the search solves, each by a different kind of program.
SOLVED = [
    "007bbfb7",  # place a copy of the grid at every non-zero cell
    "0520fde7",  # split at a separator, AND the halves, colour map
    "1e0a9b12",  # gravity
    "3631a71a",  # repair a masked symmetric pattern
    "08ed6ac7",  # recolour objects by size rank
    "1190e5a7",  # one pixel per separator cell
    "3aa6fb7a",  # learned local rule
    "ce039d91",  # mirror, then recolour by (mirrored colour, input colour)
    "83302e8f",  # paint the background regions: closed boxes one colour, leaky ones another
]


@pytest.mark.parametrize("task_id", SOLVED)
def test_solves_real_task(task_id: str) -> None:
    task = arc1_task(task_id)
    programs = search(task.without_solutions(), time_limit_s=30.0)
    assert programs and programs[0].fits
    assert task.test_outputs is not None
    for grid, want in zip(task.test_inputs, task.test_outputs, strict=True):
        assert run_source(programs[0].source, grid) == want


def test_fitting_programs_come_first_and_are_distinct() -> None:
    task = arc1_task("0520fde7")
    programs = search(task, time_limit_s=30.0, max_programs=3)
    fits = [p.fits for p in programs]
    assert fits == sorted(fits, reverse=True)
    answers = [tuple(run_source(p.source, g) for g in task.test_inputs) for p in programs]
    assert len(set(answers)) == len(answers)


def test_deterministic_and_blind_to_test_outputs() -> None:
    task = arc1_task("0520fde7")
    first = search(task, time_limit_s=30.0)
    again = search(task, time_limit_s=30.0)
    blind = search(task.without_solutions(), time_limit_s=30.0)
    assert first == again == blind


def test_unsolved_task_returns_partial_programs() -> None:
    task = arc1_task("045e512c")
    programs = search(task, time_limit_s=30.0, budget=300)
    assert programs
    assert all(isinstance(p, Program) and not p.fits for p in programs)
    assert all(0.0 <= p.score < 1.0 for p in programs)


def test_one_by_one_grids() -> None:
    task = make_task([(((1,),), ((2,),))], [((1,),)])
    programs = search(task, time_limit_s=30.0)
    assert programs[0].fits
    assert run_source(programs[0].source, ((1,),)) == ((2,),)


def test_single_pair_and_large_grids_do_not_crash() -> None:
    big = tuple(tuple((r * 7 + c * 3) % 10 for c in range(30)) for r in range(30))
    flipped = tuple(row[::-1] for row in big)
    task = make_task([(big, flipped)], [big, ((5,),)])
    programs = search(task, time_limit_s=30.0, budget=500)
    assert programs[0].fits
    assert run_source(programs[0].source, big) == flipped


def test_time_limit_stops_the_search() -> None:
    ticks = itertools.count()
    task = arc1_task("045e512c")
    # Every clock reading advances one second: the search must stop at its first check.
    programs = search(task, time_limit_s=2.0, budget=10**9, clock=lambda: float(next(ticks)))
    assert next(ticks) < 50
    assert all(isinstance(p, Program) for p in programs)


def test_max_programs_is_respected() -> None:
    task = arc1_task("007bbfb7")
    assert len(search(task, max_programs=1, time_limit_s=30.0)) == 1


def _random_task(rng: np.random.Generator, k: int) -> Task:
    def grid(h: int, w: int) -> tuple[tuple[int, ...], ...]:
        g = rng.integers(0, 10, (h, w)) * (rng.random((h, w)) < rng.random())
        if rng.random() < 0.3:  # separator lines, sometimes covering the whole grid
            g[:: rng.integers(1, 4)] = 5
            g[:, :: rng.integers(1, 4)] = 5
        return tuple(tuple(int(v) for v in row) for row in g)

    h, w = (int(v) for v in rng.integers(1, 9, 2))
    oh, ow = (h, w) if rng.random() < 0.5 else (int(v) for v in rng.integers(1, 9, 2))
    pairs = [(grid(h, w), grid(oh, ow)) for _ in range(int(rng.integers(1, 4)))]
    return make_task(pairs, [grid(h, w)], task_id=f"random-{k}")


def test_random_and_degenerate_tasks_never_raise() -> None:
    # Uniform grids, grids that are all separator, 1-cell grids, mismatched shapes: the
    # search must answer (possibly with nothing), never raise.
    rng = np.random.default_rng(18)
    tasks = [_random_task(rng, k) for k in range(60)]
    full = tuple(tuple(5 for _ in range(4)) for _ in range(4))
    tasks.append(make_task([(full, ((1,),)), (full, ((1,),))], [full], task_id="all-separator"))
    for task in tasks:
        programs = search(task, time_limit_s=30.0, budget=300)
        assert all(isinstance(p, Program) for p in programs), task.id


def test_a_fixed_step_ranks_above_a_learned_table_that_fits_as_well() -> None:
    fixed = (step(connect_pairs, directions="h"),)
    table = {(0, "s", 1, 1): 1, (0, "s", 4, 4): 4, (0, "s", 8, 8): 8}
    learned = (Step(apply_ray_rule, (("table", table),), family="learned"),)
    assert simplicity(fixed) < simplicity(learned)
    # two fixed steps and a one-entry colour map say less than one three-entry table
    chain = (
        step(fill_enclosed, colour=3),
        Step(recolour, (("mapping", {2: 0}),), family="learned"),
    )
    assert simplicity(chain) < simplicity(learned)


def test_states_one_factor_from_the_outputs_are_extended_first() -> None:
    outputs = [np.zeros((6, 6), dtype=np.int64), np.zeros((9, 3), dtype=np.int64)]
    inputs = [np.zeros((8, 8), dtype=np.int64), np.zeros((8, 8), dtype=np.int64)]
    s = Search(inputs, outputs, [], 100, 1e9, lambda: 0.0, 2, frozenset())
    frame = Frame(s, IDENTITY, inputs, outputs)
    thirds = [np.zeros((2, 2), dtype=np.int64), np.zeros((3, 1), dtype=np.int64)]
    cells = [np.zeros((1, 1), dtype=np.int64), np.zeros((1, 1), dtype=np.int64)]
    assert frame.one_factor(thirds)  # both outputs three times their grids
    assert not frame.one_factor(cells)  # a single cell divides anything
    assert not frame.one_factor([thirds[0], np.zeros((9, 1), dtype=np.int64)])
    assert frame.promise(thirds) < frame.promise(inputs)
