"""Pieces: parts of the picture cut out of the grid and put together into a new, smaller grid.

A *piece* is the bounding box of an object (a connected group of non-background cells, any
colours) or of all cells of one colour, cut out with everything inside it. ``overlay_pieces``
lays the pieces on one another, centred, so that their marks (cells other than the colour the
pieces share most) join into one picture; ``assemble_pieces`` puts equal-sized pieces side by
side, each in the slot its marks face (a piece marked at its top left goes top left).

Like every ``lib_*`` module, these functions are emitted verbatim into programs: numpy only,
no module-level names but other primitives, ``ValueError`` when they do not apply.

``interlock_pieces`` fits pieces of one colour each together, unturned, into a full rectangle
(a jigsaw whose pieces interlock).

Not here: turning or mirroring pieces to make them fit.
"""

from __future__ import annotations

import numpy as np

from arcloop.search.grids import Array
from arcloop.search.lib_geometry import background, bbox
from arcloop.search.lib_objects import find_objects


def cut_pieces(g: Array, by: str) -> list[Array]:
    """The pieces of a grid, in reading order of their boxes: ``"object"`` (the box of each
    8-connected group of cells other than the most common colour) or ``"colour"`` (the box
    of each colour other than the most common). Fewer than two pieces raise."""
    bg = background(g)
    if by == "object":
        masks = find_objects(g, True, True, bg)
    elif by == "colour":
        masks = [g == c for c in range(10) if c != bg and np.any(g == c)]
    else:
        raise ValueError(by)
    if not 2 <= len(masks) <= 12:
        raise ValueError("not two to twelve pieces")
    boxes = sorted(bbox(m) for m in masks)
    return [g[top:bottom, left:right] for top, left, bottom, right in boxes]


def overlay_pieces(g: Array, by: str) -> Array:
    """Lay the pieces (``cut_pieces``) on one another, each centred on the largest: every cell
    takes the mark a piece has there (a colour other than the most common one of all pieces'
    cells), else that colour. Two different marks on one cell, a piece that cannot be
    centred (an odd difference in size), or no one most common colour, raise.

    >>> g = np.array([[2, 0, 2, 1, 0], [0, 0, 0, 0, 3], [2, 0, 2, 1, 0]])
    >>> overlay_pieces(g, "colour").tolist()
    [[2, 1, 2], [0, 3, 0], [2, 1, 2]]
    """
    pieces = cut_pieces(g, by)
    h = max(p.shape[0] for p in pieces)
    w = max(p.shape[1] for p in pieces)
    counts = np.sum([np.bincount(p.ravel(), minlength=10) for p in pieces], axis=0)
    blank = int(np.argmax(counts))
    if np.count_nonzero(counts == counts[blank]) > 1:
        raise ValueError("no one most common colour")
    out = np.full((h, w), blank, dtype=g.dtype)
    done = np.zeros((h, w), dtype=bool)
    for p in pieces:
        dy, dx = h - p.shape[0], w - p.shape[1]
        if dy % 2 or dx % 2:
            raise ValueError("a piece cannot be centred")
        y, x = dy // 2, dx // 2
        mark = p != blank
        window = out[y : y + p.shape[0], x : x + p.shape[1]]
        seen = done[y : y + p.shape[0], x : x + p.shape[1]]
        if np.any(mark & seen & (window != p)):
            raise ValueError("two marks on one cell")
        window[mark] = p[mark]
        seen |= mark
    if np.array_equal(out, pieces[0]):
        raise ValueError("nothing joined")
    return out


def assemble_pieces(g: Array) -> Array:
    """Put equal-sized pieces (``cut_pieces`` by object) side by side in a 2 x 2 or 3 x 3
    block, each in the slot its marks face: above, level with or below the piece's centre,
    and left, level with or right of it. Marks are the piece's cells other than the
    background and than a colour every piece has (when one does). Two pieces in one slot,
    or a 2 x 2 block with a piece marked level with its centre, raise.

    >>> g = np.zeros((5, 5), dtype=int)
    >>> g[0:2, 3:5] = [[4, 4], [0, 4]]; g[3:5, 0:2] = [[1, 0], [1, 1]]
    >>> g[0:2, 0:2] = [[2, 2], [2, 0]]; g[3:5, 3:5] = [[0, 3], [3, 3]]
    >>> assemble_pieces(g).tolist()
    [[2, 2, 4, 4], [2, 0, 0, 4], [1, 0, 0, 3], [1, 1, 3, 3]]
    """
    pieces = cut_pieces(g, "object")
    shape = pieces[0].shape
    if any(p.shape != shape for p in pieces):
        raise ValueError("pieces differ in size")
    k = {4: 2, 9: 3}.get(len(pieces))
    if k is None:
        raise ValueError("not four or nine pieces")
    bg = background(g)
    shared = set(range(10)) - {bg}
    for p in pieces:
        shared &= {int(c) for c in np.unique(p)}
    h, w = shape
    out = np.full((k * h, k * w), bg, dtype=g.dtype)
    filled = np.zeros((k, k), dtype=bool)
    for p in pieces:
        marks = (p != bg) & ~np.isin(p, sorted(shared))
        sy = sx = 0
        if marks.any():
            ys, xs = np.nonzero(marks)
            sy = int(np.sign(round(float(ys.mean()) - (h - 1) / 2, 6)))
            sx = int(np.sign(round(float(xs.mean()) - (w - 1) / 2, 6)))
        if k == 2 and (sy == 0 or sx == 0):
            raise ValueError("a piece faces no corner")
        r, c = ((sy + 1) // 2, (sx + 1) // 2) if k == 2 else (sy + 1, sx + 1)
        if filled[r, c]:
            raise ValueError("two pieces in one slot")
        filled[r, c] = True
        out[r * h : (r + 1) * h, c * w : (c + 1) * w] = p
    return out


def interlock_pieces(g: Array) -> Array:
    """Fit the pieces (all cells of one colour other than the most common, one piece per
    colour, two to four of them) together, unturned, into a rectangle they fill exactly.

    Covers the ARC jigsaw: a few shapes scattered on the grid are the parts of one filled
    block, and the output is that block. Rectangles are tried squarest first (the first
    squareness with a fit decides); the pieces are laid by filling the first empty cell in
    reading order with the first cell of an unused piece. No fit, or two different fits of
    the same squareness, raise.

    >>> g = np.zeros((5, 6), dtype=int)
    >>> g[0, 0:2] = 3; g[1, 0] = 3; g[4, 4] = 7
    >>> interlock_pieces(g).tolist()
    [[3, 3], [3, 7]]
    """
    bg = background(g)
    colours = [c for c in range(10) if c != bg and np.any(g == c)]
    if not 2 <= len(colours) <= 4:
        raise ValueError("not two to four pieces")
    pieces = []
    for c in colours:
        top, left, bottom, right = bbox(g == c)
        mask = g[top:bottom, left:right] == c
        ys, xs = np.nonzero(mask)
        # cells relative to the piece's first cell in reading order
        pieces.append((c, [(int(y - ys[0]), int(x - xs[0])) for y, x in zip(ys, xs, strict=True)]))
    total = sum(len(cells) for _, cells in pieces)
    sides = sorted(
        ((h, total // h) for h in range(1, total + 1) if total % h == 0),
        key=lambda hw: (abs(hw[0] - hw[1]), hw[0]),
    )
    found: list[Array] = []
    for h, w in sides:
        if found and abs(h - w) > abs(found[0].shape[0] - found[0].shape[1]):
            break  # a squarer rectangle fits
        lay_pieces(np.full((h, w), -1, dtype=g.dtype), pieces, 0, found)
        if len(found) > 1:
            raise ValueError("the pieces fit together in two ways")
    if not found:
        raise ValueError("the pieces fill no rectangle")
    return found[0]


def lay_pieces(
    board: Array, pieces: list[tuple[int, list[tuple[int, int]]]], used: int, found: list[Array]
) -> None:
    """Fill the empty (-1) cells of ``board`` with the pieces not in the bit set ``used``
    (each a colour and its cells relative to its first cell in reading order), and add every
    full board made to ``found``, up to two different ones (``interlock_pieces``)."""
    h, w = board.shape
    empty = np.argwhere(board < 0)
    if empty.size == 0:
        if not any(np.array_equal(board, f) for f in found):
            found.append(board.copy())
        return
    y0, x0 = int(empty[0][0]), int(empty[0][1])
    for k, (c, cells) in enumerate(pieces):
        if used >> k & 1:
            continue
        spots = [(y0 + dy, x0 + dx) for dy, dx in cells]
        if all(0 <= y < h and 0 <= x < w and board[y, x] < 0 for y, x in spots):
            for y, x in spots:
                board[y, x] = c
            lay_pieces(board, pieces, used | 1 << k, found)
            for y, x in spots:
                board[y, x] = -1
        if len(found) > 1:
            return
