"""Frames and layers: normalisations applied before a program and undone after it, and the
overlay that joins several partial programs into one.

A *frame* is a view of the task in which a rule may be simpler: colours renumbered by how
often they occur in the input (so "the most common non-background colour" is always 1), or the
grid turned or mirrored (the dihedral steps of ``lib_geometry``). The search applies a frame's
forward step to the inputs, searches there, and ends the program with the inverse step, so the
emitted program is still one plain ``transform``. ``restore_colours`` reads the task's input
to undo the renumbering of that very input.

``combine_layers`` is the last step of a combined program: several pieces, each computed from
the input by its own chain of steps, laid one over another.

Like every ``lib_*`` module, these functions are emitted verbatim into programs: numpy only,
no module-level names but other primitives, ``ValueError`` when they do not apply.

Not here: choosing frames (``views.py``) or pieces (``combine.py``).
"""

from __future__ import annotations

import numpy as np

from arcloop.search.grids import Array


def colour_ranks(g: Array) -> Array:
    """The ten colours, most common in ``g`` first (ties: lower colour first), absent last.

    >>> colour_ranks(np.array([[5, 5, 0]])).tolist()[:3]
    [5, 0, 1]
    """
    counts = np.bincount(g.ravel(), minlength=10)
    order: Array = np.lexsort((np.arange(10), -counts))
    return order


def normalise_colours(g: Array) -> Array:
    """Renumber colours by rank: the most common becomes 0, the next 1, and so on."""
    lookup = np.empty(10, dtype=g.dtype)
    lookup[colour_ranks(g)] = np.arange(10)
    out: Array = lookup[g]
    return out


def restore_colours(g: Array, original: Array) -> Array:
    """Undo ``normalise_colours`` of the task's input ``original`` on a grid made from it."""
    out: Array = colour_ranks(original)[g]
    return out


def combine_layers(
    original: Array, pieces: list[Array], transparent: list[int], fill: int
) -> Array:
    """Lay pieces one over another: each cell takes the first piece that shows there, else
    ``fill``.

    Piece ``i`` shows where it differs from ``transparent[i]``: a colour, or -1 for "the
    task's input ``original``" (the piece then shows only the cells it changed).

    >>> a, b = np.array([[1, 0, 0]]), np.array([[2, 2, 0]])
    >>> combine_layers(a, [a, b], [0, 0], 0).tolist()
    [[1, 2, 0]]
    """
    shape = pieces[0].shape
    if any(p.shape != shape for p in pieces):
        raise ValueError("pieces differ in shape")
    out = np.full(shape, fill, dtype=pieces[0].dtype)
    done = np.zeros(shape, dtype=bool)
    for piece, clear in zip(pieces, transparent, strict=True):
        if clear < 0 and original.shape != shape:
            raise ValueError("the input's shape differs from the pieces'")
        show = (piece != original) if clear < 0 else (piece != clear)
        out[show & ~done] = piece[show & ~done]
        done |= show
    return out
