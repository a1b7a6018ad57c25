"""Greedy combination: several candidates, each right on part of the output, laid together.

Many outputs are the input with a few things drawn on it, and no single candidate draws all of
them: one extends the red rays, another fills the enclosed holes. Each candidate (a *piece*)
*shows* where it differs from a transparent value (colour 0, or the input itself, so only the
cells it changed show). The combination takes, again and again, the piece that shows the most
still-undecided cells of the train outputs right while showing none of them wrong, until no
piece adds anything; the cells no piece decided take one fill colour. It is kept only when it
reproduces every train output exactly, and it is ranked after every single program that does.

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
    wrong = show & ~right
    done = np.zeros(target.shape, dtype=bool)
    chosen: list[int] = []
    for _ in range(MAX_LAYERS):
        gain = (right & ~done).sum(axis=1)
        gain[(wrong & ~done).any(axis=1)] = 0
        best = int(gain.argmax())
        if gain[best] == 0:
            break
        chosen.append(best)
        done |= show[best]
    if not chosen:
        return None
    rest = target[~done]
    fill = int(rest[0]) if rest.size else 0
    if rest.size and np.any(rest != fill):
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
