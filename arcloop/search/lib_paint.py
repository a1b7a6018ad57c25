"""Painting: colour maps, colour filters, fills, outlines, rays, gravity, symmetry repair.

These keep the grid's shape and change cell colours. ``recolour`` takes a table the search
learned from the train pairs; everything else has small enumerable parameters. Among them,
fills of empty squares, lines and the largest empty box, noisy stripes cleaned, holes cut
across bands, figure and ground swapped, and lines sorted by how full they are.

Like every ``lib_*`` module, these functions are emitted verbatim into programs: numpy only,
no module-level names but other primitives, ``ValueError`` when they do not apply.

Not here: learning the tables (``learn.py``), rules by neighbourhood (``lib_rules.py``),
moving whole objects (``lib_moves.py``).
"""

from __future__ import annotations

import numpy as np

from arcloop.search.grids import Array
from arcloop.search.lib_geometry import bbox


def recolour(g: Array, mapping: dict[int, int]) -> Array:
    """Replace colours by a table; colours not in the table stay."""
    lookup = np.arange(10)
    for old, new in mapping.items():
        lookup[old] = new
    out: Array = lookup[g]
    return out


def keep_colour(g: Array, colour: int) -> Array:
    """Set every cell that is not ``colour`` to 0."""
    return np.where(g == colour, g, 0)


def erase_colour(g: Array, colour: int) -> Array:
    """Set every cell of ``colour`` to 0."""
    return np.where(g == colour, 0, g)


def nonzero_mask(g: Array) -> Array:
    """1 where the grid is not 0, else 0."""
    out: Array = (g != 0).astype(g.dtype)
    return out


def reach_from_border(free: Array) -> Array:
    """The cells of ``free`` 4-connected to the grid's edge through ``free`` cells."""
    reached = np.zeros_like(free)
    reached[0, :] = free[0, :]
    reached[-1, :] = free[-1, :]
    reached[:, 0] |= free[:, 0]
    reached[:, -1] |= free[:, -1]
    while True:
        grown = reached.copy()
        grown[1:] |= reached[:-1]
        grown[:-1] |= reached[1:]
        grown[:, 1:] |= reached[:, :-1]
        grown[:, :-1] |= reached[:, 1:]
        grown &= free
        if np.array_equal(grown, reached):
            return reached
        reached = grown


def fill_enclosed(g: Array, colour: int) -> Array:
    """Paint the 0 cells that cannot reach the edge through 0 cells."""
    free = g == 0
    inside = free & ~reach_from_border(free)
    if not inside.any():
        raise ValueError("nothing enclosed")
    return np.where(inside, colour, g)


def neighbour_count(mask: Array, diagonal: bool) -> Array:
    """How many of each cell's 4 (or 8) neighbours are set in ``mask``."""
    h, w = mask.shape
    p = np.zeros((h + 2, w + 2), dtype=np.int_)
    p[1:-1, 1:-1] = mask
    steps = [(0, 1), (1, 0), (0, -1), (-1, 0)]
    if diagonal:
        steps += [(1, 1), (1, -1), (-1, 1), (-1, -1)]
    count = np.zeros((h, w), dtype=np.int_)
    for dy, dx in steps:
        count += p[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w]
    return count


def hollow(g: Array) -> Array:
    """Erase the inside of shapes: cells whose four neighbours are all non-zero become 0."""
    filled = g != 0
    inner = filled & (neighbour_count(filled, False) == 4)
    if not inner.any():
        raise ValueError("no inside")
    return np.where(inner, 0, g)


def outline(g: Array, colour: int, diagonal: bool) -> Array:
    """Paint the 0 cells that touch a non-zero cell with ``colour``."""
    filled = g != 0
    ring = ~filled & (neighbour_count(filled, diagonal) > 0)
    return np.where(ring, colour, g)


def rays_down(g: Array, sources: Array, stop: bool) -> Array:
    """The colour arriving at each cell on a ray going down from the nearest source above it
    (0: none). With ``stop`` a ray ends at the first non-zero cell below its source."""
    h, w = g.shape
    marks = (g != 0) if stop else sources
    last = np.maximum.accumulate(np.where(marks, np.arange(h)[:, None], -1), axis=0)
    above = np.vstack([np.full((1, w), -1), last[:-1]])
    cols = np.arange(w)[None, :]
    safe = np.maximum(above, 0)
    arriving: Array = np.where((above >= 0) & sources[safe, cols], g[safe, cols], 0)
    return arriving


def rays_along(g: Array, sources: Array, stop: bool, dy: int, dx: int) -> Array:
    """``rays_down`` for rays moving by (dy, dx): the grid is turned, mirrored or skewed (for
    diagonals) so that the direction points down, and the result mapped back."""
    if dx != 0 and dy == 0:  # across: transpose, so that right is down
        a = rays_along(g.T, sources.T, stop, dx, 0)
        return a.T
    if dy < 0:
        return rays_along(g[::-1], sources[::-1], stop, -dy, dx)[::-1]
    if dx < 0:
        return rays_along(g[:, ::-1], sources[:, ::-1], stop, dy, -dx)[:, ::-1]
    if dx == 0:
        return rays_down(g, sources, stop)
    h, w = g.shape  # down-right: shear each row left by its index, so diagonals are columns
    ys, xs = np.indices((h, w))
    cs = xs - ys + h - 1
    sheared = np.zeros((h, w + h - 1), dtype=g.dtype)
    sheared[ys, cs] = g
    marks = np.zeros(sheared.shape, dtype=bool)
    marks[ys, cs] = sources
    out: Array = rays_down(sheared, marks, stop)[ys, cs]
    return out


def extend_rays(g: Array, colour: int, directions: str, stop: bool) -> Array:
    """Shoot a ray of its colour from every cell of ``colour`` (-1: every non-zero cell).

    ``directions``: letters from ``u d l r`` (and ``1 2 3 4`` for the diagonals up-left,
    up-right, down-left, down-right). Rays paint 0 cells only. With ``stop`` a ray ends at the
    first non-zero cell, else it passes under them to the edge. A cell two rays reach takes
    the ray of the earlier direction letter; within one direction, the nearest source.
    """
    sources = (g != 0) if colour < 0 else (g == colour)
    if not sources.any():
        raise ValueError("no source")
    out = g.copy()
    for letter in directions:
        arriving = rays_of(g, colour, stop, letter)
        out = np.where((out == 0) & (arriving != 0), arriving, out)
    return out


def rays_of(g: Array, colour: int, stop: bool, letter: str) -> Array:
    """The colour arriving at each cell (0: none) on the rays ``extend_rays`` shoots from the
    cells of ``colour`` (-1: every non-zero cell) in the direction ``letter``."""
    vectors = {
        "u": (-1, 0),
        "d": (1, 0),
        "l": (0, -1),
        "r": (0, 1),
        "1": (-1, -1),
        "2": (-1, 1),
        "3": (1, -1),
        "4": (1, 1),
    }
    sources = (g != 0) if colour < 0 else (g == colour)
    return rays_along(g, sources, stop, *vectors[letter])


def smear(g: Array, ky: int, kx: int, corner: str) -> Array:
    """Put the grid in one ``corner`` (``"tl"``, ``"tr"``, ``"bl"``, ``"br"``) of a zero
    canvas ``ky`` x ``kx`` times its size and trail every non-zero cell diagonally away from
    that corner to the edge (nearer trails win)."""
    h, w = g.shape
    if corner not in ("tl", "tr", "bl", "br"):
        raise ValueError(corner)
    out = np.zeros((h * ky, w * kx), dtype=g.dtype)
    y = 0 if corner[0] == "t" else h * ky - h
    x = 0 if corner[1] == "l" else w * kx - w
    out[y : y + h, x : x + w] = g
    away = {"tl": "4", "tr": "3", "bl": "2", "br": "1"}[corner]
    return extend_rays(out, -1, away, False)


def connect_pairs(g: Array, directions: str) -> Array:
    """Join same-coloured cells on a row (``"h"``), column (``"v"``), diagonal (``"d"``, down
    to the right) or anti-diagonal (``"a"``) with lines over 0 cells.

    A 0 cell lies on a line of colour c when c occurs on both sides of it in its row (or
    column, or diagonal); where lines meet, the first direction letter wins, then the lowest
    colour.
    """
    out = g.copy()
    for axis in directions:
        out = np.where(out == 0, line_colours(g, axis), out)
    return out


def line_colours(g: Array, axis: str) -> Array:
    """For each cell, the lowest colour that occurs on both sides of it (or on it) along its
    row (``"h"``), column (``"v"``), diagonal (``"d"``) or anti-diagonal (``"a"``); 0: none."""
    if axis in "da":
        h, w = g.shape
        ys, xs = np.indices((h, w))
        xs = xs if axis == "d" else w - 1 - xs
        sheared = np.zeros((h, w + h - 1), dtype=g.dtype)  # diagonals become rows
        sheared[ys, xs - ys + h - 1] = g
        joined: Array = row_colours(sheared.T).T[ys, xs - ys + h - 1]
        return joined
    return row_colours(g) if axis == "h" else row_colours(g.T).T


def row_colours(g: Array) -> Array:
    """``line_colours`` along the rows."""
    colours = np.unique(g[g != 0])
    if colours.size == 0:
        return np.zeros_like(g)
    hit = g[None] == colours[:, None, None]  # one layer per colour
    on = np.logical_or.accumulate(hit, axis=2)
    on &= np.logical_or.accumulate(hit[:, :, ::-1], axis=2)[:, :, ::-1]
    joined: Array = np.where(on.any(axis=0), colours[on.argmax(axis=0)], 0)
    return joined


def connect_elbow(g: Array, colour: int, axis: str) -> Array:
    """Join the one cell of ``colour`` to the one other non-zero cell by an L-shaped line of
    ``colour`` over 0 cells: along its row (``axis="h"``) or column (``"v"``) to the other
    cell's column or row, then straight on to it. Raises unless the grid holds exactly those
    two non-zero cells, not in one row or column."""
    ys, xs = np.nonzero(g)
    if len(ys) != 2 or np.count_nonzero(g == colour) != 1:
        raise ValueError("not one cell of the colour and one other")
    first = int(np.flatnonzero(g[ys, xs] == colour)[0])
    (y0, x0), (y1, x1) = (ys[first], xs[first]), (ys[1 - first], xs[1 - first])
    if y0 == y1 or x0 == x1:
        raise ValueError("in one line")
    out = g.copy()
    corner = (y0, x1) if axis == "h" else (y1, x0)
    for (ya, xa), (yb, xb) in (((y0, x0), corner), (corner, (y1, x1))):
        line = out[min(ya, yb) : max(ya, yb) + 1, min(xa, xb) : max(xa, xb) + 1]
        line[line == 0] = colour
    return out


def fill_colour_boxes(g: Array) -> Array:
    """Paint the 0 cells in the bounding box of each colour's cells with that colour (where
    boxes overlap, the lowest colour wins)."""
    out = g.copy()
    for colour in np.unique(g[g != 0]).tolist():
        top, left, bottom, right = bbox(g == colour)
        box = out[top:bottom, left:right]
        box[box == 0] = colour
    return out


def gravity(g: Array, direction: str) -> Array:
    """Let every non-zero cell fall towards ``"down"``, ``"up"``, ``"left"`` or ``"right"``."""
    turns = {"down": 0, "left": 1, "up": 2, "right": 3}[direction]
    work = np.rot90(g, turns)
    # a stable sort of each column on "is non-zero": the 0 cells rise, the others keep order
    order = np.argsort(work != 0, axis=0, kind="stable")
    out = np.take_along_axis(work, order, axis=0)
    return np.rot90(out, -turns)


def mirror_maps(h: int, w: int) -> list[tuple[Array, Array]]:
    """Every mirror or turn of an h x w grid onto itself about any centre, as index arrays."""
    rows, cols = np.indices((h, w))
    maps = []
    for s in range(1, 2 * h - 2):
        maps.append((s - rows, cols))
    for s in range(1, 2 * w - 2):
        maps.append((rows, s - cols))
    for d in range(-(h - 1), w):
        maps.append((cols - d, rows + d))
    for s in range(1, h + w - 2):
        maps.append((s - cols, s - rows))
    for a in range(h - 2, h + 1):
        for b in range(w - 2, w + 1):
            maps.append((a - rows, b - cols))
    return maps


def symmetry_fill(g: Array, mask_colour: int) -> Array:
    """Repaint the cells of ``mask_colour`` from the grid's mirror symmetries.

    A mirror (about any row, column, diagonal or centre) counts when it maps at least half of
    the known cells onto known cells and they all agree. Masked cells are filled from every
    such mirror until none is left; a cell no mirror reaches makes the primitive not apply.
    """
    h, w = g.shape
    known = g != mask_colour
    if known.all():
        raise ValueError("nothing masked")
    good = []
    for ry, rx in mirror_maps(h, w):
        inside = (ry >= 0) & (ry < h) & (rx >= 0) & (rx < w)
        ty, tx = np.where(inside, ry, 0), np.where(inside, rx, 0)
        both = inside & known & known[ty, tx]
        if both.sum() * 2 < known.sum():
            continue
        if np.all(g[both] == g[ty, tx][both]):
            good.append((inside, ty, tx))
    if not good:
        raise ValueError("no symmetry")
    out = g.copy()
    todo = ~known
    for _ in range(4):
        for inside, ty, tx in good:
            src_known = ~todo[ty, tx] & inside
            fill = todo & src_known
            out[fill] = out[ty, tx][fill]
            todo = todo & ~fill
        if not todo.any():
            return out
    raise ValueError("some cells have no mirror")


def symmetry_patch(g: Array, mask_colour: int) -> Array:
    """What lies under the ``mask_colour`` rectangle once the symmetry is repaired."""
    top, left, bottom, right = bbox(g == mask_colour)
    return symmetry_fill(g, mask_colour)[top:bottom, left:right]


def periodic_fill(g: Array, mask_colour: int) -> Array:
    """Repaint the cells of ``mask_colour`` from the smallest repeating tile of the grid.

    Tries tile sizes in order of area (at most half the grid) and takes the first on which all
    known cells agree and every masked cell has a known cell in its place in the tile.
    """
    h, w = g.shape
    known = g != mask_colour
    if known.all():
        raise ValueError("nothing masked")
    rows, cols = np.indices((h, w))
    sizes = sorted(
        ((py, px) for py in range(1, h + 1) for px in range(1, w + 1) if 2 * py * px <= h * w),
        key=lambda p: (p[0] * p[1], p),
    )
    for py, px in sizes:
        place = (rows % py) * px + (cols % px)
        tile_values = np.full(py * px, -1)
        tile_values[place[known]] = g[known]
        if np.any(tile_values[place[known]] != g[known]):
            continue
        if np.any(tile_values[place[~known]] < 0):
            continue
        return np.where(known, g, tile_values[place])
    raise ValueError("no repeating tile")


def diagonal_fill(g: Array, mask_colour: int) -> Array:
    """Repaint the cells of ``mask_colour`` from a pattern of diagonal stripes.

    A cell's stripe is its (row + column), or else (row - column), mod k; tries k = 1, 2, ...
    and takes the first stripe pattern on which all known cells agree and every stripe with a
    masked cell has a known cell.
    """
    h, w = g.shape
    known = g != mask_colour
    if known.all():
        raise ValueError("nothing masked")
    rows, cols = np.indices((h, w))
    for k in range(1, h + w):
        for stripe in ((rows + cols) % k, (rows - cols) % k):
            values = np.full(k, -1)
            values[stripe[known]] = g[known]
            if np.any(values[stripe[known]] != g[known]) or np.any(values[stripe] < 0):
                continue
            out: Array = values[stripe]
            return out
    raise ValueError("no stripes")


def periodic_patch(g: Array, mask_colour: int) -> Array:
    """What lies under the ``mask_colour`` rectangle once the repeating pattern is restored."""
    top, left, bottom, right = bbox(g == mask_colour)
    return periodic_fill(g, mask_colour)[top:bottom, left:right]


def slide_block(g: Array, colour: int, dy: int, dx: int) -> Array:
    """Move all cells of ``colour`` by (dy, dx) steps, as one rigid block, until the next step
    would leave the grid or cover a non-zero cell of another colour."""
    ys, xs = np.nonzero(g == colour)
    rest = np.where(g == colour, 0, g)
    h, w = g.shape
    k = 0
    while True:
        ny, nx = ys + (k + 1) * dy, xs + (k + 1) * dx
        if ny.min() < 0 or nx.min() < 0 or ny.max() >= h or nx.max() >= w:
            break
        if np.any(rest[ny, nx] != 0):
            break
        k += 1
    if k == 0:
        raise ValueError("cannot move")
    out = rest.copy()
    out[ys + k * dy, xs + k * dx] = colour
    return out


def slide_colour(g: Array, colour: int, direction: str) -> Array:
    """Slide all cells of ``colour`` together, as one rigid block, until they hit something.

    ``direction``: ``"down"``, ``"up"``, ``"left"`` or ``"right"``. The block stops before the
    first step that would leave the grid or cover a non-zero cell of another colour.
    """
    dy, dx = {"down": (1, 0), "up": (-1, 0), "left": (0, -1), "right": (0, 1)}[direction]
    if not np.any(g == colour):
        raise ValueError("colour absent")
    return slide_block(g, colour, dy, dx)


def paint_nonzero(g: Array, which: str) -> Array:
    """Paint every non-zero cell with the grid's ``"most"`` or ``"least"`` common non-zero
    colour (ties: the lowest colour)."""
    counts = np.bincount(g.ravel(), minlength=10)[1:]
    if counts.sum() == 0:
        raise ValueError("only 0")
    if which == "most":
        colour = int(counts.argmax()) + 1
    else:
        colour = int(np.where(counts > 0, counts, counts.max() + 1).argmin()) + 1
    return np.where(g != 0, colour, 0)


def recolour_with_input(g: Array, original: Array, table: dict[tuple[int, int], int]) -> Array:
    """Recolour each cell by a table keyed on (its colour, the task input's colour there).

    Pairs not in the table keep the cell's colour. This stacks a candidate on the input: e.g.
    "where the candidate drew 3 over an input 0, paint 4".
    """
    out = g.copy()
    for (made, before), new in table.items():
        out[(g == made) & (original == before)] = new
    return out


def keep_squares(g: Array) -> Array:
    """Erase the non-zero cells that lie in no 2x2 block of non-zero cells (noise, whiskers)."""
    filled = g != 0
    block = filled[:-1, :-1] & filled[1:, :-1] & filled[:-1, 1:] & filled[1:, 1:]
    kept = np.zeros_like(filled)
    kept[:-1, :-1] |= block
    kept[1:, :-1] |= block
    kept[:-1, 1:] |= block
    kept[1:, 1:] |= block
    if np.array_equal(kept, filled):
        raise ValueError("nothing to erase")
    return np.where(kept, g, 0)


def interior(g: Array) -> Array:
    """Keep only the inside of shapes: cells whose four neighbours are all non-zero."""
    filled = g != 0
    inner = filled & (neighbour_count(filled, False) == 4)
    if not inner.any():
        raise ValueError("no inside")
    return np.where(inner, g, 0)


def paint_frame(g: Array, colour: int) -> Array:
    """Paint the outermost ring of cells with ``colour``."""
    out = g.copy()
    out[0, :] = out[-1, :] = colour
    out[:, 0] = out[:, -1] = colour
    return out


def overlay_mirror(g: Array, how: str) -> Array:
    """Fill 0 cells from the grid's own mirror image(s), making it symmetric.

    ``how``: ``"lr"``, ``"ud"``, ``"half"`` (the half turn: symmetric about the grid's centre
    point), ``"both"`` (lr, ud and the half turn), ``"diagonal"`` (transpose; square grids),
    ``"turns"`` (all quarter turns; square grids).
    """
    if how == "lr":
        images = [g[:, ::-1]]
    elif how == "ud":
        images = [g[::-1]]
    elif how == "half":
        images = [g[::-1, ::-1]]
    elif how == "both":
        images = [g[:, ::-1], g[::-1], g[::-1, ::-1]]
    elif how == "diagonal":
        images = [g.T]
    else:
        images = [np.rot90(g, 1), np.rot90(g, 2), np.rot90(g, 3)]
    out = g.copy()
    for image in images:
        if image.shape != g.shape:
            raise ValueError("not square")
        out = np.where(out == 0, image, out)
    return out


def turned_offsets(dy: Array, dx: Array, kind: str) -> tuple[Array, Array]:
    """Offsets from a centre after one mirror or turn about it: ``"lr"``, ``"ud"``, ``"half"``
    (the half turn), ``"quarter"`` / ``"three"`` (a quarter turn one way / the other),
    ``"diag"`` / ``"anti"`` (the mirrors about the two diagonals)."""
    moved = {
        "lr": (dy, -dx),
        "ud": (-dy, dx),
        "half": (-dy, -dx),
        "quarter": (dx, -dy),
        "three": (-dx, dy),
        "diag": (dx, dy),
        "anti": (-dx, -dy),
    }
    return moved[kind]


def symmetry_centre(g: Array, kinds: tuple[str, ...]) -> tuple[int, int]:
    """The centre (row and column, doubled: 5 is between cells 2 and 3) about which the most
    non-zero cells land on a cell of their own colour under the mirrors and turns ``kinds``
    (``turned_offsets``), and none on a cell of another non-zero colour.

    Every pair of non-zero cells votes for the centre that would map the one onto the other.
    Raises when no centre maps at least half of the cells onto their colour, or two centres
    tie.
    """
    ys, xs = np.nonzero(g)
    if not 0 < len(ys) <= 80:
        raise ValueError("no cells, or too many to pair")
    h, w = g.shape
    rows, cols = 2 * h - 1, 2 * w - 1
    same = g[ys, xs][:, None] == g[ys, xs][None, :]
    yi, yj, xi, xj = ys[:, None], ys[None, :], xs[:, None], xs[None, :]
    big, bx = np.indices((rows, cols))
    votes = np.zeros((2, rows, cols), dtype=np.int_)
    for kind in kinds:
        if kind in ("lr", "ud", "diag", "anti"):
            # one coordinate of the centre is free: vote on a line of centres
            valid, where, length = {
                "lr": (yi == yj, xi + xj, cols),
                "ud": (xi == xj, yi + yj, rows),
                "diag": (yj - xi == yi - xj, 2 * (yj - xi) + cols - 1, rows + cols - 1),
                "anti": (yj + xi == xj + yi, 2 * (yj + xi), rows + cols - 1),
            }[kind]
            at = {"lr": bx, "ud": big, "diag": big - bx + cols - 1, "anti": big + bx}[kind]
            for k, agree in enumerate((same, ~same)):
                line = np.bincount(where[valid & agree], minlength=length)
                votes[k] += line[at] if len(line) == length else 0
            continue
        cy, cx = {
            "half": (yi + yj, xi + xj),
            "quarter": (yj - xi + xj + yi, xj + yi - yj + xi),
            "three": (yi - xj + xi + yj, xi + yj - yi + xj),
        }[kind]
        inside = (cy >= 0) & (cy < rows) & (cx >= 0) & (cx < cols)
        for k, agree in enumerate((same, ~same)):
            at = (cy * cols + cx)[inside & agree]
            votes[k] += np.bincount(at, minlength=rows * cols).reshape(rows, cols)
    score = np.where(votes[1] == 0, votes[0], -1)
    best = int(score.max())
    if best * 2 < len(ys) * len(kinds) or np.count_nonzero(score == best) > 1:
        raise ValueError("no clear centre")
    y, x = np.argwhere(score == best)[0]
    return int(y), int(x)


def complete_symmetry(g: Array, colour: int, how: str) -> Array:
    """Paint the 0 cells onto which a mirror or turn about a centre brings a non-zero cell.

    ``how``: ``"both"`` (the mirrors across and down and the half turn), ``"turns"`` (the
    three turns), ``"all"`` (every mirror and turn of the square). The centre is the centre of
    the box of ``colour``'s cells (which must form one piece), or for -1 the one
    ``symmetry_centre`` finds. Raises when an
    image lands on another non-zero colour, or two images bring a cell two colours.
    """
    kinds = {
        "both": ("lr", "ud", "half"),
        "turns": ("quarter", "half", "three"),
        "all": ("lr", "ud", "half", "quarter", "three", "diag", "anti"),
    }[how]
    if colour >= 0:
        piece = g == colour
        if not piece.any():
            raise ValueError("colour absent")
        # the colour must form one piece (corners joining): the centre of the picture
        h, w = g.shape
        reached = np.zeros_like(piece)
        reached[tuple(np.argwhere(piece)[0])] = True
        while True:
            padded = np.pad(reached, 1)
            grown = np.zeros_like(piece)
            for oy in (0, 1, 2):
                for ox in (0, 1, 2):
                    grown |= padded[oy : oy + h, ox : ox + w]
            grown &= piece
            if np.array_equal(grown, reached):
                break
            reached = grown
        if not np.array_equal(reached, piece):
            raise ValueError("the colour forms several pieces")
        top, left, bottom, right = bbox(piece)
        cy, cx = top + bottom - 1, left + right - 1
    else:
        cy, cx = symmetry_centre(g, kinds)
    h, w = g.shape
    ys, xs = np.nonzero(g)
    found: tuple[list[Array], list[Array], list[Array]] = ([], [], [])
    for kind in kinds:
        dy, dx = turned_offsets(2 * ys - cy, 2 * xs - cx, kind)
        ty, tx = cy + dy, cx + dx
        ok = (ty % 2 == 0) & (tx % 2 == 0) & (ty >= 0) & (tx >= 0) & (ty < 2 * h) & (tx < 2 * w)
        for into, part in zip(found, (ty[ok] // 2, tx[ok] // 2, g[ys[ok], xs[ok]]), strict=True):
            into.append(part)
    ty, tx, c = (np.concatenate(parts) for parts in found)
    there = g[ty, tx]
    if np.any((there != 0) & (there != c)):
        raise ValueError("an image lands on another colour")
    low = np.full(g.shape, 10)
    high = np.full(g.shape, -1)
    np.minimum.at(low, (ty, tx), c)
    np.maximum.at(high, (ty, tx), c)
    new = (g == 0) & (high >= 0)
    if np.any(low[new] != high[new]):
        raise ValueError("a cell told two colours")
    return np.where(new, high, g)


def grow_to_corner(g: Array) -> Array:
    """Grow every non-zero cell into the box that reaches from it to the grid's nearest
    corner, painting the 0 cells of the box its colour.

    Covers lone seeds that spread into the nearer corner of the grid. Raises when a cell is
    as near to two sides across or down (no nearest corner), or the grid has no non-zero
    cell or more than four.

    >>> grow_to_corner(np.array([[0, 0, 0, 0], [0, 0, 0, 0], [0, 3, 0, 0], [0, 0, 0, 0]])).tolist()
    [[0, 0, 0, 0], [0, 0, 0, 0], [3, 3, 0, 0], [3, 3, 0, 0]]
    """
    ys, xs = np.nonzero(g)
    if not 0 < len(ys) <= 4:
        raise ValueError("no seed, or too many")
    h, w = g.shape
    out = g.copy()
    for y, x in zip(ys.tolist(), xs.tolist(), strict=True):
        if 2 * y == h - 1 or 2 * x == w - 1:
            raise ValueError("no nearest corner")
        rows = slice(0, y + 1) if 2 * y < h - 1 else slice(y, h)
        cols = slice(0, x + 1) if 2 * x < w - 1 else slice(x, w)
        box = out[rows, cols]
        box[box == 0] = g[y, x]
    return out


def diagonal_ends(g: Array) -> list[tuple[int, int, int, int]]:
    """Where diagonal lines go on: (row, column, dy, dx) for each end of a diagonal line of one
    colour (a cell with exactly one neighbour of its colour, diagonally, and background past
    it) and for a lone cell in a corner of the grid (pointing inwards), in reading order.

    >>> diagonal_ends(np.array([[0, 0, 0], [0, 2, 0], [0, 0, 2]]))
    [(1, 1, -1, -1)]
    >>> diagonal_ends(np.array([[0, 0], [0, 0], [3, 0]]))
    [(2, 0, -1, 1)]
    """
    h, w = g.shape
    p = np.pad(g, 1, constant_values=-1)
    offsets = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1) if dy or dx]
    same = np.array([p[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w] == g for dy, dx in offsets])
    same &= g != 0
    count = same.sum(axis=0)
    ends = []
    for y, x in zip(*np.nonzero((count == 1) | ((count == 0) & (g != 0))), strict=True):
        y, x = int(y), int(x)
        if count[y, x] == 1:
            dy, dx = offsets[int(np.argmax(same[:, y, x]))]
            dy, dx = -dy, -dx
        elif y in (0, h - 1) and x in (0, w - 1) and h > 1 and w > 1:
            dy, dx = (1 if y == 0 else -1), (1 if x == 0 else -1)
        else:
            continue
        if dy and dx and 0 <= y + dy < h and 0 <= x + dx < w and g[y + dy, x + dx] == 0:
            ends.append((y, x, dy, dx))
    return ends


def bounce_path(g: Array, y: int, x: int, dy: int, dx: int) -> list[tuple[int, int]]:
    """The cells a diagonal ray from (y, x) moving by (dy, dx) crosses over background,
    bouncing off what blocks it (the grid's edge, or a non-zero cell): the first bounce turns
    back its move across rows or across columns, and so may every later bounce; the ray ends
    where only the other turn would free it.

    >>> bounce_path(np.zeros((4, 2), dtype=int), 3, 0, -1, 1)
    [(2, 1), (1, 0), (0, 1)]
    """
    h, w = g.shape

    def free(yy: int, xx: int) -> bool:
        return 0 <= yy < h and 0 <= xx < w and int(g[yy, xx]) == 0

    path: list[tuple[int, int]] = []
    seen: set[tuple[int, int, int, int]] = set()
    turn = ""
    while (y, x, dy, dx) not in seen:
        seen.add((y, x, dy, dx))
        if free(y + dy, x + dx):
            y, x = y + dy, x + dx
            path.append((y, x))
        elif turn != "rows" and free(y + dy, x - dx):
            dx, turn = -dx, "cols"
        elif turn != "cols" and free(y - dy, x + dx):
            dy, turn = -dy, "rows"
        else:
            break
    return path


def bounce_rays(g: Array, colour: int) -> Array:
    """Go on along every diagonal line (and from every lone cell in a corner) with a ray of
    ``colour`` (-1: the line's own) that bounces off the walls it meets, always across the
    same axis, until only a turn back would free it. Covers the ARC pattern "a diagonal
    ball's path zigzags between two walls (the grid's sides, or a block) to the edge".

    >>> bounce_rays(np.array([[0, 0], [0, 0], [0, 0], [1, 0]]), colour=-1).tolist()
    [[0, 1], [1, 0], [0, 1], [1, 0]]
    """
    ends = diagonal_ends(g)
    if not ends:
        raise ValueError("no diagonal line to go on")
    out = g.copy()
    for y, x, dy, dx in ends:
        paint = int(g[y, x]) if colour < 0 else colour
        for yy, xx in bounce_path(g, y, x, dy, dx):
            out[yy, xx] = paint
    if np.array_equal(out, g):
        raise ValueError("nothing to paint")
    return out


def complete_by_analogy(g: Array, axis: int) -> Array:
    """Complete every partly painted row (``axis`` 0; columns: 1) like the rows with no
    background cell: where the partial row's colours stand for the full row's colours one for
    one (the same full colour always the same partial colour), its background cells take what
    the full row's colours stand for. Covers the ARC pattern "a complete row shows the
    pattern; each row begun in other colours goes on with the same pattern in its own".

    A partial row that no full row explains, or that two explain differently, stays. Raises
    when no row is full, or nothing changes.

    >>> complete_by_analogy(np.array([[1, 2, 1, 1], [3, 4, 0, 0]]), axis=0).tolist()
    [[1, 2, 1, 1], [3, 4, 3, 3]]
    """
    lines = g if axis == 0 else g.T
    full = [row for row in lines if row.all()]
    if not full:
        raise ValueError("no complete line")
    out = lines.copy()
    for k, row in enumerate(lines):
        known = row != 0
        if known.all() or not known.any():
            continue
        results = set()
        for ref in full:
            table: dict[int, int] = {}
            back: dict[int, int] = {}
            if all(
                table.setdefault(int(a), int(b)) == b and back.setdefault(int(b), int(a)) == a
                for a, b in zip(ref[known], row[known], strict=True)
            ) and all(int(a) in table for a in ref[~known]):
                results.add(
                    tuple(
                        table[int(a)] if not m else int(b)
                        for a, b, m in zip(ref, row, known, strict=True)
                    )
                )
        if len(results) == 1:
            out[k] = results.pop()
    if np.array_equal(out, lines):
        raise ValueError("nothing to complete")
    return out if axis == 0 else out.T


def repeat_runs(g: Array, lines: str) -> Array:
    """Repeat along its whole line every run of two or more non-zero cells that is alone on
    its row (``lines`` ``"rows"``), column (``"cols"``) or either (``"both"``), keeping its
    phase; lines with one cell, or two runs, stay. Covers the ARC pattern "a short sequence
    of colours repeats to both ends of its row (and column)".

    >>> repeat_runs(np.array([[0, 0, 0, 0, 0], [0, 0, 2, 3, 0]]), lines="rows").tolist()
    [[0, 0, 0, 0, 0], [2, 3, 2, 3, 2]]
    """
    out = g.copy()
    for axis in (0, 1) if lines == "both" else (0,) if lines == "rows" else (1,):
        src = g if axis == 0 else g.T
        dst = out if axis == 0 else out.T  # a view: painting it paints ``out``
        for k, row in enumerate(src):
            on = np.flatnonzero(row)
            if len(on) < 2 or on[-1] - on[0] + 1 != len(on):
                continue
            start, n = int(on[0]), len(on)
            dst[k] = row[start + (np.arange(len(row)) - start) % n]
    if np.array_equal(out, g):
        raise ValueError("no run to repeat")
    return out


def mend_lines(g: Array, colour: int) -> Array:
    """Close the gaps of broken lines: in the box of each colour's cells, a row or column
    more than half of which is that colour, and the rest background, has its gaps painted
    ``colour`` (-1: the line's own). Covers the ARC pattern "a dashed or broken outline
    (and its cross lines) is drawn whole, the gaps marked".

    >>> mend_lines(np.array([[1, 0, 1, 1], [1, 0, 0, 0], [0, 0, 0, 1]]), colour=2).tolist()
    [[1, 2, 1, 1], [1, 0, 0, 2], [2, 0, 0, 1]]
    """
    out = g.copy()
    for c in np.unique(g[g != 0]).tolist():
        ys, xs = np.nonzero(g == c)
        box = (slice(int(ys.min()), int(ys.max()) + 1), slice(int(xs.min()), int(xs.max()) + 1))
        for lines, painted in ((g[box], out[box]), (g[box].T, out[box].T)):
            for k, row in enumerate(lines):
                n = int(np.count_nonzero(row == c))
                if 2 * n > len(row) and n + int(np.count_nonzero(row == 0)) == len(row):
                    painted[k][row == 0] = c if colour < 0 else colour
    if np.array_equal(out, g):
        raise ValueError("no broken line")
    return out


def fill_clear_lines(g: Array, colour: int) -> Array:
    """Paint ``colour`` along every row and column that is background from one end to the
    other but for its two end cells. Covers the ARC pattern "the lines that cross a framed
    space unobstructed, from wall to wall, are marked".

    >>> fill_clear_lines(np.array([[1, 1, 1], [1, 0, 2], [1, 0, 1], [1, 2, 1]]), 3).tolist()
    [[1, 1, 1], [1, 3, 2], [1, 3, 1], [1, 2, 1]]
    """
    out = g.copy()
    for lines, painted in ((g, out), (g.T, out.T)):
        for k, row in enumerate(lines):
            if len(row) > 2 and row[0] != 0 and row[-1] != 0 and not row[1:-1].any():
                painted[k, 1:-1] = colour
    if np.array_equal(out, g):
        raise ValueError("no clear line")
    return out


def fill_empty_squares(g: Array, size: int, colour: int) -> Array:
    """Paint ``colour`` over every ``size`` x ``size`` block of empty (0) cells.

    Covers holes in a noisy field: the squares (or larger areas that such squares cover)
    left empty among scattered cells are filled, the lone gaps are not.

    >>> fill_empty_squares(np.array([[0, 0, 5], [0, 0, 0], [5, 0, 5]]), 2, 1).tolist()
    [[1, 1, 5], [1, 1, 0], [5, 0, 5]]
    """
    h, w = g.shape
    if size > h or size > w:
        raise ValueError("the square is larger than the grid")
    empty = (g == 0).astype(np.int64)
    sums = np.zeros((h + 1, w + 1), dtype=np.int64)
    sums[1:, 1:] = empty.cumsum(0).cumsum(1)
    n = size
    windows = sums[n:, n:] - sums[:-n, n:] - sums[n:, :-n] + sums[:-n, :-n] == n * n
    covered = np.zeros((h, w), dtype=bool)
    for dy in range(n):
        for dx in range(n):
            covered[dy : dy + h - n + 1, dx : dx + w - n + 1] |= windows
    if not covered.any():
        raise ValueError("no empty square")
    return np.where(covered, colour, g)


def clean_stripes(g: Array) -> Array:
    """Paint every row in its most common colour, or every column, whichever keeps more
    cells as they are (ties between colours go to the lowest; between the axes, no).

    Covers stripes sprinkled with noise: bands of solid colour, each restored to its colour.

    >>> clean_stripes(np.array([[1, 1, 2], [3, 3, 3], [4, 3, 4]])).tolist()
    [[1, 1, 1], [3, 3, 3], [4, 4, 4]]
    """
    counts = np.stack([(g == c).sum(axis=1) for c in range(10)])  # colour x row
    by_rows = counts.argmax(axis=0)
    counts_t = np.stack([(g == c).sum(axis=0) for c in range(10)])  # colour x column
    by_cols = counts_t.argmax(axis=0)
    kept_rows, kept_cols = int(counts.max(axis=0).sum()), int(counts_t.max(axis=0).sum())
    if kept_rows == kept_cols:
        raise ValueError("rows and columns agree with as many cells")
    if kept_rows > kept_cols:
        return np.repeat(by_rows[:, None], g.shape[1], axis=1).astype(g.dtype)
    return np.repeat(by_cols[None, :], g.shape[0], axis=0).astype(g.dtype)


def fill_empty_lines(g: Array, colour: int) -> Array:
    """Paint ``colour`` along every row and every column that holds only empty (0) cells.

    Covers the empty lines that cut a noisy field into blocks, drawn in.

    >>> fill_empty_lines(np.array([[1, 0, 1], [0, 0, 0], [1, 0, 0]]), 2).tolist()
    [[1, 2, 1], [2, 2, 2], [1, 2, 0]]
    """
    empty = g == 0
    rows = empty.all(axis=1)
    cols = empty.all(axis=0)
    if not rows.any() and not cols.any():
        raise ValueError("no empty line")
    return np.where(rows[:, None] | cols[None, :], colour, g)


def swap_colours(g: Array, erase: int) -> Array:
    """Exchange the two colours of a grid that holds exactly two (figure and ground swap);
    then cells that became ``erase`` become 0 (-1: none do).

    Covers a picture turned inside out: what was the shape becomes the space around it, and
    the colour of a fixed frame or ground may drop out to the background.

    >>> swap_colours(np.array([[4, 5], [5, 5]]), -1).tolist()
    [[5, 4], [4, 4]]
    >>> swap_colours(np.array([[4, 5], [5, 5]]), 5).tolist()
    [[0, 4], [4, 4]]
    """
    colours = np.unique(g)
    if colours.size != 2:
        raise ValueError("not two colours")
    first, second = int(colours[0]), int(colours[1])
    swapped = np.where(g == first, second, first)
    return np.where(swapped == erase, 0, swapped).astype(g.dtype)


def sort_lines(g: Array, axis: int) -> Array:
    """Reorder the rows (``axis=0``) or columns (``axis=1``) by their count of non-zero
    cells, fewest first (top or left), keeping the order of lines with equal counts.

    Covers bars stacked by length: the shortest on top, the longest at the bottom.

    >>> sort_lines(np.array([[1, 1], [0, 0], [2, 0]]), 0).tolist()
    [[0, 0], [2, 0], [1, 1]]
    """
    work = g if axis == 0 else g.T
    order = np.argsort(np.count_nonzero(work, axis=1), kind="stable")
    if np.array_equal(order, np.arange(order.size)):
        raise ValueError("already in order")
    out = work[order]
    return out if axis == 0 else out.T


def fill_largest_empty_box(g: Array, colour: int) -> Array:
    """Paint ``colour`` over the largest rectangle of empty (0) cells at least two cells high
    and wide (a tie between two such rectangles: no).

    Covers the biggest clearing in a noisy field marked out.

    >>> fill_largest_empty_box(np.array([[0, 0, 0, 1], [0, 0, 0, 1], [1, 0, 1, 0]]), 6).tolist()
    [[6, 6, 6, 1], [6, 6, 6, 1], [1, 0, 1, 0]]
    """
    h = g.shape[0]
    empty = g == 0
    best, where, ties = 0, (0, 0, 0, 0), 0
    for top in range(h - 1):
        columns = empty[top].copy()
        for bottom in range(top + 1, h):
            columns &= empty[bottom]
            if not columns.any():
                break
            # the runs of columns empty from ``top`` to ``bottom``
            edges = np.diff(np.concatenate(([0], columns.astype(np.int8), [0])))
            starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
            for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
                area = (bottom - top + 1) * (end - start)
                if end - start < 2 or area < best:
                    continue
                if area == best:
                    ties += 1
                else:
                    best, where, ties = area, (top, start, bottom + 1, end), 0
    if best == 0 or ties:
        raise ValueError("no single largest empty box")
    top, left, bottom, right = where
    out = g.copy()
    out[top:bottom, left:right] = colour
    return out


def cut_across_bands(g: Array) -> Array:
    """Extend every empty (0) cell inside a band of one colour into a line of 0 across the
    band: along its row or its column, whichever run of the band's colour through it is
    shorter (equal runs: no).

    Covers holes punched in wide stripes that become cuts through the stripe.

    >>> cut_across_bands(np.array([[4, 4, 4, 4], [4, 0, 4, 4], [2, 2, 2, 2]])).tolist()
    [[4, 0, 4, 4], [4, 0, 4, 4], [2, 2, 2, 2]]
    """
    h, w = g.shape
    out = g.copy()
    ys, xs = np.nonzero(g == 0)
    if ys.size == 0:
        raise ValueError("no hole")
    for y, x in zip(ys.tolist(), xs.tolist(), strict=True):
        around = [
            g[y + dy, x + dx]
            for dy, dx in ((-1, 0), (1, 0), (0, -1), (0, 1))
            if 0 <= y + dy < h and 0 <= x + dx < w and g[y + dy, x + dx] != 0
        ]
        if not around:
            raise ValueError("a hole outside any band")
        band = np.bincount(around).argmax()
        inside = (g == band) | (g == 0)
        runs = []
        for line, at in ((inside[y], x), (inside[:, x], y)):
            start, end = at, at + 1
            while start > 0 and line[start - 1]:
                start -= 1
            while end < line.size and line[end]:
                end += 1
            runs.append((end - start, start, end))
        (row_len, r0, r1), (col_len, c0, c1) = runs
        if row_len == col_len:
            raise ValueError("the band runs as far both ways")
        if row_len < col_len:
            out[y, r0:r1] = 0
        else:
            out[c0:c1, x] = 0
    return out
