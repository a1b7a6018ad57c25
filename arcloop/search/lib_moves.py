"""Moves: whole objects shifted as rigid bodies, and grids fitted to a known output size.

``fall_objects`` lets objects drop as units (cell-wise gravity is ``lib_paint.gravity``);
``move_to_contact`` slides the cells of one colour towards the rest of the picture, in the
direction where the rest lies, until they touch; ``objects_to_contact`` slides each object
on its own towards the anchor in line with it; ``attract_to_lines`` pulls each piece to the
straight line of its own colour and drops pieces that have none. ``tile_to`` and
``scale_to`` fit a grid to the output size the train pairs share (the catalogue passes it
only when they share one); ``roll_by_markers`` drops marker lines from the border and
rolls the rest by their markers. ``shift_picture`` moves everything by one fixed step,
``step_toward`` moves one colour a single step towards the rest, and ``align_objects`` lines
pieces up with a reference colour.

Like every ``lib_*`` module, these functions are emitted verbatim into programs: numpy only,
no module-level names but other primitives, ``ValueError`` when they do not apply.

Not here: moves that need a learned offset per object, or rotation of single objects.
"""

from __future__ import annotations

import numpy as np

from arcloop.search.grids import Array
from arcloop.search.lib_geometry import bbox
from arcloop.search.lib_objects import find_objects
from arcloop.search.lib_paint import rays_along, slide_block


def fall_objects(g: Array, direction: str) -> Array:
    """Let every object (8-connected, any colours) fall towards ``"down"``, ``"up"``,
    ``"left"`` or ``"right"`` as one rigid block, until it rests on the edge or on another
    object; the objects nearest that edge fall first."""
    turns = {"down": 0, "left": 1, "up": 2, "right": 3}[direction]
    work = np.rot90(g, turns)
    h = work.shape[0]
    objects = find_objects(work, True, True, 0)
    if not 1 <= len(objects) <= 12:
        raise ValueError("no objects, or too many to stack")
    objects.sort(key=lambda m: -bbox(m)[2])
    out = np.zeros_like(work)
    rows = np.arange(h)[:, None]
    for mask in objects:
        ys, xs = np.nonzero(mask)
        # the room below each cell: rows down to the first filled cell of ``out`` (or the edge)
        below = (out[:, xs] != 0) & (rows > ys)
        first = np.where(below.any(axis=0), below.argmax(axis=0), h)
        k = int((first - ys - 1).min())
        out[ys + k, xs] = work[ys, xs]
    if np.array_equal(out, work):
        raise ValueError("nothing falls")
    return np.rot90(out, -turns)


def move_to_contact(g: Array, colour: int) -> Array:
    """Slide all cells of ``colour`` together towards the other non-zero cells (which must lie
    wholly above, below, left or right of them) until they touch them."""
    mover = g == colour
    rest = np.where(mover, 0, g)
    if not mover.any() or not rest.any():
        raise ValueError("nothing to move, or nothing to move to")
    top, left, bottom, right = bbox(mover)
    top2, left2, bottom2, right2 = bbox(rest != 0)
    if bottom2 <= top:
        dy, dx = -1, 0
    elif top2 >= bottom:
        dy, dx = 1, 0
    elif right2 <= left:
        dy, dx = 0, -1
    elif left2 >= right:
        dy, dx = 0, 1
    else:
        raise ValueError("the rest is not on one side")
    return slide_block(g, colour, dy, dx)


def tile_to(g: Array, h: int, w: int) -> Array:
    """Continue the grid's pattern to ``h`` x ``w``: repeat its smallest repeating tile (the
    whole grid when it does not repeat) across and down from the top-left corner."""
    if (h, w) == g.shape:
        raise ValueError("already that size")
    rows, cols = g.shape
    py = next(p for p in range(1, rows + 1) if np.array_equal(g[p:], g[: rows - p]))
    px = next(p for p in range(1, cols + 1) if np.array_equal(g[:, p:], g[:, : cols - p]))
    return np.tile(g[:py, :px], (-(-h // py), -(-w // px)))[:h, :w]


def scale_to(g: Array, h: int, w: int) -> Array:
    """Blow every cell up into a block so that the grid becomes ``h`` x ``w`` (whole factors)."""
    if h % g.shape[0] or w % g.shape[1] or (h, w) == g.shape:
        raise ValueError("not a whole, non-trivial factor")
    return np.repeat(np.repeat(g, h // g.shape[0], axis=0), w // g.shape[1], axis=1)


def roll_by_markers(g: Array) -> Array:
    """Remove the marker lines on the grid's border and roll the rest by the markers.

    A marker line is a first or last row or column of one colour but for one cell (the
    marker), of a colour found at most twice in the grid; a corner where two such lines
    meet does not count. The rest of the grid is rolled along the line (wrapping round:
    down for a column, right for a row) by the marker's index in it.

    >>> g = np.array([[5, 1, 1, 1], [5, 3, 3, 3], [2, 4, 4, 4], [5, 7, 7, 7]])
    >>> roll_by_markers(g).tolist()
    [[4, 4, 4], [7, 7, 7], [1, 1, 1], [3, 3, 3]]
    """
    h, w = g.shape
    if h < 3 or w < 3:
        raise ValueError("too small")
    sides = {"top": g[0], "bottom": g[-1], "left": g[:, 0], "right": g[:, -1]}
    rare = np.bincount(g.ravel(), minlength=10) <= 2
    odd: dict[str, list[int]] = {}
    for side, line in sides.items():
        counts = np.bincount(line, minlength=10)
        found = [int(i) for i in np.flatnonzero(line != counts.argmax()) if rare[line[i]]]
        if counts.max() >= max(3, len(line) - 2) and found:
            odd[side] = found
    # the lines meeting each side's first and last cell
    ends = {
        "top": ("left", "right"),
        "bottom": ("left", "right"),
        "left": ("top", "bottom"),
        "right": ("top", "bottom"),
    }
    markers: dict[str, int] = {}
    for side, found in odd.items():
        corners = {0: ends[side][0], len(sides[side]) - 1: ends[side][1]}
        inner = [i for i in found if corners.get(i) not in odd]
        if len(inner) == 1:
            markers[side] = inner[0]
    if not markers or {"top", "bottom"} <= markers.keys() or {"left", "right"} <= markers.keys():
        raise ValueError("no marker lines, or on opposite sides")
    top = int("top" in markers)
    left = int("left" in markers)
    out = g[top : h - int("bottom" in markers), left : w - int("right" in markers)]
    for side, index in markers.items():
        if side in ("left", "right"):
            out = np.roll(out, index - top, axis=0)
        else:
            out = np.roll(out, index - left, axis=1)
    return out


def objects_to_contact(g: Array, diagonal: bool, trail: bool) -> Array:
    """Slide the objects of every colour that forms several objects, each on its own, towards
    the nearest cell of a colour that forms one object only (an anchor) in line with it, until
    it touches it: along its rows or columns (the direction in which it would meet one
    soonest), else (with ``diagonal``) along a diagonal. Anchors stay, and so does an object
    that meets none. With ``trail`` the objects stay where they are too and paint the way they
    would go. Raises when there is no anchor or nothing moves, or two directions are equally
    near."""
    objects = find_objects(g, False, False, 0)
    colours = [int(g[m][0]) for m in objects]
    anchor_colours = [c for c in set(colours) if colours.count(c) == 1]
    movers = [(m, c) for m, c in zip(objects, colours, strict=True) if c not in anchor_colours]
    if not anchor_colours or not movers or len(movers) > 30:
        raise ValueError("no anchors, or nothing to move, or too much")
    anchors = np.isin(g, anchor_colours).astype(g.dtype)
    h, w = g.shape
    far = 2 * (h + w)
    labels = np.full((h, w), -1)
    for k, (mask, _) in enumerate(movers):
        labels[mask] = k
    ids = labels[labels >= 0]
    ys, xs = np.nonzero(labels >= 0)
    n = len(movers)
    sides = [np.full(n, h), np.full(n, -1), np.full(n, w), np.full(n, -1)]
    for side, values, extreme in zip(sides, (ys, ys, xs, xs), "lhlh", strict=True):
        (np.minimum if extreme == "l" else np.maximum).at(side, ids, values)
    top, bottom, left, right = sides
    where = np.arange(1, h * w + 1).reshape(h, w)
    orthogonal = [(-1, 0), (1, 0), (0, -1), (0, 1)]
    diagonals = [(-1, -1), (-1, 1), (1, -1), (1, 1)] if diagonal else []
    choices = []  # per family of directions: (steps to meet an anchor, per object x direction)
    for family in (orthogonal, diagonals):
        meets = np.full((n, len(family)), far)
        for d, (dy, dx) in enumerate(family):
            # rays shot back from the anchors carry where they start: the steps ahead to one
            start = rays_along(where, anchors, False, -dy, -dx) - 1
            ahead = np.abs(start // w - np.arange(h)[:, None] if dy else start % w - np.arange(w))
            steps = np.where(start >= 0, ahead, far)[ys, xs]
            np.minimum.at(meets[:, d], ids, steps)
            # the step at which the object would leave the grid instead
            leave = np.full(n, far)
            if dy:
                leave = np.minimum(leave, h - bottom if dy > 0 else top + 1)
            if dx:
                leave = np.minimum(leave, w - right if dx > 0 else left + 1)
            meets[:, d] = np.where(meets[:, d] < leave, meets[:, d], far)
        choices.append((family, meets))
    out = np.where(anchors, g, 0)
    moved = False
    for k, (mask, colour) in enumerate(movers):
        steps, dy, dx = 1, 0, 0
        for family, meets in choices:
            row = meets[k]
            if len(row) and row.min() < far:
                if np.count_nonzero(row == row.min()) > 1:
                    raise ValueError("two directions equally near")
                steps = int(row.min())
                dy, dx = family[int(row.argmin())]
                break
        cy, cx = np.nonzero(mask)
        for step in range(steps) if trail else (steps - 1,):
            ny, nx = cy + step * dy, cx + step * dx
            out[ny, nx] = np.where(out[ny, nx] == 0, colour, out[ny, nx])
        moved = moved or steps > 1
    if not moved:
        raise ValueError("nothing moves")
    return out


def nearest_pull(
    mask: Array, colour: int, lines: list[tuple[int, int, int, int, int]]
) -> tuple[int, int, int] | None:
    """(cells to move, dy, dx) that bring the piece ``mask`` to touch the nearest line of its
    ``colour`` (lines as (colour, top, left, bottom, right)), or None when no line lies
    wholly beside it. Raises when two lines are equally near."""
    top, left, bottom, right = bbox(mask)
    pulls = []
    for c, t, le, b, r in lines:
        if c != colour:
            continue
        if b - t == 1 and le <= left and right <= r:
            if t >= bottom:
                pulls.append((t - bottom, 1, 0))
            elif t < top:
                pulls.append((top - t - 1, -1, 0))
        elif r - le == 1 and t <= top and bottom <= b:
            if le >= right:
                pulls.append((le - right, 0, 1))
            elif le < left:
                pulls.append((left - le - 1, 0, -1))
    if not pulls:
        return None
    pulls.sort()
    if len(pulls) > 1 and pulls[0][0] == pulls[1][0]:
        raise ValueError("two lines equally near")
    return pulls[0]


def attract_to_lines(g: Array, diagonal: bool = False, pile: bool = False) -> Array:
    """Move every piece straight towards the line of its own colour until it touches it; a
    piece with no such line vanishes.

    Lines are the one-colour, 4-connected objects that are straight (one row or one column)
    and at least 3 cells long; pieces are the other one-colour objects (4-connected, or
    8-connected when ``diagonal``). A piece's line must lie wholly beside it, across rows (a
    horizontal line) or columns (a vertical one) that span the piece; the nearest one pulls
    it. Lines stay. With ``pile`` the pieces move nearest first and each stops early where it
    would run into a line or a piece already moved (pieces pile up against their wall, as in
    magnets pulling scattered bits to the border of their colour); without it, pieces pass
    through one another. Raises when there is no line or no piece, nothing moves, or two
    lines are equally near.

    >>> g = np.array([[2, 0, 2, 2], [2, 0, 0, 0], [2, 0, 2, 0]])
    >>> attract_to_lines(g, diagonal=True, pile=True).tolist()
    [[2, 2, 2, 0], [2, 0, 0, 0], [2, 2, 0, 0]]
    """
    lines, pieces = [], []
    loose = g.copy()  # the cells of no line
    for mask in find_objects(g, False, False, 0):
        top, left, bottom, right = bbox(mask)
        length = max(bottom - top, right - left)
        straight = min(bottom - top, right - left) == 1 and int(mask.sum()) == length
        if straight and length >= 3:
            lines.append((int(g[mask][0]), top, left, bottom, right))
            loose[mask] = 0
        elif not diagonal:
            pieces.append(mask)
    if diagonal:
        pieces = find_objects(loose, True, False, 0)
    if not lines or not pieces:
        raise ValueError("no line, or no piece")
    out = g.copy()
    for mask in pieces:
        out[mask] = 0
    moves = []  # (cells to move, reading order, piece, dy, dx)
    for k, mask in enumerate(pieces):
        pull = nearest_pull(mask, int(g[mask][0]), lines)
        if pull is not None:
            moves.append((pull[0], k, mask, pull[1], pull[2]))
    if pile:
        moves.sort(key=lambda move: move[:2])
    for n, _, mask, dy, dx in moves:
        ys, xs = np.nonzero(mask)
        if pile:  # stop before the first step that runs into something already there
            n = next((k - 1 for k in range(1, n + 1) if out[ys + k * dy, xs + k * dx].any()), n)
        out[ys + n * dy, xs + n * dx] = g[mask][0]
    if np.array_equal(out, g):
        raise ValueError("nothing moves")
    return out


def long_runs(g: Array, slack: int) -> list[tuple[int, int, int, int, int]]:
    """The walls of a grid: runs of one non-zero colour along a row or column that miss at
    most ``slack`` of its cells and are at least 3 long, as (colour, top, left, bottom,
    right).

    >>> long_runs(np.array([[0, 3, 3, 3], [0, 0, 2, 0], [0, 0, 0, 0]]), 1)
    [(3, 0, 1, 1, 4)]
    >>> long_runs(np.array([[0, 3, 3, 3], [0, 0, 2, 0], [0, 0, 0, 0]]), 0)
    []
    """
    found = []
    for axis, lines in ((0, g), (1, g.T)):
        least = max(3, lines.shape[1] - slack)
        for i, line in enumerate(lines):
            start = 0
            for k in range(1, len(line) + 1):
                if k < len(line) and line[k] == line[start]:
                    continue
                if line[start] != 0 and k - start >= least:
                    box = (i, start, i + 1, k) if axis == 0 else (start, i, k, i + 1)
                    found.append((int(line[start]), *box))
                start = k
    return found


def step_to_lines(g: Array) -> Array:
    """Move every piece one cell towards the wall of its own colour (``long_runs`` missing at
    most two cells of their line), unless it touches it already; pieces with no wall of their
    colour stay.

    Covers grids framed by walls of several colours whose scattered bits each take one step
    towards the wall of their colour. Pieces are one-colour, 8-connected groups of the cells
    of no wall; a wall pulls a piece when it lies wholly beside it (``nearest_pull``).
    Raises when there is no wall, 0 is not the most common colour, or nothing moves.

    >>> g = np.array([[3, 3, 3, 3], [0, 0, 0, 0], [0, 3, 0, 2], [0, 0, 0, 0]])
    >>> step_to_lines(g).tolist()
    [[3, 3, 3, 3], [0, 3, 0, 0], [0, 0, 0, 2], [0, 0, 0, 0]]
    """
    lines = long_runs(g, 2)
    if not lines or np.bincount(g.ravel()).argmax() != 0:
        raise ValueError("no wall, or the background is not 0")
    loose = g.copy()
    for _, top, left, bottom, right in lines:
        loose[top:bottom, left:right] = 0
    out = g.copy()
    moves = []
    for mask in find_objects(loose, True, False, 0):
        pull = nearest_pull(mask, int(g[mask][0]), lines)
        if pull is not None and pull[0] > 0:
            moves.append((mask, pull[1], pull[2]))
            out[mask] = 0
    for mask, dy, dx in moves:
        ys, xs = np.nonzero(mask)
        out[ys + dy, xs + dx] = g[mask][0]
    if np.array_equal(out, g):
        raise ValueError("nothing moves")
    return out


def move_by_size(g: Array, direction: str) -> Array:
    """Move every piece towards ``"up"``, ``"down"``, ``"left"`` or ``"right"`` by as many
    cells as it has; walls (``long_runs`` filling a whole row or column) stay.

    Covers pieces that rise from a floor (or drift) by their own size: a piece of three cells
    moves three. Pieces are one-colour, 8-connected groups of the cells of no wall. Raises
    when 0 is not the most common colour, a piece would leave the grid, two pieces would land
    on one cell, or nothing moves.

    >>> g = np.array([[0, 0, 0], [0, 0, 0], [0, 0, 0], [2, 2, 0], [0, 0, 3], [5, 5, 5]])
    >>> move_by_size(g, "up").tolist()
    [[0, 0, 0], [2, 2, 0], [0, 0, 0], [0, 0, 3], [0, 0, 0], [5, 5, 5]]
    """
    if np.bincount(g.ravel()).argmax() != 0:
        raise ValueError("the background is not 0")
    dy, dx = {"up": (-1, 0), "down": (1, 0), "left": (0, -1), "right": (0, 1)}[direction]
    loose = g.copy()
    for _, top, left, bottom, right in long_runs(g, 0):
        loose[top:bottom, left:right] = 0
    h, w = g.shape
    out = np.where(loose != 0, 0, g)
    landed = np.zeros(g.shape, dtype=bool)
    for mask in find_objects(loose, True, False, 0):
        ys, xs = np.nonzero(mask)
        n = len(ys)
        ys, xs = ys + n * dy, xs + n * dx
        if ys.min() < 0 or xs.min() < 0 or ys.max() >= h or xs.max() >= w:
            raise ValueError("a piece leaves the grid")
        if landed[ys, xs].any():
            raise ValueError("two pieces land on one cell")
        landed[ys, xs] = True
        out[ys, xs] = g[mask][0]
    if np.array_equal(out, g):
        raise ValueError("nothing moves")
    return out


def shift_colours(g: Array, table: tuple[tuple[int, int, int], ...]) -> Array:
    """Move all cells of each colour by the colour's offset in ``table`` (rows of colour,
    rows down, columns right); the cells they leave take the grid's most common colour (the
    background).

    Covers scattered pieces that each move a fixed way chosen by their colour (one colour
    goes up two, another left two). Raises when a non-background colour of the grid is not
    in the table, or a cell would leave the grid.

    >>> g = np.array([[0, 0, 0], [0, 2, 3], [0, 0, 0]])
    >>> shift_colours(g, ((2, -1, 0), (3, 1, 0))).tolist()
    [[0, 2, 0], [0, 0, 0], [0, 0, 3]]
    """
    offsets = {c: (dy, dx) for c, dy, dx in table}
    counts = np.bincount(g.ravel(), minlength=10)
    bg = int(counts.argmax())
    present = [c for c in range(10) if counts[c] and c != bg]
    if any(c not in offsets for c in present):
        raise ValueError("a colour without an offset")
    h, w = g.shape
    out = np.where(g == bg, g, bg)
    for c in present:
        dy, dx = offsets[c]
        ys, xs = np.nonzero(g == c)
        ys, xs = ys + dy, xs + dx
        if ys.min() < 0 or xs.min() < 0 or ys.max() >= h or xs.max() >= w:
            raise ValueError("a cell leaves the grid")
        out[ys, xs] = c
    return out


def shift_picture(g: Array, dy: int, dx: int) -> Array:
    """Move every non-zero cell ``dy`` rows down and ``dx`` columns right (negative: up, left)
    at once; none may leave the grid.

    Covers a picture displaced by one fixed step that every train pair shows.

    >>> shift_picture(np.array([[8, 8, 0], [0, 0, 0]]), 1, 0).tolist()
    [[0, 0, 0], [8, 8, 0]]
    """
    h, w = g.shape
    ys, xs = np.nonzero(g)
    if ys.size == 0:
        raise ValueError("nothing to move")
    ny, nx = ys + dy, xs + dx
    if ny.min() < 0 or nx.min() < 0 or ny.max() >= h or nx.max() >= w:
        raise ValueError("the picture would leave the grid")
    out = np.zeros_like(g)
    out[ny, nx] = g[ys, xs]
    return out


def step_toward(g: Array, colour: int) -> Array:
    """Move the cells of ``colour`` one step (along a row, a column or a diagonal) towards
    the middle of the other non-zero cells, as one block; it may not cover them.

    Covers a piece that advances by one cell towards a target each time.

    >>> step_toward(np.array([[3, 0, 0], [0, 0, 0], [0, 0, 4]]), 3).tolist()
    [[0, 0, 0], [0, 3, 0], [0, 0, 4]]
    """
    mover = g == colour
    rest = (g != 0) & ~mover
    if not mover.any() or not rest.any():
        raise ValueError("nothing to move, or nothing to move to")
    top, left, bottom, right = bbox(mover)
    top2, left2, bottom2, right2 = bbox(rest)
    dy = int(np.sign(top2 + bottom2 - top - bottom))
    dx = int(np.sign(left2 + right2 - left - right))
    ys, xs = np.nonzero(mover)
    ny, nx = ys + dy, xs + dx
    h, w = g.shape
    if (dy, dx) == (0, 0) or ny.min() < 0 or nx.min() < 0 or ny.max() >= h or nx.max() >= w:
        raise ValueError("no step to take")
    if rest[ny, nx].any():
        raise ValueError("the step would cover another cell")
    out = np.where(mover, 0, g)
    out[ny, nx] = colour
    return out


def align_objects(g: Array, colour: int, axis: int) -> Array:
    """Move every object (8-connected, one colour) other than those of ``colour`` along the
    columns (``axis=0``) or rows (``axis=1``) so that its top (left) edge lines up with the
    top (left) edge of the cells of ``colour``, which stay.

    Covers pieces scattered at different heights brought into line with a reference piece.

    >>> align_objects(np.array([[2, 0, 0], [0, 0, 1], [0, 0, 0]]), 1, 0).tolist()
    [[0, 0, 0], [2, 0, 1], [0, 0, 0]]
    """
    anchor = g == colour
    if not anchor.any():
        raise ValueError("no reference")
    work = g if axis == 0 else g.T
    anchor = anchor if axis == 0 else anchor.T
    line = bbox(anchor)[0]
    out = np.where(anchor, work, 0)
    moved = False
    for mask in find_objects(np.where(anchor, 0, work), True, False, 0):
        ys, xs = np.nonzero(mask)
        ny = ys + line - int(ys.min())
        if ny.max() >= work.shape[0] or out[ny, xs].any():
            raise ValueError("the piece would leave the grid or cover another")
        out[ny, xs] = work[ys, xs]
        moved |= bool(ny[0] != ys[0])
    if not moved:
        raise ValueError("nothing moves")
    return out if axis == 0 else out.T
