"""The search: breadth-first over step sequences, finished by learned tables, ranked.

Depth 1 applies every catalogue step to the inputs; depth 2 applies every chainable step to
each distinct depth-1 result. Each distinct result (train and test inputs together, so two
programs that agree on train but not on test both survive) is checked against the train
outputs as it is, and after a learned colour map. The identity and the most promising depth-1
results are also finished with learned object rules and local neighbourhood rules. Depth 2 only
pairs a right-shaped result with shape-keeping steps and a wrong-shaped one with resizing
steps. Work is counted in step applications (large grids cost more units), so the result does
not depend on the machine's speed; the wall-clock limit is only a safety stop.

Ranking: programs that fit every train pair come first, in the order found (depth, then
catalogue order: simpler first), one per distinct set of test outputs; then the best partial
fits by cell accuracy.

Not here: the catalogue (``catalogue.py``), the source text (``emit.py``). The test outputs
are never read.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from arcloop.arc.grid import Grid
from arcloop.arc.task import Task
from arcloop.search import lib_objects
from arcloop.search import lib_paint as paint
from arcloop.search.catalogue import Step, step, task_steps
from arcloop.search.grids import Array, is_valid, to_array, to_grid
from arcloop.search.learn import (
    learn_colour_map,
    learn_local_rule,
    learn_object_rule,
    learn_pair_map,
)

log = logging.getLogger(__name__)

DEFAULT_BUDGET = 8000
"""Work units per task: one per step application (on every train and test input) for tasks
of up to ``CELLS_PER_UNIT`` cells, more for larger ones."""

OBJECT_FEATURES = ("colour", "size", "height", "width", "border", "holes", "shape")
"""Object features a learned object rule may key on, most general first."""

LOCAL_SHAPES = ("cross_set", "square_set", "cross", "square", "lines")
"""Neighbourhoods a learned local rule may key on, most general first."""

RULE_STATES = 3
"""Depth-1 results (the most promising) that learned rules also finish."""

CELLS_PER_UNIT = 500
"""Cells (summed over train and test inputs) one budget unit pays for, per application."""

EXTRA_AFTER_FIT = 600
"""Applications still spent after the first fitting program, looking for a distinct second."""


def _memoise_objects() -> None:
    """Cache ``find_objects`` in this process: dozens of selectors label the same grid.

    The object primitives look ``find_objects`` up in their module at call time, so replacing
    the module attribute by a cached wrapper speeds every one of them up without changing
    their text (the emitter copies the original, reached through ``__wrapped__``). The masks
    come back read-only, so no caller can spoil the cache.
    """
    original = lib_objects.find_objects
    if hasattr(original, "__wrapped__"):
        return

    @functools.lru_cache(maxsize=512)
    def cached(
        shape: tuple[int, ...], data: bytes, diagonal: bool, multicolour: bool, bg: int
    ) -> list[Array]:
        g = np.frombuffer(data, dtype=np.int_).reshape(shape)
        masks = original(g, diagonal, multicolour, bg)
        for m in masks:
            m.flags.writeable = False
        return masks

    @functools.wraps(original)
    def find_objects(g: Array, diagonal: bool, multicolour: bool, bg: int) -> list[Array]:
        g = np.ascontiguousarray(g, dtype=np.int_)
        return list(cached(g.shape, g.tobytes(), diagonal, multicolour, bg))

    lib_objects.find_objects = find_objects


_memoise_objects()


@dataclass(frozen=True, slots=True)
class Found:
    """A candidate program with its outputs on the train and test inputs."""

    steps: tuple[Step, ...]
    train_outputs: tuple[Array, ...]
    test_outputs: tuple[Array, ...]
    train_correct: int
    score: float
    depth: int
    order: int


@dataclass
class _Search:
    train_in: list[Array]
    train_out: list[Array]
    test_in: list[Array]
    budget: int
    deadline: float
    clock: Callable[[], float]
    used: float = 0.0
    seen: set[bytes] = field(default_factory=set)
    fits: list[Found] = field(default_factory=list)
    partial: list[Found] = field(default_factory=list)
    fit_at: float | None = None

    @property
    def n_train(self) -> int:
        return len(self.train_in)

    def exhausted(self, want: int) -> bool:
        if self.used >= self.budget or self.clock() > self.deadline:
            return True
        if self.fit_at is not None and self.used - self.fit_at >= EXTRA_AFTER_FIT:
            return True
        return len({_key(f.test_outputs) for f in self.fits}) >= want

    def right_shape(self, grids: Sequence[Array]) -> bool:
        """True when the grids made from the train inputs have the train outputs' shapes."""
        return all(a.shape == b.shape for a, b in zip(grids, self.train_out, strict=False))

    def promise(self, grids: Sequence[Array]) -> tuple[int, float]:
        """Sort key for depth-1 results to extend: right-shaped near misses first."""
        if not self.right_shape(grids):
            return (1, 0.0)
        accuracy = np.mean([np.mean(a == b) for a, b in zip(grids, self.train_out, strict=False)])
        return (0 if accuracy >= 0.5 else 2, -float(accuracy))

    def apply(self, s: Step, grids: Sequence[Array]) -> list[Array] | None:
        """The step on every grid, or None when it fails or gives an invalid grid anywhere.

        Charges the budget one unit per application, more for large grids (the square root
        of their cells over ``CELLS_PER_UNIT``), so big tasks cost about as much as small ones.
        """
        self.used += max(1.0, (sum(g.size for g in grids) / CELLS_PER_UNIT) ** 0.5)
        out = []
        for g in grids:
            try:
                r = np.asarray(s(g))
            except Exception:  # a primitive that does not apply raises; any error means no
                return None
            if not is_valid(r):
                return None
            out.append(r)
        return out

    def consider(self, steps: tuple[Step, ...], grids: list[Array], depth: int) -> bool:
        """Record a new distinct result; False when it was seen before."""
        key = _key(grids)
        if key in self.seen:
            return False
        self.seen.add(key)
        made = grids[: self.n_train]
        self._check(steps, made, grids[self.n_train :], depth)
        test = grids[self.n_train :]
        mapping = learn_colour_map(made, self.train_out, apply_to=test)
        if mapping is not None:
            finish = step(paint.recolour, mapping=mapping)
            self._check(
                (*steps, finish), [finish(g) for g in made], [finish(g) for g in test], depth
            )
        elif steps:
            pairs = learn_pair_map(
                made,
                self.train_in,
                self.train_out,
                apply_to=list(zip(test, self.test_in, strict=True)),
            )
            if pairs is not None:
                stack = Step(paint.recolour_with_input, (("table", pairs),), reads_input=True)
                self._check(
                    (*steps, stack),
                    [stack(g, x) for g, x in zip(made, self.train_in, strict=True)],
                    [stack(g, x) for g, x in zip(test, self.test_in, strict=True)],
                    depth + 1,
                )
        return True

    def finish_with_rules(self, steps: tuple[Step, ...], grids: list[Array]) -> None:
        """Try learned object rules and neighbourhood rules after ``steps``."""
        made = grids[: self.n_train]
        if not self.right_shape(made):
            return
        test = grids[self.n_train :]
        finishes: list[Step] = []
        for diagonal in (False, True):
            for multicolour in (False, True):
                for feature in OBJECT_FEATURES:
                    obj_table = learn_object_rule(
                        made,
                        self.train_out,
                        diagonal=diagonal,
                        multicolour=multicolour,
                        feature=feature,
                        apply_to=test,
                    )
                    if obj_table is not None:
                        finishes.append(
                            step(
                                lib_objects.recolour_objects,
                                diagonal=diagonal,
                                multicolour=multicolour,
                                feature=feature,
                                table=obj_table,
                            )
                        )
        for shape in LOCAL_SHAPES:
            table = learn_local_rule(made, self.train_out, shape=shape, apply_to=test)
            if table is not None:
                finishes.append(step(paint.apply_local_rule, shape=shape, table=table))
        for finish in finishes:
            self.used += 1
            self._check(
                (*steps, finish),
                [finish(g) for g in made],
                [finish(g) for g in test],
                len(steps) + 1,
            )

    def _check(
        self, steps: tuple[Step, ...], made: list[Array], test: list[Array], depth: int
    ) -> None:
        correct = 0
        score = 0.0
        for a, b in zip(made, self.train_out, strict=True):
            if a.shape == b.shape:
                same = float(np.mean(a == b))
                score += same
                correct += same == 1.0
        found = Found(
            steps,
            tuple(made),
            tuple(test),
            correct,
            score / self.n_train,
            depth,
            len(self.fits) + len(self.partial),
        )
        if correct == self.n_train:
            if self.fit_at is None:
                self.fit_at = self.used
            self.fits.append(found)
        elif score > 0:
            self.partial.append(found)
            if len(self.partial) > 64:
                self.partial.sort(key=lambda f: (-f.train_correct, -f.score, f.order))
                del self.partial[16:]


def _key(grids: Sequence[Array]) -> bytes:
    return b"|".join(bytes(str(g.shape), "ascii") + g.astype(np.int8).tobytes() for g in grids)


def run_search(
    task: Task,
    *,
    time_limit_s: float,
    want: int,
    budget: int = DEFAULT_BUDGET,
    clock: Callable[[], float] = time.monotonic,
) -> list[Found]:
    """Search one task; return fitting programs (distinct test outputs) then partial fits.

    Args:
        task: the task; only its train pairs and test inputs are read.
        time_limit_s: safety stop on wall-clock time.
        want: stop once this many fitting programs with distinct test outputs are found.
        budget: step applications allowed.
        clock: monotonic seconds (injectable for tests).
    """
    train = [(to_array(p.input), to_array(p.output)) for p in task.train]
    test_in = [to_array(g) for g in task.test_inputs]
    s = _Search(
        [a for a, _ in train], [b for _, b in train], test_in, budget, clock() + time_limit_s, clock
    )
    inputs = s.train_in + test_in
    s.consider((), inputs, 0)
    s.finish_with_rules((), inputs)
    steps = task_steps(train, test_in)
    level1: list[tuple[Step, list[Array]]] = []
    keeps_shape: dict[Step, bool] = {}
    for st in steps:
        if s.exhausted(want):
            break
        grids = s.apply(st, inputs)
        if grids is None:
            continue
        keeps_shape[st] = all(a.shape == b.shape for a, b in zip(grids, inputs, strict=True))
        if s.consider((st,), grids, 1):
            level1.append((st, grids))
    chain = [st for st in steps if st.chain]
    level1.sort(key=lambda item: s.promise(item[1]))
    for first, grids in level1[:RULE_STATES]:
        s.finish_with_rules((first,), grids)
    for first, grids in level1:
        # A step that kept the shape of every input cannot fix a wrong shape, and one that
        # changed it is unlikely to keep a right one: try only the steps that can help.
        right_shape = s.right_shape(grids)
        for second in chain:
            if s.exhausted(want):
                break
            if keeps_shape.get(second, False) != right_shape:
                continue
            out = s.apply(second, grids)
            if out is not None:
                s.consider((first, second), out, 2)
    log.debug("task %s: %d applications, %d fits", task.id, s.used, len(s.fits))
    return _rank(s.fits, s.partial, want)


def _rank(fits: list[Found], partial: list[Found], want: int) -> list[Found]:
    ranked: list[Found] = []
    keys: set[bytes] = set()
    fits = sorted(fits, key=lambda f: (f.depth, len(f.steps), f.order))
    partial = sorted(partial, key=lambda f: (-f.train_correct, -f.score, f.depth, f.order))
    for f in [*fits, *partial]:
        k = _key(f.test_outputs)
        if k not in keys:
            keys.add(k)
            ranked.append(f)
        if len(ranked) >= want:
            break
    return ranked


def test_grids(found: Found) -> tuple[Grid, ...]:
    """A found program's test outputs as ``Grid``s."""
    return tuple(to_grid(g) for g in found.test_outputs)
