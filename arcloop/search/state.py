"""The search's bookkeeping: its budget and results (``Search``) and one view of it (``Frame``).

``Frame.consider`` is where a new state is met: it is skipped when its grids were seen before
in the view (a content hash), else scored against the train outputs (``check``), finished with
a learned colour table, and scaled up to the output size when that is one size for all pairs.
Applications are charged to the budget in ``Search.apply``.

Not here: which states are expanded, and in what order (``engine.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from arcloop.search.catalogue import Step
from arcloop.search.combine import Combination, Piece
from arcloop.search.finish import LEARNED, rule_finishes, table_finish
from arcloop.search.grids import Array, is_valid
from arcloop.search.views import IDENTITY, View

CELLS_PER_UNIT = 500
"""Cells (summed over train and test inputs) one budget unit pays for, per application."""

EXTRA_AFTER_FIT = 600
"""Applications still spent after the first fitting program, looking for a distinct second."""

CLOCK_EVERY = 16
"""``Search.exhausted`` reads the clock on every this-many-th call only: a reading costs a
system call (several microseconds in a sandbox), the other checks cost nothing, and the time
limit is a safety stop that a few more applications do not overrun."""

MEMO_CELLS = 4_000_000
"""Cells of grids (keys and results) the memo of step applications holds before it starts
afresh (some 40 MB): bounds its memory on large tasks, without changing any result."""


GridKey = tuple[str, tuple[int, ...], bytes]
"""A grid in the memo of step applications: its type, shape and cells."""


@dataclass(frozen=True, slots=True)
class Found:
    """A candidate program with its outputs on the train and test inputs (task frame).

    ``steps`` is the program, unless ``combination`` is set (then ``steps`` is empty).
    """

    steps: tuple[Step, ...]
    train_outputs: tuple[Array, ...]
    test_outputs: tuple[Array, ...]
    train_correct: int
    score: float
    depth: int
    order: int
    combination: Combination | None = None


@dataclass
class Search:
    train_in: list[Array]
    train_out: list[Array]
    test_in: list[Array]
    budget: int
    deadline: float
    clock: Callable[[], float]
    want: int
    off: frozenset[str]
    used: float = 0.0
    cap: float = 0.0
    seen: set[bytes] = field(default_factory=set)
    fits: list[Found] = field(default_factory=list)
    partial: list[Found] = field(default_factory=list)
    pieces: list[Piece] = field(default_factory=list)
    fit_at: float | None = None
    fit_keys: set[bytes] = field(default_factory=set)
    scale: Step | None = None
    memo: dict[tuple[int, GridKey], Array | None] = field(default_factory=dict)
    memo_steps: dict[int, Step] = field(default_factory=dict)
    memo_cells: int = 0
    checks: int = 0
    _last_grids: Sequence[Array] | None = None
    _last_keys: tuple[float, list[GridKey]] = (0.0, [])

    @property
    def n_train(self) -> int:
        return len(self.train_in)

    def exhausted(self) -> bool:
        used = self.used
        if used >= self.cap or used >= self.budget:
            return True
        self.checks += 1
        if self.checks % CLOCK_EVERY == 1 and self.clock() > self.deadline:
            return True
        if self.fit_at is not None and used - self.fit_at >= EXTRA_AFTER_FIT:
            return True
        return len(self.fit_keys) >= self.want

    def charge(self, grids: Sequence[Array]) -> None:
        """Count one application on ``grids`` against the budget (``apply``)."""
        self.used += self._keys(grids)[0]

    def _keys(self, grids: Sequence[Array]) -> tuple[float, list[GridKey]]:
        """The cost of one application on ``grids`` and the grids' memo keys (without the
        step), kept for the last list of grids met: the engine applies one state's grids
        to hundreds of steps in a row. The list is held, so its id passes to no other."""
        if grids is self._last_grids:
            return self._last_keys
        cells = sum(g.size for g in grids)
        cost = max(1.0, (cells / CELLS_PER_UNIT) ** 0.5)
        keys: list[GridKey] = [(g.dtype.char, g.shape, g.tobytes()) for g in grids]
        self._last_grids = grids
        self._last_keys = (cost, keys)
        return self._last_keys

    def apply(self, s: Step, grids: Sequence[Array]) -> list[Array] | None:
        """The step on every grid, or None when it fails or gives an invalid grid anywhere.

        Charges one unit per application, more for large grids (the square root of their
        cells over ``CELLS_PER_UNIT``), so big tasks cost about as much as small ones.

        The budget is charged whatever the memo holds: a step met again on a grid it has
        already seen (a state that left some grids unchanged, say) is looked up, not rerun,
        so the memo saves time but changes nothing the search does. Results come back
        read-only, since several states may share them.
        """
        cost, keys = self._keys(grids)
        self.used += cost
        out = []
        memo = self.memo
        # the step by its id (hashing a step's arguments costs more, and learned tables do
        # not hash); ``memo_steps`` holds every step met, so no id passes to another step
        sid = id(s)
        self.memo_steps.setdefault(sid, s)
        for g, gkey in zip(grids, keys, strict=True):
            key = (sid, gkey)
            r = memo.get(key, _MISSING)
            if r is _MISSING:
                r = _apply_one(s, g)
                if self.memo_cells > MEMO_CELLS:
                    memo.clear()
                    self.memo_cells = 0
                memo[key] = r
                self.memo_cells += g.size + (0 if r is None else r.size)
            if r is None:
                return None
            out.append(r)
        return out


_MISSING: Array = np.empty((0, 0), dtype=np.int_)
"""What the memo's ``get`` gives for a step not yet applied to a grid (None is a result)."""


def _apply_one(s: Step, g: Array) -> Array | None:
    """``s(g)`` as a read-only array, or None when it raises or gives an invalid grid."""
    try:
        r = s(g)
    except Exception:  # a primitive that does not apply raises; any error means no
        return None
    if type(r) is not np.ndarray:
        r = np.asarray(r)
    if r.base is g and r.dtype == g.dtype and r.ndim == 2:
        # a view of the (valid) grid holds only its values: only the size can be wrong
        h, w = r.shape
        if not (1 <= h <= 30 and 1 <= w <= 30):
            return None
    elif r is not g and not is_valid(r):
        return None
    r.flags.writeable = False
    return r


@dataclass
class Frame:
    """The search inside one view: its inputs and targets, and the states it has seen."""

    search: Search
    view: View
    inputs: list[Array]
    wanted: list[Array]
    keeps_shape: dict[Step, bool] = field(default_factory=dict)
    level1: list[tuple[Step, list[Array]]] = field(default_factory=list)
    level2: list[tuple[float, int, tuple[Step, ...], list[Array]]] = field(default_factory=list)
    key: bytes = field(init=False, default=b"")
    """What the keys of the view's states (in ``Search.seen``) start with."""

    def __post_init__(self) -> None:
        self.key = self.view.name.encode() + b"\0"

    def right_shape(self, grids: Sequence[Array]) -> bool:
        return all(a.shape == b.shape for a, b in zip(grids, self.wanted, strict=False))

    def accuracy(self, grids: Sequence[Array]) -> float:
        """Mean share of right cells over the train pairs; -1 when a shape is wrong."""
        if not self.right_shape(grids):
            return -1.0
        shares = [
            np.count_nonzero(a == b) / a.size for a, b in zip(grids, self.wanted, strict=False)
        ]
        return mean(shares)

    def promise(self, grids: Sequence[Array]) -> tuple[int, float]:
        """Sort key for states to extend: right-shaped near misses first, then wrong-shaped
        states that one factor blows up to every output (a tiling, scaling or kron step may
        make the output of them), then other wrong-shaped states."""
        accuracy = self.accuracy(grids)
        if accuracy < 0:
            return (1, 0.0 if self.one_factor(grids) else 1.0)
        return (0 if accuracy >= 0.5 else 2, -accuracy)

    def one_factor(self, grids: Sequence[Array]) -> bool:
        """Whether the output of every train pair is its grid blown up by one factor, the
        same for all pairs (single cells, which divide anything, do not count)."""
        factors = set()
        for a, b in zip(grids, self.wanted, strict=False):
            (h, w), (oh, ow) = a.shape, b.shape
            if oh % h or ow % w or h * w == 1:
                return False
            factors.add((oh // h, ow // w))
        return len(factors) == 1

    def consider(self, steps: tuple[Step, ...], grids: list[Array], depth: int) -> bool:
        """Record a new distinct state; False when it was seen before in this view."""
        s = self.search
        key = self.key + state_key(grids)
        if key in s.seen:
            return False
        s.seen.add(key)
        made, test = grids[: s.n_train], grids[s.n_train :]
        self.check(steps, made, test, depth)
        # (a colour table needs every made grid of its output's shape: skip the learning
        # that cannot give one)
        if LEARNED not in s.off and self.right_shape(made):
            # the (made, input) map needs the task's own frame, and after the identity it
            # is only a colour map
            stack = self.view is IDENTITY and bool(steps)
            finish = table_finish(
                made,
                self.wanted,
                test,
                inputs=s.train_in if stack else None,
                test_inputs=s.test_in if stack else None,
            )
            if finish is not None:
                self.finish_with((finish,), steps, made, test, depth)
        if s.scale is not None and not self.right_shape(made):
            # every train output has one size: blow a state that divides it up to it
            h, w = s.scale.kwargs[0][1], s.scale.kwargs[1][1]
            if all(h % g.shape[0] == 0 and w % g.shape[1] == 0 for g in grids):
                scaled = s.apply(s.scale, grids)
                if scaled is not None:
                    self.consider((*steps, s.scale), scaled, depth + 1)
        return True

    def finish_with(
        self,
        finishes: Iterable[Step],
        steps: tuple[Step, ...],
        made: list[Array],
        test: list[Array],
        depth: int,
    ) -> None:
        s = self.search
        for f in finishes:
            s.used += 1
            self.check(
                (*steps, f),
                [f(g, x) for g, x in zip(made, s.train_in, strict=True)],
                [f(g, x) for g, x in zip(test, s.test_in, strict=True)],
                depth + (1 if f.reads_input else 0),
            )

    def finish_with_rules(
        self, steps: tuple[Step, ...], grids: list[Array], *, objects: bool = True
    ) -> None:
        """Try learned neighbourhood rules (and object rules) after ``steps``."""
        s = self.search
        made, test = grids[: s.n_train], grids[s.n_train :]
        if LEARNED in s.off or not self.right_shape(made):
            return
        # (in the colour view too: a rule on colours ranked by frequency holds across pairs
        # of different colours, and serves a test colour that no train pair showed)
        # a rank no grid holds maps back to one colour only when all inputs hold the same
        palettes = {frozenset(np.unique(g).tolist()) for g in (*s.train_in, *s.test_in)}
        ranked = self.view is not IDENTITY and len(palettes) > 1
        finishes = rule_finishes(made, self.wanted, test, objects=objects, ranked=ranked)
        self.finish_with(finishes, steps, made, test, len(steps))

    def check(
        self, steps: tuple[Step, ...], made: list[Array], test: list[Array], depth: int
    ) -> None:
        """Score a candidate against the train outputs and record it."""
        s = self.search
        correct = 0
        score = 0.0
        whole = self.view is not IDENTITY  # a view records whole fits only (below)
        for a, b in zip(made, self.wanted, strict=True):
            if a.shape == b.shape:
                same = int(np.count_nonzero(a == b))
                score += same / a.size
                correct += int(same == a.size)
                if whole and same != a.size:
                    return
            elif whole:
                return
        if score == 0 or (whole and correct < s.n_train):
            return  # a view's partial fits add little to the task's own
        program = (*self.view.forward, *steps, *self.view.inverse)
        if self.view is not IDENTITY:
            made = self.view.back(made, s.train_in)
            test = self.view.back(test, s.test_in)
        elif correct < s.n_train and self.right_shape(made):
            s.pieces.append(Piece(program, tuple(made), tuple(test)))
        order = len(s.fits) + len(s.partial)
        found = Found(program, tuple(made), tuple(test), correct, score / s.n_train, depth, order)
        if correct == s.n_train:
            if s.fit_at is None:
                s.fit_at = s.used
            s.fits.append(found)
            s.fit_keys.add(state_key(found.test_outputs))
        else:
            s.partial.append(found)
            if len(s.partial) > 64:
                s.partial.sort(key=lambda f: (-f.train_correct, -f.score, f.order))
                del s.partial[16:]


def state_key(grids: Sequence[Array]) -> bytes:
    """The content hash of a state: shapes and cells of all its grids, as bytes (a grid's
    sides, at most 30, and its cells, 0 to 9, one byte each)."""
    if not grids:
        return b""
    sides = [n for g in grids for n in g.shape]
    shapes = b"b" + bytes(sides) if max(sides) < 256 else b"s" + str(sides).encode("ascii")
    return b"".join([shapes, *[g.astype(np.int8).tobytes() for g in grids]])


def mean(shares: Sequence[float]) -> float:
    """``float(np.mean(shares))`` to the last bit, without numpy for up to seven values.

    Numpy adds fewer than eight values in a row, from zero (eight and more it adds in
    several running sums, and those go to numpy here).

    >>> mean([0.5, 0.25, 1.0])
    0.5833333333333334
    """
    n = len(shares)
    if n == 0 or n >= 8:
        return float(np.mean(shares))
    total = 0.0
    for x in shares:
        total += x
    return total / n
