"""The search: whole-grid states, deduplicated by content, expanded to depth 3 within a budget.

A *state* is what a sequence of steps makes of every train and test input together; two
sequences that make the same grids are one state (a content hash), so the search never expands
the same thing twice and two programs that agree on train but not on test both survive.

The search runs in *views* (``views.py``): the task as it is, and with colours renumbered by
frequency (a program found there starts by renumbering and ends by undoing it). Cheaper
programs come first, each phase up to its share of the budget (``SHARES``):

- depth 1 in every view: every catalogue step applied to the inputs;
- depth 2, first in the task's own view, then in the colour view: every chainable step after
  each depth-1 state, the most promising states first (right-shaped near misses), pairing a
  right-shaped state only with shape-keeping steps and a wrong-shaped one only with resizing
  steps; steps that must fail or change nothing on a state are not run (``prune.py``), but
  charged as if they were, so the budget buys the same programs;
- depth 3 in the task's own view: shape-keeping steps after the most accurate right-shaped
  depth-2 states.

Every new state is checked against the train outputs as it is and after a learned colour map
(``finish.py``); the inputs and the most promising depth-1 states are also finished with
learned object and neighbourhood rules, in every view. Right-shaped states are kept as pieces
for the greedy combination (``combine.py``), tried when no single program fits. Work is
counted in step applications (large grids cost more), so the result does not depend on the
machine; the clock is only a safety stop, and it counts the CPU time of the searching thread,
so that a loaded machine (other searches, other programs) does not cut a search short either.

Ranking: programs fitting every train pair first (simplest first, ``simplicity``: the shortest
description, steps and learned table entries one unit each; then the fewest table entries,
the fewest steps of their own, found first), one per distinct set of test outputs; then a
combination that fits; then the best partial fits.

Not here: the catalogue (``catalogue.py``), the bookkeeping of states and budget
(``state.py``), the source text (``emit.py``). The test outputs are never read.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import numpy as np

from arcloop.arc.task import Task
from arcloop.search.cache import memoise_objects
from arcloop.search.catalogue import Step, step, task_steps
from arcloop.search.combine import combine
from arcloop.search.finish import LEARNED, SELECT, crop_selections, lookups
from arcloop.search.grids import to_array
from arcloop.search.lib_moves import scale_to
from arcloop.search.prune import StateFacts
from arcloop.search.state import Found, Frame, Search, state_key
from arcloop.search.views import COLOURS, DIHEDRAL, IDENTITY

log = logging.getLogger(__name__)

memoise_objects()


DEFAULT_BUDGET = 8000
"""Work units per task: one per step application (on every train and test input) for tasks
of up to ``CELLS_PER_UNIT`` cells, more for larger ones."""

RULE_STATES = 3
"""Depth-1 states (the most promising) that learned object rules also finish."""

LOCAL_RULE_STATES = 8
"""Depth-1 states (the most promising) that learned neighbourhood rules also finish."""

DEPTH3_STATES = 12
"""Right-shaped depth-2 states (the most accurate) extended to depth 3."""

SHARES = {"depth1": 0.4, "depth2": 0.75, "views2": 0.88}
"""Cumulative share of the budget the search may have used when each phase ends: depth 1 in
every view, depth 2 in the task's own view, depth 2 in the other views; depth 3 (in the task's
own view) may use the rest."""

DIHEDRAL_VIEWS = False
"""Search the seven turned and mirrored views too. Off: the catalogue is closed under the
dihedral group (every oriented primitive comes in all orientations), so a turned view only
repeats states the task's own view already reached, at the cost of the budget."""

FAMILIES = (
    "geometry",
    "objects",
    "moves",
    "parts",
    "pieces",
    "paint",
    LEARNED,
    SELECT,
    "views",
    "combine",
    "depth3",
)
"""Primitive families the benchmark's ablation removes one at a time."""


def _depth1(frame: Frame, steps: list[Step]) -> None:
    """The inputs as they are, and every catalogue step applied to them."""
    s = frame.search
    frame.consider((), frame.inputs, 0)
    frame.finish_with_rules((), frame.inputs)
    if SELECT not in s.off:
        steps = (
            crop_selections(frame.inputs[: s.n_train], frame.wanted, frame.inputs[s.n_train :])
            + steps
        )
    if LEARNED not in s.off and frame.view is IDENTITY:
        steps = steps + lookups(frame.inputs[: s.n_train], frame.wanted, frame.inputs[s.n_train :])
    facts = StateFacts(frame.inputs)
    for st in steps:
        if s.exhausted():
            return
        if facts.futile(st):
            s.charge(frame.inputs)
            continue
        grids = s.apply(st, frame.inputs)
        if grids is None:
            facts.failed(st)
            continue
        if not st.chain and all(
            np.array_equal(a, b)
            for a, b in zip(grids[: s.n_train], frame.inputs[: s.n_train], strict=True)
        ):
            continue  # a first step that changes no train input has no evidence for the test
        keeps = all(a.shape == b.shape for a, b in zip(grids, frame.inputs, strict=True))
        frame.keeps_shape[st] = keeps
        if frame.consider((st,), grids, 1):
            frame.level1.append((st, grids))
    frame.level1.sort(key=lambda item: frame.promise(item[1][: s.n_train]))
    for k, (first, grids) in enumerate(frame.level1[:LOCAL_RULE_STATES]):
        frame.finish_with_rules((first,), grids, objects=k < RULE_STATES)


def _depth2(frame: Frame, chain: list[Step]) -> None:
    """Every chainable step after each depth-1 state, the most promising states first."""
    s = frame.search
    # whether each step keeps the shape, looked up once (hashing a step costs)
    keeps = [frame.keeps_shape.get(second, False) for second in chain] if frame.level1 else []
    for first, grids in frame.level1:
        # A step that kept the shape of every input cannot fix a wrong shape, and one that
        # changed it is unlikely to keep a right one: try only the steps that can help.
        right_shape = frame.right_shape(grids[: s.n_train])
        facts = StateFacts(grids)
        for second, keeps_shape in zip(chain, keeps, strict=True):
            if s.exhausted():
                return
            if keeps_shape != right_shape:
                continue
            if facts.futile(second):
                s.charge(grids)
                continue
            out = s.apply(second, grids)
            if out is None:
                facts.failed(second)
            elif frame.consider((first, second), out, 2):
                accuracy = frame.accuracy(out[: s.n_train])
                if accuracy >= 0:
                    frame.level2.append((-accuracy, len(frame.level2), (first, second), out))


def _depth3(frame: Frame, chain: list[Step]) -> None:
    """Shape-keeping steps after the most accurate right-shaped depth-2 states."""
    s = frame.search
    frame.level2.sort(key=lambda item: item[:2])
    shape_keeping = [st for st in chain if frame.keeps_shape.get(st, False)]
    for _, _, program, grids in frame.level2[:DEPTH3_STATES]:
        facts = StateFacts(grids)
        for third in shape_keeping:
            if s.exhausted():
                return
            if facts.futile(third):
                s.charge(grids)
                continue
            out = s.apply(third, grids)
            if out is None:
                facts.failed(third)
            else:
                frame.consider((*program, third), out, 3)


def run_search(
    task: Task,
    *,
    time_limit_s: float,
    want: int,
    budget: int = DEFAULT_BUDGET,
    clock: Callable[[], float] = time.thread_time,
    off: frozenset[str] = frozenset(),
) -> list[Found]:
    """Search one task; return fitting programs (distinct test outputs) then partial fits.

    Args:
        task: the task; only its train pairs and test inputs are read.
        time_limit_s: safety stop on the searching thread's CPU time.
        want: stop once this many fitting programs with distinct test outputs are found.
        budget: work units allowed.
        clock: seconds for the safety stop (the thread's CPU time; injectable for tests).
        off: families (``FAMILIES``) to leave out, for the benchmark's ablation.
    """
    train = [(to_array(p.input), to_array(p.output)) for p in task.train]
    test_in = [to_array(g) for g in task.test_inputs]
    train_in, train_out = [a for a, _ in train], [b for _, b in train]
    s = Search(train_in, train_out, test_in, budget, clock() + time_limit_s, clock, want, off)
    steps = [st for st in task_steps(train, test_in) if st.kind not in off]
    out_shapes = {b.shape for b in train_out}
    if len(out_shapes) == 1 and "moves" not in off:
        ((h, w),) = out_shapes
        s.scale = step(scale_to, h=h, w=w)
    chain = [st for st in steps if st.chain]
    views = [IDENTITY]
    if "views" not in off:
        views.append(COLOURS)
        if DIHEDRAL_VIEWS:
            views += DIHEDRAL
    frames = [
        Frame(s, v, v.inputs(train_in + test_in), [v.target(x, y) for x, y in train]) for v in views
    ]
    # Cheaper programs first in every view, then deeper ones: depth 1 everywhere, depth 2 in
    # the task's own view, then in the others, then depth 3 in the task's own view.
    s.cap = budget * SHARES["depth1"]
    for frame in frames:
        _depth1(frame, steps)
    for k, frame in enumerate(frames):
        s.cap = budget * SHARES["depth2" if k == 0 else "views2"]
        _depth2(frame, chain)
    if "depth3" not in off:
        s.cap = budget
        _depth3(frames[0], chain)
    combined: list[Found] = []
    if "combine" not in off and not s.fits:
        c = combine(s.pieces, train_in, train_out, test_in)
        if c is not None:
            depth = sum(len(layer.steps) for layer in c.layers)
            n = s.n_train
            combined.append(Found((), c.train, c.test, n, 1.0, depth, len(s.fits), c))
    log.debug("task %s: %d applications, %d fits", task.id, s.used, len(s.fits))
    return _rank(s.fits, combined, s.partial, want)


def simplicity(steps: tuple[Step, ...]) -> tuple[int, int, int]:
    """How much a program says, least first: the length of its description (its steps, a
    learned table counted as a step, and the entries of its learned tables, one each), then
    the entries of its learned tables, then its steps other than its view's.

    Two programs that fit every train pair are told apart by what they had to learn: a fixed
    primitive (``connect_pairs``) explains the pairs with nothing learned, a learned rule
    that fits them too (a ray table with one entry per colour) has memorised more, and is
    the less likely to hold on the test input; so is a one-step table of three entries next
    to two fixed steps and a one-entry colour map.

    >>> from arcloop.search.lib_paint import recolour
    >>> simplicity((Step(recolour, (("mapping", {1: 2, 3: 4}),), family="learned"),))
    (3, 2, 1)
    """
    own = [st for st in steps if st.kind != "views"]
    entries = sum(
        len(v)
        for st in own
        for k, v in st.kwargs
        if k in ("table", "mapping") and isinstance(v, dict | tuple)
    )
    return len(steps) + entries, entries, len(own)


def _rank(fits: list[Found], combined: list[Found], partial: list[Found], want: int) -> list[Found]:
    ranked: list[Found] = []
    keys: set[bytes] = set()
    fits = sorted(fits, key=lambda f: (*simplicity(f.steps), f.order))
    partial = sorted(partial, key=lambda f: (-f.train_correct, -f.score, f.depth, f.order))
    for f in [*fits, *combined, *partial]:
        k = state_key(f.test_outputs)
        if k not in keys:
            keys.add(k)
            ranked.append(f)
        if len(ranked) >= want:
            break
    return ranked
