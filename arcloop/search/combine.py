"""Greedy combination: several candidates, each right on part of the output, laid together.

Many outputs are the input with a few things drawn on it, and no single candidate draws all of
them: one extends the red rays, another fills the enclosed holes. Each candidate (a *piece*)
*shows* where it differs from a transparent value (colour 0, or the input itself, so only the
cells it changed show). The combination takes, again and again, the piece that shows the most
still-undecided cells of the train outputs right while showing none of them wrong, until no
piece adds anything; the cells no piece decided take one fill colour. It is kept only when it
reproduces every train output exactly and when the greedy run without any one train pair
finds a combination that reproduces that pair too (leave-one-pair-out: with hundreds of
pieces to choose from, some choice fits a few pairs by luck); it is ranked after every single
program that fits.

The search is vectorised: every piece's cells over all train pairs are one row of a matrix.

Not here: finding the pieces (``engine.py``), the ``combine_layers`` primitive the emitted
program calls (``lib_frames.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from arcloop.search.catalogue import Step
from arcloop.search.grids import Array
from arcloop.search.lib_frames import combine_layers

MAX_LAYERS = 3
"""Most pieces in one combination (more fit the train pairs by luck too easily)."""

MAX_PIECES = 600
"""Most candidate pieces considered, the simplest first."""

FROM_INPUT = -1
"""``transparent`` value: the piece shows only where it differs from the task's input."""


@dataclass(frozen=True, slots=True)
class Layer:
    """One piece of a combination: its program and what lets lower layers show through."""

    steps: tuple[Step, ...]
    transparent: int


@dataclass(frozen=True, slots=True)
class Piece:
    """A candidate program's grids on the train and test inputs (right-shaped on train)."""

    steps: tuple[Step, ...]
    train: tuple[Array, ...]
    test: tuple[Array, ...]


@dataclass(frozen=True, slots=True)
class Combination:
    """Layers laid over each other, first on top; ``fill`` where none shows."""

    layers: tuple[Layer, ...]
    fill: int
    train: tuple[Array, ...]
    test: tuple[Array, ...]


def combine(
    pieces: Sequence[Piece],
    train_in: Sequence[Array],
    wanted: Sequence[Array],
    test_in: Sequence[Array],
) -> Combination | None:
    """The greedy combination of ``pieces`` that reproduces every train output, if any.

    Args:
        pieces: candidates whose train grids have the train outputs' shapes, simplest first.
        train_in: the task's train inputs.
        wanted: the train outputs.
        test_in: the task's test inputs.
    """
    pieces = list(pieces[:MAX_PIECES])
    if not pieces:
        return None
    target = np.concatenate([w.ravel() for w in wanted])
    same_shape = all(a.shape == b.shape for a, b in zip(train_in, wanted, strict=True))
    options = [0, FROM_INPUT] if same_shape else [0]
    rows = []
    shows = []
    for clear in options:
        base = (
            np.concatenate([a.ravel() for a in train_in])
            if clear == FROM_INPUT
            else np.full(target.shape, clear)
        )
        for p in pieces:
            cells = np.concatenate([g.ravel() for g in p.train])
            rows.append((p, clear))
            shows.append(cells != base)
    made = np.array([np.concatenate([g.ravel() for g in p.train]) for p, _ in rows])
    show = np.array(shows)
    right = show & (made == target)
    found = _greedy(show, right, np.ones(target.shape, dtype=bool), target)
    if found is None:
        return None
    chosen, fill = found
    if not _predicts_each_pair(show, right, made, target, [w.size for w in wanted], chosen):
        return None
    layers = tuple(Layer(rows[i][0].steps, rows[i][1]) for i in chosen)
    transparent = [layer.transparent for layer in layers]
    try:
        train = tuple(
            combine_layers(x, [rows[i][0].train[k] for i in chosen], transparent, fill)
            for k, x in enumerate(train_in)
        )
        test = tuple(
            combine_layers(x, [rows[i][0].test[k] for i in chosen], transparent, fill)
            for k, x in enumerate(test_in)
        )
    except ValueError:  # pieces of different shapes on a test input
        return None
    if not all(np.array_equal(a, b) for a, b in zip(train, wanted, strict=True)):
        return None
    return Combination(layers, fill, train, test)


def _greedy(
    show: Array, right: Array, cells: Array, target: Array, prefer: Sequence[int] = ()
) -> tuple[list[int], int] | None:
    """The rows (pieces) the greedy lays over each other to decide the ``cells`` of
    ``target``, and the fill of the cells none decides; None when no piece decides any cell
    or the undecided cells need more than one fill colour.

    ``show[i]``: where row ``i`` shows; ``right[i]``: where it shows the target's colour.
    Among rows that gain equally, the first of ``prefer`` wins, else the first row.
    """
    wrong = show & ~right
    done = ~cells  # cells left out count as decided: no piece gains or loses by them
    chosen: list[int] = []
    for _ in range(MAX_LAYERS):
        gain = (right & ~done).sum(axis=1)
        gain[(wrong & ~done).any(axis=1)] = 0
        best = int(gain.argmax())
        if gain[best] == 0:
            break
        best = next((i for i in prefer if gain[i] == gain[best]), best)
        chosen.append(best)
        done |= show[best]
    if not chosen:
        return None
    rest = target[~done]
    fill = int(rest[0]) if rest.size else 0
    if rest.size and np.any(rest != fill):
        return None
    return chosen, fill


def _predicts_each_pair(
    show: Array,
    right: Array,
    made: Array,
    target: Array,
    sizes: Sequence[int],
    chosen: Sequence[int],
) -> bool:
    """True when, for every train pair, the combination the greedy finds on the other pairs
    reproduces it (leave-one-pair-out); ``chosen``: the rows of the combination found on all
    pairs.

    The greedy chooses up to ``MAX_LAYERS`` of hundreds of pieces and a fill colour: a
    family so large that some choice fits a few train pairs by luck. A choice that states the
    rule is found again without any one pair and predicts that pair; a lucky one is not (the
    pieces that fit the cells of one pair by accident differ from pair to pair). Pieces that
    gain equally on the other pairs cannot be told apart by them (``keep_colour(2)`` and
    ``erase_colour(6)`` when those pairs hold only 2 and 6), so ties go to the ``chosen``
    pieces: the held-out pair may break a tie, not make a piece worth choosing. With one
    train pair there is nothing to hold out.
    """
    if len(sizes) < 2:
        return True
    ends = np.cumsum(sizes)
    for start, end in zip(ends - np.asarray(sizes), ends, strict=True):
        held = np.zeros(target.shape, dtype=bool)
        held[start:end] = True
        found = _greedy(show, right, ~held, target, prefer=chosen)
        if found is None:
            return False
        again, fill = found
        out = np.full(end - start, fill)
        done = np.zeros(end - start, dtype=bool)
        for i in again:
            shows = show[i, start:end] & ~done
            out[shows] = made[i, start:end][shows]
            done |= show[i, start:end]
        if not np.array_equal(out, target[start:end]):
            return False
    return True
