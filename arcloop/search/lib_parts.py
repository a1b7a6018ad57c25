"""Parts: grids split at separator lines (or into equal halves) and the parts combined.

A separator is a full row or column of one non-zero colour. Splitting along an axis gives the
parts between separators; with no separator, ``parts`` gives ``n`` equal slices. Combining
overlays the parts as boolean masks (and, or, xor, ...; the result is 1 where true, 0 elsewhere,
so a learned colour map paints it) or by precedence (first non-zero wins). A 2-D separator
lattice gives cells, which can be selected or summarised one pixel per cell, or rewritten in
place: the fullest cells filled, a key cell blown up onto the lattice, a marked cell moved to
the place its marker points to.

Like every ``lib_*`` module, these functions are emitted verbatim into programs.

Not here: parts of unequal size, or separators that stop short of the grid's edge.
"""

from __future__ import annotations

import numpy as np

from arcloop.search.grids import Array
from arcloop.search.lib_geometry import bbox


def separator_lines(g: Array, axis: int, colour: int) -> list[int]:
    """Indices of the rows (axis 0) or columns (axis 1) made only of ``colour``."""
    lines = g if axis == 0 else g.T
    if lines.shape[1] < 2:
        return []
    return [i for i, line in enumerate(lines) if np.all(line == colour)]


def separator_colours(g: Array) -> list[int]:
    """Non-zero colours that fill at least one whole row or column, most lines first."""
    counts = np.zeros(10, dtype=int)
    for lines in (g, g.T):
        if lines.shape[1] >= 2:
            uniform = np.all(lines == lines[:, :1], axis=1) & (lines[:, 0] != 0)
            counts += np.bincount(lines[uniform, 0], minlength=10)
    return [int(c) for c in np.argsort(-counts, kind="stable") if counts[c] > 0]


def split_at(g: Array, axis: int, cuts: list[int]) -> list[Array]:
    """The non-empty slices between the given separator indices along ``axis``."""
    pieces = []
    start = 0
    for cut in [*cuts, g.shape[axis]]:
        if cut > start:
            pieces.append(g[start:cut] if axis == 0 else g[:, start:cut])
        start = cut + 1
    return pieces


def parts(g: Array, axis: int, n: int) -> list[Array]:
    """Equal-shaped parts along ``axis``: between separator lines, else ``n`` equal slices.

    Separators are lines of one colour; the first colour whose lines cut the grid into at
    least two parts of one shape is used.
    """
    for colour in separator_colours(g):
        cuts = separator_lines(g, axis, colour)
        pieces = split_at(g, axis, cuts)
        if cuts and len(pieces) >= 2 and all(p.shape == pieces[0].shape for p in pieces):
            return pieces
    size = g.shape[axis]
    if size % n:
        raise ValueError("not divisible")
    step = size // n
    return [
        g[i * step : (i + 1) * step] if axis == 0 else g[:, i * step : (i + 1) * step]
        for i in range(n)
    ]


def combine_parts(g: Array, axis: int, n: int, op: str) -> Array:
    """Combine the parts' non-zero masks cell by cell; 1 where ``op`` holds, else 0.

    ``op``: ``"and"``, ``"or"``, ``"xor"`` (exactly one part set), ``"nor"`` (none set),
    ``"first_only"`` (set in the first part and no other), ``"last_only"``.
    """
    masks = np.array([p != 0 for p in parts(g, axis, n)])
    count = masks.sum(axis=0)
    if op == "and":
        out = count == len(masks)
    elif op == "or":
        out = count > 0
    elif op == "xor":
        out = count == 1
    elif op == "nor":
        out = count == 0
    elif op == "first_only":
        out = masks[0] & (count == 1)
    elif op == "last_only":
        out = masks[-1] & (count == 1)
    else:
        raise ValueError(op)
    result: Array = out.astype(g.dtype)
    return result


def overlay_parts(g: Array, axis: int, n: int, reverse: bool) -> Array:
    """Stack the parts: each cell takes the first non-zero value (last first if ``reverse``)."""
    pieces = parts(g, axis, n)
    if reverse:
        pieces = pieces[::-1]
    out = pieces[0].copy()
    for p in pieces[1:]:
        out = np.where(out == 0, p, out)
    return out


def part(g: Array, axis: int, n: int, index: int) -> Array:
    """One part, by index (negative counts from the end)."""
    pieces = parts(g, axis, n)
    return pieces[index]


def key_and_pattern(g: Array) -> tuple[Array, Array]:
    """A colour key and a one-colour pattern: the only two non-empty pieces of the grid,
    its halves across its longer side, else cut by separator lines; the pattern piece has one
    colour, the key more but not that one (its zero cells included). Failing those, the box
    of the most common colour (outside the key) is the pattern and the box of the other
    colours, when no row or column of it is empty, the key."""
    h, w = g.shape
    tries = []
    if h > w and h % 2 == 0:
        tries.append([g[: h // 2], g[h // 2 :]])
    if w > h and w % 2 == 0:
        tries.append([g[:, : w // 2], g[:, w // 2 :]])
    for colour in separator_colours(g)[:1]:
        cols = separator_lines(g, 1, colour)
        tries.append(
            [
                piece
                for band in split_at(g, 0, separator_lines(g, 0, colour))
                for piece in split_at(band, 1, cols)
            ]
        )
    for pieces in tries:
        pieces = [p for p in pieces if p.any()]
        if len(pieces) != 2:
            continue
        counts = [len(np.unique(p[p != 0])) for p in pieces]
        if sorted(counts)[0] == 1 and sorted(counts)[1] >= 2:
            pattern, key = pieces if counts[0] == 1 else pieces[::-1]
            if not np.any(key == pattern.max()):
                return key, pattern
    # else the most common colour's box is the pattern, the other colours' box the key
    tally = np.bincount(g.ravel(), minlength=10)
    tally[0] = 0
    colour = int(tally.argmax())
    if np.count_nonzero(tally == tally[colour]) == 1:
        rest = (g != 0) & (g != colour)
        if rest.any():
            ktop, kleft, kbottom, kright = bbox(rest)
            same = g == colour
            same[ktop:kbottom, kleft:kright] = False
            top, left, bottom, right = bbox(same)
            key = g[ktop:kbottom, kleft:kright]
            compact = key.any(axis=0).all() and key.any(axis=1).all()
            if compact and len(np.unique(key[key != 0])) >= 2:
                return key, np.where(same, g, 0)[top:bottom, left:right]
    raise ValueError("no key and pattern")


def paint_pattern(g: Array, mode: str) -> Array:
    """Colour a one-colour pattern by a colour key (``key_and_pattern``): ``"kron"``, a copy
    of the pattern per key cell in that cell's colour; ``"scale"``, the key blown up to the
    pattern's size and kept where the pattern is set; ``"shrink"``, the key kept where the
    pattern, shrunk to the key's size (a block counts when any of its cells is set), is set."""
    key, pattern = key_and_pattern(g)
    mask = (pattern != 0).astype(g.dtype)
    if mode == "kron":
        return np.kron(key, mask)
    (kh, kw), (ph, pw) = key.shape, pattern.shape
    if ph % kh or pw % kw:
        raise ValueError("pattern is not a multiple of the key")
    if mode == "shrink":
        blocks = mask.reshape(kh, ph // kh, kw, pw // kw).max(axis=(1, 3))
        return np.where(blocks != 0, key, 0).astype(g.dtype)
    if mode != "scale":
        raise ValueError(mode)
    big: Array = np.repeat(np.repeat(key, ph // kh, axis=0), pw // kw, axis=1)
    return np.where(mask != 0, big, 0).astype(g.dtype)


def overlay_blocks(g: Array, rows: int, cols: int, order: tuple[int, ...]) -> Array:
    """Cut the grid into ``rows`` x ``cols`` equal blocks (numbered in reading order) and
    lay them on one another in ``order``, the last on top; zero cells let lower ones show."""
    h, w = g.shape
    if h % rows or w % cols:
        raise ValueError("not divisible")
    bh, bw = h // rows, w // cols
    blocks = [g[y : y + bh, x : x + bw] for y in range(0, h, bh) for x in range(0, w, bw)]
    out = np.zeros((bh, bw), dtype=g.dtype)
    for i in order:
        out = np.where(blocks[i] != 0, blocks[i], out)
    return out


def cells(g: Array) -> list[list[Array]]:
    """The cells of a lattice of separator rows and columns (one colour), as rows of cells."""
    colours = separator_colours(g)
    if not colours:
        raise ValueError("no separators")
    rows = separator_lines(g, 0, colours[0])
    cols = separator_lines(g, 1, colours[0])
    return [split_at(band, 1, cols) for band in split_at(g, 0, rows)]


def select_cell(g: Array, selector: str) -> Array:
    """The one cell of a separator lattice that a selector picks (ties raise).

    ``selector``: ``"most_filled"``, ``"least_filled"`` (count of non-zero cells),
    ``"most_colours"``, ``"least_colours"``, ``"odd_one"`` (the cell unlike all others).
    """
    flat = [c for row in cells(g) for c in row]
    if len(flat) < 2:
        raise ValueError("one cell")
    if selector == "odd_one":
        keys = [c.tobytes() + bytes(str(c.shape), "ascii") for c in flat]
        odd = [c for c, k in zip(flat, keys, strict=True) if keys.count(k) == 1]
        if len(odd) != 1:
            raise ValueError("no odd cell")
        return odd[0]
    if selector.endswith("filled"):
        values = [int(np.count_nonzero(c)) for c in flat]
    else:
        values = [len(np.unique(c[c != 0])) for c in flat]
    best = max(values) if selector.startswith("most") else min(values)
    if values.count(best) != 1:
        raise ValueError("tie")
    return flat[values.index(best)]


def summarise_cells(g: Array) -> Array:
    """One pixel per lattice cell: the cell's most common non-zero colour, or 0."""
    grid = cells(g)
    width = len(grid[0])
    if any(len(row) != width for row in grid):
        raise ValueError("ragged lattice")
    out = np.zeros((len(grid), width), dtype=g.dtype)
    for r, row in enumerate(grid):
        for c, cell in enumerate(row):
            counts = np.bincount(cell.ravel(), minlength=10)
            counts[0] = 0
            out[r, c] = int(counts.argmax()) if counts.max() else 0
    return out


def summarise_gaps(g: Array) -> Array:
    """One pixel per block between empty rows and columns: the block's most common non-zero
    colour (blocks with none raise)."""
    rows = [i for i in range(g.shape[0]) if not g[i].any()]
    cols = [j for j in range(g.shape[1]) if not g[:, j].any()]
    if not rows and not cols:
        raise ValueError("no empty lines")
    grid = [split_at(band, 1, cols) for band in split_at(g, 0, rows)]
    out = np.zeros((len(grid), len(grid[0])), dtype=g.dtype)
    for r, row in enumerate(grid):
        for c, cell in enumerate(row):
            counts = np.bincount(cell.ravel(), minlength=10)
            counts[0] = 0
            if not counts.any():
                raise ValueError("an empty block")
            out[r, c] = int(counts.argmax())
    return out


def remove_separators(g: Array) -> Array:
    """Delete every separator row and column."""
    colours = separator_colours(g)
    if not colours:
        raise ValueError("no separators")
    rows = separator_lines(g, 0, colours[0])
    cols = separator_lines(g, 1, colours[0])
    keep_r = np.ones(g.shape[0], dtype=bool)
    keep_r[rows] = False
    keep_c = np.ones(g.shape[1], dtype=bool)
    keep_c[cols] = False
    return g[keep_r][:, keep_c]


def overlay_cells(g: Array, reverse: bool) -> Array:
    """Stack all cells of a separator lattice (reading order; the last first if ``reverse``):
    each position takes the first non-zero value."""
    flat = [c for row in cells(g) for c in row]
    if len(flat) < 2 or any(c.shape != flat[0].shape for c in flat):
        raise ValueError("cells differ in shape")
    if reverse:
        flat = flat[::-1]
    out = flat[0].copy()
    for c in flat[1:]:
        out = np.where(out == 0, c, out)
    return out


def broadcast_cells(g: Array, mark: bool) -> Array:
    """Lay the stack of all cells of a separator lattice (``overlay_cells``) into the 0 cells of
    every cell, so that each shows the whole pattern; with ``mark`` the cells so added take
    the separator colour instead of the pattern's."""
    pattern = overlay_cells(g, False)
    colour = separator_colours(g)[0]
    out = g.copy()
    for row in cells(out):  # views into ``out``
        for cell in row:
            add = (cell == 0) & (pattern != 0)
            cell[add] = colour if mark else pattern[add]
    if np.array_equal(out, g):
        raise ValueError("every cell shows the pattern already")
    return out


def copy_to_marked_cells(g: Array) -> Array:
    """Copy the fullest cell of a separator lattice over every other cell that holds anything
    (a mark): a pattern pasted into the cells that ask for it; empty cells stay empty.

    Covers lattices where one cell shows a pattern and a dot or hole in some other cells
    marks where it goes. Raises when two cells tie as the fullest, no other cell is marked,
    or a marked cell's shape differs from the pattern's.

    >>> g = np.array([[2, 2, 5, 0, 0, 5, 1, 0], [2, 0, 5, 0, 0, 5, 0, 0]])
    >>> copy_to_marked_cells(g).tolist()
    [[2, 2, 5, 0, 0, 5, 2, 2], [2, 0, 5, 0, 0, 5, 2, 0]]
    """
    out = g.copy()
    flat = [c for row in cells(out) for c in row]  # views into ``out``
    counts = [int(np.count_nonzero(c)) for c in flat]
    best = max(counts)
    if counts.count(best) != 1:
        raise ValueError("no single fullest cell")
    pattern = flat[counts.index(best)].copy()
    marked = [c for c, n in zip(flat, counts, strict=True) if 0 < n < best]
    if not marked:
        raise ValueError("no marked cell")
    for cell in marked:
        if cell.shape != pattern.shape:
            raise ValueError("cells of different shapes")
        cell[...] = pattern
    return out


def cell_grid(g: Array, ky: int, kx: int) -> list[list[Array]]:
    """The grid as rows of cells: ``ky`` x ``kx`` blocks, or (``ky`` 0) the cells of a
    separator lattice, which must form a full table."""
    if ky == 0:
        grid = cells(g)
        if (
            not grid
            or len(grid) * len(grid[0]) < 2
            or any(len(row) != len(grid[0]) for row in grid)
        ):
            raise ValueError("no lattice of cells")
        return grid
    h, w = g.shape
    if h % ky or w % kx:
        raise ValueError("not divisible")
    return [[g[y : y + ky, x : x + kx] for x in range(0, w, kx)] for y in range(0, h, ky)]


def cell_key(cell: Array, feature: str) -> object:
    """A literal describing one cell: ``"count"`` (its non-zero cells), ``"colours"`` (its
    non-zero colours, sorted) or ``"mask"`` (rows of ``#`` and ``.`` where it is non-zero)."""
    if feature == "count":
        return int(np.count_nonzero(cell))
    if feature == "colours":
        return tuple(int(c) for c in np.unique(cell) if c != 0)
    if feature == "mask":
        return tuple("".join("#" if v else "." for v in row) for row in cell != 0)
    raise ValueError(feature)


def cell_table(
    g: Array, ky: int, kx: int, feature: str, table: tuple[tuple[object, int], ...]
) -> Array:
    """One pixel per cell (``cell_grid``): the colour a learned table of (feature, colour)
    pairs gives the cell's feature (``cell_key``); a feature not in the table raises."""
    grid = cell_grid(g, ky, kx)
    colours = dict(table)
    out = np.zeros((len(grid), len(grid[0])), dtype=g.dtype)
    for r, row in enumerate(grid):
        for c, cell in enumerate(row):
            key = cell_key(cell, feature)
            if key not in colours:
                raise ValueError("feature not in the table")
            out[r, c] = colours[key]
    return out


def grid_parts(g: Array, axis: int, n: int) -> list[Array]:
    """Parts along ``axis`` (``parts``), or (``axis`` 2) the cells of a separator lattice in
    reading order."""
    if axis == 2:
        return [c for row in cells(g) for c in row]
    return parts(g, axis, n)


PART_MEASURES = ("filled", "colours", "symmetry", "same", *(f"count_{c}" for c in range(1, 10)))
"""Numbers a learned part selector may pick a part by, most general first."""


def part_measure(pieces: list[Array], measure: str) -> list[int]:
    """One number per part: ``"filled"`` (non-zero cells), ``"colours"`` (distinct non-zero
    colours), ``"symmetry"`` (how many of its mirror and diagonal symmetries hold),
    ``"same"`` (how many parts equal it), ``"count_<c>"`` (its cells of colour ``c``)."""
    if measure == "filled":
        return [int(np.count_nonzero(p)) for p in pieces]
    if measure == "colours":
        return [len(np.unique(p[p != 0])) for p in pieces]
    if measure == "symmetry":
        return [
            int(np.array_equal(p, p[:, ::-1]))
            + int(np.array_equal(p, p[::-1]))
            + int(p.shape[0] == p.shape[1] and np.array_equal(p, p.T))
            + int(p.shape[0] == p.shape[1] and np.array_equal(p, p[::-1, ::-1].T))
            for p in pieces
        ]
    if measure == "same":
        keys = [bytes(str(p.shape), "ascii") + p.tobytes() for p in pieces]
        return [keys.count(k) for k in keys]
    if measure.startswith("count_"):
        return [int(np.count_nonzero(p == int(measure[6:]))) for p in pieces]
    raise ValueError(measure)


def part_selected(g: Array, axis: int, n: int, measure: str, most: bool) -> Array:
    """The one part (``grid_parts``) with the most (or least) of a measure
    (``part_measure``); fewer than two parts, or a tie, raise."""
    pieces = grid_parts(g, axis, n)
    if len(pieces) < 2:
        raise ValueError("one part")
    values = part_measure(pieces, measure)
    best = max(values) if most else min(values)
    if values.count(best) != 1:
        raise ValueError("tie")
    return pieces[values.index(best)]


def fill_fullest_cells(g: Array) -> Array:
    """In a separator lattice, fill each cell holding the most non-zero cells (ties: all of
    them) with its most common non-zero colour, and empty every other cell.

    Covers a lattice whose fullest cell is chosen and drawn solid, the rest wiped.

    >>> fill_fullest_cells(np.array([[1, 0, 5, 2, 0], [0, 1, 5, 0, 0]])).tolist()
    [[1, 1, 5, 0, 0], [1, 1, 5, 0, 0]]
    """
    out = g.copy()
    flat = [c for row in cells(out) for c in row]
    counts = [int(np.count_nonzero(c)) for c in flat]
    best = max(counts)
    if best == 0 or len(flat) < 2:
        raise ValueError("no cell to fill")
    for cell, n in zip(flat, counts, strict=True):
        if n == best:
            cell[...] = np.bincount(cell[cell != 0]).argmax()
        else:
            cell[...] = 0
    return out


def expand_cell(g: Array, selector: str) -> Array:
    """In a separator lattice of as many rows and columns of cells as each cell has rows and
    columns, fill every cell wholly with one colour of the cell ``select_cell`` picks: the
    colour at the place the cell holds in the lattice.

    Covers a lattice whose odd cell is the key: its picture blown up onto the whole lattice.

    >>> g = np.array([[1, 0, 5, 2, 3], [0, 0, 5, 4, 1], [5] * 5, [6, 7, 5, 8, 9], [1, 2, 5, 3, 4]])
    >>> expand_cell(g, "least_filled")[:2].tolist()
    [[1, 1, 5, 0, 0], [1, 1, 5, 0, 0]]
    """
    key = select_cell(g, selector)
    out = g.copy()
    grid = cells(out)
    if len(grid) != key.shape[0] or any(len(row) != key.shape[1] for row in grid):
        raise ValueError("the key cell does not match the lattice")
    for i, row in enumerate(grid):
        for j, cell in enumerate(row):
            cell[...] = key[i, j]
    return out


def move_marked_cell(g: Array, colour: int) -> Array:
    """In a separator lattice with as many rows and columns of cells as each cell has, copy
    the one cell holding ``colour`` to the cell whose place in the lattice is the place of
    ``colour`` inside it, and empty every other cell.

    Covers a lattice where a marker inside one cell points to where that cell belongs.

    >>> g = np.array([[0, 4, 5, 1, 0], [2, 0, 5, 0, 3], [5] * 5, [0, 0, 5, 0, 0], [1, 0, 5, 0, 0]])
    >>> move_marked_cell(g, 4)[:2].tolist()
    [[0, 0, 5, 0, 4], [0, 0, 5, 2, 0]]
    """
    out = g.copy()
    grid = cells(out)
    marked = [cell.copy() for row in grid for cell in row if np.any(cell == colour)]
    if len(marked) != 1:
        raise ValueError("not one marked cell")
    (key,) = marked
    places = np.argwhere(key == colour)
    if len(places) != 1:
        raise ValueError("not one marker")
    (y, x) = places[0]
    if len(grid) != key.shape[0] or any(len(row) != key.shape[1] for row in grid):
        raise ValueError("the lattice does not match the cell")
    for i, row in enumerate(grid):
        for j, cell in enumerate(row):
            cell[...] = key if (i, j) == (y, x) else 0
    return out
